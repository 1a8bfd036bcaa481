/*
 * safety.c - adverse events and exposure (shared/spec/response-criteria.md
 * section i; data-format.md "Safety"): the adae records (treatment-emergent
 * flag, imputed dates with flags, relatedness and action per drug, worst
 * grade per subject and term) and the tables of a trial publication:
 * overview, TEAEs by system organ class and preferred term (any grade and
 * grade 3 or more, each subject once at the worst grade, by frequency),
 * treatment-related TEAEs (either drug, each drug), AEs of special
 * interest, exposure per drug, deaths. Percentages use the safety
 * population (all-treated) as denominator.
 */
#include "balist/endpoints.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deaths ---- */

bool ae_is_fatal(const struct ae *a)
{
    return a->grade == 5 || (a->out && !strcmp(a->out, "FATAL"));
}

/* Whether needle occurs in hay, case ignored. */
static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t k = 0;
        while (k < n && hay[k] &&
               toupper((unsigned char)hay[k]) ==
                   toupper((unsigned char)needle[k]))
            k++;
        if (k == n)
            return true;
    }
    return n == 0;
}

static bool names_progression(const struct protocol *p, const char *text)
{
    if (!text)
        return false;
    for (size_t i = 0; i < p->death_progression_terms.n; i++)
        if (contains_nocase(text, p->death_progression_terms.items[i]))
            return true;
    return false;
}

/* Rule DEATH-CAUSE: a death is from disease progression when its DS
 * DEATH record's DSTERM, or a fatal AE's term, names progression
 * (death_progression_terms); else from an adverse event when an AE is
 * fatal (grade 5 or AEOUT FATAL); else from another cause when DSTERM
 * says more than DEATH; else its cause is not recorded (section i). */
enum death_cause subject_death_cause(const struct protocol *p,
                                     const struct subject *sj,
                                     const char **term)
{
    const char *ds_term = NULL, *ae_term = NULL;
    if (term)
        *term = NULL;
    if (sj->death == DATE_NONE)
        return DEATH_ALIVE;
    for (size_t i = 0; i < sj->n_ds; i++) {
        const char *t = sj->ds[i].term;
        if (!strcmp(sj->ds[i].decod, "DEATH") && t && *t &&
            !(contains_nocase(t, "DEATH") && strlen(t) == 5) && !ds_term)
            ds_term = t;
    }
    for (size_t i = 0; i < sj->n_aes; i++) {
        const struct ae *a = &sj->aes[i];
        if (!ae_is_fatal(a))
            continue;
        const char *t = a->decod && *a->decod ? a->decod : a->term;
        if (!ae_term || names_progression(p, t))
            ae_term = t;
    }
    enum death_cause c = DEATH_UNKNOWN;
    const char *why = NULL;
    if (names_progression(p, ds_term))
        c = DEATH_PROGRESSION, why = ds_term;
    else if (names_progression(p, ae_term))
        c = DEATH_PROGRESSION, why = ae_term;
    else if (ae_term)
        c = DEATH_AE, why = ae_term;
    else if (ds_term)
        c = DEATH_OTHER, why = ds_term;
    if (term)
        *term = why;
    return c;
}

const char *death_cause_name(enum death_cause c)
{
    static const char *const names[DEATH_N] = {
        "", "disease progression", "adverse event", "other", "not recorded"};
    return c < DEATH_N ? names[c] : "";
}

/* ---- one adverse event, derived ---- */

static const char *qual(const struct ae *a, const char *qnam)
{
    if (!qnam || !*qnam)
        return NULL;
    for (size_t i = 0; i < a->n_quals; i++)
        if (!strcmp(a->quals[i].qnam, qnam))
            return a->quals[i].qval;
    return NULL;
}

/* Rule TRAE: investigator causality related (related / probably /
 * possibly / definitely) to either drug; a missing causality counts as
 * related (section i, conservative). */
