/*
 * window.c - the window of best response (shared/spec/
 * response-criteria.md f, h.4): it ends at new anticancer therapy
 * (data-format.md "New anticancer therapy"; nat_includes_local) or at
 * withdrawal of consent; assessments after it are not counted.
 */
#include "criteria_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the window of best response (section f) ---- */

static bool contains_any(const char *s, const struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (*l->items[i] && strstr(s, l->items[i]))
            return true;
    return false;
}

/* The first new anticancer therapy after the first dose (data-format.md
 * "New anticancer therapy"); DATE_NONE when none. */
int32_t crit_new_therapy(const struct subject *sj, const struct protocol *p,
                         const char **what)
{
    int32_t best = DATE_NONE;
    int32_t fd = sj->first_dose;
    for (size_t i = 0; i < sj->n_cm; i++) {
        const struct cm_record *c = &sj->cm[i];
        if (c->start == DATE_NONE || (fd != DATE_NONE && c->start <= fd))
            continue;
        if (!contains_any(c->cat, &p->new_therapy_cm_contains) &&
            !contains_any(c->scat, &p->new_therapy_cm_contains))
            continue;
        if (best == DATE_NONE || c->start < best) {
            best = c->start;
            *what = c->trt;
        }
    }
    if (!p->nat_includes_local)
        return best;
    for (size_t i = 0; i < sj->n_pr; i++) {
        const struct pr_record *x = &sj->pr[i];
        if (x->start == DATE_NONE || (fd != DATE_NONE && x->start <= fd))
            continue;
        if (!strlist_has(&p->new_therapy_pr_cat, x->cat) &&
            !strlist_has(&p->new_therapy_pr_decod, x->decod))
            continue;
        if (best == DATE_NONE || x->start < best) {
            best = x->start;
            *what = x->trt;
        }
    }
    return best;
}

/* Rule PRIOR-THERAPY: a prior anticancer therapy is a CM record of the
 * new-therapy categories (new_therapy cm_contains) that started before
 * the first dose; each treatment (CMDECOD, else CMTRT) counts once
 * (data-format.md "New anticancer therapy"; the subgroups of h.7). */
int crit_prior_therapies(const struct subject *sj, const struct protocol *p)
{
    int n = 0;
    int32_t fd = sj->first_dose;
    for (size_t i = 0; i < sj->n_cm; i++) {
        const struct cm_record *c = &sj->cm[i];
        if (c->start == DATE_NONE || fd == DATE_NONE || c->start >= fd)
            continue;
        if (!contains_any(c->cat, &p->new_therapy_cm_contains) &&
            !contains_any(c->scat, &p->new_therapy_cm_contains))
            continue;
        const char *name = c->decod && *c->decod ? c->decod : c->trt;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) {
            const struct cm_record *o = &sj->cm[k];
            const char *on = o->decod && *o->decod ? o->decod : o->trt;
            seen = o->start != DATE_NONE && o->start < fd &&
                   !strcmp(on, name) &&
                   (contains_any(o->cat, &p->new_therapy_cm_contains) ||
                    contains_any(o->scat, &p->new_therapy_cm_contains));
        }
        n += !seen;
    }
    return n;
}

bool crit_consent_withdrawn(const struct protocol *p, const struct ds_event *e)
{
    /* Rule CONSENT-WITHDRAWN: a DS record ends follow-up as a withdrawal
     * from the study when its DSDECOD is in consent_withdrawal_terms:
     * WITHDRAWAL OF CONSENT always, another term (CDISC's WITHDRAWAL BY
     * SUBJECT) only on a study-level disposition, DSSCAT in
     * study_disposition_scat or EPOCH FOLLOW-UP (h.4 rule 6). */
    if (!strlist_has(&p->consent_withdrawal_terms, e->decod))
        return false;
    if (!strcmp(e->decod, "WITHDRAWAL OF CONSENT"))
        return true;
    return strlist_has(&p->study_disposition_scat, e->scat) ||
           !strcmp(e->epoch, "FOLLOW-UP");
}

void crit_window(const struct subject *sj, const struct protocol *p,
                 struct crit_result *r)
{
    r->window_end = DATE_NONE;
    r->window_why[0] = '\0';
    const char *what = "";
    int32_t nat = crit_new_therapy(sj, p, &what);
    char d[11];
    if (nat != DATE_NONE) {
        r->window_end = nat;
        date_format(nat, d);
        snprintf(r->window_why, sizeof r->window_why,
                 "new anticancer therapy %s on %s", what, d);
    }
    for (size_t i = 0; i < sj->n_ds; i++) {
        const struct ds_event *e = &sj->ds[i];
        if (!crit_consent_withdrawn(p, e) || e->date == DATE_NONE)
            continue;
        if (r->window_end == DATE_NONE || e->date < r->window_end) {
            r->window_end = e->date;
            date_format(e->date, d);
            snprintf(r->window_why, sizeof r->window_why,
                     "withdrawal of consent on %s", d);
        }
    }
}
