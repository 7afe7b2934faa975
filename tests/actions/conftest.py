"""Fixtures of the actions' tests: the product's processes from tests/product.py.

These tests run in the Rasa environment (`.venv-rasa`), so they start the ERP the way the
product does, as its own process (`.venv/bin/erp-backend`), on a fresh seeded SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.product import (
    RunningAssistant,
    RunningErp,
    running_assistant,
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
