#!/usr/bin/env bash
# The back office's preview, server-side (issue 14): a 2,000-word entry with
# 50 citations through the whole router, 1,000 runs; prints p50/p90/p99/max.
# Goal: p99 under 20 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/abide-bench-target}"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%Y-%m-%dT%H:%MZ)"
cargo bench --locked -p abide-web --bench preview
