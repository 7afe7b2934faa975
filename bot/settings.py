"""Settings of the gateway process, read once from the environment (DESIGN.md "Gateway HTTP")."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    # An empty variable is an unset one (its default): an env file or docker-compose.yml passes
    # every optional setting, empty when unused (STAFF_TELEGRAM_CHAT_ID= would not parse).
    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True)

    erp_url: str = "http://127.0.0.1:8000"
    rasa_url: str = "http://127.0.0.1:5005"
    # Several Rasa servers sharing a tracker store and a lock store (docs/deployment-local.md):
    # comma-separated; turns are spread across them. Empty: RASA_URL alone.
    rasa_urls: str = ""
    # Signs the web chat's session cookie. Empty: a random secret per start (sessions end
    # with the process); set it to keep web chats linked across restarts.
    gateway_secret: SecretStr = SecretStr("")
    # Signs every turn sent to Rasa, which takes turns from the gateway only (credentials.yml,
    # rasa_gateway/). Required, at least 32 characters; "new,old" while Rasa is given a new one.
    gateway_rasa_secret: SecretStr = SecretStr("")
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8080
    # Where the gateway keeps what it must remember: sessions' offered buttons, Telegram
    # update ids already handled, the notifier's cursor, handoffs.
    gateway_database_url: str = "sqlite:///var/gateway.db"
    # Cookies only over HTTPS; on for any deployment that is not a developer's machine.
    gateway_secure_cookies: bool = False
    # Requests that change something must come from the chat page: its Origin is the address
    # the gateway was asked under. Behind a proxy that rewrites Host, list the public
    # origin(s) here, comma-separated (https://chat.example.com).
    gateway_allowed_origins: str = ""
    # Client addresses (the limits on new chats are per address) come from X-Forwarded-For
    # only when the request comes from one of these proxies (comma-separated addresses, as
    # uvicorn's --forwarded-allow-ips). Empty: the connection's own address, always.
    gateway_trusted_proxies: str = ""
    # The ERP key of the gateway (role service): the notifier reads the event feed with it.
    # Empty: no proactive messages (the chats still work).
    erp_service_key: SecretStr = SecretStr("")
    # How often the notifier asks the ERP for new events, and how old an event may be and
    # still be told (a gateway started after a long pause does not tell yesterday's news).
    notifier_poll_seconds: float = 2.0
    notifier_max_age_hours: float = 24.0

    telegram_bot_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: SecretStr = SecretStr("")
    # Human handoff: the Telegram chat of the team that takes over conversations (a group, or
    # one person's private chat with the bot), and how long a quiet handoff lasts.
    staff_telegram_chat_id: int | None = None
    handoff_timeout_minutes: float = 30.0
    # The language of what the gateway writes in the staff chat (a customer's chat is written
    # to in its own language, bot/i18n.py).
    staff_language: Literal["en", "zh"] = "en"

    # New web chats per client address per hour, and messages per chat per minute: a new chat
    # is a new identity, and so a fresh set of link-code guesses (bot/limits.py).
    gateway_sessions_per_hour: int = 20
    gateway_messages_per_minute: int = 30
    # The largest request body taken, in bytes; a larger one is answered 413 before it is read
    # (bot/body_limit.py). A chat message is at most 2,000 characters: at most 8 kB of UTF-8,
    # 24 kB if each is a \u-escaped surrogate pair. Telegram's webhook: MAX_UPDATE_BYTES.
    gateway_max_body_bytes: int = Field(default=32_768, ge=1024)

    # How long a turn may take in Rasa (its actions wait for the ERP) before the user is told.
    rasa_timeout_seconds: float = 30.0

    # Log lines: JSON objects, one per line, with the turn's request id; "text" for a console.
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"
    # Keys the hash that stands for a chat in log lines (telemetry.logs.chat_tag): give the
    # action server the same one, so one chat's lines can be joined across both. Empty: a
    # random key per start (tags cannot be matched across processes or restarts).
    log_hash_key: SecretStr = SecretStr("")
    # GET /metrics: with a token, `Authorization: Bearer <token>` from anyone; without,
    # loopback clients only (bot/metrics.py).
    gateway_metrics_token: SecretStr = SecretStr("")

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.gateway_allowed_origins.split(",") if origin]

    @property
    def rasa_servers(self) -> list[str]:
        """The Rasa servers turns go to: RASA_URLS when set, else RASA_URL."""
        listed = [url.strip() for url in self.rasa_urls.split(",") if url.strip()]
        return listed or [self.rasa_url]
