#!/usr/bin/env bash
# Stand-ins for the four official base images, built from Debian's packages, for a machine
# that reaches the package registries but no image registry (deploy/check.sh --local-bases,
# docs/deployment.md "Where Docker Hub is not reachable"). Elsewhere the official images are
# used and nothing here runs.
#
#   sales-order-assistant/base-debian:bookworm      debootstrap --variant=minbase bookworm
#   sales-order-assistant/base-python:3.11-bookworm  for python:3.11.11-slim-bookworm
#   sales-order-assistant/base-postgres:15-bookworm  for postgres:15.10-bookworm
#   sales-order-assistant/base-redis:7-bookworm      for redis:7.4.2-bookworm
#
# Debian bookworm's python3.11, postgresql-15 and redis-server (7.0) stand in for the
# official builds; what the product relies on (the Python version, PostgreSQL 15's
# POSTGRES_* variables and /docker-entrypoint-initdb.d, pg_isready, redis-cli, the VOLUMEs)
# is the same. Needs root (debootstrap) and a running Docker engine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DOCKER="${DOCKER:-docker}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
prefix=sales-order-assistant

if ! "$DOCKER" image inspect "$prefix/base-debian:bookworm" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null || { echo "needs debootstrap (apt-get install debootstrap)" >&2; exit 2; }
    rootfs="$(mktemp -d)"
    trap 'rm -rf "$rootfs"' EXIT
    echo "==> debootstrap bookworm (minbase) from $MIRROR"
    debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >/dev/null
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | "$DOCKER" import - "$prefix/base-debian:bookworm" >/dev/null
fi

# The machine's own certificate authorities (a proxy's, where one stands between this machine
# and the package index) go into the Python stand-in, so pip and uv reach PyPI in a build.
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp "$here"/*.Dockerfile "$here"/postgres-entrypoint.sh "$context"/
mkdir "$context/ca"
cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true

for name in python:3.11-bookworm postgres:15-bookworm redis:7-bookworm; do
    kind="${name%%:*}"
    echo "==> $prefix/base-$name"
    DOCKER_BUILDKIT=1 "$DOCKER" build --quiet --build-arg "DEBIAN_IMAGE=$prefix/base-debian:bookworm" \
        -f "$context/$kind.Dockerfile" -t "$prefix/base-$name" "$context" >/dev/null
done
