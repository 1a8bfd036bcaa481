/*
 * ranobm.c - per-visit RANO-BM target response (b.3), corticosteroid dose
 * and clinical status (d), and the overall CNS time-point response (table
 * e.3) of shared/spec/response-criteria.md; Lin et al., Lancet Oncol
 * 2015;16:e270-e278. The steroid dose is read from CM as
 * shared/spec/data-format.md "Corticosteroid dose" describes.
 * Confirmation and best response live in bor.c.
 */
#include "criteria_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- corticosteroids (data-format.md, section d) ---- */

static bool systemic_route(const char *route)
{
    return !*route || !strcmp(route, "ORAL") || !strcmp(route, "INTRAVENOUS") ||
           !strcmp(route, "INTRAMUSCULAR") || !strcmp(route, "SUBCUTANEOUS");
}

static double doses_per_day(const char *frq)
{
    static const struct {
        const char *frq;
        double n;
    } t[] = {{"QD", 1},  {"BID", 2}, {"TID", 3},  {"QID", 4},   {"Q12H", 2},
             {"Q8H", 3}, {"Q6H", 4}, {"ONCE", 1}, {"DAILY", 1}, {"Q24H", 1}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(frq, t[i].frq))
            return t[i].n;
    return -1; /* PRN or unknown: the dose is unknown */
}

bool steroid_dose_on(const struct study *s, const struct subject *sj,
                     int32_t day, double *mg)
{
    const struct protocol *p = &s->proto;
    if (!s->have_cm)
        return false;
    double total = 0;
    for (size_t i = 0; i < sj->n_cm; i++) {
        const struct cm_record *c = &sj->cm[i];
        double f = protocol_steroid_factor(p, c->decod);
        if (f < 0)
            f = protocol_steroid_factor(p, c->trt);
        bool steroid = f >= 0 || !strncmp(c->clascd, "H02AB", 5) ||
                       !strcmp(c->cat, "CORTICOSTEROID");
        if (!steroid || !systemic_route(c->route) ||
            strlist_has(&p->steroid_exclude_indications, c->indc))
            continue;
        if (c->start == DATE_NONE || c->start > day ||
            (c->end != DATE_NONE && c->end < day))
            continue;
        /* An active row with no usable dose makes the day unknown. */
        double daily = c->dostot;
        if (isnan(daily)) {
            double n = doses_per_day(c->dosfrq);
            if (isnan(c->dose) || n < 0)
                return false;
            daily = c->dose * n;
        }
        if (f < 0)
            return false; /* a corticosteroid without a known factor */
        total += daily * f;
    }
    *mg = total;
    return true;
}

/* Recorded steroid status at the visit (RS codes in
 * steroid_status_codes): NULL when none. */
static const char *recorded_steroid(const struct subject *sj,
                                    const struct tp *tp)
{
    for (size_t i = 0; i < sj->n_rs; i++) {
        const struct rs_record *x = &sj->rs[i];
        if (x->kind != RS_STEROID)
            continue;
        if (*tp->visit ? !strcmp(x->visit, tp->visit) : x->date == tp->date)
            return x->value;
    }
    return NULL;
}

/* Neurological status at the visit: the worst recorded (section d). */
static enum clin clinical_at(const struct subject *sj, const struct tp *tp)
{
    enum clin best = CLIN_UNKNOWN;
    for (size_t pass = 0; pass < 2 && best == CLIN_UNKNOWN; pass++) {
        for (size_t i = 0; i < sj->n_rs; i++) {
            const struct rs_record *x = &sj->rs[i];
            if (x->kind != RS_NEURO || !strcmp(x->value, "NE"))
                continue;
            /* By VISIT first, else by date. */
            bool match = pass == 0
                             ? *tp->visit && !strcmp(x->visit, tp->visit)
                             : x->date == tp->date || x->date == tp->date_first;
            if (!match)
                continue;
            enum clin v = !strcmp(x->value, "WORSE")    ? CLIN_WORSE
                          : !strcmp(x->value, "STABLE") ? CLIN_STABLE
                                                        : CLIN_IMPROVED;
            if (v == CLIN_WORSE || best == CLIN_UNKNOWN ||
                (v == CLIN_STABLE && best == CLIN_IMPROVED))
                best = v;
        }
    }
    return best;
}

