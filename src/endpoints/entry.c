/*
 * entry.c - what a record must be to be accepted at entry (the web
 * application refuses it, or asks for a confirmation with a reason) and
 * what `balist check` warns of in imported data: the same rules, in one
 * place. A dose, an adverse event or a medication: its required answers
 * given, its dates neither in the future nor before the subject's
 * consent, a dose within the protocol's plan (dose_confirm_ratio), no
 * dose after the subject died, left the study or failed screening.
 * Messages are in a coordinator's words.
 */
#include "balist/endpoints.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void issue(struct entry_issues *o, enum entry_sev sev, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void issue(struct entry_issues *o, enum entry_sev sev, const char *field,
                  const char *fmt, ...)
{
    if (o->n >= ENTRY_ISSUES_MAX)
        return;
    struct entry_issue *x = &o->items[o->n++];
    x->sev = sev;
    x->field = field;
    x->key[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->text, sizeof x->text, fmt, ap);
    va_end(ap);
}

/* Rule ENTRY-REQUIRED: the answers a record cannot do without, and what
 * a coordinator calls them. */
static const struct entry_field required[] = {
    {"EX", "EXTRT", "Drug"},         {"EX", "EXDOSE", "Dose"},
    {"EX", "EXSTDTC", "Dose date"},  {"AE", "AETERM", "Adverse event term"},
    {"AE", "AESTDTC", "Start date"}, {"CM", "CMTRT", "Medication"},
    {"CM", "CMSTDTC", "Start date"}, {NULL, NULL, NULL}};

const struct entry_field *entry_required(void)
{
    return required;
}

/* What a coordinator calls each column of the entry forms. */
static const struct entry_field labels[] = {
    {"EX", "EXDOSU", "Dose unit"},
    {"EX", "EXADJ", "Reduction or delay reason"},
    {"EX", "EXENDTC", "Dose end date"},
    {"AE", "AETOXGR", "CTCAE grade"},
    {"AE", "AESER", "Serious"},
    {"AE", "AEENDTC", "End date"},
    {"AE", "AEREL", "Relationship"},
    {"AE", "AEACN", "Action taken"},
    {"AE", "AEDECOD", "Preferred term"},
    {"CM", "CMDOSE", "Dose"},
    {"CM", "CMDOSU", "Dose unit"},
    {"CM", "CMDOSFRQ", "Frequency"},
    {"CM", "CMROUTE", "Route"},
    {"CM", "CMINDC", "Indication"},
    {"CM", "CMENDTC", "End date"},
    {"DS", "DSSTDTC", "Date"},
    {"DS", "DSDECOD", "Disposition"},
    {NULL, "VISIT", "Visit"},
    {NULL, NULL, NULL}};

const char *entry_label(const char *column)
{
    for (const struct entry_field *f = required; f->column; f++)
        if (!strcmp(f->column, column))
            return f->label;
    for (const struct entry_field *f = labels; f->column; f++)
        if (!strcmp(f->column, column))
            return f->label;
    return NULL;
}

/* Rule ENTRY-FULL-DATE: a dose is given on a day: its dates are full
 * (YYYY-MM-DD), where SDTM would allow a partial one (an AE's or a
 * medication's dates may be partial, and are kept as entered). */
static const char *const full_dates[] = {"EXSTDTC", "EXENDTC", NULL};

int entry_check_text(const char *column, const char *text, char *why,
                     size_t size)
{
    for (size_t i = 0; full_dates[i]; i++) {
        struct pdate pd;
        const char *err;
        if (strcmp(column, full_dates[i]) || !text || !*text ||
            pdate_parse(text, strlen(text), &pd, &err) < 0 ||
            pdate_is_complete(pd))
            continue;
        snprintf(why, size,
                 "%s '%.20s' must be a full date, YYYY-MM-DD: a dose is given "
                 "on a day",
                 entry_label(column), text);
        return -1;
    }
    return 0;
}

/* A required answer left blank: "Dose date is required", the label from
 * the one list above. */
static void missing(struct entry_issues *o, const char *column)
{
    for (const struct entry_field *f = required; f->column; f++)
        if (!strcmp(f->column, column))
            issue(o, ENTRY_REFUSE, f->column, "%s is required", f->label);
}

