#!/usr/bin/env bash
# Benchmark 1 (BENCHMARKS.md): TakeTicket and the window cycle (CallNext → StartService →
# CompleteService) on the embedded store and on Redis, each beside the same server's empty
# unary RPC (a health check) timed by the same generator in the same run; on Redis also
# `redis-benchmark` timing one EVALSHA of the take-ticket script exactly as the service sends
# it (captured with MONITOR), so that TakeTicket reads as a ratio of a bare Redis round trip.
#
#   bash scripts/bench-queue.sh            # release build, 10 rounds of 1 s per operation
#   bash scripts/bench-queue.sh --smoke    # debug build, 1 round (CI: works, not timed)
#   bash scripts/bench-queue.sh --redis-only   # release build, Redis only (a quick A/B)
#
# Uses the Redis at QUEUECALL_BENCH_REDIS_URL (default redis://127.0.0.1:6379) under a key
# prefix of its own, deleted afterwards. Needs redis-tools (redis-cli, redis-benchmark), curl
# and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
seconds=10
tasks=64
embedded=1
case "${1:-}" in
    --smoke)
        smoke=1
        seconds=1
        tasks=8
        ;;
    --redis-only) embedded=0 ;;
    "") ;;
    *)
        echo "usage: $0 [--smoke | --redis-only]" >&2
        exit 2
        ;;
esac
redis_url=${QUEUECALL_BENCH_REDIS_URL:-redis://127.0.0.1:6379}
for tool in redis-cli redis-benchmark; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is missing (apt-get install redis-tools)" >&2
        exit 1
    }
done
# shellcheck source=scripts/bench/lib.sh
source scripts/bench/lib.sh
prefix="qcbench-$$"
cleanups+=("redis-cli -u '$redis_url' --scan --pattern '$prefix:*' | xargs -r -n 500 redis-cli -u '$redis_url' DEL >/dev/null")

# The Redis server's process id when it runs on this machine (for its CPU time per operation).
redis_pid() {
    local pid
    pid=$(redis-cli -u "$redis_url" INFO server 2>/dev/null | tr -d '\r' | awk -F: '/^process_id:/ {print $2}')
    if [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null)" == redis-server* ]]; then
        echo "--redis-pid $pid"
    fi
}

# run_bench [EXTRA ARGS]: the queue bench against the service started last.
run_bench() {
    "$bin/queuecall-bench" queue --server "http://127.0.0.1:$grpc_port" --token "$token" \
        --branch bench-centre --service general --windows 1-40 \
        --tasks "$tasks" --connections 8 --seconds "$seconds" --server-pid "$server_pid" "$@"
}

machine_line
if [[ $embedded == 1 ]]; then
    echo
    echo "== embedded store (in-process queue + SQLite file)"
    start_service embedded "{kind: embedded, path: \"$scratch/queue.sqlite\"}" "{kind: sqlite, path: \"$scratch/embedded-records.sqlite\"}"
    run_bench | tee "$scratch/embedded.out"
    stop_service
fi

echo
echo "== Redis store ($redis_url)"
start_service redis "{kind: redis, url: \"$redis_url\", key_prefix: \"$prefix\"}" "{kind: sqlite, path: \"$scratch/redis-records.sqlite\"}"
# One TakeTicket while MONITOR listens: the take script's EVALSHA as the service sends it.
redis-cli -u "$redis_url" MONITOR >"$scratch/monitor.txt" &
monitor=$!
sleep 0.3
"$bin/queuecallctl" --server "http://127.0.0.1:$grpc_port" --token "$token" take general --branch bench-centre >/dev/null
sleep 0.3
kill "$monitor" 2>/dev/null || true
wait "$monitor" 2>/dev/null || true
# shellcheck disable=SC2046 # redis_pid prints nothing or two words
run_bench $(redis_pid) | tee "$scratch/redis.out"
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
