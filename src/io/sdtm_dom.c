/*
 * sdtm_dom.c - one reader per SDTM domain (shared/spec/data-format.md
 * "Inputs"). Each turns rows into the study model, reporting every bad
 * value with file:line:column, the value and what was expected.
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

static char *field(struct loader *L, const struct dom *m,
                   const struct csvr_rec *r, int c)
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
static char *term(struct loader *L, const struct dom *m,
                  const struct csvr_rec *r, int c)
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

static char *upcase_copy(struct loader *L, const char *v)
{
    char *s = arena_strdup(&L->s->arena, v);
    for (char *p = s; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

/* The index of a header column by name (any case), or -1. */
static int header_col(const struct dom *m, const char *name)
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
static int num_field(struct loader *L, const struct dom *m,
                     const struct csvr_rec *r, int c, const char *usubjid,
                     const char *expected, double *out)
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
static int assessment_date(struct loader *L, const struct dom *m,
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
static int start_date(struct loader *L, const struct dom *m,
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

static int end_date(struct loader *L, const struct dom *m,
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
static int ref_date(struct loader *L, const struct dom *m,
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

/* ------------------------------------------------------------------------
 * dm.csv
 */
enum {
    DM_USUBJID,
    DM_SUBJID,
    DM_SITEID,
    DM_RFSTDTC,
    DM_RFXSTDTC,
    DM_RFICDTC,
    DM_RFENDTC,
    DM_DTHDTC,
    DM_DTHFL,
    DM_AGE,
    DM_SEX,
    DM_RACE,
    DM_ARM,
    DM_STUDYID
};
static const char *const dm_cols[] = {
    "USUBJID", "SUBJID",  "SITEID", "RFSTDTC", "RFXSTDTC",
    "RFICDTC", "RFENDTC", "DTHDTC", "DTHFL",   "AGE",
    "SEX",     "RACE",    "ARM",    "STUDYID", NULL};
static const char *const dm_req[] = {"USUBJID", NULL};

static int dm_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    char *us = field(L, m, r, DM_USUBJID);
    if (!*us) {
        diags_add(L->d, SEV_ERROR, D_REQUIRED, m->name, r->line,
                  dom_colno(m, DM_USUBJID), "USUBJID must not be blank");
        return 0;
    }
    struct subject *sj = study_find(L->s, us);
    if (sj) {
        diags_add(L->d, SEV_ERROR, D_DUPLICATE, m->name, r->line,
                  dom_colno(m, DM_USUBJID),
                  "subject '%s' has a second DM row (the first is at line "
                  "%ld)",
                  us, sj->dm_line);
        return 0;
    }
    sj = study_add(L->s, us);
    sj->dm_line = r->line;
    sj->studyid = field(L, m, r, DM_STUDYID);
    sj->subjid = field(L, m, r, DM_SUBJID);
    sj->siteid = field(L, m, r, DM_SITEID);
    sj->sex = term(L, m, r, DM_SEX);
    sj->race = term(L, m, r, DM_RACE);
    sj->arm = field(L, m, r, DM_ARM);
    ref_date(L, m, r, DM_RFSTDTC, us, &sj->rfstdtc);
    ref_date(L, m, r, DM_RFXSTDTC, us, &sj->rfxstdtc);
    ref_date(L, m, r, DM_RFICDTC, us, &sj->rficdtc);
    ref_date(L, m, r, DM_RFENDTC, us, &sj->rfendtc);
    double age;
    if (num_field(L, m, r, DM_AGE, us, "an age in years, 0 to 130", &age) ==
            0 &&
        !isnan(age)) {
        if (age < 0 || age > 130 || age != floor(age))
            diags_add(L->d, SEV_ERROR, D_NUMBER, m->name, r->line,
                      dom_colno(m, DM_AGE),
                      "AGE '%s' must be an age in years, 0 to 130 (subject "
                      "%s)",
                      dom_get(m, r, DM_AGE), us);
        else
            sj->age = (long)age;
    }
    /* Death dates must be complete to the month (data-format.md
     * "Dates"); a missing day is imputed after all files are read. */
    if (row_date(L, m, r, DM_DTHDTC, us, &sj->dth_raw) == 0 &&
        !pdate_is_missing(sj->dth_raw) && sj->dth_raw.month == 0) {
        diags_add(L->d, SEV_ERROR, D_DATE, m->name, r->line,
                  dom_colno(m, DM_DTHDTC),
                  "DTHDTC '%s' must be complete to the month at least "
                  "(subject %s)",
                  dom_get(m, r, DM_DTHDTC), us);
        sj->dth_raw.year = 0;
    }
    char *fl = term(L, m, r, DM_DTHFL);
    if (*fl && strcmp(fl, "Y") != 0 && strcmp(fl, "N") != 0)
        diags_add(L->d, SEV_ERROR, D_TERM, m->name, r->line,
                  dom_colno(m, DM_DTHFL),
                  "DTHFL '%s' must be Y or blank (subject %s)", fl, us);
    sj->dthfl = strcmp(fl, "Y") == 0;
    return 0;
}

#define DOM_STREAM_FN(fn, rowfn)                                               \
    static int fn(void *ctx, const struct csvr_rec *r)                         \
    {                                                                          \
        struct loader *L = ((void **)ctx)[0];                                  \
        struct dom *m = ((void **)ctx)[1];                                     \
        return dom_dispatch(L, m, r, rowfn);                                   \
    }

#define DOM_READ(L, m, domain, fn, required)                                   \
    do {                                                                       \
        void *ctx_[2] = {(L), &(m)};                                           \
        rc_ = dom_read((L), &(m), (domain), (fn), ctx_, (required));           \
    } while (0)

DOM_STREAM_FN(dm_stream, dm_row)

int sdtm_read_dm(struct loader *L)
{
    struct dom m = {.name = "dm.csv", .cols = dm_cols, .required = dm_req};
    int rc_;
    DOM_READ(L, m, "dm", dm_stream, true);
    if (rc_ == 0 && m.header_done && !m.bad && L->s->n_subjects == 0)
        diags_add(L->d, SEV_ERROR, D_REQUIRED, "dm.csv", 0, 0,
                  "no subjects: dm.csv has a header but no rows");
    return rc_ != 0 || m.bad ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * ds.csv
 */
enum {
    DS_USUBJID,
    DS_DSDECOD,
    DS_DSSTDTC,
    DS_DSCAT,
    DS_DSSCAT,
    DS_DSTERM,
    DS_EPOCH
};
static const char *const ds_cols[] = {"USUBJID", "DSDECOD", "DSSTDTC", "DSCAT",
                                      "DSSCAT",  "DSTERM",  "EPOCH",   NULL};
static const char *const ds_req[] = {"USUBJID", "DSDECOD", "DSSTDTC", NULL};

static int ds_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, DS_USUBJID);
    if (!sj)
        return 0;
    struct ds_event *e = VEC_PUSH(sj->ds, sj->n_ds, sj->cap_ds);
    memset(e, 0, sizeof *e);
    e->decod = term(L, m, r, DS_DSDECOD);
    e->cat = term(L, m, r, DS_DSCAT);
    e->scat = term(L, m, r, DS_DSSCAT);
    e->term = field(L, m, r, DS_DSTERM);
    e->epoch = term(L, m, r, DS_EPOCH);
    e->line = r->line;
    if (!*e->decod)
        diags_add(L->d, SEV_ERROR, D_REQUIRED, m->name, r->line,
                  dom_colno(m, DS_DSDECOD),
                  "DSDECOD must not be blank (subject %s)", sj->usubjid);
    ref_date(L, m, r, DS_DSSTDTC, sj->usubjid, &e->date);
    return 0;
}
DOM_STREAM_FN(ds_stream, ds_row)

int sdtm_read_ds(struct loader *L)
{
    struct dom m = {.name = "ds.csv", .cols = ds_cols, .required = ds_req};
    int rc_;
    DOM_READ(L, m, "ds", ds_stream, false);
    return rc_;
}

/* ------------------------------------------------------------------------
 * ex.csv
 */
enum {
    EX_USUBJID,
    EX_EXTRT,
    EX_EXDOSE,
    EX_EXDOSU,
    EX_EXSTDTC,
    EX_EXENDTC,
    EX_EXDOSFRQ,
    EX_EXADJ,
    EX_VISIT
};
static const char *const ex_cols[] = {
    "USUBJID", "EXTRT",    "EXDOSE", "EXDOSU", "EXSTDTC",
    "EXENDTC", "EXDOSFRQ", "EXADJ",  "VISIT",  NULL};
static const char *const ex_req[] = {"USUBJID", "EXTRT",   "EXDOSE",
                                     "EXDOSU",  "EXSTDTC", NULL};

static int ex_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, EX_USUBJID);
    if (!sj)
        return 0;
    struct dose *x = VEC_PUSH(sj->doses, sj->n_doses, sj->cap_doses);
    memset(x, 0, sizeof *x);
    x->trt = term(L, m, r, EX_EXTRT);
    x->unit = field(L, m, r, EX_EXDOSU);
    x->adj = field(L, m, r, EX_EXADJ);
    x->visit = term(L, m, r, EX_VISIT);
    x->line = r->line;
    if (!*x->trt)
        diags_add(L->d, SEV_ERROR, D_REQUIRED, m->name, r->line,
                  dom_colno(m, EX_EXTRT),
                  "EXTRT must not be blank (subject %s)", sj->usubjid);
    if (num_field(L, m, r, EX_EXDOSE, sj->usubjid, "a dose, 0 or more",
                  &x->dose) == 0 &&
        x->dose < 0)
        diags_add(L->d, SEV_ERROR, D_NUMBER, m->name, r->line,
                  dom_colno(m, EX_EXDOSE),
                  "EXDOSE '%s' must be a dose, 0 or more (subject %s)",
                  dom_get(m, r, EX_EXDOSE), sj->usubjid);
    ref_date(L, m, r, EX_EXSTDTC, sj->usubjid, &x->start);
    struct pdate raw;
    bool imp;
    end_date(L, m, r, EX_EXENDTC, sj, &raw, &x->end, &imp);
    if (x->start == DATE_NONE)
        diags_add(L->d, SEV_ERROR, D_REQUIRED, m->name, r->line,
                  dom_colno(m, EX_EXSTDTC),
                  "EXSTDTC must not be blank (subject %s)", sj->usubjid);
    else if (x->end != DATE_NONE && x->end < x->start)
        diags_add(L->d, SEV_ERROR, D_DATE_ORDER, m->name, r->line,
                  dom_colno(m, EX_EXENDTC),
                  "EXENDTC '%s' is before EXSTDTC '%s' (subject %s)",
                  dom_get(m, r, EX_EXENDTC), dom_get(m, r, EX_EXSTDTC),
                  sj->usubjid);
    return 0;
}
DOM_STREAM_FN(ex_stream, ex_row)

