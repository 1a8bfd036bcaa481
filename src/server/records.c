/*
 * records.c - a row added to a subject's domain (dosing, AEs with their
 * per-drug qualifiers, medication, disposition...), a saved value changed
 * with a reason (its standardised columns carried along, io/sdtm_std.c;
 * the subject as changed must load), and a record's audit trail.
 */
#include "server_int.h"

#include "balist/endpoints.h"
#include "balist/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- who may write which domain ---- */

static bool may_write(const struct call *c, const char *domain, struct reply *r)
{
    enum store_action act = store_domain_action(domain);
    if (act == PERM_NONE) {
        char msg[120];
        snprintf(msg, sizeof msg, "'%s' is not a domain the site enters",
                 domain);
        reply_error(r, MHD_HTTP_BAD_REQUEST, msg);
        return false;
    }
    if (!store_may(c->who->role, act)) {
        char msg[160];
        snprintf(msg, sizeof msg, "the %s role may not write %s records",
                 c->who->role, domain);
        reply_error(r, MHD_HTTP_FORBIDDEN, msg);
        return false;
    }
    return true;
}

/* ---- a row added to a subject's domain ---- */

static bool sdtm_name(const char *k);

/* The row's supplemental qualifiers (data-format.md "supp--.csv"), e.g.
 * an AE's relatedness and action per study drug (the protocol's
 * rel_qnam, acn_qnam): {"qualifiers": {"AERELIVO": "RELATED", ...}} as
 * SUPP-- rows tied to the row by its --SEQ. 0, -1 (I/O), -2 (a column the
 * file lacks: g->sink.missing), -3 (bad input: replied). */
static int add_qualifiers(struct stage *g, json_t *body, const char *usubjid,
                          const char *dom, const char *seqcol, const char *seq,
                          struct reply *r)
{
    json_t *q = json_object_get(body, "qualifiers");
    if (!q)
        return 0;
    if (!json_is_object(q)) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "'qualifiers' maps a QNAM to its value");
        return -3;
    }
    char file[24];
    snprintf(file, sizeof file, "supp%c%c.csv", dom[0] | 32, dom[1] | 32);
    const struct protocol *p = &g->s.proto;
    const char *key;
    json_t *x;
    json_object_foreach(q, key, x)
    {
        const char *val = json_string_value(x);
        if (!json_is_string(x) || !sdtm_name(key)) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "qualifiers.%.40s: a text value under a QNAM (A-Z, "
                     "0-9, at most 8) is expected",
                     key);
            reply_error(r, MHD_HTTP_BAD_REQUEST, msg);
            return -3;
        }
        if (!*val)
            continue;
        char label[160] = "";
        for (size_t i = 0; i < p->n_drugs; i++) {
            const struct drug *d = &p->drugs[i];
            if (d->rel_qnam && !strcmp(d->rel_qnam, key))
                snprintf(label, sizeof label, "Relationship to %s",
                         d->label ? d->label : d->name);
            if (d->acn_qnam && !strcmp(d->acn_qnam, key))
                snprintf(label, sizeof label, "Action Taken with %s",
                         d->label ? d->label : d->name);
        }
        static const char *const cols[] = {"STUDYID", "RDOMAIN",  "USUBJID",
                                           "IDVAR",   "IDVARVAL", "QNAM",
                                           "QLABEL",  "QVAL"};
        const char *v[] = {g->studyid, dom, usubjid, seqcol,
                           seq,        key, label,   val};
        int rc = sink_row(&g->sink, file, cols, v, 8);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* An SDTM variable name: a capital letter, then up to seven capitals or
 * digits (what a column of a new domain may be called). */
static bool sdtm_name(const char *k)
{
    size_t n = strlen(k);
    if (n < 1 || n > 8 || k[0] < 'A' || k[0] > 'Z')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9')))
            return false;
    return true;
}

/* The record just added to the staged subject: the one of the domain
 * read last (the appended row is the file's last). */
