/*
 * cmd_store.c - the database commands: init, import, export, audit, user;
 * and the loading of a study from a folder or a database for the other
 * commands.
 */
#include "cli.h"
#include "balist/io.h"
#include "balist/store.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char help_init[] =
    "Usage: balist init DB [--protocol FILE] [--user NAME]\n"
    "\n"
    "Creates a study database: a SQLite file (created if missing), or a\n"
    "PostgreSQL database given as postgresql://user@host:port/dbname (for\n"
    "several sites and concurrent users). The protocol file, if given, is\n"
    "stored with it. Every later change is audited.\n"
    "\n"
    "Example:\n"
    "  balist init trial.db && balist import trial.db data/demo\n";

const char help_import[] =
    "Usage: balist import DB STUDYDIR [--user NAME]\n"
    "\n"
    "Loads the SDTM CSV files of STUDYDIR (and its protocol.json) into the\n"
    "database, all or nothing: the folder is checked first (as balist\n"
    "check does) and any error leaves the database exactly as it was. The\n"
    "database must hold no study yet. Each row's first entry is audited.\n"
    "--user names who did it (default $BALIST_USER, else $USER).\n";

const char help_export[] =
    "Usage: balist export DB --out DIR\n"
    "\n"
    "Writes the database as SDTM CSV files (and protocol.json) again:\n"
    "import -> export -> import gives identical data.\n";

const char help_audit[] =
    "Usage: balist audit DB [--verify] [filters]\n"
    "\n"
    "Prints the audit trail as CSV (who, when in UTC, what: table, record,\n"
    "field, old and new value, and why), streaming, study-wide or\n"
    "filtered:\n"
    "  --subject ID   one subject\n"
    "  --table T      one domain (tr, ae...) or users, meta\n"
    "  --user NAME    one user\n"
    "  --from TS      from a UTC time (2026-01-31 or 2026-01-31T08:00:00Z)\n"
    "  --to TS        up to a UTC time\n"
    "--verify checks the SHA-256 chain of every audit row instead: exit 0\n"
    "intact, 1 with the first row that does not verify.\n";

const char help_user[] =
    "Usage: balist user DB add NAME --role ROLE\n"
    "       balist user DB list\n"
    "       balist user DB disable NAME\n"
    "       balist user DB passwd NAME\n"
    "\n"
    "Accounts of the web application. Roles: admin, investigator,\n"
    "coordinator, radiologist, statistician, monitor. The password is read\n"
    "from standard input (one line; asked for on a terminal), at least 8\n"
    "characters, and stored only as an Argon2id hash.\n";

static const char *acting_user(const char *given)
{
    if (given)
        return given;
    const char *u = getenv("BALIST_USER");
    if (!u || !*u)
        u = getenv("USER");
    return u && *u ? u : "unknown";
}

static int open_db(const char *cmd, const char *url, bool create,
                   struct store **st)
{
    char err[STORE_ERR];
    if (store_open(url, create, st, err) < 0) {
        fprintf(stderr, "balist %s: %s\n", cmd, err);
        return -1;
    }
    return 0;
}

int load_study_hash(const char *cmd, const char *arg,
                    const struct load_options *o, struct study *s,
                    struct diags *d, char *sha)
{
    char err[STORE_ERR];
    if (!store_is_database(arg)) {
        if (sha && folder_sha256(arg, sha, err) < 0)
            snprintf(sha, 65, "unknown");
        return sdtm_load(arg, o, s, d);
    }
    struct store *st;
    if (open_db(cmd, arg, false, &st) < 0)
        return -1;
    int rc = store_load_study(st, o, s, d, sha, err);
    if (rc < 0 && *err)
        fprintf(stderr, "balist %s: %s\n", cmd, err);
    store_close(st);
    return rc;
}

int load_study_any(const char *cmd, const char *arg,
                   const struct load_options *o, struct study *s,
                   struct diags *d)
{
    return load_study_hash(cmd, arg, o, s, d, NULL);
}

int load_for_command(const char *cmd, const char *arg,
                     const struct load_options *o, struct study *s, char *sha,
                     bool writes)
{
    struct diags d;
    study_init(s);
    diags_init(&d, 50);
    int rc = load_study_hash(cmd, arg, o, s, &d, sha);
    if (rc < 0) {
        diags_sort(&d);
        print_diags(&d);
        fprintf(stderr,
                "balist %s: %zu error%s in %s%s (run 'balist check %s' for "
                "the full list)\n",
                cmd, d.n_errors, d.n_errors == 1 ? "" : "s", arg,
                writes ? "; nothing written" : "", arg);
        study_release(s);
    }
    diags_release(&d);
    return rc < 0 ? -1 : 0;
}

