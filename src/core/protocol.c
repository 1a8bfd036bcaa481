/*
 * protocol.c - the protocol parameters: built-in defaults (this trial's
 * protocol) overridden by protocol.json. Every key is one row of the table
 * below, with its type and allowed values; the defaults are those of
 * shared/spec/response-criteria.md section k and of
 * shared/spec/data-format.md, and docs/protocol.md documents each key.
 * Parsing uses jansson; reading the file is the caller's business.
 */
#include "balist/core.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum ktype {
    K_BOOL,
    K_INT,
    K_INT_OR_NULL,
    K_NUM,
    K_ENUM,
    K_STRLIST,
    K_STR,  /* a term: upper-cased */
    K_TEXT, /* a label: kept as written */
    K_DATE,
    K_INTPAIR,
    K_STEROIDS,
    K_DRUGS,
    K_NEW_THERAPY,
    K_AESI
};

struct key {
    const char *name;
    enum ktype type;
    size_t off;
    const char *const *names; /* K_ENUM: allowed values, index = enum */
    double min, max;          /* K_INT, K_NUM */
};

static const char *const n_origin[] = {"enrolment", "first_dose", NULL};
static const char *const n_anchor[] = {"first_dose", "origin", NULL};
static const char *const n_sticky[] = {"confirmed_pr", "first_pr", NULL};
static const char *const n_reappear[] = {"confirmed_cr", "never", NULL};
static const char *const n_stinc[] = {"sd", "ne", NULL};
static const char *const n_lesref[] = {"nadir_visit", "lesion_min", NULL};
static const char *const n_stref[] = {"baseline", "previous_assessment", NULL};
static const char *const n_missing[] = {"ne_if_response", "carry_forward",
                                        "downgrade_to_sd", NULL};
static const char *const n_cbr[] = {"from_origin", "sustained", NULL};
static const char *const n_missed[] = {"schedule", "gap", NULL};
static const char *const n_ipfs[] = {"event", "censor", NULL};
static const char *const n_kmci[] = {"log-log", "log", "linear", NULL};
static const char *const n_eval[] = {"INVESTIGATOR", "INDEPENDENT", NULL};
static const char *const n_reads[] = {"accepted", "one_reader", NULL};
static const char *const n_ntpfs[] = {"censor", "event", "ignore", NULL};
static const char *const n_impute[] = {"last", "first", "mid", NULL};
static const char *const n_crit[] = {"RECIST 1.1", "RANO-BM", NULL};

#define O(f) offsetof(struct protocol, f)

