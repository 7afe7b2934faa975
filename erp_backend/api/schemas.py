"""Request and response bodies. Money is a decimal string; unknown fields are refused."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from erp_backend.domain.money import MAX_AMOUNT, business_currency

T = TypeVar("T")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_no_nul)]
Sku = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$"
    ),
]
CustomerCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
    ),
]
Quantity = Annotated[int, Field(strict=True, ge=1, le=100_000)]
Amount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, decimal_places=2)]
DiscountPct = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
Count = Annotated[int, Field(strict=True, ge=0, le=10_000_000)]
# Trade names a product is also searched by, comma-separated: "rawlplug, wall anchor".
SearchTerms = Annotated[Text, StringConstraints(max_length=500)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PatchInput(Input):
    """A partial update: absent fields stay; `null` clears only the fields that may be empty."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _null_only_where_allowed(self) -> Self:
        for name in sorted(self.model_fields_set):
            if getattr(self, name) is None and name not in self.NULLABLE:
                raise ValueError(f"{name} cannot be null; leave it out to keep it")
        return self


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any]


# --- catalog ---------------------------------------------------------------------------


class ProductOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    sku: str
    name: str
    unit_price: Decimal
    unit: str
    on_hand: int
    reserved: int
    available: int
    reorder_point: int
    reorder_qty: int
    active: bool
    search_terms: str = ""
    # with `q`: how well the product matches (0..1) and whether it matches the whole query
    relevance: float | None = None
    match: Literal["full", "partial"] | None = None


class ProductCreate(Input):
    sku: Sku
    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    unit_price: Amount
    unit: Annotated[Text, StringConstraints(min_length=1, max_length=16)] = "pcs"
    reorder_point: Count = 0
    reorder_qty: Count = 0
    search_terms: SearchTerms = ""


class ProductPatch(PatchInput):
    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)] | None = None
    unit_price: Amount | None = None
    unit: Annotated[Text, StringConstraints(min_length=1, max_length=16)] | None = None
    reorder_point: Count | None = None
    reorder_qty: Count | None = None
    active: bool | None = None
    search_terms: SearchTerms | None = None


class CustomerOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    code: str
    name: str
    credit_limit: Decimal
    payment_terms_days: int
    active: bool
    shipping_address: str | None
    email: str | None
    relevance: float | None = None  # with `q`: see ProductOut
    match: Literal["full", "partial"] | None = None


class CustomerCreate(Input):
    code: CustomerCode
    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    credit_limit: Amount
    payment_terms_days: Annotated[int, Field(strict=True, ge=0, le=365)] = 30
    active: bool = True
    shipping_address: Annotated[Text, StringConstraints(max_length=500)] | None = None
    email: Annotated[Text, StringConstraints(max_length=200)] | None = None


class CustomerPatch(PatchInput):
    NULLABLE = frozenset({"shipping_address", "email"})
    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)] | None = None
    credit_limit: Amount | None = None
    payment_terms_days: Annotated[int, Field(strict=True, ge=0, le=365)] | None = None
    active: bool | None = None
    shipping_address: Annotated[Text, StringConstraints(max_length=500)] | None = None
    email: Annotated[Text, StringConstraints(max_length=200)] | None = None


class CreditOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    customer_code: str
    credit_limit: Decimal
    exposure: Decimal
    available: Decimal


# --- orders ----------------------------------------------------------------------------


class OrderLineIn(Input):
    sku: Sku
    quantity: Quantity
    discount_pct: DiscountPct = Decimal("0")


class OrderCreate(Input):
    customer_code: CustomerCode | None = Field(
        default=None, description="Required for staff; customers order for themselves."
    )
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=100)]
    channel: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,19}$")] | None = None
    requested_delivery_date: date | None = None
    shipping_address: Annotated[Text, StringConstraints(min_length=1, max_length=500)] | None = None


class OrderEdit(Input):
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=100)]
    requested_delivery_date: date | None = None
    shipping_address: Annotated[Text, StringConstraints(min_length=1, max_length=500)] | None = None


class RejectIn(Input):
    reason: Annotated[Text, StringConstraints(min_length=1, max_length=500)]


