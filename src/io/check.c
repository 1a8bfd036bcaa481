/*
 * check.c - the cross-file checks run after a study is read
 * (shared/spec/data-format.md): the baseline assessment and its window,
 * target lesions without a baseline value, baseline targets below the
 * measurability threshold of their criterion, target counts, and dates
 * after the data cut-off. What a valid baseline and a measurable lesion
 * are is criteria/baseline.c's to say (response-criteria.md a.1-a.3);
 * this file turns its answers into warnings about the data as it stands,
 * with file and line. The response engine decides what follows from them
 * (NE, no evaluable baseline).
 */
#include "sdtm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One tumour assessment of a subject: the TR rows of one visit. */
struct assess {
    int32_t id;
    const char *visit;
    int32_t date; /* latest scan date of the assessment (section 0) */
    long line;    /* first TR row */
};

static int cmp_assess(const void *a, const void *b)
{
    const struct assess *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Groups the subject's measurements into assessments by VISIT (else by
 * date). Returns the count; *out is malloc'ed. */
static size_t assessments(const struct subject *sj, struct assess **out)
{
    struct assess *a = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < sj->n_meas; i++) {
        const struct measurement *mv = &sj->meas[i];
        if (mv->date == DATE_NONE)
            continue;
        size_t k;
        for (k = 0; k < n; k++)
            if (a[k].id == mv->assess)
                break;
        if (k == n) {
            struct assess *x = VEC_PUSH(a, n, cap);
            x->id = mv->assess;
            x->visit = mv->visit;
            x->date = mv->date;
            x->line = mv->line;
        } else {
            if (mv->date > a[k].date)
                a[k].date = mv->date;
            if (mv->line < a[k].line)
                a[k].line = mv->line;
        }
    }
    if (n > 1)
        qsort(a, n, sizeof *a, cmp_assess);
    *out = a;
    return n;
}

static bool same_assess(const struct measurement *mv, const struct assess *a)
{
    return mv->assess == a->id;
}

