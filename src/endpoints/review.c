/*
 * review.c - what the site and the monitor review beside the endpoints:
 * the discrepancies an automatic query is raised for, the enrolment
 * checklist's decision, and the visit schedule with its windows. The web
 * application shows and stores these; the rules are here.
 */
#include "balist/endpoints.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- findings (edit checks) ---- */

struct found {
    struct finding *items;
    size_t n, cap;
};

static struct finding *add(struct found *f)
{
    struct finding *x = VEC_PUSH(f->items, f->n, f->cap);
    memset(x, 0, sizeof *x);
    return x;
}

/* Rule QUERY-RESPONSE: a recorded time-point response (RS OVRLRESP)
 * that differs from the one computed from the measurements
 * (response-criteria.md sections b-e) is queried; the key names the
 * criterion, visit and date, so the query is raised once and closes
 * when the two agree. */
static void on_disagree(void *ctx, enum criterion c, const struct rs_record *x,
                        const struct tp *tp)
{
    struct found *f = ctx;
    struct finding *g = add(f);
    char dd[11];
    date_format(x->date, dd);
    const char *visit = *x->visit ? x->visit : dd;
    snprintf(g->key, sizeof g->key, "response/%s/%s/%s", criterion_name(c),
             visit, dd);
    snprintf(g->visit, sizeof g->visit, "%s", *x->visit ? x->visit : "");
    snprintf(
        g->text, sizeof g->text,
        "The recorded %s response at %s (%s) is %s; BALIST computes %s "
        "from the measurements: %.300s. Please correct the response or the "
        "measurements.",
        criterion_name(c), visit, dd, x->value, resp_name(tp->overall, false),
        tp->reason);
}

/* Rule QUERY-WINDOW: a tumour assessment more than
 * assessment_window_days from its scheduled day (a multiple of
 * assessment_interval_days from the time origin, section 0) is queried. */
static void window_checks(const struct study *s, const struct subject *sj,
                          const struct subject_result *r, struct found *f)
{
    const struct protocol *p = &s->proto;
    int32_t day0 = sj->origin != DATE_NONE ? sj->origin : sj->first_dose;
    if (day0 == DATE_NONE || p->assessment_interval_days <= 0)
        return;
    const struct crit_result *cr[] = {&r->rano, &r->recist};
    for (int c = 0; c < 2; c++) {
        for (size_t t = 1; t < cr[c]->n_tp; t++) {
            const struct tp *x = &cr[c]->tp[t];
            if (x->baseline || x->date == DATE_NONE)
                continue;
            bool seen = false; /* one finding per assessment */
            for (size_t k = 0; k < f->n && !seen; k++) {
                char dd[11];
                date_format(x->date, dd);
                seen = !strncmp(f->items[k].key, "window/", 7) &&
                       strstr(f->items[k].key, dd);
            }
            if (seen)
                continue;
            int32_t day = x->date - day0;
            int k = (int)lround((double)day / p->assessment_interval_days);
            if (k < 1)
                k = 1;
            int32_t due = k * p->assessment_interval_days;
            if (labs((long)(day - due)) <= p->assessment_window_days)
                continue;
            struct finding *g = add(f);
            char dd[11];
            date_format(x->date, dd);
            snprintf(g->key, sizeof g->key, "window/%s", dd);
            snprintf(g->visit, sizeof g->visit, "%s", x->visit ? x->visit : "");
            snprintf(g->text, sizeof g->text,
                     "The tumour assessment %s on %s is on day %d; the "
                     "schedule puts it on day %d +/- %d days. Please confirm "
                     "the date or record the deviation.",
                     x->visit ? x->visit : "", dd, (int)day, (int)due,
                     p->assessment_window_days);
        }
    }
}

/* Rule QUERY-AE: an adverse event needs a CTCAE grade 1-5 (section i).
 * (A grade without a term, or an end before the start, is the loader's
 * error: refused at entry with its reason, never saved, so no query.) */
static void ae_checks(const struct subject *sj, struct found *f)
{
    for (size_t i = 0; i < sj->n_aes; i++) {
        const struct ae *a = &sj->aes[i];
        const char *term = a->term && *a->term ? a->term : "(no term)";
        if (a->grade < 1 || a->grade > 5) {
            struct finding *g = add(f);
            snprintf(g->key, sizeof g->key, "ae-grade/%ld/%s", a->seq, term);
            snprintf(g->text, sizeof g->text,
                     "Adverse event %ld '%s' has no CTCAE grade (1 to 5).",
                     a->seq, term);
        }
    }
}

