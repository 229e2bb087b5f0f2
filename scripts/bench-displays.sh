#!/usr/bin/env bash
# Benchmark 2 (BENCHMARKS.md): display fan-out. 10,000 WatchBranch streams over 100 HTTP/2
# connections watch one branch while a window makes 200 calls; prints, per call, the time from
# the CallNext request until the last stream has it (p50/p90/p99/max), every delivery's
# latency, missed deliveries (the run fails unless 0) and the service's memory per stream.
# First on the embedded store, then on Redis (the hall's events then come through Redis).
#
#   bash scripts/bench-displays.sh            # release build, 10,000 streams, 200 calls
#   bash scripts/bench-displays.sh --smoke    # debug build, 200 streams, 10 calls (CI)
#
# Uses the Redis at QUEUECALL_BENCH_REDIS_URL (default redis://127.0.0.1:6379) under a key
# prefix of its own, deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
streams=10000
connections=100
calls=200
if [[ "${1:-}" == "--smoke" ]]; then
    smoke=1
    streams=200
    connections=4
    calls=10
fi
redis_url=${QUEUECALL_BENCH_REDIS_URL:-redis://127.0.0.1:6379}
command -v redis-cli >/dev/null || {
    echo "error: redis-cli is missing (apt-get install redis-tools)" >&2
    exit 1
}
# shellcheck source=scripts/bench/lib.sh
source scripts/bench/lib.sh
prefix="qcbench-displays-$$"
cleanups+=("redis-cli -u '$redis_url' --scan --pattern '$prefix:*' | xargs -r -n 500 redis-cli -u '$redis_url' DEL >/dev/null")

run_displays() {
    "$bin/queuecall-bench" displays --server "http://127.0.0.1:$grpc_port" --token "$token" \
        --branch bench-centre --service general --window 2 \
        --streams "$streams" --connections "$connections" --calls "$calls" \
        --server-pid "$server_pid"
}

machine_line
echo
echo "== embedded store"
start_service embedded "{kind: embedded, path: \"$scratch/queue.sqlite\"}" "{kind: sqlite, path: \"$scratch/embedded-records.sqlite\"}"
run_displays
stop_service
echo
echo "== Redis store ($redis_url)"
start_service redis "{kind: redis, url: \"$redis_url\", key_prefix: \"$prefix\"}" "{kind: sqlite, path: \"$scratch/redis-records.sqlite\"}"
run_displays
stop_service
