/*
 * recist11.c - per-visit RECIST 1.1 target response and overall
 * (time-point) response: shared/spec/response-criteria.md sections b.1,
 * b.2 and e.1-e.2; Eisenhauer et al., EJC 2009;45:228-247, and the EORTC
 * RECIST FAQ for reappearance after a confirmed CR and sticky PR.
 * Lesion values, non-target and new-lesion responses come from
 * timepoints.c; confirmation and best response live in bor.c.
 */
#include "criteria_int.h"

#include <stdio.h>
#include <string.h>

/* Rule RECIST-PD-SUM: PD when the sum is >= 120 % of the nadir and at
 * least 5 mm above it (b.2 step 3). The nadir includes baseline. */
static bool recist_pd(int64_t s, int64_t n)
{
    return pd_relative(s, n) && s - n >= 5 * DIAM_SCALE;
}

static void pd_text(char *buf, size_t size, const char *lead, int64_t s,
                    int64_t n)
{
    char a[32], b[32], p[16], inc[32];
    diam_format(s, a, sizeof a);
    diam_format(n, b, sizeof b);
    crit_pct(s - n, n, p, sizeof p);
    diam_format(s - n, inc, sizeof inc);
    if (n == 0)
        snprintf(buf, size, "%ssum %s mm is up from 0 mm at the nadir, +%s mm",
                 lead, a, inc);
    else
        snprintf(buf, size, "%ssum %s mm is %s over nadir %s mm and +%s mm",
                 lead, a, p, b, inc);
}

void recist_target(struct work *w, size_t t)
{
    struct crit_result *r = w->r;
    struct tp *tp = &r->tp[t];
    const struct protocol *p = w->p;
    const struct subject *sj = w->sj;
    int64_t N = tp->nadir;
    char *why = tp->trg_reason;
    size_t wsz = sizeof tp->trg_reason;
    why[0] = '\0';
    if (!r->n_target_lesions) {
        tp->target = RESP_NA;
        return;
    }
    int64_t smin = 0;
    const char *missing = NULL;
    bool cr = true;
    const char *reappeared = NULL;
    int64_t reappeared_v = 0;
    bool after_cr = p->pd_on_reappearance_after_cr == REAPPEAR_CONFIRMED_CR &&
                    w->confirmed_cr_at >= 0 && (size_t)w->confirmed_cr_at < t;
    for (size_t k = 0; k < r->n_target_lesions; k++) {
        int li = r->target_lesions[k];
        const struct lesion *l = &sj->lesions[li];
        bool tstm;
        int64_t v = target_value(w, t, li, &tstm, NULL);
        if (v < 0) {
            if (!missing)
                missing = l->linkid;
            continue;
        }
        smin += v;
        /* Rule RECIST-CR: non-nodal targets 0, nodal short axis < 10 mm;
         * a too-small-to-measure non-nodal target is not a CR (b.2 step
         * 2). */
        if (l->is_nodal ? v >= 10 * DIAM_SCALE : (v > 0 || tstm))
            cr = false;
        /* Rule REAPPEAR-TARGET: after a confirmed CR, a non-nodal target
         * above 0 or a node at 10 mm or more is PD whatever the sums
         * (b.1). */
        if (after_cr && !reappeared &&
            (l->is_nodal ? v >= 10 * DIAM_SCALE : (v > 0 || tstm))) {
            reappeared = l->linkid;
            reappeared_v = v;
        }
    }
    if (reappeared) {
        char v[32], d[11];
        diam_format(reappeared_v, v, sizeof v);
        date_format(r->tp[w->confirmed_cr_at].date, d);
        tp->target = RESP_PD;
        snprintf(why, wsz,
                 "target %s reappeared (%s mm) after the CR "
                 "confirmed on %s",
                 reappeared, v, d);
        return;
    }
    /* Rule RECIST-NE: a target not assessed makes NE, unless the lesions
     * measured already prove PD (b.2 step 1). */
    if (missing) {
        if (recist_pd(smin, N)) {
            tp->target = RESP_PD;
            pd_text(why, wsz, "measured ", smin, N);
            reason_append(why, wsz, ", whatever %s (not assessed) measures",
                          missing);
        } else {
            tp->target = RESP_NE;
            snprintf(why, wsz, "target %s not assessed", missing);
        }
        return;
    }
    int64_t S = smin;
    char sa[32];
    diam_format(S, sa, sizeof sa);
    bool pd = recist_pd(S, N);
    /* cr_before_pd (b.2 step 2, [CHOICE]): CR is tested first. */
    if (cr && (p->cr_before_pd || !pd)) {
        tp->target = RESP_CR;
        snprintf(why, wsz,
                 "all targets gone (nodes below 10 mm short "
                 "axis), sum %s mm",
                 sa);
        return;
    }
    if (pd) {
        tp->target = RESP_PD;
        pd_text(why, wsz, "", S, N);
        return;
    }
    target_pr_or_sd(w, t, S, "sum");
}

