/*
 * baseline.c - the baseline of each criterion (shared/spec/
 * response-criteria.md section a): which assessment it is and whether it
 * is in its window (a), whether a baseline target is measurable (a.1
 * RANO-BM, a.2 RECIST 1.1), the target counts, and whether the sums of
 * diameters the site recorded (TR SUMDIAM) agree with the lesions. The
 * response engine (timepoints.c) and the data checks (`balist check`,
 * the loader's sdtm_check, the web application's load of a change) ask
 * these functions; none of them decides these questions again.
 * RECIST 1.1: Eisenhauer et al., EJC 2009; RANO-BM: Lin et al., Lancet
 * Oncol 2015. Completeness (a.3) is judged in timepoints.c, where the
 * baseline's values are read.
 */
#include "criteria_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int32_t baseline_anchor(const struct protocol *p, const struct subject *sj,
                        const char **name)
{
    /* Rule BASELINE-ANCHOR: the baseline is judged against the first dose
     * (baseline_anchor "first_dose", the default) or the time origin
     * (section a). */
    if (name)
        *name = p->baseline_anchor == ANCHOR_ORIGIN ? "the origin"
                                                    : "the first dose";
    return p->baseline_anchor == ANCHOR_ORIGIN ? sj->origin : sj->first_dose;
}

void baseline_choose(const struct protocol *p, const struct subject *sj,
                     const int32_t *dates, size_t n, struct baseline *out)
{
    memset(out, 0, sizeof *out);
    out->anchor = baseline_anchor(p, sj, &out->anchor_name);
    out->index = -1;
    if (out->anchor == DATE_NONE) {
        out->status = BASELINE_NO_ANCHOR;
        return;
    }
    /* Rule BASELINE-CHOICE: the baseline is the last assessment on or
     * before the anchor; earlier ones are not used (section a). */
    for (size_t i = 0; i < n; i++) {
        assert(i == 0 || dates[i - 1] <= dates[i]); /* sorted: contract */
        if (dates[i] <= out->anchor)
            out->index = (int)i;
    }
    if (out->index < 0) {
        out->status = BASELINE_NONE;
        return;
    }
    /* Rule BASELINE-WINDOW: and not more than baseline_max_days_before
     * days before the anchor (28: "never more than 4 weeks before the
     * beginning of the treatment"), else there is no valid baseline. */
    out->gap_days = out->anchor - dates[out->index];
    out->status = out->gap_days > p->baseline_max_days_before
                      ? BASELINE_TOO_EARLY
                      : BASELINE_OK;
}

enum measurable baseline_measurable(const struct lesion *les, enum criterion c,
                                    const struct measurement *bm,
                                    int32_t *threshold, const char **what)
{
    return baseline_measurable_value(les, c, bm->diam, bm->kind == MV_TSTM,
                                     threshold, what);
}

enum measurable baseline_measurable_value(const struct lesion *les,
                                          enum criterion c, int64_t diam,
                                          bool tstm, int32_t *threshold,
                                          const char **what)
{
    if (c == CRIT_RANOBM) {
        *threshold = 10 * DIAM_SCALE;
        *what = "longest diameter";
        /* Rule RANO-MEASURABLE: a measurable CNS lesion has a longest
         * diameter of 10 mm or more; leptomeningeal disease is never
         * measurable (a.1). */
        if (strstr(les->loc, "LEPTOMENING"))
            return MEAS_NOT_MEASURABLE_SITE;
    } else if (les->is_nodal) {
        /* Rule RECIST-MEASURABLE: a measurable lymph node has a short
         * axis of 15 mm or more, any other lesion a longest diameter of
         * 10 mm or more (a.2). */
        *threshold = 15 * DIAM_SCALE;
        *what = "short axis";
    } else {
        *threshold = 10 * DIAM_SCALE;
        *what = "longest diameter";
    }
    if (tstm || diam < *threshold)
        return MEAS_TOO_SMALL;
    return MEAS_OK;
}

int baseline_max_targets(enum criterion c)
{
    /* Rule TARGET-COUNT: at most 5 target lesions: RANO-BM 5 CNS targets
     * (a.1), RECIST 1.1 5 in total (a.2; its limit of 2 per organ needs
     * organ coding that TULOC does not always give, and is not checked). */
    (void)c;
    return 5;
}

int64_t baseline_target_sum(const struct subject *sj, enum criterion c,
                            int32_t assess)
{
    int64_t sum = 0;
    for (size_t li = 0; li < sj->n_lesions; li++) {
        const struct lesion *l = &sj->lesions[li];
        if (l->cls[c] != LC_TARGET)
            continue;
        const struct measurement *mv = NULL;
        for (size_t k = 0; k < sj->n_meas; k++)
            if (sj->meas[k].lesion == (int)li && sj->meas[k].assess == assess &&
                sj->meas[k].kind != MV_STATE &&
                (sj->meas[k].crit_mask & (1u << c)))
                mv = &sj->meas[k];
        if (mv && (mv->kind == MV_VALUE || mv->kind == MV_TSTM)) {
            sum += mv->diam;
            continue;
        }
        /* Fragments and merged masses appear only at some assessments;
         * a merged parent counts 0 (data-format.md "Merged lesions"). */
        if (!mv && (l->parent >= 0 || l->is_merge || l->merged_into >= 0))
            continue;
        return -1;
    }
    return sum;
}

void baseline_check_sums(const struct subject *sj, struct diags *d)
{
    /* Rule SUMDIAM-CHECK: a sum of diameters recorded by the site (TR
     * SUMDIAM) that differs by more than 0.1 mm from the sum of the
     * criterion's targets at that assessment is a warning; a sum without
     * TRCAT is compared with the closer of the two criteria. The sums are
     * never inputs: the engine adds the lesions itself (b.1). */
    const int64_t tol = DIAM_SCALE / 10;
    for (size_t i = 0; i < sj->n_sums; i++) {
        const struct recorded_sum *sr = &sj->sums[i];
        int64_t best = -1, best_diff = INT64_MAX;
        int best_crit = CRIT_RECIST;
        for (int c = 0; c < CRIT_N; c++) {
            if (sr->crit >= 0 && c != sr->crit)
                continue;
            int64_t s = baseline_target_sum(sj, (enum criterion)c, sr->assess);
            if (s < 0)
                continue;
            int64_t diff = s > sr->diam ? s - sr->diam : sr->diam - s;
            if (diff < best_diff) {
                best_diff = diff;
                best = s;
                best_crit = c;
            }
        }
        if (best < 0 || best_diff <= tol)
            continue;
        char rec[32], got[32];
        diam_format(sr->diam, rec, sizeof rec);
        diam_format(best, got, sizeof got);
        diags_add(d, SEV_WARNING, D_SUMDIAM, "tr.csv", sr->line, 0,
                  "SUMDIAM %s mm recorded for subject %s, but the %s target "
                  "lesions add up to %s mm at that assessment",
                  rec, sj->usubjid, criterion_name(best_crit), got);
    }
}
