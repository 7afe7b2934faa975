"""Whole conversations in Chinese through the gateway's web chat, the way Chinese-speaking
customers, reps and finance staff type them (no spaces, codes inside Chinese, Chinese numerals
and measure words, date words, Traditional characters), with what the ERP holds afterwards:
the right order, lines, date and address; nothing changed when the user backed out.

Every reply is checked by the desk for what must never happen (programmer's words, the same
re-prompt twice) and here also for the language: a Chinese message is answered in Chinese."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.actions.desk import Chat, Desk, placed
from tests.actions.test_dialogue import next_weekday, order_via_api, state

HAN = re.compile(r"[\u4e00-\u9fff]")


class ChineseChat:
    """A web chat that speaks Chinese: every reply must be (mostly) Chinese."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat

    def say(self, text: str, *expected: str) -> str:
        said = self.chat.say(text, *expected)
        assert HAN.search(said), f"{text!r} was answered in English: {said!r}"
        return said

    def press(self, title: str, *expected: str) -> str:
        return self.chat.press(title, *expected)

    def buttons(self) -> list[dict[str, str]]:
        return self.chat.buttons()


def chinese(desk: Desk, customer: str | None = None, staff: str | None = None) -> ChineseChat:
    """A chat linked by a code typed in Chinese."""
    chat = ChineseChat(Chat(desk.gateway))
    code = desk.erp.link_code(customer_code=customer, principal_name=staff)
    chat.say(f"你好，我的绑定码是{code}", "已关联到")
    return chat


def fresh_customer(desk: Desk, code: str, credit_limit: int, name_zh: str = "") -> str:
    """A customer of this test alone (orders of other tests never use up its credit)."""
    body = {
        "code": code,
        "name": f"Test Customer {code}",
        "name_zh": name_zh,
        "credit_limit": str(credit_limit),
        "shipping_address": "Unit 3, Quay Street, Hull HU1 1AA",
    }
    with desk.erp.as_manager() as manager:
        manager.post("/customers", json=body).raise_for_status()
    return code


def held_order(desk: Desk, code: str, name_zh: str = "") -> str:
    """An order held for a credit check: 2,000 bolts for a customer with £100 of credit."""
    number = order_via_api(desk, fresh_customer(desk, code, 100, name_zh), quantity=2_000)
    assert desk.order(number)["status"] == "pending_approval"
    return number


def friday() -> date:
    return next_weekday(4)


# --- ordering ------------------------------------------------------------------------------


