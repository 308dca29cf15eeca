#!/usr/bin/env bash
# The ML-program scaling table of docs/performance.md: generates ML programs of 10k, 30k and 100k ops (or the counts
# given after the CLI) with the bench project's make-program, then runs `anecompat dump MODEL` (read only) and
# `anecompat MODEL --exit-zero` (read, analyse, text) on each, once, with GNU time: wall clock, CPU (user + system)
# and peak RSS. Prints the machine's load average first: wall clock means something only on a quiet machine.
#   bash bench/scale-program.sh /path/to/AneCompat.Cli [OPS…]
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${1:?usage: scale-program.sh CLI [OPS…]}; shift
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(10000 30000 100000)
dir=${SCALE_DIR:-${TMPDIR:-/tmp}/anecompat-scale}; mkdir -p "$dir"
dotnet build bench/AneCompat.Bench -c Release -v quiet -nologo >/dev/null
bench="dotnet bench/AneCompat.Bench/bin/Release/net10.0/AneCompat.Bench.dll"
measure() { # prints "wall s | cpu s | MiB"
  /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$@" >/dev/null 2>&1 || true
  awk '{ printf "%.2f s | %.2f s | %.1f", $1, $2 + $3, $4 / 1024 }' "$dir/time"
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| ops | dump: wall | dump: CPU | dump: peak MiB | analyse: wall | analyse: CPU | analyse: peak MiB |"
echo "|--:|--:|--:|--:|--:|--:|--:|"
for n in "${counts[@]}"; do
  model="$dir/p$n.mlpackage"
  [ -d "$model" ] || $bench make-program --ops "$n" "$model" >/dev/null
  echo "| $n | $(measure "$cli" dump "$model") | $(measure "$cli" "$model" --exit-zero) |"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
