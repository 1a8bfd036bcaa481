/*
 * fixture.h - one-subject studies written as data, for the response and
 * endpoint tests: lesions, then visits (day from the origin, which is also
 * the first dose) with each lesion's value. See test_criteria.c for the
 * visit tokens.
 */
#ifndef BALIST_TEST_FIXTURE_H
#define BALIST_TEST_FIXTURE_H

#include "helpers.h"

struct visit {
    int day;
    const char *vals;
};

struct ccase {
    const char *name; /* the rule IDs it is evidence for */
    enum criterion crit;
    const char *lesions; /* "T01:T:LIVER NT01:NT:BONE" */
    struct visit v[10];  /* the first is the baseline */
    const char *proto;   /* JSON overrides, or NULL */
    const char *tp;      /* expected overall per post-baseline visit */
    const char *cbor, *bor;
    const char *cb;  /* "Y", "N" or NULL */
    const char *itp; /* iRECIST per visit, or NULL */
    const char *icbor;
    bool no_cm; /* no cm.csv: steroid dose unknown */
};

/* 2025-01-01: the origin and first dose of every fixture subject. */
#define FIXTURE_ORIGIN 20089

/* Builds the one-subject study of a case (release with study_release). */
void fixture_build(struct study *s, const struct ccase *c);

#endif
