/*
 * sdtm_dom.c - the readers of the SDTM domains without tumour logic
 * (shared/spec/data-format.md "Inputs"). ds, ex, cm and pr are tables:
 * each column read by its kind into its field, with its checks (a
 * required value, a number's lower bound), and the checks across columns
 * (a date order, an AE's grade and qualifiers) after them; sdtm.c's one
 * reader does the rest. dm and ss have logic of their own (subjects
 * created, survival status filtered) and keep row functions,
 * as the tumour domains do (sdtm_tu.c, sdtm_tr.c, sdtm_rs.c); the field
 * helpers are in sdtm_field.c. Every bad value is reported with
 * file:line:column, the value and what was expected.
 */
#include "sdtm_int.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    DM_STUDYID,
    DM_AGEU,
    DM_ETHNIC,
    DM_ARMCD,
    DM_ACTARM,
    DM_ACTARMCD
};
static const char *const dm_cols[] = {
    "USUBJID", "SUBJID", "SITEID", "RFSTDTC", "RFXSTDTC", "RFICDTC", "RFENDTC",
    "DTHDTC",  "DTHFL",  "AGE",    "SEX",     "RACE",     "ARM",     "STUDYID",
    "AGEU",    "ETHNIC", "ARMCD",  "ACTARM",  "ACTARMCD", NULL};
static const char *const dm_req[] = {"USUBJID", NULL};

