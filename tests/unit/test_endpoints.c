/*
 * test_endpoints.c - the time-to-event records: every censoring rule of
 * shared/spec/response-criteria.md h.4 (PFS), h.5 (OS), h.3 (duration of
 * response) and iPFS (g), on one-subject studies built by hand. Days count
 * from the origin (2025-01-01, day 0); AVAL = days + 1 (aval_plus_one).
 */
#include "fixture.h"

#include "balist/endpoints.h"

#include <stdio.h>
#include <string.h>

struct tcase {
    const char *name;
    struct ccase c; /* the subject (the expectations of c are unused) */
    int param;      /* TTE_PFS ... */
    bool present;
    int cnsr;
    int adt_day;
    long aval;
    const char *desc; /* EVNTDESC or CNSDTDSC */
};

#define SUBJ(lesions, proto, ...)                                              \
    {                                                                          \
        "", CRIT_RECIST, lesions, {__VA_ARGS__}, proto, "", "", NULL, NULL,    \
            NULL, NULL, false                                                  \
    }

static const struct tcase cases[] = {
    /* Rule 1: no complete baseline -> censored at the origin, AVAL 1. */
    /* EVIDENCE: PFS-NO-BASELINE. */
    {"rule 1 no baseline",
     SUBJ("T01:T:LIVER T02:T:LUNG", NULL, {-7, "T01=20 T02=ND"},
          {42, "T01=30 T02=30"}),
     TTE_PFS, true, 1, 0, 1, "No Baseline Assessment"},
    /* Rule 4: PD on day 84 (40 -> 50, +25 %, +10 mm). */
    /* EVIDENCE: PFS-PD. */
    {"rule 4 PD",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"}, {84, "T01=50"}),
     TTE_PFS, true, 0, 84, 85, "Disease Progression"},
    /* Rule 5: death on day 100 after SD on day 84: no scheduled
     * assessment missed (126 + 7 > 100). */
    /* EVIDENCE: PFS-DEATH. */
    {"rule 5 death",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"}, {84, "T01=40"},
          {100, "EVENT=DIED"}),
     TTE_PFS, true, 0, 100, 101, "Death"},
    /* Rule 3, the spec's example: adequate on day 42, death on day 134:
     * days 84 and 126 missed (126 + 7 < 134): censored on day 42. On day
     * 133 only one is missed (126 + 7 = 133): the event counts. */
    /* EVIDENCE: PFS-MISSED. */
    {"rule 3 two missed",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"},
          {134, "EVENT=DIED"}),
     TTE_PFS, true, 1, 42, 43, "Two or More Missed Assessments"},
    {"rule 3 one missed",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"},
          {133, "EVENT=DIED"}),
     TTE_PFS, true, 0, 133, 134, "Death"},
    /* missed_rule: last adequate on day 50 (unscheduled), death on day
     * 140. schedule: 84 and 126 missed -> censored on day 50. gap: 140 -
     * 50 = 90, not over 2 x 42 + 7 = 91 -> the event. */
    {"missed_rule schedule",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {50, "T01=40"},
          {140, "EVENT=DIED"}),
     TTE_PFS, true, 1, 50, 51, "Two or More Missed Assessments"},
    {"missed_rule gap",
     SUBJ("T01:T:LIVER", "{\"missed_rule\": \"gap\"}", {-7, "T01=40"},
          {50, "T01=40"}, {140, "EVENT=DIED"}),
     TTE_PFS, true, 0, 140, 141, "Death"},
    /* A scan a day early (day 251, due 252) is that assessment, not a
     * miss: only day 294 is missed before PD on day 303, so the PD is the
     * event (it was censored at day 251 when a scheduled day counted as
     * missed once it fell after the scan). gap: 303 - 251 = 52 <= 91. */
    {"rule 3 scan early in its window",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {251, "T01=40"},
          {303, "T01=50"}),
     TTE_PFS, true, 0, 303, 304, "Disease Progression"},
    {"rule 3 scan early in its window, gap",
     SUBJ("T01:T:LIVER", "{\"missed_rule\": \"gap\"}", {-7, "T01=40"},
          {251, "T01=40"}, {303, "T01=50"}),
     TTE_PFS, true, 0, 303, 304, "Disease Progression"},
    /* The window of day 294 opens on day 287, after the scan on day 251,
     * and that of day 336 closes on day 343: PD on day 344 comes after
     * two missed assessments. */
    {"rule 3 two missed after an early scan",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {251, "T01=40"},
          {344, "T01=50"}),
     TTE_PFS, true, 1, 251, 252, "Two or More Missed Assessments"},
    /* censor_after_missed false: the event at its date. */
    {"censor_after_missed false",
     SUBJ("T01:T:LIVER", "{\"censor_after_missed\": false}", {-7, "T01=40"},
          {42, "T01=40"}, {134, "EVENT=DIED"}),
     TTE_PFS, true, 0, 134, 135, "Death"},
    /* Rule 2: new systemic therapy on day 60, then PD on day 84:
     * censored at the last adequate assessment before it (day 42). */
    /* EVIDENCE: PFS-NEW-THERAPY. */
    {"rule 2 new therapy",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"},
          {60, "EVENT=NAT"}, {84, "T01=50"}),
     TTE_PFS, true, 1, 42, 43, "New Anticancer Therapy"},
    /* Radiosurgery counts (nat_includes_local, default) ... */
    {"rule 2 radiosurgery",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"},
          {60, "EVENT=SRS"}, {84, "T01=50"}),
     TTE_PFS, true, 1, 42, 43, "New Anticancer Therapy"},
    /* ... but not with nat_includes_local false: PD on day 84. */
    {"nat_includes_local false",
     SUBJ("T01:T:LIVER", "{\"nat_includes_local\": false}", {-7, "T01=40"},
          {42, "T01=40"}, {60, "EVENT=SRS"}, {84, "T01=50"}),
     TTE_PFS, true, 0, 84, 85, "Disease Progression"},
    /* Rule 6: no event: the last adequate assessment (day 84). */
    /* EVIDENCE: PFS-NO-EVENT. */
    {"rule 6 last assessment",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"}, {84, "T01=39"}),
     TTE_PFS, true, 1, 84, 85, "Last Tumor Assessment"},
    /* Rule 6 with a cut-off between the scans: day 42. */
    {"rule 6 cut-off",
     SUBJ("T01:T:LIVER", "{\"data_cutoff\": \"2025-03-01\"}", {-7, "T01=40"},
          {42, "T01=40"}, {84, "T01=50"}),
     TTE_PFS, true, 1, 42, 43, "Last Tumor Assessment"},
    /* A new lesion equivocal on day 42, unequivocal on day 84, therapy on
     * day 60 in between: the PD is dated day 42, before the therapy, so
     * it stands (c.2). */
    {"back-dated PD before therapy",
     SUBJ("T01:T:LIVER NEW01:NEW:LUNG", NULL, {-7, "T01=40"},
          {42, "T01=40 NEW01=EQUIVOCAL"}, {60, "EVENT=NAT"},
          {84, "T01=40 NEW01=UNEQUIVOCAL"}),
     TTE_PFS, true, 0, 42, 43, "Disease Progression"},
    /* aval_plus_one false: the plain difference. */
    /* EVIDENCE: AVAL-PLUS-ONE. */
    {"aval_plus_one false",
     SUBJ("T01:T:LIVER", "{\"aval_plus_one\": false}", {-7, "T01=40"},
          {42, "T01=40"}, {84, "T01=50"}),
     TTE_PFS, true, 0, 84, 84, "Disease Progression"},
    /* OS (h.5): death; else the last known alive date from any domain
     * (here a survival contact on day 300). */
    /* EVIDENCE: OS. */
    {"OS death",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"},
          {250, "EVENT=DIED"}),
     TTE_OS, true, 0, 250, 251, "Death"},
    {"OS alive",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=40"}, {42, "T01=40"},
          {300, "EVENT=ALIVE"}),
     TTE_OS, true, 1, 300, 301, "Last Known Alive"},
    /* A death after the cut-off (2025-06-30, day 180) is not known at it,
     * but shows the subject alive on it: censored at the cut-off itself,
     * not at the last contact before it (day 150) (h.5). */
    /* EVIDENCE: LAST-ALIVE-CUTOFF. */
    {"OS death after the cut-off",
     SUBJ("T01:T:LIVER", "{\"data_cutoff\": \"2025-06-30\"}", {-7, "T01=40"},
          {42, "T01=40"}, {150, "EVENT=ALIVE"}, {250, "EVENT=DIED"}),
     TTE_OS, true, 1, 180, 181, "Last Known Alive"},
    /* A survival contact after the cut-off: censored at the cut-off. */
    {"OS contact after the cut-off",
     SUBJ("T01:T:LIVER", "{\"data_cutoff\": \"2025-06-30\"}", {-7, "T01=40"},
          {42, "T01=40"}, {300, "EVENT=ALIVE"}),
     TTE_OS, true, 1, 180, 181, "Last Known Alive"},
    /* No record after the cut-off: the last contact before it. */
    {"OS no contact after the cut-off",
     SUBJ("T01:T:LIVER", "{\"data_cutoff\": \"2025-06-30\"}", {-7, "T01=40"},
          {42, "T01=40"}, {150, "EVENT=ALIVE"}),
     TTE_OS, true, 1, 150, 151, "Last Known Alive"},
    /* Duration of response (h.3): PR on day 42 (100 -> 60), confirmed on
     * day 84, PD on day 126 (60 -> 80): from day 42 to 126, AVAL 85. */
    /* EVIDENCE: DOR. */
    {"DoR",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=100"}, {42, "T01=60"}, {84, "T01=60"},
          {126, "T01=80"}),
     TTE_RSD, true, 0, 126, 85, "Disease Progression"},
    /* An unconfirmed PR: no DoR record. */
    {"DoR non-responder",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=100"}, {42, "T01=60"}, {84, "T01=80"}),
     TTE_RSD, false, 0, 0, 0, NULL},
    /* iPFS (g): iUPD on day 42 confirmed as iCPD on day 84: the event is
     * dated to the iUPD. */
    {"iPFS confirmed",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=20"}, {42, "T01=25"}, {84, "T01=31"}),
     TTE_IPFS, true, 0, 42, 43, "Disease Progression"},
    /* An iUPD never confirmed: an event by default; with
     * ipfs_unconfirmed_iupd censor, censored at the last adequate
     * assessment (the iUPD itself). */
    {"iPFS unconfirmed event",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=20"}, {42, "T01=25"}), TTE_IPFS, true,
     0, 42, 43, "Disease Progression"},
    {"iPFS unconfirmed censor",
     SUBJ("T01:T:LIVER", "{\"ipfs_unconfirmed_iupd\": \"censor\"}",
          {-7, "T01=20"}, {42, "T01=25"}),
     TTE_IPFS, true, 1, 42, 43, "Last Tumor Assessment"},
    /* A reset iUPD is no event; the next one, confirmed, is (day 126,
     * confirmed on day 168 by +5 mm). */
    {"iPFS after a reset",
     SUBJ("T01:T:LIVER", NULL, {-7, "T01=20"}, {42, "T01=25"}, {84, "T01=15"},
          {126, "T01=22"}, {168, "T01=27"}),
     TTE_IPFS, true, 0, 126, 127, "Disease Progression"},
};

