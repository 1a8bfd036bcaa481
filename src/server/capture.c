/*
 * capture.c - the data capture handlers of `balist serve`: enrolment
 * through the eligibility checklist, a row added to a subject's domain
 * (dosing, adverse events, medication, disposition), a saved value
 * changed with a reason, the audit trail of a record, queries and
 * investigators' signatures. Every write is staged first: the subject's
 * data goes into a working folder with the new rows, the loader reads it
 * (so bad input is refused with the loader's file, line and column), and
 * only then is it written, in one audited transaction. The rules
 * (eligibility, edit checks, schedule) are in endpoints/review.c.
 */
#include "server_int.h"

#include "balist/endpoints.h"
#include "balist/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- staging a change ---- */

void stage_close(struct stage *g)
{
    sink_release(&g->sink);
    row_overlay_release(&g->ov);
    diags_release(&g->d);
    study_release(&g->s);
}

static int load_dir(struct stage *g)
{
    struct load_options o;
    load_options_init(&o);
    study_release(&g->s);
    diags_release(&g->d);
    study_init(&g->s);
    diags_init(&g->d, 50);
    return sdtm_load_source(&g->src, &o, &g->s, &g->d);
}

void stage_init(struct stage *g)
{
    memset(g, 0, sizeof *g);
    study_init(&g->s);
    diags_init(&g->d, 50);
    row_overlay_init(&g->ov, &g->base);
    row_source_overlay(&g->src, &g->ov);
    g->sink.ov = &g->ov;
    g->sink.src = &g->src;
}

/* Stops at the first row below the header. */
static int any_row(void *ctx, const struct csvr_rec *r)
{
    if (r->line == 1)
        return 0;
    *(bool *)ctx = true;
    return 1;
}

/* True when the staged file has a row below its header. */
static bool has_rows(const struct row_source *src, const char *name)
{
    bool any = false;
    struct diags d;
    diags_init(&d, 1);
    if (src->has(src->ctx, name))
        src->stream(src->ctx, name, any_row, &any, &d, NULL);
    diags_release(&d);
    return any;
}

int stage_export(struct server *srv, struct stage *g, const char *usubjid,
                 struct reply *r)
{
    char err[STORE_ERR];
    /* The subject's saved rows, read from the store as they are loaded
     * (the store lock is held until the save). */
    store_row_source(&g->bx, srv->store, usubjid, &g->base);
    if (store_study_id(srv->store, g->studyid, sizeof g->studyid, err) < 0) {
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the study could not be read from the database");
        return -1;
    }
    g->sj = NULL;
    g->exists = has_rows(&g->src, "dm.csv");
    if (g->bx.err[0]) {
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the study could not be read from the database");
        return -1;
    }
    size_t len;
    char *pf =
        g->exists ? NULL : g->src.text(g->src.ctx, "protocol.json", &len);
    if (pf) /* no such subject (yet): the protocol alone */
        protocol_parse(&g->s.proto, pf, len, "protocol.json", &g->d);
    free(pf);
    return 0;
}

int stage_open(struct server *srv, struct stage *g, const char *usubjid,
               struct reply *r)
{
    if (stage_export(srv, g, usubjid, r) < 0)
        return -1;
    if (!g->exists)
        return 0;
    if (load_dir(g) < 0) {
        json_t *e = json_pack("{s:s, s:o}", "error",
                              "the subject's saved data has errors", "problems",
                              problems_json(&g->d));
        r->status = MHD_HTTP_CONFLICT;
        r->json = e;
        return -1;
    }
    g->sj = study_find(&g->s, usubjid);
    if (!g->studyid[0] && g->sj && g->sj->studyid)
        snprintf(g->studyid, sizeof g->studyid, "%s", g->sj->studyid);
    return 0;
}

int stage_reload(struct stage *g, const char *usubjid, struct reply *r)
{
    if (load_dir(g) < 0) {
        json_t *e = json_pack("{s:s, s:o}", "error",
                              "the data is not valid; nothing was saved",
                              "problems", problems_json(&g->d));
        r->status = 422;
        r->json = e;
        return -1;
    }
    g->sj = study_find(&g->s, usubjid);
    return 0;
}

