#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis for the test suite, on loopback high ports.
#
#   scripts/test-services.sh start    (re)start both, wait until they answer
#   scripts/test-services.sh stop     stop both, delete the PostgreSQL cluster
#   scripts/test-services.sh env      print the export lines for the tests
#   scripts/test-services.sh status   say what is running
#
# Environment:
#   VIGIE_TEST_PG_PORT     (default 55432)
#   VIGIE_TEST_REDIS_PORT  (default 56379)
#   VIGIE_TEST_PG_BINDIR   PostgreSQL bin dir (default: pg_config --bindir,
#                          else the newest /usr/lib/postgresql/*/bin)
#   VIGIE_TEST_PG_OS_USER  system user running PostgreSQL when this script
#                          runs as root (default postgres; initdb refuses root)
#
# Layout:
#   /tmp/vigie-test-pg-$PORT/         cluster root (data/, unix socket, log);
#                                     in /tmp so that the postgres user can
#                                     reach it whatever the checkout's perms.
#   $PWD/.test-services/              Redis pid/log, copies of the PG logs.
#
# "start" always gives a fresh, empty cluster: a leftover instance on the same
# port (from a crashed run, or another checkout) is stopped and wiped first.
set -euo pipefail

PG_PORT=${VIGIE_TEST_PG_PORT:-55432}
REDIS_PORT=${VIGIE_TEST_REDIS_PORT:-56379}
for _port in "$PG_PORT" "$REDIS_PORT"; do
    if ! [[ $_port =~ ^[0-9]+$ ]] || ((_port < 1024 || _port > 65535)); then
        echo "test-services: invalid port '$_port' (expected 1024-65535)" >&2
        exit 2
    fi
done

PG_DB=vigie_test
PG_USER=vigie
STATE_DIR=${PWD}/.test-services
PG_ROOT=/tmp/vigie-test-pg-${PG_PORT}
PG_DATA=${PG_ROOT}/data
PG_LOG=${PG_ROOT}/postgres.log
REDIS_PID=${STATE_DIR}/redis-${REDIS_PORT}.pid
REDIS_LOG=${STATE_DIR}/redis-${REDIS_PORT}.log
START_TIMEOUT=30

# Don't let the caller's libpq settings leak into our psql/pg_isready calls.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS PGSSLMODE

log() { echo "test-services: $*"; }
die() { echo "test-services: error: $*" >&2; exit 1; }

# --------------------------------------------------------------------- helpers

