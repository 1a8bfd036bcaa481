/*
 * subjects.c - reading the study: the whole-study load under the store
 * lock, the cached replies, the subjects list kept up to date subject by
 * subject, and one subject's page with its derived responses.
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

/* The database's study, loaded for a request (the store lock held); on
 * failure the reply says why (409) and the caller returns. */
int srv_load_locked(struct call *c, struct reply *r, struct study *s,
                    struct diags *d, bool all_records)
{
    struct load_options o;
    load_options_init(&o);
    o.all_records = all_records;
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
    int32_t today = date_today();
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
    enum subject_status st =
        subject_status(&s->proto, sj, &res, s->proto.data_cutoff);
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
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:s, s:s, s:s, s:s}",
        "usubjid", sj->usubjid, "site", sj->siteid ? sj->siteid : "", "status",
        subject_status_name(st), "first_dose", first, "next_due", next,
        "next_kind", due && *next ? due->kind : "", "overdue",
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
    if (srv_load_locked(c, r, &s, &d, true) < 0)
        return NULL;
    json_t *open = json_object();
    char err[STORE_ERR];
    store_query_each(c->srv->store, NULL, count_open, open, err);
    int32_t today = date_today();
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
void h_subjects(struct call *c, struct reply *r)
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

json_t *srv_crit_json(const struct crit_result *x)
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
void h_subject(struct call *c, struct reply *r)
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
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:b, s:b, s:o, s:[o, o]}", "usubjid",
                      sj->usubjid, "status",
                      subject_status_name(subject_status(
                          &g.s.proto, sj, &res, g.s.proto.data_cutoff)),
                      "first_dose", first, "saffl", res.saffl, "efffl",
                      res.efffl, "lesions", les, "criteria",
                      srv_crit_json(&res.rano), srv_crit_json(&res.recist));
        json_t *x = srv_subject_extras(c->srv, &g.s, sj, &res);
        json_object_update(o, x);
        json_decref(x);
        /* What may still be entered (endpoints/entry.c): the page offers
         * the dose and assessment forms by it. */
        struct entry_window w;
        entry_window(&g.s, sj, &w);
        char until[11] = "";
        if (w.until != DATE_NONE)
            date_format(w.until, until);
        json_object_set_new(o, "entry",
                            json_pack("{s:b, s:s?, s:s}", "closed", w.closed,
                                      "until", *until ? until : NULL, "why",
                                      w.why));
        reply_json(r, o);
        subject_result_release(&res);
    }
    pthread_mutex_unlock(&c->srv->store_lock);
    stage_close(&g);
}
