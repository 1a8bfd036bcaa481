/*
 * cmd_simulate.c - `balist simulate --subjects N --seed S --out DIR`.
 */
#include "cli.h"
#include "balist/sim.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char help_simulate[] =
    "Usage: balist simulate --subjects N --seed S --out DIR\n"
    "\n"
    "Writes a synthetic study shaped like this trial (TNBC with brain\n"
    "metastases, ivonescimab + sacituzumab govitecan) into DIR as SDTM CSV:\n"
    "dm, ds, ex, tu, tr, rs, cm, pr, ae, suppae, ss and a protocol.json\n"
    "with the data cut-off.\n"
    "\n"
    "Enrolment spreads over about 18 months; brain MRI and body CT every\n"
    "6 weeks with jitter; 1-5 brain targets of 10-40 mm plus extracranial\n"
    "lesions and lymph nodes; responders, stable and progressing patients;\n"
    "new lesions (some first equivocal); steroid courses; clinical status;\n"
    "missed visits and NOT DONE reads; 3-weekly dosing of both drugs with\n"
    "reductions and delays; adverse events with CTCAE grades and per-drug\n"
    "relatedness (SUPPAE); the investigator's time-point responses (RS).\n"
    "\n"
    "The same seed gives the same files, byte for byte.\n"
    "\n"
    "Options:\n"
    "  --subjects N   number of subjects (1 to 10000000; default 40)\n"
    "  --seed S       random seed, a whole number (default 1)\n"
    "  --out DIR      folder to write (created if missing; files replaced)\n"
    "\n"
    "Example:\n"
    "  balist simulate --subjects 200 --seed 42 --out sim200 && "
    "balist check sim200\n";

static void progress(void *ctx, long done, long total)
{
    (void)ctx;
    fprintf(stderr, "\rsimulating: %ld of %ld subjects", done, total);
    if (done == total)
        fputc('\n', stderr);
}

int cmd_simulate(int argc, char **argv)
{
    struct sim_options o;
    sim_options_init(&o);
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        long v;
        if (!strcmp(a, "--subjects")) {
            if (++i >= argc || parse_long(argv[i], strlen(argv[i]), &v) < 0 ||
                v < 1 || v > 10000000)
                return usage_error("simulate",
                                   "--subjects needs a number from 1 to "
                                   "10000000");
            o.subjects = v;
        } else if (!strcmp(a, "--seed")) {
            if (++i >= argc || parse_long(argv[i], strlen(argv[i]), &v) < 0 ||
                v < 0)
                return usage_error("simulate",
                                   "--seed needs a whole number, 0 or more");
            o.seed = (uint64_t)v;
        } else if (!strcmp(a, "--out")) {
            if (++i >= argc)
                return usage_error("simulate", "--out needs a folder");
            out = argv[i];
        } else {
            return usage_error("simulate", "unknown argument '%s'", a);
        }
    }
    if (!out)
        return usage_error("simulate", "where to? (--out DIR)");
    if (isatty(STDERR_FILENO) && o.subjects >= 10000) {
        o.progress = progress;
    }
    struct diags d;
    diags_init(&d, 50);
    clock_t t0 = clock();
    int rc = sim_write(out, &o, &d);
    print_diags(&d);
    diags_release(&d);
    if (rc < 0)
        return EXIT_DATA;
    fprintf(stderr, "wrote %ld subjects to %s in %.1f s\n", o.subjects, out,
            (double)(clock() - t0) / CLOCKS_PER_SEC);
    return EXIT_OK;
}
