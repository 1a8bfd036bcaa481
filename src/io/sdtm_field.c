/*
 * sdtm_field.c - the field helpers of the SDTM domain readers: a value
 * trimmed or as a controlled term, a number, the dates (reference, start,
 * end, assessment, with the protocol's imputation of partial dates), and
 * the criterion a row names. Each reports a bad value with file:line:
 * column, the value and what was expected (shared/spec/data-format.md).
 */
#include "sdtm_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Field helpers.
 */

char *dom_field(struct loader *L, const struct dom *m, const struct csvr_rec *r,
                int c)
{
    const char *v = dom_get(m, r, c);
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return arena_strndup(&L->s->arena, v, n);
}

/* Trimmed, upper case: for controlled terms, which SDTM compares without
 * regard to case. Terms repeat (visit names, test codes, units): one
 * interned copy serves them all. The result must not be modified. */
char *dom_term(struct loader *L, const struct dom *m, const struct csvr_rec *r,
               int c)
{
    const char *v = dom_get(m, r, c);
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    char small[256];
    if (n >= sizeof small) {
        char *s = arena_strndup(&L->s->arena, v, n);
        for (char *p = s; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        return s;
    }
    for (size_t i = 0; i < n; i++)
        small[i] = (char)toupper((unsigned char)v[i]);
    small[n] = '\0';
    return (char *)study_intern(L->s, small);
}

char *dom_upcase(struct loader *L, const char *v)
{
    char *s = arena_strdup(&L->s->arena, v);
    for (char *p = s; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

/* The index of a header column by name (any case), or -1. */
int dom_header_col(const struct dom *m, const char *name)
{
    for (size_t i = 0; i < m->n_header; i++) {
        const char *h = m->header[i];
        size_t k = 0;
        while (h[k] && name[k] &&
               toupper((unsigned char)h[k]) == toupper((unsigned char)name[k]))
            k++;
        if (!h[k] && !name[k])
            return (int)i;
    }
    return -1;
}

/* A number field: NAN when blank; -1 after an error. */
int dom_num(struct loader *L, const struct dom *m, const struct csvr_rec *r,
            int c, const char *usubjid, const char *expected, double *out)
{
    const char *v = dom_get(m, r, c);
    while (*v == ' ')
        v++;
    size_t n = strlen(v);
    while (n && v[n - 1] == ' ')
        n--;
    *out = NAN;
    if (n == 0)
        return 0;
    if (parse_double(v, n, out) < 0) {
        diags_add(L->d, SEV_ERROR, D_NUMBER, m->name, r->line, dom_colno(m, c),
                  "%s '%.*s' must be %s (subject %s)", m->cols[c], (int)n, v,
                  expected, usubjid);
        *out = NAN;
        return -1;
    }
    return 0;
}

static const char *impute_name(enum partial_impute how)
{
    switch (how) {
    case IMPUTE_FIRST:
        return "first";
    case IMPUTE_MID:
        return "mid";
    default:
        return "last";
    }
}

static bool is_baseline_visit(const struct protocol *p, const char *visit)
{
    for (size_t i = 0; i < p->baseline_visits.n; i++)
        if (strstr(visit, p->baseline_visits.items[i]))
            return true;
    return false;
}

/*
 * A tumour or response date (TU/TR/RS): a partial date is imputed by the
 * protocol key partial_assessment_date (data-format.md "Dates"), with a
 * warning naming the record, once per subject, visit and value. A partial
 * date of a baseline visit (baseline_visits) whose range holds the first
 * dose is imputed to the first dose: the scan cannot postdate the
 * treatment it is the baseline of.
 */
int dom_assessment_date(struct loader *L, const struct dom *m,
                        const struct csvr_rec *r, int c,
                        const struct subject *sj, const char *visit,
                        int32_t *out, bool *imputed)
{
    struct pdate pd;
    *out = DATE_NONE;
    *imputed = false;
    if (row_date(L, m, r, c, sj->usubjid, &pd) < 0)
        return -1;
    if (pdate_is_missing(pd) || pdate_is_complete(pd)) {
        *out = pdate_day(pd);
        return 0;
    }
    int32_t lo = pdate_first(pd), hi = pdate_last(pd);
    int32_t v;
    const char *rule;
    if (sj->first_dose != DATE_NONE && is_baseline_visit(L->p, visit) &&
        lo <= sj->first_dose && sj->first_dose <= hi) {
        v = sj->first_dose;
        rule = "the first dose, as this is a baseline visit";
    } else if (L->p->partial_assessment_date == IMPUTE_FIRST) {
        v = lo;
        rule = "the first possible day";
    } else if (L->p->partial_assessment_date == IMPUTE_MID) {
        v = lo + (hi - lo) / 2;
        rule = "the middle of the possible days";
    } else {
        v = hi;
        rule = "the last possible day";
    }
    *out = v;
    *imputed = true;
    char key[300];
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s\x1f%s", m->name, sj->usubjid,
             visit, dom_get(m, r, c));
    if (!strmap_get(&L->imputed_reported, key, NULL)) {
        strmap_put(&L->imputed_reported, key, 1);
        char buf[11];
        date_format(v, buf);
        diags_add(L->d, SEV_WARNING, D_IMPUTED, m->name, r->line,
                  dom_colno(m, c),
                  "%s '%s' is partial; imputed to %s, %s (protocol "
                  "partial_assessment_date \"%s\") (subject %s, visit %s)",
                  m->cols[c], dom_get(m, r, c), buf, rule,
                  impute_name(L->p->partial_assessment_date), sj->usubjid,
                  *visit ? visit : "-");
    }
    return 0;
}

/*
 * A start date of an AE or a medication: a partial date is imputed to the
 * earliest possible day not before the first dose; an end date to the
 * latest possible day (data-format.md "Dates").
 */
int dom_start_date(struct loader *L, const struct dom *m,
                   const struct csvr_rec *r, int c, const struct subject *sj,
                   struct pdate *raw, int32_t *out, bool *imputed)
{
    *out = DATE_NONE;
    *imputed = false;
    if (row_date(L, m, r, c, sj->usubjid, raw) < 0)
        return -1;
    if (pdate_is_missing(*raw) || pdate_is_complete(*raw)) {
        *out = pdate_day(*raw);
        return 0;
    }
    int32_t lo = pdate_first(*raw), hi = pdate_last(*raw);
    int32_t v = lo;
    if (sj->first_dose != DATE_NONE && lo < sj->first_dose &&
        sj->first_dose <= hi)
        v = sj->first_dose;
    *out = v;
    *imputed = true;
    return 0;
}

int dom_end_date(struct loader *L, const struct dom *m,
                 const struct csvr_rec *r, int c, const struct subject *sj,
                 struct pdate *raw, int32_t *out, bool *imputed)
{
    *out = DATE_NONE;
    *imputed = false;
    if (row_date(L, m, r, c, sj->usubjid, raw) < 0)
        return -1;
    if (pdate_is_missing(*raw))
        return 0;
    *out = pdate_last(*raw);
    *imputed = !pdate_is_complete(*raw);
    return 0;
}

/* A reference date (DM, DS, EX, SS): partial dates are imputed to the
 * first possible day with a warning. */
int dom_ref_date(struct loader *L, const struct dom *m,
                 const struct csvr_rec *r, int c, const char *usubjid,
                 int32_t *out)
{
    struct pdate pd;
    *out = DATE_NONE;
    if (row_date(L, m, r, c, usubjid, &pd) < 0)
        return -1;
    if (pdate_is_missing(pd))
        return 0;
    *out = pdate_first(pd);
    if (!pdate_is_complete(pd)) {
        char buf[11];
        date_format(*out, buf);
        diags_add(L->d, SEV_WARNING, D_IMPUTED, m->name, r->line,
                  dom_colno(m, c),
                  "%s '%s' is partial; imputed to %s, the first possible "
                  "day (subject %s)",
                  m->cols[c], dom_get(m, r, c), buf, usubjid);
    }
    return 0;
}

/* RSCAT/TUCAT names of the criteria (data-format.md: aliases). Returns
 * the criterion, -2 for iRECIST, -1 when not a criterion name. */
int dom_criterion_of(const char *v)
{
    if (!strcmp(v, "RECIST 1.1") || !strcmp(v, "RECIST") ||
        !strcmp(v, "RECIST1.1") || !strcmp(v, "RECIST V1.1"))
        return CRIT_RECIST;
    if (!strcmp(v, "RANO-BM") || !strcmp(v, "RANO BM") ||
        !strcmp(v, "RANO-BRAIN METASTASES") || !strcmp(v, "RANOBM"))
        return CRIT_RANOBM;
    if (!strcmp(v, "IRECIST"))
        return -2;
    return -1;
}

const char *dom_qual_get(const struct qualifier *q, size_t n, const char *qnam)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(q[i].qnam, qnam) == 0)
            return q[i].qval;
    return NULL;
}

