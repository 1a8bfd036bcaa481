/*
 * sdtm.c - the SDTM CSV readers: dm, ds, ex, tu, tr, rs, cm, pr, ae, ss and
 * their supp-- files, exactly as shared/spec/data-format.md describes
 * (evaluator selection, diameter tests, NOT DONE rows, too small to
 * measure, split and merged lesions, new-lesion states, partial dates
 * imputed with a flag, SUPP-- qualifiers merged onto their parents).
 * Cross-file checks are in check.c. Nothing here judges a response.
 */
#include "io_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sdtm_int.h"

void load_options_init(struct load_options *o)
{
    memset(o, 0, sizeof *o);
    o->cutoff = DATE_NONE;
}

/* ------------------------------------------------------------------------
 * Small text helpers.
 */

/* Copies s without surrounding blanks into buf (always terminated). */
static const char *trimmed(const char *s, char *buf, size_t size)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= size)
        n = size - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* The same, upper-cased. */
static const char *upper(const char *s, char *buf, size_t size)
{
    trimmed(s, buf, size);
    for (char *p = buf; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return buf;
}

/* ------------------------------------------------------------------------
 * Domain tables: the columns a reader wants, resolved at the header.
 */

static int dom_header(struct loader *L, struct dom *m, const struct csvr_rec *r)
{
    m->ncol = r->n;
    for (int c = 0; m->cols[c]; c++)
        m->idx[c] = -1;
    for (size_t i = 0; i < r->n; i++) {
        char name[64];
        upper(r->f[i], name, sizeof name);
        for (int c = 0; m->cols[c]; c++)
            if (strcmp(name, m->cols[c]) == 0 && m->idx[c] < 0)
                m->idx[c] = (int)i;
    }
    int ok = 1;
    for (int k = 0; m->required[k]; k++) {
        /* "A|B": at least one of them. */
        const char *req = m->required[k];
        int found = 0;
        char want[128];
        snprintf(want, sizeof want, "%s", req);
        for (char *tok = want, *bar; tok; tok = bar) {
            bar = strchr(tok, '|');
            if (bar)
                *bar++ = '\0';
            for (int c = 0; m->cols[c]; c++)
                if (strcmp(m->cols[c], tok) == 0 && m->idx[c] >= 0)
                    found = 1;
        }
        if (!found) {
            char shown[160];
            snprintf(shown, sizeof shown, "%s", req);
            for (char *b = shown; (b = strchr(b, '|'));)
                *b = '/';
            diags_add(L->d, SEV_ERROR, D_COLUMN, m->name, 1, 0,
                      "required column %s is missing (the header has %zu "
                      "columns)",
                      shown, r->n);
            ok = 0;
        }
    }
    return ok ? 0 : -1;
}

const char *dom_get(const struct dom *m, const struct csvr_rec *r, int c)
{
    int i = m->idx[c];
    if (i < 0 || (size_t)i >= r->n)
        return "";
    return r->f[i];
}

int dom_colno(const struct dom *m, int c)
{
    return m->idx[c] >= 0 ? m->idx[c] + 1 : 0;
}

/* ------------------------------------------------------------------------
 * SUPP-- qualifiers (data-format.md "supp--.csv"): read first, then merged
 * onto the parent rows as they are read.
 */

struct supp_row {
    char *qnam, *qval;
    long line;
    bool used;
};

struct supp_key {
    size_t first; /* index into rows, chained by next */
};

struct supp {
    char name[32]; /* "suppae.csv" */
    struct supp_row *rows;
    size_t n, cap;
    size_t *next;         /* chain of rows with the same key */
    struct strmap by_key; /* usubjid \x1f idvar \x1f idvarval -> first */
    char **idvars;
    size_t n_idvars;
};

static void supp_key(char *buf, size_t size, const char *usubjid,
                     const char *idvar, const char *idvarval)
{
    snprintf(buf, size, "%s\x1f%s\x1f%s", usubjid, idvar, idvarval);
}

enum { SQ_RDOMAIN, SQ_USUBJID, SQ_IDVAR, SQ_IDVARVAL, SQ_QNAM, SQ_QVAL };
static const char *const supp_cols[] = {
    "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL", NULL};
static const char *const supp_req[] = {"USUBJID", "IDVAR", "IDVARVAL",
                                       "QNAM",    "QVAL",  NULL};

struct supp_ctx {
    struct loader *L;
    struct dom m;
    struct supp *sp;
    int bad;
};

static int supp_row_fn(void *ctx_, const struct csvr_rec *r)
{
    struct supp_ctx *x = ctx_;
    struct loader *L = x->L;
    if (r->line == 1 || !x->m.ncol) {
        if (dom_header(L, &x->m, r) < 0) {
            x->bad = 1;
            return 1;
        }
        return 0;
    }
    if (r->n != x->m.ncol) {
        diags_add(L->d, SEV_ERROR, D_CSV, x->m.name, r->line, 0,
                  "%zu fields, but the header has %zu", r->n, x->m.ncol);
        return 0;
    }
    char us[128], iv[64], ivv[128], qn[64], key[400];
    trimmed(dom_get(&x->m, r, SQ_USUBJID), us, sizeof us);
    upper(dom_get(&x->m, r, SQ_IDVAR), iv, sizeof iv);
    trimmed(dom_get(&x->m, r, SQ_IDVARVAL), ivv, sizeof ivv);
    upper(dom_get(&x->m, r, SQ_QNAM), qn, sizeof qn);
    if (!*us || !*qn) {
        diags_add(L->d, SEV_ERROR, D_REQUIRED, x->m.name, r->line,
                  dom_colno(&x->m, *us ? SQ_QNAM : SQ_USUBJID),
                  "%s must not be blank", *us ? "QNAM" : "USUBJID");
        return 0;
    }
    struct supp *sp = x->sp;
    size_t i = sp->n;
    struct supp_row *row = VEC_PUSH(sp->rows, sp->n, sp->cap);
    row->qnam = arena_strdup(&L->s->arena, qn);
    row->qval = arena_strdup(&L->s->arena, dom_get(&x->m, r, SQ_QVAL));
    row->line = r->line;
    row->used = false;
    sp->next = xrealloc(sp->next, sp->cap * sizeof *sp->next);
    sp->next[i] = SIZE_MAX;
    supp_key(key, sizeof key, us, iv, ivv);
    size_t first;
    if (strmap_get(&sp->by_key, key, &first)) {
        /* Append to keep the file's order. */
        size_t j = first;
        while (sp->next[j] != SIZE_MAX)
            j = sp->next[j];
        sp->next[j] = i;
    } else {
        strmap_put(&sp->by_key, key, i);
    }
    bool known = false;
    for (size_t k = 0; k < sp->n_idvars; k++)
        if (strcmp(sp->idvars[k], iv) == 0)
            known = true;
    if (!known) {
        sp->idvars =
            xrealloc(sp->idvars, (sp->n_idvars + 1) * sizeof *sp->idvars);
        sp->idvars[sp->n_idvars++] = arena_strdup(&L->s->arena, iv);
    }
    return 0;
}

/* Whether the study has a file (path set for a folder's). */
static bool file_exists(const struct loader *L, const char *name)
{
    return L->src->has(L->src->ctx, name);
}

/* Streams one of the study's files from its source. */
static int study_stream(struct loader *L, const char *name, csvr_rec_fn fn,
                        void *ctx)
{
    return L->src->stream(L->src->ctx, name, fn, ctx, L->d, L->progress);
}

/* Reads DIR/supp<dom>.csv when it exists; NULL when it does not. */
static struct supp *supp_read(struct loader *L, const char *dom)
{
    char file[32];
    snprintf(file, sizeof file, "supp%s.csv", dom);
    if (!file_exists(L, file))
        return NULL;
    struct supp *sp = xcalloc(1, sizeof *sp);
    snprintf(sp->name, sizeof sp->name, "%s", file);
    strmap_init(&sp->by_key);
    struct supp_ctx x = {0};
    x.L = L;
    x.sp = sp;
    x.m.name = sp->name;
    x.m.cols = supp_cols;
    x.m.required = supp_req;
    study_stream(L, sp->name, supp_row_fn, &x);
    return sp;
}

/* Collects the qualifiers of one parent row into out (arena-allocated). */
void supp_attach(struct loader *L, struct supp *sp, const struct dom *m,
                 const struct csvr_rec *r, const char *usubjid,
                 struct qualifier **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (!sp)
        return;
    size_t cap = 0;
    for (size_t k = 0; k < sp->n_idvars; k++) {
        const char *iv = sp->idvars[k];
        char val[128] = "", key[400];
        if (*iv) {
            /* The parent's value of IDVAR: a column of the parent file. */
            int found = -1;
            for (size_t c = 0; c < m->ncol && c < r->n; c++) {
                char h[64];
                upper(m->header[c], h, sizeof h);
                if (strcmp(h, iv) == 0) {
                    found = (int)c;
                    break;
                }
            }
            if (found < 0)
                continue;
            trimmed(r->f[found], val, sizeof val);
        }
        supp_key(key, sizeof key, usubjid, iv, val);
        size_t i;
        if (!strmap_get(&sp->by_key, key, &i))
            continue;
        for (; i != SIZE_MAX; i = sp->next[i]) {
            sp->rows[i].used = true;
            if (*n_out == cap) {
                size_t ncap = cap ? cap * 2 : 4;
                struct qualifier *q =
                    arena_alloc(&L->s->arena, ncap * sizeof *q);
                if (*n_out)
                    memcpy(q, *out, *n_out * sizeof *q);
                *out = q;
                cap = ncap;
            }
            (*out)[*n_out].qnam = sp->rows[i].qnam;
            (*out)[*n_out].qval = sp->rows[i].qval;
            (*n_out)++;
        }
    }
}

static void supp_finish(struct loader *L, struct supp *sp, const char *parent)
{
    if (!sp)
        return;
    size_t unused = 0;
    long first_line = 0;
    for (size_t i = 0; i < sp->n; i++)
        if (!sp->rows[i].used) {
            if (!unused)
                first_line = sp->rows[i].line;
            unused++;
        }
    if (unused)
        diags_add(L->d, SEV_ERROR, D_SUPP, sp->name, first_line, 0,
                  "%zu qualifier row%s match%s no row of %s (USUBJID, IDVAR "
                  "and IDVARVAL must name a parent row)",
                  unused, unused == 1 ? "" : "s", unused == 1 ? "es" : "",
                  parent);
    strmap_release(&sp->by_key);
    free(sp->rows);
    free(sp->next);
    free(sp->idvars);
    free(sp);
}

/* ------------------------------------------------------------------------
 * Subjects, evaluators, dates.
 */

/*
 * The subject of a row, or NULL (with one error per subject and file) when
 * the subject is not in dm.csv.
 */
struct subject *row_subject(struct loader *L, const struct dom *m,
                            const struct csvr_rec *r, int col)
{
    char us[128];
    trimmed(dom_get(m, r, col), us, sizeof us);
    if (!*us) {
        diags_add(L->d, SEV_ERROR, D_REQUIRED, m->name, r->line,
                  dom_colno(m, col), "USUBJID must not be blank");
        return NULL;
    }
    /* Rows come grouped by subject: the last one found is checked first.
     * Subjects are only added while dm.csv is read, so the pointer stays
     * valid here. */
    if (L->last_subject && strcmp(L->last_subject->usubjid, us) == 0)
        return L->last_subject;
    struct subject *sj = study_find(L->s, us);
    if (sj) {
        L->last_subject = sj;
        return sj;
    }
    char key[200];
    snprintf(key, sizeof key, "%s\x1f%s", m->name, us);
    if (!strmap_get(&L->unknown_reported, key, NULL)) {
        strmap_put(&L->unknown_reported, key, 1);
        diags_add(L->d, SEV_ERROR, D_UNKNOWN_SUBJECT, m->name, r->line,
                  dom_colno(m, col),
                  "subject '%s' is not in dm.csv (every subject must have "
                  "a DM row)",
                  us);
    }
    return NULL;
}

/*
 * Evaluator selection (data-format.md "Which records count"): returns true
 * when the row belongs to the chosen evaluator. Rows without --EVAL belong
 * to every selection. Counts what was seen for the "matches nothing"
 * error.
 */
/* Notes that the subject has a selected row of reader id in file m. */
static void reader_seen(struct loader *L, struct subject *sj,
                        const struct dom *m, const struct csvr_rec *r,
                        const char *id)
{
    for (size_t i = 0; i < sj->n_readers; i++)
        if (!strcmp(sj->readers[i].id, id) &&
            !strcmp(sj->readers[i].file, m->name)) {
            sj->readers[i].rows++;
            return;
        }
    if (sj->n_readers < sizeof sj->readers / sizeof sj->readers[0])
        sj->readers[sj->n_readers++] =
            (struct reader_seen){study_intern(L->s, id), m->name, r->line, 1};
}

bool row_selected(struct loader *L, struct eval_seen *es, const struct dom *m,
                  const struct csvr_rec *r, int c_eval, int c_acpt,
                  int c_evalid, struct subject *sj)
{
    char ev[64], acpt[8], id[64];
    upper(dom_get(m, r, c_eval), ev, sizeof ev);
    upper(dom_get(m, r, c_acpt), acpt, sizeof acpt);
    upper(dom_get(m, r, c_evalid), id, sizeof id);
    es->rows++;
    if (!*ev) {
        es->matched++;
        return true;
    }
    bool ok;
    if (L->evaluator == EVAL_INVESTIGATOR) {
        ok = strcmp(ev, "INVESTIGATOR") == 0;
    } else {
        bool indep = strcmp(ev, "INDEPENDENT ASSESSOR") == 0;
        bool accepted = strcmp(acpt, "Y") == 0;
        bool tu = !strcmp(m->name, "tu.csv");
        /* independent_reads one_reader: the lesions as the subject's
         * accepted identification (TU) has them, then every TR and RS row
         * of that reader, accepted or not; accepted rows where no reader
         * is known. */
        if (L->p->independent_reads == READS_ONE_READER && !tu && sj &&
            sj->reader && *id)
            ok = indep && !strcmp(id, sj->reader);
        else
            ok = indep && accepted;
        if (ok && tu && sj && *id && !sj->reader)
            sj->reader = study_intern(L->s, id);
    }
    if (ok) {
        es->matched++;
        es->matched_with_eval++;
        if (sj && *id && L->evaluator == EVAL_INDEPENDENT)
            reader_seen(L, sj, m, r, id);
        return true;
    }
    bool known = false;
    for (size_t i = 0; i < es->n_other; i++)
        if (strcmp(es->other[i], ev) == 0)
            known = true;
    if (!known && es->n_other < sizeof es->other / sizeof es->other[0])
        es->other[es->n_other++] = arena_strdup(&L->s->arena, ev);
    return false;
}

static void eval_finish(struct loader *L, const struct eval_seen *es,
                        const char *file)
{
    if (es->matched_with_eval || !es->n_other)
        return;
    char list[512];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < es->n_other && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                i ? ", " : "", es->other[i]);
    diags_add(L->d, SEV_ERROR, D_EVALUATOR, file, 0, 0,
              "no row matches the evaluator %s%s; the file has %s "
              "(choose one with --evaluator INVESTIGATOR|INDEPENDENT or the "
              "protocol key \"evaluator\")",
              evaluator_name(L->evaluator),
              L->evaluator == EVAL_INDEPENDENT
                  ? " (INDEPENDENT ASSESSOR with --ACPTFL=Y)"
                  : "",
              list);
}

