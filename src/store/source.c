/*
 * source.c - the study database as a row source for the loader (io.h
 * "row_source"): a domain's columns and its records in order, read
 * straight from the records table, with nothing written as CSV text and
 * parsed again. Each row says where it came from: its record id, and the
 * line it has in `balist export`'s file of that domain, so that every
 * message names the same file:line as a check of the exported folder.
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "tr.csv" -> "tr"; false for a file that is no domain table. */
static bool domain_of(const char *file, char *dom, size_t size)
{
    size_t n = strlen(file);
    if (n < 5 || n - 4 >= size || strcmp(file + n - 4, ".csv"))
        return false;
    memcpy(dom, file, n - 4);
    dom[n - 4] = '\0';
    return true;
}

static bool rec_has(void *ctx, const char *file)
{
    struct store_source *x = ctx;
    char dom[64], v[8];
    if (!strcmp(file, "protocol.json"))
        return store_query1(x->st,
                            "SELECT 1 FROM meta WHERE key = ? AND "
                            "value <> ''",
                            "protocol", v, sizeof v, x->err) == 1;
    if (!domain_of(file, dom, sizeof dom))
        return false;
    return store_query1(x->st,
                        "SELECT 1 FROM domain_columns WHERE domain = ? "
                        "LIMIT 1",
                        dom, v, sizeof v, x->err) == 1;
}

static char *rec_text(void *ctx, const char *file, size_t *len)
{
    struct store_source *x = ctx;
    if (strcmp(file, "protocol.json")) {
        errno = ENOENT;
        return NULL;
    }
    char proto[1 << 16];
    if (store_query1(x->st, "SELECT value FROM meta WHERE key = ?", "protocol",
                     proto, sizeof proto, x->err) != 1) {
        errno = ENOENT;
        return NULL;
    }
    *len = strlen(proto);
    return xstrdup(proto);
}

static long newlines(const char *s)
{
    long n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

static int rec_stream(void *ctx, const char *file, csvr_rec_fn fn, void *fctx,
                      struct diags *d, const struct load_progress *pr)
{
    (void)pr;
    struct store_source *x = ctx;
    struct store *st = x->st;
    char dom[64];
    if (!domain_of(file, dom, sizeof dom))
        return -1;
    struct stmt *cols = st->ops->prepare(
        st,
        "SELECT name FROM domain_columns WHERE domain = ? ORDER BY position",
        x->err);
    if (!cols) {
        diags_add(d, SEV_ERROR, D_IO, file, 0, 0, "the database: %s", x->err);
        return -1;
    }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    int rc;
    st->ops->bind(cols, 1, dom);
    while ((rc = st->ops->step(cols, x->err)) == 1)
        *(char **)VEC_PUSH(names, nn, cap) = xstrdup(st->ops->col(cols, 0));
    st->ops->finalize(cols);
    struct stmt *rows =
        rc < 0
            ? NULL
            : st->ops->prepare(st,
                               x->usubjid
                                   ? "SELECT data, position, id FROM records "
                                     "WHERE usubjid = ? AND domain = ? UNION "
                                     "ALL SELECT data, position, id FROM "
                                     "records WHERE usubjid IS NULL AND "
                                     "domain = ? ORDER BY 2"
                                   : "SELECT data, position, id FROM records "
                                     "WHERE domain = ? ORDER BY position",
                               x->err);
    int result = rows ? 0 : -1;
    size_t *lens = xcalloc(nn + 1, sizeof *lens);
    char **f = xcalloc(nn + 1, sizeof *f);
    char *zeros = xcalloc(nn + 1, 1); /* the absent values, writable */
    /* The header: the domain's columns, line 1. */
    struct csvr_rec r = {names, lens, nn, 1, 0};
    for (size_t k = 0; k < nn; k++)
        lens[k] = strlen(names[k]);
    bool stop = result < 0 || fn(fctx, &r) != 0;
    long line = 2;
    if (!stop) {
        if (x->usubjid) {
            st->ops->bind(rows, 1, x->usubjid);
            st->ops->bind(rows, 2, dom);
            st->ops->bind(rows, 3, dom);
        } else {
            st->ops->bind(rows, 1, dom);
        }
        struct flat_row fr = {NULL, NULL, 0, NULL, 0};
        while (!stop && (rc = st->ops->step(rows, x->err)) == 1) {
            if (flat_read(st->ops->col(rows, 0), names, nn, &fr) < 0) {
                snprintf(x->err, STORE_ERR,
                         "a %s record cannot be read: not a flat JSON "
                         "object of texts",
                         dom);
                rc = -1;
                break;
            }
            long extra = 0;
            for (size_t k = 0; k < nn; k++) {
                f[k] = fr.val[k] ? (char *)fr.val[k] : &zeros[k];
                lens[k] = strlen(f[k]);
                extra += newlines(f[k]);
            }
            r = (struct csvr_rec){f, lens, nn, line,
                                  strtol(st->ops->col(rows, 2), NULL, 10)};
            /* A value holding a newline spans lines in the exported file. */
            line += 1 + extra;
            stop = fn(fctx, &r) != 0;
        }
        flat_release(&fr);
        if (rc < 0)
            result = -1;
    }
    if (rows)
        st->ops->finalize(rows);
    if (result < 0)
        diags_add(d, SEV_ERROR, D_IO, file, 0, 0, "the database: %s", x->err);
    for (size_t k = 0; k < nn; k++)
        free(names[k]);
    free(names);
    free(lens);
    free(f);
    free(zeros);
    return result;
}

void store_row_source(struct store_source *x, struct store *st,
                      const char *usubjid, struct row_source *src)
{
    x->st = st;
    x->usubjid = usubjid;
    x->err[0] = '\0';
    *src = (struct row_source){rec_has, rec_stream, rec_text, x, "(database)"};
}

int store_load_source(struct store *st, const char *usubjid,
                      const struct load_options *o, struct study *s,
                      struct diags *d, char *err)
{
    struct store_source x;
    struct row_source src;
    store_row_source(&x, st, usubjid, &src);
    int rc = sdtm_load_source(&src, o, s, d);
    snprintf(err, STORE_ERR, "%s", x.err);
    return rc;
}
