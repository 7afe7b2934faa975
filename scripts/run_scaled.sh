#!/usr/bin/env bash
# The scaled topology without containers (docs/deployment-local.md), against the PostgreSQL and
# Redis servers of this machine: the ERP on PostgreSQL (two worker processes), the action
# server, two Rasa servers sharing a SQL tracker store and a Redis lock store
# (deploy/endpoints.scaled.yml), and the gateway spreading turns across both (RASA_URLS).
# Everything but the gateway listens on loopback. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ERP_CLI=(.venv/bin/erp-backend)
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1

PG_HOST="${PG_HOST:-127.0.0.1}" PG_PORT="${PG_PORT:-5432}" PG_USER="${PG_USER:-postgres}"
PG_PASSWORD="${PG_PASSWORD:-}"
PG_AUTH="${PG_USER}${PG_PASSWORD:+:${PG_PASSWORD}}@${PG_HOST}:${PG_PORT}"
export ERP_DATABASE_URL="${ERP_DATABASE_URL:-postgresql+psycopg://${PG_AUTH}/sales_erp}"
export GATEWAY_DATABASE_URL="${GATEWAY_DATABASE_URL:-postgresql+psycopg://${PG_AUTH}/sales_gateway}"
export ERP_WORKERS="${ERP_WORKERS:-2}"
ERP_PORT="${ERP_PORT:-8000}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA_PORTS=("${RASA_PORT_A:-5005}" "${RASA_PORT_B:-5006}")
export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
export GATEWAY_HOST="${GATEWAY_HOST:-127.0.0.1}"
export ERP_URL="http://127.0.0.1:${ERP_PORT}"
export RASA_URLS="http://127.0.0.1:${RASA_PORTS[0]},http://127.0.0.1:${RASA_PORTS[1]}"
# what deploy/endpoints.scaled.yml reads (Rasa refuses to start if one is unset)
export ACTION_ENDPOINT_URL="http://127.0.0.1:${ACTIONS_PORT}/webhook"
export TRACKER_STORE_HOST="$PG_HOST" TRACKER_STORE_PORT="$PG_PORT"
export TRACKER_STORE_USER="$PG_USER" TRACKER_STORE_PASSWORD="$PG_PASSWORD"
export TRACKER_STORE_DB="${TRACKER_STORE_DB:-rasa_trackers}"
export TRACKER_STORE_LOGIN_DB="${TRACKER_STORE_LOGIN_DB:-postgres}"
export LOCK_STORE_HOST="${LOCK_STORE_HOST:-127.0.0.1}" LOCK_STORE_PORT="${LOCK_STORE_PORT:-6379}"
export LOCK_STORE_DB="${LOCK_STORE_DB:-1}" LOCK_STORE_KEY_PREFIX="${LOCK_STORE_KEY_PREFIX:-salesbot}"
STATE=var/scaled  # keys and secret of this topology's ERP database (make run keeps var/)
LOGS=var/logs/scaled
mkdir -p "$LOGS"
# shellcheck source=scripts/secrets.sh
source scripts/secrets.sh
private_folder var
private_folder "$STATE"

for port in "$ERP_PORT" "$ACTIONS_PORT" "${RASA_PORTS[@]}" "$GATEWAY_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "Port $port is already in use (another 'make run'?). Stop that first, or set" \
            "ERP_PORT / ACTIONS_PORT / RASA_PORT_A / RASA_PORT_B / GATEWAY_PORT." >&2
        exit 1
    fi
done

echo "==> PostgreSQL databases (created when missing)"
.venv/bin/python - "$ERP_DATABASE_URL" "$GATEWAY_DATABASE_URL" <<'PY'
import sys

from sqlalchemy import create_engine, make_url, text

for url in map(make_url, sys.argv[1:]):
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        ).first()
        if not found:
            connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
            print(f"    created {url.database}")
    server.dispose()
