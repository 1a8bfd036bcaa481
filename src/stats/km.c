/*
 * km.c - Kaplan-Meier estimate with Greenwood variance, pointwise
 * confidence intervals (log-log, log, plain), quantiles with the
 * Brookmeyer-Crowley style CI, landmark survival and numbers at risk, and
 * median follow-up by reverse Kaplan-Meier:
 * shared/spec/response-criteria.md h.6, reproducing R survival 3.5
 * (survfit, print.survfit / survmean, summary.survfit) as
 * shared/ref/README.md documents.
 */
#include "balist/stats.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

double z_for_conf(double conf)
{
    return gsl_cdf_ugaussian_Pinv(1 - (1 - conf) / 2);
}

struct obs {
    double time;
    int event;
};

static uint64_t key(double t)
{
    /* For non-negative doubles the bit pattern orders as the value. */
    uint64_t k;
    memcpy(&k, &t, sizeof k);
    return k;
}

/*
 * Sorts by time: an LSD radix sort on the bits of the (non-negative)
 * times, 16 bits a pass, skipping the passes in which every key has the
 * same digit (integer days use two). O(n), where qsort was the cost of a
 * fit on millions of subjects. Returns -1 when memory runs out.
 */
static int sort_obs(struct obs *o, size_t n)
{
    struct obs *tmp = malloc(n * sizeof *tmp);
    size_t *count = calloc(4 * 65536, sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t k = key(o[i].time);
        for (int d = 0; d < 4; d++)
            count[d * 65536 + ((k >> (16 * d)) & 0xFFFF)]++;
    }
    struct obs *src = o, *dst = tmp;
    for (int d = 0; d < 4; d++) {
        size_t *c = count + d * 65536;
        if (c[(key(o[0].time) >> (16 * d)) & 0xFFFF] == n)
            continue; /* every key has this digit: nothing to do */
        size_t sum = 0;
        for (size_t b = 0; b < 65536; b++) {
            size_t x = c[b];
            c[b] = sum;
            sum += x;
        }
        for (size_t i = 0; i < n; i++)
            dst[c[(key(src[i].time) >> (16 * d)) & 0xFFFF]++] = src[i];
        struct obs *sw = src;
        src = dst;
        dst = sw;
    }
    if (src != o)
        memcpy(o, src, n * sizeof *o);
    free(tmp);
    free(count);
    return 0;
}

/* The pointwise CI of survfit_confint (h.6 [CHOICE] km_ci_transform). */
static void confint(struct km_step *s, enum km_ci_type ci, double z)
{
    double S = s->surv, se = s->std_err;
    switch (ci) {
    case KM_CI_LOGLOG:
        /* NA where S is 0 or 1. */
        if (S <= 0 || S >= 1) {
            s->lower = s->upper = NAN;
            return;
        }
        s->lower = exp(-exp(log(-log(S)) - z * se / log(S)));
        s->upper = exp(-exp(log(-log(S)) + z * se / log(S)));
        return;
    case KM_CI_LOG:
        if (S <= 0) {
            s->lower = s->upper = NAN;
            return;
        }
        s->lower = S * exp(-z * se);
        s->upper = fmin(1, S * exp(z * se));
        return;
    case KM_CI_PLAIN: {
        double w = z * S * se; /* NaN at S = 0, where se is Inf */
        s->lower = fmax(0, S - w);
        s->upper = fmin(1, S + w);
        if (isnan(w))
            s->lower = s->upper = NAN;
        return;
    }
    }
}

int km_fit(const double *time, const int *event, size_t n, enum km_ci_type ci,
           double conf, struct km *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || !(conf > 0 && conf < 1))
        return -1;
    struct obs *o = malloc(n * sizeof *o);
    if (!o)
        return -1;
    for (size_t i = 0; i < n; i++) {
        /* Non-negative and finite; -0.0 is taken as 0 so that the radix
         * sort sees one bit pattern. */
        if (!(time[i] >= 0) || !isfinite(time[i]) ||
            (event[i] != 0 && event[i] != 1)) {
            free(o);
            return -1;
        }
        o[i].time = time[i] == 0 ? 0.0 : time[i];
        o[i].event = event[i];
    }
    if (sort_obs(o, n) < 0) {
        free(o);
        return -1;
    }
    out->steps = malloc(n * sizeof *out->steps);
    if (!out->steps) {
        free(o);
        return -1;
    }
    out->ci = ci;
    out->conf = conf;
    out->n = (long)n;
    double z = z_for_conf(conf);
    double surv = 1, cumvar = 0;
    size_t i = 0;
    long at_risk = (long)n;
    while (i < n) {
        size_t j = i;
        long d = 0, c = 0;
        while (j < n && o[j].time == o[i].time) {
            d += o[j].event;
            c += !o[j].event;
            j++;
        }
        struct km_step *s = &out->steps[out->n_steps++];
        s->time = o[i].time;
        s->n_risk = at_risk;
        s->n_event = d;
        s->n_censor = c;
        if (d > 0) {
            /* Rule KM-GREENWOOD: the product-limit estimate over distinct
             * event times, events before censorings at a tied time, and
             * Greenwood's variance (h.6). */
            surv *= 1 - (double)d / (double)at_risk;
            cumvar +=
                at_risk == d
                    ? INFINITY
                    : (double)d / ((double)at_risk * (double)(at_risk - d));
        }
        s->surv = surv;
        s->std_err = sqrt(cumvar);
        s->se_surv = s->surv * s->std_err;
        confint(s, ci, z);
        out->n_events += d;
        at_risk -= d + c;
        i = j;
    }
    free(o);
    /* Distinct times are usually far fewer than subjects. */
    struct km_step *shrunk = realloc(
        out->steps, (out->n_steps ? out->n_steps : 1) * sizeof *out->steps);
    if (shrunk)
        out->steps = shrunk;
    return 0;
}