int sdtm_read_ex(struct loader *L)
{
    struct dom m = {.name = "ex.csv", .cols = ex_cols, .required = ex_req};
    int rc_;
    DOM_READ(L, m, "ex", ex_stream, false);
    return rc_;
}

/* ------------------------------------------------------------------------
 * ss.csv
 */
enum { SS_USUBJID, SS_SSSTRESC, SS_SSDTC, SS_SSTESTCD, SS_SSORRES };
static const char *const ss_cols[] = {"USUBJID",  "SSSTRESC", "SSDTC",
                                      "SSTESTCD", "SSORRES",  NULL};
static const char *const ss_req[] = {"USUBJID", "SSSTRESC|SSORRES", "SSDTC",
                                     NULL};

static int ss_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, SS_USUBJID);
    if (!sj)
        return 0;
    char *tc = term(L, m, r, SS_SSTESTCD);
    if (*tc && strcmp(tc, "SURVSTAT") != 0)
        return 0;
    int c = SS_SSSTRESC;
    char *v = term(L, m, r, c);
    if (!*v) {
        c = SS_SSORRES;
        v = term(L, m, r, c);
    }
    if (strcmp(v, "UNKNOWN") == 0 || !*v)
        return 0;
    if (strcmp(v, "ALIVE") != 0 && strcmp(v, "DEAD") != 0) {
        diags_add(L->d, SEV_ERROR, D_TERM, m->name, r->line, dom_colno(m, c),
                  "%s '%s' must be ALIVE, DEAD or UNKNOWN (subject %s)",
                  m->cols[c], v, sj->usubjid);
        return 0;
    }
    struct ss_record *s = VEC_PUSH(sj->ss, sj->n_ss, sj->cap_ss);
    s->status = v;
    s->line = r->line;
    ref_date(L, m, r, SS_SSDTC, sj->usubjid, &s->date);
    return 0;
}
DOM_STREAM_FN(ss_stream, ss_row)

int sdtm_read_ss(struct loader *L)
{
    struct dom m = {.name = "ss.csv", .cols = ss_cols, .required = ss_req};
    int rc_;
    DOM_READ(L, m, "ss", ss_stream, false);
    return rc_;
}

/* ------------------------------------------------------------------------
 * tu.csv (data-format.md "Tumours": identification, criterion, CNS,
 * nodal, split and merged lesions).
 */
enum {
    TU_USUBJID,
    TU_TULNKID,
    TU_TUTESTCD,
    TU_TUORRES,
    TU_TUSTRESC,
    TU_TUDTC,
    TU_TULOC,
    TU_TUCAT,
    TU_TUSCAT,
    TU_TUGRPID,
    TU_TUMETHOD,
    TU_TUEVAL,
    TU_TUEVALID,
    TU_TUACPTFL,
    TU_VISIT
};
static const char *const tu_cols[] = {
    "USUBJID",  "TULNKID",  "TUTESTCD", "TUORRES", "TUSTRESC", "TUDTC",
    "TULOC",    "TUCAT",    "TUSCAT",   "TUGRPID", "TUMETHOD", "TUEVAL",
    "TUEVALID", "TUACPTFL", "VISIT",    NULL};
/* TUDTC is read when present but not required: the public
 * pharmaverse-recist export has none, and the identification date of a
 * baseline lesion is the date of its baseline measurement. */
static const char *const tu_req[] = {"USUBJID", "TULNKID", "TUTESTCD",
                                     "TUORRES|TUSTRESC", NULL};

/* RSCAT/TUCAT names of the criteria (data-format.md: aliases). Returns
 * the criterion, -2 for iRECIST, -1 when not a criterion name. */
static int criterion_of(const char *v)
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

static const char *qual_get(const struct qualifier *q, size_t n,
                            const char *qnam)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(q[i].qnam, qnam) == 0)
            return q[i].qval;
    return NULL;
}

/* The value of the protocol's criterion carrier for this row: one of the
 * TU columns, else a SUPPTU qualifier of that name. */
static char *criterion_value(struct loader *L, const struct dom *m,
                             const struct csvr_rec *r,
                             const struct qualifier *q, size_t nq)
{
    const char *col = L->p->criterion_column;
    for (int c = 0; m->cols[c]; c++)
        if (strcmp(m->cols[c], col) == 0)
            return term(L, m, r, c);
    const char *v = qual_get(q, nq, col);
    return upcase_copy(L, v ? v : "");
}

