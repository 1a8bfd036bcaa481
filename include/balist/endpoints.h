/*
 * endpoints.h - ADaM-style records derived from the study model with
 * criteria/ (shared/spec/data-format.md "Outputs"): adsl (one row per
 * subject), adtr (sums and lesion diameters per assessment) and adrs
 * (responses per assessment and best responses), each derived value with
 * its REASON. Rows are appended to plain tables (core.h) that io/ writes;
 * nothing here touches a file.
 */
#ifndef BALIST_ENDPOINTS_H
#define BALIST_ENDPOINTS_H

#include "balist/core.h"
#include "balist/criteria.h"
#include "balist/stats.h"

struct derive_options {
    bool recorded; /* best response from the recorded RS responses alone */
};

struct adam_tables {
    struct table adsl, adtr, adrs, adtte, adae;
    const char **adae_cols; /* built from the protocol's drugs */
};

/* One time-to-event record (adtte; response-criteria.md h.3-h.5). */
struct tte {
    bool present; /* false: not applicable (e.g. DoR of a non-responder) */
    const char *paramcd, *param, *criterion;
    int32_t start, adt;
    long aval; /* days */
    int cnsr;  /* 0 event, 1 censored */
    const char *evntdesc, *cnsdtdsc, *srcdom;
    char reason[REASON_MAX];
};

enum { TTE_PFS, TTE_PFSCNS, TTE_OS, TTE_RSD, TTE_RSDCNS, TTE_IPFS, TTE_N };

void tte_pfs(const struct study *s, const struct subject *sj,
             const struct crit_result *cr, struct tte *o);
void tte_os(const struct study *s, const struct subject *sj, struct tte *o);
void tte_dor(const struct study *s, const struct subject *sj,
             const struct crit_result *cr, struct tte *o);
void tte_ipfs(const struct study *s, const struct subject *sj,
              const struct crit_result *ir, struct tte *o);

/* Everything derived for one subject. */
struct subject_result {
    struct crit_result recist, rano, irec;
    struct tte tte[TTE_N];
    /* Enrolled: an enrolment milestone on or before the data cut-off, or
     * treated. Treated (SAFFL): a dose above zero on or before the
     * cut-off. A subject who joins after the cut-off is not yet in the
     * analysis sets. */
    bool enrolled, saffl, efffl;
    /* The analysis set of each criterion's response rate (h.1): RANO-BM
     * the CNS-evaluable set (EFFFL), RECIST 1.1 the treated with RECIST
     * measurable disease (SAFFL and RECMDFL). Response tables, duration
     * of response, waterfalls and responder listings count a subject of
     * that criterion only when in_set[c]. */
    bool in_set[CRIT_N];
};

/* Where a subject stands at the data cut-off (DATE_NONE: all data):
 * dead; off study (consent withdrawn, lost to follow-up, or another
 * disposition event of the follow-up epoch: no longer followed); not yet
 * treated (screening), or a screen failure; on treatment (no
 * end-of-treatment disposition event); or off treatment, in follow-up.
 * Events after the cut-off are not yet known at it. */
enum subject_status {
    SUBJ_SCREENING,
    SUBJ_SCREEN_FAILURE,
    SUBJ_ON_TREATMENT,
    SUBJ_FOLLOW_UP,
    SUBJ_OFF_STUDY,
    SUBJ_DEAD
};
/* The date the subject left the study (off study), or DATE_NONE. */
int32_t subject_off_study(const struct protocol *p, const struct subject *sj,
                          int32_t cutoff);
enum subject_status subject_status(const struct protocol *p,
                                   const struct subject *sj,
                                   const struct subject_result *r,
                                   int32_t cutoff);
const char *subject_status_name(enum subject_status st);

/* Derives a subject (release with subject_result_release). */
void endpoints_subject(const struct study *s, const struct subject *sj,
                       const struct derive_options *o,
                       struct subject_result *r);
void subject_result_release(struct subject_result *r);

/* ---- the site's review (review.c) ---- */

/* A discrepancy an automatic query is raised for: its stable key (the
 * same finding gives the same key while the data shows it), the visit it
 * concerns ("" when none) and the text the site reads. */
