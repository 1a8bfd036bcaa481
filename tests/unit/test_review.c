/*
 * test_review.c - the rules behind the web application's review: the
 * enrolment checklist's decision, the edit checks that raise automatic
 * queries, and the visit schedule with its windows and overdue flags.
 */
#include "helpers.h"

#include "balist/endpoints.h"
#include "balist/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct eligibility all_met(void)
{
    struct eligibility e = {.age = 50,
                            .ecog = 1,
                            .consent = TRI_YES,
                            .er_negative = TRI_YES,
                            .pr_negative = TRI_YES,
                            .her2_negative = TRI_YES,
                            .organ_function = TRI_YES,
                            .no_steroids = TRI_YES,
                            .prior_trop2_adc = TRI_NO,
                            .prior_pd1_vegf = TRI_NO,
                            .brain_met_mm = 14,
                            .steroid_stable_days = -1};
    return e;
}

static const struct elig_item *item(const struct eligibility_result *r,
                                    const char *code)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->items[i].code, code))
            return &r->items[i];
    fail_msg("no item %s", code);
    return NULL;
}

/* EVIDENCE: ELIGIBILITY. Each threshold at its edge, the exclusions, an
 * unanswered item (incomplete, not a screen failure), and a protocol
 * that allows ECOG 2. */
static void test_eligibility(void **state)
{
    (void)state;
    struct protocol p;
    protocol_init(&p);
    struct eligibility_result r;
    struct eligibility e = all_met();
    eligibility_decide(&p, &e, &r);
    assert_true(r.complete && r.eligible);
    assert_int_equal(r.n, ELIG_ITEMS);
    assert_string_equal(r.reason, "eligible: all 9 inclusion criteria met "
                                  "and neither exclusion criterion applies");
    e.brain_met_mm = 10.0; /* RANO-BM measurable: >= 10 mm */
    eligibility_decide(&p, &e, &r);
    assert_true(r.eligible);
    e.brain_met_mm = 9.9;
    eligibility_decide(&p, &e, &r);
    assert_false(r.eligible);
    assert_true(r.complete);
    assert_string_equal(r.reason, "not eligible: IN06 largest brain "
                                  "metastasis 9.9 mm < 10.0 mm");
    e = all_met();
    e.age = 17;
    e.her2_negative = TRI_NO;
    e.prior_trop2_adc = TRI_YES;
    eligibility_decide(&p, &e, &r);
    assert_string_equal(r.reason,
                        "not eligible: IN01 age 17 < 18; IN05 HER2-positive: "
                        "not triple-negative; EX01 prior TROP2-directed ADC");
    assert_false(item(&r, "EX01")->met);
    assert_true(item(&r, "EX02")->met);
    /* Steroids: none, or stable long enough. */
    e = all_met();
    e.no_steroids = TRI_NO;
    e.steroid_stable_days = 6;
    eligibility_decide(&p, &e, &r);
    assert_string_equal(r.reason, "not eligible: IN09 steroid dose stable "
                                  "for 6 days < 7");
    e.steroid_stable_days = 7;
    eligibility_decide(&p, &e, &r);
    assert_true(r.eligible);
    /* ECOG 2: not with the default, yes when the protocol allows it. */
    e = all_met();
    e.ecog = 2;
    eligibility_decide(&p, &e, &r);
    assert_false(r.eligible);
    assert_string_equal(item(&r, "IN07")->why, "ECOG 2 > 1");
    p.elig_max_ecog = 2;
    eligibility_decide(&p, &e, &r);
    assert_true(r.eligible);
    /* Unanswered: incomplete, with the items named. */
    e = all_met();
    e.organ_function = TRI_UNKNOWN;
    e.brain_met_mm = NAN;
    eligibility_decide(&p, &e, &r);
    assert_false(r.complete);
    assert_false(r.eligible);
    assert_string_equal(r.reason, "incomplete: not answered: IN06 A "
                                  "measurable brain metastasis; IN08 "
                                  "Adequate organ function");
    protocol_release(&p);
}

/* A subject enrolled and first dosed on 2025-01-01 (day 0): baseline on
 * 2024-12-28, T01 20 mm in the frontal lobe; week 6 (day 42) 10 mm, the
 * site recorded RANO-BM SD; week 12 on day 94 (the schedule says 84 +/-
 * 7); two doses; an AE without a grade and one with (a grade without a
 * term, or an end before the start, the loader itself refuses). */
