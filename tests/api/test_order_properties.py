"""Property-based: any mix of plausible and odd orders keeps the books straight."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from erp_backend.db import repositories as repo
from erp_backend.db.engine import unit_of_work
from tests.world import World

skus = st.sampled_from(["BOLT-M8", "NUT-M10", "WIDGET", "GADGET", "OLD-ITEM", "NOPE", "bolt-m8"])
lines = st.lists(
    st.fixed_dictionaries(
        {"sku": skus, "quantity": st.integers(min_value=-5, max_value=2_000)},
        optional={
            "discount_pct": st.decimals(min_value=-1, max_value=120, places=2).map(str),
        },
    ),
    min_size=0,
    max_size=4,
)
bodies = st.fixed_dictionaries(
    {"customer_code": st.sampled_from(["CUST-A", "CUST-B", "CUST-X", "CUST-NONE"]), "lines": lines}
)
actions = st.lists(st.sampled_from(["submit", "approve", "cancel", "reject"]), max_size=4)


@given(body=bodies, steps=actions)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_orders_and_actions_never_break_the_stock_invariants(
    client: TestClient,
    world: World,
    sessions: sessionmaker[Session],
    body: dict[str, Any],
    steps: list[str],
) -> None:
    created = client.post("/api/v1/orders", json=body, headers=world.headers("rep"))
    assert created.status_code in {201, 409, 422}, created.text
    if created.status_code == 201:
        order = created.json()
        line_sum = sum(Decimal(line["line_total"]) for line in order["lines"])
        assert Decimal(order["total"]) == line_sum
        for step in steps:
            who = "finance" if step in {"approve", "reject"} else "rep"
            response = client.post(
                f"/api/v1/orders/{order['number']}/{step}",
                headers=world.headers(who),
                json={"reason": "no"} if step == "reject" else None,
            )
            assert response.status_code in {200, 409}, response.text
    with unit_of_work(sessions) as session:
        # reserved never above on hand, and exactly the lines of the orders holding stock
        assert repo.reservations_out_of_step(session) == []
