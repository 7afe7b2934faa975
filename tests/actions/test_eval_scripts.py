"""The scripts of ../shared/eval/conversations/ (what a new user typed), each as a whole
conversation through the gateway, ending as the user meant — and the ERP holding just that.

Where a script stops before its conversation is over (the order with the unknown pallet
line), the test carries on the way the user would, so that it can check what is placed."""

from __future__ import annotations

from datetime import date

from tests.actions.desk import Desk, placed
from tests.actions.test_dialogue import order_via_api, state


def test_customer1_natural_status_order_invoices(desk: Desk) -> None:
    open_order = order_via_api(desk, "CUST-0022", quantity=4)
    before = state(desk, "CUST-0022")
    chat = desk.chat(customer="CUST-0022")
    chat.say("hello", "hello")
    listed = chat.say("what orders do i have open?", open_order)
    assert "delivered" not in listed.lower()
    chat.say("where's my stuff?", "SO-")
    chat.say("is my last order shipped yet", open_order)
    chat.say("can you give me the tracking number", open_order, "hasn't shipped yet")
    chat.say("I want to order 25 boxes of M8 bolts", "M8 bolts")
    chat.say("yes", "M8 bolts")  # never taken as an answer
    chat.say("how much do I owe you?", "back to your order")
    chat.say("show me my unpaid invoices", "Open invoices", "back to your order")
    chat.say("when is my next invoice due", "next to fall due", "back to your order")
    chat.say("what's my credit limit", "back to your order")
    chat.say("do you have cable cat6 in stock?", "don't stock", "cable cat6", "back to your order")
    chat.say("how much is a euro pallet", "don't stock", "euro pallet", "back to your order")
    chat.say("cancel my most recent order", "nothing was ordered", f"Cancel {open_order}")
    chat.say("thanks, bye", "nothing was cancelled", "goodbye")
    assert state(desk, "CUST-0022") == before


def test_customer2_messy_order_with_corrections(desk: Desk) -> None:
    chat = desk.chat(customer="CUST-0004")
    chat.say("hi, need to place an order", "What would you like to order")
    chat.say("10 PALLET-EUR and 50 NUT-M10", "PALLET-EUR")
    chat.say("actually make it 20 pallets", "PALLET-EUR")
    chat.say("deliver by next friday", "Delivery changed to", "Fri ")
    chat.say("what's the total?", "50 x NUT-M10")
    said = chat.say("confirm", "can't place the order while", "PALLET-EUR", "go on with the rest")
    assert "So far" not in said  # what stops the order, not the question again
    # the catalogue has no euro pallet: the user takes the line off and orders the nuts
    chat.say("ok remove the pallets", "Taken off", "usual address")
    preview = chat.say("yes", "Here is order", "50 x NUT-M10", "Ship to: Apex Steel")
    assert "what's the total" not in preview.lower()
    number = placed(preview)
    chat.say("confirm", "is confirmed")
    order = desk.order(number)
    assert desk.lines(number) == [("NUT-M10", 50)]
    assert order["shipping_address"].startswith("Apex Steel Fabrication")
    assert date.fromisoformat(order["requested_delivery_date"]).weekday() == 4


def test_customer2_return_and_handoff(desk: Desk) -> None:
    before = state(desk, "CUST-0004")
    chat = desk.chat(customer="CUST-0004")
    chat.say("one of the boxes arrived damaged, i want to send it back", "Which order")
    chat.say("talk to a human", "no return was requested")
    assert state(desk, "CUST-0004") == before


def test_customer2_unlinked_stranger(desk: Desk) -> None:
    from tests.actions.desk import Chat

    chat = Chat(desk.gateway)
    chat.say("where is order SO-2026-00001", "isn't linked")
    chat.say("what can you do?", "place an order")
    chat.say("asdfghjkl", "didn't quite get that")
    chat.say("who are you? are you a bot?", "computer program")


def test_staff1_rep_order_for_a_customer(desk: Desk) -> None:
    chat = desk.chat(staff="tom.becker")
    chat.say("new order for CUST-0012: 100 BOLT-M8", "When do you need it")
    chat.say("yes", "delivery date")
    chat.say("what orders are waiting for approval?", "back to the order for Summit")
    chat.say("how are sales this month compared to last month?", "back to the order")
    chat.say("which customers are more than 60 days overdue?", "back to the order")
    chat.say("what's running low?", "back to the order")
    chat.say("top customers this year", "back to the order")
    chat.say("friday", "usual address")
    number = placed(chat.say("yes", "Here is order", "100 x BOLT-M8"))
    chat.say("confirm", number)
    order = desk.order(number)
    assert order["customer_code"] == "CUST-0012"
    assert order["status"] in ("confirmed", "pending_approval")
    assert desk.lines(number) == [("BOLT-M8", 100)]


def test_staff1_finance_approvals(desk: Desk) -> None:
    held = order_via_api(desk, "CUST-0012", quantity=20_000)
    chat = desk.chat(staff="li.wang")
    chat.say("anything waiting for my approval?", "Waiting for approval", held)
    chat.say("who owes us the most?", "CUST-")
    chat.say("show the aging report", "overdue")
    assert desk.order(held)["status"] == "pending_approval"  # only questions: nothing changed


def test_manager1_reports(desk: Desk) -> None:
    chat = desk.chat(staff="maria.lopez")
    chat.say("show me monthly sales with growth", "This year to date")
    chat.say("sales chart please", "This year to date")
    chat.say("how many orders did we ship last week")
    chat.say("forecast demand for BOLT-M8", "BOLT-M8")
