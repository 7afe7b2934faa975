"""What happened to an order: its own timeline and the outbox events for other processes.

Both are written in the transaction of the change they describe, so an event exists exactly
when the change does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from erp_backend.db.models import Order, OrderEvent
from erp_backend.domain.principals import Actor


def record(
    session: Session,
    order: Order,
    kind: str,
    actor: Actor,
    now: datetime,
    *,
    note: str | None = None,
    outbox: str | None = None,
    **data: Any,
) -> None:
    order.events.add(
        OrderEvent(
            at=now,
            kind=kind,
            status=order.status,
            actor_role=actor.role.value,
            note=note,
            data=data,
        )
    )
    if outbox is not None:
        caused_by = {"caused_by_chat": actor.chat_identity} if actor.chat_identity else {}
        publish(session, outbox, now, **order_reference(order), **caused_by, **data)


def publish(session: Session, event_type: str, now: datetime, **payload: Any) -> None:
    """Queue an outbox event; it is written just before the transaction commits
    (db/engine.py: write_outbox), so outbox ids are handed out in commit order."""
    session.info.setdefault("outbox", []).append(
        {"type": event_type, "occurred_at": now, "payload": payload}
    )


def order_reference(order: Order) -> dict[str, Any]:
    """The ids a chat message about this order needs: whom to tell and about what."""
    created_by = order.created_by
    return {
        "order_number": order.number,
        "status": order.status,
        "customer_code": order.customer.code,
        "total": str(order.total),
        "channel": order.channel,
        "created_by": created_by.name if created_by else None,
        "created_by_role": created_by.role if created_by else None,
    }
