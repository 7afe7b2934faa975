#!/usr/bin/env bash
# The compose check (docs/deployment.md "The compose check"): the whole docker-compose.yml, for
# real, on this machine's Docker engine, then torn down.
#
#   bash deploy/check.sh                 # official base images (a registry is reachable)
#   bash deploy/check.sh --local-bases   # stand-ins built from Debian's packages first
#                                        # (deploy/bases/build.sh; no image registry needed)
#
# Builds the three images, starts every service under the project name `sao-check` with fresh
# random secrets (nothing of deploy/.env is read or written), waits for every health check,
# holds a conversation through the gateway's published port (deploy/check_chat.py: link a
# customer, an order's status, an order placed with rasa-1 restarted in the middle of the form
# and checked in the ERP, a replica killed hard in the middle of a turn, the time until the
# chat answers again), prints the images' sizes and each container's memory, and ends with
# `down -v`, checking that no volume is left behind. Exits non-zero when a step fails.
#
# Needs: a Docker engine; `docker compose` (v2) or the Compose binary of the `compose`
# dependency group (installed here when missing); BuildKit in `docker build` (Docker's own CLI
# has it; with a CLI that lacks buildx, point DOCKER at one that has it, e.g. Debian's
# /usr/bin/docker). Not part of `make test`: CI machines have no Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCKER="${DOCKER:-docker}"
export DOCKER
PROJECT="${CHECK_PROJECT:-sao-check}"
PORT="${CHECK_PORT:-18080}"
LIMIT_ACTIONS_MB=500

if [ "${1:-}" = "--local-bases" ]; then
    bash deploy/bases/build.sh
    export PYTHON_IMAGE=sales-order-assistant/base-python:3.11-bookworm
    export POSTGRES_IMAGE=sales-order-assistant/base-postgres:15-bookworm
    export REDIS_IMAGE=sales-order-assistant/base-redis:7-bookworm
fi
PYTHON_IMAGE="${PYTHON_IMAGE:-python:3.11.11-slim-bookworm}"

if "$DOCKER" compose version >/dev/null 2>&1; then
    compose_bin=("$DOCKER" compose)
else
    bash scripts/uv.sh sync --frozen --quiet --group compose
    compose_bin=(.venv/bin/docker-compose)
fi
work="$(mktemp -d)"
env_file="$work/check.env"
compose=("${compose_bin[@]}" -p "$PROJECT" --env-file "$env_file" -f docker-compose.yml)

secret() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }
cat > "$env_file" <<EOF
POSTGRES_PASSWORD=$(secret)
ERP_DB_PASSWORD=$(secret)
RASA_DB_PASSWORD=$(secret)
GATEWAY_DB_PASSWORD=$(secret)
REDIS_PASSWORD=$(secret)
GATEWAY_SECRET=$(secret)
GATEWAY_RASA_SECRET=$(secret)
ACTION_SERVER_SECRET=$(secret)
LOG_HASH_KEY=$(secret)
GATEWAY_PUBLISH=127.0.0.1:$PORT
GATEWAY_SECURE_COOKIES=false
EOF

