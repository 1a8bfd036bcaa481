/*
 * store.c - the study database on top of an engine (sqlite.c, pg.c):
 * schema and its version, import and export of SDTM CSV, single-record
 * changes, the audit trail with its SHA-256 hash chain, and user accounts
 * with Argon2id password hashes (libsodium). Every write is one
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
 * queries and the signatures). A new database gets the base schema and
 * then every migration. */
static const char *const *const migrations[STORE_SCHEMA_VERSION] = {
    NULL, store_schema_v2};

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
static void row_hash(const struct audit_row *r, char out[65])
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
    row_hash(&r, hash);
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

/* ---- import ---- */

/* Rows are inserted a batch at a time: one statement, many rows. */
#define BATCH 200

struct batch {
    struct store *st;
    const char *table;
    const char *cols;
    int ncol;
    char **vals; /* BATCH x ncol */
    int n;
    struct stmt *full;
};

static void batch_init(struct batch *b, struct store *st, const char *table,
                       const char *cols, int ncol)
{
    memset(b, 0, sizeof *b);
    b->st = st;
    b->table = table;
    b->cols = cols;
    b->ncol = ncol;
    b->vals = xcalloc((size_t)BATCH * (size_t)ncol, sizeof *b->vals);
}

static struct stmt *batch_stmt(struct batch *b, int rows, char *err)
{
    size_t cap = strlen(b->table) + strlen(b->cols) + 64 +
                 (size_t)rows * ((size_t)b->ncol * 3 + 4);
    char *sql = xmalloc(cap);
    size_t k = (size_t)snprintf(sql, cap, "INSERT INTO %s (%s) VALUES ",
                                b->table, b->cols);
    for (int r = 0; r < rows; r++) {
        sql[k++] = r ? ',' : ' ';
        sql[k++] = '(';
        for (int c = 0; c < b->ncol; c++) {
            if (c)
                sql[k++] = ',';
            sql[k++] = '?';
        }
        sql[k++] = ')';
    }
    sql[k] = '\0';
    struct stmt *s = b->st->ops->prepare(b->st, sql, err);
    free(sql);
    return s;
}

static int batch_flush(struct batch *b, char *err)
{
    if (!b->n)
        return 0;
    struct stmt *s;
    if (b->n == BATCH) {
        if (!b->full)
            b->full = batch_stmt(b, BATCH, err);
        s = b->full;
    } else {
        s = batch_stmt(b, b->n, err);
    }
    if (!s)
        return -1;
    for (int i = 0; i < b->n * b->ncol; i++)
        b->st->ops->bind(s, i + 1, b->vals[i]);
    int rc = b->st->ops->step(s, err);
    b->st->ops->reset(s);
    if (s != b->full)
        b->st->ops->finalize(s);
    for (int i = 0; i < b->n * b->ncol; i++) {
        free(b->vals[i]);
        b->vals[i] = NULL;
    }
    b->n = 0;
    return rc < 0 ? -1 : 0;
}

static int batch_add(struct batch *b, const char *const *v, char *err)
{
    for (int c = 0; c < b->ncol; c++)
        b->vals[b->n * b->ncol + c] = v[c] ? xstrdup(v[c]) : NULL;
    b->n++;
    return b->n == BATCH ? batch_flush(b, err) : 0;
}

static void batch_release(struct batch *b)
{
    for (int i = 0; i < b->n * b->ncol; i++)
        free(b->vals[i]);
    free(b->vals);
    if (b->full)
        b->st->ops->finalize(b->full);
}

/* Appends s as a JSON string (quoted, escaped) to the buffer. jansson
 * builds the same text, but an import writes millions of rows. */
static void json_str(char **buf, size_t *n, size_t *cap, const char *s)
{
    /* Quotes, escapes (6 bytes at worst), a separator, a NUL. */
    size_t need = *n + strlen(s) * 6 + 5;
    if (need > *cap) {
        while (need > *cap)
            *cap = *cap ? *cap * 2 : 1024;
        *buf = xrealloc(*buf, *cap);
    }
    char *o = *buf + *n;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            *o++ = '\\';
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            *o++ = '\\';
            break;
        case '\n':
            *o++ = '\\';
            *o++ = 'n';
            break;
        case '\r':
            *o++ = '\\';
            *o++ = 'r';
            break;
        case '\t':
            *o++ = '\\';
            *o++ = 't';
            break;
        default:
            if (*p < 0x20) {
                static const char hex[] = "0123456789abcdef";
                *o++ = '\\';
                *o++ = 'u';
                *o++ = '0';
                *o++ = '0';
                *o++ = hex[*p >> 4];
                *o++ = hex[*p & 15];
            } else
                *o++ = (char)*p;
        }
    }
    *o++ = '"';
    *n = (size_t)(o - *buf);
}