static void load_subject(struct study *s, char **dir)
{
    *dir = tmpdir_make();
    write_text(*dir, "dm.csv",
               "STUDYID,DOMAIN,USUBJID,RFSTDTC,RFXSTDTC,AGE,SEX\n"
               "S,DM,S-1,2025-01-01,2025-01-01,50,F\n");
    write_text(*dir, "ds.csv",
               "STUDYID,DOMAIN,USUBJID,DSDECOD,DSCAT,DSSTDTC\n"
               "S,DS,S-1,ENROLLED,PROTOCOL MILESTONE,2025-01-01\n");
    write_text(*dir, "ex.csv",
               "STUDYID,DOMAIN,USUBJID,EXTRT,EXDOSE,EXDOSU,EXSTDTC\n"
               "S,EX,S-1,IVONESCIMAB,20,mg/kg,2025-01-01\n"
               "S,EX,S-1,IVONESCIMAB,20,mg/kg,2025-01-22\n"
               "S,EX,S-1,SACITUZUMAB GOVITECAN,7.5,mg/kg,2025-01-22\n");
    write_text(*dir, "tu.csv",
               "STUDYID,DOMAIN,USUBJID,TULNKID,TUTESTCD,TUORRES,TUSTRESC,"
               "TULOC,VISIT,TUDTC\n"
               "S,TU,S-1,T01,TUMIDENT,TARGET,TARGET,FRONTAL LOBE,SCREENING,"
               "2024-12-28\n");
    write_text(*dir, "tr.csv",
               "STUDYID,DOMAIN,USUBJID,TRLNKID,TRTESTCD,TRORRES,TRSTRESC,"
               "TRSTRESN,TRSTRESU,VISIT,TRDTC\n"
               "S,TR,S-1,T01,LDIAM,20,20,20,mm,SCREENING,2024-12-28\n"
               "S,TR,S-1,T01,LDIAM,10,10,10,mm,WEEK 6,2025-02-12\n"
               "S,TR,S-1,T01,LDIAM,9,9,9,mm,WEEK 12,2025-04-05\n");
    write_text(*dir, "rs.csv",
               "STUDYID,DOMAIN,USUBJID,RSTESTCD,RSCAT,RSORRES,RSSTRESC,"
               "VISIT,RSDTC\n"
               "S,RS,S-1,CLINSTAT,RANO-BM,STABLE,STABLE,WEEK 6,2025-02-12\n"
               "S,RS,S-1,OVRLRESP,RANO-BM,SD,SD,WEEK 6,2025-02-12\n"
               "S,RS,S-1,CLINSTAT,RANO-BM,STABLE,STABLE,WEEK 12,2025-04-05\n");
    write_text(*dir, "cm.csv", "STUDYID,DOMAIN,USUBJID,CMTRT,CMSTDTC\n");
    write_text(*dir, "ae.csv",
               "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM,AETOXGR,AESTDTC,"
               "AEENDTC\n"
               "S,AE,S-1,1,Nausea,,2025-01-10,\n"
               "S,AE,S-1,2,Rash,2,2025-01-20,2025-01-25\n");
    struct load_options o;
    load_options_init(&o);
    struct diags d;
    diags_init(&d, 50);
    study_init(s);
    int rc = sdtm_load(*dir, &o, s, &d);
    if (rc)
        dump_diags(&d);
    assert_int_equal(rc, 0);
    diags_release(&d);
}

static const struct finding *finding(const struct finding *f, size_t n,
                                     const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].key, key))
            return &f[i];
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "finding %s: %s\n", f[i].key, f[i].text);
    fail_msg("no finding %s", key);
    return NULL;
}

/* EVIDENCE: QUERY-RESPONSE, QUERY-WINDOW, QUERY-AE. */
static void test_findings(void **state)
{
    (void)state;
    struct study s;
    char *dir;
    load_subject(&s, &dir);
    const struct subject *sj = study_find(&s, "S-1");
    struct derive_options dop = {false};
    struct subject_result res;
    endpoints_subject(&s, sj, &dop, &res);
    struct finding *f = NULL;
    size_t n = endpoints_findings(&s, sj, &res, &f);
    const struct finding *x =
        finding(f, n, "response/RANO-BM/WEEK 6/2025-02-12");
    assert_string_equal(x->visit, "WEEK 6");
    assert_non_null(strstr(x->text, "The recorded RANO-BM response at WEEK 6 "
                                    "(2025-02-12) is SD; BALIST computes PR"));
    x = finding(f, n, "window/2025-04-05");
    assert_non_null(strstr(x->text, "is on day 94; the schedule puts it on "
                                    "day 84 +/- 7 days"));
    x = finding(f, n, "ae-grade/1/Nausea");
    assert_string_equal(
        x->text, "Adverse event 1 'Nausea' has no CTCAE grade (1 to 5).");
    /* Week 6 on day 42 is in its window: no finding for it. */
    for (size_t i = 0; i < n; i++)
        assert_null(strstr(f[i].key, "window/2025-02-12"));
    assert_int_equal(n, 3); /* the graded AE raises nothing */
    free(f);
    subject_result_release(&res);
    study_release(&s);
    tmpdir_remove(dir);
}

