# shellcheck shell=bash
# Heap defaults for the gateway JVM (sourced by bin/ai-gateway). Owned by the hardening work; the
# other JVM flags (GC, CDS/AOT) live elsewhere in the launcher.
#
# Why: without -Xmx the JVM takes a quarter of the machine's RAM (or of a container's limit) as
# heap, so the gateway's footprint depended on the host: 60 concurrent 200 MB responses pushed
# RSS to 6.3 GB on a 24 GB box. The gateway's own state is small (one config snapshot, pooled
# connections); what grows is buffered request/response bodies, each bounded (--max-body-bytes,
# the response buffering limit). A fixed cap makes memory predictable, and an allocation past it
# fails that one request instead of the host.
#
#   AIGW_HEAP           max heap (-Xmx), default 1g
#   AIGW_DIRECT_MEMORY  max direct (off-heap) buffers, Netty's I/O buffers (-XX:MaxDirectMemorySize), default 512m
#
# A flag already in JAVA_OPTS wins: -Xmx / -XX:MaxRAMPercentage / -XX:MaxRAM (heap) and
# -XX:MaxDirectMemorySize (direct) turn the matching default off. In a container, prefer
# JAVA_OPTS=-XX:MaxRAMPercentage=60 so the heap follows the pod's memory limit.

# Appends the heap flags to the array named by $1 (bash 3 compatible: no namerefs).
aigw_heap_flags() {
  local out="$1" opts=" ${JAVA_OPTS:-} "
  case "$opts" in
    *" -Xmx"*|*"MaxRAMPercentage"*|*"-XX:MaxRAM="*) ;;
    *) eval "$out+=(\"-Xmx\${AIGW_HEAP:-1g}\")" ;;
  esac
  case "$opts" in
    *"MaxDirectMemorySize"*) ;;
    *) eval "$out+=(\"-XX:MaxDirectMemorySize=\${AIGW_DIRECT_MEMORY:-512m}\")" ;;
  esac
  # A heap that runs out ends the process (a supervisor restarts it) rather than limping on.
  case "$opts" in
    *"ExitOnOutOfMemoryError"*|*"CrashOnOutOfMemoryError"*) ;;
    *) eval "$out+=(\"-XX:+ExitOnOutOfMemoryError\")" ;;
  esac
}
