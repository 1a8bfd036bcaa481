/*
 * http.c - the HTTP side of `balist serve`: the daemon (libmicrohttpd,
 * thread pool, TLS), the request cycle (limits, the session, the role
 * against the permission table, CSRF), JSON replies and bodies, the
 * embedded web pages with their security headers. The routes are in
 * routes.c; the handlers in files by concern.
 */
#include "server_int.h"

#include "balist/endpoints.h"
#include "balist/io.h"
#include "balist/store.h"
#include "web_assets.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int srv_store_status(struct server *srv, int dflt)
{
    switch (store_errcode(srv->store)) {
    case STORE_EINVALID:
        return MHD_HTTP_BAD_REQUEST;
    case STORE_ENOTFOUND:
        return MHD_HTTP_NOT_FOUND;
    case STORE_ECONFLICT:
        return MHD_HTTP_CONFLICT;
    default:
        return dflt;
    }
}

void server_config_init(struct server_config *c)
{
    memset(c, 0, sizeof *c);
    c->address = "127.0.0.1";
    c->port = 8080;
    c->threads = 4;
    c->max_body = 1 << 20;
    c->idle_minutes = 30;
    c->max_failures = 5;
    c->lockout_minutes = 15;
}

/* ---- replies ---- */

void reply_error(struct reply *r, unsigned status, const char *msg)
{
    r->status = status;
    r->json = json_pack("{s:s}", "error", msg);
}

void reply_json(struct reply *r, json_t *j)
{
    r->status = MHD_HTTP_OK;
    r->json = j;
}

/* ---- handlers ---- */

json_t *srv_parse_body(const struct call *c, struct reply *r)
{
    json_error_t e;
    json_t *j = json_loadb(c->body ? c->body : "", c->len, 0, &e);
    if (!j) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 "the request body is not JSON: %s (line %d, column %d)",
                 e.text, e.line, e.column);
        reply_error(r, MHD_HTTP_BAD_REQUEST, msg);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "the request body must be a JSON object");
        return NULL;
    }
    return j;
}

const char *str_field(json_t *o, const char *key, struct reply *r)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        char msg[120];
        snprintf(msg, sizeof msg, "'%s' (a string) is required", key);
        reply_error(r, MHD_HTTP_BAD_REQUEST, msg);
        return NULL;
    }
    return json_string_value(v);
}

/* ---- static pages ---- */

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".js"))
        return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".css"))
        return "text/css; charset=utf-8";
    if (!strcmp(dot, ".svg"))
        return "image/svg+xml";
    if (!strcmp(dot, ".png"))
        return "image/png";
    return "application/octet-stream";
}

static void security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'");
}

static enum MHD_Result send_json(struct MHD_Connection *conn, struct reply *r)
{
    char *text = r->text ? r->text
                         : json_dumps(r->json ? r->json : json_null(),
                                      JSON_INDENT(1) | JSON_ENCODE_ANY |
                                          JSON_REAL_PRECISION(10));
    size_t n = r->text && r->text_len ? r->text_len : text ? strlen(text) : 0;
    r->text = NULL;
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        n, text ? text : (char *)"", MHD_RESPMEM_MUST_COPY);
    free(text);
    json_decref(r->json);
    r->json = NULL;
    MHD_add_response_header(
        resp, "Content-Type",
        r->content_type ? r->content_type : "application/json; charset=utf-8");
    if (r->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->set_cookie)
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    security_headers(resp);
    enum MHD_Result ret = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_static(struct MHD_Connection *conn, const char *url)
{
    struct reply r = {0};
    if (strstr(url, "..") || strchr(url, '\\')) {
        reply_error(&r, MHD_HTTP_BAD_REQUEST, "'..' is not allowed in a path");
        return send_json(conn, &r);
    }
    if (!strcmp(url, "/"))
        url = "/index.html";
    for (const struct web_asset *a = web_assets; a->path; a++) {
        if (strcmp(a->path, url))
            continue;
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, "Content-Type", content_type(a->path));
        security_headers(resp);
        enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
        MHD_destroy_response(resp);
        return ret;
    }
    reply_error(&r, MHD_HTTP_NOT_FOUND, "no such page");
    return send_json(conn, &r);
}

/* ---- the request cycle ---- */