/*
 * Parses a date field. Returns 0 with *out set (DATE_NONE when blank), or
 * -1 after an error. Partial dates are imputed by `how` and reported by the
 * caller through *imputed.
 */
int row_date(struct loader *L, const struct dom *m, const struct csvr_rec *r,
             int c, const char *usubjid, struct pdate *out)
{
    const char *v = dom_get(m, r, c);
    char buf[64];
    trimmed(v, buf, sizeof buf);
    const char *why;
    if (pdate_parse(buf, strlen(buf), out, &why) < 0) {
        diags_add(L->d, SEV_ERROR, D_DATE, m->name, r->line, dom_colno(m, c),
                  "%s '%s' must be %s (subject %s)", m->cols[c], buf, why,
                  usubjid);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * The readers, one per domain, are in sdtm_dom.c. This file drives them.
 */

int dom_read(struct loader *L, struct dom *m, const char *domain,
             csvr_rec_fn fn, void *ctx, bool required)
{
    if (!file_exists(L, m->name)) {
        if (required)
            diags_add(L->d, SEV_ERROR, D_IO, m->name, 0, 0,
                      "missing: a study folder must hold %s", m->name);
        return 1;
    }
    m->supp = supp_read(L, domain);
    int rc = study_stream(L, m->name, fn, ctx);
    /* An empty file (0 bytes, no header) hides a whole domain: an error
     * for a file the study must hold, a warning for another. */
    if (rc >= 0 && !m->header_done)
        diags_add(L->d, required ? SEV_ERROR : SEV_WARNING, D_REQUIRED, m->name,
                  0, 0,
                  "the file is empty: a header row naming the columns is "
                  "expected%s",
                  required ? "" : "; no rows are read from it");
    supp_finish(L, m->supp, m->name);
    m->supp = NULL;
    for (size_t i = 0; i < m->n_header; i++)
        free(m->header[i]);
    free(m->header);
    m->header = NULL;
    m->n_header = 0;
    eval_finish(L, &m->eval, m->name);
    return rc < 0 ? -1 : 0;
}

/* dom_run's stream: every record through dom_dispatch. */
struct dom_run_ctx {
    struct loader *L;
    struct dom *m;
    int (*row)(struct loader *, struct dom *, const struct csvr_rec *);
    const struct dom_table *table;
};

/* One row of a table-described domain: a new record of the subject, each
 * column read into it as its kind says, then the checks across columns. */
static int table_row(struct loader *L, struct dom *m, const struct csvr_rec *r,
                     const struct dom_table *t)
{
    struct subject *sj = row_subject(L, m, r, 0); /* USUBJID comes first */
    if (!sj)
        return 0;
    char *base = (char *)sj;
    void **arr = (void **)(base + t->arr);
    size_t *n = (size_t *)(base + t->n), *cap = (size_t *)(base + t->cap);
    *arr = vec_grow(*arr, cap, *n + 1, t->size);
    char *rec = (char *)*arr + (*n)++ * t->size;
    memset(rec, 0, t->size);
    *(long *)(rec + t->line) = r->line;
    for (size_t i = 0; i < t->n_reads; i++) {
        const struct col_read *c = &t->reads[i];
        struct pdate raw;
        bool imp;
        bool *impp = c->dest_imputed == NO_FIELD
                         ? &imp
                         : (bool *)(rec + c->dest_imputed);
        switch (c->kind) {
        case CK_TEXT:
        case CK_TERM: {
            char *v = c->kind == CK_TERM ? dom_term(L, m, r, c->col)
                                         : dom_field(L, m, r, c->col);
            *(char **)(rec + c->dest) = v;
            if (c->not_blank)
                dom_require(L, m, r, c->col, v, sj->usubjid);
            break;
        }
        case CK_NUM: {
            double *v = (double *)(rec + c->dest);
            if (dom_num(L, m, r, c->col, sj->usubjid, c->expected, v) == 0 &&
                c->nonneg && *v < 0)
                diags_add(L->d, SEV_ERROR, D_NUMBER, m->name, r->line,
                          dom_colno(m, c->col),
                          "%s '%s' must be %s (subject %s)", m->cols[c->col],
                          dom_get(m, r, c->col), c->expected, sj->usubjid);
            break;
        }
        case CK_REF_DATE:
            dom_ref_date(L, m, r, c->col, sj->usubjid,
                         (int32_t *)(rec + c->dest));
            break;
        case CK_START_DATE:
            dom_start_date(L, m, r, c->col, sj, &raw,
                           (int32_t *)(rec + c->dest), impp);
            break;
        case CK_END_DATE:
            dom_end_date(L, m, r, c->col, sj, &raw, (int32_t *)(rec + c->dest),
                         impp);
            break;
        }
    }
    if (t->check)
        t->check(L, m, r, sj, rec);
    return 0;
}

static int dom_run_fn(void *ctx, const struct csvr_rec *r)
{
    struct dom_run_ctx *x = ctx;
    if (!x->m->header_done || r->n != x->m->ncol || !x->table)
        return dom_dispatch(x->L, x->m, r, x->row);
    x->m->rows++;
    return table_row(x->L, x->m, r, x->table);
}

int dom_run(struct loader *L, const struct dom_spec *spec, struct dom *m)
{
    memset(m, 0, sizeof *m);
    m->name = spec->file;
    m->cols = spec->cols;
    m->required = spec->required;
    struct dom_run_ctx x = {L, m, spec->row, spec->table};
    return dom_read(L, m, spec->domain, dom_run_fn, &x, spec->file_required);
}

/* Wraps the domain's row function: header, field count, then the row. */
int dom_dispatch(struct loader *L, struct dom *m, const struct csvr_rec *r,
                 int (*row)(struct loader *, struct dom *,
                            const struct csvr_rec *))
{
    if (!m->header_done) {
        m->header_done = 1;
        m->header = xcalloc(r->n ? r->n : 1, sizeof *m->header);
        m->n_header = r->n;
        for (size_t i = 0; i < r->n; i++)
            m->header[i] = xstrdup(r->f[i]);
        if (dom_header(L, m, r) < 0) {
            m->bad = 1;
            return 1; /* stop: without the column nothing can be read */
        }
        return 0;
    }
    if (r->n != m->ncol) {
        diags_add(L->d, SEV_ERROR, D_CSV, m->name, r->line, 0,
                  "%zu fields, but the header has %zu (a comma inside a "
                  "value must be quoted)",
                  r->n, m->ncol);
        return 0;
    }
    m->rows++;
    return row(L, m, r);
}

static int load(struct loader *L, const struct load_options *o);

int sdtm_load(const char *dir, const struct load_options *o, struct study *s,
              struct diags *d)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diags_add(d, SEV_ERROR, D_IO, dir, 0, 0,
                  "not a study folder (a directory of SDTM CSV files)");
        return -1;
    }
    struct row_source src;
    row_source_dir(&src, dir);
    return sdtm_load_source(&src, o, s, d);
}

