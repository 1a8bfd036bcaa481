/*
 * cmd_check.c - `balist check STUDY`: load a study folder, print every
 * problem (errors and warnings, with file:line:column), then one summary
 * line. Exit 0 clean or warnings only, 1 errors, 2 usage.
 */
#include "cli.h"
#include "balist/criteria.h"
#include "balist/endpoints.h"
#include "balist/io.h"

#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Progress on a terminal, for files of 8 MB or more. */
static void show_progress(void *ctx, const char *file, long long done,
                          long long total)
{
    (void)ctx;
    if (total < (8LL << 20))
        return;
    fprintf(stderr, "\rreading %-12s %3lld%%", file, done * 100 / total);
    if (done >= total)
        fprintf(stderr, "\r%40s\r", "");
    fflush(stderr);
}

const char help_check[] =
    "Usage: balist check STUDY [options]\n"
    "\n"
    "Reads the SDTM CSV files of the study folder STUDY and reports every\n"
    "problem: bad dates and numbers, values outside the controlled terms,\n"
    "missing columns, subjects not in dm.csv, measurements of lesions that\n"
    "tu.csv does not identify, baselines missing or too early, target\n"
    "lesions without a baseline value or below the measurability\n"
    "threshold, records after the data cut-off.\n"
    "\n"
    "Each problem is one line on stderr:\n"
    "  tr.csv:42:17: error: TRSTRESN '-4' must be a length in mm ... [number]\n"
    "Where rs.csv records the site's responses, each one that differs from\n"
    "the response BALIST computes is a warning with both values and the\n"
    "computed reason [recorded-response].\n"
    "  (file:line:column, column = field number as a spreadsheet counts it)\n"
    "then one summary line on stdout.\n"
    "\n"
    "Options:\n"
    "  --evaluator WHO     INVESTIGATOR (default) or INDEPENDENT: whose\n"
    "                      tumour reads count (INDEPENDENT = the accepted\n"
    "                      independent read, --ACPTFL=Y)\n"
    "  --cutoff DATE       data cut-off YYYY-MM-DD (default: the protocol's\n"
    "                      data_cutoff, if any)\n"
    "  --protocol FILE     protocol parameters (default STUDY/protocol.json)\n"
    "  --max-messages N    show at most N problems (default 200, 0 = all)\n"
    "  --quiet             print only the summary line\n"
    "\n"
    "Exit status: 0 no errors (warnings allowed), 1 errors, 2 wrong usage.\n"
    "\n"
    "Examples:\n"
    "  balist check data/demo\n"
    "  balist check ../shared/data/pharmaverse-recist --evaluator "
    "INDEPENDENT\n";

int cmd_check(int argc, char **argv)
{
    const char *study = NULL;
    struct load_options o;
    load_options_init(&o);
    long max_msgs = 200;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = study_option("check", argc, argv, &i, &o);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken) {
            continue;
        } else if (!strcmp(a, "--max-messages")) {
            if (++i >= argc ||
                parse_long(argv[i], strlen(argv[i]), &max_msgs) < 0 ||
                max_msgs < 0)
                return usage_error("check",
                                   "--max-messages needs a number, 0 or "
                                   "more");
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("check", "unknown option '%s'", a);
        } else if (!study) {
            study = a;
        } else {
            return usage_error("check",
                               "one study at a time ('%s' and "
                               "'%s')",
                               study, a);
        }
    }
    if (!study)
        return usage_error("check", "which study? (a folder of SDTM CSV)");

    if (isatty(STDERR_FILENO))
        o.progress.fn = show_progress;
    struct study s;
    struct diags d;
    study_init(&s);
    diags_init(&d, quiet ? 1 : (size_t)max_msgs);
    int rc = load_study_any("check", study, &o, &s, &d);
    /* The site's recorded responses against the computed ones: each
     * disagreement is a warning (only when the data could be read). */
    if (rc == 0) {
        crit_compare_recorded(&s, &d);
        endpoints_monitor_check(&s, &d);
        /* What the web application would refuse or ask to confirm. */
        endpoints_entry_check(&s, date_today(), &d);
    }
    diags_sort(&d);
    if (!quiet)
        print_diags(&d);
    printf("%s: %zu subjects, %zu lesions, %zu measurements: %zu error%s, "
           "%zu warning%s\n",
           study, s.n_subjects, study_count_lesions(&s),
           study_count_measurements(&s), d.n_errors, d.n_errors == 1 ? "" : "s",
           d.n_warnings, d.n_warnings == 1 ? "" : "s");
    diags_release(&d);
    study_release(&s);
    return rc < 0 ? EXIT_DATA : EXIT_OK;
}
