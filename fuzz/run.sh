#!/bin/sh
# Runs every fuzz target in turn for SECONDS each (default 600), seeded from fuzz/seeds/.
# Stable toolchain: RUSTC_BOOTSTRAP=1 lets it accept the nightly-only sanitizer flags.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")"
seconds=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-"signature_verify capture_reader har_reader template expressions"}
for target in $targets; do
    mkdir -p "corpus/$target"
    cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
    RUSTC_BOOTSTRAP=1 nice cargo fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536
done
