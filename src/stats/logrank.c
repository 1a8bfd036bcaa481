/*
 * logrank.c - the two-group log-rank test (R survival's survdiff with
 * rho = 0): observed and expected events per group, the hypergeometric
 * variance, chi-square on 1 df. Exploratory subgroups (issue 4); the
 * reference values are shared/ref/logrank.csv.
 */
#include "balist/stats.h"

#include <gsl/gsl_cdf.h>
#include <stdlib.h>
#include <string.h>

struct gobs {
    double time;
    int event, group;
};

static int cmp_gobs(const void *a, const void *b)
{
    const struct gobs *x = a, *y = b;
    return (x->time > y->time) - (x->time < y->time);
}

int logrank_test(const double *time, const int *event, const int *group,
                 size_t n, struct logrank *out)
{
    memset(out, 0, sizeof *out);
    if (n < 2)
        return -1;
    struct gobs *o = malloc(n * sizeof *o);
    if (!o)
        return -1;
    long at[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (!(time[i] >= 0) || (group[i] != 0 && group[i] != 1) ||
            (event[i] != 0 && event[i] != 1)) {
            free(o);
            return -1;
        }
        o[i] = (struct gobs){time[i], event[i], group[i]};
        at[group[i]]++;
        out->obs[group[i]] += event[i];
    }
    out->n[0] = at[0];
    out->n[1] = at[1];
    qsort(o, n, sizeof *o, cmp_gobs);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        long d = 0, d0 = 0, left0 = 0, left = 0;
        while (j < n && o[j].time == o[i].time) {
            d += o[j].event;
            d0 += o[j].event && o[j].group == 0;
            left0 += o[j].group == 0;
            left++;
            j++;
        }
        (void)d0;
        double nn = (double)(at[0] + at[1]), n0 = (double)at[0];
        if (d > 0) {
            double e0 = (double)d * n0 / nn;
            out->exp[0] += e0;
            out->exp[1] += (double)d - e0;
            if (nn > 1)
                out->var += (double)d * (n0 / nn) * (1 - n0 / nn) *
                            (nn - (double)d) / (nn - 1);
        }
        at[0] -= left0;
        at[1] -= left - left0;
        i = j;
    }
    free(o);
    double oe = (double)out->obs[0] - out->exp[0];
    out->chisq = out->var > 0 ? oe * oe / out->var : 0;
    out->p = gsl_cdf_chisq_Q(out->chisq, 1);
    return 0;
}
