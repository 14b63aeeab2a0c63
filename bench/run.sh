#!/usr/bin/env bash
# Benchmark: the gateway beside Debian's nginx proxy_pass, both in front of the same nginx upstream.
# Run on demand (it is not a test):   bench/run.sh
#
# The headline figure is CPU per request of each process group (from /proc, utime+stime of every
# process in the group): it stays put when other work shares the machine, where req/s and
# latencies do not. Each scenario runs through nginx proxy_pass and through the gateway in the same
# run, against the same upstream, and the summary prints the gateway/nginx ratios:
#   passthrough   OpenAI client → OpenAI provider, production config: JSON inspection (a request
#                 regex guard), model pinning, usage read, metrics, access log (300-byte answer)
#   translated    OpenAI client → Anthropic provider (Anthropic's 300-byte answer, translated)
#   sse           a 20-event chat.completion.chunk stream, passthrough
#   sse-anthropic   an Anthropic Messages stream, passthrough: message_start (usage), content_block_start,
#                   ping, 20 content_block_delta, content_block_stop, message_delta (usage), message_stop
#   sse-gemini      a Gemini streamGenerateContent?alt=sse stream, passthrough: 20 chunks, usageMetadata
#                   in each, finishReason in the last
#   sse-responses   an OpenAI Responses API stream, passthrough: response.created, in_progress,
#                   output_item/content_part added, 20 output_text.delta, the .done events, response.completed
#   sse-translated  an OpenAI Chat client's stream from the Anthropic provider: sse-anthropic's upstream
#                   stream translated into chat.completion.chunk events (nginx proxies the Anthropic stream)
#                 (the four sse-* steps are not in the default list: about 45 s each with the defaults,
#                 BENCH_GW_WARMUP of their own request and two wrk runs; BENCH_STEPS=streams is all four)
#   fixed rate    BENCH_RATE req/s, open loop, latency from each request's due time (corrected for
#                 coordinated omission, bench/FixedRate.java; Debian has no wrk2)
#   concurrency 1 one request at a time: added latency p50/p99 against the upstream alone
#   long run      exactly BENCH_LONG_REQUESTS requests through the gateway, then its RSS
#   start-up      BENCH_STARTS cold starts of bin/ai-gateway: exec to the first proxied 200 (wall
#                 time, and the CPU the JVM had used by then, all threads and the main thread and
#                 JIT compilers apart: the figures that hold on a shared machine), then its idle RSS
#                 BENCH_IDLE_WAIT s later and again BENCH_SETTLED_AT s after exec (median and range
#                 of each); the gateway's own start-up line (its phases) goes to startup-phases.txt
# Raw output goes to bench/results/<timestamp>/ (see the README there).
#
# Env (defaults in brackets):
#   BENCH_DURATION [10]        seconds of each wrk measurement (each after BENCH_WRK_WARMUP [3] s)
#   BENCH_GW_WARMUP [15]       seconds of each kind of request sent to the gateway before measuring (JIT)
#   BENCH_THREADS [1] BENCH_CONNECTIONS [32]   wrk threads and connections
#   BENCH_RATE [1000]          fixed rate; BENCH_FIXED_SECONDS [10] after BENCH_WARMUP [5] s
#   BENCH_SEQ_SECONDS [10]     concurrency-1 measurement, after BENCH_WARMUP
#   BENCH_LONG_REQUESTS [1000000]   requests of the long run (0 skips it)
#   BENCH_STARTS [5]           cold starts timed (0 skips them); BENCH_IDLE_WAIT [3] s before each one's idle RSS,
#                              and its settled RSS BENCH_SETTLED_AT [10] s after exec (the JVM gives the JIT's
#                              start-up scratch memory back on a 5 s timer; see docs/benchmarks.md)
#   BENCH_STEPS [passthrough,translated,sse,fixed,seq,long,startup]   which steps run; "streams" stands
#                              for sse-anthropic,sse-gemini,sse-responses,sse-translated
#   BENCH_UP_PORT [28181] BENCH_NGINX_PORT [28182] BENCH_GW_PORT [28180] BENCH_ADMIN_PORT [29181]
#                              (ports in the kernel's ephemeral range work too: nothing here connects to
#                              a port before it listens, which could connect a client to itself)
#   BENCH_QUIET_WAIT [30]      before each step, wait up to this long while other processes keep
#                              the CPUs more than 25% busy (what it saw is recorded)
#   GATEWAY_JAVA_OPTS []       extra JVM flags (the launcher's defaults apply; these come after)
#   BENCH_JFR [0]              1: record a JFR CPU profile of the gateway during the passthrough, translated
#                              and sse* steps (jcmd JFR.start; settings=profile) and print the hottest frames
#   BENCH_JFR_OPTS []          more JFR.start options, e.g. "jdk.CPUTimeSample#enabled=true jdk.CPUTimeSample#throttle=1ms"
#                              (CPU-time samples, which count a syscall's kernel time: JDK 25 on Linux)
#   BENCH_JFR_EVENT [jdk.ExecutionSample]   the sample event the hottest frames are counted from
#                              (jdk.CPUTimeSample with the options above); the .jfr file stays in the results
# Needs nginx and wrk (apt-get install nginx wrk, done here when missing; running as root).
# Everything it starts is stopped on exit. About 7 minutes with the defaults on this 2-core machine.
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=../bin/lib/java.sh
. "$ROOT/bin/lib/java.sh"

DURATION="${BENCH_DURATION:-10}"
WRK_WARMUP="${BENCH_WRK_WARMUP:-3}"
THREADS="${BENCH_THREADS:-1}"
CONNS="${BENCH_CONNECTIONS:-32}"
RATE="${BENCH_RATE:-1000}"
FIXED_SECONDS="${BENCH_FIXED_SECONDS:-10}"
SEQ_SECONDS="${BENCH_SEQ_SECONDS:-10}"
WARMUP="${BENCH_WARMUP:-5}"
GW_WARMUP="${BENCH_GW_WARMUP:-15}"
LONG_REQUESTS="${BENCH_LONG_REQUESTS:-1000000}"
STARTS="${BENCH_STARTS:-5}"
IDLE_WAIT="${BENCH_IDLE_WAIT:-3}"
SETTLED_AT="${BENCH_SETTLED_AT:-10}"
STEPS=",${BENCH_STEPS:-passthrough,translated,sse,fixed,seq,long,startup},"
STEPS="${STEPS/,streams,/,sse-anthropic,sse-gemini,sse-responses,sse-translated,}"
UP_PORT="${BENCH_UP_PORT:-28181}"
NGX_PORT="${BENCH_NGINX_PORT:-28182}"
GW_PORT="${BENCH_GW_PORT:-28180}"
ADMIN_PORT="${BENCH_ADMIN_PORT:-29181}"
QUIET_WAIT="${BENCH_QUIET_WAIT:-30}"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-}"
JFR="${BENCH_JFR:-0}"
JFR_OPTS="${BENCH_JFR_OPTS:-}"
JFR_EVENT="${BENCH_JFR_EVENT:-jdk.ExecutionSample}"

