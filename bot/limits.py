"""Limits on how fast one client may start chats and send messages.

Link codes are six digits and the ERP locks a chat out after a few wrong ones, but a browser
can mint a new chat identity with every cookie-less request; so the gateway limits new web
sessions per client address, and messages per chat. In-process (per gateway process): with
several gateway replicas behind a balancer, the same limits belong in a shared store (Redis,
issue 7). Behind a reverse proxy, run uvicorn with --proxy-headers so the client address is
the user's, not the proxy's.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` events per `seconds` for each key."""

    def __init__(
        self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._last_sweep = clock()

    def try_acquire(self, key: str) -> float | None:
        """Count one event for `key`; None if allowed, else the seconds until one would be."""
        now = self.clock()
        self._sweep(now)
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.seconds:
            events.popleft()
        if len(events) >= self.limit:
            return max(events[0] + self.seconds - now, 0.0)
        events.append(now)
        return None

    def _sweep(self, now: float) -> None:
        """Forget keys with no recent events, so memory follows the active clients."""
        if now - self._last_sweep < self.seconds:
            return
        self._last_sweep = now
        stale = [
            key
            for key, events in self._events.items()
            if not events or events[-1] <= now - self.seconds
        ]
        for key in stale:
            del self._events[key]