void checks_run(const struct study *s, const struct subject *sj,
                struct checks *k)
{
    memset(k, 0, sizeof k[0]);
    struct derive_options dop = {false};
    endpoints_subject(s, sj, &dop, &k->res);
    k->n = endpoints_findings(s, sj, &k->res, &k->f);
    k->sf = xcalloc(k->n + 1, sizeof *k->sf);
    for (size_t i = 0; i < k->n; i++)
        k->sf[i] = (struct store_finding){
            k->f[i].key, k->f[i].visit[0] ? k->f[i].visit : NULL, k->f[i].text};
    k->done = true;
}

void checks_release(struct checks *k)
{
    if (!k->done)
        return;
    subject_result_release(&k->res);
    free(k->f);
    free(k->sf);
    k->done = false;
}

int stage_save(struct server *srv, struct stage *g, const char *user,
               const struct checks *given, json_t *ids, struct reply *r)
{
    char err[STORE_ERR];
    /* The checks of the subject as it will be saved: its automatic
     * queries are written in the same transaction as the rows. */
    struct checks own = {0};
    const struct checks *k = given;
    if (!k && g->sj) {
        checks_run(&g->s, g->sj, &own);
        k = &own;
    }
    long *idv = calloc(g->sink.n + 1, sizeof *idv);
    int rc = !idv ? -1
                  : store_save(srv->store, g->sink.rows, g->sink.n, user, idv,
                               k ? g->sj->usubjid : NULL, k ? k->sf : NULL,
                               k ? k->n : 0, err);
    for (size_t i = 0; rc == 0 && i < g->sink.n; i++)
        json_array_append_new(ids, json_integer(idv[i]));
    free(idv);
    checks_release(&own);
    if (rc < 0) {
        /* A lock refuses the save (409, who locked it); anything else is
         * the server's failure. The store lock is held. */
        bool locked = store_errcode(srv->store) == STORE_ECONFLICT;
        reply_error(
            r, locked ? MHD_HTTP_CONFLICT : MHD_HTTP_INTERNAL_SERVER_ERROR,
            locked ? err : "the data could not be saved; nothing was written");
        return -1;
    }
    return 0;
}

/* The largest SEQ of a domain file, and the VISITNUM of a visit there. */
struct scan {
    int seq_col, visit_col, vnum_col, subj_col;
    const char *visit, *usubjid;
    long max_seq;
    double vnum, max_vnum;
};

static int scan_row(void *ctx, const struct csvr_rec *r)
{
    struct scan *x = ctx;
    if (r->line == 1) {
        for (size_t i = 0; i < r->n; i++) {
            const char *h = r->f[i];
            size_t n = strlen(h);
            if (n == 5 && !strcmp(h + 2, "SEQ"))
                x->seq_col = (int)i;
            if (!strcmp(h, "VISIT"))
                x->visit_col = (int)i;
            if (!strcmp(h, "VISITNUM"))
                x->vnum_col = (int)i;
            if (!strcmp(h, "USUBJID"))
                x->subj_col = (int)i;
        }
        return 0;
    }
    if (x->subj_col >= 0 && (size_t)x->subj_col < r->n &&
        strcmp(r->f[x->subj_col], x->usubjid) != 0)
        return 0;
    if (x->seq_col >= 0 && (size_t)x->seq_col < r->n) {
        long v = strtol(r->f[x->seq_col], NULL, 10);
        if (v > x->max_seq)
            x->max_seq = v;
    }
    if (x->vnum_col >= 0 && (size_t)x->vnum_col < r->n && *r->f[x->vnum_col]) {
        double v = strtod(r->f[x->vnum_col], NULL);
        if (v > x->max_vnum)
            x->max_vnum = v;
        if (x->visit && x->visit_col >= 0 && (size_t)x->visit_col < r->n &&
            !strcmp(r->f[x->visit_col], x->visit))
            x->vnum = v;
    }
    return 0;
}

