/*
 * adam.c - adsl, adtr and adrs rows of one subject (shared/spec/
 * data-format.md "Outputs"; response-criteria.md h.1 for the analysis
 * sets). Parameter names follow admiralonco: BOR unconfirmed, CBOR
 * confirmed, the suffix CNS for RANO-BM, the criterion in PARCAT3, the
 * evaluator in PARCAT2. Per-lesion diameters are LDIAMn (RECIST 1.1) and
 * LDCNSn (RANO-BM), so that one PARAMCD means one thing.
 */
#include "balist/endpoints.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns: BALIST's first, as before, then those admiral and
 * admiralonco add (docs/adam.md lists each with its label and source),
 * then REASON. */
static const char *const adsl_cols[] = {
    "STUDYID", "USUBJID",  "SUBJID", "SITEID",  "AGE",     "SEX",
    "RACE",    "ARM",      "ENRLDT", "TRTSDT",  "TRTEDT",  "DTHDT",
    "DTHFL",   "LSTALVDT", "SAFFL",  "EFFFL",   "CNSMDFL", "RECMDFL",
    "EOTSTT",  "DCTREAS",  "AGEU",   "ETHNIC",  "ARMCD",   "ACTARMCD",
    "ACTARM",  "TRT01P",   "TRT01A", "RANDDT",  "TRTDURD", "ENRLFL",
    "DTHCAUS", "DTHCGR1",  "EOSSTT", "DCSREAS", "REASON",  NULL};
static const char *const adtr_cols[] = {
    "STUDYID", "USUBJID", "PARAMCD", "PARAM",   "PARCAT1", "PARCAT2", "PARCAT3",
    "TRLNKID", "AVISIT",  "ADT",     "ADY",     "AVAL",    "BASE",    "CHG",
    "PCHG",    "NADIR",   "CHGNAD",  "PCHGNAD", "ANL01FL", "ASEQ",    "AVISITN",
    "ABLFL",   "ANL02FL", "REASON",  NULL};
static const char *const adrs_cols[] = {
    "STUDYID", "USUBJID", "PARAMCD", "PARAM",   "PARCAT1", "PARCAT2",
    "PARCAT3", "AVISIT",  "ADT",     "ADY",     "AVALC",   "AVAL",
    "ANL01FL", "ASEQ",    "PARAMN",  "AVISITN", "REASON",  NULL};

static const char *const adtte_cols[] = {
    "STUDYID",  "USUBJID", "PARAMCD", "PARAM",  "PARCAT2", "PARCAT3",
    "STARTDT",  "ADT",     "AVAL",    "AVALU",  "CNSR",    "EVNTDESC",
    "CNSDTDSC", "SRCDOM",  "ASEQ",    "PARAMN", "PARCAT1", "SRCVAR",
    "SRCSEQ",   "REASON",  NULL};

static const char *const adae_fixed[] = {
    "STUDYID", "USUBJID", "AESEQ",  "AETERM",  "AEDECOD", "AEBODSYS",
    "AETOXGR", "AESER",   "AEREL",  "AEACN",   "AEOUT",   "ASTDT",
    "ASTDTF",  "AENDT",   "AENDTF", "TRTEMFL", "AREL",    "AWORSTFL",
    "TRTA",    "ASTDY",   "AENDY",  "ATOXGR",  "AOCCFL",  "AOCCSFL",
    "AOCCPFL", NULL};

void adam_tables_init(struct adam_tables *t, const struct protocol *p)
{
    table_init(&t->adsl, "adsl", adsl_cols);
    table_init(&t->adtr, "adtr", adtr_cols);
    table_init(&t->adrs, "adrs", adrs_cols);
    table_init(&t->adtte, "adtte", adtte_cols);
    /* adae: the fixed columns, then relatedness and action per drug under
     * their SUPPAE names (data-format.md "Safety"), then REASON. */
    size_t nf = 0;
    while (adae_fixed[nf])
        nf++;
    size_t nd = p->n_drugs < MAX_DRUGS ? p->n_drugs : MAX_DRUGS;
    t->adae_cols = xcalloc(nf + 2 * nd + 2, sizeof *t->adae_cols);
    size_t k = 0;
    for (size_t i = 0; i < nf; i++)
        t->adae_cols[k++] = adae_fixed[i];
    for (size_t d = 0; d < nd; d++) {
        t->adae_cols[k++] = p->drugs[d].rel_qnam;
        t->adae_cols[k++] = p->drugs[d].acn_qnam;
    }
    t->adae_cols[k++] = "REASON";
    t->adae_cols[k] = NULL;
    table_init(&t->adae, "adae", t->adae_cols);
}

void adam_tables_release(struct adam_tables *t)
{
    table_release(&t->adsl);
    table_release(&t->adtr);
    table_release(&t->adrs);
    table_release(&t->adtte);
    table_release(&t->adae);
    free(t->adae_cols);
}

static const char *evaluator_label(const struct protocol *p)
{
    return p->evaluator == EVAL_INDEPENDENT ? "INDEPENDENT ASSESSOR"
                                            : "INVESTIGATOR";
}

/* ---- adsl ---- */

static void eot(const struct subject *sj, const char **stt, const char **why)
{
    *stt = "ONGOING";
    *why = NULL;
    for (size_t i = 0; i < sj->n_ds; i++) {
        const struct ds_event *e = &sj->ds[i];
        if (strcmp(e->cat, "DISPOSITION EVENT") != 0)
            continue;
        if (*e->epoch && strcmp(e->epoch, "TREATMENT") != 0)
            continue;
        *stt = !strcmp(e->decod, "COMPLETED") ? "COMPLETED" : "DISCONTINUED";
        *why = !strcmp(e->decod, "COMPLETED") ? NULL : e->decod;
        return;
    }
}

