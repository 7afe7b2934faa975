"""The gateway's HTTP side: the web chat page and its endpoints (DESIGN.md "Gateway HTTP").

Each browser gets a signed session cookie (Starlette's SessionMiddleware, itsdangerous); its
chat identity is `web:<session id>`, linked to an ERP account by the same one-time code as a
Telegram chat ("link 482913") or by a one-tap link (`/#link=<token>`, bot/linking.py). The
cookie is HttpOnly and SameSite=Lax, the endpoints take JSON only, and every request that
changes something must come from this page (bot/origin.py), so another site can neither post
into someone's chat nor start them a new one. A session is started by the page itself (a
document navigation), never by an image or frame another site embeds, and a browser's chat is
replaced only when its own page asks for a new one.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pylopdf_fonts_zh_cn
from fastapi import FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, model_validator
from starlette.middleware.sessions import SessionMiddleware

from bot.assistant import Reply
from bot.charts import CHARTS, Chart, ChartSource, file_from
from bot.i18n import DEFAULT, LANGUAGES, N_, _, chat_language, known, speaking
from bot.language import from_locale
from bot.limits import SlidingWindow
from bot.origin import SameOriginOnly
from bot.page import page as page_in
from bot.push import WebPush
from bot.store import GatewayStore

if TYPE_CHECKING:
    from bot.relay import Relay


STATIC = Path(__file__).parent / "static"
# The page's Chinese face (bot/static/chat.css @font-face): Noto Sans SC from the package the
# project installs, the file the ERP's charts use, so a browser without a Chinese font shows
# characters, not boxes. The browser fetches it only for a page with Han characters on it.
CJK_FONT = Path(pylopdf_fonts_zh_cn.sans_path())
CJK_FONT_PATH = "/fonts/NotoSansSC-Regular.otf"
SESSION_COOKIE = "chat_session"
SESSION_DAYS = 30
MAX_TEXT = 2000
CHART_LANGUAGES = "^(" + "|".join(LANGUAGES) + ")$"
# What the page shows when a request is refused (in the chat's language)
UNREADABLE = N_("The message could not be read.")
TOO_MANY = N_("Too many messages in a short time. Please wait a moment.")
OPEN_THE_PAGE = N_("Open the chat page first.")
OPEN_THE_PAGE_TO_START = N_("Open the chat page first: it starts your chat session.")
NO_SUCH_CHART = N_("There is no such chart.")
CHART_NOT_AVAILABLE = N_("The chart is not available.")
NO_SUCH_FILE = N_("There is no such file.")
FILE_NOT_AVAILABLE = N_("The file is not available.")
# The page loads nothing from elsewhere (it must work with no internet).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


class ChatMessage(BaseModel):
    """What the page sends: typed text, or the payload of a button it was offered."""

    text: str | None = Field(default=None, max_length=MAX_TEXT)
    payload: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def one_of_text_or_payload(self) -> ChatMessage:
        has_text = bool(self.text and self.text.strip())
        if has_text == bool(self.payload):
            raise ValueError("send either a non-empty text or a button payload")
        return self


class NewSession(BaseModel):
    """`{"new": true}`: leave this browser's chat behind and start another (the page's own
    choice; a cross-site request never gets here). Without it: this browser's chat."""

    new: bool = False


class LinkToken(BaseModel):
    """The token of a one-tap link the page was opened with."""

    token: str = Field(min_length=1, max_length=64)


class TooFast(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after:.0f} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class WebLimits:
    new_sessions: SlidingWindow  # per client address
    messages: SlidingWindow  # per chat


