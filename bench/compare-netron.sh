#!/usr/bin/env bash
# Whole-process time and peak memory, side by side, of `anecompat MODEL --exit-zero` (the CLI given as $1: the
# NativeAOT binary or `dotnet path/AneCompat.Cli.dll`) and of Netron's Core ML loader on the same file
# (../shared/bench/netron/load.mjs, NETRON_ROOT pointing at a checkout of Netron's sources: see that folder's README;
# no Netron code is kept here). Every model of expected-ops.json in the corpus ($ANECOMPAT_CORPUS or
# ../shared/corpus), or the MODEL-KEYs given. Each tool runs RUNS times (default 5) per model, alternating, after one
# untimed warm-up run each (file cache); the table gives the median wall-clock time in ms (spawn to reap, timed by
# bench/run-timed.py) and the peak RSS in MiB (the child's own, from os.wait4; largest of the runs). Prints the
# machine's load average first: compare on a quiet machine.
#   bash bench/compare-netron.sh /path/to/AneCompat.Cli [MODEL-KEY…]
set -uo pipefail
cd "$(dirname "$0")/.."
cli=${1:?usage: compare-netron.sh CLI [MODEL-KEY…]}; shift
corpus=${ANECOMPAT_CORPUS:-../shared/corpus}
loader=${NETRON_LOADER:-../shared/bench/netron/load.mjs}
runs=${RUNS:-5}
keys=("$@")
if [ ${#keys[@]} -eq 0 ]; then
  mapfile -t keys < <(python3 -c "import json,sys; print('\n'.join(sorted(json.load(open(sys.argv[1])))))" "$corpus/expected-ops.json")
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
once() { # once TAG COMMAND…: runs the command once (stdout to $tmp/out); appends "ns kib" to $tmp/samples.TAG
  local tag=$1; shift
  python3 bench/run-timed.py "$tmp/out" "$@" >>"$tmp/samples.$tag"
}
summary() { # median ms and max MiB of the samples in $1
  sort -n "$1" | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END { printf "%.0f %.1f", t[int((NR + 1) / 2)] / 1e6, m / 1024 }'
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each, median"
echo
echo "| model | ops (Netron nodes) | anecompat ms | Netron ms | speed-up | anecompat MiB | Netron MiB |"
echo "|---|--:|--:|--:|--:|--:|--:|"
for key in "${keys[@]}"; do
  model="$corpus/$key"
  rm -f "$tmp"/samples.*
  $cli "$model" --exit-zero >/dev/null 2>&1; node "$loader" "$model" >/dev/null 2>&1
  for _ in $(seq "$runs"); do
    once a "$cli" "$model" --exit-zero
    once n node "$loader" "$model"
  done
  read -r a_ms a_mb <<<"$(summary "$tmp/samples.a")"
  read -r n_ms n_mb <<<"$(summary "$tmp/samples.n")"
  nodes=$(python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline() or '{}'); print(d.get('nodes_all') if d.get('ok') else 'fails')" "$tmp/out" 2>/dev/null)
  if [ "$nodes" = "fails" ] || [ -z "$nodes" ]; then speed="n/a (Netron fails)"; else speed=$(awk -v a="$a_ms" -v n="$n_ms" 'BEGIN { printf "%.1f×", n / (a > 0 ? a : 1) }'); fi
  echo "| $key | ${nodes:-?} | $a_ms | $n_ms | $speed | $a_mb | $n_mb |"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
