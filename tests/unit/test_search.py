"""The ranking of domain/search.py on the demo catalogue and customers, with queries written
for these tests (the blind tables in tests/search are measured by bench/search_quality.py)."""

from __future__ import annotations

import pytest

from erp_backend.domain.search import Document, SearchIndex, terms
from erp_backend.services.seed_data import CUSTOMERS, PRODUCTS, SEARCH_TERMS

CATALOGUE = SearchIndex(
    Document(sku, name, [sku, *SEARCH_TERMS.get(sku, "").split(",")]) for sku, name, *_ in PRODUCTS
)
PEOPLE = SearchIndex(
    Document(f"CUST-{i:04d}", name, [f"CUST-{i:04d}", city])
    for i, (name, city, _) in enumerate(CUSTOMERS, start=1)
)


def test_terms_split_sizes_stem_and_drop_fillers() -> None:
    assert terms("25 boxes of M8x40 Bolts") == ["25", "8", "40", "bolt"]
    assert terms("Drywall screw 3.5x35") == ["drywal", "screw", "3.5", "35"]
    assert terms("Baker & Sons") == ["baker", "son"]
    assert terms("St Anne's") == ["saint", "ann"]


@pytest.mark.parametrize(
    ("query", "sku"),
    [
        ("m8 bolts", "BOLT-M8"),  # the plain one: stainless is said when meant
        ("stainless m8 bolts", "BOLT-M8-SS"),
        ("bolts m8 40mm", "BOLT-M8"),
        ("8mm washers", "WASHER-8"),
        ("spring washer m8", "WASHER-SPRING-8"),
        ("hex nuts m10", "NUT-M10"),
        ("drywal screws", "SCREW-DRYWALL-35"),  # a typo
        ("wall plugs 8mm", "ANCHOR-8"),
        ("ear plugs", "EARPLUGS-200"),  # two words of the query, one of the name
        ("wallplugs 10", "ANCHOR-10"),  # one word of the query, two of the name
        ("cable ties 300mm", "CABLE-TIE-300"),
        ("self tapping screws", "SCREW-SELF-4X25"),
        ("wood screws 4x40", "SCREW-WOOD-4X40"),
        ("hard hat", "HELMET-WHITE"),  # a trade name from the product's search terms
        ("studding m10", "ROD-M10-1M"),
        ("BOLT-M8-SS", "BOLT-M8-SS"),
    ],
)
def test_the_product_meant_comes_first(query: str, sku: str) -> None:
    first = CATALOGUE.search(query)[0]
    assert first.key == sku
    assert first.query_share == pytest.approx(1.0)


def test_an_unqualified_size_ties_and_says_so() -> None:
    """ "zip ties" fits both lengths equally: the assistant then asks which."""
    first, second = CATALOGUE.search("zip ties")[:2]
    assert {first.key, second.key} == {"CABLE-TIE-200", "CABLE-TIE-300"}
    assert first.relevance == second.relevance


def test_something_we_do_not_carry_matches_only_partly() -> None:
    assert all(hit.query_share < 0.5 for hit in CATALOGUE.search("cat6 cable"))
    assert CATALOGUE.search("unobtainium") == []
    assert CATALOGUE.search("the of and") == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("baker and sons", "CUST-0001"),
        ("bakers", "CUST-0001"),  # not Oakwood Furniture Makers: a typo keeps its first letter
        ("harbour marine", "CUST-0002"),
        ("the marine supply people", "CUST-0002"),
        ("st annes school", "CUST-0036"),
        ("crown roofing", "CUST-0007"),
        ("the roofers in derby", "CUST-0007"),  # the city is matched too
    ],
)
def test_the_customer_meant_comes_first(query: str, code: str) -> None:
    assert PEOPLE.search(query)[0].key == code


def test_a_company_that_is_not_a_customer_matches_nothing_fully() -> None:
    assert PEOPLE.search("acme ltd") == []
    assert all(hit.query_share < 0.85 for hit in PEOPLE.search("crown paints"))
