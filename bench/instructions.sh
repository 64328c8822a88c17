#!/usr/bin/env bash
# CPU per request as instruction counts, which a busy machine does not disturb (wall-clock figures
# do): each receiver runs under `valgrind --tool=callgrind` while wrk sends it signed ~1 KB JSON
# POSTs for DURATION; its instructions (Ir) for the whole run, less those of a run that receives
# nothing (start-up and shutdown), divided by the requests it captured; and the same without
# SHA-256's compression function, which valgrind runs in software where the CPU has SHA
# instructions (the floor hashes once per request, hooky twice: the HMAC and the capture's
# body_sha256). Receivers:
#   floor: bench/reference-receiver (verify + append)
#   json:  hooky --json listen --secret S --capture FILE > FILE
#   human: hooky listen --secret S --capture FILE > FILE
# HOOKY=/path/to/hooky picks the binary (default: the release build, built first);
# HOOKY_BEFORE=/path/to/an/older/hooky adds its json and human runs (before/after comparisons).
# Only counts, never asserted. Loopback only. Usage: bench/instructions.sh [floor json human …]
set -euo pipefail
DURATION=${DURATION:-8s}
CONNECTIONS=${CONNECTIONS:-16}
source "$(dirname "$0")/lib.sh"
need
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
if [ -z "${HOOKY:-}" ]; then build_all; else
  (cd "$BENCH_DIR/reference-receiver" && cargo build --release -q)
  REFERENCE=$BENCH_DIR/reference-receiver/target/release/reference-receiver
fi
make_body

# instructions NAME LOAD(yes|no): runs that receiver under callgrind, with wrk's load or none;
# prints "IR REQUESTS".
instructions() {
  local name=$1 load=$2 dir=$RESULTS/callgrind-$1
  rm -rf "$dir"; mkdir -p "$dir"
  local capture=$dir/capture.jsonl stdout=$dir/stdout ready=$dir/ready binary=$HOOKY mode=()
  case $name in before-*) binary=$HOOKY_BEFORE ;; esac
  case $name in *json) mode=(--json) ;; esac
  local grind=(valgrind --tool=callgrind --callgrind-out-file="$dir/out.%p" --dump-instr=no)
  if [ "$name" = floor ]; then
    start_and_wait "$dir/log" "${grind[@]}" "$REFERENCE" verify 0 "$SECRET" "$capture"
  else
    "${grind[@]}" "$binary" "${mode[@]}" listen --port 0 --secret "$SECRET" --capture "$capture" \
      --ready-file "$ready" >"$stdout" 2>"$dir/log" &
    SERVER_PID=$!; PIDS+=("$SERVER_PID")
    # Under valgrind, start-up takes seconds.
    wait_ready "$ready" "$dir/log" 1200
  fi
  if [ "$load" = yes ]; then
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$BENCH_DIR/post.lua" "$URL/hooks/bench" >"$dir/wrk" 2>&1
  fi
  case $name in floor) stop "$SERVER_PID" ;; *) stop_int "$SERVER_PID" ;; esac
  local ir sha requests
  ir=$(cat "$dir"/out.* | awk '/^summary:/ {s += $2} END {print s + 0}')
  # Under valgrind SHA-256 runs in software (no SHA extensions), which the CPU does in hardware:
  # its share is given apart, so the rest compares like for like.
  sha=$(callgrind_annotate --inclusive=no "$dir"/out.* 2>/dev/null |
    awk '/sha2::sha256::.*compress/ {gsub(",", "", $1); s += $1} END {print s + 0}')
  requests=$(wc -l <"$capture" 2>/dev/null || echo 0)
  echo "$ir $sha $requests"
}

printf '%-14s %10s %14s %22s\n' receiver requests "Ir/request" "Ir/request w/o SHA-256"
[ $# -gt 0 ] || set -- floor json human
for name in "$@"; do
  for n in $name ${HOOKY_BEFORE:+before-$name}; do
    [ "$n" = before-floor ] && continue
    read -r idle idle_sha _ < <(instructions "$n" no)
    read -r busy busy_sha requests < <(instructions "$n" yes)
    per=$(awk -v b="$busy" -v i="$idle" -v n="$requests" 'BEGIN { if (n > 0) printf "%.0f", (b - i) / n; else print "n/a" }')
    rest=$(awk -v b="$((busy - busy_sha))" -v i="$((idle - idle_sha))" -v n="$requests" 'BEGIN { if (n > 0) printf "%.0f", (b - i) / n; else print "n/a" }')
    printf '%-14s %10s %14s %22s\n' "$n" "$requests" "$per" "$rest"
  done
done
