/*
 * enrol.c - enrolment through the eligibility checklist (the decision is
 * endpoints/review.c's; the rows are io/sdtm_rows.c's): DM, IE with every
 * answer, DS consent and ENROLLED or SCREEN FAILURE, in one transaction.
 */
#include "server_int.h"

#include "balist/endpoints.h"
#include "balist/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- enrolment ---- */

static enum tri tri_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_true(v) ? TRI_YES : json_is_false(v) ? TRI_NO : TRI_UNKNOWN;
}

static int int_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) && json_number_value(v) >= 0
               ? (int)json_number_value(v)
               : -1;
}

static const char *opt_str(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static json_t *elig_json(const struct eligibility_result *e)
{
    json_t *items = json_array();
    for (size_t i = 0; i < e->n; i++) {
        const struct elig_item *x = &e->items[i];
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "code", x->code,
                      "label", x->label, "kind",
                      x->inclusion ? "inclusion" : "exclusion", "answered",
                      x->known, "met", x->met, "why", x->why));
    }
    return json_pack("{s:b, s:b, s:s, s:o}", "complete", e->complete,
                     "eligible", e->eligible, "reason", e->reason, "items",
                     items);
}

/* The enrolment's rows (io/sdtm_rows.c): DM, IE with every checklist
 * answer, DS consent and, once decided, ENROLLED or SCREEN FAILURE with
 * the reason. */
static int write_enrolment(struct stage *g, const char *usubjid, json_t *j,
                           const struct eligibility_result *e, struct reply *r)
{
    char age[16] = "";
    int a = int_of(j, "age");
    if (a >= 0)
        snprintf(age, sizeof age, "%d", a);
    struct ie_answer *ans = xcalloc(e->n + 1, sizeof *ans);
    for (size_t i = 0; i < e->n; i++) {
        const struct elig_item *x = &e->items[i];
        /* Y: the inclusion criterion holds / the exclusion applies. */
        ans[i] = (struct ie_answer){x->code, x->label,
                                    !x->known      ? ""
                                    : x->inclusion ? (x->met ? "Y" : "N")
                                                   : (x->met ? "N" : "Y"),
                                    x->inclusion};
    }
    struct enrol_entry en = {
        .studyid = g->studyid,
        .usubjid = usubjid,
        .siteid = opt_str(j, "siteid"),
        .sex = opt_str(j, "sex"),
        .race = opt_str(j, "race"),
        .age = age,
        .consent_date = opt_str(j, "consent_date"),
        .enrol_date = opt_str(j, "enrolment_date"),
        .answers = ans,
        .n_answers = e->n,
        .decided = e->complete,
        .eligible = e->eligible,
        .failure_reason = e->reason,
    };
    char seq[32];
    stage_numbers(g, "ds.csv", usubjid, NULL, seq, NULL);
    int rc = sdtm_rows_enrolment(&g->s.proto, &en, strtol(seq, NULL, 10),
                                 sink_row_fn, &g->sink);
    free(ans);
    if (rc < 0)
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the working folder could not be written");
    return rc;
}

/* A date given as YYYY-MM-DD (DATE_NONE when absent or not complete: the
 * loader then says what is wrong with it). */
static int32_t day_of(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    struct pdate pd;
    const char *why;
    if (!s || pdate_parse(s, strlen(s), &pd, &why) < 0 ||
        !pdate_is_complete(pd))
        return DATE_NONE;
    return pdate_day(pd);
}

/* The subject ID's pattern and the dates of the enrolment
 * (endpoints/entry.c): 422 beside the field. */
