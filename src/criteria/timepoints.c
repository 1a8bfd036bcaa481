/*
 * timepoints.c - the driver of a subject's derivation under one criterion:
 * which lesions the criterion sees, the assessments (time points) and
 * their dates, the baseline (baseline.c chooses it) and its completeness,
 * each target lesion's value (split and merged lesions), then, time point
 * by time point, the non-target and new-lesion responses (nontarget.c,
 * newlesion.c), the criterion's own target and overall rules (recist11.c,
 * ranobm.c), the window of best response (window.c) and finally best
 * response (bor.c).
 *
 * shared/spec/response-criteria.md sections 0, a, b.1, c. RECIST 1.1:
 * Eisenhauer et al., EJC 2009; RANO-BM: Lin et al., Lancet Oncol 2015.
 */
#include "criteria_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *resp_name(enum resp r, bool irecist)
{
    switch (r) {
    case RESP_CR:
        return irecist ? "iCR" : "CR";
    case RESP_PR:
        return irecist ? "iPR" : "PR";
    case RESP_SD:
        return irecist ? "iSD" : "SD";
    case RESP_NONCRNONPD:
        return irecist ? "iNON-CR/NON-PD" : "NON-CR/NON-PD";
    case RESP_PD:
        return "PD";
    case RESP_NE:
        return "NE";
    case RESP_NA:
        return "NA";
    case RESP_IUPD:
        return "iUPD";
    case RESP_ICPD:
        return "iCPD";
    default:
        return "";
    }
}

int resp_aval(enum resp r)
{
    switch (r) {
    case RESP_CR:
        return 1;
    case RESP_PR:
        return 2;
    case RESP_SD:
        return 3;
    case RESP_NONCRNONPD:
        return 4;
    case RESP_PD:
    case RESP_IUPD:
        return 5;
    case RESP_NE:
        return 6;
    case RESP_ICPD:
        return 8;
    default:
        return 7; /* MISSING */
    }
}

void crit_pct(int64_t num, int64_t den, char *buf, size_t size)
{
    /* num/den as a signed percentage with one decimal, rounded half away
     * from zero, only for display (the category is decided exactly). */
    if (den == 0) {
        /* No percentage of 0 mm: the callers say "from 0 mm". */
        snprintf(buf, size, "%s", num > 0 ? "up from 0 mm" : "0.0%");
        return;
    }
    int64_t n = num * 1000, q = n / den, rem = n % den;
    if ((rem < 0 ? -rem : rem) * 2 >= den)
        q += n < 0 ? -1 : 1;
    int64_t a = q < 0 ? -q : q;
    snprintf(buf, size, "%s%lld.%lld%%", q < 0 ? "-" : "+", (long long)(a / 10),
             (long long)(a % 10));
}

