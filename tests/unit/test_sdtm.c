/*
 * test_sdtm.c - the SDTM readers and the cross-file checks, one test per
 * rule of data-format.md, each asserting the exact message and its place
 * (file:line:column). Every test starts from a small valid study (two
 * subjects) and damages or extends one file.
 */
#include "helpers.h"

#include "balist/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char dm_csv[] =
    "STUDYID,DOMAIN,USUBJID,RFSTDTC,RFXSTDTC,DTHDTC,AGE,SEX\n"
    "S,DM,S-001,2025-01-10,2025-01-10,,50,F\n"
    "S,DM,S-002,2025-02-10,2025-02-10,,61,F\n";
static const char ds_csv[] = "USUBJID,DSDECOD,DSCAT,DSSTDTC\n"
                             "S-001,ENROLLED,PROTOCOL MILESTONE,2025-01-08\n"
                             "S-002,ENROLLED,PROTOCOL MILESTONE,2025-02-07\n";
static const char ex_csv[] =
    "USUBJID,EXTRT,EXDOSE,EXDOSU,EXSTDTC,EXENDTC\n"
    "S-001,IVONESCIMAB,20,mg/kg,2025-01-10,2025-01-10\n"
    "S-002,IVONESCIMAB,20,mg/kg,2025-02-10,2025-02-10\n";
/* Line numbers matter below: T01 RANO-BM is line 2. */
static const char tu_csv[] =
    "USUBJID,TULNKID,TUTESTCD,TUORRES,TULOC,TUCAT,TUEVAL,VISIT,TUDTC\n"
    "S-001,T01,TUMIDENT,TARGET,FRONTAL LOBE,RANO-BM,INVESTIGATOR,"
    "SCREENING,2025-01-03\n"
    "S-001,T01,TUMIDENT,TARGET,FRONTAL LOBE,RECIST 1.1,INVESTIGATOR,"
    "SCREENING,2025-01-03\n"
    "S-001,T02,TUMIDENT,TARGET,LIVER,RECIST 1.1,INVESTIGATOR,SCREENING,"
    "2025-01-03\n"
    "S-001,T03,TUMIDENT,TARGET,LYMPH NODE,RECIST 1.1,INVESTIGATOR,"
    "SCREENING,2025-01-03\n"
    "S-001,NT01,TUMIDENT,NON-TARGET,BONE,RECIST 1.1,INVESTIGATOR,"
    "SCREENING,2025-01-03\n"
    "S-002,T01,TUMIDENT,TARGET,CEREBELLUM,,INVESTIGATOR,SCREENING,"
    "2025-02-01\n";
static const char tr_head[] =
    "USUBJID,TRLNKID,TRTESTCD,TRORRES,TRORRESU,TRSTRESC,TRSTRESN,TRSTRESU,"
    "TRSTAT,TREVAL,VISIT,TRDTC\n";
static const char tr_rows[] =
    "S-001,T01,LDIAM,20,mm,20,20,mm,,INVESTIGATOR,SCREENING,2025-01-03\n"
    "S-001,T02,LDIAM,30,mm,30,30,mm,,INVESTIGATOR,SCREENING,2025-01-03\n"
    "S-001,T03,LPERP,18,mm,18,18,mm,,INVESTIGATOR,SCREENING,2025-01-03\n"
    "S-001,NT01,TUMSTATE,PRESENT,,PRESENT,,,,INVESTIGATOR,SCREENING,"
    "2025-01-03\n"
    "S-001,T01,LDIAM,14,mm,14,14,mm,,INVESTIGATOR,WEEK 6,2025-02-21\n"
    "S-001,T02,LDIAM,20,mm,20,20,mm,,INVESTIGATOR,WEEK 6,2025-02-21\n"
    "S-001,T03,LPERP,12,mm,12,12,mm,,INVESTIGATOR,WEEK 6,2025-02-21\n"
    "S-001,NT01,TUMSTATE,PRESENT,,PRESENT,,,,INVESTIGATOR,WEEK 6,"
    "2025-02-21\n"
    "S-002,T01,LDIAM,15,mm,15,15,mm,,INVESTIGATOR,SCREENING,2025-02-01\n";

struct fixture {
    char *dir;
    struct study s;
    struct diags d;
    int rc;
};

static void write_base(const char *dir)
{
    write_text(dir, "dm.csv", dm_csv);
    write_text(dir, "ds.csv", ds_csv);
    write_text(dir, "ex.csv", ex_csv);
    write_text(dir, "tu.csv", tu_csv);
    /* Adverse events collected, none reported (no ae.csv is a warning). */
    write_text(dir, "ae.csv",
               "STUDYID,DOMAIN,USUBJID,AESEQ,AETERM,AEDECOD,AESTDTC,"
               "AETOXGR\n");
    char tr[4096];
    snprintf(tr, sizeof tr, "%s%s", tr_head, tr_rows);
    write_text(dir, "tr.csv", tr);
}

static struct fixture *fx_new(void)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    f->dir = tmpdir_make();
    write_base(f->dir);
    return f;
}

/* Writes tr.csv as the base rows plus extra ones. */
static void tr_plus(struct fixture *f, const char *extra)
{
    char tr[8192];
    snprintf(tr, sizeof tr, "%s%s%s", tr_head, tr_rows, extra);
    write_text(f->dir, "tr.csv", tr);
}

/* Writes tr.csv as the base rows with one substring replaced. */
static void tr_subst(struct fixture *f, const char *from, const char *to)
{
    char tr[8192], out[8192];
    snprintf(tr, sizeof tr, "%s%s", tr_head, tr_rows);
    char *p = strstr(tr, from);
    assert_non_null(p);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(p - tr), tr, to,
             p + strlen(from));
    write_text(f->dir, "tr.csv", out);
}

static void fx_load_opt(struct fixture *f, const struct load_options *o)
{
    study_init(&f->s);
    diags_init(&f->d, 0);
    f->rc = sdtm_load(f->dir, o, &f->s, &f->d);
    diags_sort(&f->d);
}

static void fx_load(struct fixture *f)
{
    struct load_options o;
    load_options_init(&o);
    fx_load_opt(f, &o);
}

static void fx_free(struct fixture *f)
{
    diags_release(&f->d);
    study_release(&f->s);
    tmpdir_remove(f->dir);
    free(f);
}

