"""API keys, chat identities and one-time link codes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import ApiKey, ChatLink, Customer, LinkAttempt, LinkCode, Principal
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.identity import (
    LINK_CODE_DIGITS,
    LINK_CODE_TTL,
    LinkAttempts,
    after_failure,
    ensure_not_locked,
    parse_chat_identity,
)
from erp_backend.domain.principals import (
    DEFAULT_DISCOUNT_LIMIT_PCT,
    STAFF_ROLES,
    Actor,
    Permission,
    Role,
)

KEY_PREFIX = "erp_"


@dataclass(frozen=True)
class Credentials:
    """What a request presented; resolved to an Actor inside the request's transaction."""

    api_key: str | None
    chat_identity: str | None

    @staticmethod
    def scope(caller: Actor, actor: Actor) -> str:
        """Idempotency keys are scoped per caller: the key's principal, the chat it speaks
        for (normalised) and whom that chat is linked to now, so a relinked chat never
        replays another account's answer."""
        return f"{caller.principal_id}|{actor.chat_identity or ''}|{actor.principal_id}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def authenticate(session: Session, credentials: Credentials) -> tuple[Actor, Actor]:
    """Return (the key's own principal, the actor the request acts as)."""
    if not credentials.api_key:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Send 'Authorization: Bearer <api key>'.")
    row = (
        session.execute(
            select(Principal)
            .join(ApiKey, ApiKey.principal_id == Principal.id)
            .where(ApiKey.key_hash == _digest(credentials.api_key), ApiKey.revoked_at.is_(None))
        )
        .unique()
        .scalar_one_or_none()
    )
    if row is None or not row.active:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "The API key is not valid.")
    caller = actor_for(row)
    if credentials.chat_identity is None:
        return caller, caller
    if caller.role is not Role.SERVICE:
        raise DomainError(
            ErrorCode.FORBIDDEN, "Only the service principal may act for a chat identity."
        )
    identity = parse_chat_identity(credentials.chat_identity)
    linked = (
        session.execute(
            select(Principal)
            .join(ChatLink, ChatLink.principal_id == Principal.id)
            .where(
                ChatLink.channel == identity.channel, ChatLink.external_id == identity.external_id
            )
        )
        .unique()
        .scalar_one_or_none()
    )
    if linked is None or not linked.active:
        return caller, Actor(None, "anonymous", Role.ANONYMOUS, chat_identity=str(identity))
    return caller, actor_for(linked, chat_identity=str(identity))


def actor_for(principal: Principal, chat_identity: str | None = None) -> Actor:
    role = Role(principal.role)
    limit = principal.discount_limit_pct
    return Actor(
        principal_id=principal.id,
        name=principal.name,
        role=role,
        customer_id=principal.customer_id,
        discount_limit_pct=limit if limit is not None else DEFAULT_DISCOUNT_LIMIT_PCT[role],
        chat_identity=chat_identity,
    )


def create_api_key(session: Session, principal: Principal, now: datetime) -> str:
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            principal_id=principal.id,
            prefix=secret[: len(KEY_PREFIX) + 6],
            key_hash=_digest(secret),
            created_at=now,
        )
    )
    return secret


def ensure_principal(
    session: Session,
    name: str,
    role: Role,
    now: datetime,
    *,
    customer: Customer | None = None,
) -> Principal:
    principal = session.scalars(select(Principal).where(Principal.name == name)).unique().first()
    if principal is not None:
        if principal.role != role.value or principal.customer_id != (customer and customer.id):
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                f"Principal {name} exists with another role or customer.",
                name=name,
            )
        return principal
    if (role is Role.CUSTOMER) != (customer is not None):
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "A customer principal needs a customer, staff none."
        )
    principal = Principal(
        name=name,
        role=role.value,
        customer_id=customer.id if customer else None,
        customer=customer,
        created_at=now,
    )
    session.add(principal)
    session.flush()
    return principal


@dataclass(frozen=True)
class IssuedLinkCode:
    code: str
    expires_at: datetime
    principal: Principal


