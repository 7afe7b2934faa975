"""What users typed that the assistant did not understand, from Rasa's SQL tracker store.

Run in the Rasa environment against the tracker store of a deployment (the scaled topology and
Docker Compose keep one in PostgreSQL; `make run` keeps trackers in memory, so there is
nothing to read):

    .venv-rasa/bin/python scripts/review_messages.py postgresql://USER:PASSWORD@HOST/DB \
        [--since 2026-11-01] [--below 0.5] [--out review/messages.yml]

Every user message since the date that was read as a fallback or out of scope, or whose top
intent's confidence is below `--below`, is written to a Rasa NLU file grouped by what the
model said, identical messages once, most frequent first. A person moves each line to the
intent it means (or to out_of_scope) in `data/nlu/`, and the next training learns it
(docs/nlu-selection.md, "Next"). Button payloads ("/affirm") are left out and six-digit
numbers masked: link codes are single-use secrets. The file holds customers' words: it is
readable by its owner only, `review/` is ignored by git, and it should be deleted once
reviewed.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

UNDERSTOOD_NOTHING = ("nlu_fallback", "out_of_scope")
LINK_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


def read_messages(url: str, since: datetime) -> list[dict[str, Any]]:
    """The parse results of the user messages stored since `since` (Rasa's `events` table)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT data FROM events WHERE type_name = 'user' AND timestamp >= :since"
                    " ORDER BY timestamp"
                ),
                {"since": since.timestamp()},
            ).fetchall()
    finally:
        engine.dispose()
    return [json.loads(row[0]) for row in rows]


def to_review(events: list[dict[str, Any]], below: float) -> dict[str, Counter[str]]:
    """Messages worth a person's look, by the intent the model gave them; messages that differ
    only in case and spacing count as one, written as first seen."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    first_seen: dict[str, str] = {}
    for event in events:
        said = LINK_CODE.sub("######", " ".join((event.get("text") or "").split()))
        if not said or said.startswith("/"):
            continue
        intent = (event.get("parse_data") or {}).get("intent") or {}
        name, confidence = intent.get("name") or "nlu_fallback", intent.get("confidence") or 0.0
        if name in UNDERSTOOD_NOTHING or confidence < below:
            found[name][first_seen.setdefault(said.casefold(), said)] += 1
    return found


def as_nlu_file(found: dict[str, Counter[str]], since: datetime, below: float) -> str:
    lines = [
        f"# User messages since {since:%Y-%m-%d} read as a fallback, out of scope or with a",
        f"# confidence below {below:g}, by what the model said; most frequent first. Move each",
        "# line to the intent it means in data/nlu/, then delete this file.",
        'version: "3.1"',
        "nlu:",
    ]
    for name, counts in sorted(found.items(), key=lambda item: -sum(item[1].values())):
        total = sum(counts.values())
        lines += [
            f"# read as {name}: {total} message(s), {len(counts)} different",
            f"- intent: {name}",
            "  examples: |",
        ]
        lines += [f"    - {said}" for said, _ in counts.most_common()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the tracker store's database, as a SQLAlchemy URL")
    parser.add_argument(
        "--since",
        type=lambda value: datetime.fromisoformat(value).replace(tzinfo=UTC),
        default=datetime(1970, 1, 1, tzinfo=UTC),
        help="first day to read (UTC), e.g. 2026-11-01",
    )
    parser.add_argument("--below", type=float, default=0.5, help="confidence worth a look")
    parser.add_argument("--out", type=Path, default=Path("review") / "messages.yml")
    args = parser.parse_args()

    found = to_review(read_messages(args.url, args.since), args.below)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.touch(mode=0o600)  # before any customer's words are in it
    args.out.chmod(0o600)  # also when it was there before
    args.out.write_text(as_nlu_file(found, args.since, args.below))
    total = sum(sum(counts.values()) for counts in found.values())
    print(f"{total} messages ({sum(map(len, found.values()))} different) written to {args.out}")


if __name__ == "__main__":
    main()