/* True when s is valid UTF-8 (the encoding data-format.md requires; the
 * database keeps text as JSON, which must be UTF-8). */
static bool utf8_valid(const unsigned char *s)
{
    while (*s) {
        int n = *s < 0x80             ? 0
                : (*s & 0xE0) == 0xC0 ? 1
                : (*s & 0xF0) == 0xE0 ? 2
                : (*s & 0xF8) == 0xF0 ? 3
                                      : -1;
        if (n < 0 || (n == 1 && *s < 0xC2))
            return false;
        s++;
        for (int i = 0; i < n; i++, s++)
            if ((*s & 0xC0) != 0x80)
                return false;
    }
    return true;
}

struct import_ctx {
    struct txn *t;
    struct batch rec, aud;
    const char *domain;
    char **header;
    size_t ncol;
    int subj_col;
    long position;
    long next_id;
    long rows;
    int failed;
    char *err;
};

static int import_row(void *ctx_, const struct csvr_rec *r)
{
    struct import_ctx *x = ctx_;
    if (!x->header) {
        x->ncol = r->n;
        x->header = xcalloc(r->n + 1, sizeof *x->header);
        x->subj_col = -1;
        struct batch cols;
        batch_init(&cols, x->t->st, "domain_columns",
                   "domain, position, "
                   "name",
                   3);
        for (size_t i = 0; i < r->n; i++) {
            x->header[i] = xstrdup(r->f[i]);
            if (!strcmp(r->f[i], "USUBJID"))
                x->subj_col = (int)i;
            char pos[32];
            snprintf(pos, sizeof pos, "%zu", i);
            const char *v[] = {x->domain, pos, r->f[i]};
            if (batch_add(&cols, v, x->err) < 0)
                x->failed = 1;
        }
        if (!x->failed && batch_flush(&cols, x->err) < 0)
            x->failed = 1;
        batch_release(&cols);
        return x->failed;
    }
    if (r->n != x->ncol) {
        snprintf(x->err, STORE_ERR,
                 "%s.csv:%ld: %zu fields, but the header "
                 "has %zu",
                 x->domain, r->line, r->n, x->ncol);
        x->failed = 1;
        return 1;
    }
    for (size_t i = 0; i < r->n; i++)
        if (!utf8_valid((const unsigned char *)r->f[i])) {
            snprintf(x->err, STORE_ERR,
                     "%s.csv:%ld:%zu: not valid UTF-8 (save the file as "
                     "UTF-8)",
                     x->domain, r->line, i + 1);
            x->failed = 1;
            return 1;
        }
    /* The row as a JSON object, in column order. json_str leaves room
     * for the separator that follows each string. */
    char *data = xmalloc(64);
    size_t dn = 0, dcap = 64;
    data[dn++] = '{';
    for (size_t i = 0; i < r->n; i++) {
        json_str(&data, &dn, &dcap, x->header[i]);
        data[dn++] = ':';
        json_str(&data, &dn, &dcap, r->f[i]);
        data[dn++] = i + 1 < r->n ? ',' : '}';
    }
    if (!r->n)
        data[dn++] = '}';
    data[dn] = '\0';
    char id[32], pos[32];
    long rid = x->next_id++;
    snprintf(id, sizeof id, "%ld", rid);
    snprintf(pos, sizeof pos, "%ld", x->position++);
    const char *usubjid = x->subj_col >= 0 ? r->f[x->subj_col] : NULL;
    const char *v[] = {id, x->domain, pos, usubjid, data};
    int rc = batch_add(&x->rec, v, x->err);
    /* The audit row of the first entry: the whole record. */
    if (rc == 0) {
        struct txn *t = x->t;
        struct audit_row a = {0};
        a.id = t->next_audit++;
        a.ts = t->ts;
        a.user = t->user;
        a.action = "INSERT";
        a.tbl = x->domain;
        a.record_id = rid;
        a.usubjid = usubjid && *usubjid ? usubjid : NULL;
        a.new_value = data;
        a.prev_hash = t->prev;
        char hash[65], aid[32];
        row_hash(&a, hash);
        snprintf(aid, sizeof aid, "%ld", a.id);
        const char *av[] = {aid,  a.ts,      a.user, a.action, a.tbl,
                            id,   a.usubjid, NULL,   NULL,     data,
                            NULL, t->prev,   hash};
        rc = batch_add(&x->aud, av, x->err);
        memcpy(t->prev, hash, sizeof t->prev);
    }
    free(data);
    x->rows++;
    if (rc < 0)
        x->failed = 1;
    return x->failed;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

long store_import(struct store *st, const char *dir, const char *user,
                  char *err)
{
    char v[32], e2[STORE_ERR];
    if (store_query1(st, "SELECT value FROM meta WHERE key = ?",
                     "schema_version", v, sizeof v, e2) < 0) {
        snprintf(err, STORE_ERR,
                 "the database is not initialised (balist "
                 "init)");
        return -1;
    }
    if (store_query1(st, "SELECT COUNT(*) FROM records", NULL, v, sizeof v,
                     err) < 0)
        return -1;
    if (strcmp(v, "0") != 0) {
        snprintf(err, STORE_ERR,
                 "the database already holds a study (%s records): import "
                 "into a new database",
                 v);
        return -1;
    }
    DIR *dp = opendir(dir);
    if (!dp) {
        snprintf(err, STORE_ERR, "cannot open %.400s: %s", dir,
                 strerror(errno));
        return -1;
    }
    char **files = NULL;
    size_t nf = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t n = strlen(de->d_name);
        if (n > 4 && !strcmp(de->d_name + n - 4, ".csv"))
            *(char **)VEC_PUSH(files, nf, cap) = xstrdup(de->d_name);
    }
    closedir(dp);
    if (nf > 1)
        qsort(files, nf, sizeof *files, cmp_str);

    if (st->ops->bulk && st->ops->bulk(st, true, err) < 0) {
        for (size_t i = 0; i < nf; i++)
            free(files[i]);
        free(files);
        return -1;
    }
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0) {
        for (size_t i = 0; i < nf; i++)
            free(files[i]);
        free(files);
        if (st->ops->bulk)
            st->ops->bulk(st, false, e2);
        return -1;
    }
    bool ok = true;
    long rows = 0, next_id = 1;
    /* The protocol travels with the study. */
    char path[4096];
    snprintf(path, sizeof path, "%s/protocol.json", dir);
    size_t plen;
    char *proto = read_file(path, &plen);
    if (proto) {
        struct stmt *s = st->ops->prepare(
            st, "UPDATE meta SET value = ? WHERE key = 'protocol'", err);
        ok = s != NULL;
        if (ok) {
            st->ops->bind(s, 1, proto);
            ok = st->ops->step(s, err) >= 0;
            st->ops->finalize(s);
        }
        ok = ok && audit(&t, "UPDATE", "meta", 0, NULL, "protocol", NULL, proto,
                         "import", err) == 0;
        free(proto);
    }
    for (size_t i = 0; ok && i < nf; i++) {
        char domain[256];
        snprintf(domain, sizeof domain, "%.*s", (int)(strlen(files[i]) - 4),
                 files[i]);
        struct import_ctx x = {0};
        x.t = &t;
        x.domain = domain;
        x.err = err;
        x.next_id = next_id;
        batch_init(&x.rec, st, "records",
                   "id, domain, position, usubjid, "
                   "data",
                   5);
        batch_init(&x.aud, st, "audit",
                   "id, ts, username, action, tbl, record_id, usubjid, "
                   "field, old_value, new_value, reason, prev_hash, hash",
                   13);
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        struct diags d;
        diags_init(&d, 1);
        if (csvr_stream(path, files[i], import_row, &x, &d) < 0) {
            char line[600];
            diag_format(&d.items[0], line, sizeof line);
            snprintf(err, STORE_ERR, "%.500s", line);
            ok = false;
        }
        diags_release(&d);
        ok = ok && !x.failed;
        ok = ok && batch_flush(&x.rec, err) == 0 &&
             batch_flush(&x.aud, err) == 0;
        batch_release(&x.rec);
        batch_release(&x.aud);
        for (size_t k = 0; k < x.ncol; k++)
            free(x.header[k]);
        free(x.header);
        rows += x.rows;
        next_id = x.next_id;
    }
    for (size_t i = 0; i < nf; i++)
        free(files[i]);
    free(files);
    int end = txn_end(&t, ok, err);
    if (st->ops->bulk)
        st->ops->bulk(st, false, end < 0 ? e2 : err);
    if (end < 0)
        return -1;
    return rows;
}

