/*
 * stage.c - every write of the web application is staged first: the
 * subject's saved rows read from the store, the new rows as an overlay on
 * them (io row_overlay), the whole loaded (so bad input is refused with
 * the loader's file, line and column), and only then written, in one
 * audited transaction with the subject's automatic queries. The staged
 * rows' sink is here too.
 */
#include "server_int.h"

#include "balist/endpoints.h"
#include "balist/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    o.all_records = true; /* a change is checked against every record */
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

void srv_checks_run(const struct study *s, const struct subject *sj,
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

void srv_checks_release(struct checks *k)
{
    if (!k->done)
        return;
    subject_result_release(&k->res);
    free(k->f);
    free(k->sf);
    k->done = false;
}

int stage_save(struct server *srv, struct stage *g, const char *user,
               const char *reason, const struct checks *given, json_t *ids,
               struct reply *r)
{
    char err[STORE_ERR];
    /* The checks of the subject as it will be saved: its automatic
     * queries are written in the same transaction as the rows. */
    struct checks own = {0};
    const struct checks *k = given;
    if (!k && g->sj) {
        srv_checks_run(&g->s, g->sj, &own);
        k = &own;
    }
    long *idv = calloc(g->sink.n + 1, sizeof *idv);
    int rc = !idv ? -1
                  : store_save(srv->store, g->sink.rows, g->sink.n, user,
                               reason, idv, k ? g->sj->usubjid : NULL,
                               k ? k->sf : NULL, k ? k->n : 0, err);
    for (size_t i = 0; rc == 0 && i < g->sink.n; i++)
        json_array_append_new(ids, json_integer(idv[i]));
    free(idv);
    srv_checks_release(&own);
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
    char visit_norm[128];
    long max_seq;
    double vnum, max_vnum;
    bool seen; /* a row of the subject at visit (any case) */
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
    /* The same visit however its label is written ("week 6 ", WEEK 6). */
    bool at_visit = false;
    if (x->visit && x->visit_col >= 0 && (size_t)x->visit_col < r->n) {
        char a[128];
        visit_label_norm(r->f[x->visit_col], a, sizeof a);
        at_visit = !strcmp(a, x->visit_norm);
    }
    x->seen = x->seen || at_visit;
    if (x->seq_col >= 0 && (size_t)x->seq_col < r->n) {
        long v = strtol(r->f[x->seq_col], NULL, 10);
        if (v > x->max_seq)
            x->max_seq = v;
    }
    if (x->vnum_col >= 0 && (size_t)x->vnum_col < r->n && *r->f[x->vnum_col]) {
        double v = strtod(r->f[x->vnum_col], NULL);
        if (v > x->max_vnum)
            x->max_vnum = v;
        if (at_visit)
            x->vnum = v;
    }
    return 0;
}

/* The next --SEQ of the subject in file, and the VISITNUM of visit (its
 * number where the file has it, else one past the largest). */
/* The subject's rows of a staged file, scanned once. */
static struct scan scan_file(const struct stage *g, const char *file,
                             const char *usubjid, const char *visit)
{
    struct scan x = {-1, -1, -1, -1, visit, usubjid, "", 0, -1, 0, false};
    visit_label_norm(visit, x.visit_norm, sizeof x.visit_norm);
    struct diags d;
    diags_init(&d, 1);
    if (g->src.has(g->src.ctx, file))
        g->src.stream(g->src.ctx, file, scan_row, &x, &d, NULL);
    diags_release(&d);
    return x;
}

void stage_numbers(const struct stage *g, const char *file, const char *usubjid,
                   const char *visit, char seq[32], char vnum[32])
{
    struct scan x = scan_file(g, file, usubjid, visit);
    snprintf(seq, 32, "%ld", x.max_seq + 1);
    if (vnum && x.vnum_col < 0) {
        vnum[0] = 0; /* the file has no VISITNUM */
    } else if (vnum) {
        double v = x.vnum >= 0 ? x.vnum : floor(x.max_vnum) + 1;
        snprintf(vnum, 32, "%g", v);
    }
}

bool stage_has_visit(const struct stage *g, const char *file,
                     const char *usubjid, const char *visit)
{
    return scan_file(g, file, usubjid, visit).seen;
}

/* ---- what the entry checks decide (endpoints/entry.c) ---- */

int srv_entry_reply(const struct entry_issues *o, json_t *body,
                    const char **reason, struct reply *r)
{
    *reason = NULL;
    json_t *fields = json_object(), *confirm = json_array();
    const char *status = NULL, *first = NULL;
    for (size_t i = 0; i < o->n; i++) {
        const struct entry_issue *x = &o->items[i];
        if (x->sev == ENTRY_STATUS && !status)
            status = x->text;
        else if (x->sev == ENTRY_REFUSE) {
            if (!first)
                first = x->text;
            /* Every refusal of a field beside it, one after the other. */
            const char *had =
                x->field ? json_string_value(json_object_get(fields, x->field))
                         : NULL;
            if (x->field && had) {
                char both[700];
                snprintf(both, sizeof both, "%s; %s", had, x->text);
                json_object_set_new(fields, x->field, json_string(both));
            } else if (x->field)
                json_object_set_new(fields, x->field, json_string(x->text));
        } else if (x->sev == ENTRY_CONFIRM)
            json_array_append_new(
                confirm,
                json_pack("{s:s?, s:s}", "field", x->field, "text", x->text));
    }
    const char *given = json_string_value(
        json_object_get(json_object_get(body, "confirm"), "reason"));
    int rc = 0;
    if (status) {
        reply_error(r, MHD_HTTP_CONFLICT, status);
        rc = -1;
    } else if (first) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s; nothing was saved", first);
        r->status = 422;
        r->json = json_pack("{s:s, s:O}", "error", msg, "fields", fields);
        rc = -1;
    } else if (json_array_size(confirm) && (!given || !*given)) {
        r->status = MHD_HTTP_CONFLICT;
        r->json = json_pack("{s:s, s:O}", "error",
                            "please confirm with a reason; nothing was saved "
                            "yet",
                            "confirm", confirm);
        rc = -1;
    } else if (json_array_size(confirm)) {
        *reason = given;
    }
    json_decref(fields);
    json_decref(confirm);
    return rc;
}

