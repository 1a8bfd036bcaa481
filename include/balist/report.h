/*
 * report.h - the trial report (DESIGN.md report/): Kaplan-Meier,
 * waterfall, spider and swimmer plots and a disposition summary, drawn
 * with cairo into PNG, SVG and one multi-page PDF, and an XLSX workbook of
 * every table (libxlsxwriter). The numbers come from endpoints/ and
 * stats/; nothing here decides a clinical question.
 */
#ifndef BALIST_REPORT_H
#define BALIST_REPORT_H

#include "balist/endpoints.h"

#include <time.h>

/* What the report says about where it came from (the title page). */
struct report_meta {
    const char *study_name;   /* the folder or database given */
    const char *input_sha256; /* of the input data, hex */
    const char *generated;    /* UTC time */
    /* The SHA-256 (hex) of the protocol file used, or a sentence saying
     * where the parameters came from. */
    const char *protocol_sha256;
    /* When it was made (the PDF and XLSX dates): the caller passes
     * SOURCE_DATE_EPOCH when set, so that a rerun is byte-identical. */
    time_t created;
};

/* Per subject, what the plots need. Times in months from the first dose;
 * NAN when the event did not happen. */
struct rep_point {
    double months, pchg;
};

struct rep_subject {
    const char *usubjid;
    enum resp cbor[CRIT_N];
    double best_pchg[CRIT_N];
    struct rep_point *spider[CRIT_N];
    size_t n_spider[CRIT_N];
    double trt_months;  /* first to last dose (+ a cycle) */
    bool ongoing;       /* on treatment at the cut-off */
    double resp_months; /* first confirmed RANO-BM response */
    double pd_months;   /* first RECIST 1.1 or RANO-BM progression */
    double death_months;
    long dor_days[CRIT_N]; /* -1 when not a confirmed responder */
    int dor_cnsr[CRIT_N];
    int32_t resp_date[CRIT_N];
};

struct rep_tte {
    double *days;
    int *event;
    size_t n;
};

struct report_data {
    struct rep_subject *subj;
    size_t n_subj;
    struct rep_tte tte[3]; /* PFS, CNS-PFS, OS */
    struct table efficacy, safety, disposition, responders, protocol;
    struct table sensitivity;       /* efficacy_sensitivity */
    struct table methods;           /* endpoints_methods: the rules in words */
    struct subgroup_row *subgroups; /* the forest plot (h.7) */
    size_t n_subgroups;
    char studyid[64];
    int32_t cutoff;
    const struct protocol *proto;
};

/* Derives everything the report shows. Release with report_release. */
void report_collect(const struct study *s, const struct derive_options *o,
                    struct report_data *r);
void report_release(struct report_data *r);

/*
 * Writes into dir: the plots as PNG and SVG, tables.xlsx, report.pdf.
 * Returns 0, or -1 with err (STORE_ERR-like, 512 bytes).
 */
int report_write(const struct report_data *r, const struct report_meta *m,
                 const char *dir, char *err);

/* One plot as SVG text (malloc'd), by its file name without extension
 * ("km_pfs", "waterfall_cns", ...); NULL for an unknown name or when
 * drawing fails. */
char *report_plot_svg(const struct report_data *r, const char *name);
/* n files (names, texts of lens bytes) as one zip archive in memory
 * (malloc'd *out). 0, or -1 with err. */
int report_zip(const char *const *names, char *const *texts, const size_t *lens,
               size_t n, char **out, size_t *out_len, char err[512]);

/*
 * Frees the font caches of cairo and fontconfig, which live for the
 * process. Call once, when no drawing can follow (at the command's or
 * the server's exit): it keeps leak checkers quiet and the heap clean.
 */
void report_fonts_release(void);

#endif