/* The next --SEQ of the subject in file, and the VISITNUM of visit (its
 * number where the file has it, else one past the largest). */
void stage_numbers(const struct stage *g, const char *file, const char *usubjid,
                   const char *visit, char seq[32], char vnum[32])
{
    struct scan x = {-1, -1, -1, -1, visit, usubjid, 0, -1, 0};
    struct diags d;
    diags_init(&d, 1);
    if (g->src.has(g->src.ctx, file))
        g->src.stream(g->src.ctx, file, scan_row, &x, &d, NULL);
    diags_release(&d);
    snprintf(seq, 32, "%ld", x.max_seq + 1);
    if (vnum && x.vnum_col < 0) {
        vnum[0] = 0; /* the file has no VISITNUM */
    } else if (vnum) {
        double v = x.vnum >= 0 ? x.vnum : floor(x.max_vnum) + 1;
        snprintf(vnum, 32, "%g", v);
    }
}

/* ---- automatic queries ---- */

void sync_findings(struct server *srv, const struct study *s,
                   const struct subject *sj)
{
    struct checks k;
    checks_run(s, sj, &k);
    char err[STORE_ERR];
    /* A failure here leaves the saved data as it is; the queries catch
     * up at the next write. */
    store_queries_sync(srv->store, sj->usubjid, k.sf, k.n, "balist-checks",
                       NULL, NULL, err);
    checks_release(&k);
}

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

/* sdtm_row_fn onto the stage's sink. */
static int sink_fn(void *ctx, const char *file, const char *const *cols,
                   const char *const *vals, size_t n)
{
    return sink_row(ctx, file, cols, vals, n);
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
                                 sink_fn, &g->sink);
    free(ans);
    if (rc < 0)
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the working folder could not be written");
    return rc;
}