int cmd_init(int argc, char **argv)
{
    const char *db = NULL, *proto = NULL, *user = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--protocol") && i + 1 < argc)
            proto = argv[++i];
        else if (!strcmp(argv[i], "--user") && i + 1 < argc)
            user = argv[++i];
        else if (argv[i][0] == '-')
            return usage_error("init", "unknown option '%s'", argv[i]);
        else if (!db)
            db = argv[i];
        else
            return usage_error("init", "one database at a time");
    }
    if (!db)
        return usage_error("init", "which database? (a file, or "
                                   "postgresql://...)");
    char *text = NULL;
    if (proto) {
        size_t len;
        text = read_file(proto, &len);
        if (!text) {
            fprintf(stderr, "balist init: cannot read %s\n", proto);
            return EXIT_DATA;
        }
        struct protocol p;
        struct diags d;
        protocol_init(&p);
        diags_init(&d, 20);
        int bad = protocol_parse(&p, text, len, proto, &d) < 0;
        print_diags(&d);
        diags_release(&d);
        protocol_release(&p);
        if (bad) {
            free(text);
            return EXIT_DATA;
        }
    }
    struct store *st;
    if (open_db("init", db, true, &st) < 0) {
        free(text);
        return EXIT_DATA;
    }
    char err[STORE_ERR];
    int rc = store_init(st, text, acting_user(user), err);
    if (rc < 0)
        fprintf(stderr, "balist init: %s\n", err);
    else
        fprintf(stderr, "initialised %s (%s)\n", db, store_engine(st));
    store_close(st);
    free(text);
    return rc < 0 ? EXIT_DATA : EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
    const char *db = NULL, *dir = NULL, *user = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--user") && i + 1 < argc)
            user = argv[++i];
        else if (argv[i][0] == '-')
            return usage_error("import", "unknown option '%s'", argv[i]);
        else if (!db)
            db = argv[i];
        else if (!dir)
            dir = argv[i];
        else
            return usage_error("import", "a database and a study folder");
    }
    if (!db || !dir)
        return usage_error("import", "a database and a study folder, e.g. "
                                     "balist import trial.db data/demo");
    /* Nothing half-written: the folder must pass the checks first. */
    struct study s;
    struct diags d;
    struct load_options o;
    load_options_init(&o);
    o.all_records = true; /* everything is imported, whatever its date */
    study_init(&s);
    diags_init(&d, 50);
    int bad = sdtm_load(dir, &o, &s, &d) < 0;
    size_t nerr = d.n_errors;
    if (bad) {
        diags_sort(&d);
        print_diags(&d);
    }
    diags_release(&d);
    study_release(&s);
    if (bad) {
        fprintf(stderr,
                "balist import: %zu error%s in %s; nothing "
                "imported\n",
                nerr, nerr == 1 ? "" : "s", dir);
        return EXIT_DATA;
    }
    struct store *st;
    if (open_db("import", db, false, &st) < 0)
        return EXIT_DATA;
    char err[STORE_ERR];
    long n = store_import(st, dir, acting_user(user), err);
    if (n < 0)
        fprintf(stderr, "balist import: %s; nothing imported\n", err);
    else
        fprintf(stderr, "imported %ld rows from %s into %s\n", n, dir, db);
    store_close(st);
    return n < 0 ? EXIT_DATA : EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
    const char *db = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-')
            return usage_error("export", "unknown option '%s'", argv[i]);
        else if (!db)
            db = argv[i];
        else
            return usage_error("export", "one database at a time");
    }
    if (!db || !out)
        return usage_error("export", "a database and --out DIR");
    struct store *st;
    if (open_db("export", db, false, &st) < 0)
        return EXIT_DATA;
    char err[STORE_ERR];
    int rc = store_export(st, out, err);
    if (rc < 0)
        fprintf(stderr, "balist export: %s\n", err);
    else
        fprintf(stderr, "exported %s to %s\n", db, out);
    store_close(st);
    return rc < 0 ? EXIT_DATA : EXIT_OK;
}

