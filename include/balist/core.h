/*
 * core.h - the study model, dates, diagnostics and protocol parameters.
 *
 * The one public header of balist_core, the layer everything else stands on
 * (DESIGN.md). It does no I/O: the protocol is parsed from a JSON text that
 * the caller has read, and diagnostics are collected, never printed.
 * Clinical conventions used here (study day, the time origin, partial-date
 * imputation) follow shared/spec/response-criteria.md section 0 and
 * shared/spec/data-format.md "Dates".
 */
#ifndef BALIST_CORE_H
#define BALIST_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BALIST_VERSION "0.1.0"

/* ------------------------------------------------------------------------
 * Arena: memory whose lifetime is one batch (a load, a derive run).
 */
struct arena_block;
struct arena {
    struct arena_block *head;
};

void arena_init(struct arena *a);
/* Zeroed memory, aligned for any type; aborts on out-of-memory. */
void *arena_alloc(struct arena *a, size_t size);
/* A NUL-terminated copy of s[0..len). */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
void arena_release(struct arena *a);

/* Growable array helpers for plain structs: `T *items; size_t n, cap;`. */
void *vec_grow(void *items, size_t *cap, size_t need, size_t elem);
#define VEC_PUSH(items, n, cap)                                                \
    ((items) = vec_grow((items), &(cap), (n) + 1, sizeof *(items)),            \
     &(items)[(n)++])

/* Allocation that never returns NULL (aborts with a message on failure). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
/* The first n bytes of s as a new string. */
char *xstrndup(const char *s, size_t n);
/* A visit label as locks, signatures and duplicate checks compare it:
 * blanks trimmed and runs of blanks made one space, letters upper case
 * ("week  6 " is "WEEK 6"). NULL reads as "". */
void visit_label_norm(const char *in, char *out, size_t size);

/* ------------------------------------------------------------------------
 * String map: string key -> size_t value, open addressing. Keys are copied.
 */
struct strmap {
    char **keys;
    size_t *vals;
    size_t n, cap;
};

void strmap_init(struct strmap *m);
/* Returns true and sets *val (unless val is NULL) when found. */
bool strmap_get(const struct strmap *m, const char *key, size_t *val);
/* Inserts or replaces. */
void strmap_put(struct strmap *m, const char *key, size_t val);
void strmap_release(struct strmap *m);

/* ------------------------------------------------------------------------
 * Diagnostics: every problem with the place it was found. Codes and their
 * one-word names come from one table (diag_code_name()).
 */
enum severity { SEV_ERROR = 0, SEV_WARNING = 1 };

enum diag_code {
    D_IO = 1,           /* a file cannot be read */
    D_CSV,              /* malformed CSV (quotes, field count) */
    D_COLUMN,           /* a required column is missing */
    D_DATE,             /* a value is not an ISO 8601 date */
    D_NUMBER,           /* a value is not a number in the expected range */
    D_TERM,             /* a value is outside the controlled terms */
    D_UNIT,             /* a unit that cannot be converted to mm */
    D_REQUIRED,         /* a required value is blank */
    D_DUPLICATE,        /* the same thing recorded twice */
    D_UNKNOWN_SUBJECT,  /* a subject not in dm.csv */
    D_NO_LESION,        /* a TR row whose TRLNKID has no TU row */
    D_EVALUATOR,        /* the evaluator selection matches nothing */
    D_IMPUTED,          /* a partial date was imputed */
    D_BASELINE,         /* baseline assessment missing or too early */
    D_NO_BASELINE_MEAS, /* a target lesion without a baseline value */
    D_MEASURABLE,       /* a baseline target below measurability */
    D_CUTOFF,           /* a date after the data cut-off */
    D_SUPP,             /* a supplemental qualifier without a parent */
    D_PROTOCOL,         /* a bad protocol file */
    D_ORIGIN,           /* the time origin fell back to first dose */
    D_ROUNDED,          /* a value was rounded to the stored precision */
    D_SUMDIAM,          /* a recorded sum disagrees with the lesions */
    D_DATE_ORDER,       /* an end before its start */
    D_RECORDED,         /* a recorded response differs from the computed */
    D_MISMATCH,         /* two columns of one value disagree */
    D_MONITOR,          /* a monitor's edit check across domains */
    D_ENTRY,            /* what entry would refuse or ask to confirm */
    D_CODE_COUNT
};

