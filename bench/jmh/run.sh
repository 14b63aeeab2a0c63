#!/usr/bin/env bash
# Builds and runs the JMH benchmarks of translation and telemetry (bench/jmh), writing raw results
# to bench/results/jmh-<UTC timestamp>/ and printing the markdown tables of docs/benchmarks.md.
#
#   bench/jmh/run.sh                       # everything, about 5 minutes
#   bench/jmh/run.sh 'TranslationBench.request' -p pair=openai-chat>gemini-generate
#   JMH_PROF='gc stack' bench/jmh/run.sh TranslationBench.stream
#
# Extra arguments go to JMH (a benchmark regex, -p, -f, -wi, -i ...; `-h` lists them).
# Settings (environment):
#   JMH_PROF   profilers to add, space-separated (default: gc, for the allocation per operation;
#              `JMH_PROF=` for none; e.g. `stack`, or `jfr` for a JFR recording per fork)
#   MVN_ARGS   extra Maven arguments for both builds (e.g. -o to stay offline)
set -euo pipefail

HERE="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd -P "$HERE/../.." && pwd)"
# shellcheck source=../../bin/lib/java.sh disable=SC1091
. "$ROOT/bin/lib/java.sh"
aigw_find_java --jdk || exit 1
aigw_maven_env
if ! aigw_find_mvn "$ROOT"; then
  echo "error: Maven (mvn) not found on PATH; install it (e.g. apt-get install maven) or set MVN" >&2
  exit 1
fi
JMH_PROF="${JMH_PROF-gc}"
# shellcheck disable=SC2206  # word splitting intended
mvn_args=(-B -q ${MVN_ARGS:-})

OUT="$ROOT/bench/results/jmh-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

load() {
  printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$(uptime | sed 's/.*load average/load average/')"
  [ -r /proc/pressure/cpu ] && sed 's/^/  cpu pressure /' /proc/pressure/cpu | head -n 1
  return 0
}

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (src modified)')"
  echo "cpus: $(nproc 2>/dev/null || echo '?') ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'))"
  echo "memory: $(grep -m1 MemTotal /proc/meminfo 2>/dev/null | awk '{printf "%.1f GiB", $2/1048576}')"
  echo "kernel: $(uname -sr)"
  echo "java: $(aigw_java_describe)"
  echo "jmh args: $* ${JMH_PROF:+(profilers: $JMH_PROF)}"
} >"$OUT/machine.txt"
echo "load before the build:" >"$OUT/machine-load.txt"
load >>"$OUT/machine-load.txt"

echo "building target/ai-gateway.jar and bench/jmh/target/benchmarks.jar with $(aigw_java_describe)" >&2
(cd "$ROOT" && "$MVN" "${mvn_args[@]}" -Dmaven.test.skip=true package)
(cd "$HERE" && "$MVN" "${mvn_args[@]}" package)

echo "load before the run:" >>"$OUT/machine-load.txt"
load >>"$OUT/machine-load.txt"
prof=()
for p in $JMH_PROF; do prof+=(-prof "$p"); done
status=0
"$JAVA" -jar "$HERE/target/benchmarks.jar" -rf json -rff "$OUT/results.json" ${prof[@]+"${prof[@]}"} "$@" \
  2>&1 | tee "$OUT/jmh.txt" || status=$?
echo "load after the run:" >>"$OUT/machine-load.txt"
load >>"$OUT/machine-load.txt"

if [ -s "$OUT/results.json" ]; then
  "$JAVA" -cp "$HERE/target/benchmarks.jar" dev.aigw.bench.Summary "$OUT/results.json" | tee "$OUT/summary.md"
fi
echo >&2
cat "$OUT/machine-load.txt" >&2
echo "results: $OUT" >&2
exit "$status"
