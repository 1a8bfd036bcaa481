/*
 * audit.c - transactions and the audit trail: every insert, update and
 * delete is audited in its own transaction (who, when in UTC, table,
 * record, field, old and new value, the reason), each row carrying a
 * SHA-256 hash chained to the row before; reading the trail and verifying
 * the chain.
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

/* ---- the audit chain ---- */

void store_now_utc(char buf[64])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             ts.tv_nsec / 1000);
}

#define GENESIS                                                                \
    "0000000000000000000000000000000000000000000000000000000000000000"

/* The hash of one audit row: SHA-256 over its fields and the previous
 * hash, each field followed by a unit separator, NULL written as a record
 * separator (so that NULL and "" differ). */
void store_row_hash(const struct audit_row *r, char out[65])
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    char num[2][32];
    snprintf(num[0], sizeof num[0], "%ld", r->id);
    snprintf(num[1], sizeof num[1], "%ld", r->record_id);
    const char *f[] = {num[0],       r->ts,     r->user,
                       r->action,    r->tbl,    r->record_id ? num[1] : NULL,
                       r->usubjid,   r->field,  r->old_value,
                       r->new_value, r->reason, r->prev_hash};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        const char *v = f[i] ? f[i] : "\x1e";
        crypto_hash_sha256_update(&h, (const unsigned char *)v, strlen(v));
        crypto_hash_sha256_update(&h, (const unsigned char *)"\x1f", 1);
    }
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(out, 65, d, sizeof d);
}

