"""A strict reader of the Prometheus text exposition format (0.0.4), for the tests that
scrape `/metrics`: every sample line must parse and belong to a declared metric."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

_SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')
_SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "counter": ("",), "gauge": ("",)}

Labels = frozenset[tuple[str, str]]
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class Scrape:
    types: dict[str, str] = field(default_factory=dict)
    samples: dict[tuple[str, Labels], float] = field(default_factory=dict)

    def value(self, name: str, **labels: str) -> float:
        """The sample's value; 0 when the series does not exist yet."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)

    def series(self, name: str) -> list[dict[str, str]]:
        return [dict(labels) for sample, labels in self.samples if sample == name]


def parse(text: str) -> Scrape:
    scrape = Scrape()
    helped: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# HELP "):
            helped.add(line.split(" ", 3)[2])
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in _SUFFIXES, line
            scrape.types[name] = kind
            continue
        assert line, "an empty line"
        assert not line.startswith("#"), f"unexpected comment {line!r}"
        match = _SAMPLE.fullmatch(line)
        assert match, f"not a sample: {line!r}"
        name, _, label_text, value = match.groups()
        labels: list[tuple[str, str]] = []
        rest = label_text or ""
        while rest:
            found = _LABEL.match(rest)
            assert found, f"bad labels in {line!r}"
            labels.append((found.group(1), found.group(2)))
            rest = rest[found.end() :]
        family = next(
            (
                base
                for base, kind in scrape.types.items()
                if any(name == base + suffix for suffix in _SUFFIXES[kind])
            ),
            None,
        )
        assert family is not None, f"{name} has no # TYPE"
        assert family in helped, f"{name} has no # HELP"
        number = math.inf if value == "+Inf" else float(value)
        scrape.samples[(name, frozenset(labels))] = number
    return scrape


def check_histograms(scrape: Scrape) -> None:
    """Buckets are cumulative, end at +Inf, and +Inf equals _count."""
    for name, kind in scrape.types.items():
        if kind != "histogram":
            continue
        for labels in scrape.series(f"{name}_count"):
            bounds = sorted(
                (
                    (math.inf if b["le"] == "+Inf" else float(b["le"])),
                    scrape.value(f"{name}_bucket", **b),
                )
                for b in scrape.series(f"{name}_bucket")
                if {k: v for k, v in b.items() if k != "le"} == labels
            )
            counts = [count for _, count in bounds]
            assert counts == sorted(counts), name
            assert bounds[-1][0] == math.inf
            assert counts[-1] == scrape.value(f"{name}_count", **labels)


class Answer(Protocol):
    """An HTTP response: httpx's, or the one Starlette's TestClient returns."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...


def read(response: Answer) -> Scrape:
    """A `/metrics` answer (the ERP's through its TestClient, the gateway's over HTTP): 200,
    the exposition format's content type, every line valid, every histogram consistent."""
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE
    found = parse(response.text)
    check_histograms(found)
    return found
