"""Actions against a real ERP process: what the user reads for each outcome."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter

from actions.account import ActionLinkAccount
from actions.catalog import ActionStockAndPrice
from actions.erp_client import ErpClient
from actions.finance import ActionCustomerBalance, ActionMyInvoices, ActionOverdueInvoices
from actions.orders import ActionListMyOrders, ActionOrderStatus
from tests.actions.chat import ROOT, domain, linked_chat, run, staff_chat
from tests.product import RunningErp


def test_every_erp_error_code_has_a_reply() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)`", (ROOT / "docs/errors.md").read_text(), re.M))
    documented |= {"CREDIT_LIMIT_EXCEEDED", "INSUFFICIENT_STOCK"}
    responses = domain()["responses"]
    missing = sorted(code for code in documented if f"utter_erp_{code.lower()}" not in responses)
    assert len(documented) > 15
    assert missing == []


def test_order_status_for_a_linked_customer(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0001")
    action = ActionOrderStatus(ErpClient(erp.url, erp.service_key))
    latest = run(action, chat, "where is my order")
    assert latest[0]["response"] == "utter_order_status"
    number = latest[0]["order_number"]
    assert number.startswith("SO-")
    by_number = run(action, chat, f"status of {number.lower()}", order_number=number.lower())
    assert by_number[0]["order_number"] == number
    assert by_number[0]["status"]


def test_delivered_orders_tell_the_tracking(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0002")
    client = ErpClient(erp.url, erp.service_key)
    delivered = asyncio.run(client.my_orders(chat, status="delivered", limit=1))[0]
    messages = run(ActionOrderStatus(client), chat, "track it", order_number=delivered["number"])
    assert [m["response"] for m in messages] == ["utter_order_status", "utter_order_tracking"]
    assert messages[0]["status"] == "delivered"
    assert messages[1]["tracking_number"] == delivered["tracking_number"]


def test_unlinked_chats_and_foreign_orders_get_plain_replies(erp: RunningErp) -> None:
    action = ActionOrderStatus(ErpClient(erp.url, erp.service_key))
    anonymous = run(action, f"web:{uuid.uuid4().hex}", "where is my order")
    assert anonymous[0]["response"] == "utter_erp_identity_not_linked"
    owner = linked_chat(erp, "CUST-0003")
    number = asyncio.run(ErpClient(erp.url, erp.service_key).my_orders(owner, limit=1))[0]["number"]
    stranger = linked_chat(erp, "CUST-0004")
    foreign = run(action, stranger, f"where is {number}", order_number=number)
    assert foreign[0]["response"] == "utter_erp_not_found"


def test_a_bad_code_and_an_erp_that_is_down(erp: RunningErp) -> None:
    link = ActionLinkAccount(ErpClient(erp.url, erp.service_key))
    wrong = run(link, f"web:{uuid.uuid4().hex}", "link 000000")
    assert wrong[0]["response"] == "utter_erp_link_code_invalid"
    asked = run(link, f"web:{uuid.uuid4().hex}", "how do I link my account")
    assert asked[0]["response"] == "utter_how_to_link"
    down = ActionOrderStatus(ErpClient("http://127.0.0.1:9", erp.service_key))
    messages = run(down, "telegram:1", "where is my order")
    assert messages == [
        {**messages[0], "response": "utter_erp_unavailable"}
    ]  # "temporarily unavailable, nothing was changed", never silence


def test_my_orders_lists_the_latest_with_buttons(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0001")
    (message,) = run(ActionListMyOrders(ErpClient(erp.url, erp.service_key)), chat, "my orders")
    assert message["response"] == "utter_my_orders"
    assert [row.split(". ")[0] for row in message["orders"].splitlines()] == list("12345")
    assert all("SO-" in line for line in message["orders"].splitlines())
    assert "CUST-0001" not in message["orders"]  # their own orders: no need to say whose
    assert message["buttons"][0]["payload"].startswith('/check_order_status{"order_number": "SO-')


def test_stock_and_price_for_anyone(erp: RunningErp) -> None:
    action = ActionStockAndPrice(ErpClient(erp.url, erp.service_key))
    anonymous = f"web:{uuid.uuid4().hex}"
    (bolt,) = run(action, anonymous, "do you have BOLT-M8", sku="BOLT-M8")
    assert (bolt["response"], bolt["sku"], bolt["unit_price"]) == (
        "utter_stock_and_price",
        "BOLT-M8",
        "£0.14",
    )
    assert int(bolt["available"]) >= 0
    helmets = run(action, anonymous, "how much are helmets", product="helmet")
    assert helmets[0]["sku"] == "HELMET-WHITE"
    missing = run(action, anonymous, "price of unicorns", product="unicorn")
    assert missing[0]["response"] == "utter_product_not_found"
    assert run(action, anonymous, "price?")[0]["response"] == "utter_ask_which_product"


def test_invoices_and_balance_of_a_slow_payer(erp: RunningErp) -> None:
    chat = linked_chat(erp, "CUST-0012")
    client = ErpClient(erp.url, erp.service_key)
    (invoices,) = run(ActionMyInvoices(client), chat, "my invoices")
    assert invoices["response"] == "utter_open_invoices"
    assert "days overdue" in invoices["invoices"]
    (balance,) = run(ActionCustomerBalance(client), chat, "what's my balance")
    assert (balance["customer"], balance["credit_limit"]) == (
        "Summit Scaffolding (CUST-0012)",
        "£2,000.00",
    )
    with erp.as_manager() as http:
        statement = http.get("/customers/CUST-0012/statement").json()
    assert balance["owed"] == f"£{float(statement['closing_balance']):,.2f} owed on invoices. "
    assert balance["available"].startswith("-")  # a slow payer over the limit
    other = run(ActionCustomerBalance(client), chat, "balance of CUST-0001", customer="CUST-0001")
    # never another customer's figures: to a customer, no other customer exists
    assert other[0]["response"] == "utter_unknown_customer"
    assert "credit_limit" not in other[0]


def test_who_is_more_than_60_days_overdue(erp: RunningErp) -> None:
    client = ErpClient(erp.url, erp.service_key)
    finance = staff_chat(erp, "li.wang")
    (late,) = run(ActionOverdueInvoices(client), finance, "who is 60 days late", days="60")
    assert late["response"] == "utter_overdue_customers"
    assert "CUST-0012" in late["customers"]
    assert all(
        int(line.rsplit("oldest ", 1)[1].split()[0]) > 60 for line in late["customers"].splitlines()
    )
    # a customer asking what is overdue hears their own overdue invoices, nobody else's
    slow = linked_chat(erp, "CUST-0012")
    (own,) = run(ActionOverdueInvoices(client), slow, "anything overdue?")
    assert own["response"] == "utter_open_invoices"
    assert "days overdue" in own["invoices"]
    assert {line.split("(")[1].split(")")[0] for line in own["invoices"].splitlines()} == {
        "CUST-0012"
    }
    with erp.as_manager() as http:
        late = http.get("/invoices", params={"status": "overdue", "limit": 200}).json()["items"]
    paid_up = next(
        code
        for code in (f"CUST-{n:04d}" for n in range(1, 40))
        if code not in {i["customer_code"] for i in late}
    )
    (none,) = run(ActionOverdueInvoices(client), linked_chat(erp, paid_up), "anything overdue?")
    assert none["response"] == "utter_none_of_yours_overdue"


def test_the_action_server_registers_exactly_the_actions_of_the_domain() -> None:
    import yaml
    from rasa_sdk import Action, utils
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    declared: set[str] = set()
    for path in (ROOT / "domain").glob("*.yml"):
        declared |= set(yaml.safe_load(path.read_text()).get("actions") or [])
    # rasa-sdk registers every Action subclass it knows: here also the tests' own
    of_tests = {
        cls().name() for cls in utils.all_subclasses(Action) if cls.__module__.startswith("tests.")
    }
    assert len(declared) > 25
    assert set(executor.actions) - of_tests == declared


def test_asked_which_invoice_is_due_next_that_one_comes_first(erp: RunningErp) -> None:
    with erp.as_manager() as http:
        items = http.get("/invoices", params={"open": "true", "limit": 200}).json()["items"]
    coming = [i for i in items if not i["days_overdue"]]
    open_of = Counter(i["customer_code"] for i in items)
    # the demo has invoices not yet due; a customer whose open invoices fit the chat's page
    code = next(i["customer_code"] for i in coming if open_of[i["customer_code"]] <= 10)
    earliest = min((i for i in coming if i["customer_code"] == code), key=lambda i: i["due_on"])
    chat = linked_chat(erp, code)
    client = ErpClient(erp.url, erp.service_key)
    said = run(ActionMyInvoices(client), chat, "when is my next invoice due")
    assert said[0]["response"] == "utter_next_invoice_due"
    assert said[0]["number"] == earliest["number"]
    assert said[1]["response"] == "utter_open_invoices"  # and the list after it
    (plain,) = run(ActionMyInvoices(client), chat, "my invoices")  # not asked: the list alone
    assert plain["response"] == "utter_open_invoices"
