#!/usr/bin/env bash
# The send benchmark (issue "hooky send" and "Performance and reliability under load"):
# hooky send --count N --concurrency 64 against a minimal local sink, next to the ceiling (wrk
# against the same sink) and a Node sender (fetch/undici + crypto HMAC), in the same run.
# Also hooky send's peak RSS at two --count values (it must not grow with --count).
# Usage: bench/send.sh [COUNT]   (default 20000). Run by hand, not in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-20000}
PORT=${PORT:-9931}
URL="http://127.0.0.1:$PORT/hook"

cargo build -q --release --bin hooky --example bench-sink
target/release/examples/bench-sink "$PORT" >/dev/null &
SINK=$!
trap 'kill $SINK 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null -X POST "$URL" && break; sleep 0.1; done

export HOOKY_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
rate() { python3 -c 'import json,sys; print(round(json.loads(sys.stdin.read().strip().splitlines()[-1])["requests_per_sec"]))'; }

ceiling=$(wrk -t2 -c64 -d10s -s bench/send.lua "$URL" | awk '/Requests\/sec/ {print int($2)}')
hooky=$(target/release/hooky send order.completed --to "$URL" --count "$COUNT" --concurrency 64 --no-retry --json | rate)
node_rate=$( (command -v node >/dev/null && node bench/node-sender.mjs "$URL" "$COUNT" 64 | rate) || echo 0)

rss() { /usr/bin/time -f %M target/release/hooky send order.completed --to "$URL" --count "$1" --concurrency 64 --no-retry --json 2>&1 >/dev/null | tail -1; }
rss_small=$(rss $((COUNT / 10)))
rss_large=$(rss "$COUNT")

ratio() { python3 -c "print(f'{$1 / max($2, 1):.2f}')"; }
printf '%-40s %12s\n' "measure" "value"
printf '%-40s %12s\n' "wrk ceiling (req/s)" "$ceiling"
printf '%-40s %12s\n' "hooky send (req/s)" "$hooky"
printf '%-40s %12s\n' "node fetch+crypto sender (req/s)" "$node_rate"
printf '%-40s %12s   target >= 0.50\n' "hooky / ceiling" "$(ratio "$hooky" "$ceiling")"
printf '%-40s %12s   target >= 3\n' "hooky / node" "$(ratio "$hooky" "$node_rate")"
printf '%-40s %12s\n' "hooky RSS KiB, count $((COUNT / 10))" "$rss_small"
printf '%-40s %12s\n' "hooky RSS KiB, count $COUNT" "$rss_large"
