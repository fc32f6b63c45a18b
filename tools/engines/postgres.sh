#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for `make test-postgres`.
#
#   tools/engines/postgres.sh install   install PostgreSQL from Debian if missing (root)
#   tools/engines/postgres.sh start     initdb a fresh cluster and start it
#   tools/engines/postgres.sh stop      stop it and delete its files
#
# The server runs as an unprivileged user (SEGMENTS_PG_OS_USER, default
# `segments`, created when run as root) with its files in SEGMENTS_PG_DIR
# (default: a folder under /tmp, so that the user can reach it wherever the
# project is checked out). It listens on 127.0.0.1:SEGMENTS_PG_PORT (default
# 55432) only, with trust authentication, and has one database,
# SEGMENTS_PG_DATABASE (default `segments`) owned by the superuser
# SEGMENTS_PG_USER (default `segments`). The cluster is initialised with the C
# locale, so text sorts in byte order as on DuckDB and Spark.
set -euo pipefail

PORT="${SEGMENTS_PG_PORT:-55432}"
DIR="${SEGMENTS_PG_DIR:-${TMPDIR:-/tmp}/lifecycle-segments-pg-${PORT}}"
OS_USER="${SEGMENTS_PG_OS_USER:-segments}"
DB_USER="${SEGMENTS_PG_USER:-segments}"
DATABASE="${SEGMENTS_PG_DATABASE:-segments}"

say() { echo "postgres: $*"; }

pg_bin() {
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$found" && -x "$found/initdb" ]]; then
        echo "$found"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

install() {
    if [[ -n "$(pg_bin)" ]]; then
        return 0
    fi
    if [[ "$(id -u)" != 0 ]]; then
        say "PostgreSQL is not installed; install it (apt-get install postgresql) and retry" >&2
        exit 1
    fi
    say "installing PostgreSQL from the Debian packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# Run a command as the server's user (as ourselves when we are not root).
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u "$OS_USER" -- "$@"
    else
        "$@"
    fi
}

start() {
    install
    local bin
    bin="$(pg_bin)"
    if [[ "$(id -u)" == 0 ]] && ! id "$OS_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$OS_USER"
    fi
    if [[ -f "$DIR/data/postmaster.pid" ]]; then
        say "a server already runs from $DIR; stopping it first"
        stop
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR/data" "$DIR/run"
    if [[ "$(id -u)" == 0 ]]; then
        chown -R "$OS_USER" "$DIR"
    fi
    chmod 700 "$DIR/data"
    as_owner "$bin/initdb" --pgdata="$DIR/data" --username="$DB_USER" --auth=trust \
        --locale=C --encoding=UTF8 --no-sync >"$DIR/initdb.log" 2>&1 ||
        { cat "$DIR/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" --pgdata="$DIR/data" --log="$DIR/server.log" --wait --silent \
        --options="-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c timezone=UTC" \
        start || { cat "$DIR/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" --host=127.0.0.1 --port="$PORT" --username="$DB_USER" "$DATABASE"
    say "$("$bin/postgres" --version | sed 's/^postgres //') on 127.0.0.1:$PORT, database $DATABASE, files in $DIR"
}

stop() {
    local bin
    bin="$(pg_bin)"
    if [[ -n "$bin" && -f "$DIR/data/postmaster.pid" ]]; then
        as_owner "$bin/pg_ctl" --pgdata="$DIR/data" --mode=fast --wait --silent stop || true
        say "stopped the server on 127.0.0.1:$PORT"
    fi
    rm -rf "$DIR"
}

case "${1:-}" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    *)
        echo "usage: $0 install|start|stop" >&2
        exit 2
        ;;
esac
