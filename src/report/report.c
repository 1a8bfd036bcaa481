/*
 * report.c - gathers what the report shows (endpoints/, stats/) and
 * writes it: each plot as PNG and SVG, tables.xlsx (one sheet per table),
 * and report.pdf (title page with the data's SHA-256, efficacy table,
 * disposition, plots, safety tables, responders listing).
 */
#include "report_int.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define DAYS_PER_MONTH 30.4375

/* ---- collecting ---- */

static double months(int32_t d, int32_t from)
{
    if (d == DATE_NONE || from == DATE_NONE)
        return NAN;
    return (double)(d - from) / DAYS_PER_MONTH;
}

static void tte_push(struct rep_tte *t, const struct tte *o, size_t cap)
{
    if (!t->days) {
        t->days = xcalloc(cap + 1, sizeof *t->days);
        t->event = xcalloc(cap + 1, sizeof *t->event);
    }
    if (!o->present)
        return;
    t->days[t->n] = (double)o->aval;
    t->event[t->n] = o->cnsr == 0;
    t->n++;
}

static const char *const disp_cols[] = {"GROUP", "ITEM", "n", NULL};
static const char *const resp_cols[] = {
    "USUBJID",   "CRITERION",  "CBOR",         "ONSET",
    "ONSET_DAY", "DOR_MONTHS", "DOR_CENSORED", NULL};

