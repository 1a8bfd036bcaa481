/*
 * server.c - the HTTP side of `balist serve`: the daemon, the route table
 * (who may do what), sessions, CSRF, login lockout, request limits and
 * the embedded web pages. Handlers turn JSON into library calls; the
 * study's rules are in endpoints/ and criteria/.
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

int store_status(struct server *srv, int dflt)
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

/* ---- sessions (under srv->lock) ---- */

static void random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
}

static struct session *session_find(struct server *s, const char *token,
                                    time_t now)
{
    if (!token || strlen(token) != 64)
        return NULL;
    for (int i = 0; i < MAX_SESSIONS; i++) {
        struct session *x = &s->sessions[i];
        if (!x->token[0] || sodium_memcmp(x->token, token, 64) != 0)
            continue;
        if (now - x->last > (time_t)s->cfg.idle_minutes * 60) {
            sodium_memzero(x, sizeof *x); /* idle too long */
            return NULL;
        }
        x->last = now;
        return x;
    }
    return NULL;
}

static struct session *session_new(struct server *s, const char *user,
                                   const char *role, time_t now)
{
    struct session *slot = &s->sessions[0];
    for (int i = 0; i < MAX_SESSIONS; i++) {
        struct session *x = &s->sessions[i];
        if (!x->token[0] || now - x->last > (time_t)s->cfg.idle_minutes * 60) {
            slot = x;
            break;
        }
        if (x->last < slot->last)
            slot = x; /* all in use: the longest idle goes */
    }
    memset(slot, 0, sizeof *slot);
    random_hex(slot->token);
    random_hex(slot->csrf);
    snprintf(slot->user, sizeof slot->user, "%s", user);
    snprintf(slot->role, sizeof slot->role, "%s", role);
    slot->last = now;
    return slot;
}

static struct failure *failure_of(struct server *s, const char *user,
                                  bool create)
{
    struct failure *free_slot = NULL;
    for (int i = 0; i < MAX_FAILS; i++) {
        struct failure *f = &s->fails[i];
        if (f->user[0] && !strcmp(f->user, user))
            return f;
        if (!f->user[0] && !free_slot)
            free_slot = f;
    }
    if (!create)
        return NULL;
    if (!free_slot)
        free_slot = &s->fails[randombytes_uniform(MAX_FAILS)];
    memset(free_slot, 0, sizeof *free_slot);
    snprintf(free_slot->user, sizeof free_slot->user, "%s", user);
    return free_slot;
}

/* Seconds the account is still locked out for (0: not locked). */
long lockout_left(struct server *s, const char *user)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&s->lock);
    struct failure *f = failure_of(s, user, false);
    long wait = f && f->until > now ? (long)(f->until - now) : 0;
    pthread_mutex_unlock(&s->lock);
    return wait;
}

bool refuse_if_locked_out(struct call *c, struct reply *r)
{
    if (lockout_left(c->srv, c->who->user) <= 0)
        return false;
    reply_error(r, MHD_HTTP_TOO_MANY_REQUESTS,
                "too many wrong passwords for this account; try again later");
    return true;
}

/* A wrong password (at login, or entered again to sign): the fifth in a
 * row locks the account for lockout_minutes. */
void password_failed(struct server *s, const char *user)
{
    time_t now = time(NULL);
    pthread_mutex_lock(&s->lock);
    struct failure *g = failure_of(s, user, true);
    if (++g->n >= s->cfg.max_failures) {
        g->until = now + (time_t)s->cfg.lockout_minutes * 60;
        g->n = 0;
    }
    pthread_mutex_unlock(&s->lock);
}

/* ---- handlers ---- */

json_t *parse_body(const struct call *c, struct reply *r)
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

/* The signed-in user, the actions the role may do ("may") and the whole
 * permission table ("permissions": action -> roles), so that the page
 * hard-codes no role: the server refuses anyway. */
static json_t *me_json(const struct session *x)
{
    json_t *may = json_array(), *perms = json_object();
    for (int a = 0; a < PERM_COUNT; a++) {
        const struct store_permission *p = store_permission(a);
        json_t *roles = json_array();
        for (size_t i = 0; store_role_name(i); i++)
            if (p->roles & store_role_bit(store_role_name(i)))
                json_array_append_new(roles, json_string(store_role_name(i)));
        json_object_set_new(perms, p->name, roles);
        if (store_may(x->role, a))
            json_array_append_new(may, json_string(p->name));
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:o}", "user", x->user, "role",
                     x->role, "csrf", x->csrf, "may", may, "permissions",
                     perms);
}

