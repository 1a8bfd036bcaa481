/*
 * sdtm_rows.c - the SDTM rows that the web application's forms produce
 * (shared/spec/data-format.md "Tumours", "RANO-BM inputs", "Dates that
 * matter"): a tumour assessment (TU identification, TR measurements and
 * states, RS neurological and steroid status, the site's own overall
 * responses) and an enrolment (DM, IE, DS). Every code comes from the
 * protocol or the model's names: the criterion names (criterion_name),
 * the criterion column (criterion_column), the RS codes of the RANO-BM
 * inputs (neuro_status_codes, steroid_status_codes), the evaluator, and
 * the arm (arm_code, arm). The caller (the server) checks the form's
 * shape and fills the plain structs of io.h; the loader then judges the
 * rows like any others. Decides no clinical question.
 */
#include "io_int.h"

#include <stdio.h>
#include <string.h>

/* A running --SEQ of one file. */
static const char *next(long *seq, char buf[32])
{
    snprintf(buf, 32, "%ld", (*seq)++);
    return buf;
}

/* One TU identification row (TUMIDENT) of the assessment: cls is the
 * class ("TARGET", "NON-TARGET", "NEW"), for criterion c. */
static int tu_ident(const struct protocol *p, const struct tumour_entry *e,
                    const struct sdtm_numbers *num, long *seq, const char *id,
                    const char *cls, const char *location, enum criterion c,
                    sdtm_row_fn fn, void *ctx)
{
    const char *tuc[] = {"STUDYID",
                         "DOMAIN",
                         "USUBJID",
                         "TUSEQ",
                         "TULNKID",
                         "TUTESTCD",
                         "TUTEST",
                         "TUORRES",
                         "TUSTRESC",
                         "TULOC",
                         p->criterion_column,
                         "TUMETHOD",
                         "TUEVAL",
                         "VISITNUM",
                         "VISIT",
                         "TUDTC"};
    char sb[32];
    const char *v[] = {e->studyid,
                       "TU",
                       e->usubjid,
                       next(seq, sb),
                       id,
                       "TUMIDENT",
                       "Tumor Identification",
                       cls,
                       cls,
                       location,
                       criterion_name(c),
                       e->method,
                       evaluator_name(p->evaluator),
                       num->tu_visitnum,
                       e->visit,
                       e->date};
    return fn(ctx, "tu.csv", tuc, v, sizeof tuc / sizeof *tuc);
}

int sdtm_rows_assessment(const struct protocol *p, const struct tumour_entry *e,
                         const struct sdtm_numbers *num, sdtm_row_fn fn,
                         void *ctx)
{
    long tr_seq = num->tr_seq, tu_seq = num->tu_seq, rs_seq = num->rs_seq;
    char sb[32];
    const char *eval = evaluator_name(p->evaluator);
    const char *trc[] = {"STUDYID",  "DOMAIN",   "USUBJID",  "TRSEQ",
                         "TRLNKID",  "TRTESTCD", "TRTEST",   "TRORRES",
                         "TRORRESU", "TRSTRESC", "TRSTRESN", "TRSTRESU",
                         "TRSTAT",   "TRMETHOD", "TREVAL",   "VISITNUM",
                         "VISIT",    "TRDTC",    "TRGRPID"};
    /* Baseline: each lesion identified once per criterion that classes it
     * (TARGET or NON-TARGET); its measurement follows below. */
    for (size_t i = 0; i < e->n_identify; i++) {
        const struct tumour_identify *l = &e->identify[i];
        for (int c = 0; c < CRIT_N; c++) {
            if (!l->cls[c] || !*l->cls[c])
                continue;
            if (tu_ident(p, e, num, &tu_seq, l->id, l->cls[c], l->location,
                         (enum criterion)c, fn, ctx) < 0)
                return -1;
        }
    }
    /* Lesions carried forward: LDIAM for a diameter (exact, as entered),
     * SAXIS for a lymph node's (a.2: a node is measured by its short
     * axis), TRSTAT NOT DONE when not measured, TUMSTATE for a state. */
    for (size_t i = 0; i < e->n_lesions; i++) {
        const struct tumour_lesion_entry *l = &e->lesions[i];
        const char *num_mm = l->diam_mm ? l->diam_mm : "";
        const char *state = l->state ? l->state : "";
        bool diam = l->diam_mm || (l->not_done && !*state);
        const char *v[] = {e->studyid,
                           "TR",
                           e->usubjid,
                           next(&tr_seq, sb),
                           l->id,
                           !diam      ? "TUMSTATE"
                           : l->nodal ? "SAXIS"
                                      : "LDIAM",
                           !diam      ? "Tumor State"
                           : l->nodal ? "Short Axis"
                                      : "Longest Diameter",
                           diam ? num_mm : state,
                           diam && *num_mm ? "mm" : "",
                           diam ? num_mm : state,
                           num_mm,
                           diam && *num_mm ? "mm" : "",
                           l->not_done ? "NOT DONE" : "",
                           e->method,
                           eval,
                           num->tr_visitnum,
                           e->visit,
                           e->date,
                           ""};
        if (fn(ctx, "tr.csv", trc, v, sizeof trc / sizeof *trc) < 0)
            return -1;
    }
    /* New lesions: identified (NEW) once per criterion, and their state. */
    for (size_t i = 0; i < e->n_new; i++) {
        const struct tumour_new *l = &e->news[i];
        for (int c = 0; c < CRIT_N; c++) {
            if (tu_ident(p, e, num, &tu_seq, l->id, "NEW", l->location,
                         (enum criterion)c, fn, ctx) < 0)
                return -1;
        }
        const char *v[] = {e->studyid,
                           "TR",
                           e->usubjid,
                           next(&tr_seq, sb),
                           l->id,
                           "TUMSTATE",
                           "Tumor State",
                           l->state,
                           "",
                           l->state,
                           "",
                           "",
                           "",
                           e->method,
                           eval,
                           num->tr_visitnum,
                           e->visit,
                           e->date,
                           "NEW"};
        if (fn(ctx, "tr.csv", trc, v, sizeof trc / sizeof *trc) < 0)
            return -1;
    }
    /* RS: the RANO-BM inputs under the protocol's first code of each, and
     * the site's own overall responses (compared with BALIST's calls). */
    const char *rsc[] = {"STUDYID",  "DOMAIN", "USUBJID", "RSSEQ",
                         "RSTESTCD", "RSTEST", "RSCAT",   "RSORRES",
                         "RSSTRESC", "RSSTAT", "RSEVAL",  "VISITNUM",
                         "VISIT",    "RSDTC"};
    const char *neuro =
        p->neuro_status_codes.n ? p->neuro_status_codes.items[0] : "CLINSTAT";
    const char *steroid = p->steroid_status_codes.n
                              ? p->steroid_status_codes.items[0]
                              : "STEROID";
    const char *rano = criterion_name(CRIT_RANOBM);
    const char *recist = criterion_name(CRIT_RECIST);
    struct {
        const char *code, *test, *cat, *value;
    } rsv[4] = {
        {neuro, "Neurological Clinical Status", rano, e->neuro},
        {steroid, "Corticosteroid Status", rano, e->steroid},
        {"OVRLRESP", "Overall Response", rano, e->recorded[CRIT_RANOBM]},
        {"OVRLRESP", "Overall Response", recist, e->recorded[CRIT_RECIST]},
    };
    for (int i = 0; i < 4; i++) {
        if (!rsv[i].value || !*rsv[i].value)
            continue;
        const char *v[] = {
            e->studyid,   "RS",        e->usubjid, next(&rs_seq, sb),
            rsv[i].code,  rsv[i].test, rsv[i].cat, rsv[i].value,
            rsv[i].value, "",          eval,       num->rs_visitnum,
            e->visit,     e->date};
        if (fn(ctx, "rs.csv", rsc, v, sizeof rsc / sizeof *rsc) < 0)
            return -1;
    }
    return 0;
}

