"""Cross-site requests refused: a state-changing request must come from the chat's own page.

The session cookie is SameSite=Lax, so another site's fetch does not carry it, but a form that
another site submits does (a top-level POST navigation), and Lax is a browser's choice, not a
promise. So every request that changes something (any method but GET, HEAD and OPTIONS) is
checked where browsers say where it comes from: `Origin` must be this gateway's own address
(the Host it was asked under, or one of GATEWAY_ALLOWED_ORIGINS behind a proxy that rewrites
Host), and without `Origin`, `Sec-Fetch-Site` must not say another site. A request with
neither header is not from a browser, so it carries no victim's cookie. Telegram's webhook
comes with neither and is checked by its own secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.asgi import client_language, send_problem
from bot.i18n import N_, _, speaking

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED = N_("This request did not come from the chat page. Open the chat page and try again.")


class SameOriginOnly:
    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = {origin.strip().rstrip("/").lower() for origin in allowed_origins if origin}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if self.from_elsewhere(Headers(scope=scope)):
            with speaking(client_language(scope)):
                message = _(REFUSED)
            problem = {"code": "CROSS_SITE_REQUEST", "message": message, "details": {}}
            await send_problem(send, 403, problem)
            return
        await self.app(scope, receive, send)

    def from_elsewhere(self, headers: Headers) -> bool:
        origin = headers.get("origin")
        if origin is None:
            return headers.get("sec-fetch-site", "") in ("cross-site", "same-site")
        origin = origin.strip().rstrip("/").lower()
        if origin in self.allowed:
            return False
        host = headers.get("host", "").strip().lower()
        # "null" (a sandboxed frame, a file) has no host and is refused with anything else
        return not host or urlsplit(origin).netloc != host