static const struct key keys[] = {
    {"time_origin", K_ENUM, O(time_origin), n_origin, 0, 0},
    {"aval_plus_one", K_BOOL, O(aval_plus_one), NULL, 0, 0},
    {"assessment_interval_days", K_INT, O(assessment_interval_days), NULL, 1,
     3650},
    {"assessment_window_days", K_INT, O(assessment_window_days), NULL, 0, 365},
    {"assessment_span_days", K_INT, O(assessment_span_days), NULL, 0, 365},
    {"baseline_max_days_before", K_INT, O(baseline_max_days_before), NULL, 0,
     3650},
    {"baseline_anchor", K_ENUM, O(baseline_anchor), n_anchor, 0, 0},
    {"tstm_value_mm", K_NUM, O(tstm_value_mm), NULL, 0, 100},
    {"cr_before_pd", K_BOOL, O(cr_before_pd), NULL, 0, 0},
    {"sticky_pr", K_BOOL, O(sticky_pr), NULL, 0, 0},
    {"sticky_from", K_ENUM, O(sticky_from), n_sticky, 0, 0},
    {"pd_on_reappearance_after_cr", K_ENUM, O(pd_on_reappearance_after_cr),
     n_reappear, 0, 0},
    {"rano_require_lesion_5mm", K_BOOL, O(rano_require_lesion_5mm), NULL, 0, 0},
    {"rano_lesion_ref", K_ENUM, O(rano_lesion_ref), n_lesref, 0, 0},
    {"rano_steroid_increase", K_ENUM, O(rano_steroid_increase), n_stinc, 0, 0},
    {"rano_steroid_ref", K_ENUM, O(rano_steroid_ref), n_stref, 0, 0},
    {"rano_cr_max_steroid_mg", K_NUM, O(rano_cr_max_steroid_mg), NULL, 0, 1000},
    {"rano_missing_policy", K_ENUM, O(rano_missing_policy), n_missing, 0, 0},
    {"sd_breaks_confirmation", K_BOOL, O(sd_breaks_confirmation), NULL, 0, 0},
    {"confirm_min_days", K_INT, O(confirm_min_days), NULL, 1, 365},
    {"allow_ne_between", K_BOOL, O(allow_ne_between), NULL, 0, 0},
    {"sd_min_days_recist", K_INT, O(sd_min_days_recist), NULL, 0, 365},
    {"sd_min_days_rano", K_INT, O(sd_min_days_rano), NULL, 0, 365},
    {"sd_min_window_days", K_INT, O(sd_min_window_days), NULL, 0, 365},
    {"bor_window_end_day", K_INT_OR_NULL, O(bor_window_end_day), NULL, 0, 3650},
    {"ipfs_unconfirmed_iupd", K_ENUM, O(ipfs_unconfirmed_iupd), n_ipfs, 0, 0},
    {"icpd_window_days", K_INTPAIR, O(icpd_window_days), NULL, 0, 365},
    {"cbr_sd_rule", K_ENUM, O(cbr_sd_rule), n_cbr, 0, 0},
    {"missed_rule", K_ENUM, O(missed_rule), n_missed, 0, 0},
    {"censor_after_missed", K_BOOL, O(censor_after_missed), NULL, 0, 0},
    {"new_therapy_pfs", K_ENUM, O(new_therapy_pfs), n_ntpfs, 0, 0},
    {"nat_includes_local", K_BOOL, O(nat_includes_local), NULL, 0, 0},
    {"km_ci_transform", K_ENUM, O(km_ci_transform), n_kmci, 0, 0},
    {"confidence_level", K_NUM, O(confidence_level), NULL, 0.5, 0.999},
    {"evaluable_requires_postbaseline", K_BOOL,
     O(evaluable_requires_postbaseline), NULL, 0, 0},
    {"teae_window_days", K_INT, O(teae_window_days), NULL, 0, 3650},
    {"irae_window_days", K_INT, O(irae_window_days), NULL, 0, 3650},
    {"evaluator", K_ENUM, O(evaluator), n_eval, 0, 0},
    {"independent_reads", K_ENUM, O(independent_reads), n_reads, 0, 0},
    {"partial_assessment_date", K_ENUM, O(partial_assessment_date), n_impute, 0,
     0},
    {"origin_milestones", K_STRLIST, O(origin_milestones), NULL, 0, 0},
    {"consent_withdrawal_terms", K_STRLIST, O(consent_withdrawal_terms), NULL,
     0, 0},
    {"study_disposition_scat", K_STRLIST, O(study_disposition_scat), NULL, 0,
     0},
    {"death_progression_terms", K_STRLIST, O(death_progression_terms), NULL, 0,
     0},
    {"cns_locations", K_STRLIST, O(cns_locations), NULL, 0, 0},
    {"baseline_visits", K_STRLIST, O(baseline_visits), NULL, 0, 0},
    {"criterion_column", K_STR, O(criterion_column), NULL, 0, 0},
    {"arm_code", K_STR, O(arm_code), NULL, 0, 0},
    {"arm", K_TEXT, O(arm), NULL, 0, 0},
    {"default_recorded_criterion", K_ENUM, O(default_recorded_criterion),
     n_crit, 0, 0},
    {"neuro_status_codes", K_STRLIST, O(neuro_status_codes), NULL, 0, 0},
    {"steroid_status_codes", K_STRLIST, O(steroid_status_codes), NULL, 0, 0},
    {"steroid_exclude_indications", K_STRLIST, O(steroid_exclude_indications),
     NULL, 0, 0},
    {"steroid_factors", K_STEROIDS, 0, NULL, 0, 0},
    {"new_therapy", K_NEW_THERAPY, 0, NULL, 0, 0},
    {"drugs", K_DRUGS, 0, NULL, 0, 0},
    {"cycle_days", K_INT, O(cycle_days), NULL, 1, 365},
    {"dose_confirm_ratio", K_NUM, O(dose_confirm_ratio), NULL, 1, 10},
    {"subject_id_pattern", K_STR, O(subject_id_pattern), NULL, 0, 0},
    {"lesion_plausible_min_mm", K_NUM, O(lesion_plausible_min_mm), NULL, 0,
     100},
    {"lesion_plausible_max_mm", K_NUM, O(lesion_plausible_max_mm), NULL, 1,
     10000},
    {"node_plausible_max_mm", K_NUM, O(node_plausible_max_mm), NULL, 1, 10000},
    {"delay_tolerance_days", K_INT, O(delay_tolerance_days), NULL, 0, 365},
    {"aesi", K_AESI, 0, NULL, 0, 0},
    {"irae_terms", K_STRLIST, O(irae_terms), NULL, 0, 0},
    {"subgroups", K_STRLIST, O(subgroups), NULL, 0, 0},
    {"subgroup_age_cut", K_INT, O(subgroup_age_cut), NULL, 1, 120},
    {"subgroup_brain_mets_cut", K_INT, O(subgroup_brain_mets_cut), NULL, 1, 50},
    {"data_cutoff", K_DATE, O(data_cutoff), NULL, 0, 0},
    {"elig_min_age", K_INT, O(elig_min_age), NULL, 0, 120},
    {"elig_max_ecog", K_INT, O(elig_max_ecog), NULL, 0, 4},
    {"elig_min_brain_met_mm", K_NUM, O(elig_min_brain_met_mm), NULL, 1, 100},
    {"elig_steroid_stable_days", K_INT, O(elig_steroid_stable_days), NULL, 0,
     365},
};

#undef O