def create_link_code(
    session: Session,
    actor: Actor,
    now: datetime,
    *,
    customer_code: str | None,
    principal_name: str | None,
) -> IssuedLinkCode:
    """A one-time code for a customer's contact (by customer code) or a staff user (by name).
    Sales reps may create codes for customers only; managers and admins for anyone."""
    actor.require(Permission.CREATE_LINK_CODES)
    if (customer_code is None) == (principal_name is None):
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "Give either customer_code or principal_name."
        )
    if customer_code is not None:
        customer = repo.customer_by_code(session, customer_code)
        if customer is None:
            raise DomainError(
                ErrorCode.UNKNOWN_CUSTOMER,
                f"There is no customer {customer_code}.",
                customer_code=customer_code,
            )
        principal = ensure_principal(
            session, f"contact:{customer.code}", Role.CUSTOMER, now, customer=customer
        )
    else:
        found = (
            session.scalars(select(Principal).where(Principal.name == principal_name))
            .unique()
            .first()
        )
        if found is None or Role(found.role) not in STAFF_ROLES | {Role.CUSTOMER}:
            raise repo.not_found("Principal", str(principal_name))
        if Role(found.role) is not Role.CUSTOMER and actor.role is Role.SALES_REP:
            raise DomainError(ErrorCode.FORBIDDEN, "Sales reps create codes for customers only.")
        principal = found
    # 6 digits are easy to type in a chat; expiry, single use and the per-chat lockout are
    # what keep guessing out.
    code = f"{secrets.randbelow(10**LINK_CODE_DIGITS):0{LINK_CODE_DIGITS}d}"
    expires_at = now + LINK_CODE_TTL
    session.add(
        LinkCode(
            code_hash=_digest(code),
            principal_id=principal.id,
            created_by_id=actor.principal_id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return IssuedLinkCode(code=code, expires_at=expires_at, principal=principal)


def redeem_link_code(
    session: Session, caller: Actor, chat_identity: str | None, code: str, now: datetime
) -> Principal:
    """Bind the chat to the code's principal. Wrong, expired or used codes count as failures
    for this chat; after too many the chat is locked out for a while. The failure is
    committed even though the request is refused (`keep_changes`)."""
    caller.require(Permission.REDEEM_LINK_CODES)
    if chat_identity is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "Send the chat in X-Chat-Identity.")
    identity = parse_chat_identity(chat_identity)
    # Make sure this chat's attempt row exists, then lock it: parallel guesses from one chat
    # queue here and each one is counted (a missing row could not be locked).
    session.execute(
        repo.insert_for(session, LinkAttempt)
        .values(identity=str(identity), failures=0, window_started_at=now, locked_until=None)
        .on_conflict_do_nothing(index_elements=["identity"])
    )
    attempt_row = session.get(
        LinkAttempt, str(identity), with_for_update=True, populate_existing=True
    )
    assert attempt_row is not None
    attempts = LinkAttempts(
        attempt_row.failures, attempt_row.window_started_at, attempt_row.locked_until
    )
    ensure_not_locked(attempts, now)
    candidates = session.scalars(
        select(LinkCode).where(LinkCode.code_hash == _digest(code.strip()))
    ).all()
    current = _linked_principal_id(session, identity.channel, identity.external_id)
    for candidate in candidates:
        # A retry of this chat's own link, while the chat is still linked by that code.
        if candidate.used_by == str(identity) and current == candidate.principal_id:
            replayed = session.get(Principal, candidate.principal_id)
            assert replayed is not None
            return replayed
    link_code = next((c for c in candidates if c.used_at is None and c.expires_at > now), None)
    if link_code is None:
        counted = after_failure(attempts if attempts.failures else None, now)
        attempt_row.failures = counted.failures
        attempt_row.window_started_at = counted.window_started_at
        attempt_row.locked_until = counted.locked_until
        raise DomainError(
            ErrorCode.LINK_CODE_INVALID,
            "That code is not valid. Codes work once and expire after an hour.",
            keep_changes=True,
        )
    # Claim the code with a conditional update so two chats cannot both use it.
    claimed = session.execute(
        update(LinkCode)
        .where(LinkCode.id == link_code.id, LinkCode.used_at.is_(None))
        .values(used_at=now, used_by=str(identity))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.LINK_CODE_INVALID, "That code has just been used.")
    existing = session.scalars(
        select(ChatLink).where(
            ChatLink.channel == identity.channel, ChatLink.external_id == identity.external_id
        )
    ).first()
    if existing is None:
        session.add(
            ChatLink(
                channel=identity.channel,
                external_id=identity.external_id,
                principal_id=link_code.principal_id,
                linked_at=now,
            )
        )
    else:  # relinking a chat to another account replaces the old link
        existing.principal_id = link_code.principal_id
        existing.linked_at = now
    session.delete(attempt_row)
    principal = session.get(Principal, link_code.principal_id)
    assert principal is not None
    return principal


def _linked_principal_id(session: Session, channel: str, external_id: str) -> int | None:
    return session.scalar(
        select(ChatLink.principal_id).where(
            ChatLink.channel == channel, ChatLink.external_id == external_id
        )
    )


def whoami(session: Session, actor: Actor) -> dict[str, object]:
    customer = session.get(Customer, actor.customer_id) if actor.customer_id else None
    return {
        "customer_code": customer.code if customer else None,
        "name": actor.name,
        "role": actor.role.value,
        "chat_identity": actor.chat_identity,
        "linked": actor.role is not Role.ANONYMOUS,
    }
