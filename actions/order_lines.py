"""Order lines in the user's words: "200 NUT-M10, 50 WASHER-8", "BOLT-M8 x 40",
"10 boxes of earplugs".

Rasa finds the products (`sku` from the catalog's lookup table, `product` names learned
from examples); this module pairs each with its quantity by position in the text, which
the entity extractor cannot do: the number right before a product ("40 BOLT-M8",
"10 boxes of earplugs") or written after it with a marker ("BOLT-M8 x 40", "BOLT-M8: 40").
A product without a quantity keeps `quantity=None` so the bot can ask for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

PRODUCT_ENTITIES = ("sku", "product")
# An uppercase code with a dash that the lookup table may not know yet ("BOLT-M8-SS").
SKU_LIKE = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?![\w-])")
NOT_SKU = re.compile(r"^(?:SO|INV|CUST|RMA|CN)-", re.I)
NUMBER = re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d{1,7})(?![\w-])")
# What may stand between a quantity and its product: "40 ", "10 boxes of ", "5 x ".
QUANTITY_BEFORE = re.compile(
    r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d{1,7})\s*(?:x|\u00d7|pcs\.?|pieces?( of)?|units?( of)?"
    r"|(?:boxes|packs|packets|cartons|rolls|bags|sets|tubes|pairs|cans|of)(?: of)?|more)?"
    r"(?:\s+(?:of|the))*\s*$",
    re.I,
)
QUANTITY_AFTER = re.compile(r"^\s*(?:x|\u00d7|\*|:|qty:?|quantity:?)\s*(\d{1,7})(?![\w-])", re.I)


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


def mentions(text: str, entities: Iterable[dict[str, Any]]) -> list[Mention]:
    """Products named in the text, in order, without overlaps (the longer span wins)."""
    found: list[Mention] = []
    for entity in entities:
        if entity.get("entity") not in PRODUCT_ENTITIES or "start" not in entity:
            continue
        start, end = int(entity["start"]), int(entity["end"])
        found.append(Mention(text[start:end], start, end, entity["entity"] == "sku"))
    for match in SKU_LIKE.finditer(text):
        if not NOT_SKU.match(match.group()):
            found.append(Mention(match.group(), match.start(), match.end(), True))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def requested_lines(text: str, entities: Iterable[dict[str, Any]]) -> list[RequestedLine]:
    """Each product named in the text with its quantity (None when none was given)."""
    found = mentions(text, entities)
    lines = []
    previous_end = 0
    for index, mention in enumerate(found):
        before = text[previous_end : mention.start]
        next_start = found[index + 1].start if index + 1 < len(found) else len(text)
        after = text[mention.end : next_start]
        quantity, consumed = None, 0
        if before_match := QUANTITY_BEFORE.search(before):
            quantity = int(before_match.group(1).replace(",", ""))
        elif after_match := QUANTITY_AFTER.match(after):
            quantity, consumed = int(after_match.group(1)), after_match.end()
        previous_end = mention.end + consumed
        lines.append(RequestedLine(mention.text, quantity, mention.is_sku))
    return lines


def bare_quantity(text: str) -> int | None:
    """A message that is only a quantity ("40", "40 please", "make it 1,000")."""
    numbers = NUMBER.findall(text)
    if len(numbers) != 1:
        return None
    rest = NUMBER.sub("", text).strip(" .!").lower()
    if len(rest.split()) > 4:
        return None
    return int(numbers[0].replace(",", ""))
