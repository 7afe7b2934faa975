"""Signing a turn the gateway sends to Rasa, and checking it on Rasa's side.

The signature is an HMAC-SHA256 over the timestamp, a random nonce and the exact request body
(which holds the sender and the message), so a changed sender, message or body, an old request
or one sent twice is refused. During a rotation several secrets are accepted (the first one
signs): give Rasa "new,old", then the gateway "new", then Rasa "new" (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

TIMESTAMP_HEADER = "X-Gateway-Timestamp"
NONCE_HEADER = "X-Gateway-Nonce"
SIGNATURE_HEADER = "X-Gateway-Signature"
SCHEME = "v1"
# A turn is signed just before it is sent: clocks of one deployment agree within seconds.
MAX_AGE_SECONDS = 60.0
MIN_SECRET_LENGTH = 32
# deploy/.env.example's values start with it: a deployment that kept one has no secret
PLACEHOLDER = "change-me"


class SigningError(ValueError):
    """Why a request was refused (said to the caller as a plain 401, and logged)."""


def parse_secrets(value: str) -> list[str]:
    """The secrets of a setting: comma-separated, the first one signs. Each must be long
    enough to resist guessing (at least 32 characters, e.g. `secrets.token_urlsafe(32)`)."""
    listed = [part.strip() for part in value.split(",") if part.strip()]
    if not listed:
        raise SigningError("no gateway secret is set (GATEWAY_RASA_SECRET)")
    for number, secret in enumerate(listed, start=1):
        if len(secret) < MIN_SECRET_LENGTH:
            raise SigningError(
                f"gateway secret number {number} is shorter than {MIN_SECRET_LENGTH} characters"
            )
        if secret.startswith(PLACEHOLDER):
            raise SigningError(
                f"gateway secret number {number} is the example's placeholder: set a secret"
            )
    return listed


def _mac(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    message = f"{timestamp}.{nonce}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The headers that make `body` a turn from the gateway."""
    timestamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    return {
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: f"{SCHEME}={_mac(secret, timestamp, nonce, body)}",
    }


class SeenNonces:
    """Nonces already taken, remembered as long as their timestamp could still be accepted.
    In the process: with several Rasa servers behind the gateway, a copied request could
    reach another server once within the window (docs/security.md says what that takes)."""

    def __init__(self, keep_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._keep = keep_seconds
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, nonce: str) -> bool:
        now = self._clock()
        with self._lock:
            while self._seen:
                oldest, at = next(iter(self._seen.items()))
                if at > now - self._keep:
                    break
                del self._seen[oldest]
            if nonce in self._seen:
                return False
            self._seen[nonce] = now
            return True


@dataclass
class Verifier:
    """Checks a request's signature headers against the body as received."""

    secrets: Sequence[str]
    seen: SeenNonces
    max_age: float = MAX_AGE_SECONDS
    clock: Callable[[], float] = time.time

    @classmethod
    def from_setting(cls, value: str) -> Verifier:
        return cls(parse_secrets(value), SeenNonces(2 * MAX_AGE_SECONDS + 5))

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Raise SigningError unless the headers sign this body, recently, for the first time."""
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        nonce = headers.get(NONCE_HEADER, "")
        given = headers.get(SIGNATURE_HEADER, "")
        if not (timestamp and nonce and given):
            raise SigningError("the request is not signed")
        if not (timestamp.isascii() and timestamp.isdigit()) or (
            abs(self.clock() - int(timestamp)) > self.max_age
        ):
            raise SigningError("the request's timestamp is missing, malformed or too old")
        if len(nonce) > 64:
            raise SigningError("the request's nonce is malformed")
        scheme, _, mac = given.partition("=")
        if scheme != SCHEME:
            raise SigningError("the request's signature scheme is unknown")
        given_mac = mac.encode("utf-8", "replace")  # bytes: any text compares, none raises
        expected = (_mac(secret, timestamp, nonce, body).encode() for secret in self.secrets)
        if not any(hmac.compare_digest(given_mac, candidate) for candidate in expected):
            raise SigningError("the request's signature does not match")
        if not self.seen.first_time(nonce):
            raise SigningError("the request was already taken (a replay)")
