/*
 * plot.c - the report's pictures, each drawn by one function into any
 * cairo context (PNG, SVG, a PDF page): Kaplan-Meier curves with the
 * confidence band, censoring ticks, the median and numbers at risk
 * (response-criteria.md h.6); waterfall and spider plots of the percent
 * change in the sum of target diameters with the -30 % and +20 %
 * reference lines (b.2); the swimmer plot; the disposition summary. Text
 * in DejaVu Sans through fontconfig.
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"
#define PI 3.14159265358979323846
#define DAYS_PER_MONTH 30.4375

void text_at(cairo_t *cr, double x, double y, double size, bool bold, int align,
             const char *s)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                                : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    double dx = align == 0 ? 0 : align == 1 ? -e.x_advance / 2 : -e.x_advance;
    cairo_move_to(cr, x + dx, y);
    cairo_show_text(cr, s);
}

/* Text within max_w points, left-aligned: shrunk to at most 80% of the
 * size first, then cut (ending in a full stop), so that it never runs into the
 * next column. */
void text_fit(cairo_t *cr, double x, double y, double size, bool bold,
              double max_w, const char *s)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD
                                : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_text_extents_t e;
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &e);
    if (e.x_advance > max_w) {
        double f = 0.98 * max_w / e.x_advance;
        size *= f < 0.8 ? 0.8 : f;
        cairo_set_font_size(cr, size);
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    size_t n = strlen(buf);
    cairo_text_extents(cr, buf, &e);
    while (e.x_advance > max_w && n > 1) {
        /* Shorten the prefix to a UTF-8 character boundary, then end it
         * with a full stop as the mark of a cut. */
        do
            n--;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80);
        memcpy(buf, s, n);
        buf[n] = '.';
        buf[n + 1] = 0;
        cairo_text_extents(cr, buf, &e);
    }
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, buf);
}

static void rgb(cairo_t *cr, unsigned hex)
{
    cairo_set_source_rgb(cr, ((hex >> 16) & 255) / 255.0,
                         ((hex >> 8) & 255) / 255.0, (hex & 255) / 255.0);
}

/* Colours of best response (colour-blind safe, Okabe-Ito). */
unsigned report_resp_colour(enum resp r)
{
    switch (r) {
    case RESP_CR:
        return 0x009E73;
    case RESP_PR:
        return 0x56B4E9;
    case RESP_SD:
        return 0xE69F00;
    case RESP_NONCRNONPD:
        return 0xF0E442;
    case RESP_PD:
        return 0xD55E00;
    default:
        return 0x999999;
    }
}

/* A "nice" tick step for a range. */
static double nice_step(double range, int target)
{
    double raw = range / target, p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
}

static void legend(cairo_t *cr, double x, double y, const enum resp *rs,
                   size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rgb(cr, report_resp_colour(rs[i]));
        cairo_rectangle(cr, x, y - 8, 10, 10);
        cairo_fill(cr);
        rgb(cr, 0x222222);
        text_at(cr, x + 14, y, 10, false, 0, resp_name(rs[i], false));
        x += 22 + 7.2 * (double)strlen(resp_name(rs[i], false));
    }
}

/* ---- Kaplan-Meier ---- */