static bool related(const char *v, bool *missing)
{
    *missing = !v || !*v;
    if (*missing)
        return true;
    static const char *const no[] = {
        "NOT RELATED", "UNRELATED", "UNLIKELY", "UNLIKELY RELATED",
        "N",           "NO",        "NONE",     NULL};
    for (int i = 0; no[i]; i++)
        if (!strcmp(v, no[i]))
            return false;
    return true;
}

static enum ae_action action_of(const char *v)
{
    if (!v || !*v)
        return ACT_UNKNOWN;
    if (strstr(v, "WITHDRAWN") || strstr(v, "DISCONTINUED"))
        return ACT_WITHDRAWN;
    if (strstr(v, "REDUCED"))
        return ACT_REDUCED;
    if (strstr(v, "INTERRUPTED") || strstr(v, "DELAYED") || strstr(v, "HELD"))
        return ACT_INTERRUPTED;
    if (strstr(v, "NOT CHANGED") || strstr(v, "NOT APPLICABLE"))
        return ACT_NONE;
    return ACT_UNKNOWN;
}

static const char *date_flag(struct pdate p)
{
    /* ADaM --DTF: the highest imputed level. */
    if (!p.year || (p.month && p.day))
        return NULL;
    return p.month ? "D" : "M";
}

void ae_derive(const struct study *s, const struct subject *sj,
               const struct ae *a, struct ae_derived *o)
{
    const struct protocol *p = &s->proto;
    memset(o, 0, sizeof *o);
    o->ae = a;
    o->grade = a->grade;
    o->serious = !strcmp(a->ser, "Y");
    o->fatal = ae_is_fatal(a);
    o->astdtf = date_flag(a->start_raw);
    o->aendtf = date_flag(a->end_raw);
    /* Per-drug relatedness and action (SUPPAE or flattened columns);
     * AEACN MULTIPLE defers to them, any other AEACN applies to all. */
    o->rel_any = false;
    for (size_t k = 0; k < p->n_drugs && k < MAX_DRUGS; k++) {
        const char *rv = qual(a, p->drugs[k].rel_qnam);
        bool miss;
        o->rel[k] = related(rv ? rv : (*a->rel ? a->rel : NULL), &miss);
        o->rel_missing[k] = miss;
        o->rel_any = o->rel_any || o->rel[k];
        const char *av = qual(a, p->drugs[k].acn_qnam);
        o->act[k] = action_of(av                           ? av
                              : strcmp(a->acn, "MULTIPLE") ? a->acn
                                                           : NULL);
    }
    /* Rule TEAE: treatment-emergent is an onset from the first dose up to
     * teae_window_days after the last (irae_window_days for immune-related
     * terms), or any time after the first dose if treatment-related
     * (section i). */
    int32_t fd = sj->first_dose;
    int32_t ld = sj->last_dose != DATE_NONE ? sj->last_dose : fd;
    bool irae = strlist_has(&p->irae_terms, a->decod);
    int window = irae ? p->irae_window_days : p->teae_window_days;
    char d1[11], d2[11];
    if (fd == DATE_NONE) {
        o->trtem = false;
        reason_set(o->reason, sizeof o->reason,
                   "not treatment-emergent: "
                   "the subject was not dosed");
    } else if (a->start == DATE_NONE) {
        o->trtem = true;
        reason_set(o->reason, sizeof o->reason,
                   "treatment-emergent: no onset date (counted, "
                   "conservatively)");
    } else if (a->start < fd) {
        o->trtem = false;
        date_format(a->start, d1);
        date_format(fd, d2);
        reason_set(o->reason, sizeof o->reason,
                   "not treatment-emergent: onset %s before the first dose "
                   "%s",
                   d1, d2);
    } else if (a->start <= ld + window) {
        o->trtem = true;
        date_format(a->start, d1);
        date_format(ld, d2);
        reason_set(o->reason, sizeof o->reason,
                   "treatment-emergent: onset %s on or after the first dose "
                   "and within %d days of the last dose %s%s",
                   d1, window, d2, irae ? " (immune-related window)" : "");
    } else if (o->rel_any) {
        o->trtem = true;
        date_format(a->start, d1);
        reason_set(o->reason, sizeof o->reason,
                   "treatment-emergent: onset %s after the %d-day window, "
                   "but treatment-related",
                   d1, window);
    } else {
        o->trtem = false;
        date_format(a->start, d1);
        date_format(ld, d2);
        reason_set(o->reason, sizeof o->reason,
                   "not treatment-emergent: onset %s more than %d days after "
                   "the last dose %s and not related",
                   d1, window, d2);
    }
    if (o->astdtf)
        reason_append(o->reason, sizeof o->reason,
                      "; onset imputed from '%s' (earliest day not before "
                      "the first dose)",
                      a->start_raw.month ? "YYYY-MM" : "YYYY");
    /* Grade 3 or more; a missing grade counts only when the AE is serious
     * or fatal (i). */
    o->g3 = a->grade >= 3 || (a->grade == 0 && (o->serious || o->fatal));
}

