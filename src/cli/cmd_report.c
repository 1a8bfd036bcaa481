/*
 * cmd_report.c - `balist report STUDY --out DIR`: every plot as PNG and
 * SVG, tables.xlsx, and report.pdf, reproducible from the data (the title
 * page carries the data's SHA-256).
 */
#include "cli.h"
#include "balist/io.h"
#include "balist/report.h"
#include "balist/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char help_report[] =
    "Usage: balist report STUDY --out DIR [options]\n"
    "\n"
    "Writes the trial report into DIR:\n"
    "  km_pfs, km_pfscns, km_os       Kaplan-Meier curves (band, censoring\n"
    "                                 ticks, median, numbers at risk)\n"
    "  waterfall_cns, waterfall_recist  best change in the sum of target\n"
    "                                 diameters, coloured by best response\n"
    "  spider_cns, swimmer, disposition\n"
    "  forest                         CNS ORR and PFS hazard ratio by the\n"
    "                                 protocol's subgroups\n"
    "  (each as .png and .svg), tables.xlsx (one sheet per table), and\n"
    "  report.pdf: title page (study, data cut-off, generation time,\n"
    "  SHA-256 of the input data, BALIST version), efficacy, plots, safety,\n"
    "  the responders with onset and duration of response.\n"
    "\n"
    "Options:\n"
    "  --out DIR           folder to write (created if missing)\n"
    "  --cutoff DATE       data cut-off YYYY-MM-DD\n"
    "  --evaluator WHO     INVESTIGATOR (default) or INDEPENDENT\n"
    "  --responses recorded  best responses from the site's recorded\n"
    "                      responses (rs.csv) alone\n"
    "  --protocol FILE     protocol parameters\n"
    "\n"
    "Example:\n"
    "  balist report data/demo --out out/report\n";

int cmd_report(int argc, char **argv)
{
    const char *study = NULL, *out = NULL;
    struct load_options o;
    load_options_init(&o);
    struct derive_options dopt = {false};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = study_option("report", argc, argv, &i, &o);
        if (!taken)
            taken = responses_option("report", argc, argv, &i, &dopt);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken)
            continue;
        if (!strcmp(a, "--out")) {
            if (++i >= argc)
                return usage_error("report", "--out needs a folder");
            out = argv[i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("report", "unknown option '%s'", a);
        } else if (!study) {
            study = a;
        } else {
            return usage_error("report", "one study at a time");
        }
    }
    if (!study)
        return usage_error("report", "which study?");
    if (!out)
        return usage_error("report", "where to? (--out DIR)");
    struct study s;
    char sha[65] = "unknown";
    if (load_for_command("report", study, &o, &s, sha, true) < 0)
        return EXIT_DATA;
    struct report_data r;
    report_collect(&s, &dopt, &r);
    /* SOURCE_DATE_EPOCH (reproducible builds): the report's time, so that
     * a rerun gives byte-identical report.pdf and tables.xlsx. */
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    long epoch;
    if (sde && *sde && parse_long(sde, strlen(sde), &epoch) == 0 && epoch >= 0)
        t = (time_t)epoch;
    char now[40];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%d %H:%M:%S UTC", &tm);
    /* The protocol file the parameters came from. */
    char psha[160], perr[STORE_ERR], ppath[4200] = "";
    if (o.protocol_path)
        snprintf(ppath, sizeof ppath, "%s", o.protocol_path);
    else if (!store_is_database(study))
        snprintf(ppath, sizeof ppath, "%.4000s/protocol.json", study);
    if (store_is_database(study) && !o.protocol_path)
        snprintf(psha, sizeof psha,
                 "stored in the database (covered by the data SHA-256)");
    else if (file_sha256(ppath, psha, perr) < 0)
        snprintf(psha, sizeof psha,
                 "none: no protocol.json, the documented defaults");
    struct report_meta m = {study, sha, now, psha, t};
    char err[512];
    int rc = report_write(&r, &m, out, err);
    if (rc < 0)
        fprintf(stderr, "balist report: %s\n", err);
    else
        printf("report written: %s/report.pdf (plots, tables.xlsx beside "
               "it)\n",
               out);
    report_release(&r);
    report_fonts_release();
    study_release(&s);
    return rc < 0 ? EXIT_DATA : EXIT_OK;
}
