/*
 * cmd_safety.c - `balist safety STUDY`: the adverse-event and exposure
 * tables (endpoints/safety.c) as aligned text, CSV or JSON.
 */
#include "cli.h"
#include "balist/endpoints.h"
#include "balist/io.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char help_safety[] =
    "Usage: balist safety STUDY [--format table|csv|json] [options]\n"
    "\n"
    "The safety tables of a trial publication, CTCAE grades, the safety\n"
    "population (all-treated) as denominator, each patient counted once at\n"
    "the worst grade:\n"
    "  overview (any TEAE; grade 3 or higher; serious; fatal; related;\n"
    "  leading to discontinuation of each drug, dose reduction,\n"
    "  interruption);\n"
    "  TEAEs by system organ class and preferred term, any grade and grade\n"
    "  3 or higher, by frequency;\n"
    "  treatment-related TEAEs (either drug, each drug);\n"
    "  adverse events of special interest (the protocol's \"aesi\" groups);\n"
    "  exposure per drug (cycles, duration, cumulative dose, relative dose\n"
    "  intensity, reductions, delays); deaths.\n"
    "Treatment-emergent: onset from the first dose to teae_window_days (30)\n"
    "after the last (irae_window_days, 90, for immune-related terms), or\n"
    "any time if related. Missing causality counts as related.\n"
    "\n"
    "Options:\n"
    "  --format FMT        table (default), csv or json\n"
    "  --overview          only the overview table\n"
    "  --cutoff DATE       data cut-off YYYY-MM-DD\n"
    "  --protocol FILE     protocol parameters (default STUDY/protocol.json)\n"
    "\n"
    "Example:\n"
    "  balist safety data/demo\n"
    "  balist safety data/demo --format csv > safety.csv\n";

static void print_json(const struct table *t)
{
    json_t *arr = json_array();
    for (size_t r = 0; r < t->nrow; r++) {
        json_t *o = json_object();
        for (size_t c = 0; c < t->ncol; c++) {
            const char *v = t->cells[r * t->ncol + c];
            const char *k = t->cols[c];
            bool count =
                !strcmp(k, "N") || !strcmp(k, "n") || !strcmp(k, "n_G3");
            bool numeric = !strcmp(k, "PCT") || !strcmp(k, "PCT_G3");
            if (!v)
                json_object_set_new(o, k, json_null());
            else if (count)
                json_object_set_new(o, k, json_integer(strtol(v, NULL, 10)));
            else if (numeric)
                json_object_set_new(o, k, json_real(strtod(v, NULL)));
            else
                json_object_set_new(o, k, json_string(v));
        }
        json_array_append_new(arr, o);
    }
    json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    putchar('\n');
    json_decref(arr);
}

static void n_pct(char *buf, size_t size, const char *n, const char *p)
{
    if (!*n)
        buf[0] = '\0';
    else if (*p)
        snprintf(buf, size, "%s (%s%%)", n, p);
    else
        snprintf(buf, size, "%s", n);
}

static void print_text(const struct table *t, const char *study,
                       bool overview_only)
{
    printf("Safety: %s (N = all-treated; each patient once, at the worst "
           "grade)\n",
           study);
    int width = 24;
    for (size_t r = 0; r < t->nrow; r++) {
        int w = (int)strlen(table_get(t, r, "ITEM")) + 4;
        if (w > width)
            width = w;
    }
    if (width > 58)
        width = 58;
    const char *table = "", *section = "";
    for (size_t r = 0; r < t->nrow; r++) {
        const char *tb = table_get(t, r, "TABLE");
        const char *sec = table_get(t, r, "SECTION");
        const char *item = table_get(t, r, "ITEM");
        const char *value = table_get(t, r, "VALUE");
        bool soc_pt = !!strstr(tb, "TEAEs") || !strcmp(tb, "Adverse events "
                                                           "of special "
                                                           "interest");
        if (strcmp(tb, table)) {
            if (overview_only && *table)
                break;
            table = tb;
            section = "";
            printf("\n%s (N=%s)\n", tb, table_get(t, r, "N"));
            if (soc_pt)
                printf("  %-*s %14s %14s\n", width, "", "Any grade",
                       "Grade >= 3");
        }
        char a[40], b[40];
        n_pct(a, sizeof a, table_get(t, r, "n"), table_get(t, r, "PCT"));
        n_pct(b, sizeof b, table_get(t, r, "n_G3"), table_get(t, r, "PCT_G3"));
        if (strcmp(sec, section)) {
            section = sec;
            if (!soc_pt) {
                printf("  %s\n", sec);
            }
        }
        char label[160];
        if (soc_pt && *sec && !strcmp(item, "Any"))
            snprintf(label, sizeof label, "%s", sec);
        else if (soc_pt && *sec)
            snprintf(label, sizeof label, "  %s", item);
        else if (*sec)
            snprintf(label, sizeof label, "  %s", item);
        else
            snprintf(label, sizeof label, "%s", item);
        if (*value)
            printf("  %-*s %14s   %s\n", width, label, "", value);
        else if (soc_pt)
            printf("  %-*s %14s %14s\n", width, label, a, b);
        else
            printf("  %-*s %14s\n", width, label, a);
    }
}

int cmd_safety(int argc, char **argv)
{
    const char *study = NULL, *format = "table";
    bool overview = false;
    struct load_options o;
    load_options_init(&o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = study_option("safety", argc, argv, &i, &o);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken) {
            continue;
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc ||
                (strcmp(argv[i], "table") && strcmp(argv[i], "csv") &&
                 strcmp(argv[i], "json")))
                return usage_error("safety",
                                   "--format needs table, csv or json");
            format = argv[i];
        } else if (!strcmp(a, "--overview")) {
            overview = true;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("safety", "unknown option '%s'", a);
        } else if (!study) {
            study = a;
        } else {
            return usage_error("safety", "one study at a time");
        }
    }
    if (!study)
        return usage_error("safety", "which study? (a folder of SDTM CSV)");
    struct study s;
    if (load_for_command("safety", study, &o, &s, NULL, false) < 0)
        return EXIT_DATA;
    struct table t;
    safety_tables(&s, &t);
    if (!strcmp(format, "csv")) {
        struct csvw *w = xmalloc(sizeof *w);
        csvw_from_fp(w, stdout);
        csvw_table_header(w, &t);
        csvw_table_rows(w, &t);
        csvw_close(w);
        free(w);
    } else if (!strcmp(format, "json")) {
        print_json(&t);
    } else {
        print_text(&t, study, overview);
    }
    table_release(&t);
    study_release(&s);
    return EXIT_OK;
}
