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
bool row_selected(struct loader *L, struct eval_seen *es, const struct dom *m,
                  const struct csvr_rec *r, int c_eval, int c_acpt);
int row_date(struct loader *L, const struct dom *m, const struct csvr_rec *r,
             int c, const char *usubjid, struct pdate *out);
void supp_attach(struct loader *L, struct supp *sp, const struct dom *m,
                 const struct csvr_rec *r, const char *usubjid,
                 struct qualifier **out, size_t *n_out);

int sdtm_read_dm(struct loader *L);
int sdtm_read_ds(struct loader *L);
int sdtm_read_ex(struct loader *L);
int sdtm_read_ss(struct loader *L);
int sdtm_read_tu(struct loader *L);
int sdtm_read_tr(struct loader *L);
int sdtm_read_rs(struct loader *L);
int sdtm_read_cm(struct loader *L);
int sdtm_read_pr(struct loader *L);
int sdtm_read_ae(struct loader *L);
void sdtm_fix_deaths(struct loader *L);
void sdtm_check(struct loader *L);

#endif
