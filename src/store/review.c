/*
 * review.c - the data review side of the store: queries (raised by a
 * monitor or by BALIST's checks, answered by the site, closed) and
 * investigators' electronic signatures, voided by a later change. Each
 * step is one transaction with its audit rows, like every other write.
 */
#include "store_int.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const store_schema_v2[] = {
    "CREATE TABLE queries (id BIGINT PRIMARY KEY, usubjid TEXT NOT NULL, "
    "visit TEXT, record_id BIGINT, kind TEXT NOT NULL, check_key TEXT, "
    "text TEXT NOT NULL, status TEXT NOT NULL, raised_by TEXT NOT NULL, "
    "raised_ts TEXT NOT NULL, answer TEXT, answered_by TEXT, answered_ts "
    "TEXT, closed_by TEXT, closed_ts TEXT, close_note TEXT)",
    "CREATE INDEX queries_subject ON queries (usubjid)",
    "CREATE TABLE signatures (id BIGINT PRIMARY KEY, usubjid TEXT NOT "
    "NULL, visit TEXT, kind TEXT NOT NULL, meaning TEXT NOT NULL, username "
    "TEXT NOT NULL, ts TEXT NOT NULL, content_hash TEXT NOT NULL, voided_ts "
    "TEXT, voided_by TEXT, voided_reason TEXT)",
    "CREATE INDEX signatures_subject ON signatures (usubjid)",
    /* One subject's rows of a domain in order (the per-subject export of
     * every web request). */
    "CREATE INDEX records_subject_domain ON records (usubjid, domain, "
    "position)",
    NULL};

/* Version 3: a signature or lock covers the records it hashed (their ids),
 * the domains they are in and the dates they span, not only a visit
 * label (store_signatures_rescope fills them for older signatures). */
const char *const store_schema_v3[] = {
    "ALTER TABLE signatures ADD COLUMN date_from TEXT",
    "ALTER TABLE signatures ADD COLUMN date_to TEXT",
    "ALTER TABLE signatures ADD COLUMN domains TEXT",
    "ALTER TABLE signatures ADD COLUMN records TEXT", NULL};

static long next_id(struct store *st, const char *table, char *err)
{
    char sql[96], v[32];
    snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) + 1 FROM %s", table);
    return store_query1(st, sql, NULL, v, sizeof v, err) == 1
               ? strtol(v, NULL, 10)
               : -1;
}

/* Runs sql with n text parameters (NULL binds NULL). */
static int run(struct store *st, const char *sql, const char *const *v, int n,
               char *err)
{
    struct stmt *s = st->ops->prepare(st, sql, err);
    if (!s)
        return -1;
    for (int i = 0; i < n; i++)
        st->ops->bind(s, i + 1, v[i]);
    int rc = st->ops->step(s, err);
    st->ops->finalize(s);
    return rc < 0 ? -1 : 0;
}

/* ---- queries ---- */

static long raise_in(struct txn *t, const char *usubjid, const char *visit,
                     long record_id, const char *kind, const char *key,
                     const char *text, char *err)
{
    struct store *st = t->st;
    long id = next_id(st, "queries", err);
    if (id < 0)
        return -1;
    char idb[32], rid[32];
    snprintf(idb, sizeof idb, "%ld", id);
    snprintf(rid, sizeof rid, "%ld", record_id);
    const char *v[] = {idb,  usubjid, visit, record_id ? rid : NULL, kind, key,
                       text, t->user, t->ts};
    if (run(st,
            "INSERT INTO queries (id, usubjid, visit, record_id, kind, "
            "check_key, text, status, raised_by, raised_ts) VALUES (?, ?, ?, "
            "?, ?, ?, ?, 'open', ?, ?)",
            v, 9, err) < 0 ||
        audit(t, "INSERT", "queries", id, usubjid, "text", NULL, text, NULL,
              err) < 0)
        return -1;
    return id;
}

