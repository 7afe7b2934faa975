"""Throwaway PostgreSQL databases on this machine's server, for tests and benchmarks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine

POSTGRES_SERVER = os.environ.get(
    "ERP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@contextmanager
def throwaway_postgres(prefix: str, server_url: str = POSTGRES_SERVER) -> Iterator[str]:
    """Create a database with a unique name, yield its name, drop it afterwards.
    `server_url` names the driver too (the Rasa environment has psycopg2 and SQLAlchemy 1.4)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def url_of(name: str) -> str:
    return POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