void km_release(struct km *k)
{
    free(k->steps);
    memset(k, 0, sizeof *k);
}

enum curve { C_SURV, C_LOWER, C_UPPER };

static double curve_at(const struct km_step *s, enum curve c)
{
    return c == C_SURV ? s->surv : c == C_LOWER ? s->lower : s->upper;
}

/*
 * Rule KM-MEDIAN: the median (and a quantile, and the Brookmeyer-Crowley
 * limits on the pointwise confidence curves) is the first time the curve
 * is at or below the threshold; when it equals the threshold exactly on a
 * flat stretch, the midpoint between that time and the next at which it
 * drops below; never reached: not estimable (h.6). As survmean's
 * minmin(), with tolerance sqrt(eps).
 */
static double minmin(const struct km *k, enum curve c, double thr)
{
    const double tol = sqrt(DBL_EPSILON);
    size_t first = k->n_steps;
    for (size_t i = 0; i < k->n_steps; i++) {
        double y = curve_at(&k->steps[i], c);
        if (!isnan(y) && y < thr + tol) {
            first = i;
            break;
        }
    }
    if (first == k->n_steps)
        return NAN;
    double y1 = curve_at(&k->steps[first], c);
    if (fabs(y1 - thr) < tol) {
        for (size_t j = first + 1; j < k->n_steps; j++) {
            double y = curve_at(&k->steps[j], c);
            if (!isnan(y) && y < y1)
                return (k->steps[first].time + k->steps[j].time) / 2;
        }
    }
    return k->steps[first].time;
}

void km_quantile(const struct km *k, double p, struct km_quantile *out)
{
    double thr = 1 - p;
    out->est = minmin(k, C_SURV, thr);
    if (isnan(out->est)) {
        out->lower = out->upper = NAN;
        return;
    }
    out->lower = minmin(k, C_LOWER, thr);
    out->upper = minmin(k, C_UPPER, thr);
}

void km_at_time(const struct km *k, double t, struct km_at *out)
{
    const struct km_step *last = NULL;
    for (size_t i = 0; i < k->n_steps && k->steps[i].time <= t; i++)
        last = &k->steps[i];
    if (!last) {
        out->surv = 1;
        out->std_err = out->se_surv = 0;
        out->lower = out->upper = NAN;
    } else {
        out->surv = last->surv;
        out->std_err = last->std_err;
        out->se_surv = last->se_surv;
        out->lower = last->lower;
        out->upper = last->upper;
    }
    out->n_risk = km_n_risk(k, t);
    /* Beyond the last observed time S is not estimable: NAN, never the
     * last value carried on (summary.survfit without extend). */
    if (k->n_steps && t > k->steps[k->n_steps - 1].time)
        out->surv = out->std_err = out->se_surv = out->lower = out->upper = NAN;
}

long km_n_risk(const struct km *k, double t)
{
    /* Binary search: the first step at or after t. */
    size_t lo = 0, hi = k->n_steps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->steps[mid].time < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < k->n_steps ? k->steps[lo].n_risk : 0;
}

int km_median_followup(const double *time, const int *event, size_t n,
                       enum km_ci_type ci, double conf, struct km_quantile *out)
{
    int *rev = malloc((n ? n : 1) * sizeof *rev);
    if (!rev)
        return -1;
    for (size_t i = 0; i < n; i++)
        rev[i] = event[i] == 0;
    struct km k;
    int rc = km_fit(time, rev, n, ci, conf, &k);
    free(rev);
    if (rc < 0)
        return -1;
    km_quantile(&k, 0.5, out);
    km_release(&k);
    return 0;
}
