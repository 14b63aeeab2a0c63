#!/usr/bin/env bash
# Benchmark: the gateway in front of a fast mock OpenAI upstream, compared with the mock alone.
# Run on demand (it is not a test):   bench/run.sh
#
# Measures, direct-to-mock vs through-the-gateway, all on 127.0.0.1:
#   1. saturation throughput  wrk -t2 -c64 (POST of a small chat request), req/s and wrk's p50/p99
#   2. latency at a fixed rate (default 1,000 req/s), open loop, corrected for coordinated
#      omission (bench/FixedRate.java; Debian has no wrk2): p50/p90/p99/max
#   3. latency at concurrency 1 (one request at a time): mean/p50/p99
#   4. SSE streaming throughput  wrk -t2 -c64 with "stream":true (20 chunks + [DONE] per request)
#   5. the gateway's memory after the runs: VmRSS and VmHWM (peak) from /proc/PID/status
# and prints a markdown table; raw output goes to bench/results/<timestamp>/.
#
# Env (defaults in brackets):
#   BENCH_DURATION [10]      seconds of each wrk measurement (each preceded by BENCH_WRK_WARMUP [3])
#   BENCH_RATE [1000]        fixed request rate;  BENCH_FIXED_SECONDS [10], after BENCH_WARMUP [5] s
#   BENCH_SEQ_SECONDS [10]   concurrency-1 measurement, after BENCH_WARMUP
#   BENCH_CONNECTIONS [64]   wrk connections;  BENCH_THREADS [2] wrk threads
#   BENCH_MOCK_PORT [18081] BENCH_GW_PORT [18080] BENCH_ADMIN_PORT [19001]
#   BENCH_QUIET_WAIT [30]    before each measurement, wait up to this many seconds while other
#                            processes keep the CPUs more than 25% busy (the figure is recorded)
#   GATEWAY_JAVA_OPTS [-Xms256m -Xmx512m]   JVM flags of the gateway (passed as JAVA_OPTS)
# Everything it starts is stopped on exit. Total run time with the defaults: about 2.5 minutes.
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib/java.sh
. "$ROOT/bin/lib/java.sh"

DURATION="${BENCH_DURATION:-10}"
WRK_WARMUP="${BENCH_WRK_WARMUP:-3}"
RATE="${BENCH_RATE:-1000}"
FIXED_SECONDS="${BENCH_FIXED_SECONDS:-10}"
SEQ_SECONDS="${BENCH_SEQ_SECONDS:-10}"
WARMUP="${BENCH_WARMUP:-5}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
MOCK_PORT="${BENCH_MOCK_PORT:-18081}"
GW_PORT="${BENCH_GW_PORT:-18080}"
ADMIN_PORT="${BENCH_ADMIN_PORT:-19001}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-30}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xms256m -Xmx512m}"

OUT="$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
MOCK_PID=""
GW_PID=""

stop() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  stop "$GW_PID"
  stop "$MOCK_PID"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench] %s\n' "$*" >&2; }

# ---- prerequisites ----------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
# bin/ai-gateway builds target/ai-gateway.jar when it is missing or older than the sources.
"$ROOT/bin/ai-gateway" --version >/dev/null
aigw_find_java
JAR="$ROOT/target/ai-gateway.jar"

for p in "$MOCK_PORT" "$GW_PORT" "$ADMIN_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "error: port $p is already in use (set BENCH_MOCK_PORT / BENCH_GW_PORT / BENCH_ADMIN_PORT)" >&2
    exit 1
  fi
done

cpu_pressure() { awk '/^some/ { sub("avg10=", "", $2); print $2 }' /proc/pressure/cpu 2>/dev/null || echo 0; }
# Busy % of all CPUs over the next 2 s (between runs our own processes are idle, so this is other work).
cpu_busy() {
  local a b
  a="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat)"
  sleep 2
  b="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); d = y[2] - x[2]; printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}
# Waits (bounded by BENCH_QUIET_WAIT) for other work on the machine to calm down; records what it saw.
quiet() {
  local waited=0 busy
  busy="$(cpu_busy)"
  while [ "$busy" -gt 25 ] && [ "$waited" -lt "$QUIET_WAIT" ]; do
    [ "$waited" = 0 ] && log "other processes keep the CPUs ${busy}% busy; waiting up to ${QUIET_WAIT}s for them"
    sleep 3; waited=$((waited + 5))
    busy="$(cpu_busy)"
  done
  echo "$1: other CPU use ${busy}% (waited ${waited}s), loadavg $(cut -d' ' -f1-3 /proc/loadavg), cpu pressure avg10 $(cpu_pressure)%" >>"$OUT/machine-load.txt"
}

# ---- the machine ----------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'))"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2/1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  echo "java: $(aigw_java_describe)"
  echo "wrk: $(wrk -v 2>&1 | head -n 1)"
  echo "gateway JAVA_OPTS: $GATEWAY_JAVA_OPTS"
  echo "settings: duration=${DURATION}s wrk_warmup=${WRK_WARMUP}s rate=$RATE fixed=${FIXED_SECONDS}s seq=${SEQ_SECONDS}s warmup=${WARMUP}s threads=$THREADS connections=$CONNS"
} >"$OUT/machine.txt"

