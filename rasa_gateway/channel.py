"""Rasa's input channel for the gateway: the REST channel, behind a signature check.

credentials.yml names it (`rasa_gateway.channel.GatewayInput`) instead of `rest:`, so Rasa has
no unauthenticated way in: a turn is taken only when the gateway signed it (`signing`), and a
forged, altered, stale or replayed request gets 401 before Rasa reads it. The webhook is
`POST /webhooks/gateway/webhook`, with the REST channel's body and answer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_gateway.signing import SigningError, Verifier

log = logging.getLogger(__name__)


class GatewayInput(RestInput):
    """REST, for the gateway only. Credentials: `secret`, the shared secret(s), comma-separated
    during a rotation (credentials.yml reads it from GATEWAY_RASA_SECRET)."""

    def __init__(self, verifier: Verifier) -> None:
        self.verifier = verifier

    @classmethod
    def name(cls) -> str:
        return "gateway"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        try:
            verifier = Verifier.from_setting(str((credentials or {}).get("secret") or ""))
        except SigningError as error:
            raise ValueError(f"the gateway channel cannot start: {error}") from None
        return cls(verifier)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook: Blueprint = super().blueprint(on_new_message)

        @webhook.on_request
        async def signed_by_gateway(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None  # the channel's health check
            try:
                self.verifier.verify(request.headers, request.body or b"")
            except SigningError as error:
                log.warning("refused a turn not from the gateway: %s", error)
                return response.json(
                    {"code": "UNAUTHENTICATED", "message": "Only the gateway may send turns."},
                    status=401,
                )
            return None

        return webhook
