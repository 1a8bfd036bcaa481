/*
 * num.c - the strict number parsers (STYLE.md: one parse_num() checks every
 * byte; atoi/atof/sscanf are banned for input).
 */
#include "balist/core.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int parse_double(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    size_t i = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    size_t nd = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
        nd++;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            nd++;
        }
    }
    if (nd == 0)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ne = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            ne++;
        }
        if (ne == 0)
            return -1;
    }
    if (i != len)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    double v = strtod(buf, NULL);
    if (errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int parse_long(const char *s, size_t len, long *out)
{
    size_t i = 0;
    int neg = 0;
    if (len && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i++;
    }
    if (i == len)
        return -1;
    long v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (LONG_MAX - 9) / 10)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

int diam_from_mm(double mm, int32_t *out, bool *rounded)
{
    if (!(mm >= 0) || mm > 10000)
        return -1;
    double scaled = mm * DIAM_SCALE;
    double r = floor(scaled + 0.5);
    /* Noise of the binary fraction is some 1e-16 of the value; anything
     * above 1e-9 of it is a decimal that 0.0001 mm cannot hold. */
    *rounded = fabs(scaled - r) > 1e-9 * (1 + fabs(scaled));
    *out = (int32_t)r;
    return 0;
}

void diam_format(int64_t v, char *buf, size_t size)
{
    /* Exact: mm x 10^4 as a decimal, trailing zeros removed; by hand, as
     * it is called for every value written. */
    char tmp[32];
    size_t n = 0;
    int64_t a = v < 0 ? -v : v;
    int64_t whole = a / DIAM_SCALE, frac = a % DIAM_SCALE;
    if (frac) {
        int digits = 4;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++) {
            tmp[n++] = (char)('0' + frac % 10);
            frac /= 10;
        }
        tmp[n++] = '.';
    }
    do {
        tmp[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (v < 0)
        tmp[n++] = '-';
    size_t k = 0;
    while (n && k + 1 < size)
        buf[k++] = tmp[--n];
    buf[k] = '\0';
}
