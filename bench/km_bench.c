/*
 * km_bench.c - Kaplan-Meier with the median and its CI on n simulated
 * subjects (exponential event and censoring times, integer days): the
 * time of km_fit + km_quantile, and the same data written to a file for R
 * (bench/run.sh times survival::survfit on it when R is installed).
 * Usage: km_bench N [FILE]
 */
#include "balist/stats.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t state = 42;

static double u01(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    size_t n = (size_t)strtoull(argv[1], NULL, 10);
    double *t = malloc(n * sizeof *t);
    int *e = malloc(n * sizeof *e);
    if (!t || !e)
        return 1;
    for (size_t i = 0; i < n; i++) {
        double ev = floor(-300 * log(u01())) + 1;
        double ce = floor(-600 * log(u01())) + 1;
        t[i] = ev < ce ? ev : ce;
        e[i] = ev < ce;
    }
    if (argc > 2) {
        FILE *fp = fopen(argv[2], "w");
        if (!fp)
            return 1;
        fputs("time,event\n", fp);
        for (size_t i = 0; i < n; i++)
            fprintf(fp, "%.0f,%d\n", t[i], e[i]);
        fclose(fp);
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct km k;
    if (km_fit(t, e, n, KM_CI_LOG, 0.95, &k) < 0)
        return 1;
    struct km_quantile q;
    km_quantile(&k, 0.5, &q);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double secs = (double)(b.tv_sec - a.tv_sec) +
                  (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%zu %.3f %.0f %.0f %.0f\n", n, secs, q.est, q.lower, q.upper);
    km_release(&k);
    free(t);
    free(e);
    return 0;
}
