"""All four processes of the product for the main environment's end-to-end and browser tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import free_port, process_serving
from tests.product import (
    RASA_SECRET,
    RunningErp,
    running_assistant,
    seeded_erp,
    trained_model,
)


@dataclass
class Product:
    erp: RunningErp
    gateway_url: str
    erp_stack: ExitStack

    def stop_erp(self) -> None:
        self.erp_stack.close()


@pytest.fixture
def product(tmp_path: Path) -> Iterator[Product]:
    with running_product(tmp_path) as running:
        yield running


@contextmanager
def running_product(folder: Path, **gateway_settings: str) -> Iterator[Product]:
    """ERP (fresh seeded SQLite), action server, Rasa and the gateway, as `make run` runs them;
    `gateway_settings` override the gateway's (environment names in lower case)."""
    with ExitStack() as stack:
        erp_stack = stack.enter_context(ExitStack())
        erp = erp_stack.enter_context(seeded_erp(folder))
        assistant = stack.enter_context(running_assistant(erp, trained_model(), folder))
        port = free_port()
        env = {
            **os.environ,
            "RASA_URL": assistant.url,
            "ERP_URL": erp.url,
            "ERP_SERVICE_KEY": erp.service_key,
            "NOTIFIER_POLL_SECONDS": "0.5",
            "GATEWAY_PORT": str(port),
            "GATEWAY_SECRET": "test-secret",
            "GATEWAY_RASA_SECRET": RASA_SECRET,
            "GATEWAY_DATABASE_URL": f"sqlite:///{folder / 'gateway.db'}",
            "TELEGRAM_BOT_TOKEN": "",
            **{name.upper(): value for name, value in gateway_settings.items()},
        }
        gateway = stack.enter_context(
            process_serving(
                "gateway",
                [sys.executable, "-m", "bot"],
                env,
                f"http://127.0.0.1:{port}",
                "/health",
            )
        )
        yield Product(erp, gateway, erp_stack)