/* Asserts a diagnostic whose formatted text contains want. */
static void expect(struct fixture *f, const char *want)
{
    if (!find_diag(&f->d, want)) {
        fprintf(stderr, "wanted: %s\ngot:\n", want);
        dump_diags(&f->d);
    }
    assert_non_null(find_diag(&f->d, want));
}

static const struct measurement *meas_of(const struct subject *sj,
                                         const char *linkid, const char *visit)
{
    int li = subject_find_lesion(sj, linkid);
    for (size_t i = 0; i < sj->n_meas; i++)
        if (sj->meas[i].lesion == li && !strcmp(sj->meas[i].visit, visit))
            return &sj->meas[i];
    return NULL;
}

/* ---- the valid base study ---- */

/* EVIDENCE: LESION-CNS, LESION-NODAL, LESION-CRITERION. */
static void test_base_is_clean(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    fx_load(f);
    if (f->d.n)
        dump_diags(&f->d);
    assert_int_equal(f->rc, 0);
    assert_int_equal(f->d.n_errors, 0);
    assert_int_equal(f->d.n_warnings, 0);
    assert_int_equal(f->s.n_subjects, 2);
    const struct subject *sj = study_find(&f->s, "S-001");
    assert_non_null(sj);
    /* Origin: the ENROLLED milestone; first dose from EX. */
    assert_int_equal(sj->origin, date_from_ymd(2025, 1, 8));
    assert_int_equal(sj->origin_source, ORIGIN_MILESTONE);
    assert_int_equal(sj->first_dose, date_from_ymd(2025, 1, 10));
    assert_int_equal(sj->n_lesions, 4);
    /* Criterion per lesion from TUCAT: T01 is a target for both. */
    const struct lesion *t01 = &sj->lesions[subject_find_lesion(sj, "T01")];
    assert_int_equal(t01->cls[CRIT_RANOBM], LC_TARGET);
    assert_int_equal(t01->cls[CRIT_RECIST], LC_TARGET);
    assert_true(t01->is_cns);
    const struct lesion *t02 = &sj->lesions[subject_find_lesion(sj, "T02")];
    assert_int_equal(t02->cls[CRIT_RANOBM], LC_NONE);
    assert_false(t02->is_cns);
    const struct lesion *t03 = &sj->lesions[subject_find_lesion(sj, "T03")];
    assert_true(t03->is_nodal);
    /* Without TUCAT: RANO-BM sees the CNS lesion, RECIST sees all. */
    const struct subject *s2 = study_find(&f->s, "S-002");
    assert_int_equal(s2->lesions[0].cls[CRIT_RANOBM], LC_TARGET);
    assert_int_equal(s2->lesions[0].cls[CRIT_RECIST], LC_TARGET);
    const struct measurement *m = meas_of(sj, "T02", "WEEK 6");
    assert_non_null(m);
    assert_int_equal(m->kind, MV_VALUE);
    assert_int_equal(m->diam, 20 * DIAM_SCALE);
    assert_int_equal(m->date, date_from_ymd(2025, 2, 21));
    assert_int_equal(sj->last_alive, date_from_ymd(2025, 2, 21));
    fx_free(f);
}

/* ---- parse-level rules ---- */

static void test_missing_column(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "tr.csv",
               "USUBJID,TRLNKID,TRTESTCD,TRORRES\nS-001,T01,LDIAM,20\n");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    expect(f, "tr.csv:1: error: required column TRDTC is missing (the "
              "header has 4 columns) [column]");
    fx_free(f);
}

static void test_missing_alternative_column(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "tu.csv", "USUBJID,TULNKID,TUTESTCD,TUDTC\n");
    fx_load(f);
    expect(f, "tu.csv:1: error: required column TUORRES/TUSTRESC is "
              "missing");
    fx_free(f);
}

static void test_bad_date(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f, "S-001,T01,LDIAM,15,mm,15,15,mm,,INVESTIGATOR,WEEK 12,"
               "2025-02-30\n");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    /* Line 11 (header + 9 rows + this), column 12 = TRDTC. */
    expect(f, "tr.csv:11:12: error: TRDTC '2025-02-30' must be a day that "
              "exists in that month (subject S-001) [date]");
    fx_free(f);
}

static void test_bad_number(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f, "S-001,T01,LDIAM,-4,mm,-4,-4,mm,,INVESTIGATOR,WEEK 12,"
               "2025-04-04\n");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    expect(f, "tr.csv:11:7: error: TRSTRESN '-4' must be a length in mm, 0 "
              "or more, or TOO SMALL TO MEASURE (subject S-001, lesion T01, "
              "visit WEEK 12) [number]");
    fx_free(f);
}

static void test_bad_unit_and_cm(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f, "S-001,T01,LDIAM,1,in,1,1,in,,INVESTIGATOR,WEEK 12,"
               "2025-04-04\n"
               "S-001,T02,LDIAM,2.1,cm,2.1,2.1,cm,,INVESTIGATOR,WEEK 12,"
               "2025-04-04\n");
    fx_load(f);
    expect(f, "tr.csv:11:8: error: unit 'IN' of LDIAM must be mm or cm "
              "(subject S-001, lesion T01, visit WEEK 12) [unit]");
    /* cm is converted: 2.1 cm = 21 mm. */
    const struct measurement *m =
        meas_of(study_find(&f->s, "S-001"), "T02", "WEEK 12");
    assert_non_null(m);
    assert_int_equal(m->diam, 21 * DIAM_SCALE);
    fx_free(f);
}

static void test_field_count(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f, "S-001,T01,LDIAM,15,mm,15,15\n");
    fx_load(f);
    expect(f, "tr.csv:11: error: 7 fields, but the header has 12 (a comma "
              "inside a value must be quoted) [csv]");
    fx_free(f);
}

static void test_bad_term(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "tu.csv",
               "USUBJID,TULNKID,TUTESTCD,TUORRES,TULOC,TUDTC\n"
               "S-001,T01,TUMIDENT,TARGET,FRONTAL LOBE,2025-01-03\n"
               "S-001,T02,TUMIDENT,TARGETT,LIVER,2025-01-03\n"
               "S-001,T03,TUMIDENT,TARGET,LYMPH NODE,2025-01-03\n"
               "S-001,NT01,TUMIDENT,NON-TARGET,BONE,2025-01-03\n"
               "S-002,T01,TUMIDENT,TARGET,BRAIN,2025-02-01\n");
    fx_load(f);
    expect(f, "tu.csv:3:4: error: TUORRES 'TARGETT' must be TARGET, "
              "NON-TARGET, NEW or EQUIVOCAL (subject S-001, lesion T02) "
              "[term]");
    fx_free(f);
}

