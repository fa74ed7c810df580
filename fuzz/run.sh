#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder (cargo-fuzz, libFuzzer, AddressSanitizer).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Installs cargo-fuzz if missing (pinned), builds every target once, then runs each (or
# the ones named) for SECONDS_PER_TARGET (default 20) on its checked-in corpus
# (fuzz/corpus/<target>/, read only: new inputs go to fuzz/target/work/<target>/). Fails
# on any crash, failed assertion, leak, timeout (an input taking over 10 s) or out-of-memory
# (2 GiB); the input is saved under fuzz/artifacts/<target>/. Replay one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${1:-20}"
shift || true
CARGO_FUZZ_VERSION=0.13.1
# The fuzz crate is its own workspace with its own target dir, whatever the caller uses.
export CARGO_TARGET_DIR="$PWD/target"

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION"; then
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

echo "fuzz: building ${#targets[@]} targets"
cargo +nightly fuzz build

# From libFuzzer's final stats (-print_final_stats=1) and its last status line.
final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1 | grep . || echo '?'; }
final_cov() { sed -n 's/.*DONE *cov: \([0-9]*\).*/\1/p' "$log" | tail -1 | grep . || echo '?'; }

failed=()
summary=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "target/work/$t" "artifacts/$t"
    log="target/work/$t.log"
    echo "fuzz: $t for ${SECONDS_PER_TARGET}s"
    if cargo +nightly fuzz run "$t" "target/work/$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 \
        -detect_leaks=1 -print_final_stats=1 >"$log" 2>&1; then
        summary+=("$(printf '%-24s %12s execs %8s/s %6s new %7s cov %5s MB' "$t" \
            "$(final_stat number_of_executed_units)" "$(final_stat average_exec_per_sec)" \
            "$(final_stat new_units_added)" "$(final_cov)" "$(final_stat peak_rss_mb)")")
    else
        tail -40 "$log"
        failed+=("$t")
        summary+=("$(printf '%-24s FAILED (see %s, fuzz/artifacts/%s)' "$t" "fuzz/$log" "$t")")
    fi
done
printf '\nfuzz summary (%ss per target; executions, per second, new corpus units, final\ncoverage (edges), peak RSS):\n' "$SECONDS_PER_TARGET"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}"
    exit 1
fi
