/*
 * assessments.c - a tumour assessment proposed (judged as you type) or
 * saved: the form checked for its shape, its rows built by io/sdtm_rows.c
 * and staged over the subject's saved rows, loaded and judged, then
 * written in one transaction with the subject's automatic queries.
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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the response calls as you type: a proposed assessment judged
 * without saving ---- */

struct proposal {
    const char *usubjid, *studyid, *visit, *date, *method;
    json_t *lesions, *new_lesions;
    json_t *identify;            /* baseline: lesions identified, or NULL */
    const char *neuro, *steroid; /* RANO-BM inputs (RS), or NULL */
    json_t *recorded;            /* {"RANO-BM": "PR", ...} or NULL */
};

/* The next --SEQ of a file and the visit's VISITNUM in it. */
static void numbers_of(const struct stage *g, const char *file,
                       const struct proposal *p, long *seq, char vnum[32])
{
    char sb[32];
    stage_numbers(g, file, p->usubjid, p->visit, sb, vnum);
    *seq = strtol(sb, NULL, 10);
}

/* The form's parts as io's plain structs (io/sdtm_rows.c builds the
 * rows), each checked for its shape: a 400 naming the part otherwise. */
struct parsed {
    struct tumour_identify *identify;
    struct tumour_lesion_entry *lesions;
    struct tumour_new *news;
    char (*diam)[32]; /* each lesion's diameter as exact text */
};

static void parsed_release(struct parsed *x)
{
    free(x->identify);
    free(x->lesions);
    free(x->news);
    free(x->diam);
}

/* Replies 400 with the message and returns -1 from parse_parts. */
#define BAD(...)                                                               \
    do {                                                                       \
        char msg_[200];                                                        \
        snprintf(msg_, sizeof msg_, __VA_ARGS__);                              \
        reply_error(r, MHD_HTTP_BAD_REQUEST, msg_);                            \
        return -1;                                                             \
    } while (0)

/* True when lesion id is a lymph node (criteria/lesion.c decides, from
 * the location it is identified with now or was saved with). */
static bool nodal_lesion(const struct proposal *p, const struct protocol *pr,
                         const struct subject *saved, const char *id)
{
    for (size_t i = 0; i < json_array_size(p->identify); i++) {
        json_t *l = json_array_get(p->identify, i);
        const char *lid = json_string_value(json_object_get(l, "id"));
        const char *loc = json_string_value(json_object_get(l, "location"));
        if (!lid || !loc || strcmp(lid, id))
            continue;
        char up[256];
        snprintf(up, sizeof up, "%s", loc);
        for (char *q = up; *q; q++)
            *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
        struct lesion tmp = {0};
        lesion_locate(&tmp, pr, up);
        return tmp.is_nodal;
    }
    int li = saved ? subject_find_lesion(saved, id) : -1;
    return li >= 0 && saved->lesions[li].is_nodal;
}

