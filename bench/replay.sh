#!/usr/bin/env bash
# Replay throughput: N captured requests replayed into a minimal local sink at concurrency 64,
# next to hooky send's own rate against the same sink in the same run (the target: the same rate).
# The capture is made here: hooky listen captures N signed events from hooky send --count N.
# Loopback only. Usage: bench/replay.sh [N]   (default 100000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
COUNT=${1:-100000}
need
build_all
export HOOKY_SECRET=$SECRET

# 1. The capture file: N signed order.completed events, captured by hooky listen.
CAPTURE=$RESULTS/replay-captures.jsonl
READY=$RESULTS/replay-listen-ready.json
rm -f "$CAPTURE" "$READY"
"$HOOKY" listen --port 0 --json --capture "$CAPTURE" --ready-file "$READY" >/dev/null 2>"$RESULTS/replay-listen.log" &
LISTEN_PID=$!; PIDS+=($LISTEN_PID)
for _ in $(seq 1 200); do [ -s "$READY" ] && break; sleep 0.05; done
[ -s "$READY" ] || { echo "hooky listen did not start" >&2; cat "$RESULTS/replay-listen.log" >&2; exit 1; }
LISTEN_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$READY")
"$HOOKY" --json send order.completed --to "$LISTEN_URL/hooks" --count "$COUNT" --concurrency "$CONNECTIONS" --no-retry >/dev/null
stop_int "$LISTEN_PID"
CAPTURED=$(wc -l <"$CAPTURE")

# 2. Into the sink: hooky send at the same count, then the replay of every capture.
start_and_wait "$RESULTS/sink.log" "$REFERENCE" sink 0
SINK=$URL
SEND_RPS=$("$HOOKY" --json send order.completed --to "$SINK/hooks" --count "$COUNT" --concurrency "$CONNECTIONS" --no-retry | json_field requests_per_sec)
REPLAY_RPS=$("$HOOKY" --json replay --from "$CAPTURE" --all --to "$SINK" --concurrency "$CONNECTIONS" --retries 0 | json_field requests_per_sec)
stop "$SERVER_PID"

printf '%-52s %12s\n' "sender" "requests/s"
printf '%-52s %12s\n' "hooky send --count $COUNT --concurrency $CONNECTIONS" "$SEND_RPS"
printf '%-52s %12s\n' "hooky replay of $CAPTURED captures --concurrency $CONNECTIONS" "$REPLAY_RPS"
echo
TO_SEND=$(ratio "$REPLAY_RPS" "$SEND_RPS")
echo "hooky replay / hooky send: $TO_SEND   (target: the same rate, >= 0.90)  $(verdict "$TO_SEND" 0.90)"
