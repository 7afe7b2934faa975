"""Order lines in the user's words: "200 NUT-M10, 50 WASHER-8", "BOLT-M8 x 40",
"10 boxes of earplugs", "two dozen hex nuts".

Rasa finds the products (`sku` from the catalog's lookup table, `product` names learned
from examples); this module pairs each with its quantity by position in the text, which
the entity extractor cannot do: the number right before a product ("40 BOLT-M8",
"10 boxes of earplugs", "ten office chairs", "2k screws", "a drill") or written after it
with a marker
("BOLT-M8 x 40", "BOLT-M8: 40"). Quantities in words go up to the thousands ("two hundred
and fifty", "a dozen"); larger ones people write in digits. A product without a quantity
keeps `quantity=None` so the bot can ask for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from actions.chinese import has_han, plain
from actions.chinese import number as chinese_number

PRODUCT_ENTITIES = ("sku", "product")
# An uppercase code with a dash that the lookup table may not know yet ("BOLT-M8-SS"), also
# inside Chinese ("订BOLT-M8二十个": Han characters are not part of a code)
SKU_LIKE = re.compile(r"(?<![A-Za-z0-9_-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?![A-Za-z0-9_-])")
NOT_SKU = re.compile(r"^(?:SO|INV|CUST|RMA|CN)-", re.I)
UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES = {
    **{word: value for value, word in enumerate(UNITS)},
    **{word: 20 + 10 * index for index, word in enumerate(TENS)},
    "a": 1,
    "an": 1,
}
MULTIPLIERS = {"dozen": 12, "hundred": 100, "thousand": 1000}
_WORD = "|".join([*TENS, *reversed(UNITS), "an?"])  # longest first: "seventeen" before "seven"
# "ten", "twenty-five", "a dozen", "two hundred and fifty", "three thousand five hundred"
WORDS_NUMBER = (
    rf"(?:(?:{_WORD})(?:[- ](?:{_WORD}))?|dozen)"
    rf"(?:[- ](?:and[- ])?(?:(?:{_WORD})(?:[- ](?:{_WORD}))?|dozen|hundred|thousand))*"
)
# a quantity in digits ("1,000", "40") or in words; group 1 is its text
# (Latin letters and digits bound it, not Han characters: "要20个" holds the number 20)
QUANTITY = (
    rf"(?<![A-Za-z0-9_.,-])"
    rf"(\d{{1,3}}(?:[.,]\d)?k|\d{{1,3}}(?:,\d{{3}})+|\d{{1,7}}|{WORDS_NUMBER})"
)
NUMBER = re.compile(rf"{QUANTITY}(?![A-Za-z0-9_-])", re.I)
# What may stand between a quantity and its product: "40 ", "10 boxes of ", "5 x ".
QUANTITY_BEFORE = re.compile(
    rf"{QUANTITY}\s*(?:x|\u00d7|pcs\.?|pieces?( of)?|units?( of)?"
    r"|(?P<unit>box(?:es)?|packs?|packets?|cartons?|rolls?|bags?|sets?|tubes?|pairs?|cans?"
    r"|cases?|pallets?|reams?|reels?|bottles?|cartridges?|tins?|drums?|metres?|meters?)(?: of)?"
    r"|of|more)?"
    r"(?:\s+(?:of|the))*\s*$",
    re.I,
)
QUANTITY_AFTER = re.compile(r"^\s*(?:x|\u00d7|\*|:|qty:?|quantity:?)\s*(\d{1,7})(?![\w-])", re.I)


# Chinese: a number in digits or Chinese numerals ("20", "二十", "两千五", "3千") with the
# measure word it counts in, before the product ("二十箱M8螺栓", "来一箱扎带") or after it
# ("M8螺栓二十箱", "BOLT-M8 x 40"); the measure word as the English unit the ERP sells in
ZH_UNITS = {
    "箱": "box",
    "盒": "box",
    "包": "pack",
    "袋": "bag",
    "卷": "roll",
    "瓶": "bottle",
    "罐": "can",
    "桶": "drum",
    "套": "set",
    "双": "pair",
    "副": "pair",
    "对": "pair",
    "托": "pallet",
    "米": "m",
    "支": "cartridge",
}
_ZH_NUMBER = r"(\d+(?:\.\d+)?[千万]\d*|\d{1,7}|[零〇一二两三四五六七八九十百千万]+打?)"
_ZH_MEASURE = r"([箱托个盒包袋件支卷瓶罐套副双对米条根只桶把块片张台捆板份颗粒])"
# before the product the measure word is needed ("订单42的BOLT-M8", "下周五BOLT-M8" have none)
ZH_QUANTITY_BEFORE = re.compile(
    rf"(?<![A-Za-z0-9.\-周期拜]){_ZH_NUMBER}\s*{_ZH_MEASURE}\s*(?:的)?\s*$"
)
# after the product: with a measure word ("二十箱"), or after "x", "×", "数量", "各"
ZH_QUANTITY_AFTER = (
    re.compile(rf"^\s*(?:要|来|订|买)?\s*{_ZH_NUMBER}\s*{_ZH_MEASURE}"),
    re.compile(rf"^\s*(?:[x×*:：]|数量|各)\s*{_ZH_NUMBER}\s*{_ZH_MEASURE}?"),
)


def chinese_quantity(before: str, after: str) -> tuple[int | None, int, str | None, str | None]:
    """The quantity said with a product in Chinese, the characters after the product it
    took, the unit said (None for pieces) and the words that said it ("25箱")."""
    if found := ZH_QUANTITY_BEFORE.search(before):
        words = f"{found.group(1)}{found.group(2) or ''}"
        return chinese_number(found.group(1)), 0, ZH_UNITS.get(found.group(2) or ""), words
    for pattern in ZH_QUANTITY_AFTER:
        if found := pattern.match(after):
            words = f"{found.group(1)}{found.group(2) or ''}"
            unit = ZH_UNITS.get(found.group(2) or "")
            return chinese_number(found.group(1)), found.end(), unit, words
    return None, 0, None, None


# what may stand between two product words tagged apart that are one product
JOINS = re.compile(r"[ \t-]{1,2}")
# a size after product words: "300mm", "16 mm", "4x40", "3.5x35", "m10", "1m", "size l"
SIZE_AFTER = re.compile(
    r"\s*(?:\d+(?:\.\d+)?\s*(?:mm|cm|ml|m)\b|\d+(?:\.\d+)?\s*x\s*\d+(?:\s*mm)?\b|m\d{1,2}\b"
    r"|size\s+(?:xs|s|m|l|xl|xxl)\b|(?:xs|xl|xxl)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    is_sku: bool


@dataclass(frozen=True)
class RequestedLine:
    mention: str
    quantity: int | None
    is_sku: bool
    unit: str | None = None  # the unit said with the quantity ("boxes" in "25 boxes of")
    said: str | None = None  # a Chinese quantity as written, measure word and all ("25箱")


def mentions(text: str, entities: Iterable[dict[str, Any]]) -> list[Mention]:
    """Products named in the text, in order, without overlaps (the longer span wins)."""
    found: list[Mention] = []
    for entity in entities:
        if entity.get("entity") not in PRODUCT_ENTITIES or "start" not in entity:
            continue
        start, end = int(entity["start"]), int(entity["end"])
        said = text[start:end]
        if not has_han(said) and set(re.findall(r"[a-z]+", said.lower())) <= NOT_A_PRODUCT:
            continue  # "oh", "them", "please" tagged as a product
        found.append(Mention(text[start:end], start, end, entity["entity"] == "sku"))
    for match in SKU_LIKE.finditer(text):
        if not NOT_SKU.match(match.group()):
            found.append(Mention(match.group(), match.start(), match.end(), True))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and not (previous.is_sku or mention.is_sku)
            and JOINS.fullmatch(text[previous.end : mention.start])
        ):
            # "clear" + "silicon" tagged apart: one product, "clear silicon"
            kept[-1] = Mention(
                text[previous.start : mention.end], previous.start, mention.end, False
            )
            continue
        kept.append(mention)
    return [with_size(text, mention) for mention in kept]


# words a tagger may mark as a product that name none
NOT_A_PRODUCT = frozenset(
    [
        "oh",
        "ok",
        "okay",
        "and",
        "also",
        "plus",
        "please",
        "pls",
        "them",
        "those",
        "these",
        "it",
        "some",
        "the",
        "a",
        "an",
        "of",
    ]
)
ONES = re.compile(r"\bones?\b", re.IGNORECASE)
SIZE_BEFORE = re.compile(r"\b(?:\d+(?:\.\d+)?\s*(?:mm|cm|m)|m\d{1,2}|\d+x\d+)\s*$", re.IGNORECASE)


def pairs(found: list[Mention]) -> list[tuple[Mention | None, Mention]]:
    """Each mention with the one before it (None for the first)."""
    before: list[Mention | None] = [None, *found]
    return list(zip(before, found, strict=False))


def with_kind(text: str, mention: Mention, previous: Mention | None) -> Mention:
    """ "10mm ones" after "8mm wall plugs" is "10mm wall plugs" (the words without a digit;
    a size right before a bare "ones" is part of it)."""
    if previous is None or previous.is_sku or not ONES.search(mention.text):
        return mention
    kind = " ".join(w for w in previous.text.split() if not re.search(r"\d", w))
    if not kind:
        return mention
    start = mention.start
    if size := SIZE_BEFORE.search(text[previous.end : mention.start]):
        start = previous.end + size.start()
    words = text[start : mention.start] + ONES.sub(kind, mention.text)
    return Mention(words, start, mention.end, False)


def with_size(text: str, mention: Mention) -> Mention:
    """A size written right after the product words belongs to them: "zip ties 300mm",
    "wood screws 4x40", "washers 16mm", "threaded rod m10"."""
    if mention.is_sku:
        return mention
    size = SIZE_AFTER.match(text, mention.end)
    if not size:
        return mention
    return Mention(text[mention.start : size.end()], mention.start, size.end(), False)


def requested_lines(text: str, entities: Iterable[dict[str, Any]]) -> list[RequestedLine]:
    """Each product named in the text with its quantity (None when none was given); "ones"
    after another product is that product's kind ("fifty 8mm wall plugs and fifty 10mm ones")."""
    found = [
        with_kind(text, mention, previous) for previous, mention in pairs(mentions(text, entities))
    ]
    lines = []
    previous_end = 0
    for index, mention in enumerate(found):
        before = text[previous_end : mention.start]
        next_start = found[index + 1].start if index + 1 < len(found) else len(text)
        after = text[mention.end : next_start]
        quantity, consumed, unit, said = None, 0, None, None
        if has_han(before) or has_han(after):
            quantity, consumed, unit, said = chinese_quantity(before, after)
        if quantity is not None:
            pass
        elif before_match := QUANTITY_BEFORE.search(before):
            quantity = number_value(before_match.group(1))
            unit = before_match.group("unit")
        elif after_match := QUANTITY_AFTER.match(after):
            quantity, consumed = int(after_match.group(1)), after_match.end()
        previous_end = mention.end + consumed
        lines.append(RequestedLine(mention.text, quantity, mention.is_sku, unit, said))
    return lines


