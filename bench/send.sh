#!/usr/bin/env bash
# Send throughput: hooky send order.completed --count N --concurrency 64 against a minimal local
# sink, next to wrk's rate against the same sink (the ceiling) and two Node senders with crypto HMAC
# signing: undici's Pool.request (the fastest common Node client) and fetch. Measured in
# interleaved rounds (ROUNDS, default 5) so that a busy machine slows every sender alike; each
# ratio is the median of the rounds'. wrk runs for DURATION (default 2 s) right before hooky, whose
# COUNT events take about half a second: a ratio compares windows seconds apart, not a 10 s average
# with a moment after it (this VM's speed changes from one minute to the next). Also hooky send's peak RSS at two --count values: it must
# not grow with --count. A round in which the host took more than MAX_STEAL percent of the cores
# (lib.sh) is measured again. BASELINE=/path/to/an/older/hooky adds that binary to every round.
# Loopback only. Usage: bench/send.sh [COUNT]   (default 20000)
set -euo pipefail
# Before lib.sh, whose default is one 10 s run.
DURATION=${DURATION:-2s}
source "$(dirname "$0")/lib.sh"
COUNT=${1:-20000}
ROUNDS=${ROUNDS:-5}
need
build_all
make_body
export HOOKY_SECRET=$SECRET
UNDICI_DIR=$BENCH_DIR/undici-sender
if command -v npm >/dev/null && [ ! -d "$UNDICI_DIR/node_modules" ]; then
  (cd "$UNDICI_DIR" && npm ci --silent --no-audit --no-fund >/dev/null)
fi

start_and_wait "$RESULTS/sink.log" "$REFERENCE" sink 0
SINK=$URL
hooky_rps() { "$1" --json send order.completed --to "$SINK/hooks" --count "$COUNT" --concurrency "$CONNECTIONS" --no-retry | json_field requests_per_sec; }
node_rps() { command -v node >/dev/null && node "$@" "$SINK/hooks" "$COUNT" "$CONNECTIONS" | json_field requests_per_sec || echo n/a; }
num() { awk -v v="$1" 'BEGIN { if (v + 0 > 0) printf "%.0f", v; else print v }'; }

printf '%-6s %10s %10s %10s %10s %10s\n' round wrk hooky undici fetch baseline
TO_WRK="" TO_UNDICI="" TO_FETCH="" TO_BASELINE="" ALL_WRK="" ALL_SEND="" ALL_UNDICI="" ALL_FETCH=""
round=1
while [ "$round" -le "$ROUNDS" ]; do
  mark=$(steal_mark)
  wrk_post "$SINK" sink; WRK=$RPS
  SEND=$(hooky_rps "$HOOKY")
  UNDICI=$(node_rps "$UNDICI_DIR/sender.mjs")
  FETCH=$(node_rps "$BENCH_DIR/node-sender.mjs")
  BASE=n/a; [ -n "${BASELINE:-}" ] && BASE=$(hooky_rps "$BASELINE")
  printf '%-6s %10s %10s %10s %10s %10s\n' "$round" "$(num "$WRK")" "$(num "$SEND")" "$(num "$UNDICI")" "$(num "$FETCH")" "$(num "$BASE")"
  if measure_again "$(steal_since "$mark")"; then continue; fi
  round=$((round + 1))
  ALL_WRK+=" $WRK"; ALL_SEND+=" $SEND"; ALL_UNDICI+=" $UNDICI"; ALL_FETCH+=" $FETCH"
  TO_WRK+=" $(ratio "$SEND" "$WRK")"; TO_UNDICI+=" $(ratio "$SEND" "$UNDICI")"
  TO_FETCH+=" $(ratio "$SEND" "$FETCH")"; TO_BASELINE+=" $(ratio "$SEND" "$BASE")"
done
rss_kib() { /usr/bin/time -f %M "$HOOKY" --json send order.completed --to "$SINK/hooks" --count "$1" --concurrency "$CONNECTIONS" --no-retry 2>&1 >/dev/null | tail -1; }
RSS_SMALL=$(rss_kib $((COUNT / 10)))
RSS_LARGE=$(rss_kib "$COUNT")
stop "$SERVER_PID"

echo
# shellcheck disable=SC2086 # word lists, split on purpose
TO_WRK=$(median $TO_WRK); TO_UNDICI=$(median $TO_UNDICI); TO_FETCH=$(median $TO_FETCH); TO_BASELINE=$(median $TO_BASELINE)
# shellcheck disable=SC2086
SEND=$(median $ALL_SEND); WRK=$(median $ALL_WRK); UNDICI=$(median $ALL_UNDICI); FETCH=$(median $ALL_FETCH)
# "Does not grow": within 25 % (allocator and pool noise), not a per-request amount.
RSS_GROWTH=$(ratio "$RSS_LARGE" "$RSS_SMALL")
echo "hooky send / wrk (ceiling):   $TO_WRK   (target >= 0.50)  $(verdict "$TO_WRK" 0.50)"
echo "hooky send / undici Pool:     $TO_UNDICI   (target >= 3)     $(verdict "$TO_UNDICI" 3)"
echo "hooky send / node fetch:      $TO_FETCH"
[ -n "${BASELINE:-}" ] && echo "hooky send / baseline binary: $TO_BASELINE"
echo "hooky send peak RSS: $RSS_SMALL KiB at --count $((COUNT / 10)), $RSS_LARGE KiB at --count $COUNT (x$RSS_GROWTH; target: flat, <= 1.25)  $(verdict "$RSS_GROWTH" 1.25 max)"
row "send \`--count $COUNT --concurrency $CONNECTIONS\` (\`bench/send.sh\`, median of $ROUNDS rounds)" "$(kilo "$SEND") req/s" "wrk against the same sink: $(kilo "$WRK") req/s" "$TO_WRK" "≥ 0.50" "$(verdict "$TO_WRK" 0.50)"
row "send vs Node undici \`Pool.request\` + crypto" "$(kilo "$SEND") req/s" "$(kilo "$UNDICI") req/s" "$TO_UNDICI" "≥ 3" "$(verdict "$TO_UNDICI" 3)"
row "send vs Node \`fetch\` + crypto" "$(kilo "$SEND") req/s" "$(kilo "$FETCH") req/s" "$TO_FETCH" "—" "—"
steal_row "send"
row "send peak RSS, \`--count\` $((COUNT / 10)) vs $COUNT" "$((RSS_SMALL / 1024)) → $((RSS_LARGE / 1024)) MiB" "—" "$RSS_GROWTH" "flat (≤ 1.25)" "$(verdict "$RSS_GROWTH" 1.25 max)"