void draw_km(cairo_t *cr, double W, double H, const struct rep_tte *t,
             const char *title, const char *pop, const struct protocol *proto)
{
    double level = proto->confidence_level;
    rgb(cr, 0xFFFFFF);
    cairo_paint(cr);
    double L = 70, R = W - 25, T = 50, B = H - 110;
    rgb(cr, 0x111111);
    text_at(cr, L, 28, 15, true, 0, title);
    struct km k;
    if (!t->n || km_fit(t->days, t->event, t->n, endpoints_km_ci(proto), level,
                        &k) < 0) {
        text_at(cr, W / 2, H / 2, 12, false, 1, "no subjects");
        return;
    }
    double tmax = 0;
    for (size_t i = 0; i < t->n; i++)
        tmax = fmax(tmax, t->days[i] / DAYS_PER_MONTH);
    double step = nice_step(fmax(tmax, 1), 6);
    double xmax = ceil(tmax / step) * step;
    if (xmax <= 0)
        xmax = step;
#define X(m) (L + (m) / xmax * (R - L))
#define Y(s) (B - (s) * (B - T))
    /* Grid and axes. */
    cairo_set_line_width(cr, 0.6);
    rgb(cr, 0xDDDDDD);
    for (int i = 0; i <= 4; i++) {
        cairo_move_to(cr, L, Y(i / 4.0));
        cairo_line_to(cr, R, Y(i / 4.0));
    }
    cairo_stroke(cr);
    rgb(cr, 0x333333);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, L, T);
    cairo_line_to(cr, L, B);
    cairo_line_to(cr, R, B);
    cairo_stroke(cr);
    char buf[96];
    for (int i = 0; i <= 4; i++) {
        snprintf(buf, sizeof buf, "%d%%", i * 25);
        text_at(cr, L - 6, Y(i / 4.0) + 4, 10, false, 2, buf);
    }
    for (double m = 0; m <= xmax + 1e-9; m += step) {
        cairo_move_to(cr, X(m), B);
        cairo_line_to(cr, X(m), B + 4);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%g", m);
        text_at(cr, X(m), B + 16, 10, false, 1, buf);
    }
    text_at(cr, (L + R) / 2, B + 32, 11, false, 1, "Months since enrolment");
    cairo_save(cr);
    cairo_translate(cr, 18, (T + B) / 2);
    cairo_rotate(cr, -PI / 2);
    text_at(cr, 0, 0, 11, false, 1, "Probability (%)");
    cairo_restore(cr);
    /* The confidence band: a step polygon, the upper limits forward and
     * the lower ones back. A limit R leaves undefined keeps the previous
     * one (at S = 0 the band closes at 0). */
    size_t ns = 0;
    double *px = malloc((k.n_steps + 1) * 3 * sizeof *px);
    double *up = px + k.n_steps + 1, *lw = up + k.n_steps + 1;
    px[0] = 0;
    up[0] = lw[0] = 1;
    for (size_t i = 0; i < k.n_steps; i++) {
        const struct km_step *s = &k.steps[i];
        if (!s->n_event)
            continue;
        ns++;
        px[ns] = s->time / DAYS_PER_MONTH;
        up[ns] = isnan(s->upper) ? (s->surv > 0 ? up[ns - 1] : 0) : s->upper;
        lw[ns] = isnan(s->lower) ? (s->surv > 0 ? lw[ns - 1] : 0) : s->lower;
    }
    double xend = k.steps[k.n_steps - 1].time / DAYS_PER_MONTH;
    cairo_set_source_rgba(cr, 0.34, 0.71, 0.91, 0.25);
    cairo_move_to(cr, X(0), Y(1));
    for (size_t j = 1; j <= ns; j++) {
        cairo_line_to(cr, X(px[j]), Y(up[j - 1]));
        cairo_line_to(cr, X(px[j]), Y(up[j]));
    }
    cairo_line_to(cr, X(xend), Y(up[ns]));
    cairo_line_to(cr, X(xend), Y(lw[ns]));
    for (size_t j = ns; j >= 1; j--) {
        cairo_line_to(cr, X(px[j]), Y(lw[j]));
        cairo_line_to(cr, X(px[j]), Y(lw[j - 1]));
    }
    cairo_close_path(cr);
    cairo_fill(cr);
    free(px);
    /* The curve and its censoring ticks. */
    rgb(cr, 0x0072B2);
    cairo_set_line_width(cr, 2);
    double sv = 1;
    cairo_move_to(cr, X(0), Y(1));
    for (size_t i = 0; i < k.n_steps; i++) {
        const struct km_step *s = &k.steps[i];
        double x = X(s->time / DAYS_PER_MONTH);
        cairo_line_to(cr, x, Y(sv));
        sv = s->surv;
        cairo_line_to(cr, x, Y(sv));
    }
    cairo_line_to(cr, X(k.steps[k.n_steps - 1].time / DAYS_PER_MONTH), Y(sv));
    cairo_stroke(cr);
    cairo_set_line_width(cr, 1.2);
    sv = 1;
    for (size_t i = 0; i < k.n_steps; i++) {
        const struct km_step *s = &k.steps[i];
        sv = s->surv;
        if (s->n_censor) {
            double x = X(s->time / DAYS_PER_MONTH);
            cairo_move_to(cr, x, Y(sv) - 5);
            cairo_line_to(cr, x, Y(sv) + 5);
        }
    }
    cairo_stroke(cr);
    /* The median, marked. */
    struct km_quantile q;
    km_quantile(&k, 0.5, &q);
    rgb(cr, 0x555555);
    cairo_set_line_width(cr, 0.8);
    double dash[] = {4, 3};
    cairo_set_dash(cr, dash, 2, 0);
    if (!isnan(q.est)) {
        double xm = X(q.est / DAYS_PER_MONTH);
        cairo_move_to(cr, L, Y(0.5));
        cairo_line_to(cr, xm, Y(0.5));
        cairo_line_to(cr, xm, B);
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
    long events = 0;
    for (size_t i = 0; i < t->n; i++)
        events += t->event[i];
    char med[120];
    if (isnan(q.est))
        snprintf(med, sizeof med, "Median not reached");
    else {
        char lo_s[16] = "NE", hi_s[16] = "NE";
        if (!isnan(q.lower))
            snprintf(lo_s, sizeof lo_s, "%.1f", q.lower / DAYS_PER_MONTH);
        if (!isnan(q.upper))
            snprintf(hi_s, sizeof hi_s, "%.1f", q.upper / DAYS_PER_MONTH);
        snprintf(med, sizeof med, "Median %.1f months (%g%% CI %s-%s)",
                 q.est / DAYS_PER_MONTH, 100 * level, lo_s, hi_s);
    }
    rgb(cr, 0x111111);
    text_at(cr, R - 4, T + 14, 11, false, 2, med);
    snprintf(buf, sizeof buf, "%ld events / %zu subjects (%s)", events, t->n,
             pop);
    text_at(cr, R - 4, T + 30, 10, false, 2, buf);
    snprintf(buf, sizeof buf, "| censored; band: pointwise %g%% CI",
             100 * level);
    text_at(cr, R - 4, T + 44, 9, false, 2, buf);
    /* Numbers at risk under the axis. */
    text_at(cr, L, B + 58, 10, true, 0, "At risk");
    for (double m = 0; m <= xmax + 1e-9; m += step) {
        snprintf(buf, sizeof buf, "%ld", km_n_risk(&k, m * DAYS_PER_MONTH));
        text_at(cr, X(m), B + 74, 10, false, 1, buf);
    }
#undef X
#undef Y
    km_release(&k);
}

