#!/usr/bin/env bash
# Start-up: `hooky --version` and `hooky sign` (targets: under 10 ms), and `hooky listen` until its
# ready file is written (target: under 50 ms), each the median of many runs. Loopback only.
# Usage: bench/startup.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
build_all
command -v hyperfine >/dev/null || (apt-get update -qq && apt-get install -y -qq hyperfine) >/dev/null
echo '{"id":"evt_1","type":"order.completed"}' >"$RESULTS/startup-body.json"

median_ms() {  # hyperfine's median of a command, in milliseconds
  hyperfine -N --warmup 5 --runs 100 --export-json "$RESULTS/hf.json" "$1" >/dev/null 2>&1
  python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$RESULTS/hf.json"
}
version_ms=$(median_ms "$HOOKY --version")
sign_ms=$(median_ms "$HOOKY sign --scheme stripe --secret $SECRET $RESULTS/startup-body.json")

# listen: from spawn to the ready file, polled every 0.2 ms; 30 runs, median.
listen_ms=$(python3 - "$HOOKY" "$RESULTS" <<'PY'
import os, subprocess, sys, time, statistics
hooky, results = sys.argv[1], sys.argv[2]
times = []
for i in range(30):
    ready = os.path.join(results, f"startup-ready-{i}.json")
    if os.path.exists(ready):
        os.remove(ready)
    start = time.perf_counter()
    p = subprocess.Popen([hooky, "listen", "--port", "0", "--no-capture", "--ready-file", ready],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + 5
    while not os.path.exists(ready) and time.perf_counter() < deadline:
        time.sleep(0.0002)
    times.append((time.perf_counter() - start) * 1000)
    p.terminate(); p.wait()
    if os.path.exists(ready):
        os.remove(ready)
print("%.2f" % statistics.median(times))
PY
)
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "pass" : "FAIL" }'; }
printf '%-34s %10s %10s %6s\n' "command" "median ms" "target" ""
printf '%-34s %10s %10s %6s\n' "hooky --version" "$version_ms" "< 10" "$(verdict "$version_ms" 10)"
printf '%-34s %10s %10s %6s\n' "hooky sign --scheme stripe FILE" "$sign_ms" "< 10" "$(verdict "$sign_ms" 10)"
printf '%-34s %10s %10s %6s\n' "hooky listen until ready file" "$listen_ms" "< 50" "$(verdict "$listen_ms" 50)"
row "start-up: \`hooky --version\`, median" "$version_ms ms" "—" "—" "< 10 ms" "$(verdict "$version_ms" 10)"
row "start-up: \`hooky sign\`, median" "$sign_ms ms" "—" "—" "< 10 ms" "$(verdict "$sign_ms" 10)"
row "start-up: \`hooky listen\` until ready, median" "$listen_ms ms" "—" "—" "< 50 ms" "$(verdict "$listen_ms" 50)"