static void test_tte(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct tcase *tc = &cases[i];
        struct study s;
        fixture_build(&s, &tc->c);
        struct derive_options o = {false};
        struct subject_result r;
        endpoints_subject(&s, &s.subjects[0], &o, &r);
        const struct tte *t = &r.tte[tc->param];
        const char *desc = t->cnsr ? t->cnsdtdsc : t->evntdesc;
        bool ok = t->present == tc->present;
        if (ok && tc->present)
            ok = t->cnsr == tc->cnsr &&
                 t->adt == FIXTURE_ORIGIN + tc->adt_day &&
                 t->aval == tc->aval && desc && !strcmp(desc, tc->desc);
        if (!ok) {
            fprintf(stderr,
                    "case %s: present %d cnsr %d day %d aval %ld desc %s\n"
                    "  reason: %s\n",
                    tc->name, t->present, t->cnsr, t->adt - FIXTURE_ORIGIN,
                    t->aval, desc ? desc : "-", t->reason);
        }
        subject_result_release(&r);
        study_release(&s);
        assert_true(ok);
    }
}

/* h.1 and h.4: the analysis sets at a data cut-off. A subject first
 * dosed (2025-01-01) after the cut-off is neither enrolled nor treated
 * nor evaluable yet; on the day of the first dose, all three. */