/* ---- waterfall ---- */

struct wf {
    double pchg;
    enum resp r;
};

static int cmp_wf(const void *a, const void *b)
{
    const struct wf *x = a, *y = b;
    return (x->pchg < y->pchg) - (x->pchg > y->pchg);
}

static void ref_lines(cairo_t *cr, double L, double R,
                      double (*y)(double, void *), void *ctx)
{
    double dash[] = {5, 3};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 1);
    rgb(cr, 0x555555);
    double lines[] = {20, -30};
    for (int i = 0; i < 2; i++) {
        cairo_move_to(cr, L, y(lines[i], ctx));
        cairo_line_to(cr, R, y(lines[i], ctx));
        cairo_stroke(cr);
        char b[16];
        snprintf(b, sizeof b, "%+.0f%%", lines[i]);
        text_at(cr, R + 4, y(lines[i], ctx) + 3, 8.5, false, 0, b);
    }
    cairo_set_dash(cr, NULL, 0, 0);
}

struct yscale {
    double T, B, ymin, ymax;
};

static double ymap(double v, void *ctx)
{
    const struct yscale *s = ctx;
    return s->B - (v - s->ymin) / (s->ymax - s->ymin) * (s->B - s->T);
}

static void y_axis(cairo_t *cr, double L, double R, const struct yscale *s,
                   const char *label)
{
    char buf[32];
    cairo_set_line_width(cr, 0.6);
    for (double v = s->ymin; v <= s->ymax + 1e-9; v += 20) {
        rgb(cr, fabs(v) < 1e-9 ? 0x333333 : 0xE5E5E5);
        cairo_move_to(cr, L, ymap(v, (void *)s));
        cairo_line_to(cr, R, ymap(v, (void *)s));
        cairo_stroke(cr);
        rgb(cr, 0x333333);
        snprintf(buf, sizeof buf, "%+.0f", v);
        text_at(cr, L - 6, ymap(v, (void *)s) + 4, 9, false, 2, buf);
    }
    cairo_save(cr);
    cairo_translate(cr, 16, (s->T + s->B) / 2);
    cairo_rotate(cr, -PI / 2);
    text_at(cr, 0, 0, 11, false, 1, label);
    cairo_restore(cr);
}

