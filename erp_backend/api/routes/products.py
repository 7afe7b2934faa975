from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse

from erp_backend.api.context import (
    Ctx,
    IdempotencyKey,
    KeyCursor,
    decode_cursor,
    encode_cursor,
)
from erp_backend.api.presenters import forecast_out, product_out, ranked_page
from erp_backend.api.schemas import (
    NO_NUL,
    ForecastOut,
    Page,
    ProductCreate,
    ProductOut,
    ProductPatch,
)
from erp_backend.domain.replenishment import ReplenishmentPolicy
from erp_backend.services import catalog, forecast

router = APIRouter(prefix="/products", tags=["catalog"])
SkuPath = Annotated[str, Path(max_length=40, pattern=NO_NUL)]


@router.get("", response_model=Page[ProductOut])
def list_products(
    ctx: Ctx,
    q: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    cursor: KeyCursor = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ProductOut]:
    """Active products. With `q`, the best matches for the words of a query ("m8 bolts",
    "8mm washers", "drywal screws") or of a Chinese name ("m8螺栓", "扎带"), best first, each
    with its `relevance` and whether it matches the whole query (`match`); one page, no
    cursor. Without `q`, every active product in SKU order, a page at a time."""
    if q and q.strip():
        ranked = ctx.read(lambda s, actor: catalog.search_products(s, actor, q, limit))
        return ranked_page(ranked, product_out)
    after = decode_cursor(cursor)
    products = ctx.read(lambda s, actor: catalog.list_products(s, actor, after, limit))
    items = [product_out(product) for product in products]
    next_cursor = encode_cursor(items[-1].sku) if len(items) == limit else None
    return Page[ProductOut](items=items, next_cursor=next_cursor)


@router.get("/{sku}", response_model=ProductOut)
def get_product(ctx: Ctx, sku: SkuPath) -> ProductOut:
    return ctx.read(lambda s, actor: product_out(catalog.get_product(s, actor, sku.upper())))


@router.get("/{sku}/forecast", response_model=ForecastOut)
def get_forecast(
    ctx: Ctx,
    request: Request,
    sku: SkuPath,
    months: Annotated[int, Query(ge=1, le=24)] = 3,
) -> ForecastOut:
    """Monthly demand, its forecast and the reorder point and quantity it proposes
    (staff who may read stock; docs/replenishment.md)."""
    policy: ReplenishmentPolicy = request.app.state.replenishment
    today = ctx.clock().date()
    history = ctx.read(
        lambda s, actor: forecast.demand_history(s, actor, sku.upper(), today, policy)
    )
    return forecast_out(forecast.forecast_product(history, policy, months))


@router.post("", status_code=201, response_model=ProductOut)
def create_product(ctx: Ctx, body: ProductCreate, key: IdempotencyKey = None) -> JSONResponse:
    return ctx.write(
        lambda s, actor, now: product_out(catalog.create_product(s, actor, body.model_dump(), now)),
        status_code=201,
        idempotency_key=key,
        body=body,
    )


@router.patch("/{sku}", response_model=ProductOut)
def update_product(
    ctx: Ctx, sku: SkuPath, body: ProductPatch, key: IdempotencyKey = None
) -> JSONResponse:
    fields = body.model_dump(exclude_unset=True)
    return ctx.write(
        lambda s, actor, _now: product_out(catalog.update_product(s, actor, sku.upper(), fields)),
        idempotency_key=key,
        body=body,
    )