static const void *added_record(const struct subject *sj, const char *up)
{
    const void *best = NULL;
    long line = -1;
    if (!strcmp(up, "EX")) {
        for (size_t i = 0; i < sj->n_doses; i++)
            if (sj->doses[i].line > line)
                line = sj->doses[i].line, best = &sj->doses[i];
    } else if (!strcmp(up, "AE")) {
        for (size_t i = 0; i < sj->n_aes; i++)
            if (sj->aes[i].line > line)
                line = sj->aes[i].line, best = &sj->aes[i];
    } else if (!strcmp(up, "CM")) {
        for (size_t i = 0; i < sj->n_cm; i++)
            if (sj->cm[i].line > line)
                line = sj->cm[i].line, best = &sj->cm[i];
    }
    return best;
}

/* The entry checks of the added record (endpoints/entry.c): refused at a
 * field (422, "fields"), refused by the subject's status (409), or to be
 * confirmed with a reason (409, "confirm"), unless confirm.reason was
 * given. Returns 0 when it may be saved (*reason: the confirmation's). */
static int entry_gate(const struct stage *g, const char *up, json_t *body,
                      const char **reason, struct reply *r)
{
    *reason = NULL;
    const void *rec = g->sj ? added_record(g->sj, up) : NULL;
    if (!rec)
        return 0;
    int32_t today = date_today();
    struct entry_issues o;
    if (!strcmp(up, "EX"))
        entry_check_dose(&g->s, g->sj, rec, today, &o);
    else if (!strcmp(up, "AE"))
        entry_check_ae(&g->s, g->sj, rec, today, &o);
    else
        entry_check_cm(&g->s, g->sj, rec, today, &o);
    return srv_entry_reply(&o, body, reason, r);
}

/* The loader's refusal of a new record in the form's words: a problem
 * that starts with a column ("AESTDTC '02/03/2025' must be ...") is put
 * beside that field with the column's label ("Start date '02/03/2025'
 * must be ..."), and the error says the first. */
