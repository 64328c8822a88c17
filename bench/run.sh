#!/usr/bin/env bash
# Runs every benchmark and prints their tables, each figure with its target and pass/FAIL.
# Loopback only; takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")"
echo "== listen"; ./listen.sh
echo; echo "== send"; ./send.sh
echo; echo "== replay"; ./replay.sh
echo; echo "== memory"; ./memory.sh
echo; echo "== start-up"; ./startup.sh
