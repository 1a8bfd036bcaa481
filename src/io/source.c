/*
 * source.c - the row sources of a study folder and of files in memory
 * (io.h "row_source"). The study database is a third, in store/; the web
 * application's proposed rows are an overlay on it. The loader (sdtm.c)
 * reads every source the same way.
 */
#include "io_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool dir_has(void *ctx, const char *file)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", (const char *)ctx, file);
    return stat(path, &st) == 0;
}

static int dir_stream(void *ctx, const char *file, csvr_rec_fn fn, void *fctx,
                      struct diags *d, const struct load_progress *pr)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", (const char *)ctx, file);
    return csvr_stream_progress(path, file, fn, fctx, d, pr);
}

static char *dir_text(void *ctx, const char *file, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", (const char *)ctx, file);
    return read_file(path, len);
}

void row_source_dir(struct row_source *src, const char *dir)
{
    src->has = dir_has;
    src->stream = dir_stream;
    src->text = dir_text;
    src->ctx = (void *)dir;
    src->name = dir;
}

static bool mem_has(void *ctx, const char *file)
{
    return memdir_find(ctx, file) != NULL;
}

static int mem_stream(void *ctx, const char *file, csvr_rec_fn fn, void *fctx,
                      struct diags *d, const struct load_progress *pr)
{
    (void)pr;
    const struct memfile *f = memdir_find(ctx, file);
    return f ? csvr_stream_mem(f->data, f->len, file, fn, fctx, d) : -1;
}

static char *mem_text(void *ctx, const char *file, size_t *len)
{
    const struct memfile *f = memdir_find(ctx, file);
    if (!f) {
        errno = ENOENT;
        return NULL;
    }
    char *t = xmalloc(f->len + 1);
    memcpy(t, f->data, f->len);
    t[f->len] = '\0';
    *len = f->len;
    return t;
}

void row_source_mem(struct row_source *src, const struct memdir *m)
{
    src->has = mem_has;
    src->stream = mem_stream;
    src->text = mem_text;
    src->ctx = (void *)m;
    src->name = "(memory)";
}

/* ---- an overlay: a source and rows added to it ---- */

void row_overlay_init(struct row_overlay *ov, const struct row_source *base)
{
    memset(ov, 0, sizeof *ov);
    ov->base = base;
}

void row_overlay_release(struct row_overlay *ov)
{
    for (size_t i = 0; i < ov->n; i++) {
        struct overlay_row *r = &ov->rows[i];
        for (size_t k = 0; k < r->n; k++) {
            free(r->cols[k]);
            free(r->vals[k]);
        }
        free(r->cols);
        free(r->vals);
        free(r->file);
    }
    free(ov->rows);
    memset(ov, 0, sizeof *ov);
}

void row_overlay_add(struct row_overlay *ov, const char *file,
                     const char *const *cols, const char *const *vals, size_t n)
{
    struct overlay_row *r = VEC_PUSH(ov->rows, ov->n, ov->cap);
    r->file = xstrdup(file);
    r->cols = xcalloc(n + 1, sizeof *r->cols);
    r->vals = xcalloc(n + 1, sizeof *r->vals);
    r->n = n;
    for (size_t k = 0; k < n; k++) {
        r->cols[k] = xstrdup(cols[k]);
        r->vals[k] = xstrdup(vals[k] ? vals[k] : "");
    }
}

static long newlines_of(const struct csvr_rec *r)
{
    long n = 0;
    for (size_t k = 0; k < r->n; k++)
        for (const char *p = r->f[k]; *p; p++)
            n += *p == '\n';
    return n;
}

/* Streaming one file of an overlay: the base's records, then the added
 * rows in the base's columns (or, when the base has no such file, in the
 * columns of the first row added to it). */
struct ov_stream {
    csvr_rec_fn fn;
    void *fctx;
    char **head;
    size_t n_head;
    long next_line;
    bool stopped;
};

