/*
 * bor.c - best overall response, confirmed (f.1, the trial's definition)
 * and unconfirmed (f.2), and clinical benefit (h.2), for any criterion,
 * from the time points of timepoints.c; shared/spec/response-criteria.md
 * sections f and h.2. Eisenhauer et al. 2009 (confirmation table); Lin et
 * al. 2015 (RANO-BM: responses sustained 4 weeks).
 */
#include "criteria_int.h"

#include <stdio.h>
#include <string.h>

static bool is_response(enum resp r)
{
    return r == RESP_CR || r == RESP_PR;
}

/* What a later time point j makes of the response at i: the confirmed
 * category (CR, PR) or RESP_NONE. */
static enum resp confirmed_as(const struct crit_result *r,
                              const struct protocol *p, size_t i, size_t j)
{
    enum resp ri = r->tp[i].overall, rj = r->tp[j].overall;
    if (!is_response(ri) || !is_response(rj))
        return RESP_NONE;
    /* Rule CONFIRM-DAYS: at least confirm_min_days later. */
    if (r->tp[j].date - r->tp[i].date < p->confirm_min_days)
        return RESP_NONE;
    /* Rule CONFIRM-BETWEEN: everything strictly between is NE
     * (allow_ne_between) or itself CR/PR; SD breaks confirmation
     * (sd_breaks_confirmation); PD always does. */
    for (size_t k = i + 1; k < j; k++) {
        enum resp rk = r->tp[k].overall;
        if (is_response(rk))
            continue;
        if (rk == RESP_NE && p->allow_ne_between)
            continue;
        if ((rk == RESP_SD || rk == RESP_NONCRNONPD) &&
            !p->sd_breaks_confirmation)
            continue;
        return RESP_NONE;
    }
    /* A CR is confirmed by a CR; a PR by a CR or PR; a CR followed by a PR
     * is a confirmed PR ([DISAGREE] f.1: the common SAP convention). */
    return ri == RESP_CR && rj == RESP_CR ? RESP_CR : RESP_PR;
}

bool bor_confirms(const struct crit_result *r, const struct protocol *p,
                  size_t i, size_t j)
{
    return confirmed_as(r, p, i, j) != RESP_NONE;
}

bool crit_confirms(const struct crit_result *r, const struct protocol *p,
                   size_t i, size_t j)
{
    return bor_confirms(r, p, i, j);
}

static int sd_min_days(const struct crit_result *r, const struct protocol *p)
{
    int m =
        r->crit == CRIT_RANOBM ? p->sd_min_days_rano : p->sd_min_days_recist;
    return m - p->sd_min_window_days;
}

static void set_bor(struct bor *b, const struct crit_result *r, enum resp v,
                    int tp, int tpc)
{
    b->resp = v;
    b->tp = tp;
    b->tp_confirm = tpc;
    b->date = tp >= 0 ? r->tp[tp].date : DATE_NONE;
}

/* Why the first response was not confirmed, for the reason text. */
static void why_unconfirmed(const struct crit_result *r,
                            const struct protocol *p, size_t i, size_t n,
                            char *buf, size_t size)
{
    char d[11];
    date_format(r->tp[i].date, d);
    size_t j = i + 1;
    while (j < n && r->tp[j].date - r->tp[i].date < p->confirm_min_days)
        j++;
    snprintf(buf, size, "%s on %s (day %d) unconfirmed: ",
             resp_name(r->tp[i].overall, r->irecist), d, r->tp[i].day);
    /* An interruption before the confirmation window. */
    for (size_t k = i + 1; k < n; k++) {
        enum resp rk = r->tp[k].overall;
        if (is_response(rk) &&
            r->tp[k].date - r->tp[i].date >= p->confirm_min_days)
            break;
        if (is_response(rk) || (rk == RESP_NE && p->allow_ne_between))
            continue;
        if ((rk == RESP_SD || rk == RESP_NONCRNONPD) &&
            !p->sd_breaks_confirmation)
            continue;
        char dk[11];
        date_format(r->tp[k].date, dk);
        reason_append(buf, size, "%s on %s before any confirmation",
                      resp_name(rk, r->irecist), dk);
        return;
    }
    if (j >= n)
        reason_append(buf, size, "no assessment %d or more days later",
                      p->confirm_min_days);
    else
        reason_append(buf, size,
                      "the assessment %d or more days later is "
                      "%s",
                      p->confirm_min_days,
                      resp_name(r->tp[j].overall, r->irecist));
}