void draw_waterfall(cairo_t *cr, double W, double H,
                    const struct report_data *r, enum criterion c)
{
    rgb(cr, 0xFFFFFF);
    cairo_paint(cr);
    struct wf *v = malloc((r->n_subj + 1) * sizeof *v);
    size_t n = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < r->n_subj; i++) {
        double p = r->subj[i].best_pchg[c];
        if (isnan(p))
            continue;
        v[n].pchg = p;
        v[n].r = r->subj[i].cbor[c];
        lo = fmin(lo, p);
        hi = fmax(hi, p);
        n++;
    }
    qsort(v, n, sizeof *v, cmp_wf);
    double L = 60, R = W - 45;
    struct yscale s = {56, H - 50, fmin(-100, floor(lo / 20) * 20),
                       fmax(40, ceil(hi / 20) * 20)};
    rgb(cr, 0x111111);
    text_at(cr, L, 26, 15, true, 0,
            c == CRIT_RANOBM
                ? "Best change in the sum of CNS target diameters (RANO-BM)"
                : "Best change in the sum of target diameters (RECIST 1.1)");
    y_axis(cr, L, R, &s, "Best change from baseline (%)");
    double bw = n ? (R - L) / (double)n : 0;
    for (size_t i = 0; i < n; i++) {
        rgb(cr, report_resp_colour(v[i].r));
        double x = L + (double)i * bw + bw * 0.1;
        double y0 = ymap(0, &s), y1 = ymap(v[i].pchg, &s);
        cairo_rectangle(cr, x, fmin(y0, y1), bw * 0.8, fabs(y1 - y0));
        cairo_fill(cr);
    }
    ref_lines(cr, L, R, ymap, &s);
    static const enum resp leg[] = {RESP_CR, RESP_PR, RESP_SD, RESP_PD,
                                    RESP_NE};
    legend(cr, L, H - 22, leg, 5);
    char buf[96];
    snprintf(buf, sizeof buf,
             "One bar per subject with a post-baseline sum (n = %zu); "
             "colour: confirmed best response",
             n);
    text_at(cr, R, 42, 9, false, 2, buf);
    free(v);
}

/* ---- spider ---- */