static int ov_base_row(void *ctx, const struct csvr_rec *r)
{
    struct ov_stream *x = ctx;
    if (r->line == 1 && !x->head) {
        x->head = xcalloc(r->n + 1, sizeof *x->head);
        x->n_head = r->n;
        for (size_t k = 0; k < r->n; k++)
            x->head[k] = xstrdup(r->f[k]);
    }
    x->next_line = r->line + 1 + newlines_of(r);
    int rc = x->fn(x->fctx, r);
    if (rc)
        x->stopped = true;
    return rc;
}

static bool ov_has(void *ctx, const char *file)
{
    struct row_overlay *ov = ctx;
    for (size_t i = 0; i < ov->n; i++)
        if (!strcmp(ov->rows[i].file, file))
            return true;
    return ov->base->has(ov->base->ctx, file);
}

static int ov_stream_fn(void *ctx, const char *file, csvr_rec_fn fn, void *fctx,
                        struct diags *d, const struct load_progress *pr)
{
    struct row_overlay *ov = ctx;
    struct ov_stream x = {fn, fctx, NULL, 0, 1, false};
    int rc = 0;
    if (ov->base->has(ov->base->ctx, file))
        rc = ov->base->stream(ov->base->ctx, file, ov_base_row, &x, d, pr);
    for (size_t i = 0; rc == 0 && !x.stopped && i < ov->n; i++) {
        const struct overlay_row *a = &ov->rows[i];
        if (strcmp(a->file, file))
            continue;
        if (!x.head) { /* a new file: the first row's columns */
            x.head = xcalloc(a->n + 1, sizeof *x.head);
            x.n_head = a->n;
            for (size_t k = 0; k < a->n; k++)
                x.head[k] = xstrdup(a->cols[k]);
            size_t *hl = xcalloc(a->n + 1, sizeof *hl);
            for (size_t k = 0; k < a->n; k++)
                hl[k] = strlen(x.head[k]);
            struct csvr_rec h = {x.head, hl, x.n_head, 1, 0};
            x.next_line = 2;
            x.stopped = fn(fctx, &h) != 0;
            free(hl);
            if (x.stopped)
                break;
        }
        char **f = xcalloc(x.n_head + 1, sizeof *f);
        size_t *len = xcalloc(x.n_head + 1, sizeof *len);
        char *zeros = xcalloc(x.n_head + 1, 1);
        for (size_t k = 0; k < x.n_head; k++) {
            f[k] = &zeros[k];
            for (size_t j = 0; j < a->n; j++)
                if (!strcmp(a->cols[j], x.head[k]))
                    f[k] = a->vals[j];
            len[k] = strlen(f[k]);
        }
        struct csvr_rec r = {f, len, x.n_head, x.next_line, 0};
        x.next_line += 1 + newlines_of(&r);
        x.stopped = fn(fctx, &r) != 0;
        free(f);
        free(len);
        free(zeros);
    }
    for (size_t k = 0; k < x.n_head; k++)
        free(x.head[k]);
    free(x.head);
    return rc;
}

static char *ov_text(void *ctx, const char *file, size_t *len)
{
    struct row_overlay *ov = ctx;
    return ov->base->text(ov->base->ctx, file, len);
}

void row_source_overlay(struct row_source *out, struct row_overlay *ov)
{
    out->has = ov_has;
    out->stream = ov_stream_fn;
    out->text = ov_text;
    out->ctx = ov;
    out->name = ov->base->name;
}

/* Keeps the header and stops. */
struct header_grab {
    char **cols;
    size_t n;
};

static int grab_header(void *ctx, const struct csvr_rec *r)
{
    struct header_grab *g = ctx;
    g->cols = xcalloc(r->n + 1, sizeof *g->cols);
    g->n = r->n;
    for (size_t k = 0; k < r->n; k++)
        g->cols[k] = xstrdup(r->f[k]);
    return 1;
}

char **row_source_header(const struct row_source *src, const char *file,
                         size_t *n)
{
    *n = 0;
    if (!src->has(src->ctx, file))
        return NULL;
    struct header_grab g = {NULL, 0};
    struct diags d;
    diags_init(&d, 1);
    src->stream(src->ctx, file, grab_header, &g, &d, NULL);
    diags_release(&d);
    *n = g.n;
    return g.cols;
}
