#!/bin/sh
# Runs a command with a throwaway PostgreSQL cluster (scripts/pg.sh) and
# BALIST_TEST_PG_URL pointing at it, so that the store tests run on both
# engines; stops the cluster afterwards. Without a PostgreSQL server the
# command runs alone and the PostgreSQL tests report themselves skipped.
here=$(cd "$(dirname "$0")" && pwd)
port=${BALIST_TEST_PG_PORT:-54329}
dir=""
if [ -z "${BALIST_TEST_PG_URL:-}" ]; then
    if dir=$(sh "$here/pg.sh" start "$port" 2>/tmp/balist-pg-start.log); then
        BALIST_TEST_PG_URL=$(cat "$dir/url")
        export BALIST_TEST_PG_URL
        echo "PostgreSQL test cluster: $BALIST_TEST_PG_URL"
    else
        dir=""
        echo "no PostgreSQL test cluster (see /tmp/balist-pg-start.log): the PostgreSQL tests are skipped"
    fi
fi
"$@"
rc=$?
[ -n "$dir" ] && sh "$here/pg.sh" stop "$dir"
exit $rc
