#!/usr/bin/env bash
# Runs every test of the workspace (the README's test command: `bash scripts/test.sh`).
#
# Needs redis-server, chromium (the web display tests) and PostgreSQL (for later issues). Uses the Redis at 127.0.0.1:6379
# when one answers (or QUEUECALL_TEST_REDIS_URL), otherwise starts a throwaway one on a free
# port and stops it at exit; the same for PostgreSQL (QUEUECALL_TEST_DATABASE_URL). Extra
# arguments go to `cargo test` (for example `bash scripts/test.sh -- redis::`).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/queuecall-test.XXXXXX")
started_redis=""
pg_ctl=()

cleanup() {
    if [[ -n "$started_redis" ]]; then
        redis-cli -p "$started_redis" shutdown nosave >/dev/null 2>&1 || true
    fi
    if ((${#pg_ctl[@]})); then
        "${pg_ctl[@]}" -D "$scratch/pg" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT

say() { printf '==> %s\n' "$*"; }

# A TCP port nobody listens on now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + RANDOM % 20000))
}

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[[ -n "$pg_bin" && -x "$pg_bin/initdb" ]] || missing+=(postgresql)
# The web display's tests drive a headless Chromium.
[[ -x /usr/bin/chromium ]] || command -v chromium >/dev/null || missing+=(chromium)
if ((${#missing[@]})); then
    echo "error: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]} (fonts-noto-cjk makes the display screenshot legible)" >&2
    exit 1
fi

# --- Redis -------------------------------------------------------------------------------
redis_url=${QUEUECALL_TEST_REDIS_URL:-redis://127.0.0.1:6379}
if redis-cli -u "$redis_url" ping 2>/dev/null | grep -q PONG; then
    say "using the Redis at $redis_url"
else
    port=6379
    if redis-cli -p 6379 ping >/dev/null 2>&1 || [[ -n "${QUEUECALL_TEST_REDIS_URL:-}" ]]; then
        port=$(free_port)
    fi
    say "starting a throwaway redis-server on 127.0.0.1:$port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
        --dir "$scratch" --logfile "$scratch/redis.log"
    started_redis=$port
    for _ in $(seq 50); do
        redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break
        sleep 0.1
    done
    redis-cli -p "$port" ping | grep -q PONG || { cat "$scratch/redis.log" >&2; exit 1; }
    redis_url="redis://127.0.0.1:$port"
fi
export QUEUECALL_TEST_REDIS_URL=$redis_url

# --- PostgreSQL (the appointments issue needs it; cheap to have ready) ---------------------
if [[ -n "${QUEUECALL_TEST_DATABASE_URL:-}" ]]; then
    say "using the PostgreSQL at QUEUECALL_TEST_DATABASE_URL"
elif pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    export QUEUECALL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    say "using the PostgreSQL at 127.0.0.1:5432"
elif [[ $(id -u) -eq 0 ]] && ls /etc/postgresql/*/main >/dev/null 2>&1 &&
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start 2>/dev/null &&
    pg_isready -q -h 127.0.0.1 -p 5432 -t 10; then
    export QUEUECALL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    say "started the PostgreSQL cluster of this machine"
else
    port=$(free_port)
    say "starting a throwaway PostgreSQL on 127.0.0.1:$port"
    as_pg=()
    if [[ $(id -u) -eq 0 ]]; then
        chown -R postgres "$scratch" 2>/dev/null && as_pg=(runuser -u postgres --) ||
            { echo "error: initdb cannot run as root and there is no postgres user" >&2; exit 1; }
        chmod 755 "$scratch"
    fi
    "${as_pg[@]}" "$pg_bin/initdb" -D "$scratch/pg" -U postgres -A trust >"$scratch/initdb.log" 2>&1 ||
        { cat "$scratch/initdb.log" >&2; exit 1; }
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$scratch/pg" -l "$scratch/pg.log" -w \
        -o "-p $port -k $scratch -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
        { cat "$scratch/pg.log" >&2; exit 1; }
    pg_ctl=("${as_pg[@]}" "$pg_bin/pg_ctl")
    export QUEUECALL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres
fi

# --- Build the binaries the process tests start, then test everything ----------------------
say "cargo build -p queuecall -p queuecall-client --bins"
cargo build -p queuecall -p queuecall-client --bins

# Two cores: each test starts a service, and the concurrency tests want a core to themselves.
export RUST_TEST_THREADS=${RUST_TEST_THREADS:-4}
say "cargo test --workspace (RUST_TEST_THREADS=$RUST_TEST_THREADS)"
cargo test --workspace "$@"
say "all tests passed"
