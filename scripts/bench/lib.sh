# Shared by scripts/bench-*.sh (sourced): the build, a scratch dir, and starting the service
# on the bench hall with a settings file of the caller's store and records.
#
# The caller sets `smoke` (1 for a debug build) before sourcing; this sets `bin`, `scratch`,
# `token` (an admin token configured by its SHA-256) and defines start_service/stop_service.

if [[ ${smoke:-0} == 1 ]]; then
    profile=debug
    cargo build -p queuecall -p queuecall-client --bin queuecall --bin queuecall-bench --bin queuecallctl
else
    profile=release
    cargo build --release -p queuecall -p queuecall-client --bin queuecall --bin queuecall-bench --bin queuecallctl
fi
bin=target/$profile

for tool in curl python3; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is missing (apt-get install $tool)" >&2
        exit 1
    }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/queuecall-bench.XXXXXX")
server_pid=""
cleanups=()
cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    local step
    for step in "${cleanups[@]}"; do
        eval "$step" || true
    done
    rm -rf "$scratch"
}
trap cleanup EXIT

token=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
token_sha=$(printf %s "$token" | sha256sum | cut -d' ' -f1)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_service NAME STORE_YAML RECORDS_YAML [HALL_FILE] [EXTRA_SETTINGS]: starts the service;
# sets server_pid, grpc_port. HALL_FILE defaults to scripts/bench/hall.yaml; EXTRA_SETTINGS
# (YAML lines, e.g. an `sms:` section) are appended to the settings file.
start_service() {
    local name=$1 store=$2 records=$3 hall=${4:-scripts/bench/hall.yaml} extra=${5:-}
    grpc_port=$(free_port)
    local http_port
    http_port=$(free_port)
    cat >"$scratch/$name.yaml" <<SETTINGS
hall_file: $hall
grpc: {host: 127.0.0.1, port: $grpc_port}
http: {host: 127.0.0.1, port: $http_port}
store: $store
records: $records
log: {filter: warn}
auth:
  tokens:
    - {name: bench, role: admin, sha256: "$token_sha"}
$extra
SETTINGS
    "$bin/queuecall" --config "$scratch/$name.yaml" >"$scratch/$name.log" 2>&1 &
    server_pid=$!
    wait_healthy "$name" "$http_port" "did not become healthy"
}

# wait_healthy NAME HTTP_PORT WHAT: waits up to 30 s for /healthz; otherwise prints
# "error: the service (NAME) WHAT; its log:" with the log and exits 1.
wait_healthy() {
    local name=$1 http_port=$2 what=$3
    for _ in $(seq 300); do
        if curl -fsS "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1; then
            return
        fi
        sleep 0.1
    done
    echo "error: the service ($name) $what; its log:" >&2
    cat "$scratch/$name.log" >&2
    exit 1
}

stop_service() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

machine_line() {
    echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $profile build; server, generator and databases share it"
}
