"""The gateway process: web chat, Telegram (when a token is set), put together and started.

`python -m bot` (or `chat-gateway`) serves it on GATEWAY_HOST:GATEWAY_PORT (127.0.0.1:8080).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta

from fastapi import FastAPI, Request, Response
from telegram.error import TelegramError

from bot.assistant import Assistant
from bot.body_limit import BodyLimit
from bot.charts import ChartSource
from bot.delivery import Delivery
from bot.handoff import Handoff
from bot.limits import SlidingWindow
from bot.linking import Linker
from bot.metrics import METRICS, add_metrics_route
from bot.notifier import Notifier
from bot.push import WebPush
from bot.relay import Relay
from bot.settings import GatewaySettings
from bot.store import GatewayStore
from bot.telegram import TelegramChannel
from bot.web import WebLimits, create_web_app, problem
from telemetry.http import HttpTelemetry

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_UPDATE_BYTES = 1_000_000  # a Telegram update is a few kB; anything this big is not one
TELEGRAM_RETRY_SECONDS = 30.0


def create_gateway(settings: GatewaySettings) -> FastAPI:
    store = GatewayStore(settings.gateway_database_url)
    assistant = Assistant(
        settings.rasa_servers,
        settings.rasa_timeout_seconds,
        settings.gateway_rasa_secret.get_secret_value(),
    )
    handoff = Handoff(
        store,
        settings.staff_telegram_chat_id,
        timedelta(minutes=settings.handoff_timeout_minutes),
        settings.staff_language,
    )
    linker = Linker(settings.erp_url, settings.erp_service_key.get_secret_value())
    relay = Relay(assistant, store, handoff, linker)
    push = WebPush()
    service_key = settings.erp_service_key.get_secret_value()
    charts = ChartSource(settings.erp_url, service_key)
    token = settings.telegram_bot_token.get_secret_value()
    webhook_secret = settings.telegram_webhook_secret.get_secret_value()
    webhook = bool(settings.telegram_webhook_url)
    if webhook and not webhook_secret:
        raise ValueError(
            "TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (Telegram signs with it)"
        )
    telegram = (
        TelegramChannel(
            token,
            settings.telegram_api_url,
            relay,
            store,
            webhook,
            charts,
            handoff.staff_chat_id,
            settings.staff_language,
        )
        if token
        else None
    )
    deliver = Delivery(store, push, telegram)
    handoff.deliver = deliver

    notifier = (
        Notifier(
            settings.erp_url,
            service_key,
            store,
            relay,
            deliver,
            settings.notifier_poll_seconds,
            timedelta(hours=settings.notifier_max_age_hours),
        )
        if service_key
        else None
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = []
        if telegram is not None:
            tasks.append(asyncio.create_task(start_telegram(telegram, settings)))
        if notifier is not None:
            tasks.append(asyncio.create_task(notifier.run()))
        else:
            log.warning("ERP_SERVICE_KEY is not set: no proactive messages")
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if notifier is not None:
                await notifier.close()
            if telegram is not None:
                with contextlib.suppress(TelegramError, RuntimeError):
                    await telegram.stop()
            await assistant.close()
            await charts.close()
            await linker.close()
            store.close()

    secret = settings.gateway_secret.get_secret_value() or secrets.token_urlsafe(32)
    limits = WebLimits(
        new_sessions=SlidingWindow(settings.gateway_sessions_per_hour, 3600),
        messages=SlidingWindow(settings.gateway_messages_per_minute, 60),
    )
    app = create_web_app(
        relay,
        push,
        store,
        secret,
        settings.gateway_secure_cookies,
        limits,
        charts,
        lifespan,
        settings.allowed_origins,
    )
    app.state.store = store
    app.state.push = push
    # Outside everything that reads a body; inside the telemetry, so a 413 is logged, counted
    # and carries the request id.
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.gateway_max_body_bytes,
        per_path={"/telegram/webhook": MAX_UPDATE_BYTES}
        if telegram is not None and webhook
        else {},
    )
    app.add_middleware(
        HttpTelemetry,
        metrics=METRICS.http,
        logger="bot.http",
        quiet_routes={"/health", "/metrics", "/static"},
    )
    add_metrics_route(app, settings.gateway_metrics_token.get_secret_value())

    if telegram is not None and webhook:

        @app.post("/telegram/webhook", include_in_schema=False)
        async def telegram_webhook(request: Request) -> Response:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), webhook_secret.encode()):
                return problem(401, "UNAUTHORIZED", "Wrong or missing secret token.")
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_UPDATE_BYTES:
                    return problem(413, "TOO_LARGE", "The update is too large.")
            try:
                data = json.loads(body)
            except ValueError:
                return problem(400, "VALIDATION_ERROR", "The update is not JSON.")
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                return problem(400, "VALIDATION_ERROR", "The update has no update_id.")
            await telegram.accept(data)
            return Response(status_code=200)

    return app


async def start_telegram(telegram: TelegramChannel, settings: GatewaySettings) -> None:
    """Connect to the Bot API, retrying while it cannot be reached; the web chat works meanwhile."""
    webhook_url = settings.telegram_webhook_url
    while True:
        try:
            await telegram.start(polling=not webhook_url)
            if webhook_url:
                await telegram.use_webhook(
                    webhook_url, settings.telegram_webhook_secret.get_secret_value()
                )
        except TelegramError as error:
            log.warning("telegram not reachable (%s); trying again shortly", error)
            with contextlib.suppress(TelegramError, RuntimeError):
                await telegram.stop()
            await asyncio.sleep(TELEGRAM_RETRY_SECONDS)
            continue
        log.info("telegram connected (%s)", "webhook" if webhook_url else "long polling")
        return