struct diag {
    enum severity sev;
    enum diag_code code;
    char *file; /* may be NULL */
    long line;  /* 0 when not tied to a line */
    int col;    /* 1-based field number; 0 when not tied to a column */
    char *msg;
    size_t seq; /* order of discovery */
};

struct diags {
    struct diag *items;
    size_t n, cap;
    size_t max_kept;   /* messages kept; further ones are only counted */
    size_t n_errors;   /* all errors, kept or not */
    size_t n_warnings; /* all warnings, kept or not */
    size_t n_dropped;
};

/* max_kept 0 means unlimited. */
void diags_init(struct diags *d, size_t max_kept);
void diags_release(struct diags *d);
/* Records one problem. The message has no location and no newline. */
void diags_add(struct diags *d, enum severity sev, enum diag_code code,
               const char *file, long line, int col, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void diags_vadd(struct diags *d, enum severity sev, enum diag_code code,
                const char *file, long line, int col, const char *fmt,
                va_list ap);
const char *diag_code_name(enum diag_code code);
/* Formats "file:line:col: error: msg [name]" into buf (always terminated). */
void diag_format(const struct diag *g, char *buf, size_t size);
/* Sorts kept diagnostics by file, line, column (stable for equal keys). */
void diags_sort(struct diags *d);

/* ------------------------------------------------------------------------
 * Dates. A date is a day number: days since 1970-01-01 (proleptic
 * Gregorian). DATE_NONE marks "no date".
 */
#define DATE_NONE INT32_MIN

int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
/* Writes YYYY-MM-DD (11 bytes with NUL); "" for DATE_NONE. */
void date_format(int32_t days, char buf[static 11]);
int days_in_month(int y, int m);
/* Today's date where the study runs: the local time zone of the process
 * (TZ), which is the single centre's. */
int32_t date_today(void);

/* An ISO 8601 date that may be partial: month or day 0 when missing. */
struct pdate {
    int16_t year; /* 0 when the whole date is missing */
    int8_t month;
    int8_t day;
};

/*
 * Parses YYYY, YYYY-MM, YYYY-MM-DD, optionally followed by a time part
 * ("T..."), which is ignored (data-format.md). Also accepts the SDTM form
 * with a missing month and known day is NOT accepted (YYYY---DD): it is
 * rare and ambiguous. An empty string gives year 0 and returns 0.
 * Returns 0, or -1 when the text is not such a date (then *why says what
 * was wrong).
 */
int pdate_parse(const char *s, size_t len, struct pdate *out, const char **why);
bool pdate_is_missing(struct pdate p);
bool pdate_is_complete(struct pdate p);
/* The earliest / latest day the partial date may stand for. */
int32_t pdate_first(struct pdate p);
int32_t pdate_last(struct pdate p);
/* The day a complete date stands for, DATE_NONE if not complete. */
int32_t pdate_day(struct pdate p);

/*
 * Study day by the CDISC rule: the reference day is day 1, the day before
 * it day -1; there is no day 0 (data-format.md "Outputs").
 */
int32_t study_day_cdisc(int32_t date, int32_t ref);
/*
 * Days from the origin as response-criteria.md section 0 counts them: the
 * origin is day 0 (a plain difference).
 */
int32_t days_from_origin(int32_t date, int32_t origin);

/* ------------------------------------------------------------------------
 * Table: named columns, rows of text cells. The plain data that endpoints/
 * builds and io/ writes (CSV now; JSON and XLSX later). Cells live in the
 * table's arena until table_clear() or table_release().
 */
struct table {
    const char *name;        /* "adrs" */
    const char *const *cols; /* NULL-terminated, borrowed */
    size_t ncol;
    const char **cells; /* nrow x ncol; NULL = empty */
    size_t nrow, cap;
    struct arena arena;
};

void table_init(struct table *t, const char *name, const char *const *cols);
/* Appends an empty row; returns its index. */
size_t table_add_row(struct table *t);
/* Sets a cell by column name (an unknown name is a programmer error). */
void table_set(struct table *t, size_t row, const char *col, const char *v);
void table_setf(struct table *t, size_t row, const char *col, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));
void table_set_date(struct table *t, size_t row, const char *col, int32_t day);
void table_set_int(struct table *t, size_t row, const char *col, long v);
const char *table_get(const struct table *t, size_t row, const char *col);
/* Drops the rows (after they were written), keeps the columns. */
void table_clear(struct table *t);
void table_release(struct table *t);

