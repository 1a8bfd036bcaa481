/*
 * import.c - SDTM CSV into the database, all or nothing: checked by the
 * loader first, then every row of every file in one transaction, in
 * batches, each audited.
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
        store_row_hash(&a, hash);
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
        qsort(files, nf, sizeof *files, store_cmp_str);

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
