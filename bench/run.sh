#!/usr/bin/env bash
# UltraChat benchmarks: builds bench/target/ultrachat-bench.jar and runs one benchmark.
#
# Usage: bench/run.sh [--no-build] COMMAND [ARGS...]
#
# Commands
#   build                     build the bench jar only (mvn -B -f bench/pom.xml package)
#   tokens [JMH ARGS]         JMH, throughput: AccessTokens.verify on 1 and 2 threads, the bare
#                             JCA RSA check, and RS256 signing (about 75 s)
#   tokens-latency [JMH ARGS] JMH, SampleTime (p50/p99/...) of verify on 1 and 2 threads (about 40 s)
#   http SCENARIO [LOADGEN ARGS]
#                             starts a server (its own fresh data dir, rate limits lifted), runs the
#                             load generator's SCENARIO (ping | login | refresh) against it, and
#                             stops that server. LOADGEN ARGS go to io.ultrachat.bench.LoadGenerator,
#                             e.g. --connections 32 --duration 20 --rate 10000 (see --help)
#   mixed [LOGIN CONNECTIONS] starts a server, measures ping alone (15 s), then ping again while a
#                             second generator runs logins on LOGIN CONNECTIONS connections
#                             (default 4): how password hashing affects every other request
#   loadgen [LOADGEN ARGS]    the load generator alone, against a server you run yourself
#
#   Chat and realtime (io.ultrachat.bench.ChatLoad; real WebSocket connections). Each starts a
#   server as `http` does, with cheap password hashing for the setup's registrations
#   (auth.argon2.memory-kib=1024, iterations=1: no login is measured), runs, and stops it:
#   chat-idle N [PROCS] [ARGS] N idle authenticated connections (hello → ready) spread over PROCS
#                             generator processes (default: one per 5,000) bound to source
#                             addresses 127.0.0.2, 127.0.0.3, …; measures the server's VmRSS
#                             (/proc) and live heap (jcmd GC.class_histogram, after a full GC)
#                             before and after, and the connect rate. ARGS go to every generator.
#   chat-ingest [ARGS]        durable ingest: `send` frames acknowledged after commit
#                             (e.g. --senders 1000 --rate 10000 --duration 20)
#   chat-fanout [ARGS]        rooms of --members connections, --rate messages/s in total,
#                             send → deliver latency (e.g. --members 500 --rooms 10 --rate 200)
#   chat-history [ARGS]       history pages over HTTP, reads/s and chat-messages cache hit rate
#   chatload [ARGS]           ChatLoad alone, against a server you run yourself (--help)
#
# Environment
#   JAVA_HOME          JDK to run with (25+; default: the newest JDK 25+ under /usr/lib/jvm)
#   SERVER_JAR         server jar (default: server/target/ultrachat.jar, built with `mvn install`
#                      from the repo root if missing). It is copied to a private file first, so a
#                      rebuild in the work tree during the run cannot change what is measured.
#   DATABASE_URL       e.g. postgresql://postgres@127.0.0.1:5432/ultrachat_bench (a database of its
#                      own: the run adds tables and users); default: embedded SQLite
#   PORT               server port (default 18080)
#   SERVER_ARGS        extra arguments for `ultrachat serve`, e.g. "--set database.pool-size=1"
#   SERVER_JAVA_OPTS   JVM options of the server (default: as the `ultrachat` launcher,
#                      "--enable-native-access=ALL-UNNAMED -XX:+UseG1GC")
#   LOADGEN_JAVA_OPTS  JVM options of the load generator (default "-XX:+UseParallelGC -Xms256m")
#   RESULTS            file the load generator appends its JSON result to
#                      (default bench/target/results.jsonl)
#   WAIT_IDLE_SECONDS  on a shared machine: before running, wait up to this long for the
#                      machine to be nearly idle (< 0.3 cores busy over 2 s); default 0 (no wait)
#   RESET_DATABASE     1: drop and re-create the PostgreSQL database of DATABASE_URL (with psql)
#                      before starting the server, so every run starts from empty tables
#   IDLE_HEAP_DUMP     chat-idle: also write a heap dump (hprof) of the server while the connections are held
#   CHAT_RESULTS       file ChatLoad appends its JSON results to (default bench/target/chat-results.jsonl);
#                      chat-idle appends its memory figures there too
#
# Examples
#   bench/run.sh tokens
#   bench/run.sh http ping --users 64 --connections 32 --warmup 5 --duration 20
#   bench/run.sh http ping --users 64 --connections 64 --rate 10000 --duration 20
#   bench/run.sh http login --users 32 --connections 4
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ultrachat_bench bench/run.sh http refresh
#   DATABASE_URL=… bench/run.sh chat-idle 19800 4
#   DATABASE_URL=… bench/run.sh chat-ingest --senders 1000 --rate 10000 --warmup 10 --duration 20
#   DATABASE_URL=… bench/run.sh chat-fanout --members 5000 --rate 20 --senders-per-room 2
#   DATABASE_URL=… bench/run.sh chat-history --readers 16 --conversations 100 --messages 500
#
# The load generator only targets loopback addresses and stops by itself; the server started
# here is stopped by its own PID when the run ends (or on Ctrl-C).
set -euo pipefail

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$bench/signals.sh"
root="$(cd "$bench/.." && pwd)"
jar="$bench/target/ultrachat-bench.jar"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    echo "$JAVA_HOME/bin/java"
    return
  fi
  local best="" best_major=0 dir major
  for dir in /usr/lib/jvm/*; do
    [[ -x "$dir/bin/java" ]] || continue
    major="$(java_major "$dir/bin/java" || true)"
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if (( major >= 25 && major > best_major )); then
      best="$dir/bin/java"
      best_major="$major"
    fi
  done
  [[ -n "$best" ]] || { echo "run.sh: no JDK 25+ found under /usr/lib/jvm; set JAVA_HOME" >&2; exit 1; }
  echo "$best"
}

build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi
cmd="${1:-}"
[[ -n "$cmd" ]] || { usage; exit 2; }
shift

java="$(find_java)"

build_bench() {
  if (( build )) || [[ ! -f "$jar" ]]; then
    echo "run.sh: building $jar" >&2
    (cd "$root" && mvn -q -B -f bench/pom.xml package) >&2
  fi
}

machine_info() {
  echo "# machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(free -h | awk '/^Mem:/{print $2}') RAM"
  echo "# java: $("$java" -version 2>&1 | head -n1)"
  echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# Busy cores over the last 2 s, from /proc/stat (everything but idle and iowait), 100 ticks/s.
busy_cores() {
  local a b
  a=($(head -n1 /proc/stat)); sleep 2; b=($(head -n1 /proc/stat))
  local busy_a=$(( a[1]+a[2]+a[3]+a[6]+a[7]+a[8] )) busy_b=$(( b[1]+b[2]+b[3]+b[6]+b[7]+b[8] ))
  awk -v d=$(( busy_b - busy_a )) 'BEGIN { printf "%.2f", d / 200 }'
}

wait_idle() {
  local limit="${WAIT_IDLE_SECONDS:-0}" waited=0 busy
  (( limit > 0 )) || return 0
  while :; do
    busy="$(busy_cores)"
    waited=$(( waited + 2 ))
    if awk -v b="$busy" 'BEGIN { exit !(b < 0.3) }'; then
      echo "# machine idle (${busy} cores busy) after ${waited} s"
      return 0
    fi
    if (( waited >= limit )); then
      echo "# machine still busy (${busy} cores) after ${waited} s; running anyway"
      return 0
    fi
  done
}

jmh() {
  wait_idle
  machine_info
  "$java" -jar "$jar" "$@"
  echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

server_pid=""
workdir=""
generator_pids=()
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$server_pid" 2>/dev/null && kill -9 "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}

# Stops the server and removes its copy of the jar and its data; keeps server.log
# (bench/target/runs/run.*/server.log).
cleanup() {
  stop_generators "${generator_pids[@]}"
  stop_server
  if [[ -n "$workdir" && -d "$workdir" ]]; then
    rm -rf "$workdir/data" "$workdir/server.jar"
  fi
}

