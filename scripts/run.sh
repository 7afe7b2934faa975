#!/usr/bin/env bash
# The product on its embedded default, in one command (README): installs both environments,
# migrates and seeds the ERP (SQLite in var/erp.db unless ERP_DATABASE_URL says otherwise),
# trains the model if config/domain/data changed, starts the ERP, the action server, Rasa and
# the gateway, waits until all four answer, prints the web chat address, and stops all four
# on Ctrl-C. Rasa and the action server listen on loopback only; the gateway is the way in.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
UV=(bash scripts/uv.sh)
ERP_CLI=(.venv/bin/erp-backend)
export ERP_DATABASE_URL="${ERP_DATABASE_URL:-sqlite:///var/erp.db}"
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
ERP_PORT="${ERP_PORT:-8000}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
export GATEWAY_HOST="${GATEWAY_HOST:-127.0.0.1}"
export ERP_URL="http://127.0.0.1:${ERP_PORT}"
export RASA_URL="http://127.0.0.1:${RASA_PORT}"
# shellcheck source=scripts/secrets.sh
source scripts/secrets.sh
private_folder var
LOGS=var/logs
mkdir -p "$LOGS"

for port in "$ERP_PORT" "$ACTIONS_PORT" "$RASA_PORT" "$GATEWAY_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "Port $port is already in use (another 'make run'?). Stop that first, or set" \
            "ERP_PORT / ACTIONS_PORT / RASA_PORT / GATEWAY_PORT." >&2
        exit 1
    fi
done

echo "==> ERP database: migrate and demo data ($ERP_DATABASE_URL)"
"${ERP_CLI[@]}" migrate
SEEDED="$("${ERP_CLI[@]}" seed --demo)"
echo "$SEEDED"
# a new database knows none of the keys kept from an old one: make them again
case "$SEEDED" in seeded*) rm -f var/demo-manager.key var/service.key var/gateway.key ;; esac
secret_file var/demo-manager.key "${ERP_CLI[@]}" create-key --role manager --name demo-manager
secret_file var/service.key "${ERP_CLI[@]}" create-key --role service --name rasa-actions
# the gateway's own key: its notifier reads the event feed (proactive messages)
secret_file var/gateway.key "${ERP_CLI[@]}" create-key --role service --name chat-gateway
# the web session secret survives restarts, so a linked browser stays linked
secret_file var/gateway.secret new_secret
# the gateway signs every turn it sends to Rasa with this; Rasa takes no other (credentials.yml)
secret_file var/rasa.secret new_secret
# Rasa sends it with every action call; the action server answers nothing else (endpoints.yml)
secret_file var/actions.token new_secret
# keys the hash that stands for a chat in the gateway's and the action server's log lines
secret_file var/log-hash.key new_secret
# each process is given the secrets it uses, no other (below)
LOG_HASH_KEY="$(cat var/log-hash.key)"
ACTION_SERVER_TOKEN="$(cat var/actions.token)"
GATEWAY_RASA_SECRET="$(cat var/rasa.secret)"

echo "==> model (trained only when config, domain or data changed)"
MODEL="$(.venv-rasa/bin/python scripts/train.py)"

# shellcheck source=scripts/processes.sh
source scripts/processes.sh

echo "==> starting"
start erp "${ERP_CLI[@]}" serve --port "$ERP_PORT"
SANIC_HOST=127.0.0.1 ACTION_SERVER_TOKEN="$ACTION_SERVER_TOKEN" LOG_HASH_KEY="$LOG_HASH_KEY" \
    start action-server \
    .venv-rasa/bin/python -m rasa_gateway.action_server --port "$ACTIONS_PORT" --actions actions
ACTION_SERVER_TOKEN="$ACTION_SERVER_TOKEN" GATEWAY_RASA_SECRET="$GATEWAY_RASA_SECRET" \
    start rasa .venv-rasa/bin/rasa run --model "$MODEL" \
    --interface 127.0.0.1 --port "$RASA_PORT" --endpoints endpoints.yml \
    --credentials credentials.yml
ERP_SERVICE_KEY="$(cat var/gateway.key)" GATEWAY_SECRET="$(cat var/gateway.secret)" \
    GATEWAY_RASA_SECRET="$GATEWAY_RASA_SECRET" LOG_HASH_KEY="$LOG_HASH_KEY" \
    start gateway .venv/bin/python -m bot

wait_for erp "$ERP_URL/api/v1/health" 0
wait_for action-server "http://127.0.0.1:${ACTIONS_PORT}/health" 1
wait_for rasa "$RASA_URL/" 2
wait_for gateway "http://127.0.0.1:${GATEWAY_PORT}/health" 3

CUSTOMER="${DEMO_CUSTOMER:-CUST-0004}"
CODE="$(curl -sf -X POST "$ERP_URL/api/v1/identity/link-codes" \
    -H "Authorization: Bearer $(cat var/demo-manager.key)" -H 'Content-Type: application/json' \
    -d "{\"customer_code\": \"$CUSTOMER\"}" \
    | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["code"])')"
TELEGRAM="off (set TELEGRAM_BOT_TOKEN to connect a bot)"
[ -n "${TELEGRAM_BOT_TOKEN:-}" ] && TELEGRAM="on (${TELEGRAM_WEBHOOK_URL:-long polling})"
cat <<MSG

  Web chat   http://${GATEWAY_HOST}:${GATEWAY_PORT}/
  Telegram   ${TELEGRAM}
  ERP API    ${ERP_URL}/docs   (demo manager key in var/demo-manager.key)
  Logs       ${LOGS}/

  In the chat, type "link ${CODE}" to act as demo customer ${CUSTOMER} (one-time code, valid
  for an hour), then try "where is my order?", "I'd like 40 BOLT-M8 by Friday", "my invoices".
  Ctrl-C stops everything.

MSG
wait -n "${PIDS[@]}" || true
echo "A process stopped on its own; see ${LOGS}/." >&2
exit 1