void reason_set(char *buf, size_t size, const char *fmt, ...)
{
    /* A reason longer than its buffer is cut, never overflowed. */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

void reason_append(char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

/* Rule PD-RELATIVE: the sum is at least 20 % above the nadir, tested in
 * integers as 5 x (S - N) >= N (section 0, "Arithmetic"); an increase is
 * required (S > N), so a nadir of 0 needs the sum to grow. */
bool pd_relative(int64_t s, int64_t n)
{
    return s > n && 5 * (s - n) >= n;
}

/* Rule PR-RELATIVE: at least 30 % below baseline: 10 x (B - S) >= 3 x B
 * (section 0; b.2 step 4). */
bool pr_relative(int64_t s, int64_t b)
{
    return b > 0 && 10 * (b - s) >= 3 * b;
}

/*
 * The end of the target-response steps shared by RECIST 1.1 (b.2 steps
 * 4-5) and RANO-BM (b.3), once CR and PD are excluded:
 * at least 30 % below baseline is PR (PR-RELATIVE, pr_relative());
 * Rule STICKY-PR ([DISAGREE] b.2): with sticky_pr, a time point after a
 *   PR (confirmed, or the first) that meets neither CR nor PD is PR;
 * otherwise SD. `what` names the sum ("sum", "CNS sum").
 */
void target_pr_or_sd(struct work *w, size_t t, int64_t S, const char *what)
{
    struct crit_result *r = w->r;
    struct tp *tp = &r->tp[t];
    const struct protocol *p = w->p;
    int64_t B = r->tp[0].sum, N = tp->nadir;
    char sa[32], sb[32], pc[16];
    diam_format(S, sa, sizeof sa);
    diam_format(B, sb, sizeof sb);
    crit_pct(S - B, B, pc, sizeof pc);
    if (pr_relative(S, B)) {
        tp->target = RESP_PR;
        reason_set(tp->trg_reason, sizeof tp->trg_reason,
                   "%s %s mm is %s from baseline %s mm (30%% decrease or "
                   "more)",
                   what, sa, pc, sb);
        return;
    }
    int from =
        p->sticky_from == STICKY_FIRST_PR ? w->first_pr_at : w->confirmed_pr_at;
    if (p->sticky_pr && from >= 0 && (size_t)from < t) {
        tp->target = RESP_PR;
        reason_set(tp->trg_reason, sizeof tp->trg_reason,
                   "%s %s mm is %s from baseline %s mm, not PD: stays PR "
                   "after the %s PR (sticky_pr)",
                   what, sa, pc, sb,
                   p->sticky_from == STICKY_FIRST_PR ? "first" : "confirmed");
        return;
    }
    char nb[32], pn[16];
    diam_format(N, nb, sizeof nb);
    crit_pct(S - N, N, pn, sizeof pn);
    tp->target = RESP_SD;
    reason_set(tp->trg_reason, sizeof tp->trg_reason,
               "%s %s mm is %s from baseline %s mm and %s from nadir %s mm",
               what, sa, pc, sb, pn, nb);
}

int64_t tp_lesion_value(const struct work *w, size_t t, size_t k)
{
    return w->r->lval[t * w->r->n_target_lesions + k];
}

/*
 * The value of target lesion li at time point t, mm x DIAM_SCALE, or -1
 * when not known (section b.1):
 *  - its own diameter; too small to measure counts as recorded;
 * Rule SPLIT-ADD: fragments' diameters add into the parent's value;
 * Rule MERGE-FIRST: a merged mass counts against its first parent, the
 *   other parents count 0 (not null).
 */
int64_t target_value(struct work *w, size_t t, int li, bool *tstm,
                     enum lval_how *how)
{
    const struct subject *sj = w->sj;
    const struct lesion *l = &sj->lesions[li];
    struct cell *own = cell_at(w, t, li);
    *tstm = false;
    enum lval_how how_unasked; /* the caller did not ask how */
    if (!how)
        how = &how_unasked;
    *how = LV_MISSING;
    bool own_known = own->has_diam && own->dkind != MV_NOT_DONE;
    int64_t v = own_known ? own->diam : 0;
    if (own_known && own->dkind == MV_TSTM)
        *tstm = true;
    bool any_fragment = false, fragment_missing = false;
    for (size_t k = 0; k < w->n_les; k++) {
        if (sj->lesions[k].parent != li)
            continue;
        struct cell *f = cell_at(w, t, (int)k);
        if (!f->has_diam)
            continue;
        any_fragment = true;
        if (f->dkind == MV_NOT_DONE) {
            fragment_missing = true;
            continue;
        }
        v += f->diam;
        if (f->dkind == MV_TSTM)
            *tstm = true;
    }
    if (any_fragment) {
        *how = fragment_missing ? LV_MISSING : LV_FRAGMENTS;
        return fragment_missing ? -1 : v;
    }
    if (own_known) {
        *how = own->dkind != MV_TSTM ? LV_MEASURED
               : own->tstm_recorded  ? LV_TSTM_RECORDED
                                     : LV_TSTM_DEFAULT;
        return v;
    }
    if (l->merged_into >= 0) {
        struct cell *m = cell_at(w, t, l->merged_into);
        if (m->has_diam && m->dkind != MV_NOT_DONE) {
            if (sj->lesions[l->merged_into].merge_first == li) {
                *tstm = m->dkind == MV_TSTM;
                *how = LV_MERGED_FIRST;
                return m->diam;
            }
            *how = LV_MERGED_ZERO;
            return 0;
        }
    }
    return -1;
}

/* ---- building the time points ---- */

static int cmp_tp(const void *a, const void *b)
{
    const struct tp *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return (x->assess > y->assess) - (x->assess < y->assess);
}

static bool sees(const struct lesion *l, enum criterion c)
{
    return l->cls[c] != LC_NONE;
}

/* Collects the time points (assessments) that hold rows the criterion
 * sees, with their dates, sorted by date; drops those after the data
 * cut-off. */
static void build_tps(struct work *w)
{
    const struct subject *sj = w->sj;
    struct crit_result *r = w->r;
    int32_t max_assess = -1;
    for (size_t i = 0; i < sj->n_meas; i++)
        if (sj->meas[i].assess > max_assess)
            max_assess = sj->meas[i].assess;
    int *slot = malloc(((size_t)max_assess + 2) * sizeof *slot);
    for (int32_t a = 0; a <= max_assess; a++)
        slot[a] = -1;
    size_t cap = 0;
    for (size_t i = 0; i < sj->n_meas; i++) {
        const struct measurement *mv = &sj->meas[i];
        const struct lesion *l = &sj->lesions[mv->lesion];
        if (!(mv->crit_mask & (1u << w->c)) || !sees(l, w->c) ||
            mv->date == DATE_NONE)
            continue;
        int k = slot[mv->assess];
        if (k < 0) {
            struct tp *t = VEC_PUSH(r->tp, r->n_tp, cap);
            memset(t, 0, sizeof *t);
            t->assess = mv->assess;
            t->date = t->date_first = mv->date;
            t->visit = mv->visit;
            t->sum = t->nadir = -1;
            t->steroid_mg = NAN;
            t->pd_date = DATE_NONE;
            slot[mv->assess] = (int)(r->n_tp - 1);
        } else {
            struct tp *t = &r->tp[k];
            if (mv->date > t->date)
                t->date = mv->date;
            if (mv->date < t->date_first)
                t->date_first = mv->date;
        }
    }
    free(slot);
    /* What is dated after the data cut-off is not in the study at all
     * (core/cutoff.c, Rule DATA-CUTOFF). */
    if (r->n_tp > 1)
        qsort(r->tp, r->n_tp, sizeof *r->tp, cmp_tp);
}

/* Chooses the baseline among the time points (section a, baseline.c);
 * earlier assessments are dropped. */
static void choose_baseline(struct work *w)
{
    struct crit_result *r = w->r;
    int32_t *dates = xcalloc(r->n_tp + 1, sizeof *dates);
    for (size_t i = 0; i < r->n_tp; i++)
        dates[i] = r->tp[i].date;
    struct baseline b;
    baseline_choose(w->p, w->sj, dates, r->n_tp, &b);
    free(dates);
    r->baseline_ok = false;
    if (b.status == BASELINE_NO_ANCHOR) {
        snprintf(r->baseline_why, sizeof r->baseline_why,
                 "no %s date (not treated)", b.anchor_name + 4);
        return;
    }
    if (b.status == BASELINE_NONE) {
        snprintf(r->baseline_why, sizeof r->baseline_why,
                 "no tumour assessment on or before %s", b.anchor_name);
        return;
    }
    /* Drop what precedes the baseline. */
    if (b.index > 0) {
        memmove(r->tp, r->tp + b.index,
                (r->n_tp - (size_t)b.index) * sizeof *r->tp);
        r->n_tp -= (size_t)b.index;
    }
    r->tp[0].baseline = true;
    if (b.status == BASELINE_TOO_EARLY) {
        char d[11];
        date_format(r->tp[0].date, d);
        snprintf(r->baseline_why, sizeof r->baseline_why,
                 "the baseline scan of %s is %d days before %s (more than "
                 "%d)",
                 d, b.gap_days, b.anchor_name, w->p->baseline_max_days_before);
        return;
    }
    r->baseline_ok = true;
}

static void fill_cells(struct work *w)
{
    const struct subject *sj = w->sj;
    struct crit_result *r = w->r;
    w->n_les = sj->n_lesions;
    w->cells = xcalloc(r->n_tp * w->n_les + 1, sizeof *w->cells);
    int32_t max_assess = -1;
    for (size_t t = 0; t < r->n_tp; t++)
        if (r->tp[t].assess > max_assess)
            max_assess = r->tp[t].assess;
    int *slot = malloc(((size_t)max_assess + 2) * sizeof *slot);
    for (int32_t a = 0; a <= max_assess; a++)
        slot[a] = -1;
    for (size_t t = 0; t < r->n_tp; t++)
        slot[r->tp[t].assess] = (int)t;
    for (size_t i = 0; i < sj->n_meas; i++) {
        const struct measurement *mv = &sj->meas[i];
        if (!(mv->crit_mask & (1u << w->c)) || mv->assess > max_assess ||
            slot[mv->assess] < 0 || !sees(&sj->lesions[mv->lesion], w->c))
            continue;
        struct cell *c = cell_at(w, (size_t)slot[mv->assess], mv->lesion);
        c->date = mv->date;
        if (mv->kind == MV_STATE ||
            (mv->kind == MV_NOT_DONE && mv->test == DT_NONE)) {
            c->has_state = true;
            c->state_nd = mv->kind == MV_NOT_DONE;
            c->state = mv->state;
        } else {
            c->has_diam = true;
            c->dkind = mv->kind;
            c->diam = mv->diam;
            c->tstm_recorded = mv->tstm_recorded;
        }
    }
    free(slot);
}

static void pick_lesions(struct work *w)
{
    const struct subject *sj = w->sj;
    struct crit_result *r = w->r;
    r->target_lesions = xcalloc(sj->n_lesions + 1, sizeof(int));
    w->nontargets = xcalloc(sj->n_lesions + 1, sizeof(int));
    w->news = xcalloc(sj->n_lesions + 1, sizeof(int));
    for (size_t i = 0; i < sj->n_lesions; i++) {
        const struct lesion *l = &sj->lesions[i];
        if (l->parent >= 0 || l->is_merge)
            continue; /* their values enter their parents' */
        switch (l->cls[w->c]) {
        case LC_TARGET:
            r->target_lesions[r->n_target_lesions++] = (int)i;
            break;
        case LC_NONTARGET:
            w->nontargets[w->n_nt++] = (int)i;
            break;
        case LC_NEW:
            w->news[w->n_new++] = (int)i;
            break;
        default:
            break;
        }
    }
    r->n_targets = (int)r->n_target_lesions;
    r->n_nontargets = (int)w->n_nt;
    r->has_lesions = r->n_targets + r->n_nontargets > 0;
}

/* Rule MEASURABLE-DISEASE: a subject has measurable disease under a
 * criterion when at least one target lesion is measurable at a valid
 * baseline by that criterion's rule (RANO-MEASURABLE, RECIST-MEASURABLE:
 * criteria/baseline.c); without it the subject is not in the RECIST
 * measurable set (RECMDFL) or the CNS-evaluable set (a.1, a.2, h.1). */
static void measurable_disease(const struct subject *sj, struct crit_result *r)
{
    r->n_measurable = 0;
    r->measurable = false;
    if (!r->baseline_ok) {
        snprintf(r->measurable_why, sizeof r->measurable_why, "%s",
                 r->baseline_why);
        return;
    }
    if (!r->n_target_lesions) {
        snprintf(r->measurable_why, sizeof r->measurable_why,
                 "no %s target lesion", criterion_name(r->crit));
        return;
    }
    int32_t thr = 0;
    const char *what = "";
    for (size_t k = 0; k < r->n_target_lesions; k++) {
        const struct lesion *les = &sj->lesions[r->target_lesions[k]];
        int64_t v = r->lval[k];
        enum lval_how how = (enum lval_how)r->lhow[k];
        if (v < 0)
            continue;
        bool tstm = how == LV_TSTM_DEFAULT || how == LV_TSTM_RECORDED;
        if (baseline_measurable_value(les, r->crit, v, tstm, &thr, &what) ==
            MEAS_OK)
            r->n_measurable++;
    }
    r->measurable = r->n_measurable > 0;
    if (!r->measurable)
        snprintf(r->measurable_why, sizeof r->measurable_why,
                 "no %s target lesion measurable at baseline (a longest "
                 "diameter of 10 mm or more%s)",
                 criterion_name(r->crit),
                 r->crit == CRIT_RECIST ? ", a node's short axis 15 mm or more"
                                        : "");
}

/* Rule BEST-CHANGE: the best change of the sum of target diameters is
 * at the post-baseline time point, among those considered for best
 * response, with a known sum and the lowest percent change from a
 * baseline sum above 0; the first of equal ones (the waterfall plot; ADTR
 * ANL02FL as admiralonco flags it). */
int crit_best_change(const struct crit_result *x)
{
    int64_t base = x->n_tp && x->tp[0].baseline ? x->tp[0].sum : -1;
    if (base <= 0)
        return -1;
    int best = -1;
    double best_pc = 0;
    for (size_t t = 1; t < x->n_tp && t < x->n_considered; t++) {
        if (x->tp[t].sum < 0)
            continue;
        double pc = 100.0 * (double)(x->tp[t].sum - base) / (double)base;
        if (best < 0 || pc < best_pc) {
            best = (int)t;
            best_pc = pc;
        }
    }
    return best;
}

/* ---- the driver ---- */

static void fail_all(struct crit_result *r, const char *why)
{
    for (size_t t = 0; t < r->n_tp; t++) {
        struct tp *tp = &r->tp[t];
        if (tp->baseline)
            continue;
        tp->target = tp->nontarget = tp->overall = RESP_NE;
        snprintf(tp->reason, sizeof tp->reason,
                 "NE: no evaluable baseline (%s)", why);
    }
}

int crit_derive(const struct study *s, const struct subject *sj,
                enum criterion c, struct crit_result *out)
{
    memset(out, 0, sizeof *out);
    out->crit = c;
    struct work w;
    memset(&w, 0, sizeof w);
    w.s = s;
    w.sj = sj;
    w.p = &s->proto;
    w.c = c;
    w.r = out;
    w.confirmed_cr_at = w.confirmed_pr_at = w.first_pr_at = -1;
    w.ref_steroid = NAN;

    pick_lesions(&w);
    build_tps(&w);
    choose_baseline(&w);
    if (!out->has_lesions && out->baseline_ok) {
        out->baseline_ok = false;
        snprintf(out->baseline_why, sizeof out->baseline_why,
                 "no %s lesion recorded at baseline", criterion_name(c));
    } else if (!out->has_lesions && !out->n_tp) {
        snprintf(out->baseline_why, sizeof out->baseline_why,
                 "no %s lesion recorded", criterion_name(c));
    }
    fill_cells(&w);
    out->nt_only = out->n_targets == 0 && out->n_nontargets > 0;
    out->lval =
        xcalloc(out->n_tp * out->n_target_lesions + 1, sizeof *out->lval);
    out->lhow =
        xcalloc(out->n_tp * out->n_target_lesions + 1, sizeof *out->lhow);
    for (size_t t = 0; t < out->n_tp; t++) {
        int64_t sum = 0;
        bool known = true;
        for (size_t k = 0; k < out->n_target_lesions; k++) {
            bool tstm;
            enum lval_how how;
            int64_t v =
                target_value(&w, t, out->target_lesions[k], &tstm, &how);
            out->lval[t * out->n_target_lesions + k] = v;
            out->lhow[t * out->n_target_lesions + k] = (uint8_t)how;
            if (v < 0)
                known = false;
            else
                sum += v;
        }
        /* Rule SUM-UNKNOWN: a sum with a missing target is not reported
         * (b.1). */
        out->tp[t].sum = known && out->n_target_lesions ? sum : -1;
    }
    /* Rule BASELINE-COMPLETE: the baseline is evaluable only when every
     * target lesion of the criterion has a baseline value (a.3). */
    if (out->baseline_ok) {
        for (size_t k = 0; k < out->n_target_lesions; k++)
            if (out->lval[k] < 0) {
                out->baseline_ok = false;
                snprintf(out->baseline_why, sizeof out->baseline_why,
                         "target %s has no baseline measurement",
                         sj->lesions[out->target_lesions[k]].linkid);
                break;
            }
    }
    measurable_disease(sj, out);
    crit_window(sj, w.p, out);

    if (!out->baseline_ok) {
        fail_all(out, out->baseline_why);
    } else {
        new_prepass(&w);
        int64_t nadir = out->tp[0].sum;
        for (size_t t = 1; t < out->n_tp; t++) {
            struct tp *tp = &out->tp[t];
            tp->day = days_from_origin(tp->date, sj->origin);
            tp->nadir = nadir;
            nontarget_response(&w, t);
            new_response(&w, t);
            if (c == CRIT_RANOBM) {
                ranobm_target(&w, t);
                ranobm_overall(&w, t);
            } else {
                recist_target(&w, t);
                recist_overall(&w, t);
            }
            if (tp->overall == RESP_PD && tp->pd_date == DATE_NONE)
                tp->pd_date = tp->date;
            /* Rule NADIR: the smallest complete sum of baseline and the
             * assessments so far (b). */
            if (tp->sum >= 0 && (nadir < 0 || tp->sum < nadir))
                nadir = tp->sum;
            /* Confirmation state for b.1 (reappearance) and b.2
             * (sticky PR). */
            if (tp->overall == RESP_PR && w.first_pr_at < 0)
                w.first_pr_at = (int)t;
            for (size_t i = 1; i < t; i++) {
                enum resp ri = out->tp[i].overall;
                if ((ri != RESP_CR && ri != RESP_PR) ||
                    !bor_confirms(out, w.p, i, t))
                    continue;
                if (ri == RESP_CR && tp->overall == RESP_CR &&
                    w.confirmed_cr_at < 0)
                    w.confirmed_cr_at = (int)t;
                else if (w.confirmed_pr_at < 0)
                    w.confirmed_pr_at = (int)t;
            }
        }
        for (size_t t = 0; t < out->n_tp; t++)
            out->tp[t].day = days_from_origin(out->tp[t].date, sj->origin);
    }
    bor_derive(out, w.p, sj->origin);
    free(w.cells);
    free(w.nontargets);
    free(w.news);
    free(w.new_first);
    free(w.new_backdate);
    return 0;
}

void crit_result_release(struct crit_result *r)
{
    free(r->tp);
    free(r->target_lesions);
    free(r->lval);
    free(r->lhow);
    memset(r, 0, sizeof *r);
}