long store_query_raise(struct store *st, const char *usubjid, const char *visit,
                       long record_id, const char *kind, const char *check_key,
                       const char *text, const char *user, char *err)
{
    if (!usubjid || !*usubjid || !text || !*text) {
        snprintf(err, STORE_ERR, "a query needs a subject and a text");
        return -1;
    }
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    long id = raise_in(&t, usubjid, visit && *visit ? visit : NULL, record_id,
                       kind, check_key, text, err);
    return txn_end(&t, id > 0, err) < 0 ? -1 : id;
}

/* The status and subject of query id; 1 found, 0 not, negative error. */
static int query_state(struct store *st, long id, char status[16],
                       char usubjid[128], char *err)
{
    char idb[32];
    snprintf(idb, sizeof idb, "%ld", id);
    struct stmt *s = st->ops->prepare(
        st, "SELECT status, usubjid FROM queries WHERE id = ?", err);
    if (!s)
        return -1;
    st->ops->bind(s, 1, idb);
    int rc = st->ops->step(s, err);
    if (rc == 1) {
        snprintf(status, 16, "%s", st->ops->col(s, 0));
        snprintf(usubjid, 128, "%s", st->ops->col(s, 1));
    }
    st->ops->finalize(s);
    return rc;
}

/* Moves query id to status `to` (answer or close), audited. */
static int query_step(struct txn *t, long id, const char *to, const char *text,
                      char *err)
{
    struct store *st = t->st;
    char status[16], subj[128];
    int rc = query_state(st, id, status, subj, err);
    if (rc <= 0) {
        if (rc == 0)
            store_fail(st, STORE_ENOTFOUND, err, "no query %ld", id);
        return -1;
    }
    if (!strcmp(status, "closed"))
        return store_fail(st, STORE_ECONFLICT, err, "query %ld is closed", id);
    char idb[32];
    snprintf(idb, sizeof idb, "%ld", id);
    const char *v[] = {text, t->user, t->ts, idb};
    bool answer = !strcmp(to, "answered");
    if (run(st,
            answer ? "UPDATE queries SET status = 'answered', answer = ?, "
                     "answered_by = ?, answered_ts = ? WHERE id = ?"
                   : "UPDATE queries SET status = 'closed', close_note = ?, "
                     "closed_by = ?, closed_ts = ? WHERE id = ?",
            v, 4, err) < 0)
        return -1;
    return audit(t, "UPDATE", "queries", id, subj, "status", status, to, text,
                 err);
}

static int query_change(struct store *st, long id, const char *to,
                        const char *text, const char *user, char *err)
{
    st->code = STORE_ERROR;
    if (!text || !*text)
        return store_fail(st, STORE_EINVALID, err, "%s",
                          !strcmp(to, "answered")
                              ? "an answer needs a text"
                              : "closing a query needs a note");
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    int rc = query_step(&t, id, to, text, err);
    return txn_end(&t, rc == 0, err);
}

int store_query_answer(struct store *st, long id, const char *answer,
                       const char *user, char *err)
{
    return query_change(st, id, "answered", answer, user, err);
}

int store_query_close(struct store *st, long id, const char *note,
                      const char *user, char *err)
{
    return query_change(st, id, "closed", note, user, err);
}

#define QUERY_COLS                                                             \
    "id, record_id, usubjid, visit, kind, check_key, text, status, "           \
    "raised_by, raised_ts, answer, answered_by, answered_ts, closed_by, "      \
    "closed_ts, close_note"

static void query_fill(struct store *st, struct stmt *s, struct query_row *q)
{
    const char *id = st->ops->col(s, 0), *rid = st->ops->col(s, 1);
    q->id = id ? strtol(id, NULL, 10) : 0;
    q->record_id = rid ? strtol(rid, NULL, 10) : 0;
    const char **f[] = {&q->usubjid,     &q->visit,       &q->kind,
                        &q->check_key,   &q->text,        &q->status,
                        &q->raised_by,   &q->raised_ts,   &q->answer,
                        &q->answered_by, &q->answered_ts, &q->closed_by,
                        &q->closed_ts,   &q->close_note};
    for (int i = 0; i < 14; i++)
        *f[i] = st->ops->col(s, i + 2);
}

