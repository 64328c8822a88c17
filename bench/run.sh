#!/usr/bin/env bash
# Runs every benchmark and prints their tables, each figure with its target and pass/FAIL, then
# the summary as the markdown table of the README's "Performance" section. Loopback only; takes a
# few minutes (ROUNDS and DURATION shorten or lengthen the rounds of listen and send).
# Usage: bench/run.sh
set -euo pipefail
cd "$(dirname "$0")"
source ./lib.sh
: >"$SUMMARY"
export SUMMARY
echo "== listen"; ./listen.sh
echo; echo "== send"; ./send.sh
echo; echo "== replay"; ./replay.sh
echo; echo "== memory"; ./memory.sh
echo; echo "== start-up"; ./startup.sh
echo
echo "== summary (the README's performance table)"
echo "| what | hooky | reference, same run | ratio | target | |"
echo "| --- | --- | --- | --- | --- | --- |"
cat "$SUMMARY"
if grep -q '| FAIL |$' "$SUMMARY"; then echo; echo "some targets missed: see FAIL above"; fi