class CancelIn(Input):
    reason: Annotated[Text, StringConstraints(max_length=500)] | None = None


class OrderLineOut(BaseModel):
    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    discount_pct: Decimal
    line_total: Decimal


class OrderOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    number: str
    status: str
    customer_code: str
    customer_name: str
    channel: str
    lines: list[OrderLineOut]
    total: Decimal
    approval_reasons: list[str]
    rejection_reason: str | None
    carrier: str | None
    tracking_number: str | None
    requested_delivery_date: date | None
    shipping_address: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    allowed_actions: list[str]


class OrderEventOut(BaseModel):
    at: datetime
    kind: str
    status: str
    actor_role: str
    note: str | None
    data: dict[str, Any]


# --- stock -----------------------------------------------------------------------------


class StockOut(BaseModel):
    sku: str
    on_hand: int
    reserved: int
    available: int


class StockReceiptIn(Input):
    sku: Sku
    quantity: Annotated[int, Field(strict=True, ge=1, le=1_000_000)]


class StockReceiptOut(BaseModel):
    stock: StockOut
    confirmed_orders: list[str]


class ReplenishmentOut(BaseModel):
    id: int
    sku: str
    quantity: int
    status: str
    reason: str
    created_at: datetime
    updated_at: datetime


class MonthlyDemandOut(BaseModel):
    month: str = Field(description="YYYY-MM")
    quantity: float


class ReplenishmentPolicyOut(BaseModel):
    lead_time_days: int
    service_level: float
    cover_days: int


class ForecastOut(BaseModel):
    sku: str
    name: str
    method: str = Field(
        description="holt_winters_multiplicative, holt_winters_additive, "
        "holt_damped_trend or mean (docs/replenishment.md)"
    )
    history: list[MonthlyDemandOut]
    forecast: list[MonthlyDemandOut]
    residual_std: float
    available: int
    reorder_point: int
    reorder_qty: int
    proposed_reorder_point: int
    proposed_reorder_qty: int
    policy: ReplenishmentPolicyOut


class ReplenishmentProposalOut(BaseModel):
    sku: str
    name: str
    method: str
    available: int
    reorder_point: int
    reorder_qty: int
    proposed_reorder_point: int
    proposed_reorder_qty: int
    reasons: list[str] = Field(
        description="reorder_point_differs, under_reorder_point, under_proposed_reorder_point"
    )


# --- identity --------------------------------------------------------------------------


class LinkCodeIn(Input):
    customer_code: CustomerCode | None = None
    principal_name: Annotated[Text, StringConstraints(min_length=1, max_length=100)] | None = None


class LinkCodeOut(BaseModel):
    code: str
    expires_at: datetime
    principal_name: str
    role: str
    customer_code: str | None


class LinkIn(Input):
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4,12}$")]


class LinkOut(BaseModel):
    chat_identity: str
    principal_name: str
    role: str
    customer_code: str | None


class MeOut(BaseModel):
    name: str
    role: str
    customer_code: str | None
    chat_identity: str | None
    linked: bool


# --- fulfilment, invoices, receivables, returns, events -----------------------------------


class ShipIn(Input):
    carrier: Annotated[Text, StringConstraints(min_length=1, max_length=60)]
    tracking_number: Annotated[Text, StringConstraints(min_length=1, max_length=80)]


class InvoiceOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    number: str
    order_number: str | None  # null for an opening invoice taken over by `import invoices`
    customer_code: str
    customer_name: str
    status: str
    issued_on: date
    due_on: date
    days_overdue: int
    total: Decimal
    paid: Decimal
    credited: Decimal
    balance: Decimal


class InvoiceDetailOut(InvoiceOut):
    lines: list[OrderLineOut]  # an invoice covers every line of its (complete) shipment


class PaymentIn(Input):
    amount: Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, decimal_places=2)]
    received_on: date | None = None
    reference: Annotated[Text, StringConstraints(max_length=80)] | None = None


class PaymentOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    id: int
    amount: Decimal
    received_on: date
    reference: str | None
    invoice: InvoiceOut