void h_enrol(struct call *c, struct reply *r)
{
    json_t *j = parse_body(c, r);
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
                       stage_save(c->srv, &g, c->who->user, NULL, ids, r) ==
                           0) {
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

void h_record_add(struct call *c, struct reply *r)
{
    json_t *j = parse_body(c, r);
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
            if (!bad &&
                (sr < 0 || stage_reload(&g, c->arg, r) < 0 ||
                 stage_save(c->srv, &g, c->who->user, NULL, ids, r) < 0))
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
        checks_run(&k->g.s, k->g.sj, &k->checks);
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

void h_record_change(struct call *c, struct reply *r)
{
    json_t *j = parse_body(c, r);
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
        if (!strcmp(fields[i], "STUDYID") || !strcmp(fields[i], "DOMAIN") ||
            !strcmp(fields[i], "USUBJID")) {
            reply_error(r, MHD_HTTP_BAD_REQUEST,
                        "STUDYID, DOMAIN and USUBJID are not changed here");
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
                reply_error(r, store_status(c->srv, 422), err);
        } else {
            json_t *ch = json_object();
            for (size_t i = 0; i < n; i++)
                json_object_set_new(ch, fields[i], json_string(values[i]));
            reply_json(r, json_pack("{s:I, s:o, s:s}", "record", (json_int_t)id,
                                    "values", ch, "reason", reason));
        }
    }
    pthread_mutex_unlock(&c->srv->store_lock);
    checks_release(&k.checks);
    stage_close(&k.g);
    free(fields);
    free(values);
    json_decref(j);
}

/* ---- the audit trail of one record ---- */

static int audit_row_json(void *ctx, const struct audit_row *a)
{
    json_array_append_new(
        ctx, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "id",
                       (json_int_t)a->id, "ts", a->ts, "user", a->user,
                       "action", a->action, "field", a->field, "old",
                       a->old_value, "new", a->new_value, "reason", a->reason));
    return 0;
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

/* ---- queries ---- */

static int query_json(void *ctx, const struct query_row *q)
{
    json_array_append_new(
        ctx, json_pack("{s:I, s:s, s:s?, s:s, s:s?, s:s, s:s, s:s, s:s, s:s?, "
                       "s:s?, s:s?, s:s?, s:s?, s:s?}",
                       "id", (json_int_t)q->id, "usubjid", q->usubjid, "visit",
                       q->visit, "kind", q->kind, "check", q->check_key, "text",
                       q->text, "status", q->status, "raised_by", q->raised_by,
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
    json_t *j = parse_body(c, r);
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
        pthread_mutex_lock(&c->srv->store_lock);
        if (stage_export(c->srv, &g, c->arg, r) == 0 && !g.exists)
            reply_error(r, MHD_HTTP_NOT_FOUND, "no such subject");
        else if (!r->json)
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
    json_t *j = parse_body(c, r);
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
        int status = rc < 0 ? store_status(c->srv, MHD_HTTP_BAD_REQUEST) : 0;
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
        json_pack("{s:I, s:s?, s:s, s:s, s:s, s:s, s:s, s:b, s:s?, "
                  "s:s?, s:s?}",
                  "id", (json_int_t)g->id, "visit", g->visit, "kind", g->kind,
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

static void sign(struct call *c, struct reply *r, const char *kind)
{
    json_t *j = parse_body(c, r);
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
        long id = store_sign(c->srv->store, c->arg, visit, kind, meaning,
                             c->who->user, pw, err);
        int status = id < 0 ? store_status(c->srv, MHD_HTTP_BAD_REQUEST) : 0;
        pthread_mutex_unlock(&c->srv->store_lock);
        if (id == 0) {
            password_failed(c->srv, c->who->user); /* as at login */
            reply_error(r, MHD_HTTP_UNAUTHORIZED,
                        "the password is not right: nothing was signed");
        } else if (id < 0)
            reply_error(r, status, err);
        else {
            reply_json(r,
                       json_pack("{s:I, s:s, s:s, s:s?, s:s}", "signature",
                                 (json_int_t)id, "kind", kind, "usubjid",
                                 c->arg, "visit", visit, "meaning", meaning));
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
    json_t *j = parse_body(c, r);
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
                            : store_status(c->srv, MHD_HTTP_BAD_REQUEST);
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

json_t *subject_extras(struct server *srv, const struct study *s,
                       const struct subject *sj,
                       const struct subject_result *res)
{
    char err[STORE_ERR];
    json_t *recs = json_object();
    store_records_each(srv->store, sj->usubjid, record_json, recs, err);
    struct sched_visit *v = NULL;
    time_t now = time(NULL);
    int32_t today = (int32_t)(now / 86400);
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
            sched, json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:b, s:b, s:o}",
                             "kind", v[i].kind, "number", v[i].number, "due",
                             due, "from", lo, "to", hi, "done", done, "overdue",
                             v[i].overdue, "late", v[i].late, "doses", doses));
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
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "records", recs, "schedule",
                     sched, "queries", q ? q : json_array(), "signatures",
                     g ? g : json_array(), "drugs", drugs);
}

/* ---- the dashboard ---- */

static json_t *table_json(const struct table *t)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < t->nrow; i++) {
        json_t *o = json_object();
        for (size_t k = 0; k < t->ncol; k++) {
            const char *v = t->cells[i * t->ncol + k];
            json_object_set_new(o, t->cols[k], json_string(v ? v : ""));
        }
        json_array_append_new(rows, o);
    }
    return rows;
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Enrolment by month (cumulative), the efficacy and safety summaries of
 * the report (CNS ORR with its exact CI among them), the disposition,
 * and the Kaplan-Meier plot of PFS as SVG: all from the report module,
 * so the page and `balist report` agree. */
static json_t *dashboard(struct call *c, struct reply *r)
{
    struct study s;
    struct diags d;
    if (load_locked(c, r, &s, &d) < 0)
        return NULL;
    struct report_data rd;
    report_collect(&s, &rd);
    int32_t *days = calloc(s.n_subjects + 1, sizeof *days);
    size_t n = 0;
    struct derive_options dop = {false};
    for (size_t i = 0; days && i < s.n_subjects; i++) {
        struct subject_result res;
        endpoints_subject(&s, &s.subjects[i], &dop, &res);
        int32_t day = s.subjects[i].origin != DATE_NONE
                          ? s.subjects[i].origin
                          : s.subjects[i].first_dose;
        if (res.enrolled && day != DATE_NONE)
            days[n++] = day;
        subject_result_release(&res);
    }
    if (days)
        qsort(days, n, sizeof *days, cmp_day);
    json_t *months = json_array();
    for (size_t i = 0; i < n; i++) {
        char ym[11];
        date_format(days[i], ym);
        ym[7] = 0;
        json_t *last = json_array_get(months, json_array_size(months) - 1);
        if (last &&
            !strcmp(json_string_value(json_object_get(last, "month")), ym))
            json_object_set_new(last, "enrolled",
                                json_integer((json_int_t)i + 1));
        else
            json_array_append_new(months,
                                  json_pack("{s:s, s:I}", "month", ym,
                                            "enrolled", (json_int_t)i + 1));
    }
    free(days);
    char *km = report_plot_svg(&rd, "km_pfscns");
    char *km2 = report_plot_svg(&rd, "km_pfs");
    char cut[11] = "";
    if (s.proto.data_cutoff != DATE_NONE)
        date_format(s.proto.data_cutoff, cut);
    json_t *o = json_pack(
        "{s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:s, s:s}", "studyid", rd.studyid,
        "data_cutoff", cut, "subjects", (json_int_t)s.n_subjects, "enrolment",
        months, "efficacy", table_json(&rd.efficacy), "safety",
        table_json(&rd.safety), "disposition", table_json(&rd.disposition),
        "km_pfscns_svg", km ? km : "", "km_pfs_svg", km2 ? km2 : "");
    free(km);
    free(km2);
    report_release(&rd);
    diags_release(&d);
    study_release(&s);
    return o;
}

void h_dashboard(struct call *c, struct reply *r)
{
    cached_reply(c, r, &c->srv->dash, dashboard, NULL);
}

/* ---- exports: the ADaM datasets of `balist derive`, from the database ---- */

void h_export(struct call *c, struct reply *r)
{
    static const char *const names[] = {"adsl.csv", "adrs.csv", "adtte.csv",
                                        "adtr.csv", "adae.csv", NULL};
    int which = -1;
    for (int i = 0; names[i]; i++)
        if (!strcmp(c->arg, names[i]))
            which = i;
    if (which < 0) {
        reply_error(r, MHD_HTTP_NOT_FOUND,
                    "no such dataset (adsl.csv, adrs.csv, adtte.csv, "
                    "adtr.csv, adae.csv)");
        return;
    }
    struct study s;
    struct diags d;
    pthread_mutex_lock(&c->srv->store_lock);
    int rc = load_locked(c, r, &s, &d);
    pthread_mutex_unlock(&c->srv->store_lock);
    if (rc < 0)
        return;
    struct adam_tables t;
    adam_tables_init(&t, &s.proto);
    struct derive_options dop = {false};
    for (size_t i = 0; i < s.n_subjects; i++) {
        struct subject_summary sum;
        adam_subject(&s, &s.subjects[i], &dop, &t, &sum);
    }
    const struct table *tabs[] = {&t.adsl, &t.adrs, &t.adtte, &t.adtr, &t.adae};
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    struct csvw *w = fp ? malloc(sizeof *w) : NULL;
    if (w) {
        csvw_from_fp(w, fp);
        table_csv_header(w, tabs[which]);
        table_csv_rows(w, tabs[which]);
        rc = csvw_close(w);
    }
    free(w);
    if (fp && fclose(fp) == 0 && w && rc == 0) {
        r->status = MHD_HTTP_OK;
        r->text = text;
        r->content_type = "text/csv; charset=utf-8";
        snprintf(r->disposition, sizeof r->disposition,
                 "attachment; filename=\"%s\"", names[which]);
    } else {
        free(text);
        reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the dataset could not be written");
    }
    adam_tables_release(&t);
    diags_release(&d);
    study_release(&s);
}