int sdtm_load_mem(const struct memdir *m, const struct load_options *o,
                  struct study *s, struct diags *d)
{
    struct row_source src;
    row_source_mem(&src, m);
    return sdtm_load_source(&src, o, s, d);
}

int sdtm_load_source(const struct row_source *src, const struct load_options *o,
                     struct study *s, struct diags *d)
{
    struct loader L = {0};
    L.s = s;
    L.d = d;
    L.src = src;
    return load(&L, o);
}

static int load(struct loader *Lp, const struct load_options *o)
{
    struct loader L = *Lp;
    struct study *s = L.s;
    struct diags *d = L.d;
    size_t errors_before = d->n_errors;
    L.progress = &o->progress;
    strmap_init(&L.unknown_reported);
    strmap_init(&L.imputed_reported);

    /* The protocol: the given file, else the source's protocol.json, over
     * the defaults. */
    const char *pp = o->protocol_path;
    if (pp || file_exists(&L, "protocol.json")) {
        size_t len;
        char *text = pp ? read_file(pp, &len)
                        : L.src->text(L.src->ctx, "protocol.json", &len);
        char where[PATH_MAX];
        snprintf(where, sizeof where, "%s/protocol.json", L.src->name);
        if (!text)
            diags_add(d, SEV_ERROR, D_IO, pp ? pp : where, 0, 0,
                      "cannot read: %s", strerror(errno));
        else
            protocol_parse(&s->proto, text, len, pp ? pp : "protocol.json", d);
        free(text);
    }
    if (o->evaluator_set)
        s->proto.evaluator = o->evaluator;
    if (o->cutoff_set)
        s->proto.data_cutoff = o->cutoff;
    L.evaluator = s->proto.evaluator;
    L.p = &s->proto;

    /* Order matters: dm first (the subjects), then the dates that partial
     * dates of other domains are imputed against (ex, ds). */
    /* Every other domain is read however dm.csv looks: a row whose subject
     * is not in dm.csv is an error, so that a broken or empty dm.csv
     * cannot make the other domains vanish without a word. */
    struct dom m;
    sdtm_read_dm(&L);
    dom_run(&L, &sdtm_ex, &m);
    dom_run(&L, &sdtm_ds, &m);
    dom_run(&L, &sdtm_ss, &m);
    /* First dose is needed to impute partial tumour and AE dates. */
    study_finish(s, NULL);
    sdtm_read_tu(&L);
    sdtm_read_tr(&L);
    dom_run(&L, &sdtm_rs, &m);
    sdtm_read_cm(&L);
    dom_run(&L, &sdtm_pr, &m);
    if (dom_run(&L, &sdtm_ae, &m) == 0 && m.header_done && !m.bad)
        s->have_ae = true;
    else if (!file_exists(&L, "ae.csv"))
        diags_add(d, SEV_WARNING, D_IO, "ae.csv", 0, 0,
                  "missing: the adverse events of this study are not known "
                  "(not 0); the safety tables leave them out");
    sdtm_fix_deaths(&L);
    study_finish(s, d);
    sdtm_check(&L);
    if (!o->all_records && d->n_errors == errors_before) {
        struct cut_summary cut;
        study_cut(s, &cut);
        sdtm_cut_report(&L, &cut);
    }
    strmap_release(&L.unknown_reported);
    strmap_release(&L.imputed_reported);
    return d->n_errors > errors_before ? -1 : 0;
}
