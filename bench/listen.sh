#!/usr/bin/env bash
# Listen throughput, latency and CPU: signed ~1 KB JSON POSTs from wrk (64 connections) against
#   the floor: bench/reference-receiver, verify + append one line per request, nothing else
#   hooky listen --secret S --json > FILE   (verification and capture on, stdout to a file)
#   hooky listen --secret S > FILE          (the default human mode)
#   the express tutorial receiver + capture (bench/express-receiver)
# all running at once (on the server core when pinned: core 0, wrk on core 1; and unpinned), loaded
# one after the other in short windows: a round gives each receiver one window of DURATION, so the
# windows a ratio compares are seconds apart. This VM's speed changes from one minute to the next
# (the floor alone has measured from 60k to 100k requests/s within two minutes), and receivers
# measured far apart in time compare the host's moods as much as the receivers. Each figure is the
# median over the rounds, each ratio the median of the per-round ratios. Every hooky is checked for
# "nothing lost" once stopped (every 2xx of all its windows is in the capture; in --json mode stdout
# has one request line per capture line), and so is a stop by SIGINT and by SIGTERM in the middle
# of the load. A round in which the host took more than MAX_STEAL percent of the cores (lib.sh) is
# measured again.
# HOOKY_BEFORE=/path/to/an/older/hooky adds that binary to every round (before/after comparisons).
# Loopback only. Usage: bench/listen.sh   (ROUNDS=10 DURATION=2s by default)
set -euo pipefail
# Before lib.sh, whose default is one 10 s run.
ROUNDS=${ROUNDS:-10}
DURATION=${DURATION:-2s}
source "$(dirname "$0")/lib.sh"
need
build_all
make_body

declare -A RPS P99 CPU
LOST_CHECKS=() LOST_FAIL=0

declare -A URLS SERVER_PIDS ANSWERED
# The receivers of this pinning, in the order each round loads them.
receivers() { echo floor json human ${HOOKY_BEFORE:+before-json before-human} express; }

# start_receiver NAME: starts that receiver (on the server core when pinned), sets URLS[NAME].
start_receiver() {
  local name=$1 capture=$RESULTS/listen-$1.jsonl stdout=$RESULTS/listen-$1.out ready=$RESULTS/listen-$1.ready
  rm -f "$capture" "$stdout" "$ready"
  case $name in
    floor) start_and_wait "$RESULTS/listen-$name.log" "${SERVER_CORE[@]}" "$REFERENCE" verify 0 "$SECRET" "$capture" ;;
    express)
      [ -d "$BENCH_DIR/express-receiver/node_modules" ] || return 0
      start_and_wait "$RESULTS/listen-$name.log" "${SERVER_CORE[@]}" node "$BENCH_DIR/express-receiver/server.js" 0 "$SECRET" "$capture" ;;
    *)
      local binary=$HOOKY mode=()
      case $name in before-*) binary=$HOOKY_BEFORE ;; esac
      case $name in *json) mode=(--json) ;; esac
      "${SERVER_CORE[@]}" "$binary" "${mode[@]}" listen --port 0 --secret "$SECRET" --capture "$capture" \
        --ready-file "$ready" >"$stdout" 2>"$RESULTS/listen-$name.log" &
      SERVER_PID=$!; PIDS+=("$SERVER_PID")
      wait_ready "$ready" "$RESULTS/listen-$name.log" ;;
  esac
  URLS[$name]=$URL SERVER_PIDS[$name]=$SERVER_PID ANSWERED[$name]=0
}

# stop_receiver NAME: stops it (hooky by SIGINT, its Ctrl-C path) and checks that nothing was lost.
stop_receiver() {
  local name=$1 pid=${SERVER_PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  case $name in
    floor|express) stop "$pid" ;;
    *) stop_int "$pid"; check_lost "$name" "${ANSWERED[$name]}" "$RESULTS/listen-$name.jsonl" "$RESULTS/listen-$name.out" ;;
  esac
  rm -f "$RESULTS/listen-$name.jsonl" "$RESULTS/listen-$name.out"
  unset "SERVER_PIDS[$name]" "URLS[$name]"
}