step() { case "$STEPS" in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

OUT="$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
chmod 755 "$TMP"
UP_PID="" NGX_PID="" GW_PID=""

stop() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || return 0   # the whole process group
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 -- "-$pid" 2>/dev/null || true
}
cleanup() {
  stop "$GW_PID"; stop "$NGX_PID"; stop "$UP_PID"
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench] %s\n' "$*" >&2; }

# ---- prerequisites ----------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1 || { ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; }; then
  log "installing nginx and wrk (Debian packages)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
command -v setsid >/dev/null || { echo "error: setsid (util-linux) is needed" >&2; exit 1; }
# bin/ai-gateway builds target/ai-gateway.jar when missing or older than the sources, and its AOT
# cache (JDK >= 25) when missing or older than the jar: done here, so no start below pays for it.
"$ROOT/bin/ai-gateway" aot-cache >/dev/null
aigw_find_java
JAR="$ROOT/target/ai-gateway.jar"

# Whether something listens on 127.0.0.1/any address:PORT, from /proc (no connection: a connect to a
# port in the ephemeral range where nothing listens can connect the client to itself, TCP's
# simultaneous open, and that socket then holds the port the server is about to bind).
listening() {
  awk -v p="$(printf ':%04X' "$1")" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
for p in "$UP_PORT" "$NGX_PORT" "$GW_PORT" "$ADMIN_PORT"; do
  if listening "$p"; then
    echo "error: port $p is already in use (set BENCH_UP_PORT / BENCH_NGINX_PORT / BENCH_GW_PORT / BENCH_ADMIN_PORT)" >&2
    exit 1
  fi
done

cpu_pressure() { awk '/^some/ { sub("avg10=", "", $2); print $2 }' /proc/pressure/cpu 2>/dev/null || echo 0; }
# Busy % of all CPUs over the next 2 s (between steps our own processes are idle, so this is other work).
cpu_busy() {
  local a b
  a="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat)"
  sleep 2
  b="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9 }' /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); d = y[2] - x[2]; printf "%.0f", (d > 0 ? 100 * (y[1] - x[1]) / d : 0) }'
}
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

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'))"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2/1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  echo "java: $(aigw_java_describe)"
  echo "nginx: $("$NGINX" -v 2>&1)"
  echo "wrk: $(wrk -v 2>&1 | head -n 1)"
  echo "gateway extra JAVA_OPTS: ${GATEWAY_JAVA_OPTS:-(none: the launcher defaults)}"
  echo "settings: duration=${DURATION}s wrk_warmup=${WRK_WARMUP}s threads=$THREADS connections=$CONNS rate=$RATE fixed=${FIXED_SECONDS}s seq=${SEQ_SECONDS}s warmup=${WARMUP}s long=$LONG_REQUESTS starts=$STARTS"
} >"$OUT/machine.txt"

# ---- what the upstream answers (prepared once; nginx `return`s the bytes) -------------------
ID='"id":"chatcmpl-bench000000000000000001","object":"chat.completion'
COMPLETION="{$ID\",\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello there!\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":4,\"total_tokens\":28}}"
MESSAGE='{"id":"msg_bench00000000000000000001","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[{"type":"text","text":"Hello! How can I help you today? Ask me anything at all."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":24,"output_tokens":14}}'
# 20 events: a role chunk, 16 content chunks, a finish chunk, the usage chunk (the gateway asks
# OpenAI for stream_options.include_usage, so "usage":null rides on the others), and [DONE].
chunk() { printf 'data: {%s.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[%s],"usage":%s}\\n\\n' "$ID" "$1" "$2"; }
SSE="$(chunk '{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}' null)"
for i in $(seq 16); do SSE="$SSE$(chunk "{\"index\":0,\"delta\":{\"content\":\"word$i \"},\"finish_reason\":null}" null)"; done
SSE="$SSE$(chunk '{"index":0,"delta":{},"finish_reason":"stop"}' null)"
SSE="$SSE$(chunk '' '{"prompt_tokens":24,"completion_tokens":17,"total_tokens":41}')"
SSE="${SSE}data: [DONE]\\n\\n"

