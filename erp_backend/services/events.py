"""The outbox as a feed: events in id order after a cursor, for the chat gateway."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_backend.db.models import OutboxEvent
from erp_backend.domain.principals import Actor, Permission


def events_after(session: Session, actor: Actor, after: int, limit: int) -> list[OutboxEvent]:
    """At-least-once: a consumer that reads again from an old cursor gets the same events.
    Ids become visible in commit order (db/engine.py: write_outbox), so no event can appear
    behind a cursor that has already passed it."""
    actor.require(Permission.READ_EVENTS)
    return list(
        session.scalars(
            select(OutboxEvent).where(OutboxEvent.id > after).order_by(OutboxEvent.id).limit(limit)
        )
    )
