/*
 * csv.c - the CSV record stream on libcsv (RFC 4180), with the physical
 * line of each record so that every message can name file:line:column.
 * The file is read in blocks and fed to libcsv one line at a time, which
 * is how the line where a record starts is known even when a quoted field
 * holds newlines.
 */
#include "io_int.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stream {
    const char *name;
    struct diags *d;
    int bad_utf8; /* reported once per file */
    csvr_rec_fn fn;
    void *ctx;
    char **f;
    size_t *len;
    size_t n, cap;
    char *buf; /* field bytes of the current record */
    size_t buf_n, buf_cap;
    size_t *off;    /* offsets into buf */
    long line;      /* lines fed so far */
    long rec_start; /* line where the current record starts */
    int stop;
};

static void on_field(void *data, size_t len, void *st_)
{
    struct stream *st = st_;
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 32;
        st->off = xrealloc(st->off, st->cap * sizeof *st->off);
        st->len = xrealloc(st->len, st->cap * sizeof *st->len);
        st->f = xrealloc(st->f, st->cap * sizeof *st->f);
    }
    if (st->buf_n + len + 1 > st->buf_cap) {
        while (st->buf_n + len + 1 > st->buf_cap)
            st->buf_cap = st->buf_cap ? st->buf_cap * 2 : 4096;
        st->buf = xrealloc(st->buf, st->buf_cap);
    }
    st->off[st->n] = st->buf_n;
    st->len[st->n] = len;
    if (len)
        memcpy(st->buf + st->buf_n, data, len);
    st->buf[st->buf_n + len] = '\0';
    st->buf_n += len + 1;
    st->n++;
}

/* The length of the valid UTF-8 prefix of s (n bytes). */
static size_t utf8_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k = (c & 0xE0) == 0xC0 && c >= 0xC2   ? 1
                   : (c & 0xF0) == 0xE0              ? 2
                   : (c & 0xF8) == 0xF0 && c <= 0xF4 ? 3
                                                     : 0;
        if (!k || i + k >= n + 1)
            return i;
        for (size_t j = 1; j <= k; j++)
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return i;
        i += k + 1;
    }
    return n;
}

static void on_row(int c, void *st_)
{
    (void)c;
    struct stream *st = st_;
    if (st->stop) {
        st->n = 0;
        st->buf_n = 0;
        return;
    }
    for (size_t i = 0; i < st->n; i++) {
        st->f[i] = st->buf + st->off[i];
        /* The files are UTF-8 (data-format.md): a byte sequence that is
         * not is an error, named once per file. */
        if (!st->bad_utf8 && st->d &&
            utf8_prefix((const unsigned char *)st->f[i], st->len[i]) !=
                st->len[i]) {
            st->bad_utf8 = 1;
            diags_add(st->d, SEV_ERROR, D_CSV, st->name, st->rec_start,
                      (int)i + 1,
                      "not valid UTF-8 (the file must be saved as UTF-8; "
                      "this is the first such field)");
        }
    }
    struct csvr_rec r = {st->f, st->len, st->n, st->rec_start, 0};
    if (st->fn(st->ctx, &r))
        st->stop = 1;
    st->n = 0;
    st->buf_n = 0;
}

int csvr_stream(const char *path, const char *name, csvr_rec_fn fn, void *ctx,
                struct diags *d)
{
    return csvr_stream_progress(path, name, fn, ctx, d, NULL);
}

static int stream_fp(FILE *fp, const char *path, const char *name,
                     csvr_rec_fn fn, void *ctx, struct diags *d,
                     const struct load_progress *pr);

int csvr_stream_progress(const char *path, const char *name, csvr_rec_fn fn,
                         void *ctx, struct diags *d,
                         const struct load_progress *pr)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        diags_add(d, SEV_ERROR, D_IO, name, 0, 0, "cannot open %s: %s", path,
                  strerror(errno));
        return -1;
    }
    return stream_fp(fp, path, name, fn, ctx, d, pr);
}

int csvr_stream_mem(const char *data, size_t len, const char *name,
                    csvr_rec_fn fn, void *ctx, struct diags *d)
{
    if (!len)
        return 0; /* an empty file: no records */
    FILE *fp = fmemopen((void *)data, len, "rb");
    if (!fp) {
        diags_add(d, SEV_ERROR, D_IO, name, 0, 0, "cannot read %s: %s", name,
                  strerror(errno));
        return -1;
    }
    return stream_fp(fp, name, name, fn, ctx, d, NULL);
}

/* Streams an open file (closed here). */
static int stream_fp(FILE *fp, const char *path, const char *name,
                     csvr_rec_fn fn, void *ctx, struct diags *d,
                     const struct load_progress *pr)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(fp);
        diags_add(d, SEV_ERROR, D_IO, name, 0, 0, "cannot start CSV parser");
        return -1;
    }
    struct stream st = {0};
    st.name = name;
    st.d = d;
    st.fn = fn;
    st.ctx = ctx;
    enum { BLOCK = 1 << 20 };
    char *block = xmalloc(BLOCK);
    int rc = 0, first = 1, at_line_start = 1;
    size_t got;
    long long total = -1, done_bytes = 0;
    if (pr && pr->fn && fseek(fp, 0, SEEK_END) == 0) {
        total = ftell(fp);
        rewind(fp);
    }
    while (!st.stop && (got = fread(block, 1, BLOCK, fp)) > 0) {
        done_bytes += (long long)got;
        if (pr && pr->fn)
            pr->fn(pr->ctx, name, done_bytes, total);
        size_t pos = 0;
        if (first) {
            first = 0;
            if (got >= 3 && (unsigned char)block[0] == 0xEF &&
                (unsigned char)block[1] == 0xBB &&
                (unsigned char)block[2] == 0xBF)
                pos = 3;
        }
        while (pos < got && !st.stop) {
            char *nl = memchr(block + pos, '\n', got - pos);
            size_t end = nl ? (size_t)(nl - block) + 1 : got;
            /* A record starts on this line when the parser is between
             * records (libcsv's public state field: 0 is "row not
             * begun"), not inside a quoted field that spans lines. */
            if (at_line_start && p.pstate == 0)
                st.rec_start = st.line + 1;
            if (csv_parse(&p, block + pos, end - pos, on_field, on_row, &st) !=
                end - pos) {
                diags_add(d, SEV_ERROR, D_CSV, name, st.line + 1, 0,
                          "malformed CSV: %s (a quote inside a field must "
                          "be doubled, and a quoted field closed)",
                          csv_strerror(csv_error(&p)));
                rc = -1;
                goto out;
            }
            at_line_start = nl != NULL;
            if (nl)
                st.line++;
            pos = end;
        }
    }
    if (ferror(fp)) {
        diags_add(d, SEV_ERROR, D_IO, name, 0, 0, "cannot read %s: %s", path,
                  strerror(errno));
        rc = -1;
        goto out;
    }
    if (!st.stop && csv_fini(&p, on_field, on_row, &st) != 0) {
        diags_add(d, SEV_ERROR, D_CSV, name, st.rec_start, 0,
                  "malformed CSV: a quoted field is not closed before the "
                  "end of the file");
        rc = -1;
    }
out:
    csv_free(&p);
    fclose(fp);
    free(block);
    free(st.f);
    free(st.len);
    free(st.off);
    free(st.buf);
    return rc;
}