static void check_baseline(struct loader *L, struct subject *sj)
{
    const struct protocol *p = L->p;
    if (!sj->n_meas)
        return;
    struct assess *a;
    size_t n = assessments(sj, &a);
    int32_t *dates = xcalloc(n + 1, sizeof *dates);
    for (size_t i = 0; i < n; i++)
        dates[i] = a[i].date;
    struct baseline b;
    baseline_choose(p, sj, dates, n, &b);
    free(dates);
    if (b.status == BASELINE_NO_ANCHOR) {
        free(a);
        return; /* not treated: no baseline to judge */
    }
    char ad[11], bd[11];
    date_format(b.anchor, ad);
    if (b.status == BASELINE_NONE) {
        diags_add(L->d, SEV_WARNING, D_BASELINE, "tr.csv", n ? a[0].line : 0, 0,
                  "subject %s has no tumour assessment on or before %s "
                  "(%s): no valid baseline",
                  sj->usubjid, b.anchor_name, ad);
        free(a);
        return;
    }
    const struct assess *base = &a[b.index];
    date_format(base->date, bd);
    if (b.status == BASELINE_TOO_EARLY) {
        diags_add(L->d, SEV_WARNING, D_BASELINE, "tr.csv", base->line, 0,
                  "baseline assessment of subject %s (visit %s, %s) is %d "
                  "days before %s (%s), more than baseline_max_days_before "
                  "%d: no valid baseline",
                  sj->usubjid, *base->visit ? base->visit : "-", bd, b.gap_days,
                  b.anchor_name, ad, p->baseline_max_days_before);
        free(a);
        return;
    }

    /* Targets: a baseline value, measurability, counts (section a). */
    int n_target[CRIT_N] = {0, 0}, n_ok[CRIT_N] = {0, 0};
    long first_line[CRIT_N] = {0, 0};
    for (size_t li = 0; li < sj->n_lesions; li++) {
        const struct lesion *les = &sj->lesions[li];
        if (les->parent >= 0 || les->is_merge)
            continue; /* fragments and merged masses appear later */
        for (int c = 0; c < CRIT_N; c++) {
            if (les->cls[c] != LC_TARGET)
                continue;
            n_target[c]++;
            if (!first_line[c])
                first_line[c] = les->line;
            const struct measurement *bm = NULL;
            for (size_t k = 0; k < sj->n_meas; k++) {
                const struct measurement *mv = &sj->meas[k];
                if (mv->lesion == (int)li && mv->kind != MV_STATE &&
                    (mv->crit_mask & (1u << c)) && same_assess(mv, base))
                    bm = mv;
            }
            if (!bm || bm->kind == MV_NOT_DONE) {
                diags_add(L->d, SEV_WARNING, D_NO_BASELINE_MEAS, "tu.csv",
                          les->line, 0,
                          "%s target lesion %s of subject %s has no "
                          "baseline measurement (visit %s, %s): the "
                          "baseline is incomplete",
                          criterion_name(c), les->linkid, sj->usubjid,
                          *base->visit ? base->visit : "-", bd);
                continue;
            }
            /* Measurability (a.1, a.2): criteria/baseline.c. */
            int32_t thr;
            const char *what;
            enum measurable ms =
                baseline_measurable(les, (enum criterion)c, bm, &thr, &what);
            n_ok[c] += ms == MEAS_OK;
            if (ms == MEAS_NOT_MEASURABLE_SITE) {
                diags_add(L->d, SEV_WARNING, D_MEASURABLE, "tr.csv", bm->line,
                          0,
                          "RANO-BM target lesion %s of subject %s is "
                          "leptomeningeal, which is non-measurable "
                          "disease (response-criteria.md a.1)",
                          les->linkid, sj->usubjid);
            } else if (ms == MEAS_TOO_SMALL) {
                char v[32], t[32];
                diam_format(bm->diam, v, sizeof v);
                diam_format(thr, t, sizeof t);
                diags_add(L->d, SEV_WARNING, D_MEASURABLE, "tr.csv", bm->line,
                          0,
                          "%s target lesion %s of subject %s measures %s mm "
                          "at baseline, below the %s threshold of %s mm "
                          "(%s%s)",
                          criterion_name(c), les->linkid, sj->usubjid,
                          bm->kind == MV_TSTM ? "too small to measure" : v,
                          what, t, les->is_nodal ? "lymph node, " : "",
                          c == CRIT_RANOBM ? "response-criteria.md a.1"
                                           : "response-criteria.md a.2");
            }
        }
    }
    /* No measurable target at all: no measurable disease under that
     * criterion (MEASURABLE-DISEASE, criteria/timepoints.c). */
    for (int c = 0; c < CRIT_N; c++)
        if (n_target[c] > 0 && n_ok[c] == 0)
            diags_add(L->d, SEV_WARNING, D_MEASURABLE, "tu.csv", first_line[c],
                      0,
                      "subject %s has no %s target lesion measurable at "
                      "baseline: no measurable disease (%s N), not in the "
                      "%s",
                      sj->usubjid, criterion_name(c),
                      c == CRIT_RANOBM ? "CNSMDFL" : "RECMDFL",
                      c == CRIT_RANOBM ? "CNS-evaluable set"
                                       : "RECIST-measurable set (ORR)");
    /* Target counts: RANO-BM up to 5; RECIST up to 5 (the per-organ
     * limit of 2 needs organ coding that TULOC does not always give). */
    for (int c = 0; c < CRIT_N; c++)
        if (n_target[c] > baseline_max_targets((enum criterion)c))
            diags_add(L->d, SEV_WARNING, D_MEASURABLE, "tu.csv",
                      sj->lesions[0].line, 0,
                      "subject %s has %d %s target lesions; the criterion "
                      "allows at most %d",
                      sj->usubjid, n_target[c], criterion_name(c),
                      baseline_max_targets((enum criterion)c));
    free(a);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void sdtm_cut_report(struct loader *L, const struct cut_summary *c)
{
    if (c->cutoff == DATE_NONE)
        return;
    char cd[11];
    date_format(c->cutoff, cd);
    const struct cut_count *dm = &c->left_out[CUT_DM];
    if (dm->rows) {
        char names[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < c->n_late && used < sizeof names; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                     i ? ", " : "", c->late[i]);
        diags_add(L->d, SEV_WARNING, D_CUTOFF, "dm.csv", dm->first_line, 0,
                  "%zu %s enrolled after the data cut-off %s %s left out: "
                  "%s%s",
                  dm->rows, plural(dm->rows, "subject", "subjects"), cd,
                  plural(dm->rows, "is", "are"), names,
                  dm->rows > c->n_late ? ", ..." : "");
    }
    for (int k = CUT_TU; k < CUT_N; k++) {
        const struct cut_count *n = &c->left_out[k];
        if (!n->rows)
            continue;
        diags_add(L->d, SEV_WARNING, D_CUTOFF, cut_domain_file(k),
                  n->first_line, 0,
                  "%zu %s of %zu %s dated after the data cut-off %s, or of "
                  "a subject enrolled after it, %s left out",
                  n->rows, plural(n->rows, "record", "records"), n->subjects,
                  plural(n->subjects, "subject", "subjects"), cd,
                  plural(n->rows, "is", "are"));
    }
    static const struct {
        enum cut_domain d;
        const char *one, *many, *then;
    } ongoing[] = {
        {CUT_EX, "dose", "doses", "the exposure ends at the cut-off"},
        {CUT_AE, "adverse event", "adverse events",
         "ongoing at the cut-off (no end date, not resolved)"},
        {CUT_CM, "medication", "medications", "ongoing at the cut-off"},
    };
    for (size_t i = 0; i < sizeof ongoing / sizeof ongoing[0]; i++) {
        const struct cut_count *n = &c->ongoing[ongoing[i].d];
        if (!n->rows)
            continue;
        diags_add(L->d, SEV_WARNING, D_CUTOFF, cut_domain_file(ongoing[i].d),
                  n->first_line, 0,
                  "%zu %s of %zu %s %s after the data cut-off %s: %s", n->rows,
                  plural(n->rows, ongoing[i].one, ongoing[i].many), n->subjects,
                  plural(n->subjects, "subject", "subjects"),
                  plural(n->rows, "ends", "end"), cd, ongoing[i].then);
    }
    if (c->deaths)
        diags_add(L->d, SEV_WARNING, D_CUTOFF, "dm.csv", 0, 0,
                  "%zu %s after the data cut-off %s %s not known at it: "
                  "%s censored for survival at the cut-off",
                  c->deaths, plural(c->deaths, "death", "deaths"), cd,
                  plural(c->deaths, "is", "are"),
                  plural(c->deaths, "that subject is", "those subjects are"));
}

void sdtm_check(struct loader *L)
{
    for (size_t i = 0; i < L->s->n_subjects; i++) {
        struct subject *sj = &L->s->subjects[i];
        check_baseline(L, sj);
    }
}
