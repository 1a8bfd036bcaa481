/*
 * test_store.c - the study database, the same suite on both engines:
 * SQLite always, PostgreSQL when BALIST_TEST_PG_URL names a test database
 * (make test starts a throwaway cluster and sets it; without one the
 * PostgreSQL half is reported as skipped). Round trip of the demo study
 * (byte-identical export), all-or-nothing import, changes with reasons,
 * the append-only audit trail and its hash chain (a hand-edited row is
 * detected), users with Argon2id hashes; and, on SQLite, a writer killed
 * with SIGKILL in the middle of many writes.
 */
#include "helpers.h"

#include "balist/io.h"
#include "balist/store.h"

#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum engine { LITE, PG };

struct ctx {
    enum engine e;
    char url[4096];
    char *dir;
};

static const char *pg_url(void)
{
    const char *u = getenv("BALIST_TEST_PG_URL");
    return u && *u ? u : NULL;
}

/* A fresh, empty database of the engine. */
static void fresh(struct ctx *c, enum engine e)
{
    c->e = e;
    c->dir = tmpdir_make();
    if (e == LITE) {
        snprintf(c->url, sizeof c->url, "%s/study.db", c->dir);
        return;
    }
    snprintf(c->url, sizeof c->url, "%s", pg_url());
    PGconn *pc = PQconnectdb(c->url);
    assert_int_equal(PQstatus(pc), CONNECTION_OK);
    PGresult *r = PQexec(pc, "SET client_min_messages = warning; DROP "
                             "SCHEMA public CASCADE; CREATE SCHEMA public");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    PQfinish(pc);
}

static void done(struct ctx *c)
{
    tmpdir_remove(c->dir);
}

/* Runs SQL on the database behind the store's back (the hand edit of a
 * tamperer); returns 0 when the statement succeeded. */