/* Rule EOS-STATUS: the end of study (ADSL EOSSTT, DCSREAS) is the
 * earliest study-level disposition event (DSCAT DISPOSITION EVENT with
 * DSSCAT in study_disposition_scat or EPOCH FOLLOW-UP, or with neither
 * DSSCAT nor EPOCH: a study that records one disposition, as the CDISC
 * pilot; or a withdrawal of consent): COMPLETED, else DISCONTINUED for its
 * DSDECOD; ONGOING when there is none (admiral's format_eosstt; a screen
 * failure has none). */
static void eos(const struct protocol *p, const struct subject *sj,
                const char **stt, const char **why)
{
    *stt = "ONGOING";
    *why = NULL;
    const struct ds_event *first = NULL;
    for (size_t i = 0; i < sj->n_ds; i++) {
        const struct ds_event *e = &sj->ds[i];
        if (!strcmp(e->decod, "SCREEN FAILURE")) {
            *stt = NULL;
            return;
        }
        bool study =
            crit_consent_withdrawn(p, e) ||
            (!strcmp(e->cat, "DISPOSITION EVENT") &&
             (strlist_has(&p->study_disposition_scat, e->scat) ||
              !strcmp(e->epoch, "FOLLOW-UP") || (!*e->epoch && !*e->scat)));
        if (study &&
            (!first || (e->date != DATE_NONE &&
                        (first->date == DATE_NONE || e->date < first->date))))
            first = e;
    }
    if (!first)
        return;
    bool done = !strcmp(first->decod, "COMPLETED");
    *stt = done ? "COMPLETED" : "DISCONTINUED";
    *why = done ? NULL : first->decod;
}

/* The date of the RANDOMIZED milestone (ADSL RANDDT), DATE_NONE. */
static int32_t randomised(const struct subject *sj)
{
    for (size_t i = 0; i < sj->n_ds; i++)
        if (!strcmp(sj->ds[i].decod, "RANDOMIZED") &&
            sj->ds[i].date != DATE_NONE)
            return sj->ds[i].date;
    return DATE_NONE;
}

static void adsl_row(const struct study *s, const struct subject *sj,
                     const struct subject_result *res, struct table *t)
{
    const struct crit_result *rano = &res->rano, *recist = &res->recist;
    const struct protocol *p = &s->proto;
    size_t r = table_add_row(t);
    table_set(t, r, "STUDYID", sj->studyid);
    table_set(t, r, "USUBJID", sj->usubjid);
    table_set(t, r, "SUBJID", sj->subjid);
    table_set(t, r, "SITEID", sj->siteid);
    if (sj->age >= 0)
        table_set_int(t, r, "AGE", sj->age);
    table_set(t, r, "SEX", sj->sex);
    table_set(t, r, "RACE", sj->race);
    table_set(t, r, "ARM", sj->arm);
    table_set_date(t, r, "ENRLDT", sj->origin);
    table_set_date(t, r, "TRTSDT", sj->first_dose);
    table_set_date(t, r, "TRTEDT", sj->last_dose);
    table_set_date(t, r, "DTHDT", sj->death);
    table_set(t, r, "DTHFL", sj->death != DATE_NONE ? "Y" : NULL);
    table_set_date(t, r, "LSTALVDT", sj->last_alive);
    /* h.1 analysis sets, as endpoints_subject decided them. */
    bool saf = res->saffl, eff = res->efffl;
    table_set(t, r, "SAFFL", saf ? "Y" : "N");
    table_set(t, r, "EFFFL", eff ? "Y" : "N");
    table_set(t, r, "CNSMDFL", rano->measurable ? "Y" : "N");
    table_set(t, r, "RECMDFL", recist->measurable ? "Y" : "N");
    const char *stt, *why;
    eot(sj, &stt, &why);
    table_set(t, r, "EOTSTT", stt);
    table_set(t, r, "DCTREAS", why);
    /* As admiral names them: DM as recorded, the planned and actual
     * treatment (TRT01P = ARM, TRT01A = ACTARM), the randomisation date
     * (the enrolment date where not randomised), treatment duration TRTEDT -
     * TRTSDT + 1, the enrolled set, the cause of death (Rule DEATH-CAUSE) and
     * the end of study (Rule EOS-STATUS). */
    table_set(t, r, "AGEU", sj->ageu);
    table_set(t, r, "ETHNIC", sj->ethnic);
    table_set(t, r, "ARMCD", sj->armcd);
    table_set(t, r, "ACTARMCD", sj->actarmcd);
    table_set(t, r, "ACTARM", sj->actarm);
    table_set(t, r, "TRT01P", sj->arm);
    table_set(t, r, "TRT01A",
              sj->actarm && *sj->actarm ? sj->actarm
              : saf                     ? sj->arm
                                        : NULL);
    /* RANDDT where randomised, ENRLDT otherwise: the reference date
     * admiralonco's code takes (ADY, the time origin). */
    int32_t rd = randomised(sj);
    table_set_date(t, r, "RANDDT", rd != DATE_NONE ? rd : sj->origin);
    if (sj->first_dose != DATE_NONE && sj->last_dose != DATE_NONE)
        table_set_int(t, r, "TRTDURD",
                      (long)(sj->last_dose - sj->first_dose) + 1);
    table_set(t, r, "ENRLFL", res->enrolled ? "Y" : "N");
    const char *cause_term = NULL;
    enum death_cause dc = subject_death_cause(p, sj, &cause_term);
    table_set(t, r, "DTHCAUS", cause_term);
    table_set(t, r, "DTHCGR1",
              dc == DEATH_PROGRESSION ? "PROGRESSIVE DISEASE"
              : dc == DEATH_AE        ? "ADVERSE EVENT"
              : dc == DEATH_OTHER     ? "OTHER"
                                      : NULL);
    eos(p, sj, &stt, &why);
    table_set(t, r, "EOSSTT", stt);
    table_set(t, r, "DCSREAS", why);
    char reason[REASON_MAX];
    if (!saf)
        snprintf(reason, sizeof reason, "EFFFL N: no dose of study drug%s",
                 p->data_cutoff != DATE_NONE ? " by the data cut-off" : "");
    else if (!rano->measurable)
        snprintf(reason, sizeof reason,
                 "EFFFL N: no measurable CNS disease "
                 "at a valid baseline (%s)",
                 rano->measurable_why);
    else if (!eff)
        snprintf(reason, sizeof reason,
                 "EFFFL N: no post-baseline MRI "
                 "(evaluable_requires_postbaseline)");
    else
        snprintf(reason, sizeof reason,
                 "EFFFL Y: treated, %d measurable RANO-BM target%s at "
                 "baseline",
                 rano->n_targets, rano->n_targets == 1 ? "" : "s");
    table_set(t, r, "REASON", reason);
}