int store_query_each(struct store *st, const char *usubjid,
                     int (*fn)(void *ctx, const struct query_row *q), void *ctx,
                     char *err)
{
    struct stmt *s = st->ops->prepare(
        st,
        "SELECT " QUERY_COLS " FROM queries WHERE CAST(? AS TEXT) IS NULL "
        "OR usubjid = ? ORDER BY id",
        err);
    if (!s)
        return -1;
    st->ops->bind(s, 1, usubjid);
    st->ops->bind(s, 2, usubjid);
    int rc;
    while ((rc = st->ops->step(s, err)) == 1) {
        struct query_row q;
        query_fill(st, s, &q);
        if (fn(ctx, &q)) {
            rc = 0;
            break;
        }
    }
    st->ops->finalize(s);
    return rc < 0 ? -1 : 0;
}

/* An automatic query already raised for a check: its id and status. */
struct auto_q {
    long id;
    char *key, status[16];
};

/* store_queries_sync inside an open transaction. */
static int sync_in(struct txn *tp, const char *usubjid,
                   const struct store_finding *f, size_t n, int *raised,
                   int *closed, char *err)
{
    struct store *st = tp->st;
    struct txn t = *tp; /* the audit head moves on: copied back below */
    int nr = 0, nc = 0;
    struct auto_q *have = NULL;
    size_t nh = 0, cap = 0;
    bool ok = true;
    struct stmt *s = st->ops->prepare(
        st,
        "SELECT id, check_key, status FROM queries WHERE usubjid = ? AND "
        "kind = 'auto' ORDER BY id",
        err);
    if (!s) {
        ok = false;
    } else {
        st->ops->bind(s, 1, usubjid);
        int rc;
        while ((rc = st->ops->step(s, err)) == 1) {
            struct auto_q *a = VEC_PUSH(have, nh, cap);
            a->id = strtol(st->ops->col(s, 0), NULL, 10);
            const char *k = st->ops->col(s, 1);
            a->key = xstrdup(k ? k : "");
            snprintf(a->status, sizeof a->status, "%s", st->ops->col(s, 2));
        }
        st->ops->finalize(s);
        ok = rc == 0;
    }
    /* Raised once per key: a closed query is not raised again. */
    for (size_t i = 0; ok && i < n; i++) {
        bool known = false;
        for (size_t k = 0; k < nh && !known; k++)
            known = !strcmp(have[k].key, f[i].key);
        if (!known) {
            ok = raise_in(&t, usubjid, f[i].visit, 0, "auto", f[i].key,
                          f[i].text, err) > 0;
            nr += ok;
        }
    }
    for (size_t k = 0; ok && k < nh; k++) {
        if (!strcmp(have[k].status, "closed"))
            continue;
        bool still = false;
        for (size_t i = 0; i < n && !still; i++)
            still = !strcmp(have[k].key, f[i].key);
        if (!still) {
            ok = query_step(&t, have[k].id, "closed",
                            "resolved: the data no longer shows the "
                            "discrepancy",
                            err) == 0;
            nc += ok;
        }
    }
    for (size_t k = 0; k < nh; k++)
        free(have[k].key);
    free(have);
    tp->next_audit = t.next_audit;
    memcpy(tp->prev, t.prev, sizeof tp->prev);
    if (raised)
        *raised = nr;
    if (closed)
        *closed = nc;
    return ok ? 0 : -1;
}

int store_queries_sync(struct store *st, const char *usubjid,
                       const struct store_finding *f, size_t n,
                       const char *user, int *raised, int *closed, char *err)
{
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    int rc = sync_in(&t, usubjid, f, n, raised, closed, err);
    return txn_end(&t, rc == 0, err);
}

int store_save(struct store *st, const struct store_row *rows, size_t n,
               const char *user, const char *reason, long *ids,
               const char *usubjid, const struct store_finding *f, size_t nf,
               char *err)
{
    st->code = STORE_ERROR;
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    t.reason = reason;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        long id = insert_in(st, &t, rows[i].domain, rows[i].cols, rows[i].vals,
                            rows[i].n, err);
        ok = id >= 0;
        if (ids)
            ids[i] = id;
    }
    ok = ok && (!usubjid || store_checks_sync_in(&t, usubjid, f, nf, err) == 0);
    return txn_end(&t, ok, err);
}