static void h_login(struct call *c, struct reply *r)
{
    json_t *j = parse_body(c, r);
    if (!j)
        return;
    const char *user = str_field(j, "user", r);
    const char *pw = user ? str_field(j, "password", r) : NULL;
    if (!user || !pw) {
        json_decref(j);
        return;
    }
    struct server *s = c->srv;
    time_t now = time(NULL);
    long wait = lockout_left(s, user);
    if (wait > 0) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "too many failed logins for this account; try again in "
                 "%ld minute%s",
                 (wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
        reply_error(r, MHD_HTTP_TOO_MANY_REQUESTS, msg);
        json_decref(j);
        return;
    }
    char role[32] = "", err[512] = "";
    pthread_mutex_lock(&s->store_lock);
    int ok = store_user_check(s->store, user, pw, role, sizeof role, err);
    pthread_mutex_unlock(&s->store_lock);
    if (ok < 0) {
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the account store could not be read");
        json_decref(j);
        return;
    }
    pthread_mutex_lock(&s->lock);
    if (ok == 1 && store_role_bit(role)) {
        struct failure *g = failure_of(s, user, false);
        if (g)
            memset(g, 0, sizeof *g);
        struct session *x = session_new(s, user, role, now);
        snprintf(r->cookie_buf, sizeof r->cookie_buf,
                 COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s", x->token,
                 s->cfg.cert_pem ? "; Secure" : "");
        r->set_cookie = r->cookie_buf;
        reply_json(r, me_json(x));
        pthread_mutex_unlock(&s->lock);
    } else {
        pthread_mutex_unlock(&s->lock);
        password_failed(s, user);
        reply_error(r, MHD_HTTP_UNAUTHORIZED, "wrong user name or password");
    }
    json_decref(j);
}

static void h_logout(struct call *c, struct reply *r)
{
    pthread_mutex_lock(&c->srv->lock);
    struct session *x = session_find(c->srv, c->who->token, time(NULL));
    if (x)
        sodium_memzero(x, sizeof *x);
    pthread_mutex_unlock(&c->srv->lock);
    snprintf(r->cookie_buf, sizeof r->cookie_buf,
             COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    r->set_cookie = r->cookie_buf;
    reply_json(r, json_pack("{s:b}", "signed_out", 1));
}

static void h_me(struct call *c, struct reply *r)
{
    reply_json(r, me_json(c->who));
}

static int user_row(void *ctx, const struct user_row *u)
{
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:b}", "name",
                                         u->name, "role", u->role, "created",
                                         u->created, "disabled", u->disabled));
    return 0;
}

static void h_users(struct call *c, struct reply *r)
{
    json_t *a = json_array();
    char err[512];
    pthread_mutex_lock(&c->srv->store_lock);
    int rc = store_user_each(c->srv->store, user_row, a, err);
    pthread_mutex_unlock(&c->srv->store_lock);
    if (rc < 0) {
        json_decref(a);
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the account store could not be read");
        return;
    }
    reply_json(r, json_pack("{s:o}", "users", a));
}

/* An account added by the admin (Argon2id, audited by the store). */
static void h_user_add(struct call *c, struct reply *r)
{
    json_t *j = parse_body(c, r);
    if (!j)
        return;
    const char *name = str_field(j, "name", r);
    const char *role = name ? str_field(j, "role", r) : NULL;
    const char *pw = role ? str_field(j, "password", r) : NULL;
    if (pw && (strlen(name) > 63 || strpbrk(name, " /\\\"<>"))) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "a user name is 1 to 63 characters without spaces or / "
                    "\\ \" < >");
        pw = NULL;
    }
    if (pw) {
        char err[STORE_ERR] = "";
        pthread_mutex_lock(&c->srv->store_lock);
        int rc =
            store_user_add(c->srv->store, name, role, pw, c->who->user, err);
        int status = rc < 0 ? store_status(c->srv, MHD_HTTP_BAD_REQUEST) : 0;
        pthread_mutex_unlock(&c->srv->store_lock);
        if (rc < 0) {
            reply_error(r, status, err);
        } else {
            reply_json(r, json_pack("{s:s, s:s}", "name", name, "role", role));
            r->status = MHD_HTTP_CREATED;
        }
    }
    json_decref(j);
}

/* One's own password changed: the current one entered again (a wrong
 * one counts toward the lockout); the account's other sessions end. */
static void h_password(struct call *c, struct reply *r)
{
    json_t *j = parse_body(c, r);
    if (!j)
        return;
    const char *old = str_field(j, "current", r);
    const char *nu = old ? str_field(j, "new", r) : NULL;
    if (nu && refuse_if_locked_out(c, r))
        nu = NULL;
    if (nu) {
        char role[32], err[STORE_ERR] = "";
        pthread_mutex_lock(&c->srv->store_lock);
        int ok = store_user_check(c->srv->store, c->who->user, old, role,
                                  sizeof role, err);
        int rc = ok == 1 ? store_user_passwd(c->srv->store, c->who->user, nu,
                                             c->who->user, err)
                         : -1;
        pthread_mutex_unlock(&c->srv->store_lock);
        if (ok == 0) {
            password_failed(c->srv, c->who->user);
            reply_error(r, MHD_HTTP_UNAUTHORIZED,
                        "the current password is not right");
        } else if (rc < 0) {
            reply_error(r, MHD_HTTP_BAD_REQUEST,
                        *err ? err : "the password could not be changed");
        } else {
            pthread_mutex_lock(&c->srv->lock);
            for (int i = 0; i < MAX_SESSIONS; i++) {
                struct session *x = &c->srv->sessions[i];
                if (x->token[0] && !strcmp(x->user, c->who->user) &&
                    sodium_memcmp(x->token, c->who->token, 64) != 0)
                    sodium_memzero(x, sizeof *x);
            }
            pthread_mutex_unlock(&c->srv->lock);
            reply_json(r, json_pack("{s:b}", "changed", 1));
        }
    }
    json_decref(j);
}