static int parse_parts(const struct proposal *p, const struct protocol *pr,
                       const struct subject *saved, struct parsed *x,
                       struct tumour_entry *e, struct reply *r)
{
    size_t ni = json_array_size(p->identify);
    size_t nl = json_array_size(p->lesions);
    size_t nn = json_array_size(p->new_lesions);
    x->identify = xcalloc(ni + 1, sizeof *x->identify);
    x->lesions = xcalloc(nl + 1, sizeof *x->lesions);
    x->news = xcalloc(nn + 1, sizeof *x->news);
    x->diam = xcalloc(nl + 1, sizeof *x->diam);
    static const char *const ckeys[CRIT_N] = {
        [CRIT_RANOBM] = "rano", [CRIT_RECIST] = "recist"};
    for (size_t i = 0; i < ni; i++) {
        json_t *l = json_array_get(p->identify, i);
        json_t *id = json_object_get(l, "id");
        json_t *loc = json_object_get(l, "location");
        struct tumour_identify *t = &x->identify[i];
        int classed = 0;
        for (int c = 0; c < CRIT_N; c++) {
            const char *cls = json_string_value(json_object_get(l, ckeys[c]));
            if (!cls || !*cls)
                continue;
            if (!json_is_string(id) || !json_is_string(loc) ||
                (strcmp(cls, "TARGET") && strcmp(cls, "NON-TARGET")))
                BAD("identify[%zu] needs 'id', 'location', and 'rano' "
                    "or 'recist' of TARGET or NON-TARGET",
                    i);
            t->cls[c] = cls;
            classed++;
        }
        if (!classed)
            BAD("identify[%zu] is neither a RANO-BM nor a RECIST 1.1 "
                "lesion",
                i);
        t->id = json_string_value(id);
        t->location = json_string_value(loc);
    }
    for (size_t i = 0; i < nl; i++) {
        json_t *l = json_array_get(p->lesions, i);
        json_t *id = json_object_get(l, "id");
        json_t *d = json_object_get(l, "diameter_mm");
        json_t *st = json_object_get(l, "state");
        bool not_done = json_is_true(json_object_get(l, "not_done"));
        /* A diameter as the person typed it (a text) is read strictly:
         * "14,5" is refused with "use a decimal point", never read as 14
         * or 145 (issue 14). */
        double typed = NAN;
        if (json_is_string(d)) {
            const char *txt = json_string_value(d);
            char *end;
            if (strchr(txt, ','))
                BAD("lesions[%zu].diameter_mm '%.20s': use a decimal point "
                    "(14.5), not a comma",
                    i, txt);
            typed = strtod(txt, &end);
            if (!*txt || *end || end == txt)
                BAD("lesions[%zu].diameter_mm '%.20s' is not a number of mm", i,
                    txt);
        } else if (json_is_number(d)) {
            typed = json_number_value(d);
        }
        if (!json_is_string(id) ||
            (isnan(typed) && !json_is_string(st) && !not_done))
            BAD("lesions[%zu] needs an 'id' and one of 'diameter_mm' "
                "(a number), 'state' or 'not_done'",
                i);
        struct tumour_lesion_entry *t = &x->lesions[i];
        t->id = json_string_value(id);
        t->state = json_is_string(st) ? json_string_value(st) : NULL;
        t->not_done = not_done;
        if (t->id)
            t->nodal = nodal_lesion(p, pr, saved, t->id);
        if (!isnan(typed)) {
            /* The diameter exactly as entered, to the model's 0.0001 mm. */
            int32_t diam_e4;
            bool rounded = false;
            if (diam_from_mm(typed, &diam_e4, &rounded) < 0 || rounded)
                BAD("lesions[%zu].diameter_mm must be a length in mm "
                    "from 0 to 10000 with at most 4 decimals",
                    i);
            diam_format(diam_e4, x->diam[i], sizeof x->diam[i]);
            t->diam_mm = x->diam[i];
        }
    }
    for (size_t i = 0; i < nn; i++) {
        json_t *l = json_array_get(p->new_lesions, i);
        json_t *id = json_object_get(l, "id");
        json_t *loc = json_object_get(l, "location");
        json_t *st = json_object_get(l, "state");
        if (!json_is_string(id) || !json_is_string(loc) || !json_is_string(st))
            BAD("new_lesions[%zu] needs 'id', 'location' and 'state' "
                "(EQUIVOCAL or UNEQUIVOCAL)",
                i);
        x->news[i] =
            (struct tumour_new){json_string_value(id), json_string_value(loc),
                                json_string_value(st)};
    }
    *e = (struct tumour_entry){
        .studyid = p->studyid,
        .usubjid = p->usubjid,
        .visit = p->visit,
        .date = p->date,
        .method = p->method,
        .identify = x->identify,
        .n_identify = ni,
        .lesions = x->lesions,
        .n_lesions = nl,
        .news = x->news,
        .n_new = nn,
        .neuro = p->neuro,
        .steroid = p->steroid,
    };
    for (int c = 0; c < CRIT_N; c++)
        e->recorded[c] = json_string_value(
            json_object_get(p->recorded, criterion_name((enum criterion)c)));
    return 0;
}

