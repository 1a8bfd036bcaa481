/*
 * test_safety.c - adverse events and exposure (response-criteria.md
 * section i) on a small study whose every table was counted by hand:
 * S1, S2, S3 treated (the safety population, N = 3), S4 never dosed.
 *
 *  S1: ivonescimab 20 mg/kg on Jan 10 and Jan 31; SG 10 on Jan 10 and 17,
 *      7.5 on Jan 31 (a reduction). Neutropenia G2 (Jan 20) and G4 (Feb 5,
 *      SG reduced), both related to SG only; nausea G1 not related;
 *      headache G1 on Jan 5, before the first dose: not a TEAE.
 *  S2: both drugs on Jan 15. Neutropenia G3 (AEREL RELATED: both drugs);
 *      pneumonitis G2 on Apr 30 (after the 30- and 90-day windows, but
 *      related to ivonescimab: a TEAE); rash G1 on Mar 1 (after 30 days,
 *      not related, not immune-related: not a TEAE).
 *  S3: ivonescimab on Feb 1. Diarrhoea G5, serious, related, drug
 *      withdrawn (AEACN for every drug); died Feb 15.
 *  S4: an AE, no dose: not a TEAE.
 */
#include "helpers.h"

#include "balist/endpoints.h"
#include "balist/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char dm[] = "USUBJID,DTHDTC\nS1,\nS2,\nS3,2025-02-15\nS4,\n";
static const char ex[] = "USUBJID,EXTRT,EXDOSE,EXDOSU,EXSTDTC\n"
                         "S1,IVONESCIMAB,20,mg/kg,2025-01-10\n"
                         "S1,IVONESCIMAB,20,mg/kg,2025-01-31\n"
                         "S1,SACITUZUMAB GOVITECAN,10,mg/kg,2025-01-10\n"
                         "S1,SACITUZUMAB GOVITECAN,10,mg/kg,2025-01-17\n"
                         "S1,SACITUZUMAB GOVITECAN,7.5,mg/kg,2025-01-31\n"
                         "S2,IVONESCIMAB,20,mg/kg,2025-01-15\n"
                         "S2,SACITUZUMAB GOVITECAN,10,mg/kg,2025-01-15\n"
                         "S3,IVONESCIMAB,20,mg/kg,2025-02-01\n";
static const char ae[] =
    "USUBJID,AESEQ,AETERM,AEDECOD,AEBODSYS,AETOXGR,AESER,AEREL,AEACN,AEOUT,"
    "AESTDTC,AEENDTC\n"
    "S1,1,Neutropenia,Neutropenia,Blood,2,N,,MULTIPLE,,2025-01-20,"
    "2025-01-25\n"
    "S1,2,Neutropenia,Neutropenia,Blood,4,N,,MULTIPLE,,2025-02-05,\n"
    "S1,3,Nausea,Nausea,Gastrointestinal,1,N,NOT RELATED,,,2025-01-11,\n"
    "S1,4,Headache,Headache,Nervous,1,N,NOT RELATED,,,2025-01-05,\n"
    "S2,1,Neutropenia,Neutropenia,Blood,3,N,RELATED,DOSE NOT CHANGED,,"
    "2025-01-20,\n"
    "S2,2,Pneumonitis,Pneumonitis,Respiratory,2,N,,,,2025-04-30,\n"
    "S2,3,Rash,Rash,Skin,1,N,NOT RELATED,,,2025-03-01,\n"
    "S3,1,Diarrhoea,Diarrhoea,Gastrointestinal,5,Y,RELATED,DRUG WITHDRAWN,"
    "FATAL,2025-02-10,2025-02-15\n"
    "S4,1,Fatigue,Fatigue,General,1,N,NOT RELATED,,,2025-02-01,\n";
static const char suppae[] = "RDOMAIN,USUBJID,IDVAR,IDVARVAL,QNAM,QVAL\n"
                             "AE,S1,AESEQ,1,AERELIVO,NOT RELATED\n"
                             "AE,S1,AESEQ,1,AERELADC,RELATED\n"
                             "AE,S1,AESEQ,1,AEACNIVO,DOSE NOT CHANGED\n"
                             "AE,S1,AESEQ,1,AEACNADC,DOSE NOT CHANGED\n"
                             "AE,S1,AESEQ,2,AERELIVO,NOT RELATED\n"
                             "AE,S1,AESEQ,2,AERELADC,RELATED\n"
                             "AE,S1,AESEQ,2,AEACNIVO,DOSE NOT CHANGED\n"
                             "AE,S1,AESEQ,2,AEACNADC,DOSE REDUCED\n"
                             "AE,S2,AESEQ,2,AERELIVO,RELATED\n"
                             "AE,S2,AESEQ,2,AERELADC,NOT RELATED\n";

static struct study study;
static struct table tab;