int sdtm_rows_enrolment(const struct protocol *p, const struct enrol_entry *e,
                        long ds_seq, sdtm_row_fn fn, void *ctx)
{
    const char *subjid = strrchr(e->usubjid, '-');
    static const char *const dmc[] = {"STUDYID", "DOMAIN", "USUBJID", "SUBJID",
                                      "RFICDTC", "SITEID", "AGE",     "AGEU",
                                      "SEX",     "RACE",   "ARMCD",   "ARM"};
    /* The arm of the eligible, the screen failure's of the others (SDTMIG
     * DM: ARMCD SCRNFAIL, ARM "Screen Failure"). */
    const char *dmv[] = {e->studyid,
                         "DM",
                         e->usubjid,
                         subjid ? subjid + 1 : e->usubjid,
                         e->consent_date,
                         e->siteid,
                         e->age,
                         *e->age ? "YEARS" : "",
                         e->sex,
                         e->race,
                         e->eligible ? p->arm_code : "SCRNFAIL",
                         e->eligible ? p->arm : "Screen Failure"};
    if (fn(ctx, "dm.csv", dmc, dmv, 12) < 0)
        return -1;
    static const char *const iec[] = {
        "STUDYID", "DOMAIN", "USUBJID", "IESEQ",    "IETESTCD",
        "IETEST",  "IECAT",  "IEORRES", "IESTRESC", "IEDTC"};
    for (size_t i = 0; i < e->n_answers; i++) {
        const struct ie_answer *x = &e->answers[i];
        char seq[32];
        snprintf(seq, sizeof seq, "%zu", i + 1);
        const char *v[] = {e->studyid,
                           "IE",
                           e->usubjid,
                           seq,
                           x->code,
                           x->label,
                           x->inclusion ? "INCLUSION" : "EXCLUSION",
                           x->yn,
                           x->yn,
                           e->consent_date};
        if (fn(ctx, "ie.csv", iec, v, 10) < 0)
            return -1;
    }
    static const char *const dsc[] = {"STUDYID", "DOMAIN", "USUBJID",
                                      "DSSEQ",   "DSTERM", "DSDECOD",
                                      "DSCAT",   "EPOCH",  "DSSTDTC"};
    char sb[32];
    if (*e->consent_date) {
        const char *v[] = {e->studyid,
                           "DS",
                           e->usubjid,
                           next(&ds_seq, sb),
                           "INFORMED CONSENT OBTAINED",
                           "INFORMED CONSENT OBTAINED",
                           "PROTOCOL MILESTONE",
                           "SCREENING",
                           e->consent_date};
        if (fn(ctx, "ds.csv", dsc, v, 9) < 0)
            return -1;
    }
    if (e->decided) {
        const char *v[] = {e->studyid,
                           "DS",
                           e->usubjid,
                           next(&ds_seq, sb),
                           e->eligible ? "ENROLLED" : e->failure_reason,
                           e->eligible ? "ENROLLED" : "SCREEN FAILURE",
                           e->eligible ? "PROTOCOL MILESTONE"
                                       : "DISPOSITION EVENT",
                           "SCREENING",
                           *e->enrol_date ? e->enrol_date : e->consent_date};
        if (fn(ctx, "ds.csv", dsc, v, 9) < 0)
            return -1;
    }
    return 0;
}