/* ------------------------------------------------------------------------
 * Strict number parsing: every byte is checked.
 */
/* Parses a decimal number (optional sign, digits, optional fraction,
 * optional exponent). Returns 0 or -1. */
int parse_double(const char *s, size_t len, double *out);
/* Parses an optional sign and digits into a long. Returns 0 or -1. */
int parse_long(const char *s, size_t len, long *out);
/* A length in mm as fixed point, mm x DIAM_SCALE (core.h "Diameters"),
 * rounded to the nearest 0.0001 mm; *rounded tells whether the value had
 * more decimals than that. Returns 0, or -1 when mm is negative, more than
 * 10 m or not a number. */
int diam_from_mm(double mm, int32_t *out, bool *rounded);
/* Formats mm x DIAM_SCALE exactly as "12.5" (up to 4 decimals, no
 * trailing zeros). */
void diam_format(int64_t v, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * Protocol parameters (response-criteria.md section k, data-format.md).
 */
enum criterion { CRIT_RECIST = 0, CRIT_RANOBM = 1, CRIT_N = 2 };
const char *criterion_name(enum criterion c);

struct strlist {
    char **items;
    size_t n;
};
bool strlist_has(const struct strlist *l, const char *s);

enum time_origin { ORIGIN_ENROLMENT, ORIGIN_FIRST_DOSE };
enum baseline_anchor { ANCHOR_FIRST_DOSE, ANCHOR_ORIGIN };
enum sticky_from { STICKY_CONFIRMED_PR, STICKY_FIRST_PR };
enum pd_reappear { REAPPEAR_CONFIRMED_CR, REAPPEAR_NEVER };
enum rano_steroid_increase { STEROID_INC_SD, STEROID_INC_NE };
enum rano_lesion_ref { LESREF_NADIR_VISIT, LESREF_LESION_MIN };
enum rano_steroid_ref { STEROIDREF_BASELINE, STEROIDREF_PREVIOUS };
enum rano_missing {
    MISSING_NE_IF_RESPONSE,
    MISSING_CARRY_FORWARD,
    MISSING_DOWNGRADE_TO_SD
};
enum cbr_sd_rule { CBR_FROM_ORIGIN, CBR_SUSTAINED };
enum missed_rule { MISSED_SCHEDULE, MISSED_GAP };
/* A new anticancer therapy before any PFS event: censored at the last
 * adequate assessment (h.4 rule 2), an event at its start, or ignored
 * (the treatment-policy analysis: events after it count). */
enum new_therapy_pfs { NTPFS_CENSOR, NTPFS_EVENT, NTPFS_IGNORE };
enum ipfs_unconfirmed { IPFS_EVENT, IPFS_CENSOR };
enum km_ci { KMCI_LOGLOG, KMCI_LOG, KMCI_LINEAR };
enum evaluator { EVAL_INVESTIGATOR, EVAL_INDEPENDENT };
enum independent_reads { READS_ACCEPTED, READS_ONE_READER };
enum partial_impute { IMPUTE_LAST, IMPUTE_FIRST, IMPUTE_MID };

struct steroid_factor {
    char *drug; /* upper case CMDECOD */
    double factor;
};

struct drug {
    char *name;          /* EXTRT as recorded, upper case */
    char *label;         /* for tables ("Ivonescimab") */
    char *rel_qnam;      /* SUPPAE QNAM of relatedness */
    char *acn_qnam;      /* SUPPAE QNAM of action taken */
    double planned_dose; /* per administration, in dose_unit */
    char *dose_unit;     /* "mg/kg" */
    int doses_per_cycle; /* administrations per cycle */
};

/* A group of adverse events of special interest: MedDRA preferred terms
 * (upper case) counted together. */
struct aesi_group {
    char *name;
    struct strlist terms;
};

struct protocol {
    /* response-criteria.md section 0 */
    enum time_origin time_origin;
    bool aval_plus_one;
    int assessment_interval_days;
    int assessment_window_days;
    int assessment_span_days; /* scans of one visit label this close */
    /* section a */
    int baseline_max_days_before;
    enum baseline_anchor baseline_anchor;
    /* section b */
    double tstm_value_mm;
    bool cr_before_pd;
    bool sticky_pr;
    enum sticky_from sticky_from;
    enum pd_reappear pd_on_reappearance_after_cr;
    bool rano_require_lesion_5mm;
    enum rano_lesion_ref rano_lesion_ref;
    /* section d, e */
    enum rano_steroid_increase rano_steroid_increase;
    enum rano_steroid_ref rano_steroid_ref;
    double rano_cr_max_steroid_mg;
    enum rano_missing rano_missing_policy;
    /* section f */
    bool sd_breaks_confirmation;
    int confirm_min_days;
    bool allow_ne_between;
    int sd_min_days_recist;
    int sd_min_days_rano;
    int sd_min_window_days;
    int bor_window_end_day; /* -1 = no limit (null) */
    /* section g */
    enum ipfs_unconfirmed ipfs_unconfirmed_iupd;
    int icpd_window_days[2];
    /* section h */
    enum cbr_sd_rule cbr_sd_rule;
    enum missed_rule missed_rule;
    bool censor_after_missed;
    enum new_therapy_pfs new_therapy_pfs;
    bool nat_includes_local;
    enum km_ci km_ci_transform;
    double confidence_level; /* of every interval reported (0.95) */
    bool evaluable_requires_postbaseline;
    /* section i */
    int teae_window_days;
    int irae_window_days;
    /* data-format.md */
    enum evaluator evaluator;
    /* Independent reads: the adjudicated rows (--ACPTFL Y) whoever read
     * them, or one reader per subject (data-format.md "Which records
     * count"). */
    enum independent_reads independent_reads;
    enum partial_impute partial_assessment_date;
    struct strlist origin_milestones;
    /* DSDECOD of a withdrawal from the study (consent withdrawn); a term
     * other than WITHDRAWAL OF CONSENT counts only on a study-level
     * disposition record (DSSCAT in study_disposition_scat, or EPOCH
     * FOLLOW-UP). */
    struct strlist consent_withdrawal_terms;
    struct strlist study_disposition_scat;
    /* Words that make a recorded cause of death disease progression
     * (matched within DSTERM or a fatal AE's term, case ignored). */
    struct strlist death_progression_terms;
    struct strlist cns_locations;
    struct strlist baseline_visits;
    char *criterion_column;
    enum criterion default_recorded_criterion;
    struct strlist neuro_status_codes;
    struct strlist steroid_status_codes;
    struct strlist steroid_exclude_indications;
    struct steroid_factor *steroid_factors;
    size_t n_steroid_factors;
    struct strlist new_therapy_cm_contains;
    struct strlist new_therapy_pr_cat;
    struct strlist new_therapy_pr_decod;
    struct drug *drugs;
    size_t n_drugs;
    int cycle_days;            /* treatment cycle (21) */
    double dose_confirm_ratio; /* a dose above plan x this: confirm (1.25) */
    char *subject_id_pattern;  /* N a digit, others literal ("BAL-NNN-NNNN") */
    /* a diameter outside these is saved only when confirmed (mm): a
     * lesion's longest diameter (1 to 300; 0, gone, is plausible), a
     * node's short axis (0 to 300) */
    double lesion_plausible_min_mm, lesion_plausible_max_mm;
    double node_plausible_max_mm;
    int delay_tolerance_days; /* a cycle later than this is a delay (3) */
    struct aesi_group *aesi;
    size_t n_aesi;
    struct strlist irae_terms; /* immune-related: irae_window_days */
    /* The subgroups of the forest plot (h.7), in order: age, sex, race,
     * site, steroid_baseline, brain_mets, prior_therapy; with the cuts of
     * age (years, 65) and brain metastases (3: "1-3" and "4 or more"). */
#define PROTOCOL_SUBGROUPS_MAX 8
    struct strlist subgroups;
    int subgroup_age_cut;
    int subgroup_brain_mets_cut;
    int32_t data_cutoff; /* DATE_NONE when not set */
    char *arm_code;      /* DM ARMCD of the enrolled ("IVO+SG") */
    char *arm;           /* DM ARM ("Ivonescimab + Sacituzumab govitecan") */
    /* eligibility (the enrolment checklist) */
    int elig_min_age;             /* years (18) */
    int elig_max_ecog;            /* ECOG performance status (1) */
    double elig_min_brain_met_mm; /* largest brain metastasis (10) */
    int elig_steroid_stable_days; /* stable or decreasing dose (7) */
};

/* Fills p with the built-in defaults (this trial's protocol). */
void protocol_init(struct protocol *p);
void protocol_release(struct protocol *p);
/*
 * Overrides the defaults with the keys of a JSON object. Unknown keys, wrong
 * types and values outside the allowed ones are errors naming the key.
 * file names the source in messages. Returns 0, or -1 with errors in d
 * (p then still holds valid values: defaults where a key was bad).
 */
int protocol_parse(struct protocol *p, const char *json, size_t len,
                   const char *file, struct diags *d);
/* Every parameter in effect, one row per protocol.json key (KEY, VALUE),
 * as the report lists them. */
void protocol_table(const struct protocol *p, struct table *t);
/* Parses an evaluator name as the command line gives it. */
int evaluator_parse(const char *s, enum evaluator *out);
const char *evaluator_name(enum evaluator e);
/* The dexamethasone-equivalence factor of a drug, or -1 if not listed. */
double protocol_steroid_factor(const struct protocol *p, const char *decod);
/* True when an upper-case TULOC names a CNS location. */
bool protocol_is_cns(const struct protocol *p, const char *loc);

/* ------------------------------------------------------------------------
 * The study model (data-format.md). Strings live in the study's arena and
 * are upper-cased where the SDTM term is case-insensitive.
 */
enum lesion_class { LC_NONE = 0, LC_TARGET, LC_NONTARGET, LC_NEW };
const char *lesion_class_name(enum lesion_class c);

/* Diameters are fixed point: mm x 10^4, so threshold tests are exact
 * (response-criteria.md section 0, "Arithmetic"). */
#define DIAM_SCALE 10000

struct lesion {
    char *linkid;
    char *loc;    /* upper case; "" when unknown */
    char *visit;  /* of identification */
    int32_t date; /* of identification */
    long line;    /* tu.csv line */
    enum lesion_class cls[CRIT_N];
    bool is_cns;
    bool is_nodal;
    bool equivocal;  /* TUSTRESC=EQUIVOCAL (older form for new lesions) */
    bool from_tr;    /* no TU row: known from TRGRPID only */
    int parent;      /* split fragment: index of the parent; -1 */
    int merged_into; /* merged parent: index of the merged lesion; -1 */
    bool is_merge;   /* carries a merged diameter ("T02/T03", TUMERGE) */
    int merge_first; /* merged lesion: index of its first parent; -1 */
};

enum meas_kind { MV_VALUE, MV_TSTM, MV_NOT_DONE, MV_STATE };
enum tstate {
    TS_NONE = 0,
    TS_PRESENT,
    TS_ABSENT,
    TS_UNEQUIVOCAL,
    TS_EQUIVOCAL
};
const char *tstate_name(enum tstate s);

/* Diameter tests, ranked: one per lesion and assessment is used. */
enum diam_test { DT_NONE = 0, DT_LDIAM, DT_LPERP, DT_SAXIS, DT_DIAMETER };
const char *diam_test_name(enum diam_test t);

struct measurement {
    int lesion; /* index into subject.lesions */
    int32_t date;
    char *visit;       /* "" when blank */
    int32_t assess;    /* subject-local assessment number (one visit) */
    uint8_t crit_mask; /* bit c set: applies to criterion c */
    enum meas_kind kind;
    enum diam_test test; /* MV_VALUE / MV_TSTM / MV_NOT_DONE on a diameter */
    int32_t diam;        /* mm x DIAM_SCALE for MV_VALUE and MV_TSTM */
    enum tstate state;
    bool date_imputed;
    bool tstm_recorded; /* TSTM with the sponsor's number (TRSTRESN) */
    long line;
};

/* A sum of target diameters recorded by the site (TR SUMDIAM): never an
 * input, kept to be cross-checked (criteria/baseline.c). */
struct recorded_sum {
    int32_t assess; /* the assessment it belongs to */
    int32_t diam;   /* mm x DIAM_SCALE */
    int crit;       /* enum criterion, -1 when TRCAT is blank */
    long line;
};

enum rs_kind {
    RS_OVRLRESP,
    RS_TRGRESP,
    RS_NTRGRESP,
    RS_NEWLIND,
    RS_NEWLPROG,
    RS_BESTRESP,
    RS_NEURO,
    RS_STEROID,
    RS_OTHER
};

struct rs_record {
    enum rs_kind kind;
    char *testcd;
    int crit; /* enum criterion, or -1 for iRECIST / none */
    bool irecist;
    char *value; /* normalised upper case; "NE" when NOT DONE */
    int32_t date;
    char *visit;
    bool date_imputed;
    long line;
};

struct cm_record {
    char *trt, *decod, *cat, *scat, *clascd, *indc, *route, *dosfrq;
    double dose, dostot; /* NAN when blank */
    char *dosu;
    int32_t start, end; /* end DATE_NONE: ongoing */
    bool start_imputed, end_imputed;
    long line;
};

struct pr_record {
    char *trt, *decod, *cat, *scat, *loc;
    int32_t start;
    bool start_imputed;
    long line;
};

struct dose {
    char *trt;
    double dose; /* NAN when blank */
    char *unit;
    int32_t start, end;
    char *adj, *visit;
    long line;
};

struct qualifier {
    char *qnam;
    char *qval;
};

struct ae {
    char *term, *decod, *bodsys;  /* decod, bodsys: upper case */
    char *decod_src, *bodsys_src; /* as coded, for adae */
    long seq;
    struct pdate start_raw, end_raw;
    int32_t start, end;
    bool start_imputed, end_imputed;
    int grade; /* 0 when missing */
    char *ser, *rel, *acn, *out;
    struct qualifier *quals;
    size_t n_quals;
    long line;
};

struct ds_event {
    char *decod, *cat, *scat, *term, *epoch;
    int32_t date;
    long line;
};

struct ss_record {
    char *status; /* ALIVE or DEAD */
    int32_t date;
    long line;
};

enum origin_source { ORIGIN_NONE, ORIGIN_MILESTONE, ORIGIN_FROM_FIRST_DOSE };

struct subject {
    char *studyid, *usubjid, *subjid, *siteid, *sex, *race, *arm;
    char *ageu, *ethnic, *armcd, *actarm, *actarmcd; /* as DM has them */
    long age;                                        /* -1 when blank */
    int32_t rfstdtc, rfxstdtc, rficdtc, rfendtc;
    struct pdate dth_raw;
    int32_t death; /* imputed per data-format.md; DATE_NONE if alive */
    bool death_imputed;
    bool dthfl;
    long dm_line;
    /* The independent readers (--EVALID) whose rows were selected: the
     * first row of each, per file; reader, the one reader of the subject
     * (independent_reads one_reader: the reader of its accepted TU). */
    struct reader_seen {
        const char *id, *file;
        long line, rows;
    } readers[4];
    size_t n_readers;
    const char *reader;

    struct lesion *lesions;
    size_t n_lesions, cap_lesions;
    struct measurement *meas;
    size_t n_meas, cap_meas;
    struct recorded_sum *sums;
    size_t n_sums, cap_sums;
    struct rs_record *rs;
    size_t n_rs, cap_rs;
    struct cm_record *cm;
    size_t n_cm, cap_cm;
    struct pr_record *pr;
    size_t n_pr, cap_pr;
    struct dose *doses;
    size_t n_doses, cap_doses;
    struct ae *aes;
    size_t n_aes, cap_aes;
    struct ds_event *ds;
    size_t n_ds, cap_ds;
    struct ss_record *ss;
    size_t n_ss, cap_ss;

    /* Derived by study_finish(). */
    int32_t first_dose;
    int32_t last_dose;
    int32_t origin;
    enum origin_source origin_source;
    int32_t last_alive;
    /* Set by study_cut(): the cut-off date when a record after it shows
     * the subject alive on it, else DATE_NONE. */
    int32_t alive_at_cut;
};

struct study {
    bool have_cm;     /* cm.csv was read: no row means no medication */
    bool have_ae;     /* ae.csv was read: no row means no adverse event */
    size_t n_tr_rows; /* tr.csv data rows read (for throughput reports) */
    struct subject *subjects;
    size_t n_subjects, cap_subjects;
    struct strmap by_usubjid;
    struct strmap interned; /* string -> its one arena copy */
    struct protocol proto;
    /* The cut-off study_cut() applied (DATE_NONE: the study holds every
     * record read). */
    int32_t cut;
    struct arena arena;
};

void study_init(struct study *s);
void study_release(struct study *s);
/* Frees the records a subject holds (its strings live in the study's
 * arena). */
void subject_release(struct subject *sj);
/* Returns the subject or NULL. */
struct subject *study_find(const struct study *s, const char *usubjid);
/* Adds a subject (the caller checks uniqueness). */
struct subject *study_add(struct study *s, const char *usubjid);
/* The study's one copy of a string (controlled terms, visit names): equal
 * strings share storage. The result must not be modified. */
const char *study_intern(struct study *s, const char *str);
/* Index of a lesion of the subject by TULNKID, or -1. */
int subject_find_lesion(const struct subject *sj, const char *linkid);

/*
 * Derives first dose, last dose, origin and last known alive for every
 * subject (data-format.md "Dates that matter"); warns in d where the origin
 * falls back to first dose.
 */
void study_finish(struct study *s, struct diags *d);

/* The last date the subject was known alive, from every domain (the
 * cut-off itself when a later record shows the subject alive on it), never
 * after death and never before enrolment; DATE_NONE when no record has a
 * date. */
int32_t subject_last_alive(const struct subject *sj);
/* A dose that makes the subject treated and counts for first and last dose:
 * a start date and EXDOSE above zero, or EXDOSE 0 of a placebo (EXTRT
 * containing PLACEBO), as admiral derives TRTSDT/TRTEDT. */
bool dose_given(const struct dose *x);
/* At least one dose_given() (the all-treated set, SAFFL; h.1). */
bool subject_treated(const struct subject *sj);
/* The date the subject was enrolled: the origin milestone, else the first
 * dose, else RFSTDTC, else the consent date (DATE_NONE: none known). */
int32_t subject_enrolled(const struct subject *sj);

/* ------------------------------------------------------------------------
 * What is known at the data cut-off (cutoff.c; response-criteria.md h.4,
 * h.5). One function decides it for every command and the server.
 */
enum cut_domain {
    CUT_DM,
    CUT_TU,
    CUT_TR,
    CUT_RS,
    CUT_EX,
    CUT_AE,
    CUT_CM,
    CUT_PR,
    CUT_DS,
    CUT_SS,
    CUT_N
};
/* The file a domain is read from ("tr.csv"). */
const char *cut_domain_file(enum cut_domain d);
struct cut_count {
    size_t rows;     /* records (for dm: subjects) */
    size_t subjects; /* subjects they belong to */
    long first_line; /* the first such record's line; 0 when unknown */
};
#define CUT_LATE_MAX 8
struct cut_summary {
    int32_t cutoff; /* DATE_NONE: nothing was cut */
    /* Records dated after the cut-off or of a subject enrolled after it. */
    struct cut_count left_out[CUT_N];
    /* Doses, adverse events and medications ending after the cut-off,
     * ongoing at it (ex, ae, cm only). */
    struct cut_count ongoing[CUT_N];
    size_t deaths;      /* deaths after the cut-off, not known at it */
    size_t alive_after; /* subjects known alive at the cut-off by a later
                           record */
    /* The first subjects enrolled after the cut-off (borrowed from the
     * study's arena; left_out[CUT_DM].rows counts them all). */
    const char *late[CUT_LATE_MAX];
    size_t n_late;
};
/*
 * Makes s the study as it was known at s->proto.data_cutoff (nothing when
 * it is DATE_NONE): subjects enrolled after it are removed; records dated
 * after it are removed; doses, adverse events and medications running past
 * it end at it (ongoing); a later death is not known; first and last dose,
 * origin and last known alive are derived again. Fills sum with what it
 * changed. Call once, after loading and checking.
 */
void study_cut(struct study *s, struct cut_summary *sum);

/* Counts for the check summary. */
size_t study_count_lesions(const struct study *s);
size_t study_count_measurements(const struct study *s);

#endif