static int setup(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    write_text(dir, "dm.csv", dm);
    write_text(dir, "ex.csv", ex);
    write_text(dir, "ae.csv", ae);
    write_text(dir, "suppae.csv", suppae);
    study_init(&study);
    struct diags d;
    diags_init(&d, 0);
    struct load_options o;
    load_options_init(&o);
    int rc = sdtm_load(dir, &o, &study, &d);
    if (rc)
        dump_diags(&d);
    diags_release(&d);
    tmpdir_remove(dir);
    if (rc)
        return -1;
    safety_tables(&study, &tab);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    table_release(&tab);
    study_release(&study);
    return 0;
}

/* The row of a table, section and item; fails when absent. */
static size_t at(const char *table, const char *section, const char *item)
{
    for (size_t r = 0; r < tab.nrow; r++)
        if (!strcmp(table_get(&tab, r, "TABLE"), table) &&
            !strcmp(table_get(&tab, r, "SECTION"), section) &&
            !strcmp(table_get(&tab, r, "ITEM"), item))
            return r;
    fail_msg("no row %s / %s / %s", table, section, item);
    return 0;
}

static void expect(const char *table, const char *section, const char *item,
                   const char *n, const char *pct, const char *n3,
                   const char *pct3)
{
    size_t r = at(table, section, item);
    assert_string_equal(table_get(&tab, r, "N"), "3");
    assert_string_equal(table_get(&tab, r, "n"), n);
    assert_string_equal(table_get(&tab, r, "PCT"), pct);
    if (n3) {
        assert_string_equal(table_get(&tab, r, "n_G3"), n3);
        assert_string_equal(table_get(&tab, r, "PCT_G3"), pct3);
    }
}

static void test_overview(void **state)
{
    (void)state;
    const char *t = "Overview of treatment-emergent adverse events";
    expect(t, "", "Any TEAE", "3", "100.0", NULL, NULL);
    expect(t, "", "Grade 3 or higher TEAE", "3", "100.0", NULL, NULL);
    expect(t, "", "Serious TEAE", "1", "33.3", NULL, NULL);
    expect(t, "", "Fatal TEAE (grade 5)", "1", "33.3", NULL, NULL);
    expect(t, "", "Treatment-related TEAE (either drug)", "3", "100.0", NULL,
           NULL);
    expect(t, "", "TEAE leading to discontinuation of Ivonescimab", "1", "33.3",
           NULL, NULL);
    expect(t, "", "TEAE leading to discontinuation of Sacituzumab govitecan",
           "1", "33.3", NULL, NULL);
    expect(t, "", "TEAE leading to discontinuation of all study treatment", "1",
           "33.3", NULL, NULL);
    expect(t, "", "TEAE leading to dose reduction", "1", "33.3", NULL, NULL);
    expect(t, "", "TEAE leading to dose interruption", "0", "0.0", NULL, NULL);
}

/* EVIDENCE: WORST-GRADE. */
static void test_soc_pt(void **state)
{
    (void)state;
    const char *t = "TEAEs by system organ class and preferred term";
    expect(t, "", "Any", "3", "100.0", "3", "100.0");
    /* Each subject once, at the worst grade: S1 G2 and G4, S2 G3. */
    expect(t, "BLOOD", "NEUTROPENIA", "2", "66.7", "2", "66.7");
    expect(t, "GASTROINTESTINAL", "Any", "2", "66.7", "1", "33.3");
    expect(t, "GASTROINTESTINAL", "NAUSEA", "1", "33.3", "0", "0.0");
    expect(t, "GASTROINTESTINAL", "DIARRHOEA", "1", "33.3", "1", "33.3");
    expect(t, "RESPIRATORY", "PNEUMONITIS", "1", "33.3", "0", "0.0");
    /* Not treatment-emergent: headache (before dose), rash (late, not
     * related), S4's fatigue (never dosed). */
    for (size_t r = 0; r < tab.nrow; r++) {
        const char *item = table_get(&tab, r, "ITEM");
        assert_true(strcmp(item, "HEADACHE") && strcmp(item, "RASH") &&
                    strcmp(item, "FATIGUE"));
    }
    /* Sorted by frequency: SOC rows in order 2, 2, 1 (blood before GI by
     * grade 3, then name). */
    size_t blood = at(t, "BLOOD", "Any"), gi = at(t, "GASTROINTESTINAL", "Any");
    size_t resp = at(t, "RESPIRATORY", "Any");
    assert_true(blood < gi && gi < resp);
}

static void test_related(void **state)
{
    (void)state;
    const char *e = "Treatment-related TEAEs (either drug)";
    expect(e, "", "Any", "3", "100.0", "3", "100.0");
    const char *iv = "Treatment-related TEAEs (Ivonescimab)";
    expect(iv, "", "Any", "2", "66.7", "2", "66.7");
    expect(iv, "BLOOD", "NEUTROPENIA", "1", "33.3", "1", "33.3");
    expect(iv, "RESPIRATORY", "PNEUMONITIS", "1", "33.3", "0", "0.0");
    const char *sg = "Treatment-related TEAEs (Sacituzumab govitecan)";
    expect(sg, "BLOOD", "NEUTROPENIA", "2", "66.7", "2", "66.7");
    expect(sg, "", "Any", "3", "100.0", "3", "100.0");
}