static void upcase(char *s)
{
    for (; *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

static void list_set(struct strlist *l, const char *const *items)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    size_t n = 0;
    while (items[n])
        n++;
    l->items = xcalloc(n ? n : 1, sizeof *l->items);
    l->n = n;
    for (size_t i = 0; i < n; i++) {
        l->items[i] = xstrdup(items[i]);
        upcase(l->items[i]);
    }
}

static void list_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static void aesi_free(struct protocol *p)
{
    for (size_t i = 0; i < p->n_aesi; i++) {
        free(p->aesi[i].name);
        list_free(&p->aesi[i].terms);
    }
    free(p->aesi);
    p->aesi = NULL;
    p->n_aesi = 0;
}

static void drugs_free(struct protocol *p)
{
    for (size_t i = 0; i < p->n_drugs; i++) {
        free(p->drugs[i].name);
        free(p->drugs[i].label);
        free(p->drugs[i].rel_qnam);
        free(p->drugs[i].acn_qnam);
        free(p->drugs[i].dose_unit);
    }
    free(p->drugs);
    p->drugs = NULL;
    p->n_drugs = 0;
}

static void steroids_free(struct protocol *p)
{
    for (size_t i = 0; i < p->n_steroid_factors; i++)
        free(p->steroid_factors[i].drug);
    free(p->steroid_factors);
    p->steroid_factors = NULL;
    p->n_steroid_factors = 0;
}

void protocol_init(struct protocol *p)
{
    memset(p, 0, sizeof *p);
    p->time_origin = ORIGIN_ENROLMENT;
    p->aval_plus_one = true;
    p->assessment_interval_days = 42;
    p->assessment_window_days = 7;
    p->assessment_span_days = 14;
    p->baseline_max_days_before = 28;
    p->baseline_anchor = ANCHOR_FIRST_DOSE;
    p->tstm_value_mm = 5;
    p->cr_before_pd = true;
    p->sticky_pr = false;
    p->sticky_from = STICKY_CONFIRMED_PR;
    p->pd_on_reappearance_after_cr = REAPPEAR_CONFIRMED_CR;
    p->rano_require_lesion_5mm = true;
    p->rano_lesion_ref = LESREF_NADIR_VISIT;
    p->rano_steroid_increase = STEROID_INC_SD;
    p->rano_steroid_ref = STEROIDREF_BASELINE;
    p->rano_cr_max_steroid_mg = 0;
    p->rano_missing_policy = MISSING_NE_IF_RESPONSE;
    p->sd_breaks_confirmation = true;
    p->confirm_min_days = 28;
    p->allow_ne_between = true;
    p->sd_min_days_recist = 42;
    p->sd_min_days_rano = 28;
    p->sd_min_window_days = 0;
    p->bor_window_end_day = -1;
    p->ipfs_unconfirmed_iupd = IPFS_EVENT;
    p->icpd_window_days[0] = 28;
    p->icpd_window_days[1] = 56;
    p->cbr_sd_rule = CBR_FROM_ORIGIN;
    p->missed_rule = MISSED_SCHEDULE;
    p->censor_after_missed = true;
    p->new_therapy_pfs = NTPFS_CENSOR;
    p->nat_includes_local = true;
    p->km_ci_transform = KMCI_LOGLOG;
    p->confidence_level = 0.95;
    p->evaluable_requires_postbaseline = false;
    p->teae_window_days = 30;
    p->irae_window_days = 90;
    p->evaluator = EVAL_INVESTIGATOR;
    p->partial_assessment_date = IMPUTE_LAST;
    p->default_recorded_criterion = CRIT_RECIST;
    p->data_cutoff = DATE_NONE;
    p->criterion_column = xstrdup("TUCAT");
    p->subject_id_pattern = xstrdup("BAL-NNN-NNNN");
    p->arm_code = xstrdup("IVO+SG");
    p->arm = xstrdup("Ivonescimab + Sacituzumab govitecan");

    static const char *const milestones[] = {"ENROLLED", "RANDOMIZED", NULL};
    /* data-format.md "Tumours": BRAIN and its parts; LEPTOMENINGES counts
     * as CNS (non-measurable). */
    static const char *const cns[] = {"BRAIN",
                                      "CEREBRUM",
                                      "CEREBRAL HEMISPHERE",
                                      "FRONTAL LOBE",
                                      "PARIETAL LOBE",
                                      "TEMPORAL LOBE",
                                      "OCCIPITAL LOBE",
                                      "INSULA",
                                      "CEREBELLUM",
                                      "CEREBELLAR HEMISPHERE",
                                      "BRAIN STEM",
                                      "BRAINSTEM",
                                      "MIDBRAIN",
                                      "PONS",
                                      "MEDULLA OBLONGATA",
                                      "THALAMUS",
                                      "HYPOTHALAMUS",
                                      "BASAL GANGLIA",
                                      "CORPUS CALLOSUM",
                                      "VENTRICLE",
                                      "PITUITARY GLAND",
                                      "LEPTOMENINGES",
                                      "MENINGES",
                                      "DURA MATER",
                                      NULL};
    static const char *const bvisits[] = {"BASELINE", "SCREENING", NULL};
    static const char *const neuro[] = {"CLINSTAT", "NEUROSTAT", "NRADPROG",
                                        NULL};
    static const char *const sstat[] = {"STEROID", "CORTSTAT", NULL};
    static const char *const excl[] = {"PREMEDICATION", "ANTIEMETIC", NULL};
    static const char *const cmcat[] = {"ANTICANCER", "CANCER THERAPY", NULL};
    static const char *const prcat[] = {"CANCER RELATED", NULL};
    static const char *const prdecod[] = {
        "RADIOTHERAPY", "STEREOTACTIC RADIOSURGERY", "WHOLE BRAIN RADIOTHERAPY",
        "SURGERY", NULL};
    list_set(&p->origin_milestones, milestones);
    static const char *const withdraw[] = {"WITHDRAWAL OF CONSENT",
                                           "WITHDRAWAL BY SUBJECT", NULL};
    static const char *const studyscat[] = {
        "STUDY PARTICIPATION", "END OF STUDY",
        "STUDY COMPLETION/EARLY DISCONTINUATION", NULL};
    list_set(&p->consent_withdrawal_terms, withdraw);
    list_set(&p->study_disposition_scat, studyscat);
    static const char *const dthpd[] = {"PROGRESSION", "PROGRESSIVE DISEASE",
                                        NULL};
    list_set(&p->death_progression_terms, dthpd);
    list_set(&p->cns_locations, cns);
    list_set(&p->baseline_visits, bvisits);
    list_set(&p->neuro_status_codes, neuro);
    list_set(&p->steroid_status_codes, sstat);
    list_set(&p->steroid_exclude_indications, excl);
    list_set(&p->new_therapy_cm_contains, cmcat);
    list_set(&p->new_therapy_pr_cat, prcat);
    list_set(&p->new_therapy_pr_decod, prdecod);

    /* data-format.md "RANO-BM inputs": dexamethasone equivalence. */
    static const struct {
        const char *drug;
        double f;
    } sf[] = {{"DEXAMETHASONE", 1},
              {"METHYLPREDNISOLONE", 0.1875},
              {"PREDNISOLONE", 0.15},
              {"PREDNISONE", 0.15},
              {"HYDROCORTISONE", 0.0375}};
    p->n_steroid_factors = sizeof sf / sizeof sf[0];
    p->steroid_factors =
        xcalloc(p->n_steroid_factors, sizeof *p->steroid_factors);
    for (size_t i = 0; i < p->n_steroid_factors; i++) {
        p->steroid_factors[i].drug = xstrdup(sf[i].drug);
        p->steroid_factors[i].factor = sf[i].f;
    }

    /* data-format.md "Safety": per-drug SUPPAE qualifiers;
     * response-criteria.md i: planned schedules (sacituzumab govitecan
     * 10 mg/kg on days 1 and 8 of 21-day cycles; ivonescimab 20 mg/kg on
     * day 1, a protocol item). */
    p->n_drugs = 2;
    p->drugs = xcalloc(2, sizeof *p->drugs);
    p->drugs[0].name = xstrdup("IVONESCIMAB");
    p->drugs[0].label = xstrdup("Ivonescimab");
    p->drugs[0].rel_qnam = xstrdup("AERELIVO");
    p->drugs[0].acn_qnam = xstrdup("AEACNIVO");
    p->drugs[0].planned_dose = 20;
    p->drugs[0].dose_unit = xstrdup("mg/kg");
    p->drugs[0].doses_per_cycle = 1;
    p->drugs[1].name = xstrdup("SACITUZUMAB GOVITECAN");
    p->drugs[1].label = xstrdup("Sacituzumab govitecan");
    p->drugs[1].rel_qnam = xstrdup("AERELADC");
    p->drugs[1].acn_qnam = xstrdup("AEACNADC");
    p->drugs[1].planned_dose = 10;
    p->drugs[1].dose_unit = xstrdup("mg/kg");
    p->drugs[1].doses_per_cycle = 2;
    p->cycle_days = 21;
    p->dose_confirm_ratio = 1.25;
    p->lesion_plausible_min_mm = 1;
    p->lesion_plausible_max_mm = 300;
    p->node_plausible_max_mm = 300;
    p->delay_tolerance_days = 3;
    p->elig_min_age = 18;
    p->elig_max_ecog = 1;
    p->elig_min_brain_met_mm = 10;
    p->elig_steroid_stable_days = 7;

    /* Issue 5 / response-criteria.md i: AEs of special interest for
     * these two drugs (MedDRA preferred terms, British and American
     * spellings). */
    static const struct {
        const char *name;
        const char *const terms[12];
    } groups[] = {
        {"Neutropenia", {"NEUTROPENIA", "NEUTROPHIL COUNT DECREASED", NULL}},
        {"Febrile neutropenia", {"FEBRILE NEUTROPENIA", NULL}},
        {"Diarrhoea", {"DIARRHOEA", "DIARRHEA", NULL}},
        {"Hypertension", {"HYPERTENSION", "BLOOD PRESSURE INCREASED", NULL}},
        {"Proteinuria", {"PROTEINURIA", "NEPHROTIC SYNDROME", NULL}},
        {"Bleeding",
         {"HAEMORRHAGE", "HEMORRHAGE", "EPISTAXIS", "INTRACRANIAL HAEMORRHAGE",
          "CEREBRAL HAEMORRHAGE", "GINGIVAL BLEEDING", "HAEMATURIA",
          "HAEMOPTYSIS", "GASTROINTESTINAL HAEMORRHAGE", NULL}},
        {"Immune-related pneumonitis",
         {"PNEUMONITIS", "INTERSTITIAL LUNG DISEASE",
          "IMMUNE-MEDIATED LUNG DISEASE", NULL}},
        {"Immune-related hepatitis",
         {"HEPATITIS", "IMMUNE-MEDIATED HEPATITIS",
          "ALANINE AMINOTRANSFERASE INCREASED",
          "ASPARTATE AMINOTRANSFERASE INCREASED", NULL}},
        {"Immune-related colitis",
         {"COLITIS", "IMMUNE-MEDIATED ENTEROCOLITIS", NULL}},
        {"Immune-related thyroid disorders",
         {"HYPOTHYROIDISM", "HYPERTHYROIDISM", "THYROIDITIS", NULL}},
        {"Immune-related skin reactions",
         {"RASH", "RASH MACULO-PAPULAR", "PRURITUS", "DERMATITIS", NULL}},
    };
    p->n_aesi = sizeof groups / sizeof groups[0];
    p->aesi = xcalloc(p->n_aesi, sizeof *p->aesi);
    for (size_t i = 0; i < p->n_aesi; i++) {
        p->aesi[i].name = xstrdup(groups[i].name);
        list_set(&p->aesi[i].terms, groups[i].terms);
    }
    static const char *const irae[] = {"PNEUMONITIS",
                                       "INTERSTITIAL LUNG DISEASE",
                                       "COLITIS",
                                       "IMMUNE-MEDIATED ENTEROCOLITIS",
                                       "HEPATITIS",
                                       "IMMUNE-MEDIATED HEPATITIS",
                                       "HYPOTHYROIDISM",
                                       "HYPERTHYROIDISM",
                                       "THYROIDITIS",
                                       "NEPHRITIS",
                                       "ADRENAL INSUFFICIENCY",
                                       "HYPOPHYSITIS",
                                       "MYOCARDITIS",
                                       "TYPE 1 DIABETES MELLITUS",
                                       NULL};
    list_set(&p->irae_terms, irae);
    static const char *const subgroups[] = {"prior_therapy", "steroid_baseline",
                                            "brain_mets", "age", NULL};
    list_set(&p->subgroups, subgroups);
    p->subgroup_age_cut = 65;
    p->subgroup_brain_mets_cut = 3;
}

void protocol_release(struct protocol *p)
{
    list_free(&p->origin_milestones);
    list_free(&p->consent_withdrawal_terms);
    list_free(&p->study_disposition_scat);
    list_free(&p->death_progression_terms);
    list_free(&p->cns_locations);
    list_free(&p->baseline_visits);
    list_free(&p->neuro_status_codes);
    list_free(&p->steroid_status_codes);
    list_free(&p->steroid_exclude_indications);
    list_free(&p->new_therapy_cm_contains);
    list_free(&p->new_therapy_pr_cat);
    list_free(&p->new_therapy_pr_decod);
    steroids_free(p);
    drugs_free(p);
    aesi_free(p);
    list_free(&p->irae_terms);
    list_free(&p->subgroups);
    free(p->criterion_column);
    p->criterion_column = NULL;
    free(p->subject_id_pattern);
    p->subject_id_pattern = NULL;
    free(p->arm_code);
    p->arm_code = NULL;
    free(p->arm);
    p->arm = NULL;
}

static int perr(struct diags *d, const char *file, const char *key,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int perr(struct diags *d, const char *file, const char *key,
                const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diags_add(d, SEV_ERROR, D_PROTOCOL, file, 0, 0, "key '%s': %s", key, msg);
    return -1;
}

/* Reads a JSON array of strings into l (upper-cased). */
static int read_strlist(json_t *v, struct strlist *l, const char *file,
                        const char *key, struct diags *d)
{
    if (!json_is_array(v))
        return perr(d, file, key, "must be an array of strings%s", "");
    size_t n = json_array_size(v);
    for (size_t i = 0; i < n; i++)
        if (!json_is_string(json_array_get(v, i)))
            return perr(d, file, key, "must be an array of strings%s", "");
    list_free(l);
    l->items = xcalloc(n ? n : 1, sizeof *l->items);
    l->n = n;
    for (size_t i = 0; i < n; i++) {
        l->items[i] = xstrdup(json_string_value(json_array_get(v, i)));
        upcase(l->items[i]);
    }
    return 0;
}

static int read_steroids(struct protocol *p, json_t *v, const char *file,
                         struct diags *d)
{
    const char *key = "steroid_factors";
    if (!json_is_object(v))
        return perr(d, file, key,
                    "must be an object of drug name to dexamethasone "
                    "factor, e.g. {\"DEXAMETHASONE\": 1}%s",
                    "");
    const char *k;
    json_t *f;
    json_object_foreach(v, k, f)
    {
        if (!json_is_number(f) || json_number_value(f) <= 0)
            return perr(d, file, key, "factor of '%s' must be a number above 0",
                        k);
    }
    steroids_free(p);
    p->n_steroid_factors = json_object_size(v);
    p->steroid_factors =
        xcalloc(p->n_steroid_factors ? p->n_steroid_factors : 1,
                sizeof *p->steroid_factors);
    size_t i = 0;
    json_object_foreach(v, k, f)
    {
        p->steroid_factors[i].drug = xstrdup(k);
        upcase(p->steroid_factors[i].drug);
        p->steroid_factors[i].factor = json_number_value(f);
        i++;
    }
    return 0;
}

static int read_drugs(struct protocol *p, json_t *v, const char *file,
                      struct diags *d)
{
    const char *key = "drugs";
    if (!json_is_array(v) || json_array_size(v) == 0)
        return perr(d, file, key,
                    "must be a non-empty array of objects with \"name\", "
                    "\"rel_qnam\" and \"acn_qnam\"%s",
                    "");
    size_t n = json_array_size(v);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(v, i);
        const char *nm = json_string_value(json_object_get(o, "name"));
        if (!json_is_object(o) || !nm || !*nm)
            return perr(d, file, key,
                        "each drug must be an object with a non-empty "
                        "\"name\"%s",
                        "");
        const char *k;
        json_t *f;
        json_object_foreach(o, k, f)
        {
            bool num =
                !strcmp(k, "planned_dose") || !strcmp(k, "doses_per_cycle");
            if (strcmp(k, "name") && strcmp(k, "rel_qnam") &&
                strcmp(k, "acn_qnam") && strcmp(k, "label") &&
                strcmp(k, "dose_unit") && !num)
                return perr(d, file, key,
                            "unknown drug field '%s' (expected name, label, "
                            "rel_qnam, acn_qnam, planned_dose, dose_unit, "
                            "doses_per_cycle)",
                            k);
            if (num ? !json_is_number(f) || json_number_value(f) <= 0
                    : !json_is_string(f))
                return perr(d, file, key, "drug field '%s' must be %s", k,
                            num ? "a number above 0" : "a string");
        }
    }
    drugs_free(p);
    p->n_drugs = n;
    p->drugs = xcalloc(n, sizeof *p->drugs);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(v, i);
        const char *rel = json_string_value(json_object_get(o, "rel_qnam"));
        const char *acn = json_string_value(json_object_get(o, "acn_qnam"));
        p->drugs[i].name =
            xstrdup(json_string_value(json_object_get(o, "name")));
        const char *lab = json_string_value(json_object_get(o, "label"));
        const char *unit = json_string_value(json_object_get(o, "dose_unit"));
        p->drugs[i].label = xstrdup(lab ? lab : p->drugs[i].name);
        upcase(p->drugs[i].name);
        p->drugs[i].rel_qnam = xstrdup(rel ? rel : "");
        p->drugs[i].acn_qnam = xstrdup(acn ? acn : "");
        p->drugs[i].dose_unit = xstrdup(unit ? unit : "mg/kg");
        json_t *pd = json_object_get(o, "planned_dose");
        json_t *dc = json_object_get(o, "doses_per_cycle");
        p->drugs[i].planned_dose = pd ? json_number_value(pd) : 0;
        p->drugs[i].doses_per_cycle = dc ? (int)json_number_value(dc) : 1;
        upcase(p->drugs[i].rel_qnam);
        upcase(p->drugs[i].acn_qnam);
    }
    return 0;
}

