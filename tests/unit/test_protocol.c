/*
 * test_protocol.c - protocol parameters: the documented defaults
 * (response-criteria.md section k, data-format.md), overrides from JSON,
 * and bad protocol files reported by key.
 */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

static int parse(struct protocol *p, struct diags *d, const char *json)
{
    return protocol_parse(p, json, strlen(json), "protocol.json", d);
}

static void test_defaults(void **state)
{
    (void)state;
    struct protocol p;
    protocol_init(&p);
    /* Every default of the configuration summary, section k. */
    assert_int_equal(p.time_origin, ORIGIN_ENROLMENT);
    assert_true(p.aval_plus_one);
    assert_int_equal(p.baseline_max_days_before, 28);
    assert_true(p.tstm_value_mm == 5);
    assert_true(p.cr_before_pd);
    assert_false(p.sticky_pr);
    assert_int_equal(p.sticky_from, STICKY_CONFIRMED_PR);
    assert_int_equal(p.pd_on_reappearance_after_cr, REAPPEAR_CONFIRMED_CR);
    assert_true(p.sd_breaks_confirmation);
    assert_int_equal(p.rano_steroid_increase, STEROID_INC_SD);
    assert_int_equal(p.baseline_anchor, ANCHOR_FIRST_DOSE);
    assert_true(p.rano_require_lesion_5mm);
    assert_int_equal(p.rano_lesion_ref, LESREF_NADIR_VISIT);
    assert_int_equal(p.rano_steroid_ref, STEROIDREF_BASELINE);
    assert_true(p.rano_cr_max_steroid_mg == 0);
    assert_int_equal(p.rano_missing_policy, MISSING_NE_IF_RESPONSE);
    assert_int_equal(p.confirm_min_days, 28);
    assert_true(p.allow_ne_between);
    assert_int_equal(p.sd_min_days_recist, 42);
    assert_int_equal(p.sd_min_days_rano, 28);
    assert_int_equal(p.sd_min_window_days, 0);
    assert_int_equal(p.cbr_sd_rule, CBR_FROM_ORIGIN);
    assert_int_equal(p.bor_window_end_day, -1);
    assert_int_equal(p.assessment_interval_days, 42);
    assert_int_equal(p.assessment_window_days, 7);
    assert_int_equal(p.missed_rule, MISSED_SCHEDULE);
    assert_true(p.censor_after_missed);
    assert_true(p.nat_includes_local);
    assert_int_equal(p.ipfs_unconfirmed_iupd, IPFS_EVENT);
    assert_int_equal(p.icpd_window_days[0], 28);
    assert_int_equal(p.icpd_window_days[1], 56);
    assert_int_equal(p.km_ci_transform, KMCI_LOGLOG);
    assert_int_equal(p.teae_window_days, 30);
    assert_int_equal(p.irae_window_days, 90);
    assert_false(p.evaluable_requires_postbaseline);
    /* data-format.md keys. */
    assert_int_equal(p.evaluator, EVAL_INVESTIGATOR);
    assert_int_equal(p.partial_assessment_date, IMPUTE_LAST);
    assert_int_equal(p.default_recorded_criterion, CRIT_RECIST);
    assert_int_equal(p.data_cutoff, DATE_NONE);
    assert_true(strlist_has(&p.origin_milestones, "ENROLLED"));
    assert_true(strlist_has(&p.origin_milestones, "RANDOMIZED"));
    assert_string_equal(p.origin_milestones.items[0], "ENROLLED");
    assert_true(strlist_has(&p.neuro_status_codes, "NRADPROG"));
    assert_true(strlist_has(&p.steroid_exclude_indications, "ANTIEMETIC"));
    assert_true(protocol_steroid_factor(&p, "METHYLPREDNISOLONE") == 0.1875);
    assert_true(protocol_steroid_factor(&p, "HYDROCORTISONE") == 0.0375);
    assert_true(protocol_steroid_factor(&p, "PREDNISONE") == 0.15);
    assert_true(protocol_steroid_factor(&p, "ASPIRIN") == -1);
    assert_string_equal(p.drugs[0].rel_qnam, "AERELIVO");
    assert_string_equal(p.drugs[1].acn_qnam, "AEACNADC");
    assert_string_equal(p.criterion_column, "TUCAT");
    /* CNS locations: brain and its parts, leptomeninges. */
    assert_true(protocol_is_cns(&p, "BRAIN"));
    assert_true(protocol_is_cns(&p, "FRONTAL LOBE"));
    assert_true(protocol_is_cns(&p, "CEREBELLUM, LEFT"));
    assert_true(protocol_is_cns(&p, "LEPTOMENINGES"));
    assert_false(protocol_is_cns(&p, "LIVER"));
    assert_false(protocol_is_cns(&p, "BRAINY"));
    protocol_release(&p);
}

