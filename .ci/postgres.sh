#!/usr/bin/env bash
# A throwaway PostgreSQL for tests: installed from apt if missing, one cluster on
# 127.0.0.1 (a free port) in a temp folder, one database; quiet and idempotent.
#
#   .ci/postgres.sh start    prints the database URL (starts the cluster if not running)
#   .ci/postgres.sh url      prints the URL of the running cluster
#   .ci/postgres.sh stop     stops the cluster and removes its folder
#
#   source .ci/postgres.sh; pg_start   also exports NEWSROOM_TEST_DATABASE_URL
#
# NEWSROOM_PG_DIR picks the folder (default: $TMPDIR/newsroom-pg);
# NEWSROOM_PG_NO_INSTALL=1 never runs apt-get (the tests' fallback sets it).
# initdb and the server refuse to run as root, so as root they run as `postgres`.

_pg_dir() { printf '%s' "${NEWSROOM_PG_DIR:-${TMPDIR:-/tmp}/newsroom-pg}"; }

_pg_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$found" ] && [ -x "$found/initdb" ]; then
        printf '%s' "$found"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

_pg_install() {
    [ -n "$(_pg_bin)" ] && return 0
    if [ "${NEWSROOM_PG_NO_INSTALL:-}" = 1 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
        return 1
    fi
    # The Debian package would create and start a cluster on 5432; we want only ours.
    mkdir -p /etc/postgresql-common
    [ -f /etc/postgresql-common/createcluster.conf ] ||
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; } \
        >/dev/null 2>&1 || {
        echo "postgres.sh: apt-get install postgresql failed" >&2
        return 1
    }
    [ -n "$(_pg_bin)" ]
}

# Run a PostgreSQL program as a user it accepts.
_pg_as() {
    if [ "$(id -u)" = 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

_pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

_pg_running() {
    local dir bin
    dir=$(_pg_dir)
    bin=$(_pg_bin)
    [ -n "$bin" ] && [ -f "$dir/port" ] && [ -d "$dir/data" ] &&
        _pg_as "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

pg_url() {
    local dir
    dir=$(_pg_dir)
    [ -f "$dir/port" ] || return 1
    printf 'postgresql://postgres@127.0.0.1:%s/newsroom\n' "$(cat "$dir/port")"
}

pg_start() {
    local dir bin port
    dir=$(_pg_dir)
    _pg_install || return 1
    bin=$(_pg_bin)
    mkdir -p "$dir"
    (
        # Two callers at once (parallel test workers) start one cluster.
        flock 9
        if _pg_running; then exit 0; fi
        if [ "$(id -u)" = 0 ]; then
            id postgres >/dev/null 2>&1 ||
                useradd --system --home-dir "$dir" --shell /bin/sh postgres >/dev/null
            chown postgres "$dir"
        fi
        rm -rf "$dir/data"
        port=$(_pg_free_port)
        _pg_as "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C \
            --no-sync >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            exit 1
        }
        # Durability is not wanted from a throwaway cluster; speed is.
        _pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 \
                -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 9>&- || {
            cat "$dir/server.log" >&2
            exit 1
        }
        echo "$port" >"$dir/port"
        _pg_as "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres newsroom
    ) 9>"$dir.lock" || return 1
    NEWSROOM_TEST_DATABASE_URL=$(pg_url)
    export NEWSROOM_TEST_DATABASE_URL
}

pg_stop() {
    local dir bin
    dir=$(_pg_dir)
    bin=$(_pg_bin)
    if [ -n "$bin" ] && [ -d "$dir/data" ]; then
        _pg_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir" "$dir.lock"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-start}" in
    start) pg_start && pg_url ;;
    url) pg_url ;;
    stop) pg_stop ;;
    *)
        echo "usage: $0 start|url|stop" >&2
        exit 2
        ;;
    esac
fi
