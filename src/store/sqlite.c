/*
 * sqlite.c - the SQLite engine: one file, WAL journal, foreign keys on,
 * synchronous FULL (an acknowledged commit survives a crash), writers
 * serialised by BEGIN IMMEDIATE, the audit table made append-only by
 * triggers.
 */
#include "store_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prepared statements are kept for reuse, keyed by their SQL text: the
 * web application runs the same few dozen statements for every request,
 * and parsing them again costs more than running them. */
#define STMT_CACHE 48

struct stmt {
    sqlite3_stmt *s;
    sqlite3 *db;
    struct lite *owner; /* when from the cache */
    int slot;
};

struct lite {
    sqlite3 *db;
    struct {
        char *sql;
        struct stmt st;
        bool busy;
        unsigned long used;
    } cache[STMT_CACHE];
    unsigned long clock;
};

#define DB(st) (((struct lite *)(st)->db)->db)

static int lite_exec(struct store *st, const char *sql, char *err)
{
    char *msg = NULL;
    if (sqlite3_exec(DB(st), sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, STORE_ERR, "%s", msg ? msg : "SQLite error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int lite_begin_write(struct store *st, char *err)
{
    return lite_exec(st, "BEGIN IMMEDIATE", err);
}

static struct stmt *lite_prepare(struct store *st, const char *sql, char *err)
{
    struct lite *l = st->db;
    int free_slot = -1, lru = -1;
    for (int i = 0; i < STMT_CACHE; i++) {
        if (l->cache[i].sql && !strcmp(l->cache[i].sql, sql)) {
            if (l->cache[i].busy)
                break; /* in use (a nested run): an uncached one */
            l->cache[i].busy = true;
            l->cache[i].used = ++l->clock;
            return &l->cache[i].st;
        }
        if (!l->cache[i].sql && free_slot < 0)
            free_slot = i;
        if (l->cache[i].sql && !l->cache[i].busy &&
            (lru < 0 || l->cache[i].used < l->cache[lru].used))
            lru = i;
    }
    sqlite3_stmt *ps;
    if (sqlite3_prepare_v2(l->db, sql, -1, &ps, NULL) != SQLITE_OK) {
        snprintf(err, STORE_ERR, "%s", sqlite3_errmsg(l->db));
        return NULL;
    }
    int slot = free_slot >= 0 ? free_slot : lru;
    if (slot < 0) { /* every cached one is in use */
        struct stmt *s = xcalloc(1, sizeof *s);
        s->db = l->db;
        s->s = ps;
        s->slot = -1;
        return s;
    }
    if (l->cache[slot].sql) {
        sqlite3_finalize(l->cache[slot].st.s);
        free(l->cache[slot].sql);
    }
    l->cache[slot].sql = xstrdup(sql);
    l->cache[slot].st = (struct stmt){ps, l->db, l, slot};
    l->cache[slot].busy = true;
    l->cache[slot].used = ++l->clock;
    return &l->cache[slot].st;
}

static void lite_bind(struct stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s->s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s->s, i);
}

static int lite_step(struct stmt *s, char *err)
{
    int rc = sqlite3_step(s->s);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, STORE_ERR, "%s", sqlite3_errmsg(s->db));
    return -1;
}

static const char *lite_col(struct stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s->s, i);
}

static void lite_reset(struct stmt *s)
{
    sqlite3_reset(s->s);
    sqlite3_clear_bindings(s->s);
}

static void lite_finalize(struct stmt *s)
{
    if (!s)
        return;
    if (s->owner) { /* back to the cache, ready for the next run */
        sqlite3_reset(s->s);
        sqlite3_clear_bindings(s->s);
        s->owner->cache[s->slot].busy = false;
        return;
    }
    sqlite3_finalize(s->s);
    free(s);
}

static void lite_close(struct store *st)
{
    struct lite *l = st->db;
    for (int i = 0; i < STMT_CACHE; i++)
        if (l->cache[i].sql) {
            sqlite3_finalize(l->cache[i].st.s);
            free(l->cache[i].sql);
        }
    sqlite3_close(l->db);
    free(l);
}

/* A bulk import is one huge transaction: in WAL mode every page would be
 * written twice (to the WAL, then checkpointed). The rollback journal
 * writes only what the import overwrites, and is as durable. */
static int lite_bulk(struct store *st, bool on, char *err)
{
    return lite_exec(
        st, on ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL", err);
}

static const char *const lite_schema[] = {
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE domain_columns (domain TEXT NOT NULL, position INTEGER "
    "NOT NULL, name TEXT NOT NULL, PRIMARY KEY (domain, position))",
    "CREATE TABLE records (id INTEGER PRIMARY KEY, domain TEXT NOT NULL, "
    "position INTEGER NOT NULL, usubjid TEXT, data TEXT NOT NULL)",
    "CREATE INDEX records_domain ON records (domain, position)",
    "CREATE INDEX records_subject ON records (usubjid)",
    "CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
    "pwhash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, "
    "created TEXT NOT NULL)",
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, "
    "username TEXT NOT NULL, action TEXT NOT NULL, tbl TEXT NOT NULL, "
    "record_id INTEGER, usubjid TEXT, field TEXT, old_value TEXT, "
    "new_value TEXT, reason TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT "
    "NULL)",
    "CREATE INDEX audit_subject ON audit (usubjid)",
    /* Append-only, enforced by the database itself. */
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT "
    "RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT "
    "RAISE(ABORT, 'the audit trail is append-only'); END",
    NULL};

const struct store_ops store_sqlite_ops = {
    "sqlite",      lite_exec, lite_begin_write, lite_prepare,
    lite_bind,     lite_step, lite_col,         lite_reset,
    lite_finalize, lite_bulk, lite_schema,      lite_close,
};

int store_sqlite_open(const char *path, bool create, struct store *st,
                      char *err)
{
    sqlite3 *db;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        snprintf(err, STORE_ERR, "cannot open %s: %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    st->ops = &store_sqlite_ops;
    struct lite *l = xcalloc(1, sizeof *l);
    l->db = db;
    st->db = l;
    sqlite3_busy_timeout(db, 10000);
    if (lite_exec(st,
                  "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                  "PRAGMA synchronous=FULL",
                  err) < 0) {
        sqlite3_close(db);
        free(l);
        return -1;
    }
    return 0;
}
