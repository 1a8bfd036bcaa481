/*
 * cutoff.c - what is known at the data cut-off: the one place that decides
 * it (response-criteria.md h.4 "Only assessments on or before the data
 * cut-off are used", h.5 for last known alive). The loader calls
 * study_cut() once, after every domain was read and checked; every
 * command and the server then derive from the study as it stood at the
 * cut-off, and nothing above this file compares a date with the cut-off to
 * decide whether a record counts.
 */
#include "balist/core.h"

#include <stdlib.h>
#include <string.h>

static const char *const cut_files[CUT_N] = {
    [CUT_DM] = "dm.csv", [CUT_TU] = "tu.csv", [CUT_TR] = "tr.csv",
    [CUT_RS] = "rs.csv", [CUT_EX] = "ex.csv", [CUT_AE] = "ae.csv",
    [CUT_CM] = "cm.csv", [CUT_PR] = "pr.csv", [CUT_DS] = "ds.csv",
    [CUT_SS] = "ss.csv",
};

const char *cut_domain_file(enum cut_domain d)
{
    return d < CUT_N ? cut_files[d] : "";
}

static bool after(int32_t date, int32_t cutoff)
{
    return date != DATE_NONE && date > cutoff;
}

int32_t subject_enrolled(const struct subject *sj)
{
    /* The enrolment date: the origin milestone (ENROLLED, RANDOMIZED:
     * origin_milestones), else the first dose, else RFSTDTC, else the
     * consent date; DATE_NONE when the subject has none of them. */
    if (sj->origin_source == ORIGIN_MILESTONE)
        return sj->origin;
    if (sj->first_dose != DATE_NONE)
        return sj->first_dose;
    if (sj->rfstdtc != DATE_NONE)
        return sj->rfstdtc;
    return sj->rficdtc;
}

/* Counts one record left out (or changed) in a domain. */
static void count(struct cut_count *c, long line, bool *seen)
{
    c->rows++;
    if (line > 0 && (!c->first_line || line < c->first_line))
        c->first_line = line;
    if (!*seen) {
        c->subjects++;
        *seen = true;
    }
}

/* Keeps the elements items[i_] for which cond holds and counts the others
 * as left out of domain dom (cut_subject's sum and contact). */
#define KEEP_IF(items, n, cond, dom)                                           \
    do {                                                                       \
        size_t k_ = 0;                                                         \
        bool seen_ = false;                                                    \
        for (size_t i_ = 0; i_ < (n); i_++) {                                  \
            if (cond) {                                                        \
                (items)[k_++] = (items)[i_];                                   \
                continue;                                                      \
            }                                                                  \
            count(&sum->left_out[dom], (items)[i_].line, &seen_);              \
            *contact = true;                                                   \
        }                                                                      \
        (n) = k_;                                                              \
    } while (0)

/* The lesions still known at the cut-off: identified on or before it, or
 * measured on or before it; indices into the array are mapped. */
static void cut_lesions(struct subject *sj, int32_t co, struct cut_summary *sum,
                        bool *contact)
{
    size_t n = sj->n_lesions;
    if (!n)
        return;
    int *map = xmalloc(n * sizeof *map);
    bool *used = xcalloc(n, sizeof *used);
    for (size_t i = 0; i < sj->n_meas; i++)
        if (sj->meas[i].lesion >= 0 && (size_t)sj->meas[i].lesion < n)
            used[sj->meas[i].lesion] = true;
    size_t k = 0;
    bool seen = false;
    for (size_t i = 0; i < n; i++) {
        if (!after(sj->lesions[i].date, co) || used[i]) {
            map[i] = (int)k;
            sj->lesions[k++] = sj->lesions[i];
            continue;
        }
        map[i] = -1;
        count(&sum->left_out[CUT_TU], sj->lesions[i].line, &seen);
        *contact = true;
    }
    sj->n_lesions = k;
    for (size_t i = 0; k < n && i < k; i++) {
        struct lesion *l = &sj->lesions[i];
        l->parent = l->parent >= 0 ? map[l->parent] : -1;
        l->merged_into = l->merged_into >= 0 ? map[l->merged_into] : -1;
        l->merge_first = l->merge_first >= 0 ? map[l->merge_first] : -1;
    }
    for (size_t i = 0; k < n && i < sj->n_meas; i++)
        if (sj->meas[i].lesion >= 0)
            sj->meas[i].lesion = map[sj->meas[i].lesion];
    free(map);
    free(used);
}