static void test_overrides(void **state)
{
    (void)state;
    struct protocol p;
    struct diags d;
    protocol_init(&p);
    diags_init(&d, 0);
    int rc = parse(&p, &d,
                   "{\"time_origin\": \"first_dose\", \"sticky_pr\": true,"
                   " \"sticky_from\": \"first_pr\","
                   " \"bor_window_end_day\": 91,"
                   " \"sd_min_window_days\": 7,"
                   " \"km_ci_transform\": \"log\","
                   " \"tstm_value_mm\": 2.5,"
                   " \"icpd_window_days\": [21, 63],"
                   " \"data_cutoff\": \"2026-09-30\","
                   " \"evaluator\": \"INDEPENDENT\","
                   " \"cns_locations\": [\"brain\", \"spinal cord\"],"
                   " \"steroid_factors\": {\"dexamethasone\": 1, "
                   "\"betamethasone\": 1.2},"
                   " \"drugs\": [{\"name\": \"ivonescimab\", \"rel_qnam\": "
                   "\"aerel1\", \"acn_qnam\": \"aeacn1\"}],"
                   " \"_note\": \"comments start with an underscore\"}");
    if (rc)
        dump_diags(&d);
    assert_int_equal(rc, 0);
    assert_int_equal(d.n_errors, 0);
    assert_int_equal(p.time_origin, ORIGIN_FIRST_DOSE);
    assert_true(p.sticky_pr);
    assert_int_equal(p.sticky_from, STICKY_FIRST_PR);
    assert_int_equal(p.bor_window_end_day, 91);
    assert_int_equal(p.sd_min_window_days, 7);
    assert_int_equal(p.km_ci_transform, KMCI_LOG);
    assert_true(p.tstm_value_mm == 2.5);
    assert_int_equal(p.icpd_window_days[0], 21);
    assert_int_equal(p.icpd_window_days[1], 63);
    assert_int_equal(p.data_cutoff, date_from_ymd(2026, 9, 30));
    assert_int_equal(p.evaluator, EVAL_INDEPENDENT);
    assert_true(protocol_is_cns(&p, "SPINAL CORD"));
    assert_false(protocol_is_cns(&p, "CEREBELLUM"));
    assert_true(protocol_steroid_factor(&p, "BETAMETHASONE") == 1.2);
    assert_int_equal(p.n_drugs, 1);
    assert_string_equal(p.drugs[0].name, "IVONESCIMAB");
    assert_string_equal(p.drugs[0].rel_qnam, "AEREL1");
    /* null restores "no limit". */
    assert_int_equal(parse(&p, &d, "{\"bor_window_end_day\": null}"), 0);
    assert_int_equal(p.bor_window_end_day, -1);
    diags_release(&d);
    protocol_release(&p);
}

static void test_bad_files(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        const char *message;
    } cases[] = {
        {"{\"sticky_pr\": 1}", "key 'sticky_pr': must be true or false"},
        {"{\"stciky_pr\": true}", "unknown key 'stciky_pr'"},
        {"{\"confirm_min_days\": 0}",
         "key 'confirm_min_days': must be a whole number from 1 to 365"},
        {"{\"confirm_min_days\": 28.5}",
         "key 'confirm_min_days': must be a whole number"},
        {"{\"km_ci_transform\": \"loglog\"}",
         "key 'km_ci_transform': must be one of \"log-log\", \"log\", "
         "\"linear\""},
        {"{\"data_cutoff\": \"2026-09\"}",
         "key 'data_cutoff': must be a complete date YYYY-MM-DD, or null"},
        {"{\"icpd_window_days\": [56, 28]}",
         "key 'icpd_window_days': must be [low, high] whole days"},
        {"{\"cns_locations\": \"BRAIN\"}",
         "key 'cns_locations': must be an array of strings"},
        {"{\"drugs\": [{\"name\": \"X\", \"rel\": \"Y\"}]}",
         "unknown drug field 'rel'"},
        {"{\"steroid_factors\": {\"DEXAMETHASONE\": 0}}",
         "factor of 'DEXAMETHASONE' must be a number above 0"},
        {"[1, 2]", "must be a JSON object of protocol keys"},
        {"{\"a\": 1,\n \"b\": }", "protocol.json:2:"},
        {"{\"sticky_pr\": true, \"sticky_pr\": false}", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct protocol p;
        struct diags d;
        protocol_init(&p);
        diags_init(&d, 0);
        assert_int_equal(parse(&p, &d, cases[i].json), -1);
        const struct diag *g = find_diag(&d, cases[i].message);
        if (!g) {
            fprintf(stderr, "case %zu: want '%s'\n", i, cases[i].message);
            dump_diags(&d);
        }
        assert_non_null(g);
        assert_int_equal(g->sev, SEV_ERROR);
        assert_int_equal(g->code, D_PROTOCOL);
        /* A bad key leaves the default in place. */
        assert_false(p.sticky_pr && i == 0);
        diags_release(&d);
        protocol_release(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