static void problems_in_words(struct reply *r)
{
    json_t *probs = json_object_get(r->json, "problems");
    json_t *fields = json_object();
    const char *first = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(probs, i, x)
    {
        const char *m = json_string_value(json_object_get(x, "message"));
        if (!m)
            continue;
        char col[16];
        size_t n = strspn(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (n < 2 || n >= sizeof col || m[n] != ' ')
            continue;
        snprintf(col, sizeof col, "%.*s", (int)n, m);
        const char *label = entry_label(col);
        if (!label || json_object_get(fields, col))
            continue;
        char text[400];
        snprintf(text, sizeof text, "%s%s", label, m + n);
        json_object_set_new(fields, col, json_string(text));
        if (!first)
            first = json_string_value(json_object_get(fields, col));
    }
    if (first) {
        char msg[500];
        snprintf(msg, sizeof msg, "%s; nothing was saved", first);
        json_object_set_new(r->json, "error", json_string(msg));
        json_object_set_new(r->json, "fields", fields);
    } else
        json_decref(fields);
}

void h_record_add(struct call *c, struct reply *r)
{
    json_t *j = srv_parse_body(c, r);
    if (!j)
        return;
    const char *domain = str_field(j, "domain", r);
    json_t *vals = json_object_get(j, "values");
    if (domain && !json_is_object(vals)) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "'values' (an object of column to text) is required");
        domain = NULL;
    }
    if (!domain || !may_write(c, domain, r)) {
        json_decref(j);
        return;
    }
    size_t n = json_object_size(vals);
    const char **cols = calloc(n + 8, sizeof *cols);
    const char **v = calloc(n + 8, sizeof *v);
    char up[8], file[16], seqcol[16], seq[32], vnum[32];
    snprintf(up, sizeof up, "%.2s", domain);
    for (char *p = up; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    snprintf(file, sizeof file, "%.4s.csv", domain);
    snprintf(seqcol, sizeof seqcol, "%sSEQ", up);
    struct stage g;
    stage_init(&g);
    pthread_mutex_lock(&c->srv->store_lock);
    if (!cols || !v) {
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    } else if (stage_export(c->srv, &g, c->arg, r) == 0) {
        if (!g.exists) {
            reply_error(r, MHD_HTTP_NOT_FOUND, "no such subject");
        } else {
            const char *visit =
                json_string_value(json_object_get(vals, "VISIT"));
            stage_numbers(&g, file, c->arg, visit, seq, vnum);
            size_t k = 0;
            cols[k] = "STUDYID", v[k++] = g.studyid;
            cols[k] = "DOMAIN", v[k++] = up;
            cols[k] = "USUBJID", v[k++] = c->arg;
            cols[k] = seqcol, v[k++] = seq;
            if (visit && *vnum && !json_object_get(vals, "VISITNUM"))
                cols[k] = "VISITNUM", v[k++] = vnum;
            bool bad = false;
            const char *key;
            json_t *x;
            json_object_foreach(vals, key, x)
            {
                if (!json_is_string(x) || !sdtm_name(key) ||
                    !strcmp(key, "STUDYID") || !strcmp(key, "DOMAIN") ||
                    !strcmp(key, "USUBJID") || !strcmp(key, seqcol)) {
                    char msg[160];
                    snprintf(msg, sizeof msg,
                             "values.%.60s: a text value of a column the "
                             "site enters is expected (an SDTM name: A-Z, "
                             "0-9, at most 8)",
                             key);
                    reply_error(r, MHD_HTTP_BAD_REQUEST, msg);
                    bad = true;
                    break;
                }
                cols[k] = key, v[k++] = json_string_value(x);
            }
            /* An AE's summary columns from its per-drug qualifiers,
             * unless the caller gave them. */
            char rel[32] = "", acn[32] = "";
            json_t *qs = json_object_get(j, "qualifiers");
            if (!bad && !strcmp(up, "AE") && json_is_object(qs)) {
                const char *qn[32], *qv[32];
                size_t nq = 0;
                const char *qk;
                json_t *qx;
                json_object_foreach(qs, qk, qx)
                {
                    if (nq < 32 && json_is_string(qx)) {
                        qn[nq] = qk;
                        qv[nq++] = json_string_value(qx);
                    }
                }
                sdtm_ae_summary(&g.s.proto, qn, qv, nq, rel, acn);
                if (*rel && !json_object_get(vals, "AEREL"))
                    cols[k] = "AEREL", v[k++] = rel;
                if (*acn && !json_object_get(vals, "AEACN"))
                    cols[k] = "AEACN", v[k++] = acn;
            }
            /* The answers the record cannot do without, beside their
             * fields, before anything is staged (entry_required,
             * endpoints/entry.c). */
            json_t *fields = json_object();
            const char *first = NULL;
            char typed[300] = "";
            for (size_t i = 0; !bad && i < k; i++) {
                char why[200];
                if (entry_check_text(cols[i], v[i], why, sizeof why) < 0) {
                    json_object_set_new(fields, cols[i], json_string(why));
                    if (!typed[0])
                        snprintf(typed, sizeof typed, "%s", why);
                }
            }
            for (const struct entry_field *e = entry_required();
                 !bad && e->domain; e++) {
                const char *given =
                    json_string_value(json_object_get(vals, e->column));
                if (strcmp(e->domain, up) || (given && *given))
                    continue;
                char msg[96];
                snprintf(msg, sizeof msg, "%s is required", e->label);
                json_object_set_new(fields, e->column, json_string(msg));
                if (!first)
                    first = e->label;
            }
            if (first || typed[0]) {
                char msg[400];
                if (first)
                    snprintf(msg, sizeof msg,
                             "%s is required; nothing was saved", first);
                else
                    snprintf(msg, sizeof msg, "%s; nothing was saved", typed);
                r->status = 422;
                r->json =
                    json_pack("{s:s, s:O}", "error", msg, "fields", fields);
                bad = true;
            }
            json_decref(fields);
            json_t *ids = json_array();
            g.sink.strict = true;
            int sr = bad ? 0 : sink_row(&g.sink, file, cols, v, k);
            if (sr == 0 && !bad)
                sr = add_qualifiers(&g, j, c->arg, up, seqcol, seq, r);
            if (sr == -3)
                bad = true; /* the reply says why */
            else if (sr == -2)
                reply_error(r, 422, g.sink.missing);
            else if (sr < 0)
                reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                            "the working folder could not be written");
            const char *reason = NULL;
            if (!bad && sr == 0 && stage_reload(&g, c->arg, r) < 0) {
                problems_in_words(r);
                bad = true;
            }
            if (!bad && (sr < 0 || entry_gate(&g, up, j, &reason, r) < 0 ||
                         stage_save(c->srv, &g, c->who->user, reason, NULL, ids,
                                    r) < 0))
                bad = true;
            if (!bad && !r->json) {
                reply_json(r, json_pack("{s:s, s:s, s:O}", "usubjid", c->arg,
                                        "domain", domain, "records", ids));
                r->status = MHD_HTTP_CREATED;
            }
            json_decref(ids);
        }
    }
    pthread_mutex_unlock(&c->srv->store_lock);
    stage_close(&g);
    free(cols);
    free(v);
    json_decref(j);
}