/* Whether any of the AE's actions (AEACN or a per-drug SUPPAE qualifier)
 * is s. */
static bool ae_action_is(const struct ae *a, const char *s)
{
    if (a->acn && !strcmp(a->acn, s))
        return true;
    for (size_t q = 0; q < a->n_quals; q++)
        if (a->quals[q].qval && !strcmp(a->quals[q].qval, s))
            return true;
    return false;
}

/* The line of the subject's first record of a kind, for messages. */
struct monitor_hit {
    const char *file;
    long line;
};

/* Rule QUERY-MONITOR: what a monitor checks across domains: (1) a dose
 * adjusted for an adverse event (EXADJ names one) below the protocol's
 * planned dose needs an AE whose action is DOSE REDUCED; (2) a death
 * within teae_window_days of the last dose needs a fatal AE (grade 5 or
 * AEOUT FATAL); (3) a death needs its cause (Rule DEATH-CAUSE: a fatal
 * AE, or a DS DEATH record whose DSTERM says more than DEATH; section i);
 * (4) an independent review reads one subject with one reader: rows of
 * different readers (--EVALID) mix their measurements (data-format.md
 * "Which records count"; independent_reads one_reader takes one). */
static size_t monitor_checks(const struct study *s, const struct subject *sj,
                             struct found *f, struct monitor_hit *hit)
{
    const struct protocol *p = &s->proto;
    size_t n0 = f->n;
    bool reduced_ae = false, fatal = false;
    for (size_t i = 0; i < sj->n_aes; i++) {
        reduced_ae = reduced_ae || ae_action_is(&sj->aes[i], "DOSE REDUCED");
        fatal = fatal || ae_is_fatal(&sj->aes[i]);
    }
    for (size_t i = 0; i < sj->n_doses && !reduced_ae; i++) {
        const struct dose *x = &sj->doses[i];
        if (!x->adj || !strstr(x->adj, "ADVERSE"))
            continue;
        double plan = NAN;
        for (size_t k = 0; k < p->n_drugs; k++)
            if (!strcmp(p->drugs[k].name, x->trt))
                plan = p->drugs[k].planned_dose;
        if (!(x->dose < plan * 0.999))
            continue;
        struct finding *g = add(f);
        char dd[11];
        date_format(x->start, dd);
        snprintf(g->key, sizeof g->key, "dose-reduced-no-ae/%s/%s", x->trt, dd);
        snprintf(g->visit, sizeof g->visit, "%s", x->visit ? x->visit : "");
        snprintf(g->text, sizeof g->text,
                 "%s was reduced to %g %s on %s for an adverse event "
                 "(EXADJ), but no adverse event has the action DOSE "
                 "REDUCED.",
                 x->trt, x->dose, x->unit ? x->unit : "", dd);
        hit[f->n - n0 - 1] = (struct monitor_hit){"ex.csv", x->line};
        break; /* once per subject: the first such dose */
    }
    if (sj->death != DATE_NONE) {
        char dd[11];
        date_format(sj->death, dd);
        if (!fatal && sj->last_dose != DATE_NONE &&
            sj->death - sj->last_dose <= p->teae_window_days) {
            struct finding *g = add(f);
            snprintf(g->key, sizeof g->key, "death-no-fatal-ae/%s", dd);
            snprintf(g->text, sizeof g->text,
                     "Death on %s, %d days after the last dose (within %d), "
                     "but no adverse event is fatal (grade 5 or outcome "
                     "FATAL).",
                     dd, (int)(sj->death - sj->last_dose), p->teae_window_days);
            hit[f->n - n0 - 1] = (struct monitor_hit){"dm.csv", sj->dm_line};
        }
        if (subject_death_cause(p, sj, NULL) == DEATH_UNKNOWN) {
            struct finding *g = add(f);
            snprintf(g->key, sizeof g->key, "death-no-cause/%s", dd);
            snprintf(g->text, sizeof g->text,
                     "Death on %s without a recorded cause (no fatal adverse "
                     "event, no DS DEATH record whose DSTERM names it).",
                     dd);
            hit[f->n - n0 - 1] = (struct monitor_hit){"dm.csv", sj->dm_line};
        }
    }
    /* (4) one reader per subject. */
    const struct reader_seen *other = NULL;
    for (size_t i = 1; i < sj->n_readers && !other; i++)
        if (strcmp(sj->readers[i].id, sj->readers[0].id))
            other = &sj->readers[i];
    if (other) {
        char list[360] = "";
        size_t len = 0;
        for (size_t i = 0; i < sj->n_readers && len < sizeof list; i++)
            len += (size_t)snprintf(
                list + len, sizeof list - len,
                "%s%s (%ld %s row%s from line %ld)", i ? ", " : "",
                sj->readers[i].id, sj->readers[i].rows, sj->readers[i].file,
                sj->readers[i].rows == 1 ? "" : "s", sj->readers[i].line);
        struct finding *g = add(f);
        snprintf(g->key, sizeof g->key, "mixed-readers/%s/%s",
                 sj->readers[0].id, other->id);
        snprintf(g->text, sizeof g->text,
                 "The independent reads come from different readers: %s; "
                 "the responses mix one reader's measurements with "
                 "another's (protocol independent_reads one_reader takes "
                 "the reads of the reader of the accepted lesion "
                 "identification).",
                 list);
        hit[f->n - n0 - 1] = (struct monitor_hit){other->file, other->line};
    }
    return f->n - n0;
}

