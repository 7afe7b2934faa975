"""The ranking of domain/search.py on the demo catalogue and customers, with queries written
for these tests (the blind tables in tests/search are measured by bench/search_quality.py)."""

from __future__ import annotations

import pytest

from erp_backend.domain.search import Document, SearchIndex, terms
from erp_backend.services.seed_data import (
    CUSTOMER_NAMES_ZH,
    CUSTOMERS,
    NAMES_ZH,
    PRODUCTS,
    search_terms,
)


def catalogue(*, chinese: bool = True) -> SearchIndex:
    return SearchIndex(
        Document(
            sku,
            name,
            [sku, *search_terms(sku).split(",")],
            NAMES_ZH[sku] if chinese else "",
        )
        for sku, name, *_ in PRODUCTS
    )


CATALOGUE = catalogue()
PEOPLE = SearchIndex(
    Document(f"CUST-{i:04d}", name, [f"CUST-{i:04d}", city], CUSTOMER_NAMES_ZH.get(name, ""))
    for i, (name, city, _) in enumerate(CUSTOMERS, start=1)
)
PLAIN_HEX_BOLTS = {"BOLT-M6", "BOLT-M8", "BOLT-M10", "BOLT-M12", "BOLT-M16"}


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


# --- Chinese (issue 19): names in Chinese, Han text as character bigrams ------------------


def test_han_text_becomes_character_bigrams() -> None:
    assert terms("六角螺栓 M8×40 镀锌") == ["六角", "角螺", "螺栓", "8", "40", "镀锌"]
    assert terms("钉") == ["钉"]  # a single character is itself
    # a measure word standing alone is a unit, like "bag of 100"; fullwidth text is read
    assert terms("尼龙扎带 300mm 黑色（100根/袋）") == [
        "尼龙",
        "龙扎",
        "扎带",
        "300",
        "黑色",
        "100",
    ]
    assert terms("Ｍ８螺栓") == ["8", "螺栓"]
    assert terms("BOLT-M8的螺栓") == ["bolt", "8", "的螺", "螺栓"]


def test_every_demo_product_has_a_chinese_name() -> None:
    assert set(NAMES_ZH) == {sku for sku, *_ in PRODUCTS}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in NAMES_ZH.values())
    assert 3 <= len(CUSTOMER_NAMES_ZH) <= 5
    assert set(CUSTOMER_NAMES_ZH) <= {name for name, *_ in CUSTOMERS}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("螺栓", PLAIN_HEX_BOLTS),  # the plain hex bolts before stainless, carriage, anchors
        ("六角螺栓", PLAIN_HEX_BOLTS),
        ("M8螺栓", {"BOLT-M8"}),
        ("m8螺栓", {"BOLT-M8"}),
        ("BOLT-M8的螺栓", {"BOLT-M8"}),  # a code inside Chinese, Simplified only
        ("我要螺栓", PLAIN_HEX_BOLTS),  # 我要 and 要螺 are in no name: they do not count
        ("不锈钢螺栓", {"BOLT-M8-SS"}),
        ("M10螺栓", {"BOLT-M10"}),  # not the wedge anchor (膨胀螺栓) nor the carriage bolt
        ("扎带", {"CABLE-TIE-200", "CABLE-TIE-300"}),
        ("尼龙扎带 300mm", {"CABLE-TIE-300"}),
        ("膨胀管", {"ANCHOR-8", "ANCHOR-10"}),
        ("10mm膨胀管", {"ANCHOR-10"}),
        ("玻璃胶", {"SEALANT-SILICONE"}),
        ("M8螺母", {"NUT-M8"}),
        ("8mm垫圈", {"WASHER-8"}),
        ("弹簧垫圈", {"WASHER-SPRING-8"}),
        ("干壁钉", {"SCREW-DRYWALL-35"}),
        ("丁腈手套 XL", {"GLOVES-NITRILE-XL"}),
        ("缠绕膜", {"PALLET-WRAP-500"}),
        ("扳手套装", {"SPANNER-SET-12"}),  # 手套 (gloves) is where 扳手 and 套装 meet
        # trade words (seed_data.SEARCH_TERMS_ZH): what people say rather than the price list
        ("M8螺丝", {"BOLT-M8"}),  # 螺丝: any bolt or screw, as most people say it
        ("M10螺帽", {"NUT-M10"}),
        ("8mm胶塞", {"ANCHOR-8"}),
        ("膨胀螺丝", {"ANCHOR-WEDGE-M10", "ANCHOR-WEDGE-M12"}),
        ("石膏板螺丝", {"SCREW-DRYWALL-35"}),
        ("M12螺杆", {"ROD-M12-1M"}),
        ("拉伸膜", {"PALLET-WRAP-500"}),
        ("弹垫", {"WASHER-SPRING-8"}),
    ],
)
def test_chinese_names_are_found(query: str, expected: set[str]) -> None:
    first = CATALOGUE.search(query)[0]
    assert first.key in expected
    assert first.query_share == pytest.approx(1.0)