/* EVIDENCE: ANALYSIS-SETS. */
static void test_sets_at_cutoff(void **state)
{
    (void)state;
    static const struct {
        const char *proto;
        bool enrolled, saffl, efffl;
    } want[] = {
        {"{\"data_cutoff\": \"2024-12-31\"}", false, false, false},
        {"{\"data_cutoff\": \"2025-01-01\"}", true, true, true},
        {NULL, true, true, true},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct tcase tc = {
            "sets at the cut-off",
            SUBJ("T01:T:BRAIN", want[i].proto, {-7, "T01=40"}, {42, "T01=40"}),
            TTE_OS,
            true,
            0,
            0,
            0,
            ""};
        struct study s;
        fixture_build(&s, &tc.c);
        /* Enrolled after the cut-off: not in the study at it at all. */
        assert_int_equal(s.n_subjects, want[i].enrolled ? 1 : 0);
        if (!want[i].enrolled) {
            study_release(&s);
            continue;
        }
        struct derive_options o = {false};
        struct subject_result r;
        endpoints_subject(&s, &s.subjects[0], &o, &r);
        assert_int_equal(r.enrolled, want[i].enrolled);
        assert_int_equal(r.saffl, want[i].saffl);
        assert_int_equal(r.efffl, want[i].efffl);
        subject_result_release(&r);
        study_release(&s);
    }
}

