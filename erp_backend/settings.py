"""Settings of the ERP process, read once from the environment (ERP_*)."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from erp_backend.domain.money import DEFAULT_CURRENCY, valid_currency
from erp_backend.domain.replenishment import ReplenishmentPolicy


class ErpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ERP_", extra="ignore")

    database_url: str = "sqlite:///var/erp.db"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1  # uvicorn processes; SQLite is best served by one
    # How often the serve process sweeps for overdue invoices (each is announced once, even
    # with several processes sweeping).
    sweep_every_seconds: float = 300
    # Connections per process; PostgreSQL's default max_connections is 100.
    db_pool_size: int = 10
    db_max_overflow: int = 10
    # Reorder-point proposals (docs/replenishment.md): supplier lead time, the chance of not
    # running out during it, how long one delivery should last, how far back to look.
    replenishment_lead_time_days: int = Field(default=14, ge=1, le=365)
    service_level: float = Field(default=0.95, ge=0.5, lt=1)
    replenishment_cover_days: int = Field(default=30, ge=1, le=365)
    forecast_history_months: int = Field(default=36, ge=1, le=120)
    # Log lines: JSON objects (one per line, with the request id) or text for a console.
    # LOG_FORMAT / LOG_LEVEL are shared with the gateway and the action server.
    log_format: Literal["json", "text"] = Field(
        default="json", validation_alias=AliasChoices("ERP_LOG_FORMAT", "LOG_FORMAT")
    )
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("ERP_LOG_LEVEL", "LOG_LEVEL")
    )
    # With a token, GET /metrics needs `Authorization: Bearer <token>`; empty: open.
    metrics_token: SecretStr = SecretStr("")
    # The business's currency, ISO 4217 (ERP_CURRENCY); stored with every price, order,
    # invoice and payment written from then on.
    currency: str = DEFAULT_CURRENCY
    # Where the one-tap links of new link codes point (docs/security.md): the web chat's
    # public address (https://chat.example.com) and the Telegram bot's username. Empty: that
    # link is not offered (the code and the token still are).
    web_chat_url: str = ""
    telegram_bot: str = ""

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return valid_currency(value)

    def replenishment_policy(self) -> ReplenishmentPolicy:
        return ReplenishmentPolicy(
            lead_time_days=self.replenishment_lead_time_days,
            service_level=self.service_level,
            cover_days=self.replenishment_cover_days,
            history_months=self.forecast_history_months,
        )
