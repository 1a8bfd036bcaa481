/*
 * memdir.c - a study folder in memory: named, growable text files. The
 * web application stages each change in one and reads it with
 * sdtm_load_mem, so nothing of a study is written to the disk outside the
 * database.
 */
#include "balist/io.h"

#include <stdlib.h>
#include <string.h>

void memdir_init(struct memdir *m)
{
    memset(m, 0, sizeof *m);
}

void memdir_release(struct memdir *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->files[i].name);
        free(m->files[i].data);
    }
    free(m->files);
    memset(m, 0, sizeof *m);
}

struct memfile *memdir_find(const struct memdir *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->files[i].name, name))
            return &m->files[i];
    return NULL;
}

struct memfile *memdir_file(struct memdir *m, const char *name)
{
    struct memfile *f = memdir_find(m, name);
    if (f)
        return f;
    f = VEC_PUSH(m->files, m->n, m->cap);
    memset(f, 0, sizeof *f);
    f->name = xstrdup(name);
    f->data = xcalloc(1, 1);
    f->cap = 1;
    return f;
}

void memfile_append(struct memfile *f, const char *data, size_t len)
{
    if (f->len + len + 1 > f->cap) {
        size_t cap =
            f->cap * 2 > f->len + len + 1 ? f->cap * 2 : f->len + len + 1;
        f->data = xrealloc(f->data, cap);
        f->cap = cap;
    }
    memcpy(f->data + f->len, data, len);
    f->len += len;
    f->data[f->len] = 0;
}
