/*
 * records.c - single records: read, inserted, changed with a reason
 * (checked by the caller's hook inside the transaction), deleted; a
 * subject's records, a domain's columns, the subjects changed since an
 * audit id.
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

/* ---- single records ---- */

/* The data and domain of a record; 0 when absent. */
int store_records_each(struct store *st, const char *usubjid,
                       int (*fn)(void *ctx, long id, const char *domain,
                                 const char *json),
                       void *ctx, char *err)
{
    struct stmt *s = st->ops->prepare(
        st,
        usubjid ? "SELECT id, domain, data FROM records WHERE usubjid = ? "
                  "ORDER BY domain, position"
                : "SELECT id, domain, data FROM records WHERE usubjid IS "
                  "NULL ORDER BY domain, position",
        err);
    if (!s)
        return -1;
    if (usubjid)
        st->ops->bind(s, 1, usubjid);
    int rc;
    while ((rc = st->ops->step(s, err)) == 1)
        if (fn(ctx, strtol(st->ops->col(s, 0), NULL, 10), st->ops->col(s, 1),
               st->ops->col(s, 2))) {
            rc = 0;
            break;
        }
    st->ops->finalize(s);
    return rc < 0 ? -1 : 0;
}

int store_study_id(struct store *st, char *buf, size_t size, char *err)
{
    char data[8192];
    int rc = store_query1(st,
                          "SELECT data FROM records WHERE domain = ? ORDER BY "
                          "position LIMIT 1",
                          "dm", data, sizeof data, err);
    if (rc <= 0)
        return rc;
    json_t *o = json_loads(data, 0, NULL);
    const char *v = json_string_value(json_object_get(o, "STUDYID"));
    snprintf(buf, size, "%s", v ? v : "");
    json_decref(o);
    return *buf ? 1 : 0;
}

char **store_domain_columns(struct store *st, const char *domain, size_t *n,
                            char *err)
{
    *n = 0;
    struct stmt *s = st->ops->prepare(
        st,
        "SELECT name FROM domain_columns WHERE domain = ? ORDER BY "
        "position",
        err);
    if (!s)
        return NULL;
    st->ops->bind(s, 1, domain);
    char **names = NULL;
    size_t cap = 0;
    int rc;
    while ((rc = st->ops->step(s, err)) == 1)
        *(char **)VEC_PUSH(names, *n, cap) = xstrdup(st->ops->col(s, 0));
    st->ops->finalize(s);
    if (rc < 0 || !*n) {
        for (size_t i = 0; i < *n; i++)
            free(names[i]);
        free(names);
        *n = 0;
        return NULL;
    }
    *(char **)VEC_PUSH(names, *n, cap) = NULL;
    (*n)--;
    return names;
}

int store_changed_subjects(struct store *st, long since,
                           int (*fn)(void *ctx, const char *usubjid), void *ctx,
                           bool *other, char *err)
{
    char b[32];
    snprintf(b, sizeof b, "%ld", since);
    struct stmt *s = st->ops->prepare(
        st,
        "SELECT DISTINCT usubjid, CASE WHEN usubjid IS NULL AND tbl <> "
        "'users' THEN 'other' ELSE '' END FROM audit WHERE id > CAST(? AS "
        "BIGINT)",
        err);
    if (!s)
        return -1;
    st->ops->bind(s, 1, b);
    *other = false;
    int rc;
    while ((rc = st->ops->step(s, err)) == 1) {
        const char *u = st->ops->col(s, 0), *what = st->ops->col(s, 1);
        if (!u)
            *other = *other || (what && *what);
        else if (fn(ctx, u)) {
            rc = 0;
            break;
        }
    }
    st->ops->finalize(s);
    return rc < 0 ? -1 : 0;
}

int store_audit_head(struct store *st, long *id, char *err)
{
    char v[32];
    int rc = store_query1(st, "SELECT COALESCE(MAX(id), 0) FROM audit", NULL, v,
                          sizeof v, err);
    if (rc < 0)
        return -1;
    *id = rc ? strtol(v, NULL, 10) : 0;
    return 0;
}

static int record_read(struct store *st, long id, json_t **data, char *domain,
                       size_t dsize, char *err)
{
    char idb[32];
    snprintf(idb, sizeof idb, "%ld", id);
    struct stmt *s = st->ops->prepare(
        st, "SELECT data, domain FROM records WHERE id = ?", err);
    if (!s)
        return -1;
    st->ops->bind(s, 1, idb);
    int rc = st->ops->step(s, err);
    if (rc == 1) {
        json_error_t je;
        *data = json_loads(st->ops->col(s, 0), 0, &je);
        snprintf(domain, dsize, "%s", st->ops->col(s, 1));
    }
    st->ops->finalize(s);
    return rc;
}

