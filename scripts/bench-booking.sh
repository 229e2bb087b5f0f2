#!/usr/bin/env bash
# Benchmark 3 (BENCHMARKS.md): booking contention on PostgreSQL. 1,000 BookAppointment calls at
# once over the 50 slots of 5 seats of one day (the bench hall's `booking` service, tomorrow
# in Asia/Shanghai): throughput, latency, and the check that exactly 250 are booked.
#
#   bash scripts/bench-booking.sh            # release build, 1,000 bookings
#   bash scripts/bench-booking.sh --smoke    # debug build, 300 bookings (CI: works, not timed)
#
# Uses a database of its own (created and dropped) on the PostgreSQL server of
# QUEUECALL_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). Needs psql,
# curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
bookings=1000
if [[ "${1:-}" == "--smoke" ]]; then
    smoke=1
    bookings=300
fi
admin_url=${QUEUECALL_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
command -v psql >/dev/null || {
    echo "error: psql is missing (apt-get install postgresql-client)" >&2
    exit 1
}
# shellcheck source=scripts/bench/lib.sh
source scripts/bench/lib.sh

database="qcbench_$$"
psql -q -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE $database" >/dev/null
cleanups+=("psql -q '$admin_url' -c 'DROP DATABASE IF EXISTS $database WITH (FORCE)' >/dev/null")
records_url="${admin_url%/*}/$database"
id_hash_key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)

machine_line
echo
echo "== booking contention: PostgreSQL records, $bookings bookings over 50 slots of 5 seats on $tomorrow"
start_service booking "{kind: embedded, path: \"$scratch/queue.sqlite\"}" \
    "{kind: postgres, url: \"$records_url\", id_hash_key: \"$id_hash_key\", max_connections: 8}"
"$bin/queuecall-bench" booking --server "http://127.0.0.1:$grpc_port" --token "$token" \
    --branch bench-centre --service booking --date "$tomorrow" --bookings "$bookings" \
    --connections 8
stop_service
