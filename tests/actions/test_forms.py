"""The forms' actions against a real ERP process: an order from the first message to the
ERP's answer, cancel, return, approve and reject, leaving a form, and an ERP that is down."""

from __future__ import annotations

import asyncio
import math
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from actions.approvals import ActionApproveOrder
from actions.cancel import (
    ActionAskCancelConfirmed,
    ActionAskCancelFormTargetOrder,
    ActionCancelOrder,
    ValidateCancelForm,
)
from actions.erp_client import ErpClient
from actions.formatting import money
from actions.order_form import ValidateOrderForm
from actions.order_place import ActionPlaceOrder
from actions.order_prompts import ActionAskOrderDecision, ActionAskOrderLines
from actions.order_start import ActionStartOrder
from actions.orders import ActionTrackShipment
from actions.rejection import ActionRejectOrder, ValidateRejectForm
from actions.returns import ActionRequestReturn, ValidateReturnForm
from tests.actions.chat import answer, linked_chat, run_on, spans, staff_chat, tracker
from tests.product import RunningErp

ADDRESS = "Hafenstrasse 12, 20457 Hamburg"


def erp_client(erp: RunningErp) -> ErpClient:
    return ErpClient(erp.url, erp.service_key)


def order_slots(**slots: Any) -> dict[str, Any]:
    return {"order_key": "test-" + str(id(slots)), **slots}


def bolts_to_order(quantity: int) -> dict[str, Any]:
    """A filled order form for CUST-0004, up to the preview."""
    lines = [line("BOLT-M8", quantity)]
    return order_slots(
        customer="CUST-0004",
        order_lines=lines,
        order_items=lines,
        delivery_date="none",
        shipping_address=ADDRESS,
    )


def line(sku: str, quantity: int | None) -> dict[str, Any]:
    """An order item as the form keeps it (actions/order_items.py)."""
    return {
        "mention": sku,
        "sku": sku,
        "name": sku,
        "unit": "pcs",
        "quantity": quantity,
        "choices": [],
    }


