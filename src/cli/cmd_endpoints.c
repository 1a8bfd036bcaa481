/*
 * cmd_endpoints.c - `balist endpoints STUDY`: the efficacy results of the
 * trial (endpoints/summary.c) printed as an aligned table, CSV or JSON.
 */
#include "cli.h"
#include "balist/endpoints.h"
#include "balist/io.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char help_endpoints[] =
    "Usage: balist endpoints STUDY [--format table|csv|json] [options]\n"
    "\n"
    "The trial's efficacy results, as a report shows them:\n"
    "  analysis sets (enrolled, treated, CNS-evaluable);\n"
    "  CNS objective response rate (RANO-BM, confirmed CR or PR) and CNS\n"
    "  clinical benefit rate, n/N, % and exact 95% CI, on the CNS-evaluable\n"
    "  and all-treated sets (the table states the SD rule behind CBR);\n"
    "  best-response distributions; ORR by RECIST 1.1;\n"
    "  median PFS (RECIST 1.1), CNS-PFS (RANO-BM), OS and duration of\n"
    "  response with 95% CI (Brookmeyer-Crowley), events, censored, 6- and\n"
    "  12-month rates (Kaplan-Meier, the protocol's km_ci_transform);\n"
    "  iRECIST (exploratory): iORR, confirmed iBOR, iPFS;\n"
    "  time to response, median (range), of the confirmed responders;\n"
    "  median follow-up (reverse Kaplan-Meier);\n"
    "  CNS ORR and the PFS hazard ratio (Cox, log-rank p) by the\n"
    "  protocol's subgroups (subgroups; default prior therapy, steroids\n"
    "  and brain metastases at baseline, age);\n"
    "  deaths by cause (disease progression, adverse event, other).\n"
    "Intervals at the protocol's confidence_level (default 95%).\n"
    "Times are in months (days / 30.4375).\n"
    "\n"
    "Options:\n"
    "  --format FMT        table (default), csv or json\n"
    "  --cutoff DATE       data cut-off YYYY-MM-DD\n"
    "  --evaluator WHO     INVESTIGATOR (default) or INDEPENDENT\n"
    "  --responses recorded  best responses from the site's recorded\n"
    "                      responses (rs.csv) alone; measurable disease\n"
    "                      still from the baseline lesions when present\n"
    "  --protocol FILE     protocol parameters (default STUDY/protocol.json)\n"
    "  --sensitivity       the sensitivity analyses instead, re-derived in\n"
    "                      one run: PFS with the other censor_after_missed\n"
    "                      and by treatment policy or with a new therapy\n"
    "                      as an event (new_therapy_pfs ignore, event),\n"
    "                      CNS CBR by the other cbr_sd_rule, CNS ORR\n"
    "                      with and without the 12-week window\n"
    "\n"
    "Example:\n"
    "  balist endpoints data/demo\n"
    "  balist endpoints data/demo --format csv > efficacy.csv\n";

static void print_json(const struct table *t)
{
    json_t *arr = json_array();
    for (size_t r = 0; r < t->nrow; r++) {
        json_t *o = json_object();
        for (size_t c = 0; c < t->ncol; c++) {
            const char *v = t->cells[r * t->ncol + c];
            const char *k = t->cols[c];
            bool count = !strcmp(k, "N") || !strcmp(k, "n");
            bool numeric = !strcmp(k, "ESTIMATE") || !strcmp(k, "LOWER") ||
                           !strcmp(k, "UPPER");
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

static void print_text(const struct table *t, const char *study,
                       const struct protocol *p)
{
    char cd[11] = "none";
    if (p->data_cutoff != DATE_NONE)
        date_format(p->data_cutoff, cd);
    printf("Efficacy results: %s (data cut-off %s; %s reads)\n", study, cd,
           evaluator_name(p->evaluator));
    /* The label column as wide as its longest entry. */
    int width = 20;
    for (size_t r = 0; r < t->nrow; r++) {
        int w = (int)(strlen(table_get(t, r, "ITEM")) +
                      strlen(table_get(t, r, "POPULATION")) + 2);
        if (w > width)
            width = w;
    }
    const char *section = "", *section_pop = "";
    for (size_t r = 0; r < t->nrow; r++) {
        const char *sec = table_get(t, r, "SECTION");
        const char *item = table_get(t, r, "ITEM");
        const char *pop = table_get(t, r, "POPULATION");
        if (strcmp(sec, section)) {
            section = sec;
            section_pop = pop;
            /* One population for the whole section: say it once. */
            bool one = true;
            for (size_t k = r;
                 k < t->nrow && !strcmp(table_get(t, k, "SECTION"), sec); k++)
                one = one && !strcmp(table_get(t, k, "POPULATION"), pop);
            if (!one)
                section_pop = "";
            if (*section_pop)
                printf("\n%s\n  population: %s\n", sec, section_pop);
            else
                printf("\n%s\n", sec);
        }
        char label[96];
        if (*section_pop)
            snprintf(label, sizeof label, "%s", item);
        else
            snprintf(label, sizeof label, "%s, %s", item, pop);
        char count[48], value[96];
        efficacy_row_text(t, r, p->confidence_level, count, sizeof count, value,
                          sizeof value);
        printf("  %-*s %12s   %s\n", width, label, count, value);
    }
    printf("\nProportions: exact (Clopper-Pearson) %g%% CI. Times: "
           "Kaplan-Meier, %s CI,\nmedian CI by Brookmeyer-Crowley; months "
           "= days / 30.4375.\n",
           100 * p->confidence_level,
           p->km_ci_transform == KMCI_LOG      ? "log"
           : p->km_ci_transform == KMCI_LINEAR ? "linear"
                                               : "log-log");
}

int cmd_endpoints(int argc, char **argv)
{
    const char *study = NULL, *format = "table";
    bool sensitivity = false;
    struct load_options o;
    load_options_init(&o);
    struct derive_options dopt = {false};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = study_option("endpoints", argc, argv, &i, &o);
        if (!taken)
            taken = responses_option("endpoints", argc, argv, &i, &dopt);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken) {
            continue;
        } else if (!strcmp(a, "--sensitivity")) {
            sensitivity = true;
        } else if (!strcmp(a, "--format")) {
            if (++i >= argc ||
                (strcmp(argv[i], "table") && strcmp(argv[i], "csv") &&
                 strcmp(argv[i], "json")))
                return usage_error("endpoints",
                                   "--format needs table, csv or json");
            format = argv[i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("endpoints", "unknown option '%s'", a);
        } else if (!study) {
            study = a;
        } else {
            return usage_error("endpoints", "one study at a time");
        }
    }
    if (!study)
        return usage_error("endpoints", "which study? (a folder of SDTM "
                                        "CSV)");
    struct study s;
    if (load_for_command("endpoints", study, &o, &s, NULL, false) < 0)
        return EXIT_DATA;
    struct efficacy e;
    efficacy_init(&e, &s.proto);
    struct table t;
    if (sensitivity) {
        efficacy_sensitivity(&s, &dopt, &t);
    } else {
        efficacy_add_study(&e, &s, &dopt);
        efficacy_table(&e, &t);
    }
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
        print_text(&t, study, &s.proto);
    }
    table_release(&t);
    efficacy_release(&e);
    study_release(&s);
    return EXIT_OK;
}