void draw_spider(cairo_t *cr, double W, double H, const struct report_data *r,
                 enum criterion c)
{
    rgb(cr, 0xFFFFFF);
    cairo_paint(cr);
    double tmax = 1, lo = 0, hi = 0;
    for (size_t i = 0; i < r->n_subj; i++)
        for (size_t k = 0; k < r->subj[i].n_spider[c]; k++) {
            const struct rep_point *p = &r->subj[i].spider[c][k];
            tmax = fmax(tmax, p->months);
            lo = fmin(lo, p->pchg);
            hi = fmax(hi, p->pchg);
        }
    double L = 60, R = W - 45;
    struct yscale s = {50, H - 80, fmin(-100, floor(lo / 20) * 20),
                       fmax(40, ceil(hi / 20) * 20)};
    rgb(cr, 0x111111);
    text_at(cr, L, 28, 15, true, 0,
            c == CRIT_RANOBM
                ? "Change in the sum of CNS target diameters over time "
                  "(RANO-BM)"
                : "Change in the sum of target diameters over time "
                  "(RECIST 1.1)");
    y_axis(cr, L, R, &s, "Change from baseline (%)");
    double step = nice_step(tmax, 6), xmax = ceil(tmax / step) * step;
    char buf[32];
    rgb(cr, 0x333333);
    for (double m = 0; m <= xmax + 1e-9; m += step) {
        double x = L + m / xmax * (R - L);
        snprintf(buf, sizeof buf, "%g", m);
        text_at(cr, x, s.B + 16, 9, false, 1, buf);
    }
    text_at(cr, (L + R) / 2, s.B + 32, 11, false, 1,
            "Months since the first dose");
    cairo_set_line_width(cr, 1.3);
    for (size_t i = 0; i < r->n_subj; i++) {
        const struct rep_subject *sj = &r->subj[i];
        if (!sj->n_spider[c])
            continue;
        rgb(cr, report_resp_colour(sj->cbor[c]));
        cairo_move_to(cr, L, ymap(0, &s));
        for (size_t k = 0; k < sj->n_spider[c]; k++)
            cairo_line_to(cr, L + sj->spider[c][k].months / xmax * (R - L),
                          ymap(sj->spider[c][k].pchg, &s));
        cairo_stroke(cr);
    }
    ref_lines(cr, L, R, ymap, &s);
    static const enum resp leg[] = {RESP_CR, RESP_PR, RESP_SD, RESP_PD,
                                    RESP_NE};
    legend(cr, L, H - 22, leg, 5);
}

/* ---- swimmer ---- */

static int cmp_swim(const void *a, const void *b)
{
    const struct rep_subject *x = *(const struct rep_subject *const *)a;
    const struct rep_subject *y = *(const struct rep_subject *const *)b;
    return (x->trt_months < y->trt_months) - (x->trt_months > y->trt_months);
}

size_t swimmer_count(const struct report_data *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_subj; i++)
        n += !isnan(r->subj[i].trt_months);
    return n;
}

