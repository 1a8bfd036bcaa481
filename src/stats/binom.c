/*
 * binom.c - confidence intervals for a proportion x / n: exact
 * (Clopper-Pearson) from beta quantiles, as response-criteria.md h.2
 * writes it and R's binom.test computes it; and Wilson's score interval.
 */
#include "balist/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

int binom_exact(long x, long n, double conf, double *lower, double *upper)
{
    if (n <= 0 || x < 0 || x > n || !(conf > 0 && conf < 1))
        return -1;
    double a = 1 - conf;
    /* lower = Beta^-1(a/2; x, n - x + 1), 0 when x = 0; upper =
     * Beta^-1(1 - a/2; x + 1, n - x), 1 when x = n. */
    *lower =
        x == 0 ? 0 : gsl_cdf_beta_Pinv(a / 2, (double)x, (double)(n - x + 1));
    *upper =
        x == n ? 1
               : gsl_cdf_beta_Pinv(1 - a / 2, (double)(x + 1), (double)(n - x));
    return 0;
}

int binom_wilson(long x, long n, double conf, double *lower, double *upper)
{
    if (n <= 0 || x < 0 || x > n || !(conf > 0 && conf < 1))
        return -1;
    double z = z_for_conf(conf), nn = (double)n, p = (double)x / nn;
    double den = 1 + z * z / nn;
    double c = (p + z * z / (2 * nn)) / den;
    double h = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / den;
    *lower = fmax(0, c - h);
    *upper = fmin(1, c + h);
    return 0;
}