/* An account disabled by the admin (its sessions end with it). */
static void h_user_disable(struct call *c, struct reply *r)
{
    if (!strcmp(c->arg, c->who->user)) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "an admin does not disable their own account here");
        return;
    }
    char err[STORE_ERR] = "";
    pthread_mutex_lock(&c->srv->store_lock);
    int rc = store_user_disable(c->srv->store, c->arg, c->who->user, err);
    int status = rc < 0 ? store_status(c->srv, MHD_HTTP_BAD_REQUEST) : 0;
    pthread_mutex_unlock(&c->srv->store_lock);
    if (rc < 0) {
        reply_error(r, status, err);
        return;
    }
    /* Its sessions end now, not at their idle timeout. */
    pthread_mutex_lock(&c->srv->lock);
    for (int i = 0; i < MAX_SESSIONS; i++)
        if (c->srv->sessions[i].token[0] &&
            !strcmp(c->srv->sessions[i].user, c->arg))
            sodium_memzero(&c->srv->sessions[i], sizeof c->srv->sessions[i]);
    pthread_mutex_unlock(&c->srv->lock);
    reply_json(r, json_pack("{s:s, s:b}", "name", c->arg, "disabled", 1));
}

/* The database's study, loaded for a request (the store lock held); on
 * failure the reply says why (409) and the caller returns. */
int load_locked(struct call *c, struct reply *r, struct study *s,
                struct diags *d)
{
    struct load_options o;
    load_options_init(&o);
    study_init(s);
    diags_init(d, 20);
    char err[512];
    int rc = store_load_study_mem(c->srv->store, &o, s, d, err);
    if (rc < 0) {
        char msg[700];
        const struct diag *first = NULL;
        for (size_t k = 0; k < d->n && !first; k++)
            if (d->items[k].sev == SEV_ERROR)
                first = &d->items[k];
        if (first)
            snprintf(msg, sizeof msg, "the study has %zu error%s: %s",
                     d->n_errors, d->n_errors == 1 ? "" : "s", first->msg);
        else
            snprintf(msg, sizeof msg, "the study could not be loaded: %s", err);
        reply_error(r, MHD_HTTP_CONFLICT, msg);
        diags_release(d);
        study_release(s);
        return -1;
    }
    return 0;
}

/* Open (not closed) queries per subject, into an object. */
static int count_open(void *ctx, const struct query_row *q)
{
    json_t *m = ctx;
    if (strcmp(q->status, "closed") != 0) {
        json_t *v = json_object_get(m, q->usubjid);
        json_object_set_new(m, q->usubjid,
                            json_integer(v ? json_integer_value(v) + 1 : 1));
    }
    return 0;
}

void cached_reply(struct call *c, struct reply *r, struct cached *k,
                  json_t *(*build)(struct call *c, struct reply *r),
                  int (*update)(struct call *c, json_t *doc, long since,
                                int32_t today))
{
    struct server *srv = c->srv;
    char err[STORE_ERR];
    long head = -1;
    int32_t today = (int32_t)(time(NULL) / 86400);
    pthread_mutex_lock(&srv->store_lock);
    if (store_audit_head(srv->store, &head, err) < 0)
        head = -1;
    bool fresh = k->doc && head >= 0 && head == k->seq && today == k->day;
    if (!fresh && update && k->doc && head >= 0 && today == k->day &&
        update(c, k->doc, k->seq, today) == 0) {
        free(k->text);
        k->text = json_dumps(k->doc, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
        k->seq = head;
        fresh = true;
    }
    if (!fresh) {
        json_decref(k->doc);
        k->doc = build(c, r);
        free(k->text);
        k->text = k->doc ? json_dumps(k->doc,
                                      JSON_INDENT(1) | JSON_REAL_PRECISION(10))
                         : NULL;
        k->seq = head;
        k->day = today;
    }
    if (!r->json && k->text) {
        r->status = MHD_HTTP_OK;
        r->text = strdup(k->text);
    } else if (!r->json) {
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the study could not be derived");
    }
    pthread_mutex_unlock(&srv->store_lock);
}

/* One subject's line of the list: where it stands, the next visit due,
 * its open queries and the confirmed best responses (the same derivation
 * as `balist derive`). */
static json_t *subject_row(const struct study *s, const struct subject *sj,
                           int32_t today, json_int_t open_queries)
{
    struct derive_options dop = {false};
    struct subject_result res;
    endpoints_subject(s, sj, &dop, &res);
    enum subject_status st = subject_status(sj, &res, s->proto.data_cutoff);
    char first[11] = "", next[11] = "";
    if (sj->first_dose != DATE_NONE)
        date_format(sj->first_dose, first);
    struct sched_visit *v = NULL;
    size_t nv = subject_schedule(s, sj, &res, today, &v);
    const struct sched_visit *due = NULL;
    bool overdue = false;
    for (size_t k = 0; k < nv; k++)
        if (v[k].done == DATE_NONE) {
            overdue = overdue || v[k].overdue;
            if (!due || v[k].due < due->due)
                due = &v[k];
        }
    if (due && st != SUBJ_DEAD)
        date_format(due->due, next);
    json_t *row = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:s, s:s, s:s, s:s}", "usubjid",
        sj->usubjid, "status", subject_status_name(st), "first_dose", first,
        "next_due", next, "next_kind", due && *next ? due->kind : "", "overdue",
        overdue && st != SUBJ_DEAD, "open_queries", open_queries, "cbor_cns",
        resp_name(res.rano.cbor.resp, false), "cbor",
        resp_name(res.recist.cbor.resp, false), "reason_cns",
        res.rano.cbor.reason, "reason", res.recist.cbor.reason);
    free(v);
    subject_result_release(&res);
    return row;
}

