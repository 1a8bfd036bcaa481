/*
 * summary.c - the trial's efficacy results as a report shows them
 * (shared/spec/response-criteria.md h.1-h.6): analysis sets, CNS ORR and
 * CNS CBR with exact 95 % CIs on the CNS-evaluable and all-treated sets,
 * best-response distributions, RECIST 1.1 ORR, Kaplan-Meier medians with
 * CIs, events and censored counts and 6- and 12-month rates for PFS,
 * CNS-PFS, OS and duration of response, and median follow-up. Built as
 * rows of a table (one number per row, with its population and method),
 * which the command line prints as text, CSV or JSON.
 */
#include "balist/endpoints.h"

#include "balist/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const eff_cols[] = {
    "SECTION", "ITEM",  "POPULATION", "N",      "n", "ESTIMATE",
    "LOWER",   "UPPER", "UNIT",       "METHOD", NULL};

/* What one subject contributes. */
struct eff_subj {
    bool enrolled, saffl, efffl, recmd;
    enum resp cborcns, cbor;
    bool ccbcns;
    struct {
        bool present;
        long aval;
        int cnsr;
    } t[TTE_N];
};

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
    for (int k = 0; k < TTE_N; k++) {
        x->t[k].present = r->tte[k].present;
        x->t[k].aval = r->tte[k].aval;
        x->t[k].cnsr = r->tte[k].cnsr;
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

/* n/N with an exact (Clopper-Pearson) 95 % CI (h.2), as percentages. */
static void rate_row(struct table *t, const char *section, const char *item,
                     const char *pop, long x, long n, const char *method)
{
    size_t r = row(t, section, item, pop);
    table_set_int(t, r, "N", n);
    table_set_int(t, r, "n", x);
    table_set(t, r, "UNIT", "%");
    table_set(t, r, "METHOD", method);
    double lo, hi;
    if (n > 0 && binom_exact(x, n, 0.95, &lo, &hi) == 0) {
        set_num(t, r, "ESTIMATE", 100.0 * (double)x / (double)n, 1);
        set_num(t, r, "LOWER", 100 * lo, 1);
        set_num(t, r, "UPPER", 100 * hi, 1);
    }
}

static enum km_ci_type ci_type(const struct protocol *p)
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
    if (n > 0 && km_fit(time, event, n, ci_type(p), 0.95, &km) == 0) {
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

void efficacy_row_text(const struct table *t, size_t r, char *count,
                       size_t count_size, char *value, size_t value_size)
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
    else if (*est && (*lo || *hi))
        snprintf(value, value_size, "%s%s (95%% CI %s-%s)", est, u,
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
    const char *exact = "exact (Clopper-Pearson) 95% CI";
    sec = "CNS objective response rate (RANO-BM, confirmed CR or PR)";
    rate_row(t, sec, "CNS ORR", "CNS-evaluable", orr_e, eval, exact);
    rate_row(t, sec, "CNS ORR", "All-treated", orr_t, treated, exact);
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
    rate_row(t, cbr, "CNS CBR", "CNS-evaluable", cbr_e, eval, exact);
    rate_row(t, cbr, "CNS CBR", "All-treated", cbr_t, treated, exact);
    rate_row(t, "Objective response rate (RECIST 1.1, confirmed CR or PR)",
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
            r = row(t, sec, resp_name(cats[k], false), pop);
            table_set_int(t, r, "N", den);
            table_set_int(t, r, "n", cnt);
            if (den > 0)
                set_num(t, r, "ESTIMATE", 100.0 * (double)cnt / (double)den, 1);
            table_set(t, r, "UNIT", "%");
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
    if (n > 0 &&
        km_median_followup(time, event, n, ci_type(p), 0.95, &q) == 0) {
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
}
