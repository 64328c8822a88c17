# Shared helpers for the benchmark scripts (sourced, not run). Loopback only, bounded in time.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS=${RESULTS:-$BENCH_DIR/results}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
SECRET=${SECRET:-bench-secret-not-for-production}
mkdir -p "$RESULTS"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

need() {
  # Installs what the benchmarks need from Debian's packages, once.
  if ! command -v wrk >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null || { echo "cannot install wrk" >&2; exit 1; }
  fi
}

build_all() {
  (cd "$ROOT" && cargo build --release -q)
  (cd "$BENCH_DIR/reference-receiver" && cargo build --release -q)
  if command -v npm >/dev/null && [ ! -d "$BENCH_DIR/express-receiver/node_modules" ]; then
    (cd "$BENCH_DIR/express-receiver" && npm install --silent --no-audit --no-fund >/dev/null)
  fi
  HOOKY=${CARGO_TARGET_DIR:-$ROOT/target}/release/hooky
  REFERENCE=$BENCH_DIR/reference-receiver/target/release/reference-receiver
}

# start_and_wait LOGFILE CMD… : starts a server, waits (bounded) for "http://…" in its output, sets URL.
start_and_wait() {
  local log=$1; shift
  # A log left by an earlier run must not be read before the server truncates it.
  rm -f "$log"
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    URL=$(grep -so 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)
    [ -n "$URL" ] && return 0
    sleep 0.05
  done
  echo "server did not start: $*" >&2; cat "$log" >&2; exit 1
}

# wait_ready READY LOG [TRIES]: waits (TRIES times 0.05 s, 200 by default) for the --ready-file of a
# hooky listen started in the background, sets URL from it; exits with LOG when it never came.
wait_ready() {
  local ready=$1 log=$2 tries=${3:-200}
  for _ in $(seq 1 "$tries"); do [ -s "$ready" ] && break; sleep 0.05; done
  [ -s "$ready" ] || { echo "hooky listen did not start" >&2; cat "$log" >&2; exit 1; }
  URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$ready")
}

# Background jobs of a script ignore SIGINT, so servers are stopped with TERM; hooky gets INT
# (its Ctrl-C path: drain in-flight requests, flush the capture).
stop() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }
stop_int() { kill -INT "$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }

# A ~1 KB signed JSON body for the hex scheme: sets BODY_FILE and SIGNATURE.
make_body() {
  BODY_FILE=$RESULTS/body.json
  python3 - "$BODY_FILE" <<'PY'
import json, sys
items = [{"sku": f"SKU-{i:04d}", "name": f"Item number {i}", "quantity": i % 5 + 1, "unit_amount": 1999 + i} for i in range(8)]
body = {"id": "evt_bench_0001", "type": "order.completed", "created": 1710331200,
        "data": {"object": {"id": "ord_0001", "currency": "usd", "amount_total": 25990, "status": "completed",
                            "customer": {"id": "cus_0001", "email": "jane@example.com"}, "items": items}}}
open(sys.argv[1], "w").write(json.dumps(body, separators=(",", ":")))
PY
  SIGNATURE=$("$HOOKY" sign --scheme hex --secret "$SECRET" "$BODY_FILE" | sed 's/^X-Webhook-Signature: //')
  export BODY_FILE SIGNATURE
}

# wrk_post URL LABEL: fires signed POSTs; sets RPS, P99_MS, NON2XX, COMPLETED.
wrk_post() {
  local url=$1 label=$2 out=$RESULTS/wrk-$2.txt
  "${LOAD_CORE[@]}" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$BENCH_DIR/post.lua" "$url/hooks/bench" >"$out" 2>&1
  parse_wrk "$out"
}

# wrk_get URL LABEL: plain GETs (the ceiling of a sink).
wrk_get() {
  local url=$1 out=$RESULTS/wrk-$2.txt
  "${LOAD_CORE[@]}" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$url/" >"$out" 2>&1
  parse_wrk "$out"
}

parse_wrk() {
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$1")
  COMPLETED=$(awk '/requests in/ {print $1}' "$1")
  NON2XX=$(awk '/Non-2xx/ {print $NF}' "$1"); NON2XX=${NON2XX:-0}
  P99_MS=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$1")
}

# cpu_ticks PID: user+system CPU time the process has used, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# cpu_us_per_request TICKS_BEFORE TICKS_AFTER REQUESTS
cpu_us_per_request() { awk -v a="$1" -v b="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.1f", (b - a) / hz * 1e6 / n; else print "n/a" }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# verdict VALUE TARGET [min|max]: "pass" when VALUE meets TARGET (at least, or at most), else "FAIL".
verdict() {
  awk -v v="$1" -v t="$2" -v how="${3:-min}" 'BEGIN {
    if (v == "" || v == "n/a") { print "n/a"; exit }
    ok = (how == "max") ? (v + 0 <= t + 0) : (v + 0 >= t + 0)
    print ok ? "pass" : "FAIL" }'
}

