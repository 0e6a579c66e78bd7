#!/usr/bin/env bash
# make demo: run msgprof's main job against the local sandbox, then stop the sandbox whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
msgprof=".venv/bin/msgprof"
log=$(mktemp)
"$msgprof" sandbox --port 0 >"$log" 2>/dev/null &
sandbox_pid=$!
cleanup() { kill -TERM "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT

for _ in $(seq 100); do grep -q '^export TELNYX_BASE_URL=' "$log" && break; sleep 0.1; done
grep -q '^export TELNYX_BASE_URL=' "$log" || { echo "demo: the sandbox did not start" >&2; exit 1; }
eval "$(cat "$log")"   # the sandbox printed: export TELNYX_BASE_URL=... and export TELNYX_API_KEY=...
echo "# sandbox running at $TELNYX_BASE_URL"

show() { echo; echo "\$ $*"; "$@"; }
show "$msgprof" create -f sample-configs/valid/full.yaml
show "$msgprof" create --name "Support" --whitelist US --whitelist CA
show "$msgprof" list
show "$msgprof" numbers assign Support +12025550100 +12025550101
show "$msgprof" numbers list Support
echo
echo "# stopping the sandbox"
