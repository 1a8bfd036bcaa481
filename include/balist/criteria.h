/*
 * criteria.h - tumour response by RECIST 1.1, RANO-BM and iRECIST: per
 * time point (target, non-target, new lesions, overall) and best overall
 * response, confirmed and unconfirmed, each with the reason a radiologist
 * would accept. Pure functions over the study model (DESIGN.md): no I/O,
 * no printing, no global state. The rules are those of
 * shared/spec/response-criteria.md; each is written where it is coded.
 */
#ifndef BALIST_CRITERIA_H
#define BALIST_CRITERIA_H

#include "balist/core.h"

/* Response categories. AVAL codes follow data-format.md (CR 1 ... NE 6,
 * MISSING 7); the iRECIST ones reuse them with iUPD 5 and iCPD 8. */
enum resp {
    RESP_NONE = 0, /* not evaluated (baseline) */
    RESP_CR,
    RESP_PR,
    RESP_SD,
    RESP_NONCRNONPD,
    RESP_PD,
    RESP_NE,
    RESP_NA, /* no non-target lesions */
    RESP_IUPD,
    RESP_ICPD,
};

const char *resp_name(enum resp r, bool irecist);
int resp_aval(enum resp r);

/* New lesions at one time point. */
enum newl { NEWL_NO = 0, NEWL_EQUIVOCAL, NEWL_YES };

/* Clinical (neurological) status, RANO-BM. */
enum clin { CLIN_UNKNOWN = 0, CLIN_IMPROVED, CLIN_STABLE, CLIN_WORSE };

#define REASON_MAX 720 /* a reason composed of the parts below */
#define PART_MAX 240

/* One assessment (time point) under one criterion. */
struct tp {
    int32_t assess;     /* the subject's assessment number */
    int32_t date;       /* assessment date (section 0: the latest scan) */
    int32_t date_first; /* the earliest scan of the assessment */
    int32_t day;        /* days from the origin (origin = day 0) */
    const char *visit;
    bool baseline;
    /* Sums in mm x DIAM_SCALE; -1 when not known. */
    int64_t sum;
    int64_t nadir; /* nadir before this time point; -1 at baseline */
    enum resp target, nontarget, overall;
    enum newl newl;
    bool newl_backdated; /* PD: an equivocal lesion later unequivocal */
    int32_t pd_date; /* date of a PD (earliest sighting for new-lesion PD) */
    /* RANO-BM inputs at this time point. */
    double steroid_mg; /* dexamethasone-equivalent mg/day; NAN unknown */
    enum clin clinical;
    char reason[REASON_MAX]; /* why the overall response */
    char trg_reason[PART_MAX];
    char ntrg_reason[160];
    char new_reason[200];
};

/* A best overall response with the time point it rests on. */
struct bor {
    enum resp resp;
    int tp;         /* index into tp, -1 when none */
    int32_t date;   /* of that time point */
    int tp_confirm; /* the confirming time point, -1 */
    char reason[REASON_MAX];
};

/* How a target lesion's value was obtained (section b.1). */
enum lval_how {
    LV_MISSING = 0,
    LV_MEASURED,
    LV_TSTM_DEFAULT,  /* too small to measure: tstm_value_mm */
    LV_TSTM_RECORDED, /* too small to measure: the sponsor's number */
    LV_FRAGMENTS,     /* split: fragments added */
    LV_MERGED_FIRST,  /* merged mass counted on its first parent */
    LV_MERGED_ZERO,   /* merged into another parent: 0 */
};

/* Everything derived for one subject under one criterion. */
struct crit_result {
    enum criterion crit;
    bool irecist;
    bool recorded; /* from the recorded (RS) responses alone */
    bool has_lesions;
    bool baseline_ok;
    char baseline_why[200]; /* when not ok */
    int n_targets, n_nontargets;
    bool nt_only; /* non-target disease only */
    /* Measurable disease: at least one target lesion measurable by the
     * criterion at a valid baseline (a.1, a.2; h.1); measurable_why says
     * why not. */
    bool measurable;
    int n_measurable; /* targets measurable at baseline */
    char measurable_why[200];
    struct tp *tp; /* tp[0] is the baseline when baseline_ok */
    size_t n_tp;
    /* Per target lesion and time point: mm x DIAM_SCALE, -1 unknown. */
    int *target_lesions; /* lesion indices */
    size_t n_target_lesions;
    int64_t *lval; /* n_tp x n_target_lesions */
    uint8_t *lhow; /* enum lval_how, same shape */
    /* The assessments that count for best response (section f). */
    int32_t window_end; /* last date counted; DATE_NONE: no limit */
    char window_why[160];
    size_t n_considered; /* tp[1 .. n_considered-1] count */
    struct bor bor;      /* unconfirmed, f.2 */
    struct bor cbor;     /* confirmed, f.1 */
    bool cb;             /* clinical benefit (confirmed CR, PR or SD) */
    char cb_reason[REASON_MAX];
};

/*
 * Derives a subject's time points and best responses under criterion c.
 * The protocol parameters come from s->proto. Fills out (release with
 * crit_result_release). Returns 0.
 */
int crit_derive(const struct study *s, const struct subject *sj,
                enum criterion c, struct crit_result *out);

/*
 * iRECIST (section g) from a subject's RECIST 1.1 result.
 */
int irecist_derive(const struct study *s, const struct subject *sj,
                   const struct crit_result *recist, struct crit_result *out);

