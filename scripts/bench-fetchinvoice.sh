#!/usr/bin/env bash
# fetchinvoice round trip against local Core Lightning regtest nodes, ours and Core
# Lightning's own, side by side in the same run (BENCHMARKS.md, "fetchinvoice round trip").
#
# Two nodes A and B, connected (the interop harness: cln-nodes --nodes 2 --connect). B makes
# an offer; each iteration fetches its invoice once each way, interleaved:
#   ours:  `bolt12 fetchinvoice <B's offer> --via <A>`: a process that connects to A over
#          BOLT 8, sends the invoice_request through A to B, waits for the invoice on its
#          reply path (B -> A -> us) and checks it (release build);
#   CLN:   `lightning-cli fetchinvoice <B's offer>` on A: A sends it to its peer B and
#          waits for the invoice (RPC over A's unix socket; A's connection to B is already up).
# And, for what of ours is connection setup: `bolt12 ping <A>` (process start, TCP connect,
# BOLT 8 handshake, init, one ping).
# Iterations are paced (>= 300 ms between fetches) for Core Lightning's onion-message rate
# limit (a bucket of 4 per peer, one more every 250 ms). Prints the medians, the p90s, the
# ratio and the raw times. The same from the page (the npm package in Chromium), beside the
# CLI and lightning-cli in one run: node web-demo/bench/fetchinvoice.mjs [N].
#
#   scripts/bench-fetchinvoice.sh [iterations, default 30]
#
# The nodes are stopped by closing cln-nodes' stdin, then by pid if still running.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
n="${1:-30}"

CLN_PREFIX="${CLN_PREFIX:-$(./interop/build-cln.sh)}"
export CLN_PREFIX
cli="$CLN_PREFIX/bin/lightning-cli"
cargo build -q -p cln-interop --bin cln-nodes
cargo build -q --release -p bolt12-cli
bolt12="$CARGO_TARGET_DIR/release/bolt12"

work="$(mktemp -d)"
mkfifo "$work/stdin"
nodes_pid=""
node_pids=()
cleanup() {
    exec 3>&- 2>/dev/null || true
    if [[ -n "$nodes_pid" ]]; then
        for _ in $(seq 100); do kill -0 "$nodes_pid" 2>/dev/null || break; sleep 0.1; done
        kill "$nodes_pid" 2>/dev/null || true
    fi
    for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

"$CARGO_TARGET_DIR/debug/cln-nodes" --nodes 2 --connect <"$work/stdin" >"$work/nodes.json" &
nodes_pid=$!
exec 3>"$work/stdin"
for _ in $(seq 600); do
    [[ -s "$work/nodes.json" ]] && break
    kill -0 "$nodes_pid" 2>/dev/null || { echo "cln-nodes exited" >&2; exit 1; }
    sleep 0.1
done
[[ -s "$work/nodes.json" ]] || { echo "cln-nodes did not start in 60 s" >&2; exit 1; }
mapfile -t node_pids < <(jq -r '.nodes[].pid' "$work/nodes.json")
a_id="$(jq -r '.nodes[0].id' "$work/nodes.json")"
a_tcp="$(jq -r '.nodes[0].tcp' "$work/nodes.json")"
a_rpc="$(jq -r '.nodes[0].rpc' "$work/nodes.json")"
b_rpc="$(jq -r '.nodes[1].rpc' "$work/nodes.json")"
offer="$("$cli" --rpc-file="$b_rpc" offer 1000msat bench | jq -r .bolt12)"

us_since() { echo $(( ($(date +%s%N) - $1) / 1000 )); }  # microseconds
pace() { sleep 0.3; }

ours=()
theirs=()
pings=()
# One untimed fetch each way first (A learns the route, caches warm).
"$bolt12" fetchinvoice "$offer" --via "$a_id@$a_tcp" --timeout 20 >/dev/null
pace
"$cli" --rpc-file="$a_rpc" fetchinvoice "$offer" >/dev/null
pace
for _ in $(seq "$n"); do
    t=$(date +%s%N)
    "$bolt12" fetchinvoice "$offer" --via "$a_id@$a_tcp" --timeout 20 >"$work/ours.json"
    ours+=("$(us_since "$t")")
    jq -e '.invoice | startswith("lni1")' "$work/ours.json" >/dev/null
    pace
    t=$(date +%s%N)
    "$cli" --rpc-file="$a_rpc" fetchinvoice "$offer" >"$work/cln.json"
    theirs+=("$(us_since "$t")")
    jq -e '.invoice | startswith("lni1")' "$work/cln.json" >/dev/null
    t=$(date +%s%N)
    "$bolt12" ping "$a_id@$a_tcp" >/dev/null
    pings+=("$(us_since "$t")")
    pace
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'; }
# p90: the ceil(0.9 n)-th smallest.
p90() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {i=int(0.9*NR); if (i<0.9*NR) i++; printf "%.1f", a[i]/1000}'; }
m_ours="$(median "${ours[@]}")"
m_cln="$(median "${theirs[@]}")"
m_ping="$(median "${pings[@]}")"
echo "iterations: $n"
echo "ours (bolt12 fetchinvoice --via A, release): median $m_ours ms, p90 $(p90 "${ours[@]}") ms"
echo "Core Lightning (lightning-cli fetchinvoice on A): median $m_cln ms, p90 $(p90 "${theirs[@]}") ms"
echo "bolt12 ping A (connection setup of ours): median $m_ping ms, p90 $(p90 "${pings[@]}") ms"
awk -v o="$m_ours" -v c="$m_cln" 'BEGIN { printf "ratio ours / CLN: %.2fx\n", o / c }'
echo "ours (us): ${ours[*]}"
echo "CLN (us): ${theirs[*]}"
echo "ping (us): ${pings[*]}"
echo stop >&3
