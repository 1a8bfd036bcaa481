/*
 * cmd_derive.c - `balist derive STUDY --out DIR`: load, derive per
 * subject with criteria/ and endpoints/, write adsl.csv, adtr.csv and
 * adrs.csv, and print each subject's best responses.
 */
#include "cli.h"
#include "balist/endpoints.h"
#include "balist/io.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char help_derive[] =
    "Usage: balist derive STUDY --out DIR [options]\n"
    "\n"
    "Judges every tumour assessment of the study by RANO-BM (the brain)\n"
    "and RECIST 1.1 (the whole body), and iRECIST (exploratory), derives\n"
    "best overall response with and without confirmation and clinical\n"
    "benefit, and writes ADaM-style datasets into DIR:\n"
    "  adsl.csv  one row per subject: dates, analysis sets (SAFFL, EFFFL)\n"
    "  adtr.csv  sums of target diameters and each target, per assessment\n"
    "  adrs.csv  responses per assessment (OVR, OVRCNS, IOVR, TRGRESP...)\n"
    "            and best responses (BOR, CBOR, BORCNS, CBORCNS, CCBCNS...)\n"
    "  adtte.csv PFS (RECIST 1.1), PFSCNS (RANO-BM), OS, duration of\n"
    "            response RSD/RSDCNS, IPFS, with the censoring rule used\n"
    "  adae.csv  adverse events: treatment-emergent flag, imputed dates,\n"
    "            relatedness and action per drug, worst grade per term\n"
    "Variables are named as admiral and admiralonco name them (TRT01A,\n"
    "TRTDURD, EOSSTT, ASEQ, PARAMN, the PD, LSTA, MDIS, CB and DEATH\n"
    "parameters, SRCSEQ...): docs/adam.md lists each with its source.\n"
    "Every derived value has a REASON, e.g. \"PD: sum 52 mm is +23.8% over\n"
    "nadir 42 mm and +10 mm\". Then it prints each subject's best\n"
    "responses. The data must pass `balist check` without errors.\n"
    "\n"
    "Options:\n"
    "  --out DIR           folder to write (created if missing)\n"
    "  --cutoff DATE       data cut-off YYYY-MM-DD: later assessments are\n"
    "                      not used (default: the protocol's data_cutoff)\n"
    "  --evaluator WHO     INVESTIGATOR (default) or INDEPENDENT\n"
    "  --responses recorded  best response from the site's recorded\n"
    "                      responses (rs.csv) alone, for studies without\n"
    "                      measurements\n"
    "  --protocol FILE     protocol parameters (default STUDY/protocol.json)\n"
    "  --quiet             do not print the per-subject summary\n"
    "\n"
    "Exit status: 0 written, 1 the data has errors, 2 wrong usage.\n"
    "\n"
    "Example:\n"
    "  balist derive data/demo --out out/demo\n";

static int write_all(const char *dir, struct adam_tables *t, struct csvw **w)
{
    struct table *tabs[5] = {&t->adsl, &t->adtr, &t->adrs, &t->adtte, &t->adae};
    for (int i = 0; i < 5; i++) {
        if (!w[i]) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.csv", dir, tabs[i]->name);
            w[i] = xmalloc(sizeof *w[i]);
            if (csvw_open(w[i], path) < 0) {
                fprintf(stderr, "balist derive: cannot write %s: %s\n", path,
                        strerror(errno));
                free(w[i]);
                w[i] = NULL;
                return -1;
            }
            csvw_table_header(w[i], tabs[i]);
        }
        csvw_table_rows(w[i], tabs[i]);
        table_clear(tabs[i]);
    }
    return 0;
}

static const char *rn(enum resp r)
{
    const char *n = resp_name(r, false);
    return *n ? n : "-";
}

int cmd_derive(int argc, char **argv)
{
    const char *study = NULL, *out = NULL;
    struct load_options o;
    load_options_init(&o);
    struct derive_options dopt = {false};
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = study_option("derive", argc, argv, &i, &o);
        if (!taken)
            taken = responses_option("derive", argc, argv, &i, &dopt);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken) {
            continue;
        } else if (!strcmp(a, "--out")) {
            if (++i >= argc)
                return usage_error("derive", "--out needs a folder");
            out = argv[i];
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("derive", "unknown option '%s'", a);
        } else if (!study) {
            study = a;
        } else {
            return usage_error("derive", "one study at a time");
        }
    }
    if (!study)
        return usage_error("derive", "which study? (a folder of SDTM CSV)");
    if (!out)
        return usage_error("derive", "where to? (--out DIR)");

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct study s;
    if (load_for_command("derive", study, &o, &s, NULL, true) < 0)
        return EXIT_DATA;
    if (make_dirs(out) != 0) {
        fprintf(stderr, "balist derive: cannot create %s: %s\n", out,
                strerror(errno));
        study_release(&s);
        return EXIT_DATA;
    }
    struct adam_tables t;
    adam_tables_init(&t, &s.proto);
    struct csvw *w[5] = {NULL, NULL, NULL, NULL, NULL};
    int failed = 0;
    /* A closed pipe (| head) must not stop the datasets being written. */
    signal(SIGPIPE, SIG_IGN);
    if (!quiet)
        printf("%-16s %-5s %-13s %-13s %-13s %-13s %s\n", "USUBJID", "EFFFL",
               "CBORCNS", "BORCNS", "CBOR", "BOR", "ICBOR");
    for (size_t i = 0; i < s.n_subjects && !failed; i++) {
        struct subject_summary sum;
        adam_subject(&s, &s.subjects[i], &dopt, &t, &sum);
        if (!quiet)
            printf("%-16s %-5s %-13s %-13s %-13s %-13s %s\n",
                   s.subjects[i].usubjid, sum.efffl ? "Y" : "N",
                   rn(sum.cborcns), rn(sum.borcns), rn(sum.cbor), rn(sum.bor),
                   dopt.recorded ? "-" : resp_name(sum.icbor, true));
        /* Write as we go: memory stays flat however many subjects. */
        if (t.adrs.nrow > 4096 || i + 1 == s.n_subjects)
            failed = write_all(out, &t, w) < 0;
    }
    if (!s.n_subjects)
        failed = write_all(out, &t, w) < 0;
    for (int i = 0; i < 5; i++) {
        if (w[i] && csvw_close(w[i]) < 0) {
            fprintf(stderr, "balist derive: write failed (disk full?)\n");
            failed = 1;
        }
        free(w[i]);
    }
    adam_tables_release(&t);
    if (!failed) {
        struct timespec t1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) +
                      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr,
                "wrote adsl.csv, adtr.csv, adrs.csv, adtte.csv, adae.csv to %s "
                "(%zu subjects, %zu tumour-result rows) in %.2f s: %.0f TR "
                "rows/s, peak memory %.0f MB\n",
                out, s.n_subjects, s.n_tr_rows, secs,
                secs > 0 ? (double)s.n_tr_rows / secs : 0.0,
                (double)ru.ru_maxrss / 1024.0);
    }
    study_release(&s);
    return failed ? EXIT_DATA : EXIT_OK;
}
