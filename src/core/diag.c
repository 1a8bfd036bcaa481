/*
 * diag.c - the collected problems of a load or a check: each with its
 * severity, code, file, line and column (STYLE.md "Errors"). Callers print
 * them; this file only stores, counts, caps and formats.
 */
#include "balist/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one table of diagnostic codes and their names. */
static const char *const code_names[D_CODE_COUNT] = {
    [D_IO] = "io",
    [D_CSV] = "csv",
    [D_COLUMN] = "column",
    [D_DATE] = "date",
    [D_NUMBER] = "number",
    [D_TERM] = "term",
    [D_UNIT] = "unit",
    [D_REQUIRED] = "required",
    [D_DUPLICATE] = "duplicate",
    [D_UNKNOWN_SUBJECT] = "unknown-subject",
    [D_NO_LESION] = "no-lesion",
    [D_EVALUATOR] = "evaluator",
    [D_IMPUTED] = "imputed-date",
    [D_BASELINE] = "baseline",
    [D_NO_BASELINE_MEAS] = "no-baseline-measurement",
    [D_MEASURABLE] = "not-measurable",
    [D_CUTOFF] = "after-cutoff",
    [D_SUPP] = "supp",
    [D_PROTOCOL] = "protocol",
    [D_ORIGIN] = "origin",
    [D_ROUNDED] = "rounded",
    [D_SUMDIAM] = "sumdiam",
    [D_DATE_ORDER] = "date-order",
    [D_RECORDED] = "recorded-response",
    [D_MONITOR] = "monitor",
    [D_ENTRY] = "entry",
    [D_MISMATCH] = "mismatch",
};

const char *diag_code_name(enum diag_code code)
{
    if (code <= 0 || code >= D_CODE_COUNT || !code_names[code])
        return "unknown";
    return code_names[code];
}

void diags_init(struct diags *d, size_t max_kept)
{
    memset(d, 0, sizeof *d);
    d->max_kept = max_kept;
}

void diags_release(struct diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].msg);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

void diags_vadd(struct diags *d, enum severity sev, enum diag_code code,
                const char *file, long line, int col, const char *fmt,
                va_list ap)
{
    if (sev == SEV_ERROR)
        d->n_errors++;
    else
        d->n_warnings++;
    if (d->max_kept && d->n >= d->max_kept) {
        d->n_dropped++;
        return;
    }
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    struct diag *g = VEC_PUSH(d->items, d->n, d->cap);
    g->sev = sev;
    g->code = code;
    g->file = file ? xstrdup(file) : NULL;
    g->line = line;
    g->col = col;
    g->msg = xstrdup(buf);
    g->seq = d->n - 1;
}

void diags_add(struct diags *d, enum severity sev, enum diag_code code,
               const char *file, long line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(d, sev, code, file, line, col, fmt, ap);
    va_end(ap);
}

void diag_format(const struct diag *g, char *buf, size_t size)
{
    const char *sev = g->sev == SEV_ERROR ? "error" : "warning";
    if (g->file && g->line > 0 && g->col > 0)
        snprintf(buf, size, "%s:%ld:%d: %s: %s [%s]", g->file, g->line, g->col,
                 sev, g->msg, diag_code_name(g->code));
    else if (g->file && g->line > 0)
        snprintf(buf, size, "%s:%ld: %s: %s [%s]", g->file, g->line, sev,
                 g->msg, diag_code_name(g->code));
    else if (g->file)
        snprintf(buf, size, "%s: %s: %s [%s]", g->file, sev, g->msg,
                 diag_code_name(g->code));
    else
        snprintf(buf, size, "%s: %s [%s]", sev, g->msg,
                 diag_code_name(g->code));
}

static int cmp_diag(const void *a, const void *b)
{
    const struct diag *x = a, *y = b;
    int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    /* Equal places keep the order they were found in. */
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diags_sort(struct diags *d)
{
    if (d->n > 1)
        qsort(d->items, d->n, sizeof *d->items, cmp_diag);
}
