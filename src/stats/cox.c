/*
 * cox.c - Cox proportional hazards with one covariate, Efron ties (R's
 * coxph default) or Breslow, by Newton-Raphson from beta = 0 with coxph's
 * convergence rule (relative change of the log partial likelihood at most
 * 1e-9, step halving when it falls): coefficient, SE, hazard ratio with a
 * Wald CI, Wald, likelihood-ratio and score tests. Exploratory subgroups
 * (issue 4); reference values shared/ref/cox.csv.
 */
#include "balist/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct cobs {
    double time, x;
    int event;
};

static int cmp_desc(const void *a, const void *b)
{
    const struct cobs *p = a, *q = b;
    return (p->time < q->time) - (p->time > q->time);
}

/* Log partial likelihood, score and information at beta; the data are
 * sorted by decreasing time. */
static void partial(const struct cobs *o, size_t n, double beta,
                    enum cox_ties ties, double *ll, double *u, double *inf)
{
    double S0 = 0, S1 = 0, S2 = 0;
    *ll = *u = *inf = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        double d0 = 0, d1 = 0, d2 = 0, xs = 0;
        long d = 0;
        /* Everyone with this time joins the risk set first. */
        while (j < n && o[j].time == o[i].time) {
            double r = exp(beta * o[j].x);
            S0 += r;
            S1 += r * o[j].x;
            S2 += r * o[j].x * o[j].x;
            if (o[j].event) {
                d0 += r;
                d1 += r * o[j].x;
                d2 += r * o[j].x * o[j].x;
                xs += o[j].x;
                d++;
            }
            j++;
        }
        if (d > 0) {
            *ll += beta * xs;
            *u += xs;
            for (long k = 0; k < d; k++) {
                double f = ties == COX_EFRON ? (double)k / (double)d : 0;
                double s0 = S0 - f * d0, s1 = S1 - f * d1, s2 = S2 - f * d2;
                double m = s1 / s0;
                *ll -= log(s0);
                *u -= m;
                *inf += s2 / s0 - m * m;
            }
        }
        i = j;
    }
}

int cox_fit(const double *time, const int *event, const double *x, size_t n,
            enum cox_ties ties, double conf, struct cox *out)
{
    memset(out, 0, sizeof *out);
    if (n < 2)
        return -1;
    struct cobs *o = malloc(n * sizeof *o);
    if (!o)
        return -1;
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        if (!(time[i] >= 0) || (event[i] != 0 && event[i] != 1) ||
            !isfinite(x[i])) {
            free(o);
            return -1;
        }
        /* Centred, as coxph does: the likelihood is unchanged. */
        o[i] = (struct cobs){time[i], x[i] - mean, event[i]};
        out->events += event[i];
    }
    out->n = (long)n;
    qsort(o, n, sizeof *o, cmp_desc);
    double beta = 0, ll, u, inf;
    partial(o, n, beta, ties, &ll, &u, &inf);
    out->loglik_null = ll;
    out->score_chisq = inf > 0 ? u * u / inf : 0;
    const double eps = 1e-9;
    int iter;
    for (iter = 1; iter <= 30 && inf > 0; iter++) {
        double nb = beta + u / inf, nll, nu, ninf;
        partial(o, n, nb, ties, &nll, &nu, &ninf);
        int halvings = 0;
        while (nll < ll && halvings++ < 20) {
            nb = (beta + nb) / 2;
            partial(o, n, nb, ties, &nll, &nu, &ninf);
        }
        bool done = fabs(1 - ll / nll) <= eps;
        beta = nb;
        ll = nll;
        u = nu;
        inf = ninf;
        if (done)
            break;
    }
    free(o);
    out->iterations = iter;
    out->coef = beta;
    out->loglik_fit = ll;
    out->se = inf > 0 ? sqrt(1 / inf) : NAN;
    out->hr = exp(beta);
    double z = z_for_conf(conf);
    out->hr_lower = exp(beta - z * out->se);
    out->hr_upper = exp(beta + z * out->se);
    out->z = beta / out->se;
    out->wald_p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
    out->lr_chisq = 2 * (out->loglik_fit - out->loglik_null);
    out->lr_p = gsl_cdf_chisq_Q(out->lr_chisq, 1);
    out->score_p = gsl_cdf_chisq_Q(out->score_chisq, 1);
    return 0;
}