static void dispatch(struct server *srv, struct MHD_Connection *conn,
                     const char *url, const char *method, struct request *rq,
                     struct reply *r)
{
    bool known;
    const char *arg = NULL;
    char argbuf[256];
    const struct route *rt =
        route_of(method, url, &known, argbuf, sizeof argbuf, &arg);
    if (!rt) {
        reply_error(r, known ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND,
                    known ? "method not allowed here" : "no such route");
        return;
    }
    struct call c;
    memset(&c, 0, sizeof c);
    c.srv = srv;
    c.conn = conn;
    c.body = rq->body;
    c.len = rq->len;
    c.arg = arg;
    if (rt->action != PERM_NONE) {
        const char *tok =
            MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE);
        pthread_mutex_lock(&srv->lock);
        struct session *x = session_find(srv, tok, time(NULL));
        if (x) {
            c.who_copy = *x;
            c.who = &c.who_copy;
        }
        pthread_mutex_unlock(&srv->lock);
        if (!c.who) {
            reply_error(r, MHD_HTTP_UNAUTHORIZED,
                        "sign in first (no session, or it ended)");
            return;
        }
        if (!store_may(c.who->role, rt->action)) {
            char msg[160];
            snprintf(msg, sizeof msg, "the %s role may not do this",
                     c.who->role);
            reply_error(r, MHD_HTTP_FORBIDDEN, msg);
            return;
        }
        if (rt->writes) {
            const char *t = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                        "X-CSRF-Token");
            if (!t || strlen(t) != 64 ||
                sodium_memcmp(t, c.who->csrf, 64) != 0) {
                reply_error(r, MHD_HTTP_FORBIDDEN,
                            "missing or wrong X-CSRF-Token header");
                return;
            }
        }
    }
    rt->handler(&c, r);
    sodium_memzero(&c.who_copy, sizeof c.who_copy);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct server *srv = cls;
    struct request *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        if (!rq->too_big && rq->len + n > srv->cfg.max_body) {
            rq->too_big = true;
            free(rq->body);
            rq->body = NULL;
            rq->len = 0;
        }
        if (!rq->too_big) {
            char *b = realloc(rq->body, rq->len + n + 1);
            if (!b)
                return MHD_NO;
            memcpy(b + rq->len, upload_data, n);
            rq->body = b;
            rq->len += n;
            rq->body[rq->len] = 0;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct reply r = {0};
    if (rq->too_big) {
        char msg[120];
        snprintf(msg, sizeof msg, "the request body is larger than %zu bytes",
                 srv->cfg.max_body);
        reply_error(&r, MHD_HTTP_CONTENT_TOO_LARGE, msg);
        return send_json(conn, &r);
    }
    if (strncmp(url, "/api/", 5) != 0) {
        if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
            reply_error(&r, MHD_HTTP_METHOD_NOT_ALLOWED,
                        "pages are read with GET");
            return send_json(conn, &r);
        }
        return send_static(conn, url);
    }
    dispatch(srv, conn, url, method, rq, &r);
    return send_json(conn, &r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    struct request *rq = *con_cls;
    if (rq) {
        if (rq->body)
            sodium_memzero(rq->body, rq->len); /* passwords pass here */
        free(rq->body);
        free(rq);
    }
    *con_cls = NULL;
}

/* The edit checks over every subject at start, as an EDC runs its batch
 * checks: data imported or changed by another program gets its automatic
 * queries too. A study that does not load is left to `balist check`. */
static void checks_sweep(struct server *srv)
{
    struct load_options o;
    load_options_init(&o);
    o.all_records = true; /* the edit checks see every record entered */
    struct study s;
    struct diags d;
    study_init(&s);
    diags_init(&d, 1);
    char err[STORE_ERR];
    if (store_load_study_mem(srv->store, &o, &s, &d, err) == 0)
        for (size_t i = 0; i < s.n_subjects; i++)
            sync_findings(srv, &s, &s.subjects[i]);
    diags_release(&d);
    study_release(&s);
}

int server_start(const struct server_config *c, struct server **out, char *err)
{
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(err, 512, "libsodium did not initialise");
        return -1;
    }
    struct server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, 512, "out of memory");
        return -1;
    }
    s->cfg = *c;
    if (store_open(c->db, false, &s->store, err) < 0) {
        free(s);
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->store_lock, NULL);
    checks_sweep(s);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)c->port);
    if (inet_pton(AF_INET, c->address, &sa.sin_addr) != 1) {
        snprintf(err, 512, "'%s' is not an IPv4 address", c->address);
        server_stop(s);
        return -1;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    if (c->cert_pem)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls[] = {
        {c->cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0,
         (void *)c->cert_pem},
        {c->key_pem ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0,
         (void *)c->key_pem},
        {MHD_OPTION_END, 0, NULL},
    };
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)c->port, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, c->threads ? c->threads : 1,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_ARRAY, tls,
        MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, 512, "cannot listen on %s:%u (in use, or not allowed%s)",
                 c->address, c->port,
                 c->cert_pem ? ", or a bad certificate" : "");
        server_stop(s);
        return -1;
    }
    *out = s;
    return 0;
}

unsigned server_port(const struct server *s)
{
    const union MHD_DaemonInfo *i =
        MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return i ? i->port : 0;
}

void server_stop(struct server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    store_close(s->store);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->store_lock);
    sodium_memzero(s->sessions, sizeof s->sessions);
    struct cached *caches[] = {&s->list, &s->dash};
    for (int i = 0; i < 2; i++) {
        free(caches[i]->text);
        json_decref(caches[i]->doc);
    }
    free(s);
}