void report_collect(const struct study *s, const struct derive_options *o,
                    struct report_data *r)
{
    memset(r, 0, sizeof *r);
    r->proto = &s->proto;
    r->cutoff = s->proto.data_cutoff;
    r->subj = xcalloc(s->n_subjects + 1, sizeof *r->subj);
    struct efficacy e;
    efficacy_init(&e, &s->proto);
    table_init(&r->disposition, "disposition", disp_cols);
    table_init(&r->responders, "responders", resp_cols);
    protocol_table(&s->proto, &r->protocol);
    long enrolled = 0, treated = 0, evaluable = 0, ongoing = 0, deaths = 0;
    struct strmap reasons;
    strmap_init(&reasons);
    const char **rnames = xcalloc(s->n_subjects + 1, sizeof *rnames);
    long *rcount = xcalloc(s->n_subjects + 1, sizeof *rcount);
    size_t nreasons = 0;
    for (size_t i = 0; i < s->n_subjects; i++) {
        const struct subject *sj = &s->subjects[i];
        struct subject_result res;
        endpoints_subject(s, sj, o, &res);
        efficacy_add(&e, sj, &res);
        if (!r->studyid[0] && sj->studyid && *sj->studyid)
            snprintf(r->studyid, sizeof r->studyid, "%s", sj->studyid);
        struct rep_subject *p = &r->subj[r->n_subj++];
        p->usubjid = sj->usubjid;
        enrolled += res.enrolled;
        treated += res.saffl;
        evaluable += res.efffl;
        const struct crit_result *cr[CRIT_N] = {&res.recist, &res.rano};
        for (int c = 0; c < CRIT_N; c++) {
            p->cbor[c] = cr[c]->cbor.resp;
            p->best_pchg[c] = NAN;
            p->dor_days[c] = -1;
            p->resp_date[c] = DATE_NONE;
            const struct crit_result *x = cr[c];
            if (!res.in_set[c])
                continue; /* not in this criterion's analysis set (h.1) */
            int64_t base = x->n_tp && x->tp[0].baseline ? x->tp[0].sum : -1;
            if (base > 0) {
                p->spider[c] = xcalloc(x->n_tp + 1, sizeof *p->spider[c]);
                for (size_t t = 1; t < x->n_tp; t++) {
                    if (x->tp[t].sum < 0)
                        continue;
                    double pc =
                        100.0 * (double)(x->tp[t].sum - base) / (double)base;
                    p->spider[c][p->n_spider[c]++] = (struct rep_point){
                        months(x->tp[t].date, sj->first_dose), pc};
                }
                int b = crit_best_change(x);
                if (b >= 0)
                    p->best_pchg[c] =
                        100.0 * (double)(x->tp[b].sum - base) / (double)base;
            }
            const struct tte *dor =
                &res.tte[c == CRIT_RANOBM ? TTE_RSDCNS : TTE_RSD];
            if (dor->present) {
                p->dor_days[c] = dor->aval;
                p->dor_cnsr[c] = dor->cnsr;
                p->resp_date[c] = dor->start;
            }
        }
        /* Time on treatment: to the cut-off while treatment goes on,
         * otherwise to the end of the last cycle (last dose + a cycle). */
        p->ongoing =
            subject_status(&s->proto, sj, &res, r->cutoff) == SUBJ_ON_TREATMENT;
        p->trt_months = NAN;
        if (sj->first_dose != DATE_NONE && res.saffl) {
            int32_t last =
                sj->last_dose != DATE_NONE ? sj->last_dose : sj->first_dose;
            int32_t end = last + s->proto.cycle_days;
            if (p->ongoing && r->cutoff != DATE_NONE)
                end = r->cutoff > last ? r->cutoff : last;
            p->trt_months = months(end, sj->first_dose);
        }
        ongoing += p->ongoing;
        p->resp_months = months(p->resp_date[CRIT_RANOBM], sj->first_dose);
        int32_t pd = DATE_NONE;
        for (int k = 0; k < 2; k++) {
            const struct tte *t = &res.tte[k == 0 ? TTE_PFS : TTE_PFSCNS];
            if (t->present && t->cnsr == 0 && t->evntdesc &&
                !strcmp(t->evntdesc, "Disease Progression") &&
                (pd == DATE_NONE || t->adt < pd))
                pd = t->adt;
        }
        p->pd_months = months(pd, sj->first_dose);
        int32_t death = sj->death;
        p->death_months = months(death, sj->first_dose);
        deaths += death != DATE_NONE && res.saffl;
        if (res.saffl)
            tte_push(&r->tte[0], &res.tte[TTE_PFS], s->n_subjects);
        if (res.efffl)
            tte_push(&r->tte[1], &res.tte[TTE_PFSCNS], s->n_subjects);
        if (res.saffl)
            tte_push(&r->tte[2], &res.tte[TTE_OS], s->n_subjects);
        /* Why treatment ended. */
        if (res.saffl && !p->ongoing) {
            const char *why = death != DATE_NONE ? "DEATH" : "OTHER";
            for (size_t k = 0; k < sj->n_ds; k++) {
                const struct ds_event *d = &sj->ds[k];
                if (!strcmp(d->cat, "DISPOSITION EVENT") &&
                    (!*d->epoch || !strcmp(d->epoch, "TREATMENT"))) {
                    why = d->decod;
                    break;
                }
            }
            size_t idx;
            if (!strmap_get(&reasons, why, &idx)) {
                idx = nreasons++;
                strmap_put(&reasons, why, idx);
                rnames[idx] = why;
            }
            rcount[idx]++;
        }
        /* The responders listing: confirmed responders, both criteria. */
        for (int c = CRIT_N; c-- > 0;) {
            if (p->dor_days[c] < 0)
                continue;
            size_t row = table_add_row(&r->responders);
            table_set(&r->responders, row, "USUBJID", sj->usubjid);
            table_set(&r->responders, row, "CRITERION",
                      criterion_name((enum criterion)c));
            table_set(&r->responders, row, "CBOR",
                      resp_name(p->cbor[c], false));
            table_set_date(&r->responders, row, "ONSET", p->resp_date[c]);
            table_set_int(&r->responders, row, "ONSET_DAY",
                          days_from_origin(p->resp_date[c], sj->origin));
            table_setf(&r->responders, row, "DOR_MONTHS", "%.1f",
                       (double)p->dor_days[c] / DAYS_PER_MONTH);
            table_set(&r->responders, row, "DOR_CENSORED",
                      p->dor_cnsr[c] ? "Y" : "N");
        }
        subject_result_release(&res);
    }
    struct table *d = &r->disposition;
    const char *flow[][2] = {
        {"Enrolled", NULL}, {"Treated", NULL}, {"CNS-evaluable", NULL}};
    long fv[] = {enrolled, treated, evaluable};
    for (int k = 0; k < 3; k++) {
        size_t row = table_add_row(d);
        table_set(d, row, "GROUP", "flow");
        table_set(d, row, "ITEM", flow[k][0]);
        table_set_int(d, row, "n", fv[k]);
    }
    size_t row = table_add_row(d);
    table_set(d, row, "GROUP", "flow");
    table_set(d, row, "ITEM", "On treatment at the cut-off");
    table_set_int(d, row, "n", ongoing);
    for (size_t k = 0; k < nreasons; k++) {
        row = table_add_row(d);
        table_set(d, row, "GROUP", "Treatment ended, by reason");
        table_set(d, row, "ITEM", rnames[k]);
        table_set_int(d, row, "n", rcount[k]);
    }
    row = table_add_row(d);
    table_set(d, row, "GROUP", "Treatment ended, by reason");
    table_set(d, row, "ITEM", "Deaths (any time, treated)");
    table_set_int(d, row, "n", deaths);
    free(rnames);
    free(rcount);
    strmap_release(&reasons);
    efficacy_table(&e, &r->efficacy);
    r->n_subgroups = efficacy_subgroups(&e, &r->subgroups);
    efficacy_sensitivity(s, o, &r->sensitivity);
    endpoints_methods(&s->proto, &r->methods);
    efficacy_release(&e);
    safety_tables(s, &r->safety);
}