# The other streams (their steps are optional), event bodies as the providers send them (see the
# fixtures under src/test/resources/fixtures/): Anthropic Messages, 26 events with 20 text deltas.
aev() { printf 'event: %s\\ndata: %s\\n\\n' "$1" "$2"; }
ASSE="$(aev message_start '{"type":"message_start","message":{"id":"msg_bench00000000000000000001","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":24,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}')"
ASSE="$ASSE$(aev content_block_start '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}')"
ASSE="$ASSE$(aev ping '{"type": "ping"}')"
for i in $(seq 20); do ASSE="$ASSE$(aev content_block_delta "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"word$i \"}}")"; done
ASSE="$ASSE$(aev content_block_stop '{"type":"content_block_stop","index":0}')"
ASSE="$ASSE$(aev message_delta '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":21}}')"
ASSE="$ASSE$(aev message_stop '{"type":"message_stop"}')"
# Gemini streamGenerateContent?alt=sse: 20 chunks, cumulative usageMetadata in each, the finish reason in the last.
gchunk() { printf 'data: {"candidates": [{"content": {"parts": [{"text": "%s"}],"role": "model"}%s}],"usageMetadata": {"promptTokenCount": 12,"candidatesTokenCount": %d,"totalTokenCount": %d,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 12}]},"modelVersion": "gemini-2.0-flash","responseId": "bench0000000000000000001"}\\n\\n' "$1" "$2" "$3" $((12 + $3)); }
GSSE=""
for i in $(seq 19); do GSSE="$GSSE$(gchunk "word$i " '' "$i")"; done
GSSE="$GSSE$(gchunk "word20." ',"finishReason": "STOP"' 20)"
# OpenAI Responses API: 28 events with 20 output_text deltas; usage in response.completed.
RITEM='msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654'
rresp() { printf '{"id":"resp_bench0000000000000000001","object":"response","created_at":1741290958,"status":"%s","error":null,"incomplete_details":null,"instructions":"You are a helpful assistant.","max_output_tokens":null,"model":"gpt-4o-mini-2024-07-18","output":[%s],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"store":true,"temperature":0.2,"text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1.0,"truncation":"disabled","usage":%s,"user":null,"metadata":{}}' "$@"; }
RTEXT=""; for i in $(seq 20); do RTEXT="${RTEXT}word$i "; done
RDONE="{\"type\":\"output_text\",\"text\":\"$RTEXT\",\"annotations\":[]}"
RSSE="$(aev response.created "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":$(rresp in_progress '' null)}")"
RSSE="$RSSE$(aev response.in_progress "{\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":$(rresp in_progress '' null)}")"
RSSE="$RSSE$(aev response.output_item.added "{\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,\"item\":{\"id\":\"$RITEM\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}")"
RSSE="$RSSE$(aev response.content_part.added "{\"type\":\"response.content_part.added\",\"sequence_number\":3,\"item_id\":\"$RITEM\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}}")"
for i in $(seq 20); do RSSE="$RSSE$(aev response.output_text.delta "{\"type\":\"response.output_text.delta\",\"sequence_number\":$((3 + i)),\"item_id\":\"$RITEM\",\"output_index\":0,\"content_index\":0,\"delta\":\"word$i \",\"logprobs\":[]}")"; done
RSSE="$RSSE$(aev response.output_text.done "{\"type\":\"response.output_text.done\",\"sequence_number\":24,\"item_id\":\"$RITEM\",\"output_index\":0,\"content_index\":0,\"text\":\"$RTEXT\",\"logprobs\":[]}")"
RSSE="$RSSE$(aev response.content_part.done "{\"type\":\"response.content_part.done\",\"sequence_number\":25,\"item_id\":\"$RITEM\",\"output_index\":0,\"content_index\":0,\"part\":$RDONE}")"
RMSG="{\"id\":\"$RITEM\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[$RDONE]}"
RSSE="$RSSE$(aev response.output_item.done "{\"type\":\"response.output_item.done\",\"sequence_number\":26,\"output_index\":0,\"item\":$RMSG}")"
RSSE="$RSSE$(aev response.completed "{\"type\":\"response.completed\",\"sequence_number\":27,\"response\":$(rresp completed "$RMSG" '{"input_tokens":24,"input_tokens_details":{"cached_tokens":0},"output_tokens":21,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":45}')}")"

BODY='{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello in one short sentence."}],"temperature":0.2}'
STREAM_BODY="${BODY%\}},\"stream\":true}"
ANTHROPIC_BODY='{"model":"claude-3-5-haiku-latest","max_tokens":256,"system":"You are a helpful assistant.","messages":[{"role":"user","content":"Say hello in one short sentence."}],"temperature":0.2}'
ANTHROPIC_STREAM_BODY="${ANTHROPIC_BODY%\}},\"stream\":true}"
GEMINI_BODY='{"contents":[{"role":"user","parts":[{"text":"Say hello in one short sentence."}]}],"systemInstruction":{"parts":[{"text":"You are a helpful assistant."}]},"generationConfig":{"temperature":0.2,"maxOutputTokens":256}}'
RESPONSES_BODY='{"model":"gpt-4o-mini","instructions":"You are a helpful assistant.","input":"Say hello in one short sentence.","temperature":0.2,"stream":true}'
printf '%s' "$BODY" >"$TMP/body.json"
# wrk scripts: KIND BODY [extra header lines]
lua() {
  cat >"$TMP/$1.lua" <<EOF
wrk.method = "POST"
wrk.body = [[$2]]
wrk.headers["Content-Type"] = "application/json"
$3
EOF
}
lua plain "$BODY" ''
lua stream "$STREAM_BODY" 'wrk.headers["x-bench-stream"] = "1"'
lua translated "$BODY" 'wrk.headers["x-bench-backend"] = "anthropic"'
lua messages "$ANTHROPIC_BODY" ''   # what nginx proxies for the translated comparison: the same upstream exchange
lua anthropic-stream "$ANTHROPIC_STREAM_BODY" 'wrk.headers["x-bench-stream"] = "1"
wrk.headers["x-bench-backend"] = "anthropic"
wrk.headers["anthropic-version"] = "2023-06-01"'
lua gemini-stream "$GEMINI_BODY" ''
lua responses-stream "$RESPONSES_BODY" ''
lua translated-stream "$STREAM_BODY" 'wrk.headers["x-bench-stream"] = "1"
wrk.headers["x-bench-backend"] = "anthropic"'
# The long run stops after LONG_REQUESTS responses: with one wrk thread its counter sees them all,
# and it leaves a file that tells the script to end wrk (SIGINT: wrk prints its summary); wrk's own
# thread:stop() would leave wrk's main thread sleeping out the whole -d.
lua long "$BODY" "local n = 0
response = function(status, headers, body)
  n = n + 1
  if n == $LONG_REQUESTS then
    local f = io.open('$TMP/long.done', 'w'); f:close()
    wrk.thread:stop()
  end
end"

