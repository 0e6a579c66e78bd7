#!/usr/bin/env bash
# make demo: run msgprof's main job against the local sandbox.  `msgprof sandbox -- COMMAND` starts
# the sandbox, runs this script again inside it with TELNYX_BASE_URL and TELNYX_API_KEY pointing at
# it (whatever the caller's environment holds), and stops it whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
msgprof=".venv/bin/msgprof"
if [ "${1:-}" != "--inside-sandbox" ]; then
  exec "$msgprof" sandbox --port 0 -- bash "$0" --inside-sandbox
fi
case "${TELNYX_BASE_URL:-}" in  # fail closed: never the real API
  http://127.0.0.1:*) ;;
  *) echo "demo: not inside a sandbox (TELNYX_BASE_URL=${TELNYX_BASE_URL:-unset})" >&2; exit 2 ;;
esac
echo "# sandbox running at $TELNYX_BASE_URL"

show() { echo; echo "\$ $*"; "$@"; }
show "$msgprof" create -f sample-configs/valid/full.yaml
show "$msgprof" create --name "Support" --whitelist US --whitelist CA
show "$msgprof" list
show "$msgprof" numbers assign Support +12025550100 +12025550101
show "$msgprof" numbers list Support
echo
echo "# stopping the sandbox"