static int read_new_therapy(struct protocol *p, json_t *v, const char *file,
                            struct diags *d)
{
    const char *key = "new_therapy";
    if (!json_is_object(v))
        return perr(d, file, key,
                    "must be an object with cm_cat_contains, pr_cat and "
                    "pr_decod lists%s",
                    "");
    const char *k;
    json_t *f;
    json_object_foreach(v, k, f)
    {
        struct strlist *l = NULL;
        if (!strcmp(k, "cm_cat_contains"))
            l = &p->new_therapy_cm_contains;
        else if (!strcmp(k, "pr_cat"))
            l = &p->new_therapy_pr_cat;
        else if (!strcmp(k, "pr_decod"))
            l = &p->new_therapy_pr_decod;
        else
            return perr(d, file, key,
                        "unknown field '%s' (expected cm_cat_contains, "
                        "pr_cat, pr_decod)",
                        k);
        if (read_strlist(f, l, file, key, d) < 0)
            return -1;
    }
    return 0;
}

static int read_aesi(struct protocol *p, json_t *v, const char *file,
                     struct diags *d)
{
    const char *key = "aesi";
    if (!json_is_object(v))
        return perr(d, file, key,
                    "must be an object of group name to a list of MedDRA "
                    "preferred terms%s",
                    "");
    const char *k;
    json_t *f;
    json_object_foreach(v, k, f)
    {
        if (!json_is_array(f))
            return perr(d, file, key, "group '%s' must be a list of terms", k);
        for (size_t i = 0; i < json_array_size(f); i++)
            if (!json_is_string(json_array_get(f, i)))
                return perr(d, file, key, "group '%s' must be a list of terms",
                            k);
    }
    aesi_free(p);
    p->n_aesi = json_object_size(v);
    p->aesi = xcalloc(p->n_aesi ? p->n_aesi : 1, sizeof *p->aesi);
    size_t i = 0;
    json_object_foreach(v, k, f)
    {
        p->aesi[i].name = xstrdup(k);
        read_strlist(f, &p->aesi[i].terms, file, key, d);
        i++;
    }
    return 0;
}