void draw_swimmer(cairo_t *cr, double W, double H, const struct report_data *r,
                  size_t first, size_t count)
{
    rgb(cr, 0xFFFFFF);
    cairo_paint(cr);
    const struct rep_subject **v = malloc((r->n_subj + 1) * sizeof *v);
    size_t n = 0;
    double tmax = 1;
    for (size_t i = 0; i < r->n_subj; i++) {
        if (isnan(r->subj[i].trt_months))
            continue;
        v[n++] = &r->subj[i];
        tmax = fmax(tmax, r->subj[i].trt_months);
        if (!isnan(r->subj[i].death_months))
            tmax = fmax(tmax, r->subj[i].death_months);
    }
    qsort(v, n, sizeof *v, cmp_swim);
    /* One page of a long study: subjects first .. first + count - 1 of
     * the sorted list, on the time axis of them all. */
    size_t all = n;
    if (first > n)
        first = n;
    if (count < n - first)
        n = first + count;
    double L = 110, R = W - 20, T = 50, B = H - 70;
    rgb(cr, 0x111111);
    char title[96];
    if (first > 0 || n < all)
        snprintf(title, sizeof title,
                 "Time on treatment (subjects %zu-%zu of %zu)", first + 1, n,
                 all);
    else
        snprintf(title, sizeof title, "Time on treatment");
    text_at(cr, 20, 28, first > 0 || n < all ? 12 : 15, true, 0, title);
    text_at(cr, W - 20, 22, 9, false, 2,
            "bar colour: confirmed CNS best response (RANO-BM)");
    static const enum resp leg[] = {RESP_CR, RESP_PR, RESP_SD, RESP_PD,
                                    RESP_NE};
    legend(cr, W - 250, 40, leg, 5);
    double step = nice_step(tmax, 6), xmax = ceil(tmax / step) * step;
    double rowh = n > first ? (B - T) / (double)(n - first) : 0;
    double fs = fmin(9, fmax(4, rowh * 0.8));
    char buf[32];
    cairo_set_line_width(cr, 0.5);
    for (double m = 0; m <= xmax + 1e-9; m += step) {
        double x = L + m / xmax * (R - L);
        rgb(cr, 0xE5E5E5);
        cairo_move_to(cr, x, T);
        cairo_line_to(cr, x, B);
        cairo_stroke(cr);
        rgb(cr, 0x333333);
        snprintf(buf, sizeof buf, "%g", m);
        text_at(cr, x, B + 14, 9, false, 1, buf);
    }
    text_at(cr, (L + R) / 2, B + 30, 11, false, 1,
            "Months since the first dose");
#define XM(m) (L + (m) / xmax * (R - L))
    for (size_t i = first; i < n; i++) {
        const struct rep_subject *s = v[i];
        double y = T + (double)(i - first) * rowh;
        rgb(cr, report_resp_colour(s->cbor[CRIT_RANOBM]));
        cairo_rectangle(cr, L, y + rowh * 0.15, XM(s->trt_months) - L,
                        rowh * 0.7);
        cairo_fill(cr);
        rgb(cr, 0x333333);
        text_at(cr, L - 4, y + rowh * 0.5 + fs * 0.35, fs, false, 2,
                s->usubjid);
        double cy = y + rowh / 2, sz = fmax(2.5, rowh * 0.32);
        if (s->ongoing) { /* an arrow: still on treatment at the cut-off */
            double x = XM(s->trt_months);
            cairo_move_to(cr, x + 1, cy - sz);
            cairo_line_to(cr, x + 1 + sz * 1.6, cy);
            cairo_line_to(cr, x + 1, cy + sz);
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        if (!isnan(s->resp_months)) { /* first confirmed response */
            rgb(cr, 0x000000);
            double x = XM(s->resp_months);
            cairo_move_to(cr, x, cy - sz);
            cairo_line_to(cr, x + sz, cy + sz);
            cairo_line_to(cr, x - sz, cy + sz);
            cairo_close_path(cr);
            cairo_fill(cr);
        }
        if (!isnan(s->pd_months)) { /* progression: visible on any bar */
            double x = XM(s->pd_months);
            for (int pass = 0; pass < 2; pass++) {
                rgb(cr, pass ? 0xB00020 : 0xFFFFFF);
                cairo_set_line_width(cr, pass ? 1.6 : 3.4);
                cairo_move_to(cr, x - sz, cy - sz);
                cairo_line_to(cr, x + sz, cy + sz);
                cairo_move_to(cr, x + sz, cy - sz);
                cairo_line_to(cr, x - sz, cy + sz);
                cairo_stroke(cr);
            }
        }
        if (!isnan(s->death_months)) { /* death */
            rgb(cr, 0x000000);
            cairo_rectangle(cr, XM(s->death_months) - sz * 0.8, cy - sz * 0.8,
                            sz * 1.6, sz * 1.6);
            cairo_fill(cr);
        }
    }
#undef XM
    /* Legend. */
    double lx = 24, ly = H - 14;
    rgb(cr, 0x000000);
    cairo_move_to(cr, lx, ly - 8);
    cairo_line_to(cr, lx + 5, ly);
    cairo_line_to(cr, lx - 5, ly);
    cairo_close_path(cr);
    cairo_fill(cr);
    text_at(cr, lx + 9, ly, 9, false, 0, "first confirmed CNS response");
    lx += 170;
    rgb(cr, 0xB00020);
    cairo_move_to(cr, lx - 4, ly - 8);
    cairo_line_to(cr, lx + 4, ly);
    cairo_move_to(cr, lx + 4, ly - 8);
    cairo_line_to(cr, lx - 4, ly);
    cairo_stroke(cr);
    rgb(cr, 0x000000);
    text_at(cr, lx + 9, ly, 9, false, 0, "first PD (RECIST 1.1 or RANO-BM)");
    lx += 175;
    cairo_rectangle(cr, lx - 4, ly - 8, 8, 8);
    cairo_fill(cr);
    text_at(cr, lx + 9, ly, 9, false, 0, "death");
    lx += 55;
    cairo_move_to(cr, lx - 3, ly - 8);
    cairo_line_to(cr, lx + 5, ly - 4);
    cairo_line_to(cr, lx - 3, ly);
    cairo_close_path(cr);
    cairo_fill(cr);
    text_at(cr, lx + 9, ly, 9, false, 0, "on treatment at the cut-off");
    free(v);
}

/* ---- disposition ---- */

void draw_disposition(cairo_t *cr, double W, double H,
                      const struct report_data *r)
{
    rgb(cr, 0xFFFFFF);
    cairo_paint(cr);
    rgb(cr, 0x111111);
    text_at(cr, 20, 28, 15, true, 0, "Disposition");
    const struct table *t = &r->disposition;
    double cx = W * 0.32, bw = W * 0.46, bh = 34, y = 50;
    /* The main column: enrolled, treated, CNS-evaluable; the side column:
     * discontinuations by reason. */
    size_t side = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        const char *grp = table_get(t, i, "GROUP");
        const char *item = table_get(t, i, "ITEM");
        const char *n = table_get(t, i, "n");
        char line[160];
        snprintf(line, sizeof line, "%s: %s", item, n);
        if (!strcmp(grp, "flow")) {
            if (y > 50) {
                rgb(cr, 0x333333);
                cairo_set_line_width(cr, 1.2);
                cairo_move_to(cr, cx, y - 14);
                cairo_line_to(cr, cx, y);
                cairo_stroke(cr);
            }
            rgb(cr, 0xEAF3FB);
            cairo_rectangle(cr, cx - bw / 2, y, bw, bh);
            cairo_fill_preserve(cr);
            rgb(cr, 0x0072B2);
            cairo_set_line_width(cr, 1);
            cairo_stroke(cr);
            rgb(cr, 0x111111);
            text_at(cr, cx, y + bh / 2 + 4, 11, false, 1, line);
            y += bh + 14;
        } else {
            double sx = W * 0.62, sy = 50 + (double)side * 22;
            if (side == 0) {
                rgb(cr, 0x111111);
                text_at(cr, sx, sy + 12, 11, true, 0, grp);
            }
            rgb(cr, 0x333333);
            text_at(cr, sx + 8, sy + 32, 10, false, 0, line);
            side++;
        }
    }
    (void)H;
}