/* ---- adtr ---- */

/* Why a lesion's value is what it is (response-criteria.md b.1). */
static const char *lval_reason(uint8_t how)
{
    switch ((enum lval_how)how) {
    case LV_MEASURED:
        return "measured";
    case LV_TSTM_DEFAULT:
        return "too small to measure: tstm_value_mm";
    case LV_TSTM_RECORDED:
        return "too small to measure: the recorded value";
    case LV_FRAGMENTS:
        return "split: the fragments added";
    case LV_MERGED_FIRST:
        return "merged: the merged mass counts here";
    case LV_MERGED_ZERO:
        return "merged into another target: counts 0";
    default:
        return "not assessed";
    }
}

static void set_mm(struct table *t, size_t r, const char *col, int64_t v)
{
    char b[32];
    if (v < 0)
        return;
    diam_format(v, b, sizeof b);
    table_set(t, r, col, b);
}

static void set_change(struct table *t, size_t r, const char *chg,
                       const char *pchg, int64_t v, int64_t ref)
{
    if (v < 0 || ref < 0)
        return;
    char b[32];
    diam_format(v - ref, b, sizeof b);
    table_set(t, r, chg, b);
    /* PCHGNAD is empty when the nadir is 0 (data-format.md). */
    if (ref > 0)
        table_setf(t, r, pchg, "%.2f", 100.0 * (double)(v - ref) / (double)ref);
}

/* Rule LESION-NUMBER: a target lesion's number n in LDIAMn, NLDIAMn and
 * LDCNSn is its place among the subject's target lesions of either
 * criterion, in the order TU lists them, so that one lesion has one
 * number under RECIST 1.1 and RANO-BM alike. */
static int lesion_number(const struct subject *sj, int idx)
{
    int n = 0;
    for (int j = 0; j <= idx && j < (int)sj->n_lesions; j++)
        n += sj->lesions[j].cls[CRIT_RECIST] == LC_TARGET ||
             sj->lesions[j].cls[CRIT_RANOBM] == LC_TARGET;
    return n ? n : idx + 1;
}

static void adtr_rows(const struct study *s, const struct subject *sj,
                      const struct crit_result *cr, struct table *t)
{
    if (!cr->n_target_lesions || !cr->n_tp)
        return;
    /* ANL02FL: the best change of the sum (Rule BEST-CHANGE). */
    int best = crit_best_change(cr);
    const struct protocol *p = &s->proto;
    bool cns = cr->crit == CRIT_RANOBM;
    const char *pcat3 = criterion_name(cr->crit);
    int64_t base = cr->tp[0].baseline ? cr->tp[0].sum : -1;
    for (size_t i = 0; i < cr->n_tp; i++) {
        const struct tp *tp = &cr->tp[i];
        size_t r = table_add_row(t);
        table_set(t, r, "STUDYID", sj->studyid);
        table_set(t, r, "USUBJID", sj->usubjid);
        table_set(t, r, "PARAMCD", cns ? "SDIAMCNS" : "SDIAM");
        table_set(t, r, "PARAM",
                  cns ? "Sum of Diameters of CNS Target "
                        "Lesions (mm)"
                      : "Sum of Diameters of Target Lesions "
                        "(mm)");
        table_set(t, r, "PARCAT1", "TUMOR MEASUREMENT");
        table_set(t, r, "PARCAT2", evaluator_label(p));
        table_set(t, r, "PARCAT3", pcat3);
        table_set(t, r, "AVISIT", tp->visit);
        table_set_int(t, r, "AVISITN", (long)i);
        table_set(t, r, "ABLFL", tp->baseline ? "Y" : NULL);
        table_set(t, r, "ANL02FL", (int)i == best ? "Y" : NULL);
        table_set_date(t, r, "ADT", tp->date);
        table_set_int(t, r, "ADY", study_day_cdisc(tp->date, sj->origin));
        set_mm(t, r, "AVAL", tp->sum);
        set_mm(t, r, "BASE", base);
        if (!tp->baseline) {
            set_change(t, r, "CHG", "PCHG", tp->sum, base);
            set_mm(t, r, "NADIR", tp->nadir);
            set_change(t, r, "CHGNAD", "PCHGNAD", tp->sum, tp->nadir);
        }
        bool anl = cr->baseline_ok && (tp->baseline || i < cr->n_considered);
        table_set(t, r, "ANL01FL", anl ? "Y" : NULL);
        char reason[REASON_MAX] = "";
        const char *missing = NULL;
        for (size_t k = 0; k < cr->n_target_lesions; k++) {
            int64_t v = cr->lval[i * cr->n_target_lesions + k];
            const char *id = sj->lesions[cr->target_lesions[k]].linkid;
            if (v < 0) {
                if (!missing)
                    missing = id;
                continue;
            }
            char b[32];
            diam_format(v, b, sizeof b);
            reason_append(reason, sizeof reason, "%s%s %s",
                          *reason ? " + " : "sum of targets: ", id, b);
        }
        if (missing)
            snprintf(reason, sizeof reason,
                     "not reported: target %s not assessed (b.1)", missing);
        else if (tp->baseline)
            reason_append(reason, sizeof reason, " (baseline)");
        table_set(t, r, "REASON", reason);
        for (size_t k = 0; k < cr->n_target_lesions; k++) {
            int64_t v = cr->lval[i * cr->n_target_lesions + k];
            int64_t b = cr->baseline_ok ? cr->lval[k] : -1;
            const struct lesion *l = &sj->lesions[cr->target_lesions[k]];
            size_t q = table_add_row(t);
            table_set(t, q, "STUDYID", sj->studyid);
            table_set(t, q, "USUBJID", sj->usubjid);
            bool node = l->is_nodal && !cns;
            int num = lesion_number(sj, cr->target_lesions[k]);
            table_setf(t, q, "PARAMCD", "%s%d",
                       cns    ? "LDCNS"
                       : node ? "NLDIAM"
                              : "LDIAM",
                       num);
            table_setf(t, q, "PARAM", "%s of target %d (%s, %s) (mm)",
                       node ? "Short axis" : "Longest diameter", num, l->linkid,
                       *l->loc ? l->loc
                               : "location "
                                 "unknown");
            table_set(t, q, "PARCAT1", "TUMOR MEASUREMENT");
            table_set(t, q, "PARCAT2", evaluator_label(p));
            table_set(t, q, "PARCAT3", pcat3);
            table_set(t, q, "TRLNKID", l->linkid);
            table_set(t, q, "AVISIT", tp->visit);
            table_set_int(t, q, "AVISITN", (long)i);
            table_set(t, q, "ABLFL", tp->baseline ? "Y" : NULL);
            table_set_date(t, q, "ADT", tp->date);
            table_set_int(t, q, "ADY", study_day_cdisc(tp->date, sj->origin));
            set_mm(t, q, "AVAL", v);
            set_mm(t, q, "BASE", b);
            if (!tp->baseline)
                set_change(t, q, "CHG", "PCHG", v, b);
            table_set(t, q, "ANL01FL", anl ? "Y" : NULL);
            table_set(t, q, "REASON",
                      lval_reason(cr->lhow[i * cr->n_target_lesions + k]));
        }
    }
}

