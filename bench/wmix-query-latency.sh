#!/usr/bin/env bash
# End-to-end latency of the wmix tool, from process start to the last row printed:
#   bench/wmix-query-latency.sh [RUNS] [WQL]
# Publishes src/Wmix.Cli in Release (framework-dependent, ReadyToRun) to a temporary folder, runs the query RUNS
# times (default 30, after 3 warm-up runs) against a throw-away repository, and prints min / p50 / p95 / max in ms.
# With hyperfine installed it also runs hyperfine on the same command for comparison.
set -euo pipefail
runs=${1:-30}
query=${2:-"SELECT ProcessId, Name, WorkingSetSize FROM Win32_Process"}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/wmix-latency.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet publish "$root/src/Wmix.Cli" -c Release -o "$work/cli" -p:PublishReadyToRun=true --nologo -v quiet >/dev/null
export WMIX_REPOSITORY="$work/repo" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cmd=(dotnet "$work/cli/wmix.dll" query "$query")
rows=$("${cmd[@]}" | wc -l)   # also creates the repository (first open installs the built-in classes)
for _ in 1 2 3; do "${cmd[@]}" >/dev/null; done
times=()
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  "${cmd[@]}" >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
pct() { local i=$(( ($1 * runs + 99) / 100 - 1 )); (( i < 0 )) && i=0; echo "${sorted[$i]}"; }
echo "wmix query \"$query\": $rows lines, $runs runs"
echo "min ${sorted[0]} ms  p50 $(pct 50) ms  p95 $(pct 95) ms  max ${sorted[$((runs - 1))]} ms"
echo "machine: $(nproc) cpu, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs "$runs" --output=null "dotnet $work/cli/wmix.dll query '$query'"
fi
