/*
 * sdtm_tu.c - tu.csv, the lesions (shared/spec/data-format.md "Tumours"):
 * identification, the criterion each class is for, split and merged
 * lesions. What a lesion is (CNS, node, which criteria see it) is
 * criteria/lesion.c's to say.
 */
#include "sdtm_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int tu_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    struct subject *sj = row_subject(L, m, r, TU_USUBJID);
    if (!sj)
        return 0;
    if (!row_selected(L, &m->eval, m, r, TU_TUEVAL, TU_TUACPTFL, TU_TUEVALID,
                      sj))
        return 0;
    char *linkid = dom_term(L, m, r, TU_TULNKID);
    char *tc = dom_term(L, m, r, TU_TUTESTCD);
    if (!dom_require(L, m, r, TU_TULNKID, linkid, sj->usubjid))
        return 0;
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
    char *res = dom_term(L, m, r, rc);
    if (!*res) {
        rc = TU_TUORRES;
        res = dom_term(L, m, r, rc);
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
    char *loc = dom_term(L, m, r, TU_TULOC);
    if (!*loc) {
        const char *v = dom_qual_get(q, nq, "TULOC");
        loc = dom_upcase(L, v ? v : "");
    }
    char *crit_v = dom_criterion_value(L, m, r, q, nq);
    int crit = -1;
    if (*crit_v) {
        crit = dom_criterion_of(crit_v);
        if (crit == -2)
            crit = CRIT_RECIST; /* iRECIST stands on RECIST 1.1 lesions */
        if (crit < 0)
            diags_add(L->d, SEV_WARNING, D_TERM, m->name, r->line, 0,
                      "%s '%s' names no criterion (RECIST 1.1, RANO-BM); "
                      "the lesion counts for both by its location (subject "
                      "%s, lesion %s)",
                      L->p->criterion_column, crit_v, sj->usubjid, linkid);
    }
    char *visit = dom_term(L, m, r, TU_VISIT);
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
        dom_assessment_date(L, m, r, TU_TUDTC, sj, visit, &les->date, &imp);
        /* A split fragment: TUSPLIT, or "T04.1" where T04 exists; the
         * parent is resolved after all rows are read. */
        (void)split;
    }
    if (!*les->loc && *loc)
        lesion_locate(les, L->p, loc);
    lesion_classify(les, crit, cls);
    return 0;
}

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

static const struct dom_spec sdtm_tu = {"tu.csv", "tu",  tu_cols, tu_req,
                                        tu_row,   false, NULL};

int sdtm_read_tu(struct loader *L)
{
    struct dom m;
    int rc = dom_run(L, &sdtm_tu, &m);
    L->have_tu = rc != 1;
    for (size_t i = 0; i < L->s->n_subjects; i++)
        link_lesions(&L->s->subjects[i]);
    return rc;
}