/* ---- forest (subgroups, h.7) ---- */

/* The height a forest plot needs: a line per subgroup and per level. */
double forest_height(const struct report_data *r)
{
    double h = 76 + 70; /* the titles; the axes and notes */
    for (size_t i = 0; i < r->n_subgroups; i++)
        h += 16 + (r->subgroups[i].ref ? 14 : 0); /* a heading per group */
    return fmax(200, h);
}

void draw_forest(cairo_t *cr, double W, double H, const struct report_data *r)
{
    rgb(cr, 0xFFFFFF);
    cairo_paint(cr);
    rgb(cr, 0x111111);
    text_at(cr, 20, 26, 15, true, 0, "Subgroups");
    char buf[160];
    double level = 100 * r->proto->confidence_level;
    snprintf(buf, sizeof buf,
             "CNS ORR (RANO-BM, CNS-evaluable) and PFS hazard ratio "
             "(RECIST 1.1, all-treated) with %g%% CIs",
             level);
    text_at(cr, 20, 42, 9, false, 0, buf);
    if (!r->n_subgroups) {
        text_at(cr, W / 2, H / 2, 12, false, 1, "no subgroups");
        return;
    }
    /* Columns: labels, ORR panel, ORR text, HR panel (log), HR text. */
    const double xl = 20, o0 = 200, o1 = 330, ot = 334, h0 = 420, h1 = 560,
                 ht = 564;
    double top = 70, bot = H - 40, y = top;
    /* The HR axis: powers of two around 1, wide enough for the CIs. */
    double lo = 0.25, hi = 4;
    for (size_t i = 0; i < r->n_subgroups; i++) {
        const struct subgroup_row *g = &r->subgroups[i];
        if (!isnan(g->hr_lo) && g->hr_lo > 0)
            lo = fmin(lo, g->hr_lo);
        if (!isnan(g->hr_hi))
            hi = fmax(hi, g->hr_hi);
    }
    lo = fmax(pow(2, floor(log2(lo))), 1.0 / 64);
    hi = fmin(pow(2, ceil(log2(hi))), 64);
#define OX(v) (o0 + (o1 - o0) * (v) / 100.0)
#define HX(v) (h0 + (h1 - h0) * (log(v) - log(lo)) / (log(hi) - log(lo)))
    rgb(cr, 0x111111);
    text_at(cr, (o0 + o1) / 2, top - 8, 10, true, 1, "CNS ORR (%)");
    text_at(cr, ot + 4, top - 8, 9, true, 0, "n/N");
    text_at(cr, (h0 + h1) / 2, top - 8, 10, true, 1, "PFS hazard ratio");
    text_at(cr, ht + 4, top - 8, 9, true, 0, "HR");
    y = top + 6;
    for (size_t i = 0; i < r->n_subgroups; i++) {
        const struct subgroup_row *g = &r->subgroups[i];
        if (g->ref) {
            y += 14;
            rgb(cr, 0x111111);
            text_fit(cr, xl, y, 10, true, o0 - xl - 6, g->group);
        }
        y += 16;
        rgb(cr, 0x222222);
        text_fit(cr, xl + 10, y, 9.5, false, o0 - xl - 16, g->level);
        double cy = y - 3.5;
        rgb(cr, 0x0072B2);
        if (!isnan(g->orr)) {
            cairo_set_line_width(cr, 1.2);
            cairo_move_to(cr, OX(g->orr_lo), cy);
            cairo_line_to(cr, OX(g->orr_hi), cy);
            cairo_stroke(cr);
            cairo_rectangle(cr, OX(g->orr) - 3, cy - 3, 6, 6);
            cairo_fill(cr);
        }
        rgb(cr, 0x222222);
        snprintf(buf, sizeof buf, "%ld/%ld", g->x, g->n);
        text_at(cr, ot + 4, y, 8.5, false, 0, buf);
        if (g->ref) {
            text_at(cr, ht + 4, y, 8.5, false, 0, "reference");
        } else if (isnan(g->hr)) {
            text_at(cr, ht + 4, y, 8.5, false, 0, "NE");
        } else {
            rgb(cr, 0xD55E00);
            cairo_set_line_width(cr, 1.2);
            cairo_move_to(cr, HX(fmax(g->hr_lo, lo)), cy);
            cairo_line_to(cr, HX(fmin(g->hr_hi, hi)), cy);
            cairo_stroke(cr);
            cairo_rectangle(cr, HX(fmin(fmax(g->hr, lo), hi)) - 3, cy - 3, 6,
                            6);
            cairo_fill(cr);
            rgb(cr, 0x222222);
            snprintf(buf, sizeof buf, "%.2f", g->hr);
            text_at(cr, ht + 4, y, 8.5, false, 0, buf);
        }
    }
    /* Axes, the line of no effect (HR 1) and the overall ORR. */
    bot = y + 10;
    rgb(cr, 0x444444);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, o0, bot);
    cairo_line_to(cr, o1, bot);
    cairo_move_to(cr, h0, bot);
    cairo_line_to(cr, h1, bot);
    cairo_stroke(cr);
    for (int v = 0; v <= 100; v += 25) {
        snprintf(buf, sizeof buf, "%d", v);
        text_at(cr, OX(v), bot + 12, 8.5, false, 1, buf);
    }
    double tick = log2(hi / lo) > 6 ? 4 : 2;
    for (double v = lo; v <= hi * 1.001; v *= tick) {
        snprintf(buf, sizeof buf, v < 1 ? "%.2g" : "%g", v);
        text_at(cr, HX(v), bot + 12, 8.5, false, 1, buf);
    }
    static const double dash[] = {3, 3};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, HX(1), top);
    cairo_line_to(cr, HX(1), bot);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    rgb(cr, 0x444444);
    text_at(cr, HX(1), bot + 26, 8.5, false, 1,
            "< lower hazard   higher hazard >");
    text_at(cr, 20, bot + 44, 8.5, false, 0,
            "Hazard ratio of each level against the first level of its "
            "subgroup (Cox, Efron ties; log scale)");
#undef OX
#undef HX
}