static void test_duplicate_dm(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    char dm[1024];
    snprintf(dm, sizeof dm, "%sS,DM,S-001,2025-01-10,2025-01-10,,50,F\n",
             dm_csv);
    write_text(f->dir, "dm.csv", dm);
    fx_load(f);
    expect(f, "dm.csv:4:3: error: subject 'S-001' has a second DM row (the "
              "first is at line 2) [duplicate]");
    fx_free(f);
}

static void test_missing_dm(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    char path[4096];
    snprintf(path, sizeof path, "%s/dm.csv", f->dir);
    remove(path);
    fx_load(f);
    expect(f, "dm.csv: error: missing: a study folder must hold dm.csv");
    fx_free(f);
}

/* ---- cross-file rules ---- */

static void test_unknown_subject(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f, "S-099,T01,LDIAM,15,mm,15,15,mm,,INVESTIGATOR,WEEK 6,"
               "2025-02-21\n"
               "S-099,T02,LDIAM,15,mm,15,15,mm,,INVESTIGATOR,WEEK 6,"
               "2025-02-21\n");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    /* Once per subject and file, at its first row. */
    expect(f, "tr.csv:11:1: error: subject 'S-099' is not in dm.csv (every "
              "subject must have a DM row) [unknown-subject]");
    assert_int_equal(f->d.n_errors, 1);
    fx_free(f);
}

static void test_tr_without_tu(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f, "S-001,T09,LDIAM,15,mm,15,15,mm,,INVESTIGATOR,WEEK 6,"
               "2025-02-21\n");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    expect(f, "tr.csv:11:2: error: TRLNKID 'T09' has no TU row (subject "
              "S-001; every measured lesion must be identified in tu.csv) "
              "[no-lesion]");
    fx_free(f);
}

/* EVIDENCE: BASELINE-ANCHOR, BASELINE-CHOICE, BASELINE-WINDOW. 29 days
 * before the first dose is out of the window of 28; 28 is in
 * (test_baseline_exactly_28_days); none on or before it
 * (test_no_baseline). */
static void test_baseline_too_early(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    /* S-002's baseline on 2025-01-12 is 29 days before its first dose. */
    tr_subst(f, "SCREENING,2025-02-01", "SCREENING,2025-01-12");
    fx_load(f);
    assert_int_equal(f->rc, 0); /* a warning, not an error */
    expect(f, "tr.csv:10: warning: baseline assessment of subject S-002 "
              "(visit SCREENING, 2025-01-12) is 29 days before the first "
              "dose (2025-02-10), more than baseline_max_days_before 28: no "
              "valid baseline [baseline]");
    fx_free(f);
}

static void test_baseline_exactly_28_days(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_subst(f, "SCREENING,2025-02-01", "SCREENING,2025-01-13");
    fx_load(f);
    assert_int_equal(f->d.n_warnings, 0);
    fx_free(f);
}

static void test_no_baseline(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_subst(f, "SCREENING,2025-02-01", "WEEK 6,2025-03-24");
    fx_load(f);
    expect(f, "tr.csv:10: warning: subject S-002 has no tumour assessment "
              "on or before the first dose (2025-02-10): no valid baseline "
              "[baseline]");
    fx_free(f);
}

static void test_duplicate_measurement(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f, "S-001,T02,LDIAM,21,mm,21,21,mm,,INVESTIGATOR,WEEK 6,"
               "2025-02-21\n");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    expect(f, "tr.csv:11: error: lesion T02 of subject S-001 has two LDIAM "
              "results at visit WEEK 6 (the other at line 7), with different "
              "values [duplicate]");
    fx_free(f);
    /* The same value twice is a copy: a warning, counted once. */
    f = fx_new();
    tr_plus(f, "S-001,T02,LDIAM,20,mm,20,20,mm,,INVESTIGATOR,WEEK 6,"
               "2025-02-21\n");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "tr.csv:11: warning: lesion T02 of subject S-001 has two "
              "LDIAM results at visit WEEK 6 (the other at line 7), with the "
              "same value: counted once [duplicate]");
    const struct subject *sj = study_find(&f->s, "S-001");
    int n = 0;
    for (size_t i = 0; i < sj->n_meas; i++)
        n += sj->meas[i].lesion == subject_find_lesion(sj, "T02") &&
             !strcmp(sj->meas[i].visit, "WEEK 6");
    assert_int_equal(n, 1);
    fx_free(f);
}

static void test_target_without_baseline(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    /* T02's baseline row becomes NOT DONE. */
    tr_subst(f, "S-001,T02,LDIAM,30,mm,30,30,mm,,",
             "S-001,T02,LDIAM,,,,,,NOT DONE,");
    fx_load(f);
    assert_int_equal(f->rc, 0); /* NOT DONE is never an error */
    expect(f, "tu.csv:4: warning: RECIST 1.1 target lesion T02 of subject "
              "S-001 has no baseline measurement (visit SCREENING, "
              "2025-01-03): the baseline is incomplete "
              "[no-baseline-measurement]");
    const struct measurement *m =
        meas_of(study_find(&f->s, "S-001"), "T02", "SCREENING");
    assert_non_null(m);
    assert_int_equal(m->kind, MV_NOT_DONE);
    fx_free(f);
}

/* EVIDENCE: RECIST-MEASURABLE, RANO-MEASURABLE. */
static void test_below_measurability(void **state)
{
    (void)state;
    /* A node of 14.9 mm short axis (needs 15). */
    struct fixture *f = fx_new();
    tr_subst(f, "S-001,T03,LPERP,18,mm,18,18,",
             "S-001,T03,LPERP,14.9,mm,14.9,14.9,");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "tr.csv:4: warning: RECIST 1.1 target lesion T03 of subject "
              "S-001 measures 14.9 mm at baseline, below the short axis "
              "threshold of 15 mm (lymph node, response-criteria.md a.2) "
              "[not-measurable]");
    assert_int_equal(f->d.n_warnings, 1);
    fx_free(f);
    /* A brain lesion of 9.9 mm (needs 10 under both criteria). */
    f = fx_new();
    tr_subst(f, "S-001,T01,LDIAM,20,mm,20,20,",
             "S-001,T01,LDIAM,9.9,mm,9.9,9.9,");
    fx_load(f);
    expect(f, "tr.csv:2: warning: RANO-BM target lesion T01 of subject "
              "S-001 measures 9.9 mm at baseline, below the longest diameter "
              "threshold of 10 mm (response-criteria.md a.1) "
              "[not-measurable]");
    expect(f, "tr.csv:2: warning: RECIST 1.1 target lesion T01 of subject "
              "S-001 measures 9.9 mm at baseline, below the longest diameter "
              "threshold of 10 mm (response-criteria.md a.2)");
    /* S-001's only CNS target: no measurable CNS disease. */
    /* EVIDENCE: MEASURABLE-DISEASE. */
    expect(f, "warning: subject S-001 has no RANO-BM target lesion "
              "measurable at baseline: no measurable disease (CNSMDFL N), "
              "not in the CNS-evaluable set [not-measurable]");
    assert_int_equal(f->d.n_warnings, 3);
    fx_free(f);
}

