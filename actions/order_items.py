"""The lines of an order being written in chat, and every change a message makes to them.

An item is what the user asked for, matched or not:
`{"mention", "sku", "name", "unit", "quantity", "choices"}`. `sku` is None while the mention
matches no product or several (`choices` holds the close ones), `quantity` None while not
said. The order's lines are complete only when every item has both; an item is never dropped
unless the user removes it, so the preview always shows every line the user asked for.

A message may add lines ("and 10 NUT-M10"), change a quantity ("make it 20", "no, 30 of the
nuts", "10 more bolts"), remove a line ("remove the bolts", "no washers"), or pick the product
an unmatched line means (a button, or "the stainless one" typed as its code or name).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from actions.chinese import NAMES_OF_KINDS, bigrams, has_han, plain
from actions.erp_client import ErpClient, ErpError
from actions.formatting import name_of
from actions.i18n import _
from actions.order_lines import (
    QUANTITY,
    RequestedLine,
    bare_quantity,
    number_value,
    requested_lines,
    wanted_numbers,
)
from actions.product_match import choose

Item = dict[str, Any]
Items = list[Item]

REMOVE = re.compile(
    r"\b(?:remove|delete|drop|take out|take off|cancel|without|no more|leave out"
    r"|get rid of)\s+(?:the\s+|all\s+(?:the\s+)?|that\s+)?(.+?)\s*(?:line)?[.!]*$"
    # Chinese: "去掉螺母", "删掉这一项", "把托盘去掉吧" ("不要了", "取消" alone are ways out,
    # not removals)
    r"|把(?:那个|这个|那些|这些)?(.+?)(?:去掉|删掉|删除|拿掉)(?:吧|了)?[。.!！]*$"
    r"|(?:去掉|删掉|删除|拿掉)(?:那个|这个|那些|这些)?(.*?)(?:吧|了)?[。.!！]*$",
    re.IGNORECASE,
)
# "no washers", "no bolts after all": a product with "no" before it is taken off.
NO_PRODUCT = re.compile(r"^\s*(?:and\s+)?no\s+(?!thanks?\b|problem\b|rush\b)([a-z].+?)[.!]*$", re.I)
REMOVE_THAT = re.compile(
    r"^(?:it|that|that one|this|this one|that line|this line|这一?项|这个|那个|这行)$", re.I
)
MORE = re.compile(r"\b(\d{1,7})\s+more\b|再(?:加|来|要|多)\s*(\d{1,7})", re.IGNORECASE)
# the product just discussed, at the start of an order: "twenty of them", "i'll take those"
REFERRED = re.compile(
    rf"(?:{QUANTITY}\s+(?:of\s+)?(?:them|those|these)\b"
    r"|\b(?:take|have|order|want|need)\s+(?:them|those|these|it|one)\b)",
    re.IGNORECASE,
)
STOP_WORDS = frozenset({"the", "of", "a", "an", "x", "pcs", "please", "and", "some"})


def words_of(text: str) -> set[str]:
    """Lower-case words, plurals folded ("nuts" → "nut", "boxes" → "box")."""
    found = set()
    for word in re.findall(r"[a-z0-9]+(?:[.x][0-9]+)?", text.lower()):
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("es") and word[:-2].endswith(("x", "sh", "ch", "s")):
            word = word[:-2]
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return found


def matches(item: Item, mention: str) -> bool:
    """Does a mention ("the nuts", "BOLT-M8", "pallets", "M8螺母", "托盘") mean this item of
    the order? Its English words and codes must all be the item's, and so must its Chinese
    words (actions/chinese.py `bigrams`)."""
    wanted = words_of(mention)
    chinese = bigrams(mention)
    if not wanted and not chinese:
        return False
    sku = (item.get("sku") or "").lower()
    if mention.strip().lower() == sku:
        return True
    if not wanted <= english_words(item):
        return False
    return chinese <= chinese_words(item)


def english_words(item: Item) -> set[str]:
    sku = (item.get("sku") or "").lower()
    known = words_of(" ".join([item.get("mention") or "", item.get("name") or "", sku]))
    return known | words_of(sku.replace("-", " "))


def chinese_words(item: Item) -> set[str]:
    """The Chinese words that name an item: those of its Chinese name and of the words it
    was asked for by; an item without a Chinese name (typed as a code) by the Chinese for
    its kind ("托盘" for "PALLET-EUR")."""
    words = bigrams(" ".join([item.get("mention") or "", item.get("name_zh") or ""]))
    if not item.get("name_zh"):
        english = english_words(item)
        for chinese, kind in NAMES_OF_KINDS.items():
            if kind in english:
                words |= bigrams(chinese)
    return words


def named_in_chinese(items: Items, text: str) -> Item | None:
    """The one item whose Chinese words the message uses ("哦不对，托盘要20个"), if one."""
    if not has_han(text):
        return None
    said = bigrams(text)
    named = [item for item in items if said & chinese_words(item)]
    return named[0] if len(named) == 1 else None


def complete(items: Items) -> Items | None:
    """The order lines once every item is matched and has a quantity, else None."""
    if items and all(item["sku"] and item["quantity"] for item in items):
        return [dict(item) for item in items]
    return None


def first_open(items: Items) -> Item | None:
    """The item the form asks about next: unmatched first, then without a quantity."""
    return next((i for i in items if not i["sku"]), None) or next(
        (i for i in items if not i["quantity"]), None
    )


async def find(client: ErpClient, chat: str, wanted: RequestedLine) -> Item:
    """The catalog product a mention means: matched, or unmatched with the close ones."""
    item: Item = {
        "mention": wanted.mention,
        "sku": None,
        "name": None,
        "unit": None,
        "quantity": wanted.quantity,
        "choices": [],
    }
    if wanted.unit and wanted.quantity:
        item["unit_said"] = f"{wanted.quantity} {wanted.unit.lower()}"
        if wanted.said:  # said in Chinese: "25箱", as written, for the question about it
            item["quantity_said"] = wanted.said
    if wanted.is_sku:
        try:
            return product_item(item, await client.product(chat, wanted.mention.upper()))
        except ErpError as error:
            if error.code != "NOT_FOUND":
                raise
    choice = choose(await client.products(chat, wanted.mention, limit=5), wanted.mention)
    if choice.product is not None:
        return product_item(item, choice.product)
    item["choices"] = [
        {"sku": p["sku"], "name": p["name"], "name_zh": p.get("name_zh", "")} for p in choice.close
    ]
    item["carried"] = choice.carried
    return item


def product_item(item: Item, product: dict[str, Any]) -> Item:
    matched = {
        **item,
        "sku": product["sku"],
        "name": product["name"],
        "name_zh": product.get("name_zh", ""),
        "unit": product.get("unit"),
        "choices": [],
        "carried": True,
    }
    said = item.get("unit_said")
    if said and not same_unit(said.split(" ", 1)[1], product.get("unit") or "pcs"):
        matched["quantity"] = None  # "25 boxes" of what we sell by the piece: asked, not guessed
    else:
        matched.pop("unit_said", None)
        matched.pop("quantity_said", None)
    return matched


# Words for the same selling unit; plurals are folded first ("boxes" -> "box")
SAME_UNITS = {
    "pc": "pcs",
    "piece": "pcs",
    "each": "pcs",
    "unit": "pcs",
    "metre": "m",
    "meter": "m",
    "tube": "cartridge",
}


def same_unit(said: str, selling: str) -> bool:
    """Is the unit said ("boxes") the product's selling unit ("box")?"""

    def fold(word: str) -> str:
        word = word.lower().strip()
        if word not in ("pcs", "m"):
            word = word[:-2] if word.endswith("xes") else word.rstrip("s") or word
        return SAME_UNITS.get(word, word)

    return fold(said) == fold(selling)