int store_checks_sync_in(struct txn *t, const char *usubjid,
                         const struct store_finding *f, size_t n, char *err)
{
    const char *who = t->user;
    t->user = "balist-checks";
    int rc = sync_in(t, usubjid, f, n, NULL, NULL, err);
    t->user = who;
    return rc;
}

/* ---- signatures ---- */

/* What a record is to the locks and signatures that may cover it, before
 * or after a change: its subject, domain, visit (normalised) and date. */
struct rec_scope {
    long id;
    const char *usubjid;
    char domain[16];
    bool has_visit;  /* the record has a VISIT column (an assessment) */
    char visit[128]; /* visit_label_norm of VISIT; "" when blank */
    char date[11];   /* the day of the domain's --DTC; "" when none */
};

static bool scope_of(long id, const char *domain, const json_t *o,
                     struct rec_scope *r)
{
    if (!o)
        return false;
    r->id = id;
    r->usubjid = json_string_value(json_object_get(o, "USUBJID"));
    snprintf(r->domain, sizeof r->domain, "%s", domain ? domain : "");
    const json_t *v = json_object_get(o, "VISIT");
    r->has_visit = v != NULL;
    visit_label_norm(json_string_value(v), r->visit, sizeof r->visit);
    char col[24];
    size_t n = 0;
    for (const char *c = r->domain; *c && n < 4; c++)
        col[n++] = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    memcpy(col + n, "DTC", 4);
    const char *d = json_string_value(json_object_get(o, col));
    r->date[0] = '\0';
    if (d && strlen(d) >= 10 && d[4] == '-' && d[7] == '-')
        snprintf(r->date, sizeof r->date, "%.10s", d);
    return r->usubjid && *r->usubjid;
}

/* A signature's scope as stored: the visit (NULL: the whole subject), the
 * dates its records span, their domains and ids (" 3 4 9 "). */
struct sig_scope {
    const char *visit, *from, *to, *domains, *records;
};

/* How sig covers r: 0 not; 1 r is one of the records it signed or the
 * subject's signature; 2 r has its visit label; 3 r, an assessment of a
 * domain it signed, is dated within its visit. The last catches an
 * UNSCHEDULED entry, or a relabelled one, on a locked visit's date. */
static int covers(const struct sig_scope *g, const struct rec_scope *r)
{
    if (!g->visit)
        return 1;
    char key[32];
    snprintf(key, sizeof key, " %ld ", r->id);
    if (g->records && strstr(g->records, key))
        return 1;
    char gv[128];
    visit_label_norm(g->visit, gv, sizeof gv);
    if (r->visit[0] && !strcmp(r->visit, gv))
        return 2;
    char dom[24];
    snprintf(dom, sizeof dom, " %s ", r->domain);
    if (r->has_visit && r->date[0] && g->from && g->to && g->domains &&
        strstr(g->domains, dom) && strcmp(r->date, g->from) >= 0 &&
        strcmp(r->date, g->to) <= 0)
        return 3;
    return 0;
}

/* The scope of usubjid's records of visit (every record when visit is
 * NULL) and their SHA-256, in id order: each id and its JSON data. The
 * count of records is returned (0: nothing to sign), negative on error. */
struct signed_set {
    char hash[65];
    char from[11], to[11];
    char *domains, *records;
};

/* Adds w to a list of words written " a b c " (so that " b " finds b). */
static void words_add(char **list, size_t *len, size_t *cap, const char *w,
                      bool unique)
{
    char key[64];
    snprintf(key, sizeof key, " %s ", w);
    if (unique && *list && strstr(*list, key))
        return;
    size_t wl = strlen(w);
    if (*len + wl + 3 > *cap) {
        *cap = (*len + wl + 3) * 2;
        *list = xrealloc(*list, *cap);
    }
    if (!*len)
        (*list)[(*len)++] = ' ';
    memcpy(*list + *len, w, wl);
    *len += wl;
    (*list)[(*len)++] = ' ';
    (*list)[*len] = '\0';
}

