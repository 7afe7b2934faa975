#!/usr/bin/env bash
# Install what the project needs from its lock files: uv (from the package index) and .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v uv >/dev/null 2>&1; then
    UV=(uv)
else
    if ! python3 -m uv --version >/dev/null 2>&1; then
        echo "==> installing uv from the package index"
        python3 -m pip install --quiet "uv==0.13.9"
    fi
    UV=(python3 -m uv)
fi
echo "==> main environment (.venv) from uv.lock"
"${UV[@]}" sync --frozen --quiet

# The Rasa environment: Rasa 3.6 pins libraries the main environment cannot share (see
# docs/rasa.md). Installed exactly as locked, and again only when the lock changes.
lock_hash=$(sha256sum requirements/rasa.lock | cut -d' ' -f1)
if [ "$(cat .venv-rasa/.lock-sha256 2>/dev/null)" != "$lock_hash" ]; then
    echo "==> Rasa environment (.venv-rasa) from requirements/rasa.lock"
    rm -rf .venv-rasa
    "${UV[@]}" venv --quiet --python python3.11 .venv-rasa
    "${UV[@]}" pip sync --quiet --python .venv-rasa/bin/python requirements/rasa.lock
    echo "$lock_hash" > .venv-rasa/.lock-sha256
fi
