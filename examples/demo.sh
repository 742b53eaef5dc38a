#!/usr/bin/env bash
# The README's demo: a project on the shipped sample data, with no network.
# Usage: bash examples/demo.sh [FOLDER]   (default: a new temporary folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="${1:-$(mktemp -d)/demo-project}"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step dango init "$project"
cd "$project"
step dango source add csv --name orders --set "file_path=$here/data/orders.csv" --no-input
# The key is a reference: the value lives in the environment (or .env), never in the file.
step dango source add stripe --name stripe_payments --ref stripe_secret_key=STRIPE_API_KEY --no-input
export STRIPE_API_KEY="sk_test_demo_not_a_real_key"
step dango source list
step dango config show
step dango validate
printf '\nDone: the project is in %s\n' "$project"