/* ---- target response (b.3) ---- */

/* The per-lesion reference for the +5 mm rule ([CHOICE]
 * rano_lesion_ref): the lesion's value at the nadir assessment (the most
 * recent of equal nadirs), or its own smallest earlier value. */
static int64_t lesion_ref(const struct work *w, size_t t, size_t k)
{
    const struct crit_result *r = w->r;
    if (w->p->rano_lesion_ref == LESREF_LESION_MIN) {
        int64_t m = -1;
        for (size_t i = 0; i < t; i++) {
            int64_t v = tp_lesion_value(w, i, k);
            if (v >= 0 && (m < 0 || v < m))
                m = v;
        }
        return m;
    }
    int64_t N = r->tp[t].nadir;
    for (size_t i = t; i-- > 0;)
        if (r->tp[i].sum == N)
            return tp_lesion_value(w, i, k);
    return -1;
}

/* Rule RANO-PD: the sum >= 120 % of the nadir and, by default, one target
 * lesion at least 5 mm above its reference (b.3); with
 * rano_require_lesion_5mm false, the RECIST rule on the sum. On success
 * *grown names the lesion and *inc its increase. */
static bool rano_pd(const struct work *w, size_t t, int64_t s, int64_t n,
                    int *grown, int64_t *inc, int64_t *ref)
{
    *grown = -1;
    if (!pd_relative(s, n))
        return false;
    if (!w->p->rano_require_lesion_5mm)
        return s - n >= 5 * DIAM_SCALE;
    for (size_t k = 0; k < w->r->n_target_lesions; k++) {
        int64_t v = tp_lesion_value(w, t, k);
        int64_t rf = lesion_ref(w, t, k);
        if (v >= 0 && rf >= 0 && v - rf >= 5 * DIAM_SCALE) {
            *grown = (int)k;
            *inc = v - rf;
            *ref = rf;
            return true;
        }
    }
    return false;
}

static void rano_pd_text(const struct work *w, char *buf, size_t size,
                         const char *lead, int64_t s, int64_t n, int grown,
                         int64_t inc, int64_t ref)
{
    char a[32], b[32], p[16];
    diam_format(s, a, sizeof a);
    diam_format(n, b, sizeof b);
    crit_pct(s - n, n, p, sizeof p);
    if (n == 0)
        snprintf(buf, size, "%ssum %s mm is up from 0 mm at the nadir", lead,
                 a);
    else
        snprintf(buf, size, "%ssum %s mm is %s over nadir %s mm", lead, a, p,
                 b);
    if (grown >= 0) {
        char i[32], rf[32];
        diam_format(inc, i, sizeof i);
        diam_format(ref, rf, sizeof rf);
        reason_append(buf, size, " and target %s grew +%s mm from %s mm",
                      w->sj->lesions[w->r->target_lesions[grown]].linkid, i,
                      rf);
    } else {
        char i[32];
        diam_format(s - n, i, sizeof i);
        reason_append(buf, size, " and +%s mm", i);
    }
}

