"""Which customer a member of staff means: a code ("CUST-0001") or a name as people say it
("baker and sons", "harbour marine", "the marine supply people"), from the ERP's ranked
customer search (docs/search.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import entity, intent_of, text_of
from actions.erp_client import ErpClient, ErpError
from actions.formatting import name_of
from actions.i18n import _
from actions.product_match import CLEAR_LEAD

CODE = re.compile(r"^\s*cust[- ]?(\d{1,4})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Named:
    customer: dict[str, Any] | None  # the one meant, when clear
    close: list[dict[str, Any]] = field(default_factory=list)  # to choose from
    exact: bool = False  # named by its code or its full name: no need to confirm


async def customer_named(client: ErpClient, chat: str, said: str) -> Named:
    if typed := CODE.match(said):
        code = f"CUST-{int(typed.group(1)):04d}"
        try:
            return Named(await client.customer(chat, code), exact=True)
        except ErpError as error:
            if error.code != "NOT_FOUND":
                raise
            return Named(None)
    found = await client.customers(chat, said, limit=5)
    full = [c for c in found if c.get("match") == "full"]
    if not full:
        return Named(None, found[:3])
    lead = (full[0].get("relevance") or 0) - (full[1].get("relevance") or 0) if len(full) > 1 else 1
    if lead >= CLEAR_LEAD:
        exact = said.strip().lower() == full[0]["name"].lower()
        return Named(full[0], exact=exact)
    return Named(None, full[:4])


# "their balance", "that customer's orders": the customer just discussed
THEIRS = re.compile(
    r"\b(?:their|theirs|they|them|that customer|this customer|same customer)\b", re.I
)


async def customer_meant(
    client: ErpClient, dispatcher: CollectingDispatcher, tracker: Tracker
) -> str | None:
    """The code of the customer a question is about: the one named ("baker and sons"), the one
    just discussed ("their balance"), or the chat's own; None after asking which (several
    close, none found, staff without one)."""
    chat = tracker.sender_id
    said = entity(tracker, "customer")
    if said:
        named = await customer_named(client, chat, said)
        if named.customer is not None:
            return str(named.customer["code"])
        intent = intent_of(tracker)
        buttons = [
            {
                "title": _("{name} ({code})").format(name=name_of(c), code=c["code"]),
                "payload": f'/{intent}{{"customer": "{c["code"]}"}}',
            }
            for c in named.close
        ]
        response = "utter_which_customer" if named.close else "utter_unknown_customer"
        dispatcher.utter_message(response=response, customer=said, buttons=buttons)
        return None
    discussed = tracker.get_slot("customer_discussed")
    if discussed and THEIRS.search(text_of(tracker)):
        return str(discussed)
    own = (await client.me(chat)).get("customer_code")
    if own:
        return str(own)
    found = await customer_in_text(client, chat, text_of(tracker))
    if found is not None:
        return found
    dispatcher.utter_message(response="utter_ask_which_customer")
    return None


# words of a question that are never a customer's name on their own
WINDOW_WORD = re.compile(r"^[a-z][a-z&'-]{2,}$")
MOST_WORDS = 3
MIN_LONE_WORD = 6  # a word alone names a customer only when it is this long ("stonegate")


async def customer_in_text(client: ErpClient, chat: str, text: str) -> str | None:
    """A customer named in a staff question the entity tagger did not mark ("whats northfeild
    joinery's balance"): the longest run of one to three words that the ERP's search matches
    in full to one customer, clearly ahead of the next; None when no run does. Only for
    questions about one customer, which otherwise ask "which customer?" (never for filters
    of a list, where a wrong guess would hide the rest)."""
    words = [w.strip(".,!?;:").lower() for w in text.split()]
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    for length in range(MOST_WORDS, 0, -1):
        for start in range(len(words) - length + 1):
            window = words[start : start + length]
            if not all(WINDOW_WORD.match(w) for w in window):
                continue
            if length == 1 and len(window[0]) < MIN_LONE_WORD:
                continue  # "sign" would be Thornton Signs & Displays
            named = await customer_named(client, chat, " ".join(window))
            if named.customer is not None:
                return str(named.customer["code"])
    return None


async def customer_in_question(client: ErpClient, tracker: Tracker) -> str | None:
    """For staff asking about orders: the customer named ("northfield's last order") or just
    discussed ("their open orders"), when clear; None means every customer's."""
    said = entity(tracker, "customer")
    if said:
        named = await customer_named(client, tracker.sender_id, said)
        return str(named.customer["code"]) if named.customer else None
    discussed = tracker.get_slot("customer_discussed")
    return str(discussed) if discussed and THEIRS.search(text_of(tracker)) else None
