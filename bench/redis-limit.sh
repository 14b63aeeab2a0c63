#!/usr/bin/env bash
# Benchmark: what a global rate limit counted in Redis adds to a request (issue 13's target: at
# concurrency 1, at most one Redis round trip on loopback, ~0.1-0.2 ms, on the p50).
# Run on demand (it is not a test):   bench/redis-limit.sh
#
# Starts the mock OpenAI upstream (bench/MockUpstream.java), a redis-server on a free port (Debian's
# package; installed when missing), and one gateway with two routes to the same mock:
#   /plain/v1/chat/completions    no policy
#   /limited/v1/chat/completions  AgentgatewayPolicy rateLimit.global on redis:// (one descriptor, never reached)
# then measures each at concurrency 1 with bench/FixedRate.java (RATE 0: closed loop, send to last
# byte), alternating plain/limited rounds so drift on a shared machine hits both alike, and prints
# p50/p99 of each and the difference, next to redis-benchmark's own loopback round trip.
#
# Env: BENCH_SECONDS [10] per round, BENCH_ROUNDS [3], BENCH_WARMUP [5],
#      BENCH_MOCK_PORT [18181] BENCH_GW_PORT [18180] BENCH_ADMIN_PORT [19101]
# Raw output goes to bench/results/redis-limit-<timestamp>/. Everything it starts is stopped on exit.
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib/java.sh
. "$ROOT/bin/lib/java.sh"

SECONDS_PER="${BENCH_SECONDS:-10}"
ROUNDS="${BENCH_ROUNDS:-3}"
WARMUP="${BENCH_WARMUP:-5}"
MOCK_PORT="${BENCH_MOCK_PORT:-18181}"
GW_PORT="${BENCH_GW_PORT:-18180}"
ADMIN_PORT="${BENCH_ADMIN_PORT:-19101}"
OUT="$ROOT/bench/results/redis-limit-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { printf '[bench] %s\n' "$*" >&2; }

command -v redis-server >/dev/null 2>&1 || { log "installing redis-server"; apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
"$ROOT/bin/ai-gateway" --version >/dev/null
aigw_find_java
JAR="$ROOT/target/ai-gateway.jar"

REDIS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP" >"$OUT/redis.log" 2>&1 &
PIDS+=($!)
"$JAVA" -Xms128m -Xmx256m -cp "$JAR" "$ROOT/bench/MockUpstream.java" "$MOCK_PORT" >"$OUT/mock.log" 2>&1 &
PIDS+=($!)

cat >"$TMP/gateway.yaml" <<YAML
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
  ai: {llm: {host: 127.0.0.1, port: $MOCK_PORT, openai: {authToken: {kind: Inline, inline: bench-token}}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bench, namespace: default}
spec:
  parentRefs: [{name: bench}]
  rules:
  - name: plain
    matches: [{path: {type: PathPrefix, value: /plain}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
    backendRefs: [{name: mock-openai, group: gateway.kgateway.dev, kind: Backend}]
  - name: limited
    matches: [{path: {type: PathPrefix, value: /limited}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
    backendRefs: [{name: mock-openai, group: gateway.kgateway.dev, kind: Backend}]
---
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata: {name: limited, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench, sectionName: limited}]
  traffic:
    rateLimit:
      global:
        url: redis://127.0.0.1:$REDIS_PORT
        domain: bench
        failureMode: FailClosed
        descriptors:
        - entries: [{name: route, expression: '"limited"'}]
          limit: {unit: hour, requestsPerUnit: 1000000000}
YAML
cp "$TMP/gateway.yaml" "$OUT/gateway.yaml"
"$ROOT/bin/ai-gateway" run -f "$TMP/gateway.yaml" --bind-address 127.0.0.1 --admin-port "$ADMIN_PORT" --watch-interval 0 \
  >"$OUT/gateway.log" 2>&1 &
PIDS+=($!)

BODY='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in one short sentence."}]}'
printf '%s' "$BODY" >"$TMP/body.json"
for i in $(seq 150); do
  if curl -fs -o /dev/null -X POST -H 'content-type: application/json' --data-binary @"$TMP/body.json" \
       "http://127.0.0.1:$GW_PORT/limited/v1/chat/completions"; then break; fi
  [ "$i" = 150 ] && { cat "$OUT/gateway.log" >&2; echo "error: gateway not ready after 30 s" >&2; exit 1; }
  sleep 0.2
done
h="$(curl -fsS -D - -o /dev/null -X POST -H 'content-type: application/json' --data-binary @"$TMP/body.json" \
  "http://127.0.0.1:$GW_PORT/limited/v1/chat/completions" | tr -d '\r' | grep -i '^x-ratelimit-limit:' || true)"
[ -n "$h" ] || { echo "error: the limited route answered without x-ratelimit-limit (is the limit applied?)" >&2; exit 1; }
log "sanity: limited route carries '$h'"

run() { # name url -> appends RESULT line to $OUT/name.txt
  "$JAVA" -Xms64m -Xmx256m -cp "$JAR" "$ROOT/bench/FixedRate.java" "$2" "$TMP/body.json" 0 "$SECONDS_PER" "$WARMUP" 1 \
    >>"$OUT/$1.txt" 2>&1
}
for r in $(seq "$ROUNDS"); do
  log "round $r/$ROUNDS: plain, then limited (${SECONDS_PER}s each after ${WARMUP}s warm-up)"
  run plain "http://127.0.0.1:$GW_PORT/plain/v1/chat/completions"
  run limited "http://127.0.0.1:$GW_PORT/limited/v1/chat/completions"
done
# Redis' own loopback round trip at concurrency 1 (EVALSHA-sized commands cost about the same).
redis-benchmark -p "$REDIS_PORT" -t ping -n 5000 -c 1 -q 2>/dev/null | tr '\r' '\n' | grep -v '^$' | tail -n 2 >"$OUT/redis-benchmark.txt" || true

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
field() { grep '^RESULT' "$OUT/$1.txt" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2 | median; }
p50p="$(field plain p50_us)"; p50l="$(field limited p50_us)"; p99p="$(field plain p99_us)"; p99l="$(field limited p99_us)"
{
  echo "| route | p50 (µs) | p99 (µs) |"
  echo "|---|---|---|"
  echo "| plain (no limit) | $p50p | $p99p |"
  echo "| limited (Redis) | $p50l | $p99l |"
  echo "| added by the Redis limit | $(awk -v a="$p50l" -v b="$p50p" 'BEGIN { print a - b }') | $(awk -v a="$p99l" -v b="$p99p" 'BEGIN { print a - b }') |"
  echo
  echo "redis-benchmark PING at concurrency 1: $(tr '\n' ' ' <"$OUT/redis-benchmark.txt")"
  echo "medians of $ROUNDS rounds; raw output in ${OUT#"$ROOT"/}"
} | tee "$OUT/summary.md"
