/*
 * newlesion.c - new lesions at a time point (shared/spec/
 * response-criteria.md c.2): when each was first seen, equivocal or not,
 * the back-dating of a PD to the first sighting of an equivocal lesion
 * later unequivocal, and the site's recorded new-lesion flags.
 */
#include "criteria_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- new lesions (c.2) ---- */

/* What a new lesion shows at t: 0 not seen, 1 equivocal, 2 unequivocal;
 * *date the day it was seen. */
static int new_seen(struct work *w, size_t t, int li, int32_t *date)
{
    const struct lesion *l = &w->sj->lesions[li];
    struct cell *c = cell_at(w, t, li);
    *date = c->date;
    if (c->has_state && !c->state_nd) {
        switch (c->state) {
        case TS_EQUIVOCAL:
            return 1;
        case TS_UNEQUIVOCAL:
        case TS_PRESENT:
            return 2;
        default:
            return 0;
        }
    }
    if (c->has_diam && c->dkind != MV_NOT_DONE && c->diam > 0)
        return l->equivocal ? 1 : 2;
    return 0;
}

/* Rule NEW-BACKDATE: an equivocal new lesion later shown unequivocal makes
 * PD as of the assessment at which it was first seen (c.2). */
void new_prepass(struct work *w)
{
    w->new_first = xcalloc(w->n_new + 1, sizeof(int));
    w->new_backdate = xcalloc(w->n_new + 1, sizeof(bool));
    for (size_t k = 0; k < w->n_new; k++) {
        int li = w->news[k];
        w->new_first[k] = -1;
        bool first_equivocal = false;
        for (size_t t = 1; t < w->r->n_tp; t++) {
            int32_t d;
            int s = new_seen(w, t, li, &d);
            if (!s)
                continue;
            if (w->new_first[k] < 0) {
                w->new_first[k] = (int)t;
                first_equivocal = s == 1;
            } else if (s == 2 && first_equivocal) {
                w->new_backdate[k] = true;
            }
        }
    }
}

/* Recorded new-lesion indicators of the visit (RS NEWLIND, NEWLPROG). */
static int recorded_new(struct work *w, const struct tp *tp)
{
    int best = 0;
    const struct subject *sj = w->sj;
    for (size_t i = 0; i < sj->n_rs; i++) {
        const struct rs_record *x = &sj->rs[i];
        if ((x->kind != RS_NEWLIND && x->kind != RS_NEWLPROG) ||
            x->crit != (int)w->c)
            continue;
        bool match =
            *tp->visit ? strcmp(x->visit, tp->visit) == 0 : x->date == tp->date;
        if (!match)
            continue;
        int v = !strcmp(x->value, "Y") || !strcmp(x->value, "UNEQUIVOCAL") ? 2
                : !strcmp(x->value, "EQUIVOCAL")                           ? 1
                                                                           : 0;
        if (v > best)
            best = v;
    }
    return best;
}

/* Rule NEW-UNEQUIVOCAL: an unequivocal new lesion that the criterion
 * sees is PD at that time point (RANO-BM: CNS new lesions only); an
 * equivocal one is not, and does not prevent CR or PR (c.2). */
void new_response(struct work *w, size_t t)
{
    struct tp *tp = &w->r->tp[t];
    tp->newl = NEWL_NO;
    tp->new_reason[0] = '\0';
    const char *eq = NULL;
    for (size_t k = 0; k < w->n_new; k++) {
        int li = w->news[k];
        int32_t d;
        int s = new_seen(w, t, li, &d);
        if (!s)
            continue;
        const char *id = w->sj->lesions[li].linkid;
        if (s == 2 || w->new_backdate[k]) {
            if (tp->newl != NEWL_YES) {
                tp->newl = NEWL_YES;
                tp->pd_date = d;
                tp->newl_backdated = s == 1;
                if (s == 1)
                    snprintf(tp->new_reason, sizeof tp->new_reason,
                             "new lesion %s, equivocal here, unequivocal "
                             "later: PD dated to its first sighting",
                             id);
                else
                    snprintf(tp->new_reason, sizeof tp->new_reason,
                             "unequivocal new lesion %s", id);
            } else if (d < tp->pd_date) {
                tp->pd_date = d;
            }
        } else if (!eq) {
            eq = id;
        }
    }
    if (tp->newl == NEWL_YES)
        return;
    int rec = recorded_new(w, tp);
    if (rec == 2) {
        tp->newl = NEWL_YES;
        tp->pd_date = tp->date_first;
        snprintf(tp->new_reason, sizeof tp->new_reason,
                 "new lesion recorded (RS NEWLIND/NEWLPROG)");
        return;
    }
    if (eq || rec == 1) {
        tp->newl = NEWL_EQUIVOCAL;
        snprintf(tp->new_reason, sizeof tp->new_reason,
                 "equivocal new lesion%s%s (does not by itself make PD)",
                 eq ? " " : "", eq ? eq : "");
    }
}
