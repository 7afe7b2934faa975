from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from erp_backend.api.context import Ctx
from erp_backend.api.presenters import event_out
from erp_backend.api.schemas import EventOut, Page
from erp_backend.domain.principals import Actor
from erp_backend.services.events import events_after, linked_chats

router = APIRouter(tags=["events"])


@router.get("/events", response_model=Page[EventOut])
def list_events(
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, le=2**62, description="the last id you handled")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[EventOut]:
    """Outbox events in id order. Read again from `next_cursor` (the last id returned); the
    same cursor always gives the same events (at-least-once, deduplicate by id). Each event
    lists the chats to tell (`audience`), resolved from the chats linked at reading time."""

    def page(session: Session, actor: Actor) -> list[EventOut]:
        events = events_after(session, actor, after, limit)
        if not events:  # the gateway polls an idle feed often: no link read for nothing
            return []
        chats = linked_chats(session)
        return [event_out(event, chats.reached_by(event)) for event in events]

    items = ctx.read(page)
    next_cursor = str(items[-1].id) if items else str(after)
    return Page[EventOut](items=items, next_cursor=next_cursor)
