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
