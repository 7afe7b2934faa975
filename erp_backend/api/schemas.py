"""Request and response bodies. Money is a decimal string; unknown fields are refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import core_schema

from erp_backend.domain.money import MAX_AMOUNT, business_currency

T = TypeVar("T")


# Whitespace taken off both ends of text: JSON Schema's (ECMAScript's) \s, spelled out,
# because Python, Rust (pydantic) and ECMAScript each mean something else by \s. Length
# limits count what was sent; after them the text is stripped.
SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
_SPACE = r"\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# PostgreSQL stores no NUL: identifiers and search words with one are refused up front
NO_NUL = r"^[^\x00]*$"
# at least one character that is not whitespace, and no NUL
NOT_BLANK = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"


def _code(value: str) -> str:
    return value.strip(SPACE).upper()


@dataclass(frozen=True)
class _CleanText:
    """Text after its length limits: no NUL, stripped; with `blank=False`, not only spaces
    (the fields that must say something). The schema's pattern says the same."""

    blank: bool

    def clean(self, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        stripped = value.strip(SPACE)
        if not stripped and not self.blank:
            raise ValueError("must not be only spaces")
        return stripped

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.clean, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {**handler(schema), "pattern": NO_NUL if self.blank else NOT_BLANK}


Clean = _CleanText(blank=True)
NonBlank = _CleanText(blank=False)
Sku = Annotated[
    str,
    StringConstraints(pattern=rf"^[{_SPACE}]*[A-Za-z0-9][A-Za-z0-9._/-]{{0,39}}[{_SPACE}]*$"),
    AfterValidator(_code),
]
CustomerCode = Annotated[
    str,
    StringConstraints(pattern=rf"^[{_SPACE}]*[A-Za-z0-9][A-Za-z0-9._-]{{0,31}}[{_SPACE}]*$"),
    AfterValidator(_code),
]


def _whole_number(value: Any) -> Any:
    """JSON has one kind of number: 3.0 is the integer 3, as JSON Schema's `integer` says.
    3.5, "3" and true stay refused (the fields are strict)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = BeforeValidator(_whole_number)
Quantity = Annotated[int, Field(strict=True, ge=1, le=100_000), Whole]
Count = Annotated[int, Field(strict=True, ge=0, le=10_000_000), Whole]
Days = Annotated[int, Field(strict=True, ge=0, le=365), Whole]

# Money and percentages: a JSON number or a decimal string, at most two decimal places. The
# string form is a pattern ([0-9], not \d, which takes other scripts' digits in Python) that
# the server checks too, so the OpenAPI schema and the validator take exactly the same
# inputs: no "", "1e3", " 1" or "NaN". Ten digits before the point: MAX_AMOUNT is
# 9999999999.99. The (?=.*[1-9]) of the positive forms refuses "0" and "0.00".
MONEY_TEXT = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
POSITIVE_MONEY_TEXT = r"^(?=.*[1-9])[0-9]{1,10}(\.[0-9]{1,2})?$"
PERCENT_TEXT = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"
POSITIVE_PERCENT_TEXT = r"^(?=.*[1-9])(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"


def _decimal_text(pattern: str, meaning: str) -> BeforeValidator:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, str) and not compiled.fullmatch(value)):
            raise ValueError(f"must be {meaning}")
        return value

    return BeforeValidator(check)


def _decimal_schema(pattern: str, meaning: str, maximum: Decimal, *, positive: bool) -> Any:
    number: dict[str, Any] = {"type": "number", "maximum": float(maximum), "multipleOf": 0.01}
    number["exclusiveMinimum" if positive else "minimum"] = 0
    return WithJsonSchema(
        {"anyOf": [number, {"type": "string", "pattern": pattern}], "description": meaning}
    )


_AMOUNT = 'a number from 0 to 9999999999.99 with at most 2 decimal places (12.5 or "12.50")'
_POSITIVE_AMOUNT = _AMOUNT.replace("from 0 to", "above 0, up to")
_PCT = 'a percentage from 0 to 100 with at most 2 decimal places (12.5 or "12.50")'
_POSITIVE_PCT = _PCT.replace("from 0 to", "above 0, up to")
Amount = Annotated[
    Decimal,
    Field(ge=0, le=MAX_AMOUNT, decimal_places=2),
    _decimal_text(MONEY_TEXT, _AMOUNT),
    _decimal_schema(MONEY_TEXT, _AMOUNT, MAX_AMOUNT, positive=False),
]
PositiveAmount = Annotated[
    Decimal,
    Field(gt=0, le=MAX_AMOUNT, decimal_places=2),
    _decimal_text(POSITIVE_MONEY_TEXT, _POSITIVE_AMOUNT),
    _decimal_schema(POSITIVE_MONEY_TEXT, _POSITIVE_AMOUNT, MAX_AMOUNT, positive=True),
]
DiscountPct = Annotated[
    Decimal,
    Field(ge=0, le=100, decimal_places=2),
    _decimal_text(PERCENT_TEXT, _PCT),
    _decimal_schema(PERCENT_TEXT, _PCT, Decimal(100), positive=False),
]
PositivePct = Annotated[
    Decimal,
    Field(gt=0, le=100, decimal_places=2),
    _decimal_text(POSITIVE_PERCENT_TEXT, _POSITIVE_PCT),
    _decimal_schema(POSITIVE_PERCENT_TEXT, _POSITIVE_PCT, Decimal(100), positive=True),
]

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_day(value: Any) -> Any:
    """A day is YYYY-MM-DD, as JSON Schema's `date` format says; left alone, the validator
    would also take a number (or a string of one) as a Unix time."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("must be a date as YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_iso_day)]

