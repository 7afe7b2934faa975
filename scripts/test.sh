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

# The replica test shares Rasa's lock store in the Redis server of this machine (db 1).
if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    if command -v redis-server >/dev/null 2>&1; then
        echo "==> starting Redis"
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
    fi
fi

# The browser test drives Debian's Chromium: Playwright's own browser download cannot work
# without internet access, the distribution's package can.
if [ ! -x /usr/bin/chromium ]; then
    echo "==> installing Chromium (Debian package) for the browser test"
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "==> ruff"
"${UV[@]}" run --frozen ruff check .
"${UV[@]}" run --frozen ruff format --check .
echo "==> mypy"
"${UV[@]}" run --frozen mypy
run_pytest() {
    set +e
    "$@"
    local status=$?
    set -e
    if [ "$status" -eq 5 ]; then
        echo "pytest collected no tests: that is a failure" >&2
        exit 1
    fi
    if [ "$status" -ne 0 ]; then
        exit "$status"
    fi
}

echo "==> pytest (main environment: ERP, API, databases)"
run_pytest "${UV[@]}" run --frozen pytest "$@"
echo "==> pytest (Rasa environment: the sentence encoder, actions against a real ERP process)"
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
run_pytest .venv-rasa/bin/python -m pytest -p no:cacheprovider -o addopts="-ra" \
    --confcutdir=tests/actions tests/nlu tests/actions
