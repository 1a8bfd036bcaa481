/*
 * sessions.c - sessions (random tokens, idle timeout), sign-in and
 * sign-out, the login lockout, the signed-in user's permissions (GET /me)
 * and the change of one's own password.
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

/* ---- sessions (under srv->lock) ---- */

static void random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
}

struct session *session_find(struct server *s, const char *token, time_t now)
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

void h_login(struct call *c, struct reply *r)
{
    json_t *j = srv_parse_body(c, r);
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

void h_logout(struct call *c, struct reply *r)
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

void h_me(struct call *c, struct reply *r)
{
    reply_json(r, me_json(c->who));
}

/* One's own password changed: the current one entered again (a wrong
 * one counts toward the lockout); the account's other sessions end. */
void h_password(struct call *c, struct reply *r)
{
    json_t *j = srv_parse_body(c, r);
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
