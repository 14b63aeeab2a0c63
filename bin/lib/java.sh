# shellcheck shell=bash
# Shared JDK discovery for bin/ai-gateway and .ci/run. Source it, then call:
#
#   aigw_find_java [--jdk]
#
# On success it sets and exports JAVA_HOME and JAVA (path to the java binary)
# for a Java >= $AIGW_MIN_JAVA (default 21) and returns 0. With --jdk it also
# requires bin/javac (needed to build with Maven). On failure it prints what was
# searched and how to fix it to stderr and returns 1.
#
# Search order:
#   1. $JAVA_HOME (if its java is new enough)
#   2. `java` on PATH
#   3. JDK folders, newest version wins. Override the folder list with
#      AIGW_JVM_DIRS, a colon-separated list of JDK homes or glob patterns, e.g.
#      AIGW_JVM_DIRS="/opt/jdks/*:$HOME/jdk-21"
#
# Written for bash 3.2+ (macOS /bin/bash) as well as Linux.

AIGW_MIN_JAVA="${AIGW_MIN_JAVA:-21}"

aigw_default_jvm_dirs() {
  printf '%s' "/usr/lib/jvm/*:/usr/local/lib/jvm/*:/opt/java/*:/opt/jdk*:/Library/Java/JavaVirtualMachines/*/Contents/Home:${HOME:-/nonexistent}/.sdkman/candidates/java/*"
}

# aigw_java_major "<output of java -version>" -> prints the major version (8, 17, 21, 25, ...)
aigw_java_major() {
  _aigw_parse_major "$1" || return 1
  printf '%s\n' "$_aigw_jm"
}

# _aigw_parse_major "<output of java -version>" -> sets _aigw_jm. Plain bash, no subprocess: the
# launcher runs this on every start, and each fork is a few ms on a busy machine.
_aigw_parse_major() {
  local line ver
  _aigw_jm=""
  # First line that carries the version string, e.g.
  #   openjdk version "17.0.15" 2025-04-15 / java version "1.8.0_292" / openjdk version "25"
  # ("Picked up JAVA_TOOL_OPTIONS" noise lines are skipped.)
  while IFS= read -r line; do
    case "$line" in *'version "'*'"'*) break ;; esac
    line=""
  done <<<"$1"
  [ -n "$line" ] || return 1
  ver="${line#*version \"}"
  ver="${ver%%\"*}"
  case "$ver" in
    1.*) ver="${ver#1.}" ;;   # 1.8.0_292 -> 8
  esac
  _aigw_jm="${ver%%[!0-9]*}"  # 21.0.2 / 25 / 25-ea -> 21 / 25
  [ -n "$_aigw_jm" ]
}