# ---- request bodies ---------------------------------------------------------------
BODY='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello in one short sentence."}],"temperature":0.2}'
STREAM_BODY="${BODY%\}},\"stream\":true}"
printf '%s' "$BODY" >"$TMP/body.json"
for kind in plain stream; do
  b="$BODY"; [ "$kind" = stream ] && b="$STREAM_BODY"
  cat >"$TMP/$kind.lua" <<EOF
wrk.method = "POST"
wrk.body = [[$b]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-token"
EOF
done

# ---- the mock upstream and the gateway ---------------------------------------------
log "starting the mock upstream on 127.0.0.1:$MOCK_PORT"
"$JAVA" -Xms128m -Xmx256m -cp "$JAR" "$ROOT/bench/MockUpstream.java" "$MOCK_PORT" >"$OUT/mock.log" 2>&1 &
MOCK_PID=$!

cat >"$TMP/gateway.yaml" <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: bench, namespace: default}
spec:
  gatewayClassName: kgateway
  listeners:
  - {name: http, protocol: HTTP, port: $GW_PORT}
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: mock-openai, namespace: default}
spec:
  type: AI
  ai:
    llm:
      host: 127.0.0.1
      port: $MOCK_PORT
      openai:
        authToken:
          kind: Inline
          inline: bench-token
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bench, namespace: default}
spec:
  parentRefs: [{name: bench}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v1}}]
    backendRefs: [{name: mock-openai, group: gateway.kgateway.dev, kind: Backend}]
EOF
cp "$TMP/gateway.yaml" "$OUT/gateway.yaml"

log "starting the gateway on 127.0.0.1:$GW_PORT (JAVA_OPTS=$GATEWAY_JAVA_OPTS)"
JAVA_OPTS="$GATEWAY_JAVA_OPTS -Xlog:gc:file=$OUT/gateway-gc.log" "$ROOT/bin/ai-gateway" run -f "$TMP/gateway.yaml" --bind-address 127.0.0.1 \
  --admin-port "$ADMIN_PORT" --watch-interval 0 >"$OUT/gateway.log" 2>&1 &
GW_PID=$!   # bin/ai-gateway execs java: this is the JVM's pid

DIRECT="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
GATEWAY="http://127.0.0.1:$GW_PORT/v1/chat/completions"
for i in $(seq 150); do
  if curl -fs -o /dev/null "http://127.0.0.1:$ADMIN_PORT/readyz" \
     && curl -fs -o /dev/null -X POST -d '{}' "$DIRECT"; then break; fi
  kill -0 "$GW_PID" 2>/dev/null || { cat "$OUT/gateway.log" >&2; echo "error: the gateway exited" >&2; exit 1; }
  kill -0 "$MOCK_PID" 2>/dev/null || { cat "$OUT/mock.log" >&2; echo "error: the mock upstream exited" >&2; exit 1; }
  [ "$i" = 150 ] && { echo "error: gateway or mock not ready after 30 s" >&2; exit 1; }
  sleep 0.2
done

# Sanity: the gateway returns what the mock returns, and streams.
d="$(curl -fsS -X POST -H 'content-type: application/json' --data-binary @"$TMP/body.json" "$DIRECT")"
g="$(curl -fsS -X POST -H 'content-type: application/json' --data-binary @"$TMP/body.json" "$GATEWAY")"
if [ "$d" != "$g" ]; then
  printf 'error: the gateway answer differs from the mock one:\n%s\n' "$g" >&2
  exit 1
