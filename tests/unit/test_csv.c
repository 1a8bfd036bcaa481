/*
 * test_csv.c - the CSV record stream: RFC 4180 quoting, embedded commas
 * and newlines, doubled quotes, UTF-8 BOM, CRLF, blank lines, and the
 * physical line where each record starts.
 */
#include "helpers.h"

#include "balist/io.h"

#include <stdio.h>
#include <string.h>

struct got {
    char text[64][128]; /* "line|f1|f2|..." per record */
    size_t n;
};

static int collect(void *ctx, const struct csvr_rec *r)
{
    struct got *g = ctx;
    char *p = g->text[g->n];
    size_t left = sizeof g->text[0];
    int k = snprintf(p, left, "%ld", r->line);
    for (size_t i = 0; i < r->n; i++)
        k += snprintf(p + k, left - (size_t)k, "|%s", r->f[i]);
    g->n++;
    return 0;
}

static void stream(const char *text, struct got *g, struct diags *d, int rc)
{
    char *dir = tmpdir_make();
    write_text(dir, "x.csv", text);
    char path[4096];
    snprintf(path, sizeof path, "%s/x.csv", dir);
    memset(g, 0, sizeof *g);
    assert_int_equal(csvr_stream(path, "x.csv", collect, g, d), rc);
    tmpdir_remove(dir);
}

static void test_cases(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
        const char *want[6];
    } cases[] = {
        {"plain", "A,B\n1,2\n", {"1|A|B", "2|1|2"}},
        {"quoted comma", "A,B\n\"x, y\",2\n", {"1|A|B", "2|x, y|2"}},
        {"doubled quote", "A\n\"say \"\"hi\"\"\"\n", {"1|A", "2|say \"hi\""}},
        {"embedded newline: the next record's line is right",
         "A,B\n\"two\nlines\",2\n3,4\n",
         {"1|A|B", "2|two\nlines|2", "4|3|4"}},
        {"CRLF", "A,B\r\n1,2\r\n3,4\r\n", {"1|A|B", "2|1|2", "3|3|4"}},
        {"UTF-8 BOM",
         "\xEF\xBB\xBF"
         "A,B\n1,2\n",
         {"1|A|B", "2|1|2"}},
        {"no final newline", "A,B\n1,2", {"1|A|B", "2|1|2"}},
        {"blank line skipped", "A,B\n\n1,2\n", {"1|A|B", "3|1|2"}},
        {"empty fields", "A,B,C\n,,\n", {"1|A|B|C", "2|||"}},
        {"UTF-8 text", "A\n\"Ménière, Œdème\"\n", {"1|A", "2|Ménière, Œdème"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct got g;
        struct diags d;
        diags_init(&d, 0);
        stream(cases[i].text, &g, &d, 0);
        size_t nwant = 0;
        while (nwant < 6 && cases[i].want[nwant])
            nwant++;
        if (g.n != nwant)
            fprintf(stderr, "case '%s': %zu records\n", cases[i].name, g.n);
        assert_int_equal(g.n, nwant);
        for (size_t k = 0; k < nwant; k++)
            assert_string_equal(g.text[k], cases[i].want[k]);
        assert_int_equal(d.n_errors, 0);
        diags_release(&d);
    }
}

static void test_malformed(void **state)
{
    (void)state;
    struct got g;
    struct diags d;
    /* A quote inside an unquoted field (strict mode). */
    diags_init(&d, 0);
    stream("A,B\n1,2\nab\"c,3\n", &g, &d, -1);
    assert_int_equal(d.n_errors, 1);
    assert_non_null(find_diag(&d, "x.csv:3: error: malformed CSV"));
    diags_release(&d);
    /* A quoted field never closed: named at the line where it starts. */
    diags_init(&d, 0);
    stream("A,B\n1,2\n\"open,3\n4,5\n", &g, &d, -1);
    assert_int_equal(d.n_errors, 1);
    assert_non_null(find_diag(&d, "x.csv:3: error: malformed CSV: a quoted "
                                  "field is not closed"));
    diags_release(&d);
    /* Latin-1 where UTF-8 is required: named at its field, once. */
    diags_init(&d, 0);
    stream("A,B\n1,caf\xe9\n2,na\xefve\n", &g, &d, 0);
    assert_int_equal(d.n_errors, 1);
    assert_non_null(find_diag(&d, "x.csv:2:2: error: not valid UTF-8"));
    diags_release(&d);
    /* A missing file. */
    diags_init(&d, 0);
    memset(&g, 0, sizeof g);
    assert_int_equal(
        csvr_stream("/nonexistent/x.csv", "x.csv", collect, &g, &d), -1);
    assert_non_null(find_diag(&d, "x.csv: error: cannot open"));
    diags_release(&d);
}

struct long_state {
    long n;
    int bad;
};

static int check_long(void *ctx, const struct csvr_rec *r)
{
    struct long_state *st = ctx;
    if (r->line == 1)
        return 0;
    /* Record i (0-based) starts on physical line 2 + 2i. */
    char want[64];
    snprintf(want, sizeof want, "row %ld, with a comma\nand a newline", st->n);
    if (r->line != 2 + 2 * st->n || r->n != 2 || strcmp(r->f[1], want) != 0)
        st->bad++;
    st->n++;
    return 0;
}

static void test_long_file(void **state)
{
    (void)state;
    /* Records beyond the reader's 1 MiB block keep their line numbers. */
    char *dir = tmpdir_make();
    char path[4096];
    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("ID,TEXT\n", fp);
    for (int i = 0; i < 60000; i++)
        fprintf(fp, "%d,\"row %d, with a comma\nand a newline\"\n", i, i);
    assert_int_equal(fclose(fp), 0);
    struct long_state st = {0, 0};
    struct diags d;
    diags_init(&d, 0);
    assert_int_equal(csvr_stream(path, "big.csv", check_long, &st, &d), 0);
    assert_int_equal(st.n, 60000);
    assert_int_equal(st.bad, 0);
    assert_int_equal(d.n_errors, 0);
    diags_release(&d);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_long_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