/* h.5: an enrolled subject was alive at enrolment: a last contact before
 * it (a screening survival contact on day -10) does not make the last
 * date known alive earlier than enrolment; a later contact wins. */
/* EVIDENCE: LAST-ALIVE-ENROLMENT. */
static void test_last_alive_enrolment(void **state)
{
    (void)state;
    int32_t en = date_from_ymd(2025, 1, 1);
    struct ss_record ss = {.status = "ALIVE", .date = en - 10};
    struct subject sj = {0};
    sj.ss = &ss;
    sj.n_ss = 1;
    sj.death = sj.first_dose = sj.rfstdtc = sj.rficdtc = DATE_NONE;
    sj.alive_at_cut = DATE_NONE;
    sj.origin = en;
    sj.origin_source = ORIGIN_MILESTONE;
    assert_int_equal(subject_enrolled(&sj), en);
    assert_int_equal(subject_last_alive(&sj), en);
    ss.date = en + 30;
    assert_int_equal(subject_last_alive(&sj), en + 30);
    /* Known alive at the cut-off by a later record (core/cutoff.c). */
    sj.alive_at_cut = en + 60;
    assert_int_equal(subject_last_alive(&sj), en + 60);
    /* Never after death. */
    sj.death = en + 45;
    assert_int_equal(subject_last_alive(&sj), en + 45);
}

/* The end of follow-up by withdrawal from the study: WITHDRAWAL OF
 * CONSENT always; CDISC's WITHDRAWAL BY SUBJECT only as a study-level
 * disposition (DSSCAT or EPOCH), not when it ends treatment. */
/* EVIDENCE: CONSENT-WITHDRAWN. */
static void test_consent_withdrawn(void **state)
{
    (void)state;
    struct protocol p;
    protocol_init(&p);
#define DSE(decod_, scat_, epoch_)                                             \
    {                                                                          \
        .decod = decod_, .cat = "DISPOSITION EVENT", .scat = scat_,            \
        .term = "", .epoch = epoch_, .date = DATE_NONE, .line = 0              \
    }
    struct {
        struct ds_event e;
        bool want;
    } wc[] = {
        {DSE("WITHDRAWAL OF CONSENT", "", "TREATMENT"), true},
        {DSE("WITHDRAWAL BY SUBJECT", "", "TREATMENT"), false},
        {DSE("WITHDRAWAL BY SUBJECT", "STUDY PARTICIPATION", "TREATMENT"),
         true},
        {DSE("WITHDRAWAL BY SUBJECT", "", "FOLLOW-UP"), true},
        {DSE("ADVERSE EVENT", "STUDY PARTICIPATION", "FOLLOW-UP"), false},
    };
#undef DSE
    for (size_t i = 0; i < sizeof wc / sizeof wc[0]; i++)
        assert_int_equal(crit_consent_withdrawn(&p, &wc[i].e), wc[i].want);
    /* As the off-study date of a subject. */
    struct subject sj = {0};
    wc[1].e.date = date_from_ymd(2025, 3, 1);
    sj.ds = &wc[1].e;
    sj.n_ds = 1;
    assert_int_equal(subject_off_study(&p, &sj, DATE_NONE), DATE_NONE);
    wc[2].e.date = date_from_ymd(2025, 4, 1);
    sj.ds = &wc[2].e;
    assert_int_equal(subject_off_study(&p, &sj, DATE_NONE),
                     date_from_ymd(2025, 4, 1));
    /* The protocol's list decides: without the CDISC term, only consent. */
    protocol_release(&p);
    protocol_init(&p);
    const char *js =
        "{\"consent_withdrawal_terms\": [\"WITHDRAWAL OF CONSENT\"]}";
    struct diags d;
    diags_init(&d, 5);
    assert_int_equal(protocol_parse(&p, js, strlen(js), "p.json", &d), 0);
    assert_false(crit_consent_withdrawn(&p, &wc[2].e));
    diags_release(&d);
    protocol_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tte),
        cmocka_unit_test(test_sets_at_cutoff),
        cmocka_unit_test(test_last_alive_enrolment),
        cmocka_unit_test(test_consent_withdrawn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