# Trade names a product is also searched by, comma-separated: "rawlplug, wall anchor".
SearchTerms = Annotated[str, StringConstraints(max_length=500), Clean]
# The name in Simplified Chinese, "" for none: "六角螺栓 M8×40 镀锌". Searched like the name.
NameZh = Annotated[
    str,
    StringConstraints(max_length=200),
    Clean,
    Field(description='The name in Simplified Chinese ("六角螺栓 M8×40 镀锌"); "" for none.'),
]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _null_only_where_nullable(schema: dict[str, Any], model: type[Any]) -> None:
    """The schema says what the validator below does: `null` only for the NULLABLE fields."""
    nullable: frozenset[str] = getattr(model, "NULLABLE", frozenset())
    for name, field in schema.get("properties", {}).items():
        options = field.get("anyOf")
        if name in nullable or not isinstance(options, list):
            continue
        kept = [option for option in options if option != {"type": "null"}]
        if "default" in field and field["default"] is None:
            del field["default"]  # leaving it out keeps the value; null is not one
        if len(kept) == 1:
            del field["anyOf"]
            field.update(kept[0])
        else:
            field["anyOf"] = kept


class PatchInput(Input):
    """A partial update: absent fields stay; `null` clears only the fields that may be empty."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_null_only_where_nullable)
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
    name_zh: str = ""  # the name in Simplified Chinese, "" when it has none
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
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NonBlank]
    name_zh: NameZh = ""
    unit_price: Amount
    unit: Annotated[str, StringConstraints(min_length=1, max_length=16), NonBlank] = "pcs"
    reorder_point: Count = 0
    reorder_qty: Count = 0
    search_terms: SearchTerms = ""


class ProductPatch(PatchInput):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NonBlank] | None = None
    name_zh: NameZh | None = None  # "" takes the Chinese name away
    unit_price: Amount | None = None
    unit: Annotated[str, StringConstraints(min_length=1, max_length=16), NonBlank] | None = None
    reorder_point: Count | None = None
    reorder_qty: Count | None = None
    active: bool | None = None
    search_terms: SearchTerms | None = None


class CustomerOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    code: str
    name: str
    name_zh: str = ""  # see ProductOut
    credit_limit: Decimal
    payment_terms_days: int
    active: bool
    shipping_address: str | None
    email: str | None
    relevance: float | None = None  # with `q`: see ProductOut
    match: Literal["full", "partial"] | None = None


class CustomerCreate(Input):
    code: CustomerCode
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NonBlank]
    name_zh: NameZh = ""
    credit_limit: Amount
    payment_terms_days: Days = 30
    active: bool = True
    shipping_address: Annotated[str, StringConstraints(max_length=500), Clean] | None = None
    email: Annotated[str, StringConstraints(max_length=200), Clean] | None = None


class CustomerPatch(PatchInput):
    NULLABLE = frozenset({"shipping_address", "email"})
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NonBlank] | None = None
    name_zh: NameZh | None = None  # "" takes the Chinese name away
    credit_limit: Amount | None = None
    payment_terms_days: Days | None = None
    active: bool | None = None
    shipping_address: Annotated[str, StringConstraints(max_length=500), Clean] | None = None
    email: Annotated[str, StringConstraints(max_length=200), Clean] | None = None


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
    requested_delivery_date: Day | None = None
    shipping_address: (
        Annotated[str, StringConstraints(min_length=1, max_length=500), NonBlank] | None
    ) = None


class OrderEdit(Input):
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=100)]
    requested_delivery_date: Day | None = None
    shipping_address: (
        Annotated[str, StringConstraints(min_length=1, max_length=500), NonBlank] | None
    ) = None


class RejectIn(Input):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500), NonBlank]


class CancelIn(Input):
    reason: Annotated[str, StringConstraints(max_length=500), Clean] | None = None


class OrderLineOut(BaseModel):
    line_no: int
    sku: str
    name: str
    name_zh: str = ""  # the product's name in Simplified Chinese, "" when it has none
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
    customer_name_zh: str = ""  # the Chinese name, "" when it has none
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
    quantity: Annotated[int, Field(strict=True, ge=1, le=1_000_000), Whole]


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
    """For a customer's contact (`customer_code`) or a staff user (`principal_name`): one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: {"type": "string"}}}
                for name in ("customer_code", "principal_name")
            ]
        },
    )
    customer_code: CustomerCode | None = None
    principal_name: (
        Annotated[str, StringConstraints(min_length=1, max_length=100), NonBlank] | None
    ) = None

    @model_validator(mode="after")
    def _one_of_the_two(self) -> Self:
        if (self.customer_code is None) == (self.principal_name is None):
            raise ValueError("give either customer_code or principal_name")
        return self


