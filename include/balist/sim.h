/*
 * sim.h - the synthetic study generator behind `balist simulate`: a study
 * that looks like this trial (TNBC with brain metastases, ivonescimab plus
 * sacituzumab govitecan), written as SDTM CSV in the forms a sponsor's
 * export uses (shared/spec/data-format.md). It feeds the demo, the tests
 * and the benchmarks. Deterministic for a seed.
 */
#ifndef BALIST_SIM_H
#define BALIST_SIM_H

#include "balist/core.h"

struct sim_options {
    long subjects;
    uint64_t seed;
    int32_t study_start; /* first enrolment window opens */
    /* Progress: called every few thousand subjects; may be NULL. */
    void (*progress)(void *ctx, long done, long total);
    void *progress_ctx;
};

void sim_options_init(struct sim_options *o);

/*
 * Writes the study into the folder dir (created if missing). Returns 0, or
 * -1 with the reason in d (a folder or file that cannot be written).
 */
int sim_write(const char *dir, const struct sim_options *o, struct diags *d);

#endif
