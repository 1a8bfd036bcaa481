/*
 * stats.h - the statistics of the trial report (DESIGN.md stats/): plain
 * arrays in, numbers out; no study model, no I/O. Each routine reproduces
 * what R's survival package (3.5) reports, as shared/ref/README.md
 * documents, and shared/spec/response-criteria.md h.2 and h.6 ask for.
 * A value that R reports as NA is NAN here.
 */
#ifndef BALIST_STATS_H
#define BALIST_STATS_H

#include <stdbool.h>
#include <stddef.h>

enum km_ci_type { KM_CI_LOGLOG = 0, KM_CI_LOG, KM_CI_PLAIN };

/* One distinct observed time of a Kaplan-Meier fit (survfit's layout:
 * times with only censorings included). */
struct km_step {
    double time;
    long n_risk, n_event, n_censor;
    double surv;
    double std_err; /* Greenwood SE of -log S (survfit's std.err) */
    double se_surv; /* surv x std_err */
    double lower, upper;
};

struct km {
    struct km_step *steps;
    size_t n_steps;
    long n, n_events;
    enum km_ci_type ci;
    double conf;
};

/*
 * Kaplan-Meier with Greenwood variance and pointwise CIs (h.6): events
 * before censorings at tied times. time[i] >= 0, event[i] 0 or 1. Sorts a
 * copy: O(n log n). Returns 0, or -1 on bad input (n 0, a negative or NAN
 * time, conf outside (0, 1)).
 */
int km_fit(const double *time, const int *event, size_t n, enum km_ci_type ci,
           double conf, struct km *out);
void km_release(struct km *k);

/* A quantile of the survival time with its CI. */
struct km_quantile {
    double est, lower, upper; /* NAN when not reached */
};

/*
 * The time at which S falls to 1 - p (p = 0.5: the median) and its CI,
 * the way print(survfit) reports them (Brookmeyer-Crowley style, read off
 * the pointwise band; the 0.5-plateau midpoint rule; NA when not
 * reached).
 */
void km_quantile(const struct km *k, double p, struct km_quantile *out);

/* Survival at a landmark time, as summary(survfit, times = t): every
 * value NAN when t is after the last observed time (not estimable). */
struct km_at {
    double surv, lower, upper, std_err, se_surv;
    long n_risk; /* number with time >= t */
};
void km_at_time(const struct km *k, double t, struct km_at *out);

/* Number at risk (time >= t) for a plot's table. */
long km_n_risk(const struct km *k, double t);

/* Median follow-up by reverse Kaplan-Meier (censoring as the event). */
int km_median_followup(const double *time, const int *event, size_t n,
                       enum km_ci_type ci, double conf,
                       struct km_quantile *out);

/* Log-rank test of two groups (group[i] 0 or 1), survdiff's rho = 0. */
struct logrank {
    long n[2], obs[2];
    double exp[2], var, chisq, p;
};
int logrank_test(const double *time, const int *event, const int *group,
                 size_t n, struct logrank *out);

/* Cox proportional hazards, one covariate. */
enum cox_ties { COX_EFRON = 0, COX_BRESLOW };
struct cox {
    double coef, se, hr, hr_lower, hr_upper, z, wald_p;
    double loglik_null, loglik_fit, lr_chisq, lr_p, score_chisq, score_p;
    int iterations;
    long n, events;
};
int cox_fit(const double *time, const int *event, const double *x, size_t n,
            enum cox_ties ties, double conf, struct cox *out);

/* Exact (Clopper-Pearson) and Wilson intervals for x of n (h.2). */
int binom_exact(long x, long n, double conf, double *lower, double *upper);
int binom_wilson(long x, long n, double conf, double *lower, double *upper);

/* The two-sided standard normal quantile for a confidence level. */
double z_for_conf(double conf);

#endif