/* ---- counting subjects ---- */

struct counter {
    const char *key; /* SOC \x1f PT, or a group */
    const char *soc, *pt;
    size_t any, g3;
    size_t last_subject_any, last_subject_g3; /* dedup: subject index + 1 */
};

struct counts {
    struct counter *c;
    size_t n, cap;
    struct strmap idx;
};

static void counts_init(struct counts *c)
{
    memset(c, 0, sizeof *c);
    strmap_init(&c->idx);
}

static void counts_release(struct counts *c)
{
    free(c->c);
    strmap_release(&c->idx);
}

/* Counts a subject once per key, in "any grade" and, if g3, in "grade 3
 * or more" (the worst grade decides). */
static void count(struct counts *c, const char *soc, const char *pt,
                  size_t subj, bool g3)
{
    char key[512];
    snprintf(key, sizeof key, "%s\x1f%s", soc, pt);
    size_t i;
    if (!strmap_get(&c->idx, key, &i)) {
        i = c->n;
        struct counter *x = VEC_PUSH(c->c, c->n, c->cap);
        memset(x, 0, sizeof *x);
        x->soc = soc;
        x->pt = pt;
        strmap_put(&c->idx, key, i);
    }
    struct counter *x = &c->c[i];
    if (x->last_subject_any != subj + 1) {
        x->last_subject_any = subj + 1;
        x->any++;
    }
    if (g3 && x->last_subject_g3 != subj + 1) {
        x->last_subject_g3 = subj + 1;
        x->g3++;
    }
}

static size_t find(const struct counts *c, const char *soc, const char *pt)
{
    char key[512];
    snprintf(key, sizeof key, "%s\x1f%s", soc, pt);
    size_t i;
    return strmap_get(&c->idx, key, &i) ? i : SIZE_MAX;
}

static const char *const safety_cols[] = {
    "TABLE",  "SECTION", "ITEM",   "N",   "n",   "PCT", "n_G3",
    "PCT_G3", "VALUE",   "MEDIAN", "MIN", "MAX", NULL};

static void crit_pct(struct table *t, size_t r, const char *col, size_t n,
                     size_t N)
{
    if (N)
        table_setf(t, r, col, "%.1f", 100.0 * (double)n / (double)N);
}

static size_t srow(struct table *t, const char *table, const char *sec,
                   const char *item, size_t N, size_t n)
{
    size_t r = table_add_row(t);
    table_set(t, r, "TABLE", table);
    table_set(t, r, "SECTION", sec);
    table_set(t, r, "ITEM", item);
    table_set_int(t, r, "N", (long)N);
    table_set_int(t, r, "n", (long)n);
    crit_pct(t, r, "PCT", n, N);
    return r;
}

static void g3cells(struct table *t, size_t r, size_t n, size_t N)
{
    table_set_int(t, r, "n_G3", (long)n);
    crit_pct(t, r, "PCT_G3", n, N);
}

static const struct counts *sort_counts;