/* ---- export ---- */

/* A record's data, {"COL": "text", ...} as the store writes it, read
 * straight into the domain's columns (jansson would build a hash table
 * per row: the export of every web request spent half its time there). */
void flat_release(struct flat_row *f)
{
    free(f->val);
    free(f->buf);
}

/* One JSON string at *p (after its quote) unescaped into out; returns the
 * end (after the closing quote) or NULL. */
static const char *flat_string(const char *p, char *out, size_t *len)
{
    size_t n = 0;
    while (*p && *p != '"') {
        unsigned c = (unsigned char)*p++;
        if (c != '\\') {
            out[n++] = (char)c;
            continue;
        }
        char e = *p++;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            out[n++] = e;
            break;
        case 'b':
            out[n++] = '\b';
            break;
        case 'f':
            out[n++] = '\f';
            break;
        case 'n':
            out[n++] = '\n';
            break;
        case 'r':
            out[n++] = '\r';
            break;
        case 't':
            out[n++] = '\t';
            break;
        case 'u': {
            unsigned long u = 0;
            for (int i = 0; i < 4; i++) {
                char h = *p++;
                u = u * 16 +
                    (unsigned long)(h >= '0' && h <= '9'   ? h - '0'
                                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                           : 99);
                if (u > 0xFFFF || !h)
                    return NULL;
            }
            if (u >= 0xD800 && u < 0xDC00 && p[0] == '\\' && p[1] == 'u') {
                unsigned long lo =
                    strtoul((char[5]){p[2], p[3], p[4], p[5], 0}, NULL, 16);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
            }
            if (u < 0x80) {
                out[n++] = (char)u;
            } else if (u < 0x800) {
                out[n++] = (char)(0xC0 | u >> 6);
                out[n++] = (char)(0x80 | (u & 0x3F));
            } else if (u < 0x10000) {
                out[n++] = (char)(0xE0 | u >> 12);
                out[n++] = (char)(0x80 | ((u >> 6) & 0x3F));
                out[n++] = (char)(0x80 | (u & 0x3F));
            } else {
                out[n++] = (char)(0xF0 | u >> 18);
                out[n++] = (char)(0x80 | ((u >> 12) & 0x3F));
                out[n++] = (char)(0x80 | ((u >> 6) & 0x3F));
                out[n++] = (char)(0x80 | (u & 0x3F));
            }
            break;
        }
        default:
            return NULL;
        }
    }
    if (*p != '"')
        return NULL;
    out[n] = 0;
    *len = n;
    return p + 1;
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