void ranobm_target(struct work *w, size_t t)
{
    struct crit_result *r = w->r;
    struct tp *tp = &r->tp[t];
    const struct protocol *p = w->p;
    const struct subject *sj = w->sj;
    char *why = tp->trg_reason;
    size_t wsz = sizeof tp->trg_reason;
    why[0] = '\0';
    if (!r->n_target_lesions) {
        tp->target = RESP_NA;
        return;
    }
    int64_t N = tp->nadir, smin = 0;
    const char *missing = NULL, *reappeared = NULL;
    bool cr = true;
    bool after_cr = p->pd_on_reappearance_after_cr == REAPPEAR_CONFIRMED_CR &&
                    w->confirmed_cr_at >= 0 && (size_t)w->confirmed_cr_at < t;
    for (size_t k = 0; k < r->n_target_lesions; k++) {
        const struct lesion *l = &sj->lesions[r->target_lesions[k]];
        bool tstm;
        int64_t v = target_value(w, t, r->target_lesions[k], &tstm, NULL);
        if (v < 0) {
            if (!missing)
                missing = l->linkid;
            continue;
        }
        smin += v;
        /* Rule RANO-CR: every CNS target 0; no nodal exception (b.3). */
        if (v > 0 || tstm) {
            cr = false;
            if (after_cr && !reappeared)
                reappeared = l->linkid;
        }
    }
    int grown;
    int64_t inc = 0, ref = 0;
    if (reappeared) {
        char d[11];
        date_format(r->tp[w->confirmed_cr_at].date, d);
        tp->target = RESP_PD;
        snprintf(why, wsz,
                 "target %s reappeared after the CR confirmed on "
                 "%s",
                 reappeared, d);
        return;
    }
    /* NE pre-check (b.3): the measured lesions may already prove PD. */
    if (missing) {
        if (rano_pd(w, t, smin, N, &grown, &inc, &ref)) {
            tp->target = RESP_PD;
            rano_pd_text(w, why, wsz, "measured ", smin, N, grown, inc, ref);
            reason_append(why, wsz, ", whatever %s (not assessed) measures",
                          missing);
        } else {
            tp->target = RESP_NE;
            snprintf(why, wsz, "target %s not assessed", missing);
        }
        return;
    }
    int64_t S = smin;
    bool pd = rano_pd(w, t, S, N, &grown, &inc, &ref);
    if (cr && (p->cr_before_pd || !pd)) {
        tp->target = RESP_CR;
        snprintf(why, wsz, "all CNS targets gone");
        return;
    }
    if (pd) {
        tp->target = RESP_PD;
        rano_pd_text(w, why, wsz, "", S, N, grown, inc, ref);
        return;
    }
    target_pr_or_sd(w, t, S, "CNS sum");
    if (tp->target == RESP_SD && pd_relative(S, N) &&
        p->rano_require_lesion_5mm)
        reason_append(why, wsz, ", but no target grew 5 mm");
}

/* ---- overall CNS response (table e.3) ---- */

enum inc { INC_UNKNOWN, INC_NO, INC_YES };

static const char *clin_name(enum clin c)
{
    switch (c) {
    case CLIN_IMPROVED:
        return "improved";
    case CLIN_STABLE:
        return "stable";
    case CLIN_WORSE:
        return "worse";
    default:
        return "unknown";
    }
}

