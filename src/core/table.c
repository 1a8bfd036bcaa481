/*
 * table.c - rows of named text cells: what endpoints/ derives and io/
 * writes. Column lookup by name keeps the derivation code readable; the
 * tables are narrow, so a linear search is cheap.
 */
#include "balist/core.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void table_init(struct table *t, const char *name, const char *const *cols)
{
    memset(t, 0, sizeof *t);
    t->name = name;
    t->cols = cols;
    while (cols[t->ncol])
        t->ncol++;
    arena_init(&t->arena);
}

size_t table_add_row(struct table *t)
{
    if (t->nrow == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->cells = xrealloc(t->cells, t->cap * t->ncol * sizeof *t->cells);
    }
    memset(&t->cells[t->nrow * t->ncol], 0, t->ncol * sizeof *t->cells);
    return t->nrow++;
}

static size_t col_index(const struct table *t, const char *col)
{
    /* Callers pass the same string literals as the column list, which the
     * compiler merges: a pointer match first, then by text. */
    for (size_t i = 0; i < t->ncol; i++)
        if (t->cols[i] == col)
            return i;
    for (size_t i = 0; i < t->ncol; i++)
        if (strcmp(t->cols[i], col) == 0)
            return i;
    assert(!"unknown column");
    return 0;
}

void table_set(struct table *t, size_t row, const char *col, const char *v)
{
    t->cells[row * t->ncol + col_index(t, col)] =
        v ? arena_strdup(&t->arena, v) : NULL;
}

void table_setf(struct table *t, size_t row, const char *col, const char *fmt,
                ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    table_set(t, row, col, buf);
}

void table_set_date(struct table *t, size_t row, const char *col, int32_t day)
{
    char buf[11];
    date_format(day, buf);
    table_set(t, row, col, day == DATE_NONE ? NULL : buf);
}

void table_set_int(struct table *t, size_t row, const char *col, long v)
{
    char tmp[24], buf[24];
    size_t n = 0, k = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    buf[k] = '\0';
    table_set(t, row, col, buf);
}

const char *table_get(const struct table *t, size_t row, const char *col)
{
    const char *v = t->cells[row * t->ncol + col_index(t, col)];
    return v ? v : "";
}

void table_clear(struct table *t)
{
    t->nrow = 0;
    arena_release(&t->arena);
    arena_init(&t->arena);
}

void table_release(struct table *t)
{
    free(t->cells);
    arena_release(&t->arena);
    memset(t, 0, sizeof *t);
}
