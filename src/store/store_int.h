/*
 * store_int.h - private to store/: the engine table (STYLE.md: storage
 * engines sit behind a small table of functions, as curl does with its TLS
 * back ends) and the statement handle every engine implements. SQL is
 * written once with '?' placeholders; an engine rewrites what its dialect
 * needs.
 */
#ifndef BALIST_STORE_INT_H
#define BALIST_STORE_INT_H

#include "balist/store.h"

#include <jansson.h>

struct stmt;

struct store_ops {
    const char *name;
    /* DDL and statements without parameters or results. */
    int (*exec)(struct store *st, const char *sql, char *err);
    /* A write transaction that serialises writers (the audit chain). */
    int (*begin_write)(struct store *st, char *err);
    struct stmt *(*prepare)(struct store *st, const char *sql, char *err);
    /* Binds parameter i (1-based) as text; NULL binds SQL NULL. */
    void (*bind)(struct stmt *s, int i, const char *v);
    /* 1: a row is ready; 0: done; negative: error (err filled). */
    int (*step)(struct stmt *s, char *err);
    /* Column i (0-based) of the current row; NULL for SQL NULL. */
    const char *(*col)(struct stmt *s, int i);
    void (*reset)(struct stmt *s);
    void (*finalize)(struct stmt *s);
    /* Before and after a bulk import (NULL: nothing to do). */
    int (*bulk)(struct store *st, bool on, char *err);
    /* The schema of this engine (the same tables in its dialect). */
    const char *const *schema;
    void (*close)(struct store *st);
};

struct store {
    const struct store_ops *ops;
    void *db;
    enum store_code code; /* of the last failure (store_errcode) */
};

/* Records a failure of kind code with its message in err; returns -1. */
int store_fail(struct store *st, enum store_code code, char *err,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

int store_sqlite_open(const char *path, bool create, struct store *st,
                      char *err);
int store_pg_open(const char *url, struct store *st, char *err);

/* ---- shared by the store's files ---- */

/* qsort of strings (char *) in byte order. */
int store_cmp_str(const void *a, const void *b);
/* The SHA-256 of an audit row, chained by its prev_hash (audit.c). */
void store_row_hash(const struct audit_row *r, char out[65]);

/* A record's data ({"COL": "text", ...}) read into a domain's columns. */
struct flat_row {
    const char **val; /* per column; NULL when absent */
    char *buf;        /* the unescaped texts */
    size_t cap;
    char **unused;
    size_t ncol;
};
/* Reads json into f->val in the order of names; -1 when it is not a flat
 * object of texts. f starts zeroed and is reused row after row. */
int flat_read(const char *json, char *const *names, size_t nn,
              struct flat_row *f);
void flat_release(struct flat_row *f);

/* The first column of the first row of sql (one optional text argument)
 * into out: 1 a row, 0 none, negative on error. */
int store_query1(struct store *st, const char *sql, const char *arg, char *out,
                 size_t size, char *err);
/* Now, as an ISO 8601 UTC timestamp with microseconds. */
void store_now_utc(char buf[64]);

/* A write transaction: the writers' lock, the audit head, the batch of
 * statements of the change. */
struct txn {
    struct store *st;
    long next_audit;
    char prev[65];
    char ts[64];
    const char *user;
    const char *reason; /* of the rows inserted (a confirmation), or NULL */
    struct stmt *audit_ins;
};
int txn_begin(struct store *st, struct txn *t, const char *user, char *err);
/* Commits when ok, else rolls back; returns 0 when committed. */
int txn_end(struct txn *t, bool ok, char *err);
/* One audit row, chained to the one before. */
int audit(struct txn *t, const char *action, const char *tbl, long record_id,
          const char *usubjid, const char *field, const char *old_v,
          const char *new_v, const char *reason, char *err);
/* One row into records inside t, audited; the new id or -1. */
long insert_in(struct store *st, struct txn *t, const char *domain,
               const char *const *cols, const char *const *vals, size_t n,
               char *err);
/* Before a change to record id of domain commits: before and after are
 * its data (NULL for an insert's before, a delete's after). Refused (-1,
 * STORE_ECONFLICT, err says who locked it) when either side is covered by
 * a lock in force: the subject's, or a visit's (a record it signed, its
 * normalised label, or an assessment dated within it); else the
 * signatures and verifications either side is covered by are voided,
 * audited with why. */
int on_record_change(struct txn *t, long id, const char *domain,
                     const json_t *before, const json_t *after, const char *why,
                     char *err);
/* Fills the scope (records, domains, dates) of signatures from before
 * schema version 3, from the records as they are now. */
int store_signatures_rescope(struct store *st, char *err);
/* The subject's automatic queries brought in line with the findings
 * (store_queries_sync) inside t, by the checks' user "balist-checks". */
int store_checks_sync_in(struct txn *t, const char *usubjid,
                         const struct store_finding *f, size_t n, char *err);
/* The schema added in version 2 (queries, signatures), the same SQL for
 * both engines. */
extern const char *const store_schema_v2[];
extern const char *const store_schema_v3[];

#endif