/* ---- adrs ---- */

struct pnames {
    const char *ovr, *trg, *ntrg, *newl, *bor, *cbor, *rsp, *crsp, *ccb;
    const char *cb, *pd, *lsta, *mdis;
};

static const struct pnames recist_names = {
    "OVR",  "TRGRESP", "NTRGRESP", "NEWLIND", "BOR",  "CBOR", "RSP",
    "CRSP", "CCB",     "CB",       "PD",      "LSTA", "MDIS"};
static const struct pnames rano_names = {
    "OVRCNS",  "TRGRCNS", "NTRGRCNS", "NEWLCNS", "BORCNS",  "CBORCNS", "RSPCNS",
    "CRSPCNS", "CCBCNS",  "CBCNS",    "PDCNS",   "LSTACNS", "MDISCNS"};
static const struct pnames irecist_names = {"IOVR",  NULL, NULL, NULL, "IBOR",
                                            "ICBOR", NULL, NULL, NULL, NULL,
                                            NULL,    NULL, NULL};

/* PARAMN: one number per PARAMCD, RANO-BM's 20 above RECIST 1.1's,
 * iRECIST's from 41, DEATH 99; adtte's in the order of TTE_*. */
static long paramn(const char *code)
{
    static const char *const codes[] = {
        "OVR",     "TRGRESP", "NTRGRESP", "NEWLIND",  "BOR",     "CBOR",
        "RSP",     "CRSP",    "CB",       "CCB",      "PD",      "LSTA",
        "MDIS",    "OVRCNS",  "TRGRCNS",  "NTRGRCNS", "NEWLCNS", "BORCNS",
        "CBORCNS", "RSPCNS",  "CRSPCNS",  "CBCNS",    "CCBCNS",  "PDCNS",
        "LSTACNS", "MDISCNS", "IOVR",     "IBOR",     "ICBOR",   "DEATH",
        "PFS",     "PFSCNS",  "OS",       "RSD",      "RSDCNS",  "IPFS"};
    static const long nums[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                13, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
                                32, 33, 41, 45, 46, 99, 1,  2,  3,  4,  5,  6};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (!strcmp(codes[i], code))
            return nums[i];
    return 0;
}

static size_t rs_row(struct table *t, const struct study *s,
                     const struct subject *sj, const struct crit_result *cr,
                     const char *paramcd, const char *param)
{
    size_t r = table_add_row(t);
    table_set(t, r, "STUDYID", sj->studyid);
    table_set(t, r, "USUBJID", sj->usubjid);
    table_set(t, r, "PARAMCD", paramcd);
    table_set_int(t, r, "PARAMN", paramn(paramcd));
    table_set(t, r, "PARAM", param);
    table_set(t, r, "PARCAT1", "TUMOR RESPONSE");
    table_set(t, r, "PARCAT2", evaluator_label(&s->proto));
    table_set(t, r, "PARCAT3",
              cr->irecist ? "iRECIST" : criterion_name(cr->crit));
    return r;
}

static void resp_cells(struct table *t, size_t r, const struct crit_result *cr,
                       enum resp v)
{
    table_set(t, r, "AVALC", resp_name(v, cr->irecist));
    table_set_int(t, r, "AVAL", resp_aval(v));
}

static void tp_cells(struct table *t, size_t r, const struct subject *sj,
                     const struct crit_result *cr, size_t i, int32_t date)
{
    const struct tp *tp = &cr->tp[i];
    table_set(t, r, "AVISIT", tp->visit);
    table_set_int(t, r, "AVISITN", (long)i);
    table_set_date(t, r, "ADT", date);
    table_set_int(t, r, "ADY", study_day_cdisc(date, sj->origin));
    table_set(t, r, "ANL01FL", i < cr->n_considered ? "Y" : NULL);
}

static void yn(struct table *t, size_t r, bool y)
{
    table_set(t, r, "AVALC", y ? "Y" : "N");
    table_set_int(t, r, "AVAL", y ? 1 : 0);
}

/* Rule ADRS-ADMIRALONCO: the parameters admiralonco's ADRS adds, per
 * criterion: CB, clinical benefit without confirmation (the unconfirmed
 * best response CR, PR, SD or NON-CR/NON-PD, with the SD minimum of f);
 * PD, the first progression among the assessments considered (its date
 * back-dated as OVR's); LSTA, the last assessment considered, with its
 * response; MDIS, measurable disease at baseline (Rule
 * MEASURABLE-DISEASE). */
