"""The Chinese versions of the shared scripts (eval/conversations/zh/: what a Chinese-speaking
customer, rep, finance clerk or manager types for the same moves as the English scripts of
../shared/eval/conversations/), each as a whole conversation through the gateway, answered in
Chinese with the words that matter — and the ERP holding just what the English conversation
leaves (tests/actions/test_eval_scripts.py, test by test).

Where a script stops before its conversation is over (the order with the unknown pallet
line, the rep's order still waiting for its date), the test carries on the way the user
would, so that it can check what is placed."""

from __future__ import annotations

import uuid
from datetime import date

from tests.actions.desk import Chat, Desk, placed
from tests.actions.test_conversations_zh import ChineseChat, chinese, fresh_customer, held_order
from tests.actions.test_dialogue import order_via_api, state


def delivered_via_api(desk: Desk, customer: str, quantity: int) -> str:
    """An order picked, packed, shipped (invoiced) and delivered, as the warehouse does it."""
    number = order_via_api(desk, customer, quantity=quantity)
    shipment = {"carrier": "DPD", "tracking_number": "DPD-" + uuid.uuid4().hex[:10]}
    with desk.erp.as_manager() as manager:
        for step, body in (("pick", None), ("pack", None), ("ship", shipment), ("deliver", None)):
            done = manager.post(
                f"/orders/{number}/{step}",
                json=body,
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            done.raise_for_status()
    return number


def test_customer1_natural_status_order_invoices(desk: Desk) -> None:
    # a customer of this test alone: one open order, one delivered and invoiced (other tests
    # leave orders open for the demo customers, and "where's my stuff" would ask which)
    customer = fresh_customer(desk, "CUST-0905", 5_000, name_zh="顺发五金机电有限公司")
    delivered = delivered_via_api(desk, customer, quantity=6)
    open_order = order_via_api(desk, customer, quantity=4)
    before = state(desk, customer)
    chat = chinese(desk, customer=customer)
    chat.say("你好", "您好")
    listed = chat.say("我现在有哪些订单还没完成？", "未完成的订单", open_order)
    assert delivered not in listed
    assert "已送达" not in listed
    chat.say("我的货到哪了", f"订单{open_order}")
    chat.say("上一单发货了没", f"订单{open_order}")
    chat.say("快递单号发我一下", f"订单{open_order}还没有发货")
    chat.say("我要订25箱M8螺栓", "25箱", "M8螺栓", "需要多少个")
    chat.say("好的", "还不能下单", "M8螺栓")  # never taken as an answer
    chat.say("我还欠你们多少钱？", "信用额度", "我们继续您的订单")
    chat.say("把没付的发票给我看看", "未付发票", "我们继续您的订单")
    chat.say("下一张发票什么时候到期", "下一张到期的是", "我们继续您的订单")
    chat.say("我的信用額度是多少", "信用额度£5,000.00", "我们继续您的订单")
    # products we don't carry, named in words the tagger may miss: searched all the same
    chat.say("你们有CAT6网线现货吗？", "CAT6网线", "我们继续您的订单")
    chat.say("欧标托盘多少钱一个", "欧标托盘", "我们继续您的订单")
    chat.say("把我最近那个单取消掉", "没有下任何订单", f"确定取消订单{open_order}")
    chat.say("谢谢，拜拜", "没有取消任何订单", "再见")
    assert state(desk, customer) == before


def test_customer2_messy_order_with_corrections(desk: Desk) -> None:
    chat = chinese(desk, customer="CUST-0004")
    chat.say("你好，要下个单", "您要订什么")
    chat.say("10个PALLET-EUR，NUT-M10五十个", "PALLET-EUR", "NUT-M10")
    chat.say("哦不对，托盘要20个", "“PALLET-EUR”（尚未确定产品）× 20")
    chat.say("下周五前送到", "送货日期已改为", "周五")
    chat.say("一共多少钱？", "NUT-M10（六角螺母 M10 镀锌）× 50")
    chat.say("确认", "“PALLET-EUR”还没确定，所以还不能下单", "其余的")
    # the catalogue has no euro pallet: the user takes the line off and orders the nuts
    chat.say("那把托盘去掉吧", "已去掉", "常用地址")
    preview = chat.say("好", "NUT-M10", "× 50", "送货地址：Apex Steel", "确认下单吗")
    assert "一共多少钱" not in preview
    number = placed(preview)
    chat.say("确认", f"订单{number}已确认")
    order = desk.order(number)
    assert desk.lines(number) == [("NUT-M10", 50)]
    assert order["shipping_address"].startswith("Apex Steel Fabrication")
    assert date.fromisoformat(order["requested_delivery_date"]).weekday() == 4


def test_customer2_return_and_handoff(desk: Desk) -> None:
    before = state(desk, "CUST-0004")
    chat = chinese(desk, customer="CUST-0004")
    chat.say("有一箱到的时候就压坏了，我想退回去", "哪个订单")
    chat.say("找人工客服", "没有申请退货", "同事")
    assert state(desk, "CUST-0004") == before


def test_customer2_unlinked_stranger(desk: Desk) -> None:
    chat = ChineseChat(Chat(desk.gateway))
    chat.say("SO-2026-00001这个单到哪了", "还没有关联账户")
    chat.say("你能幫我做什麼？", "我可以", "帮您下单")
    chat.say("阿斯顿发过火将空调", "抱歉")  # a keyboard mash through an input method
    chat.say("你是谁？是机器人吗？", "电脑程序")


def test_staff1_rep_order_for_a_customer(desk: Desk) -> None:
    chat = chinese(desk, staff="tom.becker")
    chat.say("给CUST-0012下个新单：BOLT-M8一百个", "什么时候要")
    chat.say("好", "送货日期")
    chat.say("有哪些订单在等审批？", "等待审批的订单", "我们继续Summit Scaffolding的订单")
    chat.say("这个月销售跟上个月比怎么样？", "的销售", "我们继续Summit Scaffolding的订单")
    chat.say("哪些客戶逾期超過60天了", "我们继续Summit Scaffolding的订单")
    chat.say("哪些货快没库存了？", "再订货点", "我们继续Summit Scaffolding的订单")
    chat.say("今年排名前几的客户", "销售额最高的客户", "我们继续Summit Scaffolding的订单")
    chat.say("周五", "常用地址")
    number = placed(chat.say("是", "Summit Scaffolding（CUST-0012）的订单", "BOLT-M8", "× 100"))
    chat.say("确认", number)
    order = desk.order(number)
    assert order["customer_code"] == "CUST-0012"
    assert order["status"] in ("confirmed", "pending_approval")
    assert desk.lines(number) == [("BOLT-M8", 100)]


def test_staff1_finance_approvals(desk: Desk) -> None:
    held = held_order(desk, "CUST-0906")  # a customer of this test alone, £100 of credit
    chat = chinese(desk, staff="li.wang")
    chat.say("有沒有等我審批的單？", "等待审批的订单", held)
    chat.say("谁欠我们钱最多？", "欠款最多", "CUST-")
    chat.say("看下账龄报表", "逾期")
    assert desk.order(held)["status"] == "pending_approval"  # only questions: nothing changed


def test_manager1_reports(desk: Desk) -> None:
    chat = chinese(desk, staff="maria.lopez")
    chat.say("看一下每个月的销售额和增长", "今年至今")
    chat.say("发个销售图表", "今年至今")
    chat.say("三月份卖了多少", "3月的销售")
    chat.say("上周发了多少单货", "上周的订单", "发货")
    chat.say("我们平均订单周期是多久", "从下单到发货")
    chat.say("预测一下BOLT-M8的需求", "BOLT-M8", "需求预测")
