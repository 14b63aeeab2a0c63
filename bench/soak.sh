#!/usr/bin/env bash
# Soak: the gateway under 200 streaming clients while its providers are killed and restarted, its
# config is reloaded every 2 s, and a crowd of slowloris connections holds half-sent request heads.
# Run on demand (it is not a test):   bench/soak.sh
#
# Checks, and exits 1 when one fails:
#   1. no request fails before its response head (the killed provider's requests fail over);
#   2. every stream that is cut ends with an error event (no silent, clean-looking end);
#   3. afterwards the gateway's RSS and open file descriptors are back to their figures after the
#      warm-up (which ran the same number of clients): RSS within +25% (+32 MiB), fds within +32.
# Everything runs on 127.0.0.1 and is stopped on exit; the run is bounded by SOAK_SECONDS (+~40 s).
#
# Env (defaults in brackets): SOAK_SECONDS [60]  SOAK_STREAMS [200]  SOAK_SLOW [300] slowloris
# connections;  SOAK_KILLS [3] provider kills;  SOAK_GW_PORT [18180]  SOAK_ADMIN_PORT [19180]
# SOAK_UP_PORTS ["18181 18182"];  GATEWAY_JAVA_OPTS [-Xmx512m].
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib/java.sh
. "$ROOT/bin/lib/java.sh"

SECONDS_RUN="${SOAK_SECONDS:-60}"
STREAMS="${SOAK_STREAMS:-200}"
SLOW="${SOAK_SLOW:-300}"
KILLS="${SOAK_KILLS:-3}"
GW_PORT="${SOAK_GW_PORT:-18180}"
ADMIN_PORT="${SOAK_ADMIN_PORT:-19180}"
read -r -a UP_PORTS <<<"${SOAK_UP_PORTS:-18181 18182}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xmx512m}"

TMP="$(mktemp -d)"
declare -A UP_PID=()
GW_PID=""
BG_PIDS=()

log() { printf '[soak] %s\n' "$*" >&2; }
stop() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  local p
  for p in "${BG_PIDS[@]}"; do stop "$p"; done
  stop "$GW_PID"
  for p in "${UP_PID[@]}"; do stop "$p"; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/bin/ai-gateway" --version >/dev/null   # builds target/ai-gateway.jar when needed
aigw_find_java
JAR="$ROOT/target/ai-gateway.jar"
for p in "$GW_PORT" "$ADMIN_PORT" "${UP_PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "error: port $p is already in use (set SOAK_GW_PORT / SOAK_ADMIN_PORT / SOAK_UP_PORTS)" >&2
    exit 1
  fi
done

start_upstream() {
  "$JAVA" -Xmx128m -cp "$JAR" "$ROOT/bench/SoakUpstream.java" "$1" 40 50 >>"$TMP/upstream-$1.log" 2>&1 &
  UP_PID[$1]=$!
  local i
  # (the source launcher compiles the file first: seconds on a busy machine)
  for i in $(seq 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  log "upstream $1 did not start"; exit 1
}
for p in "${UP_PORTS[@]}"; do start_upstream "$p"; done

write_config() {
  cat >"$TMP/gateway.yaml" <<YAML
# generation $1
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: soak}
spec:
  type: AI
  ai:
    priorityGroups:
    - providers:
      - {name: a, openai: {authToken: {kind: Inline, inline: soak}, model: m}, host: 127.0.0.1, port: ${UP_PORTS[0]}}
    - providers:
      - {name: b, openai: {authToken: {kind: Inline, inline: soak}, model: m}, host: 127.0.0.1, port: ${UP_PORTS[1]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: soak}
spec:
  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v1}}]
    backendRefs: [{name: soak, group: gateway.kgateway.dev, kind: Backend}]
YAML
}
write_config 0

log "starting the gateway on 127.0.0.1:$GW_PORT"
AIGW_ACCESS_LOG=OFF JAVA_OPTS="$GATEWAY_JAVA_OPTS" "$ROOT/bin/ai-gateway" run -f "$TMP/gateway.yaml" \
  --bind-address 127.0.0.1 --port "$GW_PORT" --admin-port "$ADMIN_PORT" --watch-interval 500ms \
  >"$TMP/gateway.log" 2>&1 &
GW_PID=$!
for i in $(seq 300); do
  curl -fs -o /dev/null "http://127.0.0.1:$ADMIN_PORT/readyz" && break
  kill -0 "$GW_PID" 2>/dev/null || { log "the gateway exited:"; tail -20 "$TMP/gateway.log" >&2; exit 1; }
  sleep 0.2
done

figures() {   # "RSS_KiB FDS" of the gateway, after a GC
  command -v jcmd >/dev/null 2>&1 && jcmd "$GW_PID" GC.run >/dev/null 2>&1 || true
  sleep 2
  echo "$(awk '/VmRSS/ { print $2 }' "/proc/$GW_PID/status") $(ls "/proc/$GW_PID/fd" | wc -l)"
}

URL="http://127.0.0.1:$GW_PORT/v1/chat/completions"
log "warm-up: $STREAMS streaming clients for 10 s"
"$JAVA" "$ROOT/bench/Soak.java" "$URL" "$STREAMS" 0 10 >"$TMP/warmup.txt" || { cat "$TMP/warmup.txt"; log "warm-up failed"; exit 1; }
read -r RSS0 FDS0 <<<"$(figures)"
log "after warm-up: RSS $((RSS0 / 1024)) MiB, $FDS0 fds"

log "soak: $STREAMS streams, $SLOW slowloris connections, $KILLS provider kills, a reload every 2 s, for ${SECONDS_RUN}s"
"$JAVA" "$ROOT/bench/Soak.java" "$URL" "$STREAMS" "$SLOW" "$SECONDS_RUN" >"$TMP/soak.txt" 2>&1 &
DRIVER=$!
BG_PIDS+=("$DRIVER")
( gen=1; end=$((SECONDS + SECONDS_RUN)); while [ "$SECONDS" -lt "$end" ]; do sleep 2; write_config "$gen"; gen=$((gen + 1)); done ) &
BG_PIDS+=("$!")
gap=$((SECONDS_RUN / (KILLS + 1)))
for k in $(seq "$KILLS"); do
  sleep "$gap"
  p="${UP_PORTS[$(( (k - 1) % ${#UP_PORTS[@]} ))]}"
  log "kill $k: provider on port $p (restarted after 3 s)"
  kill -9 "${UP_PID[$p]}" 2>/dev/null || true
  sleep 3
  start_upstream "$p"
done
status=0
wait "$DRIVER" || status=1
cat "$TMP/soak.txt" >&2
cp "$TMP/soak.txt" "${SOAK_REPORT:-/dev/null}" 2>/dev/null || true
healthz="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/healthz" || true)"

log "settling for 15 s"
sleep 15
read -r RSS1 FDS1 <<<"$(figures)"
log "afterwards: RSS $((RSS1 / 1024)) MiB (was $((RSS0 / 1024))), $FDS1 fds (was $FDS0); /healthz during the run's end: $healthz"
if [ "$RSS1" -gt $((RSS0 * 125 / 100 + 32768)) ]; then log "FAIL: RSS did not come back"; status=1; fi
if [ "$FDS1" -gt $((FDS0 + 32)) ]; then log "FAIL: file descriptors did not come back"; status=1; fi
if [ "$status" = 0 ]; then log "PASS"; else log "FAIL (gateway log: last lines below)"; tail -20 "$TMP/gateway.log" >&2; fi
exit "$status"
