"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from erp_backend.db.engine import make_engine
from erp_backend.db.migrate import alembic_config, upgrade
from erp_backend.db.models import Base
from tests.conftest import BACKENDS
from tests.databases import throwaway_postgres, url_of


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with throwaway_postgres("erp_migration") as name:
        yield url_of(name)


def test_the_chinese_names_migration_keeps_rows_and_their_text(fresh_url: str) -> None:
    """0009 gives products and customers made before it an empty Chinese name, stores
    Chinese intact, and goes back down without losing the rows."""
    engine = make_engine(fresh_url)

    def columns(table: str) -> set[str]:
        return {column["name"] for column in inspect(engine).get_columns(table)}

    try:
        upgrade(engine, "0008")
        assert "name_zh" not in columns("products") | columns("customers")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO products (sku, name, unit_price, currency, unit, reorder_point,"
                    " reorder_qty, active, search_terms, created_at) VALUES ('BOLT-M8',"
                    " 'Hex bolt M8x40', 0.14, 'GBP', 'pcs', 0, 0, true, '', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO customers (code, name, credit_limit, payment_terms_days, active,"
                    " created_at) VALUES ('CUST-1', 'Quayside', 100, 30, true, CURRENT_TIMESTAMP)"
                )
            )
        upgrade(engine, "0009")
        with engine.begin() as connection:
            before = connection.execute(text("SELECT name_zh FROM products")).scalar_one()
            assert before == ""
            assert connection.execute(text("SELECT name_zh FROM customers")).scalar_one() == ""
            connection.execute(
                text("UPDATE products SET name_zh = :zh"), {"zh": "六角螺栓 M8×40 镀锌（100只/盒）"}
            )
            connection.execute(text("UPDATE customers SET name_zh = :zh"), {"zh": "码头餐饮集团"})
        with engine.connect() as connection:
            assert (
                connection.execute(text("SELECT name_zh FROM products")).scalar_one()
                == "六角螺栓 M8×40 镀锌（100只/盒）"
            )
            assert connection.execute(text("SELECT name_zh FROM customers")).scalar_one() == (
                "码头餐饮集团"
            )
        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
        assert "name_zh" not in columns("products") | columns("customers")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name FROM products")).scalar_one() == (
                "Hex bolt M8x40"
            )
        upgrade(engine)
        assert "name_zh" in columns("products") & columns("customers")
    finally:
        engine.dispose()