PY
echo "==> ERP database: migrate and demo data"
"${ERP_CLI[@]}" migrate
SEEDED="$("${ERP_CLI[@]}" seed --demo)"
echo "$SEEDED"
# a new database knows none of the keys kept from an old one: make them again
case "$SEEDED" in seeded*) rm -f "$STATE"/demo-manager.key "$STATE"/service.key "$STATE"/gateway.key ;; esac
secret_file "$STATE/demo-manager.key" "${ERP_CLI[@]}" create-key --role manager --name demo-manager
secret_file "$STATE/service.key" "${ERP_CLI[@]}" create-key --role service --name rasa-actions
secret_file "$STATE/gateway.key" "${ERP_CLI[@]}" create-key --role service --name chat-gateway
secret_file "$STATE/gateway.secret" new_secret
secret_file "$STATE/rasa.secret" new_secret
secret_file "$STATE/actions.token" new_secret
# keys the hash that stands for a chat in the gateway's and the action server's log lines
secret_file "$STATE/log-hash.key" new_secret
# each process is given the secrets it uses, no other (below)
LOG_HASH_KEY="$(cat "$STATE/log-hash.key")"
ACTION_SERVER_TOKEN="$(cat "$STATE/actions.token")"
GATEWAY_RASA_SECRET="$(cat "$STATE/rasa.secret")"

echo "==> model (trained only when config, domain or data changed)"
MODEL="$(.venv-rasa/bin/python scripts/train.py)"

# shellcheck source=scripts/processes.sh
source scripts/processes.sh

echo "==> starting"
start erp "${ERP_CLI[@]}" serve --port "$ERP_PORT"
ERP_SERVICE_KEY="$(cat "$STATE/service.key")" SANIC_HOST=127.0.0.1 \
    ACTION_SERVER_TOKEN="$ACTION_SERVER_TOKEN" LOG_HASH_KEY="$LOG_HASH_KEY" start action-server \
    .venv-rasa/bin/python -m rasa_gateway.action_server --port "$ACTIONS_PORT" --actions actions
for i in 0 1; do
    ACTION_SERVER_TOKEN="$ACTION_SERVER_TOKEN" GATEWAY_RASA_SECRET="$GATEWAY_RASA_SECRET" \
        start "rasa-$((i + 1))" .venv-rasa/bin/rasa run --model "$MODEL" \
        --interface 127.0.0.1 --port "${RASA_PORTS[$i]}" \
        --endpoints deploy/endpoints.scaled.yml --credentials credentials.yml
done
ERP_SERVICE_KEY="$(cat "$STATE/gateway.key")" GATEWAY_SECRET="$(cat "$STATE/gateway.secret")" \
    GATEWAY_RASA_SECRET="$GATEWAY_RASA_SECRET" LOG_HASH_KEY="$LOG_HASH_KEY" \
    start gateway .venv/bin/python -m bot

wait_for erp "$ERP_URL/api/v1/health" 0
wait_for action-server "http://127.0.0.1:${ACTIONS_PORT}/health" 1
wait_for rasa-1 "http://127.0.0.1:${RASA_PORTS[0]}/" 2
wait_for rasa-2 "http://127.0.0.1:${RASA_PORTS[1]}/" 3
wait_for gateway "http://127.0.0.1:${GATEWAY_PORT}/health" 4

CUSTOMER="${DEMO_CUSTOMER:-CUST-0004}"
CODE="$(curl -sf -X POST "$ERP_URL/api/v1/identity/link-codes" \
    -H "Authorization: Bearer $(cat "$STATE/demo-manager.key")" -H 'Content-Type: application/json' \
    -d "{\"customer_code\": \"$CUSTOMER\"}" \
    | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["code"])')"
cat <<MSG

  Web chat   http://${GATEWAY_HOST}:${GATEWAY_PORT}/   (turns alternate: ${RASA_URLS})
  ERP API    ${ERP_URL}/docs   (${ERP_WORKERS} workers; manager key in ${STATE}/demo-manager.key)
  Trackers   PostgreSQL ${PG_HOST}:${PG_PORT}/${TRACKER_STORE_DB}
  Locks      Redis ${LOCK_STORE_HOST}:${LOCK_STORE_PORT} db ${LOCK_STORE_DB}, keys ${LOCK_STORE_KEY_PREFIX}:lock:*
  Logs       ${LOGS}/

  In the chat, type "link ${CODE}" to act as demo customer ${CUSTOMER}. Stop one Rasa server
  (kill <pid of rasa-1>) mid-conversation: the chat carries on on the other.
  Ctrl-C stops everything.

MSG
# One Rasa server stopping is what this topology is for: keep going while any process of
# the rest runs, and say which one stopped.
while true; do
    wait -n "${PIDS[@]}" || true
    for i in "${!PIDS[@]}"; do
        if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
            echo "pid ${PIDS[$i]} stopped on its own; see ${LOGS}/." >&2
            unset "PIDS[$i]"
        fi
    done
    [ "${#PIDS[@]}" -gt 0 ] || exit 1
done