class AgingTotalsOut(BaseModel):
    """Open balance by days past due (domain.receivables.AgingBucket) and in all."""

    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_over_90: Decimal
    total: Decimal


class AgingRowOut(AgingTotalsOut):
    customer_code: str
    customer_name: str
    oldest_days_overdue: int


class AgingOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    as_of: date
    customers: list[AgingRowOut]
    totals: AgingTotalsOut


class StatementEntryOut(BaseModel):
    date: date
    kind: str
    reference: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


class StatementOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    customer_code: str
    customer_name: str
    start: date | None
    end: date
    opening_balance: Decimal
    entries: list[StatementEntryOut]
    closing_balance: Decimal


class ReturnLineIn(Input):
    sku: Sku
    quantity: Quantity


class ReturnIn(Input):
    order_number: Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=20)
    ]
    lines: Annotated[list[ReturnLineIn], Field(min_length=1, max_length=100)]
    reason: Annotated[Text, StringConstraints(min_length=1, max_length=500)]


class ReturnLineOut(BaseModel):
    sku: str
    quantity: int
    credit: Decimal


class ReturnOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    number: str
    order_number: str
    customer_code: str
    status: str
    reason: str
    lines: list[ReturnLineOut]
    credit_total: Decimal
    created_at: datetime
    received_at: datetime | None
    credit_note_number: str | None


class EventOut(BaseModel):
    id: int
    type: str
    occurred_at: datetime
    payload: dict[str, Any]
    audience: list[str] = Field(
        default_factory=list,
        description="chat identities to tell (`telegram:…`, `web:…`); empty for records",
    )


class MonthOfSalesOut(BaseModel):
    month: int
    label: str  # 2026-03
    orders: int
    revenue: Decimal
    last_year_revenue: Decimal | None  # null where the data does not reach back that far
    growth_vs_previous_month_pct: Decimal | None
    growth_vs_last_year_pct: Decimal | None
    complete: bool


class MonthlySalesOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    year: int
    months: list[MonthOfSalesOut]
    orders: int
    revenue: Decimal
    through: date
    data_since: date | None  # the first order: comparisons before it are null
    last_year_same_period_revenue: Decimal | None
    growth_vs_last_year_pct: Decimal | None


class PeriodSalesOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    start: date
    end: date  # inclusive
    orders: int
    revenue: Decimal
    # the period before: as many months earlier for a period from the 1st of a month
    # (March -> February, Q3 -> Q2), else the same number of days just before
    previous_start: date
    previous_end: date
    previous_revenue: Decimal | None  # null where the data does not cover it
    last_year_revenue: Decimal | None  # the same dates a year earlier
    growth_vs_previous_pct: Decimal | None
    growth_vs_last_year_pct: Decimal | None


class OrderVolumeOut(BaseModel):
    start: date
    end: date
    received: int  # orders submitted in the period
    shipped: int
    delivered: int


class AbcItemOut(BaseModel):
    key: str  # SKU or customer code
    name: str
    revenue: Decimal
    share_pct: Decimal
    cumulative_pct: Decimal
    abc_class: str


class AbcClassSummaryOut(BaseModel):
    abc_class: str
    count: int
    revenue: Decimal
    share_pct: Decimal | None


class AbcOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    by: str
    start: date
    end: date
    a_pct: Decimal
    b_pct: Decimal
    total_revenue: Decimal
    classes: list[AbcClassSummaryOut]
    items: list[AbcItemOut]


class SpreadOut(BaseModel):
    count: int
    median_hours: float | None
    p90_hours: float | None


class KpisOut(BaseModel):
    start: date
    end: date
    orders: int
    submitted: int
    cycle_time: dict[str, SpreadOut]  # created_to_confirmed, confirmed_to_shipped, ...
    held_for_approval: int
    held_for_approval_pct: Decimal | None
    approval_time: SpreadOut
    fill_rate_pct: Decimal | None
    reserved: int
    on_time_delivery_pct: Decimal | None
    delivered_with_date: int
    inventory_turnover: Decimal | None


class LowStockOut(BaseModel):
    sku: str
    name: str
    on_hand: int
    reserved: int
    available: int
    reorder_point: int
    on_order: int
