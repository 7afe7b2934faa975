"""What a product named in words means, from the ERP's ranked search (docs/search.md).

The ERP ranks products for the words ("m8 bolts") and says of each whether it matches the
whole query (`match: full`) and how well (`relevance`). A good order desk then:
- takes the one product that fits clearly (the best full match, ahead of the next);
- asks which, when several fit equally ("zip ties": 200 or 300 mm);
- says we do not carry it when nothing fits the whole query, and offers the closest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The best full match is taken when it leads the next full match by at least this much.
CLEAR_LEAD = 0.01
MOST_CHOICES = 4


@dataclass(frozen=True)
class Choice:
    product: dict[str, Any] | None  # the product meant, when clear
    close: list[dict[str, Any]] = field(default_factory=list)  # to choose from, or suggest
    carried: bool = True  # False: nothing we sell fits the whole query


def choose(found: list[dict[str, Any]], typed: str) -> Choice:
    """The product `typed` means among the ERP's ranked `found`, or what to offer instead."""
    active = [p for p in found if p.get("active", True)]
    exact = [p for p in active if typed.strip().upper() == p["sku"]]
    if exact:
        return Choice(exact[0])
    full = [p for p in active if p.get("match", "full") == "full"]
    if not full:
        return Choice(None, active[:3], carried=False)
    best = full[0]
    others = full[1:]
    if not others or (best.get("relevance") or 0) - (others[0].get("relevance") or 0) >= CLEAR_LEAD:
        return Choice(best)
    tied = [p for p in full if (best.get("relevance") or 0) - (p.get("relevance") or 0) < 0.05]
    return Choice(None, tied[:MOST_CHOICES])
