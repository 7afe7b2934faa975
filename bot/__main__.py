"""`python -m bot`: serve the gateway (web chat on GATEWAY_PORT, Telegram when configured)."""

from __future__ import annotations

import logging

import uvicorn

from bot.app import create_gateway
from bot.settings import GatewaySettings


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per Bot API call otherwise
    settings = GatewaySettings()
    uvicorn.run(
        create_gateway(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_level="warning",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
