/*
 * cli.h - shared by the subcommands of the balist command. cli/ is thin:
 * it parses flags, calls the library, prints, and chooses exit codes.
 */
#ifndef BALIST_CLI_H
#define BALIST_CLI_H

#include "balist/core.h"
#include "balist/endpoints.h"

enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2 };

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *help; /* full help text */
};

int cmd_check(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_derive(int argc, char **argv);
int cmd_endpoints(int argc, char **argv);
int cmd_safety(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);

extern const char help_check[];
extern const char help_simulate[];
extern const char help_derive[];
extern const char help_endpoints[];
extern const char help_safety[];
extern const char help_init[];
extern const char help_import[];
extern const char help_export[];
extern const char help_audit[];
extern const char help_user[];
extern const char help_report[];
extern const char help_serve[];

/* Prints "balist CMD: msg" and a hint to stderr; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* True when argv[i] is --help or -h. */
int is_help(const char *a);
struct load_options;
struct study;
/* Loads a study from a folder, or from a database (exported to a
 * temporary folder first). Returns as sdtm_load. */
int load_study_any(const char *cmd, const char *arg,
                   const struct load_options *o, struct study *s,
                   struct diags *d);
/* The same, with the SHA-256 of the input data into sha (65 bytes). */
int load_study_hash(const char *cmd, const char *arg,
                    const struct load_options *o, struct study *s,
                    struct diags *d, char *sha);
/* Loads a study for a command that derives from it (study_init done
 * here). On errors prints them, sorted, and one summary line ("nothing
 * written" when the command writes files), releases the study and
 * returns -1. sha (65 bytes) or NULL as load_study_hash. */
int load_for_command(const char *cmd, const char *arg,
                     const struct load_options *o, struct study *s, char *sha,
                     bool writes);
/* Parses argv[*i] if it is --evaluator, --cutoff or --protocol (moving *i
 * past its value). Returns 1 when taken, 0 when not one of them, -1 after
 * a usage error was printed. */
int study_option(const char *cmd, int argc, char **argv, int *i,
                 struct load_options *o);
/* Parses argv[*i] if it is --responses recorded|computed (where best
 * responses come from: the site's recorded RS responses, or computed from
 * the measurements). Returns as study_option. */
int responses_option(const char *cmd, int argc, char **argv, int *i,
                     struct derive_options *d);
/* Prints the kept diagnostics, then how many were not shown. */
void print_diags(struct diags *d);

#endif
