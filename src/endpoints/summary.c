/*
 * summary.c - the trial's efficacy results as a report shows them
 * (shared/spec/response-criteria.md h.1-h.6): analysis sets, CNS ORR and
 * CNS CBR with exact CIs (the protocol's confidence_level, 95 %) on the
 * CNS-evaluable and all-treated sets, best-response distributions, RECIST 1.1
 * ORR, Kaplan-Meier medians with CIs, events and censored counts and 6- and
 * 12-month rates for PFS, CNS-PFS, OS and duration of response, and median
 * follow-up. Built as rows of a table (one number per row, with its population
 * and method), which the command line prints as text, CSV or JSON.
 */
#include "balist/endpoints.h"

#include "balist/stats.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const eff_cols[] = {
    "SECTION", "ITEM",  "POPULATION", "N",      "n", "ESTIMATE",
    "LOWER",   "UPPER", "UNIT",       "METHOD", NULL};

/* What one subject contributes. */
struct eff_subj {
    bool enrolled, saffl, efffl, recmd;
    enum resp cborcns, cbor, icbor;
    bool ccbcns;
    bool irecist;     /* iRECIST derived (not with recorded responses) */
    long ttr[CRIT_N]; /* time to response, days; -1 not a responder */
    enum death_cause death;
    struct {
        bool present;
        long aval;
        int cnsr;
    } t[TTE_N];
    /* The subject's level of each protocol subgroup, and its order. */
    char sg[PROTOCOL_SUBGROUPS_MAX][48];
    int sg_ord[PROTOCOL_SUBGROUPS_MAX];
};

/* ---- subgroups (h.7) ---- */

