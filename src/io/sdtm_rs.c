/*
 * sdtm_rs.c - rs.csv, what the site recorded (shared/spec/data-format.md
 * "Responses recorded by the site", "RANO-BM inputs"): overall and
 * component responses per criterion, the neurological and steroid status
 * that RANO-BM needs. BALIST's own calls are criteria/'s; these are inputs
 * and the site's calls to compare with them.
 */
#include "sdtm_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (!row_selected(L, &m->eval, m, r, RS_RSEVAL, RS_RSACPTFL, RS_RSEVALID,
                      sj))
        return 0;
    char *tc = dom_term(L, m, r, RS_RSTESTCD);
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

    char *cat = dom_term(L, m, r, RS_RSCAT);
    int crit = L->p->default_recorded_criterion;
    bool irecist = false;
    if (*cat) {
        crit = dom_criterion_of(cat);
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
    char *v = dom_term(L, m, r, vc);
    if (!*v) {
        vc = RS_RSORRES;
        v = dom_term(L, m, r, vc);
    }
    char *stat = dom_term(L, m, r, RS_RSSTAT);
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
    x->visit = dom_term(L, m, r, RS_VISIT);
    x->line = r->line;
    dom_assessment_date(L, m, r, RS_RSDTC, sj, x->visit, &x->date,
                        &x->date_imputed);
    return 0;
}

const struct dom_spec sdtm_rs = {"rs.csv", "rs",  rs_cols, rs_req,
                                 rs_row,   false, NULL};