static int read_key(struct protocol *p, const struct key *k, json_t *v,
                    const char *file, struct diags *d)
{
    char *base = (char *)p;
    char buf[256];
    switch (k->type) {
    case K_BOOL:
        if (!json_is_boolean(v))
            return perr(d, file, k->name, "must be true or false%s", "");
        *(bool *)(base + k->off) = json_is_true(v);
        return 0;
    case K_INT_OR_NULL:
        if (json_is_null(v)) {
            *(int *)(base + k->off) = -1;
            return 0;
        }
        /* fall through */
    case K_INT:
        if (!json_is_integer(v) || json_integer_value(v) < k->min ||
            json_integer_value(v) > k->max) {
            snprintf(buf, sizeof buf, "a whole number from %.0f to %.0f%s",
                     k->min, k->max,
                     k->type == K_INT_OR_NULL ? ", or null" : "");
            return perr(d, file, k->name, "must be %s", buf);
        }
        *(int *)(base + k->off) = (int)json_integer_value(v);
        return 0;
    case K_NUM:
        if (!json_is_number(v) || json_number_value(v) < k->min ||
            json_number_value(v) > k->max) {
            snprintf(buf, sizeof buf, "a number from %g to %g", k->min, k->max);
            return perr(d, file, k->name, "must be %s", buf);
        }
        *(double *)(base + k->off) = json_number_value(v);
        return 0;
    case K_ENUM: {
        const char *s = json_string_value(v);
        size_t len = 0;
        buf[0] = '\0';
        for (int i = 0; k->names[i]; i++) {
            if (s && strcmp(s, k->names[i]) == 0) {
                *(int *)(base + k->off) = i;
                return 0;
            }
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s\"%s\"",
                                    i ? ", " : "", k->names[i]);
            if (len >= sizeof buf)
                len = sizeof buf - 1;
        }
        return perr(d, file, k->name, "must be one of %s", buf);
    }
    case K_STRLIST:
        return read_strlist(v, (struct strlist *)(base + k->off), file, k->name,
                            d);
    case K_STR:
    case K_TEXT: {
        const char *s = json_string_value(v);
        if (!s || !*s)
            return perr(d, file, k->name, "must be a non-empty string%s", "");
        char **dst = (char **)(base + k->off);
        free(*dst);
        *dst = xstrdup(s);
        if (k->type == K_STR)
            upcase(*dst);
        return 0;
    }
    case K_DATE: {
        const char *s = json_string_value(v);
        struct pdate pd;
        const char *why;
        if (json_is_null(v)) {
            *(int32_t *)(base + k->off) = DATE_NONE;
            return 0;
        }
        if (!s || pdate_parse(s, strlen(s), &pd, &why) < 0 ||
            !pdate_is_complete(pd))
            return perr(d, file, k->name,
                        "must be a complete date YYYY-MM-DD, or null%s", "");
        *(int32_t *)(base + k->off) = pdate_day(pd);
        return 0;
    }
    case K_INTPAIR: {
        int *dst = (int *)(base + k->off);
        json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
        if (!json_is_array(v) || json_array_size(v) != 2 ||
            !json_is_integer(a) || !json_is_integer(b) ||
            json_integer_value(a) < k->min || json_integer_value(b) > k->max ||
            json_integer_value(a) > json_integer_value(b))
            return perr(d, file, k->name,
                        "must be [low, high] whole days, low <= high%s", "");
        dst[0] = (int)json_integer_value(a);
        dst[1] = (int)json_integer_value(b);
        return 0;
    }
    case K_STEROIDS:
        return read_steroids(p, v, file, d);
    case K_DRUGS:
        return read_drugs(p, v, file, d);
    case K_NEW_THERAPY:
        return read_new_therapy(p, v, file, d);
    case K_AESI:
        return read_aesi(p, v, file, d);
    }
    return -1;
}