/* Writes tu.csv as the base rows with one substring replaced and extra
 * rows after them. */
static void tu_write(struct fixture *f, const char *from, const char *to,
                     const char *extra)
{
    char tu[8192], out[8192];
    snprintf(tu, sizeof tu, "%s", tu_csv);
    char *p = from ? strstr(tu, from) : NULL;
    if (from)
        assert_non_null(p);
    if (p)
        snprintf(out, sizeof out, "%.*s%s%s%s", (int)(p - tu), tu, to,
                 p + strlen(from), extra);
    else
        snprintf(out, sizeof out, "%s%s", tu, extra);
    write_text(f->dir, "tu.csv", out);
}

/* EVIDENCE: RANO-MEASURABLE, TARGET-COUNT, LESION-CNS. */
static void test_not_measurable_and_count(void **state)
{
    (void)state;
    /* S-002's target at 15 mm in the leptomeninges: a CNS location (so
     * RANO-BM sees it), but leptomeningeal disease is never measurable
     * (a.1); under RECIST 1.1 15 mm is measurable. */
    struct fixture *f = fx_new();
    tu_write(f, "TARGET,CEREBELLUM,", "TARGET,LEPTOMENINGES,", "");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "tr.csv:10: warning: RANO-BM target lesion T01 of subject "
              "S-002 is leptomeningeal, which is non-measurable disease "
              "(response-criteria.md a.1) [not-measurable]");
    expect(f, "warning: subject S-002 has no RANO-BM target lesion "
              "measurable at baseline: no measurable disease (CNSMDFL N), "
              "not in the CNS-evaluable set [not-measurable]");
    assert_int_equal(f->d.n_warnings, 2);
    fx_free(f);
    /* Three more RECIST targets of S-001, measured at baseline: six, one
     * more than the five RECIST 1.1 allows (a.2). */
    f = fx_new();
    tu_write(f, NULL, NULL,
             "S-001,T04,TUMIDENT,TARGET,LUNG,RECIST 1.1,INVESTIGATOR,"
             "SCREENING,2025-01-03\n"
             "S-001,T05,TUMIDENT,TARGET,LUNG,RECIST 1.1,INVESTIGATOR,"
             "SCREENING,2025-01-03\n"
             "S-001,T06,TUMIDENT,TARGET,ADRENAL GLAND,RECIST 1.1,"
             "INVESTIGATOR,SCREENING,2025-01-03\n");
    tr_plus(f, "S-001,T04,LDIAM,11,mm,11,11,mm,,INVESTIGATOR,SCREENING,"
               "2025-01-03\n"
               "S-001,T05,LDIAM,12,mm,12,12,mm,,INVESTIGATOR,SCREENING,"
               "2025-01-03\n"
               "S-001,T06,LDIAM,13,mm,13,13,mm,,INVESTIGATOR,SCREENING,"
               "2025-01-03\n");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "tu.csv:2: warning: subject S-001 has 6 RECIST 1.1 target "
              "lesions; the criterion allows at most 5 [not-measurable]");
    assert_int_equal(f->d.n_warnings, 1);
    fx_free(f);
}

static void test_node_at_15_is_measurable(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_subst(f, "S-001,T03,LPERP,18,mm,18,18,", "S-001,T03,LPERP,15,mm,15,15,");
    fx_load(f);
    assert_int_equal(f->d.n_warnings, 0);
    fx_free(f);
}

static void test_after_cutoff(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "protocol.json", "{\"data_cutoff\": \"2025-02-20\"}");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    /* EVIDENCE: DATA-CUTOFF. */
    expect(f, "tr.csv:6: warning: 4 records of 1 subject dated after the "
              "data cut-off 2025-02-20, or of a subject enrolled after it, "
              "are left out [after-cutoff]");
    fx_free(f);
    /* --cutoff on the command line overrides the protocol. */
    f = fx_new();
    write_text(f->dir, "protocol.json", "{\"data_cutoff\": \"2025-02-20\"}");
    struct load_options o;
    load_options_init(&o);
    o.cutoff_set = true;
    o.cutoff = date_from_ymd(2025, 3, 1);
    fx_load_opt(f, &o);
    assert_int_equal(f->d.n_warnings, 0);
    fx_free(f);
}

static void test_evaluator_selection(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    /* Only independent reads: INVESTIGATOR matches nothing. */
    write_text(f->dir, "tu.csv",
               "USUBJID,TULNKID,TUTESTCD,TUORRES,TULOC,TUEVAL,TUACPTFL\n"
               "S-001,T01,TUMIDENT,TARGET,LIVER,INDEPENDENT ASSESSOR,Y\n"
               "S-001,T01,TUMIDENT,TARGET,LIVER,INDEPENDENT ASSESSOR,\n");
    write_text(f->dir, "tr.csv",
               "USUBJID,TRLNKID,TRTESTCD,TRSTRESN,TRDTC,TREVAL,TRACPTFL\n"
               "S-001,T01,LDIAM,20,2025-01-03,INDEPENDENT ASSESSOR,Y\n"
               "S-001,T01,LDIAM,22,2025-01-03,INDEPENDENT ASSESSOR,\n");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    expect(f, "tu.csv: error: no row matches the evaluator INVESTIGATOR; "
              "the file has INDEPENDENT ASSESSOR (choose one with "
              "--evaluator INVESTIGATOR|INDEPENDENT or the protocol key "
              "\"evaluator\") [evaluator]");
    fx_free(f);

    f = fx_new();
    write_text(f->dir, "tu.csv",
               "USUBJID,TULNKID,TUTESTCD,TUORRES,TULOC,TUEVAL,TUACPTFL\n"
               "S-001,T01,TUMIDENT,TARGET,LIVER,INDEPENDENT ASSESSOR,Y\n"
               "S-001,T01,TUMIDENT,TARGET,LIVER,INDEPENDENT ASSESSOR,\n");
    write_text(f->dir, "tr.csv",
               "USUBJID,TRLNKID,TRTESTCD,TRSTRESN,TRDTC,TREVAL,TRACPTFL\n"
               "S-001,T01,LDIAM,20,2025-01-03,INDEPENDENT ASSESSOR,Y\n"
               "S-001,T01,LDIAM,22,2025-01-03,INDEPENDENT ASSESSOR,\n");
    struct load_options o;
    load_options_init(&o);
    o.evaluator_set = true;
    o.evaluator = EVAL_INDEPENDENT;
    fx_load_opt(f, &o);
    assert_int_equal(f->rc, 0);
    /* Only the accepted read counts: one lesion, 20 mm, no duplicate. */
    const struct subject *sj = study_find(&f->s, "S-001");
    assert_int_equal(sj->n_lesions, 1);
    assert_int_equal(sj->n_meas, 1);
    assert_int_equal(sj->meas[0].diam, 20 * DIAM_SCALE);
    fx_free(f);
}

