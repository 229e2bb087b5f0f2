#!/usr/bin/env bash
# Benchmark 5 (BENCHMARKS.md): the scale curve. TakeTicket and CallNext latency with 100, 1,000,
# 10,000 and 100,000 tickets waiting in one service, on the embedded store and on Redis; the
# medians should stay within 2x of each other (ordered structures only).
#
#   bash scripts/bench-scale.sh            # release build, up to 100,000 waiting
#   bash scripts/bench-scale.sh --smoke    # debug build, 100 and 1,000 (CI: works, not timed)
#
# Uses the Redis at QUEUECALL_BENCH_REDIS_URL (default redis://127.0.0.1:6379) under a key
# prefix of its own, deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
sizes=100,1000,10000,100000
samples=300
if [[ "${1:-}" == "--smoke" ]]; then
    smoke=1
    sizes=100,1000
    samples=20
fi
redis_url=${QUEUECALL_BENCH_REDIS_URL:-redis://127.0.0.1:6379}
command -v redis-cli >/dev/null || {
    echo "error: redis-cli is missing (apt-get install redis-tools)" >&2
    exit 1
}
# shellcheck source=scripts/bench/lib.sh
source scripts/bench/lib.sh
prefix="qcbench-scale-$$"
cleanups+=("redis-cli -u '$redis_url' --scan --pattern '$prefix:*' | xargs -r -n 500 redis-cli -u '$redis_url' DEL >/dev/null")

run_scale() {
    "$bin/queuecall-bench" scale --server "http://127.0.0.1:$grpc_port" --token "$token" \
        --branch bench-centre --service general --window 1 --sizes "$sizes" --samples "$samples"
}

machine_line
echo
echo "== embedded store"
start_service embedded "{kind: embedded, path: \"$scratch/queue.sqlite\"}" "{kind: sqlite, path: \"$scratch/embedded-records.sqlite\"}"
run_scale
stop_service
echo
echo "== Redis store ($redis_url)"
start_service redis "{kind: redis, url: \"$redis_url\", key_prefix: \"$prefix\"}" "{kind: sqlite, path: \"$scratch/redis-records.sqlite\"}"
run_scale
stop_service
