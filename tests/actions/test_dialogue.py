"""Whole conversations through the gateway's web chat, Rasa and the action server, with what
the ERP holds afterwards: side questions answered in the middle of every form, every way out,
corrections until the order is confirmed, answers that are not answers, references to what
was just discussed, and the ERP's refusals in the user's words.

Every turn is also checked for what must never happen (tests/actions/desk.py): a field path
or validator's text shown, the same re-prompt twice in a row."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from tests.actions.desk import Desk, placed

ORDER_PLACED = ("is confirmed", "waiting for approval", "short of")


def order_via_api(desk: Desk, customer: str, sku: str = "BOLT-M8", quantity: int = 10) -> str:
    """An order submitted the way a rep's system would: confirmed, or held."""
    with desk.erp.as_rep() as rep:
        body = {"customer_code": customer, "lines": [{"sku": sku, "quantity": quantity}]}
        made = rep.post("/orders", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
        number: str = made.json()["number"]
        rep.post(f"/orders/{number}/submit", headers={"Idempotency-Key": uuid.uuid4().hex})
    return number


def next_weekday(weekday: int, after: date | None = None) -> date:
    start = after or date.today()
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def drafts(desk: Desk, customer: str) -> set[str]:
    return {o["number"] for o in desk.orders(customer, status="draft")}


def state(desk: Desk, customer: str) -> tuple[set[str], set[str], dict[str, Any]]:
    """What a conversation that backs out must leave as it was."""
    statuses = {o["number"]: o["status"] for o in desk.orders(customer)}
    return desk.live(customer), drafts(desk, customer), statuses


# --- digressions: answered, and the form goes on, saying where it stands ------------------


def test_stock_and_bot_questions_in_the_middle_of_an_order(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0005")
    chat.say("I'd like to order 30 NUT-M8", "when do you need it")
    chat.say("is BOLT-M8 in stock?", "BOLT-M8", "available", "back to your order", "when")
    chat.say("as soon as possible", "usual address")
    chat.say("are you a bot?", "computer program", "back to your order", "usual address")
    chat.say("yes the usual one", "Here is order", "30 x NUT-M8")
    number = placed(chat.say("yes", *ORDER_PLACED[:1]))
    assert desk.lines(number) == [("NUT-M8", 30)]


def test_invoices_and_balance_asked_at_the_preview(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0006")
    chat.say("order 12 HINGE-BUTT-75 asap", "usual address")
    preview = chat.say("yes", "Here is order", "12 x HINGE-BUTT-75")
    number = placed(preview)
    chat.say("show me my unpaid invoices", "back to your order", number)
    chat.say("what's my credit limit?", "back to your order", "place the order")
    assert placed(chat.say("confirm", "is confirmed")) == number
    assert desk.order(number)["status"] == "confirmed"


def test_help_and_thanks_do_not_end_an_order(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0007")
    chat.say("i need some stuff ordered", "what would you like to order")
    chat.say("help", "back to your order")
    chat.say("thanks", "back to your order")
    chat.say("20 WASHER-10 please", "when do you need it")
    chat.say("stop", "nothing was ordered")


def test_a_status_question_in_the_middle_of_a_cancellation(desk: Desk) -> None:
    first = order_via_api(desk, "CUST-0008", quantity=5)
    second = order_via_api(desk, "CUST-0008", quantity=6)
    chat = desk.chat(customer="CUST-0008")
    chat.say(f"cancel {first}", f"Cancel {first}")
    chat.say(f"where is {second}?", second, f"back to cancelling {first}")
    chat.say("yes", f"{first} is cancelled")
    assert desk.order(first)["status"] == "cancelled"
    assert desk.order(second)["status"] != "cancelled"


def test_finance_asks_a_balance_while_rejecting(desk: Desk) -> None:
    held = order_via_api(desk, "CUST-0012", quantity=20_000)
    assert desk.order(held)["status"] == "pending_approval"
    chat = desk.chat(staff="li.wang")
    chat.say(f"reject {held}", f"Rejecting {held} (")
    chat.say("what's the balance of CUST-0012?", "CUST-0012", f"back to rejecting {held}")
    chat.say("over the credit limit with invoices overdue", f"{held} is rejected")
    order = desk.order(held)
    assert order["status"] == "draft"
    assert order["rejection_reason"] == "over the credit limit with invoices overdue"


def test_help_in_the_middle_of_a_return(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0002")
    before = desk.live("CUST-0002")
    chat.say("i want to return something", "Which order")
    chat.press("1.", "What would you like to return")
    chat.say("help", "back to your return")
    chat.say("never mind", "no return was requested")
    assert desk.live("CUST-0002") == before


# --- exits: every way out leaves the ERP as it was ------------------------------------


@pytest.mark.parametrize(
    ("customer", "opening", "asked", "leaving", "said"),
    [
        ("CUST-0009", "I want to place an order", "what would you like", "forget it", "nothing"),
        ("CUST-0011", "can i order 5 TAPE-MEASURE-5M for friday", "usual", "no thanks", "nothing"),
        ("CUST-0013", "I need 100 SCREW-WOOD-4X40", "when do", "thanks, bye", "goodbye"),
        ("CUST-0016", "order 3 SOCKET-SET-46", "when do", "can i talk to a human", "team"),
        ("CUST-0028", "order 5 NOPE-0000", "We don't have", "forget it", "nothing was ordered"),
    ],
    ids=["forget it", "no thanks", "bye", "a person", "unknown code then forget it"],
)
def test_leaving_an_order_half_way_stores_nothing(
    desk: Desk, customer: str, opening: str, asked: str, leaving: str, said: str
) -> None:
    before = state(desk, customer)
    chat = desk.chat(customer=customer)
    chat.say(opening, asked)
    chat.say(leaving, "nothing was ordered", said)
    chat.say("hello", "hello")  # the form is gone: an ordinary answer
    assert state(desk, customer) == before


def test_a_person_asked_for_at_the_preview_keeps_the_draft_for_them(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0010")
    chat.say("order 25 NUT-M10 as soon as possible", "usual address")
    number = placed(chat.say("yes", "Here is order"))
    chat.say("actually can i talk to someone", f"kept as draft {number}", "team")
    order = desk.order(number)
    assert order["status"] == "draft"  # not placed, not thrown away
    assert desk.lines(number) == [("NUT-M10", 25)]


def test_a_price_question_in_an_order_is_answered_never_a_line(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0011")
    chat.say("i need 40 BOLT-M8", "when do")
    chat.say("whats the price on 8mm washers?", "WASHER-8", "£")
    said = chat.say("friday, usual address", "BOLT-M8")
    assert "WASHER" not in said  # the question did not become a line


def test_never_mind_at_the_preview_drops_the_draft(desk: Desk) -> None:
    before = desk.live("CUST-0010")
    chat = desk.chat(customer="CUST-0010")
    chat.say("order 40 BOLT-M8 as soon as possible", "usual address")
    number = placed(chat.say("yes", "Here is order"))
    chat.say("never mind", "nothing was ordered")
    assert desk.order(number)["status"] == "cancelled"
    assert desk.live("CUST-0010") == before


def test_cancel_that_drops_the_new_order_not_an_old_one(desk: Desk) -> None:
    existing = order_via_api(desk, "CUST-0014", quantity=7)
    status = desk.order(existing)["status"]
    chat = desk.chat(customer="CUST-0014")
    chat.say("order 10 NUT-M12 asap", "usual address")
    number = placed(chat.say("yes", "Here is order"))
    chat.say("cancel that", "nothing was ordered")
    assert desk.order(number)["status"] == "cancelled"
    assert desk.order(existing)["status"] == status


def test_stop_at_a_cancellation_keeps_the_order(desk: Desk) -> None:
    number = order_via_api(desk, "CUST-0015", quantity=3)
    status = desk.order(number)["status"]
    chat = desk.chat(customer="CUST-0015")
    chat.say(f"please cancel {number}", f"Cancel {number}")
    said = chat.say("stop")  # "stop" at "Cancel it?" is a no
    assert "stays as it is" in said or "nothing was cancelled" in said
    assert desk.order(number)["status"] == status


def test_forget_it_is_never_a_rejection_reason(desk: Desk) -> None:
    held = order_via_api(desk, "CUST-0012", quantity=20_000)
    chat = desk.chat(staff="li.wang")
    chat.say(f"reject {held}", "Rejecting")
    chat.say("forget it", "nothing was rejected", held)
    order = desk.order(held)
    assert order["status"] == "pending_approval"
    assert order["rejection_reason"] is None


# --- an answer that is not one: asked again, never the same way twice --------------------


def test_yes_and_nonsense_at_the_date_are_asked_again_differently(desk: Desk) -> None:
    before = state(desk, "CUST-0017")
    chat = desk.chat(customer="CUST-0017")
    chat.say("order 10 GOGGLES-CLEAR", "when do you need it")
    chat.say("yes", "delivery date", "stop")
    assert {b["title"] for b in chat.buttons()} >= {"As soon as possible", "Stop"}
    chat.say("blah blah", "delivery date")
    assert "Talk to a person" in {b["title"] for b in chat.buttons()}
    chat.say("qwerty", "delivery date")  # a third time, still not the same words
    chat.say("next friday", "usual address")
    chat.say("stop", "nothing was ordered")
    assert state(desk, "CUST-0017") == before


def test_a_question_is_never_taken_as_the_address(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0018")
    chat.say("I'd like 2 TORQUE-WRENCH-200 by friday", "usual address")
    chat.say("what's the total?", "so far", "2 x TORQUE-WRENCH-200", "usual address")
    chat.say("how do i know you have it in stock?", "address")
    preview = chat.say("deliver to Unit 4, Carr Lane Industrial Estate, Doncaster DN4 8DE")
    number = placed(preview)
    assert "Ship to: Unit 4, Carr Lane Industrial Estate, Doncaster DN4 8DE" in preview
    chat.say("confirm", *ORDER_PLACED[:1])
    assert desk.order(number)["shipping_address"] == (
        "Unit 4, Carr Lane Industrial Estate, Doncaster DN4 8DE"
    )


def test_yes_is_never_a_rejection_reason(desk: Desk) -> None:
    held = order_via_api(desk, "CUST-0012", quantity=20_000)
    chat = desk.chat(staff="maria.lopez")
    chat.say(f"reject {held}", "Rejecting")
    chat.say("yes", "reason")
    chat.say("customer asked us to hold it", f"{held} is rejected")
    assert desk.order(held)["rejection_reason"] == "customer asked us to hold it"


# --- corrections until the order is confirmed -----------------------------------------


def test_make_it_twenty_changes_the_only_line(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0019")
    chat.say("order 10 BOLT-M10", "when do you need it")
    chat.say("actually make it 20", "20 x BOLT-M10", "when do you need it")
    chat.say("asap", "usual address")
    number = placed(chat.say("yes", "20 x BOLT-M10"))
    chat.say("yes", "is confirmed")
    assert desk.lines(number) == [("BOLT-M10", 20)]


def test_thirty_of_the_nuts_changes_that_line_only(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0020")
    chat.say("I need 100 BOLT-M6 and 50 NUT-M6 by friday", "usual address")
    chat.say("no, 30 of the nuts", "30 x NUT-M6")
    preview = chat.say("yes", "Here is order")
    assert "100 x BOLT-M6" in preview
    assert "30 x NUT-M6" in preview
    number = placed(preview)
    chat.say("confirm", "is confirmed")
    assert desk.lines(number) == [("BOLT-M6", 100), ("NUT-M6", 30)]


def test_add_and_remove_lines_at_the_preview(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0021")
    chat.say("order 200 SCREW-DRYWALL-35 and 20 ANCHOR-8 asap", "usual address")
    number = placed(chat.say("yes", "Here is order"))
    preview = chat.say("add 10 WASHER-8", "10 x WASHER-8")
    assert placed(preview) == number  # the same draft, edited
    preview = chat.say("remove the wall plugs", "Taken off", "Here is order")
    assert "ANCHOR-8" not in preview.split("Taken off")[-1].split("Here is order")[-1]
    chat.say("yes", "is confirmed")
    assert desk.lines(number) == [("SCREW-DRYWALL-35", 200), ("WASHER-8", 10)]


def test_a_new_date_and_address_at_the_preview(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0023")
    chat.say("order 6 LUBE-SPRAY-400 asap", "usual address")
    chat.say("yes", "Here is order")
    chat.say("actually deliver on the 18th", "Delivery changed to", "18")
    preview = chat.say("change the address to 5 Dock Road, Hull HU1 2AB", "5 Dock Road")
    number = placed(preview)
    chat.say("yes", "is confirmed")
    order = desk.order(number)
    assert order["shipping_address"] == "5 Dock Road, Hull HU1 2AB"
    wanted = date.fromisoformat(order["requested_delivery_date"])
    assert wanted.day == 18
    assert wanted > date.today()


def test_no_at_the_preview_asks_what_to_change(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0024")
    chat.say("order 8 HELMET-WHITE asap", "usual address")
    number = placed(chat.say("yes", "Here is order"))
    chat.say("no", "What should I change")
    chat.say("make it 5", "5 x HELMET-WHITE")
    chat.say("yes", "is confirmed")
    assert desk.lines(number) == [("HELMET-WHITE", 5)]


def test_a_rep_changes_the_customer_before_confirming(desk: Desk) -> None:
    chat = desk.chat(staff="tom.becker")
    chat.say("new order for CUST-0025: 40 RIVET-4X10 asap", "usual address")
    first = placed(chat.say("yes", "Here is order", "CUST-0025"))
    preview = chat.say("sorry, it's for CUST-0026", "This order is for", "CUST-0026")
    assert "Kingsway House" in preview  # the new customer's usual address, not the first's
    second = placed(preview)
    assert second != first
    assert desk.order(first)["status"] == "cancelled"
    chat.say("yes", "is confirmed")
    assert desk.order(second)["customer_code"] == "CUST-0026"
    assert desk.lines(second) == [("RIVET-4X10", 40)]


# --- every line the user asked for: matched, asked about, or named ------------------------


def test_an_unknown_line_is_named_and_the_order_waits(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0004")
    chat.say("hi, need to place an order", "what would you like to order")
    chat.say("10 PALLET-EUR and 50 NUT-M10", "PALLET-EUR", "remove it")
    chat.say("actually make it 20 pallets", "PALLET-EUR")
    chat.say("deliver by next friday", "Delivery changed to")
    chat.say("what's the total?", "50 x NUT-M10", "PALLET-EUR")
    chat.say("confirm", "can't place the order while", "PALLET-EUR", "go on with the rest")
    chat.say("remove it", "Taken off", "usual address")
    preview = chat.say("yes", "Here is order", "50 x NUT-M10")
    number = placed(preview)
    chat.say("confirm", "is confirmed")
    order = desk.order(number)
    assert desk.lines(number) == [("NUT-M10", 50)]
    assert date.fromisoformat(order["requested_delivery_date"]).weekday() == 4


def test_a_vague_product_is_chosen_from_buttons(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0027")
    chat.say("I want some gloves", "Which one do you mean")
    chat.press("GLOVES-NITRILE-L", "How many")
    chat.say("12", "when do you need it")
    chat.say("asap", "usual address")
    number = placed(chat.say("yes", "12 x GLOVES-NITRILE-L"))
    chat.say("yes", "is confirmed")
    assert desk.lines(number) == [("GLOVES-NITRILE-L", 12)]


# --- the ERP's refusals in the user's words -------------------------------------------


def test_a_quantity_over_the_limit_is_said_with_the_limit(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0029")
    chat.say("order 999999 CUTTING-DISC-125 asap", "usual address")
    chat.say("yes", "The most we take", "100,000", "How many CUTTING-DISC-125")
    number = placed(chat.say("200", "Here is order", "200 x CUTTING-DISC-125"))
    chat.say("yes", "is confirmed")
    assert desk.lines(number) == [("CUTTING-DISC-125", 200)]


def test_an_inactive_customer_is_said_plainly(desk: Desk) -> None:
    chat = desk.chat(staff="sara.kim")
    chat.say("new order for CUST-0030", "inactive")
    chat.say("CUST-0031", "what would you like to order")
    chat.say("stop", "nothing was ordered")


def test_short_stock_says_what_is_missing(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0031")
    chat.say("order 100 ADHESIVE-PU-310 asap", "usual address")
    number = placed(chat.say("yes", "Here is order"))
    chat.say("yes", "short of", "ADHESIVE-PU-310")
    assert desk.order(number)["status"] == "awaiting_stock"


def test_over_the_credit_limit_is_held_and_says_why(desk: Desk) -> None:
    chat = desk.chat(staff="tom.becker")
    chat.say("new order for CUST-0012: 20000 BOLT-M8 asap", "usual address")
    number = placed(chat.say("yes", "Here is order"))
    chat.say("yes", "waiting for approval", "credit limit")
    assert desk.order(number)["status"] == "pending_approval"


# --- context: "it", "the second one", "my last order" ------------------------------------


def test_the_second_one_then_cancel_it(desk: Desk) -> None:
    older = order_via_api(desk, "CUST-0032", quantity=4)
    newer = order_via_api(desk, "CUST-0032", quantity=5)
    chat = desk.chat(customer="CUST-0032")
    listed = chat.say("what orders do i have open?", "open orders", newer, older)
    assert listed.index(newer) < listed.index(older)  # newest first, numbered
    chat.say("what about the second one?", older)
    chat.say("cancel it", f"Cancel {older}")
    chat.say("yes", f"{older} is cancelled")
    assert desk.order(older)["status"] == "cancelled"
    assert desk.order(newer)["status"] != "cancelled"


def test_when_will_it_arrive_is_about_the_order_just_discussed(desk: Desk) -> None:
    number = order_via_api(desk, "CUST-0033", quantity=2)
    order_via_api(desk, "CUST-0033", quantity=3)
    chat = desk.chat(customer="CUST-0033")
    chat.say(f"where is {number}", number)
    chat.say("and when will it arrive?", number)


def test_cancel_my_last_order_and_change_your_mind(desk: Desk) -> None:
    order_via_api(desk, "CUST-0034", quantity=2)
    latest = order_via_api(desk, "CUST-0034", quantity=3)
    status = desk.order(latest)["status"]
    chat = desk.chat(customer="CUST-0034")
    chat.say("cancel my last order", f"Cancel {latest}")
    chat.say("no", f"{latest} stays as it is")
    assert desk.order(latest)["status"] == status


def test_open_orders_leave_out_delivered_ones(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0002")
    said = chat.say("show me my open orders")
    assert "delivered" not in said.lower()
    assert "cancelled" not in said.lower()


def test_finance_rejects_and_approves_by_position_in_the_list(desk: Desk) -> None:
    chat = desk.chat(staff="li.wang")
    for _ in range(2):
        order_via_api(desk, "CUST-0012", quantity=20_000)
    listed = chat.say("anything waiting for my approval?", "Waiting for approval")
    rows = [r for r in listed.splitlines() if r[:2] in ("1.", "2.")]
    first, second = (placed(row) for row in rows)
    chat.say("reject the second one", f"Rejecting {second} (")
    chat.say("customer asked to split the delivery", f"{second} is rejected")
    assert desk.order(second)["status"] == "draft"
    chat.say(f"approve {first}", first)
    assert desk.order(first)["status"] != "pending_approval" or "credit" in chat.last[0]["text"]


def test_where_is_my_stuff_with_several_open_orders_asks_which(desk: Desk) -> None:
    order_via_api(desk, "CUST-0035", quantity=2)
    order_via_api(desk, "CUST-0035", quantity=3)
    chat = desk.chat(customer="CUST-0035")
    chat.say("where's my stuff?", "open orders", "Which one")
    numbered = [b["title"] for b in chat.buttons()]
    assert numbered[0].startswith("1. SO-")


# --- switching flows -----------------------------------------------------------------


def test_cancelling_an_old_order_in_the_middle_of_a_new_one(desk: Desk) -> None:
    existing = order_via_api(desk, "CUST-0003", quantity=9)
    chat = desk.chat(customer="CUST-0003")
    chat.say("order 10 BRACKET-L-100", "when do you need it")
    chat.say("cancel my most recent order", "nothing was ordered", f"Cancel {existing}")
    chat.say("yes", f"{existing} is cancelled")
    assert desk.order(existing)["status"] == "cancelled"