static void test_partial_dates(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    /* A partial baseline date whose month holds the first dose is
     * imputed to the first dose; a later one to the last day. */
    tr_subst(f, "SCREENING,2025-02-01\n",
             "SCREENING,2025-02\n"
             "S-002,T01,LDIAM,12,mm,12,12,mm,,INVESTIGATOR,WEEK 6,2025-03\n");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "tr.csv:10:12: warning: TRDTC '2025-02' is partial; imputed "
              "to 2025-02-10, the first dose, as this is a baseline visit "
              "(protocol partial_assessment_date \"last\") (subject S-002, "
              "visit SCREENING) [imputed-date]");
    expect(f, "tr.csv:11:12: warning: TRDTC '2025-03' is partial; imputed "
              "to 2025-03-31, the last possible day");
    const struct measurement *m =
        meas_of(study_find(&f->s, "S-002"), "T01", "WEEK 6");
    assert_true(m->date_imputed);
    assert_int_equal(m->date, date_from_ymd(2025, 3, 31));
    fx_free(f);
}

/* EVIDENCE: MEAS-TEST, TSTM-VALUE. */
static void test_tstm_and_diameter_choice(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f,
            /* TSTM with the sponsor's number, and without one. */
            "S-001,T01,LDIAM,TOO SMALL TO MEASURE,,TOO SMALL TO MEASURE,3,mm,,"
            "INVESTIGATOR,WEEK 12,2025-04-04\n"
            "S-001,T02,LDIAM,TOO SMALL TO MEASURE,,TOO SMALL TO MEASURE,,,,"
            "INVESTIGATOR,WEEK 12,2025-04-04\n"
            /* A node with three tests: LPERP wins, never added. */
            "S-001,T03,DIAMETER,16,mm,16,16,mm,,INVESTIGATOR,WEEK 12,"
            "2025-04-04\n"
            "S-001,T03,LDIAM,19,mm,19,19,mm,,INVESTIGATOR,WEEK 12,"
            "2025-04-04\n"
            "S-001,T03,LPERP,9.9,mm,9.9,9.9,mm,,INVESTIGATOR,WEEK 12,"
            "2025-04-04\n");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    const struct subject *sj = study_find(&f->s, "S-001");
    const struct measurement *m = meas_of(sj, "T01", "WEEK 12");
    assert_int_equal(m->kind, MV_TSTM);
    assert_true(m->tstm_recorded);
    assert_int_equal(m->diam, 3 * DIAM_SCALE);
    m = meas_of(sj, "T02", "WEEK 12");
    assert_int_equal(m->kind, MV_TSTM);
    assert_false(m->tstm_recorded);
    assert_int_equal(m->diam, 5 * DIAM_SCALE); /* tstm_value_mm */
    m = meas_of(sj, "T03", "WEEK 12");
    assert_int_equal(m->kind, MV_VALUE);
    assert_int_equal(m->test, DT_LPERP);
    assert_int_equal(m->diam, 99000);
    fx_free(f);
}

static void test_split_and_merge(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    char tu[4096];
    snprintf(tu, sizeof tu, "%s%s", tu_csv,
             "S-001,T02.1,TUSPLIT,TARGET,LIVER,RECIST 1.1,INVESTIGATOR,"
             "WEEK 12,2025-04-04\n"
             "S-001,T02.2,TUSPLIT,,LIVER,RECIST 1.1,INVESTIGATOR,WEEK 12,"
             "2025-04-04\n"
             "S-001,T01/T03,TUMERGE,,BRAIN,RECIST 1.1,INVESTIGATOR,WEEK 12,"
             "2025-04-04\n");
    write_text(f->dir, "tu.csv", tu);
    fx_load(f);
    if (f->rc)
        dump_diags(&f->d);
    assert_int_equal(f->rc, 0);
    const struct subject *sj = study_find(&f->s, "S-001");
    int t02 = subject_find_lesion(sj, "T02");
    const struct lesion *a = &sj->lesions[subject_find_lesion(sj, "T02.1")];
    const struct lesion *b = &sj->lesions[subject_find_lesion(sj, "T02.2")];
    assert_int_equal(a->parent, t02);
    assert_int_equal(b->parent, t02);
    /* A fragment without its own class inherits the parent's. */
    assert_int_equal(b->cls[CRIT_RECIST], LC_TARGET);
    int mg = subject_find_lesion(sj, "T01/T03");
    assert_true(sj->lesions[mg].is_merge);
    assert_int_equal(sj->lesions[subject_find_lesion(sj, "T01")].merged_into,
                     mg);
    assert_int_equal(sj->lesions[subject_find_lesion(sj, "T03")].merged_into,
                     mg);
    fx_free(f);
}

