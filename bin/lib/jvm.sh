# shellcheck shell=bash
# The JVM flags of the gateway: the one place they are chosen. bin/ai-gateway uses them, and so do
# the container image and the Kubernetes Deployment, whose entrypoint is bin/ai-gateway. Why each
# flag: docs/benchmarks.md ("JVM flags"). Source it after java.sh (it needs $JAVA), then:
#
#   aigw_jvm_flags ROOT [JAVA_OPTS words...]
#       sets AIGW_JVM_FLAGS (the defaults that JAVA_OPTS does not already decide) and AIGW_CACHE
#       (the class-data cache for this JDK and these flags; it may not exist yet)
#   aigw_aot_cache ROOT JAR [--force]    (after aigw_jvm_flags)
#       builds the AOT cache (JDK >= 25), and the folder of Netty's epoll library beside it, when
#       either is missing or older than the jar
#   aigw_cache_flags [JAR]               (after both)
#       appends to AIGW_JVM_FLAGS what uses the cache (and the library folder, unless older than JAR)
#
# The heap caps (-Xmx, direct memory, exit on OutOfMemoryError) are lib/heap.sh's, sourced here.
# Env: AIGW_HEAP_MIN (default 32m), AIGW_GC (Serial (default) | G1 | Parallel | Z), AIGW_AOT (auto
# (default) | off); AIGW_HEAP, AIGW_DIRECT_MEMORY (lib/heap.sh). A collector, -Xms or heap-cap flag
# in JAVA_OPTS replaces the matching default (so JAVA_OPTS=-XX:+UseZGC works instead of clashing).

# shellcheck source=heap.sh
_aigw_lib="${BASH_SOURCE[0]%/*}"; [ "$_aigw_lib" != "${BASH_SOURCE[0]}" ] || _aigw_lib=.
. "$_aigw_lib/heap.sh"

# aigw_java_version_string -> e.g. 25.0.3+9-LTS (from the JDK's release file; else java -version)
aigw_java_version_string() {
  _aigw_version_string
  printf '%s\n' "$_aigw_vs"
}

# _aigw_version_string -> sets _aigw_vs (no subprocess when the JDK has a release file)
_aigw_version_string() {
  local v="" line
  _aigw_home_of "$JAVA"
  if _aigw_release_value "$_aigw_home/release" JAVA_RUNTIME_VERSION && [ -n "$_aigw_rv" ]; then v="$_aigw_rv"
  elif _aigw_release_value "$_aigw_home/release" JAVA_VERSION && [ -n "$_aigw_rv" ]; then v="$_aigw_rv"
  else
    while IFS= read -r line; do
      case "$line" in *'version "'*'"'*) v="${line#*version \"}"; v="${v%%\"*}"; break ;; esac
    done <<<"$("$JAVA" -version 2>&1 </dev/null)"
  fi
  v="${v:-unknown}"
  _aigw_vs="${v//[!A-Za-z0-9.+_-]/_}"
}

