/*
 * users.c - user accounts: added, password changed, disabled, checked at
 * sign-in; passwords are stored only as Argon2id hashes (libsodium).
 */
#include "store_int.h"

#include "balist/io.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- users ---- */

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES],
                         char *err)
{
    if (strlen(pw) < 8) {
        snprintf(err, STORE_ERR, "a password needs 8 characters or more");
        return -1;
    }
    /* Argon2id (libsodium's crypto_pwhash default), interactive limits. */
    if (crypto_pwhash_str(out, pw, strlen(pw),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        snprintf(err, STORE_ERR, "cannot hash the password (out of memory)");
        return -1;
    }
    return 0;
}

static int user_write(struct store *st, const char *sql, const char *const *v,
                      int nv, const char *user, const char *action,
                      const char *name, const char *field, const char *new_v,
                      char *err)
{
    struct txn t;
    if (txn_begin(st, &t, user, err) < 0)
        return -1;
    struct stmt *s = st->ops->prepare(st, sql, err);
    bool ok = s != NULL;
    if (ok) {
        for (int i = 0; i < nv; i++)
            st->ops->bind(s, i + 1, v[i]);
        ok = st->ops->step(s, err) >= 0;
        st->ops->finalize(s);
    }
    /* The account's name is the record; a password is never logged. */
    ok = ok && audit(&t, action, "users", 0, NULL, field, NULL, new_v, name,
                     err) == 0;
    return txn_end(&t, ok, err);
}

static int user_exists(struct store *st, const char *name, char *err)
{
    char v[8];
    return store_query1(st, "SELECT 1 FROM users WHERE name = ?", name, v,
                        sizeof v, err);
}

int store_user_add(struct store *st, const char *name, const char *role,
                   const char *password, const char *by, char *err)
{
    st->code = STORE_ERROR;
    if (!store_role_valid(role))
        return store_fail(st, STORE_EINVALID, err,
                          "role '%s' is not one of admin, "
                          "investigator, coordinator, radiologist, "
                          "statistician, monitor",
                          role);
    if (!*name)
        return store_fail(st, STORE_EINVALID, err, "a user needs a name");
    int ex = user_exists(st, name, err);
    if (ex < 0)
        return -1;
    if (ex)
        return store_fail(st, STORE_ECONFLICT, err, "user '%s' exists already",
                          name);
    char hash[crypto_pwhash_STRBYTES];
    if (hash_password(password, hash, err) < 0)
        return -1;
    char ts[64];
    store_now_utc(ts);
    const char *v[] = {name, role, hash, ts};
    char what[160];
    snprintf(what, sizeof what, "%s (%s)", name, role);
    return user_write(st,
                      "INSERT INTO users (name, role, pwhash, disabled, "
                      "created) VALUES (?, ?, ?, 0, ?)",
                      v, 4, by, "INSERT", what, "account", what, err);
}

int store_user_passwd(struct store *st, const char *name, const char *password,
                      const char *by, char *err)
{
    int ex = user_exists(st, name, err);
    if (ex <= 0) {
        if (ex == 0)
            snprintf(err, STORE_ERR, "no user '%s'", name);
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (hash_password(password, hash, err) < 0)
        return -1;
    const char *v[] = {hash, name};
    return user_write(st, "UPDATE users SET pwhash = ? WHERE name = ?", v, 2,
                      by, "UPDATE", name, "password", "(changed)", err);
}

int store_user_disable(struct store *st, const char *name, const char *by,
                       char *err)
{
    st->code = STORE_ERROR;
    int ex = user_exists(st, name, err);
    if (ex <= 0) {
        if (ex == 0)
            store_fail(st, STORE_ENOTFOUND, err, "no user '%s'", name);
        return -1;
    }
    const char *v[] = {name};
    return user_write(st, "UPDATE users SET disabled = 1 WHERE name = ?", v, 1,
                      by, "UPDATE", name, "disabled", "1", err);
}

int store_user_check(struct store *st, const char *name, const char *password,
                     char *role, size_t role_size, char *err)
{
    struct stmt *s = st->ops->prepare(
        st, "SELECT pwhash, disabled, role FROM users WHERE name = ?", err);
    if (!s)
        return -1;
    st->ops->bind(s, 1, name);
    int rc = st->ops->step(s, err);
    int ok = 0;
    if (rc == 1) {
        const char *h = st->ops->col(s, 0);
        bool disabled = strcmp(st->ops->col(s, 1), "0") != 0;
        ok = !disabled && h &&
             crypto_pwhash_str_verify(h, password, strlen(password)) == 0;
        if (ok)
            snprintf(role, role_size, "%s", st->ops->col(s, 2));
    }
    st->ops->finalize(s);
    return rc < 0 ? -1 : ok;
}

int store_user_each(struct store *st,
                    int (*fn)(void *ctx, const struct user_row *u), void *ctx,
                    char *err)
{
    struct stmt *s = st->ops->prepare(
        st, "SELECT name, role, created, disabled FROM users ORDER BY name",
        err);
    if (!s)
        return -1;
    int rc;
    while ((rc = st->ops->step(s, err)) == 1) {
        struct user_row u = {st->ops->col(s, 0), st->ops->col(s, 1),
                             st->ops->col(s, 2),
                             strcmp(st->ops->col(s, 3), "0") != 0};
        if (fn(ctx, &u))
            break;
    }
    st->ops->finalize(s);
    return rc < 0 ? -1 : 0;
}
