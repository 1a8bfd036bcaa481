/*
 * endpoints.h - ADaM-style records derived from the study model with
 * criteria/ (shared/spec/data-format.md "Outputs"): adsl (one row per
 * subject), adtr (sums and lesion diameters per assessment) and adrs
 * (responses per assessment and best responses), each derived value with
 * its REASON. Rows are appended to plain tables (core.h) that io/ writes;
 * nothing here touches a file.
 */
#ifndef BALIST_ENDPOINTS_H
#define BALIST_ENDPOINTS_H

#include "core.h"
#include "criteria.h"

struct adam_tables {
    struct table adsl, adtr, adrs;
};

struct derive_options {
    bool recorded; /* best response from the recorded RS responses alone */
};

/* What a subject came to, for the terminal summary. */
struct subject_summary {
    enum resp cborcns, borcns, cbor, bor, icbor;
    bool efffl;
};

void adam_tables_init(struct adam_tables *t);
void adam_tables_release(struct adam_tables *t);

/* Appends one subject's rows to the three tables and fills sum. */
void adam_subject(const struct study *s, const struct subject *sj,
                  const struct derive_options *o, struct adam_tables *t,
                  struct subject_summary *sum);

#endif
