/*
 * store.h - the study database (DESIGN.md store/): one interface, two
 * engines — SQLite (a file; the embedded default) and PostgreSQL (a
 * postgresql:// URL) — behind a small table of functions (store_int.h).
 *
 * The study's SDTM rows are kept as they were exported (each row a JSON
 * object of column to value, in its domain's column order), so that import
 * -> export -> import gives identical data and every field of every row
 * can be audited. Every insert, update and delete writes the audit trail in
 * the same transaction: who, when (UTC), what (table, record, field, old
 * and new value) and why; the audit table is append-only (enforced by the
 * database) and each row carries a SHA-256 hash chaining it to the one
 * before. Users and roles live here too (Argon2id password hashes).
 *
 * No clinical question is decided here. Functions return 0 or a negative
 * value with a message in err (of at least STORE_ERR bytes).
 */
#ifndef BALIST_STORE_H
#define BALIST_STORE_H

#include "balist/core.h"
#include "balist/io.h"

#include <stdbool.h>
#include <stddef.h>

#define STORE_ERR 512

struct store;

/* What kind of failure a call had (store_errcode), as sqlite3_errcode
 * does: the message in err says what, the code says which kind, so that a
 * caller (the server) maps codes, never message text, to its replies. */
enum store_code {
    STORE_OK = 0,
    STORE_ERROR = 1,     /* the database or the system failed */
    STORE_EINVALID = 2,  /* the request is not valid: a column the domain
                          * lacks, a reason missing, a role unknown */
    STORE_ENOTFOUND = 3, /* no such query, lock or user; nothing to sign */
    STORE_ECONFLICT = 4, /* the data's state refuses it: locked, closed,
                          * exists already */
    STORE_CODE_COUNT
};
/* The code of the last call on st that failed (STORE_ERROR unless it said
 * otherwise), for the calls documented to set one. */
enum store_code store_errcode(const struct store *st);
/* The code's meaning in words ("not found"). */
const char *store_errstr(enum store_code code);
#define STORE_SCHEMA_VERSION 3

struct store;

/* True when s names a database rather than a study folder: a
 * postgresql:// (or postgres://) URL, or an existing regular file. */
bool store_is_database(const char *s);

/*
 * Opens a database: a postgresql:// URL or a SQLite file path. With
 * create, a SQLite file is created if missing. Checks the schema version
 * (an older schema is migrated; a newer one is refused).
 */
int store_open(const char *url, bool create, struct store **out, char *err);
void store_close(struct store *st);
const char *store_engine(const struct store *st); /* "sqlite", "postgresql" */

/*
 * Creates the schema in an empty database and records the protocol
 * (JSON text, may be NULL). Fails if the database already holds a study.
 */
int store_init(struct store *st, const char *protocol_json, const char *user,
               char *err);

/*
 * Imports every CSV file of a study folder (and its protocol.json) in one
 * transaction: all or nothing. The caller validates the folder first.
 * Returns the number of rows imported, or a negative value.
 */
long store_import(struct store *st, const char *dir, const char *user,
                  char *err);

/* Writes the study as SDTM CSV files (and protocol.json) into dir. */
int store_export(struct store *st, const char *dir, char *err);
/* The same for one subject: its rows and the rows of no subject (trial
 * design), enough to derive that subject as the whole study would. */
int store_export_subject(struct store *st, const char *dir, const char *usubjid,
                         char *err);
/* The same into a study folder in memory (initialised by the caller). */
int store_export_subject_mem(struct store *st, struct memdir *m,
                             const char *usubjid, char *err);
/* The id of the newest audit row (0 when none): it changes with every
 * write, so it tells a reader whether what it derived is still current. */
int store_audit_head(struct store *st, long *id, char *err);
/* The subjects whose data (records, queries, signatures) changed after
 * audit row `since`, each once (fn returns non-zero to stop); *other is
 * set when a change concerned no subject (trial design, protocol), users
 * aside. */
int store_changed_subjects(struct store *st, long since,
                           int (*fn)(void *ctx, const char *usubjid), void *ctx,
                           bool *other, char *err);

/* ---- single-record changes (the web application's writes) ---- */

