"""`erp-backend import KIND FILE`: master data, opening stock and open invoices from CSV.

All or nothing: the file is read and every row checked (`reading`, `rows`: plain Python),
then the rows are checked against the database and written in one transaction (`writing`).
Any problem, in any row, and nothing stays written. A dry run (the default) runs exactly
the same statements and rolls them back, so a clean dry run means the commit will work too.
Imported data is a fact taken over, not news: no outbox events are emitted.
See docs/import.md for the column sets and the decisions behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from erp_backend.services.importing.reading import Problem, UnreadableFile, read_table
from erp_backend.services.importing.rows import KINDS, Progress, check_rows
from erp_backend.services.importing.writing import Outcome, write

__all__ = ["KINDS", "ImportReport", "Outcome", "Problem", "Progress", "import_file"]


@dataclass(frozen=True)
class ImportReport:
    kind: str
    rows: int  # data rows in the file, good and bad
    committed: bool
    outcome: Outcome | None  # None when the file could not be read at all
    problems: list[Problem]

    def summary(self) -> str:
        if self.problems:
            bad_lines = len({p.line for p in self.problems})
            return (
                f"nothing imported: {len(self.problems)} problem(s) "
                f"on {bad_lines} line(s); fix them and run again"
            )
        assert self.outcome is not None
        return describe(self.outcome, self.committed)


def import_file(
    sessions: sessionmaker[Session],
    kind_name: str,
    data: bytes,
    now: datetime,
    *,
    commit: bool,
    progress: Progress | None = None,
) -> ImportReport:
    kind = KINDS[kind_name]
    try:
        table = read_table(data, kind.required, kind.optional)
    except UnreadableFile as unreadable:
        return ImportReport(kind.name, 0, False, None, unreadable.problems)
    rows = len(table.rows) + len(table.problems)
    records, problems = check_rows(kind, table, now.date(), progress)
    with sessions() as session:
        session.begin()
        try:
            outcome, found = write(session, kind.name, records, now, progress or _quiet)
            problems = sorted(problems + found)
            if problems or not commit:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
    return ImportReport(kind.name, rows, commit and not problems, outcome, problems)


def describe(outcome: Outcome, committed: bool) -> str:
    """ "would create 120 customers, update 3 (already in the database)", or what was done."""
    would = "" if committed else "would "
    if outcome.kind == "stock":
        return (
            f"{would}set the on-hand stock of {outcome.updated + outcome.unchanged} products "
            f"({outcome.updated} different from now, {outcome.unchanged} the same)"
        )
    if outcome.kind == "invoices":
        made = "create" if would else "created"
        return f"{would}{made} {outcome.created} open invoices, {outcome.outstanding} outstanding"
    made, changed = ("create", "update") if would else ("created", "updated")
    return (
        f"{would}{made} {outcome.created} {outcome.kind}, {changed} {outcome.updated} "
        "(already in the database)"
    )


def _quiet(stage: str, rows: int) -> None:
    pass