int protocol_parse(struct protocol *p, const char *json, size_t len,
                   const char *file, struct diags *d)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        diags_add(d, SEV_ERROR, D_PROTOCOL, file, je.line, je.column,
                  "not valid JSON: %s", je.text);
        return -1;
    }
    if (!json_is_object(root)) {
        diags_add(d, SEV_ERROR, D_PROTOCOL, file, 0, 0,
                  "must be a JSON object of protocol keys");
        json_decref(root);
        return -1;
    }
    int rc = 0;
    const char *name;
    json_t *v;
    json_object_foreach(root, name, v)
    {
        /* Keys starting with '_' are comments. */
        if (name[0] == '_')
            continue;
        const struct key *k = NULL;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (strcmp(keys[i].name, name) == 0)
                k = &keys[i];
        if (!k) {
            diags_add(d, SEV_ERROR, D_PROTOCOL, file, 0, 0,
                      "unknown key '%s' (see docs/protocol.md for the keys)",
                      name);
            rc = -1;
            continue;
        }
        if (read_key(p, k, v, file, d) < 0)
            rc = -1;
    }
    json_decref(root);
    /* The subgroups the endpoints know (endpoints/summary.c). */
    static const char *const known[] = {
        "AGE",        "SEX",           "RACE", "SITE", "STEROID_BASELINE",
        "BRAIN_METS", "PRIOR_THERAPY", NULL};
    if (p->subgroups.n > PROTOCOL_SUBGROUPS_MAX) {
        perr(d, file, "subgroups", "at most %d subgroups",
             PROTOCOL_SUBGROUPS_MAX);
        rc = -1;
    }
    for (size_t i = 0; i < p->subgroups.n; i++) {
        bool ok = false;
        for (int k = 0; known[k] && !ok; k++)
            ok = !strcmp(p->subgroups.items[i], known[k]);
        if (!ok) {
            perr(d, file, "subgroups",
                 "'%s' is not a subgroup (age, sex, race, site, "
                 "steroid_baseline, brain_mets, prior_therapy)",
                 p->subgroups.items[i]);
            rc = -1;
        }
    }
    return rc;
}

