#!/usr/bin/env bash
# `uv` if it is on PATH, else the one pip installed as a module.
if command -v uv >/dev/null 2>&1; then exec uv "$@"; else exec python3 -m uv "$@"; fi