json_t *srv_entry_json(const struct entry_issues *o)
{
    static const char *const sev[] = {[ENTRY_REFUSE] = "refuse",
                                      [ENTRY_CONFIRM] = "confirm",
                                      [ENTRY_STATUS] = "status"};
    json_t *a = json_array();
    for (size_t i = 0; i < o->n; i++)
        json_array_append_new(
            a, json_pack("{s:s, s:s?, s:s}", "severity", sev[o->items[i].sev],
                         "field", o->items[i].field, "text", o->items[i].text));
    return a;
}

/* ---- automatic queries ---- */

void sync_findings(struct server *srv, const struct study *s,
                   const struct subject *sj)
{
    struct checks k;
    srv_checks_run(s, sj, &k);
    char err[STORE_ERR];
    /* A failure here leaves the saved data as it is; the queries catch
     * up at the next write. */
    store_queries_sync(srv->store, sj->usubjid, k.sf, k.n, "balist-checks",
                       NULL, NULL, err);
    srv_checks_release(&k);
}

/* ---- the staged rows ---- */

int sink_row(struct sink *k, const char *file, const char *const *cols,
             const char *const *vals, size_t n)
{
    size_t nh;
    char **head = row_source_header(k->src, file, &nh);
    /* The row in the file's columns (a new file: the row's columns). */
    size_t nc = head ? nh : n;
    char **c = calloc(nc + 1, sizeof *c), **v = calloc(nc + 1, sizeof *v);
    int rc = c && v ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        c[i] = xstrdup(head ? head[i] : cols[i]);
        const char *x = "";
        for (size_t j = 0; j < n; j++)
            if (!strcmp(cols[j], c[i]) && vals[j])
                x = vals[j];
        v[i] = xstrdup(x);
    }
    /* A value for a column the file lacks: refused when strict (what a
     * user entered is never dropped); else left out (optional columns
     * such as TRSEQ that a sponsor's export may not have). */
    for (size_t j = 0; rc == 0 && head && j < n; j++) {
        bool known = false;
        for (size_t i = 0; i < nh && !known; i++)
            known = !strcmp(head[i], cols[j]);
        if (!known && k->strict && vals[j] && *vals[j]) {
            snprintf(k->missing, sizeof k->missing, "%s has no column %s", file,
                     cols[j]);
            rc = -2;
        }
    }
    for (size_t i = 0; i < nh; i++)
        free(head[i]);
    free(head);
    if (rc == 0)
        row_overlay_add(k->ov, file, (const char *const *)c,
                        (const char *const *)v, nc);
    if (rc == 0 && k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 16;
        struct store_row *r = realloc(k->rows, cap * sizeof *r);
        if (!r)
            rc = -1;
        else {
            k->rows = r;
            k->cap = cap;
        }
    }
    if (rc < 0) {
        for (size_t i = 0; c && v && i < nc; i++) {
            free(c[i]);
            free(v[i]);
        }
        free(c);
        free(v);
        return rc;
    }
    char dom[16];
    snprintf(dom, sizeof dom, "%.*s", (int)strcspn(file, "."), file);
    k->rows[k->n++] = (struct store_row){xstrdup(dom), (const char *const *)c,
                                         (const char *const *)v, nc};
    return 0;
}

void sink_release(struct sink *k)
{
    for (size_t i = 0; i < k->n; i++) {
        char **c = (char **)k->rows[i].cols, **v = (char **)k->rows[i].vals;
        for (size_t j = 0; j < k->rows[i].n; j++) {
            free(c[j]);
            free(v[j]);
        }
        free(c);
        free(v);
        free((char *)k->rows[i].domain);
    }
    free(k->rows);
}

int sink_row_fn(void *ctx, const char *file, const char *const *cols,
                const char *const *vals, size_t n)
{
    return sink_row(ctx, file, cols, vals, n);
}
