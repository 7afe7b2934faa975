"""Fixtures of the actions' tests: the product's processes from tests/product.py.

These tests run in the Rasa environment (`.venv-rasa`), so they start the ERP the way the
product does, as its own process (`.venv/bin/erp-backend`), on a fresh seeded SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.actions.desk import Desk
from tests.product import (
    RunningAssistant,
    RunningErp,
    running_assistant,
    running_gateway,
    seeded_erp,
    trained_model,
)


@pytest.fixture(scope="session")
def erp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningErp]:
    with seeded_erp(tmp_path_factory.mktemp("erp")) as running:
        yield running


@pytest.fixture(scope="session")
def model() -> Path:
    return trained_model()


@pytest.fixture(scope="session")
def assistant(
    erp: RunningErp, model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningAssistant]:
    with running_assistant(erp, model, tmp_path_factory.mktemp("rasa")) as running:
        yield running


@pytest.fixture(scope="session")
def desk(assistant: RunningAssistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """The gateway in front of the assistant: conversations as a web chat has them."""
    with running_gateway(assistant.erp, assistant.url, tmp_path_factory.mktemp("gw")) as url:
        yield Desk(url, assistant.erp)