/* The whole list (the store lock held), from the whole study. */
static json_t *subjects_list(struct call *c, struct reply *r)
{
    struct study s;
    struct diags d;
    if (load_locked(c, r, &s, &d) < 0)
        return NULL;
    json_t *open = json_object();
    char err[STORE_ERR];
    store_query_each(c->srv->store, NULL, count_open, open, err);
    int32_t today = (int32_t)(time(NULL) / 86400);
    json_t *a = json_array();
    for (size_t i = 0; i < s.n_subjects; i++) {
        json_t *q = json_object_get(open, s.subjects[i].usubjid);
        json_array_append_new(a, subject_row(&s, &s.subjects[i], today,
                                             q ? json_integer_value(q) : 0));
    }
    json_decref(open);
    json_t *out = json_pack("{s:o, s:i, s:i}", "subjects", a, "errors",
                            (int)d.n_errors, "warnings", (int)d.n_warnings);
    diags_release(&d);
    study_release(&s);
    return out;
}

/* The subjects changed since the list was made, each derived again from
 * its own data; -1 when the list must be made again whole. */
struct changed {
    char **ids;
    size_t n, cap;
};

static int note_changed(void *ctx, const char *usubjid)
{
    struct changed *k = ctx;
    *(char **)VEC_PUSH(k->ids, k->n, k->cap) = xstrdup(usubjid);
    return 0;
}

static int update_rows(struct call *c, json_t *doc, long since, int32_t today)
{
    struct changed k = {NULL, 0, 0};
    bool other = false;
    char err[STORE_ERR];
    int rc = store_changed_subjects(c->srv->store, since, note_changed, &k,
                                    &other, err);
    if (rc < 0 || other || k.n > 64)
        rc = -1; /* many or study-wide changes: derive the whole study */
    json_t *rows = json_object_get(doc, "subjects");
    for (size_t i = 0; rc == 0 && i < k.n; i++) {
        struct stage g;
        stage_init(&g);
        struct reply r = {0};
        if (stage_open(c->srv, &g, k.ids[i], &r) < 0) {
            rc = -1;
        } else {
            json_t *open = json_object();
            store_query_each(c->srv->store, k.ids[i], count_open, open, err);
            json_t *q = json_object_get(open, k.ids[i]);
            json_t *row = g.sj ? subject_row(&g.s, g.sj, today,
                                             q ? json_integer_value(q) : 0)
                               : NULL;
            json_decref(open);
            size_t at = json_array_size(rows);
            for (size_t j = 0; j < json_array_size(rows); j++)
                if (!strcmp(json_string_value(json_object_get(
                                json_array_get(rows, j), "usubjid")),
                            k.ids[i]))
                    at = j;
            if (row && at < json_array_size(rows))
                json_array_set_new(rows, at, row);
            else if (row)
                json_array_append_new(rows, row);
            else if (at < json_array_size(rows))
                json_array_remove(rows, at);
        }
        json_decref(r.json);
        stage_close(&g);
    }
    for (size_t i = 0; i < k.n; i++)
        free(k.ids[i]);
    free(k.ids);
    return rc;
}

/* The list is made whole once, then kept up to date subject by subject
 * from the audit trail: a write to one subject derives that subject
 * again, not the study. A new day (overdue flags) or a study-wide change
 * makes it whole again. */
static void h_subjects(struct call *c, struct reply *r)
{
    cached_reply(c, r, &c->srv->list, subjects_list, update_rows);
}

json_t *mm_json(int64_t v)
{
    return v < 0 ? json_null() : json_real((double)v / DIAM_SCALE);
}

const char *newl_name(enum newl n)
{
    return n == NEWL_YES ? "yes" : n == NEWL_EQUIVOCAL ? "equivocal" : "no";
}

json_t *crit_json(const struct crit_result *x)
{
    json_t *tps = json_array();
    for (size_t t = 0; t < x->n_tp; t++) {
        const struct tp *p = &x->tp[t];
        char date[11] = "";
        if (p->date != DATE_NONE)
            date_format(p->date, date);
        json_t *o = json_pack(
            "{s:s, s:s, s:i, s:b, s:o, s:o, s:s, s:s, s:s, s:s, s:s}", "visit",
            p->visit ? p->visit : "", "date", date, "day", p->day, "baseline",
            p->baseline, "sum_mm", mm_json(p->sum), "nadir_mm",
            mm_json(p->nadir), "target", resp_name(p->target, false),
            "nontarget", resp_name(p->nontarget, false), "new_lesion",
            newl_name(p->newl), "overall",
            p->baseline ? "" : resp_name(p->overall, false), "reason",
            p->baseline ? "baseline" : p->reason);
        json_object_set_new(o, "counts_for_best_response",
                            json_boolean(t > 0 && t < x->n_considered));
        json_array_append_new(tps, o);
    }
    return json_pack(
        "{s:s, s:b, s:b, s:s, s:i, s:i, s:o, s:s, s:s, s:s, "
        "s:s, s:b, s:s}",
        "criterion", criterion_name(x->crit), "baseline_ok", x->baseline_ok,
        "measurable", x->measurable, "baseline_why",
        x->baseline_ok ? "" : x->baseline_why, "targets", x->n_targets,
        "nontargets", x->n_nontargets, "timepoints", tps, "bor",
        resp_name(x->bor.resp, false), "bor_reason", x->bor.reason, "cbor",
        resp_name(x->cbor.resp, false), "cbor_reason", x->cbor.reason,
        "clinical_benefit", x->cb, "clinical_benefit_reason", x->cb_reason);
}