void report_release(struct report_data *r)
{
    for (size_t i = 0; i < r->n_subj; i++)
        for (int c = 0; c < CRIT_N; c++)
            free(r->subj[i].spider[c]);
    free(r->subj);
    for (int k = 0; k < 3; k++) {
        free(r->tte[k].days);
        free(r->tte[k].event);
    }
    table_release(&r->efficacy);
    table_release(&r->safety);
    table_release(&r->disposition);
    table_release(&r->responders);
    table_release(&r->protocol);
    table_release(&r->sensitivity);
    table_release(&r->methods);
    free(r->subgroups);
    memset(r, 0, sizeof *r);
}

/* ---- the plots ---- */

enum plot_kind {
    P_KM_PFS,
    P_KM_PFSCNS,
    P_KM_OS,
    P_WF_CNS,
    P_WF_RECIST,
    P_SPIDER,
    P_SWIMMER,
    P_DISPOSITION,
    P_FOREST,
    P_N
};

static const char *const plot_files[P_N] = {
    "km_pfs",        "km_pfscns",        "km_os",
    "waterfall_cns", "waterfall_recist", "spider_cns",
    "swimmer",       "disposition",      "forest"};

/* Plot k; for the swimmer plot, the subjects first .. first + count - 1
 * (0, SIZE_MAX: all of them). */
static void draw(cairo_t *cr, double w, double h, const struct report_data *r,
                 enum plot_kind k, size_t first, size_t count)
{
    switch (k) {
    case P_KM_PFS:
        draw_km(cr, w, h, &r->tte[0], "Progression-free survival (RECIST 1.1)",
                "all treated", r->proto);
        break;
    case P_KM_PFSCNS:
        draw_km(cr, w, h, &r->tte[1], "CNS progression-free survival (RANO-BM)",
                "CNS-evaluable", r->proto);
        break;
    case P_KM_OS:
        draw_km(cr, w, h, &r->tte[2], "Overall survival", "all treated",
                r->proto);
        break;
    case P_WF_CNS:
        draw_waterfall(cr, w, h, r, CRIT_RANOBM);
        break;
    case P_WF_RECIST:
        draw_waterfall(cr, w, h, r, CRIT_RECIST);
        break;
    case P_SPIDER:
        draw_spider(cr, w, h, r, CRIT_RANOBM);
        break;
    case P_SWIMMER:
        draw_swimmer(cr, w, h, r, first, count);
        break;
    case P_FOREST:
        draw_forest(cr, w, h, r);
        break;
    default:
        draw_disposition(cr, w, h, r);
        break;
    }
}

/* A swimmer plot of this many rows. */
static double swimmer_height(size_t rows)
{
    return fmax(420, 90 + 9.0 * (double)rows);
}

static double plot_height(const struct report_data *r, enum plot_kind k)
{
    if (k == P_SWIMMER)
        return swimmer_height(r->n_subj);
    if (k == P_FOREST)
        return forest_height(r);
    return k == P_DISPOSITION ? 330 : 420;
}

static int write_plots(const struct report_data *r, const char *dir, char *err)
{
    char path[4200];
    for (int k = 0; k < P_N; k++) {
        double w = 640, h = plot_height(r, (enum plot_kind)k);
        /* PNG at 2.5 x for print quality. */
        cairo_surface_t *img = cairo_image_surface_create(
            CAIRO_FORMAT_ARGB32, (int)(w * 2.5), (int)(h * 2.5));
        cairo_t *cr = cairo_create(img);
        cairo_scale(cr, 2.5, 2.5);
        draw(cr, w, h, r, (enum plot_kind)k, 0, SIZE_MAX);
        cairo_destroy(cr);
        snprintf(path, sizeof path, "%.4000s/%s.png", dir, plot_files[k]);
        cairo_status_t st = cairo_surface_write_to_png(img, path);
        cairo_surface_destroy(img);
        if (st != CAIRO_STATUS_SUCCESS) {
            snprintf(err, 512, "cannot write %.400s: %s", path,
                     cairo_status_to_string(st));
            return -1;
        }
        snprintf(path, sizeof path, "%.4000s/%s.svg", dir, plot_files[k]);
        cairo_surface_t *svg = cairo_svg_surface_create(path, w, h);
        cr = cairo_create(svg);
        draw(cr, w, h, r, (enum plot_kind)k, 0, SIZE_MAX);
        cairo_destroy(cr);
        cairo_surface_finish(svg);
        st = cairo_surface_status(svg);
        cairo_surface_destroy(svg);
        if (st != CAIRO_STATUS_SUCCESS) {
            snprintf(err, 512, "cannot write %.400s: %s", path,
                     cairo_status_to_string(st));
            return -1;
        }
    }
    return 0;
}