int flat_read(const char *json, char *const *names, size_t nn,
              struct flat_row *f)
{
    size_t need = strlen(json) + 1;
    if (need > f->cap) {
        free(f->buf);
        f->buf = xmalloc(need);
        f->cap = need;
    }
    if (f->ncol != nn || !f->val) {
        free(f->val);
        f->val = xcalloc(nn + 1, sizeof *f->val);
        f->ncol = nn;
    }
    for (size_t k = 0; k < nn; k++)
        f->val[k] = NULL;
    const char *p = skip_ws(json);
    if (*p++ != '{')
        return -1;
    char *out = f->buf;
    size_t next = 0; /* columns usually come in order */
    p = skip_ws(p);
    if (*p == '}')
        return 0;
    for (;;) {
        if (*p++ != '"')
            return -1;
        size_t klen, vlen;
        char *key = out;
        p = flat_string(p, key, &klen);
        if (!p)
            return -1;
        out += klen + 1;
        p = skip_ws(p);
        if (*p++ != ':')
            return -1;
        p = skip_ws(p);
        if (*p++ != '"')
            return -1;
        char *val = out;
        p = flat_string(p, val, &vlen);
        if (!p)
            return -1;
        out += vlen + 1;
        size_t k = next < nn && !strcmp(names[next], key) ? next : nn;
        for (size_t j = 0; k == nn && j < nn; j++)
            if (!strcmp(names[j], key))
                k = j;
        if (k < nn) {
            f->val[k] = val;
            next = k + 1;
        }
        p = skip_ws(p);
        if (*p == '}')
            return 0;
        if (*p++ != ',')
            return -1;
        p = skip_ws(p);
    }
}