static int tu_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, TU_USUBJID);
    if (!sj)
        return 0;
    if (!row_selected(L, &m->eval, m, r, TU_TUEVAL, TU_TUACPTFL))
        return 0;
    char *linkid = term(L, m, r, TU_TULNKID);
    char *tc = term(L, m, r, TU_TUTESTCD);
    if (!*linkid) {
        diags_add(L->d, SEV_ERROR, D_REQUIRED, m->name, r->line,
                  dom_colno(m, TU_TULNKID),
                  "TULNKID must not be blank (subject %s)", sj->usubjid);
        return 0;
    }
    bool split = strcmp(tc, "TUSPLIT") == 0;
    bool merge = strcmp(tc, "TUMERGE") == 0;
    if (!split && !merge && strcmp(tc, "TUMIDENT") != 0) {
        diags_add(L->d, SEV_WARNING, D_TERM, m->name, r->line,
                  dom_colno(m, TU_TUTESTCD),
                  "TUTESTCD '%s' is not TUMIDENT, TUSPLIT or TUMERGE; the "
                  "row is skipped (subject %s)",
                  tc, sj->usubjid);
        return 0;
    }
    int rc = TU_TUSTRESC;
    char *res = term(L, m, r, rc);
    if (!*res) {
        rc = TU_TUORRES;
        res = term(L, m, r, rc);
    }
    enum lesion_class cls;
    bool equivocal = false;
    if (!strcmp(res, "TARGET"))
        cls = LC_TARGET;
    else if (!strcmp(res, "NON-TARGET"))
        cls = LC_NONTARGET;
    else if (!strcmp(res, "NEW"))
        cls = LC_NEW;
    else if (!strcmp(res, "EQUIVOCAL")) {
        cls = LC_NEW;
        equivocal = true;
    } else if ((split || merge) && !*res) {
        cls = LC_NONE; /* inherits its parent's class */
    } else {
        diags_add(L->d, SEV_ERROR, D_TERM, m->name, r->line, dom_colno(m, rc),
                  "%s '%s' must be TARGET, NON-TARGET, NEW or EQUIVOCAL "
                  "(subject %s, lesion %s)",
                  m->cols[rc], res, sj->usubjid, linkid);
        return 0;
    }
    struct qualifier *q;
    size_t nq;
    supp_attach(L, m->supp, m, r, sj->usubjid, &q, &nq);
    char *loc = term(L, m, r, TU_TULOC);
    if (!*loc) {
        const char *v = qual_get(q, nq, "TULOC");
        loc = upcase_copy(L, v ? v : "");
    }
    char *crit_v = criterion_value(L, m, r, q, nq);
    int crit = -1;
    if (*crit_v) {
        crit = criterion_of(crit_v);
        if (crit == -2)
            crit = CRIT_RECIST; /* iRECIST stands on RECIST 1.1 lesions */
        if (crit < 0)
            diags_add(L->d, SEV_WARNING, D_TERM, m->name, r->line, 0,
                      "%s '%s' names no criterion (RECIST 1.1, RANO-BM); "
                      "the lesion counts for both by its location (subject "
                      "%s, lesion %s)",
                      L->p->criterion_column, crit_v, sj->usubjid, linkid);
    }
    char *visit = term(L, m, r, TU_VISIT);
    int li = subject_find_lesion(sj, linkid);
    struct lesion *les;
    if (li >= 0) {
        les = &sj->lesions[li];
        /* A second row is allowed only to classify the lesion for the
         * other criterion. */
        if (crit < 0 || les->cls[crit] != LC_NONE) {
            diags_add(L->d, SEV_ERROR, D_DUPLICATE, m->name, r->line,
                      dom_colno(m, TU_TULNKID),
                      "lesion %s of subject %s is identified twice (first "
                      "at line %ld); a second TU row must carry the other "
                      "criterion in %s",
                      linkid, sj->usubjid, les->line, L->p->criterion_column);
            return 0;
        }
    } else {
        les = VEC_PUSH(sj->lesions, sj->n_lesions, sj->cap_lesions);
        memset(les, 0, sizeof *les);
        les->linkid = linkid;
        lesion_locate(les, L->p, loc);
        les->visit = visit;
        les->line = r->line;
        les->parent = -1;
        les->merged_into = -1;
        les->merge_first = -1;
        les->is_merge = merge || strchr(linkid, '/') != NULL;
        les->equivocal = equivocal;
        les->date = DATE_NONE;
        bool imp;
        assessment_date(L, m, r, TU_TUDTC, sj, visit, &les->date, &imp);
        /* A split fragment: TUSPLIT, or "T04.1" where T04 exists; the
         * parent is resolved after all rows are read. */
        (void)split;
    }
    if (!*les->loc && *loc)
        lesion_locate(les, L->p, loc);
    lesion_classify(les, crit, cls);
    return 0;
}
DOM_STREAM_FN(tu_stream, tu_row)

/* Links split fragments to their parents and merged lesions to theirs. */
static void link_lesions(struct subject *sj)
{
    for (size_t i = 0; i < sj->n_lesions; i++) {
        struct lesion *l = &sj->lesions[i];
        const char *dot = strrchr(l->linkid, '.');
        if (dot && !l->is_merge) {
            char parent[128];
            size_t n = (size_t)(dot - l->linkid);
            if (n < sizeof parent) {
                memcpy(parent, l->linkid, n);
                parent[n] = '\0';
                int p = subject_find_lesion(sj, parent);
                if (p >= 0 && (size_t)p != i)
                    l->parent = p;
            }
        }
        if (l->is_merge) {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", l->linkid);
            for (char *tok = buf, *sl; tok; tok = sl) {
                sl = strchr(tok, '/');
                if (sl)
                    *sl++ = '\0';
                int p = subject_find_lesion(sj, tok);
                if (p >= 0 && (size_t)p != i) {
                    sj->lesions[p].merged_into = (int)i;
                    if (l->merge_first < 0)
                        l->merge_first = p;
                }
            }
        }
        for (int c = 0; c < CRIT_N; c++) {
            if (l->cls[c] != LC_NONE)
                continue;
            int p = l->parent;
            if (p < 0 && l->is_merge) {
                for (size_t j = 0; j < sj->n_lesions; j++)
                    if (sj->lesions[j].merged_into == (int)i) {
                        p = (int)j;
                        break;
                    }
            }
            if (p >= 0)
                l->cls[c] = sj->lesions[p].cls[c];
        }
    }
}

int sdtm_read_tu(struct loader *L)
{
    struct dom m = {.name = "tu.csv", .cols = tu_cols, .required = tu_req};
    int rc_;
    DOM_READ(L, m, "tu", tu_stream, false);
    L->have_tu = rc_ != 1;
    for (size_t i = 0; i < L->s->n_subjects; i++)
        link_lesions(&L->s->subjects[i]);
    return rc_;
}

/* ------------------------------------------------------------------------
 * tr.csv (data-format.md "Measurements", "Too small to measure", "Not
 * assessed", "States").
 */
enum {
    TR_USUBJID,
    TR_TRLNKID,
    TR_TRTESTCD,
    TR_TRDTC,
    TR_TRORRES,
    TR_TRORRESU,
    TR_TRSTRESC,
    TR_TRSTRESN,
    TR_TRSTRESU,
    TR_TRSTAT,
    TR_TRREASND,
    TR_TRGRPID,
    TR_TRCAT,
    TR_TREVAL,
    TR_TREVALID,
    TR_TRACPTFL,
    TR_VISIT
};
static const char *const tr_cols[] = {
    "USUBJID",  "TRLNKID",  "TRTESTCD", "TRDTC",    "TRORRES",  "TRORRESU",
    "TRSTRESC", "TRSTRESN", "TRSTRESU", "TRSTAT",   "TRREASND", "TRGRPID",
    "TRCAT",    "TREVAL",   "TREVALID", "TRACPTFL", "VISIT",    NULL};
static const char *const tr_req[] = {"USUBJID", "TRLNKID", "TRTESTCD", "TRDTC",
                                     NULL};

/* One TR row before the one-test-per-lesion choice. */
struct trcand {
    size_t subj;
    int lesion;
    int64_t akey; /* subject-local assessment number */
    bool dup;     /* a second copy of a row: dropped */
    struct measurement m;
};

/* The assessments of one subject and visit label: real exports reuse a
 * label ("UNSCHEDULED 9.2") for scans months apart, so rows of one label
 * are one assessment only when their dates are close. */
struct aclust {
    int32_t anchor; /* first date seen */
    int32_t id;     /* subject-local assessment number */
    size_t next;    /* next cluster of the same subject and label */
};