/* An SVG drawn into memory (the web dashboard). */
struct membuf {
    char *p;
    size_t n, cap;
};

static cairo_status_t mem_write(void *ctx, const unsigned char *data,
                                unsigned int len)
{
    struct membuf *b = ctx;
    if (b->n + len + 1 > b->cap) {
        size_t cap = (b->n + len + 1) * 2;
        char *q = realloc(b->p, cap);
        if (!q)
            return CAIRO_STATUS_NO_MEMORY;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    b->p[b->n] = 0;
    return CAIRO_STATUS_SUCCESS;
}

/* cairo's SVG with each style="a:b;c:d" as the presentation attributes
 * a="b" c="d": the same drawing, and no inline style for a page whose
 * Content-Security-Policy forbids them (the web dashboard). Takes svg
 * (len bytes, NUL-terminated or not); returns a new malloc'd text. */
static char *presentation_attributes(char *svg, size_t len)
{
    struct membuf o = {NULL, 0, 0};
    const char *p = svg, *end = svg + len;
    static const char key[] = " style=\"";
    while (p < end) {
        const char *hit = strstr(p, key); /* svg is NUL-terminated */
        if (!hit) {
            mem_write(&o, (const unsigned char *)p, (unsigned)(end - p));
            break;
        }
        mem_write(&o, (const unsigned char *)p, (unsigned)(hit - p));
        const char *v = hit + sizeof key - 1;
        const char *q = memchr(v, '"', (size_t)(end - v));
        if (!q)
            q = end;
        /* Each declaration "name:value" becomes name="value". */
        while (v < q) {
            const char *semi = memchr(v, ';', (size_t)(q - v));
            const char *stop = semi ? semi : q;
            const char *colon = memchr(v, ':', (size_t)(stop - v));
            if (colon) {
                while (v < colon && *v == ' ')
                    v++;
                mem_write(&o, (const unsigned char *)" ", 1);
                mem_write(&o, (const unsigned char *)v, (unsigned)(colon - v));
                mem_write(&o, (const unsigned char *)"=\"", 2);
                const char *val = colon + 1;
                while (val < stop && *val == ' ')
                    val++;
                mem_write(&o, (const unsigned char *)val,
                          (unsigned)(stop - val));
                mem_write(&o, (const unsigned char *)"\"", 1);
            }
            v = semi ? semi + 1 : q;
        }
        p = q < end ? q + 1 : end;
    }
    free(svg);
    return o.p;
}

/* svg with every occurrence of from replaced by to (a new malloc'd
 * text; svg is freed). */
static char *svg_replace(char *svg, const char *from, const char *to)
{
    if (!svg)
        return NULL;
    struct membuf o = {NULL, 0, 0};
    size_t nf = strlen(from), nt = strlen(to);
    const char *p = svg;
    for (const char *hit; (hit = strstr(p, from)); p = hit + nf) {
        mem_write(&o, (const unsigned char *)p, (unsigned)(hit - p));
        mem_write(&o, (const unsigned char *)to, (unsigned)nt);
    }
    mem_write(&o, (const unsigned char *)p, (unsigned)strlen(p));
    free(svg);
    return o.p;
}

char *report_plot_svg(const struct report_data *r, const char *name)
{
    int k = 0;
    while (k < P_N && strcmp(plot_files[k], name) != 0)
        k++;
    if (k == P_N)
        return NULL;
    double w = 640, h = plot_height(r, (enum plot_kind)k);
    struct membuf b = {NULL, 0, 0};
    cairo_surface_t *svg =
        cairo_svg_surface_create_for_stream(mem_write, &b, w, h);
    cairo_t *cr = cairo_create(svg);
    draw(cr, w, h, r, (enum plot_kind)k, 0, SIZE_MAX);
    cairo_destroy(cr);
    cairo_surface_finish(svg);
    cairo_status_t st = cairo_surface_status(svg);
    cairo_surface_destroy(svg);
    if (st != CAIRO_STATUS_SUCCESS) {
        free(b.p);
        return NULL;
    }
    /* Its ids (cairo's glyphs, clips) named after the plot, so that
     * several plots in one page do not take each other's glyphs. */
    char *text = presentation_attributes(b.p, b.n);
    char to[3][96];
    snprintf(to[0], sizeof to[0], "id=\"%s-", name);
    snprintf(to[1], sizeof to[1], "href=\"#%s-", name);
    snprintf(to[2], sizeof to[2], "url(#%s-", name);
    text = svg_replace(text, "id=\"", to[0]);
    text = svg_replace(text, "href=\"#", to[1]);
    return svg_replace(text, "url(#", to[2]);
}

/* ---- the workbook ---- */

static void sheet_of(lxw_workbook *wb, lxw_format *bold, const char *name,
                     const struct table *t, const char *only_table)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws)
        return;
    lxw_row_t row = 0;
    for (size_t c = 0; c < t->ncol; c++) {
        worksheet_write_string(ws, row, (lxw_col_t)c, t->cols[c], bold);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c < 3 ? 34 : 12,
                             NULL);
    }
    for (size_t r = 0; r < t->nrow; r++) {
        if (only_table && strcmp(table_get(t, r, "TABLE"), only_table))
            continue;
        row++;
        for (size_t c = 0; c < t->ncol; c++) {
            const char *v = t->cells[r * t->ncol + c];
            if (!v)
                continue;
            char *end;
            double d = strtod(v, &end);
            /* Numbers as numbers, so that a statistician can compute. */
            if (*v && !*end && strcmp(t->cols[c], "USUBJID"))
                worksheet_write_number(ws, row, (lxw_col_t)c, d, NULL);
            else
                worksheet_write_string(ws, row, (lxw_col_t)c, v, NULL);
        }
    }
}

