/*
 * sdtm_tr.c - tr.csv, the measurements (shared/spec/data-format.md
 * "Measurements", "Too small to measure", "Not assessed", "States"): the
 * rows of one visit grouped into assessments, one diameter test per lesion
 * and assessment (criteria/lesion.c ranks them), the collected and the
 * standardised result checked against each other, and the sums the site
 * recorded kept for criteria/baseline.c to compare.
 */
#include "sdtm_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    char *unit = dom_term(L, m, r, TR_TRSTRESU);
    if (!*v) {
        v = dom_get(m, r, TR_TRORRES);
        unit = dom_term(L, m, r, TR_TRORRESU);
    }
    int32_t diam;
    bool rounded;
    if (!*v || parse_length(v, unit, &diam, &rounded) < 0)
        return; /* a sum we cannot read is no input: nothing to check */
    int32_t date;
    bool imp;
    char *visit = dom_term(L, m, r, TR_VISIT);
    if (dom_assessment_date(L, m, r, TR_TRDTC, sj, visit, &date, &imp) < 0)
        return;
    size_t subj = (size_t)(sj - L->s->subjects);
    struct subject *msj = &L->s->subjects[subj];
    if (!msj->n_sums)
        *(size_t *)VEC_PUSH(x->sum_subj, x->n_sum_subj, x->cap_sum_subj) = subj;
    struct recorded_sum *sr = VEC_PUSH(msj->sums, msj->n_sums, msj->cap_sums);
    sr->assess = assess_id(x, subj, visit, date, r->line, sj->usubjid);
    sr->diam = diam;
    char *cat = dom_term(L, m, r, TR_TRCAT);
    sr->crit = *cat ? dom_criterion_of(cat) : -1;
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
    if (!row_selected(L, &m->eval, m, r, TR_TREVAL, TR_TRACPTFL, TR_TREVALID,
                      sj))
        return 0;
    char *linkid = dom_term(L, m, r, TR_TRLNKID);
    char *tc = dom_term(L, m, r, TR_TRTESTCD);
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
        char *grp = dom_term(L, m, r, TR_TRGRPID);
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
        const char *ql = dom_qual_get(q, nq, "TRLOC");
        lesion_locate(les, L->p, dom_upcase(L, ql ? ql : ""));
        les->visit = dom_term(L, m, r, TR_VISIT);
        les->line = r->line;
        les->parent = les->merged_into = les->merge_first = -1;
        les->from_tr = true;
        les->date = DATE_NONE;
        lesion_classify(les, -1, cls);
        li = (int)(sj->n_lesions - 1);
    }
    struct lesion *les = &sj->lesions[li];
    if (!*les->loc) {
        const char *ql = dom_qual_get(q, nq, "TRLOC");
        if (ql && *ql)
            lesion_locate(les, L->p, dom_upcase(L, ql));
    }

    struct trcand *c = VEC_PUSH(x->c, x->n, x->cap);
    memset(c, 0, sizeof *c);
    c->subj = (size_t)(sj - L->s->subjects);
    c->lesion = li;
    struct measurement *mv = &c->m;
    mv->lesion = li;
    mv->line = r->line;
    mv->test = test;
    mv->visit = dom_term(L, m, r, TR_VISIT);
    dom_assessment_date(L, m, r, TR_TRDTC, sj, mv->visit, &mv->date,
                        &mv->date_imputed);
    mv->assess =
        assess_id(x, c->subj, mv->visit, mv->date, r->line, sj->usubjid);
    c->akey = mv->assess;
    /* TRCAT names the criterion the row applies to; blank: both. */
    char *cat = dom_term(L, m, r, TR_TRCAT);
    int crit = *cat ? dom_criterion_of(cat) : -1;
    if (crit == -2)
        crit = CRIT_RECIST;
    mv->crit_mask =
        crit >= 0 ? (uint8_t)(1u << crit) : (uint8_t)((1u << CRIT_N) - 1);

    char *stat = dom_term(L, m, r, TR_TRSTAT);
    int vc = TR_TRSTRESC;
    char *res = dom_term(L, m, r, vc);
    if (!*res) {
        vc = TR_TRORRES;
        res = dom_term(L, m, r, vc);
    }
    char *resn = dom_field(L, m, r, TR_TRSTRESN);
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
        /* Too small to measure: the sponsor's number when TRSTRESN holds
         * one, else what criteria/lesion.c says it counts as. */
        mv->kind = MV_TSTM;
        bool rounded;
        if (*resn && parse_length(resn, "", &mv->diam, &rounded) == 0) {
            mv->tstm_recorded = true;
        } else {
            mv->diam = lesion_tstm_value(L->p);
        }
        return 0;
    }
    /* A length: TRSTRESN with TRSTRESU, else the text with its unit. */
    const char *num = resn;
    int nc = TR_TRSTRESN;
    char *unit = dom_term(L, m, r, TR_TRSTRESU);
    if (!*num) {
        num = res;
        nc = vc;
        if (vc == TR_TRORRES)
            unit = dom_term(L, m, r, TR_TRORRESU);
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
    /* The result as collected and its standardised one are one
     * measurement (data-format.md "Measurements"): when the collected one
     * is a number it must be a length in mm or cm, and the same length,
     * or nobody can tell which one was meant. */
    if (nc != TR_TRORRES) {
        const char *orres = dom_get(m, r, TR_TRORRES);
        char *ounit = dom_term(L, m, r, TR_TRORRESU);
        int32_t odiam;
        bool orounded;
        int orc = *orres ? parse_length(orres, ounit, &odiam, &orounded) : -1;
        if (orc == -2) {
            diags_add(L->d, SEV_ERROR, D_UNIT, m->name, r->line,
                      dom_colno(m, TR_TRORRESU),
                      "unit '%s' of TRORRES must be mm or cm (subject %s, "
                      "lesion %s, visit %s)",
                      ounit, sj->usubjid, linkid, *mv->visit ? mv->visit : "-");
            x->n--;
            return 0;
        }
        if (orc == 0 && odiam != mv->diam) {
            char a[32], b[32];
            diam_format(odiam, a, sizeof a);
            diam_format(mv->diam, b, sizeof b);
            diags_add(L->d, SEV_ERROR, D_MISMATCH, m->name, r->line,
                      dom_colno(m, TR_TRORRES),
                      "TRORRES '%s%s%s' is %s mm but %s is %s mm: the "
                      "standardised result must be the collected one in mm "
                      "(subject %s, lesion %s, visit %s)",
                      orres, *ounit ? " " : "", dom_get(m, r, TR_TRORRESU), a,
                      m->cols[nc], b, sj->usubjid, linkid,
                      *mv->visit ? mv->visit : "-");
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