/* By subjects (any grade), then grade 3+, then name. */
static int cmp_counter(const void *a, const void *b)
{
    const struct counter *x = &sort_counts->c[*(const size_t *)a];
    const struct counter *y = &sort_counts->c[*(const size_t *)b];
    if (x->any != y->any)
        return x->any > y->any ? -1 : 1;
    if (x->g3 != y->g3)
        return x->g3 > y->g3 ? -1 : 1;
    int c = strcmp(x->soc, y->soc);
    return c ? c : strcmp(x->pt, y->pt);
}

/* A SOC / PT table from counters keyed (SOC, "") for the SOC rows and
 * (SOC, PT) for the terms; SOCs by frequency, terms by frequency within
 * their SOC. */
static void soc_pt_table(struct table *t, const char *name,
                         const struct counts *c, size_t N, size_t any,
                         size_t any_g3)
{
    size_t r = srow(t, name, "", "Any", N, any);
    g3cells(t, r, any_g3, N);
    size_t *socs = malloc((c->n + 1) * sizeof *socs), ns = 0;
    for (size_t i = 0; i < c->n; i++)
        if (!*c->c[i].pt)
            socs[ns++] = i;
    sort_counts = c;
    qsort(socs, ns, sizeof *socs, cmp_counter);
    size_t *pts = malloc((c->n + 1) * sizeof *pts);
    for (size_t k = 0; k < ns; k++) {
        const struct counter *s = &c->c[socs[k]];
        r = srow(t, name, s->soc, "Any", N, s->any);
        g3cells(t, r, s->g3, N);
        size_t np = 0;
        for (size_t i = 0; i < c->n; i++)
            if (*c->c[i].pt && !strcmp(c->c[i].soc, s->soc))
                pts[np++] = i;
        qsort(pts, np, sizeof *pts, cmp_counter);
        for (size_t j = 0; j < np; j++) {
            const struct counter *p = &c->c[pts[j]];
            r = srow(t, name, s->soc, p->pt, N, p->any);
            g3cells(t, r, p->g3, N);
        }
    }
    free(pts);
    free(socs);
}

/* ---- exposure ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void median_range(struct table *t, const char *table, const char *sec,
                         const char *item, double *v, size_t n, size_t N,
                         int decimals)
{
    size_t r = srow(t, table, sec, item, N, n);
    if (!n)
        return;
    qsort(v, n, sizeof *v, cmp_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    table_setf(t, r, "VALUE", "%.*f (%.*f-%.*f)", decimals, med, decimals, v[0],
               decimals, v[n - 1]);
    /* The same numbers, each in its own cell (a spreadsheet computes). */
    table_setf(t, r, "MEDIAN", "%.*f", decimals, med);
    table_setf(t, r, "MIN", "%.*f", decimals, v[0]);
    table_setf(t, r, "MAX", "%.*f", decimals, v[n - 1]);
}

struct drug_exposure {
    bool treated;
    double cycles, duration_days, cumulative, rdi;
    bool reduced, delayed;
};