int32_t subject_consent_date(const struct subject *sj)
{
    if (sj->rficdtc != DATE_NONE)
        return sj->rficdtc;
    for (size_t i = 0; i < sj->n_ds; i++)
        if (strstr(sj->ds[i].decod, "INFORMED CONSENT") &&
            sj->ds[i].date != DATE_NONE)
            return sj->ds[i].date;
    return DATE_NONE;
}

/* Rule ENTRY-DATES: a date of a record is not after today and not before
 * the subject's consent (a medication may be: a prior therapy). */
static void dates(const struct subject *sj, int32_t day,
                  const struct pdate *raw, const char *field, const char *what,
                  int32_t today, bool before_consent_ok,
                  enum entry_sev before_sev, struct entry_issues *o)
{
    char d[11], c[11];
    if (day == DATE_NONE)
        return;
    /* A partial date is named as entered (2025-03), never as the day the
     * loader takes for it. */
    if (raw && raw->year && !pdate_is_complete(*raw))
        snprintf(d, sizeof d, raw->month ? "%04d-%02d" : "%04d",
                 raw->year % 10000, raw->month % 100);
    else
        date_format(day, d);
    if (today != DATE_NONE && day > today) {
        date_format(today, c);
        issue(o, ENTRY_REFUSE, field, "%s %s is in the future (today is %s)",
              what, d, c);
    }
    int32_t consent = subject_consent_date(sj);
    if (!before_consent_ok && consent != DATE_NONE && day < consent) {
        date_format(consent, c);
        issue(o, before_sev, field,
              "%s %s is before the subject's consent on %s", what, d, c);
    }
}

/* Rule ENTRY-STATUS: no dose or assessment for a subject who failed
 * screening, none dated after the subject died or left the study (the
 * page does not offer the forms, or says until when; the server refuses
 * with 409 naming the status). */
void entry_window(const struct study *s, const struct subject *sj,
                  struct entry_window *w)
{
    memset(w, 0, sizeof *w);
    w->until = DATE_NONE;
    char d[11];
    for (size_t i = 0; i < sj->n_ds; i++)
        if (!strcmp(sj->ds[i].decod, "SCREEN FAILURE")) {
            w->closed = true;
            snprintf(w->why, sizeof w->why, "the subject is a screen failure");
            return;
        }
    if (sj->death != DATE_NONE) {
        w->until = sj->death;
        date_format(sj->death, d);
        snprintf(w->why, sizeof w->why, "the subject died on %s", d);
        return;
    }
    int32_t off = subject_off_study(&s->proto, sj, DATE_NONE);
    if (off != DATE_NONE) {
        w->until = off;
        date_format(off, d);
        snprintf(w->why, sizeof w->why, "the subject left the study on %s", d);
    }
}

static void status(const struct study *s, const struct subject *sj, int32_t day,
                   const char *what, struct entry_issues *o)
{
    struct entry_window w;
    entry_window(s, sj, &w);
    if (w.closed)
        issue(o, ENTRY_STATUS, NULL, "%s: no %s can be recorded", w.why, what);
    else if (day != DATE_NONE && w.until != DATE_NONE && day > w.until)
        issue(o, ENTRY_STATUS, NULL, "%s: no %s can be recorded after it",
              w.why, what);
}