int txn_begin(struct store *st, struct txn *t, const char *user, char *err)
{
    memset(t, 0, sizeof *t);
    t->st = st;
    t->user = user && *user ? user : "unknown";
    if (st->ops->begin_write(st, err) < 0)
        return -1;
    store_now_utc(t->ts);
    struct stmt *s = st->ops->prepare(
        st, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", err);
    if (!s)
        goto fail;
    int rc = st->ops->step(s, err);
    if (rc < 0) {
        st->ops->finalize(s);
        goto fail;
    }
    t->next_audit = rc ? strtol(st->ops->col(s, 0), NULL, 10) + 1 : 1;
    snprintf(t->prev, sizeof t->prev, "%s", rc ? st->ops->col(s, 1) : GENESIS);
    st->ops->finalize(s);
    t->audit_ins = st->ops->prepare(
        st,
        "INSERT INTO audit (id, ts, username, action, tbl, record_id, "
        "usubjid, field, old_value, new_value, reason, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        err);
    if (!t->audit_ins)
        goto fail;
    return 0;
fail:;
    char e2[STORE_ERR];
    st->ops->exec(st, "ROLLBACK", e2);
    return -1;
}

int txn_end(struct txn *t, bool ok, char *err)
{
    struct store *st = t->st;
    st->ops->finalize(t->audit_ins);
    t->audit_ins = NULL;
    char e2[STORE_ERR];
    if (ok && st->ops->exec(st, "COMMIT", err) == 0)
        return 0;
    st->ops->exec(st, "ROLLBACK", e2);
    return -1;
}

int audit(struct txn *t, const char *action, const char *tbl, long record_id,
          const char *usubjid, const char *field, const char *old_v,
          const char *new_v, const char *reason, char *err)
{
    struct store *st = t->st;
    struct audit_row r = {0};
    r.id = t->next_audit++;
    r.ts = t->ts;
    r.user = t->user;
    r.action = action;
    r.tbl = tbl;
    r.record_id = record_id;
    r.usubjid = usubjid && *usubjid ? usubjid : NULL;
    r.field = field;
    r.old_value = old_v;
    r.new_value = new_v;
    r.reason = reason && *reason ? reason : NULL;
    r.prev_hash = t->prev;
    char hash[65];
    store_row_hash(&r, hash);
    char id[32], rid[32];
    snprintf(id, sizeof id, "%ld", r.id);
    snprintf(rid, sizeof rid, "%ld", record_id);
    struct stmt *s = t->audit_ins;
    const char *v[] = {
        id,        r.ts,  r.user, action, tbl,      record_id ? rid : NULL,
        r.usubjid, field, old_v,  new_v,  r.reason, t->prev,
        hash};
    for (int i = 0; i < 13; i++)
        st->ops->bind(s, i + 1, v[i]);
    int rc = st->ops->step(s, err);
    st->ops->reset(s);
    if (rc < 0)
        return -1;
    memcpy(t->prev, hash, sizeof t->prev);
    return 0;
}

/* ---- reading the audit trail ---- */

static void fill_row(struct store *st, struct stmt *s, struct audit_row *r)
{
    const char *id = st->ops->col(s, 0), *rid = st->ops->col(s, 5);
    r->id = id ? strtol(id, NULL, 10) : 0;
    r->ts = st->ops->col(s, 1);
    r->user = st->ops->col(s, 2);
    r->action = st->ops->col(s, 3);
    r->tbl = st->ops->col(s, 4);
    r->record_id = rid ? strtol(rid, NULL, 10) : 0;
    r->usubjid = st->ops->col(s, 6);
    r->field = st->ops->col(s, 7);
    r->old_value = st->ops->col(s, 8);
    r->new_value = st->ops->col(s, 9);
    r->reason = st->ops->col(s, 10);
    r->prev_hash = st->ops->col(s, 11);
    r->hash = st->ops->col(s, 12);
}

#define AUDIT_COLS                                                             \
    "id, ts, username, action, tbl, record_id, usubjid, field, old_value, "    \
    "new_value, reason, prev_hash, hash"

int store_audit_each(struct store *st, const struct audit_filter *f,
                     int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
                     char *err)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             /* Typed, so that PostgreSQL knows what a NULL is. */
             "SELECT " AUDIT_COLS " FROM audit WHERE (CAST(? AS TEXT) IS "
             "NULL OR usubjid = ?) AND (CAST(? AS TEXT) IS NULL OR tbl = ?) "
             "AND (CAST(? AS TEXT) IS NULL OR username = ?) AND (CAST(? AS "
             "TEXT) IS NULL OR ts >= ?) AND (CAST(? AS TEXT) IS NULL OR ts "
             "<= ?) AND (CAST(? AS TEXT) IS NULL OR CAST(record_id AS TEXT) "
             "= ?) ORDER BY id");
    struct stmt *s = st->ops->prepare(st, sql, err);
    if (!s)
        return -1;
    char rid[32];
    snprintf(rid, sizeof rid, "%ld", f ? f->record_id : 0);
    const char *v[6] = {f ? f->usubjid : NULL, f ? f->tbl : NULL,
                        f ? f->user : NULL,    f ? f->from : NULL,
                        f ? f->to : NULL,      f && f->record_id ? rid : NULL};
    for (int i = 0; i < 6; i++) {
        st->ops->bind(s, 2 * i + 1, v[i]);
        st->ops->bind(s, 2 * i + 2, v[i]);
    }
    int rc;
    while ((rc = st->ops->step(s, err)) == 1) {
        struct audit_row r;
        fill_row(st, s, &r);
        if (fn(ctx, &r)) {
            rc = 0;
            break;
        }
    }
    st->ops->finalize(s);
    return rc < 0 ? -1 : 0;
}

int store_audit_verify(struct store *st, long *n_rows, long *bad_id, char *err)
{
    struct stmt *s = st->ops->prepare(
        st, "SELECT " AUDIT_COLS " FROM audit ORDER BY id", err);
    if (!s)
        return -1;
    char prev[65] = GENESIS;
    long n = 0, expect_id = 1;
    int rc, broken = 0;
    *bad_id = 0;
    while ((rc = st->ops->step(s, err)) == 1) {
        struct audit_row r;
        fill_row(st, s, &r);
        char h[65];
        store_row_hash(&r, h);
        n++;
        /* The chain: consecutive ids, each naming the previous hash, each
         * hash matching its row. */
        if (r.id != expect_id || !r.prev_hash || strcmp(r.prev_hash, prev) ||
            !r.hash || strcmp(r.hash, h)) {
            *bad_id = r.id;
            broken = 1;
            break;
        }
        memcpy(prev, r.hash, sizeof prev);
        expect_id++;
    }
    st->ops->finalize(s);
    *n_rows = n;
    if (rc < 0)
        return -1;
    return broken;
}
