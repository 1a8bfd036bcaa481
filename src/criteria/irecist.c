/*
 * irecist.c - iRECIST time points and best response, exploratory
 * (shared/spec/response-criteria.md section g; Seymour et al., Lancet Oncol
 * 2017;18:e143-e152), derived from the subject's RECIST 1.1 time points:
 * the first RECIST PD is an unconfirmed iUPD; the next assessment 4 to 8
 * weeks later (icpd_window_days) confirms it as iCPD when progression goes
 * further; shrinkage back to SD/PR/CR resets, so the next RECIST PD is a
 * fresh iUPD. Best response uses bor.c with iUPD above iCPD.
 */
#include "criteria_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first day each RECIST new lesion was seen (equivocal or not). */
static void new_lesion_days(const struct subject *sj, int32_t *first)
{
    for (size_t li = 0; li < sj->n_lesions; li++)
        first[li] = DATE_NONE;
    for (size_t i = 0; i < sj->n_meas; i++) {
        const struct measurement *mv = &sj->meas[i];
        const struct lesion *l = &sj->lesions[mv->lesion];
        if (l->cls[CRIT_RECIST] != LC_NEW || !(mv->crit_mask & 1u))
            continue;
        bool seen =
            (mv->kind == MV_STATE && mv->state != TS_ABSENT) ||
            ((mv->kind == MV_VALUE || mv->kind == MV_TSTM) && mv->diam > 0);
        if (seen &&
            (first[mv->lesion] == DATE_NONE || mv->date < first[mv->lesion]))
            first[mv->lesion] = mv->date;
    }
}

static enum resp i_of(enum resp r)
{
    return r == RESP_PD ? RESP_IUPD : r;
}

int irecist_derive(const struct study *s, const struct subject *sj,
                   const struct crit_result *rc, struct crit_result *out)
{
    const struct protocol *p = &s->proto;
    memset(out, 0, sizeof *out);
    out->crit = CRIT_RECIST;
    out->irecist = true;
    out->has_lesions = rc->has_lesions;
    out->baseline_ok = rc->baseline_ok;
    snprintf(out->baseline_why, sizeof out->baseline_why, "%s",
             rc->baseline_why);
    out->n_targets = rc->n_targets;
    out->n_nontargets = rc->n_nontargets;
    out->nt_only = rc->nt_only;
    out->measurable = rc->measurable;
    out->window_end = rc->window_end;
    snprintf(out->window_why, sizeof out->window_why, "%s", rc->window_why);
    out->n_tp = rc->n_tp;
    out->tp = xcalloc(rc->n_tp + 1, sizeof *out->tp);
    if (rc->n_tp)
        memcpy(out->tp, rc->tp, rc->n_tp * sizeof *out->tp);

    int32_t *first = xcalloc(sj->n_lesions + 1, sizeof *first);
    new_lesion_days(sj, first);
    int u = -1; /* the pending iUPD */
    int lo = p->icpd_window_days[0], hi = p->icpd_window_days[1];
    for (size_t t = 1; t < out->n_tp && rc->baseline_ok; t++) {
        struct tp *tp = &out->tp[t];
        const struct tp *src = &rc->tp[t];
        enum resp rr = src->overall;
        char *why = tp->reason;
        size_t wsz = sizeof tp->reason;
        if (u < 0) {
            tp->overall = i_of(rr);
            if (rr == RESP_PD) {
                /* Rule IUPD: the first RECIST PD (or the first after a
                 * reset) is an unconfirmed iUPD. */
                u = (int)t;
                reason_set(why, wsz,
                           "iUPD (to be confirmed %d-%d days "
                           "later): %s",
                           lo, hi, src->reason);
            } else {
                reason_set(why, wsz, "%s as RECIST 1.1: %s",
                           resp_name(tp->overall, true), src->reason);
            }
            continue;
        }
        const struct tp *up = &out->tp[u];
        int gap = tp->date - up->date;
        /* What went further since the iUPD (g): the target sum by 5 mm or
         * more (increases add up, so it is measured from the iUPD sum), a
         * non-target progression again, or another new lesion. */
        char more[REASON_MAX] = "";
        if (src->sum >= 0 && up->sum >= 0 &&
            src->sum - up->sum >= 5 * DIAM_SCALE) {
            char a[32], b[32];
            diam_format(src->sum, a, sizeof a);
            diam_format(up->sum, b, sizeof b);
            snprintf(more, sizeof more,
                     "sum %s mm, +5 mm or more over the "
                     "iUPD sum %s mm",
                     a, b);
        }
        if (!*more && src->nontarget == RESP_PD &&
            rc->tp[u].nontarget == RESP_PD)
            snprintf(more, sizeof more, "further non-target progression (%s)",
                     src->ntrg_reason);
        const char *another = NULL;
        for (size_t li = 0; li < sj->n_lesions; li++)
            if (first[li] != DATE_NONE && first[li] > up->date &&
                first[li] <= tp->date)
                another = sj->lesions[li].linkid;
        if (!*more && another)
            snprintf(more, sizeof more, "another new lesion %s", another);
        char ud[11];
        date_format(up->date, ud);
        if (gap < lo) {
            /* Scans before 4 weeks do not confirm, unless they show
             * another new lesion. */
            if (another) {
                tp->overall = RESP_ICPD;
                reason_set(why, wsz,
                           "iCPD: another new lesion %s %d days "
                           "after the iUPD of %s",
                           another, gap, ud);
                u = -1;
            } else {
                tp->overall = RESP_IUPD;
                reason_set(why, wsz,
                           "iUPD continues: %d days after the iUPD "
                           "of %s, too early to confirm (%d days)",
                           gap, ud, lo);
            }
            continue;
        }
        if (*more && gap <= hi) {
            /* Rule ICPD: confirmed at the next assessment 4-8 weeks
             * later. */
            tp->overall = RESP_ICPD;
            reason_set(why, wsz, "iCPD: %s, %d days after the iUPD of %s", more,
                       gap, ud);
            continue; /* best response stops here (bor.c) */
        }
        if (rr != RESP_PD && rr != RESP_NE) {
            /* Rule IRESET: shrinkage to SD/PR/CR resets; the next RECIST
             * PD is a fresh iUPD. */
            tp->overall = rr;
            reason_set(why, wsz, "%s: reset after the iUPD of %s: %s",
                       resp_name(rr, true), ud, src->reason);
            u = -1;
            continue;
        }
        tp->overall = rr == RESP_NE ? RESP_NE : RESP_IUPD;
        if (rr == RESP_NE)
            reason_set(why, wsz, "NE: %s; the iUPD of %s stays unconfirmed",
                       src->reason, ud);
        else if (gap > hi)
            reason_set(why, wsz,
                       "iUPD: %d days after the iUPD of %s, outside "
                       "the %d-%d-day confirmation window: still "
                       "unconfirmed",
                       gap, ud, lo, hi);
        else
            reason_set(why, wsz,
                       "iUPD: no further progression since the iUPD "
                       "of %s (%s)",
                       ud, src->reason);
    }
    free(first);
    if (!rc->baseline_ok) {
        for (size_t t = 0; t < out->n_tp; t++)
            if (!out->tp[t].baseline)
                out->tp[t].overall = RESP_NE;
    }
    bor_derive(out, p, sj->origin);
    return 0;
}