/* EVIDENCE: SCHEDULE. On 2025-04-10 (day 99): two cycles given; cycle 3,
 * due 21 days after cycle 2's day 1, is overdue (past due + 3 days), and
 * nothing later is scheduled before it is given (its day 1 sets the
 * next); imaging at days 42 and 84 done (day 94 is late), the next at day
 * 126 due; each cycle's doses with reductions. */
static void test_schedule(void **state)
{
    (void)state;
    struct study s;
    char *dir;
    load_subject(&s, &dir);
    const struct subject *sj = study_find(&s, "S-1");
    struct derive_options dop = {false};
    struct subject_result res;
    endpoints_subject(&s, sj, &dop, &res);
    int32_t today = date_from_ymd(2025, 4, 10);
    struct sched_visit *v = NULL;
    size_t n = subject_schedule(&s, sj, &res, today, &v);
    char line[1024] = "";
    for (size_t i = 0; i < n; i++) {
        char due[11], done[11] = "-";
        date_format(v[i].due, due);
        if (v[i].done != DATE_NONE)
            date_format(v[i].done, done);
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, "%s%d %s %s%s%s; ", v[i].kind,
                 v[i].number, due, done, v[i].overdue ? " overdue" : "",
                 v[i].late ? " late" : "");
    }
    assert_string_equal(line, "dosing1 2025-01-01 2025-01-01; "
                              "dosing2 2025-01-22 2025-01-22; "
                              "dosing3 2025-02-12 - overdue; "
                              "imaging1 2025-02-12 2025-02-12; "
                              "imaging2 2025-03-26 2025-04-05 late; "
                              "imaging3 2025-05-07 -; ");
    /* Each cycle's doses against the planned ones: cycle 2's
     * sacituzumab govitecan 7.5 mg/kg is a reduction from 10. */
    assert_int_equal(v[0].n_doses, 1);
    assert_string_equal(v[0].doses[0]->trt, "IVONESCIMAB");
    assert_true(v[0].planned[0] == 20.0 && !v[0].reduced[0]);
    assert_int_equal(v[1].n_doses, 2);
    assert_string_equal(v[1].doses[1]->trt, "SACITUZUMAB GOVITECAN");
    assert_true(v[1].planned[1] == 10.0 && v[1].reduced[1]);
    assert_int_equal(v[2].n_doses, 0);
    free(v);
    subject_result_release(&res);
    study_release(&s);
    tmpdir_remove(dir);
}

/* EVIDENCE: SCHEDULE. Delays move the cycles after them, and day-8
 * doses belong to their cycle: cycle 2 given a week late (2025-01-29,
 * due 2025-01-22: late), so cycle 3 is due 2025-02-19 and given then;
 * each cycle's day-8 sacituzumab govitecan is counted in it, not as a
 * cycle; cycle 4, due 2025-03-12, is overdue on 2025-03-20. Three cycles,
 * as the three day-1 records say. */
static void test_schedule_delays(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    write_text(dir, "dm.csv",
               "STUDYID,DOMAIN,USUBJID,RFSTDTC,RFXSTDTC,AGE,SEX\n"
               "S,DM,S-2,2025-01-01,2025-01-01,50,F\n");
    write_text(dir, "ds.csv",
               "STUDYID,DOMAIN,USUBJID,DSDECOD,DSCAT,DSSTDTC\n"
               "S,DS,S-2,ENROLLED,PROTOCOL MILESTONE,2025-01-01\n");
    const char *days[][2] = {{"2025-01-01", "1"}, {"2025-01-08", "8"},
                             {"2025-01-29", "1"}, {"2025-02-05", "8"},
                             {"2025-02-19", "1"}, {"2025-02-26", "8"}};
    char ex[2048] = "STUDYID,DOMAIN,USUBJID,EXTRT,EXDOSE,EXDOSU,EXSTDTC\n";
    for (size_t i = 0; i < 6; i++) {
        size_t len = strlen(ex);
        if (days[i][1][0] == '1')
            snprintf(ex + len, sizeof ex - len,
                     "S,EX,S-2,IVONESCIMAB,20,mg/kg,%s\n", days[i][0]);
        len = strlen(ex);
        snprintf(ex + len, sizeof ex - len,
                 "S,EX,S-2,SACITUZUMAB GOVITECAN,10,mg/kg,%s\n", days[i][0]);
    }
    write_text(dir, "ex.csv", ex);
    struct study s;
    struct diags d;
    struct load_options o;
    load_options_init(&o);
    study_init(&s);
    diags_init(&d, 0);
    assert_int_equal(sdtm_load(dir, &o, &s, &d), 0);
    const struct subject *sj = study_find(&s, "S-2");
    struct derive_options dop = {false};
    struct subject_result res;
    endpoints_subject(&s, sj, &dop, &res);
    struct sched_visit *v = NULL;
    size_t n = subject_schedule(&s, sj, &res, date_from_ymd(2025, 3, 20), &v);
    char line[1024] = "";
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].kind, "dosing"))
            continue;
        char due[11], done[11] = "-";
        date_format(v[i].due, due);
        if (v[i].done != DATE_NONE)
            date_format(v[i].done, done);
        size_t len = strlen(line);
        snprintf(line + len, sizeof line - len, "%d %s %s%s%s (%d doses); ",
                 v[i].number, due, done, v[i].overdue ? " overdue" : "",
                 v[i].late    ? " late"
                 : v[i].early ? " early"
                              : "",
                 v[i].n_doses);
    }
    assert_string_equal(line, "1 2025-01-01 2025-01-01 (3 doses); "
                              "2 2025-01-22 2025-01-29 late (3 doses); "
                              "3 2025-02-19 2025-02-19 (3 doses); "
                              "4 2025-03-12 - overdue (0 doses); ");
    free(v);
    subject_result_release(&res);
    diags_release(&d);
    study_release(&s);
    tmpdir_remove(dir);
}

