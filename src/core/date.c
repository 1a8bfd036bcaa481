/*
 * date.c - ISO 8601 dates, complete and partial, as day numbers; study
 * days by the CDISC rule (no day 0) and days from the origin as
 * shared/spec/response-criteria.md section 0 counts them (origin = day 0).
 * Imputation policy for partial dates lives with the readers (io/), which
 * know the record; this file only gives the earliest and latest day.
 */
#include "balist/core.h"

#include <string.h>
#include <time.h>

/* Days from civil, after H. Hinnant's public-domain algorithm. */
int32_t date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy =
        (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void date_to_ymd(int32_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = (int)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yy + (*m <= 2);
}

void date_format(int32_t days, char buf[static 11])
{
    if (days == DATE_NONE) {
        buf[0] = '\0';
        return;
    }
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    y %= 10000;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && is_leap(y))
        return 29;
    return dm[m - 1];
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int pdate_parse(const char *s, size_t len, struct pdate *out, const char **why)
{
    static const char *const expect =
        "an ISO 8601 date YYYY-MM-DD (or partial YYYY-MM, YYYY)";
    memset(out, 0, sizeof *out);
    *why = expect;
    if (len == 0)
        return 0;
    /* The time part is ignored (data-format.md "Dates"). */
    const char *t = memchr(s, 'T', len);
    size_t n = t ? (size_t)(t - s) : len;
    int y, m = 0, d = 0;
    if (n < 4 || digits(s, 4, &y) < 0)
        return -1;
    if (n == 4)
        goto done;
    if (n != 7 && n != 10)
        return -1;
    if (s[4] != '-' || digits(s + 5, 2, &m) < 0)
        return -1;
    if (m < 1 || m > 12) {
        *why = "a month from 01 to 12";
        return -1;
    }
    if (n == 10) {
        if (s[7] != '-' || digits(s + 8, 2, &d) < 0)
            return -1;
        if (d < 1 || d > days_in_month(y, m)) {
            *why = "a day that exists in that month";
            return -1;
        }
    }
done:
    if (y < 1800 || y > 2200) {
        *why = "a year from 1800 to 2200";
        return -1;
    }
    out->year = (int16_t)y;
    out->month = (int8_t)m;
    out->day = (int8_t)d;
    *why = NULL;
    return 0;
}

bool pdate_is_missing(struct pdate p)
{
    return p.year == 0;
}

bool pdate_is_complete(struct pdate p)
{
    return p.year && p.month && p.day;
}

int32_t pdate_first(struct pdate p)
{
    if (!p.year)
        return DATE_NONE;
    return date_from_ymd(p.year, p.month ? p.month : 1, p.day ? p.day : 1);
}

int32_t pdate_last(struct pdate p)
{
    if (!p.year)
        return DATE_NONE;
    int m = p.month ? p.month : 12;
    int d = p.day ? p.day : days_in_month(p.year, m);
    return date_from_ymd(p.year, m, d);
}

int32_t pdate_day(struct pdate p)
{
    return pdate_is_complete(p) ? pdate_first(p) : DATE_NONE;
}

int32_t study_day_cdisc(int32_t date, int32_t ref)
{
    if (date == DATE_NONE || ref == DATE_NONE)
        return DATE_NONE;
    return date >= ref ? date - ref + 1 : date - ref;
}

int32_t days_from_origin(int32_t date, int32_t origin)
{
    if (date == DATE_NONE || origin == DATE_NONE)
        return DATE_NONE;
    return date - origin;
}

int32_t date_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm))
        return (int32_t)(now / 86400);
    return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
