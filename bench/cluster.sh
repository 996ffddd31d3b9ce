#!/usr/bin/env bash
# Chat benchmarks against a cluster on this machine: the gateway with the Auth service, and
# NODES chat/realtime nodes behind it (2 by default), on PostgreSQL, Redis and NATS (the local
# servers). By default every client talks to the gateway only, so WebSockets are spread over the
# nodes by the gateway and most deliveries cross nodes over NATS. With DIRECT=1 the WebSockets go
# straight to the nodes, connection i to node i mod NODES (REST setup still goes through the
# gateway): fan-out then reports the deliveries that crossed nodes apart, without the gateway hop.
#
# Usage: bench/cluster.sh ingest|fanout|history [ChatLoad options]   (see bench/run.sh --help)
#        bench/cluster.sh idle TOTAL GENERATORS [ChatLoad idle options]
#          TOTAL connections held by the nodes at once (WebSockets always straight to the nodes,
#          spread evenly; NODES defaults to 3 here), opened by GENERATORS load generator processes
#          on 127.0.0.2, .3, …; reports each node's RSS and open files before and after, and with
#          --probe-rounds P proves every connection receives live messages while all are held.
# Environment: DATABASE_URL (a database of its own; it is dropped and re-created), SERVER_JAR,
#   NATS_URL (nats://127.0.0.1:4222), REDIS_URL (redis://127.0.0.1:6379), PORT (gateway; nodes on
#   the following ports, 18080), NODES, DIRECT, NODE_JAVA_OPTS (JVM options of the nodes),
#   LOADGEN_JAVA_OPTS (of the load generator; default "-XX:+UseParallelGC -Xms256m").
# Starts and stops its own server processes (by their PIDs); the load generator only sends to
# 127.0.0.1 and ends by itself.
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
source "$bench/signals.sh"
root="$(dirname "$bench")"
mode="${1:?usage: bench/cluster.sh ingest|fanout|history|idle [options]}"
shift
[[ "$mode" =~ ^(ingest|fanout|history|idle)$ ]] || { echo "cluster.sh: unknown mode '$mode'" >&2; exit 2; }
default_nodes=2
[[ "$mode" == idle ]] && default_nodes=3
node_count="${NODES:-$default_nodes}"
[[ "$node_count" =~ ^[1-9]$ ]] || { echo "cluster.sh: NODES must be 1..9" >&2; exit 2; }
java="${JAVA:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n1)}"
jar="$bench/target/ultrachat-bench.jar"
server_jar="${SERVER_JAR:-$root/server/target/ultrachat.jar}"
db="${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database of its own}"
port="${PORT:-18080}"
work="$(mktemp -d "$bench/target/cluster.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

dbname="${db##*/}"; dbname="${dbname%%\?*}"
[[ "$dbname" =~ ^[a-z_][a-z0-9_]*$ && "$dbname" != test && "$dbname" != postgres ]] || { echo "refusing to drop '$dbname'" >&2; exit 2; }
psql -q "${db%/*}/postgres" -c "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname" >/dev/null
secret="$(head -c 32 /dev/urandom | base64)"
common=(--database-url "$db" --set bus.backend=nats --set "bus.nats-url=${NATS_URL:-nats://127.0.0.1:4222}"
  --set kv.backend=redis --set "kv.redis-url=${REDIS_URL:-redis://127.0.0.1:6379}" --set cache.backend=redis
  --set "redis.key-prefix=bench$$:" --set "cluster.service-secret=$secret" --set http.host=127.0.0.1
  --set "services.auth-url=http://127.0.0.1:$port"
  --set rate-limit.user.requests=100000000 --set rate-limit.auth.requests=100000000 --set rate-limit.anonymous.requests=100000000
  --set auth.argon2.memory-kib=1024 --set auth.argon2.iterations=1 --set auth.argon2.max-concurrent=2)

start() { # name port node-id services [extra...]
  local name="$1" p="$2" id="$3" services="$4"; shift 4
  local jvm="--enable-native-access=ALL-UNNAMED -XX:+UseG1GC"
  [[ "$services" != *gateway* ]] && jvm="${NODE_JAVA_OPTS:-$jvm}"
  # shellcheck disable=SC2086
  "$java" $jvm -jar "$server_jar" serve --port "$p" --data-dir "$work/$name" \
    --services "$services" --set "node.id=$id" "${common[@]}" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  echo "# $name: pid $!, port $p, services $services, log $work/$name.log"
}
ready() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 0.2; done; echo "port $1 not ready" >&2; exit 1; }

