#!/usr/bin/env bash
# Send throughput: hooky send order.completed --count N --concurrency 64 against a minimal local
# sink, next to wrk's own rate against the same sink (the ceiling) and a Node sender (fetch, i.e.
# undici's pooled client, with crypto HMAC signing), in the same run. Also hooky send's peak RSS at
# two --count values: it must not grow with --count. Loopback only.
# Usage: bench/send.sh [COUNT]   (default 20000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
COUNT=${1:-20000}
need
build_all
make_body
export HOOKY_SECRET=$SECRET

start_and_wait "$RESULTS/sink.log" "$REFERENCE" sink 0
SINK=$URL
wrk_post "$SINK" sink
CEILING=$RPS

SEND_RPS=$("$HOOKY" --json send order.completed --to "$SINK/hooks" --count "$COUNT" --concurrency "$CONNECTIONS" --no-retry | json_field requests_per_sec)
NODE_RPS=n/a
if command -v node >/dev/null; then
  NODE_RPS=$(node "$BENCH_DIR/node-sender.mjs" "$SINK/hooks" "$COUNT" "$CONNECTIONS" | json_field requests_per_sec)
fi
rss_kib() { /usr/bin/time -f %M "$HOOKY" --json send order.completed --to "$SINK/hooks" --count "$1" --concurrency "$CONNECTIONS" --no-retry 2>&1 >/dev/null | tail -1; }
RSS_SMALL=$(rss_kib $((COUNT / 10)))
RSS_LARGE=$(rss_kib "$COUNT")
stop "$SERVER_PID"

printf '%-44s %12s\n' "sender" "requests/s"
printf '%-44s %12s\n' "wrk against the sink (ceiling)" "$CEILING"
printf '%-44s %12s\n' "hooky send --count $COUNT --concurrency $CONNECTIONS" "$SEND_RPS"
printf '%-44s %12s\n' "node fetch + crypto sender" "$NODE_RPS"
echo
TO_CEILING=$(ratio "$SEND_RPS" "$CEILING")
TO_NODE=$(ratio "$SEND_RPS" "$NODE_RPS")
# "Does not grow": within 25 % (allocator and pool noise), not a per-request amount.
RSS_GROWTH=$(ratio "$RSS_LARGE" "$RSS_SMALL")
echo "hooky send / ceiling: $TO_CEILING   (target >= 0.50)  $(verdict "$TO_CEILING" 0.50)"
echo "hooky send / node:    $TO_NODE   (target >= 3)     $(verdict "$TO_NODE" 3)"
echo "hooky send peak RSS: $RSS_SMALL KiB at --count $((COUNT / 10)), $RSS_LARGE KiB at --count $COUNT (x$RSS_GROWTH; target: flat, <= 1.25)  $(verdict "$RSS_GROWTH" 1.25 max)"