# _aigw_hash WORDS... -> sets _aigw_h to a 32-bit FNV-1a hash of the words, one per line (names the
# cache after its flags; plain bash, since cksum is a fork on every start)
_aigw_hash() {
  local s w i c h=2166136261
  s=""
  for w in "$@"; do s="$s$w"$'\n'; done
  for ((i = 0; i < ${#s}; i++)); do
    printf -v c '%d' "'${s:i:1}"
    h=$(( ((h ^ (c & 255)) * 16777619) & 0xFFFFFFFF ))
  done
  _aigw_h="$h"
}

aigw_jvm_flags() {  # ROOT [JAVA_OPTS words...]
  local root="$1" major w gc=0 xms=0 shape=() key
  shift
  _aigw_bin_major "$JAVA"
  major="$_aigw_jm"
  AIGW_JVM_MAJOR="$major"
  for w in "$@"; do
    case "$w" in
      -XX:+Use*GC) gc=1; shape+=("$w") ;;
      -Xmx*|-XX:MaxRAM=*|-XX:MaxRAMPercentage=*|-XX:MaxRAMFraction=*) shape+=("$w") ;;
      -Xms*|-XX:InitialRAMPercentage=*|-XX:MinRAMPercentage=*) xms=1 ;;
      # A young generation of its own: the default -Xms32m could leave no old generation, and
      # JDK 25 then refuses to start with the AOT cache ("archived heap objects cannot be loaded").
      -Xmn*|-XX:NewSize=*|-XX:MaxNewSize=*) xms=1 ;;
      -XX:[+-]UseCompressed*|-XX:[+-]UseCompactObjectHeaders|-XX:ObjectAlignmentInBytes=*) shape+=("$w") ;;
    esac
  done
  AIGW_JVM_FLAGS=()
  if [ "$gc" = 0 ]; then
    case "${AIGW_GC:-Serial}" in
      Serial|serial) AIGW_JVM_FLAGS+=(-XX:+UseSerialGC) ;;
      G1|g1) AIGW_JVM_FLAGS+=(-XX:+UseG1GC) ;;
      Parallel|parallel) AIGW_JVM_FLAGS+=(-XX:+UseParallelGC) ;;
      Z|z|ZGC) AIGW_JVM_FLAGS+=(-XX:+UseZGC) ;;
      *) echo "warning: AIGW_GC=${AIGW_GC} is not Serial, G1, Parallel or Z; using Serial" >&2
         AIGW_JVM_FLAGS+=(-XX:+UseSerialGC) ;;
    esac
  fi
  [ "$xms" = 1 ] || AIGW_JVM_FLAGS+=("-Xms${AIGW_HEAP_MIN:-32m}")
  aigw_heap_flags AIGW_JVM_FLAGS   # -Xmx, -XX:MaxDirectMemorySize, -XX:+ExitOnOutOfMemoryError unless JAVA_OPTS has them
  if [ "$major" -ge 25 ] 2>/dev/null; then
    AIGW_JVM_FLAGS+=(-XX:+UseCompactObjectHeaders)
  fi
  # Freed native memory (the JIT's arenas after the start-up compiles, mostly) goes back to the OS
  # once a second instead of staying in glibc's free lists: idle RSS 10-17 MiB lower, each trim
  # 0.1-1.6 ms on a thread of its own (docs/benchmarks.md, "JVM flags").
  if [ "$major" -ge 22 ] 2>/dev/null; then
    AIGW_JVM_FLAGS+=(-XX:TrimNativeHeapInterval=1000)
  fi
  # Netty emits JFR events for its allocator when JFR is present, which loads ~110 jdk.jfr classes
  # at start (and puts them in the AOT cache). A JFR recording (jcmd JFR.start) still works.
  AIGW_JVM_FLAGS+=(-Dio.netty.jfr.enabled=false)
  # Reflective calls (Jackson calling each config record's constructor, the only reflection the
  # gateway does, and only when it binds a config) through the JDK's native accessors instead of
  # a method handle spun per constructor, whose LambdaForms the AOT cache cannot hold: ~0.1 s less
  # CPU at start (docs/benchmarks.md, "JVM flags"). No request runs reflection.
  AIGW_JVM_FLAGS+=(-Djdk.reflect.useNativeAccessorOnly=true)
  # The gateway has Netty use sun.misc.Unsafe on Java 25+ too (proxy/WireDefaults: header bytes
  # written as plain stores, not a checked ByteBuffer put per byte); this says so to the JDK, which
  # would otherwise print a deprecation warning at start. The flag exists from JDK 23.
  if [ "$major" -ge 23 ] 2>/dev/null; then
    AIGW_JVM_FLAGS+=(--sun-misc-unsafe-memory-access=allow)
  fi
  # What the cache depends on besides the JDK: the collector and the heap's layout. The training
  # run uses exactly these, and the cache's name carries a checksum of them.
  AIGW_TRAIN_FLAGS=()
  for w in "${AIGW_JVM_FLAGS[@]}"; do
    case "$w" in -Xms*|-XX:+ExitOnOutOfMemoryError|-XX:MaxDirectMemorySize=*|-XX:TrimNativeHeapInterval=*) ;; *) AIGW_TRAIN_FLAGS+=("$w") ;; esac
  done
  AIGW_TRAIN_FLAGS+=(${shape[@]+"${shape[@]}"})
  # A heap size changes nothing for the cache unless it turns compressed pointers off (32 GB and
  # up), so -Xmx512m and -Xmx1g share one (the image's cache serves the Deployment's AIGW_HEAP).
  local keyed=()
  for w in "${AIGW_TRAIN_FLAGS[@]}"; do
    case "$w" in
      -Xmx*[0-9][kKmM]|-Xmx[0-9]|-Xmx[0-9][0-9]|-Xmx[12][0-9][gG]|-Xmx[1-9][gG]|-Xmx3[01][gG]) keyed+=("-Xmx<32g") ;;
      *) keyed+=("$w") ;;
    esac
  done
  _aigw_hash "${keyed[@]}"
  key="$_aigw_h"
  _aigw_version_string
  AIGW_NATIVE_DIR="$root/target/native"
  if [ "$major" -ge 25 ] 2>/dev/null; then
    AIGW_CACHE="$root/target/ai-gateway.jdk-$_aigw_vs.$key.aot"
  else
    AIGW_CACHE="$root/target/ai-gateway.jdk-$_aigw_vs.$key.jsa"
  fi
  return 0
}

