#!/usr/bin/env bash
# Re-resolve requirements/rasa.lock from requirements/rasa.in (developers only; CI installs
# the committed lock). Resolution is pinned to the registry as of the day after rasa 3.6.21.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/uv.sh pip compile --quiet --python-version 3.11 --exclude-newer 2025-01-15 \
    --override requirements/rasa-overrides.txt \
    requirements/rasa.in -o requirements/rasa.lock
