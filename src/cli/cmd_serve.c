/*
 * cmd_serve.c - `balist serve DB`: the web application on a study
 * database, until Ctrl-C (SIGINT) or SIGTERM.
 */
#include "cli.h"
#include "balist/io.h"
#include "balist/report.h"
#include "balist/server.h"
#include "balist/store.h"

#include <malloc.h>
#include <pthread.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char help_serve[] =
    "Usage: balist serve DB [--listen ADDR:PORT] [--cert FILE --key FILE]\n"
    "\n"
    "Serves the web application and its JSON API (/api/v1, see\n"
    "docs/api.md) on the study database DB (a SQLite file or a\n"
    "postgresql:// address), until Ctrl-C. Sign in with an account made\n"
    "by `balist user add`; each role sees and may change only its part:\n"
    "\n"
    "  coordinator   enrolment (the eligibility checklist), dosing,\n"
    "                adverse events, medication; answers queries\n"
    "  radiologist   tumour assessments, the RANO-BM and RECIST 1.1\n"
    "                calls shown as you type; answers queries\n"
    "  investigator  all of the above; signs, locks\n"
    "  monitor       reads; raises and closes queries; verifies source\n"
    "                data; locks\n"
    "  statistician  reads; downloads the ADaM datasets\n"
    "  admin         accounts only\n"
    "\n"
    "Every change is one audited transaction (a reason is asked for after\n"
    "first entry); the edit checks raise queries by themselves, at start\n"
    "and with every save; `balist derive DB` gives what the pages show.\n"
    "\n"
    "Options:\n"
    "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080; port 0\n"
    "                      picks a free one and prints it)\n"
    "  --cert FILE         TLS certificate (PEM); with --key, serves HTTPS\n"
    "  --key FILE          TLS private key (PEM)\n"
    "  --threads N         worker threads (default 4)\n"
    "\n"
    "Example:\n"
    "  balist init trial.db && balist import trial.db data/demo\n"
    "  echo 'a long passphrase' | balist user trial.db add alice "
    "--role investigator\n"
    "  balist serve trial.db --listen 127.0.0.1:8080\n";

int cmd_serve(int argc, char **argv)
{
    struct server_config c;
    server_config_init(&c);
    const char *cert = NULL, *key = NULL;
    char addr[64];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--listen") && v) {
            const char *colon = strrchr(v, ':');
            char *end;
            unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
            if (!colon || colon == v || !*(colon + 1) || *end || port > 65535 ||
                (size_t)(colon - v) >= sizeof addr)
                return usage_error("serve", "--listen wants ADDR:PORT, as "
                                            "127.0.0.1:8080");
            snprintf(addr, sizeof addr, "%.*s", (int)(colon - v), v);
            c.address = addr;
            c.port = (unsigned)port;
            i++;
        } else if (!strcmp(a, "--cert") && v) {
            cert = argv[++i];
        } else if (!strcmp(a, "--key") && v) {
            key = argv[++i];
        } else if (!strcmp(a, "--threads") && v) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || n < 1 || n > 256)
                return usage_error("serve", "--threads wants 1 to 256");
            c.threads = (unsigned)n;
            i++;
        } else if (a[0] == '-') {
            return usage_error("serve",
                               "unknown option '%s' (or it lacks "
                               "its value)",
                               a);
        } else if (!c.db) {
            c.db = a;
        } else {
            return usage_error("serve", "one database at a time");
        }
    }
    if (!c.db)
        return usage_error("serve", "which database?");
    if (!store_is_database(c.db))
        return usage_error("serve",
                           "'%s' is a folder; serve a database "
                           "(balist init, then balist import)",
                           c.db);
    if (!cert != !key)
        return usage_error("serve", "--cert and --key go together");
    char *cert_pem = NULL, *key_pem = NULL;
    size_t len;
    if (cert && (!(cert_pem = read_file(cert, &len)) ||
                 !(key_pem = read_file(key, &len)))) {
        fprintf(stderr, "balist serve: cannot read %s\n",
                cert_pem ? key : cert);
        free(cert_pem);
        return EXIT_DATA;
    }
    c.cert_pem = cert_pem;
    c.key_pem = key_pem;
    /* The signals are waited for here, so block them before the server's
     * threads start (they inherit the mask). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    /* Two malloc arenas rather than one per thread: over two million
     * mixed requests the server's RSS then stays near 25 MB, where with
     * glibc's default it crept from 29 to 53 MB (fragmentation, not a
     * leak: LeakSanitizer and valgrind find none). Writes are serialised
     * by the store anyway. */
    mallopt(M_ARENA_MAX, 2);
    struct server *srv;
    char err[512];
    if (server_start(&c, &srv, err) < 0) {
        fprintf(stderr, "balist serve: %s\n", err);
        free(cert_pem);
        free(key_pem);
        return EXIT_DATA;
    }
    printf("BALIST serves %s at %s://%s:%u/ (Ctrl-C stops it)\n", c.db,
           cert ? "https" : "http", c.address, server_port(srv));
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    server_stop(srv);
    report_fonts_release(); /* the dashboard's plots */
    printf("stopped\n");
    free(cert_pem);
    free(key_pem);
    return EXIT_OK;
}
