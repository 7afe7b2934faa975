"""Housekeeping that runs on a timer in the serve process, or on demand from the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from erp_backend.services import idempotency
from erp_backend.services.invoicing import sweep_overdue


@dataclass(frozen=True)
class SweepResult:
    overdue_invoices: list[str]
    purged_idempotency_keys: int


def sweep(session: Session, now: datetime) -> SweepResult:
    return SweepResult(
        overdue_invoices=sweep_overdue(session, now),
        purged_idempotency_keys=idempotency.purge_expired(session, now),
    )