static long signed_set_of(struct store *st, const char *usubjid,
                          const char *visit, struct signed_set *g, char *err)
{
    memset(g, 0, sizeof *g);
    struct stmt *s = st->ops->prepare(
        st,
        "SELECT id, domain, data FROM records WHERE usubjid = ? ORDER BY id",
        err);
    if (!s)
        return -1;
    st->ops->bind(s, 1, usubjid);
    char want[128];
    visit_label_norm(visit, want, sizeof want);
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    size_t dl = 0, dc = 0, rl = 0, rc_cap = 0;
    long count = 0;
    int rc;
    while ((rc = st->ops->step(s, err)) == 1) {
        const char *id = st->ops->col(s, 0), *data = st->ops->col(s, 2);
        json_t *o = json_loads(data, 0, NULL);
        struct rec_scope r;
        bool ok = scope_of(strtol(id, NULL, 10), st->ops->col(s, 1), o, &r);
        json_decref(o);
        if (!ok || (visit && strcmp(r.visit, want) != 0))
            continue;
        count++;
        crypto_hash_sha256_update(&h, (const unsigned char *)id, strlen(id));
        crypto_hash_sha256_update(&h, (const unsigned char *)"\x1f", 1);
        crypto_hash_sha256_update(&h, (const unsigned char *)data,
                                  strlen(data));
        crypto_hash_sha256_update(&h, (const unsigned char *)"\x1e", 1);
        words_add(&g->records, &rl, &rc_cap, id, false);
        words_add(&g->domains, &dl, &dc, r.domain, true);
        if (r.date[0] && (!g->from[0] || strcmp(r.date, g->from) < 0))
            memcpy(g->from, r.date, sizeof g->from);
        if (r.date[0] && (!g->to[0] || strcmp(r.date, g->to) > 0))
            memcpy(g->to, r.date, sizeof g->to);
    }
    st->ops->finalize(s);
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(g->hash, sizeof g->hash, d, sizeof d);
    if (rc < 0) {
        free(g->domains);
        free(g->records);
        memset(g, 0, sizeof *g);
        return -1;
    }
    return count;
}