static void test_supp_qualifiers(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    /* S-002's lesion has no TULOC; SUPPTU gives it. */
    char tu[4096];
    const char *p = strstr(tu_csv, "S-002,T01,TUMIDENT,TARGET,CEREBELLUM,");
    snprintf(tu, sizeof tu, "%.*s%s", (int)(p - tu_csv), tu_csv,
             "S-002,T01,TUMIDENT,TARGET,,,INVESTIGATOR,SCREENING,"
             "2025-02-01\n");
    write_text(f->dir, "tu.csv", tu);
    write_text(f->dir, "supptu.csv",
               "RDOMAIN,USUBJID,IDVAR,IDVARVAL,QNAM,QVAL\n"
               "TU,S-002,TULNKID,T01,TULOC,Temporal lobe\n");
    write_text(f->dir, "ae.csv",
               "USUBJID,AESEQ,AETERM,AESTDTC,AEENDTC,AETOXGR\n"
               "S-001,1,Neutropenia,2025-01-20,2025-01-30,3\n"
               "S-001,2,Nausea,2025-01-11,,1\n");
    write_text(f->dir, "suppae.csv",
               "RDOMAIN,USUBJID,IDVAR,IDVARVAL,QNAM,QVAL\n"
               "AE,S-001,AESEQ,1,AERELADC,RELATED\n"
               "AE,S-001,AESEQ,1,AERELIVO,NOT RELATED\n"
               "AE,S-001,AESEQ,7,AERELIVO,RELATED\n");
    fx_load(f);
    /* A qualifier whose parent does not exist is an error. */
    expect(f, "suppae.csv:4: error: 1 qualifier row matches no row of "
              "ae.csv (USUBJID, IDVAR and IDVARVAL must name a parent row) "
              "[supp]");
    const struct subject *s2 = study_find(&f->s, "S-002");
    assert_string_equal(s2->lesions[0].loc, "TEMPORAL LOBE");
    assert_true(s2->lesions[0].is_cns);
    assert_int_equal(s2->lesions[0].cls[CRIT_RANOBM], LC_TARGET);
    const struct subject *s1 = study_find(&f->s, "S-001");
    assert_int_equal(s1->n_aes, 2);
    assert_int_equal(s1->aes[0].n_quals, 2);
    assert_string_equal(s1->aes[0].quals[0].qnam, "AERELADC");
    assert_string_equal(s1->aes[0].quals[0].qval, "RELATED");
    assert_int_equal(s1->aes[1].n_quals, 0);
    assert_int_equal(s1->aes[0].grade, 3);
    fx_free(f);
}

static void test_ae_rules(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "ae.csv",
               "USUBJID,AETERM,AESTDTC,AEENDTC,AETOXGR\n"
               "S-001,Neutropenia,2025-01-20,2025-01-10,3\n"
               "S-001,Rash,2025-01-20,,6\n"
               "S-003,Nausea,2025-01-20,,1\n"
               "S-001,Fatigue,2025-01,2025-03,2\n");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    expect(f, "ae.csv:2:4: error: AEENDTC '2025-01-10' is before AESTDTC "
              "'2025-01-20' (subject S-001, Neutropenia) [date-order]");
    expect(f, "ae.csv:3:5: error: AETOXGR '6' must be a CTCAE grade from 1 "
              "to 5 (subject S-001, Rash) [number]");
    expect(f, "ae.csv:4:1: error: subject 'S-003' is not in dm.csv");
    /* Partial AE start: the earliest day not before the first dose; end:
     * the latest possible day. */
    const struct subject *sj = study_find(&f->s, "S-001");
    const struct ae *a = &sj->aes[2];
    assert_int_equal(a->start, date_from_ymd(2025, 1, 10));
    assert_true(a->start_imputed);
    assert_int_equal(a->end, date_from_ymd(2025, 3, 31));
    assert_true(a->end_imputed);
    fx_free(f);
}

static void test_death_dates(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "dm.csv",
               "USUBJID,RFSTDTC,DTHDTC,DTHFL\n"
               "S-001,2025-01-10,2025-02,Y\n"
               "S-002,2025-02-10,2025,Y\n");
    fx_load(f);
    /* Year only is an error; a missing day is the 1st, but never before
     * the last known alive date (S-001 was scanned on 2025-02-21). */
    expect(f, "dm.csv:3:3: error: DTHDTC '2025' must be complete to the "
              "month at least (subject S-002) [date]");
    expect(f, "dm.csv:2: warning: DTHDTC of subject S-001 has no day; "
              "imputed to 2025-02-21");
    assert_int_equal(study_find(&f->s, "S-001")->death,
                     date_from_ymd(2025, 2, 21));
    fx_free(f);
}

/* EVIDENCE: ORIGIN. */
static void test_origin_fallback(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "ds.csv",
               "USUBJID,DSDECOD,DSSTDTC\n"
               "S-001,RANDOMIZED,2025-01-09\n"
               "S-002,INFORMED CONSENT OBTAINED,2025-02-01\n");
    fx_load(f);
    const struct subject *s1 = study_find(&f->s, "S-001");
    const struct subject *s2 = study_find(&f->s, "S-002");
    assert_int_equal(s1->origin, date_from_ymd(2025, 1, 9));
    assert_int_equal(s2->origin, date_from_ymd(2025, 2, 10));
    assert_int_equal(s2->origin_source, ORIGIN_FROM_FIRST_DOSE);
    expect(f, "ds.csv: warning: subject S-002 has no DS milestone in "
              "origin_milestones; the time origin is the first dose "
              "[origin]");
    fx_free(f);
}

static void test_states_and_new_lesions(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    char tu[4096];
    snprintf(tu, sizeof tu, "%s%s", tu_csv,
             "S-001,NEW01,TUMIDENT,NEW,PARIETAL LOBE,,INVESTIGATOR,WEEK 6,"
             "2025-02-21\n");
    write_text(f->dir, "tu.csv", tu);
    tr_plus(f, "S-001,NEW01,TUMSTATE,EQUIVOCAL,,EQUIVOCAL,,,,INVESTIGATOR,"
               "WEEK 6,2025-02-21\n"
               "S-001,NEW01,TUMSTATE,UNEQUIVOCAL,,UNEQUIVOCAL,,,,INVESTIGATOR,"
               "WEEK 12,2025-04-04\n"
               "S-001,NT01,TUMSTATE,UNEQUIVOCAL PROGRESSION,,,,,,INVESTIGATOR,"
               "WEEK 12,2025-04-04\n"
               "S-001,T01,LDIAM,MAYBE,,MAYBE,,,,INVESTIGATOR,WEEK 12,"
               "2025-04-04\n");
    fx_load(f);
    const struct subject *sj = study_find(&f->s, "S-001");
    const struct lesion *nl = &sj->lesions[subject_find_lesion(sj, "NEW01")];
    assert_int_equal(nl->cls[CRIT_RECIST], LC_NEW);
    assert_int_equal(nl->cls[CRIT_RANOBM], LC_NEW); /* a CNS new lesion */
    assert_int_equal(meas_of(sj, "NEW01", "WEEK 6")->state, TS_EQUIVOCAL);
    assert_int_equal(meas_of(sj, "NEW01", "WEEK 12")->state, TS_UNEQUIVOCAL);
    assert_int_equal(meas_of(sj, "NT01", "WEEK 12")->state, TS_UNEQUIVOCAL);
    expect(f, "tr.csv:14:6: error: TRSTRESC 'MAYBE' must be a length in mm, "
              "0 or more, or TOO SMALL TO MEASURE (subject S-001, lesion "
              "T01, visit WEEK 12) [number]");
    fx_free(f);
}

