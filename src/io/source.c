/*
 * source.c - the row sources of a study folder and of files in memory
 * (io.h "row_source"). The study database is a third, in store/; the web
 * application's proposed rows are an overlay on it. The loader (sdtm.c)
 * reads every source the same way.
 */
#include "io_int.h"

#include <errno.h>
#include <stdio.h>
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
