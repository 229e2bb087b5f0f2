#!/usr/bin/env bash
# Benchmark 1 (BENCHMARKS.md): TakeTicket and the window cycle (CallNext → StartService →
# CompleteService) on the embedded store and on Redis, each beside the same server's empty
# unary RPC (a health check) timed by the same generator in the same run; on Redis also
# `redis-benchmark` timing one EVALSHA of the take-ticket script exactly as the service sends
# it (captured with MONITOR), so that TakeTicket reads as a ratio of a bare Redis round trip.
#
#   bash scripts/bench-queue.sh            # release build, 10 s per phase
#   bash scripts/bench-queue.sh --smoke    # debug build, 1 s per phase (CI: works, not timed)
#
# Uses the Redis at QUEUECALL_BENCH_REDIS_URL (default redis://127.0.0.1:6379) under a key
# prefix of its own, deleted afterwards. Needs redis-server, redis-tools (redis-cli,
# redis-benchmark), curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
seconds=10
tasks=64
if [[ "${1:-}" == "--smoke" ]]; then
    profile=debug
    seconds=1
    tasks=8
fi
redis_url=${QUEUECALL_BENCH_REDIS_URL:-redis://127.0.0.1:6379}
redis_port=${redis_url##*:}
redis_port=${redis_port%%/*}

for tool in redis-cli redis-benchmark curl python3; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is missing (apt-get install redis-tools curl python3)" >&2
        exit 1
    }
done

if [[ $profile == release ]]; then
    cargo build --release -p queuecall -p queuecall-client --bin queuecall --bin queuecall-bench --bin queuecallctl
else
    cargo build -p queuecall -p queuecall-client --bin queuecall --bin queuecall-bench --bin queuecallctl
fi
bin=target/$profile

scratch=$(mktemp -d "${TMPDIR:-/tmp}/queuecall-bench.XXXXXX")
prefix="qcbench-$$"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    redis-cli -u "$redis_url" --scan --pattern "$prefix:*" 2>/dev/null |
        xargs -r -n 500 redis-cli -u "$redis_url" DEL >/dev/null 2>&1 || true
    rm -rf "$scratch"
}
trap cleanup EXIT

# An admin token of this run for the bench and queuecallctl (QUEUECALL_TOKEN); the service
# knows only its SHA-256 (auth.tokens).
export QUEUECALL_TOKEN
QUEUECALL_TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
token_sha256=$(printf %s "$QUEUECALL_TOKEN" | sha256sum | cut -d' ' -f1)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts the service on store kind $1; sets server_pid, grpc_port.
start_service() {
    local kind=$1
    grpc_port=$(free_port)
    local http_port
    http_port=$(free_port)
    local store
    if [[ $kind == redis ]]; then
        store="store: {kind: redis, url: \"$redis_url\", key_prefix: \"$prefix\"}"
    else
        store="store: {kind: embedded, path: \"$scratch/$kind-queue.sqlite\"}"
    fi
    cat >"$scratch/$kind.yaml" <<EOF
hall_file: scripts/bench/hall.yaml
grpc: {host: 127.0.0.1, port: $grpc_port}
http: {host: 127.0.0.1, port: $http_port}
$store
records: {kind: sqlite, path: "$scratch/$kind-records.sqlite"}
log: {filter: warn}
auth: {tokens: [{name: bench, role: admin, sha256: "$token_sha256"}]}
EOF
    "$bin/queuecall" --config "$scratch/$kind.yaml" >"$scratch/$kind.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 300); do
        if curl -fsS "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1; then
            return
        fi
        sleep 0.1
    done
    echo "error: the service on $kind did not become healthy; its log:" >&2
    cat "$scratch/$kind.log" >&2
    exit 1
}

stop_service() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

run_bench() {
    "$bin/queuecall-bench" queue --server "http://127.0.0.1:$grpc_port" \
        --branch bench-centre --service general --windows 1-40 \
        --tasks "$tasks" --connections 8 --seconds "$seconds"
}

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $profile build; server, generator and Redis share it"
echo
echo "== embedded store (in-process queue + SQLite file)"
start_service embedded
run_bench | tee "$scratch/embedded.out"
stop_service

echo
echo "== Redis store ($redis_url)"
start_service redis
# One TakeTicket while MONITOR listens: the take script's EVALSHA as the service sends it.
redis-cli -u "$redis_url" MONITOR >"$scratch/monitor.txt" &
monitor=$!
sleep 0.3
"$bin/queuecallctl" --server "http://127.0.0.1:$grpc_port" take general --branch bench-centre >/dev/null
sleep 0.3
kill "$monitor" 2>/dev/null || true
wait "$monitor" 2>/dev/null || true
run_bench | tee "$scratch/redis.out"
stop_service

echo
echo "== redis-benchmark: the take-ticket script's EVALSHA, 64 clients"
requests=$((seconds * 20000))
python3 - "$scratch/monitor.txt" "$prefix" "$redis_url" "$requests" "$scratch/redis.out" <<'PY'
import ast, re, subprocess, sys
monitor, prefix, url, requests, bench_out = sys.argv[1:]
line = next(l for l in open(monitor, encoding="utf-8", errors="replace")
            if '"EVALSHA"' in l and f'"{prefix}:' in l)
args = [ast.literal_eval('b"' + a + '"')
        for a in re.findall(r'"((?:[^"\\]|\\.)*)"', line.split("]", 1)[1])]
out = subprocess.run(["redis-benchmark", "-u", url, "-n", requests, "-c", "64", "-q", *args],
                     capture_output=True, check=True).stdout.decode()
rps = float(re.findall(r"([0-9.]+) requests per second", out)[-1])
take = float(re.search(r"take_ops=([0-9.]+)", open(bench_out).read()).group(1))
empty = float(re.search(r"empty_ops=([0-9.]+)", open(bench_out).read()).group(1))
print(out.strip().splitlines()[-1])
print(f"TakeTicket on Redis: {take:.0f}/s = {take / empty:.2f} x the empty RPC ({empty:.0f}/s), "
      f"{take / rps:.2f} x redis-benchmark's EVALSHA of the take script ({rps:.0f}/s)")
PY