struct tr_ctx {
    struct loader *L;
    struct dom m;
    struct trcand *c;
    size_t n, cap;
    size_t *sum_subj; /* subjects with a SUMDIAM, in order of the first */
    size_t n_sum_subj, cap_sum_subj;
    struct strmap clusters; /* subject \x1f visit -> first cluster */
    struct aclust *cl;
    size_t n_cl, cap_cl;
    int32_t *n_assess; /* per subject */
    /* The last lookup: rows of one visit come together. */
    size_t last_subj;
    const char *last_visit; /* interned */
    size_t last_first;      /* its first cluster, SIZE_MAX: none yet */
};

static int32_t assess_id(struct tr_ctx *x, size_t subj, const char *visit,
                         int32_t date, long line, const char *usubjid)
{
    char key[300];
    size_t first, i, last = SIZE_MAX;
    bool found;
    /* Visit names are interned, so one pointer comparison recognises the
     * previous row's visit. */
    if (x->last_first != SIZE_MAX && x->last_subj == subj &&
        x->last_visit == visit) {
        first = x->last_first;
        found = true;
    } else {
        snprintf(key, sizeof key, "%zu\x1f%s", subj, visit);
        found = strmap_get(&x->clusters, key, &first);
        if (found) {
            x->last_subj = subj;
            x->last_visit = visit;
            x->last_first = first;
        }
    }
    for (i = found ? first : SIZE_MAX; i != SIZE_MAX; i = x->cl[i].next) {
        last = i;
        int32_t a = x->cl[i].anchor;
        if (a == DATE_NONE || date == DATE_NONE)
            return x->cl[i].id;
        int32_t gap = date > a ? date - a : a - date;
        /* Scans of one assessment may span a few days (response-criteria.md
         * section 0): rows of one visit label more than the protocol's
         * assessment_span_days apart are separate assessments. */
        if (*visit ? gap <= x->L->p->assessment_span_days : gap == 0)
            return x->cl[i].id;
    }
    struct aclust *c = VEC_PUSH(x->cl, x->n_cl, x->cap_cl);
    c->anchor = date;
    c->id = x->n_assess[subj]++;
    c->next = SIZE_MAX;
    if (!found) {
        strmap_put(&x->clusters, key, x->n_cl - 1);
        x->last_subj = subj;
        x->last_visit = visit;
        x->last_first = x->n_cl - 1;
    } else {
        x->cl[last].next = x->n_cl - 1;
        if (*visit) {
            char a[11], b[11];
            date_format(x->cl[first].anchor, a);
            date_format(date, b);
            diags_add(x->L->d, SEV_WARNING, D_DUPLICATE, "tr.csv", line, 0,
                      "visit %s of subject %s holds scans on %s and %s, "
                      "more than %d days apart: they are taken as two "
                      "assessments",
                      visit, usubjid, a, b, x->L->p->assessment_span_days);
        }
    }
    return c->id;
}

/* Parses a length with its unit into mm x DIAM_SCALE (sdtm_std.c).
 * Returns 0, -1 on a bad number, -2 on a bad unit. */
static int parse_length(const char *v, const char *unit, int32_t *out,
                        bool *rounded)
{
    int rc = sdtm_length_mm(v, unit, out);
    if (rc < 0)
        return rc;
    *rounded = rc == 1;
    return 0;
}

static int32_t assess_id(struct tr_ctx *x, size_t subj, const char *visit,
                         int32_t date, long line, const char *usubjid);

static void keep_sum(struct loader *L, const struct dom *m,
                     const struct csvr_rec *r, struct tr_ctx *x,
                     const struct subject *sj)
{
    const char *v = dom_get(m, r, TR_TRSTRESN);
    char *unit = term(L, m, r, TR_TRSTRESU);
    if (!*v) {
        v = dom_get(m, r, TR_TRORRES);
        unit = term(L, m, r, TR_TRORRESU);
    }
    int32_t diam;
    bool rounded;
    if (!*v || parse_length(v, unit, &diam, &rounded) < 0)
        return; /* a sum we cannot read is no input: nothing to check */
    int32_t date;
    bool imp;
    char *visit = term(L, m, r, TR_VISIT);
    if (assessment_date(L, m, r, TR_TRDTC, sj, visit, &date, &imp) < 0)
        return;
    size_t subj = (size_t)(sj - L->s->subjects);
    struct subject *msj = &L->s->subjects[subj];
    if (!msj->n_sums)
        *(size_t *)VEC_PUSH(x->sum_subj, x->n_sum_subj, x->cap_sum_subj) = subj;
    struct recorded_sum *sr = VEC_PUSH(msj->sums, msj->n_sums, msj->cap_sums);
    sr->assess = assess_id(x, subj, visit, date, r->line, sj->usubjid);
    sr->diam = diam;
    char *cat = term(L, m, r, TR_TRCAT);
    sr->crit = *cat ? criterion_of(cat) : -1;
    if (sr->crit == -2)
        sr->crit = CRIT_RECIST;
    sr->line = r->line;
}

static int tr_row(struct loader *L, struct dom *m, const struct csvr_rec *r,
                  struct tr_ctx *x)
{
    struct subject *sj = row_subject(L, m, r, TR_USUBJID);
    if (!sj)
        return 0;
    if (!row_selected(L, &m->eval, m, r, TR_TREVAL, TR_TRACPTFL))
        return 0;
    char *linkid = term(L, m, r, TR_TRLNKID);
    char *tc = term(L, m, r, TR_TRTESTCD);
    /* Rows without TRLNKID (SUMDIAM: sums recorded by the site) are not
     * inputs; the sums are kept to be cross-checked (data-format.md). */
    if (!*linkid) {
        if (!strcmp(tc, "SUMDIAM"))
            keep_sum(L, m, r, x, sj);
        return 0;
    }
    enum diam_test test = DT_NONE;
    bool is_state = false;
    if (!strcmp(tc, "LDIAM"))
        test = DT_LDIAM;
    else if (!strcmp(tc, "LPERP"))
        test = DT_LPERP;
    else if (!strcmp(tc, "SAXIS"))
        test = DT_SAXIS;
    else if (!strcmp(tc, "DIAMETER"))
        test = DT_DIAMETER;
    else if (!strcmp(tc, "TUMSTATE") || !strcmp(tc, "LNSTATE"))
        is_state = true;
    else
        return 0; /* other tests (volume, SUMDIAM…) are not inputs */

    struct qualifier *q;
    size_t nq;
    supp_attach(L, m->supp, m, r, sj->usubjid, &q, &nq);
    int li = subject_find_lesion(sj, linkid);
    if (li < 0) {
        char *grp = term(L, m, r, TR_TRGRPID);
        if (L->have_tu) {
            diags_add(L->d, SEV_ERROR, D_NO_LESION, m->name, r->line,
                      dom_colno(m, TR_TRLNKID),
                      "TRLNKID '%s' has no TU row (subject %s; every "
                      "measured lesion must be identified in tu.csv)",
                      linkid, sj->usubjid);
            return 0;
        }
        /* No tu.csv: TRGRPID is the fallback (data-format.md "States"). */
        enum lesion_class cls = !strcmp(grp, "TARGET")       ? LC_TARGET
                                : !strcmp(grp, "NON-TARGET") ? LC_NONTARGET
                                : !strcmp(grp, "NEW")        ? LC_NEW
                                                             : LC_NONE;
        if (cls == LC_NONE) {
            diags_add(L->d, SEV_ERROR, D_TERM, m->name, r->line,
                      dom_colno(m, TR_TRGRPID),
                      "without tu.csv, TRGRPID '%s' must be TARGET, "
                      "NON-TARGET or NEW (subject %s, lesion %s)",
                      grp, sj->usubjid, linkid);
            return 0;
        }
        struct lesion *les =
            VEC_PUSH(sj->lesions, sj->n_lesions, sj->cap_lesions);
        memset(les, 0, sizeof *les);
        les->linkid = linkid;
        const char *ql = qual_get(q, nq, "TRLOC");
        lesion_locate(les, L->p, upcase_copy(L, ql ? ql : ""));
        les->visit = term(L, m, r, TR_VISIT);
        les->line = r->line;
        les->parent = les->merged_into = les->merge_first = -1;
        les->from_tr = true;
        les->date = DATE_NONE;
        lesion_classify(les, -1, cls);
        li = (int)(sj->n_lesions - 1);
    }
    struct lesion *les = &sj->lesions[li];
    if (!*les->loc) {
        const char *ql = qual_get(q, nq, "TRLOC");
        if (ql && *ql)
            lesion_locate(les, L->p, upcase_copy(L, ql));
    }