/* EVIDENCE: AESI. */
static void test_aesi(void **state)
{
    (void)state;
    const char *t = "Adverse events of special interest";
    expect(t, "", "Neutropenia", "2", "66.7", "2", "66.7");
    expect(t, "", "Diarrhoea", "1", "33.3", "1", "33.3");
    expect(t, "", "Immune-related pneumonitis", "1", "33.3", "0", "0.0");
    expect(t, "", "Hypertension", "0", "0.0", "0", "0.0");
}

/* EVIDENCE: EXPOSURE, DEATH-ON-TREATMENT. */
static void test_exposure_and_deaths(void **state)
{
    (void)state;
    const char *t = "Exposure";
    /* Ivonescimab: cycles 2, 1, 1; duration 42, 21, 21 days (last - first
     * + 21) = 1.38, 0.69, 0.69 months; cumulative 40, 20, 20; RDI 100 %
     * each (40 / 42 per day against 20 / 21). */
    expect(t, "Ivonescimab", "Subjects treated", "3", "100.0", NULL, NULL);
    size_t r = at(t, "Ivonescimab", "Cycles, median (range)");
    assert_string_equal(table_get(&tab, r, "VALUE"), "1 (1-2)");
    r = at(t, "Ivonescimab",
           "Duration, months (last - first dose + cycle length), median "
           "(range)");
    assert_string_equal(table_get(&tab, r, "VALUE"), "0.7 (0.7-1.4)");
    r = at(t, "Ivonescimab", "Cumulative dose, mg/kg, median (range)");
    assert_string_equal(table_get(&tab, r, "VALUE"), "20.0 (20.0-40.0)");
    r = at(t, "Ivonescimab", "Relative dose intensity, %, median (range)");
    assert_string_equal(table_get(&tab, r, "VALUE"), "100.0 (100.0-100.0)");
    /* Sacituzumab govitecan: S1 10 + 10 + 7.5 = 27.5 over 42 days against
     * 10 x 2 / 21 per day: RDI 68.75 %; S2 10 over 21 days: 50 %. */
    expect(t, "Sacituzumab govitecan", "Subjects treated", "2", "66.7", NULL,
           NULL);
    r = at(t, "Sacituzumab govitecan",
           "Relative dose intensity, %, median (range)");
    assert_string_equal(table_get(&tab, r, "VALUE"), "59.4 (50.0-68.8)");
    r = at(t, "Sacituzumab govitecan",
           "Cumulative dose, mg/kg, median "
           "(range)");
    assert_string_equal(table_get(&tab, r, "VALUE"), "18.8 (10.0-27.5)");
    expect(t, "Sacituzumab govitecan", "Subjects with a dose reduction", "1",
           "33.3", NULL, NULL);
    expect(t, "Sacituzumab govitecan",
           "Subjects with a cycle delayed (> 3 days late)", "0", "0.0", NULL,
           NULL);
    expect("Deaths", "", "All deaths", "1", "33.3", NULL, NULL);
    expect("Deaths", "", "On treatment (within 30 days of the last dose)", "1",
           "33.3", NULL, NULL);
    expect("Deaths", "", "With a fatal adverse event", "1", "33.3", NULL, NULL);
}

/* EVIDENCE: TEAE, TRAE. */
static void test_adae_flags(void **state)
{
    (void)state;
    const struct subject *s2 = study_find(&study, "S2");
    struct ae_derived a;
    ae_derive(&study, s2, &s2->aes[1], &a); /* pneumonitis */
    assert_true(a.trtem);
    assert_true(a.rel[0] && !a.rel[1]);
    assert_string_equal(a.reason,
                        "treatment-emergent: onset 2025-04-30 after the "
                        "90-day window, but treatment-related");
    ae_derive(&study, s2, &s2->aes[2], &a); /* rash */
    assert_false(a.trtem);
    /* Missing causality counts as related (i). */
    ae_derive(&study, s2, &s2->aes[0], &a);
    assert_true(a.rel_any);
    const struct subject *s1 = study_find(&study, "S1");
    ae_derive(&study, s1, &s1->aes[1], &a);
    assert_int_equal(a.act[1], ACT_REDUCED);
    assert_int_equal(a.act[0], ACT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overview),
        cmocka_unit_test(test_soc_pt),
        cmocka_unit_test(test_related),
        cmocka_unit_test(test_aesi),
        cmocka_unit_test(test_exposure_and_deaths),
        cmocka_unit_test(test_adae_flags),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