void endpoints_monitor_check(const struct study *s, struct diags *d)
{
    for (size_t i = 0; i < s->n_subjects; i++) {
        const struct subject *sj = &s->subjects[i];
        struct found f = {NULL, 0, 0};
        struct monitor_hit hit[4];
        size_t n = monitor_checks(s, sj, &f, hit);
        for (size_t k = 0; k < n; k++)
            diags_add(d, SEV_WARNING, D_MONITOR, hit[k].file, hit[k].line, 0,
                      "subject %s: %s", sj->usubjid, f.items[k].text);
        free(f.items);
    }
}

size_t endpoints_findings(const struct study *s, const struct subject *sj,
                          const struct subject_result *r, struct finding **out)
{
    struct found f = {NULL, 0, 0};
    crit_compare_subject(s, sj, on_disagree, &f);
    window_checks(s, sj, r, &f);
    ae_checks(sj, &f);
    struct monitor_hit hit[4];
    monitor_checks(s, sj, &f, hit);
    *out = f.items;
    return f.n;
}

/* ---- the enrolment checklist ---- */

static struct elig_item *item(struct eligibility_result *r, const char *code,
                              bool inclusion, const char *label)
{
    struct elig_item *x = &r->items[r->n++];
    memset(x, 0, sizeof *x);
    x->code = code;
    x->inclusion = inclusion;
    x->label = label;
    return x;
}

/* A yes/no answer: known when not TRI_UNKNOWN; met when it equals want. */
static void yes_no(struct elig_item *x, enum tri v, enum tri want,
                   const char *if_not)
{
    x->known = v != TRI_UNKNOWN;
    x->met = v == want;
    if (!x->known)
        snprintf(x->why, sizeof x->why, "not answered");
    else if (!x->met)
        snprintf(x->why, sizeof x->why, "%s", if_not);
}

/* Rule ELIGIBILITY: eligible when every item is answered and met:
 * age >= elig_min_age; written consent; ER-, PR- and HER2-negative
 * (TNBC); the largest brain metastasis >= elig_min_brain_met_mm (RANO-BM
 * measurable); ECOG <= elig_max_ecog; adequate organ function; no
 * corticosteroids or a dose stable for >= elig_steroid_stable_days; no
 * prior TROP2-directed ADC and no prior PD-1/VEGF bispecific. An
 * unanswered item makes the decision incomplete, not negative. */