static int raw_sql(const struct ctx *c, const char *sql)
{
    if (c->e == LITE) {
        sqlite3 *db;
        assert_int_equal(sqlite3_open(c->url, &db), SQLITE_OK);
        int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_close(db);
        return rc == SQLITE_OK ? 0 : -1;
    }
    PGconn *pc = PQconnectdb(c->url);
    PGresult *r = PQexec(pc, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
             PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    PQfinish(pc);
    return ok ? 0 : -1;
}

static struct store *open_init(struct ctx *c)
{
    struct store *st;
    char err[STORE_ERR];
    int rc = store_open(c->url, true, &st, err);
    if (rc)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    rc = store_init(st, "{\"data_cutoff\": \"2026-09-30\"}", "tester", err);
    if (rc)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return st;
}

static char *demo_dir(void)
{
    static char d[4096];
    snprintf(d, sizeof d, "%s/data/demo", BALIST_SOURCE_DIR);
    return d;
}

static void same_files(const char *a, const char *b, const char *name)
{
    char pa[4200], pb[4200];
    snprintf(pa, sizeof pa, "%.4000s/%s", a, name);
    snprintf(pb, sizeof pb, "%.4000s/%s", b, name);
    size_t la, lb;
    char *ta = read_file(pa, &la), *tb = read_file(pb, &lb);
    assert_non_null(ta);
    assert_non_null(tb);
    if (la != lb || memcmp(ta, tb, la))
        fail_msg("%s differs after the round trip", name);
    free(ta);
    free(tb);
}

struct counter {
    long n;
    long updates, deletes, inserts;
    const char *want_field;
    int leaked; /* a password or hash seen in the audit */
};

static int count_row(void *ctx, const struct audit_row *r)
{
    struct counter *k = ctx;
    k->n++;
    k->updates += !strcmp(r->action, "UPDATE");
    k->deletes += !strcmp(r->action, "DELETE");
    k->inserts += !strcmp(r->action, "INSERT");
    const char *v[] = {r->new_value, r->old_value, r->reason, r->field};
    for (int i = 0; i < 4; i++)
        if (v[i] && (strstr(v[i], "argon2") || strstr(v[i], "s3cret-pw")))
            k->leaked = 1;
    return 0;
}

/* ---- the suite, per engine ---- */

static void round_trip(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    long n = store_import(st, demo_dir(), "tester", err);
    if (n < 0)
        fprintf(stderr, "%s\n", err);
    assert_true(n > 4000);
    /* A second import is refused: the study is there already. */
    assert_true(store_import(st, demo_dir(), "tester", err) < 0);
    assert_non_null(strstr(err, "already holds a study"));
    char out[4096];
    snprintf(out, sizeof out, "%s/export", c.dir);
    assert_int_equal(store_export(st, out, err), 0);
    static const char *const files[] = {
        "ae.csv", "cm.csv",        "dm.csv", "ds.csv",     "ex.csv",
        "pr.csv", "rs.csv",        "ss.csv", "suppae.csv", "tr.csv",
        "tu.csv", "protocol.json", NULL};
    for (int i = 0; files[i]; i++)
        same_files(demo_dir(), out, files[i]);
    long rows, bad;
    assert_int_equal(store_audit_verify(st, &rows, &bad, err), 0);
    /* init: schema version, protocol, created; import: the protocol and
     * one row per record. */
    assert_int_equal(rows, 3 + 1 + n);
    store_close(st);
    done(&c);
}

static void import_all_or_nothing(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    /* A study whose last file is broken: nothing of it stays. */
    write_text(c.dir, "dm.csv", "USUBJID,AGE\nS-1,50\nS-2,60\n");
    write_text(c.dir, "zz.csv", "A,B\n1,2\n3,\"open\n");
    assert_true(store_import(st, c.dir, "tester", err) < 0);
    assert_non_null(strstr(err, "zz.csv"));
    long rows, bad;
    assert_int_equal(store_audit_verify(st, &rows, &bad, err), 0);
    assert_int_equal(rows, 3); /* only init's rows */
    char outd[4096];
    snprintf(outd, sizeof outd, "%s/out", c.dir);
    assert_int_equal(store_export(st, outd, err), 0);
    char p[4096 + 16];
    snprintf(p, sizeof p, "%s/dm.csv", outd);
    assert_int_equal(access(p, F_OK), -1); /* no dm.csv: no data */
    store_close(st);
    done(&c);
}

static void changes_and_audit(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    write_text(c.dir, "dm.csv", "USUBJID,AGE\nS-1,50\nS-2,60\n");
    write_text(c.dir, "tr.csv",
               "USUBJID,TRLNKID,TRSTRESN\nS-1,T01,20\nS-2,T01,15\n");
    assert_int_equal(store_import(st, c.dir, "coordinator1", err), 4);
    /* Records: dm 1, 2; tr 3, 4 (files in name order). */
    char v[64];
    assert_int_equal(store_record_get(st, 3, "TRSTRESN", v, sizeof v, err), 1);
    assert_string_equal(v, "20");
    /* A change after first entry needs a reason. */
    assert_true(store_record_update(st, 3, "TRSTRESN", "21", "radiologist1", "",
                                    err) < 0);
    assert_non_null(strstr(err, "a reason is required"));
    assert_int_equal(
        store_record_update(st, 3, "TRSTRESN", "21", "radiologist1",
                            "re-measured on the source images", err),
        0);
    assert_int_equal(store_record_get(st, 3, "TRSTRESN", v, sizeof v, err), 1);
    assert_string_equal(v, "21");
    /* A field the domain does not have is refused. */
    assert_true(store_record_update(st, 3, "NOPE", "1", "radiologist1", "why",
                                    err) < 0);
    long id = store_record_insert(
        st, "tr", (const char *const[]){"USUBJID", "TRLNKID", "TRSTRESN"},
        (const char *const[]){"S-2", "T02", "11"}, 3, "radiologist1", err);
    assert_true(id == 5);
    assert_true(store_record_delete(st, 4, "monitor1", NULL, err) < 0);
    assert_int_equal(store_record_delete(st, 4, "investigator1",
                                         "entered for the wrong subject", err),
                     0);
    assert_int_equal(store_record_get(st, 4, "TRSTRESN", v, sizeof v, err), 0);
    /* The trail: who, what, old and new value, why; filters. */
    struct counter k = {0};
    struct audit_filter f = {.usubjid = "S-1"};
    assert_int_equal(store_audit_each(st, &f, count_row, &k, err), 0);
    assert_int_equal(k.n, 3); /* dm and tr inserts, the update */
    assert_int_equal(k.updates, 1);
    struct counter k2 = {0};
    struct audit_filter f2 = {.user = "investigator1"};
    assert_int_equal(store_audit_each(st, &f2, count_row, &k2, err), 0);
    assert_int_equal(k2.deletes, 1);
    assert_int_equal(k2.n, 1);
    struct counter k3 = {0};
    struct audit_filter f3 = {.tbl = "tr"};
    assert_int_equal(store_audit_each(st, &f3, count_row, &k3, err), 0);
    assert_int_equal(k3.n, 5); /* 2 inserts, update, insert, delete */
    long rows, bad;
    assert_int_equal(store_audit_verify(st, &rows, &bad, err), 0);
    /* Several rows in one transaction (a saved assessment): one bad row
     * (a column tr does not have) and none is added, no audit row. */
    long n_before = rows;
    static const char *const trc[] = {"USUBJID", "TRLNKID", "TRSTRESN"};
    struct store_row batch[] = {
        {"tr", trc, (const char *const[]){"S-2", "T03", "9"}, 3},
        {"tr", (const char *const[]){"USUBJID", "NOPE"},
         (const char *const[]){"S-2", "x"}, 2},
    };
    long ids[2];
    assert_true(store_records_insert(st, batch, 2, "radiologist1", ids, err) <
                0);
    assert_non_null(strstr(err, "tr has no column NOPE"));
    assert_int_equal(store_errcode(st), STORE_EINVALID);
    assert_int_equal(store_audit_verify(st, &rows, &bad, err), 0);
    assert_int_equal(rows, n_before);
    assert_int_equal(store_record_get(st, 6, "TRSTRESN", v, sizeof v, err), 0);
    /* Both good: both added in order, two audit rows. */
    batch[1] = (struct store_row){"tr", trc,
                                  (const char *const[]){"S-2", "T04", "7"}, 3};
    assert_int_equal(
        store_records_insert(st, batch, 2, "radiologist1", ids, err), 0);
    assert_int_equal(ids[1], ids[0] + 1);
    assert_int_equal(store_record_get(st, ids[0], "TRSTRESN", v, sizeof v, err),
                     1);
    assert_string_equal(v, "9");
    assert_int_equal(store_record_get(st, ids[1], "TRSTRESN", v, sizeof v, err),
                     1);
    assert_string_equal(v, "7");
    assert_int_equal(store_audit_verify(st, &rows, &bad, err), 0);
    assert_int_equal(rows, n_before + 2);
    /* The audit trail is append-only, enforced by the database. */
    assert_int_equal(raw_sql(&c, "UPDATE audit SET reason = 'x' WHERE id = "
                                 "5"),
                     -1);
    assert_int_equal(raw_sql(&c, "DELETE FROM audit WHERE id = 5"), -1);
    store_close(st);
    /* A tamperer who removes the protection and edits a row is found. */
    if (e == LITE) {
        assert_int_equal(raw_sql(&c, "DROP TRIGGER audit_no_update; UPDATE "
                                     "audit SET new_value = '22' WHERE id = "
                                     "8"),
                         0);
    } else {
        assert_int_equal(raw_sql(&c, "ALTER TABLE audit DISABLE TRIGGER "
                                     "audit_no_change; UPDATE audit SET "
                                     "new_value = '22' WHERE id = 8"),
                         0);
    }
    char err2[STORE_ERR];
    assert_int_equal(store_open(c.url, false, &st, err2), 0);
    assert_int_equal(store_audit_verify(st, &rows, &bad, err2), 1);
    assert_int_equal(bad, 8);
    store_close(st);
    done(&c);
}

static void users(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR], role[32];
    assert_int_equal(
        store_user_add(st, "ana", "radiologist", "s3cret-pw", "admin1", err),
        0);
    assert_true(
        store_user_add(st, "ana", "monitor", "another-pw", "admin1", err) < 0);
    assert_int_equal(store_errcode(st), STORE_ECONFLICT); /* exists */
    assert_true(
        store_user_add(st, "bob", "wizard", "s3cret-pw", "admin1", err) < 0);
    assert_int_equal(store_errcode(st), STORE_EINVALID); /* no such role */
    assert_true(store_user_add(st, "bob", "monitor", "short", "admin1", err) <
                0);
    assert_int_equal(
        store_user_check(st, "ana", "s3cret-pw", role, sizeof role, err), 1);
    assert_string_equal(role, "radiologist");
    assert_int_equal(
        store_user_check(st, "ana", "wrong-pw", role, sizeof role, err), 0);
    assert_int_equal(
        store_user_check(st, "nobody", "s3cret-pw", role, sizeof role, err), 0);
    assert_int_equal(store_user_passwd(st, "ana", "new-s3cret", "admin1", err),
                     0);
    assert_int_equal(
        store_user_check(st, "ana", "s3cret-pw", role, sizeof role, err), 0);
    assert_int_equal(
        store_user_check(st, "ana", "new-s3cret", role, sizeof role, err), 1);
    assert_int_equal(store_user_disable(st, "ana", "admin1", err), 0);
    assert_int_equal(
        store_user_check(st, "ana", "new-s3cret", role, sizeof role, err), 0);
    /* Stored as Argon2id, never logged. */
    if (e == LITE) {
        sqlite3 *db;
        sqlite3_open(c.url, &db);
        sqlite3_stmt *s;
        sqlite3_prepare_v2(db, "SELECT pwhash FROM users", -1, &s, NULL);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        assert_true(!strncmp((const char *)sqlite3_column_text(s, 0),
                             "$argon2id$", 10));
        sqlite3_finalize(s);
        sqlite3_close(db);
    }
    struct counter k = {0};
    assert_int_equal(store_audit_each(st, NULL, count_row, &k, err), 0);
    assert_int_equal(k.leaked, 0);
    assert_int_equal(k.n, 3 + 3); /* init + add, passwd, disable */
    store_close(st);
    done(&c);
}

