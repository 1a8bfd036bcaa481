/*
 * export.c - the database as SDTM CSV again (byte-identical to what was
 * imported), of the study or of one subject, to a folder or to memory; the
 * SHA-256 of an export; whole-study loads (from the records, source.c, or
 * from the export in memory when its hash is wanted).
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

/* The files of a study that its SHA-256 covers: the .csv files and
 * protocol.json. */
static bool hashed(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && !strcmp(name + n - 4, ".csv")) ||
           !strcmp(name, "protocol.json");
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
        if (hashed(de->d_name))
            *(char **)VEC_PUSH(files, nf, cap) = xstrdup(de->d_name);
    }
    closedir(dp);
    if (nf > 1)
        qsort(files, nf, sizeof *files, store_cmp_str);
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

int file_sha256(const char *path, char hex[65], char *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp || sodium_init() < 0) {
        snprintf(err, STORE_ERR, "cannot read %.400s: %s", path,
                 strerror(errno));
        if (fp)
            fclose(fp);
        return -1;
    }
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char buf[1 << 16];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
        crypto_hash_sha256_update(&h, buf, got);
    int bad = ferror(fp);
    fclose(fp);
    unsigned char dg[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, dg);
    sodium_bin2hex(hex, 65, dg, sizeof dg);
    if (bad) {
        snprintf(err, STORE_ERR, "cannot read %.400s", path);
        return -1;
    }
    return 0;
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
    for (size_t i = 0; i < m->n; i++)
        if (hashed(m->files[i].name))
            names[nf++] = m->files[i].name;
    if (nf > 1)
        qsort(names, nf, sizeof *names, store_cmp_str);
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
