/*
 * helpers.h - small helpers shared by the unit tests: temporary study
 * folders written from strings, and finding a diagnostic.
 */
#ifndef BALIST_TEST_HELPERS_H
#define BALIST_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "balist/core.h"

/* A new empty folder under /tmp; the caller frees the string. */
char *tmpdir_make(void);
/* Removes the folder and its files, and frees the string. */
void tmpdir_remove(char *dir);
/* Writes text to dir/name. */
void write_text(const char *dir, const char *name, const char *text);
/* The first kept diagnostic whose formatted line contains needle, or
 * NULL. */
const struct diag *find_diag(const struct diags *d, const char *needle);
/* Formats a diagnostic into a static buffer. */
const char *diag_text(const struct diag *g);
/* Prints all kept diagnostics (for a failing test's log). */
void dump_diags(const struct diags *d);

/* A test that cannot run here (no PostgreSQL, no ../shared): cmocka's
 * skip(), counted, so that main() ends with tests_exit() and ctest reports
 * the program as skipped (exit 77, SKIP_RETURN_CODE), never as passed. */
extern int tests_skipped;
#define SKIP_TEST()                                                            \
    do {                                                                       \
        tests_skipped++;                                                       \
        skip();                                                                \
    } while (0)
/* The exit code of a test program: cmocka's failures, else 77 when a test
 * was skipped, else 0. */
int tests_exit(int failures);

#endif