def place(
    erp: RunningErp, chat: str, customer: str, lines: list[dict[str, Any]], **extra: Any
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """Preview then confirm an order the way the form does; (preview, outcome, slots)."""
    client = erp_client(erp)
    slots = order_slots(
        customer=customer,
        order_lines=lines,
        order_items=lines,
        delivery_date=(date.today() + timedelta(days=7)).isoformat(),
        shipping_address=ADDRESS,
        **extra,
    )
    preview, set_by_preview = run_on(ActionAskOrderDecision(client), tracker(chat, "", slots=slots))
    slots |= set_by_preview | {"order_decision": "confirm"}
    outcome, after = run_on(ActionPlaceOrder(client), tracker(chat, "yes", slots=slots))
    return preview, outcome[0], slots | {"after": after}


def product(erp: RunningErp, sku: str) -> dict[str, Any]:
    with erp.as_rep() as rep:
        found: dict[str, Any] = rep.get(f"/products/{sku}").json()
        return found


def test_the_first_message_fills_the_form(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0004")
    text = "I need 40 BOLT-M8 and 10 boxes of earplugs by Friday"
    said, slots = run_on(
        ActionStartOrder(erp_client(erp)),
        tracker(chat, text, spans(text, sku="BOLT-M8", product="earplugs", date="Friday")),
    )
    assert said == []
    assert slots["order_allowed"] is True
    assert slots["customer"] == "CUST-0004"
    assert [(i["sku"], i["quantity"]) for i in slots["order_lines"]] == [
        ("BOLT-M8", 40),
        ("EARPLUGS-200", 10),
    ]
    friday = date.fromisoformat(slots["delivery_date"])
    assert friday.weekday() == 4
    assert date.today() < friday <= date.today() + timedelta(days=7)
    assert slots["order_key"]


def test_quantities_written_in_words_fill_the_lines(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0004")
    text = "please order ten BOLT-M8 and a dozen boxes of earplugs"
    _, slots = run_on(
        ActionStartOrder(erp_client(erp)),
        tracker(chat, text, spans(text, sku="BOLT-M8", product="earplugs")),
    )
    assert [(i["sku"], i["quantity"]) for i in slots["order_lines"]] == [
        ("BOLT-M8", 10),
        ("EARPLUGS-200", 12),
    ]


def test_an_unlinked_chat_cannot_order_and_is_told_how_to_link(erp: RunningErp) -> None:
    said, slots = run_on(
        ActionStartOrder(erp_client(erp)), tracker("telegram:404404", "order 40 BOLT-M8")
    )
    assert said[0]["response"] == "utter_how_to_link"
    assert slots == {"order_allowed": False}


def test_a_rep_names_the_customer_and_an_unknown_one_is_asked_again(erp: RunningErp) -> None:
    chat = staff_chat(erp, "tom.becker")
    client = erp_client(erp)
    text = "raise an order for CUST-0007: 200 NUT-M10, 50 WASHER-8"
    _, slots = run_on(
        ActionStartOrder(client), tracker(chat, text, spans(text, customer="CUST-0007"))
    )
    assert slots["customer"] == "CUST-0007"
    assert [(i["sku"], i["quantity"]) for i in slots["order_lines"]] == [
        ("NUT-M10", 200),
        ("WASHER-8", 50),
    ]
    form = ValidateOrderForm(client)
    asked = {"requested_slot": "customer"}
    said, set_ = answer(
        form, chat, "CUST-9999", form_name="order_form", slots=asked, customer="CUST-9999"
    )
    assert said[0]["response"] == "utter_unknown_customer"
    assert set_.get("customer") is None
    said, set_ = answer(
        form, chat, "for cust-0007", form_name="order_form", slots=asked, customer="cust-0007"
    )
    assert said == []
    assert set_["customer"] == "CUST-0007"
    assert set_["default_address"]


def test_quantities_dates_and_addresses_are_read_or_asked_again(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0004")
    client = erp_client(erp)
    form = ValidateOrderForm(client)
    # "some gloves": which gloves, and how many?
    asking_lines = {"requested_slot": "order_lines", "customer": "CUST-0004"}
    said, set_ = answer(
        form, chat, "some gloves", form_name="order_form", slots=asking_lines, product="gloves"
    )
    assert set_["order_lines"] is None
    (gloves,) = set_["order_items"]  # kept, unmatched, with the close ones
    assert gloves["sku"] is None
    assert {c["sku"] for c in gloves["choices"]} >= {"GLOVES-NITRILE-L", "GLOVES-NITRILE-XL"}
    asked, _ = run_on(
        ActionAskOrderLines(client), tracker(chat, "", slots={**asking_lines, **set_})
    )
    assert asked[0]["response"] == "utter_which_product"
    assert {b["payload"] for b in asked[0]["buttons"]} >= {"GLOVES-NITRILE-L", "remove it"}
    text = "GLOVES-NITRILE-L"
    said, set_ = answer(
        form, chat, text, form_name="order_form", slots={**asking_lines, **set_}, sku=text
    )
    assert [(i["sku"], i["quantity"]) for i in set_["order_items"]] == [("GLOVES-NITRILE-L", None)]
    assert set_["order_lines"] is None  # the quantity is still missing
    asked, _ = run_on(
        ActionAskOrderLines(client), tracker(chat, "", slots={**asking_lines, **set_})
    )
    assert asked[0]["response"] == "utter_ask_quantity"
    assert asked[0]["sku"] == "GLOVES-NITRILE-L"
    said, set_ = answer(
        form, chat, "12 please", form_name="order_form", slots={**asking_lines, **set_}
    )
    assert [(i["sku"], i["quantity"]) for i in set_["order_lines"]] == [("GLOVES-NITRILE-L", 12)]

    asking_date = {"requested_slot": "delivery_date"}
    for words, expected in [
        ("as soon as possible", "none"),
        ("by the 3rd", None),  # any future 3rd: checked below
        ("yesterday", "past"),
        ("banana bread", "unread"),
    ]:
        said, set_ = answer(form, chat, words, form_name="order_form", slots=asking_date)
        if expected == "past":
            assert said[0]["response"] == "utter_date_in_past"
            assert set_.get("delivery_date") is None
        elif expected == "unread":  # asked again, with what is accepted
            assert said == []
            assert "delivery_date" not in set_
            assert set_["form_attempts"] == 1
        elif expected == "none":
            assert set_["delivery_date"] == "none"
        else:
            chosen = date.fromisoformat(set_["delivery_date"])
            assert chosen.day == 3
            assert chosen > date.today()

    asking_address = {
        "requested_slot": "shipping_address",
        "default_address": "Usual Road 1, Leeds",
    }
    _, set_ = answer(
        form, chat, "yes", form_name="order_form", slots=asking_address, intent="affirm"
    )
    assert set_["shipping_address"] == "Usual Road 1, Leeds"
    for not_an_address in ("here", "what's the total?", "how much do I owe you", "ok"):
        _, set_ = answer(form, chat, not_an_address, form_name="order_form", slots=asking_address)
        assert "shipping_address" not in set_, not_an_address
        # asked again: as an answer that could not be used, or after answering the question
        assert set_.get("form_attempts") == 1 or set_.get("form_aside"), not_an_address
    # an address that reads like "no" is still an address
    text = "No. 5 Dock Road, Liverpool L20 8AA"
    _, set_ = answer(form, chat, text, form_name="order_form", slots=asking_address, intent="deny")
    assert set_["shipping_address"] == text
    # a bare "no" is asked again (never a lost order); "no thanks" leaves the form
    _, set_ = answer(form, chat, "no", form_name="order_form", slots=asking_address, intent="deny")
    assert set_["form_attempts"] == 1
    said, set_ = answer(
        form, chat, "no thanks", form_name="order_form", slots=asking_address, intent="deny"
    )
    assert said[0]["response"] == "utter_order_left"
    assert set_["requested_slot"] is None
    assert set_["shipping_address"] is None


def test_preview_then_confirm_places_the_order_once(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0004")
    client = erp_client(erp)
    lines = [{"sku": "BOLT-M8", "name": "bolts", "quantity": 40}]
    preview, outcome, slots = place(erp, chat, "CUST-0004", lines)
    (shown,) = preview
    assert shown["response"] == "utter_order_preview"
    number = shown["order_number"]
    price = Decimal(product(erp, "BOLT-M8")["unit_price"])
    assert shown["total"] == money(price * 40, "GBP")  # "£5.60": the amount with its currency
    assert "40 x BOLT-M8" in shown["lines"]
    assert [b["title"] for b in shown["buttons"]] == [
        "Confirm",
        "Change items",
        "Change date",
        "Change address",
        "Cancel the order",
    ]
    assert shown["address"] == ADDRESS
    assert outcome["response"] == "utter_order_confirmed"
    assert outcome["order_number"] == number
    assert slots["after"]["draft_number"] is None  # the form's answers are forgotten
    # Rasa running the same turn again (a timeout, a double press) replays, never submits twice
    again, _ = run_on(ActionPlaceOrder(client), tracker(chat, "yes", slots=slots))
    assert again[0]["response"] == "utter_order_confirmed"
    assert again[0]["order_number"] == number
    events = asyncio.run(client.order_events(chat, number))
    assert [e["kind"] for e in events].count("confirmed") == 1
    order = asyncio.run(client.order(chat, number))
    assert order["status"] == "confirmed"
    assert order["shipping_address"] == ADDRESS
    assert order["requested_delivery_date"] == slots["delivery_date"]


def test_a_change_at_the_preview_edits_the_same_draft(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0004")
    client = erp_client(erp)
    form = ValidateOrderForm(client)
    slots = bolts_to_order(40)
    first, set_ = run_on(ActionAskOrderDecision(client), tracker(chat, "", slots=slots))
    slots |= set_ | {"requested_slot": "order_decision"}
    text = "also 10 NUT-M10"
    _, set_ = answer(form, chat, text, form_name="order_form", slots=slots, sku="NUT-M10")
    assert set_.get("order_decision") is None
    slots |= set_
    second, _ = run_on(ActionAskOrderDecision(client), tracker(chat, "", slots=slots))
    assert second[0]["order_number"] == first[0]["order_number"]
    assert "10 x NUT-M10" in second[0]["lines"]
    assert "40 x BOLT-M8" in second[0]["lines"]
    _, set_ = run_on(
        form,
        tracker(
            chat,
            "",
            [{"entity": "decision", "value": "change_date"}],
            slots=slots,
            form="order_form",
        ),
    )
    assert set_ == {
        "order_decision": None,
        "delivery_date": None,
        "form_attempts": 0,
        "form_asides": 0,
    }
    # "no" at the preview asks what to change; the Cancel button drops the draft
    _, set_ = answer(form, chat, "no", form_name="order_form", slots=slots, intent="deny")
    assert set_["order_change"] == "ask"
    asked, _ = run_on(ActionAskOrderDecision(client), tracker(chat, "", slots=slots | set_))
    assert asked[0]["response"] == "utter_what_to_change"
    _, set_ = run_on(
        form,
        tracker(
            chat, "", [{"entity": "decision", "value": "cancel"}], slots=slots, form="order_form"
        ),
    )
    assert set_["order_decision"] == "cancel"
    dropped, _ = run_on(ActionPlaceOrder(client), tracker(chat, "no", slots=slots | set_))
    assert dropped[0]["response"] == "utter_order_dropped"
    assert asyncio.run(client.order(chat, first[0]["order_number"]))["status"] == "cancelled"


def test_short_stock_tells_the_shortfall(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0004")
    available = product(erp, "GOGGLES-CLEAR")["available"]
    lines = [line("GOGGLES-CLEAR", available + 5)]
    _, outcome, _ = place(erp, chat, "CUST-0004", lines)
    assert outcome["response"] == "utter_order_awaiting_stock"
    assert outcome["shortfall"] == "5 x GOGGLES-CLEAR"


def test_over_the_credit_limit_is_held_for_approval_then_approved_or_rejected(
    erp: RunningErp,
) -> None:
    rep = staff_chat(erp, "tom.becker")
    manager = staff_chat(erp, "maria.lopez")
    client = erp_client(erp)
    credit = asyncio.run(client.credit(rep, "CUST-0003"))
    bolt = product(erp, "BOLT-M8")
    quantity = math.ceil((Decimal(credit["available"]) + 100) / Decimal(bolt["unit_price"]))
    numbers = []
    for _ in range(2):
        _, outcome, _ = place(erp, rep, "CUST-0003", [line("BOLT-M8", quantity)])
        assert outcome["response"] == "utter_order_held"
        assert outcome["reasons"] == "the credit limit"
        numbers.append(outcome["order_number"])

    waiting, _ = run_on(ActionApproveOrder(client), tracker(manager, "what needs my approval"))
    assert waiting[0]["response"] == "utter_waiting_for_approval"
    assert all(n in waiting[0]["orders"] for n in numbers)

    approve = tracker(
        manager, f"approve {numbers[0]}", spans(f"approve {numbers[0]}", order_number=numbers[0])
    )
    said, _ = run_on(ActionApproveOrder(client), approve)
    assert said[0]["response"] in {"utter_order_approved", "utter_erp_credit_limit_exceeded"}
    if said[0]["response"] == "utter_order_approved":
        again, _ = run_on(ActionApproveOrder(client), approve)  # the same turn replays
        assert again[0]["response"] == "utter_order_approved"

    form = ValidateRejectForm(client)
    asking = {"requested_slot": "target_order"}
    _, set_ = answer(
        form, manager, numbers[1], form_name="reject_form", slots=asking, order_number=numbers[1]
    )
    assert set_["target_order"] == numbers[1]
    asking = {"requested_slot": "rejection_reason", "target_order": numbers[1]}
    _, set_ = answer(
        form,
        manager,
        "no credit left, overdue invoices",
        form_name="reject_form",
        slots=asking,
        intent="deny",
    )
    assert set_["rejection_reason"] == "no credit left, overdue invoices"
    said, _ = run_on(ActionRejectOrder(client), tracker(manager, "", slots=asking | set_))
    assert said[0]["response"] == "utter_order_rejected"
    rejected = asyncio.run(client.order(rep, numbers[1]))
    assert rejected["status"] == "draft"
    assert rejected["rejection_reason"] == "no credit left, overdue invoices"
    # rejecting it again: it is not waiting any more, and the form says so
    said, set_ = answer(
        form,
        manager,
        numbers[1],
        form_name="reject_form",
        slots={"requested_slot": "target_order"},
        order_number=numbers[1],
    )
    assert said[0]["response"] == "utter_no_longer_waiting"
    assert "target_order" not in set_


def test_cancel_asks_first_and_explains_a_refusal(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0004")
    client = erp_client(erp)
    _, outcome, _ = place(erp, chat, "CUST-0004", [line("BOLT-M8", 5)])
    number = outcome["order_number"]
    offered, _ = run_on(ActionAskCancelFormTargetOrder(client), tracker(chat, "cancel"))
    assert number in {b["payload"].split('"')[3] for b in offered[0]["buttons"]}
    form = ValidateCancelForm(client)
    _, set_ = answer(
        form,
        chat,
        number,
        form_name="cancel_form",
        slots={"requested_slot": "target_order"},
        order_number=number,
    )
    assert set_["target_order"] == number
    question, _ = run_on(ActionAskCancelConfirmed(client), tracker(chat, "", slots=set_))
    assert question[0]["order_number"] == number
    assert question[0]["buttons"]
    asking = {"requested_slot": "cancel_confirmed", "target_order": number}
    _, set_ = answer(form, chat, "no", form_name="cancel_form", slots=asking, intent="deny")
    assert set_["cancel_confirmed"] == "no"
    said, _ = run_on(ActionCancelOrder(client), tracker(chat, "no", slots=asking | set_))
    assert said[0]["response"] == "utter_cancel_not_done"
    assert asyncio.run(client.order(chat, number))["status"] == "confirmed"
    said, _ = run_on(
        ActionCancelOrder(client), tracker(chat, "yes", slots=asking | {"cancel_confirmed": "yes"})
    )
    assert said[0]["response"] == "utter_order_cancelled"
    assert asyncio.run(client.order(chat, number))["status"] == "cancelled"

    delivered = asyncio.run(client.my_orders(chat, status="delivered", limit=1))[0]["number"]
    said, set_ = answer(
        form,
        chat,
        delivered,
        form_name="cancel_form",
        slots={"requested_slot": "target_order"},
        order_number=delivered,
    )
    assert said[0]["response"] == "utter_cannot_cancel"
    assert set_["cancel_confirmed"] == "not_possible"
    said, _ = run_on(ActionCancelOrder(client), tracker(chat, "", slots=set_))
    assert said == []  # already explained


def test_a_return_of_a_delivered_order(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0002")
    client = erp_client(erp)
    delivered = asyncio.run(
        client.order(
            chat, asyncio.run(client.my_orders(chat, status="delivered", limit=1))[0]["number"]
        )
    )
    number, line = delivered["number"], delivered["lines"][0]
    form = ValidateReturnForm(client)
    asking = {"requested_slot": "return_items", "target_order": number}
    text = f"1 {line['sku']}"
    _, set_ = answer(form, chat, text, form_name="return_form", slots=asking, sku=line["sku"])
    assert set_["return_items"] == [{"sku": line["sku"], "quantity": 1}]
    said, bad = answer(form, chat, "2 FLUX-CAPACITOR", form_name="return_form", slots=asking)
    assert said[0]["response"] == "utter_not_on_order"
    assert "return_items" not in bad
    slots = asking | set_ | {"return_reason": "damaged in transit", "return_confirmed": "yes"}
    said, _ = run_on(ActionRequestReturn(client), tracker(chat, "yes", slots=slots))
    assert said[0]["response"] == "utter_return_requested"
    assert said[0]["order_number"] == number
    assert Decimal(said[0]["credit"]) == Decimal(line["unit_price"]) * (
        1 - Decimal(line["discount_pct"]) / 100
    )

    confirmed = asyncio.run(client.my_orders(chat, status="confirmed", limit=1))
    if confirmed:
        said, set_ = answer(
            form,
            chat,
            confirmed[0]["number"],
            form_name="return_form",
            slots={"requested_slot": "target_order"},
            order_number=confirmed[0]["number"],
        )
        assert said[0]["response"] == "utter_cannot_return"


def test_tracking_tells_the_carrier_and_the_timeline(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0002")
    client = erp_client(erp)
    shipped = asyncio.run(client.my_orders(chat, status="delivered", limit=1))[0]
    said, _ = run_on(
        ActionTrackShipment(client),
        tracker(chat, "track it", [{"entity": "order_number", "value": shipped["number"]}]),
    )
    assert said[0]["response"] == "utter_order_tracking_timeline"
    assert said[0]["tracking_number"] == shipped["tracking_number"]
    assert "Shipped with" in said[0]["timeline"]
    assert said[0]["timeline"].count("•") >= 4


def test_stop_leaves_the_form_and_drops_the_draft(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0004")
    client = erp_client(erp)
    slots = bolts_to_order(3)
    preview, set_ = run_on(ActionAskOrderDecision(client), tracker(chat, "", slots=slots))
    said, stopped = answer(
        ValidateOrderForm(client),
        chat,
        "forget it",
        form_name="order_form",
        slots=slots | set_ | {"requested_slot": "order_decision"},
    )
    assert said[0]["response"] == "utter_order_left"
    assert stopped["requested_slot"] is None
    assert stopped["draft_number"] is None
    draft = asyncio.run(client.order(chat, preview[0]["order_number"]))
    assert draft["status"] == "cancelled"


@pytest.mark.parametrize("step", ["start", "preview", "submit"])
def test_an_erp_that_is_down_changes_nothing_and_says_so(erp: RunningErp, step: str) -> None:
    chat = linked_chat(erp, "CUST-0004")
    down = ErpClient("http://127.0.0.1:9", erp.service_key)
    slots = order_slots(
        customer="CUST-0004",
        order_lines=[line("BOLT-M8", 3)],
        order_items=[line("BOLT-M8", 3)],
        delivery_date="none",
        shipping_address=ADDRESS,
    )
    if step == "start":
        said, set_ = run_on(ActionStartOrder(down), tracker(chat, "order 3 BOLT-M8"))
        assert said[0]["response"] == "utter_erp_unavailable"
        assert set_ == {"order_allowed": False}
    elif step == "preview":
        said, set_ = run_on(ActionAskOrderDecision(down), tracker(chat, "", slots=slots))
        assert said[0]["response"] == "utter_erp_unavailable"
        assert [b["title"] for b in said[0]["buttons"]] == ["Try again", "Cancel the order"]
        assert set_ == {"order_decision": None}
        # more than the ERP takes on a line: its limit in words, and the quantity asked again
        too_many = [line("BOLT-M8", 999_999)]
        said, set_ = run_on(
            ActionAskOrderDecision(erp_client(erp)),
            tracker(chat, "", slots=slots | {"order_lines": too_many, "order_items": too_many}),
        )
        assert said[0]["response"] == "utter_quantity_over_limit"
        assert said[0]["limit"] == "100,000"
        assert set_["requested_slot"] == "order_lines"
        assert set_["order_items"][0]["quantity"] is None
    else:
        _, set_ = run_on(ActionAskOrderDecision(erp_client(erp)), tracker(chat, "", slots=slots))
        slots |= set_ | {"order_decision": "confirm"}
        said, kept = run_on(ActionPlaceOrder(down), tracker(chat, "yes", slots=slots))
        assert said[0]["response"] == "utter_submit_unsure"
        assert kept == {"submit_pending": True}
        # "Try again" once the ERP is back submits it, once
        said, _ = run_on(ActionPlaceOrder(erp_client(erp)), tracker(chat, "yes", slots=slots))
        assert said[0]["response"] == "utter_order_confirmed"
        assert said[0]["order_number"] == slots["draft_number"]


def test_an_unlinked_chat_is_told_once_and_the_form_ends(erp: RunningErp) -> None:
    number = "SO-2026-00042"
    said, set_ = run_on(
        ValidateCancelForm(erp_client(erp)),
        tracker(
            f"telegram:{uuid.uuid4().int % 10**9}",
            number,
            spans(number, order_number=number),
            slots={"requested_slot": "target_order"},
            form="cancel_form",
        ),
    )
    assert said[0]["response"] == "utter_erp_identity_not_linked"
    assert set_["requested_slot"] is None