static void test_sqlite_round_trip(void **s)
{
    (void)s;
    round_trip(LITE);
}
static void test_sqlite_all_or_nothing(void **s)
{
    (void)s;
    import_all_or_nothing(LITE);
}
static void test_sqlite_changes(void **s)
{
    (void)s;
    changes_and_audit(LITE);
}
static void test_sqlite_users(void **s)
{
    (void)s;
    users(LITE);
}
#define PG_TEST(name, fn)                                                      \
    static void name(void **s)                                                 \
    {                                                                          \
        (void)s;                                                               \
        if (!pg_url())                                                         \
            SKIP_TEST();                                                       \
        fn(PG);                                                                \
    }
PG_TEST(test_pg_round_trip, round_trip)
PG_TEST(test_pg_all_or_nothing, import_all_or_nothing)
PG_TEST(test_pg_changes, changes_and_audit)
PG_TEST(test_pg_users, users)

/* ---- data review: queries, signatures, checked changes, saves ---- */

struct qcount {
    int n, open, answered, closed;
    char last_status[16];
};

static int count_query(void *ctx, const struct query_row *q)
{
    struct qcount *k = ctx;
    k->n++;
    k->open += !strcmp(q->status, "open");
    k->answered += !strcmp(q->status, "answered");
    k->closed += !strcmp(q->status, "closed");
    snprintf(k->last_status, sizeof k->last_status, "%s", q->status);
    return 0;
}

struct gcount {
    int valid, voided;
    char reason[128];
};

static int count_sig(void *ctx, const struct signature_row *g)
{
    struct gcount *k = ctx;
    if (g->voided_ts) {
        k->voided++;
        snprintf(k->reason, sizeof k->reason, "%s", g->voided_reason);
    } else {
        k->valid++;
    }
    return 0;
}

static int refuse(void *ctx, struct store *st, const char *usubjid, char *err)
{
    (void)st;
    *(int *)ctx += 1;
    snprintf(err, STORE_ERR, "refused for %s", usubjid);
    return -1;
}

/* A check that accepts the change and reports one finding for the
 * subject as changed. */
static const struct store_finding found_k7[] = {{"k7", NULL, "seven"}};
static int accept_with_finding(void *ctx, struct store *st, const char *usubjid,
                               char *err)
{
    (void)st, (void)usubjid, (void)err;
    struct store_check *self = ctx;
    self->findings = found_k7;
    self->n_findings = 1;
    return 0;
}

static int note_subject(void *ctx, const char *usubjid)
{
    char *seen = ctx; /* 256 bytes */
    size_t n = strlen(seen);
    snprintf(seen + n, 256 - n, "%s;", usubjid);
    return 0;
}

struct sigscope {
    char visit[32], from[16], to[16];
};

static int note_scope(void *ctx, const struct signature_row *g)
{
    struct sigscope *k = ctx;
    snprintf(k->visit, sizeof k->visit, "%s", g->visit ? g->visit : "");
    snprintf(k->from, sizeof k->from, "%s", g->date_from ? g->date_from : "");
    snprintf(k->to, sizeof k->to, "%s", g->date_to ? g->date_to : "");
    return 0;
}

static long audit_count(struct store *st)
{
    struct counter k = {0};
    char err[STORE_ERR];
    assert_int_equal(store_audit_each(st, NULL, count_row, &k, err), 0);
    return k.n;
}