struct finding {
    char key[160];
    char visit[64];
    char text[600];
};
/* The edit checks of one subject: a recorded response that differs from
 * the computed one (response-criteria.md sections b-e), a tumour
 * assessment outside its window (section 0, assessment_interval_days and
 * assessment_window_days), an adverse event without a CTCAE grade
 * (section i). *out is malloc'd. */
size_t endpoints_findings(const struct study *s, const struct subject *sj,
                          const struct subject_result *r, struct finding **out);
/* The monitor's checks across domains (also among endpoints_findings): a
 * dose reduced for an adverse event with no AE whose action is "dose
 * reduced"; a death within teae_window_days of the last dose with no
 * fatal AE; a death whose cause is nowhere recorded. As warnings in d
 * (file, line of the record), for `balist check`. */
void endpoints_monitor_check(const struct study *s, struct diags *d);

/* ---- what a record must be at entry (entry.c) ---- */

/* ENTRY_REFUSE: not saved (422, beside the field); ENTRY_CONFIRM: saved
 * only when confirmed with a reason; ENTRY_STATUS: the subject's status
 * forbids it (409). */
enum entry_sev { ENTRY_REFUSE, ENTRY_CONFIRM, ENTRY_STATUS };
struct entry_issue {
    enum entry_sev sev;
    const char *field; /* the SDTM column it concerns (or "lesion:T01",
                          "date", "identify"), or NULL */
    char key[40];      /* field's storage when it is built (a lesion's) */
    char text[300];    /* in a coordinator's words */
};
#define ENTRY_ISSUES_MAX 16
struct entry_issues {
    struct entry_issue items[ENTRY_ISSUES_MAX];
    size_t n;
};
/* The columns each domain requires at entry, with their labels ("Dose
 * date"); the list ends with a NULL domain. */
struct entry_field {
    const char *domain, *column, *label;
};
const struct entry_field *entry_required(void);
/* A form column's name in a coordinator's words ("AETOXGR": "CTCAE
 * grade"), or NULL. */
const char *entry_label(const char *column);
/* A value refused as typed, before it is staged (Rule ENTRY-FULL-DATE: a
 * partial dose date): -1 with why in a coordinator's words, else 0. */
int entry_check_text(const char *column, const char *text, char *why,
                     size_t size);
/* The subject's date of informed consent (DM RFICDTC, else the DS
 * milestone), DATE_NONE. */
int32_t subject_consent_date(const struct subject *sj);
/* The checks of one record (today: the date entry happens; DATE_NONE: no
 * future check). */
void entry_check_dose(const struct study *s, const struct subject *sj,
                      const struct dose *x, int32_t today,
                      struct entry_issues *o);
void entry_check_ae(const struct study *s, const struct subject *sj,
                    const struct ae *x, int32_t today, struct entry_issues *o);
void entry_check_cm(const struct study *s, const struct subject *sj,
                    const struct cm_record *x, int32_t today,
                    struct entry_issues *o);
/* What may still be entered for a subject (Rule ENTRY-STATUS): closed
 * for a screen failure (no dose, no assessment); after until (the death,
 * or leaving the study), nothing dated later; why says which. */
struct entry_window {
    bool closed;
    int32_t until; /* DATE_NONE: no limit */
    char why[120];
};
void entry_window(const struct study *s, const struct subject *sj,
                  struct entry_window *w);
/* The checks of a tumour assessment at visit (its rows staged into sj):
 * its date not in the future (refused) nor before consent (confirmed);
 * the subject's status (screen failure, dead, off study before it); each
 * diameter within the protocol's plausible range (confirmed); and, when
 * it identifies the baseline lesions, every target by its criterion's
 * rules (a RANO-BM target in the CNS and measurable, a RECIST target
 * measurable, the criteria's number of targets and RECIST's 2 per organ:
 * refused). baseline_rules false leaves out measurability and the target
 * count (io/check.c warns of them in imported data). */
void entry_check_assessment(const struct study *s, const struct subject *sj,
                            const char *visit, int32_t today,
                            bool baseline_rules, struct entry_issues *o);
/* A new subject's identifier against the protocol's subject_id_pattern;
 * why says what is wrong when not. */