fi
n="$(curl -fsS -N -X POST -H 'content-type: application/json' -d "$STREAM_BODY" "$GATEWAY" | grep -c '^data: ')"
[ "$n" = 21 ] || { echo "error: expected 21 SSE events through the gateway, got $n" >&2; exit 1; }
log "sanity checks passed (same ${#d}-byte completion direct and via the gateway; 21 SSE events)"

# ---- measurements -------------------------------------------------------------------
# Cost accounting around each measurement: CPU time (utime+stime, clock ticks) and write
# syscalls (/proc/PID/io syscw) of the gateway and the mock. Robust to other load on the machine.
TICK_US=$((1000000 / $(getconf CLK_TCK)))
cost() { echo "$(awk '{ print $14 + $15 }' "/proc/$1/stat") $(awk '/^syscw/ { print $2 }' "/proc/$1/io")"; }
begin_cost() { c_gw0="$(cost "$GW_PID")"; c_mock0="$(cost "$MOCK_PID")"; }
end_cost() {  # NAME REQUESTS
  local g m
  g="$(cost "$GW_PID")"; m="$(cost "$MOCK_PID")"
  awk -v n="$2" -v t="$TICK_US" -v g0="$c_gw0" -v g1="$g" -v m0="$c_mock0" -v m1="$m" 'BEGIN {
    split(g0, a, " "); split(g1, b, " "); split(m0, c, " "); split(m1, d, " ");
    if (n > 0) printf "COST gw_cpu_us=%.1f gw_writes=%.2f mock_cpu_us=%.1f mock_writes=%.2f\n",
      (b[1] - a[1]) * t / n, (b[2] - a[2]) / n, (d[1] - c[1]) * t / n, (d[2] - c[2]) / n }' >>"$OUT/$1.txt"
}
# wrk_run NAME URL LUA: warm-up, then the measured run into $OUT/NAME.txt
wrk_run() {
  local name="$1" url="$2" lua="$3"
  quiet "$name"
  wrk -t"$THREADS" -c"$CONNS" -d"${WRK_WARMUP}s" -s "$lua" "$url" >/dev/null
  log "wrk $name (${DURATION}s)"
  begin_cost
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$lua" "$url" >"$OUT/$name.txt"
  end_cost "$name" "$(awk '/requests in/ { print $1 }' "$OUT/$name.txt")"
}
# fixed NAME URL RATE SECONDS (RATE 0 = concurrency 1)
fixed() {
  local name="$1" url="$2" rate="$3" secs="$4"
  quiet "$name"
  log "FixedRate $name (rate ${rate/#0/sequential}, ${WARMUP}s warm-up + ${secs}s)"
  begin_cost
  "$JAVA" -Xms64m -Xmx256m -cp "$JAR" "$ROOT/bench/FixedRate.java" "$url" "$TMP/body.json" "$rate" "$secs" "$WARMUP" "$CONNS" \
    >"$OUT/$name.txt" 2>&1
  # (includes the warm-up requests, which were sent at the same rate)
  end_cost "$name" "$(sed -n 's/^RESULT .*sent=\([0-9]*\).*/\1/p' "$OUT/$name.txt" | awk -v r="$rate" -v w="$WARMUP" '{ print (r > 0 ? $1 + r * w : $1) }')"
}

wrk_run saturation-direct "$DIRECT" "$TMP/plain.lua"
wrk_run saturation-gateway "$GATEWAY" "$TMP/plain.lua"
fixed fixed-rate-direct "$DIRECT" "$RATE" "$FIXED_SECONDS"
fixed fixed-rate-gateway "$GATEWAY" "$RATE" "$FIXED_SECONDS"
fixed sequential-direct "$DIRECT" 0 "$SEQ_SECONDS"
fixed sequential-gateway "$GATEWAY" 0 "$SEQ_SECONDS"
wrk_run sse-direct "$DIRECT" "$TMP/stream.lua"
wrk_run sse-gateway "$GATEWAY" "$TMP/stream.lua"

grep -E '^Vm(RSS|HWM)' "/proc/$GW_PID/status" >"$OUT/gateway-memory.txt"
curl -fsS "http://127.0.0.1:$ADMIN_PORT/config_dump" >"$OUT/config_dump.json" 2>/dev/null || true