static void review(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    write_text(c.dir, "dm.csv", "USUBJID,AGE\nS-1,50\nS-2,60\n");
    write_text(c.dir, "tr.csv",
               "USUBJID,TRLNKID,VISIT,TRORRES,TRSTRESN\n"
               "S-1,T01,WEEK 6,20,20\nS-1,T01,WEEK 12,18,18\n"
               "S-2,T01,WEEK 6,15,15\n");
    assert_int_equal(store_import(st, c.dir, "coordinator1", err), 5);
    /* Records: dm 1, 2; tr 3 (S-1 week 6), 4 (S-1 week 12), 5 (S-2). */
    assert_int_equal(
        store_user_add(st, "ivy", "investigator", "pw-ivy-123", "admin1", err),
        0);
    assert_int_equal(
        store_user_add(st, "cody", "coordinator", "pw-cody-123", "admin1", err),
        0);

    /* A manual query: raised, answered, closed; a closed one stays so. */
    long q = store_query_raise(st, "S-1", "WEEK 6", 3, "manual", NULL,
                               "Please check T01", "monitor1", err);
    assert_true(q == 1);
    assert_true(store_query_raise(st, "", NULL, 0, "manual", NULL, "x",
                                  "monitor1", err) < 0);
    assert_true(store_query_close(st, q, "", "monitor1", err) < 0);
    assert_int_equal(store_query_answer(st, q, "Checked: 20 mm", "ivy", err),
                     0);
    assert_int_equal(store_query_close(st, q, "Verified", "monitor1", err), 0);
    assert_true(store_query_answer(st, q, "again", "ivy", err) < 0);
    assert_non_null(strstr(err, "is closed"));
    assert_int_equal(store_errcode(st), STORE_ECONFLICT);
    assert_true(store_query_close(st, 99, "x", "monitor1", err) < 0);
    assert_non_null(strstr(err, "no query 99"));
    assert_int_equal(store_errcode(st), STORE_ENOTFOUND);
    assert_string_equal(store_errstr(STORE_ENOTFOUND), "not found");

    /* Automatic queries follow the findings: raised once per key, closed
     * when the finding goes, not raised again after a monitor closed it. */
    struct store_finding f2[] = {{"k1", "WEEK 6", "finding one"},
                                 {"k2", NULL, "finding two"}};
    int raised = -1, closed = -1;
    assert_int_equal(store_queries_sync(st, "S-1", f2, 2, "balist-checks",
                                        &raised, &closed, err),
                     0);
    assert_int_equal(raised, 2);
    assert_int_equal(closed, 0);
    assert_int_equal(store_queries_sync(st, "S-1", f2, 2, "balist-checks",
                                        &raised, &closed, err),
                     0);
    assert_int_equal(raised, 0);
    assert_int_equal(store_queries_sync(st, "S-1", f2 + 1, 1, "balist-checks",
                                        &raised, &closed, err),
                     0);
    assert_int_equal(raised, 0);
    assert_int_equal(closed, 1); /* k1 resolved by the data */
    assert_int_equal(store_queries_sync(st, "S-1", f2, 2, "balist-checks",
                                        &raised, &closed, err),
                     0);
    assert_int_equal(raised, 0); /* k1 was closed: not raised again */
    struct qcount k = {0};
    assert_int_equal(store_query_each(st, "S-1", count_query, &k, err), 0);
    assert_int_equal(k.n, 3);
    assert_int_equal(k.closed, 2);
    assert_int_equal(k.open, 1);
    memset(&k, 0, sizeof k);
    assert_int_equal(store_query_each(st, "S-2", count_query, &k, err), 0);
    assert_int_equal(k.n, 0);

    /* Signatures: the password again, investigators only; a change voids
     * the subject's and that visit's signatures, not another visit's or
     * another subject's. */
    assert_int_equal(store_sign(st, "S-1", NULL, "signature", "I confirm",
                                "ivy", "nope", err),
                     0);
    assert_true(store_sign(st, "S-1", NULL, "signature", "I confirm", "cody",
                           "pw-cody-123", err) < 0);
    assert_non_null(strstr(err, "only an investigator signs"));
    assert_true(store_sign(st, "S-9", NULL, "signature", "I confirm", "ivy",
                           "pw-ivy-123", err) < 0);
    assert_true(store_sign(st, "S-1", NULL, "signature", "I confirm", "ivy",
                           "pw-ivy-123", err) > 0);
    assert_true(store_sign(st, "S-1", "WEEK 12", "signature", "I confirm",
                           "ivy", "pw-ivy-123", err) > 0);
    assert_true(store_sign(st, "S-2", NULL, "signature", "I confirm", "ivy",
                           "pw-ivy-123", err) > 0);
    assert_int_equal(store_record_update(st, 3, "TRSTRESN", "19", "rad1",
                                         "re-measured", err),
                     0);
    struct gcount g = {0};
    assert_int_equal(store_signature_each(st, "S-1", count_sig, &g, err), 0);
    assert_int_equal(g.voided, 1); /* the subject's */
    assert_int_equal(g.valid, 1);  /* WEEK 12's stands */
    assert_string_equal(g.reason, "re-measured");
    memset(&g, 0, sizeof g);
    assert_int_equal(store_signature_each(st, "S-2", count_sig, &g, err), 0);
    assert_int_equal(g.valid, 1);
    /* Source data verification: a monitor's, voided the same way. */
    assert_int_equal(
        store_user_add(st, "mo", "monitor", "pw-mo-12345", "admin1", err), 0);
    assert_true(store_sign(st, "S-2", NULL, "verification", "SDV done", "ivy",
                           "pw-ivy-123", err) < 0);
    assert_non_null(strstr(err, "only a monitor marks data verified"));
    assert_true(store_sign(st, "S-2", "WEEK 6", "verification", "SDV done",
                           "mo", "pw-mo-12345", err) > 0);
    assert_int_equal(store_record_update(st, 5, "TRSTRESN", "14", "rad1",
                                         "transcription", err),
                     0);
    memset(&g, 0, sizeof g);
    assert_int_equal(store_signature_each(st, "S-2", count_sig, &g, err), 0);
    assert_int_equal(g.voided, 2); /* the signature and the verification */
    /* Locks: every change refused until unlocked, with a reason; a visit's
     * lock leaves the other visits open. */
    long lock = store_sign(st, "S-2", NULL, "lock", "database lock", "mo",
                           "pw-mo-12345", err);
    assert_true(lock > 0);
    assert_true(store_sign(st, "S-2", NULL, "lock", "x", "cody", "pw-cody-123",
                           err) < 0);
    assert_true(store_record_update(st, 5, "TRSTRESN", "13", "rad1", "r", err) <
                0);
    assert_non_null(strstr(err, "S-2 is locked (by mo, "));
    assert_int_equal(store_errcode(st), STORE_ECONFLICT);
    assert_true(store_record_insert(
                    st, "tr", (const char *const[]){"USUBJID", "TRLNKID"},
                    (const char *const[]){"S-2", "T09"}, 2, "rad1", err) < 0);
    assert_true(store_unlock(st, lock, "mo", "", err) < 0);
    assert_int_equal(store_errcode(st), STORE_EINVALID);
    assert_int_equal(store_unlock(st, lock, "mo", "a late lab result", err), 0);
    assert_true(store_unlock(st, lock, "mo", "again", err) < 0);
    assert_int_equal(store_errcode(st), STORE_ENOTFOUND);
    assert_int_equal(
        store_record_update(st, 5, "TRSTRESN", "13", "rad1", "r", err), 0);
    long vlock = store_sign(st, "S-1", "WEEK 12", "lock", "visit lock", "ivy",
                            "pw-ivy-123", err);
    assert_true(vlock > 0);
    assert_int_equal(
        store_record_update(st, 3, "TRSTRESN", "22", "rad1", "r", err), 0);
    assert_true(store_record_update(st, 4, "TRSTRESN", "22", "rad1", "r", err) <
                0);
    assert_non_null(strstr(err, "S-1 visit WEEK 12 is locked"));
    assert_int_equal(store_unlock(st, vlock, "ivy", "query answered", err), 0);

    /* A change of several fields is one transaction with an audit row per
     * field; a check that refuses rolls all of it back. */
    long before = audit_count(st);
    int calls = 0;
    struct store_check no = {refuse, &calls, NULL, 0};
    assert_true(store_record_update_checked(
                    st, 4, (const char *const[]){"TRORRES", "TRSTRESN"},
                    (const char *const[]){"17", "17"}, 2, "rad1", "typo", &no,
                    err) < 0);
    assert_int_equal(calls, 1);
    assert_string_equal(err, "refused for S-1");
    assert_int_equal(audit_count(st), before);
    char v[64];
    assert_int_equal(store_record_get(st, 4, "TRSTRESN", v, sizeof v, err), 1);
    assert_string_equal(v, "18");
    long head0;
    assert_int_equal(store_audit_head(st, &head0, err), 0);
    assert_int_equal(store_record_update_checked(
                         st, 4, (const char *const[]){"TRORRES", "TRSTRESN"},
                         (const char *const[]){"17", "17"}, 2, "rad1", "typo",
                         NULL, err),
                     0);
    /* two field rows, and WEEK 12's signature voided */
    assert_int_equal(audit_count(st), before + 3);
    /* A checked change syncs the subject's automatic queries in its own
     * transaction. */
    struct store_check with = {accept_with_finding, NULL, NULL, 0};
    with.ctx = &with;
    assert_int_equal(
        store_record_update_checked(st, 3, (const char *const[]){"TRORRES"},
                                    (const char *const[]){"19.5"}, 1, "rad1",
                                    "r", &with, err),
        0);
    memset(&k, 0, sizeof k);
    assert_int_equal(store_query_each(st, "S-1", count_query, &k, err), 0);
    assert_int_equal(k.n, 4); /* k7 raised */
    assert_string_equal(k.last_status, "open");
    char seen[256] = "";
    bool other = true;
    assert_int_equal(
        store_changed_subjects(st, head0, note_subject, seen, &other, err), 0);
    assert_string_equal(seen, "S-1;");
    assert_false(other);

    /* A save: rows and queries in one transaction, or nothing. */
    before = audit_count(st);
    struct store_row bad[] = {
        {"tr", (const char *const[]){"USUBJID", "TRLNKID", "VISIT"},
         (const char *const[]){"S-2", "T01", "WEEK 12"}, 3},
        {"tr", (const char *const[]){"USUBJID", "NOPE"},
         (const char *const[]){"S-2", "x"}, 2},
    };
    struct store_finding f1[] = {{"k9", "WEEK 12", "finding nine"}};
    long ids[2];
    assert_true(store_save(st, bad, 2, "rad1", NULL, ids, "S-2", f1, 1, err) <
                0);
    assert_int_equal(audit_count(st), before);
    memset(&k, 0, sizeof k);
    assert_int_equal(store_query_each(st, "S-2", count_query, &k, err), 0);
    assert_int_equal(k.n, 0);
    assert_int_equal(
        store_save(st, bad, 1, "rad1", NULL, ids, "S-2", f1, 1, err), 0);
    assert_int_equal(store_query_each(st, "S-2", count_query, &k, err), 0);
    assert_int_equal(k.n, 1);
    assert_string_equal(k.last_status, "open");

    /* One subject's export: its rows and none of the other's. */
    char out[4200];
    snprintf(out, sizeof out, "%s/one", c.dir);
    assert_int_equal(store_export_subject(st, out, "S-2", err), 0);
    char p[4300];
    snprintf(p, sizeof p, "%s/tr.csv", out);
    size_t len;
    char *t = read_file(p, &len);
    assert_non_null(t);
    assert_null(strstr(t, "S-1"));
    assert_non_null(strstr(t, "S-2,T01,WEEK 6,15,13")); /* corrected */
    assert_non_null(strstr(t, "S-2,T01,WEEK 12,,"));
    free(t);
    long n_rows, bad_id;
    assert_int_equal(store_audit_verify(st, &n_rows, &bad_id, err), 0);
    store_close(st);
    done(&c);
}