/* ---- a saved value changed, with a reason ---- */

struct change_check {
    struct server *srv;
    struct stage g;
    struct reply *r;
    struct store_check chk; /* its findings: those of the subject changed */
    struct checks checks;
};

/* Inside the change's transaction: the subject as changed must load. */
static int check_change(void *ctx, struct store *st, const char *usubjid,
                        char *err)
{
    (void)st;
    struct change_check *k = ctx;
    if (stage_open(k->srv, &k->g, usubjid, k->r) < 0) {
        snprintf(err, STORE_ERR, "the changed data is not valid");
        if (k->r->status == MHD_HTTP_CONFLICT && k->r->json) {
            k->r->status = 422;
            json_object_set_new(k->r->json, "error",
                                json_string("the change is not valid; "
                                            "nothing was changed"));
        }
        return -1;
    }
    if (k->g.sj) { /* its automatic queries, in the same transaction */
        srv_checks_run(&k->g.s, k->g.sj, &k->checks);
        k->chk.findings = k->checks.sf;
        k->chk.n_findings = k->checks.n;
    }
    return 0;
}

/* The store's name of a record's domain ("tr"), from its DOMAIN value. */
static int record_domain(struct server *srv, long id, char domain[16])
{
    char err[STORE_ERR];
    int rc = store_record_get(srv->store, id, "DOMAIN", domain, 16, err);
    for (char *p = domain; rc == 1 && *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    return rc;
}

/* The fields of a change: {"field": F, "value": V} or {"values": {F: V,
 * ...}} (several fields of the record in one transaction: a diameter is
 * kept as measured, as standard text and as a number). NULL with a 400
 * reply when malformed. */
static size_t change_fields(json_t *j, const char ***f, const char ***v,
                            struct reply *r)
{
    json_t *many = json_object_get(j, "values");
    size_t n = json_is_object(many) ? json_object_size(many) : 1;
    /* Room for the standardised twins (add_twins). */
    *f = calloc(n + 4, sizeof **f);
    *v = calloc(n + 4, sizeof **v);
    if (!*f || !*v) {
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
        return 0;
    }
    if (!json_is_object(many)) {
        (*f)[0] = str_field(j, "field", r);
        (*v)[0] = (*f)[0] ? str_field(j, "value", r) : NULL;
        return (*v)[0] ? 1 : 0;
    }
    size_t k = 0;
    const char *key;
    json_t *x;
    json_object_foreach(many, key, x)
    {
        if (!json_is_string(x)) {
            reply_error(r, MHD_HTTP_BAD_REQUEST,
                        "'values' maps each field to its new text");
            return 0;
        }
        (*f)[k] = key;
        (*v)[k++] = json_string_value(x);
    }
    if (!k)
        reply_error(r, MHD_HTTP_BAD_REQUEST, "'values' names no field");
    return k;
}

/* The standardised twins a change carries along (add_twins). */
struct twins {
    struct sdtm_std std;
    char names[3][16];
};

/* A change of a collected result (TRORRES, TRORRESU, RSORRES...) carries
 * its standardised twins along, as sdtm_standardise says, for the columns
 * the record has and the caller did not change itself (then the loader
 * checks that the two agree). fields and values have room for 3 more. */
static void add_twins(struct server *srv, long id, const char *domain,
                      const char **fields, const char **values, size_t *n,
                      struct twins *tw)
{
    char dom[4], orres[16], orresu[16];
    snprintf(dom, sizeof dom, "%.2s", domain);
    for (char *p = dom; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    snprintf(orres, sizeof orres, "%sORRES", dom);
    snprintf(orresu, sizeof orresu, "%sORRESU", dom);
    const char *res = NULL, *unit = NULL;
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp(fields[i], orres))
            res = values[i];
        else if (!strcmp(fields[i], orresu))
            unit = values[i];
    }
    if (!res && !unit)
        return;
    char err[STORE_ERR], cur_res[256] = "", cur_unit[64] = "";
    if (!res) {
        if (store_record_get(srv->store, id, orres, cur_res, sizeof cur_res,
                             err) != 1)
            return;
        res = cur_res;
    }
    if (!unit) {
        if (store_record_get(srv->store, id, orresu, cur_unit, sizeof cur_unit,
                             err) < 0)
            return;
        unit = cur_unit;
    }
    if (sdtm_standardise(dom, res, unit, &tw->std) < 0)
        return;
    const char *twin[3] = {"STRESC", "STRESN", "STRESU"};
    const char *val[3] = {tw->std.stresc, tw->std.stresn, tw->std.stresu};
    for (int t = 0; t < (tw->std.has_number ? 3 : 1); t++) {
        char have[8];
        snprintf(tw->names[t], sizeof tw->names[t], "%s%s", dom, twin[t]);
        bool given = false;
        for (size_t i = 0; i < *n && !given; i++)
            given = !strcmp(fields[i], tw->names[t]);
        if (given || store_record_get(srv->store, id, tw->names[t], have,
                                      sizeof have, err) != 1)
            continue;
        fields[*n] = tw->names[t];
        values[(*n)++] = val[t];
    }
}

