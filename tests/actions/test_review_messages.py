"""scripts/review_messages.py on Rasa's own SQL tracker store, in SQLite and in PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from tests.databases import POSTGRES_SERVER, throwaway_postgres
from tests.product import ROOT

SCRIPT = ROOT / "scripts" / "review_messages.py"
POSTGRES = make_url(POSTGRES_SERVER).set(drivername="postgresql+psycopg2")  # the Rasa env's

SAID = [  # (text, intent, confidence)
    ("where's my stuff", "nlu_fallback", 0.21),
    ("where's my stuff", "nlu_fallback", 0.19),
    ("Where's   my stuff", "nlu_fallback", 0.2),
    ("what's the weather", "out_of_scope", 0.93),
    ("link 482913", "link_account", 0.41),
    ("/affirm", "affirm", 0.1),  # a button: not typed
    ("where is SO-2026-00042", "check_order_status", 0.97),  # understood: not listed
]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """SQLTrackerStore settings of an empty store in SQLite or in a throwaway PostgreSQL."""
    if request.param == "sqlite":
        yield {"dialect": "sqlite", "db": str(tmp_path / "trackers.db")}
        return
    with throwaway_postgres("review_trackers", str(POSTGRES)) as name:
        yield {
            "dialect": "postgresql",
            "host": POSTGRES.host,
            "port": POSTGRES.port or 5432,
            "db": name,
            "username": POSTGRES.username,
            "password": POSTGRES.password,
        }


def review(*arguments: str) -> str:
    """What the script prints, run as a user would."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_misread_messages_are_listed_for_review(store: dict[str, Any], tmp_path: Path) -> None:
    trackers = SQLTrackerStore(**store)
    events = [
        UserUttered(said, {"name": intent, "confidence": confidence})
        for said, intent, confidence in SAID
    ]
    asyncio.run(trackers.save(DialogueStateTracker.from_events("web:review", events)))
    url = trackers.engine.url.render_as_string(hide_password=False)  # the store Rasa wrote
    trackers.engine.dispose()

    out = tmp_path / "review.yml"
    assert "5 messages (3 different)" in review(url, "--out", str(out))
    assert out.stat().st_mode & 0o777 == 0o600  # customers' words: the owner's only
    groups = {
        group["intent"]: [line[2:] for line in group["examples"].splitlines()]
        for group in yaml.safe_load(out.read_text())["nlu"]
    }
    assert groups == {
        "nlu_fallback": ["where's my stuff"],  # three times: case and spaces folded
        "out_of_scope": ["what's the weather"],
        "link_account": ["link ######"],  # the code is a secret
    }
    assert next(iter(groups)) == "nlu_fallback"  # the largest group first

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert "0 messages" in review(url, "--since", tomorrow, "--out", str(out))