/* The study, or (usubjid not NULL) one subject's rows and the rows of
 * no subject (trial design, protocol), as CSV files in dir. */
static int export_rows(struct store *st, const char *dir, struct memdir *mem,
                       const char *usubjid, char *err)
{
    if (!mem && make_dirs(dir) < 0) {
        snprintf(err, STORE_ERR, "cannot create %.400s: %s", dir,
                 strerror(errno));
        return -1;
    }
    /* Domains and their columns. */
    struct stmt *s = st->ops->prepare(
        st, "SELECT DISTINCT domain FROM domain_columns ORDER BY domain", err);
    if (!s)
        return -1;
    char **domains = NULL;
    size_t nd = 0, cap = 0;
    int rc;
    while ((rc = st->ops->step(s, err)) == 1)
        *(char **)VEC_PUSH(domains, nd, cap) = xstrdup(st->ops->col(s, 0));
    st->ops->finalize(s);
    int result = rc < 0 ? -1 : 0;
    struct stmt *cols = st->ops->prepare(
        st,
        "SELECT name FROM domain_columns WHERE domain = ? ORDER BY "
        "position",
        err);
    struct stmt *rows = st->ops->prepare(
        st,
        usubjid ? "SELECT data, position FROM records WHERE usubjid = ? AND "
                  "domain = ? UNION ALL SELECT data, position FROM records "
                  "WHERE usubjid IS NULL AND domain = ? ORDER BY 2"
                : "SELECT data FROM records WHERE domain = ? ORDER BY "
                  "position",
        err);
    if (!cols || !rows)
        result = -1;
    for (size_t i = 0; result == 0 && i < nd; i++) {
        char **names = NULL;
        size_t nn = 0, ncap = 0;
        st->ops->bind(cols, 1, domains[i]);
        while ((rc = st->ops->step(cols, err)) == 1)
            *(char **)VEC_PUSH(names, nn, ncap) =
                xstrdup(st->ops->col(cols, 0));
        st->ops->reset(cols);
        if (rc < 0)
            result = -1;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.csv", mem ? "" : dir, domains[i]);
        struct csvw *w = xmalloc(sizeof *w);
        char *text = NULL;
        size_t tlen = 0;
        FILE *mf = NULL;
        if (mem && result == 0) {
            mf = open_memstream(&text, &tlen);
            if (mf)
                csvw_from_fp(w, mf);
        }
        if (result == 0 && (mem ? !mf : csvw_open(w, path) < 0)) {
            snprintf(err, STORE_ERR, "cannot write %.400s: %s", path,
                     strerror(errno));
            result = -1;
        } else if (result == 0) {
            for (size_t k = 0; k < nn; k++)
                csvw_str(w, names[k]);
            csvw_end(w);
            if (usubjid) {
                st->ops->bind(rows, 1, usubjid);
                st->ops->bind(rows, 2, domains[i]);
                st->ops->bind(rows, 3, domains[i]);
            } else {
                st->ops->bind(rows, 1, domains[i]);
            }
            struct flat_row fr = {NULL, NULL, 0, NULL, 0};
            while ((rc = st->ops->step(rows, err)) == 1) {
                if (flat_read(st->ops->col(rows, 0), names, nn, &fr) < 0) {
                    /* Never write a row emptied by a bad record. */
                    snprintf(err, STORE_ERR,
                             "a %s record cannot be read: "
                             "not a flat JSON object of "
                             "texts",
                             domains[i]);
                    rc = -1;
                    break;
                }
                for (size_t k = 0; k < nn; k++)
                    csvw_str(w, fr.val[k]);
                csvw_end(w);
            }
            flat_release(&fr);
            st->ops->reset(rows);
            if (rc < 0)
                result = -1;
            if (csvw_close(w) < 0 && result == 0) {
                snprintf(err, STORE_ERR, "cannot write %.400s (disk full?)",
                         path);
                result = -1;
            }
        }
        if (mf && fclose(mf) == 0 && result == 0)
            memfile_append(memdir_file(mem, path + 1), text, tlen);
        else if (mf && result == 0) {
            snprintf(err, STORE_ERR, "out of memory for %.400s", path);
            result = -1;
        }
        free(text);
        free(w);
        for (size_t k = 0; k < nn; k++)
            free(names[k]);
        free(names);
    }
    st->ops->finalize(cols);
    st->ops->finalize(rows);
    for (size_t i = 0; i < nd; i++)
        free(domains[i]);
    free(domains);
    if (result < 0)
        return -1;
    char proto[1 << 16];
    if (store_query1(st, "SELECT value FROM meta WHERE key = ?", "protocol",
                     proto, sizeof proto, err) == 1 &&
        *proto) {
        if (mem) {
            memfile_append(memdir_file(mem, "protocol.json"), proto,
                           strlen(proto));
            return 0;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/protocol.json", dir);
        FILE *fp = fopen(path, "w");
        if (!fp || fputs(proto, fp) < 0 || fclose(fp) != 0) {
            snprintf(err, STORE_ERR, "cannot write %.400s", path);
            return -1;
        }
    }
    return 0;
}

/* ---- single records ---- */

/* The data and domain of a record; 0 when absent. */
int store_export(struct store *st, const char *dir, char *err)
{
    return export_rows(st, dir, NULL, NULL, err);
}

int store_export_subject(struct store *st, const char *dir, const char *usubjid,
                         char *err)
{
    return export_rows(st, dir, NULL, usubjid, err);
}

int store_export_subject_mem(struct store *st, struct memdir *m,
                             const char *usubjid, char *err)
{
    return export_rows(st, NULL, m, usubjid, err);
}

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

static const char *row_visit(const char *const *cols, const char *const *vals,
                             size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cols[i], "VISIT") && vals[i] && *vals[i])
            return vals[i];
    return NULL;
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
    json_decref(o);
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
                         NULL, err) == 0;
        ok = ok && on_record_change(t, usubjid, row_visit(cols, vals, n),
                                    "a record was added", err) == 0;
    }
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
    if (ok) {
        const char *usubjid = json_string_value(json_object_get(o, "USUBJID"));
        subj = xstrdup(usubjid ? usubjid : "");
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
        const char *visit = json_string_value(json_object_get(o, "VISIT"));
        ok = ok && on_record_change(&t, subj, visit && *visit ? visit : NULL,
                                    reason, err) == 0;
        ok = ok && (!check || check->fn(check->ctx, st, subj, err) == 0);
        ok = ok && (!check || !check->findings ||
                    checks_sync_in(&t, subj, check->findings, check->n_findings,
                                   err) == 0);
    }
    free(subj);
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
        const char *visit = json_string_value(json_object_get(o, "VISIT"));
        ok = ok && on_record_change(&t, usubjid, visit && *visit ? visit : NULL,
                                    reason, err) == 0;
        free(data);
    }
    json_decref(o);
    return txn_end(&t, ok, err);
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
        row_hash(&r, h);
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

