/*
 * sdtm_int.h - private to the SDTM readers (sdtm.c, sdtm_dom.c, check.c).
 */
#ifndef BALIST_SDTM_INT_H
#define BALIST_SDTM_INT_H

#include "io_int.h"

#include "balist/criteria.h"

#define DOM_MAXCOL 48

/* What the evaluator selection saw in one file. */
struct eval_seen {
    size_t rows, matched, matched_with_eval;
    char *other[8];
    size_t n_other;
};

struct supp;

struct dom {
    const char *name;            /* "tr.csv" */
    const char *const *cols;     /* wanted columns, NULL-terminated */
    const char *const *required; /* "A" or "A|B" (one of), NULL-terminated */
    int idx[DOM_MAXCOL];         /* field index of each wanted column */
    size_t ncol;                 /* fields in the header */
    char **header;               /* the header as written */
    size_t n_header;
    int header_done, bad;
    size_t rows;
    struct supp *supp;
    struct eval_seen eval;
};

struct loader {
    struct study *s;
    struct diags *d;
    const struct protocol *p;
    const struct row_source *src; /* where the rows come from */
    enum evaluator evaluator;
    struct strmap unknown_reported;
    struct strmap imputed_reported;
    bool have_tu;
    const struct load_progress *progress;
    struct subject *last_subject; /* row_subject's cache */
};

const char *dom_get(const struct dom *m, const struct csvr_rec *r, int c);
int dom_colno(const struct dom *m, int c);
int dom_read(struct loader *L, struct dom *m, const char *domain,
             csvr_rec_fn fn, void *ctx, bool required);
int dom_dispatch(struct loader *L, struct dom *m, const struct csvr_rec *r,
                 int (*row)(struct loader *, struct dom *,
                            const struct csvr_rec *));
struct subject *row_subject(struct loader *L, const struct dom *m,
                            const struct csvr_rec *r, int col);
/* Whether a TU/TR/RS row is of the selected evaluator (data-format.md
 * "Which records count"); c_evalid the reader's column; sj the row's
 * subject (its readers are recorded). */
bool row_selected(struct loader *L, struct eval_seen *es, const struct dom *m,
                  const struct csvr_rec *r, int c_eval, int c_acpt,
                  int c_evalid, struct subject *sj);
int row_date(struct loader *L, const struct dom *m, const struct csvr_rec *r,
             int c, const char *usubjid, struct pdate *out);
void supp_attach(struct loader *L, struct supp *sp, const struct dom *m,
                 const struct csvr_rec *r, const char *usubjid,
                 struct qualifier **out, size_t *n_out);

/* How one column is read into a record of the model. */
enum col_kind {
    CK_TEXT,       /* trimmed text (char *) */
    CK_TERM,       /* a controlled term: trimmed, upper case (char *) */
    CK_NUM,        /* a number, NAN when blank (double) */
    CK_REF_DATE,   /* a reference date, partial: first day (int32_t) */
    CK_START_DATE, /* a start date, partial imputed (int32_t, bool) */
    CK_END_DATE    /* an end date, partial: last day (int32_t, bool) */
};
#define NO_FIELD ((size_t)-1)
struct col_read {
    int col; /* index in the spec's cols */
    enum col_kind kind;
    size_t dest;          /* offset of the value in the record */
    size_t dest_imputed;  /* dates: offset of the imputed flag, or NO_FIELD */
    bool not_blank;       /* a blank value is an error */
    const char *expected; /* CK_NUM: what a value must be */
    bool nonneg;          /* CK_NUM: a value below 0 is an error */
};
/* A domain whose rows are records of a subject: where the records are
 * (offsets in struct subject of the array, its count and capacity; one
 * record's size and the offset of its line), the columns read in order,
 * and the checks across columns (NULL: none) after them. */
struct dom_table {
    size_t arr, n, cap, size, line;
    const struct col_read *reads;
    size_t n_reads;
    void (*check)(struct loader *L, struct dom *m, const struct csvr_rec *r,
                  struct subject *sj, void *rec);
};

/* A domain described once: its file, the columns read and those required
 * ("A|B": one of them), and how a row becomes the model: a table of its
 * columns, or (for the domains with logic of their own) a function;
 * file_required: a study without the file is an error. */
struct dom_spec {
    const char *file, *domain;
    const char *const *cols, *const *required;
    int (*row)(struct loader *, struct dom *, const struct csvr_rec *);
    bool file_required;
    const struct dom_table *table; /* instead of row */
};
/* The one reader: streams the spec's file through its row function,
 * filling *m (the caller may look at header_done and bad). Returns 0, 1
 * when the source has no such file, -1 when it could not be read. */
int dom_run(struct loader *L, const struct dom_spec *spec, struct dom *m);

/* The domains that need nothing but their rows... */
extern const struct dom_spec sdtm_ds, sdtm_ex, sdtm_ss, sdtm_rs, sdtm_pr,
    sdtm_ae;
/* ... and those with a step of their own after them. */
int sdtm_read_dm(struct loader *L); /* no subjects is an error */
int sdtm_read_tu(struct loader *L); /* split and merged lesions linked */
int sdtm_read_tr(struct loader *L); /* assessments, one test per lesion */
int sdtm_read_cm(struct loader *L); /* cm.csv read: no row, no medication */

/* Field helpers (sdtm_field.c). */
char *dom_field(struct loader *L, const struct dom *m, const struct csvr_rec *r,
                int c);
char *dom_term(struct loader *L, const struct dom *m, const struct csvr_rec *r,
               int c);
char *dom_upcase(struct loader *L, const char *v);
int dom_header_col(const struct dom *m, const char *name);
int dom_num(struct loader *L, const struct dom *m, const struct csvr_rec *r,
            int c, const char *usubjid, const char *what, double *out);
int dom_assessment_date(struct loader *L, const struct dom *m,
                        const struct csvr_rec *r, int c,
                        const struct subject *sj, const char *visit,
                        int32_t *out, bool *imputed);
int dom_start_date(struct loader *L, const struct dom *m,
                   const struct csvr_rec *r, int c, const struct subject *sj,
                   struct pdate *raw, int32_t *out, bool *imputed);
int dom_end_date(struct loader *L, const struct dom *m,
                 const struct csvr_rec *r, int c, const struct subject *sj,
                 struct pdate *raw, int32_t *out, bool *imputed);
int dom_ref_date(struct loader *L, const struct dom *m,
                 const struct csvr_rec *r, int c, const char *usubjid,
                 int32_t *out);
/* A required value: false after "COL must not be blank (subject S)". */
bool dom_require(struct loader *L, const struct dom *m,
                 const struct csvr_rec *r, int c, const char *value,
                 const char *usubjid);
/* "END 'x' is before START 'y' (subject S[, what])", at the end column. */
void dom_date_order(struct loader *L, const struct dom *m,
                    const struct csvr_rec *r, int c_end, int c_start,
                    const char *usubjid, const char *what);
int dom_criterion_of(const char *v);
const char *dom_qual_get(const struct qualifier *q, size_t n, const char *qnam);
char *dom_criterion_value(struct loader *L, const struct dom *m,
                          const struct csvr_rec *r, const struct qualifier *q,
                          size_t nq);
void sdtm_fix_deaths(struct loader *L);
void sdtm_check(struct loader *L);
/* Warnings (after-cutoff), one per domain, for what study_cut() left out
 * or changed. */
void sdtm_cut_report(struct loader *L, const struct cut_summary *c);

#endif