    struct trcand *c = VEC_PUSH(x->c, x->n, x->cap);
    memset(c, 0, sizeof *c);
    c->subj = (size_t)(sj - L->s->subjects);
    c->lesion = li;
    struct measurement *mv = &c->m;
    mv->lesion = li;
    mv->line = r->line;
    mv->test = test;
    mv->visit = term(L, m, r, TR_VISIT);
    assessment_date(L, m, r, TR_TRDTC, sj, mv->visit, &mv->date,
                    &mv->date_imputed);
    mv->assess =
        assess_id(x, c->subj, mv->visit, mv->date, r->line, sj->usubjid);
    c->akey = mv->assess;
    /* TRCAT names the criterion the row applies to; blank: both. */
    char *cat = term(L, m, r, TR_TRCAT);
    int crit = *cat ? criterion_of(cat) : -1;
    if (crit == -2)
        crit = CRIT_RECIST;
    mv->crit_mask =
        crit >= 0 ? (uint8_t)(1u << crit) : (uint8_t)((1u << CRIT_N) - 1);

    char *stat = term(L, m, r, TR_TRSTAT);
    int vc = TR_TRSTRESC;
    char *res = term(L, m, r, vc);
    if (!*res) {
        vc = TR_TRORRES;
        res = term(L, m, r, vc);
    }
    char *resn = field(L, m, r, TR_TRSTRESN);
    /* Not assessed: NOT DONE, blank, NOT EVALUABLE (never an error). */
    if (!strcmp(stat, "NOT DONE") || (!*res && !*resn) ||
        !strcmp(res, "NOT EVALUABLE") || !strcmp(res, "NE") ||
        !strcmp(res, "NOT ASSESSED")) {
        mv->kind = MV_NOT_DONE;
        if (is_state)
            mv->test = DT_NONE;
        return 0;
    }
    if (is_state) {
        mv->kind = MV_STATE;
        if (!strcmp(res, "PRESENT"))
            mv->state = TS_PRESENT;
        else if (!strcmp(res, "ABSENT"))
            mv->state = TS_ABSENT;
        else if (!strcmp(res, "UNEQUIVOCAL") ||
                 !strcmp(res, "UNEQUIVOCAL PROGRESSION"))
            mv->state = TS_UNEQUIVOCAL;
        else if (!strcmp(res, "EQUIVOCAL"))
            mv->state = TS_EQUIVOCAL;
        else {
            diags_add(L->d, SEV_ERROR, D_TERM, m->name, r->line,
                      dom_colno(m, vc),
                      "%s '%s' must be PRESENT, ABSENT, UNEQUIVOCAL, "
                      "UNEQUIVOCAL PROGRESSION or EQUIVOCAL (subject %s, "
                      "lesion %s, visit %s)",
                      m->cols[vc], res, sj->usubjid, linkid,
                      *mv->visit ? mv->visit : "-");
            x->n--;
        }
        return 0;
    }
    if (!strcmp(res, "TOO SMALL TO MEASURE") || !strcmp(res, "TSTM")) {
        /* Too small to measure (data-format.md): the sponsor's number
         * when TRSTRESN holds one, else the protocol's tstm_value_mm. */
        mv->kind = MV_TSTM;
        bool rounded;
        if (*resn && parse_length(resn, "", &mv->diam, &rounded) == 0) {
            mv->tstm_recorded = true;
        } else {
            mv->diam = (int32_t)floor(L->p->tstm_value_mm * DIAM_SCALE + 0.5);
        }
        return 0;
    }
    /* A length: TRSTRESN with TRSTRESU, else the text with its unit. */
    const char *num = resn;
    int nc = TR_TRSTRESN;
    char *unit = term(L, m, r, TR_TRSTRESU);
    if (!*num) {
        num = res;
        nc = vc;
        if (vc == TR_TRORRES)
            unit = term(L, m, r, TR_TRORRESU);
    }
    bool rounded = false;
    int prc = parse_length(num, unit, &mv->diam, &rounded);
    if (prc == -2) {
        diags_add(
            L->d, SEV_ERROR, D_UNIT, m->name, r->line,
            dom_colno(m, nc == TR_TRSTRESN
                             ? TR_TRSTRESU
                             : (vc == TR_TRORRES ? TR_TRORRESU : TR_TRSTRESU)),
            "unit '%s' of %s must be mm or cm (subject %s, lesion "
            "%s, visit %s)",
            unit, tc, sj->usubjid, linkid, *mv->visit ? mv->visit : "-");
        x->n--;
        return 0;
    }
    if (prc < 0) {
        diags_add(L->d, SEV_ERROR, D_NUMBER, m->name, r->line, dom_colno(m, nc),
                  "%s '%s' must be a length in mm, 0 or more, or TOO SMALL "
                  "TO MEASURE (subject %s, lesion %s, visit %s)",
                  m->cols[nc], num, sj->usubjid, linkid,
                  *mv->visit ? mv->visit : "-");
        x->n--;
        return 0;
    }
    if (rounded)
        diags_add(L->d, SEV_WARNING, D_ROUNDED, m->name, r->line,
                  dom_colno(m, nc),
                  "%s '%s' has more decimals than 0.0001 mm; rounded "
                  "(subject %s, lesion %s)",
                  m->cols[nc], num, sj->usubjid, linkid);
    /* The result as collected and its standardised number are one
     * measurement (data-format.md "Measurements"): when both are lengths
     * they must agree, or nobody can tell which one was meant. */
    if (nc == TR_TRSTRESN) {
        const char *orres = dom_get(m, r, TR_TRORRES);
        char *ounit = term(L, m, r, TR_TRORRESU);
        int32_t odiam;
        bool orounded;
        if (*orres && parse_length(orres, ounit, &odiam, &orounded) == 0 &&
            odiam != mv->diam) {
            char a[32], b[32];
            diam_format(odiam, a, sizeof a);
            diam_format(mv->diam, b, sizeof b);
            diags_add(L->d, SEV_ERROR, D_MISMATCH, m->name, r->line,
                      dom_colno(m, TR_TRORRES),
                      "TRORRES '%s%s%s' is %s mm but TRSTRESN is %s mm: the "
                      "standardised result must be the collected one in mm "
                      "(subject %s, lesion %s, visit %s)",
                      orres, *ounit ? " " : "", dom_get(m, r, TR_TRORRESU), a,
                      b, sj->usubjid, linkid, *mv->visit ? mv->visit : "-");
            x->n--;
            return 0;
        }
    }
    mv->kind = MV_VALUE;
    return 0;
}

static int tr_stream(void *ctx, const struct csvr_rec *r)
{
    struct tr_ctx *x = ctx;
    if (!x->m.header_done)
        return dom_dispatch(x->L, &x->m, r, NULL);
    if (r->n != x->m.ncol)
        return dom_dispatch(x->L, &x->m, r, NULL);
    x->m.rows++;
    return tr_row(x->L, &x->m, r, x);
}

static int cmp_cand(const void *a, const void *b)
{
    const struct trcand *x = a, *y = b;
    if (x->subj != y->subj)
        return x->subj < y->subj ? -1 : 1;
    if (x->lesion != y->lesion)
        return x->lesion < y->lesion ? -1 : 1;
    if (x->akey != y->akey)
        return x->akey < y->akey ? -1 : 1;
    if (x->m.crit_mask != y->m.crit_mask)
        return x->m.crit_mask < y->m.crit_mask ? -1 : 1;
    int sx = x->m.kind == MV_STATE || (x->m.test == DT_NONE);
    int sy = y->m.kind == MV_STATE || (y->m.test == DT_NONE);
    if (sx != sy)
        return sx - sy;
    if (x->m.test != y->m.test)
        return x->m.test < y->m.test ? -1 : 1;
    return x->m.line < y->m.line ? -1 : x->m.line > y->m.line;
}

