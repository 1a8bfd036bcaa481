/*
 * server_int.h - private to server/: the server, a request's call and
 * reply, the route table, and the helpers its files share: http.c (the
 * daemon, the request cycle), routes.c, sessions.c, accounts.c,
 * subjects.c, assessments.c, stage.c (staging a change), enrol.c,
 * records.c, review.c (queries, signatures, locks) and dashboard.c.
 */
#ifndef BALIST_SERVER_INT_H
#define BALIST_SERVER_INT_H

#include "balist/server.h"

#include "balist/criteria.h"
#include "balist/endpoints.h"
#include "balist/io.h"
#include "balist/store.h"

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#define COOKIE "balist_session"
#define MAX_SESSIONS 1024
#define MAX_FAILS 256

/* The HTTP status of the store's last failure, by its kind
 * (store_errcode): 400 not valid, 404 not found, 409 conflict; dflt for
 * any other. Call with the store lock held, right after the failure. */
int srv_store_status(struct server *srv, int dflt);

struct session {
    char token[65], csrf[65];
    char user[64], role[32];
    time_t last;
};

struct failure {
    char user[64];
    unsigned n;
    time_t until;
};

/* A reply derived from the whole study, kept while the audit head (any
 * write, by this server or another program) and the day are the same. */
struct cached {
    long seq;
    int32_t day;
    char *text;
    json_t *doc; /* what text is made from (updated in place, or rebuilt) */
};

struct server {
    struct server_config cfg;
    struct MHD_Daemon *daemon;
    struct store *store;
    pthread_mutex_t store_lock; /* one store connection, one user at once */
    pthread_mutex_t lock;       /* sessions and failures */
    struct session sessions[MAX_SESSIONS];
    struct failure fails[MAX_FAILS];
    /* The subjects list and the dashboard as last derived (under
     * store_lock). */
    struct cached list, dash;
};

/* One request: its body as it arrives, then what the route decided. */
struct request {
    char *body;
    size_t len;
    bool too_big;
};

struct reply {
    unsigned status;
    json_t *json;             /* owned */
    char *text;               /* owned; sent instead of json when set */
    size_t text_len;          /* of text when binary (0: strlen) */
    const char *content_type; /* of text; NULL: JSON */
    char disposition[128];    /* Content-Disposition, or "" */
    const char *set_cookie;
    char cookie_buf[256];
};

struct call {
    struct server *srv;
    struct MHD_Connection *conn;
    const struct session *who; /* a copy, or NULL */
    struct session who_copy;
    const char *body;
    size_t len;
    const char *arg; /* the path's {id}, if any */
};

/* Seconds the account is still locked out for after failed passwords. */
/* The live session of a token (NULL: none, or it ended); srv->lock
 * held. */
struct session *session_find(struct server *s, const char *token, time_t now);
long lockout_left(struct server *s, const char *user);
/* True, with a 429 reply, while the caller's account is locked out (a
 * password entered again is not even checked then). */
bool refuse_if_locked_out(struct call *c, struct reply *r);
/* Counts a wrong password toward the account's lockout. */
void password_failed(struct server *s, const char *user);

/* ---- replies and request bodies ---- */
void reply_error(struct reply *r, unsigned status, const char *msg);
void reply_json(struct reply *r, json_t *j);
/* The body as a JSON object, or NULL with a 400 reply. */
json_t *srv_parse_body(const struct call *c, struct reply *r);
/* A required string member, or NULL with a 400 reply. */
const char *str_field(json_t *o, const char *key, struct reply *r);
json_t *srv_crit_json(const struct crit_result *x);
json_t *mm_json(int64_t v);
const char *newl_name(enum newl n);
/* The loader's errors as [{file, line, column, message}]. */
json_t *problems_json(const struct diags *d);

/* Where the proposal's rows go: appended to the working folder's files
 * (to judge them), and kept for the store (to save them). */
struct sink {
    struct row_overlay *ov;       /* the staged rows */
    const struct row_source *src; /* the saved rows with them */
    struct store_row *rows;       /* each row's domain, columns, values owned */
    size_t n, cap;
    bool strict;       /* refuse a value for a column the file lacks */
    char missing[160]; /* then: which */
};

/* Appends one row to the working folder's file, in the file's columns,
 * and keeps it for the store. Returns 0, -1 (I/O), or -2 when strict and
 * a value has no column (k->missing says which). */
int sink_row(struct sink *k, const char *file, const char *const *cols,
             const char *const *vals, size_t n);
void sink_release(struct sink *k);
/* sink_row as an sdtm_row_fn (ctx: the sink), for io/sdtm_rows.c. */
int sink_row_fn(void *ctx, const char *file, const char *const *cols,
                const char *const *vals, size_t n);

/* A change to one subject staged in memory: the subject's saved data
 * exported and loaded (s, sj), new rows appended (sink) and the whole
 * loaded again before anything is written; nothing touches the disk. The
 * store lock is held from stage_open to stage_save. */
struct stage {
    struct store_source bx; /* the subject's saved rows (the base) */
    struct row_source base;
    struct row_overlay ov; /* the new rows over them */
    struct row_source src; /* what is loaded: base and new rows */
    struct sink sink;
    struct study s;
    struct diags d;
    bool exists;              /* the subject has a DM row */
    const struct subject *sj; /* once loaded; NULL: no such subject */
    char studyid[128];
};
void stage_init(struct stage *g);
/* True when the subject's staged rows of file have a row at visit (the
 * visit's name in any case). */
bool stage_has_visit(const struct stage *g, const char *file,
                     const char *usubjid, const char *visit);