# ---- nginx: the upstream, and proxy_pass in front of it ------------------------------------------
common_nginx() {  # NAME
  mkdir -p "$TMP/$1"
  cat <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $TMP/$1/nginx.pid;
error_log $TMP/$1/error.log warn;
events { worker_connections 4096; }
http {
  client_body_temp_path $TMP/$1/body;
  proxy_temp_path $TMP/$1/proxy;
  fastcgi_temp_path $TMP/$1/fastcgi;
  uwsgi_temp_path $TMP/$1/uwsgi;
  scgi_temp_path $TMP/$1/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
EOF
}
{
  common_nginx upstream
  cat <<EOF
  access_log off;
  server {
    listen 127.0.0.1:$UP_PORT;
    location = /v1/chat/completions {
      if (\$http_x_bench_stream) { rewrite ^ /sse last; }
      default_type application/json;
      return 200 '$COMPLETION';
    }
    location = /v1/messages {
      if (\$http_x_bench_stream) { rewrite ^ /sse-anthropic last; }
      default_type application/json;
      return 200 '$MESSAGE';
    }
    location = /v1/responses { rewrite ^ /sse-responses last; }
    location = /v1beta/models/gemini-2.0-flash:streamGenerateContent { rewrite ^ /sse-gemini? last; }
    # The stream is longer than a config string may be (4 KB), so it is a file; a POST to a file
    # is a 405 for nginx's static module, which error_page turns into a GET of the same file.
    location = /sse {
      internal;
      error_page 405 =200 /sse.txt;
      return 405;
    }
    location = /sse-anthropic { internal; error_page 405 =200 /sse-anthropic.txt; return 405; }
    location = /sse-gemini { internal; error_page 405 =200 /sse-gemini.txt; return 405; }
    location = /sse-responses { internal; error_page 405 =200 /sse-responses.txt; return 405; }
    location ~ ^/sse[a-z-]*[.]txt\$ {
      internal;
      root $TMP/upstream/www;
      default_type text/event-stream;
    }
  }
}
EOF
} >"$TMP/upstream.conf"
{
  common_nginx proxy
  cat <<EOF
  access_log $TMP/proxy/access.log;   # the gateway writes its access log too
  upstream up {
    server 127.0.0.1:$UP_PORT;
    keepalive 64;
    keepalive_requests 100000000;
  }
  server {
    listen 127.0.0.1:$NGX_PORT;
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
} >"$TMP/proxy.conf"
mkdir -p "$TMP/upstream/www"
printf '%b' "$SSE" >"$TMP/upstream/www/sse.txt"
printf '%b' "$ASSE" >"$TMP/upstream/www/sse-anthropic.txt"
printf '%b' "$GSSE" >"$TMP/upstream/www/sse-gemini.txt"
printf '%b' "$RSSE" >"$TMP/upstream/www/sse-responses.txt"
cp "$TMP/upstream.conf" "$TMP/proxy.conf" "$OUT/"

# Each server runs in a process group of its own (setsid; the script has no job control, so the
# child is not a group leader and setsid does not fork: $! is the group's id).
log "starting nginx: upstream on 127.0.0.1:$UP_PORT, proxy_pass on 127.0.0.1:$NGX_PORT"
setsid "$NGINX" -p "$TMP/upstream" -c "$TMP/upstream.conf" >"$OUT/nginx-upstream.log" 2>&1 &
UP_PID=$!
setsid "$NGINX" -p "$TMP/proxy" -c "$TMP/proxy.conf" >"$OUT/nginx-proxy.log" 2>&1 &
NGX_PID=$!

# ---- the gateway: a production-like config ---------------------------------------------------------
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
metadata: {name: openai, namespace: default}
spec:
  type: AI
  ai:
    llm:
      host: 127.0.0.1
      port: $UP_PORT
      openai:
        authToken: {kind: Inline, inline: bench-token}
        model: gpt-4o-mini              # model pinning
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: anthropic, namespace: default}
spec:
  type: AI
  ai:
    llm:
      host: 127.0.0.1
      port: $UP_PORT
      anthropic:
        authToken: {kind: Inline, inline: bench-token}
        model: claude-3-5-haiku-latest
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: openai-responses, namespace: default}
spec:
  type: AI
  ai:
    llm:
      host: 127.0.0.1
      port: $UP_PORT
      path: /v1/responses               # a host override with the Responses path: it serves the Responses API
      openai:
        authToken: {kind: Inline, inline: bench-token}
        model: gpt-4o-mini
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: Backend
metadata: {name: gemini, namespace: default}
spec:
  type: AI
  ai:
    llm:
      host: 127.0.0.1
      port: $UP_PORT
      gemini:
        authToken: {kind: Inline, inline: bench-token}
        model: gemini-2.0-flash
        apiVersion: v1beta
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bench, namespace: default}
spec:
  parentRefs: [{name: bench}]
  rules:
  - name: translated
    matches: [{path: {type: PathPrefix, value: /v1}, headers: [{name: x-bench-backend, value: anthropic}]}]
    backendRefs: [{name: anthropic, group: gateway.kgateway.dev, kind: Backend}]
  - name: gemini
    matches: [{path: {type: PathPrefix, value: /v1beta}}]
    backendRefs: [{name: gemini, group: gateway.kgateway.dev, kind: Backend}]
  - name: responses
    matches: [{path: {type: PathPrefix, value: /v1/responses}}]
    backendRefs: [{name: openai-responses, group: gateway.kgateway.dev, kind: Backend}]
  - name: passthrough
    matches: [{path: {type: PathPrefix, value: /v1}}]
    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
---
apiVersion: gateway.kgateway.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: production, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: bench}]
  ai:
    promptGuard:
      request:
        regex:                          # JSON inspection: every message text is read
          action: REJECT
          matches: [{pattern: "(?i)\\\\bpassword\\\\b", name: password}]
EOF
cp "$TMP/gateway.yaml" "$OUT/gateway.yaml"

DIRECT="http://127.0.0.1:$UP_PORT/v1/chat/completions"
NGX="http://127.0.0.1:$NGX_PORT/v1/chat/completions"
NGX_MESSAGES="http://127.0.0.1:$NGX_PORT/v1/messages"
GATEWAY="http://127.0.0.1:$GW_PORT/v1/chat/completions"
GEMINI_PATH="/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"

gw_start() {  # LOGFILE: starts the gateway in a group of its own; sets GW_PID
  # shellcheck disable=SC2086
  JAVA_OPTS="$GATEWAY_JAVA_OPTS ${GC_LOG:-}" setsid "$ROOT/bin/ai-gateway" run -f "$TMP/gateway.yaml" \
    --bind-address 127.0.0.1 --admin-port "$ADMIN_PORT" --watch-interval 0 >"$1" 2>&1 &
  GW_PID=$!   # bin/ai-gateway execs java: this is the JVM's pid and its group's id
}
post_ok() { curl -fs -o /dev/null -X POST -H 'content-type: application/json' --data-binary @"$TMP/body.json" "$1"; }

