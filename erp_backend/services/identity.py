"""API keys, chat identities and one-time link codes."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from erp_backend.db import repositories as repo
from erp_backend.db.models import ApiKey, ChatLink, Customer, LinkAttempt, LinkCode, Principal
from erp_backend.domain.errors import DomainError, ErrorCode
from erp_backend.domain.identity import (
    LINK_CODE_DIGITS,
    LINK_CODE_TTL,
    LINK_LOCKOUT,
    LINK_TOKEN_BYTES,
    LINK_TOKEN_TTL,
    MAX_WRONG_GUESSES_PER_CODE,
    ChatIdentity,
    LinkAttempts,
    after_failure,
    ensure_codes_not_flooded,
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


def authenticate(session: Session, credentials: Credentials, now: datetime) -> tuple[Actor, Actor]:
    """Return (the key's own principal, the actor the request acts as). The key is looked up
    in the request's own transaction, never cached: a revoked or expired key is refused at
    once."""
    if not credentials.api_key:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Send 'Authorization: Bearer <api key>'.")
    found = (
        session.execute(
            select(ApiKey, Principal)
            .join(Principal, ApiKey.principal_id == Principal.id)
            .where(ApiKey.key_hash == _digest(credentials.api_key))
        )
        .unique()
        .one_or_none()
    )
    if found is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "The API key is not valid.")
    key, row = found
    # Only the holder of the secret gets this far, so saying why a key is refused leaks nothing.
    if key.revoked_at is not None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "The API key has been revoked.")
    if key.expires_at is not None and key.expires_at <= now:
        raise DomainError(
            ErrorCode.UNAUTHENTICATED,
            f"The API key expired at {key.expires_at:%Y-%m-%d %H:%M} UTC.",
        )
    if not row.active:
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


def create_api_key(
    session: Session, principal: Principal, now: datetime, *, expires_at: datetime | None = None
) -> str:
    """A new key for the principal; a principal may hold several (rotation). Returns the
    secret, which is stored only as its hash."""
    return issue_api_key(session, principal, now, expires_at=expires_at).secret


@dataclass(frozen=True)
class IssuedKey:
    secret: str
    key: ApiKey


def issue_api_key(
    session: Session, principal: Principal, now: datetime, *, expires_at: datetime | None = None
) -> IssuedKey:
    if expires_at is not None and expires_at <= now:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "A new key must expire in the future.")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        principal_id=principal.id,
        prefix=secret[: len(KEY_PREFIX) + 6],
        key_hash=_digest(secret),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    return IssuedKey(secret=secret, key=key)


def key_status(key: ApiKey, principal: Principal, now: datetime) -> str:
    """revoked, expired, principal inactive or active: whether the key opens the API now."""
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    return "active" if principal.active else "principal inactive"


def list_api_keys(
    session: Session, now: datetime, *, include_unusable: bool = False, name: str | None = None
) -> list[tuple[ApiKey, Principal]]:
    """The keys, oldest first, with their principals; by default the ones neither revoked nor
    expired."""
    statement = (
        select(ApiKey, Principal)
        .join(Principal, ApiKey.principal_id == Principal.id)
        .order_by(ApiKey.id)
    )
    if not include_unusable:
        statement = statement.where(
            ApiKey.revoked_at.is_(None), or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now)
        )
    if name is not None:
        statement = statement.where(Principal.name == name)
    return [(key, principal) for key, principal in session.execute(statement).unique()]


def find_api_key(session: Session, reference: str) -> ApiKey:
    """A key by its id, its prefix (or the start of it, if that names one key) or the whole
    secret. Locked for the change that follows."""
    reference = reference.strip()
    if reference.isascii() and reference.isdigit():
        too_big = len(reference) > 18  # more than a BIGINT holds
        found = None if too_big else session.get(ApiKey, int(reference), with_for_update=True)
        if found is None:
            raise repo.not_found("API key", reference)
        return found
    if not reference.startswith(KEY_PREFIX):
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"Give a key's id or its prefix (it starts with {KEY_PREFIX}), as list-keys shows.",
        )
    if len(reference) > len(KEY_PREFIX) + 6:  # the whole secret
        candidates = list(
            session.scalars(
                select(ApiKey).where(ApiKey.key_hash == _digest(reference)).with_for_update()
            )
        )
    else:
        candidates = list(
            session.scalars(
                select(ApiKey)
                .where(ApiKey.prefix.startswith(reference, autoescape=True))
                .order_by(ApiKey.id)
                .with_for_update()
            )
        )
    if not candidates:
        raise repo.not_found("API key", reference)
    if len(candidates) > 1:
        ids = ", ".join(str(key.id) for key in candidates)
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"{reference} matches {len(candidates)} keys (ids {ids}); give the id instead.",
            ids=[key.id for key in candidates],
        )
    return candidates[0]


def revoke_api_key(session: Session, key: ApiKey, now: datetime) -> bool:
    """Refuse the key from now on. False if it was revoked already (nothing changes)."""
    if key.revoked_at is not None:
        return False
    key.revoked_at = now
    return True


def rotate_api_key(
    session: Session,
    key: ApiKey,
    now: datetime,
    *,
    grace: timedelta,
    expires_at: datetime | None = None,
) -> IssuedKey:
    """A new key for the same principal; the old one keeps working for `grace` more (so every
    process can switch to the new one first), then it expires."""
    principal = session.get(Principal, key.principal_id)
    assert principal is not None
    status = key_status(key, principal, now)
    if status in {"revoked", "expired"}:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR,
            f"Key {key.id} is {status} already; make a new one with "
            f"create-key --name {principal.name}.",
        )
    if grace < timedelta(0):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "The grace period cannot be negative.")
    issued = issue_api_key(session, principal, now, expires_at=expires_at)
    ends = now + grace
    if key.expires_at is None or ends < key.expires_at:
        key.expires_at = ends
    return issued


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
    # the one-tap link's (docs/security.md): customers' contacts only — a staff member's
    # rights are not sent by e-mail for a week
    token: str | None
    token_expires_at: datetime | None


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
    # 6 digits are easy to read out and type; expiry, single use, the per-chat lockout and
    # the bound on guesses per code keep guessing out. The token beside it needs no typing.
    code = f"{secrets.randbelow(10**LINK_CODE_DIGITS):0{LINK_CODE_DIGITS}d}"
    for_customer = Role(principal.role) is Role.CUSTOMER
    token = secrets.token_urlsafe(LINK_TOKEN_BYTES) if for_customer else None
    token_expires_at = now + LINK_TOKEN_TTL if for_customer else None
    expires_at = now + LINK_CODE_TTL
    session.add(
        LinkCode(
            code_hash=_digest(code),
            principal_id=principal.id,
            created_by_id=actor.principal_id,
            created_at=now,
            expires_at=expires_at,
            token_hash=_digest(token) if token else None,
            token_expires_at=token_expires_at,
            wrong_guesses=0,
        )
    )
    return IssuedLinkCode(code, expires_at, principal, token, token_expires_at)


def redeem_link_code(
    session: Session, caller: Actor, chat_identity: str | None, code: str, now: datetime
) -> Principal:
    """Bind the chat to the code's principal. Wrong, expired or used codes count as failures
    for this chat (after too many the chat is locked out for a while) and against every live
    code (past a limit a code is void); while too many wrong codes arrive from everywhere,
    codes are refused. The failure is committed even though the request is refused
    (`keep_changes`)."""
    identity = _chat_to_link(caller, chat_identity)
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
    ensure_codes_not_flooded(_wrong_codes_lately(session, now))
    candidates = session.scalars(
        select(LinkCode).where(LinkCode.code_hash == _digest(code.strip()))
    ).all()
    replayed = _replayed_link(session, identity, candidates)
    if replayed is not None:
        return replayed
    link_code = next(
        (
            c
            for c in candidates
            if c.used_at is None
            and c.expires_at > now
            and c.wrong_guesses < MAX_WRONG_GUESSES_PER_CODE
        ),
        None,
    )
    if link_code is None:
        counted = after_failure(attempts if attempts.failures else None, now)
        attempt_row.failures = counted.failures
        attempt_row.window_started_at = counted.window_started_at
        attempt_row.locked_until = counted.locked_until
        # every code live now has seen one more wrong guess
        session.execute(
            update(LinkCode)
            .where(LinkCode.used_at.is_(None), LinkCode.expires_at > now)
            .values(wrong_guesses=LinkCode.wrong_guesses + 1)
            .execution_options(synchronize_session=False)
        )
        raise DomainError(
            ErrorCode.LINK_CODE_INVALID,
            "That code is not valid. Codes work once and expire after an hour.",
            keep_changes=True,
        )
    principal = _link(session, identity, link_code, now, "That code has just been used.")
    session.delete(attempt_row)
    return principal


def redeem_link_token(
    session: Session, caller: Actor, chat_identity: str | None, token: str, now: datetime
) -> Principal:
    """Bind the chat to the principal of a one-tap link's token (too long to guess: no
    attempts are counted). Used or expired tokens are refused; the code beside the token
    is used up with it."""
    identity = _chat_to_link(caller, chat_identity)
    candidates = session.scalars(
        select(LinkCode).where(LinkCode.token_hash == _digest(token.strip()))
    ).all()
    replayed = _replayed_link(session, identity, candidates)
    if replayed is not None:
        return replayed
    link_code = next(
        (
            c
            for c in candidates
            if c.used_at is None and c.token_expires_at is not None and c.token_expires_at > now
        ),
        None,
    )
    if link_code is None:
        raise DomainError(
            ErrorCode.LINK_CODE_INVALID,
            "That link is not valid any more: links work once and expire after 7 days. "
            "Please ask us for a new one.",
        )
    return _link(session, identity, link_code, now, "That link has just been used.")


def _chat_to_link(caller: Actor, chat_identity: str | None) -> ChatIdentity:
    caller.require(Permission.REDEEM_LINK_CODES)
    if chat_identity is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "Send the chat in X-Chat-Identity.")
    return parse_chat_identity(chat_identity)


def _wrong_codes_lately(session: Session, now: datetime) -> int:
    """Wrong codes counted for all chats in windows that began within the lockout period."""
    total = session.scalar(
        select(func.coalesce(func.sum(LinkAttempt.failures), 0)).where(
            LinkAttempt.window_started_at > now - LINK_LOCKOUT
        )
    )
    return int(total or 0)


def _replayed_link(
    session: Session, identity: ChatIdentity, candidates: Sequence[LinkCode]
) -> Principal | None:
    """A retry of this chat's own link, while the chat is still linked by that code."""
    current = _linked_principal_id(session, identity.channel, identity.external_id)
    for candidate in candidates:
        if candidate.used_by == str(identity) and current == candidate.principal_id:
            return session.get(Principal, candidate.principal_id)
    return None


def _link(
    session: Session, identity: ChatIdentity, link_code: LinkCode, now: datetime, taken: str
) -> Principal:
    """Claim the code with a conditional update so two chats cannot both use it, then link."""
    claimed = session.execute(
        update(LinkCode)
        .where(
            LinkCode.id == link_code.id,
            LinkCode.used_at.is_(None),
            # checked again here, not only when read: wrong guesses made at the same moment
            # by other chats count (PostgreSQL re-reads the row after their increments)
            LinkCode.wrong_guesses < MAX_WRONG_GUESSES_PER_CODE,
        )
        .values(used_at=now, used_by=str(identity))
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.LINK_CODE_INVALID, taken)
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