/* The columns that name a record rather than say something of it: a
 * change never touches them, and the page's Change form does not offer
 * them (srv_identity_json). */
static const char *const identity_whole[] = {
    "STUDYID", "DOMAIN",   "USUBJID", "VISITNUM", "RDOMAIN",
    "IDVAR",   "IDVARVAL", "QNAM",    "QLABEL",   NULL};
static const char *const identity_tail[] = {"SEQ", "TESTCD", "TEST", "LNKID",
                                            NULL}; /* after a domain prefix */

static bool identity_field(const char *f)
{
    for (size_t i = 0; identity_whole[i]; i++)
        if (!strcmp(f, identity_whole[i]))
            return true;
    size_t n = strlen(f);
    for (size_t i = 0; identity_tail[i]; i++)
        if (n == 2 + strlen(identity_tail[i]) &&
            !strcmp(f + 2, identity_tail[i]))
            return true;
    return false;
}

json_t *srv_identity_json(void)
{
    json_t *whole = json_array(), *tail = json_array();
    for (size_t i = 0; identity_whole[i]; i++)
        json_array_append_new(whole, json_string(identity_whole[i]));
    for (size_t i = 0; identity_tail[i]; i++)
        json_array_append_new(tail, json_string(identity_tail[i]));
    return json_pack("{s:o, s:o}", "columns", whole, "suffixes", tail);
}

void h_record_change(struct call *c, struct reply *r)
{
    json_t *j = srv_parse_body(c, r);
    if (!j)
        return;
    const char **fields = NULL, **values = NULL;
    size_t n = change_fields(j, &fields, &values, r);
    const char *reason = n ? str_field(j, "reason", r) : NULL;
    char *end;
    long id = strtol(c->arg, &end, 10);
    if (reason && (*end || id <= 0)) {
        reply_error(r, MHD_HTTP_NOT_FOUND, "no such record");
        reason = NULL;
    }
    if (reason && !*reason) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "a reason is required for a change after first entry");
        reason = NULL;
    }
    for (size_t i = 0; reason && i < n; i++)
        if (identity_field(fields[i])) {
            char msg[300];
            snprintf(msg, sizeof msg,
                     "%.20s identifies the record and is not changed (nor "
                     "are STUDYID, DOMAIN, USUBJID, VISITNUM, --SEQ, "
                     "--TESTCD, --TEST, --LNKID or a qualifier's keys); "
                     "change its values, or enter the record anew",
                     fields[i]);
            reply_error(r, MHD_HTTP_BAD_REQUEST, msg);
            reason = NULL;
        }
    if (!reason) {
        free(fields);
        free(values);
        json_decref(j);
        return;
    }
    struct change_check k;
    memset(&k, 0, sizeof k);
    k.srv = c->srv;
    k.r = r;
    k.chk.fn = check_change;
    k.chk.ctx = &k;
    stage_init(&k.g);
    char domain[16] = "", err[STORE_ERR] = "";
    struct twins tw;
    pthread_mutex_lock(&c->srv->store_lock);
    if (record_domain(c->srv, id, domain) != 1) {
        reply_error(r, MHD_HTTP_NOT_FOUND, "no such record");
    } else if (may_write(c, domain, r)) {
        add_twins(c->srv, id, domain, fields, values, &n, &tw);
        if (store_record_update_checked(c->srv->store, id, fields, values, n,
                                        c->who->user, reason, &k.chk,
                                        err) < 0) {
            if (!r->json)
                reply_error(r, srv_store_status(c->srv, 422), err);
        } else {
            json_t *ch = json_object();
            for (size_t i = 0; i < n; i++)
                json_object_set_new(ch, fields[i], json_string(values[i]));
            reply_json(r, json_pack("{s:I, s:o, s:s}", "record", (json_int_t)id,
                                    "values", ch, "reason", reason));
        }
    }
    pthread_mutex_unlock(&c->srv->store_lock);
    srv_checks_release(&k.checks);
    stage_close(&k.g);
    free(fields);
    free(values);
    json_decref(j);
}

