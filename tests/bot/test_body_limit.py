"""The gateway's limit on request bodies (bot/body_limit.py): refused with 413 before they are
read, whether the size is declared (Content-Length) or only counted (chunked)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
from fastapi import FastAPI, Request
from pydantic import BaseModel

from bot.body_limit import BodyLimit
from tests.bot.conftest import Gateway
from tests.bot.peers import RasaRest

LIMIT = 2048


class Note(BaseModel):
    text: str


def limited_app(ran: list[str]) -> BodyLimit:
    """A small app behind the limit: a JSON route, a route that reads its body as a stream,
    and one with a larger limit of its own."""
    app = FastAPI()

    @app.post("/notes")
    async def notes(note: Note) -> dict[str, int]:
        ran.append("notes")
        return {"length": len(note.text)}

    @app.post("/stream")
    async def stream(request: Request) -> dict[str, int]:
        ran.append("stream")
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return {"size": size}

    @app.post("/hook")
    async def hook(request: Request) -> dict[str, int]:
        ran.append("hook")
        return {"size": len(await request.body())}

    return BodyLimit(app, max_bytes=LIMIT, per_path={"/hook": 4 * LIMIT})


def post(app: BodyLimit, path: str, **request: Any) -> httpx.Response:
    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.post(path, **request)

    return asyncio.run(send())


def chunks(total: int, size: int = 512) -> AsyncIterator[bytes]:
    """A body sent without Content-Length (Transfer-Encoding: chunked)."""

    async def body() -> AsyncIterator[bytes]:
        sent = 0
        while sent < total:
            piece = min(size, total - sent)
            sent += piece
            yield b"x" * piece

    return body()


def assert_too_large(response: httpx.Response, limit: int = LIMIT) -> None:
    assert response.status_code == 413, response.text
    assert response.json() == {
        "code": "TOO_LARGE",
        "message": "The request is too large.",
        "details": {"max_bytes": limit},
    }
    assert response.headers["connection"] == "close"


def test_a_declared_body_over_the_limit_is_refused_and_the_handler_never_runs() -> None:
    ran: list[str] = []
    app = limited_app(ran)
    response = post(app, "/notes", json={"text": "x" * LIMIT})
    assert_too_large(response)
    assert ran == []


def test_a_chunked_body_is_counted_and_refused_once_over_the_limit() -> None:
    ran: list[str] = []
    app = limited_app(ran)
    response = post(app, "/stream", content=chunks(LIMIT * 50))
    assert_too_large(response)
    assert ran == ["stream"]  # it ran, and was cut off: it never holds more than the limit
    ran.clear()
    response = post(app, "/notes", content=chunks(LIMIT * 50))
    assert_too_large(response)
    assert ran == []  # the body is read before the handler runs, and that read failed


def test_bodies_within_the_limit_pass_declared_or_chunked() -> None:
    ran: list[str] = []
    app = limited_app(ran)
    assert post(app, "/notes", json={"text": "hello"}).json() == {"length": 5}
    assert post(app, "/stream", content=chunks(LIMIT)).json() == {"size": LIMIT}
    assert ran == ["notes", "stream"]


def test_a_path_may_have_a_larger_limit() -> None:
    ran: list[str] = []
    app = limited_app(ran)
    assert post(app, "/hook", content=b"x" * (3 * LIMIT)).json() == {"size": 3 * LIMIT}
    assert_too_large(post(app, "/hook", content=b"x" * (5 * LIMIT)), 4 * LIMIT)
    assert_too_large(post(app, "/hook", content=chunks(5 * LIMIT)), 4 * LIMIT)
    assert_too_large(post(app, "/notes", content=b"x" * (3 * LIMIT)))
    assert ran == ["hook", "hook"]  # the chunked one was cut off while the handler read it


# -- the gateway process -------------------------------------------------------------------


def body_chunks(total: int) -> Iterator[bytes]:
    yield b'{"text": "'
    for _ in range(total // 1024):
        yield b"x" * 1024
    yield b'"}'


def test_the_gateway_refuses_a_large_message_before_reading_it(
    rasa: RasaRest, gateway: Gateway
) -> None:
    """Before the limit, a 100 MB POST to /chat/messages without a cookie was read whole
    (and the gateway's memory grew by the body's size)."""
    with (
        gateway(rasa.url) as url,
        httpx.Client(base_url=url, timeout=30) as stranger,
        httpx.Client(base_url=url, timeout=30) as browser,
    ):
        declared = stranger.post("/chat/messages", json={"text": "x" * 40_000})
        assert_too_large(declared, 32_768)
        assert declared.headers["x-request-id"]  # the telemetry saw it (and logged it)
        chunked = stranger.post(
            "/chat/messages",
            content=body_chunks(40_000),
            headers={"Content-Type": "application/json"},
        )
        assert "content-length" not in chunked.request.headers
        assert_too_large(chunked, 32_768)
        assert rasa.received == []  # no turn was taken
        said = browser.post("/chat/messages", json={"text": "hello"})
        assert said.status_code == 200, said.text
        assert rasa.received == [(rasa.received[0][0], "hello")]


def test_the_gateways_limit_is_a_setting(rasa: RasaRest, gateway: Gateway) -> None:
    with (
        gateway(rasa.url, gateway_max_body_bytes="1024") as url,
        httpx.Client(base_url=url, timeout=30) as browser,
    ):
        assert_too_large(browser.post("/chat/messages", json={"text": "x" * 1500}), 1024)
        said = browser.post("/chat/messages", json={"text": "x" * 900})
        assert said.status_code == 200, said.text