log "starting the gateway on 127.0.0.1:$GW_PORT"
GC_LOG="-Xlog:gc:file=$OUT/gateway-gc.log"
gw_start "$OUT/gateway.log"
for i in $(seq 300); do
  if listening "$GW_PORT" && listening "$NGX_PORT" && post_ok "$GATEWAY" && post_ok "$NGX"; then break; fi
  kill -0 "$GW_PID" 2>/dev/null || { cat "$OUT/gateway.log" >&2; echo "error: the gateway exited" >&2; exit 1; }
  kill -0 "$UP_PID" 2>/dev/null && kill -0 "$NGX_PID" 2>/dev/null \
    || { cat "$OUT"/nginx-*.log "$TMP"/*/error.log >&2; echo "error: nginx exited" >&2; exit 1; }
  [ "$i" = 300 ] && { echo "error: gateway or nginx not serving after 30 s" >&2; cat "$OUT/gateway.log" >&2; exit 1; }
  sleep 0.1
done

# ---- sanity: every path answers what it should -------------------------------------------------
fail() { echo "error: $*" >&2; exit 1; }
post() { curl -fsS -X POST -H 'content-type: application/json' "$@"; }
d="$(post --data-binary @"$TMP/body.json" "$DIRECT")"
[ "$d" = "$COMPLETION" ] || fail "the nginx upstream's answer is not the prepared completion: $d"
[ "$(post --data-binary @"$TMP/body.json" "$NGX")" = "$d" ] || fail "nginx proxy_pass changed the answer"
[ "$(post --data-binary @"$TMP/body.json" "$GATEWAY")" = "$d" ] || fail "the gateway's passthrough answer differs from the upstream's"
t="$(post -H 'x-bench-backend: anthropic' --data-binary @"$TMP/body.json" "$GATEWAY")"
case "$t" in *'"object":"chat.completion"'*'"completion_tokens":14'*) ;; *) fail "translated answer is not an OpenAI completion with the upstream's usage: $t" ;; esac
n_ngx="$(post -N -H 'x-bench-stream: 1' -d "$STREAM_BODY" "$NGX" | grep -c '^data: ')"
n_gw="$(post -N -H 'x-bench-stream: 1' -d "$STREAM_BODY" "$GATEWAY" | grep -c '^data: ')"
[ "$n_ngx" = 20 ] || fail "expected 20 SSE events through nginx, got $n_ngx"
# The client did not ask for stream_options.include_usage, so the gateway keeps the usage chunk to itself.
[ "$n_gw" = 19 ] || fail "expected 19 SSE events through the gateway (20 less the usage chunk), got $n_gw"
r="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
  -d '{"model":"x","messages":[{"role":"user","content":"my password is hunter2"}]}' "$GATEWAY")"
[ "$r" = 403 ] || fail "the request regex guard did not reject (status $r)"
# The other streams, when their steps run: passthrough relays the upstream's bytes as they came.
same_stream() {  # NAME URL_PATH BODY [curl headers...]: nginx and the gateway relay the upstream's stream unchanged
  local name="$1" path="$2" body="$3"; shift 3
  post -N "$@" -d "$body" "http://127.0.0.1:$NGX_PORT$path" >"$TMP/$name-nginx.sse"
  post -N "$@" -d "$body" "http://127.0.0.1:$GW_PORT$path" >"$TMP/$name-gateway.sse"
  cmp -s "$TMP/$name-nginx.sse" "$TMP/upstream/www/$name.txt" || fail "nginx changed the $name stream"
  cmp -s "$TMP/$name-gateway.sse" "$TMP/$name-nginx.sse" \
    || fail "the gateway's $name stream differs from the upstream's: $(diff "$TMP/$name-nginx.sse" "$TMP/$name-gateway.sse" | head -n 5)"
}
step sse-anthropic && same_stream sse-anthropic /v1/messages "$ANTHROPIC_STREAM_BODY" -H 'x-bench-stream: 1' -H 'x-bench-backend: anthropic' -H 'anthropic-version: 2023-06-01'
step sse-gemini && same_stream sse-gemini "$GEMINI_PATH" "$GEMINI_BODY"
step sse-responses && same_stream sse-responses /v1/responses "$RESPONSES_BODY"
if step sse-translated; then
  post -N -H 'x-bench-stream: 1' -H 'x-bench-backend: anthropic' -d "$STREAM_BODY" "$GATEWAY" >"$TMP/sse-translated-gateway.sse"
  n_gw="$(grep -c '^data: {"id":"msg_bench[0-9]*","object":"chat.completion.chunk"' "$TMP/sse-translated-gateway.sse" || true)"
  n_text="$(grep -c '"content":"word[0-9]* "' "$TMP/sse-translated-gateway.sse" || true)"
  [ "$n_text" = 20 ] && [ "$(tail -n 2 "$TMP/sse-translated-gateway.sse" | head -n 1)" = 'data: [DONE]' ] \
    || fail "the translated stream is not 20 text chunks ending in [DONE] ($n_gw chunks, $n_text with text): $(head -c 600 "$TMP/sse-translated-gateway.sse")"
fi
log "sanity checks passed (${#COMPLETION}-byte completion relayed unchanged, ${#MESSAGE}-byte Anthropic answer translated, 20/19 SSE events, guard rejects)"
sleep 2
grep -E '^VmRSS' "/proc/$GW_PID/status" | awk '{ print "idle", $2 }' >"$OUT/gateway-memory.txt"

# ---- cost accounting: CPU and write syscalls per process group, from /proc --------------------------
TICK_US=$((1000000 / $(getconf CLK_TCK)))
# "cpu_ticks writes" of every process whose group is $1 (the comm field may hold spaces: cut it off first)
grp_cost() {
  local cpu pids p w=0
  cpu="$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '{ sub(/^.*\) /, ""); if ($3 == g) s += $12 + $13 } END { print s + 0 }')"
  pids="$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '{ pid = $1; sub(/^.*\) /, ""); if ($3 == g) print pid }')"
  for p in $pids; do w=$((w + $(awk '/^syscw/ { print $2 }' "/proc/$p/io" 2>/dev/null || echo 0))); done
  echo "$cpu $w"
}
begin_cost() { c_up0="$(grp_cost "$UP_PID")"; c_px0="$(grp_cost "$1")"; }
end_cost() {  # NAME REQUESTS PROXY_PGID LOADGEN_CPU_SECONDS
  local up px
  up="$(grp_cost "$UP_PID")"; px="$(grp_cost "$3")"
  awk -v n="$2" -v t="$TICK_US" -v u0="$c_up0" -v u1="$up" -v p0="$c_px0" -v p1="$px" -v lg="${4:-0}" 'BEGIN {
    split(u0, a, " "); split(u1, b, " "); split(p0, c, " "); split(p1, d, " ");
    if (n > 0) printf "COST requests=%d proxy_cpu_us=%.1f proxy_writes=%.2f upstream_cpu_us=%.1f loadgen_cpu_us=%.1f\n",
      n, (d[1] - c[1]) * t / n, (d[2] - c[2]) / n, (b[1] - a[1]) * t / n, lg * 1e6 / n }' >>"$OUT/$1.txt"
}
TIMEFORMAT='%U %S'
# wrk_run NAME URL LUA PROXY_PGID [SECONDS]: warm-up, then the measured run into $OUT/NAME.txt
wrk_run() {
  local name="$1" url="$2" lua="$3" pg="$4" secs="${5:-$DURATION}" lg
  quiet "$name"
  wrk -t"$THREADS" -c"$CONNS" -d"${WRK_WARMUP}s" -s "$TMP/$lua.lua" "$url" >/dev/null
  log "wrk $name (${secs}s)"
  [ "$JFR" = 1 ] && [ "$pg" = "$GW_PID" ] && jfr_start "$name"
  begin_cost "$pg"
  { time wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency -s "$TMP/$lua.lua" "$url" >"$OUT/$name.txt"; } 2>"$TMP/time"
  lg="$(awk '{ print $1 + $2 }' "$TMP/time")"
  end_cost "$name" "$(awk '/requests in/ { print $1 }' "$OUT/$name.txt")" "$pg" "$lg"
  [ "$JFR" = 1 ] && [ "$pg" = "$GW_PID" ] && jfr_stop "$name"
  return 0
}
# JFR: the recording's cost lands in the measured CPU, so profile runs are for the shares, not the figures.
# shellcheck disable=SC2086
jfr_start() { "$(dirname "$JAVA")/jcmd" "$GW_PID" JFR.start name="$1" settings=profile $JFR_OPTS >/dev/null; }
jfr_stop() {
  local f="$OUT/$1.jfr"
  "$(dirname "$JAVA")/jcmd" "$GW_PID" JFR.stop name="$1" filename="$f" >/dev/null
  # Share of CPU samples per frame, counted once per sample for any frame of its stack ("inclusive"),
  # and per top frame ("self").
  "$(dirname "$JAVA")/jfr" print --events "$JFR_EVENT" --stack-depth 64 "$f" | awk -v ev="$JFR_EVENT" '
    $1 == ev { if (n) flush(); n++; depth = 0; delete seen; next }
    /line:/ { sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); if (depth == 0) self[$0]++; depth++; if (!($0 in seen)) { seen[$0] = 1; incl[$0]++ } }
    function flush() { }
    END { for (k in incl) printf "incl %5.1f%% %s\n", 100 * incl[k] / n, k; for (k in self) printf "self %5.1f%% %s\n", 100 * self[k] / n, k; printf "samples %d\n", n }' \
    | sort -k1,1 -k2,2nr >"$OUT/$1.jfr.txt"
}
# fixed NAME URL RATE SECONDS PROXY_PGID (RATE 0 = concurrency 1)
fixed() {
  local name="$1" url="$2" rate="$3" secs="$4" pg="$5"
  quiet "$name"
  log "FixedRate $name (rate ${rate/#0/sequential}, ${WARMUP}s warm-up + ${secs}s)"
  begin_cost "$pg"
  "$JAVA" -Xms64m -Xmx256m -cp "$JAR" "$ROOT/bench/FixedRate.java" "$url" "$TMP/body.json" "$rate" "$secs" "$WARMUP" "$CONNS" \
    >"$OUT/$name.txt" 2>&1
  # (includes the warm-up requests, sent the same way)
  end_cost "$name" "$(sed -n 's/^RESULT .*sent=\([0-9]*\).*/\1/p' "$OUT/$name.txt" | awk -v r="$rate" -v w="$WARMUP" -v s="$secs" '{ print (r > 0 ? $1 + r * w : $1 * (s + w) / s) }')" "$pg"
}

