#!/usr/bin/env bash
# Replay throughput and memory: N captured requests (default 1,000,000) replayed into a minimal
# local sink at concurrency 64, next to hooky send's rate against the same sink, in interleaved
# rounds (ROUNDS, default 2; the ratio is the median). Replay streams the capture file, so its peak
# RSS must not grow with N: measured at N/10 and N. Result lines go to a file, as a user keeps them.
# The captures are real: hooky listen captures 10,000 signed events from hooky send, and the file
# is those lines over and over with fresh sequence numbers. A round in which the host took more than
# MAX_STEAL percent of the cores (lib.sh) is measured again. Loopback only.
# Usage: bench/replay.sh [N]   (default 1000000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
COUNT=${1:-1000000}
ROUNDS=${ROUNDS:-2}
SEED_COUNT=10000
need
build_all
export HOOKY_SECRET=$SECRET

# 1. 10,000 signed order.completed events, captured by hooky listen.
SEED=$RESULTS/replay-seed.jsonl
READY=$RESULTS/replay-listen-ready.json
rm -f "$SEED" "$READY"
"$HOOKY" listen --port 0 --json --capture "$SEED" --ready-file "$READY" >/dev/null 2>"$RESULTS/replay-listen.log" &
LISTEN_PID=$!; PIDS+=($LISTEN_PID)
wait_ready "$READY" "$RESULTS/replay-listen.log"
LISTEN_URL=$URL
"$HOOKY" --json send order.completed --to "$LISTEN_URL/hooks" --count "$SEED_COUNT" --concurrency "$CONNECTIONS" --no-retry >/dev/null
stop_int "$LISTEN_PID"

# 2. N captures: the seed's lines cycled, renumbered 1..N (the capture file's own order).
make_captures() {
  awk -v n="$2" 'BEGIN { m = 0 } { line[m++] = substr($0, index($0, ",")) }
    END { for (i = 0; i < n; i++) printf "{\"seq\":%d%s\n", i + 1, line[i % m] }' "$SEED" >"$1"
}
CAPTURE=$RESULTS/replay-captures.jsonl
SMALL=$RESULTS/replay-captures-small.jsonl
make_captures "$CAPTURE" "$COUNT"
make_captures "$SMALL" $((COUNT / 10))
CAPTURE_MB=$(( $(stat -c %s "$CAPTURE") / 1048576 ))

# 3. Into the sink: hooky send and the replay of every capture, round after round.
start_and_wait "$RESULTS/sink.log" "$REFERENCE" sink 0
SINK=$URL
LINES=$RESULTS/replay-lines.jsonl
replay() { "$1" --json replay --from "$2" --all --to "$SINK" --concurrency "$CONNECTIONS" --retries 0 >"$LINES"; tail -1 "$LINES"; }
printf '%-6s %12s %12s %10s\n' round send replay sent
TO_SEND=""
round=1
while [ "$round" -le "$ROUNDS" ]; do
  mark=$(steal_mark)
  SEND_RPS=$("$HOOKY" --json send order.completed --to "$SINK/hooks" --count "$COUNT" --concurrency "$CONNECTIONS" --no-retry | json_field requests_per_sec)
  RESULT=$(replay "$HOOKY" "$CAPTURE")
  REPLAY_RPS=$(echo "$RESULT" | json_field requests_per_sec)
  SENT=$(echo "$RESULT" | json_field succeeded)
  printf '%-6s %12.0f %12.0f %10s\n' "$round" "$SEND_RPS" "$REPLAY_RPS" "$SENT"
  if measure_again "$(steal_since "$mark")"; then continue; fi
  round=$((round + 1))
  TO_SEND+=" $(ratio "$REPLAY_RPS" "$SEND_RPS")"
done
rss_kib() { /usr/bin/time -f %M "$HOOKY" --json replay --from "$1" --all --to "$SINK" --concurrency "$CONNECTIONS" --retries 0 2>&1 >"$LINES" | tail -1; }
RSS_SMALL=$(rss_kib "$SMALL")
RSS_LARGE=$(rss_kib "$CAPTURE")
stop "$SERVER_PID"
rm -f "$LINES" "$SMALL"

echo
# shellcheck disable=SC2086 # a word list, split on purpose
TO_SEND=$(median $TO_SEND)
RSS_GROWTH=$(ratio "$RSS_LARGE" "$RSS_SMALL")
echo "capture file: $COUNT captures, $CAPTURE_MB MiB"
echo "hooky replay / hooky send: $TO_SEND   (target >= 0.90)  $(verdict "$TO_SEND" 0.90)"
echo "hooky replay peak RSS: $RSS_SMALL KiB at $((COUNT / 10)) captures, $RSS_LARGE KiB at $COUNT (x$RSS_GROWTH; target: constant, <= 1.25)  $(verdict "$RSS_GROWTH" 1.25 max)"
row "replay of $COUNT captures, concurrency $CONNECTIONS (\`bench/replay.sh\`)" "$(kilo "$REPLAY_RPS") req/s" "hooky send, same sink: $(kilo "$SEND_RPS") req/s" "$TO_SEND" "≥ 0.90" "$(verdict "$TO_SEND" 0.90)"
row "replay peak RSS, $((COUNT / 10)) vs $COUNT captures" "$((RSS_SMALL / 1024)) → $((RSS_LARGE / 1024)) MiB" "—" "$RSS_GROWTH" "constant (≤ 1.25)" "$(verdict "$RSS_GROWTH" 1.25 max)"
steal_row "replay"