/* Texts with every JSON escape survive import -> export byte for byte. */
static void escapes(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    const char *csv = "USUBJID,AETERM\n"
                      "S-1,\"He said \"\"ouch\"\" \\ back/slash\n"
                      "new line\ttab \x7f \xc3\xa9 \xe6\xbc\xa2 "
                      "\xf0\x9f\x98\x80\"\n";
    write_text(c.dir, "ae.csv", csv);
    write_text(c.dir, "dm.csv", "USUBJID\nS-1\n");
    assert_int_equal(store_import(st, c.dir, "tester", err), 2);
    char out[4200];
    snprintf(out, sizeof out, "%s/out", c.dir);
    assert_int_equal(store_export(st, out, err), 0);
    same_files(c.dir, out, "ae.csv");
    store_close(st);
    done(&c);
}

/* A version-1 database (before queries and signatures) is migrated when
 * opened: its data and audit chain kept, the new tables there. */
static void migrate_v1(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    write_text(c.dir, "dm.csv", "USUBJID,AGE\nS-1,50\n");
    assert_int_equal(store_import(st, c.dir, "tester", err), 1);
    store_close(st);
    /* Back to version 1, as the previous BALIST left it. */
    assert_int_equal(raw_sql(&c, "DROP TABLE queries"), 0);
    assert_int_equal(raw_sql(&c, "DROP TABLE signatures"), 0);
    assert_int_equal(raw_sql(&c, "DROP INDEX records_subject_domain"), 0);
    assert_int_equal(raw_sql(&c, "UPDATE meta SET value = '1' WHERE key = "
                                 "'schema_version'"),
                     0);
    assert_int_equal(store_open(c.url, false, &st, err), 0);
    char v[64];
    assert_int_equal(store_record_get(st, 1, "AGE", v, sizeof v, err), 1);
    assert_string_equal(v, "50");
    assert_true(store_query_raise(st, "S-1", NULL, 0, "manual", NULL, "q",
                                  "monitor1", err) == 1);
    long n_rows, bad_id;
    assert_int_equal(store_audit_verify(st, &n_rows, &bad_id, err), 0);
    store_close(st);
    done(&c);
}

