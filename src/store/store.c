/*
 * store.c - the study database on top of an engine (sqlite.c, pg.c):
 * opening it, the schema and its version (migrations), and a new study's
 * init. The rest of the store is in files of its own: the audit trail
 * and transactions (audit.c), import (import.c), export and whole-study
 * loads (export.c, source.c), single records (records.c), user accounts
 * (users.c), queries, signatures and locks (review.c), who may do what
 * (perm.c) and the kinds of failure (errcode.c). Every write is one
 * transaction that holds the writers' lock, so the audit chain has one
 * head, and commits or leaves nothing.
 */
#include "store_int.h"

#include "balist/io.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int store_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- opening ---- */

bool store_is_database(const char *s)
{
    if (!strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11))
        return true;
    struct stat st;
    return stat(s, &st) == 0 && S_ISREG(st.st_mode);
}

const char *store_engine(const struct store *st)
{
    return st->ops->name;
}

int store_query1(struct store *st, const char *sql, const char *arg, char *out,
                 size_t size, char *err)
{
    struct stmt *s = st->ops->prepare(st, sql, err);
    if (!s)
        return -1;
    if (arg)
        st->ops->bind(s, 1, arg);
    int rc = st->ops->step(s, err);
    if (rc == 1) {
        const char *v = st->ops->col(s, 0);
        snprintf(out, size, "%s", v ? v : "");
    }
    st->ops->finalize(s);
    return rc;
}

/* Schema migrations, one per version step: migrations[v] takes a
 * database from version v to v + 1 (version 1 is the first; 2 adds the
 * queries and the signatures; 3 the scope of a signature). A new database gets
 * the base schema and then every migration. */
static const char *const *const migrations[STORE_SCHEMA_VERSION] = {
    NULL, store_schema_v2, store_schema_v3};
/* What a migration does beyond its SQL, in its transaction (NULL: none). */
static int (*const migration_fn[STORE_SCHEMA_VERSION])(struct store *,
                                                       char *) = {
    NULL, NULL, store_signatures_rescope};

static int check_version(struct store *st, char *err)
{
    char v[32];
    char e2[STORE_ERR];
    int rc = store_query1(st, "SELECT value FROM meta WHERE key = ?",
                          "schema_version", v, sizeof v, e2);
    if (rc <= 0)
        return 0; /* not initialised yet */
    long ver = strtol(v, NULL, 10);
    if (ver > STORE_SCHEMA_VERSION) {
        snprintf(err, STORE_ERR,
                 "the database has schema version %ld, newer than this "
                 "BALIST (%d): upgrade BALIST",
                 ver, STORE_SCHEMA_VERSION);
        return -1;
    }
    for (; ver < STORE_SCHEMA_VERSION; ver++) {
        const char *const *m = migrations[ver];
        if (st->ops->begin_write(st, err) < 0)
            return -1;
        for (size_t i = 0; m && m[i]; i++)
            if (st->ops->exec(st, m[i], err) < 0) {
                st->ops->exec(st, "ROLLBACK", e2);
                return -1;
            }
        if (migration_fn[ver] && migration_fn[ver](st, err) < 0) {
            st->ops->exec(st, "ROLLBACK", e2);
            return -1;
        }
        char sql[128];
        snprintf(sql, sizeof sql,
                 "UPDATE meta SET value = '%ld' WHERE key = "
                 "'schema_version'",
                 ver + 1);
        if (st->ops->exec(st, sql, err) < 0 ||
            st->ops->exec(st, "COMMIT", err) < 0) {
            st->ops->exec(st, "ROLLBACK", e2);
            return -1;
        }
    }
    return 0;
}

int store_open(const char *url, bool create, struct store **out, char *err)
{
    if (sodium_init() < 0) {
        snprintf(err, STORE_ERR, "libsodium cannot start");
        return -1;
    }
    struct store *st = xcalloc(1, sizeof *st);
    int rc =
        !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11)
            ? store_pg_open(url, st, err)
            : store_sqlite_open(url, create, st, err);
    if (rc < 0) {
        free(st);
        return -1;
    }
    if (check_version(st, err) < 0) {
        store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    st->ops->close(st);
    free(st);
}

/* ---- init ---- */

int store_init(struct store *st, const char *protocol_json, const char *user,
               char *err)
{
    char v[32], e2[STORE_ERR];
    if (store_query1(st, "SELECT value FROM meta WHERE key = ?",
                     "schema_version", v, sizeof v, e2) >= 0) {
        snprintf(err, STORE_ERR,
                 "the database is already initialised "
                 "(schema version %s)",
                 v);
        return -1;
    }
    if (st->ops->begin_write(st, err) < 0)
        return -1;
    for (size_t i = 0; st->ops->schema[i]; i++)
        if (st->ops->exec(st, st->ops->schema[i], err) < 0) {
            st->ops->exec(st, "ROLLBACK", e2);
            return -1;
        }
    for (int m = 1; m < STORE_SCHEMA_VERSION; m++)
        for (size_t i = 0; migrations[m] && migrations[m][i]; i++)
            if (st->ops->exec(st, migrations[m][i], err) < 0) {
                st->ops->exec(st, "ROLLBACK", e2);
                return -1;
            }
    if (st->ops->exec(st, "COMMIT", err) < 0)
        return -1;
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    char ver[16];
    snprintf(ver, sizeof ver, "%d", STORE_SCHEMA_VERSION);
    const char *keys[] = {"schema_version", "protocol", "created"};
    const char *vals[] = {ver, protocol_json, t.ts};
    struct stmt *s = st->ops->prepare(
        st, "INSERT INTO meta (key, value) VALUES (?, ?)", err);
    bool ok = s != NULL;
    for (int i = 0; ok && i < 3; i++) {
        st->ops->bind(s, 1, keys[i]);
        st->ops->bind(s, 2, vals[i]);
        ok = st->ops->step(s, err) >= 0;
        st->ops->reset(s);
        if (ok && vals[i])
            ok = audit(&t, "INSERT", "meta", 0, NULL, keys[i], NULL, vals[i],
                       NULL, err) == 0;
    }
    st->ops->finalize(s);
    return txn_end(&t, ok, err);
}
