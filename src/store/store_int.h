/*
 * store_int.h - private to store/: the engine table (STYLE.md: storage
 * engines sit behind a small table of functions, as curl does with its TLS
 * back ends) and the statement handle every engine implements. SQL is
 * written once with '?' placeholders; an engine rewrites what its dialect
 * needs.
 */
#ifndef BALIST_STORE_INT_H
#define BALIST_STORE_INT_H

#include "store.h"

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
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

int store_sqlite_open(const char *path, bool create, struct store *st,
                      char *err);
int store_pg_open(const char *url, struct store *st, char *err);

#endif
