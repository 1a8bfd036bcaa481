/*
 * server.h - `balist serve`: the JSON API under /api/v1 and the web
 * pages, on libmicrohttpd (a thread pool; TLS when a certificate is
 * given). Accounts come from the store (Argon2id); sessions are random
 * 256-bit tokens in an HttpOnly, SameSite=Strict cookie, with a CSRF
 * token for every state-changing request. Who may do what is the route
 * table in server.c, checked on every request. No clinical rule lives
 * here: the server calls the same library as the command line.
 */
#ifndef BALIST_SERVER_H
#define BALIST_SERVER_H

#include <stddef.h>

struct server_config {
    const char *db;       /* the study database (file or postgresql://) */
    const char *address;  /* "127.0.0.1" */
    unsigned port;        /* 0: any free port */
    const char *cert_pem; /* TLS certificate and key (PEM text), or NULL */
    const char *key_pem;
    unsigned threads;      /* worker threads */
    size_t max_body;       /* bytes; larger requests get 413 */
    unsigned idle_minutes; /* a session ends after this long unused */
    unsigned max_failures; /* failed logins before a lockout */
    unsigned lockout_minutes;
};

void server_config_init(struct server_config *c);

struct server;

/* Starts serving in background threads. Returns 0, or -1 with err (512
 * bytes). */
int server_start(const struct server_config *c, struct server **out, char *err);
/* The port actually bound (useful with port 0). */
unsigned server_port(const struct server *s);
void server_stop(struct server *s);

#endif