# _aigw_release_value FILE NAME -> sets _aigw_rv to NAME's quoted value in a JDK release file
_aigw_release_value() {
  local line
  _aigw_rv=""
  [ -f "$1" ] || return 1
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in "$2=\""*\") _aigw_rv="${line#"$2=\""}"; _aigw_rv="${_aigw_rv%\"}"; return 0 ;; esac
  done <"$1"
  return 1
}

# _aigw_home_of /path/to/bin/java -> sets _aigw_home (the JDK folder: .../bin/java less two parts)
_aigw_home_of() {
  case "$1" in
    */*/*) _aigw_home="${1%/*}"; _aigw_home="${_aigw_home%/*}"; [ -n "$_aigw_home" ] || _aigw_home=/ ;;
    *) _aigw_home="$(cd "$(dirname "$1")/.." 2>/dev/null && pwd)" ;;
  esac
}

# aigw_java_bin_major /path/to/java -> prints major version, fails if it cannot run
aigw_java_bin_major() {
  _aigw_bin_major "$1" || return 1
  printf '%s\n' "$_aigw_jm"
}

# _aigw_bin_major /path/to/java -> sets _aigw_jm (reads the JDK's release file when there is one:
# starting a JVM only to ask costs ~0.1 s)
_aigw_bin_major() {
  local bin="$1" out
  _aigw_jm=""
  [ -x "$bin" ] || return 1
  _aigw_home_of "$bin"
  if _aigw_release_value "$_aigw_home/release" JAVA_VERSION && [ -n "$_aigw_rv" ] \
     && _aigw_parse_major "version \"$_aigw_rv\""; then return 0; fi
  out="$("$bin" -version 2>&1 </dev/null)" || return 1
  _aigw_parse_major "$out"
}

# _aigw_ok HOME NEEDJDK -> true if HOME/bin/java is >= min (and has javac if NEEDJDK=1).
# Sets _aigw_major as a side effect.
_aigw_ok() {
  local home="$1" needjdk="$2"
  _aigw_major=""
  [ -n "$home" ] && [ -x "$home/bin/java" ] || return 1
  _aigw_bin_major "$home/bin/java" || { _aigw_major="?"; return 1; }
  _aigw_major="$_aigw_jm"
  [ "$_aigw_major" -ge "$AIGW_MIN_JAVA" ] 2>/dev/null || return 1
  if [ "$needjdk" = 1 ] && [ ! -x "$home/bin/javac" ]; then
    _aigw_major="$_aigw_major (JRE only, no javac)"
    return 1
  fi
  return 0
}

_aigw_use() {
  JAVA_HOME="$1"
  JAVA="$1/bin/java"
  export JAVA_HOME JAVA
}

# _aigw_glob PATTERN... -> appends the glob matches to the caller's cands array
# (no word splitting, so folders with spaces work).
_aigw_glob() {
  local IFS='' pat cand
  for pat in "$@"; do
    [ -n "$pat" ] || continue
    # shellcheck disable=SC2086  # globbing intended
    for cand in $pat; do cands+=("$cand"); done
  done
}

aigw_find_java() {
  local needjdk=0 tried="" home pathjava out best="" best_major=0 cand dirs
  [ "${1:-}" = "--jdk" ] && needjdk=1

  # 1. JAVA_HOME
  if [ -n "${JAVA_HOME:-}" ]; then
    if _aigw_ok "$JAVA_HOME" "$needjdk"; then _aigw_use "$JAVA_HOME"; return 0; fi
    tried="${tried}  - JAVA_HOME=$JAVA_HOME -> ${_aigw_major:-no bin/java}"$'\n'
  else
    tried="${tried}  - JAVA_HOME (not set)"$'\n'
  fi

  # 2. java on PATH (ask the JVM itself for its home: works through
  #    /usr/bin/java -> /etc/alternatives symlinks and the macOS stub)
  pathjava="$(command -v java 2>/dev/null || true)"
  if [ -n "$pathjava" ]; then
    out="$("$pathjava" -XshowSettings:properties -version 2>&1 </dev/null || true)"
    home="$(printf '%s\n' "$out" | sed -n 's/^ *java\.home = //p' | head -n 1)"
    home="${home%/jre}"   # Java 8 reports .../jre
    if [ -n "$home" ] && _aigw_ok "$home" "$needjdk"; then _aigw_use "$home"; return 0; fi
    tried="${tried}  - java on PATH: $pathjava -> $(aigw_java_major "$out" || echo '?')${home:+ (home $home)}"$'\n'
  else
    tried="${tried}  - java on PATH (none)"$'\n'
  fi

  # 3. well-known JVM folders, newest wins
  dirs="${AIGW_JVM_DIRS:-$(aigw_default_jvm_dirs)}"
  local pats=() cands=()
  IFS=':' read -r -a pats <<<"$dirs"
  _aigw_glob ${pats[@]+"${pats[@]}"}
  for cand in ${cands[@]+"${cands[@]}"}; do
    [ -x "$cand/bin/java" ] || continue
    if _aigw_ok "$cand" "$needjdk"; then
      if [ "$_aigw_major" -gt "$best_major" ]; then best="$cand"; best_major="$_aigw_major"; fi
    else
      tried="${tried}  - $cand -> ${_aigw_major}"$'\n'
    fi
  done
  if [ -n "$best" ]; then _aigw_use "$best"; return 0; fi

  {
    echo "error: ai-gateway needs a JDK >= $AIGW_MIN_JAVA, none found."
    echo "Searched:"
    printf '%s' "$tried"
    echo "  - folders: $dirs"
    echo "Fix one of:"
    echo "  - install one, e.g.: sudo apt-get install openjdk-21-jdk   (Debian/Ubuntu)"
    echo "                       brew install openjdk@21                (macOS)"
    echo "                       sdk install java 21-tem                (SDKMAN)"
    echo "  - or point JAVA_HOME at an installed JDK >= $AIGW_MIN_JAVA: export JAVA_HOME=/path/to/jdk"
    echo "  - or list extra JDK folders in AIGW_JVM_DIRS (colon-separated, globs allowed)"
  } >&2
  return 1
}

# One-line description of the chosen java, e.g. for logs.
aigw_java_describe() {
  printf '%s (%s)\n' "$JAVA" "$("$JAVA" -version 2>&1 </dev/null | grep -E 'version "' | head -n 1)"
}

# Maven 3.8/3.9 bundles an old Guava that trips JDK 23+'s sun.misc.Unsafe
# deprecation warnings; silence them (noise only) unless MAVEN_OPTS already decides.
aigw_maven_env() {
  local major
  major="$(aigw_java_bin_major "$JAVA" 2>/dev/null || echo 0)"
  case "${MAVEN_OPTS:-}" in *sun-misc-unsafe-memory-access*) return 0 ;; esac
  if [ "$major" -ge 23 ] 2>/dev/null; then
    MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
    export MAVEN_OPTS
  fi
}

# aigw_find_mvn ROOT -> sets MVN to ./mvnw (if the repo has one), $MVN, or mvn on PATH.
aigw_find_mvn() {
  local root="$1"
  if [ -n "${MVN:-}" ]; then :
  elif [ -x "$root/mvnw" ]; then MVN="$root/mvnw"
  elif command -v mvn >/dev/null 2>&1; then MVN="$(command -v mvn)"
  else
    MVN=""
    return 1
  fi
  return 0
}