/* Adds a row to a domain (a first entry: no reason needed). Returns the
 * new record id, or a negative value. */
long store_record_insert(struct store *st, const char *domain,
                         const char *const *cols, const char *const *vals,
                         size_t n, const char *user, char *err);
/* Several rows in one transaction: all are added (each audited) or none.
 * ids (n entries, or NULL) receives the new record ids. */
struct store_row {
    const char *domain;
    const char *const *cols, *const *vals;
    size_t n;
};
int store_records_insert(struct store *st, const struct store_row *rows,
                         size_t n, const char *user, long *ids, char *err);
/* Changes one field; a reason is required (21 CFR Part 11 spirit). */
int store_record_update(struct store *st, long id, const char *field,
                        const char *value, const char *user, const char *reason,
                        char *err);
/* One discrepancy found by the checks (endpoints_findings). */
struct store_finding {
    const char *key, *visit, *text;
};

/* A check run inside a write's transaction, after the change and before
 * the commit, on the same connection (so it sees the change): non-zero
 * rolls the change back. The caller fills err. */
struct store_check {
    int (*fn)(void *ctx, struct store *st, const char *usubjid, char *err);
    void *ctx;
    /* Set by fn (or NULL): the subject's findings as changed; its
     * automatic queries are synced in the same transaction
     * (store_queries_sync). Valid until the update returns. */
    const struct store_finding *findings;
    size_t n_findings;
};
/* Changes n fields of one record in one transaction (an audit row for
 * each field that changes, all with the reason), then runs the check
 * (NULL: none). */
int store_record_update_checked(struct store *st, long id,
                                const char *const *fields,
                                const char *const *values, size_t n,
                                const char *user, const char *reason,
                                const struct store_check *check, char *err);
/* A subject's records (usubjid NULL: the rows of no subject), in domain
 * and position order: id, domain and the row as JSON text. */
int store_records_each(struct store *st, const char *usubjid,
                       int (*fn)(void *ctx, long id, const char *domain,
                                 const char *json),
                       void *ctx, char *err);
/* The study's STUDYID (of its first DM row) into buf; 1 found, 0 none. */
int store_study_id(struct store *st, char *buf, size_t size, char *err);
/* The column names of a domain, in order, NULL-terminated (free each and
 * the array); NULL with *n 0 when the domain is unknown. */
char **store_domain_columns(struct store *st, const char *domain, size_t *n,
                            char *err);
/* Deletes a row; a reason is required. */
int store_record_delete(struct store *st, long id, const char *user,
                        const char *reason, char *err);
/* The value of one field of a record into buf; 1 found, 0 no such field,
 * negative on error. */
int store_record_get(struct store *st, long id, const char *field, char *buf,
                     size_t size, char *err);

/* ---- audit trail ---- */

struct audit_row {
    long id;
    const char *ts, *user, *action, *tbl, *field, *old_value, *new_value,
        *reason, *usubjid, *prev_hash, *hash;
    long record_id;
};

struct audit_filter {
    const char *usubjid; /* NULL: all */
    const char *tbl;
    const char *user;
    const char *from, *to; /* ISO timestamps, inclusive; NULL: open */
    long record_id;        /* 0: all */
};

/* Calls fn for each audit row matching the filter, in order, streaming
 * (constant memory). fn returns non-zero to stop. */
int store_audit_each(struct store *st, const struct audit_filter *f,
                     int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
                     char *err);

/*
 * Recomputes the hash chain. Returns 0 when intact (*n_rows set), 1 when
 * broken (*bad_id = the first row that does not verify), negative on error.
 */
int store_audit_verify(struct store *st, long *n_rows, long *bad_id, char *err);

/* ---- queries (data clarification) ---- */

/* A query: raised on a subject (and a visit or a record) by a monitor
 * ("manual") or by BALIST's checks ("auto", with the check's key),
 * answered by the site, closed by a monitor or, for an automatic one,
 * when the data no longer shows the discrepancy. Every step is audited
 * (table "queries"). */
struct query_row {
    long id, record_id; /* record_id 0: none */
    const char *usubjid, *visit, *kind, *check_key, *text, *status, *raised_by,
        *raised_ts, *answer, *answered_by, *answered_ts, *closed_by, *closed_ts,
        *close_note;
};