void ranobm_overall(struct work *w, size_t t)
{
    struct crit_result *r = w->r;
    struct tp *tp = &r->tp[t];
    const struct protocol *p = w->p;
    const struct subject *sj = w->sj;
    char *why = tp->reason;
    size_t wsz = sizeof tp->reason;
    why[0] = '\0';

    /* Inputs: steroid dose on the assessment day, its reference, and the
     * clinical status (section d). */
    double mg;
    bool dose_known = steroid_dose_on(w->s, sj, tp->date, &mg);
    const char *rec = NULL;
    if (!dose_known) {
        rec = recorded_steroid(sj, tp);
        if (rec && !strcmp(rec, "NONE")) {
            mg = 0;
            dose_known = true;
        }
    }
    tp->steroid_mg = dose_known ? mg : NAN;
    if (t == 1) {
        struct tp *b = &r->tp[0];
        double bmg;
        b->steroid_mg = steroid_dose_on(w->s, sj, b->date, &bmg) ? bmg : NAN;
        b->clinical = clinical_at(sj, b);
    }
    /* Rule RANO-STEROID-REF: the steroid dose is compared with the
     * baseline's (rano_steroid_ref baseline, the default) or with the
     * previous assessment's (previous_assessment) (section d). */
    double ref = p->rano_steroid_ref == STEROIDREF_PREVIOUS
                     ? r->tp[t - 1].steroid_mg
                     : r->tp[0].steroid_mg;
    enum inc inc = INC_UNKNOWN;
    if (dose_known && !isnan(ref))
        inc = mg > ref ? INC_YES : INC_NO;
    else if (rec && !strcmp(rec, "INCREASED"))
        inc = INC_YES;
    else if (rec && (!strcmp(rec, "STABLE") || !strcmp(rec, "DECREASED") ||
                     !strcmp(rec, "NONE")))
        inc = INC_NO;
    tp->clinical = clinical_at(sj, tp);
    enum clin clin = tp->clinical;
    /* [CHOICE] rano_missing_policy carry_forward: the last known value. */
    bool carried = false;
    if (p->rano_missing_policy == MISSING_CARRY_FORWARD) {
        for (size_t i = t;
             i-- > 0 && (inc == INC_UNKNOWN || clin == CLIN_UNKNOWN);) {
            if (clin == CLIN_UNKNOWN && r->tp[i].clinical != CLIN_UNKNOWN) {
                clin = r->tp[i].clinical;
                carried = true;
            }
            if (inc == INC_UNKNOWN && !isnan(r->tp[i].steroid_mg) &&
                !isnan(ref)) {
                mg = r->tp[i].steroid_mg;
                dose_known = true;
                inc = mg > ref ? INC_YES : INC_NO;
                carried = true;
            }
        }
    }
    char steroid_txt[96];
    char m1[24], m2[24];
    snprintf(m1, sizeof m1, "%g", dose_known ? mg : 0.0);
    snprintf(m2, sizeof m2, "%g", isnan(ref) ? 0.0 : ref);
    if (!dose_known && inc == INC_UNKNOWN)
        snprintf(steroid_txt, sizeof steroid_txt, "steroid dose unknown");
    else if (!dose_known)
        snprintf(steroid_txt, sizeof steroid_txt, "steroid %s (recorded)", rec);
    else if (isnan(ref))
        snprintf(steroid_txt, sizeof steroid_txt,
                 "dexamethasone %s mg/day, reference unknown", m1);
    else
        snprintf(steroid_txt, sizeof steroid_txt,
                 "dexamethasone %s mg/day (%s %s mg/day)", m1,
                 p->rano_steroid_ref == STEROIDREF_PREVIOUS ? "previous"
                                                            : "baseline",
                 m2);

    enum resp T = tp->target, NT = tp->nontarget;
    /* Rule RANO-E3-1-PD: target PD, non-target PD, an unequivocal new CNS
     * lesion or clinical deterioration is PD (e.3 row 1; d: "worse" ->
     * PD). */
    if (T == RESP_PD || NT == RESP_PD || tp->newl == NEWL_YES ||
        clin == CLIN_WORSE) {
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
        if (tp->newl == NEWL_YES) {
            reason_append(why, wsz, "%s%s", sep, tp->new_reason);
            sep = "; ";
        }
        if (clin == CLIN_WORSE)
            reason_append(why, wsz, "%sneurological status worse%s", sep,
                          carried ? " (carried forward)" : "");
        return;
    }
    /* Rule RANO-IMAGING: the imaging level (e.3, below the table): target
     * CR with non-targets CR (or none) is CR, target CR otherwise PR,
     * target PR is PR, else SD; without target disease, non-targets CR
     * and no new lesion is CR, else NON-CR/NON-PD. */
    enum resp img;
    bool ntonly = !r->n_target_lesions;
    if (ntonly) {
        if (NT == RESP_NE) {
            tp->overall = RESP_NE;
            snprintf(why, wsz, "NE: %s", tp->ntrg_reason);
            return;
        }
        img = NT == RESP_CR && tp->newl != NEWL_YES ? RESP_CR : RESP_NONCRNONPD;
    } else {
        /* Rule RANO-E3-2-NE: target NE is NE (e.3 row 2). */
        if (T == RESP_NE) {
            tp->overall = RESP_NE;
            snprintf(why, wsz, "NE: %s", tp->trg_reason);
            return;
        }
        if (T == RESP_CR)
            img = NT == RESP_CR || NT == RESP_NA ? RESP_CR : RESP_PR;
        else if (T == RESP_PR)
            img = RESP_PR;
        else
            img = RESP_SD;
    }
    char imaging[448];
    snprintf(imaging, sizeof imaging, "imaging %s (%s%s%s)",
             resp_name(img, false), ntonly ? "" : tp->trg_reason,
             ntonly ? "" : "; ", tp->ntrg_reason);
    bool response = img == RESP_CR || img == RESP_PR;
    /* Rule RANO-E3-3-UNKNOWN: imaging CR/PR with the steroid dose or the
     * clinical status unknown is NE, or SD with rano_missing_policy
     * downgrade_to_sd (e.3 row 3, [CHOICE]). For CR the dose itself must
     * be known. */
    bool unknown = inc == INC_UNKNOWN || clin == CLIN_UNKNOWN ||
                   (img == RESP_CR && !dose_known);
    if (response && unknown) {
        const char *what = clin == CLIN_UNKNOWN
                               ? (inc == INC_UNKNOWN || !dose_known
                                      ? "steroid dose and neurological "
                                        "status unknown"
                                      : "neurological status unknown")
                               : "steroid dose unknown";
        if (p->rano_missing_policy == MISSING_DOWNGRADE_TO_SD) {
            tp->overall = ntonly ? RESP_NONCRNONPD : RESP_SD;
            snprintf(why, wsz,
                     "%s: %s, but %s (rano_missing_policy "
                     "downgrade_to_sd)",
                     resp_name(tp->overall, false), imaging, what);
        } else {
            tp->overall = RESP_NE;
            snprintf(why, wsz,
                     "NE: %s, but %s: the response cannot be "
                     "verified",
                     imaging, what);
        }
        return;
    }
    /* Rule RANO-E3-4-STEROID-UP: imaging CR/PR (or SD) with the steroid
     * dose increased over the reference is SD, or NE with
     * rano_steroid_increase ne; never PD by itself (e.3 row 4, d). */
    if (inc == INC_YES && (response || img == RESP_SD)) {
        if (p->rano_steroid_increase == STEROID_INC_NE) {
            tp->overall = RESP_NE;
            snprintf(why, wsz,
                     "NE: %s, %s is increased (NE until back at "
                     "the reference, rano_steroid_increase ne)",
                     imaging, steroid_txt);
        } else {
            tp->overall = ntonly ? RESP_NONCRNONPD : RESP_SD;
            snprintf(why, wsz, "%s: %s, but %s is increased",
                     resp_name(tp->overall, false), imaging, steroid_txt);
        }
        return;
    }
    if (img == RESP_CR) {
        /* Rule RANO-E3-5-CR: imaging CR with no corticosteroids (at most
         * rano_cr_max_steroid_mg) and the clinical status stable or
         * improved is CR (e.3 row 5); with steroids it is PR (row 6). */
        if (mg <= p->rano_cr_max_steroid_mg) {
            tp->overall = RESP_CR;
            snprintf(why, wsz, "CR: %s; %s; neurological status %s", imaging,
                     steroid_txt, clin_name(clin));
        } else {
            tp->overall = ntonly ? RESP_NONCRNONPD : RESP_PR;
            snprintf(why, wsz,
                     "%s: %s, but %s (CR needs no "
                     "corticosteroids)",
                     resp_name(tp->overall, false), imaging, steroid_txt);
        }
        return;
    }
    /* Rule RANO-E3-6-PR: imaging PR with the steroid dose not increased
     * and the clinical status stable or improved is PR (e.3 row 6). */
    if (img == RESP_PR) {
        tp->overall = RESP_PR;
        snprintf(why, wsz,
                 "PR: %s; %s, not increased; neurological status "
                 "%s",
                 imaging, steroid_txt, clin_name(clin));
        return;
    }
    /* Rule RANO-E3-7-SD: otherwise SD, or NON-CR/NON-PD without target
     * disease (e.3 row 7). */
    tp->overall = ntonly ? RESP_NONCRNONPD : RESP_SD;
    snprintf(why, wsz, "%s: %s", resp_name(tp->overall, false), imaging);
    if (tp->newl == NEWL_EQUIVOCAL)
        reason_append(why, wsz, "; %s", tp->new_reason);
}
