from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from erp_backend.api.context import Ctx
from erp_backend.api.openapi import errors
from erp_backend.api.schemas import (
    LinkByTokenIn,
    LinkCodeIn,
    LinkCodeOut,
    LinkIn,
    LinkOut,
    MeOut,
)
from erp_backend.domain.identity import LinkAddresses
from erp_backend.domain.principals import Actor
from erp_backend.services import identity

router = APIRouter(prefix="/identity", tags=["identity"])


@router.post("/link-codes", status_code=201, response_model=LinkCodeOut, responses=errors(404))
def create_link_code(ctx: Ctx, body: LinkCodeIn, request: Request) -> JSONResponse:
    """A one-time code that binds a chat to a customer contact or a staff user."""

    def work(s: Session, actor: Actor, now: datetime) -> LinkCodeOut:
        issued = identity.create_link_code(
            s, actor, now, customer_code=body.customer_code, principal_name=body.principal_name
        )
        customer = issued.principal.customer
        addresses: LinkAddresses = request.app.state.link_addresses
        return LinkCodeOut(
            code=issued.code,
            expires_at=issued.expires_at,
            principal_name=issued.principal.name,
            role=issued.principal.role,
            customer_code=customer.code if customer else None,
            token=issued.token,
            token_expires_at=issued.token_expires_at,
            telegram_link=addresses.telegram(issued.token) if issued.token else None,
            web_link=addresses.web(issued.token) if issued.token else None,
        )

    # No Idempotency-Key here: replaying would hand out a code twice.
    return ctx.write(work, status_code=201)


@router.post("/links", response_model=LinkOut, responses=errors(429))
def link_chat(ctx: Ctx, body: LinkIn | LinkByTokenIn) -> LinkOut:
    """Redeem a code, or a one-tap link's token, for the chat in X-Chat-Identity (service
    principal only). Sending the same again from the same chat answers the same link, so a
    retry is safe."""
    chat_identity = ctx.credentials.chat_identity

    def work(s: Session, caller: Actor, _actor: Actor, now: datetime) -> LinkOut:
        if isinstance(body, LinkByTokenIn):
            principal = identity.redeem_link_token(s, caller, chat_identity, body.token, now)
        else:
            principal = identity.redeem_link_code(s, caller, chat_identity, body.code, now)
        return LinkOut(
            chat_identity=str(chat_identity),
            principal_name=principal.name,
            role=principal.role,
            customer_code=principal.customer.code if principal.customer else None,
            customer_name=principal.customer.name if principal.customer else None,
        )

    return ctx.caller_and_actor(work)


@router.get("/me", response_model=MeOut)
def who_am_i(ctx: Ctx) -> MeOut:
    """The principal this request acts as: for a chat, whom it is linked to, if anyone."""

    return ctx.read(lambda s, actor: MeOut(**identity.whoami(s, actor)))