# The JIT's warm-up: the gateway's first seconds cost several times its steady state, so every
# kind of request runs for a while before anything is measured (nginx needs none).
if [ "$GW_WARMUP" -gt 0 ]; then
  log "warming the gateway up (${GW_WARMUP}s of each kind of request)"
  for l in plain translated stream; do
    wrk -t"$THREADS" -c"$CONNS" -d"${GW_WARMUP}s" -s "$TMP/$l.lua" "$GATEWAY" >/dev/null
  done
fi

if step passthrough; then
  wrk_run passthrough-nginx "$NGX" plain "$NGX_PID"
  wrk_run passthrough-gateway "$GATEWAY" plain "$GW_PID"
fi
if step translated; then
  wrk_run translated-nginx "$NGX_MESSAGES" messages "$NGX_PID"
  wrk_run translated-gateway "$GATEWAY" translated "$GW_PID"
fi
if step sse; then
  wrk_run sse-nginx "$NGX" stream "$NGX_PID"
  wrk_run sse-gateway "$GATEWAY" stream "$GW_PID"
fi
# The other streams (optional steps): each after its own JIT warm-up, nginx proxying the same upstream stream.
sse_step() {  # NAME URL LUA NGINX_URL NGINX_LUA
  step "$1" || return 0
  if [ "$GW_WARMUP" -gt 0 ]; then
    log "warming the gateway up for $1 (${GW_WARMUP}s)"
    wrk -t"$THREADS" -c"$CONNS" -d"${GW_WARMUP}s" -s "$TMP/$3.lua" "$2" >/dev/null
  fi
  wrk_run "$1-nginx" "$4" "$5" "$NGX_PID"
  wrk_run "$1-gateway" "$2" "$3" "$GW_PID"
}
sse_step sse-anthropic "http://127.0.0.1:$GW_PORT/v1/messages" anthropic-stream "$NGX_MESSAGES" anthropic-stream
sse_step sse-gemini "http://127.0.0.1:$GW_PORT$GEMINI_PATH" gemini-stream "http://127.0.0.1:$NGX_PORT$GEMINI_PATH" gemini-stream
sse_step sse-responses "http://127.0.0.1:$GW_PORT/v1/responses" responses-stream "http://127.0.0.1:$NGX_PORT/v1/responses" responses-stream
sse_step sse-translated "$GATEWAY" translated-stream "$NGX_MESSAGES" anthropic-stream
if step fixed; then
  fixed fixed-direct "$DIRECT" "$RATE" "$FIXED_SECONDS" "$UP_PID"
  fixed fixed-nginx "$NGX" "$RATE" "$FIXED_SECONDS" "$NGX_PID"
  fixed fixed-gateway "$GATEWAY" "$RATE" "$FIXED_SECONDS" "$GW_PID"