class Change:
    """What one message did to the items, for the reply ("Changed: 20 x PALLET-WRAP-500")."""

    def __init__(self) -> None:
        self.changed: Items = []  # added, or matched to a product
        self.updated: Items = []  # already on the order, with a new quantity
        self.removed: Items = []

    def __bool__(self) -> bool:
        return bool(self.changed or self.updated or self.removed)


async def apply_message(
    client: ErpClient, tracker: Tracker, items: Items, asked: bool
) -> tuple[Items, Change]:
    """The items after the latest message. `asked`: the form's question is about the items,
    so a bare number answers the open item's quantity and a product name resolves it."""
    text = str(tracker.latest_message.get("text") or "").strip()
    entities = tracker.latest_message.get("entities", [])
    items = [dict(item) for item in items]
    change = Change()
    if removal := (REMOVE.search(text) or NO_PRODUCT.match(text)):
        target = next((words for words in removal.groups() if words), "it")  # "删掉": asked
        open_item = first_open(items)
        if REMOVE_THAT.match(target.strip()):
            # "remove it": the line asked about; "cancel that" leaves the order instead
            said_cancel = removal.group(0).lower().startswith("cancel")
            gone = [open_item] if open_item is not None and not said_cancel else []
        else:
            gone = [item for item in items if matches(item, target)]
        if gone:
            change.removed = gone
            return [item for item in items if item not in gone], change
    wanted = requested_lines(text, entities)
    discussed = tracker.get_slot("product_discussed")
    if discussed and "," not in discussed and not items and (referred := REFERRED.search(text)):
        # "ok white is fine, twenty of them": the product of the answer just given
        quantity = referred.group(1) and number_value(referred.group(1))
        wanted = [RequestedLine(str(discussed), quantity or None, True), *wanted]
    if not wanted:
        return set_bare_quantity(items, text, asked, change)
    open_item = first_open(items) if asked else None
    for line in wanted:
        existing = next((item for item in items if matches(item, line.mention)), None)
        if existing is not None and line.quantity is None and len(wanted) == 1:
            # "make the silicone twelve not 10", "the wood screws should be 1500"
            line = RequestedLine(
                line.mention, bare_quantity_in(text), line.is_sku, line.unit, line.said
            )
        if existing is not None and line.quantity is not None:
            # "30 of the nuts", "10 more washers": a new quantity for a line already there,
            # matched or not
            more = MORE.search(plain(text))
            quantity = line.quantity + (existing["quantity"] or 0) if more else line.quantity
            existing["quantity"] = quantity
            change.updated.append(existing)
            continue
        if existing is not None and existing["sku"]:
            continue
        found = await find(client, tracker.sender_id, line)
        if not asked and not found["sku"] and not found["choices"] and line.quantity is None:
            # words the tagger took for a product in the answer to another question ("blah
            # blah" for the date), which the catalogue knows nothing like: not a new line
            continue
        if open_item is not None and not open_item["sku"] and found["sku"]:
            # the product the unmatched line meant: it takes that line's place
            found["quantity"] = found["quantity"] or open_item["quantity"]
            items[items.index(open_item)] = found
            open_item = None
        elif existing is not None:  # the same unmatched words again: nothing new
            continue
        else:
            items.append(found)
        change.changed.append(found)
    return items, change


