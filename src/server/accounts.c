/*
 * accounts.c - the admin's accounts: list, add (Argon2id, audited by the
 * store), disable (the account's sessions end at once).
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

static int user_row(void *ctx, const struct user_row *u)
{
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:b}", "name",
                                         u->name, "role", u->role, "created",
                                         u->created, "disabled", u->disabled));
    return 0;
}

void h_users(struct call *c, struct reply *r)
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
void h_user_add(struct call *c, struct reply *r)
{
    json_t *j = srv_parse_body(c, r);
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
        int status =
            rc < 0 ? srv_store_status(c->srv, MHD_HTTP_BAD_REQUEST) : 0;
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

/* An account disabled by the admin (its sessions end with it). */
void h_user_disable(struct call *c, struct reply *r)
{
    if (!strcmp(c->arg, c->who->user)) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "an admin does not disable their own account here");
        return;
    }
    char err[STORE_ERR] = "";
    pthread_mutex_lock(&c->srv->store_lock);
    int rc = store_user_disable(c->srv->store, c->arg, c->who->user, err);
    int status = rc < 0 ? srv_store_status(c->srv, MHD_HTTP_BAD_REQUEST) : 0;
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
