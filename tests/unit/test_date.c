/*
 * test_date.c - ISO 8601 dates, partial dates, study days (CDISC: no day
 * 0) and days from the origin (response-criteria.md section 0: origin =
 * day 0). Expected values worked out by hand from the calendar.
 */
#include "helpers.h"

#include <string.h>

static void test_day_numbers(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        int32_t days;
    } cases[] = {
        {1970, 1, 1, 0},      {1970, 1, 2, 1},     {1969, 12, 31, -1},
        {2000, 1, 1, 10957},  {2000, 3, 1, 11017}, /* 31 + 29 days */
        {2024, 2, 29, 19782}, {2024, 3, 1, 19783}, {1900, 3, 1, -25508},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(date_from_ymd(cases[i].y, cases[i].m, cases[i].d),
                         cases[i].days);
        int y, m, d;
        date_to_ymd(cases[i].days, &y, &m, &d);
        assert_int_equal(y, cases[i].y);
        assert_int_equal(m, cases[i].m);
        assert_int_equal(d, cases[i].d);
    }
    /* Every day of 1999-2001 round-trips and steps by one. */
    int32_t prev = date_from_ymd(1998, 12, 31);
    for (int y = 1999; y <= 2001; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= days_in_month(y, m); d++) {
                int32_t z = date_from_ymd(y, m, d);
                assert_int_equal(z, prev + 1);
                prev = z;
            }
    char buf[11];
    date_format(date_from_ymd(2014, 1, 2), buf);
    assert_string_equal(buf, "2014-01-02");
    date_format(DATE_NONE, buf);
    assert_string_equal(buf, "");
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_int_equal(days_in_month(2024, 2), 29);
    assert_int_equal(days_in_month(2023, 2), 28);
    assert_int_equal(days_in_month(1900, 2), 28);
    assert_int_equal(days_in_month(2000, 2), 29);
}

static void test_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        int y, m, d;
    } cases[] = {
        {"2014-01-02", 0, 2014, 1, 2},
        {"2014-01-02T11:45", 0, 2014, 1, 2}, /* time part ignored */
        {"2014-01-02T11:45:30", 0, 2014, 1, 2},
        {"2014-01", 0, 2014, 1, 0}, /* partial: month */
        {"2014", 0, 2014, 0, 0},    /* partial: year */
        {"", 0, 0, 0, 0},           /* blank */
        {"2024-02-29", 0, 2024, 2, 29},
        {"2023-02-29", -1, 0, 0, 0}, /* no such day */
        {"2014-13-01", -1, 0, 0, 0},
        {"2014-00", -1, 0, 0, 0},
        {"2014-1-2", -1, 0, 0, 0},
        {"02/01/2014", -1, 0, 0, 0},
        {"2014-01-02x", -1, 0, 0, 0},
        {"14-01-02", -1, 0, 0, 0},
        {"1700-01-01", -1, 0, 0, 0},
        {"2014-01-32", -1, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pdate p;
        const char *why;
        int rc = pdate_parse(cases[i].text, strlen(cases[i].text), &p, &why);
        assert_int_equal(rc, cases[i].rc);
        if (rc == 0) {
            assert_int_equal(p.year, cases[i].y);
            assert_int_equal(p.month, cases[i].m);
            assert_int_equal(p.day, cases[i].d);
        } else {
            assert_non_null(why);
        }
    }
}

static void test_partial_range(void **state)
{
    (void)state;
    struct pdate feb = {2024, 2, 0}, year = {2013, 0, 0}, full = {2014, 1, 2};
    assert_int_equal(pdate_first(feb), date_from_ymd(2024, 2, 1));
    assert_int_equal(pdate_last(feb), date_from_ymd(2024, 2, 29));
    assert_int_equal(pdate_first(year), date_from_ymd(2013, 1, 1));
    assert_int_equal(pdate_last(year), date_from_ymd(2013, 12, 31));
    assert_int_equal(pdate_day(feb), DATE_NONE);
    assert_int_equal(pdate_day(full), date_from_ymd(2014, 1, 2));
    assert_true(pdate_is_complete(full));
    assert_false(pdate_is_complete(feb));
    struct pdate none = {0, 0, 0};
    assert_true(pdate_is_missing(none));
    assert_int_equal(pdate_first(none), DATE_NONE);
}

static void test_study_day(void **state)
{
    (void)state;
    int32_t ref = date_from_ymd(2014, 1, 2);
    /* CDISC: the reference day is day 1, the day before is day -1. */
    assert_int_equal(study_day_cdisc(ref, ref), 1);
    assert_int_equal(study_day_cdisc(ref + 1, ref), 2);
    assert_int_equal(study_day_cdisc(ref + 41, ref), 42);
    assert_int_equal(study_day_cdisc(ref - 1, ref), -1);
    assert_int_equal(study_day_cdisc(ref - 7, ref), -7);
    assert_int_equal(study_day_cdisc(DATE_NONE, ref), DATE_NONE);
    /* The spec's own days: the origin is day 0, a scan a week before is
     * day -7, the first scheduled scan day 42. */
    assert_int_equal(days_from_origin(ref, ref), 0);
    assert_int_equal(days_from_origin(ref - 7, ref), -7);
    assert_int_equal(days_from_origin(ref + 42, ref), 42);
    assert_int_equal(days_from_origin(ref, DATE_NONE), DATE_NONE);
    /* Across a leap day: 2024-02-28 to 2024-03-01 is 2 days. */
    assert_int_equal(
        days_from_origin(date_from_ymd(2024, 3, 1), date_from_ymd(2024, 2, 28)),
        2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_numbers),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_partial_range),
        cmocka_unit_test(test_study_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