static void adrs_admiralonco(const struct study *s, const struct subject *sj,
                             const struct crit_result *cr,
                             const struct pnames *pn, const char *pre,
                             struct table *t)
{
    char param[120];
    enum resp b = cr->bor.resp;
    bool cb =
        b == RESP_CR || b == RESP_PR || b == RESP_SD || b == RESP_NONCRNONPD;
    snprintf(param, sizeof param, "%sClinical Benefit (unconfirmed)", pre);
    size_t r = rs_row(t, s, sj, cr, pn->cb, param);
    yn(t, r, cb);
    if (cb && cr->bor.tp >= 0) {
        table_set(t, r, "AVISIT", cr->tp[cr->bor.tp].visit);
        table_set_int(t, r, "AVISITN", (long)cr->bor.tp);
        table_set_date(t, r, "ADT", cr->bor.date);
        table_set_int(t, r, "ADY", study_day_cdisc(cr->bor.date, sj->origin));
    }
    table_set(t, r, "ANL01FL", "Y");
    table_setf(t, r, "REASON", "%s: unconfirmed best response %s",
               cb ? "Y" : "N", cr->bor.reason);

    int pd = -1, last = -1;
    for (size_t i = 1; i < cr->n_tp && i < cr->n_considered; i++) {
        if (cr->tp[i].baseline)
            continue;
        last = (int)i;
        if (pd < 0 && cr->tp[i].overall == RESP_PD)
            pd = (int)i;
    }
    snprintf(param, sizeof param, "%sDisease Progression", pre);
    r = rs_row(t, s, sj, cr, pn->pd, param);
    yn(t, r, pd >= 0);
    if (pd >= 0) {
        const struct tp *tp = &cr->tp[pd];
        tp_cells(t, r, sj, cr, (size_t)pd,
                 tp->pd_date != DATE_NONE ? tp->pd_date : tp->date);
        table_setf(t, r, "REASON", "Y: the first PD, at %s", tp->visit);
    } else {
        table_set(t, r, "ANL01FL", "Y");
        table_set(t, r, "REASON", "N: no PD among the assessments considered");
    }
    if (last >= 0) {
        const struct tp *tp = &cr->tp[last];
        snprintf(param, sizeof param, "%sLast Disease Assessment", pre);
        r = rs_row(t, s, sj, cr, pn->lsta, param);
        resp_cells(t, r, cr, tp->overall);
        tp_cells(t, r, sj, cr, (size_t)last,
                 tp->overall == RESP_PD && tp->pd_date != DATE_NONE
                     ? tp->pd_date
                     : tp->date);
        table_set(t, r, "REASON",
                  "the last assessment considered for best response");
    }
    snprintf(param, sizeof param, "%sMeasurable Disease at Baseline", pre);
    r = rs_row(t, s, sj, cr, pn->mdis, param);
    yn(t, r, cr->measurable);
    table_set(t, r, "ANL01FL", "Y");
    if (cr->measurable)
        table_setf(t, r, "REASON", "Y: %d target%s measurable at baseline",
                   cr->n_measurable, cr->n_measurable == 1 ? "" : "s");
    else
        table_setf(t, r, "REASON", "N: %s", cr->measurable_why);
}

/* The subject's death as admiralonco's ADRS holds it (PARAMCD DEATH,
 * PARCAT1 REFERENCE EVENT), the source of the time-to-event records. */
static void adrs_death(const struct subject *sj, struct table *t)
{
    size_t r = table_add_row(t);
    table_set(t, r, "STUDYID", sj->studyid);
    table_set(t, r, "USUBJID", sj->usubjid);
    table_set(t, r, "PARAMCD", "DEATH");
    table_set_int(t, r, "PARAMN", paramn("DEATH"));
    table_set(t, r, "PARAM", "Death");
    table_set(t, r, "PARCAT1", "REFERENCE EVENT");
    yn(t, r, sj->death != DATE_NONE);
    table_set_date(t, r, "ADT", sj->death);
    if (sj->death != DATE_NONE)
        table_set_int(t, r, "ADY", study_day_cdisc(sj->death, sj->origin));
    table_set(t, r, "ANL01FL", "Y");
    table_set(t, r, "REASON",
              sj->death != DATE_NONE ? "Y: DM DTHDTC" : "N: no death known");
}