void entry_check_dose(const struct study *s, const struct subject *sj,
                      const struct dose *x, int32_t today,
                      struct entry_issues *o)
{
    const struct protocol *p = &s->proto;
    memset(o, 0, sizeof *o);
    /* The answers required (entry_required). */
    if (!x->trt || !*x->trt)
        missing(o, "EXTRT");
    if (isnan(x->dose))
        missing(o, "EXDOSE");
    if (x->start == DATE_NONE)
        missing(o, "EXSTDTC");
    dates(sj, x->start, NULL, "EXSTDTC", "Dose date", today, false,
          ENTRY_REFUSE, o);
    status(s, sj, x->start, "dose", o);
    /* Rule ENTRY-DOSE: a dose above dose_confirm_ratio of the protocol's
     * planned dose, or in another unit, is saved only when confirmed with
     * a reason (section i; the protocol's drugs). */
    for (size_t k = 0; k < p->n_drugs && x->trt; k++) {
        const struct drug *dr = &p->drugs[k];
        if (strcmp(dr->name, x->trt) || isnan(x->dose))
            continue;
        if (dr->dose_unit && x->unit && *x->unit &&
            strcmp(dr->dose_unit, x->unit))
            issue(o, ENTRY_CONFIRM, "EXDOSU",
                  "the unit %s is not the protocol's %s for %s", x->unit,
                  dr->dose_unit, dr->label ? dr->label : dr->name);
        else if (dr->planned_dose > 0 &&
                 x->dose > dr->planned_dose * p->dose_confirm_ratio)
            issue(o, ENTRY_CONFIRM, "EXDOSE",
                  "%g %s is %.0f%% of the planned %g %s of %s (more than "
                  "%.0f%%)",
                  x->dose, x->unit ? x->unit : "",
                  100 * x->dose / dr->planned_dose, dr->planned_dose,
                  dr->dose_unit ? dr->dose_unit : "",
                  dr->label ? dr->label : dr->name,
                  100 * p->dose_confirm_ratio);
    }
}

void entry_check_ae(const struct study *s, const struct subject *sj,
                    const struct ae *x, int32_t today, struct entry_issues *o)
{
    (void)s;
    memset(o, 0, sizeof *o);
    if (!x->term || !*x->term)
        missing(o, "AETERM");
    if (x->start == DATE_NONE)
        missing(o, "AESTDTC");
    dates(sj, x->start, &x->start_raw, "AESTDTC", "Start date", today, false,
          ENTRY_CONFIRM, o);
    dates(sj, x->end, &x->end_raw, "AEENDTC", "End date", today, true,
          ENTRY_CONFIRM, o);
    char d[11];
    if (x->start != DATE_NONE && sj->death != DATE_NONE &&
        x->start > sj->death) {
        date_format(sj->death, d);
        issue(o, ENTRY_STATUS, NULL,
              "the subject died on %s: an adverse event cannot start after "
              "it",
              d);
    }
}

void entry_check_cm(const struct study *s, const struct subject *sj,
                    const struct cm_record *x, int32_t today,
                    struct entry_issues *o)
{
    (void)s;
    memset(o, 0, sizeof *o);
    if (!x->trt || !*x->trt)
        missing(o, "CMTRT");
    if (x->start == DATE_NONE)
        missing(o, "CMSTDTC");
    dates(sj, x->start, NULL, "CMSTDTC", "Start date", today, true,
          ENTRY_CONFIRM, o);
    dates(sj, x->end, NULL, "CMENDTC", "End date", today, true, ENTRY_CONFIRM,
          o);
}

static void to_diags(const struct entry_issues *o, const char *file, long line,
                     const char *usubjid, struct diags *d)
{
    for (size_t i = 0; i < o->n; i++)
        diags_add(d, SEV_WARNING, D_ENTRY, file, line, 0, "subject %s: %s",
                  usubjid, o->items[i].text);
}

void endpoints_entry_check(const struct study *s, int32_t today,
                           struct diags *d)
{
    for (size_t i = 0; i < s->n_subjects; i++) {
        const struct subject *sj = &s->subjects[i];
        struct entry_issues o;
        for (size_t k = 0; k < sj->n_doses; k++) {
            entry_check_dose(s, sj, &sj->doses[k], today, &o);
            to_diags(&o, "ex.csv", sj->doses[k].line, sj->usubjid, d);
        }
        for (size_t k = 0; k < sj->n_aes; k++) {
            entry_check_ae(s, sj, &sj->aes[k], today, &o);
            to_diags(&o, "ae.csv", sj->aes[k].line, sj->usubjid, d);
        }
        for (size_t k = 0; k < sj->n_cm; k++) {
            entry_check_cm(s, sj, &sj->cm[k], today, &o);
            to_diags(&o, "cm.csv", sj->cm[k].line, sj->usubjid, d);
        }
        /* Each tumour assessment once, by its visit (io/check.c warns of
         * the baseline's measurability and target count). */
        for (size_t k = 0; k < sj->n_meas; k++) {
            const struct measurement *m = &sj->meas[k];
            bool seen = !*m->visit;
            for (size_t j = 0; j < k && !seen; j++)
                seen = !strcasecmp(sj->meas[j].visit, m->visit);
            if (seen)
                continue;
            entry_check_assessment(s, sj, m->visit, today, false, &o);
            to_diags(&o, "tr.csv", m->line, sj->usubjid, d);
        }
    }
}

