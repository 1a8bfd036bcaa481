/*
 * util.c - allocation, the batch arena, growable arrays and the string map
 * that the rest of core/ and io/ build on. No clinical content.
 */
#include "balist/core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t size)
{
    /* Running out of memory is not bad input: it cannot be reported as a
     * diagnostic, so the process stops (the one exit in the library). */
    fprintf(stderr, "balist: out of memory (%zu bytes)\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        oom(size);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void visit_label_norm(const char *in, char *out, size_t size)
{
    size_t n = 0;
    bool space = false;
    for (const unsigned char *c = (const unsigned char *)(in ? in : ""); *c;
         c++) {
        if (isspace(*c)) {
            space = n > 0;
            continue;
        }
        if (space && n + 1 < size)
            out[n++] = ' ';
        space = false;
        if (n + 1 < size)
            out[n++] = (char)toupper(*c);
    }
    if (size)
        out[n < size ? n : size - 1] = '\0';
}

void *vec_grow(void *items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return items;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    items = xrealloc(items, nc * elem);
    *cap = nc;
    return items;
}

/* ---- arena ---- */

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

#define ARENA_BLOCK 65536

void arena_init(struct arena *a)
{
    a->head = NULL;
}

static void *arena_raw(struct arena *a, size_t size, size_t align)
{
    struct arena_block *b = a->head;
    if (b)
        b->used = (b->used + align - 1) & ~(align - 1);
    if (!b || b->used > b->size || b->size - b->used < size) {
        size_t bs = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = xmalloc(sizeof *b + bs);
        b->used = 0;
        b->size = bs;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
    void *p = arena_raw(a, size, _Alignof(max_align_t));
    memset(p, 0, size);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
    /* Strings need no alignment: packing them halves a large study's
     * footprint. */
    char *p = arena_raw(a, len + 1, 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

void arena_release(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}

/* ---- string map (FNV-1a, linear probing) ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

void strmap_init(struct strmap *m)
{
    m->keys = NULL;
    m->vals = NULL;
    m->n = 0;
    m->cap = 0;
}

static size_t probe(const struct strmap *m, const char *key)
{
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *val)
{
    if (!m->cap)
        return false;
    size_t i = probe(m, key);
    if (!m->keys[i])
        return false;
    if (val)
        *val = m->vals[i];
    return true;
}

static void rehash(struct strmap *m, size_t ncap)
{
    struct strmap old = *m;
    m->keys = xcalloc(ncap, sizeof *m->keys);
    m->vals = xcalloc(ncap, sizeof *m->vals);
    m->cap = ncap;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.keys[i]) {
            size_t j = probe(m, old.keys[i]);
            m->keys[j] = old.keys[i];
            m->vals[j] = old.vals[i];
        }
    }
    free(old.keys);
    free(old.vals);
}

void strmap_put(struct strmap *m, const char *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap)
        rehash(m, m->cap ? m->cap * 2 : 64);
    size_t i = probe(m, key);
    if (!m->keys[i]) {
        m->keys[i] = xstrdup(key);
        m->n++;
    }
    m->vals[i] = val;
}

void strmap_release(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    strmap_init(m);
}

bool strlist_has(const struct strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}