# measure_window NAME [warm-up]: loads that receiver for DURATION and records its figures (a
# warm-up window's only in the nothing-lost count).
measure_window() {
  local name=$1 pid=${SERVER_PIDS[$1]:-}
  [ -n "$pid" ] || return 0
  local before mark; before=$(cpu_ticks "$pid") mark=$(steal_mark)
  wrk_post "${URLS[$name]}" "listen-$name"
  # Every window's answers count, a round measured again included: they are all in the capture.
  ANSWERED[$name]=$((${ANSWERED[$name]} + COMPLETED - NON2XX))
  [ "${2:-}" != warm-up ] || return 0
  ROUND_STEAL=$(max_of "$ROUND_STEAL" "$(steal_since "$mark")")
  local cpu; cpu=$(cpu_us_per_request "$before" "$(cpu_ticks "$pid")" "$COMPLETED")
  RPS[$name]+=" $RPS" P99[$name]+=" $P99_MS" CPU[$name]+=" $cpu"
}

# check_lost NAME ANSWERED CAPTURE STDOUT: every 2xx wrk saw is in the capture; in --json mode,
# stdout has a request line for each captured request (answered ones may be more: wrk stops reading
# at the end).
check_lost() {
  local name=$1 answered=$2 lines printed ok=pass
  lines=$(wc -l <"$3")
  [ "$answered" -le "$lines" ] || ok=FAIL
  case $name in
    *json) printed=$(grep -c '^{"type":"request"' "$4" || true); [ "$printed" -eq "$lines" ] || ok=FAIL ;;
    *) printed="-" ;;
  esac
  [ "$ok" = pass ] || LOST_FAIL=1
  LOST_CHECKS+=("$(printf '%-22s %10s 2xx %10s capture lines %10s stdout request lines  %s' "$name" "$answered" "$lines" "$printed" "$ok")")
}

# signal_run SIGNAL: hooky --json under load, stopped by SIGNAL half-way through; nothing lost.
signal_run() {
  local sig=$1 capture=$RESULTS/listen-$1.jsonl stdout=$RESULTS/listen-$1.out ready=$RESULTS/listen-$1.ready
  rm -f "$capture" "$stdout" "$ready"
  "$HOOKY" --json listen --port 0 --secret "$SECRET" --capture "$capture" --ready-file "$ready" \
    >"$stdout" 2>"$RESULTS/listen-$sig.log" &
  local pid=$!; PIDS+=("$pid")
  wait_ready "$ready" "$RESULTS/listen-$sig.log"
  DURATION=4s wrk_post "$URL" "listen-$sig" &
  local load=$!
  sleep 2
  kill "-$sig" "$pid"
  local code=0; wait "$pid" || code=$?
  wait "$load" || true
  parse_wrk "$RESULTS/wrk-listen-$sig.txt"
  check_lost "$sig-json" "$((COMPLETED - NON2XX))" "$capture" "$stdout"
  [ "$code" -eq 0 ] || { LOST_FAIL=1; LOST_CHECKS+=("hooky exited $code after SIG$sig (expected 0)   FAIL"); }
  rm -f "$capture" "$stdout"
}