/* ---- users ---- */

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES],
                         char *err)
{
    if (strlen(pw) < 8) {
        snprintf(err, STORE_ERR, "a password needs 8 characters or more");
        return -1;
    }
    /* Argon2id (libsodium's crypto_pwhash default), interactive limits. */
    if (crypto_pwhash_str(out, pw, strlen(pw),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        snprintf(err, STORE_ERR, "cannot hash the password (out of memory)");
        return -1;
    }
    return 0;
}

static int user_write(struct store *st, const char *sql, const char *const *v,
                      int nv, const char *user, const char *action,
                      const char *name, const char *field, const char *new_v,
                      char *err)
{
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    struct stmt *s = st->ops->prepare(st, sql, err);
    bool ok = s != NULL;
    if (ok) {
        for (int i = 0; i < nv; i++)
            st->ops->bind(s, i + 1, v[i]);
        ok = st->ops->step(s, err) >= 0;
        st->ops->finalize(s);
    }
    /* The account's name is the record; a password is never logged. */
    ok = ok && audit(&t, action, "users", 0, NULL, field, NULL, new_v, name,
                     err) == 0;
    return txn_end(&t, ok, err);
}

static int user_exists(struct store *st, const char *name, char *err)
{
    char v[8];
    return store_query1(st, "SELECT 1 FROM users WHERE name = ?", name, v,
                        sizeof v, err);
}

int store_user_add(struct store *st, const char *name, const char *role,
                   const char *password, const char *by, char *err)
{
    st->code = STORE_ERROR;
    if (!store_role_valid(role))
        return store_fail(st, STORE_EINVALID, err,
                          "role '%s' is not one of admin, "
                          "investigator, coordinator, radiologist, "
                          "statistician, monitor",
                          role);
    if (!*name)
        return store_fail(st, STORE_EINVALID, err, "a user needs a name");
    int ex = user_exists(st, name, err);
    if (ex < 0)
        return -1;
    if (ex)
        return store_fail(st, STORE_ECONFLICT, err, "user '%s' exists already",
                          name);
    char hash[crypto_pwhash_STRBYTES];
    if (hash_password(password, hash, err) < 0)
        return -1;
    char ts[64];
    store_now_utc(ts);
    const char *v[] = {name, role, hash, ts};
    char what[160];
    snprintf(what, sizeof what, "%s (%s)", name, role);
    return user_write(st,
                      "INSERT INTO users (name, role, pwhash, disabled, "
                      "created) VALUES (?, ?, ?, 0, ?)",
                      v, 4, by, "INSERT", what, "account", what, err);
}

int store_user_passwd(struct store *st, const char *name, const char *password,
                      const char *by, char *err)
{
    int ex = user_exists(st, name, err);
    if (ex <= 0) {
        if (ex == 0)
            snprintf(err, STORE_ERR, "no user '%s'", name);
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (hash_password(password, hash, err) < 0)
        return -1;
    const char *v[] = {hash, name};
    return user_write(st, "UPDATE users SET pwhash = ? WHERE name = ?", v, 2,
                      by, "UPDATE", name, "password", "(changed)", err);
}

int store_user_disable(struct store *st, const char *name, const char *by,
                       char *err)
{
    st->code = STORE_ERROR;
    int ex = user_exists(st, name, err);
    if (ex <= 0) {
        if (ex == 0)
            store_fail(st, STORE_ENOTFOUND, err, "no user '%s'", name);
        return -1;
    }
    const char *v[] = {name};
    return user_write(st, "UPDATE users SET disabled = 1 WHERE name = ?", v, 1,
                      by, "UPDATE", name, "disabled", "1", err);
}

int store_user_check(struct store *st, const char *name, const char *password,
                     char *role, size_t role_size, char *err)
{
    struct stmt *s = st->ops->prepare(
        st, "SELECT pwhash, disabled, role FROM users WHERE name = ?", err);
    if (!s)
        return -1;
    st->ops->bind(s, 1, name);
    int rc = st->ops->step(s, err);
    int ok = 0;
    if (rc == 1) {
        const char *h = st->ops->col(s, 0);
        bool disabled = strcmp(st->ops->col(s, 1), "0") != 0;
        ok = !disabled && h &&
             crypto_pwhash_str_verify(h, password, strlen(password)) == 0;
        if (ok)
            snprintf(role, role_size, "%s", st->ops->col(s, 2));
    }
    st->ops->finalize(s);
    return rc < 0 ? -1 : ok;
}

int store_user_each(struct store *st,
                    int (*fn)(void *ctx, const struct user_row *u), void *ctx,
                    char *err)
{
    struct stmt *s = st->ops->prepare(
        st, "SELECT name, role, created, disabled FROM users ORDER BY name",
        err);
    if (!s)
        return -1;
    int rc;
    while ((rc = st->ops->step(s, err)) == 1) {
        struct user_row u = {st->ops->col(s, 0), st->ops->col(s, 1),
                             st->ops->col(s, 2),
                             strcmp(st->ops->col(s, 3), "0") != 0};
        if (fn(ctx, &u))
            break;
    }
    st->ops->finalize(s);
    return rc < 0 ? -1 : 0;
}

int folder_sha256(const char *dir, char hex[65], char *err)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        snprintf(err, STORE_ERR, "cannot open %.400s: %s", dir,
                 strerror(errno));
        return -1;
    }
    char **files = NULL;
    size_t nf = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t n = strlen(de->d_name);
        if ((n > 4 && !strcmp(de->d_name + n - 4, ".csv")) ||
            !strcmp(de->d_name, "protocol.json"))
            *(char **)VEC_PUSH(files, nf, cap) = xstrdup(de->d_name);
    }
    closedir(dp);
    if (nf > 1)
        qsort(files, nf, sizeof *files, cmp_str);
    if (sodium_init() < 0) {
        for (size_t i = 0; i < nf; i++)
            free(files[i]);
        free(files);
        snprintf(err, STORE_ERR, "libsodium did not initialise");
        return -1;
    }
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    int rc = 0;
    for (size_t i = 0; i < nf; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%.4000s/%s", dir, files[i]);
        crypto_hash_sha256_update(&h, (const unsigned char *)files[i],
                                  strlen(files[i]) + 1);
        FILE *fp = fopen(path, "rb");
        if (!fp) {
            snprintf(err, STORE_ERR, "cannot read %.400s", path);
            rc = -1;
        }
        unsigned char buf[1 << 16];
        size_t got;
        while (fp && (got = fread(buf, 1, sizeof buf, fp)) > 0)
            crypto_hash_sha256_update(&h, buf, got);
        if (fp)
            fclose(fp);
        free(files[i]);
    }
    free(files);
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(hex, 65, d, sizeof d);
    return rc;
}