def test_an_order_by_code_with_a_chinese_date_is_placed(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0004")
    chat.say("我要订40个BOLT-M8，周五前送到", "常用地址")
    preview = chat.say("是的，送常用地址", "40", "BOLT-M8", "确认下单吗")
    number = placed(preview)
    chat.say("确认", f"订单{number}已确认")
    order = desk.order(number)
    assert order["status"] == "confirmed"
    assert desk.lines(number) == [("BOLT-M8", 40)]
    assert order["requested_delivery_date"] == friday().isoformat()


def test_an_order_by_chinese_product_name_and_numerals(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0005")
    chat.say("下单：二十个M8螺母，下周三之前到", "常用地址")
    number = placed(chat.say("好的", "NUT-M8", "确认下单吗"))
    chat.say("确认", "已确认")
    assert desk.lines(number) == [("NUT-M8", 20)]
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    assert desk.order(number)["requested_delivery_date"] == (monday + timedelta(days=2)).isoformat()


def test_an_order_in_traditional_characters(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0006")
    chat.say("我要訂50個NUT-M10，12月30號前送到", "常用地址")
    number = placed(chat.say("對", "NUT-M10"))
    chat.say("確認", "已确认")
    assert desk.lines(number) == [("NUT-M10", 50)]
    assert desk.order(number)["requested_delivery_date"].endswith("-12-30")


def test_the_quantity_asked_for_is_answered_in_chinese_numerals(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0007")
    chat.say("我想订点WASHER-10，月底前要", "需要多少")
    chat.say("三百个", "常用地址")
    number = placed(chat.say("是的", "300", "WASHER-10"))
    chat.say("算了，不要了", "没有下")
    assert desk.order(number)["status"] == "cancelled"


def test_a_correction_at_the_preview_changes_the_line(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0008")
    chat.say("订60个NUT-M12，尽快送", "常用地址")
    number = placed(chat.say("是", "60"))
    chat.say("改成80个", "80")
    chat.say("确认", "已确认")
    assert desk.lines(number) == [("NUT-M12", 80)]


def test_a_stock_question_in_the_middle_of_an_order(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0009")
    chat.say("帮我下个单", "您要订什么")
    chat.say("BOLT-M10还有货吗", "BOLT-M10", "我们继续您的订单")
    chat.say("那来100个BOLT-M10", "什么时候要")
    chat.say("下周五", "常用地址")
    number = placed(chat.say("对", "BOLT-M10"))
    chat.say("确认下单", "已确认")
    assert desk.lines(number) == [("BOLT-M10", 100)]


def test_backing_out_of_an_order_stores_nothing(desk: Desk) -> None:
    before = state(desk, "CUST-0011")
    chat = chinese(desk, customer="CUST-0011")
    chat.say("我要订货", "您要订什么")
    chat.say("算了", "没有下任何订单")
    chat.say("你好", "您好")
    assert state(desk, "CUST-0011") == before


def test_never_mind_at_the_preview_drops_the_draft(desk: Desk) -> None:
    before = desk.live("CUST-0013")
    chat = chinese(desk, customer="CUST-0013")
    chat.say("订25个NUT-M10，尽快", "常用地址")
    number = placed(chat.say("是的", "确认下单吗"))
    chat.say("不要了，取消吧", "没有下")
    assert desk.order(number)["status"] == "cancelled"
    assert desk.live("CUST-0013") == before


def test_a_person_asked_for_mid_order_keeps_nothing_placed(desk: Desk) -> None:
    before = state(desk, "CUST-0014")
    chat = chinese(desk, customer="CUST-0014")
    chat.say("我要100个SCREW-WOOD-4X40", "什么时候要")
    chat.say("转人工", "同事")
    assert state(desk, "CUST-0014") == before


def test_a_rep_orders_for_a_customer_named_in_words(desk: Desk) -> None:
    chat = chinese(desk, staff="tom.becker")
    chat.say("帮crown roofing下个单，200个NUT-M8", "什么时候要")
    chat.say("下周一", "送到")
    preview = chat.say("常用地址", "Crown Roofing", "200")
    number = placed(preview)
    chat.say("确认", number)
    order = desk.order(number)
    assert order["customer_code"] == "CUST-0007"
    assert desk.lines(number) == [("NUT-M8", 200)]


def test_a_customer_with_a_chinese_name_is_named_in_chinese(desk: Desk) -> None:
    before = desk.live("CUST-0029")
    chat = chinese(desk, staff="tom.becker")
    chat.say("给CUST-0029下个单，30个NUT-M8，尽快", "常用地址")
    preview = chat.say("常用地址", "斯特林货架贸易有限公司", "CUST-0029", "确认下单吗")
    number = placed(preview)
    chat.say("算了，不要了", "没有下")  # backed out: the draft is gone
    assert desk.order(number)["status"] == "cancelled"
    assert desk.live("CUST-0029") == before


def test_a_new_address_is_the_one_on_the_order(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0015")
    chat.say("订10个HINGE-BUTT-75，下周二送", "常用地址")
    number = placed(chat.say("送到 Unit 7, Canal Road, Leeds LS12 2DX", "Canal Road"))
    chat.say("确认", "已确认")
    assert "Canal Road" in desk.order(number)["shipping_address"]


# --- status, tracking, lists ------------------------------------------------------------


def test_where_is_my_order_by_number_inside_chinese(desk: Desk) -> None:
    number = order_via_api(desk, "CUST-0016", quantity=4)
    chat = chinese(desk, customer="CUST-0016")
    chat.say(f"我的订单{number}到哪了？", f"订单{number}")


def test_a_bare_order_number_after_chinese_is_answered_in_chinese(desk: Desk) -> None:
    number = order_via_api(desk, "CUST-0017", quantity=2)
    chat = chinese(desk, customer="CUST-0017")
    chat.say("查一下订单", number)
    chat.say(number, f"订单{number}")


def test_my_open_orders(desk: Desk) -> None:
    number = order_via_api(desk, "CUST-0018", quantity=3)
    chat = chinese(desk, customer="CUST-0018")
    chat.say("我有哪些订单还没到", number)


def test_tracking_an_order_not_yet_shipped(desk: Desk) -> None:
    number = order_via_api(desk, "CUST-0019", quantity=3)
    chat = chinese(desk, customer="CUST-0019")
    said = chat.say(f"{number}的快递单号是多少", "还没有发货", "已创建草稿。", "已提交。")
    assert "Submitted" not in said
    assert "Draft created" not in said


# --- cancel and return -------------------------------------------------------------------


def test_cancel_an_order_in_chinese(desk: Desk) -> None:
    number = order_via_api(desk, "CUST-0020", quantity=5)
    chat = chinese(desk, customer="CUST-0020")
    chat.say(f"帮我取消订单{number}", f"确定取消订单{number}")
    chat.say("是的", "已取消")
    assert desk.order(number)["status"] == "cancelled"


def test_saying_no_to_a_cancellation_keeps_the_order(desk: Desk) -> None:
    number = order_via_api(desk, "CUST-0021", quantity=5)
    status = desk.order(number)["status"]
    chat = chinese(desk, customer="CUST-0021")
    chat.say(f"{number}不要了，取消", "确定取消")
    chat.say("不，还是留着吧", "保持不变")
    assert desk.order(number)["status"] == status


def test_a_status_question_in_the_middle_of_a_cancellation(desk: Desk) -> None:
    first = order_via_api(desk, "CUST-0023", quantity=5)
    second = order_via_api(desk, "CUST-0023", quantity=6)
    chat = chinese(desk, customer="CUST-0023")
    chat.say(f"取消{first}", f"确定取消订单{first}")
    chat.say(f"{second}到哪了", second, "我们继续取消订单")
    chat.say("对", "已取消")
    assert desk.order(first)["status"] == "cancelled"
    assert desk.order(second)["status"] != "cancelled"


def test_the_erps_refusal_is_worded_in_chinese(desk: Desk) -> None:
    """The ERP writes its refusals in English; a Chinese chat reads them in Chinese."""
    customer = fresh_customer(desk, "CUST-0911", 100_000)
    number = order_via_api(desk, customer, quantity=5)
    with desk.erp.as_manager() as warehouse:
        for step in ("pick", "pack"):
            warehouse.post(f"/orders/{number}/{step}").raise_for_status()
        shipped = {"carrier": "DHL Freight", "tracking_number": "JD0146000099"}
        warehouse.post(f"/orders/{number}/ship", json=shipped).raise_for_status()
    chat = chinese(desk, customer=customer)
    said = chat.say(f"帮我取消订单{number}")
    if "确定" in said:  # asked first, refused by the ERP when confirmed
        said = chat.say("是的")
    assert "不能取消" in said
    assert "cannot" not in said
    assert desk.order(number)["status"] == "shipped"


def test_a_return_left_half_way_requests_nothing(desk: Desk) -> None:
    before = state(desk, "CUST-0002")
    chat = chinese(desk, customer="CUST-0002")
    chat.say("有一箱货到的时候坏了，我要退货", "哪个订单")
    chat.say("算了", "没有申请退货")
    assert state(desk, "CUST-0002") == before


# --- invoices and balance ----------------------------------------------------------------


def test_unpaid_invoices(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0004")
    chat.say("我有哪些发票还没付", "发票")


def test_what_we_owe_and_the_credit_limit(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0004")
    chat.say("我们还欠多少钱", "信用额度")


def test_invoices_asked_in_the_middle_of_an_order(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0010")
    chat.say("订12个HINGE-BUTT-75，尽快", "常用地址")
    number = placed(chat.say("是的", "确认下单吗"))
    chat.say("我的信用额度还有多少", "我们继续您的订单")
    chat.say("确认", "已确认")
    assert desk.order(number)["status"] == "confirmed"


# --- approvals, receivables, reports (staff) ---------------------------------------------


def test_finance_approves_a_held_order_in_chinese(desk: Desk) -> None:
    held = held_order(desk, "CUST-0901")
    chat = chinese(desk, staff="li.wang")
    chat.say("有哪些订单在等审批", held)
    chat.say(f"批准{held}", "已审批通过")
    assert desk.order(held)["status"] != "pending_approval"


def test_finance_rejects_with_a_reason_in_chinese(desk: Desk) -> None:
    held = held_order(desk, "CUST-0902", name_zh="海港五金贸易有限公司")
    chat = chinese(desk, staff="li.wang")
    chat.say(f"驳回{held}", "原因是什么")
    chat.say("超出信用额度，而且有逾期发票", "已驳回")
    order = desk.order(held)
    assert order["status"] == "draft"
    assert order["rejection_reason"] == "超出信用额度，而且有逾期发票"


def test_stopping_a_rejection_keeps_the_order_waiting(desk: Desk) -> None:
    held = held_order(desk, "CUST-0903")
    chat = chinese(desk, staff="li.wang")
    chat.say(f"把{held}拒了", "原因是什么")
    chat.say("算了", "仍在等待审批")
    assert desk.order(held)["status"] == "pending_approval"


def test_who_owes_us_the_most(desk: Desk) -> None:
    chat = chinese(desk, staff="li.wang")
    chat.say("谁欠我们钱最多", "欠", "按账龄：未到期", "90天以上")


def test_customers_overdue_over_sixty_days(desk: Desk) -> None:
    chat = chinese(desk, staff="li.wang")
    chat.say("逾期超过六十天的客户有哪些", "60天")


def test_sales_this_month_against_last_month(desk: Desk) -> None:
    chat = chinese(desk, staff="li.wang")
    said = chat.say("这个月销售额比上个月增长多少", "的销售", "个订单")
    assert f"{date.today().year}年{date.today().month}月" in said


def test_top_customers_this_year(desk: Desk) -> None:
    chat = chinese(desk, staff="li.wang")
    chat.say("今年销售额最高的客户是哪几家", "销售额最高的客户")


def test_sales_figures_are_for_staff_only(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0004")
    chat.say("你们这个月销售额多少", "仅供我们的员工")


# --- the conversation itself ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "answered"),
    [
        ("你好", "您好"),
        ("你是机器人吗", "电脑程序"),
        ("你能做什么", "我可以"),
        ("今天天气怎么样", "帮不上忙"),
        ("谢谢", "不客气"),
        ("转人工", "同事"),
    ],
    ids=["greet", "bot", "help", "out of scope", "thanks", "handoff"],
)
def test_small_talk_in_chinese(desk: Desk, said: str, answered: str) -> None:
    chat = chinese(desk, customer="CUST-0003")
    chat.say(said, answered)


def test_a_chinese_answer_mid_form_switches_the_language_and_keeps_the_form(desk: Desk) -> None:
    chat = desk.chat(customer=fresh_customer(desk, "CUST-0904", 100_000))  # linked in English
    chat.say("I need 30 WASHER-8", "When do you need it")
    said = chat.say("下周五", "常用地址")  # the same form, now in Chinese
    assert HAN.search(said)
    number = placed(chat.say("yes", "Here is order", "30 x WASHER-8"))
    chat.say("confirm", "is confirmed")
    assert desk.lines(number) == [("WASHER-8", 30)]
