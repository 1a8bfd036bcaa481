/*
 * test_num.c - the strict number parsers: every byte checked.
 */
#include "helpers.h"

#include <string.h>

static void test_double(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        double v;
    } cases[] = {
        {"0", 0, 0},      {"12.5", 0, 12.5},
        {"-4", 0, -4},    {"+3", 0, 3},
        {".5", 0, 0.5},   {"5.", 0, 5},
        {"1e2", 0, 100},  {"33.6128", 0, 33.6128},
        {"", -1, 0},      {"abc", -1, 0},
        {"12 mm", -1, 0}, {"1,5", -1, 0},
        {"1e", -1, 0},    {"-", -1, 0},
        {".", -1, 0},     {" 12", -1, 0},
        {"0x10", -1, 0},  {"nan", -1, 0},
        {"inf", -1, 0},   {"1e999", -1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -1;
        int rc = parse_double(cases[i].text, strlen(cases[i].text), &v);
        assert_int_equal(rc, cases[i].rc);
        if (rc == 0)
            assert_true(v == cases[i].v);
    }
}

static void test_long(void **state)
{
    (void)state;
    long v;
    assert_int_equal(parse_long("42", 2, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_long("-7", 2, &v), 0);
    assert_int_equal(v, -7);
    assert_int_equal(parse_long("4.0", 3, &v), -1);
    assert_int_equal(parse_long("", 0, &v), -1);
    assert_int_equal(parse_long("-", 1, &v), -1);
    assert_int_equal(parse_long("99999999999999999999", 20, &v), -1);
    assert_int_equal(parse_long("12a", 3, &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double),
        cmocka_unit_test(test_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
