/*
 * recorded.c - the site's recorded time-point responses (RS OVRLRESP;
 * shared/spec/data-format.md "Responses recorded by the site"): best
 * response from them alone (`derive --responses recorded`, with the rules
 * of bor.c, section f), and the comparison of each with the response
 * BALIST computes from the measurements (reported by `check`).
 */
#include "criteria_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum resp parse_resp(const char *v)
{
    if (!strcmp(v, "CR"))
        return RESP_CR;
    if (!strcmp(v, "PR"))
        return RESP_PR;
    if (!strcmp(v, "SD"))
        return RESP_SD;
    if (!strcmp(v, "NON-CR/NON-PD"))
        return RESP_NONCRNONPD;
    if (!strcmp(v, "PD"))
        return RESP_PD;
    return RESP_NE;
}

static int cmp_rs_date(const void *a, const void *b)
{
    const struct tp *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return (x->assess > y->assess) - (x->assess < y->assess);
}

int crit_from_recorded(const struct study *s, const struct subject *sj,
                       enum criterion c, struct crit_result *out)
{
    const struct protocol *p = &s->proto;
    memset(out, 0, sizeof *out);
    out->crit = c;
    out->recorded = true;
    int32_t anchor = baseline_anchor(p, sj, NULL);
    size_t cap = 0;
    /* tp[0]: the baseline the site judged against (not in RS). */
    struct tp *b = VEC_PUSH(out->tp, out->n_tp, cap);
    memset(b, 0, sizeof *b);
    b->baseline = true;
    b->date = b->date_first = anchor;
    b->visit = "BASELINE";
    b->sum = b->nadir = -1;
    b->steroid_mg = NAN;
    bool pr_or_sd = false;
    for (size_t i = 0; i < sj->n_rs; i++) {
        const struct rs_record *x = &sj->rs[i];
        if (x->kind != RS_OVRLRESP || x->irecist || x->crit != (int)c ||
            x->date == DATE_NONE)
            continue;
        if (anchor != DATE_NONE && x->date <= anchor)
            continue; /* not post-baseline */
        struct tp *tp = VEC_PUSH(out->tp, out->n_tp, cap);
        memset(tp, 0, sizeof *tp);
        tp->assess = (int32_t)i;
        tp->date = tp->date_first = tp->pd_date = x->date;
        tp->visit = x->visit;
        tp->sum = tp->nadir = -1;
        tp->steroid_mg = NAN;
        tp->overall = parse_resp(x->value);
        tp->target = tp->nontarget = RESP_NONE;
        pr_or_sd = pr_or_sd || tp->overall == RESP_PR || tp->overall == RESP_SD;
        snprintf(tp->reason, sizeof tp->reason,
                 "%s as recorded by the site (rs.csv line %ld)",
                 resp_name(tp->overall, false), x->line);
    }
    if (out->n_tp > 2)
        qsort(out->tp + 1, out->n_tp - 1, sizeof *out->tp, cmp_rs_date);
    for (size_t t = 0; t < out->n_tp; t++)
        out->tp[t].day = days_from_origin(out->tp[t].date, sj->origin);
    out->has_lesions = out->n_tp > 1;
    out->baseline_ok = anchor != DATE_NONE && out->n_tp > 1;
    if (!out->baseline_ok)
        snprintf(out->baseline_why, sizeof out->baseline_why,
                 anchor == DATE_NONE ? "not treated"
                                     : "no recorded %s response",
                 criterion_name(c));
    /* f, rule 3: with recorded responses alone, a subject is
     * non-target-only when none of them is PR or SD. */
    out->nt_only = !pr_or_sd;
    out->measurable = out->baseline_ok && pr_or_sd;
    /* Rule RECORDED-MEASURABLE: measurable disease is a fact of the
     * baseline, not of the responses: when the subject's lesions are in
     * the data (TU/TR), it is decided from them (Rule MEASURABLE-DISEASE),
     * so that a subject who only ever progressed stays in the denominator
     * (h.1). With recorded responses alone, non-target-only disease (no
     * recorded PR or SD, f rule 3) is not measurable. */
    struct crit_result lesions;
    crit_derive(s, sj, c, &lesions);
    if (lesions.has_lesions) {
        out->measurable = out->baseline_ok && lesions.measurable;
        out->n_measurable = lesions.n_measurable;
        snprintf(out->measurable_why, sizeof out->measurable_why, "%s",
                 out->baseline_ok ? lesions.measurable_why : out->baseline_why);
    } else if (!out->measurable) {
        snprintf(out->measurable_why, sizeof out->measurable_why, "%s",
                 out->baseline_ok ? "no recorded PR or SD: non-target disease "
                                    "only (f, rule 3)"
                                  : out->baseline_why);
    }
    crit_result_release(&lesions);
    out->target_lesions = NULL;
    crit_window(sj, p, out);
    bor_derive(out, p, sj->origin);
    return 0;
}

/* The computed time point of the same assessment: same VISIT, else the
 * same date. */
static const struct tp *match(const struct crit_result *r,
                              const struct rs_record *x)
{
    for (size_t t = 1; t < r->n_tp; t++)
        if (*x->visit && !strcmp(r->tp[t].visit, x->visit))
            return &r->tp[t];
    for (size_t t = 1; t < r->n_tp; t++)
        if (r->tp[t].date == x->date || r->tp[t].date_first == x->date)
            return &r->tp[t];
    return NULL;
}

void crit_compare_subject(const struct study *s, const struct subject *sj,
                          crit_disagree_fn fn, void *ctx)
{
    bool any[CRIT_N] = {false, false};
    for (size_t k = 0; k < sj->n_rs; k++)
        if (sj->rs[k].kind == RS_OVRLRESP && !sj->rs[k].irecist &&
            sj->rs[k].crit >= 0)
            any[sj->rs[k].crit] = true;
    for (int c = 0; c < CRIT_N; c++) {
        if (!any[c])
            continue;
        struct crit_result r;
        crit_derive(s, sj, (enum criterion)c, &r);
        for (size_t k = 0; k < sj->n_rs; k++) {
            const struct rs_record *x = &sj->rs[k];
            if (x->kind != RS_OVRLRESP || x->irecist || x->crit != c)
                continue;
            const struct tp *tp = match(&r, x);
            if (!tp)
                continue; /* no measurements of that assessment */
            if (parse_resp(x->value) != tp->overall)
                fn(ctx, (enum criterion)c, x, tp);
        }
        crit_result_release(&r);
    }
}

struct to_diags {
    struct diags *d;
    const char *usubjid;
};

static void disagree_diag(void *ctx, enum criterion c,
                          const struct rs_record *x, const struct tp *tp)
{
    struct to_diags *t = ctx;
    char dd[11];
    date_format(x->date, dd);
    diags_add(t->d, SEV_WARNING, D_RECORDED, "rs.csv", x->line, 0,
              "recorded %s response %s at %s (%s) of subject %s "
              "differs from the computed %s: %s",
              criterion_name(c), x->value, *x->visit ? x->visit : "-", dd,
              t->usubjid, resp_name(tp->overall, false), tp->reason);
}

void crit_compare_recorded(const struct study *s, struct diags *d)
{
    for (size_t i = 0; i < s->n_subjects; i++) {
        struct to_diags t = {d, s->subjects[i].usubjid};
        crit_compare_subject(s, &s->subjects[i], disagree_diag, &t);
    }
}