void eligibility_decide(const struct protocol *p, const struct eligibility *e,
                        struct eligibility_result *r)
{
    memset(r, 0, sizeof *r);
    struct elig_item *x = item(r, "IN01", true, "Age at least the minimum");
    x->known = e->age >= 0;
    x->met = x->known && e->age >= p->elig_min_age;
    if (!x->known)
        snprintf(x->why, sizeof x->why, "not answered");
    else if (!x->met)
        snprintf(x->why, sizeof x->why, "age %d < %d", e->age, p->elig_min_age);
    yes_no(item(r, "IN02", true, "Written informed consent"), e->consent,
           TRI_YES, "no written consent");
    /* TNBC: ER and PR negative, HER2-negative. */
    yes_no(item(r, "IN03", true, "Oestrogen receptor negative"), e->er_negative,
           TRI_YES, "ER positive: not triple-negative");
    yes_no(item(r, "IN04", true, "Progesterone receptor negative"),
           e->pr_negative, TRI_YES, "PR positive: not triple-negative");
    yes_no(item(r, "IN05", true, "HER2-negative"), e->her2_negative, TRI_YES,
           "HER2-positive: not triple-negative");
    /* At least one measurable brain metastasis (RANO-BM: >= 10 mm). */
    x = item(r, "IN06", true, "A measurable brain metastasis");
    x->known = !isnan(e->brain_met_mm);
    x->met = x->known && e->brain_met_mm >= p->elig_min_brain_met_mm;
    if (!x->known)
        snprintf(x->why, sizeof x->why, "not answered");
    else if (!x->met)
        snprintf(x->why, sizeof x->why,
                 "largest brain metastasis %.1f mm < %.1f mm", e->brain_met_mm,
                 p->elig_min_brain_met_mm);
    x = item(r, "IN07", true, "ECOG performance status");
    x->known = e->ecog >= 0;
    x->met = x->known && e->ecog <= p->elig_max_ecog;
    if (!x->known)
        snprintf(x->why, sizeof x->why, "not answered");
    else if (!x->met)
        snprintf(x->why, sizeof x->why, "ECOG %d > %d", e->ecog,
                 p->elig_max_ecog);
    yes_no(item(r, "IN08", true, "Adequate organ function"), e->organ_function,
           TRI_YES, "organ function not adequate");
    x = item(r, "IN09", true, "Corticosteroid dose stable or none");
    x->known = e->steroid_stable_days >= 0 || e->no_steroids == TRI_YES;
    x->met = e->no_steroids == TRI_YES ||
             (e->steroid_stable_days >= 0 &&
              e->steroid_stable_days >= p->elig_steroid_stable_days);
    if (!x->known)
        snprintf(x->why, sizeof x->why, "not answered");
    else if (!x->met)
        snprintf(x->why, sizeof x->why, "steroid dose stable for %d days < %d",
                 e->steroid_stable_days, p->elig_steroid_stable_days);
    yes_no(item(r, "EX01", false,
                "Prior TROP2-directed antibody-drug "
                "conjugate"),
           e->prior_trop2_adc, TRI_NO, "prior TROP2-directed ADC");
    yes_no(item(r, "EX02", false, "Prior PD-1/VEGF bispecific antibody"),
           e->prior_pd1_vegf, TRI_NO, "prior PD-1/VEGF bispecific");
    size_t unknown = 0, failed = 0;
    for (size_t i = 0; i < r->n; i++) {
        unknown += !r->items[i].known;
        failed += r->items[i].known && !r->items[i].met;
    }
    r->complete = unknown == 0;
    r->eligible = r->complete && failed == 0;
    if (r->eligible) {
        snprintf(r->reason, sizeof r->reason,
                 "eligible: all 9 inclusion criteria met and neither "
                 "exclusion criterion applies");
        return;
    }
    snprintf(r->reason, sizeof r->reason, "%s",
             failed ? "not eligible:" : "incomplete: not answered:");
    for (size_t i = 0; i < r->n; i++) {
        const struct elig_item *y = &r->items[i];
        if (failed ? y->known && !y->met : !y->known) {
            size_t len = strlen(r->reason);
            snprintf(r->reason + len, sizeof r->reason - len, " %s %s;",
                     y->code, failed ? y->why : y->label);
        }
    }
    size_t len = strlen(r->reason);
    if (len && r->reason[len - 1] == ';')
        r->reason[len - 1] = 0;
}

/* ---- the visit schedule ---- */

static void sched_add(struct sched_visit **v, size_t *n, size_t *cap,
                      const char *kind, int num, int32_t due, int tol,
                      int32_t done, int32_t today)
{
    struct sched_visit *x = VEC_PUSH(*v, *n, *cap);
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->number = num;
    x->due = due;
    x->lo = due - tol;
    x->hi = due + tol;
    x->done = done;
    x->overdue = done == DATE_NONE && today != DATE_NONE && today > x->hi;
    x->late = done != DATE_NONE && done > x->hi;
    x->early = done != DATE_NONE && done < x->lo;
}

/* A cycle's doses: every dose from its day 1 up to the next cycle's
 * (day-8 doses belong to their cycle), against the protocol's planned
 * dose (a dose below it is a reduction, as the safety tables count one). */
static void cycle_doses(const struct protocol *p, const struct subject *sj,
                        struct sched_visit *x, int32_t from, int32_t to)
{
    for (size_t k = 0; k < sj->n_doses && x->n_doses < SCHED_DOSES; k++) {
        const struct dose *d = &sj->doses[k];
        if (d->start == DATE_NONE || d->start < from ||
            (to != DATE_NONE && d->start >= to))
            continue;
        double planned = NAN;
        for (size_t j = 0; j < p->n_drugs; j++)
            if (!strcmp(p->drugs[j].name, d->trt))
                planned = p->drugs[j].planned_dose;
        x->doses[x->n_doses] = d;
        x->planned[x->n_doses] = planned;
        x->reduced[x->n_doses] =
            !isnan(planned) && !isnan(d->dose) && d->dose < planned * 0.999;
        x->n_doses++;
    }
}