static void test_recorded_responses(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "rs.csv",
               "USUBJID,RSTESTCD,RSCAT,RSORRES,RSSTAT,VISIT,RSDTC\n"
               "S-001,OVRLRESP,RECIST 1.1,PR,,WEEK 6,2025-02-21\n"
               "S-001,OVRLRESP,RANO BM,SD,,WEEK 6,2025-02-21\n"
               "S-001,OVRLRESP,,CHECK,,WEEK 6,2025-02-21\n"
               "S-001,OVRLRESP,RECIST 1.1,,NOT DONE,WEEK 12,2025-04-04\n"
               "S-001,CLINSTAT,RANO-BM,WORSENED,,WEEK 6,2025-02-21\n"
               "S-001,NRADPROG,,Y,,WEEK 12,2025-04-04\n");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "rs.csv:4:4: warning: RSORRES 'CHECK' of OVRLRESP is not one "
              "of CR, PR, SD, NON-CR/NON-PD, PD or NE; the row is skipped "
              "(subject S-001) [term]");
    const struct subject *sj = study_find(&f->s, "S-001");
    assert_int_equal(sj->n_rs, 5);
    assert_int_equal(sj->rs[0].crit, CRIT_RECIST);
    assert_string_equal(sj->rs[0].value, "PR");
    assert_int_equal(sj->rs[1].crit, CRIT_RANOBM); /* alias RANO BM */
    assert_string_equal(sj->rs[2].value, "NE");    /* NOT DONE */
    assert_int_equal(sj->rs[3].kind, RS_NEURO);
    assert_string_equal(sj->rs[3].value, "WORSE");
    assert_string_equal(sj->rs[4].value, "WORSE"); /* NRADPROG Y */
    fx_free(f);
}

static void test_reused_visit_label(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    tr_plus(f, "S-001,T01,LDIAM,13,mm,13,13,mm,,INVESTIGATOR,UNSCHEDULED,"
               "2025-03-01\n"
               "S-001,T01,LDIAM,12,mm,12,12,mm,,INVESTIGATOR,UNSCHEDULED,"
               "2025-06-01\n");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "tr.csv:12: warning: visit UNSCHEDULED of subject S-001 holds "
              "scans on 2025-03-01 and 2025-06-01, more than 14 days apart: "
              "they are taken as two assessments [duplicate]");
    fx_free(f);
    /* The span is the protocol's: 92 days apart are one assessment with
     * assessment_span_days 100 (no warning); 14 days apart are two with
     * 13. */
    f = fx_new();
    write_text(f->dir, "protocol.json", "{\"assessment_span_days\": 100}");
    tr_plus(f, "S-001,T01,LDIAM,13,mm,13,13,mm,,INVESTIGATOR,UNSCHEDULED,"
               "2025-03-01\n"
               "S-001,T01,LDIAM,12,mm,12,12,mm,,INVESTIGATOR,UNSCHEDULED,"
               "2025-06-01\n");
    fx_load(f);
    assert_int_equal(f->rc, -1); /* one lesion, two results, one visit */
    expect(f, "tr.csv:12: error: lesion T01 of subject S-001 has two LDIAM "
              "results at visit UNSCHEDULED (the other at line 11), with "
              "different values [duplicate]");
    fx_free(f);
    f = fx_new();
    write_text(f->dir, "protocol.json", "{\"assessment_span_days\": 13}");
    tr_plus(f, "S-001,T01,LDIAM,13,mm,13,13,mm,,INVESTIGATOR,UNSCHEDULED,"
               "2025-03-01\n"
               "S-001,T01,LDIAM,12,mm,12,12,mm,,INVESTIGATOR,UNSCHEDULED,"
               "2025-03-15\n");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "tr.csv:12: warning: visit UNSCHEDULED of subject S-001 holds "
              "scans on 2025-03-01 and 2025-03-15, more than 13 days apart: "
              "they are taken as two assessments [duplicate]");
    fx_free(f);
}

/* EVIDENCE: SUMDIAM-CHECK. */
static void test_sumdiam_cross_check(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    /* RECIST targets of S-001: 20 + 30 + 18 = 68 at baseline (right);
     * 14 + 20 + 12 = 46 at week 6 (recorded 70: wrong). */
    tr_plus(f, "S-001,,SUMDIAM,68,mm,68,68,mm,,INVESTIGATOR,SCREENING,"
               "2025-01-03\n"
               "S-001,,SUMDIAM,70,mm,70,70,mm,,INVESTIGATOR,WEEK 6,"
               "2025-02-21\n");
    fx_load(f);
    assert_int_equal(f->rc, 0);
    expect(f, "tr.csv:12: warning: SUMDIAM 70 mm recorded for subject "
              "S-001, but the RECIST 1.1 target lesions add up to 46 mm at "
              "that assessment [sumdiam]");
    assert_int_equal(f->d.n_warnings, 1);
    fx_free(f);
}

static void test_bad_protocol_in_folder(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    write_text(f->dir, "protocol.json", "{\"baseline_max_days_before\": -3}");
    fx_load(f);
    assert_int_equal(f->rc, -1);
    expect(f, "protocol.json: error: key 'baseline_max_days_before': must be "
              "a whole number from 0 to 3650 [protocol]");
    fx_free(f);
}

static void test_diag_cap(void **state)
{
    (void)state;
    struct fixture *f = fx_new();
    char tr[16384];
    int k = snprintf(tr, sizeof tr, "%s%s", tr_head, tr_rows);
    for (int i = 0; i < 30; i++)
        k += snprintf(tr + k, sizeof tr - (size_t)k,
                      "S-001,T01,LDIAM,x%d,mm,x%d,,mm,,INVESTIGATOR,V%d,"
                      "2025-03-01\n",
                      i, i, i);
    write_text(f->dir, "tr.csv", tr);
    study_init(&f->s);
    diags_init(&f->d, 10);
    struct load_options o;
    load_options_init(&o);
    f->rc = sdtm_load(f->dir, &o, &f->s, &f->d);
    /* All are counted, ten are kept. */
    assert_int_equal(f->d.n_errors, 30);
    assert_int_equal(f->d.n, 10);
    assert_int_equal(f->d.n_dropped, 20);
    fx_free(f);
}

