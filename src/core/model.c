/*
 * model.c - the study model's life cycle and the subject-level dates that
 * every derivation shares: first dose, time origin and last known alive
 * (shared/spec/data-format.md "Dates that matter"; response-criteria.md
 * section 0 for the origin). Per-visit rules live in criteria/.
 */
#include "balist/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void study_init(struct study *s)
{
    memset(s, 0, sizeof *s);
    strmap_init(&s->by_usubjid);
    strmap_init(&s->interned);
    protocol_init(&s->proto);
    arena_init(&s->arena);
    s->cut = DATE_NONE;
}

void subject_release(struct subject *sj)
{
    free(sj->lesions);
    free(sj->meas);
    free(sj->sums);
    free(sj->rs);
    free(sj->cm);
    free(sj->pr);
    free(sj->doses);
    free(sj->aes);
    free(sj->ds);
    free(sj->ss);
}

void study_release(struct study *s)
{
    for (size_t i = 0; i < s->n_subjects; i++)
        subject_release(&s->subjects[i]);
    free(s->subjects);
    strmap_release(&s->by_usubjid);
    strmap_release(&s->interned);
    protocol_release(&s->proto);
    arena_release(&s->arena);
    memset(s, 0, sizeof *s);
}

struct subject *study_find(const struct study *s, const char *usubjid)
{
    size_t i;
    if (!strmap_get(&s->by_usubjid, usubjid, &i))
        return NULL;
    return &s->subjects[i];
}

struct subject *study_add(struct study *s, const char *usubjid)
{
    struct subject *sj = VEC_PUSH(s->subjects, s->n_subjects, s->cap_subjects);
    memset(sj, 0, sizeof *sj);
    sj->usubjid = arena_strdup(&s->arena, usubjid);
    sj->age = -1;
    sj->rfstdtc = sj->rfxstdtc = sj->rficdtc = sj->rfendtc = DATE_NONE;
    sj->death = DATE_NONE;
    sj->first_dose = sj->last_dose = sj->origin = sj->last_alive = DATE_NONE;
    sj->alive_at_cut = DATE_NONE;
    strmap_put(&s->by_usubjid, usubjid, s->n_subjects - 1);
    return sj;
}

const char *study_intern(struct study *s, const char *str)
{
    size_t v;
    if (strmap_get(&s->interned, str, &v))
        return (const char *)(uintptr_t)v;
    char *copy = arena_strdup(&s->arena, str);
    strmap_put(&s->interned, str, (size_t)(uintptr_t)copy);
    return copy;
}

int subject_find_lesion(const struct subject *sj, const char *linkid)
{
    for (size_t i = 0; i < sj->n_lesions; i++)
        if (strcmp(sj->lesions[i].linkid, linkid) == 0)
            return (int)i;
    return -1;
}

static int32_t dmax(int32_t a, int32_t b)
{
    if (a == DATE_NONE)
        return b;
    if (b == DATE_NONE)
        return a;
    return a > b ? a : b;
}

static int32_t dmin(int32_t a, int32_t b)
{
    if (a == DATE_NONE)
        return b;
    if (b == DATE_NONE)
        return a;
    return a < b ? a : b;
}

bool dose_given(const struct dose *x)
{
    /* Rule DOSE-GIVEN: a dose counts when it has a start date and EXDOSE
     * above zero, or EXDOSE 0 of a placebo (EXTRT contains PLACEBO), as
     * admiral's exposure derivations count it (h.1). */
    if (x->start == DATE_NONE)
        return false;
    return x->dose > 0 ||
           (x->dose == 0 && x->trt && strstr(x->trt, "PLACEBO") != NULL);
}

bool subject_treated(const struct subject *sj)
{
    for (size_t i = 0; i < sj->n_doses; i++)
        if (dose_given(&sj->doses[i]))
            return true;
    return false;
}

static void finish_subject(const struct protocol *p, struct subject *sj,
                           struct diags *d)
{
    /* First dose: the earliest EXSTDTC of a dose given (dose_given), else
     * RFXSTDTC, else RFSTDTC. Last dose: the latest EXENDTC (else
     * EXSTDTC) of such a dose. */
    int32_t first = DATE_NONE, last = DATE_NONE;
    for (size_t i = 0; i < sj->n_doses; i++) {
        const struct dose *x = &sj->doses[i];
        if (!dose_given(x))
            continue;
        first = dmin(first, x->start);
        last = dmax(last, x->end != DATE_NONE ? x->end : x->start);
    }
    if (first == DATE_NONE)
        first = sj->rfxstdtc != DATE_NONE ? sj->rfxstdtc : sj->rfstdtc;
    sj->first_dose = first;
    sj->last_dose = last;