long store_sign(struct store *st, const char *usubjid, const char *visit,
                const char *kind, const char *meaning, const char *user,
                const char *password, char *err)
{
    st->code = STORE_ERROR;
    bool verify = kind && !strcmp(kind, "verification");
    bool lock = kind && !strcmp(kind, "lock");
    if (!kind || (!verify && !lock && strcmp(kind, "signature") != 0)) {
        snprintf(err, STORE_ERR, "a signature, a verification or a lock");
        return -1;
    }
    if (!usubjid || !*usubjid || !meaning || !*meaning) {
        snprintf(err, STORE_ERR, "a signature needs a subject and a meaning");
        return -1;
    }
    char role[32];
    int ok = store_user_check(st, user, password, role, sizeof role, err);
    if (ok <= 0)
        return ok;
    enum store_action act = lock ? PERM_LOCK : verify ? PERM_VERIFY : PERM_SIGN;
    if (!store_may(role, act)) {
        snprintf(err, STORE_ERR, "%s", store_permission(act)->refusal);
        return -1;
    }
    /* A visit is named by its normalised label ("week 6 " is WEEK 6). */
    char vnorm[128];
    visit_label_norm(visit, vnorm, sizeof vnorm);
    visit = vnorm[0] ? vnorm : NULL;
    err[0] = 0;
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    /* Something to sign: the subject (or the visit) has records. */
    struct signed_set g;
    long id = -1, n = signed_set_of(st, usubjid, visit, &g, err);
    if (n > 0)
        id = next_id(st, "signatures", err);
    else if (n == 0 && visit)
        store_fail(st, STORE_ENOTFOUND, err,
                   "subject %s has no visit %s: nothing to %s", usubjid, visit,
                   lock     ? "lock"
                   : verify ? "verify"
                            : "sign");
    else if (n == 0)
        store_fail(st, STORE_ENOTFOUND, err, "subject %s has no data to %s",
                   usubjid,
                   lock     ? "lock"
                   : verify ? "verify"
                            : "sign");
    if (id > 0) {
        char idb[32];
        snprintf(idb, sizeof idb, "%ld", id);
        const char *v[] = {idb,
                           usubjid,
                           visit,
                           kind,
                           meaning,
                           t.user,
                           t.ts,
                           g.hash,
                           g.from[0] ? g.from : NULL,
                           g.to[0] ? g.to : NULL,
                           g.domains,
                           g.records};
        if (run(st,
                "INSERT INTO signatures (id, usubjid, visit, kind, meaning, "
                "username, ts, content_hash, date_from, date_to, domains, "
                "records) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                v, 12, err) < 0 ||
            audit(&t,
                  lock     ? "LOCK"
                  : verify ? "VERIFY"
                           : "SIGN",
                  "signatures", id, usubjid, visit ? visit : "(subject)", NULL,
                  meaning, NULL, err) < 0)
            id = -1;
    }
    free(g.domains);
    free(g.records);
    return txn_end(&t, id > 0, err) < 0 ? -1 : id;
}

int store_signatures_rescope(struct store *st, char *err)
{
    /* Signatures from before schema 3 named a visit by its label only:
     * each one in force gets the records of its visit as they are now. */
    struct stmt *s = st->ops->prepare(
        st,
        "SELECT id, usubjid, visit FROM signatures WHERE records IS NULL "
        "AND voided_ts IS NULL ORDER BY id",
        err);
    if (!s)
        return -1;
    struct old {
        char id[32], *usubjid, *visit;
    } *old = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = st->ops->step(s, err)) == 1) {
        struct old *o = VEC_PUSH(old, n, cap);
        snprintf(o->id, sizeof o->id, "%s", st->ops->col(s, 0));
        o->usubjid = xstrdup(st->ops->col(s, 1));
        const char *v = st->ops->col(s, 2);
        o->visit = v && *v ? xstrdup(v) : NULL;
    }
    st->ops->finalize(s);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct signed_set g;
        if (signed_set_of(st, old[i].usubjid, old[i].visit, &g, err) < 0) {
            rc = -1;
            break;
        }
        const char *v[] = {g.from[0] ? g.from : NULL, g.to[0] ? g.to : NULL,
                           g.domains ? g.domains : " ",
                           g.records ? g.records : " ", old[i].id};
        rc = run(st,
                 "UPDATE signatures SET date_from = ?, date_to = ?, domains "
                 "= ?, records = ? WHERE id = CAST(? AS BIGINT)",
                 v, 5, err);
        free(g.domains);
        free(g.records);
    }
    for (size_t i = 0; i < n; i++) {
        free(old[i].usubjid);
        free(old[i].visit);
    }
    free(old);
    return rc < 0 ? -1 : 0;
}

