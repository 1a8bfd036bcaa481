#!/bin/sh
# A throwaway PostgreSQL cluster for the tests, in a temporary folder, on a
# loopback port, as the 'postgres' user when run as root (initdb refuses
# root).
#   scripts/pg.sh start [PORT]   prints the folder; the URL is in FOLDER/url
#   scripts/pg.sh stop FOLDER
set -eu
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL server not installed (Debian package postgresql)" >&2
    exit 1
fi
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}
case "${1:-}" in
start)
    port=${2:-54329}
    dir=$(mktemp -d "${TMPDIR:-/tmp}/balist-pg.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U balist -E UTF8 \
        --no-locale >"$dir/initdb.log" 2>&1
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
    as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U balist balist_test
    echo "postgresql://balist@127.0.0.1:$port/balist_test" >"$dir/url"
    echo "$dir"
    ;;
stop)
    dir=$2
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start [PORT] | stop FOLDER" >&2
    exit 2
    ;;
esac