    /* Rule ORIGIN: the time origin (day 0) is the first DS milestone in
     * origin_milestones, taken in the list's order (ENROLLED before
     * RANDOMIZED by default), else the first dose with a warning;
     * time_origin first_dose makes it the first dose (section 0). */
    sj->origin = DATE_NONE;
    sj->origin_source = ORIGIN_NONE;
    if (p->time_origin == ORIGIN_ENROLMENT) {
        for (size_t m = 0;
             m < p->origin_milestones.n && sj->origin == DATE_NONE; m++) {
            for (size_t i = 0; i < sj->n_ds; i++) {
                const struct ds_event *e = &sj->ds[i];
                if (strcmp(e->decod, p->origin_milestones.items[m]) == 0 &&
                    e->date != DATE_NONE)
                    sj->origin = dmin(sj->origin, e->date);
            }
        }
        if (sj->origin != DATE_NONE)
            sj->origin_source = ORIGIN_MILESTONE;
    }
    if (sj->origin == DATE_NONE && first != DATE_NONE) {
        sj->origin = first;
        sj->origin_source = ORIGIN_FROM_FIRST_DOSE;
        if (p->time_origin == ORIGIN_ENROLMENT && d)
            diags_add(d, SEV_WARNING, D_ORIGIN, "ds.csv", 0, 0,
                      "subject %s has no DS milestone in "
                      "origin_milestones; the time origin is the first "
                      "dose",
                      sj->usubjid);
    }

    sj->last_alive = subject_last_alive(sj);
}

int32_t subject_last_alive(const struct subject *sj)
{
    /* Last known alive: the latest of SS ALIVE, dosing, tumour
     * assessments, AE start/end and DS dates, never after death
     * (data-format.md "Dates that matter"). */
    int32_t la = DATE_NONE;
    for (size_t i = 0; i < sj->n_ss; i++)
        if (strcmp(sj->ss[i].status, "ALIVE") == 0)
            la = dmax(la, sj->ss[i].date);
    for (size_t i = 0; i < sj->n_doses; i++)
        la = dmax(dmax(la, sj->doses[i].start), sj->doses[i].end);
    for (size_t i = 0; i < sj->n_meas; i++)
        la = dmax(la, sj->meas[i].date);
    for (size_t i = 0; i < sj->n_rs; i++)
        la = dmax(la, sj->rs[i].date);
    for (size_t i = 0; i < sj->n_aes; i++)
        la = dmax(dmax(la, sj->aes[i].start), sj->aes[i].end);
    for (size_t i = 0; i < sj->n_ds; i++)
        la = dmax(la, sj->ds[i].date);
    /* A record after the cut-off: alive on the cut-off date (h.5). */
    la = dmax(la, sj->alive_at_cut);
    if (sj->death != DATE_NONE && la != DATE_NONE && la > sj->death)
        la = sj->death;
    /* Rule LAST-ALIVE-ENROLMENT: an enrolled subject was alive at
     * enrolment, so the last date known alive is never before it. */
    int32_t en = subject_enrolled(sj);
    if (la != DATE_NONE && en != DATE_NONE && la < en &&
        (sj->death == DATE_NONE || en <= sj->death))
        la = en;
    return la;
}

void study_finish(struct study *s, struct diags *d)
{
    for (size_t i = 0; i < s->n_subjects; i++)
        finish_subject(&s->proto, &s->subjects[i], d);
}

size_t study_count_lesions(const struct study *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_subjects; i++)
        n += s->subjects[i].n_lesions;
    return n;
}

size_t study_count_measurements(const struct study *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_subjects; i++)
        for (size_t j = 0; j < s->subjects[i].n_meas; j++)
            n += s->subjects[i].meas[j].kind != MV_STATE ||
                 s->subjects[i].meas[j].state != TS_NONE;
    return n;
}

const char *lesion_class_name(enum lesion_class c)
{
    switch (c) {
    case LC_TARGET:
        return "TARGET";
    case LC_NONTARGET:
        return "NON-TARGET";
    case LC_NEW:
        return "NEW";
    default:
        return "";
    }
}

const char *tstate_name(enum tstate s)
{
    switch (s) {
    case TS_PRESENT:
        return "PRESENT";
    case TS_ABSENT:
        return "ABSENT";
    case TS_UNEQUIVOCAL:
        return "UNEQUIVOCAL";
    case TS_EQUIVOCAL:
        return "EQUIVOCAL";
    default:
        return "";
    }
}

const char *diam_test_name(enum diam_test t)
{
    switch (t) {
    case DT_LDIAM:
        return "LDIAM";
    case DT_LPERP:
        return "LPERP";
    case DT_SAXIS:
        return "SAXIS";
    case DT_DIAMETER:
        return "DIAMETER";
    default:
        return "";
    }
}