void bor_derive(struct crit_result *r, const struct protocol *p, int32_t origin)
{
    (void)origin;
    struct bor *cb = &r->cbor, *ub = &r->bor;
    memset(cb, 0, sizeof *cb);
    memset(ub, 0, sizeof *ub);
    cb->tp = ub->tp = cb->tp_confirm = ub->tp_confirm = -1;
    r->cb = false;
    r->cb_reason[0] = '\0';
    /* Rule BOR-NO-BASELINE: without an evaluable baseline the best
     * response is NE and there is no clinical benefit (f.3, a.3). */
    if (!r->baseline_ok) {
        set_bor(cb, r, RESP_NE, -1, -1);
        set_bor(ub, r, RESP_NE, -1, -1);
        snprintf(cb->reason, sizeof cb->reason,
                 "NE: no evaluable baseline "
                 "(%s)",
                 r->baseline_why);
        snprintf(ub->reason, sizeof ub->reason, "%s", cb->reason);
        snprintf(r->cb_reason, sizeof r->cb_reason,
                 "N: no evaluable baseline (%s)", r->baseline_why);
        r->n_considered = r->n_tp ? 1 : 0;
        return;
    }
    /* The assessments considered (f): after baseline, up to and including
     * the first PD, not after new anticancer therapy (its start day
     * included) or withdrawal of consent. */
    size_t n = 1;
    while (n < r->n_tp) {
        if (r->window_end != DATE_NONE && r->tp[n].date > r->window_end)
            break;
        n++;
        enum resp last = r->tp[n - 1].overall;
        if (last == RESP_PD || last == RESP_ICPD)
            break;
    }
    r->n_considered = n;
    int sdmin = sd_min_days(r, p);
    int limit = p->bor_window_end_day; /* -1: none */
    char tail[REASON_MAX] = "";
    if (n < r->n_tp && r->window_end != DATE_NONE &&
        r->tp[n].date > r->window_end && r->window_why[0])
        snprintf(tail, sizeof tail, "; assessments after %s not counted",
                 r->window_why);

    /* ---- confirmed (f.1) ----
     * Rule BOR-CONFIRMED: the best response is the best CR or PR that a
     * later time point confirms (CONFIRM-DAYS, CONFIRM-BETWEEN); else SD
     * when an SD, or an unconfirmed response, lasted the SD minimum from
     * the origin (BOR-SD-MIN); else PD or NE (f.1). */
    int first_resp = -1;
    enum resp best = RESP_NONE;
    int bi = -1, bj = -1;
    for (size_t i = 1; i < n; i++) {
        if (!is_response(r->tp[i].overall))
            continue;
        /* [CHOICE] bor_window_end_day: the first CR/PR on or before it;
         * the confirmation may come later. */
        if (limit >= 0 && r->tp[i].day > limit)
            continue;
        if (first_resp < 0)
            first_resp = (int)i;
        /* The best confirmation of this response: a CR if any later
         * assessment confirms one, else a PR. */
        enum resp ci = RESP_NONE;
        int cj = -1;
        for (size_t j = i + 1; j < n; j++) {
            enum resp c = confirmed_as(r, p, i, j);
            if (c == RESP_CR) {
                ci = c;
                cj = (int)j;
                break;
            }
            if (c == RESP_PR && ci == RESP_NONE) {
                ci = c;
                cj = (int)j;
            }
        }
        if (ci != RESP_NONE &&
            (best == RESP_NONE || (ci == RESP_CR && best != RESP_CR))) {
            best = ci;
            bi = (int)i;
            bj = cj;
        }
        if (best == RESP_CR)
            break;
    }
    char d1[11], d2[11];
    if (best != RESP_NONE) {
        set_bor(cb, r, best, bi, bj);
        date_format(r->tp[bi].date, d1);
        date_format(r->tp[bj].date, d2);
        snprintf(cb->reason, sizeof cb->reason,
                 "%s confirmed: %s on %s (day %d), %s on %s, %d days later",
                 resp_name(best, r->irecist),
                 resp_name(r->tp[bi].overall, r->irecist), d1, r->tp[bi].day,
                 resp_name(r->tp[bj].overall, r->irecist), d2,
                 r->tp[bj].date - r->tp[bi].date);
    } else {
        char unconf[REASON_MAX] = "";
        if (first_resp >= 0)
            why_unconfirmed(r, p, (size_t)first_resp, n, unconf, sizeof unconf);
        /* Rule BOR-SD-MIN: SD (NON-CR/NON-PD without target disease)
         * counts at an assessment on day >= the SD minimum from the origin
         * (f, sd_min_days_*, sd_min_window_days). */
        int sdi = -1, early = -1, pdi = -1;
        for (size_t i = 1; i < n; i++) {
            enum resp ri = r->tp[i].overall;
            /* iRECIST (g): iUPD ranks above iCPD, both below iSD. */
            if (ri == RESP_PD || ri == RESP_ICPD || ri == RESP_IUPD) {
                if (pdi < 0 ||
                    (ri == RESP_IUPD && r->tp[pdi].overall != RESP_IUPD))
                    pdi = (int)i;
                continue;
            }
            if (ri == RESP_NE)
                continue;
            if (r->tp[i].day >= sdmin) {
                if (sdi < 0)
                    sdi = (int)i;
            } else if (early < 0) {
                early = (int)i;
            }
        }
        if (sdi >= 0) {
            enum resp v = r->nt_only ? RESP_NONCRNONPD : RESP_SD;
            set_bor(cb, r, v, sdi, -1);
            date_format(r->tp[sdi].date, d1);
            snprintf(cb->reason, sizeof cb->reason,
                     "%s: %s on %s (day %d, at least %d days from the "
                     "origin)",
                     resp_name(v, r->irecist),
                     resp_name(r->tp[sdi].overall, r->irecist), d1,
                     r->tp[sdi].day, sdmin);
            if (*unconf)
                reason_append(cb->reason, sizeof cb->reason, "; %s", unconf);
        } else if (pdi >= 0) {
            enum resp v = r->tp[pdi].overall;
            set_bor(cb, r, v, pdi, -1);
            date_format(r->tp[pdi].date, d1);
            snprintf(cb->reason, sizeof cb->reason, "%s on %s (day %d)",
                     resp_name(v, r->irecist), d1, r->tp[pdi].day);
            if (early >= 0)
                reason_append(cb->reason, sizeof cb->reason,
                              "; %s on day %d is before the %d-day minimum",
                              resp_name(r->tp[early].overall, r->irecist),
                              r->tp[early].day, sdmin);
            if (*unconf)
                reason_append(cb->reason, sizeof cb->reason, "; %s", unconf);
        } else {
            set_bor(cb, r, RESP_NE, -1, -1);
            if (n <= 1)
                snprintf(cb->reason, sizeof cb->reason,
                         "NE: no post-baseline assessment");
            else if (early >= 0)
                snprintf(cb->reason, sizeof cb->reason,
                         "NE: %s on day %d is before the %d-day minimum and "
                         "nothing later counts",
                         resp_name(r->tp[early].overall, r->irecist),
                         r->tp[early].day, sdmin);
            else
                snprintf(cb->reason, sizeof cb->reason,
                         "NE: no adequate post-baseline assessment");
            if (*unconf)
                reason_append(cb->reason, sizeof cb->reason, "; %s", unconf);
        }
    }
    reason_append(cb->reason, sizeof cb->reason, "%s", tail);

    /* ---- unconfirmed (f.2) ----
     * Rule BOR-UNCONFIRMED: the best single time point, CR > PR > SD >
     * NON-CR/NON-PD > PD, SD only when it lasted the SD minimum (f.2). */
    static const enum resp order[] = {RESP_CR,         RESP_PR,   RESP_SD,
                                      RESP_NONCRNONPD, RESP_IUPD, RESP_ICPD,
                                      RESP_PD};
    for (size_t o = 0; o < sizeof order / sizeof order[0] && ub->tp < 0; o++) {
        for (size_t i = 1; i < n; i++) {
            enum resp ri = r->tp[i].overall;
            if (ri != order[o])
                continue;
            if (is_response(ri) && limit >= 0 && r->tp[i].day > limit)
                continue;
            if ((ri == RESP_SD || ri == RESP_NONCRNONPD) &&
                r->tp[i].day < sdmin)
                continue;
            set_bor(ub, r, ri, (int)i, -1);
            date_format(r->tp[i].date, d1);
            snprintf(ub->reason, sizeof ub->reason,
                     "%s on %s (day %d), the best single assessment",
                     resp_name(ri, r->irecist), d1, r->tp[i].day);
            break;
        }
    }
    if (ub->tp < 0) {
        set_bor(ub, r, RESP_NE, -1, -1);
        snprintf(ub->reason, sizeof ub->reason, "NE: %s",
                 n <= 1 ? "no post-baseline assessment"
                        : "no assessment counts (NE, or SD before the "
                          "minimum)");
    }
    reason_append(ub->reason, sizeof ub->reason, "%s", tail);

    /* ---- clinical benefit (h.2) ----
     * Rule CBR: clinical benefit is a confirmed best response of CR, PR or
     * SD (SD lasting the criterion's SD minimum, 28 days for RANO-BM), or
     * with cbr_sd_rule sustained an SD held across two assessments (h.2). */
    enum resp c = cb->resp;
    if (p->cbr_sd_rule == CBR_SUSTAINED && c == RESP_SD) {
        /* [CHOICE] cbr_sd_rule sustained: SD held across two assessments
         * at least confirm_min_days apart, no PD between. */
        int a = -1, b = -1;
        for (size_t i = 1; i < n && a < 0; i++) {
            enum resp ri = r->tp[i].overall;
            if (ri == RESP_PD || ri == RESP_NE)
                continue;
            for (size_t j = i + 1; j < n; j++) {
                enum resp rj = r->tp[j].overall;
                if (rj == RESP_PD)
                    break;
                if (rj != RESP_NE &&
                    r->tp[j].date - r->tp[i].date >= p->confirm_min_days) {
                    a = (int)i;
                    b = (int)j;
                    break;
                }
            }
        }
        r->cb = a >= 0;
        if (r->cb) {
            date_format(r->tp[a].date, d1);
            date_format(r->tp[b].date, d2);
            snprintf(r->cb_reason, sizeof r->cb_reason,
                     "Y: disease control held from %s to %s, %d days "
                     "(cbr_sd_rule sustained)",
                     d1, d2, r->tp[b].date - r->tp[a].date);
        } else {
            snprintf(r->cb_reason, sizeof r->cb_reason,
                     "N: SD not held across two assessments %d or more "
                     "days apart (cbr_sd_rule sustained)",
                     p->confirm_min_days);
        }
        return;
    }
    r->cb = c == RESP_CR || c == RESP_PR || c == RESP_SD;
    snprintf(r->cb_reason, sizeof r->cb_reason,
             "%s: confirmed best response "
             "%s",
             r->cb ? "Y" : "N", resp_name(c, r->irecist));
    if (c == RESP_SD)
        reason_append(r->cb_reason, sizeof r->cb_reason,
                      " (SD on day %d, minimum %d days from the origin)",
                      cb->tp >= 0 ? r->tp[cb->tp].day : 0, sdmin);
}
