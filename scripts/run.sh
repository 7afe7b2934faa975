#!/usr/bin/env bash
# Set up and run the product on its embedded default (SQLite in var/erp.db).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
UV=(bash scripts/uv.sh)
export ERP_DATABASE_URL="${ERP_DATABASE_URL:-sqlite:///var/erp.db}"
mkdir -p var

echo "==> migrating $ERP_DATABASE_URL"
"${UV[@]}" run --frozen erp-backend migrate
echo "==> demo data"
"${UV[@]}" run --frozen erp-backend seed --demo
if [ ! -s var/demo-manager.key ]; then
    "${UV[@]}" run --frozen erp-backend create-key --role manager --name demo-manager > var/demo-manager.key
fi

PORT="${ERP_PORT:-8000}"
cat <<MSG

  ERP API     http://127.0.0.1:${PORT}/api/v1/health
  OpenAPI UI  http://127.0.0.1:${PORT}/docs
  Demo manager key (var/demo-manager.key):
    $(cat var/demo-manager.key)
  Try:  curl -H "Authorization: Bearer \$(cat var/demo-manager.key)" http://127.0.0.1:${PORT}/api/v1/orders?limit=3

MSG
exec "${UV[@]}" run --frozen erp-backend serve --port "$PORT"
