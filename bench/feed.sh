#!/usr/bin/env bash
# The feed on a large capture file: peak RSS of `hooky listen` and wall time of
# GET /_hooky/requests?since=0&limit=1000 (big bodies first) and GET /_hooky/requests/<last seq>
# (a small record at the end of the file). Loopback only; one listener, a few requests.
# Usage: HOOKY=path/to/hooky bench/feed.sh [BIG_RECORDS] [SMALL_RECORDS]
#   BIG_RECORDS of 1 MiB bodies (default 1000), then SMALL_RECORDS of 100 bytes (default 300000).
set -euo pipefail
BIG=${1:-1000} SMALL=${2:-300000}
HOOKY=${HOOKY:-$(cd "$(dirname "$0")/.." && pwd)/target/release/hooky}
[ -x "$HOOKY" ] || { echo "no hooky binary at $HOOKY: cargo build --release, or set HOOKY" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
capture=$work/captures.jsonl ready=$work/ready.json
python3 - "$capture" "$BIG" "$SMALL" <<'PY'
import json, sys
path, big, small = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def line(seq, body):
    return json.dumps({"seq": seq, "id": f"req_{seq}", "received_at": "2026-01-01T00:00:00.000Z",
        "remote_addr": "127.0.0.1:1", "method": "POST", "path": "/hooks", "query": None,
        "headers": [["content-type", "application/json"]], "event_type": None, "event_id": None,
        "body": body, "body_encoding": "utf8", "body_size": len(body), "body_sha256": "",
        "verdict": {"verdict": "unsigned"}, "status": 200}, separators=(",", ":")) + "\n"
with open(path, "w") as f:
    chunk = "x" * (1 << 20)
    for seq in range(1, big + 1):
        f.write(line(seq, chunk))
    for seq in range(big + 1, big + small + 1):
        f.write(line(seq, "y" * 100))
PY
echo "capture: $(du -h "$capture" | cut -f1), $((BIG + SMALL)) records"
"$HOOKY" listen --port 0 --capture "$capture" --ready-file "$ready" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do [ -s "$ready" ] && break; sleep 0.05; done
read -r url key < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["url"], r.get("key",""))' "$ready")
hwm() { awk '/^VmHWM:/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status"; }
echo "ready; peak RSS so far: $(hwm)"
get() { curl -s -o /dev/null -H "X-Hooky-Key: $key" -w "%{http_code} %{size_download} bytes %{time_total} s" "$url$1"; }
echo "GET /_hooky/requests?since=0&limit=1000: $(get '/_hooky/requests?since=0&limit=1000'); peak RSS $(hwm)"
last=$((BIG + SMALL))
echo "GET /_hooky/requests/$last: $(get "/_hooky/requests/$last"); peak RSS $(hwm)"
echo "GET /_hooky/requests?since=$((last - 5)): $(get "/_hooky/requests?since=$((last - 5))"); peak RSS $(hwm)"