"$java" -jar "$server_jar" migrate --database-url "$db" >/dev/null
node_urls=()
for (( n = 1; n <= node_count; n++ )); do node_urls+=("http://127.0.0.1:$((port + n))"); done
nodes="$(IFS=,; echo "${node_urls[*]}")"
start gateway "$port" 1 gateway,auth --set "gateway.upstreams=chat=$nodes;realtime=$nodes"
ready "$port"
node_pids=()
for (( n = 1; n <= node_count; n++ )); do
  start "chat-$n" $((port + n)) $((n + 1)) chat,realtime
  node_pids+=("${pids[-1]}")
done
for (( n = 1; n <= node_count; n++ )); do ready $((port + n)); done
sleep 3   # the gateway's first health checks
echo "# machine: $(nproc) cores; loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
results="${CHAT_RESULTS:-$bench/target/chat-results.jsonl}"
chatload() {
  # shellcheck disable=SC2086
  "$java" ${LOADGEN_JAVA_OPTS:--XX:+UseParallelGC -Xms256m} -cp "$jar" io.ultrachat.bench.ChatLoad --url "http://127.0.0.1:$port" "$@" --out "$results"
}

# Each node's VmRSS (KiB) and open files, one "rss fds" pair per node.
node_usage() {
  local p
  for p in "${node_pids[@]}"; do
    echo "$(awk '/^VmRSS/ {print $2}' "/proc/$p/status") $(ls "/proc/$p/fd" | wc -l)"
  done
}


if [[ "$mode" != idle ]]; then
  ws=()
  [[ "${DIRECT:-0}" == 1 ]] && ws=(--ws-urls "$nodes")
  label="$mode cluster: gateway+auth, $node_count chat/realtime nodes, NATS, Redis"
  [[ "${DIRECT:-0}" == 1 ]] && label="$label; WebSockets straight to the nodes"
  rc=0
  chatload --mode "$mode" "${ws[@]}" --label "$label" "$@" || rc=$?
  echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit "$rc"
fi

total="${1:?usage: bench/cluster.sh idle TOTAL GENERATORS [options]}"
procs="${2:?usage: bench/cluster.sh idle TOTAL GENERATORS [options]}"
shift 2
(( procs >= 1 && procs <= 8 )) || { echo "cluster.sh: 1..8 generators" >&2; exit 2; }
sig="$work/signals"
mkdir -p "$sig"
gen_pids=()
label="idle cluster: $node_count chat/realtime nodes, NATS, Redis; $total connections from $procs generators"
for (( i = 0; i < procs; i++ )); do
  per=$(( total / procs + (i < total % procs ? 1 : 0) ))
  # Each generator starts its node list at a different node, so every node gets its share.
  rotated="$(for (( n = 0; n < node_count; n++ )); do echo "${node_urls[$(( (n + i) % node_count ))]}"; done | paste -sd,)"
  chatload --mode idle --ws-urls "$rotated" --connections "$per" --local-address "127.0.0.$(( i + 2 ))" \
    --signal-dir "$sig" --name "g$i" --hold 600 --label "$label" "$@" >"$work/idle.g$i.out" 2>&1 &
  gen_pids+=($!)
  pids+=($!)
done
wait_signals "$sig" registered "$procs" 3600
sleep 3
mapfile -t before < <(node_usage)
touch "$sig/go"
wait_signals "$sig" connected "$procs" 2400
sleep 5
mapfile -t after < <(node_usage)
probe_rounds=0
[[ " $* " =~ --probe-rounds\ ([0-9]+) ]] && probe_rounds="${BASH_REMATCH[1]}"
if (( probe_rounds > 0 )); then
  touch "$sig/probe"
  wait_signals "$sig" probed "$procs" 300
fi
touch "$sig/stop"
rc=0
for p in "${gen_pids[@]}"; do wait "$p" || rc=1; done
grep -hE '^(idle|probe|setup|RESULT)' "$work"/idle.g*.out || true
connected=$(sed -n 's/^RESULT .*"connected":\([0-9]*\).*/\1/p' "$work"/idle.g*.out | awk '{s+=$1} END {print s+0}')
echo "# held at once: $connected connections over $node_count nodes"
for (( n = 0; n < node_count; n++ )); do
  read -r r0 f0 <<<"${before[$n]}"
  read -r r1 f1 <<<"${after[$n]}"
  held=$(( f1 - f0 ))
  echo "# node $((n + 1)): VmRSS $r0 -> $r1 KiB, open files $f0 -> $f1 (+$held); $(( held > 0 ? (r1 - r0) / held : 0 )) KiB RSS per added file"
  printf '{"label":"%s","mode":"idle-cluster-node","time":"%s","node":%d,"rssKiBBefore":%d,"rssKiBAfter":%d,"filesBefore":%d,"filesAfter":%d}\n' \
    "$label" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" $((n + 1)) "$r0" "$r1" "$f0" "$f1" >>"$results"
done
echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$rc"