static int dm_row(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    char *us = dom_field(L, m, r, DM_USUBJID);
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
    sj->studyid = dom_field(L, m, r, DM_STUDYID);
    sj->subjid = dom_field(L, m, r, DM_SUBJID);
    sj->siteid = dom_field(L, m, r, DM_SITEID);
    sj->sex = dom_term(L, m, r, DM_SEX);
    sj->race = dom_term(L, m, r, DM_RACE);
    sj->arm = dom_field(L, m, r, DM_ARM);
    sj->ageu = dom_term(L, m, r, DM_AGEU);
    sj->ethnic = dom_term(L, m, r, DM_ETHNIC);
    sj->armcd = dom_field(L, m, r, DM_ARMCD);
    sj->actarm = dom_field(L, m, r, DM_ACTARM);
    sj->actarmcd = dom_field(L, m, r, DM_ACTARMCD);
    dom_ref_date(L, m, r, DM_RFSTDTC, us, &sj->rfstdtc);
    dom_ref_date(L, m, r, DM_RFXSTDTC, us, &sj->rfxstdtc);
    dom_ref_date(L, m, r, DM_RFICDTC, us, &sj->rficdtc);
    dom_ref_date(L, m, r, DM_RFENDTC, us, &sj->rfendtc);
    double age;
    if (dom_num(L, m, r, DM_AGE, us, "an age in years, 0 to 130", &age) == 0 &&
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
    char *fl = dom_term(L, m, r, DM_DTHFL);
    if (*fl && strcmp(fl, "Y") != 0 && strcmp(fl, "N") != 0)
        diags_add(L->d, SEV_ERROR, D_TERM, m->name, r->line,
                  dom_colno(m, DM_DTHFL),
                  "DTHFL '%s' must be Y or blank (subject %s)", fl, us);
    sj->dthfl = strcmp(fl, "Y") == 0;
    return 0;
}

const struct dom_spec sdtm_dm = {"dm.csv", "dm", dm_cols, dm_req,
                                 dm_row,   true, NULL};

int sdtm_read_dm(struct loader *L)
{
    struct dom m;
    int rc = dom_run(L, &sdtm_dm, &m);
    if (rc == 0 && m.header_done && !m.bad && L->s->n_subjects == 0)
        diags_add(L->d, SEV_ERROR, D_REQUIRED, "dm.csv", 0, 0,
                  "no subjects: dm.csv has a header but no rows");
    return rc != 0 || m.bad ? -1 : 0;
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

#define DS(f) offsetof(struct ds_event, f)
static const struct col_read ds_reads[] = {
    {DS_DSDECOD, CK_TERM, DS(decod), NO_FIELD, true, NULL, false},
    {DS_DSCAT, CK_TERM, DS(cat), NO_FIELD, false, NULL, false},
    {DS_DSSCAT, CK_TERM, DS(scat), NO_FIELD, false, NULL, false},
    {DS_DSTERM, CK_TEXT, DS(term), NO_FIELD, false, NULL, false},
    {DS_EPOCH, CK_TERM, DS(epoch), NO_FIELD, false, NULL, false},
    {DS_DSSTDTC, CK_REF_DATE, DS(date), NO_FIELD, false, NULL, false},
};
#define SUBJ(f) offsetof(struct subject, f)
static const struct dom_table ds_table = {SUBJ(ds),
                                          SUBJ(n_ds),
                                          SUBJ(cap_ds),
                                          sizeof(struct ds_event),
                                          DS(line),
                                          ds_reads,
                                          sizeof ds_reads / sizeof *ds_reads,
                                          NULL};

const struct dom_spec sdtm_ds = {"ds.csv", "ds",  ds_cols,  ds_req,
                                 NULL,     false, &ds_table};

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

#define EX(f) offsetof(struct dose, f)
static const struct col_read ex_reads[] = {
    {EX_EXTRT, CK_TERM, EX(trt), NO_FIELD, true, NULL, false},
    {EX_EXDOSU, CK_TEXT, EX(unit), NO_FIELD, false, NULL, false},
    {EX_EXADJ, CK_TEXT, EX(adj), NO_FIELD, false, NULL, false},
    {EX_VISIT, CK_TERM, EX(visit), NO_FIELD, false, NULL, false},
    {EX_EXDOSE, CK_NUM, EX(dose), NO_FIELD, false, "a dose, 0 or more", true},
    {EX_EXSTDTC, CK_REF_DATE, EX(start), NO_FIELD, false, NULL, false},
    {EX_EXENDTC, CK_END_DATE, EX(end), NO_FIELD, false, NULL, false},
};

/* A dose needs its date, and does not end before it starts. */
static void ex_check(struct loader *L, struct dom *m, const struct csvr_rec *r,
                     struct subject *sj, void *rec)
{
    const struct dose *x = rec;
    if (x->start == DATE_NONE)
        dom_require(L, m, r, EX_EXSTDTC, "", sj->usubjid);
    else if (x->end != DATE_NONE && x->end < x->start)
        dom_date_order(L, m, r, EX_EXENDTC, EX_EXSTDTC, sj->usubjid, NULL);
}

static const struct dom_table ex_table = {SUBJ(doses),
                                          SUBJ(n_doses),
                                          SUBJ(cap_doses),
                                          sizeof(struct dose),
                                          EX(line),
                                          ex_reads,
                                          sizeof ex_reads / sizeof *ex_reads,
                                          ex_check};

const struct dom_spec sdtm_ex = {"ex.csv", "ex",  ex_cols,  ex_req,
                                 NULL,     false, &ex_table};

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
    char *tc = dom_term(L, m, r, SS_SSTESTCD);
    if (*tc && strcmp(tc, "SURVSTAT") != 0)
        return 0;
    int c = SS_SSSTRESC;
    char *v = dom_term(L, m, r, c);
    if (!*v) {
        c = SS_SSORRES;
        v = dom_term(L, m, r, c);
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
    dom_ref_date(L, m, r, SS_SSDTC, sj->usubjid, &s->date);
    return 0;
}

const struct dom_spec sdtm_ss = {"ss.csv", "ss",  ss_cols, ss_req,
                                 ss_row,   false, NULL};

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

#define CM(f) offsetof(struct cm_record, f)
static const struct col_read cm_reads[] = {
    {CM_CMTRT, CK_TERM, CM(trt), NO_FIELD, false, NULL, false},
    {CM_CMDECOD, CK_TERM, CM(decod), NO_FIELD, false, NULL, false},
    {CM_CMCAT, CK_TERM, CM(cat), NO_FIELD, false, NULL, false},
    {CM_CMSCAT, CK_TERM, CM(scat), NO_FIELD, false, NULL, false},
    {CM_CMCLASCD, CK_TERM, CM(clascd), NO_FIELD, false, NULL, false},
    {CM_CMINDC, CK_TERM, CM(indc), NO_FIELD, false, NULL, false},
    {CM_CMROUTE, CK_TERM, CM(route), NO_FIELD, false, NULL, false},
    {CM_CMDOSFRQ, CK_TERM, CM(dosfrq), NO_FIELD, false, NULL, false},
    {CM_CMDOSU, CK_TEXT, CM(dosu), NO_FIELD, false, NULL, false},
    {CM_CMDOSE, CK_NUM, CM(dose), NO_FIELD, false, "a dose, 0 or more", false},
    {CM_CMDOSTOT, CK_NUM, CM(dostot), NO_FIELD, false,
     "a daily dose, 0 or more", false},
    {CM_CMSTDTC, CK_START_DATE, CM(start), CM(start_imputed), false, NULL,
     false},
    {CM_CMENDTC, CK_END_DATE, CM(end), CM(end_imputed), false, NULL, false},
};

/* A medication does not end before it starts (an imputed end may). */
static void cm_check(struct loader *L, struct dom *m, const struct csvr_rec *r,
                     struct subject *sj, void *rec)
{
    const struct cm_record *c = rec;
    if (c->start != DATE_NONE && c->end != DATE_NONE && c->end < c->start &&
        !c->end_imputed)
        dom_date_order(L, m, r, CM_CMENDTC, CM_CMSTDTC, sj->usubjid, NULL);
}

static const struct dom_table cm_table = {SUBJ(cm),
                                          SUBJ(n_cm),
                                          SUBJ(cap_cm),
                                          sizeof(struct cm_record),
                                          CM(line),
                                          cm_reads,
                                          sizeof cm_reads / sizeof *cm_reads,
                                          cm_check};

static const struct dom_spec sdtm_cm = {"cm.csv", "cm",  cm_cols,  cm_req,
                                        NULL,     false, &cm_table};

int sdtm_read_cm(struct loader *L)
{
    struct dom m;
    int rc = dom_run(L, &sdtm_cm, &m);
    L->s->have_cm = rc == 0 && m.header_done && !m.bad;
    return rc;
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

#define PR(f) offsetof(struct pr_record, f)
static const struct col_read pr_reads[] = {
    {PR_PRTRT, CK_TERM, PR(trt), NO_FIELD, false, NULL, false},
    {PR_PRDECOD, CK_TERM, PR(decod), NO_FIELD, false, NULL, false},
    {PR_PRCAT, CK_TERM, PR(cat), NO_FIELD, false, NULL, false},
    {PR_PRSCAT, CK_TERM, PR(scat), NO_FIELD, false, NULL, false},
    {PR_PRLOC, CK_TERM, PR(loc), NO_FIELD, false, NULL, false},
    {PR_PRSTDTC, CK_START_DATE, PR(start), PR(start_imputed), false, NULL,
     false},
};
static const struct dom_table pr_table = {SUBJ(pr),
                                          SUBJ(n_pr),
                                          SUBJ(cap_pr),
                                          sizeof(struct pr_record),
                                          PR(line),
                                          pr_reads,
                                          sizeof pr_reads / sizeof *pr_reads,
                                          NULL};

const struct dom_spec sdtm_pr = {"pr.csv", "pr",  pr_cols,  pr_req,
                                 NULL,     false, &pr_table};

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

#define AE(f) offsetof(struct ae, f)
/* AETERM is read (and required) before the others, as the messages name
 * it. */
static const struct col_read ae_reads[] = {
    {AE_AETERM, CK_TEXT, AE(term), NO_FIELD, false, NULL, false},
    {AE_AEDECOD, CK_TERM, AE(decod), NO_FIELD, false, NULL, false},
    {AE_AEBODSYS, CK_TERM, AE(bodsys), NO_FIELD, false, NULL, false},
    {AE_AEDECOD, CK_TEXT, AE(decod_src), NO_FIELD, false, NULL, false},
    {AE_AEBODSYS, CK_TEXT, AE(bodsys_src), NO_FIELD, false, NULL, false},
    {AE_AESER, CK_TERM, AE(ser), NO_FIELD, false, NULL, false},
    {AE_AEREL, CK_TERM, AE(rel), NO_FIELD, false, NULL, false},
    {AE_AEACN, CK_TERM, AE(acn), NO_FIELD, false, NULL, false},
    {AE_AEOUT, CK_TERM, AE(out), NO_FIELD, false, NULL, false},
};

/* The rest of an AE: its sequence number, CTCAE grade, seriousness, the
 * dates as recorded (kept for the imputation flags) and their order, and
 * the per-drug qualifiers (SUPPAE, or flattened into ae.csv). */
static void ae_check(struct loader *L, struct dom *m, const struct csvr_rec *r,
                     struct subject *sj, void *rec)
{
    struct ae *a = rec;
    a->seq = -1;
    dom_require(L, m, r, AE_AETERM, a->term, sj->usubjid);
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
    dom_start_date(L, m, r, AE_AESTDTC, sj, &a->start_raw, &a->start,
                   &a->start_imputed);
    dom_end_date(L, m, r, AE_AEENDTC, sj, &a->end_raw, &a->end,
                 &a->end_imputed);
    if (a->start != DATE_NONE && a->end != DATE_NONE &&
        pdate_last(a->end_raw) < pdate_first(a->start_raw))
        dom_date_order(L, m, r, AE_AEENDTC, AE_AESTDTC, sj->usubjid, a->term);
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
            int c = dom_header_col(m, names[j]);
            if (c < 0 || !*names[j] ||
                dom_qual_get(a->quals, a->n_quals, names[j]))
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
            q[a->n_quals].qval = dom_upcase(L, v);
            a->quals = q;
            a->n_quals++;
        }
    }
}

static const struct dom_table ae_table = {SUBJ(aes),
                                          SUBJ(n_aes),
                                          SUBJ(cap_aes),
                                          sizeof(struct ae),
                                          AE(line),
                                          ae_reads,
                                          sizeof ae_reads / sizeof *ae_reads,
                                          ae_check};

const struct dom_spec sdtm_ae = {"ae.csv", "ae",  ae_cols,  ae_req,
                                 NULL,     false, &ae_table};

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
