#!/usr/bin/env bash
# Profiles a benchmark phase with Linux perf (BENCHMARKS.md, session 7): runs the benchmark, waits for
# a line of its output, waits DELAY more seconds, then records SECONDS of samples:
#   machine   every process, with call graphs (frame pointers); the platform runs with
#             --perf-basic-prof-only-functions so its JavaScript functions have names
#   postgres  the busiest PostgreSQL backend (during verification: the audit writer's), with DWARF
#             call graphs, since PostgreSQL has no frame pointers
# Usage: bench/perf-phase.sh machine|postgres 'MARKER' DELAY SECONDS -- node --import tsx bench/….bench.ts …
#   e.g. bench/perf-phase.sh machine '^baseline #1' 4 8 -- node --import tsx bench/exchange-verify.bench.ts --dir bench-pg --people 10000000 --seconds 16 --rounds 1
# Then: perf report -i .tmp/perf.data --stdio --no-children --sort comm,pid -g none
set -euo pipefail
mode=$1 marker=$2 delay=$3 seconds=$4
shift 5
cd "$(dirname "$0")/.."
mkdir -p .tmp
log=.tmp/perf-phase.log
if [ "$mode" = machine ]; then export BENCH_APP_NODE_OPTIONS="--perf-basic-prof-only-functions"; fi
"$@" > "$log" 2>&1 &
bench=$!
until grep -q -- "$marker" "$log" 2>/dev/null; do
  kill -0 "$bench" 2>/dev/null || { echo "the benchmark ended before '$marker'; see $log" >&2; exit 1; }
  sleep 0.5
done
sleep "$delay"
case "$mode" in
  machine) perf record -a -g -F 999 -o .tmp/perf.data -- sleep "$seconds" 2>/dev/null ;;
  postgres)
    pid=$(ps -eo pid,comm --sort=-pcpu | awk '$2 == "postgres" { print $1; exit }')
    echo "profiling PostgreSQL backend $pid: $(ps -o args= -p "$pid")"
    perf record -p "$pid" --call-graph dwarf,16384 -F 499 -o .tmp/perf.data -- sleep "$seconds" 2>/dev/null ;;
  *) echo "mode: machine or postgres" >&2; kill "$bench"; exit 2 ;;
esac
wait "$bench"
grep -v '^RESULT' "$log" | tail -6
echo "samples in .tmp/perf.data"