int on_record_change(struct txn *t, long id, const char *domain,
                     const json_t *before, const json_t *after, const char *why,
                     char *err)
{
    struct store *st = t->st;
    struct rec_scope sc[2];
    bool have[2] = {scope_of(id, domain, before, &sc[0]),
                    scope_of(id, domain, after, &sc[1])};
    long *ids = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        if (!have[k] ||
            (k == 1 && have[0] && !strcmp(sc[0].usubjid, sc[1].usubjid)))
            continue;
        struct stmt *s = st->ops->prepare(
            st,
            "SELECT id, kind, visit, username, ts, date_from, date_to, "
            "domains, records FROM signatures WHERE usubjid = ? AND "
            "voided_ts IS NULL ORDER BY id",
            err);
        if (!s) {
            rc = -1;
            break;
        }
        st->ops->bind(s, 1, sc[k].usubjid);
        while ((rc = st->ops->step(s, err)) == 1) {
            struct sig_scope g = {st->ops->col(s, 2), st->ops->col(s, 5),
                                  st->ops->col(s, 6), st->ops->col(s, 7),
                                  st->ops->col(s, 8)};
            int how = 0, which = 0;
            for (int w = 0; w < 2 && !how; w++)
                if (have[w] && !strcmp(sc[w].usubjid, sc[k].usubjid) &&
                    (how = covers(&g, &sc[w])) != 0)
                    which = w;
            if (!how)
                continue;
            if (strcmp(st->ops->col(s, 1), "lock") != 0) {
                *VEC_PUSH(ids, n, cap) = strtol(st->ops->col(s, 0), NULL, 10);
                continue;
            }
            /* A lock refuses the change, whichever side of it is locked. */
            char extra[160] = "";
            if (how == 3)
                snprintf(extra, sizeof extra,
                         "; this record is dated %s, within that visit "
                         "(%s to %s)",
                         sc[which].date, g.from, g.to);
            else if (which == 0 && g.visit && have[1] &&
                     strcmp(sc[0].visit, sc[1].visit) != 0)
                snprintf(extra, sizeof extra,
                         "; this record belongs to it and cannot be moved "
                         "out");
            store_fail(st, STORE_ECONFLICT, err,
                       "%s%s%s is locked (by %s, %.10s): unlock it first, "
                       "with a reason%s",
                       sc[k].usubjid, g.visit ? " visit " : "",
                       g.visit ? g.visit : "", st->ops->col(s, 3),
                       st->ops->col(s, 4), extra);
            rc = -1;
            break;
        }
        st->ops->finalize(s);
    }
    /* Else the signatures and verifications it breaks are voided. */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char idb[32];
        snprintf(idb, sizeof idb, "%ld", ids[i]);
        const char *v[] = {t->ts, t->user, why, idb};
        if (run(st,
                "UPDATE signatures SET voided_ts = ?, voided_by = ?, "
                "voided_reason = ? WHERE id = ? AND voided_ts IS NULL",
                v, 4, err) < 0 ||
            audit(t, "UNSIGN", "signatures", ids[i],
                  sc[have[0] ? 0 : 1].usubjid, "signature", "valid",
                  "voided by a change", why, err) < 0)
            rc = -1;
    }
    free(ids);
    return rc < 0 ? -1 : 0;
}

int store_unlock(struct store *st, long id, const char *user,
                 const char *reason, char *err)
{
    st->code = STORE_ERROR;
    if (!reason || !*reason)
        return store_fail(st, STORE_EINVALID, err, "unlocking needs a reason");
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    char idb[32], subj[128] = "";
    snprintf(idb, sizeof idb, "%ld", id);
    int rc = store_query1(st,
                          "SELECT usubjid FROM signatures WHERE kind = "
                          "'lock' AND voided_ts IS NULL AND id = CAST(? AS "
                          "BIGINT)",
                          idb, subj, sizeof subj, err);
    if (rc == 0)
        store_fail(st, STORE_ENOTFOUND, err, "no lock %ld in force", id);
    bool ok = rc == 1;
    if (ok) {
        const char *v[] = {t.ts, t.user, reason, idb};
        ok = run(st,
                 "UPDATE signatures SET voided_ts = ?, voided_by = ?, "
                 "voided_reason = ? WHERE id = CAST(? AS BIGINT)",
                 v, 4, err) == 0 &&
             audit(&t, "UNLOCK", "signatures", id, subj, "lock", "locked",
                   "unlocked", reason, err) == 0;
    }
    return txn_end(&t, ok, err);
}

int store_signature_each(struct store *st, const char *usubjid,
                         int (*fn)(void *ctx, const struct signature_row *g),
                         void *ctx, char *err)
{
    struct stmt *s = st->ops->prepare(
        st,
        "SELECT id, usubjid, visit, kind, meaning, username, ts, "
        "content_hash, voided_ts, voided_by, voided_reason, date_from, "
        "date_to FROM signatures WHERE usubjid = ? ORDER BY id",
        err);
    if (!s)
        return -1;
    st->ops->bind(s, 1, usubjid);
    int rc;
    while ((rc = st->ops->step(s, err)) == 1) {
        struct signature_row g;
        g.id = strtol(st->ops->col(s, 0), NULL, 10);
        const char **f[] = {&g.usubjid,       &g.visit,     &g.kind,
                            &g.meaning,       &g.user,      &g.ts,
                            &g.content_hash,  &g.voided_ts, &g.voided_by,
                            &g.voided_reason, &g.date_from, &g.date_to};
        for (int i = 0; i < 12; i++)
            *f[i] = st->ops->col(s, i + 1);
        if (fn(ctx, &g)) {
            rc = 0;
            break;
        }
    }
    st->ops->finalize(s);
    return rc < 0 ? -1 : 0;
}