fi
if step seq; then
  fixed seq-direct "$DIRECT" 0 "$SEQ_SECONDS" "$UP_PID"
  fixed seq-nginx "$NGX" 0 "$SEQ_SECONDS" "$NGX_PID"
  fixed seq-gateway "$GATEWAY" 0 "$SEQ_SECONDS" "$GW_PID"
fi
if step long && [ "$LONG_REQUESTS" -gt 0 ]; then
  # wrk stops itself after LONG_REQUESTS responses; -d only bounds the run (at 1,000 req/s at worst).
  secs=$((LONG_REQUESTS / 1000 + 60))
  log "long run: $LONG_REQUESTS requests through the gateway (at most ${secs}s)"
  quiet long-gateway
  rm -f "$TMP/long.done"
  begin_cost "$GW_PID"
  wrk -t1 -c"$CONNS" -d"${secs}s" --latency -s "$TMP/long.lua" "$GATEWAY" >"$OUT/long-gateway.txt" &
  wpid=$!
  while kill -0 "$wpid" 2>/dev/null && [ ! -f "$TMP/long.done" ]; do sleep 0.2; done
  lg="$(awk -v t="$TICK_US" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) * t / 1e6 }' "/proc/$wpid/stat" 2>/dev/null || echo 0)"
  kill -INT "$wpid" 2>/dev/null || true
  wait "$wpid" || true
  end_cost long-gateway "$(awk '/requests in/ { print $1 }' "$OUT/long-gateway.txt")" "$GW_PID" "$lg"
  sleep 2
  # Every request the process has served (one access-log line each): the earlier steps' too.
  total="$(grep -c '^{"start_time"' "$OUT/gateway.log" || true)"
  awk -v n="$(awk '/requests in/ { print $1 }' "$OUT/long-gateway.txt")" -v t="$total" \
    '/^VmRSS/ { print "after", $2, n, t } /^VmHWM/ { print "peak", $2 }' "/proc/$GW_PID/status" >>"$OUT/gateway-memory.txt"
fi
curl -fsS "http://127.0.0.1:$ADMIN_PORT/config_dump" >"$OUT/config_dump.json" 2>/dev/null || true

if step startup && [ "$STARTS" -gt 0 ]; then
  stop "$GW_PID"; GW_PID=""
  GC_LOG=""
  for k in $(seq "$STARTS"); do
    quiet "startup-$k"
    t0="$(date +%s%N)"
    gw_start "$OUT/startup-$k.log"
    until listening "$GW_PORT" && post_ok "$GATEWAY"; do
      kill -0 "$GW_PID" 2>/dev/null || fail "the gateway exited during start-up $k (see $OUT/startup-$k.log)"
      [ $(( $(date +%s%N) - t0 )) -lt 30000000000 ] || fail "start-up $k: not serving after 30 s"
      sleep 0.01
    done
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    cpu="$(grp_cost "$GW_PID" | awk -v t="$TICK_US" '{ printf "%.0f", $1 * t / 1000 }')"
    # CPU ms by then of the main thread ("java") and of the JIT compilers (C1, C2)
    threads="$(for f in /proc/"$GW_PID"/task/*/stat; do cat "$f" 2>/dev/null; done | awk -v t="$TICK_US" '{
        n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*$/, "", n); sub(/^.*\) /, ""); c = ($12 + $13) * t / 1000
        if (n == "java") m += c; else if (n ~ /^C[12] CompilerThre/) j += c }
      END { printf "%.0f %.0f", m, j }')"
    sleep "$IDLE_WAIT"
    idle="$(awk '/^VmRSS/ { print $2 }' "/proc/$GW_PID/status")"
    while [ $(( ($(date +%s%N) - t0) / 1000000000 )) -lt "$SETTLED_AT" ]; do sleep 0.2; done
    # wall ms, CPU ms by the first 200, idle RSS kB (IDLE_WAIT s after it, one request served),
    # settled RSS kB (SETTLED_AT s after exec), main thread and JIT CPU ms by the first 200
    echo "$ms $cpu $idle $(awk '/^VmRSS/ { print $2 }' "/proc/$GW_PID/status") $threads" >>"$OUT/startup-ms.txt"
    grep -h -o 'serving [0-9]* ms after .*' "$OUT/startup-$k.log" >>"$OUT/startup-phases.txt" || true
    stop "$GW_PID"; GW_PID=""
  done
fi

