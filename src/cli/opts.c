/*
 * opts.c - the options every command that reads a study shares:
 * --evaluator, --cutoff, --protocol.
 */
#include "cli.h"
#include "balist/io.h"

#include <string.h>

int study_option(const char *cmd, int argc, char **argv, int *i,
                 struct load_options *o)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--evaluator")) {
        if (++*i >= argc || evaluator_parse(argv[*i], &o->evaluator) < 0) {
            usage_error(cmd, "--evaluator needs INVESTIGATOR or INDEPENDENT");
            return -1;
        }
        o->evaluator_set = true;
        return 1;
    }
    if (!strcmp(a, "--cutoff")) {
        struct pdate pd;
        const char *why;
        if (++*i >= argc ||
            pdate_parse(argv[*i], strlen(argv[*i]), &pd, &why) < 0 ||
            !pdate_is_complete(pd)) {
            usage_error(cmd, "--cutoff needs a date YYYY-MM-DD");
            return -1;
        }
        o->cutoff = pdate_day(pd);
        o->cutoff_set = true;
        return 1;
    }
    if (!strcmp(a, "--protocol")) {
        if (++*i >= argc) {
            usage_error(cmd, "--protocol needs a file");
            return -1;
        }
        o->protocol_path = argv[*i];
        return 1;
    }
    return 0;
}

int responses_option(const char *cmd, int argc, char **argv, int *i,
                     struct derive_options *d)
{
    if (strcmp(argv[*i], "--responses"))
        return 0;
    if (++*i >= argc ||
        (strcmp(argv[*i], "recorded") && strcmp(argv[*i], "computed"))) {
        usage_error(cmd, "--responses needs recorded or computed");
        return -1;
    }
    d->recorded = !strcmp(argv[*i], "recorded");
    return 1;
}