int evaluator_parse(const char *s, enum evaluator *out)
{
    if (!strcmp(s, "INVESTIGATOR") || !strcmp(s, "investigator")) {
        *out = EVAL_INVESTIGATOR;
        return 0;
    }
    if (!strcmp(s, "INDEPENDENT") || !strcmp(s, "independent")) {
        *out = EVAL_INDEPENDENT;
        return 0;
    }
    return -1;
}

const char *evaluator_name(enum evaluator e)
{
    return e == EVAL_INDEPENDENT ? "INDEPENDENT" : "INVESTIGATOR";
}

const char *criterion_name(enum criterion c)
{
    return c == CRIT_RANOBM ? "RANO-BM" : "RECIST 1.1";
}

double protocol_steroid_factor(const struct protocol *p, const char *decod)
{
    for (size_t i = 0; i < p->n_steroid_factors; i++)
        if (strcmp(p->steroid_factors[i].drug, decod) == 0)
            return p->steroid_factors[i].factor;
    return -1;
}

bool protocol_is_cns(const struct protocol *p, const char *loc)
{
    /* A location is CNS when it is one of the listed ones, or starts with
     * one followed by a comma or a space ("FRONTAL LOBE, LEFT"). */
    for (size_t i = 0; i < p->cns_locations.n; i++) {
        const char *c = p->cns_locations.items[i];
        size_t n = strlen(c);
        if (strncmp(loc, c, n) == 0 &&
            (loc[n] == '\0' || loc[n] == ',' || loc[n] == ' '))
            return true;
    }
    return false;
}

