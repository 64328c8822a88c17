#!/usr/bin/env bash
# Listen throughput and latency: signed ~1 KB JSON POSTs from wrk (64 connections, 10 s) against
#   hooky listen --secret S --json > /dev/null   (verification and capture on)
#   (a) bench/reference-receiver: verify + append to a file, nothing else (the floor)
#   (b) bench/express-receiver: the tutorials' express receiver
# measured one after the other in the same run. Loopback only. Usage: bench/listen.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need
build_all
make_body

run_hooky() {
  local capture=$RESULTS/hooky-captures.jsonl ready=$RESULTS/hooky-ready.json
  rm -f "$capture" "$ready"
  "$HOOKY" listen --port 0 --secret "$SECRET" --json --capture "$capture" --ready-file "$ready" >/dev/null 2>"$RESULTS/hooky.log" &
  local pid=$!; PIDS+=($pid)
  for _ in $(seq 1 200); do [ -s "$ready" ] && break; sleep 0.05; done
  URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$ready")
  local before; before=$(cpu_ticks "$pid")
  wrk_post "$URL" hooky
  HOOKY_RPS=$RPS HOOKY_P99=$P99_MS HOOKY_NON2XX=$NON2XX HOOKY_DONE=$COMPLETED
  HOOKY_CPU=$(cpu_us_per_request "$before" "$(cpu_ticks "$pid")" "$COMPLETED")
  stop_int "$pid"
  HOOKY_LINES=$(wc -l <"$capture")
}

run_reference() {
  local capture=$RESULTS/reference-captures.jsonl
  rm -f "$capture"
  start_and_wait "$RESULTS/reference.log" "$REFERENCE" verify 0 "$SECRET" "$capture"
  local before; before=$(cpu_ticks "$SERVER_PID")
  wrk_post "$URL" reference
  REF_RPS=$RPS REF_P99=$P99_MS
  REF_CPU=$(cpu_us_per_request "$before" "$(cpu_ticks "$SERVER_PID")" "$COMPLETED")
  stop "$SERVER_PID"
}

run_express() {
  EXPRESS_RPS=n/a EXPRESS_P99=n/a EXPRESS_CPU=n/a
  [ -d "$BENCH_DIR/express-receiver/node_modules" ] || return 0
  local capture=$RESULTS/express-captures.jsonl
  rm -f "$capture"
  start_and_wait "$RESULTS/express.log" node "$BENCH_DIR/express-receiver/server.js" 0 "$SECRET" "$capture"
  local before; before=$(cpu_ticks "$SERVER_PID")
  wrk_post "$URL" express
  EXPRESS_RPS=$RPS EXPRESS_P99=$P99_MS
  EXPRESS_CPU=$(cpu_us_per_request "$before" "$(cpu_ticks "$SERVER_PID")" "$COMPLETED")
  stop "$SERVER_PID"
}

run_hooky
run_reference
run_express

verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { if (v == "n/a") { print "n/a"; exit } ok = (op == "<=") ? v <= t : v >= t; print ok ? "pass" : "FAIL" }'; }
printf '%-34s %12s %10s %14s\n' "receiver" "requests/s" "p99 ms" "CPU us/request"
printf '%-34s %12s %10s %14s\n' "hooky listen (verify+capture)" "$HOOKY_RPS" "$HOOKY_P99" "$HOOKY_CPU"
printf '%-34s %12s %10s %14s\n' "(a) minimal Rust verify+append" "$REF_RPS" "$REF_P99" "$REF_CPU"
printf '%-34s %12s %10s %14s\n' "(b) express tutorial receiver" "$EXPRESS_RPS" "$EXPRESS_P99" "$EXPRESS_CPU"
echo
r_a=$(ratio "$HOOKY_RPS" "$REF_RPS") r_b=$(ratio "$HOOKY_RPS" "$EXPRESS_RPS") r_p=$(ratio "$HOOKY_P99" "$REF_P99")
echo "hooky / (a) throughput: $r_a   (target >= 0.70)   $(verdict "$r_a" 0.70 ">=")"
echo "hooky / (b) throughput: $r_b   (target >= 10)   $(verdict "$r_b" 10 ">=")"
echo "hooky p99 / (a) p99:    $r_p   (target <= 2)   $(verdict "$r_p" 2 "<=")"
echo "CPU per request, hooky / (a): $(ratio "$HOOKY_CPU" "$REF_CPU")   (the cost of hooky's work, less sensitive to a busy machine)"
lost=$(awk -v done="$HOOKY_DONE" -v bad="$HOOKY_NON2XX" -v lines="$HOOKY_LINES" 'BEGIN { print (lines >= done - bad) ? "pass" : "FAIL" }')
echo "nothing lost: wrk saw $HOOKY_DONE complete responses ($HOOKY_NON2XX not 2xx); the capture has $HOOKY_LINES lines   $lost"
echo "  (the capture may hold up to $CONNECTIONS more: requests answered as wrk stopped reading)"