port_in_use() {
    # Something accepts TCP connections on 127.0.0.1:$1?
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

proc_alive() {
    # $1 pid, $2 expected process name (prefix of /proc/PID/comm).
    [[ -n ${1:-} && $1 =~ ^[0-9]+$ ]] || return 1
    kill -0 "$1" 2>/dev/null || return 1
    local comm
    comm=$(cat "/proc/$1/comm" 2>/dev/null || true)
    [[ -z $comm || $comm == "$2"* ]]
}

wait_gone() {
    # $1 pid, $2 seconds
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

PG_BINDIR=
find_pg_bindir() {
    [[ -n $PG_BINDIR ]] && return 0
    local candidates=() d
    if [[ -n ${VIGIE_TEST_PG_BINDIR:-} ]]; then
        candidates+=("$VIGIE_TEST_PG_BINDIR")
    else
        if command -v pg_config >/dev/null 2>&1; then
            candidates+=("$(pg_config --bindir 2>/dev/null || true)")
        fi
        # Debian/Ubuntu layout, newest version first.
        while IFS= read -r d; do
            candidates+=("$d")
        done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -r -V)
        candidates+=(/usr/local/pgsql/bin)
        if command -v pg_ctl >/dev/null 2>&1; then
            candidates+=("$(dirname "$(command -v pg_ctl)")")
        fi
    fi
    for d in "${candidates[@]}"; do
        if [[ -n $d && -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
            PG_BINDIR=$d
            return 0
        fi
    done
    die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; install the 'postgresql' package (scripts/system-deps.sh) or set VIGIE_TEST_PG_BINDIR"
}

pg_tool() {
    # Path of a PostgreSQL client tool: from the server's bin dir, else PATH.
    find_pg_bindir
    if [[ -x $PG_BINDIR/$1 ]]; then
        echo "$PG_BINDIR/$1"
    elif command -v "$1" >/dev/null 2>&1; then
        command -v "$1"
    else
        die "'$1' not found (looked in $PG_BINDIR and PATH)"
    fi
}

PG_OS_USER=${VIGIE_TEST_PG_OS_USER:-postgres}
as_pg() {
    # Run a PostgreSQL server command; as $PG_OS_USER when we are root
    # (initdb and postgres refuse to run as root). cd / so that an
    # unreadable current directory does not upset them.
    if ((EUID == 0)); then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        (cd / && "$@")
    fi
}

pg_locale() {
    # C.UTF-8 gives sane upper()/lower() on accented letters; fall back to C.
    if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
        echo C.UTF-8
    else
        echo C
    fi
}

pg_postmaster_pid() {
    [[ -r $PG_DATA/postmaster.pid ]] && head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true
}

save_pg_log() {
    if [[ -s $PG_LOG ]]; then
        mkdir -p "$STATE_DIR"
        cp -f "$PG_LOG" "$STATE_DIR/postgres-${PG_PORT}.log" 2>/dev/null || true
    fi
}

# ------------------------------------------------------------------ PostgreSQL

pg_stop() {
    if [[ -L $PG_ROOT ]]; then
        die "$PG_ROOT is a symlink; refusing to touch it"
    fi
    [[ -e $PG_ROOT ]] || return 0
    local pid
    pid=$(pg_postmaster_pid)
    if proc_alive "$pid" postgres; then
        find_pg_bindir
        log "stopping PostgreSQL on port $PG_PORT (pid $pid)"
        as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 20 stop >/dev/null 2>&1 || true
        if ! wait_gone "$pid" 5; then
            as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
            wait_gone "$pid" 5 || kill -9 "$pid" 2>/dev/null || true
            wait_gone "$pid" 5 || die "could not stop PostgreSQL (pid $pid)"
        fi
    fi
    save_pg_log
    rm -rf "$PG_ROOT" 2>/dev/null || true
    if [[ -e $PG_ROOT ]]; then
        die "could not remove $PG_ROOT (created by another user? remove it as root)"
    fi
}

pg_start() {
    find_pg_bindir
    pg_stop
    if port_in_use "$PG_PORT"; then
        die "port $PG_PORT is already in use by another program; stop it or set VIGIE_TEST_PG_PORT"
    fi
    if ((EUID == 0)) && ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
        die "running as root but there is no '$PG_OS_USER' system user to run PostgreSQL (install the 'postgresql' package, or set VIGIE_TEST_PG_OS_USER)"
    fi

    local version
    version=$("$PG_BINDIR/postgres" --version 2>/dev/null | grep -oE '[0-9]+(\.[0-9]+)+' | head -n 1 || true)
    log "starting PostgreSQL ${version} on 127.0.0.1:$PG_PORT ($PG_DATA)"

    # mkdir fails if the path appeared meanwhile: we only ever chown our own dir.
    mkdir -m 700 "$PG_ROOT"
    if ((EUID == 0)); then
        chown "$PG_OS_USER:" "$PG_ROOT"
    fi

    if ! as_pg "$PG_BINDIR/initdb" -D "$PG_DATA" -U "$PG_USER" -A trust -E UTF8 \
        --locale="$(pg_locale)" --no-sync >"$PG_ROOT/initdb.log" 2>&1; then
        cat "$PG_ROOT/initdb.log" >&2
        die "initdb failed"
    fi

    cat >>"$PG_DATA/postgresql.conf" <<CONF

# --- scripts/test-services.sh: throwaway test cluster, speed over safety ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_ROOT'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
# Tiny test data; also avoids /dev/shm exhaustion in containers.
max_parallel_workers_per_gather = 0
log_line_prefix = '%m [%p] %q%u@%d '
CONF

    if ! as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -W start >/dev/null 2>&1; then
        tail -n 30 "$PG_LOG" >&2 2>/dev/null || true
        die "pg_ctl start failed"
    fi

    local pg_isready i
    pg_isready=$(pg_tool pg_isready)
    for ((i = 0; ; i++)); do
        if "$pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres; then
            break
        fi
        if ((i >= START_TIMEOUT * 10)); then
            tail -n 30 "$PG_LOG" >&2 2>/dev/null || true
            die "PostgreSQL did not become ready within ${START_TIMEOUT}s (log: $PG_LOG)"
        fi
        # pg_ctl -W returns before the postmaster writes its pid file.
        if ((i >= 20 && i % 10 == 0)) && ! proc_alive "$(pg_postmaster_pid)" postgres; then
            tail -n 30 "$PG_LOG" >&2 2>/dev/null || true
            die "PostgreSQL exited during startup (log: $PG_LOG)"
        fi
        sleep 0.1
    done

    "$(pg_tool psql)" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" \
        -d postgres -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >/dev/null
    log "PostgreSQL ready: database $PG_DB, superuser $PG_USER (trust)"
}

pg_status() {
    local pid
    pid=$(pg_postmaster_pid)
    if proc_alive "$pid" postgres; then
        echo "postgresql: running on 127.0.0.1:$PG_PORT (pid $pid, data $PG_DATA)"
    else
        echo "postgresql: stopped (port $PG_PORT)"
        return 1
    fi
}

# ----------------------------------------------------------------------- Redis

redis_cli() {
    command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found; install the 'redis-server' package (scripts/system-deps.sh)"
    timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"
}

redis_stop() {
    local pid=
    [[ -r $REDIS_PID ]] && pid=$(head -n 1 "$REDIS_PID" 2>/dev/null || true)
    if ! proc_alive "$pid" redis-server; then
        pid=
        # No (valid) pid file: a Redis left by this script from another
        # checkout, or after .test-services/ was deleted? Recognise it by its
        # pid file setting and stop it too.
        if command -v redis-cli >/dev/null 2>&1 && port_in_use "$REDIS_PORT"; then
            local pidfile
            pidfile=$(redis_cli --raw config get pidfile 2>/dev/null | sed -n 2p || true)
            if [[ $pidfile == */.test-services/redis-"$REDIS_PORT".pid ]]; then
                pid=$(redis_cli --raw info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p' || true)
                proc_alive "$pid" redis-server || pid=
            fi
        fi
    fi
    if [[ -n $pid ]]; then
        log "stopping Redis on port $REDIS_PORT (pid $pid)"
        redis_cli shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
        if ! wait_gone "$pid" 10; then
            kill -9 "$pid" 2>/dev/null || true
            wait_gone "$pid" 5 || die "could not stop Redis (pid $pid)"
        fi
    fi
    rm -f "$REDIS_PID"
}

redis_start() {
    command -v redis-server >/dev/null 2>&1 || die "redis-server not found; install the 'redis-server' package (scripts/system-deps.sh)"
    redis_stop
    if port_in_use "$REDIS_PORT"; then
        die "port $REDIS_PORT is already in use by another program; stop it or set VIGIE_TEST_REDIS_PORT"
    fi
    mkdir -p "$STATE_DIR"
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    : >"$REDIS_LOG"
    (cd "$STATE_DIR" && redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
        --save '' --appendonly no --daemonize yes \
        --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" --dir "$STATE_DIR") \
        || die "redis-server failed to start (log: $REDIS_LOG)"
    local i
    for ((i = 0; ; i++)); do
        if [[ $(redis_cli ping 2>/dev/null) == PONG ]]; then
            break
        fi
        if ((i >= START_TIMEOUT * 10)); then
            tail -n 30 "$REDIS_LOG" >&2 2>/dev/null || true
            die "Redis did not answer PING within ${START_TIMEOUT}s (log: $REDIS_LOG)"
        fi
        sleep 0.1
    done
    log "Redis ready"
}

redis_status() {
    local pid=
    [[ -r $REDIS_PID ]] && pid=$(head -n 1 "$REDIS_PID" 2>/dev/null || true)
    if proc_alive "$pid" redis-server; then
        echo "redis: running on 127.0.0.1:$REDIS_PORT (pid $pid)"
    else
        echo "redis: stopped (port $REDIS_PORT)"
        return 1
    fi
}

# ------------------------------------------------------------------------ main

print_env() {
    echo "export VIGIE_TEST_PG_URL=postgresql+psycopg://${PG_USER}@127.0.0.1:${PG_PORT}/${PG_DB}"
    echo "export VIGIE_TEST_REDIS_URL=redis://127.0.0.1:${REDIS_PORT}/0"
}

case ${1:-} in
    start)
        pg_start
        redis_start
        ;;
    stop)
        # Never fails because something is already stopped; try both even if
        # one of them has trouble.
        rc=0
        (redis_stop) || rc=1
        (pg_stop) || rc=1
        exit $rc
        ;;
    env)
        print_env
        ;;
    status)
        rc=0
        pg_status || rc=1
        redis_status || rc=1
        exit $rc
        ;;
    *)
        echo "usage: $0 start|stop|env|status" >&2
        exit 2
        ;;
esac