# ---- summary --------------------------------------------------------------------------------
have() { [ -f "$OUT/$1.txt" ]; }
costv() { sed -n 's/^COST //p' "$OUT/$1.txt" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$OUT/$1.txt"; }
res() { sed -n 's/^RESULT //p' "$OUT/$1.txt" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1f×", b / a; else print "-" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.0f%%", 100 * b / a; else print "-" }'; }
verdict() { awk -v v="$1" -v lim="$2" 'BEGIN { print (v != "" && v + 0 <= lim + 0 ? "met" : "**missed**") }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
wrk_err() { awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$OUT/$1.txt"; }
errors=0
for f in "$OUT"/*-nginx.txt "$OUT"/*-gateway.txt "$OUT"/*-direct.txt; do
  [ -f "$f" ] || continue
  b="$(basename "$f" .txt)"
  case "$b" in fixed-*|seq-*) errors=$((errors + $(res "$b" errors))) ;; *) errors=$((errors + $(wrk_err "$b"))) ;; esac
done

row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }
{
  echo "| measurement | nginx proxy_pass | gateway | gateway / nginx | target |"
  echo "|---|---|---|---|---|"
  for s in passthrough:3 translated:5 sse:3 sse-anthropic:3 sse-gemini:3 sse-responses:3 sse-translated:-; do
    n="${s%%:*}"; lim="${s#*:}"
    have "$n-gateway" && have "$n-nginx" || continue
    a="$(costv "$n-nginx" proxy_cpu_us)"; b="$(costv "$n-gateway" proxy_cpu_us)"
    r="$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.2f", b / a }')"
    unit="request"; case "$n" in sse*) unit="stream" ;; esac
    t="≤ ${lim}×: $(verdict "$r" "$lim")"; [ "$lim" = - ] && t="none set (translated requests: ≤ 5×)"
    row "**$n: CPU per $unit, µs**" "$a" "**$b**" "**${r}×**" "$t"
  done
  for n in passthrough translated sse sse-anthropic sse-gemini sse-responses sse-translated; do
    have "$n-gateway" && have "$n-nginx" || continue
    a="$(rps "$n-nginx")"; b="$(rps "$n-gateway")"
    t=""; [ "$n" = passthrough ] && t="≥ 50%: $(awk -v a="$a" -v b="$b" 'BEGIN { print (b >= 0.5 * a ? "met" : "**missed**") }')"
    row "$n: throughput at saturation, wrk -t$THREADS -c$CONNS, req/s" "$a" "$b" "$(pct "$a" "$b")" "$t"
    row "$n: write syscalls per request, proxy" "$(costv "$n-nginx" proxy_writes)" "$(costv "$n-gateway" proxy_writes)" "" ""
    row "$n: upstream / wrk CPU per request, µs" "$(costv "$n-nginx" upstream_cpu_us) / $(costv "$n-nginx" loadgen_cpu_us)" \
        "$(costv "$n-gateway" upstream_cpu_us) / $(costv "$n-gateway" loadgen_cpu_us)" "" ""
  done
  if have seq-direct && have seq-nginx && have seq-gateway; then
    for q in p50:100 p99:300; do
      k="${q%%:*}"; lim="${q#*:}"
      d0="$(res seq-direct "${k}_us")"; a="$(res seq-nginx "${k}_us")"; b="$(res seq-gateway "${k}_us")"
      row "concurrency 1, $k: added over the upstream alone ($(ms "$d0") ms), ms" "$(ms $((a - d0)))" "**$(ms $((b - d0)))**" "" \
          "≤ $(ms "$lim") ms: $(verdict $((b - d0)) "$lim")"
    done
    row "concurrency 1: proxy CPU per request, µs" "$(costv seq-nginx proxy_cpu_us)" "$(costv seq-gateway proxy_cpu_us)" \
        "$(ratio "$(costv seq-nginx proxy_cpu_us)" "$(costv seq-gateway proxy_cpu_us)")" ""
  fi
  if have fixed-direct && have fixed-nginx && have fixed-gateway; then
    for k in p50 p99 p999 max; do
      d0="$(res fixed-direct "${k}_us")"
      row "$RATE req/s open loop (coordinated-omission corrected), $k, ms (upstream alone $(ms "$d0"))" \
          "$(ms "$(res fixed-nginx "${k}_us")")" "$(ms "$(res fixed-gateway "${k}_us")")" "" ""
    done
    row "$RATE req/s: proxy CPU per request, µs" "$(costv fixed-nginx proxy_cpu_us)" "$(costv fixed-gateway proxy_cpu_us)" \
        "$(ratio "$(costv fixed-nginx proxy_cpu_us)" "$(costv fixed-gateway proxy_cpu_us)")" ""
  fi
  idle="$(awk '/^idle/ { printf "%.0f", $2 / 1024 }' "$OUT/gateway-memory.txt")"
  # median (range) of column $2 of startup-ms.txt, divided by $3
  sorted() { awk -v c="$1" -v d="${2:-1}" '{ print $c / d }' "$OUT/startup-ms.txt" | sort -g; }
  medrng() { sorted "$@" | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f (%.0f–%.0f)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
  med() { sorted "$@" | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", v[int((NR + 1) / 2)] }'; }
  ngx_rss="$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$NGX_PID" '{ pid = $1; sub(/^.*\) /, ""); if ($3 == g) print pid }' \
    | while read -r p; do awk '/^VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null; done | awk '{ s += $1 } END { printf "%.0f", s / 1024 }')"
  if [ -s "$OUT/startup-ms.txt" ]; then
    row "RSS idle: ${IDLE_WAIT} s after each start-up's first 200, MiB (median, range of $STARTS)" "$ngx_rss (all processes, at the end)" \
        "**$(medrng 3 1024)**" "" "≤ 100: $(verdict "$(med 3 1024)" 100)"
    row "RSS idle, settled: ${SETTLED_AT} s after each exec, MiB (median, range)" "" \
        "**$(medrng 4 1024)**" "" "≤ 100: $(verdict "$(med 4 1024)" 100)"
    row "RSS idle of the measured gateway (after start-up and the sanity requests), MiB" "" "$idle" "" ""
  else
    row "RSS idle (after start-up and the sanity requests), MiB" "$ngx_rss (all processes, at the end)" "**$idle**" "" "≤ 100: $(verdict "$idle" 100)"
  fi
  if grep -q '^after' "$OUT/gateway-memory.txt"; then
    after="$(awk '/^after/ { printf "%.0f", $2 / 1024 }' "$OUT/gateway-memory.txt")"
    n="$(awk '/^after/ { print $3 }' "$OUT/gateway-memory.txt")"
    total="$(awk '/^after/ { print $4 }' "$OUT/gateway-memory.txt")"
    peak="$(awk '/^peak/ { printf "%.0f", $2 / 1024 }' "$OUT/gateway-memory.txt")"
    v="(a run of 1M requests decides)"; [ "${n:-0}" -ge 1000000 ] && v="$(verdict "$after" 150)"
    row "RSS after the long run ($n requests; $total served since start), MiB (peak)" "" "**$after** ($peak)" "" \
        "≤ 150 after 1M: $v"
    row "long run: proxy CPU per request, µs" "" "$(costv long-gateway proxy_cpu_us)" "" ""
  fi
  if [ -s "$OUT/startup-ms.txt" ]; then
    row "start-up: exec of bin/ai-gateway to the first proxied 200, ms (median, range of $STARTS)" "" "**$(medrng 1)**" "" \
        "≤ 500: $(verdict "$(med 1)" 500)"
    row "start-up: CPU the JVM used by then (user + system, all threads), ms (median, range)" "" "$(medrng 2)" "" ""
    row "start-up: of which the main thread / the JIT compilers, ms (median, range)" "" "$(medrng 5) / $(medrng 6)" "" ""
  fi
  gcs=$(grep -c 'Pause' "$OUT/gateway-gc.log" 2>/dev/null || true)
  gcmax=$(grep 'Pause' "$OUT/gateway-gc.log" 2>/dev/null | grep -o '[0-9.]*ms$' | sort -g | tail -n 1)
  row "gateway GC pauses over the measured run (longest)" "" "${gcs:-0} (${gcmax:-0ms})" "" ""
  echo
  echo "errors (non-2xx, socket errors, failed requests) over all runs: $errors"
} >"$OUT/summary.md"

cat "$OUT/machine.txt"
echo
cat "$OUT/summary.md"
echo
echo "machine load before each step:"
sed 's/^/  /' "$OUT/machine-load.txt"
echo "raw output: ${OUT#"$ROOT"/}/"