# JDK >= 25: the AOT cache (classes loaded and linked, and method profiles, from a training run:
# `ai-gateway train`, sample traffic on loopback ports for a few seconds). Built when missing or
# older than the jar. Does nothing on older JDKs, with AIGW_AOT=off, or where target/ is not
# writable (a read-only image has its cache built in). A failed build is reported, and the
# gateway starts without a cache. The same run copies Netty's epoll library out of the jar into
# target/native/ (`train --native-dir`, cli/NativeLibs), which aigw_cache_flags then names as
# java.library.path: Netty loads it from there instead of extracting it to a temporary file at
# every start. On a machine the jar has no epoll library for, the folder stays empty.
aigw_aot_cache() {  # ROOT JAR [--force]
  local root="$1" jar="$2" tmp ntmp
  [ "${AIGW_AOT:-auto}" = off ] && return 0
  [ "$AIGW_JVM_MAJOR" -ge 25 ] 2>/dev/null || return 0
  if [ "${3:-}" != --force ] && [ -f "$AIGW_CACHE" ] && [ ! "$jar" -nt "$AIGW_CACHE" ] \
     && [ -d "$AIGW_NATIVE_DIR" ] && [ ! "$jar" -nt "$AIGW_NATIVE_DIR" ]; then return 0; fi
  [ -w "${AIGW_CACHE%/*}" ] || return 0
  tmp="$AIGW_CACHE.$$.tmp"
  ntmp="$AIGW_NATIVE_DIR.$$.tmp"
  echo "building the JVM's AOT cache for a faster start (once per jar, JDK and collector): $AIGW_CACHE" >&2
  # Classes loaded and linked, without the training run's method profiles (-AOTRecordTraining): the
  # JIT starts no later without them, and the cache is 4 MB smaller, its mapping 3-4 MiB of RSS less
  # (docs/benchmarks.md, "Footprint and start-up").
  if "$JAVA" "${AIGW_TRAIN_FLAGS[@]}" -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining "-XX:AOTCacheOutput=$tmp" \
       -Xlog:aot=error -Xlog:cds=off -jar "$jar" train --native-dir "$ntmp" \
       </dev/null >/dev/null 2>"$tmp.log" && [ -s "$tmp" ]; then
    find "$root/target" -maxdepth 1 -name 'ai-gateway.jdk-*.aot' ! -newer "$jar" -exec rm -f {} + 2>/dev/null || true
    mv -f "$tmp" "$AIGW_CACHE"
    rm -f "$tmp.log"
    mkdir -p "$ntmp" && rm -rf "$AIGW_NATIVE_DIR" && mv -f "$ntmp" "$AIGW_NATIVE_DIR" || rm -rf "$ntmp"
  else
    echo "warning: could not build the AOT cache (the gateway starts without it); see $tmp.log" >&2
    rm -f "$tmp" "$tmp.config"
    rm -rf "$ntmp"
    return 1
  fi
}

# A cache that does not fit after all is skipped by the JVM, which then starts as without one
# (its log lines about it are turned off: slower, never broken). One case is fatal instead: a
# young generation that leaves no room for the cache's heap objects, which aigw_jvm_flags avoids
# by leaving -Xms to a JAVA_OPTS that sizes the young generation. JDK 19-24: a dynamic CDS
# archive, which the JVM writes when the first run exits and uses from then on.
aigw_cache_flags() {  # [JAR]
  [ "${AIGW_AOT:-auto}" = off ] && return 0
  # Netty's epoll library, copied out by aigw_aot_cache; not when older than the jar, whose Netty
  # may expect another build of it. A -Djava.library.path in JAVA_OPTS comes later and wins.
  local so=("$AIGW_NATIVE_DIR"/*.so)
  if [ -f "${so[0]}" ] && { [ -z "${1:-}" ] || [ ! "$1" -nt "$AIGW_NATIVE_DIR" ]; }; then
    AIGW_JVM_FLAGS+=("-Djava.library.path=$AIGW_NATIVE_DIR")
  fi
  if [ "$AIGW_JVM_MAJOR" -ge 25 ] 2>/dev/null; then
    # ArchiveRelocationMode=0: map the cache at the address it was built for (the JDK's default,
    # 1, maps it elsewhere on purpose and rewrites every pointer in it). Saves ~40 ms of start-up
    # and keeps its 52 MiB clean file pages (shareable, droppable) instead of 43 MiB of private
    # dirty copies. The cost is that the class metadata's address is not randomised; the JVM
    # still relocates when that address is taken. AIGW_AOT_RELOCATE=1 keeps the JDK's default.
    local reloc=0
    [ "${AIGW_AOT_RELOCATE:-0}" = 1 ] && reloc=1
    [ -f "$AIGW_CACHE" ] && AIGW_JVM_FLAGS+=("-XX:AOTCache=$AIGW_CACHE" -XX:+UnlockDiagnosticVMOptions
      "-XX:ArchiveRelocationMode=$reloc" -Xlog:aot=off -Xlog:cds=off)
  elif [ "$AIGW_JVM_MAJOR" -ge 19 ] 2>/dev/null && [ -w "${AIGW_CACHE%/*}" ]; then
    AIGW_JVM_FLAGS+=("-XX:SharedArchiveFile=$AIGW_CACHE" -XX:+AutoCreateSharedArchive -Xlog:cds=off)
  fi
  return 0
}