/* The label of a subgroup of the protocol's list. */
static const char *subgroup_label(const char *key)
{
    static const struct {
        const char *key, *label;
    } names[] = {{"AGE", "Age"},
                 {"SEX", "Sex"},
                 {"RACE", "Race"},
                 {"SITE", "Site"},
                 {"STEROID_BASELINE", "Corticosteroids at baseline"},
                 {"BRAIN_METS", "Brain metastases at baseline"},
                 {"PRIOR_THERAPY", "Prior anticancer therapy"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(names[i].key, key))
            return names[i].label;
    return key;
}

/* Rule SUBGROUP-LEVEL: a subject's level of a subgroup, from the
 * baseline: age below subgroup_age_cut or not (DM AGE); sex, race and
 * site as DM records them; corticosteroids at the RANO-BM baseline
 * (dexamethasone-equivalent dose above 0: yes); the number of RANO-BM
 * target and non-target lesions at baseline, up to
 * subgroup_brain_mets_cut or more; prior anticancer therapy (Rule
 * PRIOR-THERAPY). Unknown values form the level "not known", last (h.7).
 * ord orders the levels: 0 and 1 for the two levels of a cut, 5 for
 * recorded categories (then by name), 9 for not known. */
static void subgroup_level(const struct protocol *p, const char *key,
                           const struct subject *sj,
                           const struct subject_result *r, char *out,
                           size_t size, int *ord)
{
    const char *cat = NULL;
    *ord = 9;
    snprintf(out, size, "not known");
    if (!strcmp(key, "AGE")) {
        if (sj->age >= 0) {
            *ord = sj->age >= p->subgroup_age_cut;
            snprintf(out, size, *ord ? ">= %d years" : "< %d years",
                     p->subgroup_age_cut);
        }
        return;
    }
    if (!strcmp(key, "STEROID_BASELINE")) {
        const struct crit_result *c = &r->rano;
        if (!c->recorded && c->n_tp > 0 && c->tp[0].baseline &&
            !isnan(c->tp[0].steroid_mg)) {
            *ord = c->tp[0].steroid_mg > 0;
            snprintf(out, size, "%s", *ord ? "yes" : "no");
        }
        return;
    }
    if (!strcmp(key, "BRAIN_METS")) {
        const struct crit_result *c = &r->rano;
        if (!c->recorded && c->baseline_ok) {
            int n = c->n_targets + c->n_nontargets;
            *ord = n > p->subgroup_brain_mets_cut;
            if (*ord)
                snprintf(out, size, "%d or more",
                         p->subgroup_brain_mets_cut + 1);
            else
                snprintf(out, size, "%d-%d", n ? 1 : 0,
                         p->subgroup_brain_mets_cut);
        }
        return;
    }
    if (!strcmp(key, "PRIOR_THERAPY")) {
        if (sj->first_dose != DATE_NONE) {
            *ord = crit_prior_therapies(sj, p) > 0;
            snprintf(out, size, "%s", *ord ? "1 or more" : "none");
        }
        return;
    }
    cat = !strcmp(key, "SEX")    ? sj->sex
          : !strcmp(key, "RACE") ? sj->race
          : !strcmp(key, "SITE") ? sj->siteid
                                 : NULL;
    if (cat && *cat) {
        *ord = 5;
        snprintf(out, size, "%s", cat);
    }
}

void efficacy_init(struct efficacy *e, const struct protocol *p)
{
    memset(e, 0, sizeof *e);
    e->proto = p;
}

void efficacy_add(struct efficacy *e, const struct subject *sj,
                  const struct subject_result *r)
{
    struct eff_subj *x = VEC_PUSH(e->subj, e->n, e->cap);
    memset(x, 0, sizeof *x);
    x->enrolled = r->enrolled;
    x->saffl = r->saffl;
    x->efffl = r->efffl;
    x->recmd = r->in_set[CRIT_RECIST];
    x->cborcns = r->rano.cbor.resp;
    x->cbor = r->recist.cbor.resp;
    x->ccbcns = r->rano.cb;
    x->irecist = !r->recist.recorded;
    x->icbor = r->irec.cbor.resp;
    /* Rule TTR: time to response, from the origin to the first CR/PR
     * later confirmed (the start of the duration of response), for the
     * confirmed responders of the response rate's analysis set (h.3). */
    static const int dor[CRIT_N] = {
        [CRIT_RECIST] = TTE_RSD, [CRIT_RANOBM] = TTE_RSDCNS};
    for (int c = 0; c < CRIT_N; c++) {
        const struct tte *d = &r->tte[dor[c]];
        x->ttr[c] =
            d->present && r->in_set[c] && sj->origin != DATE_NONE
                ? d->start - sj->origin + (e->proto->aval_plus_one ? 1 : 0)
                : -1;
    }
    x->death = r->saffl ? subject_death_cause(e->proto, sj, NULL) : DEATH_ALIVE;
    const struct strlist *sg = &e->proto->subgroups;
    for (size_t k = 0; k < sg->n && k < PROTOCOL_SUBGROUPS_MAX; k++)
        subgroup_level(e->proto, sg->items[k], sj, r, x->sg[k], sizeof x->sg[k],
                       &x->sg_ord[k]);
    for (int k = 0; k < TTE_N; k++) {
        x->t[k].present = r->tte[k].present;
        x->t[k].aval = r->tte[k].aval;
        x->t[k].cnsr = r->tte[k].cnsr;
    }
}

void efficacy_add_study(struct efficacy *e, const struct study *s,
                        const struct derive_options *o)
{
    for (size_t i = 0; i < s->n_subjects; i++) {
        struct subject_result r;
        endpoints_subject(s, &s->subjects[i], o, &r);
        efficacy_add(e, &s->subjects[i], &r);
        subject_result_release(&r);
    }
}

void efficacy_release(struct efficacy *e)
{
    free(e->subj);
    memset(e, 0, sizeof *e);
}

static size_t row(struct table *t, const char *section, const char *item,
                  const char *pop)
{
    size_t r = table_add_row(t);
    table_set(t, r, "SECTION", section);
    table_set(t, r, "ITEM", item);
    table_set(t, r, "POPULATION", pop);
    return r;
}

static void set_num(struct table *t, size_t r, const char *col, double v,
                    int decimals)
{
    if (isnan(v))
        return;
    table_setf(t, r, col, "%.*f", decimals, v);
}

/* n/N as a percentage, without an interval. */
static void pct_row(struct table *t, const char *section, const char *item,
                    const char *pop, long x, long n)
{
    size_t r = row(t, section, item, pop);
    table_set_int(t, r, "N", n);
    table_set_int(t, r, "n", x);
    if (n > 0)
        set_num(t, r, "ESTIMATE", 100.0 * (double)x / (double)n, 1);
    table_set(t, r, "UNIT", "%");
}

/* n/N with an exact (Clopper-Pearson) CI at the protocol's confidence
 * level (h.2), as percentages. */
static void rate_row(struct table *t, const struct protocol *p,
                     const char *section, const char *item, const char *pop,
                     long x, long n, const char *method)
{
    size_t r = row(t, section, item, pop);
    table_set_int(t, r, "N", n);
    table_set_int(t, r, "n", x);
    table_set(t, r, "UNIT", "%");
    table_set(t, r, "METHOD", method);
    double lo, hi;
    if (n > 0 && binom_exact(x, n, p->confidence_level, &lo, &hi) == 0) {
        set_num(t, r, "ESTIMATE", 100.0 * (double)x / (double)n, 1);
        set_num(t, r, "LOWER", 100 * lo, 1);
        set_num(t, r, "UPPER", 100 * hi, 1);
    }
}

enum km_ci_type endpoints_km_ci(const struct protocol *p)
{
    return p->km_ci_transform == KMCI_LOG      ? KM_CI_LOG
           : p->km_ci_transform == KMCI_LINEAR ? KM_CI_PLAIN
                                               : KM_CI_LOGLOG;
}

static const char *ci_name(const struct protocol *p)
{
    return p->km_ci_transform == KMCI_LOG      ? "log"
           : p->km_ci_transform == KMCI_LINEAR ? "linear"
                                               : "log-log";
}

#define DAYS_PER_MONTH 30.4375

/* Kaplan-Meier rows of one time-to-event parameter (h.6), in months. */
static void km_rows(const struct efficacy *e, struct table *t, int k,
                    const char *item, const char *pop,
                    bool (*in)(const struct eff_subj *))
{
    const struct protocol *p = e->proto;
    size_t n = 0;
    double *time = malloc((e->n ? e->n : 1) * sizeof *time);
    int *event = malloc((e->n ? e->n : 1) * sizeof *event);
    long events = 0;
    for (size_t i = 0; i < e->n; i++) {
        const struct eff_subj *x = &e->subj[i];
        if (!x->t[k].present || !in(x))
            continue;
        time[n] = (double)x->t[k].aval;
        event[n] = x->t[k].cnsr == 0;
        events += event[n];
        n++;
    }
    char method[160];
    snprintf(method, sizeof method,
             "Kaplan-Meier; %s CI (Brookmeyer-Crowley for the median); "
             "Greenwood",
             ci_name(p));
    size_t r = row(t, item, "Subjects", pop);
    table_set_int(t, r, "N", (long)n);
    r = row(t, item, "Events", pop);
    table_set_int(t, r, "N", (long)n);
    table_set_int(t, r, "n", events);
    r = row(t, item, "Censored", pop);
    table_set_int(t, r, "N", (long)n);
    table_set_int(t, r, "n", (long)n - events);
    struct km km;
    if (n > 0 && km_fit(time, event, n, endpoints_km_ci(p), p->confidence_level,
                        &km) == 0) {
        struct km_quantile q;
        km_quantile(&km, 0.5, &q);
        r = row(t, item, "Median", pop);
        table_set_int(t, r, "N", (long)n);
        set_num(t, r, "ESTIMATE", q.est / DAYS_PER_MONTH, 1);
        set_num(t, r, "LOWER", q.lower / DAYS_PER_MONTH, 1);
        set_num(t, r, "UPPER", q.upper / DAYS_PER_MONTH, 1);
        table_set(t, r, "UNIT", "months");
        table_set(t, r, "METHOD", method);
        static const struct {
            const char *item;
            double months;
        } marks[] = {{"6-month rate", 6}, {"12-month rate", 12}};
        for (int m = 0; m < 2; m++) {
            struct km_at a;
            km_at_time(&km, marks[m].months * DAYS_PER_MONTH, &a);
            r = row(t, item, marks[m].item, pop);
            table_set_int(t, r, "N", (long)n);
            table_set_int(t, r, "n", a.n_risk);
            /* Rule KM-LANDMARK-NE: a rate at a time beyond the last
             * observed time is not estimable (summary.survfit refuses it
             * without extend), never the last value carried on (h.6). */
            if (isnan(a.surv))
                table_set(t, r, "ESTIMATE", "NE");
            set_num(t, r, "ESTIMATE", 100 * a.surv, 1);
            set_num(t, r, "LOWER", 100 * a.lower, 1);
            set_num(t, r, "UPPER", 100 * a.upper, 1);
            table_set(t, r, "UNIT", "%");
            table_set(t, r, "METHOD", "Kaplan-Meier; n = at risk");
        }
        km_release(&km);
    }
    free(time);
    free(event);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Time to response of criterion c (Rule TTR): the responders, and the
 * median with the range, in months. */
static void ttr_rows(const struct efficacy *e, struct table *t, int c,
                     const char *item, const char *pop)
{
    long *v = malloc((e->n ? e->n : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < e->n; i++)
        if (e->subj[i].ttr[c] >= 0)
            v[n++] = e->subj[i].ttr[c];
    size_t r = row(t, item, "Responders", pop);
    table_set_int(t, r, "N", (long)n);
    if (n > 0) {
        qsort(v, n, sizeof *v, cmp_long);
        double med = n % 2 ? (double)v[n / 2]
                           : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
        r = row(t, item, "Median", pop);
        table_set_int(t, r, "N", (long)n);
        set_num(t, r, "ESTIMATE", med / DAYS_PER_MONTH, 1);
        set_num(t, r, "LOWER", (double)v[0] / DAYS_PER_MONTH, 1);
        set_num(t, r, "UPPER", (double)v[n - 1] / DAYS_PER_MONTH, 1);
        table_set(t, r, "UNIT", "months");
        table_set(t, r, "METHOD", "median (range)");
    }
    free(v);
}

static bool all_irecist(const struct eff_subj *x)
{
    return x->saffl && x->irecist;
}

static bool all(const struct eff_subj *x)
{
    return x->saffl;
}

static bool evaluable(const struct eff_subj *x)
{
    return x->efffl;
}

static bool recist_measurable(const struct eff_subj *x)
{
    return x->recmd;
}

struct level {
    const char *name;
    int ord;
};

static int cmp_level(const void *a, const void *b)
{
    const struct level *x = a, *y = b;
    if (x->ord != y->ord)
        return x->ord - y->ord;
    return strcmp(x->name, y->name);
}

/* Rule SUBGROUP-HR: within a subgroup, the hazard ratio of PFS (RECIST
 * 1.1, all-treated) of each level against the first (reference) level,
 * by Cox regression with one indicator covariate (Efron ties) on the
 * subjects of the two levels, with the log-rank p of the same two
 * groups; the CNS ORR of each level on its CNS-evaluable subjects with
 * the exact CI (h.7). */
size_t efficacy_subgroups(const struct efficacy *e, struct subgroup_row **out)
{
    const struct protocol *p = e->proto;
    *out = NULL;
    size_t n_out = 0, cap = 0;
    size_t nn = e->n ? e->n : 1;
    struct level *lv = malloc(nn * sizeof *lv);
    double *time = malloc(nn * sizeof *time), *cov = malloc(nn * sizeof *cov);
    int *event = malloc(nn * sizeof *event), *grp = malloc(nn * sizeof *grp);
    for (size_t k = 0; k < p->subgroups.n && k < PROTOCOL_SUBGROUPS_MAX; k++) {
        /* The distinct levels of the treated, in order. */
        size_t nl = 0;
        for (size_t i = 0; i < e->n; i++) {
            const struct eff_subj *x = &e->subj[i];
            if (!x->saffl)
                continue;
            bool seen = false;
            for (size_t l = 0; l < nl && !seen; l++)
                seen = !strcmp(lv[l].name, x->sg[k]);
            if (!seen)
                lv[nl++] = (struct level){x->sg[k], x->sg_ord[k]};
        }
        qsort(lv, nl, sizeof *lv, cmp_level);
        for (size_t l = 0; l < nl; l++) {
            struct subgroup_row *g = VEC_PUSH(*out, n_out, cap);
            memset(g, 0, sizeof *g);
            snprintf(g->group, sizeof g->group, "%s",
                     subgroup_label(p->subgroups.items[k]));
            snprintf(g->level, sizeof g->level, "%s", lv[l].name);
            g->ref = l == 0;
            g->orr = g->orr_lo = g->orr_hi = NAN;
            g->hr = g->hr_lo = g->hr_hi = g->p = NAN;
            size_t n = 0;
            for (size_t i = 0; i < e->n; i++) {
                const struct eff_subj *x = &e->subj[i];
                bool here = !strcmp(x->sg[k], lv[l].name);
                bool ref = !strcmp(x->sg[k], lv[0].name);
                if (here && x->efffl) {
                    g->n++;
                    g->x += x->cborcns == RESP_CR || x->cborcns == RESP_PR;
                }
                if (!x->saffl || !x->t[TTE_PFS].present || !(here || ref))
                    continue;
                time[n] = (double)x->t[TTE_PFS].aval;
                event[n] = x->t[TTE_PFS].cnsr == 0;
                grp[n] = here && !g->ref;
                cov[n] = grp[n];
                if (here) {
                    g->pfs_n++;
                    g->pfs_events += event[n];
                }
                n++;
            }
            double lo, hi;
            if (g->n > 0 &&
                binom_exact(g->x, g->n, p->confidence_level, &lo, &hi) == 0) {
                g->orr = 100.0 * (double)g->x / (double)g->n;
                g->orr_lo = 100 * lo;
                g->orr_hi = 100 * hi;
            }
            if (g->ref)
                continue;
            struct cox c;
            struct logrank lr;
            if (cox_fit(time, event, cov, n, COX_EFRON, p->confidence_level,
                        &c) == 0 &&
                isfinite(c.hr) && isfinite(c.hr_lower) &&
                isfinite(c.hr_upper)) {
                g->hr = c.hr;
                g->hr_lo = c.hr_lower;
                g->hr_hi = c.hr_upper;
            }
            /* The log-rank p only beside an estimable hazard ratio. */
            if (!isnan(g->hr) && logrank_test(time, event, grp, n, &lr) == 0 &&
                isfinite(lr.p))
                g->p = lr.p;
        }
    }
    free(lv);
    free(time);
    free(cov);
    free(event);
    free(grp);
    return n_out;
}

void efficacy_row_text(const struct table *t, size_t r, double level,
                       char *count, size_t count_size, char *value,
                       size_t value_size)
{
    const char *n = table_get(t, r, "n"), *N = table_get(t, r, "N");
    const char *method = table_get(t, r, "METHOD");
    const char *est = table_get(t, r, "ESTIMATE");
    const char *lo = table_get(t, r, "LOWER");
    const char *hi = table_get(t, r, "UPPER");
    const char *unit = table_get(t, r, "UNIT");
    *count = *value = '\0';
    if (strstr(method, "at risk"))
        snprintf(count, count_size, "%s at risk", n);
    else if (*n && *N)
        snprintf(count, count_size, "%s/%s", n, N);
    else if (*n)
        snprintf(count, count_size, "%s", n);
    else if (*N)
        snprintf(count, count_size, "N=%s", N);
    const char *u = !strcmp(unit, "%")        ? "%"
                    : !strcmp(unit, "months") ? " months"
                                              : "";
    if (!strcmp(est, "NE"))
        snprintf(value, value_size, "NE (no follow-up that long)");
    else if (!strcmp(method, "reference"))
        snprintf(value, value_size, "reference");
    else if (!*est && !strcmp(unit, "HR"))
        snprintf(value, value_size, "NE");
    else if (*est && !strcmp(method, "median (range)"))
        snprintf(value, value_size, "%s%s (range %s-%s)", est, u, lo, hi);
    else if (*est && (*lo || *hi))
        snprintf(value, value_size, "%s%s (%g%% CI %s-%s)", est, u, 100 * level,
                 *lo ? lo : "NE", *hi ? hi : "NE");
    else if (*est)
        snprintf(value, value_size, "%s%s", est, u);
    else if (!strcmp(unit, "months"))
        snprintf(value, value_size, "not reached");
}

void efficacy_table(const struct efficacy *e, struct table *t)
{
    const struct protocol *p = e->proto;
    table_init(t, "efficacy", eff_cols);
    long enrolled = 0, treated = 0, eval = 0, recmd = 0;
    for (size_t i = 0; i < e->n; i++) {
        enrolled += e->subj[i].enrolled;
        treated += e->subj[i].saffl;
        eval += e->subj[i].efffl;
        recmd += e->subj[i].recmd;
    }
    const char *sec = "Analysis sets";
    size_t r = row(t, sec, "Enrolled", "All subjects");
    table_set_int(t, r, "n", enrolled);
    r = row(t, sec, "Treated (all-treated, safety set)", "Enrolled");
    table_set_int(t, r, "n", treated);
    r = row(t, sec, "CNS-evaluable (measurable brain disease)", "Treated");
    table_set_int(t, r, "n", eval);
    r = row(t, sec, "RECIST 1.1 measurable disease", "Treated");
    table_set_int(t, r, "n", recmd);

    /* Rule CNS-ORR: the CNS objective response rate is the share of
     * subjects whose confirmed RANO-BM best response is CR or PR, among
     * the CNS-evaluable and among all treated (h.2); CBR likewise, of
     * clinical benefit (Rule CBR). */
    long orr_e = 0, orr_t = 0, cbr_e = 0, cbr_t = 0, orr_r = 0;
    for (size_t i = 0; i < e->n; i++) {
        const struct eff_subj *x = &e->subj[i];
        bool resp = x->cborcns == RESP_CR || x->cborcns == RESP_PR;
        orr_e += x->efffl && resp;
        orr_t += x->saffl && resp;
        cbr_e += x->efffl && x->ccbcns;
        cbr_t += x->saffl && x->ccbcns;
        orr_r += x->recmd && (x->cbor == RESP_CR || x->cbor == RESP_PR);
    }
    char exact[64];
    snprintf(exact, sizeof exact, "exact (Clopper-Pearson) %g%% CI",
             100 * p->confidence_level);
    sec = "CNS objective response rate (RANO-BM, confirmed CR or PR)";
    rate_row(t, p, sec, "CNS ORR", "CNS-evaluable", orr_e, eval, exact);
    rate_row(t, p, sec, "CNS ORR", "All-treated", orr_t, treated, exact);
    char cbr[200];
    if (p->cbr_sd_rule == CBR_SUSTAINED)
        snprintf(cbr, sizeof cbr,
                 "CNS clinical benefit rate (RANO-BM CR, PR, or SD held "
                 "across two assessments %d or more days apart)",
                 p->confirm_min_days);
    else
        snprintf(cbr, sizeof cbr,
                 "CNS clinical benefit rate (RANO-BM CR, PR, or SD at an "
                 "assessment %d or more days from the origin)",
                 p->sd_min_days_rano - p->sd_min_window_days);
    rate_row(t, p, cbr, "CNS CBR", "CNS-evaluable", cbr_e, eval, exact);
    rate_row(t, p, cbr, "CNS CBR", "All-treated", cbr_t, treated, exact);
    rate_row(t, p, "Objective response rate (RECIST 1.1, confirmed CR or PR)",
             "ORR", "RECIST-measurable", orr_r, recmd, exact);

    /* Best-response distributions (confirmed). */
    static const enum resp cats[] = {RESP_CR,         RESP_PR, RESP_SD,
                                     RESP_NONCRNONPD, RESP_PD, RESP_NE};
    for (int c = 0; c < 2; c++) {
        sec = c == 0 ? "Best overall response, RANO-BM (confirmed)"
                     : "Best overall response, RECIST 1.1 (confirmed)";
        const char *pop = c == 0 ? "CNS-evaluable" : "RECIST-measurable";
        long den = c == 0 ? eval : recmd;
        for (size_t k = 0; k < sizeof cats / sizeof cats[0]; k++) {
            long cnt = 0;
            for (size_t i = 0; i < e->n; i++) {
                const struct eff_subj *x = &e->subj[i];
                bool in = c == 0 ? x->efffl : x->recmd;
                cnt += in && (c == 0 ? x->cborcns : x->cbor) == cats[k];
            }
            pct_row(t, sec, resp_name(cats[k], false), pop, cnt, den);
        }
    }

    /* g: iRECIST, exploratory, when derived (not from recorded
     * responses): the confirmed iBOR of the RECIST-measurable set. */
    bool irecist = false;
    for (size_t i = 0; i < e->n; i++)
        irecist = irecist || e->subj[i].irecist;
    if (irecist) {
        long iorr = 0;
        for (size_t i = 0; i < e->n; i++) {
            const struct eff_subj *x = &e->subj[i];
            iorr += x->recmd && (x->icbor == RESP_CR || x->icbor == RESP_PR);
        }
        rate_row(t, p,
                 "Objective response rate (iRECIST, confirmed iCR or iPR; "
                 "exploratory)",
                 "iORR", "RECIST-measurable", iorr, recmd, exact);
        static const enum resp icats[] = {RESP_CR,   RESP_PR,   RESP_SD,
                                          RESP_IUPD, RESP_ICPD, RESP_NE};
        sec = "Best overall response, iRECIST (confirmed; exploratory)";
        for (size_t k = 0; k < sizeof icats / sizeof icats[0]; k++) {
            long cnt = 0;
            for (size_t i = 0; i < e->n; i++)
                cnt += e->subj[i].recmd && e->subj[i].icbor == icats[k];
            pct_row(t, sec, resp_name(icats[k], true), "RECIST-measurable", cnt,
                    recmd);
        }
    }

    /* h.3-h.6: time to event. */
    km_rows(e, t, TTE_PFS, "Progression-free survival (RECIST 1.1)",
            "All-treated", all);
    km_rows(e, t, TTE_PFSCNS, "CNS progression-free survival (RANO-BM)",
            "CNS-evaluable", evaluable);
    km_rows(e, t, TTE_OS, "Overall survival", "All-treated", all);
    /* Duration of response: the confirmed responders of the response
     * rate's analysis set (h.1, h.3). */
    km_rows(e, t, TTE_RSD, "Duration of response (RECIST 1.1)",
            "Confirmed responders (RECIST-measurable)", recist_measurable);
    km_rows(e, t, TTE_RSDCNS, "CNS duration of response (RANO-BM)",
            "Confirmed responders (CNS-evaluable)", evaluable);
    if (irecist)
        km_rows(e, t, TTE_IPFS,
                "iRECIST progression-free survival (exploratory)",
                "All-treated", all_irecist);
    ttr_rows(e, t, CRIT_RANOBM, "CNS time to response (RANO-BM)",
             "Confirmed responders (CNS-evaluable)");
    ttr_rows(e, t, CRIT_RECIST, "Time to response (RECIST 1.1)",
             "Confirmed responders (RECIST-measurable)");

    /* Median follow-up: reverse Kaplan-Meier on OS. */
    size_t n = 0;
    double *time = malloc((e->n ? e->n : 1) * sizeof *time);
    int *event = malloc((e->n ? e->n : 1) * sizeof *event);
    for (size_t i = 0; i < e->n; i++) {
        const struct eff_subj *x = &e->subj[i];
        if (!x->saffl || !x->t[TTE_OS].present)
            continue;
        time[n] = (double)x->t[TTE_OS].aval;
        event[n] = x->t[TTE_OS].cnsr == 0;
        n++;
    }
    struct km_quantile q;
    if (n > 0 && km_median_followup(time, event, n, endpoints_km_ci(p),
                                    p->confidence_level, &q) == 0) {
        r = row(t, "Follow-up", "Median follow-up", "All-treated");
        table_set_int(t, r, "N", (long)n);
        set_num(t, r, "ESTIMATE", q.est / DAYS_PER_MONTH, 1);
        set_num(t, r, "LOWER", q.lower / DAYS_PER_MONTH, 1);
        set_num(t, r, "UPPER", q.upper / DAYS_PER_MONTH, 1);
        table_set(t, r, "UNIT", "months");
        table_set(t, r, "METHOD",
                  "reverse Kaplan-Meier (OS censoring as "
                  "the event)");
    }
    free(time);
    free(event);

    /* Subgroups (h.7): CNS ORR and the PFS hazard ratio by level. */
    struct subgroup_row *sg;
    size_t nsg = efficacy_subgroups(e, &sg);
    for (size_t i = 0; i < nsg; i++) {
        const struct subgroup_row *g = &sg[i];
        char item[112];
        snprintf(item, sizeof item, "%s: %s", g->group, g->level);
        r = row(t, "CNS ORR by subgroup (RANO-BM, confirmed CR or PR)", item,
                "CNS-evaluable");
        table_set_int(t, r, "N", g->n);
        table_set_int(t, r, "n", g->x);
        set_num(t, r, "ESTIMATE", g->orr, 1);
        set_num(t, r, "LOWER", g->orr_lo, 1);
        set_num(t, r, "UPPER", g->orr_hi, 1);
        table_set(t, r, "UNIT", "%");
        table_set(t, r, "METHOD", exact);
    }
    for (size_t i = 0; i < nsg; i++) {
        const struct subgroup_row *g = &sg[i];
        char item[112], method[160];
        snprintf(item, sizeof item, "%s: %s", g->group, g->level);
        r = row(t, "PFS hazard ratio by subgroup (RECIST 1.1)", item,
                "All-treated");
        table_set_int(t, r, "N", g->pfs_n);
        table_set_int(t, r, "n", g->pfs_events);
        table_set(t, r, "UNIT", "HR");
        if (g->ref) {
            table_set(t, r, "METHOD", "reference");
            continue;
        }
        set_num(t, r, "ESTIMATE", g->hr, 2);
        set_num(t, r, "LOWER", g->hr_lo, 2);
        set_num(t, r, "UPPER", g->hr_hi, 2);
        const char *ref = "";
        for (size_t k = i; k-- > 0;)
            if (sg[k].ref) {
                ref = sg[k].level;
                break;
            }
        if (isnan(g->p))
            snprintf(method, sizeof method, "Cox (Efron ties) vs %s", ref);
        else if (g->p < 0.001)
            snprintf(method, sizeof method,
                     "Cox (Efron ties) vs %s; log-rank p < 0.001", ref);
        else
            snprintf(method, sizeof method,
                     "Cox (Efron ties) vs %s; log-rank p = %.3f", ref, g->p);
        table_set(t, r, "METHOD", method);
    }
    free(sg);

    /* Deaths by cause (Rule DEATH-CAUSE; section i), all-treated. */
    long by[DEATH_N] = {0}, dead = 0;
    for (size_t i = 0; i < e->n; i++) {
        by[e->subj[i].death]++;
        dead += e->subj[i].death != DEATH_ALIVE;
    }
    sec = "Deaths by cause";
    pct_row(t, sec, "All deaths", "All-treated", dead, treated);
    for (int c = DEATH_PROGRESSION; c < DEATH_N; c++) {
        char cause[64];
        snprintf(cause, sizeof cause, "Cause: %s",
                 death_cause_name((enum death_cause)c));
        pct_row(t, sec, cause, "All-treated", by[c], treated);
    }
}

/* ---- sensitivity analyses (h.2, h.4) ---- */

/* A variant of the protocol: its label, the change, and which results it
 * moves (PFS, CBR or ORR). */
enum sens_moves { MOVES_PFS = 1, MOVES_CBR = 2, MOVES_ORR = 4 };

/* The rows of efficacy table f that a variant moves, copied into t under
 * the variant's label. */
static void copy_moved(const struct table *f, struct table *t,
                       const char *label, int moves)
{
    for (size_t r = 0; r < f->nrow; r++) {
        const char *sec = table_get(f, r, "SECTION");
        const char *item = table_get(f, r, "ITEM");
        const char *pop = table_get(f, r, "POPULATION");
        const char *name = NULL;
        bool pfs = !strcmp(sec, "Progression-free survival (RECIST 1.1)");
        bool cns = !strcmp(sec, "CNS progression-free survival (RANO-BM)");
        if ((moves & MOVES_PFS) && (pfs || cns) &&
            (!strcmp(item, "Events") || !strcmp(item, "Median")))
            name = !strcmp(item, "Events")
                       ? (pfs ? "PFS events" : "CNS-PFS events")
                       : (pfs ? "PFS median" : "CNS-PFS median");
        else if ((moves & MOVES_CBR) &&
                 !strncmp(sec, "CNS clinical benefit", 20) &&
                 !strcmp(pop, "CNS-evaluable"))
            name = "CNS CBR";
        else if ((moves & MOVES_ORR) &&
                 !strncmp(sec, "CNS objective response rate", 27) &&
                 !strcmp(pop, "CNS-evaluable"))
            name = "CNS ORR";
        if (!name)
            continue;
        size_t q = row(t, label, name, pop);
        static const char *const cols[] = {"N",     "n",    "ESTIMATE", "LOWER",
                                           "UPPER", "UNIT", "METHOD"};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            const char *v = table_get(f, r, cols[c]);
            if (*v)
                table_set(t, q, cols[c], v);
        }
    }
}

/* Rule SENSITIVITY: beside the protocol's own analysis, in one run, the
 * other reading of each choice that moves an endpoint: PFS with the
 * events after two or more missed assessments counted or censored (the
 * other censor_after_missed, h.4), PFS by treatment policy (events after
 * new anticancer therapy count, new_therapy_pfs ignore) and with the
 * start of a new therapy as an event (new_therapy_pfs event, h.4), CNS CBR
 * by the other cbr_sd_rule (h.2), and CNS ORR with and without the
 * 12-week window of best response (bor_window_end_day 84 or none, f). */
void efficacy_sensitivity(const struct study *s, const struct derive_options *o,
                          struct table *t)
{
    table_init(t, "sensitivity", eff_cols);
    const struct protocol *p = &s->proto;
    /* 0 the protocol; 1 missed assessments; 2 and 5 new therapy; 3 CBR;
     * 4 the window (5 is listed after 2). */
    static const int order[] = {0, 1, 2, 5, 3, 4};
    for (size_t o_i = 0; o_i < sizeof order / sizeof order[0]; o_i++) {
        int k = order[o_i];
        struct study v = *s; /* shallow: read only, never released */
        struct protocol *q = &v.proto;
        char label[200];
        int moves = MOVES_PFS | MOVES_CBR | MOVES_ORR;
        if (k == 0) {
            snprintf(label, sizeof label, "Primary analysis (the protocol)");
        } else if (k == 1) {
            q->censor_after_missed = !p->censor_after_missed;
            snprintf(label, sizeof label, "%s",
                     q->censor_after_missed
                         ? "PFS censored after two or more missed "
                           "assessments (censor_after_missed true)"
                         : "PFS events counted after two or more missed "
                           "assessments (censor_after_missed false)");
            moves = MOVES_PFS;
        } else if (k == 2) {
            if (p->new_therapy_pfs == NTPFS_IGNORE)
                continue; /* the protocol's analysis is already this one */
            q->new_therapy_pfs = NTPFS_IGNORE;
            snprintf(label, sizeof label,
                     "PFS by treatment policy: events after new anticancer "
                     "therapy count (new_therapy_pfs ignore)");
            moves = MOVES_PFS;
        } else if (k == 5) {
            if (p->new_therapy_pfs == NTPFS_EVENT)
                continue;
            q->new_therapy_pfs = NTPFS_EVENT;
            snprintf(label, sizeof label,
                     "PFS with a new anticancer therapy as an event "
                     "(new_therapy_pfs event)");
            moves = MOVES_PFS;
        } else if (k == 3) {
            q->cbr_sd_rule = p->cbr_sd_rule == CBR_SUSTAINED ? CBR_FROM_ORIGIN
                                                             : CBR_SUSTAINED;
            snprintf(label, sizeof label, "%s",
                     q->cbr_sd_rule == CBR_SUSTAINED
                         ? "CNS CBR with SD held across two assessments "
                           "(cbr_sd_rule sustained)"
                         : "CNS CBR with SD at one assessment from the "
                           "origin (cbr_sd_rule from_origin)");
            moves = MOVES_CBR;
        } else if (k == 4) {
            q->bor_window_end_day = p->bor_window_end_day < 0 ? 84 : -1;
            snprintf(label, sizeof label, "%s",
                     q->bor_window_end_day < 0
                         ? "CNS ORR without a window of best response "
                           "(bor_window_end_day null)"
                         : "CNS ORR within 12 weeks: the first CR or PR by "
                           "day 84 (bor_window_end_day 84)");
            moves = MOVES_ORR;
        }
        struct efficacy e;
        efficacy_init(&e, q);
        efficacy_add_study(&e, &v, o);
        struct table f;
        efficacy_table(&e, &f);
        copy_moved(&f, t, label, moves);
        table_release(&f);
        efficacy_release(&e);
    }
}

/* ---- the rules in effect, in words (the report's Methods) ---- */

static void method(struct table *t, const char *topic, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void method(struct table *t, const char *topic, const char *fmt, ...)
{
    char text[1600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t r = table_add_row(t);
    table_set(t, r, "TOPIC", topic);
    table_set(t, r, "RULE", text);
}

void endpoints_methods(const struct protocol *p, struct table *t)
{
    static const char *const cols[] = {"TOPIC", "RULE", NULL};
    table_init(t, "methods", cols);
    char cut[11] = "";
    if (p->data_cutoff != DATE_NONE)
        date_format(p->data_cutoff, cut);
    if (*cut)
        method(t, "Data cut-off",
               "%s: what was known at it is analysed. Subjects enrolled "
               "after it and records dated after it are left out; doses, "
               "adverse events and medications running past it are "
               "ongoing at it; a death after it is not known.",
               cut);
    else
        method(t, "Data cut-off", "None: every record is analysed.");
    method(t, "Time origin",
           "Day 0 is the %s. Times are the end date minus the origin%s, in "
           "days; months are days / 30.4375.",
           p->time_origin == ORIGIN_FIRST_DOSE
               ? "first dose"
               : "date of enrolment (the first DS milestone of "
                 "origin_milestones; the first dose when there is none)",
           p->aval_plus_one ? " plus 1 (the ADaM convention)" : "");
    method(t, "Analysis sets",
           "All-treated: one dose or more of either drug by the cut-off. "
           "CNS-evaluable: all-treated with a RANO-BM target lesion "
           "measurable at a valid baseline (10 mm or more)%s. "
           "RECIST-measurable: all-treated with a RECIST 1.1 target "
           "measurable at baseline (10 mm or more; a lymph node 15 mm or "
           "more in short axis).",
           p->evaluable_requires_postbaseline ? " and a post-baseline MRI"
                                              : "");
    char window[200] = "";
    if (p->bor_window_end_day >= 0)
        snprintf(window, sizeof window,
                 "; the first CR or PR must fall on or before day %d from "
                 "the origin (the confirming scan may fall after it)",
                 p->bor_window_end_day);
    method(t, "Primary endpoint: CNS objective response rate",
           "The share of the CNS-evaluable set whose confirmed RANO-BM best "
           "overall response is CR or PR, with its exact (Clopper-Pearson) "
           "%g%% CI; the same share of the all-treated set as a "
           "sensitivity analysis. The best response is taken over the "
           "assessments after the first dose up to the first progression, "
           "the start of a new anticancer therapy, withdrawal of consent or "
           "the cut-off%s. A CR or PR is confirmed by a later assessment %d "
           "or more days after it showing CR (for a CR) or CR or PR (for a "
           "PR), %s%s. SD counts at an assessment %d or more days from the "
           "origin.",
           100 * p->confidence_level, window, p->confirm_min_days,
           p->allow_ne_between ? "with any NE assessment between allowed"
                               : "with no NE assessment between",
           p->sd_breaks_confirmation ? "; an SD or PD between breaks it" : "",
           p->sd_min_days_rano - p->sd_min_window_days);
    if (p->cbr_sd_rule == CBR_SUSTAINED)
        method(t, "CNS clinical benefit rate",
               "The share whose confirmed RANO-BM best response is CR or PR, "
               "or SD held across two assessments %d or more days apart "
               "(cbr_sd_rule sustained).",
               p->confirm_min_days);
    else
        method(t, "CNS clinical benefit rate",
               "The share whose confirmed RANO-BM best response is CR, PR or "
               "SD, SD at an assessment %d or more days from the origin "
               "(cbr_sd_rule from_origin: with 6-weekly imaging close to a "
               "disease-control rate).",
               p->sd_min_days_rano - p->sd_min_window_days);
    char steroid_cr[64];
    if (p->rano_cr_max_steroid_mg > 0)
        snprintf(steroid_cr, sizeof steroid_cr, "%g mg/day or less",
                 p->rano_cr_max_steroid_mg);
    else
        snprintf(steroid_cr, sizeof steroid_cr, "no corticosteroids");
    method(t, "RANO-BM: corticosteroids and clinical status",
           "Doses in dexamethasone-equivalent mg/day from CM; compared with "
           "the %s. CR requires %s and a stable or improved "
           "neurological status; an imaging CR or PR with a higher steroid "
           "dose than the reference is %s; a steroid increase alone is "
           "never PD; a response with the steroid dose or the clinical "
           "status not known is %s.",
           p->rano_steroid_ref == STEROIDREF_PREVIOUS ? "previous assessment"
                                                      : "baseline",
           steroid_cr, p->rano_steroid_increase == STEROID_INC_NE ? "NE" : "SD",
           p->rano_missing_policy == MISSING_NE_IF_RESPONSE ? "NE"
           : p->rano_missing_policy == MISSING_DOWNGRADE_TO_SD
               ? "SD"
               : "judged with the last known value carried forward");
    char missed[300];
    if (p->missed_rule == MISSED_GAP)
        snprintf(missed, sizeof missed,
                 "more than %d days (2 x %d + %d) after the last adequate "
                 "assessment",
                 2 * p->assessment_interval_days + p->assessment_window_days,
                 p->assessment_interval_days, p->assessment_window_days);
    else
        snprintf(missed, sizeof missed,
                 "after two or more scheduled assessments (every %d days "
                 "from the origin, +/- %d days) whose whole window lies "
                 "after the last adequate assessment and before the event",
                 p->assessment_interval_days, p->assessment_window_days);
    method(t, "Progression-free survival (RECIST 1.1; CNS-PFS by RANO-BM)",
           "The event is the first progression (the date of the assessment "
           "showing it; a new lesion's first sighting) or death, whichever "
           "comes first. In order: no evaluable baseline: censored at the "
           "origin; %s; an event %s: %s; otherwise the event at its date; "
           "no event: censored at the last adequate assessment on or "
           "before the cut-off (the origin when there is none).",
           p->new_therapy_pfs == NTPFS_EVENT
               ? "a new anticancer therapy before any event: an event at its "
                 "start (new_therapy_pfs event)"
           : p->new_therapy_pfs == NTPFS_CENSOR
               ? (p->nat_includes_local
                      ? "a new anticancer therapy (radiotherapy and surgery "
                        "included) before any event: censored at the last "
                        "adequate assessment on or before its start"
                      : "a new systemic anticancer therapy before any "
                        "event: censored at the last adequate assessment "
                        "on or before its start")
               : "a new anticancer therapy does not censor (treatment "
                 "policy)",
           missed,
           p->censor_after_missed ? "censored at the last adequate assessment"
                                  : "counted at its date");
    method(t, "Overall survival",
           "The event is death from any cause; otherwise censored at the "
           "last date known alive (any record of any domain) on or before "
           "the cut-off, or at the cut-off itself when a later record shows "
           "the subject alive.");
    method(t, "Duration of and time to response",
           "For the confirmed responders of the response rate's analysis "
           "set: from the first CR or PR later confirmed to progression or "
           "death, censored as PFS; time to response is from the origin to "
           "that first CR or PR (median and range).");
    method(t, "iRECIST (exploratory)",
           "The first RECIST 1.1 progression is iUPD, confirmed as iCPD by "
           "the next assessment %d to %d days later; iPFS ends at a "
           "confirmed iUPD (its date)%s.",
           p->icpd_window_days[0], p->icpd_window_days[1],
           p->ipfs_unconfirmed_iupd == IPFS_EVENT
               ? "; an iUPD never confirmed is an event too"
               : "; an iUPD never confirmed is censored");
    method(t, "Estimation",
           "Kaplan-Meier with Greenwood's variance and a %s pointwise %g%% "
           "CI; the median's CI by Brookmeyer-Crowley; rates at 6 and 12 "
           "months, NE after the last observed time; median follow-up by "
           "reverse Kaplan-Meier. Proportions with exact (Clopper-Pearson) "
           "%g%% CIs. Subgroup hazard ratios by Cox regression (Efron "
           "ties) against the subgroup's first level, with the log-rank p.",
           ci_name(p), 100 * p->confidence_level, 100 * p->confidence_level);
    method(t, "Safety",
           "Treatment-emergent: starting on or after the first dose and "
           "within %d days of the last (%d for immune-related terms); each "
           "subject counted once per term at the worst CTCAE grade; deaths "
           "within %d days of the last dose are on treatment; the cause of "
           "death is disease progression, an adverse event or other, as "
           "DS or a fatal AE records it.",
           p->teae_window_days, p->irae_window_days, p->teae_window_days);
}
