/*
 * test_report.c - what the report shows, on the bundled demo study: the
 * per-subject numbers behind the plots (checked by hand against the
 * study's files), the disposition counts, the responders listing, the
 * plots' pixels, and text that fits its column.
 */
#include "helpers.h"
#include "balist/io.h"
#include "balist/report.h"
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static struct study study;
static struct report_data rep;

static int setup(void **state)
{
    (void)state;
    study_init(&study);
    struct diags d;
    diags_init(&d, 0);
    struct load_options o;
    load_options_init(&o);
    int rc = sdtm_load(BALIST_SOURCE_DIR "/data/demo", &o, &study, &d);
    if (rc)
        dump_diags(&d);
    diags_release(&d);
    if (rc)
        return -1;
    report_collect(&study, &(struct derive_options){false}, &rep);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    report_release(&rep);
    report_fonts_release();
    study_release(&study);
    return 0;
}

static const struct rep_subject *subj(const char *id)
{
    for (size_t i = 0; i < rep.n_subj; i++)
        if (!strcmp(rep.subj[i].usubjid, id))
            return &rep.subj[i];
    fail_msg("no subject %s", id);
    return NULL;
}

static long disp(const char *item)
{
    for (size_t r = 0; r < rep.disposition.nrow; r++)
        if (!strcmp(table_get(&rep.disposition, r, "ITEM"), item))
            return strtol(table_get(&rep.disposition, r, "n"), NULL, 10);
    return -1;
}

/* BAL-001-0003 by hand from the demo's files: first dose 2024-10-10
 * (ex.csv), last dose 2025-09-11, death 2025-11-04 (390 days); CNS target
 * sum 99.5 mm at baseline, 41.7 at its smallest (2025-05-04): -58.09%;
 * first confirmed CNS PR 2024-11-22 (43 days); first scan 2024-11-22 at
 * 61.0 mm: -38.69%. */
static void test_subject_numbers(void **state)
{
    (void)state;
    const double M = 30.4375;
    const struct rep_subject *p = subj("BAL-001-0003");
    assert_float_equal(p->best_pchg[CRIT_RANOBM], -58.0905, 1e-3);
    assert_int_equal(p->cbor[CRIT_RANOBM], RESP_PR);
    assert_float_equal(p->death_months, 390 / M, 1e-9);
    /* Off treatment: to the end of the last cycle (21 days). */
    assert_false(p->ongoing);
    assert_float_equal(p->trt_months, 357 / M, 1e-9);
    assert_float_equal(p->resp_months, 43 / M, 1e-9);
    assert_true(p->n_spider[CRIT_RANOBM] >= 7);
    assert_float_equal(p->spider[CRIT_RANOBM][0].months, 43 / M, 1e-9);
    assert_float_equal(p->spider[CRIT_RANOBM][0].pchg, -38.6935, 1e-3);
    /* BAL-001-0010: complete response in the brain, -100%. */
    assert_float_equal(subj("BAL-001-0010")->best_pchg[CRIT_RANOBM], -100,
                       1e-9);
    assert_int_equal(subj("BAL-001-0010")->cbor[CRIT_RANOBM], RESP_CR);
    /* BAL-001-0032: on treatment at the cut-off (2026-09-30), first dose
     * 2025-11-12: 322 days; no death. */
    const struct rep_subject *q = subj("BAL-001-0032");
    assert_true(q->ongoing);
    assert_float_equal(q->trt_months, 322 / M, 1e-9);
    assert_true(isnan(q->death_months));
}

/* The demo's disposition (ds.csv's DISPOSITION EVENT rows of the
 * TREATMENT epoch, counted with grep): 40 enrolled and
 * treated, 2 on treatment, 36 ended for progression, 1 withdrawal, 1
 * death; 20 deaths in all. */
static void test_disposition(void **state)
{
    (void)state;
    assert_int_equal(disp("Enrolled"), 40);
    assert_int_equal(disp("Treated"), 40);
    assert_int_equal(disp("CNS-evaluable"), 40);
    assert_int_equal(disp("On treatment at the cut-off"), 2);
    assert_int_equal(disp("PROGRESSIVE DISEASE"), 36);
    assert_int_equal(disp("WITHDRAWAL BY SUBJECT"), 1);
    assert_int_equal(disp("DEATH"), 1);
    assert_int_equal(disp("Deaths (any time, treated)"), 20);
    assert_int_equal(rep.tte[0].n, 40);
    assert_int_equal(rep.tte[2].n, 40);
}

/* One listing row per confirmed responder and criterion: the efficacy
 * table's numerators, 13 (RANO-BM) and 14 (RECIST 1.1). */