/*
 * Chooses one diameter per lesion, assessment and criterion set, keeps the
 * state rows, and reports a test recorded twice for one lesion at one
 * assessment.
 */
static void tr_resolve(struct loader *L, struct tr_ctx *x)
{
    if (x->n > 1)
        qsort(x->c, x->n, sizeof *x->c, cmp_cand);
    size_t i = 0;
    while (i < x->n) {
        size_t j = i;
        while (j < x->n && x->c[j].subj == x->c[i].subj &&
               x->c[j].lesion == x->c[i].lesion &&
               x->c[j].akey == x->c[i].akey &&
               x->c[j].m.crit_mask == x->c[i].m.crit_mask)
            j++;
        struct subject *sj = &L->s->subjects[x->c[i].subj];
        const struct lesion *les = &sj->lesions[x->c[i].lesion];
        /* Duplicates: the same test (or state) twice in the group. Two
         * rows with the same result are a copy (public exports have them):
         * a warning, counted once. Different results are an error: which
         * one is true is not ours to guess. */
        for (size_t k = i + 1; k < j; k++) {
            const struct measurement *a = &x->c[k - 1].m, *b = &x->c[k].m;
            bool sa = a->kind == MV_STATE || a->test == DT_NONE;
            bool sb = b->kind == MV_STATE || b->test == DT_NONE;
            if (sa != sb || a->test != b->test)
                continue;
            bool same = a->kind == b->kind && a->diam == b->diam &&
                        a->state == b->state;
            diags_add(L->d, same ? SEV_WARNING : SEV_ERROR, D_DUPLICATE,
                      "tr.csv", b->line, 0,
                      "lesion %s of subject %s has two %s results at visit "
                      "%s (the other at line %ld)%s",
                      les->linkid, sj->usubjid,
                      sa ? "state" : diam_test_name(b->test),
                      *b->visit ? b->visit : "-", a->line,
                      same ? ", with the same value: counted once"
                           : ", with different values");
            x->c[k].m.kind = MV_NOT_DONE; /* never counted twice */
            x->c[k].m.test = DT_NONE;
            x->c[k].dup = true;
        }
        /* The diameter: the best-ranked test with a result, else the
         * best-ranked one (not assessed). */
        int best = -1, best_rank = 99, best_any = -1, any_rank = 99;
        bool had_diam = false;
        for (size_t k = i; k < j; k++) {
            const struct measurement *mv = &x->c[k].m;
            if (x->c[k].dup || mv->kind == MV_STATE || mv->test == DT_NONE)
                continue;
            had_diam = true;
            int rk = lesion_test_rank(mv->test, les->is_nodal);
            if (!rk)
                continue;
            if (rk < any_rank) {
                any_rank = rk;
                best_any = (int)k;
            }
            if (mv->kind != MV_NOT_DONE && rk < best_rank) {
                best_rank = rk;
                best = (int)k;
            }
        }
        if (best < 0)
            best = best_any;
        if (best >= 0) {
            struct measurement *dst =
                VEC_PUSH(sj->meas, sj->n_meas, sj->cap_meas);
            *dst = x->c[best].m;
        } else if (had_diam) {
            diags_add(L->d, SEV_WARNING, D_TERM, "tr.csv", x->c[i].m.line, 0,
                      "lesion %s of subject %s (%s) has no usable diameter "
                      "test at visit %s: a lymph node is measured by LPERP, "
                      "SAXIS or DIAMETER, another lesion by LDIAM or "
                      "DIAMETER",
                      les->linkid, sj->usubjid,
                      les->is_nodal ? "lymph node" : "non-nodal",
                      *x->c[i].m.visit ? x->c[i].m.visit : "-");
        }
        for (size_t k = i; k < j; k++) {
            const struct measurement *mv = &x->c[k].m;
            if (x->c[k].dup)
                continue;
            if (mv->kind == MV_STATE ||
                (mv->kind == MV_NOT_DONE && mv->test == DT_NONE)) {
                struct measurement *dst =
                    VEC_PUSH(sj->meas, sj->n_meas, sj->cap_meas);
                *dst = *mv;
            }
        }
        i = j;
    }
}

int sdtm_read_tr(struct loader *L)
{
    struct tr_ctx x = {0};
    x.L = L;
    x.m.name = "tr.csv";
    x.m.cols = tr_cols;
    x.m.required = tr_req;
    strmap_init(&x.clusters);
    x.last_first = SIZE_MAX;
    x.n_assess =
        xcalloc(L->s->n_subjects ? L->s->n_subjects : 1, sizeof *x.n_assess);
    int rc = dom_read(L, &x.m, "tr", tr_stream, &x, false);
    L->s->n_tr_rows = x.m.rows;
    tr_resolve(L, &x);
    /* The recorded sums against the lesions (criteria/baseline.c). */
    for (size_t i = 0; i < x.n_sum_subj; i++)
        baseline_check_sums(&L->s->subjects[x.sum_subj[i]], L->d);
    free(x.sum_subj);
    free(x.c);
    free(x.cl);
    free(x.n_assess);
    strmap_release(&x.clusters);
    return rc;
}

/* ------------------------------------------------------------------------
 * rs.csv (data-format.md "Responses recorded by the site", "RANO-BM
 * inputs").
 */
enum {
    RS_USUBJID,
    RS_RSTESTCD,
    RS_RSDTC,
    RS_RSORRES,
    RS_RSSTRESC,
    RS_RSCAT,
    RS_RSSTAT,
    RS_RSEVAL,
    RS_RSEVALID,
    RS_RSACPTFL,
    RS_VISIT
};
static const char *const rs_cols[] = {
    "USUBJID", "RSTESTCD", "RSDTC",    "RSORRES",  "RSSTRESC", "RSCAT",
    "RSSTAT",  "RSEVAL",   "RSEVALID", "RSACPTFL", "VISIT",    NULL};
static const char *const rs_req[] = {"USUBJID", "RSTESTCD", "RSDTC",
                                     "RSORRES|RSSTRESC", NULL};

static bool in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(v, *list))
            return true;
    return false;
}