static void adrs_rows(const struct study *s, const struct subject *sj,
                      const struct crit_result *cr, struct table *t)
{
    const struct pnames *pn = cr->irecist               ? &irecist_names
                              : cr->crit == CRIT_RANOBM ? &rano_names
                                                        : &recist_names;
    const char *pre = cr->crit == CRIT_RANOBM ? "CNS " : "";
    char param[120];
    for (size_t i = 0; i < cr->n_tp; i++) {
        const struct tp *tp = &cr->tp[i];
        if (tp->baseline)
            continue;
        int32_t adt = tp->overall == RESP_PD && tp->pd_date != DATE_NONE
                          ? tp->pd_date
                          : tp->date;
        snprintf(param, sizeof param, "%sOverall Response", pre);
        size_t r = rs_row(t, s, sj, cr, pn->ovr, param);
        resp_cells(t, r, cr, tp->overall);
        tp_cells(t, r, sj, cr, i, adt);
        table_set(t, r, "REASON", tp->reason);
        if (!pn->trg)
            continue;
        /* Every post-baseline assessment has its target response: NE, with
         * the overall response's reason, when there is no evaluable
         * baseline. */
        if (cr->n_target_lesions || !cr->baseline_ok) {
            snprintf(param, sizeof param, "%sTarget Response", pre);
            r = rs_row(t, s, sj, cr, pn->trg, param);
            resp_cells(t, r, cr, cr->baseline_ok ? tp->target : RESP_NE);
            tp_cells(t, r, sj, cr, i, tp->date);
            table_set(t, r, "REASON",
                      cr->baseline_ok ? tp->trg_reason : tp->reason);
        }
        if (!cr->baseline_ok)
            continue;
        if (tp->nontarget != RESP_NA) {
            snprintf(param, sizeof param, "%sNon-target Response", pre);
            r = rs_row(t, s, sj, cr, pn->ntrg, param);
            resp_cells(t, r, cr, tp->nontarget);
            tp_cells(t, r, sj, cr, i, tp->date);
            table_set(t, r, "REASON", tp->ntrg_reason);
        }
        snprintf(param, sizeof param, "%sNew Lesion Indicator", pre);
        r = rs_row(t, s, sj, cr, pn->newl, param);
        yn(t, r, tp->newl == NEWL_YES);
        tp_cells(t, r, sj, cr, i,
                 tp->newl == NEWL_YES && tp->pd_date != DATE_NONE ? tp->pd_date
                                                                  : tp->date);
        table_set(t, r, "REASON",
                  tp->newl == NEWL_NO ? "no new lesion" : tp->new_reason);
    }
    const struct bor *bs[2] = {&cr->bor, &cr->cbor};
    const char *codes[2] = {pn->bor, pn->cbor};
    const char *labels[2] = {"Best Overall Response (unconfirmed)",
                             "Best Overall Response (confirmed)"};
    for (int k = 0; k < 2; k++) {
        const struct bor *b = bs[k];
        snprintf(param, sizeof param, "%s%s", pre, labels[k]);
        size_t r = rs_row(t, s, sj, cr, codes[k], param);
        resp_cells(t, r, cr, b->resp);
        if (b->tp >= 0) {
            table_set(t, r, "AVISIT", cr->tp[b->tp].visit);
            table_set_int(t, r, "AVISITN", (long)b->tp);
            table_set_date(t, r, "ADT", b->date);
            table_set_int(t, r, "ADY", study_day_cdisc(b->date, sj->origin));
        }
        table_set(t, r, "ANL01FL", "Y");
        table_set(t, r, "REASON", b->reason);
    }
    if (!pn->rsp)
        return;
    const char *rcodes[2] = {pn->rsp, pn->crsp};
    const char *rlabels[2] = {"Response (unconfirmed)", "Response (confirmed)"};
    for (int k = 0; k < 2; k++) {
        const struct bor *b = bs[k];
        bool y = b->resp == RESP_CR || b->resp == RESP_PR;
        snprintf(param, sizeof param, "%s%s", pre, rlabels[k]);
        size_t r = rs_row(t, s, sj, cr, rcodes[k], param);
        yn(t, r, y);
        if (y) {
            table_set_date(t, r, "ADT", b->date);
            table_set_int(t, r, "ADY", study_day_cdisc(b->date, sj->origin));
        }
        table_set(t, r, "ANL01FL", "Y");
        table_setf(t, r, "REASON", "%s: best response %s", y ? "Y" : "N",
                   b->reason);
    }
    snprintf(param, sizeof param, "%sClinical Benefit (confirmed)", pre);
    size_t r = rs_row(t, s, sj, cr, pn->ccb, param);
    yn(t, r, cr->cb);
    table_set(t, r, "ANL01FL", "Y");
    table_set(t, r, "REASON", cr->cb_reason);
    adrs_admiralonco(s, sj, cr, pn, pre, t);
}

static void adtte_rows(const struct study *s, const struct subject *sj,
                       const struct subject_result *res, struct table *t)
{
    for (int k = 0; k < TTE_N; k++) {
        const struct tte *o = &res->tte[k];
        if (!o->present)
            continue;
        size_t r = table_add_row(t);
        table_set(t, r, "STUDYID", sj->studyid);
        table_set(t, r, "USUBJID", sj->usubjid);
        table_set(t, r, "PARAMCD", o->paramcd);
        table_set(t, r, "PARAM", o->param);
        table_set(t, r, "PARCAT2",
                  *o->criterion && k != TTE_OS ? evaluator_label(&s->proto)
                                               : NULL);
        table_set(t, r, "PARCAT3", o->criterion);
        table_set_date(t, r, "STARTDT", o->start);
        table_set_date(t, r, "ADT", o->adt);
        table_set_int(t, r, "AVAL", o->aval);
        table_set(t, r, "AVALU", "DAYS");
        table_set_int(t, r, "CNSR", o->cnsr);
        table_set(t, r, "EVNTDESC", o->evntdesc);
        table_set(t, r, "CNSDTDSC", o->cnsdtdsc);
        table_set(t, r, "SRCDOM", o->srcdom);
        table_set_int(t, r, "PARAMN", paramn(o->paramcd));
        table_set(t, r, "PARCAT1", "TIME TO EVENT");
        /* SRCVAR: the variable the date comes from (SRCSEQ, the ASEQ of
         * the ADRS record, is set by adam_subject once ADRS is numbered). */
        const char *var = !strcmp(o->srcdom, "ADRS") ? "ADT"
                          : !strcmp(o->srcdom, "CM") ? "CMSTDTC"
                          : o->cnsr == 0             ? "DTHDT"
                          : o->adt == o->start       ? "ENRLDT"
                                                     : "LSTALVDT";
        table_set(t, r, "SRCVAR", var);
        table_set(t, r, "REASON", o->reason);
    }
}

static const char *action_name(enum ae_action a)
{
    switch (a) {
    case ACT_NONE:
        return "DOSE NOT CHANGED";
    case ACT_INTERRUPTED:
        return "DRUG INTERRUPTED";
    case ACT_REDUCED:
        return "DOSE REDUCED";
    case ACT_WITHDRAWN:
        return "DRUG WITHDRAWN";
    default:
        return "UNKNOWN";
    }
}

/* Whether AE x comes before y: by start date (none last), then AESEQ,
 * then record order (x_first: x is earlier in the file). */
static bool ae_before(const struct ae *x, const struct ae *y, bool x_first)
{
    int32_t xs = x->start == DATE_NONE ? INT32_MAX : x->start;
    int32_t ys = y->start == DATE_NONE ? INT32_MAX : y->start;
    if (xs != ys)
        return xs < ys;
    if (x->seq != y->seq)
        return x->seq < y->seq;
    return x_first;
}