/* One subject's assessments under RANO-BM and RECIST 1.1: each time
 * point's sums, component responses and overall response with its
 * reason, and the best responses; then its records, schedule, queries
 * and signatures. Only this subject's data is loaded. */
static void h_subject(struct call *c, struct reply *r)
{
    struct stage g;
    stage_init(&g);
    pthread_mutex_lock(&c->srv->store_lock);
    if (stage_open(c->srv, &g, c->arg, r) < 0) {
        /* the reply says why */
    } else if (!g.sj) {
        reply_error(r, MHD_HTTP_NOT_FOUND, "no such subject");
    } else {
        const struct subject *sj = g.sj;
        struct derive_options dop = {false};
        struct subject_result res;
        endpoints_subject(&g.s, sj, &dop, &res);
        char first[11] = "";
        if (sj->first_dose != DATE_NONE)
            date_format(sj->first_dose, first);
        /* The lesions to carry into the next assessment's form. */
        json_t *les = json_array();
        for (size_t k = 0; k < sj->n_lesions; k++) {
            const struct lesion *l = &sj->lesions[k];
            if (l->parent >= 0 || l->is_merge)
                continue;
            json_array_append_new(
                les, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b}", "id",
                               l->linkid, "location", l->loc, "rano",
                               lesion_class_name(l->cls[CRIT_RANOBM]), "recist",
                               lesion_class_name(l->cls[CRIT_RECIST]), "cns",
                               l->is_cns, "nodal", l->is_nodal));
        }
        json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:o, s:[o, o]}",
                              "usubjid", sj->usubjid, "status",
                              subject_status_name(subject_status(
                                  sj, &res, g.s.proto.data_cutoff)),
                              "first_dose", first, "saffl", res.saffl, "efffl",
                              res.efffl, "lesions", les, "criteria",
                              crit_json(&res.rano), crit_json(&res.recist));
        json_t *x = subject_extras(c->srv, &g.s, sj, &res);
        json_object_update(o, x);
        json_decref(x);
        reply_json(r, o);
        subject_result_release(&res);
    }
    pthread_mutex_unlock(&c->srv->store_lock);
    stage_close(&g);
}

/* ---- the response calls as you type: a proposed assessment judged
 * without saving ---- */

int sink_row(struct sink *k, const char *file, const char *const *cols,
             const char *const *vals, size_t n)
{
    size_t nh;
    char **head = row_source_header(k->src, file, &nh);
    /* The row in the file's columns (a new file: the row's columns). */
    size_t nc = head ? nh : n;
    char **c = calloc(nc + 1, sizeof *c), **v = calloc(nc + 1, sizeof *v);
    int rc = c && v ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        c[i] = xstrdup(head ? head[i] : cols[i]);
        const char *x = "";
        for (size_t j = 0; j < n; j++)
            if (!strcmp(cols[j], c[i]) && vals[j])
                x = vals[j];
        v[i] = xstrdup(x);
    }
    /* A value for a column the file lacks: refused when strict (what a
     * user entered is never dropped); else left out (optional columns
     * such as TRSEQ that a sponsor's export may not have). */
    for (size_t j = 0; rc == 0 && head && j < n; j++) {
        bool known = false;
        for (size_t i = 0; i < nh && !known; i++)
            known = !strcmp(head[i], cols[j]);
        if (!known && k->strict && vals[j] && *vals[j]) {
            snprintf(k->missing, sizeof k->missing, "%s has no column %s", file,
                     cols[j]);
            rc = -2;
        }
    }
    for (size_t i = 0; i < nh; i++)
        free(head[i]);
    free(head);
    if (rc == 0)
        row_overlay_add(k->ov, file, (const char *const *)c,
                        (const char *const *)v, nc);
    if (rc == 0 && k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 16;
        struct store_row *r = realloc(k->rows, cap * sizeof *r);
        if (!r)
            rc = -1;
        else {
            k->rows = r;
            k->cap = cap;
        }
    }
    if (rc < 0) {
        for (size_t i = 0; c && v && i < nc; i++) {
            free(c[i]);
            free(v[i]);
        }
        free(c);
        free(v);
        return rc;
    }
    char dom[16];
    snprintf(dom, sizeof dom, "%.*s", (int)strcspn(file, "."), file);
    k->rows[k->n++] = (struct store_row){xstrdup(dom), (const char *const *)c,
                                         (const char *const *)v, nc};
    return 0;
}

void sink_release(struct sink *k)
{
    for (size_t i = 0; i < k->n; i++) {
        char **c = (char **)k->rows[i].cols, **v = (char **)k->rows[i].vals;
        for (size_t j = 0; j < k->rows[i].n; j++) {
            free(c[j]);
            free(v[j]);
        }
        free(c);
        free(v);
        free((char *)k->rows[i].domain);
    }
    free(k->rows);
}

