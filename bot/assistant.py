"""Turns between a chat and the Rasa assistant (its REST channel), in the gateway's terms.

Rasa's REST channel trusts any `sender`, so Rasa offers only the gateway's channel
(rasa_gateway/channel.py: the REST channel behind a signature check), and the gateway signs
each turn for the identity it has authenticated (`telegram:<chat id>`, `web:<session id>`).
The assistant's replies become `Reply` values that both channels render. When Rasa cannot be
reached the user is told so plainly ("nothing was changed": the turn never started). When it
was reached but gave no usable answer (too slow, an error), the turn may have run, so the user
is told to check before trying again, never that nothing changed.

Several Rasa servers sharing a tracker store and a lock store can each take any turn of any
conversation (docs/deployment-local.md), so turns go to them in turn (round-robin). A server
that refuses the connection is skipped for the next one within the same turn: the turn never
started there. One that was reached is never asked again elsewhere, for the same reason the
user is not told "nothing was changed": the turn may have run.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.charts import Chart, File, chart_from, file_from
from bot.i18n import N_, _
from bot.metrics import METRICS
from rasa_gateway.signing import parse_secrets, sign
from telemetry.logs import REQUEST_ID_HEADER, chat_tag, request_scope

log = logging.getLogger(__name__)

UNREACHABLE = N_(
    "Sorry, I can't answer right now: the assistant is temporarily unavailable. "
    "Nothing was changed. Please try again in a minute."
)
NO_ANSWER = N_(
    "Sorry, something went wrong and I have no answer for you. If you were placing or "
    "changing an order, ask me about your orders in a minute to see whether it went through "
    "before trying again."
)


WEBHOOK_PATH = "/webhooks/gateway/webhook"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str
    token: str = ""  # the gateway's short name for it (Telegram callback data)


@dataclass(frozen=True)
class Reply:
    text: str = ""
    buttons: tuple[Button, ...] = ()
    image_url: str | None = None
    chart: Chart | None = None  # a chart to draw in (bot/charts.py)
    file: File | None = None  # a file to offer (a statement as CSV)
    # the assistant asked for a person (utter_handoff carries {"handoff": true})
    handoff: bool = False

    @property
    def shows_something(self) -> bool:
        """Text, buttons, a picture or a file: something a chat can show."""
        return bool(self.text or self.buttons or self.image_url or self.chart or self.file)


@dataclass(frozen=True)
class Turn:
    replies: list[Reply] = field(default_factory=list)
    # False when the assistant was not reached or did not answer (replies then say so)
    answered: bool = True


class Assistant:
    """The Rasa servers' gateway channel (`POST /webhooks/gateway/webhook`, the REST channel's
    body, signed with the first of `secrets`): one server, or several."""

    def __init__(
        self, rasa_urls: str | Sequence[str], timeout_seconds: float, secrets: str
    ) -> None:
        urls = [rasa_urls] if isinstance(rasa_urls, str) else list(rasa_urls)
        if not urls:
            raise ValueError("the assistant needs at least one Rasa server")
        self._secret = parse_secrets(secrets)[0]
        self._webhooks = [url.rstrip("/") + WEBHOOK_PATH for url in urls]
        self._turns = itertools.count()
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout_seconds, connect=5.0))

    async def close(self) -> None:
        await self._http.aclose()

    def next_turn_order(self) -> list[str]:
        """The webhooks the next turn tries, in order: the next server in turn, then the rest."""
        first = next(self._turns) % len(self._webhooks)
        return self._webhooks[first:] + self._webhooks[:first]

    async def tell(self, sender: str, message: str, language: str = "en") -> Turn:
        """One turn. The turn's request id goes along in the REST channel's `metadata`: Rasa
        puts it on the tracker's latest message, where the actions find it and send it on to
        the ERP (`X-Request-ID`), so one id follows the turn through every process's log."""
        with request_scope() as request_id:
            METRICS.turns.inc(sender.partition(":")[0])
            body = json.dumps(
                {
                    "sender": sender,
                    "message": message,
                    # the language to answer in (bot/language.py), chosen by the gateway
                    "metadata": {"request_id": request_id, "language": language},
                }
            ).encode()
            for webhook in self.next_turn_order():
                try:
                    headers = {
                        REQUEST_ID_HEADER: request_id,
                        "Content-Type": "application/json",
                        **sign(self._secret, body),  # signed per attempt: a fresh nonce each
                    }
                    response = await self._http.post(webhook, content=body, headers=headers)
                    response.raise_for_status()
                    items = response.json()
                except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                    log.warning(
                        "rasa at %s unreachable for %s: %r", webhook, chat_tag(sender), error
                    )
                    continue  # not connected: the turn never started, another server may take it
                except (httpx.HTTPError, ValueError) as error:
                    log.warning(
                        "rasa at %s gave no answer for %s: %r", webhook, chat_tag(sender), error
                    )
                    METRICS.rasa_failures.inc("no_answer")
                    return Turn([Reply(_(NO_ANSWER))], answered=False)
                if not isinstance(items, list):
                    answered = type(items).__name__
                    log.warning(
                        "rasa at %s answered a %s for %s", webhook, answered, chat_tag(sender)
                    )
                    METRICS.rasa_failures.inc("no_answer")
                    return Turn([Reply(_(NO_ANSWER))], answered=False)
                log.info(
                    "turn answered",
                    extra={"chat": chat_tag(sender), "replies": len(items), "by": webhook},
                )
                return Turn(
                    [reply for item in items if (reply := reply_from(item, language)) is not None]
                )
            METRICS.rasa_failures.inc("unreachable")
            return Turn([Reply(_(UNREACHABLE))], answered=False)


def reply_from(item: Any, language: str = "en") -> Reply | None:
    """One message of Rasa's REST output in a turn in `language` (a chart it names is drawn
    in it); None for anything with nothing to show."""
    if not isinstance(item, dict):
        return None
    custom: dict[str, Any] = item["custom"] if isinstance(item.get("custom"), dict) else {}
    buttons = tuple(
        Button(str(button["title"]), str(button["payload"]))
        for button in item.get("buttons") or []
        if isinstance(button, dict) and button.get("title") and button.get("payload")
    )
    reply = Reply(
        text=str(item.get("text") or custom.get("text") or ""),
        buttons=buttons,
        image_url=item.get("image") if isinstance(item.get("image"), str) else None,
        chart=chart_from(custom.get("chart"), language),
        file=file_from(custom.get("file")),
        handoff=custom.get("handoff") is True,
    )
    if not (reply.shows_something or reply.handoff):
        return None
    return reply