/* Locks and signatures cover data by what it is (EVIDENCE of issue 18's
 * first finding): a record of a locked visit cannot be moved out of it by
 * changing its VISIT, nor can another be moved or added into it under
 * the label written differently ("week 6", "WEEK 6 ") or as UNSCHEDULED
 * on its date; a signed record moved to another visit voids the
 * signature; a visit that does not exist cannot be signed. */
static void lock_scope(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    write_text(c.dir, "dm.csv", "USUBJID,AGE\nS-1,50\nS-2,60\n");
    write_text(c.dir, "tr.csv",
               "USUBJID,TRLNKID,VISIT,TRDTC,TRORRES,TRSTRESN\n"
               "S-1,T01,WEEK 6,2025-03-10,45.8,45.8\n"
               "S-1,T02,WEEK 6,2025-03-11,12,12\n"
               "S-1,T01,WEEK 12,2025-04-21,40,40\n"
               "S-2,T01,WEEK 6,2025-03-10,15,15\n"
               "S-2,T01,WEEK 12,2025-04-21,14,14\n");
    write_text(c.dir, "ae.csv",
               "USUBJID,AETERM,AESTDTC\nS-1,Nausea,"
               "2025-03-01\n");
    assert_int_equal(store_import(st, c.dir, "coordinator1", err), 8);
    /* Records: ae 1; dm 2, 3; tr 4, 5 (S-1 week 6), 6 (S-1 week 12),
     * 7 (S-2 week 6), 8 (S-2 week 12). */
    assert_int_equal(
        store_user_add(st, "ivy", "investigator", "pw-ivy-123", "admin1", err),
        0);
    char v[64];
    assert_int_equal(store_record_get(st, 4, "TRSTRESN", v, sizeof v, err), 1);
    assert_string_equal(v, "45.8");

    /* A visit the subject does not have: 404, nothing written. */
    long before = audit_count(st);
    assert_true(store_sign(st, "S-1", "WEEK 7", "lock", "visit lock", "ivy",
                           "pw-ivy-123", err) < 0);
    assert_int_equal(store_errcode(st), STORE_ENOTFOUND);
    assert_non_null(strstr(err, "S-1 has no visit WEEK 7"));
    assert_int_equal(audit_count(st), before);

    /* Locked as "week 6 ": the lock names WEEK 6 and its days. */
    long lock = store_sign(st, "S-1", " week  6 ", "lock", "visit lock", "ivy",
                           "pw-ivy-123", err);
    assert_true(lock > 0);
    struct sigscope g = {"", "", ""};
    assert_int_equal(store_signature_each(st, "S-1", note_scope, &g, err), 0);
    assert_string_equal(g.visit, "WEEK 6");
    assert_string_equal(g.from, "2025-03-10");
    assert_string_equal(g.to, "2025-03-11");

    /* Moving the locked measurement out of WEEK 6, then changing it. */
    assert_true(store_record_update(st, 4, "VISIT", "UNSCHEDULED", "rad1",
                                    "wrong visit", err) < 0);
    assert_int_equal(store_errcode(st), STORE_ECONFLICT);
    assert_non_null(strstr(err, "S-1 visit WEEK 6 is locked (by ivy, "));
    assert_true(store_record_update_checked(
                    st, 4, (const char *const[]){"VISIT", "TRSTRESN"},
                    (const char *const[]){"WEEK 8", "1.0"}, 2, "rad1", "typo",
                    NULL, err) < 0);
    assert_int_equal(store_record_get(st, 4, "TRSTRESN", v, sizeof v, err), 1);
    assert_string_equal(v, "45.8");
    /* Moving another record into it, by its label written otherwise. */
    assert_true(
        store_record_update(st, 6, "VISIT", "week 6", "rad1", "typo", err) < 0);
    assert_int_equal(store_errcode(st), STORE_ECONFLICT);
    /* Adding an assessment to it: "WEEK 6 ", "week 6", or UNSCHEDULED on
     * one of its days. */
    const char *cols[] = {"USUBJID", "TRLNKID", "VISIT", "TRDTC", "TRSTRESN"};
    const char *labels[] = {"WEEK 6 ", "week 6", "UNSCHEDULED"};
    for (int i = 0; i < 3; i++) {
        const char *vals[] = {"S-1", "T01", labels[i], "2025-03-11", "1.0"};
        assert_true(store_record_insert(st, "tr", cols, vals, 5, "rad1", err) <
                    0);
        assert_int_equal(store_errcode(st), STORE_ECONFLICT);
    }
    assert_non_null(strstr(err, "this record is dated 2025-03-11, within that "
                                "visit (2025-03-10 to 2025-03-11)"));
    assert_int_equal(audit_count(st), before + 1); /* the lock only */
    /* Open: an unscheduled scan on another day, another visit's record, an
     * adverse event (no visit) on a locked day, another subject's WEEK 6. */
    const char *un[] = {"S-1", "T01", "UNSCHEDULED", "2025-03-25", "30"};
    assert_true(store_record_insert(st, "tr", cols, un, 5, "rad1", err) > 0);
    assert_int_equal(store_record_update(st, 6, "TRSTRESN", "39", "rad1",
                                         "re-measured", err),
                     0);
    assert_true(store_record_insert(st, "ae",
                                    (const char *const[]){"USUBJID", "AESTDTC"},
                                    (const char *const[]){"S-1", "2025-03-10"},
                                    2, "cody", err) > 0);
    assert_int_equal(
        store_record_update(st, 7, "TRSTRESN", "16", "rad1", "r", err), 0);
    assert_int_equal(store_unlock(st, lock, "ivy", "query answered", err), 0);
    assert_int_equal(store_record_update(st, 4, "TRSTRESN", "45.9", "rad1",
                                         "re-measured", err),
                     0);

    /* A signature covers the records it hashed: moving one to another
     * visit voids it, though the record no longer has its label. */
    assert_true(store_sign(st, "S-2", "WEEK 6", "signature", "I confirm", "ivy",
                           "pw-ivy-123", err) > 0);
    assert_true(store_sign(st, "S-2", "WEEK 12", "signature", "I confirm",
                           "ivy", "pw-ivy-123", err) > 0);
    assert_int_equal(store_record_update(st, 7, "VISIT", "WEEK 3", "rad1",
                                         "wrong visit", err),
                     0);
    struct gcount k = {0};
    assert_int_equal(store_signature_each(st, "S-2", count_sig, &k, err), 0);
    assert_int_equal(k.voided, 1);
    assert_int_equal(k.valid, 1); /* WEEK 12's stands */
    assert_string_equal(k.reason, "wrong visit");
    /* Moving a record into a signed visit voids it too. */
    assert_int_equal(store_record_update(st, 7, "VISIT", "week 12", "rad1",
                                         "right visit", err),
                     0);
    memset(&k, 0, sizeof k);
    assert_int_equal(store_signature_each(st, "S-2", count_sig, &k, err), 0);
    assert_int_equal(k.voided, 2);
    long n_rows, bad_id;
    assert_int_equal(store_audit_verify(st, &n_rows, &bad_id, err), 0);
    store_close(st);
    done(&c);
}

