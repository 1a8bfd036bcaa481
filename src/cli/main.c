/*
 * main.c - the balist command: one table of subcommands (STYLE.md
 * "Dispatch by table"), --help and --version. Each subcommand lives in its
 * own file and only parses flags and calls the library.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct command commands[] = {
    {"check", cmd_check, "validate a study folder; list every problem",
     help_check},
    {"derive", cmd_derive, "judge responses; write adsl, adtr, adrs (ADaM)",
     help_derive},
    {"endpoints", cmd_endpoints, "efficacy results: CNS ORR, CBR, PFS, OS",
     help_endpoints},
    {"safety", cmd_safety, "adverse-event and exposure tables", help_safety},
    {"report", cmd_report, "plots, XLSX tables and the PDF report",
     help_report},
    {"init", cmd_init, "create a study database (SQLite or PostgreSQL)",
     help_init},
    {"import", cmd_import,
     "load a study folder into a database, all or "
     "nothing",
     help_import},
    {"export", cmd_export, "write a database as SDTM CSV again", help_export},
    {"audit", cmd_audit, "who changed what, when and why; --verify",
     help_audit},
    {"user", cmd_user, "accounts and roles: add, list, disable, passwd",
     help_user},
    {"serve", cmd_serve, "the web application and its JSON API", help_serve},
    {"simulate", cmd_simulate, "write a synthetic study in SDTM CSV",
     help_simulate},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void main_help(FILE *out)
{
    fprintf(out,
            "balist %s - the data side of a phase II oncology trial\n"
            "(RANO-BM and RECIST 1.1 responses, endpoints, safety).\n"
            "\n"
            "Usage: balist COMMAND [ARGS...]\n"
            "       balist COMMAND --help     what a command does, with "
            "examples\n"
            "       balist --version\n"
            "\n"
            "Commands:\n",
            BALIST_VERSION);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n"
                 "A STUDY is a folder of SDTM CSV files (dm.csv, tu.csv, "
                 "tr.csv, ...),\n"
                 "with an optional protocol.json (see docs/protocol.md), or a "
                 "study\n"
                 "database (a SQLite file, or postgresql://...).\n"
                 "\n"
                 "Exit status: 0 success (warnings allowed), 1 the data has "
                 "errors,\n"
                 "2 wrong usage.\n"
                 "\n"
                 "Start here:\n"
                 "  balist simulate --subjects 40 --seed 7 --out mystudy\n"
                 "  balist check mystudy\n");
}

int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "balist %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'balist %s --help'.\n", cmd);
    return EXIT_USAGE;
}

int is_help(const char *a)
{
    return !strcmp(a, "--help") || !strcmp(a, "-h");
}

void print_diags(struct diags *d)
{
    char buf[1400];
    for (size_t i = 0; i < d->n; i++) {
        diag_format(&d->items[i], buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    if (d->n_dropped)
        fprintf(stderr,
                "... and %zu more not shown (use --max-messages N, 0 for "
                "all)\n",
                d->n_dropped);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_help(stderr);
        return EXIT_USAGE;
    }
    const char *c = argv[1];
    if (is_help(c) || !strcmp(c, "help")) {
        if (argc > 2 && strcmp(c, "help") == 0) {
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (!strcmp(commands[i].name, argv[2])) {
                    fputs(commands[i].help, stdout);
                    return EXIT_OK;
                }
        }
        main_help(stdout);
        return EXIT_OK;
    }
    if (!strcmp(c, "--version") || !strcmp(c, "version")) {
        printf("balist %s\n", BALIST_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (!strcmp(commands[i].name, c)) {
            for (int k = 2; k < argc; k++)
                if (is_help(argv[k])) {
                    fputs(commands[i].help, stdout);
                    return EXIT_OK;
                }
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "balist: '%s' is not a command.\n\n", c);
    main_help(stderr);
    return EXIT_USAGE;
}