report() {
  local label=$1 v
  echo "listen, $label: $ROUNDS rounds, a window of $DURATION per receiver each, wrk -t2 -c$CONNECTIONS; medians"
  printf '  %-36s %12s %10s %16s\n' "receiver" "requests/s" "p99 ms" "CPU us/request"
  for v in floor json human ${HOOKY_BEFORE:+before-json before-human} express; do
    [ -n "${RPS[$v]:-}" ] || continue
    # shellcheck disable=SC2086
    printf '  %-36s %12s %10s %16s\n' "$(describe "$v")" "$(median ${RPS[$v]})" "$(median ${P99[$v]})" "$(median ${CPU[$v]})"
  done
  for v in json human ${HOOKY_BEFORE:+before-json before-human}; do
    local ratios=() p99s=() cpus=() xs=() i
    read -ra a <<<"${RPS[$v]}"; read -ra f <<<"${RPS[floor]}"; read -ra p <<<"${P99[$v]}"; read -ra pf <<<"${P99[floor]}"
    read -ra e <<<"${RPS[express]:-}"
    for i in "${!a[@]}"; do
      ratios+=("$(ratio "${a[$i]}" "${f[$i]}")") p99s+=("$(ratio "${p[$i]}" "${pf[$i]}")")
      [ -z "${e[$i]:-}" ] || xs+=("$(ratio "${a[$i]}" "${e[$i]}")")
    done
    local r pr x
    r=$(median "${ratios[@]}") pr=$(median "${p99s[@]}") x=$(median "${xs[@]:-n/a}")
    local rps p99 cpu frps fp99 fcpu
    # shellcheck disable=SC2086
    rps=$(median ${RPS[$v]}) p99=$(median ${P99[$v]}) cpu=$(median ${CPU[$v]})
    # shellcheck disable=SC2086
    frps=$(median ${RPS[floor]}) fp99=$(median ${P99[floor]}) fcpu=$(median ${CPU[floor]})
    row "listen $(describe "$v"), $label" "$(kilo "$rps") req/s" "floor: $(kilo "$frps") req/s" "$r" "≥ 0.70" "$(verdict "$r" 0.70)"
    row "listen $(describe "$v") p99, $label" "$p99 ms" "floor: $fp99 ms" "$pr" "≤ 2" "$(verdict "$pr" 2 max)"
    row "listen $(describe "$v") CPU per request, $label" "$cpu µs" "floor: $fcpu µs" "$(ratio "$cpu" "$fcpu")" "—" "—"
    # shellcheck disable=SC2086
    [ -z "${RPS[express]:-}" ] || row "listen $(describe "$v") vs express, $label" "$(kilo "$rps") req/s" \
      "express + capture: $(kilo "$(median ${RPS[express]})") req/s" "$x" "≥ 10" "$(verdict "$x" 10)"
  done
  echo
}

describe() {
  case $1 in
    floor) echo "floor (Rust verify + append)" ;;
    json) echo "hooky --json > file" ;;
    human) echo "hooky (human) > file" ;;
    before-json) echo "before: hooky --json > file" ;;
    before-human) echo "before: hooky (human) > file" ;;
    express) echo "express + capture" ;;
  esac
}

for pinning in pinned unpinned; do
  RPS=() P99=() CPU=()
  if [ $pinning = pinned ]; then pin on; label="pinned (server core 0, wrk core 1)"; else pin off; label="unpinned"; fi
  for v in $(receivers); do start_receiver "$v"; done
  # Node's JIT, the page cache and the allocators warm up in a window that is not counted.
  for v in $(receivers); do measure_window "$v" warm-up; done
  round=1
  while [ "$round" -le "$ROUNDS" ]; do
    # Every receiver's window of a round is measured again when one of them ran under the host's steal.
    kept=$(declare -p RPS P99 CPU) ROUND_STEAL=0
    for v in $(receivers); do measure_window "$v"; done
    if measure_again "$ROUND_STEAL"; then eval "$kept"; continue; fi
    round=$((round + 1))
  done
  for v in $(receivers); do stop_receiver "$v"; done
  report "$label"
done
pin off
signal_run INT
signal_run TERM

steal_row "listen"

echo "nothing lost (every 2xx in the capture; --json: one stdout request line per capture line):"
printf '  %s\n' "${LOST_CHECKS[@]}"
total=${#LOST_CHECKS[@]}
row "nothing lost: every 2xx captured, every capture printed (${total} runs incl. SIGINT and SIGTERM mid-load)" \
  "$([ $LOST_FAIL = 0 ] && echo "all $total" || echo "some FAILED")" "—" "—" "all" "$([ $LOST_FAIL = 0 ] && echo pass || echo FAIL)"