/* An assessment (the scans of one visit) is dated by its last scan: one
 * not finished by the cut-off is not known at it, so every measurement
 * of it is tested by that date (section 0: the assessment date). */
static int32_t *assess_last(const struct subject *sj)
{
    size_t n = 0;
    for (size_t i = 0; i < sj->n_meas; i++)
        if (sj->meas[i].assess >= 0 && (size_t)sj->meas[i].assess + 1 > n)
            n = (size_t)sj->meas[i].assess + 1;
    int32_t *last = xmalloc((n + 1) * sizeof *last);
    for (size_t a = 0; a < n; a++)
        last[a] = DATE_NONE;
    for (size_t i = 0; i < sj->n_meas; i++) {
        const struct measurement *m = &sj->meas[i];
        if (m->assess >= 0 && m->date != DATE_NONE &&
            (last[m->assess] == DATE_NONE || m->date > last[m->assess]))
            last[m->assess] = m->date;
    }
    return last;
}

static bool assess_kept(const struct subject *sj, int32_t assess)
{
    for (size_t i = 0; i < sj->n_meas; i++)
        if (sj->meas[i].assess == assess)
            return true;
    return false;
}

/* An outcome that says the event ended: not known at the cut-off when the
 * end is after it. */
static bool outcome_ended(const char *out)
{
    return out && *out && strcmp(out, "NOT RECOVERED/NOT RESOLVED") != 0 &&
           strcmp(out, "UNKNOWN") != 0;
}

static void cut_subject(struct study *s, struct subject *sj, int32_t co,
                        struct cut_summary *sum)
{
    bool contact_v = false, *contact = &contact_v;
    /* Rule DATA-CUTOFF: only what is dated on or before the data cut-off
     * is known: assessments, doses, adverse events, medications,
     * procedures, disposition events and survival contacts dated after
     * it are left out; a dose, an adverse event or a medication that
     * started by the cut-off and ends after it is ongoing at the cut-off
     * (h.4 "Further rules"). */
    int32_t *last = assess_last(sj);
    KEEP_IF(sj->meas, sj->n_meas,
            !after(sj->meas[i_].assess >= 0 ? last[sj->meas[i_].assess]
                                            : sj->meas[i_].date,
                   co),
            CUT_TR);
    free(last);
    cut_lesions(sj, co, sum, contact);
    {
        size_t k = 0;
        for (size_t i = 0; i < sj->n_sums; i++)
            if (assess_kept(sj, sj->sums[i].assess))
                sj->sums[k++] = sj->sums[i];
        sj->n_sums = k;
    }
    KEEP_IF(sj->rs, sj->n_rs, !after(sj->rs[i_].date, co), CUT_RS);
    KEEP_IF(sj->doses, sj->n_doses, !after(sj->doses[i_].start, co), CUT_EX);
    KEEP_IF(sj->aes, sj->n_aes, !after(sj->aes[i_].start, co), CUT_AE);
    KEEP_IF(sj->cm, sj->n_cm, !after(sj->cm[i_].start, co), CUT_CM);
    KEEP_IF(sj->pr, sj->n_pr, !after(sj->pr[i_].start, co), CUT_PR);
    KEEP_IF(sj->ds, sj->n_ds, !after(sj->ds[i_].date, co), CUT_DS);
    KEEP_IF(sj->ss, sj->n_ss, !after(sj->ss[i_].date, co), CUT_SS);