bool entry_subject_id_ok(const struct protocol *p, const char *id, char *why,
                         size_t size);
/* An enrolment's dates (DATE_NONE: not given): not in the future, and
 * enrolment not before consent. */
void entry_check_enrolment(const struct protocol *p, int32_t consent,
                           int32_t enrolled, int32_t today,
                           struct entry_issues *o);
/* The same checks of every record, as warnings (file, line) for `balist
 * check` on imported data. */
void endpoints_entry_check(const struct study *s, int32_t today,
                           struct diags *d);

/* The enrolment checklist of this trial. */
enum tri { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };
struct eligibility {
    int age;  /* years; -1 not answered */
    int ecog; /* -1 not answered */
    enum tri consent, er_negative, pr_negative, her2_negative, organ_function,
        no_steroids, prior_trop2_adc, prior_pd1_vegf;
    double brain_met_mm;     /* largest brain metastasis; NAN unanswered */
    int steroid_stable_days; /* days on a stable dose; -1 not answered */
};
#define ELIG_ITEMS 11
struct elig_item {
    const char *code, *label; /* "IN01" ... "EX02" */
    bool inclusion;
    bool known, met; /* met: an inclusion holds / an exclusion does not */
    char why[160];   /* when not met or not known */
};
struct eligibility_result {
    bool complete, eligible;
    struct elig_item items[ELIG_ITEMS];
    size_t n;
    char reason[700];
};
/* Decides eligibility (protocol elig_* thresholds): eligible when every
 * item is answered and met; the reason names each item that is not. */
void eligibility_decide(const struct protocol *p, const struct eligibility *e,
                        struct eligibility_result *r);

/* The visit schedule: dosing every cycle_days from the first dose (within
 * delay_tolerance_days) while on treatment, imaging every
 * assessment_interval_days from the time origin (within
 * assessment_window_days) until progression or death; overdue when today
 * is past the window with nothing recorded. */
#define SCHED_DOSES 8
struct sched_visit {
    const char *kind; /* "dosing" (cycle number) or "imaging" */
    int number;
    int32_t due, lo, hi, done; /* done: DATE_NONE when nothing recorded */
    bool overdue, late, early; /* early, late: done outside the window */
    /* dosing: the cycle's doses, day 1 to the next cycle's (borrowed from
     * the subject), with the protocol's planned dose (NAN when the drug is
     * not the protocol's) and whether it was reduced */
    const struct dose *doses[SCHED_DOSES];
    double planned[SCHED_DOSES];
    bool reduced[SCHED_DOSES];
    int n_doses;
};
size_t subject_schedule(const struct study *s, const struct subject *sj,
                        const struct subject_result *r, int32_t today,
                        struct sched_visit **out);

/* What a subject came to, for the terminal summary. */
struct subject_summary {
    enum resp cborcns, borcns, cbor, bor, icbor;
    bool efffl;
};

void adam_tables_init(struct adam_tables *t, const struct protocol *p);
void adam_tables_release(struct adam_tables *t);

/* Appends one subject's rows to the four tables and fills sum. */
void adam_subject(const struct study *s, const struct subject *sj,
                  const struct derive_options *o, struct adam_tables *t,
                  struct subject_summary *sum);

/* ---- safety (response-criteria.md i) ---- */

#define MAX_DRUGS 8

enum ae_action {
    ACT_UNKNOWN = 0,
    ACT_NONE,
    ACT_INTERRUPTED,
    ACT_REDUCED,
    ACT_WITHDRAWN,
};

/* One adverse event as adae reports it. */
struct ae_derived {
    const struct ae *ae;
    bool trtem;                  /* treatment-emergent */
    const char *astdtf, *aendtf; /* imputation flags ("D", "M") or NULL */
    bool rel[MAX_DRUGS];         /* related to drug k of the protocol */
    bool rel_missing[MAX_DRUGS];
    bool rel_any;
    enum ae_action act[MAX_DRUGS];
    int grade; /* 0 missing */
    bool g3;   /* grade 3 or more (or missing with SAE/death) */
    bool serious, fatal;
    char reason[REASON_MAX];
};