/* Rule ENTRY-SUBJECT-ID: a new subject's identifier follows the protocol's
 * subject_id_pattern (N a digit; every other character itself): upper
 * case, no spaces. */
bool entry_subject_id_ok(const struct protocol *p, const char *id, char *why,
                         size_t size)
{
    const char *pat = p->subject_id_pattern ? p->subject_id_pattern : "";
    size_t n = strlen(pat);
    bool ok = strlen(id) == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = pat[i] == 'N' ? (id[i] >= '0' && id[i] <= '9') : id[i] == pat[i];
    if (!ok)
        snprintf(why, size,
                 "Subject ID '%.64s' does not follow the protocol's pattern %s "
                 "(N a digit; upper case, no spaces)",
                 id, pat);
    return ok;
}

void entry_check_enrolment(const struct protocol *p, int32_t consent,
                           int32_t enrolled, int32_t today,
                           struct entry_issues *o)
{
    (void)p;
    memset(o, 0, sizeof *o);
    char a[11], b[11];
    if (today != DATE_NONE && consent != DATE_NONE && consent > today) {
        date_format(consent, a);
        issue(o, ENTRY_REFUSE, "consent_date",
              "Consent date %s is in the future", a);
    }
    if (today != DATE_NONE && enrolled != DATE_NONE && enrolled > today) {
        date_format(enrolled, a);
        issue(o, ENTRY_REFUSE, "enrolment_date",
              "Enrolment date %s is in the future", a);
    }
    /* Rule ENTRY-ENROLMENT: enrolment is not before consent. */
    if (consent != DATE_NONE && enrolled != DATE_NONE && enrolled < consent) {
        date_format(enrolled, a);
        date_format(consent, b);
        issue(o, ENTRY_REFUSE, "enrolment_date",
              "Enrolment date %s is before the consent on %s", a, b);
    }
}

/* The organ a RECIST target counts against (a.2: at most 2 per organ):
 * every lymph node one organ, the brain one organ, any other lesion its
 * location up to the first comma ("LIVER, SEGMENT 4" is the liver). */
static void organ_of(const struct lesion *l, char *out, size_t size)
{
    if (l->is_nodal)
        snprintf(out, size, "LYMPH NODES");
    else if (l->is_cns)
        snprintf(out, size, "BRAIN");
    else
        snprintf(out, size, "%.*s", (int)strcspn(l->loc, ","), l->loc);
}

/* An issue about one lesion: its field is "lesion:ID". */
static struct entry_issue *
lesion_issue(struct entry_issues *o, enum entry_sev sev, const struct lesion *l)
{
    size_t before = o->n;
    issue(o, sev, NULL, "%s", "");
    if (o->n == before)
        return NULL;
    struct entry_issue *x = &o->items[before];
    snprintf(x->key, sizeof x->key, "lesion:%.30s", l->linkid);
    x->field = x->key;
    return x;
}

/* Rule ENTRY-DIAMETER: a diameter outside the protocol's plausible range
 * (lesion_plausible_min_mm to lesion_plausible_max_mm for a lesion, 0 to
 * node_plausible_max_mm for a node's short axis) is saved only when
 * confirmed with a reason; 0 (a lesion gone) is plausible. */
