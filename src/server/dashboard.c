/*
 * dashboard.c - the dashboard (enrolment, the report's efficacy and safety
 * tables, Kaplan-Meier plots as SVG) and the ADaM exports, byte-identical
 * to `balist derive`.
 */
#include "server_int.h"

#include "balist/endpoints.h"
#include "balist/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the dashboard ---- */

static json_t *table_json(const struct table *t)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < t->nrow; i++) {
        json_t *o = json_object();
        for (size_t k = 0; k < t->ncol; k++) {
            const char *v = t->cells[i * t->ncol + k];
            json_object_set_new(o, t->cols[k], json_string(v ? v : ""));
        }
        json_array_append_new(rows, o);
    }
    return rows;
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Enrolment by month (cumulative), the efficacy and safety summaries of
 * the report (CNS ORR with its exact CI among them), the disposition,
 * and the Kaplan-Meier plot of PFS as SVG: all from the report module,
 * so the page and `balist report` agree. */
static json_t *dashboard(struct call *c, struct reply *r)
{
    struct study s;
    struct diags d;
    if (srv_load_locked(c, r, &s, &d, false) < 0)
        return NULL;
    struct derive_options dop = {false};
    struct report_data rd;
    report_collect(&s, &dop, &rd);
    int32_t *days = calloc(s.n_subjects + 1, sizeof *days);
    size_t n = 0;
    for (size_t i = 0; days && i < s.n_subjects; i++) {
        struct subject_result res;
        endpoints_subject(&s, &s.subjects[i], &dop, &res);
        int32_t day = s.subjects[i].origin != DATE_NONE
                          ? s.subjects[i].origin
                          : s.subjects[i].first_dose;
        if (res.enrolled && day != DATE_NONE)
            days[n++] = day;
        subject_result_release(&res);
    }
    if (days)
        qsort(days, n, sizeof *days, cmp_day);
    /* Cumulative enrolment at the end of every month from the first
     * enrolment to the last, months without one included. */
    json_t *months = json_array();
    if (n) {
        int y, m, d0, y1, m1;
        date_to_ymd(days[0], &y, &m, &d0);
        date_to_ymd(days[n - 1], &y1, &m1, &d0);
        size_t i = 0;
        for (; y < y1 || (y == y1 && m <= m1);
             m = m == 12 ? 1 : m + 1, y += m == 1 ? 1 : 0) {
            int32_t next = m == 12 ? date_from_ymd(y + 1, 1, 1)
                                   : date_from_ymd(y, m + 1, 1);
            while (i < n && days[i] < next)
                i++;
            char ym[16];
            snprintf(ym, sizeof ym, "%04d-%02d", y % 10000, m % 100);
            json_array_append_new(months, json_pack("{s:s, s:I}", "month", ym,
                                                    "enrolled", (json_int_t)i));
        }
    }
    free(days);
    char *km = report_plot_svg(&rd, "km_pfscns");
    char *km2 = report_plot_svg(&rd, "km_pfs");
    char *km3 = report_plot_svg(&rd, "km_os");
    char cut[11] = "";
    if (s.proto.data_cutoff != DATE_NONE)
        date_format(s.proto.data_cutoff, cut);
    json_t *o = json_pack(
        "{s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:s, s:s, s:s}", "studyid",
        rd.studyid, "data_cutoff", cut, "subjects", (json_int_t)s.n_subjects,
        "enrolment", months, "efficacy", table_json(&rd.efficacy), "safety",
        table_json(&rd.safety), "disposition", table_json(&rd.disposition),
        "km_pfscns_svg", km ? km : "", "km_pfs_svg", km2 ? km2 : "",
        "km_os_svg", km3 ? km3 : "");
    free(km);
    free(km2);
    free(km3);
    report_release(&rd);
    diags_release(&d);
    study_release(&s);
    return o;
}

void h_dashboard(struct call *c, struct reply *r)
{
    cached_reply(c, r, &c->srv->dash, dashboard, NULL);
}

/* ---- exports: the ADaM datasets of `balist derive`, from the database ---- */

void h_export(struct call *c, struct reply *r)
{
    static const char *const names[] = {"adsl.csv", "adrs.csv", "adtte.csv",
                                        "adtr.csv", "adae.csv", NULL};
    enum { N_ADAM = 5 };
    int which = -1;
    for (int i = 0; names[i]; i++)
        if (!strcmp(c->arg, names[i]))
            which = i;
    bool zip = !strcmp(c->arg, "adam.zip"); /* all five in one */
    if (which < 0 && !zip) {
        reply_error(r, MHD_HTTP_NOT_FOUND,
                    "no such dataset (adsl.csv, adrs.csv, adtte.csv, "
                    "adtr.csv, adae.csv, or adam.zip with all of them)");
        return;
    }
    struct study s;
    struct diags d;
    pthread_mutex_lock(&c->srv->store_lock);
    int rc = srv_load_locked(c, r, &s, &d, false);
    pthread_mutex_unlock(&c->srv->store_lock);
    if (rc < 0)
        return;
    struct adam_tables t;
    adam_tables_init(&t, &s.proto);
    struct derive_options dop = {false};
    for (size_t i = 0; i < s.n_subjects; i++) {
        struct subject_summary sum;
        adam_subject(&s, &s.subjects[i], &dop, &t, &sum);
    }
    const struct table *tabs[] = {&t.adsl, &t.adrs, &t.adtte, &t.adtr, &t.adae};
    char *texts[N_ADAM] = {NULL};
    size_t lens[N_ADAM] = {0};
    bool ok = true;
    for (int i = 0; i < N_ADAM && ok; i++) {
        if (!zip && i != which)
            continue;
        FILE *fp = open_memstream(&texts[i], &lens[i]);
        struct csvw *w = fp ? malloc(sizeof *w) : NULL;
        rc = -1;
        if (w) {
            csvw_from_fp(w, fp);
            csvw_table_header(w, tabs[i]);
            csvw_table_rows(w, tabs[i]);
            rc = csvw_close(w);
        }
        free(w);
        ok = fp && fclose(fp) == 0 && rc == 0;
    }
    char err[512] = "";
    if (ok && zip) {
        char *z = NULL;
        size_t zlen = 0;
        ok = report_zip(names, texts, lens, N_ADAM, &z, &zlen, err) == 0;
        if (ok) {
            r->status = MHD_HTTP_OK;
            r->text = z;
            r->text_len = zlen;
            r->content_type = "application/zip";
            snprintf(r->disposition, sizeof r->disposition,
                     "attachment; filename=\"adam.zip\"");
        }
    } else if (ok) {
        r->status = MHD_HTTP_OK;
        r->text = texts[which];
        texts[which] = NULL;
        r->content_type = "text/csv; charset=utf-8";
        snprintf(r->disposition, sizeof r->disposition,
                 "attachment; filename=\"%s\"", names[which]);
    }
    if (!ok)
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the dataset could not be written");
    for (int i = 0; i < N_ADAM; i++)
        free(texts[i]);
    adam_tables_release(&t);
    diags_release(&d);
    study_release(&s);
}
