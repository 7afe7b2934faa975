"""Who hears about what: the audience of each outbox event.

The gateway turns events into chat messages; which people an event concerns is a business
rule, so it lives here and the gateway only delivers. An event reaches every chat linked to
one of its audience's principals, except the chat whose request caused it (that chat has
just been told, in the conversation).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from erp_backend.domain.principals import ROLE_PERMISSIONS, Permission, Role


class Audience(StrEnum):
    CUSTOMER = "customer"  # the contacts of the order's customer
    CREATOR = "creator"  # whoever created the order (a rep, or the customer's own contact)
    APPROVERS = "approvers"  # everyone who may approve held orders
    STOCK_KEEPERS = "stock_keepers"  # everyone who books stock in (warehouse, managers)


AUDIENCES: Mapping[str, tuple[Audience, ...]] = {
    "order.confirmed": (Audience.CUSTOMER, Audience.CREATOR),
    "order.awaiting_stock": (Audience.CUSTOMER, Audience.CREATOR),
    "order.shipped": (Audience.CUSTOMER, Audience.CREATOR),
    "order.cancelled": (Audience.CUSTOMER, Audience.CREATOR),
    # the rep edits and resubmits; the reason goes to them (DESIGN: "notify the rep to edit")
    "order.rejected": (Audience.CREATOR,),
    "approval.requested": (Audience.APPROVERS,),
    "invoice.overdue": (Audience.CUSTOMER,),
    "return.received": (Audience.CUSTOMER,),
    # the people who buy stock in; never a customer (what we are short of is internal)
    "replenishment.requested": (Audience.STOCK_KEEPERS,),
}

APPROVER_ROLES = frozenset(
    role for role, allowed in ROLE_PERMISSIONS.items() if Permission.APPROVE_ORDERS in allowed
)

STOCK_KEEPER_ROLES = frozenset(
    role for role, allowed in ROLE_PERMISSIONS.items() if Permission.RECEIVE_STOCK in allowed
)


def audience_of(event_type: str) -> tuple[Audience, ...]:
    """Nobody, for events that are records rather than news (order.delivered, invoice.issued)."""
    return AUDIENCES.get(event_type, ())


def is_approver(role: Role) -> bool:
    return role in APPROVER_ROLES


def is_stock_keeper(role: Role) -> bool:
    return role in STOCK_KEEPER_ROLES