/* Returns the new query's id, or a negative value. visit, check_key may
 * be NULL; record_id 0 for none. */
long store_query_raise(struct store *st, const char *usubjid, const char *visit,
                       long record_id, const char *kind, const char *check_key,
                       const char *text, const char *user, char *err);
/* The site's answer: an open (or answered) query becomes "answered". */
int store_query_answer(struct store *st, long id, const char *answer,
                       const char *user, char *err);
/* Closes an open or answered query; the note says why. */
int store_query_close(struct store *st, long id, const char *note,
                      const char *user, char *err);
/* The queries of a subject (usubjid NULL: all), oldest first. */
int store_query_each(struct store *st, const char *usubjid,
                     int (*fn)(void *ctx, const struct query_row *q), void *ctx,
                     char *err);

/*
 * Brings a subject's automatic queries in line with what the checks find
 * now, in one transaction: a finding with no query of its key yet is
 * raised; an open or answered automatic query whose finding is gone is
 * closed ("resolved by a data change"). A finding whose query a monitor
 * closed is not raised again. *raised and *closed (may be NULL) count.
 */
int store_queries_sync(struct store *st, const char *usubjid,
                       const struct store_finding *f, size_t n,
                       const char *user, int *raised, int *closed, char *err);

/* Rows added (as store_records_insert) and the subject's automatic
 * queries brought in line with the findings (as store_queries_sync, by
 * "balist-checks"), in one transaction: all or nothing. reason (NULL when
 * none: a first entry needs none) is audited with each row, e.g. why a
 * value the entry checks questioned was confirmed. */
int store_save(struct store *st, const struct store_row *rows, size_t n,
               const char *user, const char *reason, long *ids,
               const char *usubjid, const struct store_finding *f, size_t nf,
               char *err);

/* ---- electronic signatures and source data verification ---- */

/* An investigator's signature ("signature"), a monitor's source data
 * verification ("verification") or a lock ("lock") of a subject's data
 * (visit NULL) or of one visit's, with its meaning ("I have reviewed ...
 * and confirm ..."). A visit is named by its normalised label
 * (visit_label_norm); what is signed is the records it had then. A later
 * change to a record it covers, before or after the change (a record it
 * signed, any record with its label, an assessment of its domains dated
 * within its days), voids a signature and is refused by a lock (409).
 * content_hash is the SHA-256 of what was signed. Signing a visit the
 * subject does not have is refused (STORE_ENOTFOUND). */
struct signature_row {
    long id;
    const char *usubjid, *visit, *kind, *meaning, *user, *ts, *content_hash,
        *voided_ts, *voided_by, *voided_reason;
    /* The days the signed records of a visit span (NULL: none dated, or
     * the whole subject's). */
    const char *date_from, *date_to;
};
/* The password is checked again here (a deliberate act, 21 CFR Part 11
 * spirit), and the role (investigator signs, monitor verifies); returns
 * the id, 0 when the password is wrong, negative on error. */
long store_sign(struct store *st, const char *usubjid, const char *visit,
                const char *kind, const char *meaning, const char *user,
                const char *password, char *err);
/* A lock ("lock", by an investigator or a monitor, through store_sign)
 * refuses every change to the subject's (or the visit's) records until it
 * is unlocked, with a reason (audited LOCK, UNLOCK). */
int store_unlock(struct store *st, long id, const char *user,
                 const char *reason, char *err);
int store_signature_each(struct store *st, const char *usubjid,
                         int (*fn)(void *ctx, const struct signature_row *g),
                         void *ctx, char *err);

/* ---- users, roles and who may do what (perm.c) ---- */

enum store_role {
    ROLE_ADMIN = 1 << 0,
    ROLE_INVESTIGATOR = 1 << 1,
    ROLE_COORDINATOR = 1 << 2,
    ROLE_RADIOLOGIST = 1 << 3,
    ROLE_MONITOR = 1 << 4,
    ROLE_STATISTICIAN = 1 << 5,
};
#define ROLES_ALL 0x3Fu

