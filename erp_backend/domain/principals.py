"""Who may do what. A principal is a person or a program with one role."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from erp_backend.domain.errors import DomainError, ErrorCode


class Role(StrEnum):
    CUSTOMER = "customer"
    SALES_REP = "sales_rep"
    FINANCE = "finance"
    WAREHOUSE = "warehouse"
    MANAGER = "manager"
    ADMIN = "admin"
    SERVICE = "service"  # the action server; acts for the principal linked to a chat
    ANONYMOUS = "anonymous"  # an unlinked chat: catalog only


class Permission(StrEnum):
    READ_CATALOG = "read_catalog"
    MANAGE_CATALOG = "manage_catalog"
    READ_CUSTOMERS = "read_customers"
    MANAGE_CUSTOMERS = "manage_customers"
    READ_ORDERS = "read_orders"
    PLACE_ORDERS = "place_orders"
    APPROVE_ORDERS = "approve_orders"
    FULFIL_ORDERS = "fulfil_orders"
    RECEIVE_STOCK = "receive_stock"
    READ_STOCK = "read_stock"
    CREATE_LINK_CODES = "create_link_codes"
    REDEEM_LINK_CODES = "redeem_link_codes"
    READ_INVOICES = "read_invoices"
    RECORD_PAYMENTS = "record_payments"
    READ_RECEIVABLES = "read_receivables"  # aging across customers
    READ_STATEMENTS = "read_statements"
    REQUEST_RETURNS = "request_returns"
    RECEIVE_RETURNS = "receive_returns"
    READ_EVENTS = "read_events"
    READ_REPORTS = "read_reports"  # sales, ABC, KPIs: managers, reps and finance


P = Permission
_STAFF_READ = {P.READ_CATALOG, P.READ_CUSTOMERS, P.READ_ORDERS, P.READ_STOCK}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Customer-scoped permissions are narrowed to the customer's own records by the services.
    Role.CUSTOMER: frozenset(
        {
            P.READ_CATALOG,
            P.READ_CUSTOMERS,
            P.READ_ORDERS,
            P.PLACE_ORDERS,
            P.READ_INVOICES,
            P.READ_STATEMENTS,
            P.REQUEST_RETURNS,
        }
    ),
    Role.SALES_REP: frozenset(
        _STAFF_READ
        | {
            P.PLACE_ORDERS,
            P.CREATE_LINK_CODES,
            P.READ_INVOICES,
            P.REQUEST_RETURNS,
            P.READ_REPORTS,
        }
    ),
    Role.FINANCE: frozenset(
        _STAFF_READ
        | {
            P.APPROVE_ORDERS,
            P.READ_INVOICES,
            P.RECORD_PAYMENTS,
            P.READ_RECEIVABLES,
            P.READ_STATEMENTS,
            P.READ_REPORTS,
        }
    ),
    Role.WAREHOUSE: frozenset(_STAFF_READ | {P.FULFIL_ORDERS, P.RECEIVE_STOCK, P.RECEIVE_RETURNS}),
    Role.MANAGER: frozenset(set(Permission) - {P.REDEEM_LINK_CODES}),
    Role.ADMIN: frozenset(set(Permission) - {P.REDEEM_LINK_CODES}),
    # The action server and the gateway: catalog, linking chats, reading the event feed.
    Role.SERVICE: frozenset({P.READ_CATALOG, P.REDEEM_LINK_CODES, P.READ_EVENTS}),
    Role.ANONYMOUS: frozenset({P.READ_CATALOG}),
}

# The largest line discount (percent) a role may give without approval. A principal may
# carry its own limit; these are the defaults when it does not.
DEFAULT_DISCOUNT_LIMIT_PCT: dict[Role, Decimal] = {
    Role.CUSTOMER: Decimal("0"),
    Role.SALES_REP: Decimal("10"),
    Role.FINANCE: Decimal("0"),
    Role.WAREHOUSE: Decimal("0"),
    Role.MANAGER: Decimal("25"),
    Role.ADMIN: Decimal("100"),
    Role.SERVICE: Decimal("0"),
    Role.ANONYMOUS: Decimal("0"),
}

STAFF_ROLES = frozenset({Role.SALES_REP, Role.FINANCE, Role.WAREHOUSE, Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class Actor:
    """The principal a request acts as, after resolving any chat identity."""

    principal_id: int | None
    name: str
    role: Role
    customer_id: int | None = None
    discount_limit_pct: Decimal = Decimal("0")
    chat_identity: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if self.can(permission):
            return
        if self.role is Role.ANONYMOUS:
            raise DomainError(
                ErrorCode.IDENTITY_NOT_LINKED,
                "This chat is not linked to an account yet. Ask your sales contact for a "
                "link code and send 'link <code>'.",
                chat_identity=self.chat_identity,
            )
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "Your role may not do this.",
            role=self.role.value,
            permission=permission.value,
        )

    def sees_customer(self, customer_id: int) -> bool:
        """Customers see only their own records; staff see all."""
        return self.role is not Role.CUSTOMER or self.customer_id == customer_id


ANONYMOUS = Actor(principal_id=None, name="anonymous", role=Role.ANONYMOUS)