    bool seen_ex = false, seen_ae = false, seen_cm = false;
    for (size_t i = 0; i < sj->n_doses; i++)
        if (after(sj->doses[i].end, co)) {
            sj->doses[i].end = co;
            count(&sum->ongoing[CUT_EX], sj->doses[i].line, &seen_ex);
            *contact = true;
        }
    for (size_t i = 0; i < sj->n_aes; i++) {
        struct ae *a = &sj->aes[i];
        if (!after(a->end, co))
            continue;
        a->end = DATE_NONE;
        a->end_raw = (struct pdate){0};
        a->end_imputed = false;
        if (outcome_ended(a->out))
            a->out = (char *)study_intern(s, "NOT RECOVERED/NOT RESOLVED");
        count(&sum->ongoing[CUT_AE], a->line, &seen_ae);
        *contact = true;
    }
    for (size_t i = 0; i < sj->n_cm; i++)
        if (after(sj->cm[i].end, co)) {
            sj->cm[i].end = DATE_NONE;
            sj->cm[i].end_imputed = false;
            count(&sum->ongoing[CUT_CM], sj->cm[i].line, &seen_cm);
        }

    /* A death after the cut-off is not known at it: the subject was alive
     * on the cut-off date (h.5). */
    if (after(sj->death, co)) {
        sj->death = DATE_NONE;
        sj->death_imputed = false;
        sj->dthfl = false;
        sj->dth_raw = (struct pdate){0};
        sum->deaths++;
        *contact = true;
    }
    if (after(sj->rfendtc, co))
        sj->rfendtc = DATE_NONE;
    if (after(sj->rfstdtc, co))
        sj->rfstdtc = DATE_NONE;
    if (after(sj->rfxstdtc, co))
        sj->rfxstdtc = DATE_NONE;
    /* Rule LAST-ALIVE-CUTOFF: a record dated after the cut-off (a visit, a
     * dose, an AE date, an SS contact, a death) shows the subject alive on
     * the cut-off date, which is then the last date known alive (h.5). */
    sj->alive_at_cut = contact_v ? co : DATE_NONE;
    if (contact_v)
        sum->alive_after++;
}

void study_cut(struct study *s, struct cut_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    int32_t co = s->proto.data_cutoff;
    sum->cutoff = co;
    s->cut = co;
    if (co == DATE_NONE)
        return;
    /* A subject enrolled after the cut-off is not in the study at the
     * cut-off: not in any set, table or listing. Its records are counted
     * with the domain's records left out. */
    size_t k = 0;
    for (size_t i = 0; i < s->n_subjects; i++) {
        struct subject *sj = &s->subjects[i];
        if (!after(subject_enrolled(sj), co)) {
            if (k != i)
                s->subjects[k] = *sj;
            k++;
            continue;
        }
        if (sum->n_late < CUT_LATE_MAX)
            sum->late[sum->n_late++] = sj->usubjid;
        bool seen = false;
        count(&sum->left_out[CUT_DM], sj->dm_line, &seen);
        struct {
            enum cut_domain d;
            size_t n;
        } rows[] = {
            {CUT_TU, sj->n_lesions}, {CUT_TR, sj->n_meas}, {CUT_RS, sj->n_rs},
            {CUT_EX, sj->n_doses},   {CUT_AE, sj->n_aes},  {CUT_CM, sj->n_cm},
            {CUT_PR, sj->n_pr},      {CUT_DS, sj->n_ds},   {CUT_SS, sj->n_ss}};
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
            if (rows[r].n) {
                sum->left_out[rows[r].d].rows += rows[r].n;
                sum->left_out[rows[r].d].subjects++;
            }
        subject_release(sj);
    }
    if (k != s->n_subjects) {
        s->n_subjects = k;
        strmap_release(&s->by_usubjid);
        strmap_init(&s->by_usubjid);
        for (size_t i = 0; i < k; i++)
            strmap_put(&s->by_usubjid, s->subjects[i].usubjid, i);
    }
    for (size_t i = 0; i < s->n_subjects; i++)
        cut_subject(s, &s->subjects[i], co, sum);
    /* First and last dose, the origin and last known alive as known at
     * the cut-off. */
    study_finish(s, NULL);
}
