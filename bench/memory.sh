#!/usr/bin/env bash
# Listen memory: hooky listen --secret S > FILE (verification and capture on, human mode) under
# signed POSTs from wrk until it has answered TOTAL requests (default 1,000,000), its RSS read
# after every round. Target: under 64 MiB at the end, and flat (the last reading within 25 % of the
# one after the first round). Loopback only; bounded by TOTAL and by 30 rounds.
# Usage: bench/memory.sh [TOTAL]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TOTAL=${1:-1000000}
need
build_all
make_body

capture=$RESULTS/memory-captures.jsonl ready=$RESULTS/memory-ready.json
rm -f "$capture" "$ready"
"$HOOKY" listen --port 0 --secret "$SECRET" --capture "$capture" --ready-file "$ready" >"$RESULTS/memory.out" 2>"$RESULTS/memory.log" &
pid=$!; PIDS+=($pid)
wait_ready "$ready" "$RESULTS/memory.log"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
answered=0 first="" round=0
printf '%12s %10s\n' "requests" "RSS MiB"
while [ "$answered" -lt "$TOTAL" ] && [ "$round" -lt 30 ]; do
  round=$((round + 1))
  DURATION=5s wrk_post "$URL" memory >/dev/null
  answered=$((answered + COMPLETED))
  rss=$(rss_kib)
  [ -n "$first" ] || first=$rss
  printf '%12d %10.1f\n' "$answered" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')"
done
last=$(rss_kib)
stop_int "$pid"
lines=$(wc -l <"$capture")
rm -f "$capture"

last_mib=$(awk -v k="$last" 'BEGIN {printf "%.1f", k / 1024}')
growth=$(ratio "$last" "$first")
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "pass" : "FAIL" }'; }
echo
echo "RSS after $answered requests: $last_mib MiB   (target < 64)   $(verdict "$last_mib" 64 "<=")"
echo "RSS growth, last / after round 1: $growth   (target <= 1.25)   $(verdict "$growth" 1.25 "<=")"
echo "capture lines: $lines (every answered request, plus those answered as wrk stopped reading)"
row "listen RSS after $answered requests" "$last_mib MiB" "after round 1: $(awk -v k="$first" 'BEGIN {printf "%.1f", k / 1024}') MiB" "$growth" "< 64 MiB, flat (≤ 1.25)" \
  "$([ "$(verdict "$last_mib" 64 "<=")" = pass ] && [ "$(verdict "$growth" 1.25 "<=")" = pass ] && echo pass || echo FAIL)"