int store_load_study_mem(struct store *st, const struct load_options *o,
                         struct study *s, struct diags *d, char *err)
{
    *err = 0;
    return store_load_source(st, NULL, o, s, d, err);
}

/* The SHA-256 of a study's files in memory, as folder_sha256 takes it of a
 * folder: each .csv file and protocol.json in byte order of name, its
 * name, a NUL byte, then its content. */
static int memdir_sha256(const struct memdir *m, char hex[65], char *err)
{
    if (sodium_init() < 0) {
        snprintf(err, STORE_ERR, "libsodium did not initialise");
        return -1;
    }
    const char **names = xcalloc(m->n + 1, sizeof *names);
    size_t nf = 0;
    for (size_t i = 0; i < m->n; i++) {
        size_t n = strlen(m->files[i].name);
        if ((n > 4 && !strcmp(m->files[i].name + n - 4, ".csv")) ||
            !strcmp(m->files[i].name, "protocol.json"))
            names[nf++] = m->files[i].name;
    }
    if (nf > 1)
        qsort(names, nf, sizeof *names, cmp_str);
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    for (size_t i = 0; i < nf; i++) {
        const struct memfile *f = memdir_find(m, names[i]);
        crypto_hash_sha256_update(&h, (const unsigned char *)names[i],
                                  strlen(names[i]) + 1);
        crypto_hash_sha256_update(&h, (const unsigned char *)f->data, f->len);
    }
    free(names);
    unsigned char dg[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, dg);
    sodium_bin2hex(hex, 65, dg, sizeof dg);
    return 0;
}

int store_load_study(struct store *st, const struct load_options *o,
                     struct study *s, struct diags *d, char *sha, char *err)
{
    *err = 0;
    if (!sha)
        return store_load_source(st, NULL, o, s, d, err);
    /* The hash is of the export's bytes (the report's title page): the
     * export in memory, hashed, and loaded from there; no folder. */
    struct memdir m;
    memdir_init(&m);
    int rc = -1;
    if (export_rows(st, NULL, &m, NULL, err) == 0) {
        char e2[STORE_ERR];
        if (memdir_sha256(&m, sha, e2) < 0)
            snprintf(sha, 65, "unknown");
        rc = sdtm_load_mem(&m, o, s, d);
    }
    memdir_release(&m);
    return rc;
}
