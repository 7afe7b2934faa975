"""`python -m bot`: serve the gateway (web chat on GATEWAY_PORT, Telegram when configured)."""

from __future__ import annotations

import logging

import uvicorn

from bot.app import create_gateway
from bot.settings import GatewaySettings
from telemetry.logs import configure_logging, use_log_hash_key


def main() -> int:
    settings = GatewaySettings()
    configure_logging(settings.log_format, settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per Bot API call otherwise
    hash_key = settings.log_hash_key.get_secret_value()
    use_log_hash_key(hash_key)  # chats in log lines: telemetry.logs.chat_tag
    if not hash_key:
        logging.getLogger("bot").warning(
            "LOG_HASH_KEY is not set: chats are tagged with a key of this process only, so "
            "their log lines cannot be matched with the action server's"
        )
    uvicorn.run(
        create_gateway(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_config=None,  # our handlers (JSON lines); the middleware writes the access lines
        log_level="warning",
        access_log=False,
        # X-Forwarded-For believed from the configured proxies only (bot/settings.py):
        # otherwise anyone could name a fresh address for a fresh quota of new chats
        proxy_headers=bool(settings.gateway_trusted_proxies),
        forwarded_allow_ips=settings.gateway_trusted_proxies or None,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