# ---- summary --------------------------------------------------------------------------
# wrk prints latencies as 812.00us / 1.23ms / 2.00s: convert to microseconds
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n }'; }
wrk_rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$OUT/$1.txt"; }
wrk_pct() { to_us "$(awk -v p="$2%" '$1 == p { print $2 }' "$OUT/$1.txt")"; }
wrk_err() {
  awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$OUT/$1.txt"
}
costv() { sed -n 's/^COST //p' "$OUT/$1.txt" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
res() { sed -n 's/^RESULT //p' "$OUT/$1.txt" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f ms", (b - a) / 1000 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.0f%%", 100 * b / a; else print "-" }'; }

sd=$(wrk_rps saturation-direct); sg=$(wrk_rps saturation-gateway)
ed=$(wrk_rps sse-direct); eg=$(wrk_rps sse-gateway)
rss=$(awk '/VmRSS/ { printf "%.0f MiB", $2/1024 }' "$OUT/gateway-memory.txt")
hwm=$(awk '/VmHWM/ { printf "%.0f MiB", $2/1024 }' "$OUT/gateway-memory.txt")
errors=0
for f in saturation-direct saturation-gateway sse-direct sse-gateway; do errors=$((errors + $(wrk_err $f))); done
for f in fixed-rate-direct fixed-rate-gateway sequential-direct sequential-gateway; do errors=$((errors + $(res $f errors))); done

row() { printf '| %s | %s | %s | %s |\n' "$@"; }
{
  echo "| measurement | direct to mock | through gateway | gateway vs direct |"
  echo "|---|---|---|---|"
  row "saturation, wrk -t$THREADS -c$CONNS, req/s" "$sd" "$sg" "$(pct "$sd" "$sg")"
  row "saturation, wrk p50 / p99" "$(ms "$(wrk_pct saturation-direct 50)") / $(ms "$(wrk_pct saturation-direct 99)")" \
      "$(ms "$(wrk_pct saturation-gateway 50)") / $(ms "$(wrk_pct saturation-gateway 99)")" ""
  for q in p50 p90 p99 max; do
    a=$(res fixed-rate-direct "${q}_us"); b=$(res fixed-rate-gateway "${q}_us")
    row "$RATE req/s open loop, $q" "$(ms "$a")" "$(ms "$b")" "$(diff_ms "$a" "$b")"
  done
  for q in mean p50 p99; do
    a=$(res sequential-direct "${q}_us"); b=$(res sequential-gateway "${q}_us")
    row "concurrency 1, $q" "$(ms "$a")" "$(ms "$b")" "$(diff_ms "$a" "$b")"
  done
  row "concurrency 1, req/s" "$(res sequential-direct rps | cut -d. -f1)" "$(res sequential-gateway rps | cut -d. -f1)" ""
  row "SSE streams/s (20 chunks + [DONE]), wrk -t$THREADS -c$CONNS" "$ed" "$eg" "$(pct "$ed" "$eg")"
  row "gateway memory after the runs, VmRSS (peak VmHWM)" "" "$rss ($hwm)" ""
  for f in saturation sse; do
    row "$f: CPU per request, mock / gateway (us)" "$(costv $f-direct mock_cpu_us)" \
        "$(costv $f-gateway mock_cpu_us) / $(costv $f-gateway gw_cpu_us)" ""
    row "$f: write syscalls per request, mock / gateway" "$(costv $f-direct mock_writes)" \
        "$(costv $f-gateway mock_writes) / $(costv $f-gateway gw_writes)" ""
  done
  gcs=$(grep -c 'Pause' "$OUT/gateway-gc.log" 2>/dev/null || true)
  gcmax=$(grep 'Pause' "$OUT/gateway-gc.log" 2>/dev/null | grep -o '[0-9.]*ms$' | sort -g | tail -n 1)
  row "gateway GC pauses over the whole run (longest)" "" "${gcs:-0} (${gcmax:-0ms})" ""
  echo
  echo "errors (non-2xx, socket errors, failed requests) over all runs: $errors"
  echo
  added=$(( $(res fixed-rate-gateway p99_us) - $(res fixed-rate-direct p99_us) ))
  echo "targets: added p99 at $RATE req/s <= 1 ms: $(ms "$added") -> $([ "$added" -le 1000 ] && echo met || echo MISSED);" \
       "gateway throughput >= 60% of direct: $(pct "$sd" "$sg") -> $(awk -v a="$sd" -v b="$sg" 'BEGIN { print (b >= 0.6 * a ? "met" : "MISSED") }')"
} >"$OUT/summary.md"

cat "$OUT/machine.txt"
echo
cat "$OUT/summary.md"
echo
echo "machine load before each run:"
sed 's/^/  /' "$OUT/machine-load.txt"
echo "raw output: ${OUT#"$ROOT"/}/"