static bool domain_has(struct store *st, const char *domain, const char *field,
                       char *err)
{
    struct stmt *s = st->ops->prepare(
        st, "SELECT 1 FROM domain_columns WHERE domain = ? AND name = ?", err);
    if (!s)
        return false;
    st->ops->bind(s, 1, domain);
    st->ops->bind(s, 2, field);
    int rc = st->ops->step(s, err);
    st->ops->finalize(s);
    return rc == 1;
}

int store_record_get(struct store *st, long id, const char *field, char *buf,
                     size_t size, char *err)
{
    json_t *o = NULL;
    char domain[256];
    int rc = record_read(st, id, &o, domain, sizeof domain, err);
    if (rc <= 0)
        return rc;
    const char *v = json_string_value(json_object_get(o, field));
    if (v)
        snprintf(buf, size, "%s", v);
    json_decref(o);
    return v ? 1 : 0;
}

/* One row into records inside an open transaction, audited. Returns the
 * new id, or -1 with err. */
long insert_in(struct store *st, struct txn *t, const char *domain,
               const char *const *cols, const char *const *vals, size_t n,
               char *err)
{
    bool ok = true;
    json_t *o = json_object();
    const char *usubjid = NULL;
    /* A domain's first row ever (ie.csv from the enrolment checklist, say)
     * gives the domain its columns. */
    char any[8];
    int known = store_query1(st,
                             "SELECT 1 FROM domain_columns WHERE "
                             "domain = ? LIMIT 1",
                             domain, any, sizeof any, err);
    if (known < 0)
        ok = false;
    for (size_t i = 0; ok && known == 0 && i < n; i++) {
        char pos[32];
        snprintf(pos, sizeof pos, "%zu", i);
        struct stmt *s = st->ops->prepare(
            st,
            "INSERT INTO domain_columns (domain, position, name) VALUES "
            "(?, ?, ?)",
            err);
        ok = s != NULL;
        if (ok) {
            st->ops->bind(s, 1, domain);
            st->ops->bind(s, 2, pos);
            st->ops->bind(s, 3, cols[i]);
            ok = st->ops->step(s, err) >= 0;
            st->ops->finalize(s);
        }
    }
    size_t nk = 0;
    char **known_cols = ok ? store_domain_columns(st, domain, &nk, err) : NULL;
    for (size_t i = 0; ok && i < n; i++) {
        bool has = false;
        for (size_t k = 0; k < nk && !has; k++)
            has = !strcmp(known_cols[(i + k) % nk], cols[i]);
        if (!has) {
            store_fail(st, STORE_EINVALID, err, "%s has no column %s", domain,
                       cols[i]);
            ok = false;
        }
        json_object_set_new(o, cols[i], json_string(vals[i] ? vals[i] : ""));
        if (!strcmp(cols[i], "USUBJID"))
            usubjid = vals[i];
    }
    char idb[32] = "", pos[32] = "";
    long id = -1;
    if (ok) {
        ok = store_query1(st, "SELECT COALESCE(MAX(id), 0) + 1 FROM records",
                          NULL, idb, sizeof idb, err) == 1 &&
             store_query1(st,
                          "SELECT COALESCE(MAX(position), -1) + 1 FROM "
                          "records WHERE domain = ?",
                          domain, pos, sizeof pos, err) == 1;
        id = strtol(idb, NULL, 10);
    }
    char *data = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (ok) {
        struct stmt *s = st->ops->prepare(
            st,
            "INSERT INTO records (id, domain, position, usubjid, data) "
            "VALUES (?, ?, ?, ?, ?)",
            err);
        ok = s != NULL;
        if (ok) {
            const char *v[] = {idb, domain, pos, usubjid, data};
            for (int i = 0; i < 5; i++)
                st->ops->bind(s, i + 1, v[i]);
            ok = st->ops->step(s, err) >= 0;
            st->ops->finalize(s);
        }
        ok = ok && audit(t, "INSERT", domain, id, usubjid, NULL, NULL, data,
                         t->reason, err) == 0;
        ok = ok && on_record_change(t, id, domain, NULL, o,
                                    "a record was added", err) == 0;
    }
    json_decref(o);
    free(data);
    for (size_t k = 0; k < nk; k++)
        free(known_cols[k]);
    free(known_cols);
    return ok ? id : -1;
}

long store_record_insert(struct store *st, const char *domain,
                         const char *const *cols, const char *const *vals,
                         size_t n, const char *user, char *err)
{
    struct store_row row = {domain, cols, vals, n};
    long id;
    return store_records_insert(st, &row, 1, user, &id, err) < 0 ? -1 : id;
}

