#!/usr/bin/env bash
# Send throughput: hooky send --count N --concurrency 64 against a minimal local sink, next to
# wrk's own rate against the same sink (the ceiling), in the same run. Loopback only.
# Usage: bench/send.sh [COUNT]   (default 20000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
COUNT=${1:-20000}
need
build_all

start_and_wait "$RESULTS/sink.log" "$REFERENCE" sink 0
wrk_get "$URL" sink
SINK_RPS=$RPS

SUMMARY=$("$HOOKY" --json send order.completed --to "$URL/hooks" --secret "$SECRET" \
  --count "$COUNT" --concurrency 64 | tail -1)
SEND_RPS=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["requests_per_sec"])' "$SUMMARY")
SEND_OK=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["succeeded"])' "$SUMMARY")
stop "$SERVER_PID"

printf '%-40s %12s\n' "sender" "requests/s"
printf '%-40s %12s\n' "wrk against the sink (ceiling)" "$SINK_RPS"
printf '%-40s %12s\n' "hooky send --count $COUNT -c 64" "$SEND_RPS"
echo
echo "hooky send / ceiling: $(ratio "$SEND_RPS" "$SINK_RPS")   (target >= 0.50); $SEND_OK of $COUNT answered 2xx"