static void adae_rows(const struct study *s, const struct subject *sj,
                      struct table *t)
{
    const struct protocol *p = &s->proto;
    size_t nd = p->n_drugs < MAX_DRUGS ? p->n_drugs : MAX_DRUGS;
    struct ae_derived *a = xcalloc(sj->n_aes + 1, sizeof *a);
    for (size_t k = 0; k < sj->n_aes; k++)
        ae_derive(s, sj, &sj->aes[k], &a[k]);
    for (size_t k = 0; k < sj->n_aes; k++) {
        const struct ae *e = a[k].ae;
        size_t r = table_add_row(t);
        table_set(t, r, "STUDYID", sj->studyid);
        table_set(t, r, "USUBJID", sj->usubjid);
        if (e->seq >= 0)
            table_set_int(t, r, "AESEQ", e->seq);
        table_set(t, r, "AETERM", e->term);
        /* SDTM values as coded (the tables group them in upper case). */
        table_set(t, r, "AEDECOD", e->decod_src);
        table_set(t, r, "AEBODSYS", e->bodsys_src);
        if (e->grade)
            table_set_int(t, r, "AETOXGR", e->grade);
        table_set(t, r, "AESER", e->ser);
        table_set(t, r, "AEREL", e->rel);
        table_set(t, r, "AEACN", e->acn);
        table_set(t, r, "AEOUT", e->out);
        table_set_date(t, r, "ASTDT", e->start);
        table_set(t, r, "ASTDTF", a[k].astdtf);
        table_set_date(t, r, "AENDT", e->end);
        table_set(t, r, "AENDTF", a[k].aendtf);
        table_set(t, r, "TRTEMFL", a[k].trtem ? "Y" : NULL);
        table_set(t, r, "AREL", a[k].rel_any ? "Y" : "N");
        /* The worst-grade record of this term among the subject's TEAEs
         * (the first of equal grades). */
        bool worst = a[k].trtem;
        for (size_t j = 0; j < sj->n_aes && worst; j++) {
            if (j == k || !a[j].trtem || strcmp(a[j].ae->decod, e->decod))
                continue;
            if (a[j].grade > a[k].grade || (a[j].grade == a[k].grade && j < k))
                worst = false;
        }
        table_set(t, r, "AWORSTFL", worst ? "Y" : NULL);
        /* As admiral: the actual treatment, study days from TRTSDT and
         * the grade. Rule AE-FIRST-OCCURRENCE: AOCCFL, AOCCSFL and AOCCPFL
         * flag the subject's first treatment-emergent AE, the first in its
         * system organ class and the first of its term, by ASTDT, then
         * AESEQ (section i; admiral's derive_var_extreme_flag). */
        table_set(t, r, "TRTA",
                  sj->actarm && *sj->actarm ? sj->actarm : sj->arm);
        if (e->start != DATE_NONE && sj->first_dose != DATE_NONE)
            table_set_int(t, r, "ASTDY",
                          study_day_cdisc(e->start, sj->first_dose));
        if (e->end != DATE_NONE && sj->first_dose != DATE_NONE)
            table_set_int(t, r, "AENDY",
                          study_day_cdisc(e->end, sj->first_dose));
        if (e->grade)
            table_set_int(t, r, "ATOXGR", e->grade);
        bool first[3] = {a[k].trtem, a[k].trtem, a[k].trtem};
        for (size_t j = 0; j < sj->n_aes && a[k].trtem; j++) {
            const struct ae *o = a[j].ae;
            if (j == k || !a[j].trtem || !ae_before(o, e, j < k))
                continue;
            first[0] = false;
            if (!strcmp(o->bodsys, e->bodsys))
                first[1] = false;
            if (!strcmp(o->bodsys, e->bodsys) && !strcmp(o->decod, e->decod))
                first[2] = false;
        }
        table_set(t, r, "AOCCFL", first[0] ? "Y" : NULL);
        table_set(t, r, "AOCCSFL", first[1] ? "Y" : NULL);
        table_set(t, r, "AOCCPFL", first[2] ? "Y" : NULL);
        for (size_t d = 0; d < nd; d++) {
            table_set(t, r, p->drugs[d].rel_qnam,
                      a[k].rel[d] ? (a[k].rel_missing[d] ? "RELATED (MISSING)"
                                                         : "RELATED")
                                  : "NOT RELATED");
            table_set(t, r, p->drugs[d].acn_qnam, action_name(a[k].act[d]));
        }
        table_set(t, r, "REASON", a[k].reason);
    }
    free(a);
}

void endpoints_subject(const struct study *s, const struct subject *sj,
                       const struct derive_options *o, struct subject_result *r)
{
    memset(r, 0, sizeof *r);
    if (o->recorded) {
        crit_from_recorded(s, sj, CRIT_RECIST, &r->recist);
        crit_from_recorded(s, sj, CRIT_RANOBM, &r->rano);
    } else {
        crit_derive(s, sj, CRIT_RECIST, &r->recist);
        crit_derive(s, sj, CRIT_RANOBM, &r->rano);
        irecist_derive(s, sj, &r->recist, &r->irec);
    }
    /* Rule ANALYSIS-SETS: all-treated (SAFFL) is one dose of either drug
     * or more, on or before the cut-off; CNS efficacy-evaluable (EFFFL)
     * is treated with a measurable CNS lesion (RANO-BM target) on a valid
     * baseline MRI ([CHOICE] evaluable_requires_postbaseline) (h.1). */
    r->saffl = subject_treated(sj);
    r->enrolled = r->saffl || sj->origin_source == ORIGIN_MILESTONE;
    r->efffl = r->saffl && r->rano.measurable &&
               (!s->proto.evaluable_requires_postbaseline || r->rano.n_tp > 1);
    r->in_set[CRIT_RANOBM] = r->efffl;
    r->in_set[CRIT_RECIST] = r->saffl && r->recist.measurable;
    tte_pfs(s, sj, &r->recist, &r->tte[TTE_PFS]);
    tte_pfs(s, sj, &r->rano, &r->tte[TTE_PFSCNS]);
    tte_os(s, sj, &r->tte[TTE_OS]);
    tte_dor(s, sj, &r->recist, &r->tte[TTE_RSD]);
    tte_dor(s, sj, &r->rano, &r->tte[TTE_RSDCNS]);
    if (!o->recorded)
        tte_ipfs(s, sj, &r->irec, &r->tte[TTE_IPFS]);
}