static int rs_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, RS_USUBJID);
    if (!sj)
        return 0;
    if (!row_selected(L, &m->eval, m, r, RS_RSEVAL, RS_RSACPTFL))
        return 0;
    char *tc = term(L, m, r, RS_RSTESTCD);
    enum rs_kind kind;
    static const char *const resp[] = {"CR", "PR", "SD", "NON-CR/NON-PD",
                                       "PD", "NE", NULL};
    static const char *const iresp[] = {
        "ICR", "IPR", "ISD", "IUPD", "ICPD", "NON-CR/NON-PD", "INON-CR/NON-PD",
        "NE",  NULL};
    if (strlist_has(&L->p->neuro_status_codes, tc))
        kind = RS_NEURO;
    else if (strlist_has(&L->p->steroid_status_codes, tc))
        kind = RS_STEROID;
    else if (!strcmp(tc, "OVRLRESP"))
        kind = RS_OVRLRESP;
    else if (!strcmp(tc, "TRGRESP"))
        kind = RS_TRGRESP;
    else if (!strcmp(tc, "NTRGRESP"))
        kind = RS_NTRGRESP;
    else if (!strcmp(tc, "NEWLIND"))
        kind = RS_NEWLIND;
    else if (!strcmp(tc, "NEWLPROG"))
        kind = RS_NEWLPROG;
    else if (!strcmp(tc, "BESTRESP"))
        kind = RS_BESTRESP;
    else
        return 0; /* other tests are not used */

    char *cat = term(L, m, r, RS_RSCAT);
    int crit = L->p->default_recorded_criterion;
    bool irecist = false;
    if (*cat) {
        crit = criterion_of(cat);
        if (crit == -2) {
            irecist = true;
            crit = -1;
        } else if (crit < 0 && kind != RS_NEURO && kind != RS_STEROID) {
            diags_add(L->d, SEV_WARNING, D_TERM, m->name, r->line,
                      dom_colno(m, RS_RSCAT),
                      "RSCAT '%s' is not RECIST 1.1, RANO-BM or iRECIST; "
                      "the row is skipped (subject %s)",
                      cat, sj->usubjid);
            return 0;
        }
    }
    int vc = RS_RSSTRESC;
    char *v = term(L, m, r, vc);
    if (!*v) {
        vc = RS_RSORRES;
        v = term(L, m, r, vc);
    }
    char *stat = term(L, m, r, RS_RSSTAT);
    bool not_done = !strcmp(stat, "NOT DONE");
    const char *expected = NULL;
    if (not_done) {
        v = arena_strdup(&L->s->arena, "NE");
    } else {
        switch (kind) {
        case RS_OVRLRESP:
        case RS_TRGRESP:
        case RS_NTRGRESP:
        case RS_BESTRESP:
            if (!strcmp(v, "NOT EVALUABLE"))
                v = arena_strdup(&L->s->arena, "NE");
            if (!strcmp(v, "NON-CR/NON-PD") ||
                in_list(v, irecist ? iresp : resp))
                break;
            if (kind == RS_NTRGRESP && !strcmp(v, "NA"))
                break;
            expected = irecist ? "iCR, iPR, iSD, iUPD, iCPD, NE"
                               : "CR, PR, SD, NON-CR/NON-PD, PD or NE";
            break;
        case RS_NEWLIND:
            if (strcmp(v, "Y") && strcmp(v, "N"))
                expected = "Y or N";
            break;
        case RS_NEWLPROG:
            if (strcmp(v, "EQUIVOCAL") && strcmp(v, "UNEQUIVOCAL"))
                expected = "EQUIVOCAL or UNEQUIVOCAL";
            break;
        case RS_NEURO:
            /* Aliases (data-format.md "RANO-BM inputs"). */
            if (!strcmp(v, "WORSENED") || !strcmp(v, "DETERIORATED") ||
                (!strcmp(tc, "NRADPROG") && !strcmp(v, "Y")))
                v = arena_strdup(&L->s->arena, "WORSE");
            else if (!strcmp(tc, "NRADPROG") && !strcmp(v, "N"))
                v = arena_strdup(&L->s->arena, "STABLE");
            if (strcmp(v, "IMPROVED") && strcmp(v, "STABLE") &&
                strcmp(v, "WORSE"))
                expected = "IMPROVED, STABLE or WORSE";
            break;
        case RS_STEROID:
            if (strcmp(v, "NONE") && strcmp(v, "DECREASED") &&
                strcmp(v, "STABLE") && strcmp(v, "INCREASED"))
                expected = "NONE, DECREASED, STABLE or INCREASED";
            break;
        default:
            break;
        }
    }
    if (expected) {
        /* Values outside the controlled terms are warnings and skipped
         * (data-format.md, e.g. CHECK). */
        diags_add(L->d, SEV_WARNING, D_TERM, m->name, r->line, dom_colno(m, vc),
                  "%s '%s' of %s is not one of %s; the row is skipped "
                  "(subject %s)",
                  m->cols[vc], v, tc, expected, sj->usubjid);
        return 0;
    }
    struct rs_record *x = VEC_PUSH(sj->rs, sj->n_rs, sj->cap_rs);
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->testcd = tc;
    x->crit = crit;
    x->irecist = irecist;
    x->value = v;
    x->visit = term(L, m, r, RS_VISIT);
    x->line = r->line;
    assessment_date(L, m, r, RS_RSDTC, sj, x->visit, &x->date,
                    &x->date_imputed);
    return 0;
}
DOM_STREAM_FN(rs_stream, rs_row)

int sdtm_read_rs(struct loader *L)
{
    struct dom m = {.name = "rs.csv", .cols = rs_cols, .required = rs_req};
    int rc_;
    DOM_READ(L, m, "rs", rs_stream, false);
    return rc_;
}

/* ------------------------------------------------------------------------
 * cm.csv, pr.csv
 */
enum {
    CM_USUBJID,
    CM_CMTRT,
    CM_CMSTDTC,
    CM_CMDECOD,
    CM_CMCAT,
    CM_CMSCAT,
    CM_CMCLAS,
    CM_CMCLASCD,
    CM_CMINDC,
    CM_CMDOSE,
    CM_CMDOSTOT,
    CM_CMDOSU,
    CM_CMDOSFRQ,
    CM_CMROUTE,
    CM_CMENDTC
};
static const char *const cm_cols[] = {
    "USUBJID",  "CMTRT",    "CMSTDTC", "CMDECOD", "CMCAT",    "CMSCAT",
    "CMCLAS",   "CMCLASCD", "CMINDC",  "CMDOSE",  "CMDOSTOT", "CMDOSU",
    "CMDOSFRQ", "CMROUTE",  "CMENDTC", NULL};
static const char *const cm_req[] = {"USUBJID", "CMTRT", "CMSTDTC", NULL};

static int cm_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, CM_USUBJID);
    if (!sj)
        return 0;
    struct cm_record *c = VEC_PUSH(sj->cm, sj->n_cm, sj->cap_cm);
    memset(c, 0, sizeof *c);
    c->trt = term(L, m, r, CM_CMTRT);
    c->decod = term(L, m, r, CM_CMDECOD);
    c->cat = term(L, m, r, CM_CMCAT);
    c->scat = term(L, m, r, CM_CMSCAT);
    c->clascd = term(L, m, r, CM_CMCLASCD);
    c->indc = term(L, m, r, CM_CMINDC);
    c->route = term(L, m, r, CM_CMROUTE);
    c->dosfrq = term(L, m, r, CM_CMDOSFRQ);
    c->dosu = field(L, m, r, CM_CMDOSU);
    c->line = r->line;
    num_field(L, m, r, CM_CMDOSE, sj->usubjid, "a dose, 0 or more", &c->dose);
    num_field(L, m, r, CM_CMDOSTOT, sj->usubjid, "a daily dose, 0 or more",
              &c->dostot);
    struct pdate raw;
    start_date(L, m, r, CM_CMSTDTC, sj, &raw, &c->start, &c->start_imputed);
    end_date(L, m, r, CM_CMENDTC, sj, &raw, &c->end, &c->end_imputed);
    if (c->start != DATE_NONE && c->end != DATE_NONE && c->end < c->start &&
        !c->end_imputed)
        diags_add(L->d, SEV_ERROR, D_DATE_ORDER, m->name, r->line,
                  dom_colno(m, CM_CMENDTC),
                  "CMENDTC '%s' is before CMSTDTC '%s' (subject %s)",
                  dom_get(m, r, CM_CMENDTC), dom_get(m, r, CM_CMSTDTC),
                  sj->usubjid);
    return 0;
}
DOM_STREAM_FN(cm_stream, cm_row)

int sdtm_read_cm(struct loader *L)
{
    struct dom m = {.name = "cm.csv", .cols = cm_cols, .required = cm_req};
    int rc_;
    DOM_READ(L, m, "cm", cm_stream, false);
    L->s->have_cm = rc_ == 0 && m.header_done && !m.bad;
    return rc_;
}

enum {
    PR_USUBJID,
    PR_PRTRT,
    PR_PRSTDTC,
    PR_PRDECOD,
    PR_PRCAT,
    PR_PRSCAT,
    PR_PRLOC
};
static const char *const pr_cols[] = {"USUBJID", "PRTRT",  "PRSTDTC", "PRDECOD",
                                      "PRCAT",   "PRSCAT", "PRLOC",   NULL};
static const char *const pr_req[] = {"USUBJID", "PRTRT", "PRSTDTC", NULL};