/* A version-2 database's signatures (a visit label, no scope) get the
 * records of their visit when it is opened: a record moved out of a
 * locked visit afterwards is refused. */
static void migrate_v2(enum engine e)
{
    struct ctx c;
    fresh(&c, e);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    write_text(c.dir, "dm.csv", "USUBJID\nS-1\n");
    write_text(c.dir, "tr.csv",
               "USUBJID,VISIT,TRDTC,TRSTRESN\n"
               "S-1,Week 6,2025-03-10,45.8\n");
    assert_int_equal(store_import(st, c.dir, "tester", err), 2);
    assert_int_equal(
        store_user_add(st, "ivy", "investigator", "pw-ivy-123", "admin1", err),
        0);
    assert_true(store_sign(st, "S-1", "WEEK 6", "lock", "visit lock", "ivy",
                           "pw-ivy-123", err) > 0);
    store_close(st);
    /* As version 2 left it: the label as entered, no scope columns. */
    assert_int_equal(raw_sql(&c, "UPDATE signatures SET visit = 'Week 6'"), 0);
    const char *drop[] = {"date_from", "date_to", "domains", "records"};
    for (int i = 0; i < 4; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "ALTER TABLE signatures DROP COLUMN %s",
                 drop[i]);
        assert_int_equal(raw_sql(&c, sql), 0);
    }
    assert_int_equal(raw_sql(&c, "UPDATE meta SET value = '2' WHERE key = "
                                 "'schema_version'"),
                     0);
    assert_int_equal(store_open(c.url, false, &st, err), 0);
    assert_true(store_record_update(st, 2, "VISIT", "UNSCHEDULED", "rad1",
                                    "moved", err) < 0);
    assert_int_equal(store_errcode(st), STORE_ECONFLICT);
    assert_non_null(strstr(err, "S-1 visit Week 6 is locked"));
    store_close(st);
    done(&c);
}

static void test_sqlite_lock_scope(void **s)
{
    (void)s;
    lock_scope(LITE);
}
PG_TEST(test_pg_lock_scope, lock_scope)

