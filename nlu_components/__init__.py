"""The NLU pipeline's own Rasa components (config.yml names them by module path).

Rasa's training cache knows a component by its class name, its config and its inputs, not by
its code; `implementation` puts a hash of this package's source into each component's default
config, so changed code is never served from the cache (scripts/train.py hashes it too).
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def implementation() -> str:
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]