# json_field FIELD: reads JSON lines on stdin, prints FIELD of the last one.
json_field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }

# The summary every script adds to, and run.sh prints as the README's table (markdown rows).
SUMMARY=${SUMMARY:-$RESULTS/summary.md}
# row WHAT HOOKY REFERENCE RATIO TARGET VERDICT: one line of the summary table, also printed.
row() {
  printf '| %s | %s | %s | %s | %s | %s |\n' "$@" >>"$SUMMARY"
  printf '  %s: %s; reference %s; ratio %s (target %s) %s\n' "$@"
}

# kilo N: 12345.6 as 12.3k (request rates in the summary).
kilo() { awk -v n="$1" 'BEGIN { if (n ~ /^[0-9.]+$/) printf "%.1fk", n / 1000; else print n }'; }

# median VALUE…: the median of the numbers given (n/a when there are none).
# Non-numbers (n/a, inf) are left out; none at all gives n/a (grep's "no match" must not end the run).
median() { printf '%s\n' "$@" | { grep -E '^[0-9.]+$' || true; } | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Pinning: `pin on` puts the server on core 0 and wrk on core 1 (taskset), so neither steals the
# other's core; `pin off` lets the scheduler place both. Prefixes, not functions: `$!` must be the
# server's own pid.
pin() {
  if [ "$1" = on ]; then SERVER_CORE=(taskset -c 0) LOAD_CORE=(taskset -c 1); else SERVER_CORE=() LOAD_CORE=(); fi
}
pin off

# Hypervisor steal. On this kind of VM the host has taken 30–40 % of a core for minutes at a time,
# which moves a ratio by more than any change to the code does (see the README). So each round's
# steal is read from /proc/stat (the steal ticks of all cores over all their ticks), and a round
# that ran with more than MAX_STEAL percent is measured again, at most STEAL_RETRIES times per
# script; the highest steal of a kept round is reported beside the figures.
MAX_STEAL=${MAX_STEAL:-3}
STEAL_RETRIES=${STEAL_RETRIES:-4}
RETRIED=0 KEPT_STEAL=0

# steal_mark: "STEAL TOTAL", the ticks of all cores so far.
steal_mark() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t; exit }' /proc/stat; }

# steal_since MARK: the percent of all cores' time the host took since MARK.
steal_since() {
  local now; now=$(steal_mark)
  awk -v a="$1" -v b="$now" 'BEGIN { split(a, x, " "); split(b, y, " "); d = y[2] - x[2]; printf "%.1f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}

# max_of A B: the larger number.
max_of() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 > b + 0) ? a : b }'; }

# measure_again STEAL: true when a round that ran with STEAL percent is to be measured again (over
# MAX_STEAL, retries left); otherwise the round is kept and its steal counts in KEPT_STEAL.
measure_again() {
  if awk -v p="$1" -v m="$MAX_STEAL" 'BEGIN { exit !(p > m) }' && [ "$RETRIED" -lt "$STEAL_RETRIES" ]; then
    RETRIED=$((RETRIED + 1))
    echo "  (that round ran with $1 % of the cores taken by the host, over $MAX_STEAL %: measured again)"
    return 0
  fi
  KEPT_STEAL=$(max_of "$KEPT_STEAL" "$1")
  return 1
}

# steal_row WHAT: the summary row that says how clean the kept rounds of WHAT were.
steal_row() {
  local clean=clean
  awk -v p="$KEPT_STEAL" -v m="$MAX_STEAL" 'BEGIN { exit !(p > m) }' && clean=NOISY
  row "host steal, highest in a kept round of $1 ($RETRIED rounds measured again)" "$KEPT_STEAL %" "—" "—" "≤ $MAX_STEAL %" "$clean"
}
