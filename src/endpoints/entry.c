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
static void dates(const struct subject *sj, int32_t day, const char *field,
                  const char *what, int32_t today, bool before_consent_ok,
                  enum entry_sev before_sev, struct entry_issues *o)
{
    char d[11], c[11];
    if (day == DATE_NONE)
        return;
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

/* Rule ENTRY-STATUS: no dose after the subject died, left the study or
 * failed screening (the page does not offer it; the server refuses with
 * 409 naming the status). */
static void status(const struct study *s, const struct subject *sj, int32_t day,
                   const char *what, struct entry_issues *o)
{
    char d[11];
    for (size_t i = 0; i < sj->n_ds; i++)
        if (!strcmp(sj->ds[i].decod, "SCREEN FAILURE")) {
            issue(o, ENTRY_STATUS, NULL,
                  "the subject is a screen failure: no %s can be recorded",
                  what);
            return;
        }
    if (day == DATE_NONE)
        return;
    if (sj->death != DATE_NONE && day > sj->death) {
        date_format(sj->death, d);
        issue(o, ENTRY_STATUS, NULL,
              "the subject died on %s: no %s can be recorded after it", d,
              what);
        return;
    }
    int32_t off = subject_off_study(&s->proto, sj, DATE_NONE);
    if (off != DATE_NONE && day > off) {
        date_format(off, d);
        issue(o, ENTRY_STATUS, NULL,
              "the subject left the study on %s: no %s can be recorded "
              "after it",
              d, what);
    }
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
    dates(sj, x->start, "EXSTDTC", "Dose date", today, false, ENTRY_REFUSE, o);
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
    dates(sj, x->start, "AESTDTC", "Start date", today, false, ENTRY_CONFIRM,
          o);
    dates(sj, x->end, "AEENDTC", "End date", today, true, ENTRY_CONFIRM, o);
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
    dates(sj, x->start, "CMSTDTC", "Start date", today, true, ENTRY_CONFIRM, o);
    dates(sj, x->end, "CMENDTC", "End date", today, true, ENTRY_CONFIRM, o);
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