static void test_responders(void **state)
{
    (void)state;
    int n[2] = {0, 0};
    for (size_t r = 0; r < rep.responders.nrow; r++) {
        const char *c = table_get(&rep.responders, r, "CRITERION");
        n[!strcmp(c, "RANO-BM")]++;
        const char *b = table_get(&rep.responders, r, "CBOR");
        assert_true(!strcmp(b, "CR") || !strcmp(b, "PR"));
    }
    assert_int_equal(n[1], 13);
    assert_int_equal(n[0], 14);
}

static long count_colour(cairo_surface_t *s, unsigned rgb)
{
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s);
    int h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t px;
            memcpy(&px, d + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            n += (px & 0xFFFFFF) == rgb;
        }
    return n;
}

/* The waterfall's bars take the colours of the responses: two complete
 * responses in the brain (BAL-001-0010 and -0032) give green bars, 11
 * partial responses more blue than that, 10 PD orange; with the complete
 * responses recoded, only the legend's swatch stays green. */
static void test_waterfall_pixels(void **state)
{
    (void)state;
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 480);
    cairo_t *cr = cairo_create(s);
    draw_waterfall(cr, 640, 480, &rep, CRIT_RANOBM);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    long cr_px = count_colour(s, report_resp_colour(RESP_CR));
    long pd_px = count_colour(s, report_resp_colour(RESP_PD));
    long pr_px = count_colour(s, report_resp_colour(RESP_PR));
    cairo_destroy(cr);
    assert_true(cr_px > 500);
    assert_true(pd_px > 500);
    assert_true(pr_px > cr_px); /* 11 PR bars against 2 CR */
    /* Without the complete responders' green. */
    struct report_data copy = rep;
    struct rep_subject *subs = calloc(rep.n_subj, sizeof *subs);
    memcpy(subs, rep.subj, rep.n_subj * sizeof *subs);
    for (size_t i = 0; i < rep.n_subj; i++)
        if (subs[i].cbor[CRIT_RANOBM] == RESP_CR)
            subs[i].cbor[CRIT_RANOBM] = RESP_PR;
    copy.subj = subs;
    cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw_waterfall(cr, 640, 480, &copy, CRIT_RANOBM);
    cairo_destroy(cr);
    /* Only the legend's swatch (10 x 10 points) is green now. */
    assert_true(count_colour(s, report_resp_colour(RESP_CR)) <= 100);
    free(subs);
    cairo_surface_destroy(s);
}

/* Every plot draws without a cairo error on the demo and on an empty
 * study (no subjects: axes, no curves, no crash). */
static void test_plots_draw(void **state)
{
    (void)state;
    struct report_data empty = {0};
    empty.proto = &study.proto;
    empty.cutoff = DATE_NONE;
    const struct report_data *rs[] = {&rep, &empty};
    for (int k = 0; k < 2; k++) {
        cairo_surface_t *s =
            cairo_image_surface_create(CAIRO_FORMAT_RGB24, 640, 700);
        cairo_t *cr = cairo_create(s);
        draw_km(cr, 640, 480, &rs[k]->tte[0], "PFS", "all treated",
                rs[k]->proto);
        draw_waterfall(cr, 640, 480, rs[k], CRIT_RECIST);
        draw_spider(cr, 640, 480, rs[k], CRIT_RANOBM);
        draw_swimmer(cr, 640, 700, rs[k], 0, SIZE_MAX);
        draw_disposition(cr, 640, 300, rs[k]);
        assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
}

/* text_fit keeps text within its width: shrunk, then cut. */
static void test_text_fit(void **state)
{
    (void)state;
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 50);
    cairo_t *cr = cairo_create(s);
    const char *soc = "GENERAL DISORDERS AND ADMINISTRATION SITE CONDITIONS";
    double widths[] = {400, 250, 120, 30};
    for (int i = 0; i < 4; i++) {
        text_fit(cr, 10, 20, 8.5, true, widths[i], soc);
        double x, y;
        cairo_get_current_point(cr, &x, &y);
        assert_true(x - 10 <= widths[i] + 1e-6);
    }
    /* Short text is left as it is: the advance of the full text. */
    text_fit(cr, 10, 20, 8.5, false, 400, "PR");
    double x, y;
    cairo_get_current_point(cr, &x, &y);
    assert_true(x > 10 && x < 30);
    /* UTF-8 is cut at a character boundary (no error from cairo). */
    text_fit(cr, 10, 20, 8.5, false, 20,
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subject_numbers),
        cmocka_unit_test(test_disposition),
        cmocka_unit_test(test_responders),
        cmocka_unit_test(test_waterfall_pixels),
        cmocka_unit_test(test_plots_draw),
        cmocka_unit_test(test_text_fit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
