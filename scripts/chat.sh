#!/usr/bin/env bash
# Talk to the assistant in this terminal (the web chat and Telegram go through the gateway):
# needs the ERP that `make run` serves (another terminal). Trains the model if it is stale,
# starts the action server on loopback, links this conversation to a demo customer, and
# opens `rasa shell`. Ctrl-D (or /stop) ends it and stops the action server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
export ERP_DATABASE_URL="${ERP_DATABASE_URL:-sqlite:///var/erp.db}"
export ERP_URL="${ERP_URL:-http://127.0.0.1:8000}"
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 SANIC_HOST=127.0.0.1
CUSTOMER="${CUSTOMER:-CUST-0004}"

if ! curl -sf "$ERP_URL/api/v1/health" >/dev/null; then
    echo "The ERP does not answer at $ERP_URL: start it with 'make run' first." >&2
    exit 1
fi
# shellcheck source=scripts/secrets.sh
source scripts/secrets.sh
private_folder var
secret_file var/service.key .venv/bin/erp-backend create-key --role service --name rasa-actions
# credentials.yml names the gateway's channel; rasa shell reads the file before it picks its own
secret_file var/rasa.secret new_secret
export GATEWAY_RASA_SECRET="$(cat var/rasa.secret)"
secret_file var/actions.token new_secret
export ACTION_SERVER_TOKEN="$(cat var/actions.token)"
MODEL="$(.venv-rasa/bin/python scripts/train.py)"

# `make run` already serves an action server on 5055; otherwise start one for this session
if ! curl -sf http://127.0.0.1:5055/health >/dev/null; then
    .venv-rasa/bin/python -m rasa_gateway.action_server --port 5055 --actions actions \
        > var/actions.log 2>&1 &
    ACTIONS=$!
    trap 'kill $ACTIONS 2>/dev/null || true' EXIT
    until curl -sf http://127.0.0.1:5055/health >/dev/null; do
        kill -0 "$ACTIONS" || { echo "the action server did not start; see var/actions.log" >&2; exit 1; }
        sleep 1
    done
fi

CODE="$(curl -sf -X POST "$ERP_URL/api/v1/identity/link-codes" \
    -H "Authorization: Bearer $(cat var/demo-manager.key)" -H 'Content-Type: application/json' \
    -d "{\"customer_code\": \"$CUSTOMER\"}" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["code"])')"
cat <<MSG

  Type "link $CODE" to act as customer $CUSTOMER (a one-time code, valid for an hour),
  then try "where is my order?", "I'd like 40 BOLT-M8 by Friday", "my invoices".
  Buttons show as a numbered menu.

MSG
# rasa shell serves its own unsigned channel while it runs: on loopback only, and on a port of
# its own so it never stands in for `make run`'s Rasa (docs/security.md)
.venv-rasa/bin/rasa shell --model "$MODEL" --endpoints endpoints.yml \
    --interface 127.0.0.1 --port "${SHELL_PORT:-5006}" --conversation-id "shell:$(date +%s)"