/* ---- the audit trail of one record ---- */

static int audit_row_json(void *ctx, const struct audit_row *a)
{
    json_array_append_new(
        ctx, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, "
                       "s:I}",
                       "id", (json_int_t)a->id, "ts", a->ts, "user", a->user,
                       "action", a->action, "field", a->field, "old",
                       a->old_value, "new", a->new_value, "reason", a->reason,
                       "table", a->tbl, "record", (json_int_t)a->record_id));
    return 0;
}

/* A date (YYYY-MM-DD) of the query string, as an audit timestamp bound:
 * the day's start (from) or end (to); NULL when absent; -1 when bad. */
static int day_bound(struct call *c, const char *key, bool end, char out[40])
{
    const char *v =
        MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, key);
    if (!v || !*v)
        return 0;
    struct pdate pd;
    const char *why;
    if (strlen(v) != 10 || pdate_parse(v, 10, &pd, &why) < 0 || !pd.day)
        return -1;
    snprintf(out, 40, "%sT%s", v, end ? "23:59:59.999999Z" : "00:00:00Z");
    return 1;
}

void h_subject_audit(struct call *c, struct reply *r)
{
    char from[40], to[40], err[STORE_ERR];
    int a = day_bound(c, "from", false, from), b = day_bound(c, "to", true, to);
    const char *rec =
        MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, "record");
    char *end = NULL;
    long id = rec && *rec ? strtol(rec, &end, 10) : 0;
    if (a < 0 || b < 0 || (rec && *rec && (*end || id <= 0))) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "'from' and 'to' are dates YYYY-MM-DD, 'record' a record "
                    "id");
        return;
    }
    struct audit_filter f = {0};
    f.usubjid = c->arg;
    f.from = a ? from : NULL;
    f.to = b ? to : NULL;
    f.record_id = id;
    json_t *rows = json_array();
    pthread_mutex_lock(&c->srv->store_lock);
    int rc = store_audit_each(c->srv->store, &f, audit_row_json, rows, err);
    pthread_mutex_unlock(&c->srv->store_lock);
    if (rc < 0) {
        json_decref(rows);
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the audit trail could not be read");
        return;
    }
    reply_json(r, json_pack("{s:s, s:o}", "usubjid", c->arg, "audit", rows));
}

void h_record_audit(struct call *c, struct reply *r)
{
    char *end;
    long id = strtol(c->arg, &end, 10);
    char domain[16] = "", err[STORE_ERR];
    json_t *a = json_array();
    pthread_mutex_lock(&c->srv->store_lock);
    int rc = *end || id <= 0 ? 0 : record_domain(c->srv, id, domain);
    if (rc == 1) {
        struct audit_filter f = {0};
        f.record_id = id;
        f.tbl = domain; /* queries and signatures number their own rows */
        rc = store_audit_each(c->srv->store, &f, audit_row_json, a, err) < 0
                 ? -1
                 : 1;
    }
    pthread_mutex_unlock(&c->srv->store_lock);
    if (rc != 1) {
        json_decref(a);
        reply_error(
            r, rc == 0 ? MHD_HTTP_NOT_FOUND : MHD_HTTP_INTERNAL_SERVER_ERROR,
            rc == 0 ? "no such record" : "the audit trail could not be read");
        return;
    }
    reply_json(r, json_pack("{s:I, s:s, s:o}", "record", (json_int_t)id,
                            "domain", domain, "audit", a));
}
