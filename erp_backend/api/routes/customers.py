from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from erp_backend.api.context import Ctx, IdempotencyKey
from erp_backend.api.presenters import customer_out
from erp_backend.api.schemas import CreditOut, CustomerCreate, CustomerOut, CustomerPatch
from erp_backend.domain.money import to_money
from erp_backend.services import catalog

router = APIRouter(prefix="/customers", tags=["customers"])
CodePath = Annotated[str, Path(max_length=32)]


@router.get("/{code}", response_model=CustomerOut)
def get_customer(ctx: Ctx, code: CodePath) -> CustomerOut:
    return ctx.read(lambda s, actor: customer_out(catalog.get_customer(s, actor, code.upper())))


@router.get("/{code}/credit", response_model=CreditOut)
def get_credit(ctx: Ctx, code: CodePath) -> CreditOut:
    credit = ctx.read(lambda s, actor: catalog.customer_credit(s, actor, code.upper()))
    return CreditOut(
        customer_code=code.upper(),
        credit_limit=to_money(credit.credit_limit),
        exposure=credit.exposure,
        available=credit.available,
    )


@router.post("", status_code=201, response_model=CustomerOut)
def create_customer(ctx: Ctx, body: CustomerCreate, key: IdempotencyKey = None) -> JSONResponse:
    return ctx.write(
        lambda s, actor, now: customer_out(
            catalog.create_customer(s, actor, body.model_dump(), now)
        ),
        status_code=201,
        idempotency_key=key,
        body=body,
    )


@router.patch("/{code}", response_model=CustomerOut)
def update_customer(
    ctx: Ctx, code: CodePath, body: CustomerPatch, key: IdempotencyKey = None
) -> JSONResponse:
    fields = body.model_dump(exclude_unset=True)
    return ctx.write(
        lambda s, actor, _now: customer_out(
            catalog.update_customer(s, actor, code.upper(), fields)
        ),
        idempotency_key=key,
        body=body,
    )