/* The proposed assessment as SDTM rows (io/sdtm_rows.c), staged. */
static int write_proposal(struct stage *g, const struct proposal *p,
                          struct reply *r)
{
    struct parsed x = {0};
    struct tumour_entry e;
    int rc = parse_parts(p, &g->s.proto, g->sj, &x, &e, r);
    if (rc == 0) {
        struct sdtm_numbers num;
        char trv[32], tuv[32], rsv[32];
        numbers_of(g, "tr.csv", p, &num.tr_seq, trv);
        numbers_of(g, "tu.csv", p, &num.tu_seq, tuv);
        numbers_of(g, "rs.csv", p, &num.rs_seq, rsv);
        num.tr_visitnum = trv;
        num.tu_visitnum = tuv;
        num.rs_visitnum = rsv;
        rc = sdtm_rows_assessment(&g->s.proto, &e, &num, sink_row_fn, &g->sink);
        if (rc < 0)
            reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                        "the working folder could not be written");
    }
    parsed_release(&x);
    return rc;
}

/* The problems the proposal causes, named by column. */
json_t *problems_json(const struct diags *d)
{
    json_t *a = json_array();
    for (size_t k = 0; k < d->n; k++) {
        const struct diag *g = &d->items[k];
        if (g->sev != SEV_ERROR)
            continue;
        json_array_append_new(a, json_pack("{s:s, s:I, s:i, s:s}", "file",
                                           g->file ? g->file : "", "line",
                                           (json_int_t)g->line, "column",
                                           g->col, "message", g->msg));
    }
    return a;
}

/* Judges a proposed assessment with the subject's saved data; with save,
 * then adds its rows to the store in one audited transaction and brings
 * the automatic queries up to date. The store is held throughout, so
 * that what was judged is what is saved. */
