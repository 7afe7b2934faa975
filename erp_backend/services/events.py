"""The outbox as a feed: events in id order after a cursor, for the chat gateway, each with
the chats it should reach (domain/notifications.py decides who)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_backend.db.models import ChatLink, Customer, OutboxEvent, Principal
from erp_backend.domain.notifications import Audience, audience_of, is_approver, is_stock_keeper
from erp_backend.domain.principals import Actor, Permission, Role


@dataclass
class LinkedChats:
    """Every chat linked to an active principal, by who they are."""

    of_customer: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    of_principal: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    approvers: set[str] = field(default_factory=set)
    stock_keepers: set[str] = field(default_factory=set)

    def reached_by(self, event: OutboxEvent) -> list[str]:
        payload = event.payload
        chats: set[str] = set()
        for audience in audience_of(event.type):
            if audience is Audience.CUSTOMER:
                chats |= self.of_customer.get(str(payload.get("customer_code")), set())
            elif audience is Audience.CREATOR:
                chats |= self.of_principal.get(str(payload.get("created_by")), set())
            elif audience is Audience.APPROVERS:
                chats |= self.approvers
            elif audience is Audience.STOCK_KEEPERS:
                chats |= self.stock_keepers
        chats.discard(str(payload.get("caused_by_chat")))  # told already, in the conversation
        return sorted(chats)


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


def linked_chats(session: Session) -> LinkedChats:
    """One read of the chat links for a page of events (links are one per person and chat)."""
    chats = LinkedChats()
    who = (Principal.name, Principal.role, Customer.code)
    rows = session.execute(
        select(ChatLink.channel, ChatLink.external_id, *who)
        .join(Principal, Principal.id == ChatLink.principal_id)
        .outerjoin(Customer, Customer.id == Principal.customer_id)
        .where(Principal.active.is_(True))
    )
    for channel, external_id, name, role, customer_code in rows:
        chat = f"{channel}:{external_id}"
        chats.of_principal[name].add(chat)
        if Role(role) is Role.CUSTOMER and customer_code is not None:
            chats.of_customer[customer_code].add(chat)
        if is_approver(Role(role)):
            chats.approvers.add(chat)
        if is_stock_keeper(Role(role)):
            chats.stock_keepers.add(chat)
    return chats