/* The first dose on or after day (DATE_NONE when none). */
static int32_t first_dose_from(const struct subject *sj, int32_t day)
{
    int32_t best = DATE_NONE;
    for (size_t k = 0; k < sj->n_doses; k++) {
        int32_t d = sj->doses[k].start;
        if (d != DATE_NONE && d >= day && (best == DATE_NONE || d < best))
            best = d;
    }
    return best;
}

/* Rule SCHEDULE: cycle 1 begins with the first dose; each next cycle is
 * due cycle_days after the previous cycle's actual day 1 (a delay moves
 * every later cycle), +/- delay_tolerance_days; it begins with the first
 * dose at least half a cycle after that day 1, so a day-8 dose belongs to
 * its cycle and the cycles counted are the day-1 doses recorded. A day 1
 * outside the window is early or late; while on treatment, the cycle
 * after the last is due, overdue once its window has passed. Imaging every
 * assessment_interval_days from the origin, +/- assessment_window_days,
 * until the first progression or death. */
size_t subject_schedule(const struct study *s, const struct subject *sj,
                        const struct subject_result *r, int32_t today,
                        struct sched_visit **out)
{
    const struct protocol *p = &s->proto;
    struct sched_visit *v = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    int32_t day0 = sj->origin != DATE_NONE ? sj->origin : sj->first_dose;
    if (day0 == DATE_NONE)
        return 0;
    enum subject_status st = subject_status(p, sj, r, today);
    int32_t stop = today;
    if (sj->death != DATE_NONE && (stop == DATE_NONE || sj->death < stop))
        stop = sj->death;
    int32_t off = subject_off_study(p, sj, today); /* no longer followed */
    if (off != DATE_NONE && (stop == DATE_NONE || off < stop))
        stop = off;
    if (sj->first_dose != DATE_NONE) {
        int32_t due = sj->first_dose, day1 = sj->first_dose;
        int half = (p->cycle_days + 1) / 2, c = 1;
        for (; c < 10000 && day1 != DATE_NONE; c++) {
            int32_t next = first_dose_from(sj, day1 + half);
            sched_add(&v, &n, &cap, "dosing", c, due, p->delay_tolerance_days,
                      day1, today);
            cycle_doses(p, sj, &v[n - 1], day1, next);
            due = day1 + p->cycle_days;
            day1 = next;
        }
        /* The next cycle, while on treatment. */
        if (st == SUBJ_ON_TREATMENT &&
            (stop == DATE_NONE || due <= stop + p->cycle_days))
            sched_add(&v, &n, &cap, "dosing", c, due, p->delay_tolerance_days,
                      DATE_NONE, today);
    }
    /* Imaging every assessment_interval_days +/- the window, until
     * progression (either criterion) or death. */
    int32_t pd = DATE_NONE;
    const struct crit_result *cr[] = {&r->rano, &r->recist};
    for (int c = 0; c < 2; c++)
        for (size_t t = 1; t < cr[c]->n_tp; t++)
            if (cr[c]->tp[t].overall == RESP_PD &&
                (pd == DATE_NONE || cr[c]->tp[t].date < pd))
                pd = cr[c]->tp[t].date;
    for (int k = 1; p->assessment_interval_days > 0; k++) {
        int32_t due = day0 + k * p->assessment_interval_days;
        if ((pd != DATE_NONE && due - p->assessment_window_days > pd) ||
            (stop != DATE_NONE && due > stop + p->assessment_interval_days) ||
            (stop == DATE_NONE && k > 1000))
            break;
        int32_t done = DATE_NONE;
        for (int c = 0; c < 2 && done == DATE_NONE; c++)
            for (size_t t = 1; t < cr[c]->n_tp; t++) {
                int32_t d = cr[c]->tp[t].date;
                if (!cr[c]->tp[t].baseline && d != DATE_NONE &&
                    d >= due - p->assessment_interval_days / 2 &&
                    d < due + p->assessment_interval_days / 2) {
                    done = d;
                    break;
                }
            }
        sched_add(&v, &n, &cap, "imaging", k, due, p->assessment_window_days,
                  done, today);
    }
    *out = v;
    return n;
}
