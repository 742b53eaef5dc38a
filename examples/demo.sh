#!/usr/bin/env bash
# The README's demo: a project on the shipped sample data, loaded into DuckDB, no network.
# Usage: bash examples/demo.sh [FOLDER]   (default: a new temporary folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="${1:-$(mktemp -d)/demo-project}"

if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); else bold=; plain=; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }  # bold only on a terminal

# A local stand-in for a REST API (serves examples/api/), so the demo needs no network.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$here/api" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT

step dango init "$project"
cd "$project"
step dango source add csv --name orders --set "file_path=$here/data/orders.csv" --no-input
# The API key is a reference: its value lives in the environment (or .env), never in the file.
step dango source add rest_api --name crm --set "base_url=http://127.0.0.1:$port" \
    --set resources=customers --set data_selector=data --set paginator=single_page \
    --ref api_key=CRM_API_KEY --no-input
export CRM_API_KEY="demo-key-not-a-real-secret"
step dango config show
step dango validate
step dango sync
step python -c "
import duckdb
con = duckdb.connect('data/warehouse.duckdb', read_only=True)
for table in ('raw_orders.orders', 'raw_crm.customers'):
    print(f'{table:20s} {con.execute(f\"select count(*) from {table}\").fetchone()[0]:6d} rows')
"
printf '\nDone: the project is in %s\n' "$project"