/* Where each subject stands: the words of the subjects list. */
static void test_statuses(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    write_text(dir, "dm.csv",
               "STUDYID,DOMAIN,USUBJID,DTHDTC,DTHFL\n"
               "S,DM,SC,,\nS,DM,SF,,\nS,DM,OT,,\nS,DM,FU,,\nS,DM,OS,,\n"
               "S,DM,WC,,\nS,DM,DD,2025-05-01,Y\n");
    write_text(dir, "ex.csv",
               "STUDYID,DOMAIN,USUBJID,EXTRT,EXDOSE,EXDOSU,EXSTDTC\n"
               "S,EX,OT,IVONESCIMAB,20,mg/kg,2025-01-01\n"
               "S,EX,FU,IVONESCIMAB,20,mg/kg,2025-01-01\n"
               "S,EX,OS,IVONESCIMAB,20,mg/kg,2025-01-01\n"
               "S,EX,WC,IVONESCIMAB,20,mg/kg,2025-01-01\n"
               "S,EX,DD,IVONESCIMAB,20,mg/kg,2025-01-01\n");
    write_text(dir, "ds.csv",
               "STUDYID,DOMAIN,USUBJID,DSDECOD,DSCAT,EPOCH,DSSTDTC\n"
               "S,DS,SF,SCREEN FAILURE,DISPOSITION EVENT,SCREENING,"
               "2025-01-05\n"
               "S,DS,FU,PROGRESSIVE DISEASE,DISPOSITION EVENT,TREATMENT,"
               "2025-03-01\n"
               "S,DS,OS,PROGRESSIVE DISEASE,DISPOSITION EVENT,TREATMENT,"
               "2025-03-01\n"
               "S,DS,OS,LOST TO FOLLOW-UP,DISPOSITION EVENT,FOLLOW-UP,"
               "2025-06-01\n"
               "S,DS,WC,WITHDRAWAL OF CONSENT,DISPOSITION EVENT,TREATMENT,"
               "2025-02-01\n");
    struct load_options o;
    load_options_init(&o);
    struct diags d;
    diags_init(&d, 50);
    struct study s;
    study_init(&s);
    int rc = sdtm_load(dir, &o, &s, &d);
    if (rc)
        dump_diags(&d);
    assert_int_equal(rc, 0);
    static const char *const want[][2] = {
        {"SC", "screening"}, {"SF", "screen failure"}, {"OT", "on treatment"},
        {"FU", "follow-up"}, {"OS", "off study"},      {"WC", "off study"},
        {"DD", "dead"}};
    struct derive_options dop = {false};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct subject *sj = study_find(&s, want[i][0]);
        struct subject_result res;
        endpoints_subject(&s, sj, &dop, &res);
        assert_string_equal(
            subject_status_name(subject_status(&s.proto, sj, &res, DATE_NONE)),
            want[i][1]);
        subject_result_release(&res);
    }
    /* At a cut-off before the events, they are not known yet. */
    const struct subject *os = study_find(&s, "OS");
    struct subject_result res;
    endpoints_subject(&s, os, &dop, &res);
    assert_string_equal(subject_status_name(subject_status(
                            &s.proto, os, &res, date_from_ymd(2025, 2, 1))),
                        "on treatment");
    assert_int_equal(subject_off_study(&s.proto, os, DATE_NONE),
                     date_from_ymd(2025, 6, 1));
    subject_result_release(&res);
    diags_release(&d);
    study_release(&s);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eligibility),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_schedule_delays),
        cmocka_unit_test(test_statuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
