#!/usr/bin/env bash
# Chat benchmarks against a three-process cluster on this machine: the gateway with the Auth
# service, and two chat/realtime nodes behind it, on PostgreSQL, Redis and NATS (the local
# servers). Every client talks to the gateway only, so WebSockets are spread over both nodes by
# the gateway and most deliveries cross nodes over NATS.
#
# Usage: bench/cluster.sh ingest|fanout|history [ChatLoad options]   (see bench/run.sh --help)
# Environment: DATABASE_URL (a database of its own; it is dropped and re-created), SERVER_JAR,
#   NATS_URL (nats://127.0.0.1:4222), REDIS_URL (redis://127.0.0.1:6379), PORT (first of three, 18080).
# Starts and stops its own server processes (by their PIDs); the load generator only sends to
# 127.0.0.1 and ends by itself.
set -euo pipefail
bench="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$bench")"
mode="${1:?usage: bench/cluster.sh ingest|fanout|history [options]}"
shift
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
  "$java" --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -jar "$server_jar" serve --port "$p" --data-dir "$work/$name" \
    --services "$services" --set "node.id=$id" "${common[@]}" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  echo "# $name: pid $!, port $p, services $services, log $work/$name.log"
}
ready() { for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 0.2; done; echo "port $1 not ready" >&2; exit 1; }

"$java" -jar "$server_jar" migrate --database-url "$db" >/dev/null
nodes="http://127.0.0.1:$((port + 1)),http://127.0.0.1:$((port + 2))"
start gateway "$port" 1 gateway,auth --set "gateway.upstreams=chat=$nodes;realtime=$nodes"
ready "$port"
start chat-1 $((port + 1)) 2 chat,realtime
start chat-2 $((port + 2)) 3 chat,realtime
ready $((port + 1)); ready $((port + 2))
sleep 3   # the gateway's first health checks
echo "# machine: $(nproc) cores; loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -XX:+UseParallelGC -Xms256m -cp "$jar" io.ultrachat.bench.ChatLoad --mode "$mode" --url "http://127.0.0.1:$port" \
  --label "$mode cluster: gateway+auth, 2 chat/realtime nodes, NATS, Redis" "$@" --out "${CHAT_RESULTS:-$bench/target/chat-results.jsonl}"
echo "# loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)"
