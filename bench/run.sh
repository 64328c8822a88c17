#!/usr/bin/env bash
# Runs every benchmark and prints their tables. Loopback only; takes about a minute.
set -euo pipefail
cd "$(dirname "$0")"
echo "== listen"; ./listen.sh
echo; echo "== send"; ./send.sh