struct proposal {
    const char *usubjid, *studyid, *visit, *date, *method;
    json_t *lesions, *new_lesions;
    json_t *identify;            /* baseline: lesions identified, or NULL */
    const char *neuro, *steroid; /* RANO-BM inputs (RS), or NULL */
    json_t *recorded;            /* {"RANO-BM": "PR", ...} or NULL */
};

/* The next --SEQ of a file and the visit's VISITNUM in it. */
static void numbers_of(const struct stage *g, const char *file,
                       const struct proposal *p, long *seq, char vnum[32])
{
    char sb[32];
    stage_numbers(g, file, p->usubjid, p->visit, sb, vnum);
    *seq = strtol(sb, NULL, 10);
}

/* sdtm_row_fn onto the stage's sink. */
static int sink_fn(void *ctx, const char *file, const char *const *cols,
                   const char *const *vals, size_t n)
{
    return sink_row(ctx, file, cols, vals, n);
}

/* The form's parts as io's plain structs (io/sdtm_rows.c builds the
 * rows), each checked for its shape: a 400 naming the part otherwise. */
struct parsed {
    struct tumour_identify *identify;
    struct tumour_lesion_entry *lesions;
    struct tumour_new *news;
    char (*diam)[32]; /* each lesion's diameter as exact text */
};

static void parsed_release(struct parsed *x)
{
    free(x->identify);
    free(x->lesions);
    free(x->news);
    free(x->diam);
}

/* Replies 400 with the message and returns -1 from parse_parts. */
#define BAD(...)                                                               \
    do {                                                                       \
        char msg_[200];                                                        \
        snprintf(msg_, sizeof msg_, __VA_ARGS__);                              \
        reply_error(r, MHD_HTTP_BAD_REQUEST, msg_);                            \
        return -1;                                                             \
    } while (0)

static int parse_parts(const struct proposal *p, struct parsed *x,
                       struct tumour_entry *e, struct reply *r)
{
    size_t ni = json_array_size(p->identify);
    size_t nl = json_array_size(p->lesions);
    size_t nn = json_array_size(p->new_lesions);
    x->identify = xcalloc(ni + 1, sizeof *x->identify);
    x->lesions = xcalloc(nl + 1, sizeof *x->lesions);
    x->news = xcalloc(nn + 1, sizeof *x->news);
    x->diam = xcalloc(nl + 1, sizeof *x->diam);
    static const char *const ckeys[CRIT_N] = {
        [CRIT_RANOBM] = "rano", [CRIT_RECIST] = "recist"};
    for (size_t i = 0; i < ni; i++) {
        json_t *l = json_array_get(p->identify, i);
        json_t *id = json_object_get(l, "id");
        json_t *loc = json_object_get(l, "location");
        struct tumour_identify *t = &x->identify[i];
        int classed = 0;
        for (int c = 0; c < CRIT_N; c++) {
            const char *cls = json_string_value(json_object_get(l, ckeys[c]));
            if (!cls || !*cls)
                continue;
            if (!json_is_string(id) || !json_is_string(loc) ||
                (strcmp(cls, "TARGET") && strcmp(cls, "NON-TARGET")))
                BAD("identify[%zu] needs 'id', 'location', and 'rano' "
                    "or 'recist' of TARGET or NON-TARGET",
                    i);
            t->cls[c] = cls;
            classed++;
        }
        if (!classed)
            BAD("identify[%zu] is neither a RANO-BM nor a RECIST 1.1 "
                "lesion",
                i);
        t->id = json_string_value(id);
        t->location = json_string_value(loc);
    }
    for (size_t i = 0; i < nl; i++) {
        json_t *l = json_array_get(p->lesions, i);
        json_t *id = json_object_get(l, "id");
        json_t *d = json_object_get(l, "diameter_mm");
        json_t *st = json_object_get(l, "state");
        bool not_done = json_is_true(json_object_get(l, "not_done"));
        if (!json_is_string(id) ||
            (!json_is_number(d) && !json_is_string(st) && !not_done))
            BAD("lesions[%zu] needs an 'id' and one of 'diameter_mm' "
                "(a number), 'state' or 'not_done'",
                i);
        struct tumour_lesion_entry *t = &x->lesions[i];
        t->id = json_string_value(id);
        t->state = json_is_string(st) ? json_string_value(st) : NULL;
        t->not_done = not_done;
        if (json_is_number(d)) {
            /* The diameter exactly as entered, to the model's 0.0001 mm. */
            int32_t diam_e4;
            bool rounded = false;
            if (diam_from_mm(json_number_value(d), &diam_e4, &rounded) < 0 ||
                rounded)
                BAD("lesions[%zu].diameter_mm must be a length in mm "
                    "from 0 to 10000 with at most 4 decimals",
                    i);
            diam_format(diam_e4, x->diam[i], sizeof x->diam[i]);
            t->diam_mm = x->diam[i];
        }
    }
    for (size_t i = 0; i < nn; i++) {
        json_t *l = json_array_get(p->new_lesions, i);
        json_t *id = json_object_get(l, "id");
        json_t *loc = json_object_get(l, "location");
        json_t *st = json_object_get(l, "state");
        if (!json_is_string(id) || !json_is_string(loc) || !json_is_string(st))
            BAD("new_lesions[%zu] needs 'id', 'location' and 'state' "
                "(EQUIVOCAL or UNEQUIVOCAL)",
                i);
        x->news[i] =
            (struct tumour_new){json_string_value(id), json_string_value(loc),
                                json_string_value(st)};
    }
    *e = (struct tumour_entry){
        .studyid = p->studyid,
        .usubjid = p->usubjid,
        .visit = p->visit,
        .date = p->date,
        .method = p->method,
        .identify = x->identify,
        .n_identify = ni,
        .lesions = x->lesions,
        .n_lesions = nl,
        .news = x->news,
        .n_new = nn,
        .neuro = p->neuro,
        .steroid = p->steroid,
    };
    for (int c = 0; c < CRIT_N; c++)
        e->recorded[c] = json_string_value(
            json_object_get(p->recorded, criterion_name((enum criterion)c)));
    return 0;
}

