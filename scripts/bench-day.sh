#!/usr/bin/env bash
# Benchmark 4 (BENCHMARKS.md): a full day in one minute. A district hall of 40 windows and 20
# services (scripts/bench/day-hall.yaml): 20,000 walk-in tickets over 60 s, 400 appointments
# booked and checked in, clerks calling, serving, marking no-shows and transferring, SMS
# reminders to a fake provider inside the load generator, two hall displays; then the service
# is killed (SIGKILL) and restarted, and the run ends by checking every invariant of DESIGN.md
# on what it reads back (`queuecall-bench day --help`). First on Redis (live
# queue) + PostgreSQL (records), then on the embedded store (in-process queue + SQLite).
#
#   bash scripts/bench-day.sh            # release build, 20,000 tickets over 60 s
#   bash scripts/bench-day.sh --smoke    # debug build, 600 tickets over 5 s (CI: works, not timed)
#
# The hall's time zone is rewritten to an Etc/GMT±N zone in which the run starts at 08:xx, so
# that the hall's slots (09:30-11:30) are bookable and can be checked in, and the SMS quiet
# hours (until 08:00) are over, whatever the hour. Uses the Redis at QUEUECALL_BENCH_REDIS_URL
# (default redis://127.0.0.1:6379) under a key prefix of its own and a database of its own on
# the PostgreSQL server of QUEUECALL_BENCH_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/postgres), both deleted afterwards. Needs redis-cli, psql,
# curl and python3. Exit status: non-zero when an invariant fails on either store.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
day_args=(--tickets 20000 --appointments 400 --seconds 60)
if [[ "${1:-}" == "--smoke" ]]; then
    smoke=1
    day_args=(--tickets 600 --appointments 40 --seconds 5 --serve-ms 5 --timeout 120
        --sms-settle-ms 1500 --resume-every-ms 400)
fi
redis_url=${QUEUECALL_BENCH_REDIS_URL:-redis://127.0.0.1:6379}
admin_url=${QUEUECALL_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
for tool in redis-cli psql; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is missing (apt-get install redis-tools postgresql-client)" >&2
        exit 1
    }
done
# shellcheck source=scripts/bench/lib.sh
source scripts/bench/lib.sh

# The Etc/GMT zone where it is now 08:xx: after the SMS quiet hours (21:00-08:00), and the
# first slot (09:30) at least half an hour ahead (Etc/GMT-N is N hours ahead of UTC).
offset=$(((8 - 10#$(date -u +%H) + 24) % 24))
((offset > 12)) && offset=$((offset - 24))
if ((offset > 0)); then
    zone="Etc/GMT-$offset"
elif ((offset < 0)); then
    zone="Etc/GMT+$((-offset))"
else
    zone="Etc/GMT"
fi
sed "s|time_zone: Asia/Shanghai|time_zone: $zone|" scripts/bench/day-hall.yaml >"$scratch/day-hall.yaml"

sms_token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
sms_sid=ACqueuecallbench
# The service sends to the bench's fake provider; urgent reminders are never held, and the
# outbox is polled often so that the day's reminders are out soon after it ends.
sms_settings() {
    cat <<SMS
sms:
  base_url: "http://127.0.0.1:$1"
  account_sid: "$sms_sid"
  auth_token: "$sms_token"
  from: "+8610000000"
  outbox: {poll_ms: 100, backoff_base_ms: 200, backoff_cap_ms: 2000}
SMS
}

# restart_service NAME: kills the service with SIGKILL and starts it again on the same settings
# (the same ports), waiting until it is healthy.
restart_service() {
    local name=$1 http_port
    http_port=$(sed -n 's/^http: {host: [^,]*, port: \([0-9]*\)}$/\1/p' "$scratch/$name.yaml")
    kill -9 "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    "$bin/queuecall" --config "$scratch/$name.yaml" >>"$scratch/$name.log" 2>&1 &
    server_pid=$!
    wait_healthy "$name" "$http_port" "did not come back after the kill"
}

# run_day NAME SMS_PORT: the day against the running service; when it is over the service is
# killed and restarted before the bench reads everything back (invariant 3).
run_day() {
    local name=$1 sms_port=$2 bench
    local restarted="$scratch/$name.restarted"
    QUEUECALL_BENCH_SMS_TOKEN="$sms_token" "$bin/queuecall-bench" day \
        --server "http://127.0.0.1:$grpc_port" --token "$token" --branch day-centre \
        --sms-listen "127.0.0.1:$sms_port" --sms-account-sid "$sms_sid" \
        --restart-file "$restarted" "${day_args[@]}" &
    bench=$!
    while kill -0 "$bench" 2>/dev/null && [[ ! -e "$restarted.day-over" ]]; do
        sleep 0.2
    done
    if [[ -e "$restarted.day-over" ]]; then
        echo "== killing the service (SIGKILL) and starting it again"
        restart_service "$name"
        touch "$restarted"
    fi
    wait "$bench"
}

machine_line
echo "== the hall's time zone for this run: $zone (local time $(TZ=$zone date +%H:%M))"
status=0

prefix="qcday$$"
cleanups+=("redis-cli -u '$redis_url' --scan --pattern '$prefix:*' | xargs -r -n 500 redis-cli -u '$redis_url' DEL >/dev/null")
database="qcday_$$"
psql -q -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE $database" >/dev/null
cleanups+=("psql -q '$admin_url' -c 'DROP DATABASE IF EXISTS $database WITH (FORCE)' >/dev/null")
records_url="${admin_url%/*}/$database"
id_hash_key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

echo
echo "== Redis store ($redis_url) + PostgreSQL records"
sms_port=$(free_port)
start_service day-redis "{kind: redis, url: \"$redis_url\", key_prefix: \"$prefix\"}" \
    "{kind: postgres, url: \"$records_url\", id_hash_key: \"$id_hash_key\", max_connections: 16}" \
    "$scratch/day-hall.yaml" "$(sms_settings "$sms_port")"
run_day day-redis "$sms_port" || status=1
stop_service

echo
echo "== embedded store (in-process queue + SQLite records)"
sms_port=$(free_port)
start_service day-embedded "{kind: embedded, path: \"$scratch/queue.sqlite\"}" \
    "{kind: sqlite, path: \"$scratch/records.sqlite\"}" \
    "$scratch/day-hall.yaml" "$(sms_settings "$sms_port")"
run_day day-embedded "$sms_port" || status=1
stop_service

exit "$status"