static int write_xlsx(const struct report_data *r, const struct report_meta *m,
                      const char *dir, char *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/tables.xlsx", dir);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        snprintf(err, 512, "cannot write %.400s", path);
        return -1;
    }
    /* A fixed creation time makes the file byte-identical on rerun. */
    lxw_doc_properties props = {.title = "BALIST tables",
                                .created = m->created};
    workbook_set_properties(wb, &props);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    sheet_of(wb, bold, "Efficacy", &r->efficacy, NULL);
    sheet_of(wb, bold, "Disposition", &r->disposition, NULL);
    sheet_of(wb, bold, "Responders", &r->responders, NULL);
    sheet_of(wb, bold, "Protocol", &r->protocol, NULL);
    sheet_of(wb, bold, "Methods", &r->methods, NULL);
    sheet_of(wb, bold, "Sensitivity", &r->sensitivity, NULL);
    /* The safety tables, one sheet each (names of at most 31
     * characters). */
    const char *last = "";
    int k = 0;
    for (size_t i = 0; i < r->safety.nrow; i++) {
        const char *tb = table_get(&r->safety, i, "TABLE");
        if (!strcmp(tb, last))
            continue;
        last = tb;
        /* "S<k> " keeps truncated names unique; Excel forbids []:*?/\ */
        char name[32];
        snprintf(name, sizeof name, "S%d %s", ++k, tb);
        for (char *c = name; *c; c++)
            if (strchr("[]:*?/\\", *c))
                *c = '-';
        for (size_t n = strlen(name); n && name[n - 1] == ' ';)
            name[--n] = 0;
        sheet_of(wb, bold, name, &r->safety, tb);
    }
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) {
        snprintf(err, 512, "cannot write %.400s: %s", path, lxw_strerror(e));
        return -1;
    }
    return xlsx_tidy_numbers(path, err);
}

/* ---- the PDF ---- */

#define SWIM_PAGE 60 /* swimmer rows per PDF page */
#define PW 595.0
#define PH 842.0
#define MARGIN 50.0

struct pdf {
    cairo_t *cr;
    double y;
    int page;
    const struct report_meta *meta;
    const struct report_data *r;
};

static void footer(struct pdf *p)
{
    char buf[160];
    snprintf(buf, sizeof buf, "%s - BALIST %s - page %d",
             p->r->studyid[0] ? p->r->studyid : p->meta->study_name,
             BALIST_VERSION, p->page);
    cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
    text_at(p->cr, PW / 2, PH - 25, 8, false, 1, buf);
}

