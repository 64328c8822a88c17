#!/usr/bin/env bash
# Listen memory under huge event ids (issue 13.4): N requests (default 100), each a JSON body whose
# `id` is a distinct 10 MiB string, posted one at a time to hooky listen; its RSS read after the
# 1st request and every 10th. hooky keeps a 32-byte digest per id (none for ids over 256 bytes),
# so RSS must stay flat: target, the last reading within 25 % of the one after the first request
# (before the fix each request added ~24 MiB: 40 such requests took listen to 975 MB).
# HOOKY=path/to/hooky runs that binary instead of building a release one (e.g. target/debug/hooky).
# CAPTURE=1 captures too (writes N × 10 MiB to bench/results/). Loopback only, bounded by N.
# Usage: bench/dedup_ids.sh [N]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
N=${1:-100}
if [ -z "${HOOKY:-}" ]; then
  (cd "$ROOT" && cargo build --release -q)
  HOOKY=${CARGO_TARGET_DIR:-$ROOT/target}/release/hooky
fi

capture=$RESULTS/dedup-captures.jsonl ready=$RESULTS/dedup-ready.json
rm -f "$capture" "$ready"
capture_args=(--no-capture)
[ "${CAPTURE:-0}" = 1 ] && capture_args=(--capture "$capture")
"$HOOKY" listen --port 0 --max-body 16MiB "${capture_args[@]}" --ready-file "$ready" \
  >/dev/null 2>"$RESULTS/dedup.log" &
pid=$!; PIDS+=($pid)
wait_ready "$ready" "$RESULTS/dedup.log"

python3 - "$URL" "$N" "$pid" <<'PY'
import http.client, sys, urllib.parse
url, n, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host = urllib.parse.urlparse(url)
pad = "x" * (10 * 1024 * 1024)

def rss_mib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

print(f"{'requests':>9} {'RSS MiB':>9}")
first = last = None
for i in range(1, n + 1):
    body = ('{"type":"bench.huge_id","id":"%08d%s"}' % (i, pad)).encode()
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    conn.request("POST", "/hooks", body, {"Content-Type": "application/json"})
    status = conn.getresponse().status
    conn.close()
    assert status == 200, status
    if i == 1 or i % 10 == 0:
        last = rss_mib()
        first = first or last
        print(f"{i:>9} {last:>9.1f}")
growth = last / first
print()
print(f"RSS after {n} requests: {last:.1f} MiB; growth, last / after the first: {growth:.2f}"
      f"   (target <= 1.25)   {'pass' if growth <= 1.25 else 'FAIL'}")
PY
stop_int "$pid"
rm -f "$capture"