/* What a user may be allowed to do. */
enum store_action {
    PERM_NONE = -1,     /* anyone, signed in or not */
    PERM_SIGNED_IN = 0, /* any account: its own session and password */
    PERM_ACCOUNTS,      /* add and disable accounts */
    PERM_READ,          /* the study's data, queries, audit, dashboard */
    PERM_ENROL,         /* the eligibility checklist */
    PERM_ASSESS,        /* tumour assessments (preview, save) */
    PERM_WRITE_SITE,    /* dosing, AEs, medication, disposition... */
    PERM_WRITE_IMAGING, /* lesions, measurements, recorded responses */
    PERM_WRITE,         /* either (the route; the domain decides) */
    PERM_EXPORT,        /* the ADaM datasets */
    PERM_QUERY_RAISE,
    PERM_QUERY_ANSWER,
    PERM_QUERY_CLOSE,
    PERM_SIGN,
    PERM_VERIFY,
    PERM_LOCK, /* and unlock */
    PERM_COUNT
};
struct store_permission {
    enum store_action action;
    const char *name;    /* "sign", as the web page names it */
    unsigned roles;      /* enum store_role bits */
    const char *refusal; /* "only an investigator signs" */
};
/* The role's bit, 0 for no role. */
unsigned store_role_bit(const char *role);
/* The i-th role's name (0, 1, ...), NULL past the last. */
const char *store_role_name(size_t i);
bool store_role_valid(const char *role);
/* The action's row of the table, NULL for PERM_NONE. */
const struct store_permission *store_permission(enum store_action a);
bool store_may(const char *role, enum store_action a);
/* The write action of a domain ("ae": PERM_WRITE_SITE, "tr":
 * PERM_WRITE_IMAGING), PERM_NONE when the site enters no such domain. */
enum store_action store_domain_action(const char *domain);
int store_user_add(struct store *st, const char *name, const char *role,
                   const char *password, const char *by, char *err);
int store_user_passwd(struct store *st, const char *name, const char *password,
                      const char *by, char *err);
int store_user_disable(struct store *st, const char *name, const char *by,
                       char *err);
/* 1 when the password is right and the account enabled, 0 when not,
 * negative on error. *role is set on success (static storage). */
int store_user_check(struct store *st, const char *name, const char *password,
                     char *role, size_t role_size, char *err);
struct user_row {
    const char *name, *role, *created;
    bool disabled;
};
int store_user_each(struct store *st,
                    int (*fn)(void *ctx, const struct user_row *u), void *ctx,
                    char *err);

/*
 * Loads the database's study for the derivations, from its records
 * (store_load_source). sha (65 bytes, or NULL) receives the data's
 * SHA-256 as folder_sha256 takes it of the export (the same as of the
 * imported folder): the export is then made in memory, hashed and loaded.
 * Returns the load's result with the problems in d, or -1 with err set
 * (err empty when the problems are in d).
 */
int store_load_study(struct store *st, const struct load_options *o,
                     struct study *s, struct diags *d, char *sha, char *err);

/* The records of the study (usubjid NULL) or of one subject and the rows
 * of no subject, as a row source (source.c); x holds its state and must
 * outlive src. */
struct store_source {
    struct store *st;
    const char *usubjid; /* borrowed */
    char err[STORE_ERR]; /* the last database error */
};
void store_row_source(struct store_source *x, struct store *st,
                      const char *usubjid, struct row_source *src);
/* Loads the study (usubjid NULL) or one subject and the rows of no
 * subject straight from the records (source.c: no CSV text, no folder),
 * with the same checks and messages as the exported folder would give. */
int store_load_source(struct store *st, const char *usubjid,
                      const struct load_options *o, struct study *s,
                      struct diags *d, char *err);
/* The whole study from its records (store_load_source): nothing of the
 * study is written outside the database, and no CSV text is made. */
int store_load_study_mem(struct store *st, const struct load_options *o,
                         struct study *s, struct diags *d, char *err);

/* The SHA-256 (hex) of a study folder's data: the names and contents of
 * its .csv files and protocol.json, in name order. */
int folder_sha256(const char *dir, char hex[65], char *err);
/* The SHA-256 (hex) of one file's bytes. */
int file_sha256(const char *path, char hex[65], char *err);

#endif