/* The overall time-point response, tables e.1 (target disease) and e.2
 * (non-target disease only). */
void recist_overall(struct work *w, size_t t)
{
    struct crit_result *r = w->r;
    struct tp *tp = &r->tp[t];
    enum resp T = tp->target, NT = tp->nontarget;
    char *why = tp->reason;
    size_t wsz = sizeof tp->reason;
    why[0] = '\0';
    /* Rule RECIST-E1-PD: target PD, non-target PD or an unequivocal new
     * lesion is PD, whatever else (e.1 last three rows, e.2). */
    if (T == RESP_PD || NT == RESP_PD || tp->newl == NEWL_YES) {
        tp->overall = RESP_PD;
        snprintf(why, wsz, "PD:");
        const char *sep = " ";
        if (T == RESP_PD) {
            reason_append(why, wsz, "%s%s", sep, tp->trg_reason);
            sep = "; ";
        }
        if (NT == RESP_PD) {
            reason_append(why, wsz, "%s%s", sep, tp->ntrg_reason);
            sep = "; ";
        }
        if (tp->newl == NEWL_YES)
            reason_append(why, wsz, "%s%s", sep, tp->new_reason);
        return;
    }
    if (r->n_target_lesions) {
        /* Rule RECIST-E1: with target disease, target NE is NE; target CR
         * with non-targets CR (or none) is CR, with non-targets NON-CR/
         * NON-PD or NE it is PR; target PR is PR; target SD is SD (e.1). */
        if (T == RESP_NE) {
            tp->overall = RESP_NE;
        } else if (T == RESP_CR) {
            tp->overall = (NT == RESP_CR || NT == RESP_NA) ? RESP_CR : RESP_PR;
        } else if (T == RESP_PR) {
            tp->overall = RESP_PR;
        } else {
            tp->overall = RESP_SD;
        }
        snprintf(why, wsz, "%s: %s", resp_name(tp->overall, false),
                 tp->trg_reason);
        if (tp->overall == RESP_PR && T == RESP_CR)
            reason_append(why, wsz, ", but %s", tp->ntrg_reason);
        else if (NT != RESP_NA)
            reason_append(why, wsz, "; %s", tp->ntrg_reason);
    } else {
        /* Rule RECIST-E2: with non-target disease only, the non-target
         * response is the overall one: CR, NON-CR/NON-PD or NE (e.2). */
        tp->overall = NT == RESP_CR   ? RESP_CR
                      : NT == RESP_NE ? RESP_NE
                                      : RESP_NONCRNONPD;
        snprintf(why, wsz, "%s: %s (non-target disease only)",
                 resp_name(tp->overall, false), tp->ntrg_reason);
    }
    if (tp->newl == NEWL_EQUIVOCAL)
        reason_append(why, wsz, "; %s", tp->new_reason);
}
