/*
 * fixture.c - see fixture.h.
 */
#include "fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The next space-separated word of *cur (cut out in place), or NULL. */
static char *next_word(char **cur)
{
    char *p = *cur + strspn(*cur, " ");
    if (!*p)
        return NULL;
    char *end = p + strcspn(p, " ");
    *cur = *end ? end + 1 : end;
    *end = '\0';
    return p;
}

void fixture_build(struct study *s, const struct ccase *c)
{
    study_init(s);
    if (c->proto) {
        struct diags d;
        diags_init(&d, 0);
        int rc =
            protocol_parse(&s->proto, c->proto, strlen(c->proto), "case", &d);
        if (rc)
            dump_diags(&d);
        assert_int_equal(rc, 0);
        diags_release(&d);
    }
    s->have_cm = !c->no_cm;
    struct subject *sj = study_add(s, "S-1");
    sj->studyid = "T";
    struct ds_event *e = VEC_PUSH(sj->ds, sj->n_ds, sj->cap_ds);
    memset(e, 0, sizeof *e);
    e->decod = "ENROLLED";
    e->cat = e->scat = e->term = e->epoch = "";
    e->date = FIXTURE_ORIGIN;
    struct dose *x = VEC_PUSH(sj->doses, sj->n_doses, sj->cap_doses);
    memset(x, 0, sizeof *x);
    x->trt = "IVONESCIMAB";
    x->dose = 20;
    x->start = x->end = FIXTURE_ORIGIN;
    x->unit = x->adj = x->visit = "";
    /* Lesions: "ID:CLASS:LOC" with LOC's spaces written as '_'. */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", c->lesions);
    char *cur = buf;
    for (char *tok = next_word(&cur); tok; tok = next_word(&cur)) {
        char *id = tok, *cls = strchr(id, ':');
        *cls++ = '\0';
        char *loc = strchr(cls, ':');
        *loc++ = '\0';
        for (char *q = loc; *q; q++)
            if (*q == '_')
                *q = ' ';
        struct lesion *l =
            VEC_PUSH(sj->lesions, sj->n_lesions, sj->cap_lesions);
        memset(l, 0, sizeof *l);
        l->linkid = arena_strdup(&s->arena, id);
        l->loc = arena_strdup(&s->arena, loc);
        l->visit = "";
        l->date = DATE_NONE;
        l->parent = l->merged_into = l->merge_first = -1;
        l->is_cns = protocol_is_cns(&s->proto, l->loc);
        l->is_nodal = strstr(l->loc, "LYMPH NODE") != NULL;
        enum lesion_class lc = !strcmp(cls, "T")    ? LC_TARGET
                               : !strcmp(cls, "NT") ? LC_NONTARGET
                                                    : LC_NEW;
        l->cls[CRIT_RECIST] = lc;
        l->cls[CRIT_RANOBM] = l->is_cns ? lc : LC_NONE;
    }
    /* Split fragments ("T01.1") and merged masses ("T01/T02"). */
    for (size_t i = 0; i < sj->n_lesions; i++) {
        struct lesion *l = &sj->lesions[i];
        char *dot = strchr(l->linkid, '.'), *sl = strchr(l->linkid, '/');
        if (dot) {
            char p[16];
            snprintf(p, sizeof p, "%.*s", (int)(dot - l->linkid), l->linkid);
            l->parent = subject_find_lesion(sj, p);
        }
        if (sl) {
            l->is_merge = true;
            char a[16], b[16];
            snprintf(a, sizeof a, "%.*s", (int)(sl - l->linkid), l->linkid);
            snprintf(b, sizeof b, "%s", sl + 1);
            int pa = subject_find_lesion(sj, a),
                pb = subject_find_lesion(sj, b);
            sj->lesions[pa].merged_into = sj->lesions[pb].merged_into = (int)i;
            l->merge_first = pa;
        }
    }
    for (int vi = 0; c->v[vi].vals; vi++) {
        int32_t date = FIXTURE_ORIGIN + c->v[vi].day;
        char visit[16];
        snprintf(visit, sizeof visit, vi == 0 ? "BASELINE" : "D%d",
                 c->v[vi].day);
        char *vname = arena_strdup(&s->arena, visit);
        snprintf(buf, sizeof buf, "%s", c->v[vi].vals);
        char *vcur = buf;
        for (char *tok = next_word(&vcur); tok; tok = next_word(&vcur)) {
            char *eq = strchr(tok, '=');
            *eq++ = '\0';
            if (!strcmp(tok, "CLIN")) {
                struct rs_record *r = VEC_PUSH(sj->rs, sj->n_rs, sj->cap_rs);
                memset(r, 0, sizeof *r);
                r->kind = RS_NEURO;
                r->testcd = "CLINSTAT";
                r->crit = CRIT_RANOBM;
                r->value = arena_strdup(&s->arena, eq);
                r->visit = vname;
                r->date = date;
                continue;
            }
            if (!strcmp(tok, "EVENT")) {
                /* EVENT=DIED, EVENT=ALIVE (survival follow-up), EVENT=NAT
                 * (new systemic anticancer therapy, CM), EVENT=SRS
                 * (radiosurgery, PR). */
                if (!strcmp(eq, "DIED")) {
                    sj->death = date;
                } else if (!strcmp(eq, "ALIVE")) {
                    struct ss_record *ss =
                        VEC_PUSH(sj->ss, sj->n_ss, sj->cap_ss);
                    ss->status = "ALIVE";
                    ss->date = date;
                    ss->line = vi;
                } else if (!strcmp(eq, "NAT")) {
                    struct cm_record *m =
                        VEC_PUSH(sj->cm, sj->n_cm, sj->cap_cm);
                    memset(m, 0, sizeof *m);
                    m->trt = m->decod = "CAPECITABINE";
                    m->cat = "ANTICANCER THERAPY";
                    m->scat = m->clascd = m->indc = m->route = m->dosfrq = "";
                    m->dosu = "mg";
                    m->dose = m->dostot = NAN;
                    m->start = date;
                    m->end = DATE_NONE;
                } else {
                    struct pr_record *pr =
                        VEC_PUSH(sj->pr, sj->n_pr, sj->cap_pr);
                    memset(pr, 0, sizeof *pr);
                    pr->trt = pr->decod = "STEREOTACTIC RADIOSURGERY";
                    pr->cat = "CANCER RELATED";
                    pr->scat = pr->loc = "";
                    pr->start = date;
                }
                continue;
            }
            if (!strcmp(tok, "REC")) {
                /* A response recorded by the site (RS OVRLRESP). */
                struct rs_record *r = VEC_PUSH(sj->rs, sj->n_rs, sj->cap_rs);
                memset(r, 0, sizeof *r);
                r->kind = RS_OVRLRESP;
                r->testcd = "OVRLRESP";
                r->crit = c->crit;
                r->value = arena_strdup(&s->arena, eq);
                r->visit = vname;
                r->date = date;
                r->line = 100 + vi;
                continue;
            }
            if (!strcmp(tok, "DEX")) {
                struct cm_record *m = VEC_PUSH(sj->cm, sj->n_cm, sj->cap_cm);
                memset(m, 0, sizeof *m);
                m->trt = m->decod = "DEXAMETHASONE";
                m->cat = m->scat = m->clascd = m->indc = m->route = "";
                m->dosfrq = "QD";
                m->dosu = "mg";
                m->dose = NAN;
                m->dostot = strtod(eq, NULL);
                m->start = m->end = date;
                continue;
            }
            int li = subject_find_lesion(sj, tok);
            assert_true(li >= 0);
            struct measurement *mv =
                VEC_PUSH(sj->meas, sj->n_meas, sj->cap_meas);
            memset(mv, 0, sizeof *mv);
            mv->lesion = li;
            mv->date = date;
            mv->visit = vname;
            mv->assess = vi;
            mv->crit_mask = 3;
            mv->line = vi + 1;
            if (!strcmp(eq, "PRESENT") || !strcmp(eq, "ABSENT") ||
                !strcmp(eq, "UPD") || !strcmp(eq, "EQUIVOCAL") ||
                !strcmp(eq, "UNEQUIVOCAL")) {
                mv->kind = MV_STATE;
                mv->state = !strcmp(eq, "PRESENT")     ? TS_PRESENT
                            : !strcmp(eq, "ABSENT")    ? TS_ABSENT
                            : !strcmp(eq, "EQUIVOCAL") ? TS_EQUIVOCAL
                                                       : TS_UNEQUIVOCAL;
            } else if (!strcmp(eq, "ND")) {
                mv->kind = MV_NOT_DONE;
                mv->test = sj->lesions[li].cls[CRIT_RECIST] == LC_TARGET
                               ? DT_LDIAM
                               : DT_NONE;
            } else if (!strncmp(eq, "TSTM", 4)) {
                mv->kind = MV_TSTM;
                mv->test = DT_LDIAM;
                mv->tstm_recorded = eq[4] != '\0';
                mv->diam = (int32_t)((eq[4] ? strtod(eq + 4, NULL)
                                            : s->proto.tstm_value_mm) *
                                         DIAM_SCALE +
                                     0.5);
            } else {
                mv->kind = MV_VALUE;
                mv->test = sj->lesions[li].is_nodal ? DT_LPERP : DT_LDIAM;
                mv->diam = (int32_t)(strtod(eq, NULL) * DIAM_SCALE + 0.5);
            }
        }
    }
    study_finish(s, NULL);
    /* As the loader does: the study as known at the data cut-off. */
    struct cut_summary cut;
    study_cut(s, &cut);
}