step() { printf '\n== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
teardown() {
    if [ "${CHECK_KEEP:-}" != 1 ]; then
        "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap teardown EXIT

volumes_before="$("$DOCKER" volume ls -q | sort)"

step "build (base image $PYTHON_IMAGE)"
build() {  # tag, dockerfile, target
    local started=$SECONDS
    DOCKER_BUILDKIT=1 "$DOCKER" build --quiet --build-arg "PYTHON_IMAGE=$PYTHON_IMAGE" \
        -f "$2" ${3:+--target "$3"} -t "$1" . >/dev/null
    printf '   %-40s built in %3d s\n' "$1" $((SECONDS - started))
}
build sales-order-assistant/erp:local deploy/erp.Dockerfile
build sales-order-assistant/actions:local deploy/rasa.Dockerfile actions
build sales-order-assistant/rasa:local deploy/rasa.Dockerfile rasa

step "image sizes"
for image in erp actions rasa; do
    bytes=$("$DOCKER" image inspect -f '{{.Size}}' "sales-order-assistant/$image:local")
    printf '   %-40s %5d MB\n' "sales-order-assistant/$image:local" $((bytes / 1000000))
    if [ "$image" = actions ] && [ $((bytes / 1000000)) -ge $LIMIT_ACTIONS_MB ]; then
        echo "FAILED: the actions image is over $LIMIT_ACTIONS_MB MB"; exit 1
    fi
done

wait_healthy() {  # seconds, services...
    local limit=$1 started=$SECONDS; shift
    while :; do
        local waiting=()
        for service in "$@"; do
            local cids cid state
            cids="$("${compose[@]}" ps -a -q "$service")"
            [ -n "$cids" ] || { waiting+=("$service:absent"); continue; }
            for cid in $cids; do  # every replica of the service
                state="$("$DOCKER" inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}/{{.State.ExitCode}}' "$cid" 2>/dev/null || echo gone)"
                case "$state" in
                    running/healthy/*|exited/none/0) ;;
                    *) waiting+=("$service:$state") ;;
                esac
            done
        done
        [ ${#waiting[@]} -eq 0 ] && { printf '   healthy: %s\n' "$*"; return; }
        if [ $((SECONDS - started)) -ge "$limit" ]; then
            echo "FAILED: not healthy within $limit s: ${waiting[*]}"
            "${compose[@]}" ps -a; exit 1
        fi
        sleep 3
    done
}

step "the database and the ERP first: migrate, demo data, keys"
"${compose[@]}" up -d --no-build erp 2>&1 | sed 's/^/   /' | tail -3
wait_healthy 240 postgres erp-migrate erp
"${compose[@]}" run --rm --no-deps -T erp erp-backend seed --demo 2>/dev/null | sed 's/^/   /'
key() { "${compose[@]}" run --rm --no-deps -T erp erp-backend create-key --role "$1" --name "$2" 2>/dev/null | tail -1; }
{
    echo "ACTIONS_ERP_KEY=$(key service rasa-actions)"
    echo "GATEWAY_ERP_KEY=$(key service chat-gateway)"
} >> "$env_file"
CHECK_MANAGER_KEY="$(key manager compose-check)"
export CHECK_MANAGER_KEY
echo "   keys made: rasa-actions, chat-gateway (service), compose-check (manager)"

step "everything"
started=$SECONDS
"${compose[@]}" up -d --no-build 2>&1 | sed 's/^/   /' | tail -3
services=$("${compose[@]}" config --services | tr '\n' ' ')
# shellcheck disable=SC2086
wait_healthy 600 $services
printf '   up -d to all healthy: %d s (rasa-2 starts once rasa-1 is healthy)\n' $((SECONDS - started))
"${compose[@]}" ps -a --format 'table {{.Service}}\t{{.Status}}' | sed 's/^/   /'

step "the backend network has no way out"
if "${compose[@]}" exec -T erp python -c "import socket; socket.create_connection(('pypi.org', 443), timeout=5)" >/dev/null 2>&1; then
    echo "FAILED: the erp container reached pypi.org"; exit 1
fi
echo "   erp cannot reach pypi.org (backend is internal)"

step "memory per container, before the conversation"
"$DOCKER" stats --no-stream --format '{{.Name}}\t{{.MemUsage}}' \
    $("${compose[@]}" ps -q) | sed 's/^/   /'

step "the conversation, through http://127.0.0.1:$PORT"
python3 deploy/check_chat.py "http://127.0.0.1:$PORT" -- "${compose[@]}"

step "memory per container, after"
"$DOCKER" stats --no-stream --format '{{.Name}}\t{{.MemUsage}}' \
    $("${compose[@]}" ps -q) | sed 's/^/   /'

step "down -v"
"${compose[@]}" down -v --remove-orphans 2>&1 | tail -1 | sed 's/^/   /'
left="$(comm -13 <(echo "$volumes_before") <("$DOCKER" volume ls -q | sort))"
if [ -n "$left" ]; then
    echo "FAILED: volumes left behind: $left"; exit 1
fi
echo "   no volume left behind"
echo
echo "compose check passed"