/* ---- the parameters in effect, for the report ---- */

static const char *const protocol_cols[] = {"KEY", "VALUE", NULL};

static void list_text(const struct strlist *l, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                                 l->items[i]);
}

void protocol_table(const struct protocol *p, struct table *t)
{
    table_init(t, "protocol", protocol_cols);
    const char *base = (const char *)p;
    char v[1024];
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const struct key *K = &keys[k];
        const void *f = base + K->off;
        v[0] = '\0';
        switch (K->type) {
        case K_BOOL:
            snprintf(v, sizeof v, "%s", *(const bool *)f ? "true" : "false");
            break;
        case K_INT:
            snprintf(v, sizeof v, "%d", *(const int *)f);
            break;
        case K_INT_OR_NULL:
            if (*(const int *)f < 0)
                snprintf(v, sizeof v, "null");
            else
                snprintf(v, sizeof v, "%d", *(const int *)f);
            break;
        case K_NUM:
            snprintf(v, sizeof v, "%g", *(const double *)f);
            break;
        case K_ENUM:
            snprintf(v, sizeof v, "%s", K->names[*(const int *)f]);
            break;
        case K_STRLIST:
            list_text((const struct strlist *)f, v, sizeof v);
            break;
        case K_STR:
        case K_TEXT: {
            const char *s = *(char *const *)f;
            snprintf(v, sizeof v, "%s", s ? s : "");
            break;
        }
        case K_DATE:
            if (*(const int32_t *)f == DATE_NONE)
                snprintf(v, sizeof v, "null");
            else
                date_format(*(const int32_t *)f, v);
            break;
        case K_INTPAIR:
            snprintf(v, sizeof v, "%d-%d", ((const int *)f)[0],
                     ((const int *)f)[1]);
            break;
        case K_STEROIDS: {
            size_t used = 0;
            for (size_t i = 0; i < p->n_steroid_factors && used < sizeof v; i++)
                used += (size_t)snprintf(
                    v + used, sizeof v - used, "%s%s %g", i ? ", " : "",
                    p->steroid_factors[i].drug, p->steroid_factors[i].factor);
            break;
        }
        case K_DRUGS: {
            size_t used = 0;
            for (size_t i = 0; i < p->n_drugs && used < sizeof v; i++)
                used += (size_t)snprintf(
                    v + used, sizeof v - used, "%s%s (%s) %g %s", i ? "; " : "",
                    p->drugs[i].label, p->drugs[i].name,
                    p->drugs[i].planned_dose,
                    p->drugs[i].dose_unit ? p->drugs[i].dose_unit : "");
            break;
        }
        case K_NEW_THERAPY: {
            char a[300], b[300], c[300];
            list_text(&p->new_therapy_cm_contains, a, sizeof a);
            list_text(&p->new_therapy_pr_cat, b, sizeof b);
            list_text(&p->new_therapy_pr_decod, c, sizeof c);
            snprintf(v, sizeof v, "CM: %s; PR categories: %s; PR: %s", a, b, c);
            break;
        }
        case K_AESI: {
            size_t used = 0;
            for (size_t i = 0; i < p->n_aesi && used < sizeof v; i++)
                used += (size_t)snprintf(v + used, sizeof v - used, "%s%s",
                                         i ? ", " : "", p->aesi[i].name);
            break;
        }
        }
        size_t r = table_add_row(t);
        table_set(t, r, "KEY", K->name);
        table_set(t, r, "VALUE", v);
    }
}