/* The entry checks' decision (endpoints/entry.c): 409 naming the
 * subject's status, 422 with "fields" (each refusal beside its field),
 * 409 with "confirm" when a value needs a reason that body.confirm.reason
 * does not give; 0 when it may be saved (*reason: the confirmation's, to
 * be audited). */
int srv_entry_reply(const struct entry_issues *o, json_t *body,
                    const char **reason, struct reply *r);
/* The checks as [{"severity", "field", "text"}], for a preview. */
json_t *srv_entry_json(const struct entry_issues *o);
/* Exports usubjid's data (exists: it has a DM row; if not, s.proto is
 * the protocol, for enrolment) without loading it. */
int stage_export(struct server *srv, struct stage *g, const char *usubjid,
                 struct reply *r);
/* Exports and loads usubjid's data; 409 when the saved data has errors. */
int stage_open(struct server *srv, struct stage *g, const char *usubjid,
               struct reply *r);
/* Loads again with the appended rows; 422 with the problems. */
int stage_reload(struct stage *g, const char *usubjid, struct reply *r);
/* A subject derived and checked once: its results, its findings (the
 * edit checks) and the same as the store takes them. */
struct checks {
    bool done;
    struct subject_result res;
    struct finding *f;
    struct store_finding *sf;
    size_t n;
};
void srv_checks_run(const struct study *s, const struct subject *sj,
                    struct checks *k);
void srv_checks_release(struct checks *k); /* nothing when not run */
/* Writes the appended rows and brings the subject's automatic queries
 * up to date, in one transaction (ids into the array). reason: audited
 * with the rows (a confirmation), or NULL. k: the checks of the staged
 * subject when the caller has them, else NULL. */
int stage_save(struct server *srv, struct stage *g, const char *user,
               const char *reason, const struct checks *k, json_t *ids,
               struct reply *r);
void stage_close(struct stage *g);
/* The next --SEQ of a subject in a domain file, and a visit's VISITNUM
 * (vnum may be NULL). */
void stage_numbers(const struct stage *g, const char *file, const char *usubjid,
                   const char *visit, char seq[32], char vnum[32]);

/* ---- the handlers' shared helpers ---- */
/* Loads the whole study (the store lock held); 409 when it has errors.
 * all_records: every record entered (the data-entry pages); else the
 * study as known at the protocol's data cut-off (the dashboard and the
 * ADaM exports, as `balist derive` makes them). */
int srv_load_locked(struct call *c, struct reply *r, struct study *s,
                    struct diags *d, bool all_records);
void h_dashboard(struct call *c, struct reply *r);
void h_export(struct call *c, struct reply *r);
/* Replies with k's text (the store lock held meanwhile). When stale:
 * update (may be NULL) brings k's document up to date from audit row
 * `since` (0: done; else it is built again), or build makes it whole. */
void cached_reply(struct call *c, struct reply *r, struct cached *k,
                  json_t *(*build)(struct call *c, struct reply *r),
                  int (*update)(struct call *c, json_t *doc, long since,
                                int32_t today));
json_t *queries_json(struct server *srv, const char *usubjid);
json_t *signatures_json(struct server *srv, const char *usubjid);
/* Records by domain, schedule, queries and signatures of a subject. */
json_t *srv_subject_extras(struct server *srv, const struct study *s,
                           const struct subject *sj,
                           const struct subject_result *res);
/* sessions.c, accounts.c, subjects.c, assessments.c */
void h_login(struct call *c, struct reply *r);
void h_logout(struct call *c, struct reply *r);
void h_me(struct call *c, struct reply *r);
void h_password(struct call *c, struct reply *r);
void h_users(struct call *c, struct reply *r);
void h_user_add(struct call *c, struct reply *r);
void h_user_disable(struct call *c, struct reply *r);
void h_subjects(struct call *c, struct reply *r);
void h_subject(struct call *c, struct reply *r);
void h_preview(struct call *c, struct reply *r);
void h_save(struct call *c, struct reply *r);
/* enrol.c, records.c, review.c */
void h_enrol(struct call *c, struct reply *r);
void h_record_add(struct call *c, struct reply *r);
void h_record_change(struct call *c, struct reply *r);
void h_record_audit(struct call *c, struct reply *r);
void h_subject_audit(struct call *c, struct reply *r);
/* The columns a change never touches: {"columns": [...], "suffixes":
 * ["SEQ", ...]} (after a two-letter domain prefix). */
json_t *srv_identity_json(void);
void h_queries(struct call *c, struct reply *r);
void h_query_raise(struct call *c, struct reply *r);
void h_query_answer(struct call *c, struct reply *r);
void h_query_close(struct call *c, struct reply *r);
void h_sign(struct call *c, struct reply *r);
void h_verify(struct call *c, struct reply *r);
void h_lock(struct call *c, struct reply *r);
void h_unlock(struct call *c, struct reply *r);
/* After a write to a subject (the store lock held): raises and closes its
 * automatic queries from the checks of the study as now saved. */
void sync_findings(struct server *srv, const struct study *s,
                   const struct subject *sj);

/* routes.c: the route table. */
struct route {
    const char *method, *path; /* a trailing "{}" matches one segment */
    void (*handler)(struct call *, struct reply *);
    enum store_action action; /* PERM_NONE: anyone, signed in or not */
    bool writes;              /* state-changing: needs the CSRF token */
};
/* The route of a request, with its "{}" segment in argbuf (*arg); NULL
 * when none; *path_known: the path exists for another method. */
const struct route *route_of(const char *method, const char *url,
                             bool *path_known, char *argbuf, size_t argsize,
                             const char **arg);

#endif