static int pr_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, PR_USUBJID);
    if (!sj)
        return 0;
    struct pr_record *p = VEC_PUSH(sj->pr, sj->n_pr, sj->cap_pr);
    memset(p, 0, sizeof *p);
    p->trt = term(L, m, r, PR_PRTRT);
    p->decod = term(L, m, r, PR_PRDECOD);
    p->cat = term(L, m, r, PR_PRCAT);
    p->scat = term(L, m, r, PR_PRSCAT);
    p->loc = term(L, m, r, PR_PRLOC);
    p->line = r->line;
    struct pdate raw;
    start_date(L, m, r, PR_PRSTDTC, sj, &raw, &p->start, &p->start_imputed);
    return 0;
}
DOM_STREAM_FN(pr_stream, pr_row)

int sdtm_read_pr(struct loader *L)
{
    struct dom m = {.name = "pr.csv", .cols = pr_cols, .required = pr_req};
    int rc_;
    DOM_READ(L, m, "pr", pr_stream, false);
    return rc_;
}

/* ------------------------------------------------------------------------
 * ae.csv (+ suppae.csv: per-drug relatedness and action taken).
 */
enum {
    AE_USUBJID,
    AE_AETERM,
    AE_AESTDTC,
    AE_AESEQ,
    AE_AEDECOD,
    AE_AEBODSYS,
    AE_AEENDTC,
    AE_AETOXGR,
    AE_AESER,
    AE_AEREL,
    AE_AEACN,
    AE_AEOUT
};
static const char *const ae_cols[] = {
    "USUBJID", "AETERM", "AESTDTC", "AESEQ", "AEDECOD", "AEBODSYS", "AEENDTC",
    "AETOXGR", "AESER",  "AEREL",   "AEACN", "AEOUT",   NULL};
static const char *const ae_req[] = {"USUBJID", "AETERM", "AESTDTC", NULL};

static int ae_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, AE_USUBJID);
    if (!sj)
        return 0;
    struct ae *a = VEC_PUSH(sj->aes, sj->n_aes, sj->cap_aes);
    memset(a, 0, sizeof *a);
    a->term = field(L, m, r, AE_AETERM);
    a->decod = term(L, m, r, AE_AEDECOD);
    a->bodsys = term(L, m, r, AE_AEBODSYS);
    a->ser = term(L, m, r, AE_AESER);
    a->rel = term(L, m, r, AE_AEREL);
    a->acn = term(L, m, r, AE_AEACN);
    a->out = term(L, m, r, AE_AEOUT);
    a->line = r->line;
    a->seq = -1;
    if (!*a->term)
        diags_add(L->d, SEV_ERROR, D_REQUIRED, m->name, r->line,
                  dom_colno(m, AE_AETERM),
                  "AETERM must not be blank (subject %s)", sj->usubjid);
    const char *seq = dom_get(m, r, AE_AESEQ);
    if (*seq && parse_long(seq, strlen(seq), &a->seq) < 0)
        diags_add(
            L->d, SEV_ERROR, D_NUMBER, m->name, r->line, dom_colno(m, AE_AESEQ),
            "AESEQ '%s' must be a whole number (subject %s)", seq, sj->usubjid);
    const char *gr = dom_get(m, r, AE_AETOXGR);
    long g;
    if (*gr) {
        if (parse_long(gr, strlen(gr), &g) < 0 || g < 1 || g > 5)
            diags_add(L->d, SEV_ERROR, D_NUMBER, m->name, r->line,
                      dom_colno(m, AE_AETOXGR),
                      "AETOXGR '%s' must be a CTCAE grade from 1 to 5 "
                      "(subject %s, %s)",
                      gr, sj->usubjid, a->term);
        else
            a->grade = (int)g;
    }
    if (*a->ser && strcmp(a->ser, "Y") && strcmp(a->ser, "N"))
        diags_add(L->d, SEV_ERROR, D_TERM, m->name, r->line,
                  dom_colno(m, AE_AESER),
                  "AESER '%s' must be Y or N (subject %s, %s)", a->ser,
                  sj->usubjid, a->term);
    start_date(L, m, r, AE_AESTDTC, sj, &a->start_raw, &a->start,
               &a->start_imputed);
    end_date(L, m, r, AE_AEENDTC, sj, &a->end_raw, &a->end, &a->end_imputed);
    if (a->start != DATE_NONE && a->end != DATE_NONE &&
        pdate_last(a->end_raw) < pdate_first(a->start_raw))
        diags_add(L->d, SEV_ERROR, D_DATE_ORDER, m->name, r->line,
                  dom_colno(m, AE_AEENDTC),
                  "AEENDTC '%s' is before AESTDTC '%s' (subject %s, %s)",
                  dom_get(m, r, AE_AEENDTC), dom_get(m, r, AE_AESTDTC),
                  sj->usubjid, a->term);
    else if (a->end != DATE_NONE && a->start != DATE_NONE && a->end < a->start)
        a->start = a->end; /* imputation must not invert a valid pair */
    supp_attach(L, m->supp, m, r, sj->usubjid, &a->quals, &a->n_quals);
    /* Per-drug relatedness and action may also come flattened into
     * ae.csv as columns named like the SUPPAE QNAMs (data-format.md
     * "Safety"); a SUPPAE qualifier of the same name wins. */
    for (size_t k = 0; k < L->p->n_drugs; k++) {
        const char *names[2] = {L->p->drugs[k].rel_qnam,
                                L->p->drugs[k].acn_qnam};
        for (int j = 0; j < 2; j++) {
            int c = header_col(m, names[j]);
            if (c < 0 || !*names[j] || qual_get(a->quals, a->n_quals, names[j]))
                continue;
            char v[128];
            snprintf(v, sizeof v, "%s", (size_t)c < r->n ? r->f[c] : "");
            if (!*v)
                continue;
            struct qualifier *q =
                arena_alloc(&L->s->arena, (a->n_quals + 1) * sizeof *q);
            if (a->n_quals)
                memcpy(q, a->quals, a->n_quals * sizeof *q);
            q[a->n_quals].qnam = (char *)names[j];
            q[a->n_quals].qval = upcase_copy(L, v);
            a->quals = q;
            a->n_quals++;
        }
    }
    return 0;
}
DOM_STREAM_FN(ae_stream, ae_row)

int sdtm_read_ae(struct loader *L)
{
    struct dom m = {.name = "ae.csv", .cols = ae_cols, .required = ae_req};
    int rc_;
    DOM_READ(L, m, "ae", ae_stream, false);
    return rc_;
}

/*
 * Death dates (data-format.md "Dates"): complete to the month; a missing
 * day is imputed to the 1st, but never before the last known alive date.
 */
void sdtm_fix_deaths(struct loader *L)
{
    study_finish(L->s, NULL);
    for (size_t i = 0; i < L->s->n_subjects; i++) {
        struct subject *sj = &L->s->subjects[i];
        /* SS DEAD gives a death date when DM has none. */
        if (pdate_is_missing(sj->dth_raw)) {
            for (size_t k = 0; k < sj->n_ss; k++)
                if (!strcmp(sj->ss[k].status, "DEAD") &&
                    sj->ss[k].date != DATE_NONE &&
                    (sj->death == DATE_NONE || sj->ss[k].date < sj->death))
                    sj->death = sj->ss[k].date;
            continue;
        }
        if (pdate_is_complete(sj->dth_raw)) {
            sj->death = pdate_day(sj->dth_raw);
            continue;
        }
        int32_t d = pdate_first(sj->dth_raw);
        int32_t hi = pdate_last(sj->dth_raw);
        if (sj->last_alive != DATE_NONE && sj->last_alive > d)
            d = sj->last_alive < hi ? sj->last_alive : hi;
        sj->death = d;
        sj->death_imputed = true;
        char buf[11];
        date_format(d, buf);
        diags_add(L->d, SEV_WARNING, D_IMPUTED, "dm.csv", sj->dm_line, 0,
                  "DTHDTC of subject %s has no day; imputed to %s (the 1st, "
                  "or the last known alive date if later)",
                  sj->usubjid, buf);
    }
}