void ae_derive(const struct study *s, const struct subject *sj,
               const struct ae *a, struct ae_derived *o);
/* A fatal adverse event: grade 5 or AEOUT FATAL (section i). */
bool ae_is_fatal(const struct ae *a);

/* The cause of a subject's death (section i: PD vs AE vs other). */
enum death_cause {
    DEATH_ALIVE = 0,   /* no death known */
    DEATH_PROGRESSION, /* disease progression */
    DEATH_AE,          /* a fatal adverse event */
    DEATH_OTHER,       /* another cause, as DSTERM says */
    DEATH_UNKNOWN,     /* dead, no cause recorded */
    DEATH_N
};
/* Decides it and points *term (when not NULL) at the recorded text it
 * rests on (DSTERM or the fatal AE's term; NULL when none). */
enum death_cause subject_death_cause(const struct protocol *p,
                                     const struct subject *sj,
                                     const char **term);
const char *death_cause_name(enum death_cause c);

/* The safety tables as rows (TABLE, SECTION, ITEM, N, n, PCT, n_G3,
 * PCT_G3, VALUE and, for a median with its range, MEDIAN, MIN, MAX); the
 * caller releases the table. */
void safety_tables(const struct study *s, struct table *t);

/* ---- the efficacy summary (`balist endpoints`) ---- */

struct eff_subj;
struct efficacy {
    const struct protocol *proto;
    struct eff_subj *subj;
    size_t n, cap;
};

void efficacy_init(struct efficacy *e, const struct protocol *p);
/* Adds a subject's derived results (copies what the summary needs). */
void efficacy_add(struct efficacy *e, const struct subject *sj,
                  const struct subject_result *r);
/* Derives every subject of s (endpoints_subject) and adds it. */
void efficacy_add_study(struct efficacy *e, const struct study *s,
                        const struct derive_options *o);
/* One level of one subgroup (h.7, the forest plot): the CNS ORR of its
 * CNS-evaluable subjects with an exact CI, and the hazard ratio of PFS
 * (RECIST 1.1, all-treated) against the subgroup's reference level (its
 * first level), by Cox regression (Efron ties) with the log-rank p; NAN
 * where not estimable (no events, or one level only). */
struct subgroup_row {
    char group[48], level[48];
    bool ref;  /* the reference level of the hazard ratio */
    long n, x; /* CNS-evaluable, confirmed CNS responders */
    double orr, orr_lo, orr_hi;
    long pfs_n, pfs_events;
    double hr, hr_lo, hr_hi, p;
};
/* The protocol's subgroups (its subgroups key), each level in order;
 * *out is malloc'd (NULL when none). */
size_t efficacy_subgroups(const struct efficacy *e, struct subgroup_row **out);
/* The rules in effect, in words, from the protocol (TOPIC, RULE): the
 * report's Methods page. */
void endpoints_methods(const struct protocol *p, struct table *t);
/* The sensitivity analyses of the protocol's choices (h.2, h.4, f): the
 * primary analysis and, re-derived in the same run, PFS with the other
 * censor_after_missed and by treatment policy, CNS CBR by the other
 * cbr_sd_rule, CNS ORR with and without the 12-week window; rows as
 * efficacy_table's, SECTION naming the analysis. */
void efficacy_sensitivity(const struct study *s, const struct derive_options *o,
                          struct table *t);
/* The results as rows (SECTION, ITEM, POPULATION, N, n, ESTIMATE, LOWER,
 * UPPER, UNIT, METHOD); the caller releases the table. */
void efficacy_table(const struct efficacy *e, struct table *t);
/* Row r of an efficacy table as a reader sees it: the count ("12/40",
 * "17 at risk", "N=35") and the value ("30.0% (95% CI 16.6-46.5)",
 * "not reached", "NE (no follow-up that long)"). */
void efficacy_row_text(const struct table *t, size_t r, double level,
                       char *count, size_t count_size, char *value,
                       size_t value_size);
/* The Kaplan-Meier CI transform of the protocol (km_ci_transform). */
enum km_ci_type endpoints_km_ci(const struct protocol *p);
void efficacy_release(struct efficacy *e);

#endif