FILLER = frozenset(
    {
        "actually",
        "wait",
        "oh",
        "sorry",
        "more",
        "a",
        "an",
        "make",
        "it",
        "that",
        "change",
        "to",
        "instead",
        "please",
        "no",
        "of",
        "the",
        "those",
        "them",
        "ok",
        "okay",
        "just",
        "then",
        "only",
        "want",
        "need",
        "i",
        "should",
        "be",
        "is",
        "are",
        "was",
        "we",
        "so",
        "right",
        "got",
        "have",
        "thought",
        "they",
        "came",
        "in",
        "fine",
        "yes",
        "yeah",
    }
)
# a selling unit after the number ("make it 8 bags") names no product
UNIT_WORDS = frozenset(
    {
        "pcs",
        "pc",
        "piece",
        "pieces",
        "unit",
        "units",
        "box",
        "boxes",
        "bag",
        "bags",
        "pack",
        "packs",
        "roll",
        "rolls",
        "set",
        "sets",
        "pair",
        "pairs",
        "can",
        "cans",
        "case",
        "cases",
        "carton",
        "cartons",
        "cartridge",
        "cartridges",
        "bottle",
        "bottles",
        "reel",
        "reels",
        "metre",
        "metres",
        "meter",
        "meters",
        "m",
        "lot",
        "lots",
        "of",
    }
)
MAKE_IT = re.compile(
    r"\b(?:make it|make that|change (?:it|that) to|actually|instead)\b"
    r"|改成|改为|换成|应该是|其实是",
    re.I,
)


def set_bare_quantity(items: Items, text: str, asked: bool, change: Change) -> tuple[Items, Change]:
    """ "make it 20", "20", "actually 30 pallets": the quantity of the item the words name,
    else of the item asked about, else of the order's only or last named item."""
    quantity = bare_quantity(text)
    if quantity is None or not items:
        return items, change
    # the words besides the quantity: sizes count ("the 10mm should be 60"), bare numbers not
    rest = " ".join(
        w
        for w in re.findall(r"[a-z0-9]+(?:[.x][0-9]+)?", text.lower())
        if w not in FILLER
        and w not in UNIT_WORDS
        and not w.isdigit()
        and not (w.isalpha() and number_word(w) is not None)
        and not re.fullmatch(r"\d+(?:\.\d+)?k", w)
    )
    open_item = first_open(items)
    named = next((item for item in items if rest and matches(item, rest)), None)
    named = named or named_in_chinese(items, text)
    if named is not None:  # "20 pallets", "托盘要20个": the item those words name
        target = named
    elif open_item is not None and asked and open_item["sku"]:
        # the quantity asked for, whatever else the answer says ("100 a box so 2500 then")
        target = open_item
    elif rest:  # words that name no item: never a guess
        return items, change
    elif MAKE_IT.search(text) or len(items) == 1:
        target = items[-1] if len(items) > 1 else items[0]
    else:
        return items, change
    more = MORE.search(plain(text)) is not None  # "10 more": on top of what is there
    target["quantity"] = quantity + (target["quantity"] or 0) if more else quantity
    change.updated.append(target)
    return items, change


def bare_quantity_in(text: str) -> int | None:
    """The one number of a message that can be a quantity wanted, if it has one."""
    numbers = wanted_numbers(plain(text))
    return number_value(numbers[0].group(1)) if len(numbers) == 1 else None


def number_word(word: str) -> int | None:
    return number_value(word) if word not in ("a", "an") else None


def item_words(item: Item) -> str:
    """ "20 x BOLT-M8 (Hex bolt M8x40 zinc plated)", or the unmatched words as said."""
    quantity, sku, name, mention = (
        item["quantity"],
        item["sku"],
        name_of(item),
        item.get("mention"),
    )
    if sku:
        words = _("{quantity} x {sku} ({name})") if quantity else _("{sku} ({name})")
    else:
        words = (
            _('{quantity} x "{mention}" (not matched yet)')
            if quantity
            else _('"{mention}" (not matched yet)')
        )
    return words.format(quantity=quantity, sku=sku, name=name, mention=mention)