class LinkCodeOut(BaseModel):
    code: str  # six digits, to read out on the phone (an hour)
    expires_at: datetime
    principal_name: str
    role: str
    customer_code: str | None
    # The one-tap link (the same link, used once), for a customer's contact: a token too
    # long to guess, for e-mail or print, as a Telegram deep link and a web chat address
    # where those are configured (ERP_TELEGRAM_BOT, ERP_WEB_CHAT_URL).
    token: str | None  # customers' contacts only
    token_expires_at: datetime | None
    telegram_link: str | None
    web_link: str | None


class LinkIn(Input):
    """A code typed in the chat."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\s*[0-9]{4,12}\s*$")]


class LinkByTokenIn(Input):
    """The token of a one-tap link (Telegram's /start, the web chat's address)."""

    token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{20,64}$")]


class LinkOut(BaseModel):
    chat_identity: str
    principal_name: str
    role: str
    customer_code: str | None
    customer_name: str | None = None


class MeOut(BaseModel):
    name: str
    role: str
    customer_code: str | None
    chat_identity: str | None
    linked: bool


# --- fulfilment, invoices, receivables, returns, events -----------------------------------


class ShipIn(Input):
    carrier: Annotated[str, StringConstraints(min_length=1, max_length=60), NonBlank]
    tracking_number: Annotated[str, StringConstraints(min_length=1, max_length=80), NonBlank]


class InvoiceOut(BaseModel):
    currency: str = Field(default_factory=business_currency)  # ISO 4217
    number: str
    order_number: str | None  # null for an opening invoice taken over by `import invoices`
    customer_code: str
    customer_name: str
    customer_name_zh: str = ""  # the Chinese name, "" when it has none
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
    amount: PositiveAmount
    received_on: Day | None = None
    reference: Annotated[str, StringConstraints(max_length=80), Clean] | None = None


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
    customer_name_zh: str = ""  # the Chinese name, "" when it has none
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
    customer_name_zh: str = ""  # the Chinese name, "" when it has none
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
        str, StringConstraints(max_length=20, pattern=NO_NUL), AfterValidator(_code)
    ]
    lines: Annotated[list[ReturnLineIn], Field(min_length=1, max_length=100)]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500), NonBlank]


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
    name_zh: str = ""  # see ProductOut
    on_hand: int
    reserved: int
    available: int
    reorder_point: int
    on_order: int
