/*
 * routes.c - the route table: method, path, handler, the action the
 * permission table (store/perm.c) checks, and whether it writes (the CSRF
 * token). Adding a route is adding a row.
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

/* ---- the route table: each route's action; who may do it is the
 * store's permission table (perm.c) ---- */

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
    {"GET", "/api/v1/subjects/{}/audit", h_subject_audit, PERM_READ, false},
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

const struct route *route_of(const char *method, const char *url,
                             bool *path_known, char *argbuf, size_t argsize,
                             const char **arg)
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