static void new_page(struct pdf *p)
{
    if (p->page)
        cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN;
    footer(p);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void need(struct pdf *p, double h)
{
    if (p->y + h > PH - 45)
        new_page(p);
}

static void heading(struct pdf *p, const char *s)
{
    need(p, 40);
    cairo_set_source_rgb(p->cr, 0, 0.2, 0.45);
    text_at(p->cr, MARGIN, p->y + 14, 13, true, 0, s);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    p->y += 26;
}

static void line(struct pdf *p, double size, bool bold, const char *s)
{
    need(p, size + 4);
    text_at(p->cr, MARGIN, p->y + size, size, bold, 0, s);
    p->y += size + 4;
}

/* Text wrapped at word boundaries into lines at most w points wide, from
 * x, line by line down the page. */
static void paragraph(struct pdf *p, double x, double w, double size,
                      const char *s)
{
    cairo_select_font_face(p->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
    char buf[1024];
    size_t n = 0;
    const char *at = s;
    while (*at) {
        /* The next word, with the spaces before it. */
        const char *end = at;
        while (*end == ' ')
            end++;
        while (*end && *end != ' ')
            end++;
        size_t len = (size_t)(end - at);
        if (n + len >= sizeof buf)
            len = sizeof buf - n - 1;
        char try[1024];
        memcpy(try, buf, n);
        memcpy(try + n, at, len);
        try[n + len] = 0;
        cairo_text_extents_t e;
        cairo_text_extents(p->cr, try, &e);
        if (e.x_advance > w && n > 0) {
            buf[n] = 0;
            need(p, size + 3);
            text_at(p->cr, x, p->y + size, size, false, 0, buf);
            p->y += size + 3;
            while (*at == ' ')
                at++;
            n = 0;
            continue;
        }
        memcpy(buf + n, at, len);
        n += len;
        at += len;
    }
    if (n) {
        buf[n] = 0;
        need(p, size + 3);
        text_at(p->cr, x, p->y + size, size, false, 0, buf);
        p->y += size + 3;
    }
}

/* A table laid out in columns: cols by name, with widths in points. */
static void pdf_table(struct pdf *p, const struct table *t,
                      const char *const *cols, const double *widths,
                      const char *filter_col, const char *filter_val)
{
    double fs = 7.5, x;
    need(p, 24);
    int page = 0;
    for (size_t r = 0; r < t->nrow; r++) {
        if (filter_col && strcmp(table_get(t, r, filter_col), filter_val))
            continue;
        need(p, fs + 3);
        if (page != p->page) { /* the header again on every page */
            page = p->page;
            x = MARGIN;
            for (int c = 0; cols[c]; c++) {
                text_at(p->cr, x, p->y + fs, fs, true, 0, cols[c]);
                x += widths[c];
            }
            p->y += fs + 5;
        }
        x = MARGIN;
        for (int c = 0; cols[c]; c++) {
            text_fit(p->cr, x, p->y + fs, fs, false, widths[c] - 4,
                     table_get(t, r, cols[c]));
            x += widths[c];
        }
        p->y += fs + 3;
    }
    if (!page)
        line(p, fs, false, "None.");
    p->y += 8;
}

/* The efficacy or safety rows grouped as a report shows them: a bold
 * title per group, then label, count and value columns. */
static void pdf_grouped(struct pdf *p, const struct table *t,
                        const char *group_col, bool safety)
{
    const char *group = "", *block = "";
    double fs = 8.5;
    for (size_t r = 0; r < t->nrow; r++) {
        const char *g = table_get(t, r, group_col);
        if (strcmp(g, group)) {
            group = g;
            block = "";
            need(p, 3 * (fs + 5));
            p->y += 6;
            char title[200];
            if (safety)
                snprintf(title, sizeof title, "%s (N = %s)", g,
                         table_get(t, r, "N"));
            else
                snprintf(title, sizeof title, "%s", g);
            text_fit(p->cr, MARGIN, p->y + fs + 1, fs + 1, true,
                     PW - 2 * MARGIN, title);
            p->y += fs + 7;
            /* Graded tables have a grade >= 3 column: say so. */
            bool graded = false;
            for (size_t k = r; safety && k < t->nrow && !graded &&
                               !strcmp(table_get(t, k, group_col), g);
                 k++)
                graded = *table_get(t, k, "n_G3") != '\0';
            if (safety && graded) {
                text_at(p->cr, MARGIN + 330, p->y + fs, fs, true, 2,
                        "Any grade");
                text_at(p->cr, MARGIN + 420, p->y + fs, fs, true, 2,
                        "Grade >= 3");
                p->y += fs + 4;
            }
        }
        need(p, fs + 4);
        char label[160], count[48] = "", value[96] = "";
        const char *item = table_get(t, r, "ITEM");
        const char *sec = safety ? table_get(t, r, "SECTION") : "";
        const char *n = table_get(t, r, "n");
        /* A block without an "Any" row (the exposure of one drug) is
         * named above its rows. */
        if (safety && *sec && strcmp(sec, block)) {
            block = sec;
            if (strcmp(item, "Any") != 0) {
                text_fit(p->cr, MARGIN + 6, p->y + fs, fs, true, 268, sec);
                p->y += fs + 4;
                need(p, fs + 4);
            }
        }
        if (safety) {
            bool soc_any = *sec && !strcmp(item, "Any");
            snprintf(label, sizeof label, "%s%s",
                     *sec && !soc_any ? "    " : "", soc_any ? sec : item);
            const char *pc = table_get(t, r, "PCT");
            if (*n)
                snprintf(count, sizeof count, "%s (%s%%)", n, pc);
            const char *n3 = table_get(t, r, "n_G3");
            if (*n3)
                snprintf(value, sizeof value, "%s (%s%%)", n3,
                         table_get(t, r, "PCT_G3"));
            else
                snprintf(value, sizeof value, "%s", table_get(t, r, "VALUE"));
            bool bold = soc_any || (!*sec && !strcmp(item, "Any"));
            text_fit(p->cr, MARGIN + 6, p->y + fs, fs, bold, 268, label);
            text_at(p->cr, MARGIN + 330, p->y + fs, fs, false, 2, count);
            text_at(p->cr, MARGIN + (*n3 ? 420 : 345), p->y + fs, fs, false,
                    *n3 ? 2 : 0, value);
        } else {
            snprintf(label, sizeof label, "%s, %s", item,
                     table_get(t, r, "POPULATION"));
            efficacy_row_text(t, r, p->r->proto->confidence_level, count,
                              sizeof count, value, sizeof value);
            text_fit(p->cr, MARGIN + 6, p->y + fs, fs, false, 250, label);
            text_at(p->cr, MARGIN + 300, p->y + fs, fs, false, 2, count);
            text_at(p->cr, MARGIN + 312, p->y + fs, fs, false, 0, value);
        }
        p->y += fs + 4;
    }
}

/* Plot k, h high, placed on the page at the text width (or smaller, to
 * fit the page); first and count as draw()'s. */
static void pdf_place(struct pdf *p, enum plot_kind k, double h, size_t first,
                      size_t count)
{
    double w = 640;
    double scale = (PW - 2 * MARGIN) / w;
    if (h * scale > PH - 110)
        scale = (PH - 110) / h;
    need(p, h * scale + 10);
    cairo_save(p->cr);
    cairo_translate(p->cr, MARGIN, p->y);
    cairo_scale(p->cr, scale, scale);
    cairo_rectangle(p->cr, 0, 0, w, h);
    cairo_clip(p->cr);
    draw(p->cr, w, h, p->r, k, first, count);
    cairo_restore(p->cr);
    p->y += h * scale + 14;
}

static void pdf_plot(struct pdf *p, enum plot_kind k)
{
    pdf_place(p, k, plot_height(p->r, k), 0, SIZE_MAX);
}

static int write_pdf(const struct report_data *r, const struct report_meta *m,
                     const char *dir, char *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/report.pdf", dir);
    cairo_surface_t *s = cairo_pdf_surface_create(path, PW, PH);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                   "BALIST trial report");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
                                   "BALIST " BALIST_VERSION);
    /* The creation date the caller gives (SOURCE_DATE_EPOCH): a rerun is
     * byte-identical. */
    char when[32];
    struct tm tm;
    gmtime_r(&m->created, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, when);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, when);
    struct pdf p = {cairo_create(s), 0, 0, m, r};
    new_page(&p);
    /* Title page. */
    char cd[11] = "none";
    if (r->cutoff != DATE_NONE)
        date_format(r->cutoff, cd);
    p.y = 220;
    cairo_set_source_rgb(p.cr, 0, 0.2, 0.45);
    text_at(p.cr, PW / 2, p.y, 22, true, 1, "Trial report");
    p.y += 34;
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    text_at(p.cr, PW / 2, p.y, 12, false, 1,
            "Tumour response (RANO-BM, RECIST 1.1), survival and safety");
    p.y += 50;
    const char *rows[][2] = {
        {"Study", r->studyid[0] ? r->studyid : m->study_name},
        {"Data", m->study_name},
        {"Data cut-off", cd},
        {"Generated (UTC)", m->generated},
        {"SHA-256 of the input data", m->input_sha256},
        {"SHA-256 of the protocol file", m->protocol_sha256},
        {"Software", "BALIST " BALIST_VERSION},
        {"Evaluator", evaluator_name(r->proto->evaluator)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        text_at(p.cr, 120, p.y, 10, true, 0, rows[i][0]);
        text_at(p.cr, 120, p.y + 14, i == 4 || i == 5 ? 8 : 10, false, 0,
                rows[i][1]);
        p.y += 36;
    }
    /* How it was made: every protocol parameter in effect. */
    new_page(&p);
    heading(&p, "Protocol parameters in effect");
    line(&p, 7.5, false,
         "Each key of protocol.json (docs/protocol.md), as given or by its "
         "documented default.");
    static const char *const pcols[] = {"KEY", "VALUE", NULL};
    static const double pw[] = {170, 340};
    pdf_table(&p, &r->protocol, pcols, pw, NULL, NULL);
    /* How the endpoints were derived, in words. */
    new_page(&p);
    heading(&p, "Methods: the rules in effect, in words");
    for (size_t i = 0; i < r->methods.nrow; i++) {
        need(&p, 30);
        line(&p, 8.5, true, table_get(&r->methods, i, "TOPIC"));
        paragraph(&p, MARGIN + 8, PW - 2 * MARGIN - 8, 8,
                  table_get(&r->methods, i, "RULE"));
        p.y += 5;
    }
    /* Efficacy. */
    new_page(&p);
    heading(&p, "Efficacy");
    pdf_grouped(&p, &r->efficacy, "SECTION", false);
    p.y += 6;
    char ci_note[160];
    snprintf(ci_note, sizeof ci_note,
             "Proportions: exact (Clopper-Pearson) %g%% CI. Times: "
             "Kaplan-Meier (months = days / 30.4375); median CI "
             "Brookmeyer-Crowley.",
             100 * r->proto->confidence_level);
    line(&p, 7.5, false, ci_note);
    p.y += 16;
    heading(&p, "Sensitivity analyses (re-derived in this run)");
    pdf_grouped(&p, &r->sensitivity, "SECTION", false);
    p.y += 24; /* the disposition plot carries its own title */
    pdf_plot(&p, P_DISPOSITION);
    /* Plots. */
    new_page(&p);
    heading(&p, "Time to event");
    pdf_plot(&p, P_KM_PFS);
    pdf_plot(&p, P_KM_PFSCNS);
    pdf_plot(&p, P_KM_OS);
    new_page(&p);
    heading(&p, "Tumour response");
    pdf_plot(&p, P_WF_CNS);
    pdf_plot(&p, P_WF_RECIST);
    pdf_plot(&p, P_SPIDER);
    /* The swimmer plot, SWIM_PAGE subjects a page so that each row stays
     * readable however many subjects the study has. */
    size_t nswim = swimmer_count(r);
    for (size_t first = 0; first == 0 || first < nswim; first += SWIM_PAGE) {
        new_page(&p);
        size_t cnt = nswim - first < SWIM_PAGE ? nswim - first : SWIM_PAGE;
        pdf_place(&p, P_SWIMMER, swimmer_height(cnt), first, SWIM_PAGE);
    }
    new_page(&p);
    pdf_plot(&p, P_FOREST);
    /* Safety. */
    new_page(&p);
    heading(&p, "Safety");
    pdf_grouped(&p, &r->safety, "TABLE", true);
    p.y += 10;
    /* Responders. */
    heading(&p, "Confirmed responders: onset and duration of response");
    static const char *const rcols[] = {
        "USUBJID",   "CRITERION",  "CBOR",         "ONSET",
        "ONSET_DAY", "DOR_MONTHS", "DOR_CENSORED", NULL};
    static const double rw[] = {90, 70, 40, 70, 60, 70, 70};
    pdf_table(&p, &r->responders, rcols, rw, NULL, NULL);
    cairo_destroy(p.cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(err, 512, "cannot write %.400s: %s", path,
                 cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

int report_write(const struct report_data *r, const struct report_meta *m,
                 const char *dir, char *err)
{
    if (make_dirs(dir) < 0) {
        snprintf(err, 512, "cannot create %.400s: %s", dir, strerror(errno));
        return -1;
    }
    if (write_plots(r, dir, err) < 0 || write_xlsx(r, m, dir, err) < 0 ||
        write_pdf(r, m, dir, err) < 0)
        return -1;
    return 0;
}

void report_fonts_release(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