/* The proposed assessment as SDTM rows (io/sdtm_rows.c), staged. */
static int write_proposal(struct stage *g, const struct proposal *p,
                          struct reply *r)
{
    struct parsed x = {0};
    struct tumour_entry e;
    int rc = parse_parts(p, &x, &e, r);
    if (rc == 0) {
        struct sdtm_numbers num;
        char trv[32], tuv[32], rsv[32];
        numbers_of(g, "tr.csv", p, &num.tr_seq, trv);
        numbers_of(g, "tu.csv", p, &num.tu_seq, tuv);
        numbers_of(g, "rs.csv", p, &num.rs_seq, rsv);
        num.tr_visitnum = trv;
        num.tu_visitnum = tuv;
        num.rs_visitnum = rsv;
        rc = sdtm_rows_assessment(&g->s.proto, &e, &num, sink_fn, &g->sink);
        if (rc < 0)
            reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                        "the working folder could not be written");
    }
    parsed_release(&x);
    return rc;
}

/* The problems the proposal causes, named by column. */
json_t *problems_json(const struct diags *d)
{
    json_t *a = json_array();
    for (size_t k = 0; k < d->n; k++) {
        const struct diag *g = &d->items[k];
        if (g->sev != SEV_ERROR)
            continue;
        json_array_append_new(a, json_pack("{s:s, s:I, s:i, s:s}", "file",
                                           g->file ? g->file : "", "line",
                                           (json_int_t)g->line, "column",
                                           g->col, "message", g->msg));
    }
    return a;
}

/* Judges a proposed assessment with the subject's saved data; with save,
 * then adds its rows to the store in one audited transaction and brings
 * the automatic queries up to date. The store is held throughout, so
 * that what was judged is what is saved. */
static void propose(struct call *c, struct reply *r, bool save)
{
    json_t *j = parse_body(c, r);
    if (!j)
        return;
    struct proposal p = {c->arg, "",   NULL, NULL, "MRI", NULL,
                         NULL,   NULL, NULL, NULL, NULL};
    p.visit = str_field(j, "visit", r);
    p.date = p.visit ? str_field(j, "date", r) : NULL;
    json_t *m = json_object_get(j, "method");
    if (json_is_string(m))
        p.method = json_string_value(m);
    p.lesions = json_object_get(j, "lesions");
    p.new_lesions = json_object_get(j, "new_lesions");
    p.identify = json_object_get(j, "identify");
    p.neuro = json_string_value(json_object_get(j, "neuro_status"));
    p.steroid = json_string_value(json_object_get(j, "steroid_status"));
    p.recorded = json_object_get(j, "recorded");
    if (p.date && ((p.lesions && !json_is_array(p.lesions)) ||
                   (p.new_lesions && !json_is_array(p.new_lesions)) ||
                   (p.identify && !json_is_array(p.identify)) ||
                   (p.recorded && !json_is_object(p.recorded)))) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "'lesions', 'new_lesions' and 'identify' are arrays, "
                    "'recorded' an object");
        p.date = NULL;
    }
    if (!p.date) {
        json_decref(j);
        return;
    }
    struct stage g;
    stage_init(&g);
    struct checks k = {0};
    json_t *ids = json_array();
    pthread_mutex_lock(&c->srv->store_lock);
    if (stage_export(c->srv, &g, c->arg, r) < 0)
        goto done;
    if (!g.exists) {
        reply_error(r, MHD_HTTP_NOT_FOUND, "no such subject");
        goto done;
    }
    p.studyid = g.studyid;
    if (write_proposal(&g, &p, r) < 0)
        goto done;
    if (!json_array_size(p.lesions) && !json_array_size(p.new_lesions)) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "the assessment has no lesions ('lesions' or "
                    "'new_lesions')");
        goto done;
    }
    if (stage_reload(&g, c->arg, r) < 0 || !g.sj)
        goto done;
    /* Derived and checked once: for the save's queries and the reply. */
    checks_run(&g.s, g.sj, &k);
    if (save && stage_save(c->srv, &g, c->who->user, &k, ids, r) < 0)
        goto done;
    json_t *fa = json_array();
    for (size_t i = 0; i < k.n; i++)
        if (!strcmp(k.f[i].visit, p.visit))
            json_array_append_new(fa, json_string(k.f[i].text));
    reply_json(r, json_pack("{s:s, s:s, s:s, s:b, s:O, s:[o, o], s:o}",
                            "usubjid", g.sj->usubjid, "visit", p.visit, "date",
                            p.date, "saved", save, "records", ids, "criteria",
                            crit_json(&k.res.rano), crit_json(&k.res.recist),
                            "findings", fa));
    if (save)
        r->status = MHD_HTTP_CREATED;