static void propose(struct call *c, struct reply *r, bool save)
{
    json_t *j = srv_parse_body(c, r);
    if (!j)
        return;
    struct proposal p = {c->arg, "",   NULL, NULL, "MRI", NULL,
                         NULL,   NULL, NULL, NULL, NULL};
    p.visit = str_field(j, "visit", r);
    p.date = p.visit ? str_field(j, "date", r) : NULL;
    json_t *m = json_object_get(j, "method");
    if (json_is_string(m))
        p.method = json_string_value(m);
    p.lesions = json_object_get(j, "lesions");
    p.new_lesions = json_object_get(j, "new_lesions");
    p.identify = json_object_get(j, "identify");
    p.neuro = json_string_value(json_object_get(j, "neuro_status"));
    p.steroid = json_string_value(json_object_get(j, "steroid_status"));
    p.recorded = json_object_get(j, "recorded");
    if (p.date && ((p.lesions && !json_is_array(p.lesions)) ||
                   (p.new_lesions && !json_is_array(p.new_lesions)) ||
                   (p.identify && !json_is_array(p.identify)) ||
                   (p.recorded && !json_is_object(p.recorded)))) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "'lesions', 'new_lesions' and 'identify' are arrays, "
                    "'recorded' an object");
        p.date = NULL;
    }
    /* An assessment belongs to a visit: a blank one is refused at its
     * field (a blank VISIT would also match every visitless row). */
    if (p.date && !p.visit[strspn(p.visit, " ")]) {
        r->status = 422;
        r->json = json_pack("{s:s, s:{s:s}}", "error",
                            "Visit is required; nothing was saved", "fields",
                            "visit", "Visit is required");
        p.date = NULL;
    }
    if (!p.date) {
        json_decref(j);
        return;
    }
    struct stage g;
    stage_init(&g);
    struct checks k = {0};
    json_t *ids = json_array();
    pthread_mutex_lock(&c->srv->store_lock);
    /* The saved data loaded first: which lesions are lymph nodes. */
    if (stage_open(c->srv, &g, c->arg, r) < 0)
        goto done;
    if (!g.exists) {
        reply_error(r, MHD_HTTP_NOT_FOUND, "no such subject");
        goto done;
    }
    p.studyid = g.studyid;
    /* The same visit entered twice is refused, with where the saved one
     * is: its records are changed there, with a reason. */
    if (stage_has_visit(&g, "tr.csv", c->arg, p.visit) ||
        stage_has_visit(&g, "rs.csv", c->arg, p.visit)) {
        char msg[300], href[300];
        snprintf(msg, sizeof msg,
                 "visit %.60s already has a saved assessment: change its "
                 "records (with a reason) instead of entering it again",
                 p.visit);
        snprintf(href, sizeof href, "/subject.html?id=%.120s#visit-%.60s",
                 c->arg, p.visit);
        for (char *q = strchr(href, '#'); q && *q; q++)
            if (*q == ' ')
                *q = '_';
        r->status = MHD_HTTP_CONFLICT;
        r->json = json_pack("{s:s, s:{s:s, s:s}}", "error", msg, "existing",
                            "visit", p.visit, "href", href);
        goto done;
    }
    if (write_proposal(&g, &p, r) < 0)
        goto done;
    if (!json_array_size(p.lesions) && !json_array_size(p.new_lesions)) {
        reply_error(r, MHD_HTTP_BAD_REQUEST,
                    "the assessment has no lesions ('lesions' or "
                    "'new_lesions')");
        goto done;
    }
    if (stage_reload(&g, c->arg, r) < 0 || !g.sj)
        goto done;
    /* The entry checks (endpoints/entry.c): shown with a preview, and a
     * save refused or confirmed by them. */
    struct entry_issues o;
    const char *reason = NULL;
    entry_check_assessment(&g.s, g.sj, p.visit, date_today(), true, &o);
    if (save && srv_entry_reply(&o, j, &reason, r) < 0)
        goto done;
    /* Derived and checked once: for the save's queries and the reply. */
    srv_checks_run(&g.s, g.sj, &k);
    if (save && stage_save(c->srv, &g, c->who->user, reason, &k, ids, r) < 0)
        goto done;
    /* The corticosteroid dose on the scan date, when the medication
     * records give it (criteria/ranobm.c): the form shows it read-only
     * beside the baseline's, and takes no steroid status. */
    double mg = 0, base_mg = NAN;
    int32_t day = DATE_NONE;
    for (size_t t = 0; t < k.res.rano.n_tp; t++)
        if (!strcmp(k.res.rano.tp[t].visit, p.visit))
            day = k.res.rano.tp[t].date;
    if (k.res.rano.baseline_ok && k.res.rano.n_tp)
        base_mg = k.res.rano.tp[0].steroid_mg;
    bool from_cm = day != DATE_NONE && steroid_dose_on(&g.s, g.sj, day, &mg);
    json_t *steroid =
        from_cm ? json_pack("{s:b, s:f, s:o}", "from_medication", true,
                            "mg_per_day", mg, "baseline_mg_per_day",
                            isnan(base_mg) ? json_null() : json_real(base_mg))
                : json_pack("{s:b}", "from_medication", false);
    json_t *fa = json_array();
    for (size_t i = 0; i < k.n; i++)
        if (!strcmp(k.f[i].visit, p.visit))
            json_array_append_new(fa, json_string(k.f[i].text));
    reply_json(r, json_pack("{s:s, s:s, s:s, s:b, s:O, s:[o, o], s:o, s:o}",
                            "usubjid", g.sj->usubjid, "visit", p.visit, "date",
                            p.date, "saved", save, "records", ids, "criteria",
                            srv_crit_json(&k.res.rano),
                            srv_crit_json(&k.res.recist), "findings", fa,
                            "checks", srv_entry_json(&o)));
    json_object_set_new(r->json, "steroid", steroid);
    if (save)
        r->status = MHD_HTTP_CREATED;
done:
    pthread_mutex_unlock(&c->srv->store_lock);
    srv_checks_release(&k);
    json_decref(ids);
    stage_close(&g);
    json_decref(j);
}

void h_preview(struct call *c, struct reply *r)
{
    propose(c, r, false);
}

void h_save(struct call *c, struct reply *r)
{
    propose(c, r, true);
}
