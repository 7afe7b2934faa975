#!/usr/bin/env bash
# The whole test suite: lint, types, then every test on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
UV=(bash scripts/uv.sh)

# The tests create their own database on the PostgreSQL server of this machine.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
        echo "==> starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
    fi
fi

echo "==> ruff"
"${UV[@]}" run --frozen ruff check .
"${UV[@]}" run --frozen ruff format --check .
echo "==> mypy"
"${UV[@]}" run --frozen mypy
echo "==> pytest"
set +e
"${UV[@]}" run --frozen pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
fi
exit "$status"