def test_chinese_ranks_the_plain_product_first_as_english_does() -> None:
    for query in ("m8 bolts", "m8螺栓", "M8 螺栓", "BOLT-M8的螺栓"):
        keys = [hit.key for hit in CATALOGUE.search(query)]
        assert keys.index("BOLT-M8") < keys.index("BOLT-M8-SS"), query
        both = [hit for hit in CATALOGUE.search(query) if hit.key in {"BOLT-M8", "BOLT-M8-SS"}]
        assert [hit.query_share for hit in both] == pytest.approx([1.0, 1.0])


def test_bigrams_the_collection_does_not_hold_count_for_nothing() -> None:
    """ "我要螺栓" asks for 我要, 要螺 and 螺栓: only 螺栓 is in any name; the others are the
    words around the product and a bigram across their boundary."""
    assert CATALOGUE.search("我要螺栓") == CATALOGUE.search("螺栓")
    assert CATALOGUE.search("BOLT-M8的螺栓") == CATALOGUE.search("BOLT-M8 螺栓")


def test_chinese_for_something_we_do_not_carry_matches_only_partly() -> None:
    assert CATALOGUE.search("水泥") == []  # cement
    assert all(hit.query_share < 0.85 for hit in CATALOGUE.search("m8 水泥"))
    # a bigram across two words of a name is not the word: 扳手套装 holds 手套, gloves come first
    gloves = CATALOGUE.search("手套")
    assert {hit.key for hit in gloves[:2]} == {"GLOVES-NITRILE-L", "GLOVES-NITRILE-XL"}
    assert "SPANNER-SET-12" not in {hit.key for hit in gloves}


ENGLISH = [
    "m8 bolts",
    "stainless m8 bolts",
    "8mm washers",
    "drywal screws",
    "zip ties",
    "cable ties 300mm",
    "m10 bolts",
    "hard hat",
    "cat6 cable",
    "nitrile gloves xl",
    "torque wrench",
    "socket set 1/4",
]


@pytest.mark.parametrize("query", ENGLISH)
def test_chinese_names_change_no_english_result(query: str) -> None:
    assert CATALOGUE.search(query, limit=60) == catalogue(chinese=False).search(query, limit=60)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("码头餐饮", "CUST-0031"),  # Quayside Restaurants Group
        ("凤凰舞台", "CUST-0021"),
        ("斯特林货架", "CUST-0029"),
        ("光伏", "CUST-0024"),
        ("斯特林货架贸易有限公司", "CUST-0029"),
    ],
)
def test_customers_by_their_chinese_name(query: str, code: str) -> None:
    first = PEOPLE.search(query)[0]
    assert first.key == code
    assert first.query_share == pytest.approx(1.0)


def test_one_number_alone_is_no_answer_to_a_query_with_words() -> None:
    """ "cat6" holds a 6 and so does an M6 nut: a document matching one number of a query and
    none of its words is left out; a whole size still finds its product."""
    assert "NUT-M6" not in {hit.key for hit in CATALOGUE.search("cable cat6")}
    assert CATALOGUE.search("CAT6网线") == []
    assert CATALOGUE.search("m8 widgets") == []
    assert CATALOGUE.search("m8x40 setscrews")[0].key == "BOLT-M8"  # 8 and 40: a size
    assert {hit.key for hit in CATALOGUE.search("m8")[:3]} >= {"BOLT-M8", "NUT-M8"}  # numbers only
