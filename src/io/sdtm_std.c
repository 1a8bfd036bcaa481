/*
 * sdtm_std.c - the standardised columns that follow a collected result
 * (shared/spec/data-format.md "Measurements"). SDTM keeps a result twice:
 * as collected (--ORRES, --ORRESU) and standardised (--STRESC, --STRESN,
 * --STRESU). The loader reads the standardised number first, so a change
 * of the collected result that left the standardised one as it was would
 * be ignored by every derived value. Whoever changes a collected result
 * (the web application's forms and changes) asks this file what its
 * standardised twins become, and changes them in the same transaction.
 * Decides no clinical question: a length is converted to mm, nothing else.
 */
#include "io_int.h"

#include <stdio.h>
#include <string.h>

/* Upper-cases a unit into buf for comparison ("cm" -> "CM"). */
static void upcase(const char *s, char *buf, size_t size)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++)
        buf[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
    buf[i] = '\0';
}

int sdtm_length_mm(const char *value, const char *unit, int32_t *diam)
{
    char u[16];
    upcase(unit ? unit : "", u, sizeof u);
    double x;
    if (parse_double(value, strlen(value), &x) < 0)
        return -1;
    if (!*u || !strcmp(u, "MM"))
        ;
    else if (!strcmp(u, "CM"))
        x *= 10;
    else
        return -2;
    bool rounded;
    if (diam_from_mm(x, diam, &rounded) < 0)
        return -1;
    return rounded ? 1 : 0;
}

int sdtm_standardise(const char *domain, const char *orres, const char *orresu,
                     struct sdtm_std *out)
{
    memset(out, 0, sizeof *out);
    if (strlen(orres) >= sizeof out->stresc)
        return -1;
    if (!strcmp(domain, "TR")) {
        /* A length in mm or cm: the number in mm, exactly. A state or TOO
         * SMALL TO MEASURE: the text as collected and no number. A number
         * in a unit that is no length: nothing, so that the loader judges
         * the collected value and its unit itself. */
        int32_t diam;
        int rc = *orres ? sdtm_length_mm(orres, orresu, &diam) : -1;
        if (rc == 0) {
            diam_format(diam, out->stresn, sizeof out->stresn);
            snprintf(out->stresc, sizeof out->stresc, "%s", out->stresn);
            snprintf(out->stresu, sizeof out->stresu, "mm");
        } else if (rc != -2) {
            snprintf(out->stresc, sizeof out->stresc, "%s", orres);
        } /* a number in a unit that is no length: nothing standardised */
        out->has_number = true;
        return 0;
    }
    if (!strcmp(domain, "RS") || !strcmp(domain, "TU")) {
        snprintf(out->stresc, sizeof out->stresc, "%s", orres);
        return 0;
    }
    return -1;
}

void sdtm_ae_summary(const struct protocol *p, const char *const *qnam,
                     const char *const *qval, size_t n, char rel[32],
                     char acn[32])
{
    /* AEREL and AEACN sum up the per-drug qualifiers (SDTMIG AE: AEACN is
     * MULTIPLE when the actions differ; AEREL, with more than one study
     * drug, RELATED when the event is related to any of them). */
    rel[0] = acn[0] = '\0';
    bool any_rel = false, related = false, multiple = false;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < p->n_drugs; k++) {
            const struct drug *d = &p->drugs[k];
            if (d->rel_qnam && !strcmp(d->rel_qnam, qnam[i]) && *qval[i]) {
                any_rel = true;
                related |= !strcmp(qval[i], "RELATED");
            }
            if (d->acn_qnam && !strcmp(d->acn_qnam, qnam[i]) && *qval[i]) {
                if (!acn[0])
                    snprintf(acn, 32, "%s", qval[i]);
                else if (strcmp(acn, qval[i]))
                    multiple = true;
            }
        }
    }
    if (any_rel)
        snprintf(rel, 32, "%s", related ? "RELATED" : "NOT RELATED");
    if (multiple)
        snprintf(acn, 32, "MULTIPLE");
}