start_server() {
  local src="${SERVER_JAR:-$root/server/target/ultrachat.jar}"
  if [[ ! -f "$src" ]]; then
    echo "run.sh: building the server (mvn install -DskipTests)" >&2
    (cd "$root" && mvn -q -B install -DskipTests) >&2
  fi
  mkdir -p "$bench/target/runs"
  workdir="$(mktemp -d "$bench/target/runs/run.XXXXXX")"
  trap 'cleanup' EXIT
  trap 'cleanup; exit 130' INT TERM
  cp "$src" "$workdir/server.jar"
  local listing
  listing="$(unzip -l "$workdir/server.jar" 2>/dev/null || true)"
  if ! grep -q 'com/nimbusds/jose/Algorithm.class' <<<"$listing"; then
    echo "run.sh: $src is not a complete server jar (being rebuilt?); retry or set SERVER_JAR" >&2
    exit 1
  fi
  local port="${PORT:-18080}"
  if [[ "${RESET_DATABASE:-0}" == 1 && "${DATABASE_URL:-}" == postgresql://* ]]; then
    local dbname="${DATABASE_URL##*/}"
    dbname="${dbname%%\?*}"
    [[ "$dbname" =~ ^[a-z_][a-z0-9_]*$ && "$dbname" != test && "$dbname" != postgres ]] \
      || { echo "run.sh: RESET_DATABASE refuses to drop '$dbname'" >&2; exit 2; }
    local admin="${DATABASE_URL%/*}/postgres"
    psql -q "$admin" -c "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname" >/dev/null
    echo "# database $dbname re-created"
  fi
  local db_args=()
  [[ -n "${DATABASE_URL:-}" ]] && db_args=(--database-url "$DATABASE_URL")
  # shellcheck disable=SC2086
  "$java" ${SERVER_JAVA_OPTS:---enable-native-access=ALL-UNNAMED -XX:+UseG1GC} -jar "$workdir/server.jar" serve \
    --port "$port" --data-dir "$workdir/data" "${db_args[@]}" \
    --set rate-limit.user.requests=100000000 \
    --set rate-limit.auth.requests=100000000 \
    --set rate-limit.anonymous.requests=100000000 \
    ${SERVER_ARGS:-} \
    >"$workdir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    if grep -qs "is running at" "$workdir/server.log"; then
      echo "# server: pid $server_pid, port $port, backend ${DATABASE_URL:-sqlite (embedded, $workdir/data)}, log $workdir/server.log"
      return
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "run.sh: the server exited during start-up:" >&2
      cat "$workdir/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "run.sh: the server did not start within 60 s; log: $workdir/server.log" >&2
  exit 1
}

loadgen() {
  local results="${RESULTS:-$bench/target/results.jsonl}"
  # shellcheck disable=SC2086
  "$java" ${LOADGEN_JAVA_OPTS:--XX:+UseParallelGC -Xms256m} -cp "$jar" io.ultrachat.bench.LoadGenerator "$@" --out "$results"
}

chatload() {
  local results="${CHAT_RESULTS:-$bench/target/chat-results.jsonl}"
  # shellcheck disable=SC2086
  "$java" ${LOADGEN_JAVA_OPTS:--XX:+UseParallelGC -Xms256m} -cp "$jar" io.ultrachat.bench.ChatLoad "$@" --out "$results"
}

# Registrations are only setup here; cheap hashing keeps a 20,000-account setup to a minute.
CHAT_SERVER_ARGS="--set auth.argon2.memory-kib=1024 --set auth.argon2.iterations=1 --set auth.argon2.max-concurrent=2"

chat_label() {
  echo "backend=$(sed 's#//[^@/]*@#//#' <<<"${DATABASE_URL:-sqlite}") server-jvm=${SERVER_JAVA_OPTS:---enable-native-access=ALL-UNNAMED -XX:+UseG1GC} server-args=${SERVER_ARGS:-}"
}

# Server memory now: VmRSS (KiB) and live heap bytes after a full GC (class histogram total).
server_memory() {
  local histo live rss
  histo="$("$(dirname "$java")/jcmd" "$server_pid" GC.class_histogram 2>/dev/null)"
  live="$(awk '/^Total/ {print $3}' <<<"$histo")"
  # The histogram ran a full GC; give a collector that returns free memory to the OS (G1 with
  # -XX:MaxHeapFreeRatio, ZGC with -XX:ZUncommitDelay) a moment to do so.
  sleep 3
  rss="$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
  echo "$rss ${live:-0}"
  # Kept for the write-up: which classes grew.
  echo "$histo" >"$workdir/histogram.$1.txt"
}

# chat-idle N [PROCS] [ARGS]: N connections over PROCS generators, memory before/after.
chat_idle() {
  local total="$1" procs=0
  shift
  if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    procs="$1"
    shift
  fi
  (( procs > 0 )) || procs=$(( (total + 4999) / 5000 ))
  local sig="$workdir/signals"
  mkdir -p "$sig"
  local url="http://127.0.0.1:${PORT:-18080}" label
  label="idle $(chat_label)"
  local i per
  for (( i = 0; i < procs; i++ )); do
    per=$(( total / procs + (i < total % procs ? 1 : 0) ))
    chatload --mode idle --url "$url" --connections "$per" --local-address "127.0.0.$(( i + 2 ))" \
      --signal-dir "$sig" --name "g$i" --hold 300 --label "$label" "$@" >"$workdir/idle.g$i.out" 2>&1 &
    generator_pids+=($!)
  done
  wait_signals "$sig" registered "$procs" 900 || return 1
  sleep 3
  local before after fds_before fds_after
  before=($(server_memory before))
  fds_before=$(ls "/proc/$server_pid/fd" | wc -l)
  echo "# before: VmRSS ${before[0]} KiB, live heap ${before[1]} B, ${fds_before} fds"
  touch "$sig/go"
  wait_signals "$sig" connected "$procs" 600 || return 1
  sleep 5
  after=($(server_memory after))
  fds_after=$(ls "/proc/$server_pid/fd" | wc -l)
  echo "# after:  VmRSS ${after[0]} KiB, live heap ${after[1]} B, ${fds_after} fds"
  local open=$(( fds_after - fds_before ))
  if [[ -n "${IDLE_HEAP_DUMP:-}" ]]; then
    "$(dirname "$java")/jcmd" "$server_pid" GC.heap_dump "$IDLE_HEAP_DUMP" >/dev/null && echo "# heap dump: $IDLE_HEAP_DUMP"
  fi
  touch "$sig/stop"
  for i in "${!generator_pids[@]}"; do wait "${generator_pids[$i]}" || true; done
  generator_pids=()
  cat "$workdir"/idle.g*.out | grep -E '^(idle|setup|RESULT)' || true
  local connected
  connected=$(cat "$workdir"/idle.g*.out | sed -n 's/^RESULT .*"connected":\([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}')
  (( connected > 0 )) || { echo "run.sh: no connection was made" >&2; return 1; }
  local line
  line=$(awk -v n="$connected" -v procs="$procs" -v r0="${before[0]}" -v r1="${after[0]}" -v h0="${before[1]}" -v h1="${after[1]}" \
    -v fds="$open" -v label="$label" -v t="$(date -u +%Y-%m-%dT%H:%M:%SZ)" 'BEGIN {
      printf "{\"label\":\"%s\",\"mode\":\"idle-memory\",\"time\":\"%s\",\"connections\":%d,\"generators\":%d,", label, t, n, procs;
      printf "\"serverFdsAdded\":%d,\"rssKiBBefore\":%d,\"rssKiBAfter\":%d,\"rssKiBPerConnection\":%.2f,", fds, r0, r1, (r1 - r0) / n;
      printf "\"liveHeapBytesBefore\":%d,\"liveHeapBytesAfter\":%d,\"liveHeapBytesPerConnection\":%.0f}\n", h0, h1, (h1 - h0) / n }')
  echo "RESULT $line"
  echo "$line" >>"${CHAT_RESULTS:-$bench/target/chat-results.jsonl}"
  echo "# per connection: $(( (after[0] - before[0]) / connected )) KiB RSS, $(( (after[1] - before[1]) / connected )) B live heap (${connected} connections, ${open} server fds)"
  echo "# histograms: $workdir/histogram.before.txt, $workdir/histogram.after.txt"
}


# Stops the idle generators still running, by their PIDs.
stop_generators() {
  local p
  for p in "$@"; do
    [[ -n "$p" ]] && kill "$p" 2>/dev/null || true
  done
}

chat_run() {
  local mode="$1"
  shift
  build_bench
  wait_idle
  machine_info
  SERVER_ARGS="$CHAT_SERVER_ARGS ${SERVER_ARGS:-}" start_server
  rc=0
  if [[ "$mode" == idle ]]; then
    chat_idle "$@" || rc=$?
  else
    chatload --mode "$mode" --url "http://127.0.0.1:${PORT:-18080}" --server-pid "$server_pid" --label "$mode $(chat_label)" "$@" || rc=$?
  fi
  echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
  if grep -qiE ' (WARN|ERROR) ' "$workdir/server.log"; then
    echo "# server warnings/errors (first 20):"
    grep -iE ' (WARN|ERROR) ' "$workdir/server.log" | head -n 20
  fi
  cleanup
  exit "$rc"
}

case "$cmd" in
  build)
    build=1
    build_bench
    ;;
  tokens)
    build_bench
    jmh 'TokenVerifyBenchmark' -bm thrpt "$@"
    ;;
  tokens-latency)
    build_bench
    jmh 'TokenVerifyBenchmark.verify' -bm sample -tu us "$@"
    ;;
  http)
    scenario="${1:-}"
    [[ "$scenario" =~ ^(ping|login|refresh)$ ]] || { echo "run.sh: http needs a scenario: ping, login or refresh" >&2; exit 2; }
    shift
    build_bench
    wait_idle
    machine_info
    start_server
    rc=0
    # The backend without any credentials in the URL.
    backend="$(sed 's#//[^@/]*@#//#' <<<"${DATABASE_URL:-sqlite}")"
    label="backend=$backend server-jvm=${SERVER_JAVA_OPTS:---enable-native-access=ALL-UNNAMED -XX:+UseG1GC} server-args=${SERVER_ARGS:-}"
    loadgen --scenario "$scenario" --url "http://127.0.0.1:${PORT:-18080}" --server-pid "$server_pid" --label "$label" "$@" || rc=$?
    echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
    if grep -qiE ' (WARN|ERROR) ' "$workdir/server.log"; then
      echo "# server warnings/errors (first 20):"
      grep -iE ' (WARN|ERROR) ' "$workdir/server.log" | head -n 20
    fi
    cleanup
    exit "$rc"
    ;;
  mixed)
    login_connections="${1:-4}"
    build_bench
    wait_idle
    machine_info
    start_server
    url="http://127.0.0.1:${PORT:-18080}"
    label="mixed backend=$(sed 's#//[^@/]*@#//#' <<<"${DATABASE_URL:-sqlite}")"
    echo "## ping alone"
    loadgen --scenario ping --url "$url" --server-pid "$server_pid" --label "$label ping-alone" \
      --users 16 --connections 16 --warmup 5 --duration 15 || true
    echo "## logins on $login_connections connections (background) + ping"
    loadgen --scenario login --url "$url" --server-pid "$server_pid" --label "$label login-with-ping" \
      --users 16 --connections "$login_connections" --warmup 8 --duration 20 >"$workdir/login.out" 2>&1 &
    login_pid=$!
    sleep 6
    loadgen --scenario ping --url "$url" --server-pid "$server_pid" --label "$label ping-with-logins" \
      --users 16 --connections 16 --warmup 5 --duration 15 --timeline || true
    wait "$login_pid" || true
    echo "## the background login generator:"
    cat "$workdir/login.out"
    cleanup
    ;;
  loadgen)
    build_bench
    loadgen "$@"
    ;;
  chat-idle)
    [[ "${1:-}" =~ ^[0-9]+$ ]] || { echo "run.sh: chat-idle needs a connection count" >&2; exit 2; }
    chat_run idle "$@"
    ;;
  chat-ingest|chat-fanout|chat-history)
    chat_run "${cmd#chat-}" "$@"
    ;;
  chatload)
    build_bench
    chatload "$@"
    ;;
  -h|--help|help)
    usage
    ;;
  *)
    echo "run.sh: unknown command '$cmd'" >&2
    usage >&2
    exit 2
    ;;
esac