/*
 * Best responses from the responses recorded in rs.csv alone (OVRLRESP of
 * criterion c), for studies that only have RS data.
 */
int crit_from_recorded(const struct study *s, const struct subject *sj,
                       enum criterion c, struct crit_result *out);

void crit_result_release(struct crit_result *r);

/* True when the DS record is a withdrawal from the study (consent
 * withdrawn), by the protocol's consent_withdrawal_terms (window.c). */
bool crit_consent_withdrawn(const struct protocol *p, const struct ds_event *e);

/* ------------------------------------------------------------------------
 * What a lesion is (lesion.c): the loader calls these for every TU and TR
 * row, so that these questions are decided in one place.
 */
/* Sets the lesion's location (upper case, kept, not copied) and with it
 * whether it is intracranial and whether it is a lymph node. */
void lesion_locate(struct lesion *les, const struct protocol *p, char *loc);
/* Sets the lesion's class for criterion crit, or, crit -1 (no criterion
 * named), for RECIST 1.1 and, when it is intracranial, for RANO-BM. */
void lesion_classify(struct lesion *les, int crit, enum lesion_class cls);
/* What a lesion too small to measure counts as, without the sponsor's
 * number (mm x DIAM_SCALE). */
int32_t lesion_tstm_value(const struct protocol *p);
/* Rank of a diameter test for a lesion: lower is preferred; 0 = the test
 * does not measure this kind of lesion. */
int lesion_test_rank(enum diam_test t, bool nodal);

/* ------------------------------------------------------------------------
 * The baseline (baseline.c, section a).
 */
enum baseline_status {
    BASELINE_OK,
    BASELINE_NO_ANCHOR, /* no first dose (or origin): not treated */
    BASELINE_NONE,      /* no assessment on or before the anchor */
    BASELINE_TOO_EARLY  /* more than baseline_max_days_before before it */
};
struct baseline {
    enum baseline_status status;
    int32_t anchor;          /* first dose or origin; DATE_NONE */
    const char *anchor_name; /* "the first dose", "the origin" */
    int index;               /* of the baseline in dates; -1 none */
    int gap_days;            /* anchor - its date */
};
/* The date the baseline is judged against, and its name for messages
 * (may be NULL). */
int32_t baseline_anchor(const struct protocol *p, const struct subject *sj,
                        const char **name);
/* Chooses the baseline among n assessment dates sorted ascending. */
void baseline_choose(const struct protocol *p, const struct subject *sj,
                     const int32_t *dates, size_t n, struct baseline *out);

enum measurable { MEAS_OK, MEAS_TOO_SMALL, MEAS_NOT_MEASURABLE_SITE };
/* Whether a target lesion's baseline measurement bm makes it measurable
 * under criterion c; *threshold and *what name the rule applied. */
enum measurable baseline_measurable(const struct lesion *les, enum criterion c,
                                    const struct measurement *bm,
                                    int32_t *threshold, const char **what);
/* The same for a baseline value: diam (mm x DIAM_SCALE), tstm when the
 * lesion was too small to measure. */
enum measurable baseline_measurable_value(const struct lesion *les,
                                          enum criterion c, int64_t diam,
                                          bool tstm, int32_t *threshold,
                                          const char **what);
/* The most target lesions criterion c allows. */
int baseline_max_targets(enum criterion c);
/* The sum of criterion c's target diameters at one assessment (mm x
 * DIAM_SCALE), or -1 when a target has no value there. */
int64_t baseline_target_sum(const struct subject *sj, enum criterion c,
                            int32_t assess);
/* Warns in d of each recorded sum (subject.sums) that disagrees with the
 * lesions. */
void baseline_check_sums(const struct subject *sj, struct diags *d);

/* True when time point j confirms the CR/PR at i (section f.1). */
bool crit_confirms(const struct crit_result *r, const struct protocol *p,
                   size_t i, size_t j);

/*
 * Compares every recorded time-point response (RS OVRLRESP) with the one
 * computed; each disagreement is a warning in d naming rs.csv and the line,
 * both values and the computed reason.
 */
void crit_compare_recorded(const struct study *s, struct diags *d);
/* The same for one subject: fn is called for each recorded response
 * that differs from the computed time point tp. */
typedef void (*crit_disagree_fn)(void *ctx, enum criterion c,
                                 const struct rs_record *x,
                                 const struct tp *tp);
void crit_compare_subject(const struct study *s, const struct subject *sj,
                          crit_disagree_fn fn, void *ctx);

/*
 * The dexamethasone-equivalent corticosteroid dose of a subject on a day
 * (data-format.md "Corticosteroid dose"). Returns true and sets *mg when
 * known.
 */
bool steroid_dose_on(const struct study *s, const struct subject *sj,
                     int32_t day, double *mg);

/* Writes / appends to a reason; a text longer than the buffer is cut. */
void reason_set(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void reason_append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The first new anticancer therapy after the first dose (data-format.md
 * "New anticancer therapy"; nat_includes_local); DATE_NONE when none.
 * *what names it. */
int32_t crit_new_therapy(const struct subject *sj, const struct protocol *p,
                         const char **what);
/* The time point of the best change of the sum of targets from baseline
 * (the waterfall's bar, ADTR ANL02FL): -1 when there is none. */
int crit_best_change(const struct crit_result *x);
/* The number of distinct anticancer therapies (CM rows of the new-therapy
 * categories, by CMDECOD else CMTRT) started before the first dose. */
int crit_prior_therapies(const struct subject *sj, const struct protocol *p);

#endif