done:
    pthread_mutex_unlock(&c->srv->store_lock);
    checks_release(&k);
    json_decref(ids);
    stage_close(&g);
    json_decref(j);
}

static void h_preview(struct call *c, struct reply *r)
{
    propose(c, r, false);
}

static void h_save(struct call *c, struct reply *r)
{
    propose(c, r, true);
}

/* ---- the route table: each route's action; who may do it is the
 * store's permission table (perm.c) ---- */

struct route {
    const char *method, *path; /* a trailing "{}" matches one segment */
    void (*handler)(struct call *, struct reply *);
    enum store_action action; /* PERM_NONE: anyone, signed in or not */
    bool writes;              /* state-changing: needs the CSRF token */
};

static const struct route routes[] = {
    {"POST", "/api/v1/login", h_login, PERM_NONE, false},
    {"POST", "/api/v1/logout", h_logout, PERM_SIGNED_IN, true},
    {"GET", "/api/v1/me", h_me, PERM_SIGNED_IN, false},
    {"POST", "/api/v1/me/password", h_password, PERM_SIGNED_IN, true},
    {"GET", "/api/v1/users", h_users, PERM_ACCOUNTS, false},
    {"POST", "/api/v1/users", h_user_add, PERM_ACCOUNTS, true},
    {"POST", "/api/v1/users/{}/disable", h_user_disable, PERM_ACCOUNTS, true},
    {"GET", "/api/v1/subjects", h_subjects, PERM_READ, false},
    {"GET", "/api/v1/subjects/{}", h_subject, PERM_READ, false},
    /* Judges a proposed assessment without saving it. */
    {"POST", "/api/v1/subjects/{}/preview", h_preview, PERM_ASSESS, false},
    /* Saves a tumour assessment: judged first, then one transaction. */
    {"POST", "/api/v1/subjects/{}/assessments", h_save, PERM_ASSESS, true},
    /* Enrolment through the eligibility checklist ("preview": true
     * decides without saving). */
    {"POST", "/api/v1/subjects", h_enrol, PERM_ENROL, true},
    /* A row of a site domain; the domain's roles are checked in the
     * handler (dosing, AEs: coordinator; tumours: radiologist). */
    {"POST", "/api/v1/subjects/{}/records", h_record_add, PERM_WRITE, true},
    /* A saved value changed, with a reason (the same domain roles). */
    {"PUT", "/api/v1/records/{}", h_record_change, PERM_WRITE, true},
    {"GET", "/api/v1/records/{}/audit", h_record_audit, PERM_READ, false},
    {"GET", "/api/v1/queries", h_queries, PERM_READ, false},
    {"GET", "/api/v1/dashboard", h_dashboard, PERM_READ, false},
    /* The ADaM datasets as `balist derive` writes them. */
    {"GET", "/api/v1/exports/{}", h_export, PERM_EXPORT, false},
    {"POST", "/api/v1/subjects/{}/queries", h_query_raise, PERM_QUERY_RAISE,
     true},
    {"POST", "/api/v1/queries/{}/answer", h_query_answer, PERM_QUERY_ANSWER,
     true},
    {"POST", "/api/v1/queries/{}/close", h_query_close, PERM_QUERY_CLOSE, true},
    /* An investigator's signature (the password entered again). */
    {"POST", "/api/v1/subjects/{}/sign", h_sign, PERM_SIGN, true},
    /* A monitor's source data verification (the password again). */
    {"POST", "/api/v1/subjects/{}/verify", h_verify, PERM_VERIFY, true},
    /* A lock: no change to the subject (or visit) until unlocked. */
    {"POST", "/api/v1/subjects/{}/lock", h_lock, PERM_LOCK, true},
    {"POST", "/api/v1/locks/{}/unlock", h_unlock, PERM_LOCK, true},
};

/* A pattern's "{}" matches one non-empty path segment, which becomes
 * *arg (the segment is copied into argbuf). */
static bool path_match(const char *pattern, const char *url, char *argbuf,
                       size_t argsize, const char **arg)
{
    const char *p = pattern, *u = url;
    while (*p) {
        if (p[0] == '{' && p[1] == '}') {
            size_t n = strcspn(u, "/");
            if (!n || n >= argsize)
                return false;
            memcpy(argbuf, u, n);
            argbuf[n] = 0;
            *arg = argbuf;
            u += n;
            p += 2;
        } else if (*p++ != *u++) {
            return false;
        }
    }
    return !*u;
}

static const struct route *route_of(const char *method, const char *url,
                                    bool *path_known, char *argbuf,
                                    size_t argsize, const char **arg)
{
    *path_known = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!path_match(routes[i].path, url, argbuf, argsize, arg))
            continue;
        *path_known = true;
        if (!strcmp(routes[i].method, method))
            return &routes[i];
    }
    return NULL;
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
    r->text = NULL;
    size_t n = text ? strlen(text) : 0;
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