static int cmp_dose(const void *a, const void *b)
{
    const struct dose *x = *(const struct dose *const *)a;
    const struct dose *y = *(const struct dose *const *)b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Rule EXPOSURE: exposure of one subject to one drug (i): cycles,
 * duration = last dose - first dose + cycle length, cumulative dose,
 * relative dose intensity =
 * (cumulative / duration) / (planned dose x doses per cycle / cycle
 * length), a dose below the planned one (reduction), a cycle starting more
 * than delay_tolerance_days late (delay). */
static void exposure(const struct protocol *p, const struct subject *sj,
                     const struct drug *dr, struct drug_exposure *o)
{
    memset(o, 0, sizeof *o);
    const struct dose **d = malloc((sj->n_doses + 1) * sizeof *d);
    size_t n = 0;
    for (size_t i = 0; i < sj->n_doses; i++)
        if (!strcmp(sj->doses[i].trt, dr->name) && sj->doses[i].dose > 0 &&
            sj->doses[i].start != DATE_NONE &&
            (p->data_cutoff == DATE_NONE ||
             sj->doses[i].start <= p->data_cutoff)) /* known at the cut-off */
            d[n++] = &sj->doses[i];
    if (!n) {
        free(d);
        return;
    }
    qsort(d, n, sizeof *d, cmp_dose);
    o->treated = true;
    int32_t cycle_start = d[0]->start;
    o->cycles = 1;
    for (size_t i = 0; i < n; i++) {
        o->cumulative += d[i]->dose;
        if (dr->planned_dose > 0 && d[i]->dose < dr->planned_dose * 0.999)
            o->reduced = true;
        /* A new cycle: more than half a cycle after the current one's
         * first dose (day-8 doses stay in their cycle). */
        if (i && d[i]->start - cycle_start > p->cycle_days / 2) {
            if (d[i]->start - cycle_start >
                p->cycle_days + p->delay_tolerance_days)
                o->delayed = true;
            cycle_start = d[i]->start;
            o->cycles++;
        }
    }
    o->duration_days = (double)(d[n - 1]->start - d[0]->start) + p->cycle_days;
    double planned = dr->planned_dose * dr->doses_per_cycle / p->cycle_days;
    o->rdi =
        planned > 0 ? 100 * (o->cumulative / o->duration_days) / planned : NAN;
    free(d);
}

/* ---- the tables ---- */

void safety_tables(const struct study *s, struct table *t)
{
    const struct protocol *p = &s->proto;
    table_init(t, "safety", safety_cols);
    size_t N = 0;
    for (size_t i = 0; i < s->n_subjects; i++)
        N += subject_treated(&s->subjects[i]);
    size_t nd = p->n_drugs < MAX_DRUGS ? p->n_drugs : MAX_DRUGS;
    /* Overview counters. */
    size_t any = 0, g3 = 0, ser = 0, fatal = 0, rel = 0, rel_g3 = 0,
           disc_all = 0, reduce = 0, interrupt = 0;
    size_t disc[MAX_DRUGS] = {0};
    struct counts all, relc[1 + MAX_DRUGS], aesi;
    counts_init(&all);
    counts_init(&aesi);
    size_t rel_any_n[1 + MAX_DRUGS] = {0}, rel_g3_n[1 + MAX_DRUGS] = {0};
    for (size_t k = 0; k <= nd; k++)
        counts_init(&relc[k]);
    size_t deaths = 0, deaths_on = 0, deaths_ae = 0, by_cause[DEATH_N] = {0};
    size_t subj_idx = 0;
    for (size_t i = 0; i < s->n_subjects; i++) {
        const struct subject *sj = &s->subjects[i];
        /* The all-treated set, as SAFFL (endpoints_subject). */
        if (!subject_treated(sj))
            continue;
        size_t si = subj_idx++;
        bool f_any = false, f_g3 = false, f_ser = false, f_fatal = false,
             f_rel = false, f_rel_g3 = false, f_red = false, f_int = false,
             f_disc_all = false;
        bool f_disc[MAX_DRUGS] = {false};
        bool f_rel_drug[MAX_DRUGS] = {false},
             f_rel_drug_g3[MAX_DRUGS] = {false};
        bool fatal_ae = false;
        /* Rule WORST-GRADE: each subject counts once per SOC and PT (and
         * in "any"), at the worst grade; incidence is subjects over the
         * all-treated N (section i). Worst grade first, so that counters
         * only ever add a subject once per key. */
        for (size_t k = 0; k < sj->n_aes; k++) {
            struct ae_derived a;
            ae_derive(s, sj, &sj->aes[k], &a);
            if (!a.trtem)
                continue;
            const char *soc = *a.ae->bodsys ? a.ae->bodsys : "(SOC MISSING)";
            const char *pt = *a.ae->decod ? a.ae->decod : a.ae->term;
            f_any = true;
            f_g3 = f_g3 || a.g3;
            f_ser = f_ser || a.serious;
            f_fatal = f_fatal || a.fatal;
            fatal_ae = fatal_ae || a.fatal;
            count(&all, soc, "", si, a.g3);
            count(&all, soc, pt, si, a.g3);
            if (a.rel_any) {
                f_rel = true;
                f_rel_g3 = f_rel_g3 || a.g3;
                count(&relc[0], soc, "", si, a.g3);
                count(&relc[0], soc, pt, si, a.g3);
            }
            bool all_withdrawn = nd > 0;
            for (size_t d = 0; d < nd; d++) {
                if (a.rel[d]) {
                    f_rel_drug[d] = true;
                    f_rel_drug_g3[d] = f_rel_drug_g3[d] || a.g3;
                    count(&relc[1 + d], soc, "", si, a.g3);
                    count(&relc[1 + d], soc, pt, si, a.g3);
                }
                f_disc[d] = f_disc[d] || a.act[d] == ACT_WITHDRAWN;
                all_withdrawn = all_withdrawn && a.act[d] == ACT_WITHDRAWN;
                f_red = f_red || a.act[d] == ACT_REDUCED;
                f_int = f_int || a.act[d] == ACT_INTERRUPTED;
            }
            f_disc_all = f_disc_all || all_withdrawn;
            /* Rule AESI: a TEAE whose preferred term is in one of the
             * protocol's groups of special interest counts in that group,
             * each subject once (i). */
            for (size_t g = 0; g < p->n_aesi; g++)
                if (strlist_has(&p->aesi[g].terms, a.ae->decod))
                    count(&aesi, p->aesi[g].name, "", si, a.g3);
        }
        any += f_any;
        g3 += f_g3;
        ser += f_ser;
        fatal += f_fatal;
        rel += f_rel;
        rel_g3 += f_rel_g3;
        reduce += f_red;
        interrupt += f_int;
        disc_all += f_disc_all;
        rel_any_n[0] += f_rel;
        rel_g3_n[0] += f_rel_g3;
        for (size_t d = 0; d < nd; d++) {
            disc[d] += f_disc[d];
            rel_any_n[1 + d] += f_rel_drug[d];
            rel_g3_n[1 + d] += f_rel_drug_g3[d];
        }
        int32_t death = sj->death;
        if (death != DATE_NONE &&
            (p->data_cutoff == DATE_NONE || death <= p->data_cutoff)) {
            deaths++;
            int32_t ld =
                sj->last_dose != DATE_NONE ? sj->last_dose : sj->first_dose;
            /* Rule DEATH-ON-TREATMENT: a death within teae_window_days
             * (30) of the last dose is on treatment (i). */
            deaths_on += death <= ld + p->teae_window_days;
            deaths_ae += fatal_ae;
            by_cause[subject_death_cause(p, sj, NULL)]++;
        }
    }

    const char *ov = "Overview of treatment-emergent adverse events";
    srow(t, ov, "", "Safety population (all-treated)", N, N);
    char item[160];
    if (!s->have_ae) {
        /* No ae.csv: adverse events are unknown, not zero. */
        size_t r = table_add_row(t);
        table_set(t, r, "TABLE", ov);
        table_set(t, r, "ITEM", "Adverse events");
        table_set(t, r, "VALUE", "not known: the study has no ae.csv");
    } else {
        srow(t, ov, "", "Any TEAE", N, any);
        srow(t, ov, "", "Grade 3 or higher TEAE", N, g3);
        srow(t, ov, "", "Serious TEAE", N, ser);
        srow(t, ov, "", "Fatal TEAE (grade 5)", N, fatal);
        srow(t, ov, "", "Treatment-related TEAE (either drug)", N, rel);
        srow(t, ov, "", "Treatment-related grade 3 or higher TEAE", N, rel_g3);
        for (size_t d = 0; d < nd; d++) {
            snprintf(item, sizeof item, "TEAE leading to discontinuation of %s",
                     p->drugs[d].label);
            srow(t, ov, "", item, N, disc[d]);
        }
        srow(t, ov, "",
             "TEAE leading to discontinuation of all study treatment", N,
             disc_all);
        srow(t, ov, "", "TEAE leading to dose reduction", N, reduce);
        srow(t, ov, "", "TEAE leading to dose interruption", N, interrupt);

        soc_pt_table(t, "TEAEs by system organ class and preferred term", &all,
                     N, any, g3);
        soc_pt_table(t, "Treatment-related TEAEs (either drug)", &relc[0], N,
                     rel_any_n[0], rel_g3_n[0]);
        for (size_t d = 0; d < nd; d++) {
            snprintf(item, sizeof item, "Treatment-related TEAEs (%s)",
                     p->drugs[d].label);
            soc_pt_table(t, item, &relc[1 + d], N, rel_any_n[1 + d],
                         rel_g3_n[1 + d]);
        }
        const char *si_name = "Adverse events of special interest";
        for (size_t g = 0; g < p->n_aesi; g++) {
            size_t k = find(&aesi, p->aesi[g].name, "");
            size_t n_any = k == SIZE_MAX ? 0 : aesi.c[k].any;
            size_t n_g3 = k == SIZE_MAX ? 0 : aesi.c[k].g3;
            size_t r = srow(t, si_name, "", p->aesi[g].name, N, n_any);
            g3cells(t, r, n_g3, N);
        }
    }

    /* Exposure per drug. */
    const char *ex = "Exposure";
    double *v[4];
    for (int k = 0; k < 4; k++)
        v[k] = malloc((s->n_subjects + 1) * sizeof *v[k]);
    for (size_t d = 0; d < nd; d++) {
        const struct drug *dr = &p->drugs[d];
        size_t n = 0, nred = 0, ndel = 0;
        for (size_t i = 0; i < s->n_subjects; i++) {
            struct drug_exposure e;
            exposure(p, &s->subjects[i], dr, &e);
            if (!e.treated)
                continue;
            v[0][n] = e.cycles;
            v[1][n] = e.duration_days / 30.4375;
            v[2][n] = e.cumulative;
            v[3][n] = e.rdi;
            nred += e.reduced;
            ndel += e.delayed;
            n++;
        }
        srow(t, ex, dr->label, "Subjects treated", N, n);
        median_range(t, ex, dr->label, "Cycles, median (range)", v[0], n, N, 0);
        median_range(t, ex, dr->label,
                     "Duration, months (last - first dose + cycle length), "
                     "median (range)",
                     v[1], n, N, 1);
        snprintf(item, sizeof item, "Cumulative dose, %s, median (range)",
                 dr->dose_unit);
        median_range(t, ex, dr->label, item, v[2], n, N, 1);
        median_range(t, ex, dr->label,
                     "Relative dose intensity, %, median (range)", v[3], n, N,
                     1);
        srow(t, ex, dr->label, "Subjects with a dose reduction", N, nred);
        snprintf(item, sizeof item,
                 "Subjects with a cycle delayed (> %d days late)",
                 p->delay_tolerance_days);
        srow(t, ex, dr->label, item, N, ndel);
    }
    for (int k = 0; k < 4; k++)
        free(v[k]);

    const char *de = "Deaths";
    srow(t, de, "", "All deaths", N, deaths);
    snprintf(item, sizeof item,
             "On treatment (within %d days of the last "
             "dose)",
             p->teae_window_days);
    srow(t, de, "", item, N, deaths_on);
    srow(t, de, "", "With a fatal adverse event", N, deaths_ae);
    for (int c = DEATH_PROGRESSION; c < DEATH_N; c++) {
        snprintf(item, sizeof item, "Cause: %s",
                 death_cause_name((enum death_cause)c));
        srow(t, de, "", item, N, by_cause[c]);
    }

    counts_release(&all);
    counts_release(&aesi);
    for (size_t k = 0; k <= nd; k++)
        counts_release(&relc[k]);
}