static int print_audit(void *ctx, const struct audit_row *r)
{
    struct csvw *w = ctx;
    csvw_int(w, r->id);
    csvw_str(w, r->ts);
    csvw_str(w, r->user);
    csvw_str(w, r->action);
    csvw_str(w, r->tbl);
    if (r->record_id)
        csvw_int(w, r->record_id);
    else
        csvw_str(w, "");
    csvw_str(w, r->usubjid);
    csvw_str(w, r->field);
    csvw_str(w, r->old_value);
    csvw_str(w, r->new_value);
    csvw_str(w, r->reason);
    csvw_str(w, r->hash);
    csvw_end(w);
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    const char *db = NULL;
    bool verify = false;
    struct audit_filter f = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--verify"))
            verify = true;
        else if (!strcmp(a, "--subject") && i + 1 < argc)
            f.usubjid = argv[++i];
        else if (!strcmp(a, "--table") && i + 1 < argc)
            f.tbl = argv[++i];
        else if (!strcmp(a, "--user") && i + 1 < argc)
            f.user = argv[++i];
        else if (!strcmp(a, "--from") && i + 1 < argc)
            f.from = argv[++i];
        else if (!strcmp(a, "--to") && i + 1 < argc)
            f.to = argv[++i];
        else if (a[0] == '-')
            return usage_error("audit", "unknown option '%s'", a);
        else if (!db)
            db = a;
        else
            return usage_error("audit", "one database at a time");
    }
    if (!db)
        return usage_error("audit", "which database?");
    /* A date alone means the whole day. */
    char to_buf[40];
    if (f.to && strlen(f.to) == 10) {
        snprintf(to_buf, sizeof to_buf, "%sT23:59:59.999999Z", f.to);
        f.to = to_buf;
    }
    struct store *st;
    if (open_db("audit", db, false, &st) < 0)
        return EXIT_DATA;
    char err[STORE_ERR];
    int rc;
    if (verify) {
        long n, bad;
        rc = store_audit_verify(st, &n, &bad, err);
        if (rc < 0)
            fprintf(stderr, "balist audit: %s\n", err);
        else if (rc)
            printf("%s: the audit trail is BROKEN at row %ld: its hash or "
                   "its link to the row before does not verify\n",
                   db, bad);
        else
            printf("%s: the audit trail verifies: %ld rows, SHA-256 chain "
                   "intact\n",
                   db, n);
    } else {
        struct csvw *w = xmalloc(sizeof *w);
        csvw_from_fp(w, stdout);
        static const char *const cols[] = {
            "ID",    "TS_UTC", "USER", "ACTION", "TABLE", "RECORD", "USUBJID",
            "FIELD", "OLD",    "NEW",  "REASON", "HASH",  NULL};
        csvw_header(w, cols);
        rc = store_audit_each(st, &f, print_audit, w, err);
        csvw_close(w);
        free(w);
        if (rc < 0)
            fprintf(stderr, "balist audit: %s\n", err);
    }
    store_close(st);
    return rc != 0 ? EXIT_DATA : EXIT_OK;
}

static int read_password(char *buf, size_t size)
{
    if (isatty(STDIN_FILENO))
        fprintf(stderr, "password: ");
    if (!fgets(buf, (int)size, stdin))
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int print_user(void *ctx, const struct user_row *u)
{
    (void)ctx;
    printf("%-20s %-13s %-28s %s\n", u->name, u->role, u->created,
           u->disabled ? "disabled" : "active");
    return 0;
}

int cmd_user(int argc, char **argv)
{
    if (argc < 3)
        return usage_error("user", "balist user DB add|list|disable|passwd "
                                   "...");
    const char *db = argv[1], *verb = argv[2], *name = NULL, *role = NULL,
               *by = NULL;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--role") && i + 1 < argc)
            role = argv[++i];
        else if (!strcmp(argv[i], "--user") && i + 1 < argc)
            by = argv[++i];
        else if (argv[i][0] == '-')
            return usage_error("user", "unknown option '%s'", argv[i]);
        else if (!name)
            name = argv[i];
        else
            return usage_error("user", "one user at a time");
    }
    bool list = !strcmp(verb, "list");
    if (!list && strcmp(verb, "add") && strcmp(verb, "disable") &&
        strcmp(verb, "passwd"))
        return usage_error("user",
                           "'%s' is not add, list, disable or "
                           "passwd",
                           verb);
    if (!list && !name)
        return usage_error("user", "which user?");
    if (!strcmp(verb, "add") && (!role || !store_role_valid(role)))
        return usage_error("user", "--role needs admin, investigator, "
                                   "coordinator, radiologist, statistician "
                                   "or monitor");
    struct store *st;
    if (open_db("user", db, false, &st) < 0)
        return EXIT_DATA;
    char err[STORE_ERR], pw[256];
    int rc = 0;
    if (list) {
        rc = store_user_each(st, print_user, NULL, err);
    } else if (!strcmp(verb, "disable")) {
        rc = store_user_disable(st, name, acting_user(by), err);
    } else {
        if (read_password(pw, sizeof pw) < 0) {
            snprintf(err, sizeof err, "no password on standard input");
            rc = -1;
        } else if (!strcmp(verb, "add")) {
            rc = store_user_add(st, name, role, pw, acting_user(by), err);
        } else {
            rc = store_user_passwd(st, name, pw, acting_user(by), err);
        }
        /* Do not leave the password in memory. */
        volatile char *v = pw;
        for (size_t k = 0; k < sizeof pw; k++)
            v[k] = 0;
    }
    if (rc < 0)
        fprintf(stderr, "balist user: %s\n", err);
    else if (!list)
        fprintf(stderr, "user %s: %s done\n", name, verb);
    store_close(st);
    return rc < 0 ? EXIT_DATA : EXIT_OK;
}