static void test_sqlite_migrate_v2(void **s)
{
    (void)s;
    migrate_v2(LITE);
}
PG_TEST(test_pg_migrate_v2, migrate_v2)

static void test_sqlite_migrate(void **s)
{
    (void)s;
    migrate_v1(LITE);
}
PG_TEST(test_pg_migrate, migrate_v1)

static void test_sqlite_review(void **s)
{
    (void)s;
    review(LITE);
}
static void test_sqlite_escapes(void **s)
{
    (void)s;
    escapes(LITE);
}
PG_TEST(test_pg_review, review)
PG_TEST(test_pg_escapes, escapes)

/* ---- crash safety (SQLite): SIGKILL in the middle of many writes ---- */

static void test_sqlite_crash(void **state)
{
    (void)state;
    struct ctx c;
    fresh(&c, LITE);
    struct store *st = open_init(&c);
    char err[STORE_ERR];
    write_text(c.dir, "dm.csv", "USUBJID,N\nS-0,0\n");
    assert_int_equal(store_import(st, c.dir, "tester", err), 1);
    store_close(st);
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* The writer: one transaction per row; a row's number is written
         * to the pipe only after its commit returned. */
        close(fd[0]);
        struct store *w;
        if (store_open(c.url, false, &w, err) < 0)
            _exit(3);
        for (long i = 1;; i++) {
            char n[32];
            snprintf(n, sizeof n, "%ld", i);
            if (store_record_insert(
                    w, "dm", (const char *const[]){"USUBJID", "N"},
                    (const char *const[]){"S-X", n}, 2, "writer", err) < 0)
                _exit(4);
            if (write(fd[1], &i, sizeof i) != (ssize_t)sizeof i)
                _exit(5);
        }
    }
    close(fd[1]);
    /* Let it write a while, then kill it mid-stream. */
    long acked = 0, v;
    while (acked < 400 && read(fd[0], &v, sizeof v) == (ssize_t)sizeof v)
        acked = v;
    kill(pid, SIGKILL);
    while (read(fd[0], &v, sizeof v) == (ssize_t)sizeof v)
        acked = v; /* acknowledgements still in the pipe */
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    /* Reopen: every acknowledged write is there; nothing is half-present;
     * the file is intact; the audit chain verifies. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(c.url, &db), SQLITE_OK);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    sqlite3_prepare_v2(db,
                       "SELECT COUNT(*), (SELECT COUNT(*) FROM audit WHERE "
                       "tbl = 'dm' AND action = 'INSERT') FROM records "
                       "WHERE domain = 'dm'",
                       -1, &s, NULL);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long rows = sqlite3_column_int64(s, 0), audits = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_true(rows - 1 >= acked);     /* nothing acknowledged is lost */
    assert_true(rows - 1 <= acked + 1); /* at most the one in flight */
    assert_int_equal(rows, audits);     /* no record without its audit row */
    assert_int_equal(store_open(c.url, false, &st, err), 0);
    long n, bad;
    assert_int_equal(store_audit_verify(st, &n, &bad, err), 0);
    store_close(st);
    done(&c);
}

/* The one permission table (perm.c): each role's actions as the
 * protocol's roles are defined (docs/api.md), by hand. */
static void test_permissions(void **state)
{
    (void)state;
    assert_true(store_may("investigator", PERM_SIGN));
    assert_false(store_may("monitor", PERM_SIGN));
    assert_true(store_may("monitor", PERM_VERIFY));
    assert_false(store_may("investigator", PERM_VERIFY));
    assert_true(store_may("monitor", PERM_LOCK));
    assert_true(store_may("investigator", PERM_LOCK));
    assert_false(store_may("coordinator", PERM_LOCK));
    assert_true(store_may("coordinator", PERM_WRITE_SITE));
    assert_false(store_may("coordinator", PERM_WRITE_IMAGING));
    assert_true(store_may("radiologist", PERM_WRITE_IMAGING));
    assert_false(store_may("radiologist", PERM_WRITE_SITE));
    assert_false(store_may("statistician", PERM_WRITE));
    assert_true(store_may("statistician", PERM_EXPORT));
    assert_false(store_may("coordinator", PERM_EXPORT));
    assert_true(store_may("admin", PERM_ACCOUNTS));
    assert_false(store_may("admin", PERM_READ));
    assert_false(store_may("nobody", PERM_SIGNED_IN));
    assert_int_equal(store_domain_action("ae"), PERM_WRITE_SITE);
    assert_int_equal(store_domain_action("tr"), PERM_WRITE_IMAGING);
    assert_int_equal(store_domain_action("adsl"), PERM_NONE);
    assert_string_equal(store_permission(PERM_SIGN)->refusal,
                        "only an investigator signs");
    assert_null(store_permission(PERM_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_sqlite_round_trip),
        cmocka_unit_test(test_sqlite_all_or_nothing),
        cmocka_unit_test(test_sqlite_changes),
        cmocka_unit_test(test_sqlite_users),
        cmocka_unit_test(test_sqlite_crash),
        cmocka_unit_test(test_pg_round_trip),
        cmocka_unit_test(test_pg_all_or_nothing),
        cmocka_unit_test(test_pg_changes),
        cmocka_unit_test(test_pg_users),
        cmocka_unit_test(test_sqlite_review),
        cmocka_unit_test(test_sqlite_escapes),
        cmocka_unit_test(test_pg_review),
        cmocka_unit_test(test_pg_escapes),
        cmocka_unit_test(test_sqlite_migrate),
        cmocka_unit_test(test_pg_migrate),
        cmocka_unit_test(test_sqlite_lock_scope),
        cmocka_unit_test(test_pg_lock_scope),
        cmocka_unit_test(test_sqlite_migrate_v2),
        cmocka_unit_test(test_pg_migrate_v2),
    };
    return tests_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