int store_records_insert(struct store *st, const struct store_row *rows,
                         size_t n, const char *user, long *ids, char *err)
{
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        long id = insert_in(st, &t, rows[i].domain, rows[i].cols, rows[i].vals,
                            rows[i].n, err);
        ok = id >= 0;
        if (ids)
            ids[i] = id;
    }
    if (txn_end(&t, ok, err) < 0)
        return -1;
    return 0;
}

static int need_reason(const char *reason, char *err)
{
    if (reason && *reason)
        return 0;
    snprintf(err, STORE_ERR,
             "a reason is required for a change after first "
             "entry");
    return -1;
}

int store_record_update(struct store *st, long id, const char *field,
                        const char *value, const char *user, const char *reason,
                        char *err)
{
    return store_record_update_checked(st, id, &field, &value, 1, user, reason,
                                       NULL, err);
}

int store_record_update_checked(struct store *st, long id,
                                const char *const *fields,
                                const char *const *values, size_t n,
                                const char *user, const char *reason,
                                const struct store_check *check, char *err)
{
    st->code = STORE_ERROR;
    if (need_reason(reason, err) < 0) {
        st->code = STORE_EINVALID;
        return -1;
    }
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    json_t *o = NULL;
    char domain[256];
    int rc = record_read(st, id, &o, domain, sizeof domain, err);
    bool ok = rc == 1;
    if (rc == 0)
        store_fail(st, STORE_ENOTFOUND, err, "no record %ld", id);
    for (size_t i = 0; ok && i < n; i++)
        if (!domain_has(st, domain, fields[i], err)) {
            store_fail(st, STORE_EINVALID, err, "%s has no column %s", domain,
                       fields[i]);
            ok = false;
        }
    char *subj = NULL;
    json_t *before = NULL;
    if (ok) {
        const char *usubjid = json_string_value(json_object_get(o, "USUBJID"));
        subj = xstrdup(usubjid ? usubjid : "");
        before = json_deep_copy(o);
    }
    /* Each field that changes: its own audit row, the same reason. */
    size_t changed = 0;
    for (size_t i = 0; ok && i < n; i++) {
        const char *v = values[i] ? values[i] : "";
        const char *old = json_string_value(json_object_get(o, fields[i]));
        char *old_copy = xstrdup(old ? old : "");
        if (strcmp(old_copy, v) != 0) {
            json_object_set_new(o, fields[i], json_string(v));
            ok = audit(&t, "UPDATE", domain, id, subj, fields[i], old_copy, v,
                       reason, err) == 0;
            changed++;
        }
        free(old_copy);
    }
    if (ok && changed) {
        char *data = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        const char *nu = json_string_value(json_object_get(o, "USUBJID"));
        struct stmt *s = st->ops->prepare(
            st, "UPDATE records SET data = ?, usubjid = ? WHERE id = ?", err);
        char idb[32];
        snprintf(idb, sizeof idb, "%ld", id);
        ok = s != NULL;
        if (ok) {
            st->ops->bind(s, 1, data);
            st->ops->bind(s, 2, nu);
            st->ops->bind(s, 3, idb);
            ok = st->ops->step(s, err) >= 0;
            st->ops->finalize(s);
        }
        free(data);
        ok =
            ok && on_record_change(&t, id, domain, before, o, reason, err) == 0;
        ok = ok && (!check || check->fn(check->ctx, st, subj, err) == 0);
        ok = ok && (!check || !check->findings ||
                    store_checks_sync_in(&t, subj, check->findings,
                                         check->n_findings, err) == 0);
    }
    free(subj);
    json_decref(before);
    json_decref(o);
    return txn_end(&t, ok, err);
}

int store_record_delete(struct store *st, long id, const char *user,
                        const char *reason, char *err)
{
    if (need_reason(reason, err) < 0)
        return -1;
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    json_t *o = NULL;
    char domain[256];
    int rc = record_read(st, id, &o, domain, sizeof domain, err);
    bool ok = rc == 1;
    if (rc == 0)
        snprintf(err, STORE_ERR, "no record %ld", id);
    if (ok) {
        char *data = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        const char *usubjid = json_string_value(json_object_get(o, "USUBJID"));
        char idb[32];
        snprintf(idb, sizeof idb, "%ld", id);
        struct stmt *s = st->ops->prepare(st,
                                          "DELETE FROM records WHERE "
                                          "id = ?",
                                          err);
        ok = s != NULL;
        if (ok) {
            st->ops->bind(s, 1, idb);
            ok = st->ops->step(s, err) >= 0;
            st->ops->finalize(s);
        }
        ok = ok && audit(&t, "DELETE", domain, id, usubjid, NULL, data, NULL,
                         reason, err) == 0;
        ok = ok && on_record_change(&t, id, domain, o, NULL, reason, err) == 0;
        free(data);
    }
    json_decref(o);
    return txn_end(&t, ok, err);
}
