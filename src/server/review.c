/*
 * review.c - review of the data: queries (raised by a monitor or by
 * BALIST's checks, answered by the site, closed by a monitor),
 * investigators' signatures, monitors' source data verification and
 * locks, each asking for the password again; what the subject page shows
 * beside the response calls.
 */
#include "server_int.h"

#include "balist/endpoints.h"
#include "balist/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- queries ---- */

static int query_json(void *ctx, const struct query_row *q)
{
    json_array_append_new(
        ctx, json_pack("{s:I, s:s, s:s?, s:o, s:s, s:s?, s:s, s:s, s:s, s:s, "
                       "s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
                       "id", (json_int_t)q->id, "usubjid", q->usubjid, "visit",
                       q->visit, "record",
                       q->record_id ? json_integer(q->record_id) : json_null(),
                       "kind", q->kind, "check", q->check_key, "text", q->text,
                       "status", q->status, "raised_by", q->raised_by,
                       "raised_ts", q->raised_ts, "answer", q->answer,
                       "answered_by", q->answered_by, "answered_ts",
                       q->answered_ts, "closed_by", q->closed_by, "closed_ts",
                       q->closed_ts, "close_note", q->close_note));
    return 0;
}

json_t *queries_json(struct server *srv, const char *usubjid)
{
    json_t *a = json_array();
    char err[STORE_ERR];
    if (store_query_each(srv->store, usubjid, query_json, a, err) < 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

void h_queries(struct call *c, struct reply *r)
{
    pthread_mutex_lock(&c->srv->store_lock);
    json_t *a = queries_json(c->srv, NULL);
    pthread_mutex_unlock(&c->srv->store_lock);
    if (!a)
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the queries could not be read");
    else
        reply_json(r, json_pack("{s:o}", "queries", a));
}

void h_query_raise(struct call *c, struct reply *r)
{
    json_t *j = srv_parse_body(c, r);
    if (!j)
        return;
    const char *text = str_field(j, "text", r);
    if (text && !*text) {
        reply_error(r, MHD_HTTP_BAD_REQUEST, "a query needs a text");
        text = NULL;
    }
    if (text) {
        const char *visit = json_string_value(json_object_get(j, "visit"));
        json_t *rid = json_object_get(j, "record");
        char err[STORE_ERR] = "";
        long id = -1;
        struct stage g;
        stage_init(&g);
        long rec = json_is_integer(rid) ? (long)json_integer_value(rid) : 0;
        char owner[128] = "";
        pthread_mutex_lock(&c->srv->store_lock);
        if (stage_export(c->srv, &g, c->arg, r) == 0 && !g.exists)
            reply_error(r, MHD_HTTP_NOT_FOUND, "no such subject");
        else if (!r->json && rec &&
                 (store_record_get(c->srv->store, rec, "USUBJID", owner,
                                   sizeof owner, err) != 1 ||
                  strcmp(owner, c->arg))) {
            char msg[200];
            snprintf(msg, sizeof msg, "record %ld is not a record of %.64s",
                     rec, c->arg);
            reply_error(r, MHD_HTTP_BAD_REQUEST, msg);
        } else if (!r->json)
            id = store_query_raise(
                c->srv->store, c->arg, visit,
                json_is_integer(rid) ? (long)json_integer_value(rid) : 0,
                "manual", NULL, text, c->who->user, err);
        pthread_mutex_unlock(&c->srv->store_lock);
        stage_close(&g);
        if (!r->json && id < 0)
            reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, err);
        else if (!r->json) {
            reply_json(r, json_pack("{s:I, s:s}", "query", (json_int_t)id,
                                    "status", "open"));
            r->status = MHD_HTTP_CREATED;
        }
    }
    json_decref(j);
}

static void query_move(struct call *c, struct reply *r, bool answer)
{
    json_t *j = srv_parse_body(c, r);
    if (!j)
        return;
    const char *text = str_field(j, answer ? "answer" : "note", r);
    char *end;
    long id = strtol(c->arg, &end, 10);
    if (text && (*end || id <= 0)) {
        reply_error(r, MHD_HTTP_NOT_FOUND, "no such query");
        text = NULL;
    }
    if (text) {
        char err[STORE_ERR];
        pthread_mutex_lock(&c->srv->store_lock);
        int rc =
            answer
                ? store_query_answer(c->srv->store, id, text, c->who->user, err)
                : store_query_close(c->srv->store, id, text, c->who->user, err);
        int status =
            rc < 0 ? srv_store_status(c->srv, MHD_HTTP_BAD_REQUEST) : 0;
        pthread_mutex_unlock(&c->srv->store_lock);
        if (rc < 0)
            reply_error(r, status, err);
        else
            reply_json(r, json_pack("{s:I, s:s}", "query", (json_int_t)id,
                                    "status", answer ? "answered" : "closed"));
    }
    json_decref(j);
}

void h_query_answer(struct call *c, struct reply *r)
{
    query_move(c, r, true);
}

void h_query_close(struct call *c, struct reply *r)
{
    query_move(c, r, false);
}

/* ---- signatures ---- */

static int signature_json(void *ctx, const struct signature_row *g)
{
    json_array_append_new(
        ctx,
        json_pack("{s:I, s:s?, s:s?, s:s?, s:s, s:s, s:s, s:s, s:s, s:b, "
                  "s:s?, s:s?, s:s?}",
                  "id", (json_int_t)g->id, "visit", g->visit, "date_from",
                  g->date_from, "date_to", g->date_to, "kind", g->kind,
                  "meaning", g->meaning, "user", g->user, "ts", g->ts,
                  "content_hash", g->content_hash, "valid",
                  g->voided_ts == NULL, "voided_ts", g->voided_ts, "voided_by",
                  g->voided_by, "voided_reason", g->voided_reason));
    return 0;
}

json_t *signatures_json(struct server *srv, const char *usubjid)
{
    json_t *a = json_array();
    char err[STORE_ERR];
    if (store_signature_each(srv->store, usubjid, signature_json, a, err) < 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* The subject's queries not closed (of the visit, when one is given:
 * its own and the whole subject's). */
struct open_q {
    const char *visit;
    json_t *list;
};

static int open_query(void *ctx, const struct query_row *q)
{
    struct open_q *x = ctx;
    if (!strcmp(q->status, "closed"))
        return 0;
    char a[128], b[128];
    visit_label_norm(q->visit, a, sizeof a);
    visit_label_norm(x->visit, b, sizeof b);
    if (x->visit && a[0] && strcmp(a, b) != 0)
        return 0;
    json_array_append_new(x->list,
                          json_pack("{s:I, s:s?, s:s, s:s}", "id",
                                    (json_int_t)q->id, "visit", q->visit,
                                    "status", q->status, "text", q->text));
    return 0;
}

static void sign(struct call *c, struct reply *r, const char *kind)
{
    json_t *j = srv_parse_body(c, r);
    if (!j)
        return;
    const char *meaning = str_field(j, "meaning", r);
    const char *pw = meaning ? str_field(j, "password", r) : NULL;
    if (pw && refuse_if_locked_out(c, r))
        pw = NULL;
    if (pw) {
        const char *visit = json_string_value(json_object_get(j, "visit"));
        char err[STORE_ERR] = "";
        pthread_mutex_lock(&c->srv->store_lock);
        /* Open queries are listed first: signed, verified or locked with
         * them only when the person says so (acknowledge_open_queries). */
        bool ack = json_is_true(json_object_get(j, "acknowledge_open_queries"));
        struct open_q oq = {visit && *visit ? visit : NULL, json_array()};
        if (!ack)
            store_query_each(c->srv->store, c->arg, open_query, &oq, err);
        err[0] = '\0';
        size_t n_open = json_array_size(oq.list);
        char role[32];
        /* Asked only with the right password: a wrong one goes on to
         * store_sign, which refuses it and the lockout counts it. Once
         * acknowledged, the password is checked once, by store_sign. */
        bool ask = n_open && store_user_check(c->srv->store, c->who->user, pw,
                                              role, sizeof role, err) == 1;
        err[0] = '\0';
        if (ask) {
            pthread_mutex_unlock(&c->srv->store_lock);
            char msg[300];
            snprintf(msg, sizeof msg,
                     "%zu %s still open for %.64s%s%.64s: answer or close "
                     "%s first, or confirm that you %s with %s open; "
                     "nothing was done",
                     n_open, n_open == 1 ? "query is" : "queries are", c->arg,
                     oq.visit ? " at " : "", oq.visit ? oq.visit : "",
                     n_open == 1 ? "it" : "them",
                     !strcmp(kind, "lock")           ? "lock"
                     : !strcmp(kind, "verification") ? "verify"
                                                     : "sign",
                     n_open == 1 ? "it" : "them");
            r->status = MHD_HTTP_CONFLICT;
            r->json =
                json_pack("{s:s, s:o}", "error", msg, "open_queries", oq.list);
            json_decref(j);
            return;
        }
        json_decref(oq.list);
        long id = store_sign(c->srv->store, c->arg, visit, kind, meaning,
                             c->who->user, pw, err);
        int status =
            id < 0 ? srv_store_status(c->srv, MHD_HTTP_BAD_REQUEST) : 0;
        pthread_mutex_unlock(&c->srv->store_lock);
        if (id == 0) {
            password_failed(c->srv, c->who->user); /* as at login */
            reply_error(r, MHD_HTTP_UNAUTHORIZED,
                        "the password is not right: nothing was signed");
        } else if (id < 0)
            reply_error(r, status, err);
        else {
            char vn[128];
            visit_label_norm(visit, vn, sizeof vn);
            reply_json(r, json_pack("{s:I, s:s, s:s, s:s?, s:s}", "signature",
                                    (json_int_t)id, "kind", kind, "usubjid",
                                    c->arg, "visit", vn[0] ? vn : NULL,
                                    "meaning", meaning));
            r->status = MHD_HTTP_CREATED;
        }
    }
    json_decref(j);
}

void h_sign(struct call *c, struct reply *r)
{
    sign(c, r, "signature");
}

void h_verify(struct call *c, struct reply *r)
{
    sign(c, r, "verification");
}

void h_lock(struct call *c, struct reply *r)
{
    sign(c, r, "lock");
}

void h_unlock(struct call *c, struct reply *r)
{
    json_t *j = srv_parse_body(c, r);
    if (!j)
        return;
    const char *reason = str_field(j, "reason", r);
    char *end;
    long id = strtol(c->arg, &end, 10);
    if (reason) {
        char err[STORE_ERR] = "";
        pthread_mutex_lock(&c->srv->store_lock);
        bool bad_id = *end || id <= 0;
        int rc =
            bad_id ? -1
                   : store_unlock(c->srv->store, id, c->who->user, reason, err);
        int status = bad_id ? MHD_HTTP_NOT_FOUND
                            : srv_store_status(c->srv, MHD_HTTP_BAD_REQUEST);
        pthread_mutex_unlock(&c->srv->store_lock);
        if (rc < 0)
            reply_error(r, status, *err ? err : "no such lock");
        else
            reply_json(r, json_pack("{s:I, s:s}", "lock", (json_int_t)id,
                                    "status", "unlocked"));
    }
    json_decref(j);
}

/* ---- what the subject page shows beside the response calls ---- */

static int record_json(void *ctx, long id, const char *domain, const char *data)
{
    json_t *o = ctx;
    json_t *rows = json_object_get(o, domain);
    if (!rows) {
        rows = json_array();
        json_object_set_new(o, domain, rows);
    }
    json_t *row = json_loads(data, 0, NULL);
    if (!row)
        row = json_object();
    json_array_append_new(
        rows, json_pack("{s:I, s:o}", "id", (json_int_t)id, "values", row));
    return 0;
}

json_t *srv_subject_extras(struct server *srv, const struct study *s,
                           const struct subject *sj,
                           const struct subject_result *res)
{
    char err[STORE_ERR];
    json_t *recs = json_object();
    store_records_each(srv->store, sj->usubjid, record_json, recs, err);
    struct sched_visit *v = NULL;
    int32_t today = date_today();
    size_t n = subject_schedule(s, sj, res, today, &v);
    json_t *sched = json_array();
    for (size_t i = 0; i < n; i++) {
        char due[11], lo[11], hi[11], done[11] = "";
        date_format(v[i].due, due);
        date_format(v[i].lo, lo);
        date_format(v[i].hi, hi);
        if (v[i].done != DATE_NONE)
            date_format(v[i].done, done);
        json_t *doses = json_array();
        for (int k = 0; k < v[i].n_doses; k++) {
            const struct dose *d = v[i].doses[k];
            char on[11];
            date_format(d->start, on);
            json_array_append_new(
                doses,
                json_pack("{s:s, s:s, s:o, s:s, s:o, s:b, s:s}", "drug", d->trt,
                          "date", on, "dose",
                          isnan(d->dose) ? json_null() : json_real(d->dose),
                          "unit", d->unit ? d->unit : "", "planned",
                          isnan(v[i].planned[k]) ? json_null()
                                                 : json_real(v[i].planned[k]),
                          "reduced", v[i].reduced[k], "adjustment",
                          d->adj ? d->adj : ""));
        }
        json_array_append_new(
            sched,
            json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:o}",
                      "kind", v[i].kind, "number", v[i].number, "due", due,
                      "from", lo, "to", hi, "done", done, "overdue",
                      v[i].overdue, "late", v[i].late, "early", v[i].early,
                      "doses", doses));
    }
    free(v);
    json_t *q = queries_json(srv, sj->usubjid);
    json_t *g = signatures_json(srv, sj->usubjid);
    /* The study drugs (protocol), for the dosing and AE forms. */
    json_t *drugs = json_array();
    for (size_t i = 0; i < s->proto.n_drugs; i++) {
        const struct drug *d = &s->proto.drugs[i];
        json_array_append_new(
            drugs, json_pack("{s:s, s:s, s:s, s:s, s:f, s:s}", "name", d->name,
                             "label", d->label ? d->label : d->name, "rel_qnam",
                             d->rel_qnam ? d->rel_qnam : "", "acn_qnam",
                             d->acn_qnam ? d->acn_qnam : "", "planned_dose",
                             d->planned_dose, "dose_unit",
                             d->dose_unit ? d->dose_unit : ""));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "records", recs,
                     "schedule", sched, "queries", q ? q : json_array(),
                     "signatures", g ? g : json_array(), "drugs", drugs,
                     "fixed_fields", srv_identity_json());
}
