#!/usr/bin/env bash
# Whole-process time and peak memory, side by side, of `anecompat MODEL` (the CLI given as $1: the NativeAOT binary
# or `dotnet path/AneCompat.Cli.dll`) and of Netron's Core ML loader on the same file (../shared/bench/netron/load.mjs,
# NETRON_ROOT pointing at a checkout of Netron's sources: see that folder's README; no Netron code is kept here).
# Every model of expected-ops.json in the corpus ($ANECOMPAT_CORPUS or ../shared/corpus), each run back to back,
# one run each; prints a markdown table (times in ms from GNU time's wall clock, peak RSS in MiB).
#   bash bench/compare-netron.sh /path/to/AneCompat.Cli [MODEL-KEY…]
set -uo pipefail
cd "$(dirname "$0")/.."
cli=${1:?usage: compare-netron.sh CLI [MODEL-KEY…]}; shift
corpus=${ANECOMPAT_CORPUS:-../shared/corpus}
loader=${NETRON_LOADER:-../shared/bench/netron/load.mjs}
keys=("$@")
if [ ${#keys[@]} -eq 0 ]; then
  mapfile -t keys < <(python3 -c "import json,sys; print('\n'.join(sorted(json.load(open(sys.argv[1])))))" "$corpus/expected-ops.json")
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
measure() { # runs "$@" once, its stdout to $tmp/out; prints "ms rss_mib"
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out" 2>/dev/null
  tail -1 "$tmp/time" | awk '{ printf "%d %.1f", $1 * 1000, $2 / 1024 }'
}
echo "| model | ops (Netron nodes) | anecompat ms | Netron ms | speed-up | anecompat MiB | Netron MiB |"
echo "|---|--:|--:|--:|--:|--:|--:|"
for key in "${keys[@]}"; do
  model="$corpus/$key"
  read -r a_ms a_mb <<<"$(measure $cli "$model" --exit-zero)"
  read -r n_ms n_mb <<<"$(measure node "$loader" "$model")"
  nodes=$(python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline() or '{}'); print(d.get('nodes_all') if d.get('ok') else 'fails')" "$tmp/out" 2>/dev/null)
  if [ "$nodes" = "fails" ] || [ -z "$nodes" ]; then speed="n/a (Netron fails)"; else speed=$(awk -v a="$a_ms" -v n="$n_ms" 'BEGIN { printf "%.1f×", n / (a > 0 ? a : 1) }'); fi
  echo "| $key | ${nodes:-?} | $a_ms | $n_ms | $speed | $a_mb | $n_mb |"
done