/* The rows of the web forms (sdtm_rows.c) take their codes from the
 * protocol: the arm, the evaluator, the criterion column, the RS code of
 * the neurological status; and keep a diameter as given. */
struct captured {
    char text[4096];
};

static int capture_row(void *ctx, const char *file, const char *const *cols,
                       const char *const *vals, size_t n)
{
    struct captured *c = ctx;
    size_t k = strlen(c->text);
    k += (size_t)snprintf(c->text + k, sizeof c->text - k, "%s:", file);
    for (size_t i = 0; i < n && k < sizeof c->text; i++)
        k += (size_t)snprintf(c->text + k, sizeof c->text - k, " %s=%s",
                              cols[i], vals[i] ? vals[i] : "");
    if (k < sizeof c->text)
        snprintf(c->text + k, sizeof c->text - k, "\n");
    return 0;
}

static void test_form_rows_from_protocol(void **state)
{
    (void)state;
    struct protocol p;
    protocol_init(&p);
    struct diags d;
    diags_init(&d, 0);
    const char *js = "{\"arm_code\": \"ARM-B\", \"arm\": \"Drug B alone\", "
                     "\"evaluator\": \"INDEPENDENT\", \"criterion_column\": "
                     "\"TUGRPID\", \"neuro_status_codes\": [\"NEUROSTAT\"]}";
    assert_int_equal(protocol_parse(&p, js, strlen(js), "p.json", &d), 0);
    struct captured c = {""};
    struct tumour_identify id = {"T01", "FRONTAL LOBE", {NULL, NULL}};
    id.cls[CRIT_RANOBM] = "TARGET";
    struct tumour_lesion_entry les = {"T01", "12.3456", NULL, false, false};
    struct tumour_entry e = {.studyid = "S",
                             .usubjid = "S-1",
                             .visit = "SCREENING",
                             .date = "2025-01-02",
                             .method = "MRI",
                             .identify = &id,
                             .n_identify = 1,
                             .lesions = &les,
                             .n_lesions = 1,
                             .neuro = "STABLE"};
    struct sdtm_numbers num = {1, 1, 1, "1", "1", "1"};
    assert_int_equal(sdtm_rows_assessment(&p, &e, &num, capture_row, &c), 0);
    assert_non_null(strstr(c.text, "tu.csv: STUDYID=S DOMAIN=TU USUBJID=S-1 "
                                   "TUSEQ=1 TULNKID=T01 TUTESTCD=TUMIDENT"));
    assert_non_null(strstr(c.text, "TUGRPID=RANO-BM TUMETHOD=MRI "
                                   "TUEVAL=INDEPENDENT"));
    assert_non_null(strstr(c.text, "TRORRES=12.3456 TRORRESU=mm "
                                   "TRSTRESC=12.3456 TRSTRESN=12.3456"));
    assert_non_null(strstr(c.text, "RSTESTCD=NEUROSTAT"));
    assert_non_null(strstr(c.text, "TRTESTCD=LDIAM TRTEST=Longest Diameter"));
    /* A lymph node is measured by its short axis (a.2). */
    les.nodal = true;
    c.text[0] = '\0';
    assert_int_equal(sdtm_rows_assessment(&p, &e, &num, capture_row, &c), 0);
    assert_non_null(strstr(c.text, "TRTESTCD=SAXIS TRTEST=Short Axis "
                                   "TRORRES=12.3456"));
    struct ie_answer ans = {"AGE", "Age 18 or more", "Y", true};
    struct enrol_entry en = {.studyid = "S",
                             .usubjid = "S-2",
                             .siteid = "001",
                             .sex = "F",
                             .race = "",
                             .age = "40",
                             .consent_date = "2025-01-01",
                             .enrol_date = "",
                             .answers = &ans,
                             .n_answers = 1,
                             .decided = true,
                             .eligible = true,
                             .failure_reason = ""};
    c.text[0] = '\0';
    assert_int_equal(sdtm_rows_enrolment(&p, &en, 1, capture_row, &c), 0);
    assert_non_null(strstr(c.text, "ARMCD=ARM-B ARM=Drug B alone"));
    assert_non_null(strstr(c.text, "DSSEQ=2 DSTERM=ENROLLED"));
    protocol_release(&p);
    diags_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_is_clean),
        cmocka_unit_test(test_missing_column),
        cmocka_unit_test(test_missing_alternative_column),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_bad_number),
        cmocka_unit_test(test_bad_unit_and_cm),
        cmocka_unit_test(test_field_count),
        cmocka_unit_test(test_bad_term),
        cmocka_unit_test(test_duplicate_dm),
        cmocka_unit_test(test_missing_dm),
        cmocka_unit_test(test_unknown_subject),
        cmocka_unit_test(test_tr_without_tu),
        cmocka_unit_test(test_baseline_too_early),
        cmocka_unit_test(test_baseline_exactly_28_days),
        cmocka_unit_test(test_no_baseline),
        cmocka_unit_test(test_duplicate_measurement),
        cmocka_unit_test(test_target_without_baseline),
        cmocka_unit_test(test_below_measurability),
        cmocka_unit_test(test_node_at_15_is_measurable),
        cmocka_unit_test(test_not_measurable_and_count),
        cmocka_unit_test(test_form_rows_from_protocol),
        cmocka_unit_test(test_after_cutoff),
        cmocka_unit_test(test_evaluator_selection),
        cmocka_unit_test(test_partial_dates),
        cmocka_unit_test(test_tstm_and_diameter_choice),
        cmocka_unit_test(test_split_and_merge),
        cmocka_unit_test(test_supp_qualifiers),
        cmocka_unit_test(test_ae_rules),
        cmocka_unit_test(test_death_dates),
        cmocka_unit_test(test_origin_fallback),
        cmocka_unit_test(test_states_and_new_lesions),
        cmocka_unit_test(test_recorded_responses),
        cmocka_unit_test(test_reused_visit_label),
        cmocka_unit_test(test_sumdiam_cross_check),
        cmocka_unit_test(test_bad_protocol_in_folder),
        cmocka_unit_test(test_diag_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