static void plausible(const struct protocol *p, const struct lesion *l,
                      int32_t diam, struct entry_issues *o)
{
    double mm = (double)diam / DIAM_SCALE;
    double lo = l->is_nodal ? 0 : p->lesion_plausible_min_mm;
    double hi =
        l->is_nodal ? p->node_plausible_max_mm : p->lesion_plausible_max_mm;
    if ((diam == 0 && !l->is_nodal) || (mm >= lo && mm <= hi))
        return;
    char v[32];
    diam_format(diam, v, sizeof v);
    struct entry_issue *x = lesion_issue(o, ENTRY_CONFIRM, l);
    if (x)
        snprintf(x->text, sizeof x->text,
                 "%s: %s mm is outside the plausible range of %g to %g mm "
                 "for %s",
                 l->linkid, v, lo, hi,
                 l->is_nodal ? "a lymph node's short axis" : "a lesion");
}

/* The lesion's diameter at the assessment (visit) under criterion c, or
 * NULL when it has none (a state, not done). */
static const struct measurement *
diameter_at(const struct subject *sj, size_t li, const char *visit, int c)
{
    const struct measurement *best = NULL;
    for (size_t k = 0; k < sj->n_meas; k++) {
        const struct measurement *m = &sj->meas[k];
        if (m->lesion == (int)li && (m->crit_mask & (1u << c)) &&
            (m->kind == MV_VALUE || m->kind == MV_TSTM) &&
            !strcasecmp(m->visit, visit))
            best = m;
    }
    return best;
}

/* Rule ENTRY-TARGETS: the baseline's targets by their criterion's rules
 * (a.1, a.2): a RANO-BM target is a CNS lesion, measurable (RANO-
 * MEASURABLE); a RECIST target measurable (RECIST-MEASURABLE); at most
 * the criterion's number of targets (TARGET-COUNT), and under RECIST at
 * most 2 per organ, the brain and all lymph nodes each one organ. */
static void targets(const struct subject *sj, const char *visit,
                    bool baseline_rules, struct entry_issues *o)
{
    for (int c = 0; c < CRIT_N; c++) {
        int n = 0;
        for (size_t li = 0; li < sj->n_lesions; li++) {
            const struct lesion *l = &sj->lesions[li];
            if (l->cls[c] != LC_TARGET || l->parent >= 0 || l->is_merge)
                continue;
            n++;
            if (strcasecmp(l->visit, visit))
                continue;
            struct entry_issue *x;
            if (c == CRIT_RANOBM && !l->is_cns) {
                if ((x = lesion_issue(o, ENTRY_REFUSE, l)))
                    snprintf(x->text, sizeof x->text,
                             "%s (%s) is not in the brain: a RANO-BM target "
                             "must be a CNS lesion (response-criteria.md "
                             "a.1)",
                             l->linkid, *l->loc ? l->loc : "no location");
                continue;
            }
            if (!baseline_rules)
                continue;
            const struct measurement *m = diameter_at(sj, li, visit, c);
            int32_t thr;
            const char *what;
            enum measurable ms =
                m ? baseline_measurable_value(l, (enum criterion)c, m->diam,
                                              m->kind == MV_TSTM, &thr, &what)
                  : MEAS_TOO_SMALL;
            if (ms == MEAS_OK || !(x = lesion_issue(o, ENTRY_REFUSE, l)))
                continue;
            char v[32], t[32];
            diam_format(thr, t, sizeof t);
            if (!m)
                snprintf(x->text, sizeof x->text,
                         "%s is a %s target: its diameter is required at "
                         "baseline",
                         l->linkid, criterion_name(c));
            else if (ms == MEAS_NOT_MEASURABLE_SITE)
                snprintf(x->text, sizeof x->text,
                         "%s is leptomeningeal, which is never measurable: "
                         "make it a RANO-BM non-target (a.1)",
                         l->linkid);
            else {
                diam_format(m->diam, v, sizeof v);
                snprintf(x->text, sizeof x->text,
                         "%s: %s mm is below the %s mm %s of a measurable %s "
                         "target; make it a non-target (response-criteria.md "
                         "%s)",
                         l->linkid,
                         m->kind == MV_TSTM ? "too small to measure" : v, t,
                         what, criterion_name(c),
                         c == CRIT_RANOBM ? "a.1" : "a.2");
            }
        }
        if (baseline_rules && n > baseline_max_targets((enum criterion)c))
            issue(o, ENTRY_REFUSE, "identify",
                  "%d %s target lesions: the criterion allows at most %d "
                  "(response-criteria.md %s)",
                  n, criterion_name(c), baseline_max_targets((enum criterion)c),
                  c == CRIT_RANOBM ? "a.1" : "a.2");
    }
    /* RECIST 1.1: at most 2 targets per organ (a.2). */
    for (size_t li = 0; li < sj->n_lesions; li++) {
        const struct lesion *l = &sj->lesions[li];
        if (l->cls[CRIT_RECIST] != LC_TARGET || l->parent >= 0 || l->is_merge ||
            strcasecmp(l->visit, visit))
            continue;
        char organ[128], other[128];
        organ_of(l, organ, sizeof organ);
        int n = 0;
        bool first = true;
        for (size_t lj = 0; lj < sj->n_lesions; lj++) {
            const struct lesion *m = &sj->lesions[lj];
            if (m->cls[CRIT_RECIST] != LC_TARGET || m->parent >= 0 ||
                m->is_merge)
                continue;
            organ_of(m, other, sizeof other);
            if (strcmp(organ, other))
                continue;
            n++;
            if (lj < li)
                first = false;
        }
        if (n > 2 && first)
            issue(o, ENTRY_REFUSE, "identify",
                  "%d RECIST 1.1 targets in one organ (%s): RECIST allows at "
                  "most 2 per organ, the brain and all lymph nodes each "
                  "counting as one (response-criteria.md a.2)",
                  n, organ);
    }
}