def number_value(written: str) -> int | None:
    """The value of "1,000", "40", "ten", "twenty-five", "a dozen", "two hundred and fifty";
    None for words that are not a number ("a" alone is one: "a drill"). Chinese numerals as
    well: "二十", "两千五", "3千", "一打" (actions/chinese.py)."""
    if has_han(written):
        return chinese_number(written)
    if written[0].isdigit():
        if written.lower().endswith("k"):  # "2k", "1.5k": thousands, as people write them
            return int(float(written[:-1].replace(",", ".")) * 1000)
        return int(written.replace(",", ""))
    total = current = 0
    for word in re.split(r"[- ]+", written.lower()):
        if word == "and":
            continue
        if word in WORD_VALUES:
            current += WORD_VALUES[word]
        elif word in MULTIPLIERS:
            if word == "thousand":
                total += max(current, 1) * 1000
                current = 0
            else:
                current = max(current, 1) * MULTIPLIERS[word]
        else:
            return None
    return total + current


# A number that is not the quantity wanted: "not 10", "instead of 10" (the old one), "100 a
# box", "100 per pack" (a pack's size), "16mm", "4x40" (a size)
NOT_WANTED_BEFORE = re.compile(r"\b(?:not|instead of|rather than|than|from)\s*$", re.I)
NOT_WANTED_AFTER = re.compile(
    r"^\s*(?:(?:a|an|per|in a|to a|each)\s+(?:box|bag|pack|packet|carton|roll|case|set|tube)"
    r"|mm\b|cm\b|ml\b|x\s*\d"
    r"|[号楼室门栋层])",  # Chinese: a house, floor, room or gate number ("张江路5号")
    re.I,
)
# Words that say a number is the quantity, however long the message: "so 2500 of them then",
# "should be 1500", "make the silicone twelve"
QUANTITY_SAID = re.compile(
    r"(?:\b(?:so|make it|make that|make them|should be|it's|its|we need|need|want|order)\s+$)"
    r"|(?:^\s*(?:of (?:them|those|each)|pcs|pieces|then|please|in total|altogether|not)\b)",
    re.I,
)


def wanted_numbers(text: str) -> list[re.Match[str]]:
    """The numbers of a message that may be a quantity wanted (not "a", not a replaced
    number, not a pack size or a product size)."""
    return [
        found
        for found in NUMBER.finditer(text)
        if found.group(1).lower() not in ("a", "an")
        and not NOT_WANTED_BEFORE.search(text[: found.start()])
        and not NOT_WANTED_AFTER.match(text[found.end() :])
    ]


def bare_quantity(text: str) -> int | None:
    """A message that is only a quantity ("40", "40 please", "make it 1,000", "twelve",
    "a dozen"), or one that says which of its numbers is the quantity ("100 a box so 2500
    of them then", "twelve not 10"); a lone "a" or "an" is not one. Chinese too ("二十箱吧")."""
    text = plain(text)
    numbers = wanted_numbers(text)
    if len(numbers) != 1:
        return None
    number = numbers[0]
    rest = (text[: number.start()] + text[number.end() :]).strip(" .!")
    said = QUANTITY_SAID.search(text[: number.start()]) or QUANTITY_SAID.search(
        text[number.end() :]
    )
    if len(rest.split()) > 4 and not said:
        return None
    return number_value(number.group(1))
