/*
 * pg.c - the PostgreSQL engine on libpq: parameters sent as text, results
 * read one row at a time (single-row mode, so that an audit export
 * streams), writers serialised by an advisory lock held for the
 * transaction, the audit table made append-only by a trigger (and UPDATE,
 * DELETE, TRUNCATE revoked from PUBLIC: a deployment connects as a role
 * that does not own the tables).
 */
#include "store_int.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAXPARAMS 4096

struct stmt {
    PGconn *c;
    char *sql;
    int nparams;
    char **vals;
    PGresult *res;
    int started;
};

static void msg(char *err, PGconn *c, const PGresult *r)
{
    const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
    snprintf(err, STORE_ERR, "%s", m && *m ? m : "PostgreSQL error");
    size_t n = strlen(err);
    while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
        err[--n] = '\0';
}

static int pg_exec(struct store *st, const char *sql, char *err)
{
    PGresult *r = PQexec(st->db, sql);
    ExecStatusType s = PQresultStatus(r);
    int rc = 0;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        msg(err, st->db, r);
        rc = -1;
    }
    PQclear(r);
    return rc;
}

static int pg_begin_write(struct store *st, char *err)
{
    if (pg_exec(st, "BEGIN", err) < 0)
        return -1;
    /* One writer at a time: the audit hash chain has one head. */
    return pg_exec(st, "SELECT pg_advisory_xact_lock(4242)", err);
}

static struct stmt *pg_prepare(struct store *st, const char *sql, char *err)
{
    (void)err;
    struct stmt *s = xcalloc(1, sizeof *s);
    s->c = st->db;
    /* '?' placeholders become $1, $2, ... (none inside quotes). */
    size_t n = strlen(sql);
    s->sql = xmalloc(n * 6 + 1);
    size_t k = 0;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (sql[i] == '\'')
            quoted = !quoted;
        if (sql[i] == '?' && !quoted) {
            k += (size_t)snprintf(s->sql + k, n * 6 + 1 - k, "$%d",
                                  ++s->nparams);
            continue;
        }
        s->sql[k++] = sql[i];
    }
    s->sql[k] = '\0';
    s->vals = xcalloc((size_t)s->nparams + 1, sizeof *s->vals);
    return s;
}

static void pg_bind(struct stmt *s, int i, const char *v)
{
    if (i < 1 || i > s->nparams)
        return;
    free(s->vals[i - 1]);
    s->vals[i - 1] = v ? xstrdup(v) : NULL;
}

static void drain(struct stmt *s)
{
    if (s->res) {
        PQclear(s->res);
        s->res = NULL;
    }
    if (!s->started)
        return;
    PGresult *r;
    while ((r = PQgetResult(s->c)))
        PQclear(r);
    s->started = 0;
}

static int pg_step(struct stmt *s, char *err)
{
    if (!s->started) {
        if (!PQsendQueryParams(s->c, s->sql, s->nparams, NULL,
                               (const char *const *)s->vals, NULL, NULL, 0)) {
            msg(err, s->c, NULL);
            return -1;
        }
        PQsetSingleRowMode(s->c);
        s->started = 1;
    }
    for (;;) {
        if (s->res) {
            PQclear(s->res);
            s->res = NULL;
        }
        s->res = PQgetResult(s->c);
        if (!s->res) {
            s->started = 0;
            return 0;
        }
        switch (PQresultStatus(s->res)) {
        case PGRES_SINGLE_TUPLE:
            return 1;
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
            continue;
        default:
            msg(err, s->c, s->res);
            drain(s);
            return -1;
        }
    }
}

static const char *pg_col(struct stmt *s, int i)
{
    if (!s->res || PQgetisnull(s->res, 0, i))
        return NULL;
    return PQgetvalue(s->res, 0, i);
}

static void pg_reset(struct stmt *s)
{
    drain(s);
    for (int i = 0; i < s->nparams; i++) {
        free(s->vals[i]);
        s->vals[i] = NULL;
    }
}

static void pg_finalize(struct stmt *s)
{
    if (!s)
        return;
    pg_reset(s);
    free(s->vals);
    free(s->sql);
    free(s);
}

static void pg_close(struct store *st)
{
    PQfinish(st->db);
}

static const char *const pg_schema[] = {
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE domain_columns (domain TEXT NOT NULL, position BIGINT "
    "NOT NULL, name TEXT NOT NULL, PRIMARY KEY (domain, position))",
    "CREATE TABLE records (id BIGINT PRIMARY KEY, domain TEXT NOT NULL, "
    "position BIGINT NOT NULL, usubjid TEXT, data TEXT NOT NULL)",
    "CREATE INDEX records_domain ON records (domain, position)",
    "CREATE INDEX records_subject ON records (usubjid)",
    "CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
    "pwhash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, "
    "created TEXT NOT NULL)",
    "CREATE TABLE audit (id BIGINT PRIMARY KEY, ts TEXT NOT NULL, "
    "username TEXT NOT NULL, action TEXT NOT NULL, tbl TEXT NOT NULL, "
    "record_id BIGINT, usubjid TEXT, field TEXT, old_value TEXT, "
    "new_value TEXT, reason TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT "
    "NULL)",
    "CREATE INDEX audit_subject ON audit (usubjid)",
    /* Append-only, enforced by the database itself: a trigger for every
     * role, and the privileges. */
    "CREATE FUNCTION balist_audit_append_only() RETURNS trigger LANGUAGE "
    "plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; "
    "END $$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR "
    "EACH ROW EXECUTE FUNCTION balist_audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH "
    "STATEMENT EXECUTE FUNCTION balist_audit_append_only()",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC", NULL};

const struct store_ops store_pg_ops = {
    "postgresql", pg_exec,  pg_begin_write, pg_prepare, pg_bind,   pg_step,
    pg_col,       pg_reset, pg_finalize,    NULL,       pg_schema, pg_close,
};

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int store_pg_open(const char *url, struct store *st, char *err)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        msg(err, c, NULL);
        PQfinish(c);
        return -1;
    }
    st->ops = &store_pg_ops;
    st->db = c;
    /* Quiet notices; UTC; no surprises from the session's settings. */
    PQsetNoticeProcessor(c, quiet, NULL);
    return pg_exec(st,
                   "SET client_min_messages = warning; SET TIME ZONE "
                   "'UTC'",
                   err);
}