/* The value of the protocol's criterion carrier for this row: one of the
 * TU columns, else a SUPPTU qualifier of that name. */
char *dom_criterion_value(struct loader *L, const struct dom *m,
                          const struct csvr_rec *r, const struct qualifier *q,
                          size_t nq)
{
    const char *col = L->p->criterion_column;
    for (int c = 0; m->cols[c]; c++)
        if (strcmp(m->cols[c], col) == 0)
            return dom_term(L, m, r, c);
    const char *v = dom_qual_get(q, nq, col);
    return dom_upcase(L, v ? v : "");
}

bool dom_require(struct loader *L, const struct dom *m,
                 const struct csvr_rec *r, int c, const char *value,
                 const char *usubjid)
{
    if (*value)
        return true;
    diags_add(L->d, SEV_ERROR, D_REQUIRED, m->name, r->line, dom_colno(m, c),
              "%s must not be blank (subject %s)", m->cols[c], usubjid);
    return false;
}

void dom_date_order(struct loader *L, const struct dom *m,
                    const struct csvr_rec *r, int c_end, int c_start,
                    const char *usubjid, const char *what)
{
    diags_add(L->d, SEV_ERROR, D_DATE_ORDER, m->name, r->line,
              dom_colno(m, c_end), "%s '%s' is before %s '%s' (subject %s%s%s)",
              m->cols[c_end], dom_get(m, r, c_end), m->cols[c_start],
              dom_get(m, r, c_start), usubjid, what ? ", " : "",
              what ? what : "");
}
