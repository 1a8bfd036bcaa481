/*
 * simulate.c - a synthetic study shaped like this trial, written as SDTM
 * CSV the way a sponsor's export writes it (DOMAIN, --SEQ, TRGRPID, LDIAM
 * for lesions and LPERP for nodes, NOT DONE rows, TOO SMALL TO MEASURE,
 * criterion in TUCAT, SUPPAE per-drug relatedness; data-format.md).
 *
 * Each subject has a course drawn from plausible proportions (CNS and
 * extracranial responders, stable and progressing disease), and the
 * lesions follow that course: shrinkage towards a depth, regrowth after a
 * progression time, new lesions (some first equivocal), non-target
 * progression. The investigator's time-point calls in rs.csv come from a
 * deliberately simple reading of those numbers with a small error rate, as
 * a site's calls would: they are simulated data, not BALIST's rules (those
 * live in criteria/).
 *
 * Every subject draws from its own random stream (seeded from the study
 * seed and its number), so the output is deterministic for a seed.
 */
#include "balist/sim.h"

#include "balist/io.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STUDYID "BALIST-IVO-ADC-201"

void sim_options_init(struct sim_options *o)
{
    memset(o, 0, sizeof *o);
    o->subjects = 40;
    o->seed = 1;
    o->study_start = date_from_ymd(2024, 9, 2);
}

/* ------------------------------------------------------------------------
 * Random numbers: splitmix64 (public domain, Vigna).
 */
struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double u01(struct rng *r)
{
    return (double)(next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int irand(struct rng *r, int lo, int hi)
{
    return lo + (int)(u01(r) * (hi - lo + 1));
}

static int bern(struct rng *r, double p)
{
    return u01(r) < p;
}

static double gauss(struct rng *r)
{
    double u = u01(r), v = u01(r);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static double expo(struct rng *r, double mean)
{
    double u = u01(r);
    if (u < 1e-300)
        u = 1e-300;
    return -mean * log(u);
}

/* ------------------------------------------------------------------------
 * The files.
 */
enum {
    F_DM,
    F_DS,
    F_EX,
    F_TU,
    F_TR,
    F_RS,
    F_CM,
    F_PR,
    F_AE,
    F_SUPPAE,
    F_SS,
    F_N
};

static const char *const file_names[F_N] = {
    "dm.csv", "ds.csv", "ex.csv", "tu.csv",     "tr.csv", "rs.csv",
    "cm.csv", "pr.csv", "ae.csv", "suppae.csv", "ss.csv"};

static const char *const h_dm[] = {
    "STUDYID",  "DOMAIN",   "USUBJID", "SUBJID",  "RFSTDTC", "RFENDTC",
    "RFXSTDTC", "RFXENDTC", "RFICDTC", "DTHDTC",  "DTHFL",   "SITEID",
    "AGE",      "AGEU",     "SEX",     "RACE",    "ETHNIC",  "ARMCD",
    "ARM",      "ACTARMCD", "ACTARM",  "COUNTRY", NULL};
static const char *const h_ds[] = {"STUDYID", "DOMAIN",  "USUBJID", "DSSEQ",
                                   "DSTERM",  "DSDECOD", "DSCAT",   "EPOCH",
                                   "DSSTDTC", NULL};
static const char *const h_ex[] = {"STUDYID",  "DOMAIN",  "USUBJID", "EXSEQ",
                                   "EXTRT",    "EXDOSE",  "EXDOSU",  "EXDOSFRM",
                                   "EXDOSFRQ", "EXROUTE", "EXADJ",   "VISIT",
                                   "EXSTDTC",  "EXENDTC", NULL};
static const char *const h_tu[] = {
    "STUDYID", "DOMAIN",   "USUBJID",  "TUSEQ", "TULNKID", "TUTESTCD",
    "TUTEST",  "TUORRES",  "TUSTRESC", "TULOC", "TUCAT",   "TUMETHOD",
    "TUEVAL",  "VISITNUM", "VISIT",    "TUDTC", NULL};
static const char *const h_tr[] = {
    "STUDYID",  "DOMAIN", "USUBJID",  "TRSEQ",    "TRGRPID",  "TRLNKID",
    "TRTESTCD", "TRTEST", "TRORRES",  "TRORRESU", "TRSTRESC", "TRSTRESN",
    "TRSTRESU", "TRSTAT", "TRREASND", "TRMETHOD", "TREVAL",   "VISITNUM",
    "VISIT",    "TRDTC",  NULL};
static const char *const h_rs[] = {"STUDYID",  "DOMAIN", "USUBJID", "RSSEQ",
                                   "RSTESTCD", "RSTEST", "RSCAT",   "RSORRES",
                                   "RSSTRESC", "RSSTAT", "RSEVAL",  "VISITNUM",
                                   "VISIT",    "RSDTC",  NULL};
static const char *const h_cm[] = {"STUDYID", "DOMAIN",  "USUBJID",  "CMSEQ",
                                   "CMTRT",   "CMDECOD", "CMCAT",    "CMINDC",
                                   "CMDOSE",  "CMDOSU",  "CMDOSFRQ", "CMROUTE",
                                   "CMSTDTC", "CMENDTC", NULL};
static const char *const h_pr[] = {"STUDYID", "DOMAIN",  "USUBJID", "PRSEQ",
                                   "PRTRT",   "PRDECOD", "PRCAT",   "PRLOC",
                                   "PRSTDTC", NULL};
static const char *const h_ae[] = {"STUDYID", "DOMAIN",  "USUBJID",  "AESEQ",
                                   "AETERM",  "AEDECOD", "AEBODSYS", "AETOXGR",
                                   "AESER",   "AEREL",   "AEACN",    "AEOUT",
                                   "AESTDTC", "AEENDTC", NULL};
static const char *const h_suppae[] = {"STUDYID", "RDOMAIN",  "USUBJID",
                                       "IDVAR",   "IDVARVAL", "QNAM",
                                       "QLABEL",  "QVAL",     NULL};
static const char *const h_ss[] = {"STUDYID",  "DOMAIN", "USUBJID", "SSSEQ",
                                   "SSTESTCD", "SSTEST", "SSORRES", "SSSTRESC",
                                   "SSDTC",    NULL};

static const char *const *const headers[F_N] = {
    h_dm, h_ds, h_ex, h_tu, h_tr, h_rs, h_cm, h_pr, h_ae, h_suppae, h_ss};

struct out {
    struct csvw *w[F_N];
    int32_t cutoff;
};

/* ------------------------------------------------------------------------
 * One subject.
 */
enum course { C_CR, C_PR, C_SD, C_PD };

#define MAXLES 16
#define MAXVIS 64

struct les {
    char id[16];
    const char *loc;
    bool cns, nodal;
    enum lesion_class recist, rano;
    int base;        /* tenths of mm */
    double sens;     /* how strongly it follows the course */
    int first_visit; /* new lesions: visit index first seen; 0 baseline */
    bool equivocal_first;
};

struct comp {
    enum course course;
    double depth;    /* fraction of shrinkage reached */
    double tau_wk;   /* weeks to reach it */
    double prog_wk;  /* regrowth starts; < 0: never */
    double growth;   /* per week after prog_wk */
    bool new_lesion; /* progression shows as a new lesion */
    bool nt_upd;     /* progression shows as non-target UPD */
};

struct subj {
    int idx;
    char usubjid[40], subjid[24];
    int32_t consent, enrol, first_dose, end_trt, death, last_contact;
    struct comp cns, body;
    struct les les[MAXLES];
    int n_les;
    double steroid_mg; /* dexamethasone mg/day at baseline */
    int age;
};

static double multiplier(const struct comp *c, double wk, double sens)
{
    double m = 1 - c->depth * sens * (1 - exp(-wk / c->tau_wk));
    if (m < 0)
        m = 0;
    if (c->prog_wk >= 0 && wk > c->prog_wk)
        m *= exp(c->growth * (wk - c->prog_wk));
    return m;
}

static void draw_comp(struct rng *r, struct comp *c, enum course k)
{
    c->course = k;
    c->tau_wk = 4 + 6 * u01(r);
    switch (k) {
    case C_CR:
        c->depth = 1.0;
        c->prog_wk = bern(r, 0.5) ? 40 + expo(r, 40) : -1;
        break;
    case C_PR:
        c->depth = 0.38 + 0.4 * u01(r);
        c->prog_wk = 24 + expo(r, 24);
        break;
    case C_SD:
        c->depth = -0.1 + 0.3 * u01(r);
        c->prog_wk = 12 + expo(r, 18);
        break;
    case C_PD:
        c->depth = -0.1 * u01(r);
        c->prog_wk = 0;
        break;
    }
    c->growth = 0.02 + 0.03 * u01(r);
    c->new_lesion = bern(r, 0.35);
    c->nt_upd = !c->new_lesion && bern(r, 0.15);
}

static enum course draw_course(struct rng *r, double cr, double pr, double sd)
{
    double u = u01(r);
    if (u < cr)
        return C_CR;
    if (u < cr + pr)
        return C_PR;
    if (u < cr + pr + sd)
        return C_SD;
    return C_PD;
}

static const char *const brain_locs[] = {"FRONTAL LOBE",  "PARIETAL LOBE",
                                         "TEMPORAL LOBE", "OCCIPITAL LOBE",
                                         "CEREBELLUM",    "BRAIN STEM"};
static const char *const body_target_locs[] = {
    "LIVER",      "LUNG",  "LYMPH NODE", "ADRENAL GLAND",
    "CHEST WALL", "LIVER", "LUNG",       "LYMPH NODE"};
static const char *const body_nt_locs[] = {"BONE", "PLEURA", "LYMPH NODE",
                                           "SKIN"};

static void add_lesion(struct subj *s, const char *id, const char *loc,
                       bool cns, enum lesion_class rec, enum lesion_class rano,
                       int base, double sens)
{
    struct les *l = &s->les[s->n_les++];
    memset(l, 0, sizeof *l);
    snprintf(l->id, sizeof l->id, "%s", id);
    l->loc = loc;
    l->cns = cns;
    l->nodal = strstr(loc, "LYMPH NODE") != NULL;
    l->recist = rec;
    l->rano = rano;
    l->base = base;
    l->sens = sens;
}

static int cmp_int_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

static void draw_lesions(struct rng *r, struct subj *s)
{
    s->n_les = 0;
    /* Brain targets: 1-5 RANO-BM targets of 10-40 mm; RECIST 1.1 takes
     * the two largest as targets (2 per organ) and the rest as
     * non-targets (response-criteria.md a.2). */
    static const double w[] = {0.30, 0.30, 0.20, 0.12, 0.08};
    double u = u01(r), acc = 0;
    int nb = 5;
    for (int i = 0; i < 5; i++) {
        acc += w[i];
        if (u < acc) {
            nb = i + 1;
            break;
        }
    }
    int sizes[5];
    for (int i = 0; i < nb; i++)
        sizes[i] = irand(r, 100, 400);
    qsort(sizes, (size_t)nb, sizeof sizes[0], cmp_int_desc);
    char id[16];
    for (int i = 0; i < nb; i++) {
        snprintf(id, sizeof id, "T%02d", i + 1);
        add_lesion(s, id, brain_locs[irand(r, 0, 5)], true,
                   i < 2 ? LC_TARGET : LC_NONTARGET, LC_TARGET, sizes[i],
                   0.8 + 0.4 * u01(r));
    }
    int nt = 0;
    int n_cns_nt = bern(r, 0.4) ? irand(r, 1, 2) : 0;
    for (int i = 0; i < n_cns_nt; i++) {
        snprintf(id, sizeof id, "NT%02d", ++nt);
        bool lepto = bern(r, 0.08);
        add_lesion(s, id, lepto ? "LEPTOMENINGES" : brain_locs[irand(r, 0, 5)],
                   true, LC_NONTARGET, LC_NONTARGET, irand(r, 40, 95), 1);
    }
    /* Extracranial: 0-3 targets (at most 5 RECIST targets in all, 2 per
     * organ), and some non-targets. */
    int rec_targets = nb < 2 ? nb : 2;
    int nbt = irand(r, 0, 3);
    int per_organ[8] = {0};
    int t = nb;
    for (int i = 0; i < nbt && rec_targets < 5; i++) {
        int k = irand(r, 0, 7);
        const char *loc = body_target_locs[k];
        int same = 0;
        for (int j = 0; j < 8; j++)
            if (!strcmp(body_target_locs[j], loc))
                same += per_organ[j];
        if (same >= 2)
            continue;
        per_organ[k]++;
        bool nodal = strstr(loc, "LYMPH NODE") != NULL;
        snprintf(id, sizeof id, "T%02d", ++t);
        add_lesion(s, id, loc, false, LC_TARGET, LC_NONE,
                   nodal ? irand(r, 150, 350) : irand(r, 120, 600),
                   0.8 + 0.4 * u01(r));
        rec_targets++;
    }
    int nbnt = irand(r, 0, 2);
    for (int i = 0; i < nbnt; i++) {
        const char *loc = body_nt_locs[irand(r, 0, 3)];
        snprintf(id, sizeof id, "NT%02d", ++nt);
        add_lesion(s, id, loc, false, LC_NONTARGET, LC_NONE,
                   strstr(loc, "LYMPH") ? irand(r, 100, 140) : 0, 1);
    }
}

/* ------------------------------------------------------------------------
 * Writing rows.
 */
struct seqs {
    long ds, ex, tu, tr, rs, cm, pr, ae, ss;
};

static void begin(struct csvw *w, const char *domain, const char *usubjid,
                  long seq)
{
    csvw_str(w, STUDYID);
    csvw_str(w, domain);
    csvw_str(w, usubjid);
    csvw_int(w, seq);
}

static void ds_row(struct out *o, struct subj *s, struct seqs *q,
                   const char *term, const char *decod, const char *cat,
                   const char *epoch, int32_t date)
{
    if (date > o->cutoff)
        return;
    struct csvw *w = o->w[F_DS];
    begin(w, "DS", s->usubjid, ++q->ds);
    csvw_str(w, term);
    csvw_str(w, decod);
    csvw_str(w, cat);
    csvw_str(w, epoch);
    csvw_date(w, date);
    csvw_end(w);
}

static void tu_row(struct out *o, struct subj *s, struct seqs *q,
                   const struct les *l, const char *cls, const char *cat,
                   int visitnum, const char *visit, int32_t date)
{
    struct csvw *w = o->w[F_TU];
    begin(w, "TU", s->usubjid, ++q->tu);
    csvw_str(w, l->id);
    csvw_str(w, "TUMIDENT");
    csvw_str(w, "Tumor Identification");
    csvw_str(w, cls);
    csvw_str(w, cls);
    csvw_str(w, l->loc);
    csvw_str(w, cat);
    csvw_str(w, l->cns ? "MRI" : "CT SCAN");
    csvw_str(w, "INVESTIGATOR");
    csvw_int(w, visitnum);
    csvw_str(w, visit);
    csvw_date(w, date);
    csvw_end(w);
}

/* A TR diameter row; tenths < 0 means NOT DONE; tstm: too small. */
static void tr_diam(struct out *o, struct subj *s, struct seqs *q,
                    const struct les *l, const char *grp, int tenths, bool tstm,
                    bool tstm_n, int visitnum, const char *visit, int32_t date)
{
    struct csvw *w = o->w[F_TR];
    begin(w, "TR", s->usubjid, ++q->tr);
    csvw_str(w, grp);
    csvw_str(w, l->id);
    csvw_str(w, l->nodal ? "LPERP" : "LDIAM");
    csvw_str(w, l->nodal ? "Longest Perpendicular" : "Longest Diameter");
    if (tenths < 0) {
        csvw_str(w, "");
        csvw_str(w, "");
        csvw_str(w, "");
        csvw_str(w, "");
        csvw_str(w, "");
        csvw_str(w, "NOT DONE");
        csvw_str(w, "SCAN NOT AVAILABLE");
    } else if (tstm) {
        csvw_str(w, "TOO SMALL TO MEASURE");
        csvw_str(w, "");
        csvw_str(w, "TOO SMALL TO MEASURE");
        if (tstm_n)
            csvw_int(w, 5);
        else
            csvw_str(w, "");
        csvw_str(w, tstm_n ? "mm" : "");
        csvw_str(w, "");
        csvw_str(w, "");
    } else {
        csvw_tenths(w, tenths);
        csvw_str(w, "mm");
        csvw_tenths(w, tenths);
        csvw_tenths(w, tenths);
        csvw_str(w, "mm");
        csvw_str(w, "");
        csvw_str(w, "");
    }
    csvw_str(w, l->cns ? "MRI" : "CT SCAN");
    csvw_str(w, "INVESTIGATOR");
    csvw_int(w, visitnum);
    csvw_str(w, visit);
    csvw_date(w, date);
    csvw_end(w);
}

static void tr_state(struct out *o, struct subj *s, struct seqs *q,
                     const struct les *l, const char *grp, const char *state,
                     int visitnum, const char *visit, int32_t date)
{
    struct csvw *w = o->w[F_TR];
    begin(w, "TR", s->usubjid, ++q->tr);
    csvw_str(w, grp);
    csvw_str(w, l->id);
    csvw_str(w, "TUMSTATE");
    csvw_str(w, "Tumor State");
    csvw_str(w, state);
    csvw_str(w, "");
    csvw_str(w, state);
    csvw_str(w, "");
    csvw_str(w, "");
    csvw_str(w, "");
    csvw_str(w, "");
    csvw_str(w, l->cns ? "MRI" : "CT SCAN");
    csvw_str(w, "INVESTIGATOR");
    csvw_int(w, visitnum);
    csvw_str(w, visit);
    csvw_date(w, date);
    csvw_end(w);
}

static void rs_row(struct out *o, struct subj *s, struct seqs *q,
                   const char *testcd, const char *test, const char *cat,
                   const char *val, int visitnum, const char *visit,
                   int32_t date)
{
    struct csvw *w = o->w[F_RS];
    begin(w, "RS", s->usubjid, ++q->rs);
    csvw_str(w, testcd);
    csvw_str(w, test);
    csvw_str(w, cat);
    csvw_str(w, val);
    csvw_str(w, val);
    csvw_str(w, "");
    csvw_str(w, "INVESTIGATOR");
    csvw_int(w, visitnum);
    csvw_str(w, visit);
    csvw_date(w, date);
    csvw_end(w);
}

static void cm_row(struct out *o, struct subj *s, struct seqs *q,
                   const char *trt, const char *cat, const char *indc,
                   double dose, const char *frq, const char *route,
                   int32_t start, int32_t end)
{
    if (start > o->cutoff)
        return;
    struct csvw *w = o->w[F_CM];
    begin(w, "CM", s->usubjid, ++q->cm);
    csvw_str(w, trt);
    csvw_str(w, trt);
    csvw_str(w, cat);
    csvw_str(w, indc);
    if (dose > 0)
        csvw_num(w, dose, 2);
    else
        csvw_str(w, "");
    csvw_str(w, dose > 0 ? "mg" : "");
    csvw_str(w, frq);
    csvw_str(w, route);
    csvw_date(w, start);
    csvw_date(w, end != DATE_NONE && end <= o->cutoff ? end : DATE_NONE);
    csvw_end(w);
}

/* ------------------------------------------------------------------------
 * The course of one subject: imaging, calls, treatment, follow-up.
 */

/* The site's simplified reading of one compartment at one visit, for the
 * simulated recorded responses (not BALIST's rules: see the file
 * comment). */
static const char *site_call(long sum, long base, long nadir, bool missing,
                             bool all_zero, bool new_unequivocal, bool upd,
                             bool worse)
{
    if (new_unequivocal || upd || worse)
        return "PD";
    if (missing)
        return "NE";
    if (sum * 5 >= nadir * 6 && sum - nadir >= 50)
        return "PD";
    if (all_zero)
        return "CR";
    if (sum * 10 <= base * 7)
        return "PR";
    return "SD";
}

struct ae_def {
    const char *term, *soc;
    double p;
    double g3; /* probability of grade 3 or more */
    double rel_ivo, rel_adc;
};

static const struct ae_def ae_defs[] = {
    {"Neutropenia", "Blood and lymphatic system disorders", 0.55, 0.45, 0.15,
     0.95},
    {"Anaemia", "Blood and lymphatic system disorders", 0.45, 0.10, 0.20, 0.85},
    {"Febrile neutropenia", "Blood and lymphatic system disorders", 0.07, 1.0,
     0.05, 0.95},
    {"Diarrhoea", "Gastrointestinal disorders", 0.50, 0.10, 0.25, 0.90},
    {"Nausea", "Gastrointestinal disorders", 0.55, 0.03, 0.10, 0.90},
    {"Vomiting", "Gastrointestinal disorders", 0.25, 0.03, 0.05, 0.85},
    {"Constipation", "Gastrointestinal disorders", 0.20, 0.0, 0.05, 0.40},
    {"Fatigue", "General disorders and administration site conditions", 0.50,
     0.05, 0.50, 0.80},
    {"Alopecia", "Skin and subcutaneous tissue disorders", 0.40, 0.0, 0.0,
     0.95},
    {"Rash", "Skin and subcutaneous tissue disorders", 0.20, 0.05, 0.80, 0.20},
    {"Hypertension", "Vascular disorders", 0.30, 0.12, 0.90, 0.05},
    {"Proteinuria", "Renal and urinary disorders", 0.25, 0.05, 0.90, 0.05},
    {"Epistaxis", "Respiratory, thoracic and mediastinal disorders", 0.12, 0.0,
     0.85, 0.05},
    {"Pneumonitis", "Respiratory, thoracic and mediastinal disorders", 0.05,
     0.35, 0.90, 0.30},
    {"Hypothyroidism", "Endocrine disorders", 0.12, 0.0, 0.95, 0.0},
    {"Alanine aminotransferase increased", "Investigations", 0.15, 0.10, 0.60,
     0.40},
    {"Decreased appetite", "Metabolism and nutrition disorders", 0.25, 0.03,
     0.20, 0.70},
    {"Headache", "Nervous system disorders", 0.20, 0.02, 0.20, 0.20},
};

static void write_aes(struct out *o, struct rng *r, struct subj *s,
                      struct seqs *q, bool *tox_stop, int32_t *tox_date)
{
    *tox_stop = false;
    int32_t span = s->end_trt - s->first_dose;
    if (span < 1)
        span = 1;
    for (size_t k = 0; k < sizeof ae_defs / sizeof ae_defs[0]; k++) {
        const struct ae_def *a = &ae_defs[k];
        /* Longer treatment, more chances. */
        double p = a->p * (span < 63 ? 0.6 : 1.0);
        if (!bern(r, p))
            continue;
        int32_t start = s->first_dose + irand(r, 1, span < 120 ? span : 120);
        if (start > o->cutoff || start > s->end_trt + 30 ||
            (s->death != DATE_NONE && start > s->death))
            continue;
        int grade =
            bern(r, a->g3) ? (bern(r, 0.15) ? 4 : 3) : (bern(r, 0.5) ? 1 : 2);
        int32_t end = start + irand(r, 3, 60);
        if (s->death != DATE_NONE && end > s->death)
            end = s->death;
        bool ongoing = end > o->cutoff || bern(r, 0.08);
        bool rel_i = bern(r, a->rel_ivo), rel_a = bern(r, a->rel_adc);
        const char *acn_i = "DOSE NOT CHANGED", *acn_a = "DOSE NOT CHANGED";
        if (grade >= 3) {
            if (rel_a)
                acn_a = bern(r, 0.6) ? "DOSE REDUCED" : "DRUG INTERRUPTED";
            if (rel_i)
                acn_i = "DRUG INTERRUPTED";
            if (grade == 4 && bern(r, 0.3)) {
                acn_i = acn_a = "DRUG WITHDRAWN";
                if (!*tox_stop || start < *tox_date) {
                    *tox_stop = true;
                    *tox_date = start;
                }
            }
        }
        const char *acn = !strcmp(acn_i, acn_a) ? acn_i : "MULTIPLE";
        const char *ser = grade >= 3 && bern(r, 0.4) ? "Y" : "N";
        struct csvw *w = o->w[F_AE];
        long seq = ++q->ae;
        begin(w, "AE", s->usubjid, seq);
        csvw_str(w, a->term);
        csvw_str(w, a->term);
        csvw_str(w, a->soc);
        csvw_int(w, grade);
        csvw_str(w, ser);
        csvw_str(w, rel_i || rel_a ? "RELATED" : "NOT RELATED");
        csvw_str(w, acn);
        csvw_str(w,
                 ongoing ? "NOT RECOVERED/NOT RESOLVED" : "RECOVERED/RESOLVED");
        csvw_date(w, start);
        csvw_date(w, ongoing ? DATE_NONE : end);
        csvw_end(w);
        struct {
            const char *qnam, *label, *val;
        } qs[] = {
            {"AERELIVO", "Relationship to Ivonescimab",
             rel_i ? "RELATED" : "NOT RELATED"},
            {"AERELADC", "Relationship to Sacituzumab Govitecan",
             rel_a ? "RELATED" : "NOT RELATED"},
            {"AEACNIVO", "Action Taken with Ivonescimab", acn_i},
            {"AEACNADC", "Action Taken with Sacituzumab Govitecan", acn_a},
        };
        for (size_t j = 0; j < 4; j++) {
            struct csvw *ws = o->w[F_SUPPAE];
            csvw_str(ws, STUDYID);
            csvw_str(ws, "AE");
            csvw_str(ws, s->usubjid);
            csvw_str(ws, "AESEQ");
            csvw_int(ws, seq);
            csvw_str(ws, qs[j].qnam);
            csvw_str(ws, qs[j].label);
            csvw_str(ws, qs[j].val);
            csvw_end(ws);
        }
    }
}

static void write_dosing(struct out *o, struct rng *r, struct subj *s,
                         struct seqs *q)
{
    int32_t day = s->first_dose;
    double sg = 10.0;
    for (int cycle = 1; day <= s->end_trt && day <= o->cutoff; cycle++) {
        char v1[32], v8[32];
        snprintf(v1, sizeof v1, "CYCLE %d DAY 1", cycle);
        snprintf(v8, sizeof v8, "CYCLE %d DAY 8", cycle);
        const char *adj = "";
        if (cycle > 1 && sg > 5.0 && bern(r, 0.06)) {
            sg -= 2.5;
            adj = "ADVERSE EVENT";
        }
        struct csvw *w = o->w[F_EX];
        begin(w, "EX", s->usubjid, ++q->ex);
        csvw_str(w, "IVONESCIMAB");
        csvw_int(w, 20);
        csvw_str(w, "mg/kg");
        csvw_str(w, "INJECTION");
        csvw_str(w, "Q3W");
        csvw_str(w, "INTRAVENOUS");
        csvw_str(w, "");
        csvw_str(w, v1);
        csvw_date(w, day);
        csvw_date(w, day);
        csvw_end(w);
        for (int d8 = 0; d8 < 2; d8++) {
            int32_t dd = day + 7 * d8;
            if (dd > s->end_trt || dd > o->cutoff)
                break;
            begin(w, "EX", s->usubjid, ++q->ex);
            csvw_str(w, "SACITUZUMAB GOVITECAN");
            csvw_num(w, sg, 1);
            csvw_str(w, "mg/kg");
            csvw_str(w, "INJECTION");
            csvw_str(w, "D1, D8 Q3W");
            csvw_str(w, "INTRAVENOUS");
            csvw_str(w, d8 ? "" : adj);
            csvw_str(w, d8 ? v8 : v1);
            csvw_date(w, dd);
            csvw_date(w, dd);
            csvw_end(w);
        }
        /* Delays of a week happen (neutropenia, infusion logistics). */
        day += 21 + (bern(r, 0.1) ? 7 : 0);
    }
}

/* A subject's course while it is written: what simulate_subject's steps
 * share. */
struct subj_course {
    struct seqs q;
    int32_t base_date;
    double dropout_wk, early_death_wk;
    int32_t steroid_change; /* taper or increase; DATE_NONE */
    double steroid_after;
    long base_sum[2], nadir[2]; /* [0] RANO-BM, [1] RECIST 1.1 */
    int32_t pd_date, last_scan;
    int n_new, pending_equivocal;
    int32_t stop; /* end of treatment, DATE_NONE */
    const char *reason;
};

/* One imaging visit while it is written. */
struct visit_ctx {
    int32_t date, ct_date; /* MRI; CT (may be a day or two later) */
    int visitnum;
    char visit[32];
    double wk;
    long sum[2];
    bool missing[2], all_zero[2], newl[2], upd[2];
};

/* Dates, age, the course of each compartment, lesions, steroids, the
 * baseline date and the weeks of dropout or early death. */
static void draw_subject(struct subj *s, struct rng *r, int32_t enrol,
                         struct subj_course *cs)
{
    s->enrol = enrol;
    s->consent = enrol - irand(r, 3, 14);
    s->first_dose = enrol + irand(r, 1, 6);
    s->age = irand(r, 29, 76);
    draw_comp(r, &s->cns, draw_course(r, 0.06, 0.32, 0.34));
    enum course bc =
        bern(r, 0.7) ? s->cns.course : draw_course(r, 0.04, 0.30, 0.36);
    draw_comp(r, &s->body, bc);
    draw_lesions(r, s);
    s->steroid_mg = bern(r, 0.4) ? (double)(2 * irand(r, 1, 4)) : 0;

    /* Imaging schedule: baseline within 28 days before the first dose,
     * then every 6 weeks with jitter; visits cs->stop at progression, death,
     * dropout or the cut-off. */
    cs->base_date = s->first_dose - irand(r, 1, 21);
    cs->dropout_wk = bern(r, 0.10) ? 6 + expo(r, 30) : 1e9;
    cs->early_death_wk = bern(r, 0.03) ? 2 + expo(r, 20) : 1e9;

    /* Steroids: taper for CNS responders, increase at CNS progression. */
    cs->steroid_change = DATE_NONE;
    cs->steroid_after = s->steroid_mg;
}

/* Baseline TU rows. */
static void write_baseline_tu(struct out *o, struct subj *s,
                              struct subj_course *cs)
{
    struct les *L = s->les;
    int n_base = s->n_les;
    /* Baseline TU rows: CNS lesions carry both criteria in TUCAT. */
    for (int i = 0; i < n_base; i++) {
        const struct les *l = &L[i];
        if (l->cns) {
            tu_row(o, s, &cs->q, l, lesion_class_name(l->rano), "RANO-BM", 1,
                   "SCREENING", cs->base_date);
            tu_row(o, s, &cs->q, l, lesion_class_name(l->recist), "RECIST 1.1",
                   1, "SCREENING", cs->base_date);
        } else {
            tu_row(o, s, &cs->q, l, lesion_class_name(l->recist), "RECIST 1.1",
                   1, "SCREENING", cs->base_date);
        }
    }
}

/* The visit's dates: 0 to go on, 1 when missed, -1 when the visits end
 * (cut-off, dropout, early death). */
static int visit_dates(struct out *o, struct subj *s, struct rng *r,
                       struct subj_course *cs, struct visit_ctx *x, int v)
{
    x->visitnum = v + 1;
    if (v == 0) {
        x->date = cs->base_date;
        snprintf(x->visit, sizeof x->visit, "SCREENING");
    } else {
        x->date = s->first_dose + 42 * v + irand(r, -5, 5);
        snprintf(x->visit, sizeof x->visit, "WEEK %d", 6 * v);
        x->visitnum = 10 + v;
    }
    x->wk = (x->date - s->first_dose) / 7.0;
    if (x->date > o->cutoff || x->wk > cs->dropout_wk ||
        x->wk > cs->early_death_wk)
        return -1;
    bool missed = v > 1 && bern(r, 0.04);
    if (missed)
        return 1;
    x->ct_date = v > 0 && bern(r, 0.2) ? x->date + irand(r, 1, 2) : x->date;
    if (x->ct_date > o->cutoff)
        x->ct_date = x->date;
    cs->last_scan = x->ct_date > x->date ? x->ct_date : x->date;
    return 0;
}

/* New lesions: they appear at progression for some courses. */
static void visit_new_lesions(struct out *o, struct subj *s, struct rng *r,
                              struct subj_course *cs, struct visit_ctx *x,
                              int v)
{
    /* New lesions: appear at progression for some courses. */
    for (int c = 0; c < 2 && v > 0; c++) {
        struct comp *cp = c ? &s->body : &s->cns;
        if (cp->new_lesion && cp->prog_wk >= 0 && x->wk > cp->prog_wk + 3 &&
            s->n_les < MAXLES && cs->n_new < 3 && cs->pending_equivocal < 0) {
            char id[16];
            snprintf(id, sizeof id, "NEW%02d", ++cs->n_new);
            bool cns = c == 0;
            add_lesion(s, id, cns ? brain_locs[irand(r, 0, 5)] : "LIVER", cns,
                       LC_NEW, cns ? LC_NEW : LC_NONE, irand(r, 40, 120), 1);
            struct les *nl = &s->les[s->n_les - 1];
            nl->first_visit = v;
            nl->equivocal_first = bern(r, 0.25);
            tu_row(o, s, &cs->q, nl, "NEW", cns ? "RANO-BM" : "RECIST 1.1",
                   x->visitnum, x->visit, cns ? x->date : x->ct_date);
            if (cns)
                tu_row(o, s, &cs->q, nl, "NEW", "RECIST 1.1", x->visitnum,
                       x->visit, x->date);
            cp->new_lesion = false;
            if (nl->equivocal_first)
                cs->pending_equivocal = s->n_les - 1;
        }
    }
}

/* Each lesion's result at the visit, and the sums. */
static void visit_results(struct out *o, struct subj *s, struct rng *r,
                          struct subj_course *cs, struct visit_ctx *x, int v)
{
    for (int i = 0; i < s->n_les; i++) {
        struct les *l = &s->les[i];
        const struct comp *cp = l->cns ? &s->cns : &s->body;
        int32_t d = l->cns ? x->date : x->ct_date;
        if (l->recist == LC_NEW) {
            if (l->first_visit > v)
                continue;
            const char *st = "UNEQUIVOCAL";
            if (l->equivocal_first && l->first_visit == v)
                st = "EQUIVOCAL";
            else if (i == cs->pending_equivocal) {
                cs->pending_equivocal = -1;
            }
            tr_state(o, s, &cs->q, l, "NEW", st, x->visitnum, x->visit, d);
            if (strcmp(st, "EQUIVOCAL") != 0) {
                x->newl[1] = true;
                if (l->cns)
                    x->newl[0] = true;
            }
            continue;
        }
        double m = v == 0 ? 1 : multiplier(cp, x->wk, l->sens);
        if (l->recist == LC_TARGET || l->rano == LC_TARGET) {
            double val = l->base * m * (v == 0 ? 1 : 1 + 0.04 * gauss(r));
            int tenths = (int)floor(val + 0.5);
            if (l->nodal && cp->course == C_CR && v > 0 && tenths < 100)
                tenths = 50 + irand(r, 0, 45);
            bool nd = v > 0 && bern(r, 0.015);
            bool tstm = !l->nodal && !nd && tenths > 0 && tenths < 40 && v > 0;
            if (!l->nodal && tenths < 15 && v > 0)
                tenths = 0, tstm = false;
            bool tstm_n = tstm && bern(r, 0.5);
            tr_diam(o, s, &cs->q, l, "TARGET", nd ? -1 : tenths, tstm, tstm_n,
                    x->visitnum, x->visit, d);
            int counted = tstm ? (tstm_n ? 50 : 50) : tenths;
            for (int c = 0; c < 2; c++) {
                bool tgt =
                    c == 0 ? l->rano == LC_TARGET : l->recist == LC_TARGET;
                if (!tgt)
                    continue;
                if (nd)
                    x->missing[c] = true;
                x->sum[c] += nd ? 0 : counted;
                if (l->nodal ? counted >= 100 : counted > 0)
                    x->all_zero[c] = false;
            }
            /* A RANO-BM target that is a RECIST non-target still
             * counts as a RECIST non-target present/absent. */
            if (l->recist == LC_NONTARGET && !nd && counted > 0)
                x->all_zero[1] = false;
        } else {
            /* Non-target: state only. */
            const char *st = "PRESENT";
            if (v > 0) {
                double mm = multiplier(cp, x->wk, 1);
                if (cp->course == C_CR && mm < 0.2)
                    st = "ABSENT";
                if (cp->nt_upd && cp->prog_wk >= 0 && x->wk > cp->prog_wk + 6) {
                    st = "UNEQUIVOCAL";
                    x->upd[l->cns ? 0 : 1] = true;
                    if (l->cns)
                        x->upd[1] = true;
                }
            }
            bool nd = v > 0 && bern(r, 0.01);
            if (nd) {
                struct csvw *w = o->w[F_TR];
                begin(w, "TR", s->usubjid, ++cs->q.tr);
                csvw_str(w, "NON-TARGET");
                csvw_str(w, l->id);
                csvw_str(w, "TUMSTATE");
                csvw_str(w, "Tumor State");
                for (int k = 0; k < 5; k++)
                    csvw_str(w, "");
                csvw_str(w, "NOT DONE");
                csvw_str(w, "SCAN NOT AVAILABLE");
                csvw_str(w, l->cns ? "MRI" : "CT SCAN");
                csvw_str(w, "INVESTIGATOR");
                csvw_int(w, x->visitnum);
                csvw_str(w, x->visit);
                csvw_date(w, d);
                csvw_end(w);
                continue;
            }
            tr_state(o, s, &cs->q, l, "NON-TARGET", st, x->visitnum, x->visit,
                     d);
            if (strcmp(st, "ABSENT") != 0) {
                x->all_zero[1] = false;
                if (l->cns)
                    x->all_zero[0] = false;
            }
        }
    }
}

/* Clinical status, steroids and the site's calls after baseline. */
static void visit_calls(struct out *o, struct subj *s, struct rng *r,
                        struct subj_course *cs, struct visit_ctx *x, int v)
{
    /* Clinical status and steroids (RANO-BM inputs). */
    bool cns_prog = s->cns.prog_wk >= 0 && x->wk > s->cns.prog_wk + 6;
    bool worse = cns_prog && bern(r, 0.3);
    const char *clin = worse                                     ? "WORSE"
                       : (s->cns.course <= C_PR && bern(r, 0.5)) ? "IMPROVED"
                                                                 : "STABLE";
    rs_row(o, s, &cs->q, "CLINSTAT", "Neurological Clinical Status", "RANO-BM",
           clin, x->visitnum, x->visit, x->date);
    if (cs->steroid_change == DATE_NONE && s->steroid_mg > 0 && v == 1 &&
        s->cns.course <= C_PR) {
        cs->steroid_change = x->date + irand(r, 3, 20);
        cs->steroid_after = 0;
    } else if (cs->steroid_change == DATE_NONE && cns_prog) {
        cs->steroid_change = x->date;
        cs->steroid_after = s->steroid_mg > 0 ? s->steroid_mg * 2 : 4;
    }
    /* The site's calls (simulated; 3% disagree with the numbers). */
    for (int c = 0; c < 2; c++) {
        const char *call =
            site_call(x->sum[c], cs->base_sum[c], cs->nadir[c], x->missing[c],
                      x->all_zero[c], x->newl[c], x->upd[c], c == 0 && worse);
        if (c == 0 && !strcmp(call, "CR") &&
            (s->steroid_mg > 0 &&
             (cs->steroid_change == DATE_NONE || cs->steroid_change > x->date)))
            call = "PR";
        if (bern(r, 0.03)) {
            static const char *const alt[] = {"SD", "PR", "PD", "NE"};
            call = alt[irand(r, 0, 3)];
        }
        rs_row(o, s, &cs->q, "OVRLRESP", "Overall Response",
               c == 0 ? "RANO-BM" : "RECIST 1.1", call, x->visitnum, x->visit,
               c == 0 ? x->date : x->ct_date);
        if (!x->missing[c] && x->sum[c] < cs->nadir[c])
            cs->nadir[c] = x->sum[c];
        if (!strcmp(call, "PD") && cs->pd_date == DATE_NONE)
            cs->pd_date = c == 0 ? x->date : x->ct_date;
    }
}

/* End of treatment (progression, dropout, early death, toxicity), AEs,
 * dosing and survival after treatment. */
static void end_of_treatment(struct out *o, struct subj *s, struct rng *r,
                             struct subj_course *cs)
{
    /* End of treatment and disposition. */
    cs->stop = DATE_NONE;
    cs->reason = NULL;
    if (cs->pd_date != DATE_NONE) {
        cs->stop = cs->pd_date + irand(r, 0, 7);
        cs->reason = "PROGRESSIVE DISEASE";
    }
    int32_t dropout_date = s->first_dose + (int32_t)(cs->dropout_wk * 7);
    if (cs->dropout_wk < 1e8 &&
        (cs->stop == DATE_NONE || dropout_date < cs->stop)) {
        cs->stop = dropout_date;
        cs->reason =
            bern(r, 0.5) ? "WITHDRAWAL BY SUBJECT" : "PHYSICIAN DECISION";
    }
    s->death = DATE_NONE;
    int32_t early_death = s->first_dose + (int32_t)(cs->early_death_wk * 7);
    if (cs->early_death_wk < 1e8 &&
        (cs->stop == DATE_NONE || early_death < cs->stop)) {
        cs->stop = early_death;
        cs->reason = "DEATH";
        s->death = early_death;
    }
    if (cs->stop == DATE_NONE || cs->stop > o->cutoff) {
        cs->stop = DATE_NONE;
        cs->reason = NULL;
    }
    s->end_trt = cs->stop != DATE_NONE ? cs->stop : o->cutoff;
    /* AEs may cs->stop treatment earlier (toxicity). */
    bool tox_stop;
    int32_t tox_date = DATE_NONE;
    write_aes(o, r, s, &cs->q, &tox_stop, &tox_date);
    if (tox_stop && tox_date < s->end_trt && tox_date > s->first_dose) {
        s->end_trt = tox_date;
        cs->stop = tox_date;
        cs->reason = "ADVERSE EVENT";
        if (s->death != DATE_NONE && s->death > cs->stop)
            s->death = DATE_NONE;
    }
    write_dosing(o, r, s, &cs->q);
    /* Survival after treatment: exponential, mean about 9 months after
     * progression, longer otherwise. */
    if (s->death == DATE_NONE && cs->stop != DATE_NONE) {
        double mean = cs->pd_date != DATE_NONE ? 270 : 420;
        int32_t after = cs->stop > cs->last_scan ? cs->stop : cs->last_scan;
        int32_t dd = after + 31 + (int32_t)expo(r, mean);
        if (dd <= o->cutoff)
            s->death = dd;
    }
    if (s->death != DATE_NONE && s->death > o->cutoff)
        s->death = DATE_NONE;
}

static void write_medication(struct out *o, struct subj *s, struct rng *r,
                             struct subj_course *cs)
{
    /* Steroid CM rows; an anti-emetic premedication that must not count;
     * further anticancer therapy after progression. */
    if (s->steroid_mg > 0) {
        int32_t end = cs->steroid_change != DATE_NONE ? cs->steroid_change - 1
                                                      : DATE_NONE;
        bool bid = s->steroid_mg >= 4 && bern(r, 0.5);
        cm_row(o, s, &cs->q, "DEXAMETHASONE", "CORTICOSTEROID",
               "CEREBRAL OEDEMA", bid ? s->steroid_mg / 2 : s->steroid_mg,
               bid ? "BID" : "QD", "ORAL", cs->base_date - irand(r, 5, 40),
               end);
    }
    if (cs->steroid_change != DATE_NONE && cs->steroid_after > 0)
        cm_row(o, s, &cs->q, "DEXAMETHASONE", "CORTICOSTEROID",
               "CEREBRAL OEDEMA", cs->steroid_after, "QD", "ORAL",
               cs->steroid_change, DATE_NONE);
    cm_row(o, s, &cs->q, "DEXAMETHASONE", "", "PREMEDICATION", 8, "QD",
           "INTRAVENOUS", s->first_dose, s->first_dose);
    if (cs->pd_date != DATE_NONE && cs->stop != DATE_NONE && bern(r, 0.5)) {
        int32_t nat = cs->stop + irand(r, 7, 30);
        if (s->death == DATE_NONE || nat < s->death) {
            if (bern(r, 0.5))
                cm_row(o, s, &cs->q, "CAPECITABINE", "ANTICANCER THERAPY",
                       "BREAST CANCER", 1000, "BID", "ORAL", nat, DATE_NONE);
            else if (nat <= o->cutoff) {
                struct csvw *w = o->w[F_PR];
                begin(w, "PR", s->usubjid, ++cs->q.pr);
                csvw_str(w, "STEREOTACTIC RADIOSURGERY");
                csvw_str(w, "STEREOTACTIC RADIOSURGERY");
                csvw_str(w, "CANCER RELATED");
                csvw_str(w, "BRAIN");
                csvw_date(w, nat);
                csvw_end(w);
            }
        }
    }
}

static void write_disposition(struct out *o, struct subj *s,
                              struct subj_course *cs)
{
    /* Disposition. */
    ds_row(o, s, &cs->q, "INFORMED CONSENT OBTAINED",
           "INFORMED CONSENT OBTAINED", "PROTOCOL MILESTONE", "SCREENING",
           s->consent);
    ds_row(o, s, &cs->q, "ENROLLED", "ENROLLED", "PROTOCOL MILESTONE",
           "SCREENING", s->enrol);
    if (cs->stop != DATE_NONE && cs->reason)
        ds_row(o, s, &cs->q, cs->reason, cs->reason, "DISPOSITION EVENT",
               "TREATMENT", cs->stop);
    if (s->death != DATE_NONE)
        ds_row(o, s, &cs->q, "DEATH", "DEATH", "DISPOSITION EVENT", "FOLLOW-UP",
               s->death);
}

static void write_survival(struct out *o, struct subj *s,
                           struct subj_course *cs)
{
    /* Survival follow-up every 3 months after treatment. */
    s->last_contact = cs->last_scan;
    if (cs->stop != DATE_NONE) {
        struct csvw *w = o->w[F_SS];
        for (int32_t d = cs->stop + 90;; d += 90) {
            bool dead = s->death != DATE_NONE && d >= s->death;
            int32_t when = dead ? s->death : d;
            if (when > o->cutoff)
                break;
            begin(w, "SS", s->usubjid, ++cs->q.ss);
            csvw_str(w, "SURVSTAT");
            csvw_str(w, "Survival Status");
            csvw_str(w, dead ? "DEAD" : "ALIVE");
            csvw_str(w, dead ? "DEAD" : "ALIVE");
            csvw_date(w, when);
            csvw_end(w);
            if (dead)
                break;
        }
    }
}

static void write_dm(struct out *o, struct subj *s, struct rng *r,
                     struct subj_course *cs)
{
    /* Demographics last: they summarise the course. */
    struct csvw *w = o->w[F_DM];
    csvw_str(w, STUDYID);
    csvw_str(w, "DM");
    csvw_str(w, s->usubjid);
    csvw_str(w, s->subjid);
    csvw_date(w, s->first_dose);
    csvw_date(w, cs->stop);
    csvw_date(w, s->first_dose);
    csvw_date(w, cs->stop);
    csvw_date(w, s->consent);
    csvw_date(w, s->death);
    csvw_str(w, s->death != DATE_NONE ? "Y" : "");
    csvw_str(w, "001");
    csvw_int(w, s->age);
    csvw_str(w, "YEARS");
    csvw_str(w, "F");
    static const char *const races[] = {
        "WHITE", "WHITE", "WHITE", "ASIAN", "BLACK OR AFRICAN AMERICAN",
        "ASIAN", "WHITE", "OTHER"};
    csvw_str(w, races[irand(r, 0, 7)]);
    csvw_str(w, bern(r, 0.1) ? "HISPANIC OR LATINO" : "NOT HISPANIC OR LATINO");
    csvw_str(w, "IVO+SG");
    csvw_str(w, "Ivonescimab + Sacituzumab govitecan");
    csvw_str(w, "IVO+SG");
    csvw_str(w, "Ivonescimab + Sacituzumab govitecan");
    csvw_str(w, "CHN");
    csvw_end(w);
}

/* One subject, step by step (the order of the draws is the order of the
 * steps: the same seed gives the same study). */
static void simulate_subject(struct out *o, struct subj *s, struct rng *r,
                             int32_t enrol)
{
    struct subj_course cs = {0};
    draw_subject(s, r, enrol, &cs);
    write_baseline_tu(o, s, &cs);
    cs.pd_date = DATE_NONE;
    cs.last_scan = cs.base_date;
    cs.pending_equivocal = -1;
    for (int v = 0; v < MAXVIS; v++) {
        struct visit_ctx x = {0};
        x.all_zero[0] = x.all_zero[1] = true;
        int rc = visit_dates(o, s, r, &cs, &x, v);
        if (rc < 0)
            break;
        if (rc > 0)
            continue;
        visit_new_lesions(o, s, r, &cs, &x, v);
        visit_results(o, s, r, &cs, &x, v);
        if (v == 0) {
            cs.base_sum[0] = cs.nadir[0] = x.sum[0];
            cs.base_sum[1] = cs.nadir[1] = x.sum[1];
            continue;
        }
        visit_calls(o, s, r, &cs, &x, v);
        if (cs.pd_date != DATE_NONE)
            break;
    }
    end_of_treatment(o, s, r, &cs);
    write_medication(o, s, r, &cs);
    write_disposition(o, s, &cs);
    write_survival(o, s, &cs);
    write_dm(o, s, r, &cs);
}

/* ------------------------------------------------------------------------
 * The study.
 */

static int make_dir(const char *dir, struct diags *d)
{
    if (make_dirs(dir) == 0)
        return 0;
    diags_add(d, SEV_ERROR, D_IO, dir, 0, 0, "cannot create the folder: %s",
              strerror(errno));
    return -1;
}

int sim_write(const char *dir, const struct sim_options *opt, struct diags *d)
{
    if (make_dir(dir, d) < 0)
        return -1;
    struct out o;
    memset(&o, 0, sizeof o);
    /* Enrolment over about 18 months; cut-off about 6 months later. */
    const int32_t enrol_days = 548;
    o.cutoff = opt->study_start + enrol_days + 210;
    int rc = 0;
    char path[4096];
    for (int f = 0; f < F_N; f++) {
        o.w[f] = xmalloc(sizeof *o.w[f]);
        snprintf(path, sizeof path, "%s/%s", dir, file_names[f]);
        if (csvw_open(o.w[f], path) < 0) {
            diags_add(d, SEV_ERROR, D_IO, path, 0, 0, "cannot write: %s",
                      strerror(errno));
            free(o.w[f]);
            o.w[f] = NULL;
            rc = -1;
            goto close;
        }
        csvw_header(o.w[f], headers[f]);
    }
    for (long i = 0; i < opt->subjects; i++) {
        struct subj s;
        memset(&s, 0, sizeof s);
        s.idx = (int)i;
        snprintf(s.subjid, sizeof s.subjid, "%04ld", i + 1);
        snprintf(s.usubjid, sizeof s.usubjid, "%s-001-%04ld", "BAL", i + 1);
        if (i >= 9999)
            snprintf(s.usubjid, sizeof s.usubjid, "BAL-001-%ld", i + 1);
        struct rng r = {opt->seed * 0x9E3779B97F4A7C15ULL ^
                        (uint64_t)(i + 1) * 0xD1B54A32D192ED03ULL};
        next(&r);
        /* Subject numbers follow the order of enrolment. */
        int32_t enrol =
            opt->study_start +
            (int32_t)((enrol_days * (i + u01(&r))) / (double)opt->subjects);
        simulate_subject(&o, &s, &r, enrol);
        if (opt->progress && (i + 1) % 5000 == 0)
            opt->progress(opt->progress_ctx, i + 1, opt->subjects);
    }
    /* The protocol of this study: the defaults plus the data cut-off. */
    snprintf(path, sizeof path, "%s/protocol.json", dir);
    FILE *fp = fopen(path, "w");
    char cd[11];
    date_format(o.cutoff, cd);
    if (!fp ||
        fprintf(fp,
                "{\n"
                "  \"_comment\": \"Simulated by balist simulate. "
                "Keys not given take the documented defaults "
                "(docs/protocol.md).\",\n"
                "  \"data_cutoff\": \"%s\"\n"
                "}\n",
                cd) < 0 ||
        fclose(fp) != 0) {
        diags_add(d, SEV_ERROR, D_IO, path, 0, 0, "cannot write: %s",
                  strerror(errno));
        rc = -1;
    }
close:
    for (int f = 0; f < F_N; f++) {
        if (!o.w[f])
            continue;
        if (csvw_close(o.w[f]) < 0) {
            diags_add(d, SEV_ERROR, D_IO, file_names[f], 0, 0,
                      "cannot write (disk full?)");
            rc = -1;
        }
        free(o.w[f]);
    }
    return rc;
}