void entry_check_assessment(const struct study *s, const struct subject *sj,
                            const char *visit, int32_t today,
                            bool baseline_rules, struct entry_issues *o)
{
    memset(o, 0, sizeof *o);
    int32_t day = DATE_NONE;
    for (size_t k = 0; k < sj->n_meas && day == DATE_NONE; k++)
        if (!strcasecmp(sj->meas[k].visit, visit))
            day = sj->meas[k].date;
    if (day == DATE_NONE)
        return;
    /* A screening scan may precede consent (standard-of-care imaging in
     * the baseline window, a): only one more than baseline_max_days_before
     * earlier is questioned. */
    dates(sj, day, NULL, "date", "Scan date", today, true, ENTRY_CONFIRM, o);
    int32_t consent = subject_consent_date(sj);
    if (consent != DATE_NONE &&
        day < consent - s->proto.baseline_max_days_before) {
        char d[11], c[11];
        date_format(day, d);
        date_format(consent, c);
        issue(o, ENTRY_CONFIRM, "date",
              "Scan date %s is more than %d days before the subject's "
              "consent on %s: too early to be the baseline",
              d, s->proto.baseline_max_days_before, c);
    }
    status(s, sj, day, "tumour assessment", o);
    /* Rule ENTRY-STEROID: the corticosteroid dose has one source. When the
     * medication records give it on the scan date (steroid_dose_on,
     * data-format.md "Corticosteroid dose"), a steroid status entered
     * with the assessment (RS, the protocol's steroid_status_codes) is
     * refused: RANO-BM would not use it. */
    double mg;
    if (steroid_dose_on(s, sj, day, &mg))
        for (size_t i = 0; i < sj->n_rs; i++)
            if (sj->rs[i].kind == RS_STEROID &&
                !strcasecmp(sj->rs[i].visit, visit)) {
                issue(o, ENTRY_REFUSE, "steroid_status",
                      "the medication records give the corticosteroid dose "
                      "on this date (%.4g mg/day dexamethasone-equivalent): "
                      "RANO-BM uses it, so a steroid status is not entered "
                      "here; correct the medication records instead",
                      mg);
                break;
            }
    /* Each lesion's diameter once (it is kept per criterion). */
    for (size_t li = 0; li < sj->n_lesions; li++)
        for (int c = 0; c < CRIT_N; c++) {
            const struct measurement *m = diameter_at(sj, li, visit, c);
            if (m && m->kind == MV_VALUE) {
                plausible(&s->proto, &sj->lesions[li], m->diam, o);
                break;
            }
        }
    targets(sj, visit, baseline_rules, o);
}
