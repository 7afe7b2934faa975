"""Settings of the ERP process, read once from the environment (ERP_*)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


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
