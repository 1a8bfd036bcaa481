/*
 * criteria_int.h - private to criteria/: the working state of one
 * subject's derivation under one criterion, shared by timepoints.c (the
 * driver), recist11.c, ranobm.c and bor.c.
 */
#ifndef BALIST_CRITERIA_INT_H
#define BALIST_CRITERIA_INT_H

#include "balist/criteria.h"

/* What one lesion shows at one time point. */
struct cell {
    bool has_diam;        /* a diameter row */
    enum meas_kind dkind; /* MV_VALUE, MV_TSTM or MV_NOT_DONE */
    int32_t diam;
    bool tstm_recorded; /* MV_TSTM with the sponsor's number */
    bool has_state;     /* a state row */
    bool state_nd;      /* the state row is NOT DONE */
    enum tstate state;
    int32_t date; /* of the row(s) */
};

struct work {
    const struct study *s;
    const struct subject *sj;
    const struct protocol *p;
    enum criterion c;
    struct crit_result *r;
    size_t n_les;       /* = sj->n_lesions */
    struct cell *cells; /* n_tp x n_les */
    int *nontargets;
    size_t n_nt;
    int *news;
    size_t n_new;
    int *new_first;     /* per new lesion: first tp seen, -1 */
    bool *new_backdate; /* per new lesion: equivocal, later unequivocal */
    /* Confirmation state while walking the time points (b.1, b.2). */
    int confirmed_cr_at; /* tp where a CR became confirmed, -1 */
    int confirmed_pr_at; /* tp where a PR became confirmed, -1 */
    int first_pr_at;     /* first PR time point, -1 */
    double ref_steroid;  /* RANO-BM steroid reference; NAN unknown */
};

static inline struct cell *cell_at(struct work *w, size_t t, int li)
{
    return &w->cells[t * w->n_les + (size_t)li];
}

/* timepoints.c */
int64_t target_value(struct work *w, size_t t, int li, bool *tstm,
                     enum lval_how *how);
bool pd_relative(int64_t s, int64_t n);
bool pr_relative(int64_t s, int64_t b);

void crit_pct(int64_t num, int64_t den, char *buf, size_t size);
int64_t tp_lesion_value(const struct work *w, size_t t, size_t k);
void target_pr_or_sd(struct work *w, size_t t, int64_t S, const char *what);

/* The end of the best-response window: new anticancer therapy, withdrawal
 * of consent (section f). */
void crit_window(const struct subject *sj, const struct protocol *p,
                 struct crit_result *r);

/* nontarget.c: the non-target response at time point t (c.1). */
void nontarget_response(struct work *w, size_t t);
/* newlesion.c: when each new lesion was first seen, then the new-lesion
 * response at time point t (c.2). */
void new_prepass(struct work *w);
void new_response(struct work *w, size_t t);
/* recist11.c */
void recist_target(struct work *w, size_t t);
void recist_overall(struct work *w, size_t t);

/* ranobm.c */
void ranobm_target(struct work *w, size_t t);
void ranobm_overall(struct work *w, size_t t);

/* bor.c */
/* True when time point j confirms the response at i (section f.1). */
bool bor_confirms(const struct crit_result *r, const struct protocol *p,
                  size_t i, size_t j);
void bor_derive(struct crit_result *r, const struct protocol *p,
                int32_t origin);

#endif
