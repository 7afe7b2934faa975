"""One-tap links: a chat linked to an account by a long single-use token, no code typed.

Staff get a token with every link code (the ERP's `POST /identity/link-codes`) as a Telegram
deep link (`https://t.me/<bot>?start=<token>`, which Telegram turns into "/start <token>" when
the user taps Start) and a web chat address (`/#link=<token>`, where the page asks before it
links). A chat already linked is never moved to another account by a tap (someone could send
their own link): that takes the typed code. The gateway redeems the token itself, with its
own service key: the token never goes through the assistant, so it is in no conversation
tracker (docs/security.md).
"""

from __future__ import annotations

import logging
import re

import httpx

from bot.i18n import N_, _
from telemetry.logs import chat_tag

log = logging.getLogger(__name__)

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

LINKED = N_(
    "Done: this chat is now linked to {whom}. Ask me about your orders, invoices or balance."
)
LINKED_STAFF = N_("Done: this chat is now linked to {whom} ({role}). What can I do for you?")
NOT_VALID = N_(
    "That link is not valid any more: links work once and expire after 7 days. Please ask us "
    'for a new one, or type the six-digit code you were given as "link 123456".'
)
ALREADY_LINKED = N_(
    "This chat is already linked to {whom}, so the link was not used. To move the chat to "
    'another account, type the six-digit code you were given, like "link 123456".'
)
UNAVAILABLE = N_(
    "Sorry, I can't link this chat right now. Nothing was changed. Please try the link again "
    "in a few minutes."
)
# The ERP's roles (erp_backend/domain/principals.py), named in LINKED_STAFF: English says the
# role's own name, the catalogue has it in words.
ROLES = frozenset(
    (N_("sales_rep"), N_("finance"), N_("warehouse"), N_("manager"), N_("admin"), N_("customer"))
)


def is_token(text: str) -> bool:
    return bool(TOKEN.match(text))


class Linker:
    """Redeems tokens at the ERP for a chat. Without a service key there is no linking here
    (a typed code still works through the assistant)."""

    def __init__(self, erp_url: str, service_key: str, timeout_seconds: float = 15.0) -> None:
        self._key = service_key
        self._http = httpx.AsyncClient(
            base_url=erp_url.rstrip("/") + "/api/v1", timeout=timeout_seconds
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def link(self, chat: str, token: str) -> str:
        """The words to show after trying to link `chat` with `token`, in the language being
        written in (bot/i18n.py)."""
        if not self._key or not is_token(token):
            return _(NOT_VALID) if self._key else _(UNAVAILABLE)
        headers = {"Authorization": f"Bearer {self._key}", "X-Chat-Identity": chat}
        try:
            me = await self._http.get("/identity/me", headers=headers)
            if me.status_code == 200 and me.json().get("linked"):
                known = me.json()
                whom = known.get("customer_code") or known["name"]
                return _(ALREADY_LINKED).format(whom=whom)
            response = await self._http.post(
                "/identity/links", json={"token": token}, headers=headers
            )
        except httpx.HTTPError as error:
            log.warning("linking %s: ERP not reached (%r)", chat_tag(chat), error)
            return _(UNAVAILABLE)
        if response.status_code == 200:
            linked = response.json()
            log.info("chat linked by one-tap link", extra={"chat": chat_tag(chat)})
            if linked.get("customer_code"):
                name = linked.get("customer_name")
                code = linked["customer_code"]
                whom = _("{name} ({code})").format(name=name, code=code) if name else code
                return _(LINKED).format(whom=whom)
            role = str(linked["role"])
            return _(LINKED_STAFF).format(
                whom=linked["principal_name"], role=_(role) if role in ROLES else role
            )
        if response.status_code in (404, 422):
            return _(NOT_VALID)
        log.warning("linking %s: ERP answered %s", chat_tag(chat), response.status_code)
        return _(UNAVAILABLE)
