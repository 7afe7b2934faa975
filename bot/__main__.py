"""`python -m bot`: serve the gateway (web chat on GATEWAY_PORT, Telegram when configured)."""

from __future__ import annotations

import logging

import uvicorn

from bot.app import create_gateway
from bot.settings import GatewaySettings
from telemetry.logs import configure_logging


def main() -> int:
    settings = GatewaySettings()
    configure_logging(settings.log_format, settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per Bot API call otherwise
    uvicorn.run(
        create_gateway(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_config=None,  # our handlers (JSON lines); the middleware writes the access lines
        log_level="warning",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
