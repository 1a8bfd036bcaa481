/*
 * nontarget.c - the non-target response at a time point, for both
 * criteria (shared/spec/response-criteria.md c.1; RANO-BM sees its CNS
 * non-targets only): each lesion's state (absent, present, unequivocal
 * progression, not evaluated), then the table of c.1. RECIST 1.1:
 * Eisenhauer et al., EJC 2009; RANO-BM: Lin et al., Lancet Oncol 2015.
 * The overall response that uses it is recist11.c's and ranobm.c's.
 */
#include "criteria_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- non-target lesions (c.1) ---- */

enum ntstate { NT_NULL, NT_ABSENT, NT_PRESENT, NT_UPD };

static enum ntstate nt_state(struct work *w, size_t t, int li)
{
    const struct lesion *l = &w->sj->lesions[li];
    struct cell *c = cell_at(w, t, li);
    if (c->has_state && !c->state_nd) {
        switch (c->state) {
        case TS_ABSENT:
            return NT_ABSENT;
        case TS_UNEQUIVOCAL:
            return NT_UPD;
        case TS_PRESENT:
        case TS_EQUIVOCAL:
            return NT_PRESENT;
        default:
            return NT_NULL;
        }
    }
    if (c->has_diam && c->dkind != MV_NOT_DONE) {
        /* A measured non-target: a node is absent below 10 mm short axis
         * (c.1), another lesion at 0. */
        if (l->is_nodal)
            return c->diam < 10 * DIAM_SCALE ? NT_ABSENT : NT_PRESENT;
        return c->diam == 0 && c->dkind == MV_VALUE ? NT_ABSENT : NT_PRESENT;
    }
    return NT_NULL;
}

void nontarget_response(struct work *w, size_t t)
{
    struct tp *tp = &w->r->tp[t];
    const struct protocol *p = w->p;
    tp->ntrg_reason[0] = '\0';
    if (!w->n_nt) {
        tp->nontarget = RESP_NA;
        snprintf(tp->ntrg_reason, sizeof tp->ntrg_reason,
                 "no non-target lesions");
        return;
    }
    const char *upd = NULL, *null = NULL, *present = NULL;
    int n_absent = 0;
    for (size_t k = 0; k < w->n_nt; k++) {
        int li = w->nontargets[k];
        enum ntstate s = nt_state(w, t, li);
        const char *id = w->sj->lesions[li].linkid;
        if (s == NT_UPD && !upd)
            upd = id;
        else if (s == NT_NULL && !null)
            null = id;
        else if (s == NT_PRESENT && !present)
            present = id;
        n_absent += s == NT_ABSENT;
    }
    /* Rule NT-UPD: unequivocal progression of any non-target is PD. */
    if (upd) {
        tp->nontarget = RESP_PD;
        snprintf(tp->ntrg_reason, sizeof tp->ntrg_reason,
                 "non-target %s unequivocal progression", upd);
        return;
    }
    /* Rule REAPPEAR-NT: after a confirmed CR a non-target present again is
     * PD (b.1; pd_on_reappearance_after_cr). */
    if (present && p->pd_on_reappearance_after_cr == REAPPEAR_CONFIRMED_CR &&
        w->confirmed_cr_at >= 0 && (size_t)w->confirmed_cr_at < t) {
        tp->nontarget = RESP_PD;
        snprintf(tp->ntrg_reason, sizeof tp->ntrg_reason,
                 "non-target %s present again after the confirmed CR", present);
        return;
    }
    /* Rule NT-NE: a non-target not assessed makes NE. */
    if (null) {
        tp->nontarget = RESP_NE;
        snprintf(tp->ntrg_reason, sizeof tp->ntrg_reason,
                 "non-target %s not assessed", null);
        return;
    }
    /* Rule NT-CR: all non-targets absent (nodes < 10 mm). */
    if ((size_t)n_absent == w->n_nt) {
        tp->nontarget = RESP_CR;
        snprintf(tp->ntrg_reason, sizeof tp->ntrg_reason,
                 "all non-target lesions absent");
        return;
    }
    tp->nontarget = RESP_NONCRNONPD;
    snprintf(tp->ntrg_reason, sizeof tp->ntrg_reason, "non-target %s present",
             present ? present : "");
}