static int enrol_gate(const struct protocol *p, const char *usubjid, json_t *j,
                      struct reply *r)
{
    char why[200];
    json_t *fields = json_object();
    const char *first = NULL;
    if (!entry_subject_id_ok(p, usubjid, why, sizeof why)) {
        json_object_set_new(fields, "usubjid", json_string(why));
        first = json_string_value(json_object_get(fields, "usubjid"));
    }
    struct entry_issues o;
    entry_check_enrolment(p, day_of(j, "consent_date"),
                          day_of(j, "enrolment_date"), date_today(), &o);
    for (size_t i = 0; i < o.n; i++) {
        if (!json_object_get(fields, o.items[i].field))
            json_object_set_new(fields, o.items[i].field,
                                json_string(o.items[i].text));
        if (!first)
            first = o.items[i].text;
    }
    int rc = 0;
    if (first) {
        char msg[340];
        snprintf(msg, sizeof msg, "%s; nothing was saved", first);
        r->status = 422;
        r->json = json_pack("{s:s, s:O}", "error", msg, "fields", fields);
        rc = -1;
    }
    json_decref(fields);
    return rc;
}

void h_enrol(struct call *c, struct reply *r)
{
    json_t *j = srv_parse_body(c, r);
    if (!j)
        return;
    const char *usubjid = str_field(j, "usubjid", r);
    json_t *ck = json_object_get(j, "checklist");
    if (usubjid && !json_is_object(ck)) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "'checklist' (an object of the eligibility answers) is "
                    "required");
        usubjid = NULL;
    }
    if (usubjid &&
        (!*usubjid || strlen(usubjid) > 64 || strpbrk(usubjid, "/\\\"<>"))) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "'usubjid' must be 1 to 64 characters without / \\ \" < "
                    ">");
        usubjid = NULL;
    }
    if (!usubjid) {
        json_decref(j);
        return;
    }
    struct eligibility el = {
        .age = int_of(j, "age"),
        .ecog = int_of(ck, "ecog"),
        .consent = tri_of(ck, "consent"),
        .er_negative = tri_of(ck, "er_negative"),
        .pr_negative = tri_of(ck, "pr_negative"),
        .her2_negative = tri_of(ck, "her2_negative"),
        .organ_function = tri_of(ck, "organ_function"),
        .no_steroids = tri_of(ck, "no_steroids"),
        .prior_trop2_adc = tri_of(ck, "prior_trop2_adc"),
        .prior_pd1_vegf = tri_of(ck, "prior_pd1_vegf"),
        .brain_met_mm =
            json_is_number(json_object_get(ck, "brain_met_mm"))
                ? json_number_value(json_object_get(ck, "brain_met_mm"))
                : NAN,
        .steroid_stable_days = int_of(ck, "steroid_stable_days"),
    };
    bool save = !json_is_true(json_object_get(j, "preview"));
    struct stage g;
    stage_init(&g);
    pthread_mutex_lock(&c->srv->store_lock);
    if (stage_export(c->srv, &g, usubjid, r) == 0) {
        if (g.exists) {
            reply_error(r, MHD_HTTP_CONFLICT, "that subject already exists");
        } else if (enrol_gate(&g.s.proto, usubjid, j, r) < 0) {
            /* the reply says why */
        } else {
            struct eligibility_result e;
            eligibility_decide(&g.s.proto, &el, &e);
            json_t *ids = json_array();
            if (!save) {
                reply_json(r,
                           json_pack("{s:s, s:b, s:o}", "usubjid", usubjid,
                                     "saved", 0, "eligibility", elig_json(&e)));
            } else if (write_enrolment(&g, usubjid, j, &e, r) == 0 &&
                       stage_reload(&g, usubjid, r) == 0 &&
                       stage_save(c->srv, &g, c->who->user, NULL, NULL, ids,
                                  r) == 0) {
                reply_json(r, json_pack("{s:s, s:b, s:O, s:o}", "usubjid",
                                        usubjid, "saved", 1, "records", ids,
                                        "eligibility", elig_json(&e)));
                r->status = MHD_HTTP_CREATED;
            }
            json_decref(ids);
        }
    }
    pthread_mutex_unlock(&c->srv->store_lock);
    stage_close(&g);
    json_decref(j);
}
