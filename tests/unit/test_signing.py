"""Signing the gateway's turns to Rasa (rasa_gateway/signing.py): what is accepted and what not,
without Rasa (tests/actions/test_gateway_channel.py checks the real channel)."""

from __future__ import annotations

import pytest

from rasa_gateway.signing import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SeenNonces,
    SigningError,
    Verifier,
    parse_secrets,
    sign,
)

NEW, OLD = "n" * 40, "o" * 40
BODY = b'{"sender": "web:abc", "message": "my orders"}'
NOW = 1_800_000_000.0


def verifier(setting: str) -> Verifier:
    checker = Verifier.from_setting(setting)
    checker.clock = lambda: NOW
    return checker


def test_a_signed_body_is_taken_once() -> None:
    checker = verifier(NEW)
    headers = sign(NEW, BODY, now=NOW)
    checker.verify(headers, BODY)
    with pytest.raises(SigningError, match="replay"):
        checker.verify(headers, BODY)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda h, b: (h, b.replace(b"abc", b"xyz")), "does not match"),  # another sender
        (lambda h, b: ({**h, SIGNATURE_HEADER: "v2=" + "0" * 64}, b), "scheme"),
        (lambda h, b: ({**h, NONCE_HEADER: "n" * 65}, b), "nonce"),
        (lambda h, b: ({k: v for k, v in h.items() if k != SIGNATURE_HEADER}, b), "not signed"),
    ],
)
def test_anything_changed_is_refused(change: object, why: str) -> None:
    headers, body = change(sign(NEW, BODY, now=NOW), BODY)  # type: ignore[operator]
    with pytest.raises(SigningError, match=why):
        verifier(NEW).verify(headers, body)


def test_old_and_future_timestamps_are_refused() -> None:
    for moment in (NOW - 61, NOW + 61):
        with pytest.raises(SigningError, match="timestamp"):
            verifier(NEW).verify(sign(NEW, BODY, now=moment), BODY)
    verifier(NEW).verify(sign(NEW, BODY, now=NOW - 59), BODY)


def test_a_rotation_accepts_both_secrets_and_the_first_signs() -> None:
    rasa = verifier(f"{NEW},{OLD}")
    rasa.verify(sign(OLD, BODY, now=NOW), BODY)  # a gateway not yet given the new one
    rasa.verify(sign(NEW, BODY, now=NOW), BODY)
    assert parse_secrets(f" {NEW} , {OLD} ") == [NEW, OLD]
    with pytest.raises(SigningError, match="does not match"):
        verifier(NEW).verify(sign(OLD, BODY, now=NOW), BODY)  # after the rotation


def test_a_missing_or_short_secret_stops_the_start() -> None:
    with pytest.raises(SigningError, match="no gateway secret"):
        parse_secrets(" , ")
    with pytest.raises(SigningError, match="shorter than 32"):
        parse_secrets(f"{NEW},short")
    with pytest.raises(SigningError, match="placeholder"):  # deploy/.env.example's, kept
        parse_secrets("change-me-gateway-rasa-secret-at-least-32-chars")


def test_malformed_headers_are_refused_not_crashed_on() -> None:
    checker = verifier(NEW)
    headers = sign(NEW, BODY, now=NOW)
    for broken in (
        {**headers, TIMESTAMP_HEADER: "²" * 10},  # a digit to str.isdigit, not to int()
        {**headers, SIGNATURE_HEADER: "v1=ü" * 20},  # not ASCII
    ):
        with pytest.raises(SigningError):
            checker.verify(broken, BODY)


def test_nonces_are_forgotten_only_after_their_window() -> None:
    now = [0.0]
    seen = SeenNonces(keep_seconds=125, clock=lambda: now[0])
    assert seen.first_time("a")
    now[0] = 124.0
    assert not seen.first_time("a")
    now[0] = 126.0
    assert seen.first_time("a")  # its timestamp could no longer be accepted anyway
