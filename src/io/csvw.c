/*
 * csvw.c - the CSV writer used by the simulator and the ADaM outputs:
 * RFC 4180 quoting (a field with a comma, quote or newline is quoted and
 * its quotes doubled), LF line ends, numbers without trailing zeros. It
 * keeps its own buffer and formats integers and dates by hand, because the
 * simulator writes millions of rows and stdio's formatting dominated.
 */
#include "balist/io.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void csvw_from_fp(struct csvw *w, FILE *fp)
{
    w->fp = fp;
    w->col = 0;
    w->failed = 0;
    w->n = 0;
    w->borrowed = 1;
}

int csvw_open(struct csvw *w, const char *path)
{
    w->fp = fopen(path, "wb");
    w->col = 0;
    w->failed = 0;
    w->n = 0;
    w->borrowed = 0;
    if (!w->fp)
        return -1;
    return 0;
}

static void flush(struct csvw *w)
{
    if (w->n && fwrite(w->buf, 1, w->n, w->fp) != w->n)
        w->failed = 1;
    w->n = 0;
}

static void put(struct csvw *w, const char *s, size_t n)
{
    if (w->n + n > sizeof w->buf) {
        flush(w);
        if (n > sizeof w->buf) {
            if (fwrite(s, 1, n, w->fp) != n)
                w->failed = 1;
            return;
        }
    }
    memcpy(w->buf + w->n, s, n);
    w->n += n;
}

static void putch(struct csvw *w, char c)
{
    if (w->n == sizeof w->buf)
        flush(w);
    w->buf[w->n++] = c;
}

static void sep(struct csvw *w)
{
    if (w->col++)
        putch(w, ',');
}

void csvw_str(struct csvw *w, const char *s)
{
    sep(w);
    if (!s)
        return;
    size_t n = strcspn(s, ",\"\r\n");
    if (!s[n]) {
        put(w, s, n);
        return;
    }
    putch(w, '"');
    for (; *s; s++) {
        if (*s == '"')
            putch(w, '"');
        putch(w, *s);
    }
    putch(w, '"');
}

static size_t fmt_long(long v, char *out)
{
    char tmp[24];
    size_t n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t k = 0;
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    return k;
}

void csvw_int(struct csvw *w, long v)
{
    char b[24];
    sep(w);
    put(w, b, fmt_long(v, b));
}

void csvw_tenths(struct csvw *w, long tenths)
{
    char b[32];
    sep(w);
    long a = tenths < 0 ? -tenths : tenths;
    size_t k = 0;
    if (tenths < 0)
        b[k++] = '-';
    k += fmt_long(a / 10, b + k);
    if (a % 10) {
        b[k++] = '.';
        b[k++] = (char)('0' + a % 10);
    }
    put(w, b, k);
}

void csvw_num(struct csvw *w, double v, int decimals)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf) - 1;
        while (e > dot && *e == '0')
            *e-- = '\0';
        if (e == dot)
            *e = '\0';
    }
    sep(w);
    if (strcmp(buf, "-0") == 0)
        put(w, "0", 1);
    else
        put(w, buf, strlen(buf));
}

void csvw_date(struct csvw *w, int32_t day)
{
    sep(w);
    if (day == DATE_NONE)
        return;
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    char b[10] = {(char)('0' + y / 1000 % 10),
                  (char)('0' + y / 100 % 10),
                  (char)('0' + y / 10 % 10),
                  (char)('0' + y % 10),
                  '-',
                  (char)('0' + m / 10),
                  (char)('0' + m % 10),
                  '-',
                  (char)('0' + d / 10),
                  (char)('0' + d % 10)};
    put(w, b, 10);
}

void csvw_end(struct csvw *w)
{
    putch(w, '\n');
    w->col = 0;
}

void csvw_header(struct csvw *w, const char *const *names)
{
    for (; *names; names++)
        csvw_str(w, *names);
    csvw_end(w);
}

int csvw_close(struct csvw *w)
{
    flush(w);
    int rc = w->failed ? -1 : 0;
    if (ferror(w->fp))
        rc = -1;
    if (w->borrowed ? fflush(w->fp) != 0 : fclose(w->fp) != 0)
        rc = -1;
    w->fp = NULL;
    return rc;
}

char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, fp)) > 0) {
        n += got;
        if (cap - n - 1 == 0)
            buf = xrealloc(buf, cap *= 2);
    }
    int err = ferror(fp);
    fclose(fp);
    if (err) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

void csvw_table_header(struct csvw *w, const struct table *t)
{
    csvw_header(w, t->cols);
}

void csvw_table_rows(struct csvw *w, const struct table *t)
{
    for (size_t r = 0; r < t->nrow; r++) {
        for (size_t c = 0; c < t->ncol; c++)
            csvw_str(w, t->cells[r * t->ncol + c]);
        csvw_end(w);
    }
}

int make_dirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        buf[i] = c;
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int make_temp_dir(char *dir, size_t size, const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, size, "%.3000s/%.100s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             prefix);
    return mkdtemp(dir) ? 0 : -1;
}

void remove_flat_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    if (dp) {
        struct dirent *e;
        while ((e = readdir(dp))) {
            if (e->d_name[0] == '.')
                continue;
            char p[4096 + 256];
            snprintf(p, sizeof p, "%.4000s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(dp);
    }
    rmdir(dir);
}
