"""The app built from settings, for `uvicorn --factory` and multi-worker serving."""

from __future__ import annotations

from fastapi import FastAPI

from erp_backend.api.app import create_app
from erp_backend.db.engine import make_engine
from erp_backend.domain.identity import LinkAddresses
from erp_backend.settings import ErpSettings
from telemetry.logs import configure_logging


def app_from_settings() -> FastAPI:
    settings = ErpSettings()
    # here, not only in `erp-backend serve`: each worker process builds its app here
    configure_logging(settings.log_format, settings.log_level)
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    return create_app(
        engine,
        sweep_every_seconds=settings.sweep_every_seconds,
        replenishment=settings.replenishment_policy(),
        metrics_token=settings.metrics_token.get_secret_value(),
        currency=settings.currency,
        link_addresses=LinkAddresses(settings.web_chat_url, settings.telegram_bot),
    )