def create_web_app(
    relay: Relay,
    push: WebPush,
    store: GatewayStore,
    secret: str,
    secure_cookies: bool,
    limits: WebLimits,
    charts: ChartSource,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    allowed_origins: Sequence[str] = (),
) -> FastAPI:
    app = FastAPI(
        title="Sales order assistant: chat gateway",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_DAYS * 24 * 3600,
        same_site="lax",
        https_only=secure_cookies,
    )
    app.add_middleware(SameOriginOnly, allowed_origins=allowed_origins)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    async def language_of(request: Request) -> str:
        """The language to write to this browser in: its chat's (bot/i18n.py), else its
        Accept-Language."""
        locale = request.headers.get("accept-language")
        session = request.scope.get("session") or {}
        if isinstance(session.get("id"), str):
            return await chat_language(store, f"web:{session['id']}", locale)
        return known(from_locale(locale))

    async def refused(request: Request, status: int, code: str, message: str) -> JSONResponse:
        with speaking(await language_of(request)):
            return problem(status, code, _(message))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        # a malformed body is the sender's mistake: 422 with the ERP's error shape, never a 500
        problems = [
            {"field": ".".join(str(part) for part in item["loc"][1:]), "problem": item["msg"]}
            for item in error.errors()
        ]
        with speaking(await language_of(request)):
            return problem(422, "VALIDATION_ERROR", _(UNREADABLE), {"errors": problems})

    @app.exception_handler(TooFast)
    async def too_fast(request: Request, error: TooFast) -> JSONResponse:
        with speaking(await language_of(request)):
            response = problem(
                429,
                "RATE_LIMITED",
                _(TOO_MANY),
                {"retry_after_seconds": round(error.retry_after, 1)},
            )
        response.headers["Retry-After"] = str(max(1, round(error.retry_after)))
        return response

    def chat_of(request: Request, new: bool = False) -> str:
        """This browser's chat identity; a session is started on first use (or when `new`),
        within the limit on new chats, and the old one is kept when that limit refuses."""
        session_id = request.session.get("id")
        if new or not isinstance(session_id, str):
            address = request.client.host if request.client else "unknown"
            wait = limits.new_sessions.try_acquire(address)
            if wait is not None:
                raise TooFast(wait)
            session_id = secrets.token_urlsafe(18)
            request.session["id"] = session_id
        return f"web:{session_id}"

    @app.get("/", include_in_schema=False)
    async def page(request: Request) -> HTMLResponse:
        # The session starts with the page, before its script runs; only when the page is
        # opened as a page: another site's <img src> or frame would use up the address's
        # quota of new chats. The page is in the chat's language (bot/page.py).
        if request.headers.get("sec-fetch-dest", "document") == "document":
            chat_of(request)
        return HTMLResponse(
            page_in(await language_of(request)),
            headers={
                "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                "Cache-Control": "no-cache",
                "X-Content-Type-Options": "nosniff",
                # a one-tap link's token is in the address: it goes nowhere else
                "Referrer-Policy": "no-referrer",
            },
        )

    @app.get(CJK_FONT_PATH, include_in_schema=False)
    async def cjk_font() -> FileResponse:
        """The page's Chinese face (SIL Open Font License), cached by the browser for a week."""
        return FileResponse(
            CJK_FONT,
            media_type="font/otf",
            headers={
                "Cache-Control": "public, max-age=604800",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/chat/session")
    async def start_session(request: Request, body: NewSession | None = None) -> dict[str, str]:
        """This browser's chat, started if it has none; a new one (the old left behind) only
        when the page asks `{"new": true}`; and the language it is answered in."""
        chat = chat_of(request, new=bool(body and body.new))
        locale = request.headers.get("accept-language")
        return {"identity": chat, "language": await chat_language(store, chat, locale)}

    @app.post("/chat/link")
    async def link(body: LinkToken, request: Request) -> dict[str, Any]:
        """Link this browser's chat by a one-tap link's token (the page asks the user first)."""
        chat = chat_of(request)
        wait = limits.messages.try_acquire(chat)
        if wait is not None:
            raise TooFast(wait)
        locale = request.headers.get("accept-language")
        replies = await relay.link(chat, body.token, locale)
        return {
            "replies": [as_json(reply) for reply in replies],
            "language": await chat_language(store, chat, locale),
        }

    @app.post("/chat/messages")
    async def message(body: ChatMessage, request: Request) -> dict[str, Any]:
        """A message or a button press; the answer names the chat's language after it (the
        page's own words follow it)."""
        chat = chat_of(request)
        wait = limits.messages.try_acquire(chat)
        if wait is not None:
            raise TooFast(wait)
        locale = request.headers.get("accept-language")
        if body.payload:
            replies = await relay.press(chat, body.payload, locale)
        else:
            replies = await relay.say(chat, body.text or "", locale)
        return {
            "replies": [as_json(reply) for reply in replies],
            "language": await chat_language(store, chat, locale),
        }

    @app.get("/chat/charts/{name}.png", include_in_schema=False)
    async def chart(
        name: str,
        request: Request,
        year: int = Query(ge=2000, le=2100),
        language: str = Query(default=DEFAULT, pattern=CHART_LANGUAGES),
    ) -> Response:
        """A chart the assistant showed this chat, drawn by the ERP for this chat's account,
        in the language of the turn that showed it (its image URL says which)."""
        if "id" not in request.session:
            return await refused(request, 401, "NO_SESSION", OPEN_THE_PAGE)
        if name not in CHARTS:
            return await refused(request, 404, "NOT_FOUND", NO_SUCH_CHART)
        png = await charts.png(chat_of(request), Chart(name, year, language))
        if png is None:
            return await refused(request, 404, "NOT_FOUND", CHART_NOT_AVAILABLE)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})

    @app.get("/chat/files/{name}.csv", include_in_schema=False)
    async def file(name: str, request: Request, customer: str = Query(max_length=32)) -> Response:
        """A file the assistant offered this chat (a statement), from the ERP for this chat's
        account: another customer's is refused by the ERP."""
        if "id" not in request.session:
            return await refused(request, 401, "NO_SESSION", OPEN_THE_PAGE)
        wanted = file_from({"name": name, "customer": customer})
        if wanted is None:
            return await refused(request, 404, "NOT_FOUND", NO_SUCH_FILE)
        content = await charts.csv(chat_of(request), wanted)
        if content is None:
            return await refused(request, 404, "NOT_FOUND", FILE_NOT_AVAILABLE)
        return Response(
            content,
            media_type="text/csv; charset=utf-8",
            headers={
                "Cache-Control": "private, no-store",
                "Content-Disposition": f'attachment; filename="{wanted.filename}"',
            },
        )

    @app.get("/chat/events")
    async def events(request: Request) -> Response:
        """Server-sent events: messages the gateway pushes to this browser's chat."""
        if "id" not in request.session:
            return await refused(request, 401, "NO_SESSION", OPEN_THE_PAGE_TO_START)
        chat = chat_of(request)

        async def stream() -> AsyncIterator[str]:
            with push.listen(chat) as inbox:
                yield ": connected\n\n"
                # news that came while no page of this chat was open
                for kept in await asyncio.to_thread(store.take_notices, chat):
                    yield f"event: reply\ndata: {kept}\n\n"
                while not await request.is_disconnected():
                    try:
                        reply = await asyncio.wait_for(inbox.get(), timeout=15)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    yield f"event: reply\ndata: {json.dumps(as_json(reply))}\n\n"

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return app


def problem(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    """An error in the ERP's shape (docs/errors.md): a stable code, words, details."""
    return JSONResponse(
        status_code=status, content={"code": code, "message": message, "details": details or {}}
    )


def as_json(reply: Reply) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "text": reply.text,
        "buttons": [{"title": button.title, "payload": button.payload} for button in reply.buttons],
        "image_url": reply.image_url or (reply.chart.web_path if reply.chart else None),
    }
    if reply.file:  # a download the page offers as a link (a statement)
        shown["file"] = {"url": reply.file.web_path, "name": reply.file.filename}
    return shown