void subject_result_release(struct subject_result *r)
{
    crit_result_release(&r->recist);
    crit_result_release(&r->rano);
    crit_result_release(&r->irec);
}

/* ASEQ 1, 2, ... on the rows from `from` on (one subject's). */
static void number_rows(struct table *t, size_t from)
{
    for (size_t r = from; r < t->nrow; r++)
        table_set_int(t, r, "ASEQ", (long)(r - from + 1));
}

void adam_subject(const struct study *s, const struct subject *sj,
                  const struct derive_options *o, struct adam_tables *t,
                  struct subject_summary *sum)
{
    struct subject_result res;
    endpoints_subject(s, sj, o, &res);
    adsl_row(s, sj, &res, &t->adsl);
    sum->efffl = res.efffl;
    size_t tr0 = t->adtr.nrow, rs0 = t->adrs.nrow, tte0 = t->adtte.nrow;
    if (!o->recorded) {
        adtr_rows(s, sj, &res.rano, &t->adtr);
        adtr_rows(s, sj, &res.recist, &t->adtr);
    }
    adrs_rows(s, sj, &res.rano, &t->adrs);
    adrs_rows(s, sj, &res.recist, &t->adrs);
    if (!o->recorded)
        adrs_rows(s, sj, &res.irec, &t->adrs);
    adrs_death(sj, &t->adrs);
    adtte_rows(s, sj, &res, &t->adtte);
    /* ASEQ: the subject's records numbered in the order written. */
    number_rows(&t->adtr, tr0);
    number_rows(&t->adrs, rs0);
    number_rows(&t->adtte, tte0);
    /* SRCSEQ: the ASEQ of the ADRS overall response the date comes from. */
    for (size_t r = tte0; r < t->adtte.nrow; r++) {
        if (strcmp(table_get(&t->adtte, r, "SRCDOM"), "ADRS"))
            continue;
        const char *crit = table_get(&t->adtte, r, "PARCAT3");
        const char *ovr = !strcmp(crit, "RANO-BM")   ? "OVRCNS"
                          : !strcmp(crit, "iRECIST") ? "IOVR"
                                                     : "OVR";
        const char *adt = table_get(&t->adtte, r, "ADT");
        for (size_t q = rs0; q < t->adrs.nrow; q++)
            if (!strcmp(table_get(&t->adrs, q, "PARAMCD"), ovr) &&
                !strcmp(table_get(&t->adrs, q, "ADT"), adt)) {
                table_set(&t->adtte, r, "SRCSEQ",
                          table_get(&t->adrs, q, "ASEQ"));
                break;
            }
    }
    adae_rows(s, sj, &t->adae);
    sum->cborcns = res.rano.cbor.resp;
    sum->borcns = res.rano.bor.resp;
    sum->cbor = res.recist.cbor.resp;
    sum->bor = res.recist.bor.resp;
    sum->icbor = o->recorded ? RESP_NONE : res.irec.cbor.resp;
    subject_result_release(&res);
}

int32_t subject_off_study(const struct protocol *p, const struct subject *sj,
                          int32_t cutoff)
{
    int32_t off = DATE_NONE;
    for (size_t i = 0; i < sj->n_ds; i++) {
        const struct ds_event *e = &sj->ds[i];
        if (e->date == DATE_NONE || (cutoff != DATE_NONE && e->date > cutoff))
            continue;
        bool leaves =
            crit_consent_withdrawn(p, e) ||
            (!strcmp(e->cat, "DISPOSITION EVENT") &&
             !strcmp(e->epoch, "FOLLOW-UP") && strcmp(e->decod, "DEATH") != 0);
        if (leaves && (off == DATE_NONE || e->date < off))
            off = e->date;
    }
    return off;
}

enum subject_status subject_status(const struct protocol *p,
                                   const struct subject *sj,
                                   const struct subject_result *r,
                                   int32_t cutoff)
{
    if (sj->death != DATE_NONE && (cutoff == DATE_NONE || sj->death <= cutoff))
        return SUBJ_DEAD;
    if (subject_off_study(p, sj, cutoff) != DATE_NONE)
        return SUBJ_OFF_STUDY;
    if (!r->saffl) {
        for (size_t i = 0; i < sj->n_ds; i++)
            if (!strcmp(sj->ds[i].decod, "SCREEN FAILURE") &&
                (cutoff == DATE_NONE || sj->ds[i].date == DATE_NONE ||
                 sj->ds[i].date <= cutoff))
                return SUBJ_SCREEN_FAILURE;
        return SUBJ_SCREENING;
    }
    for (size_t i = 0; i < sj->n_ds; i++) {
        const struct ds_event *e = &sj->ds[i];
        if (cutoff != DATE_NONE && e->date != DATE_NONE && e->date > cutoff)
            continue;
        if (!strcmp(e->cat, "DISPOSITION EVENT") &&
            (!*e->epoch || !strcmp(e->epoch, "TREATMENT")))
            return SUBJ_FOLLOW_UP;
    }
    return SUBJ_ON_TREATMENT;
}

const char *subject_status_name(enum subject_status st)
{
    switch (st) {
    case SUBJ_SCREENING:
        return "screening";
    case SUBJ_SCREEN_FAILURE:
        return "screen failure";
    case SUBJ_OFF_STUDY:
        return "off study";
    case SUBJ_ON_TREATMENT:
        return "on treatment";
    case SUBJ_FOLLOW_UP:
        return "follow-up";
    case SUBJ_DEAD:
        return "dead";
    }
    return "?";
}
