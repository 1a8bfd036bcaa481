/*
 * io.h - SDTM CSV in, CSV out (DESIGN.md io/). The readers turn a study
 * folder into the study model of core.h and report every problem with
 * file:line:column; they decide no clinical question beyond what
 * shared/spec/data-format.md says about which records count.
 */
#ifndef BALIST_IO_H
#define BALIST_IO_H

#include "balist/core.h"

#include <stdio.h>

/* Progress of a long load: called after each block of a file is read.
 * The library never prints; the caller decides what to show. */
struct load_progress {
    void (*fn)(void *ctx, const char *file, long long done_bytes,
               long long total_bytes);
    void *ctx;
};

struct load_options {
    bool evaluator_set; /* else the protocol's evaluator */
    enum evaluator evaluator;
    bool cutoff_set; /* else the protocol's data_cutoff */
    int32_t cutoff;
    /* false (the default): the study as known at the data cut-off
     * (study_cut, after every check; the records it leaves out are
     * warnings in d). true: every record, whatever its date (an import, the
     * web application's data entry). */
    bool all_records;
    const char *protocol_path;     /* NULL: DIR/protocol.json when present */
    struct load_progress progress; /* fn NULL: none */
};

void load_options_init(struct load_options *o);

/*
 * Loads the SDTM study in folder dir into s (initialised by the caller with
 * study_init) and runs the cross-file checks of data-format.md. Problems go
 * to d. Returns 0 when there were no errors (warnings allowed), -1
 * otherwise; s then holds what could be read and must still be released.
 */
int sdtm_load(const char *dir, const struct load_options *o, struct study *s,
              struct diags *d);

/* A study folder held in memory: its files by name. The web application
 * stages every change in one, so that no clinical data touches the disk
 * outside the database, even for a moment. */
struct memfile {
    char *name;
    char *data; /* NUL-terminated */
    size_t len, cap;
};
struct memdir {
    struct memfile *files;
    size_t n, cap;
};
void memdir_init(struct memdir *m);
void memdir_release(struct memdir *m);
/* The file of that name, or NULL. */
struct memfile *memdir_find(const struct memdir *m, const char *name);
/* The file of that name, created empty when missing. */
struct memfile *memdir_file(struct memdir *m, const char *name);
void memfile_append(struct memfile *f, const char *data, size_t len);

/* sdtm_load of a study folder in memory (the same checks and messages,
 * file names as in a folder). */
int sdtm_load_mem(const struct memdir *m, const struct load_options *o,
                  struct study *s, struct diags *d);

/* A length as SDTM records it (value, unit mm or cm, blank: mm) in mm x
 * DIAM_SCALE. Returns 0, 1 when it had more decimals than 0.0001 mm (then
 * rounded), -1 when value is not a length of 0 to 10 m, -2 when the unit
 * is not mm or cm. */
int sdtm_length_mm(const char *value, const char *unit, int32_t *diam);

/* What the standardised columns of a result become when its collected
 * value (--ORRES, --ORRESU) is entered or changed (data-format.md
 * "Measurements"). has_number: the domain has --STRESN and --STRESU. */
struct sdtm_std {
    char stresc[256], stresn[32], stresu[8];
    bool has_number;
};
/* domain "TR", "RS" or "TU". Returns 0, or -1 for another domain or a
 * value longer than stresc holds. */
int sdtm_standardise(const char *domain, const char *orres, const char *orresu,
                     struct sdtm_std *out);

/* AEREL and AEACN as they follow from an AE's per-drug SUPPAE qualifiers
 * (the protocol's rel_qnam and acn_qnam): rel "RELATED" when any drug is
 * related, else "NOT RELATED"; acn the one action, or "MULTIPLE". Each is
 * "" when no qualifier of its kind is given. */
void sdtm_ae_summary(const struct protocol *p, const char *const *qnam,
                     const char *const *qval, size_t n, char rel[32],
                     char acn[32]);

/* ------------------------------------------------------------------------
 * The SDTM rows of the web application's forms (sdtm_rows.c), from the
 * protocol's codes. Strings are borrowed for the call.
 */
/* Receives one row of a file ("tr.csv"); returns 0, or negative to stop. */
typedef int (*sdtm_row_fn)(void *ctx, const char *file, const char *const *cols,
                           const char *const *vals, size_t n);

/* A baseline lesion identified: its class per criterion ("TARGET",
 * "NON-TARGET"; NULL or "" where the criterion does not class it). */
struct tumour_identify {
    const char *id, *location;
    const char *cls[CRIT_N];
};
/* A lesion's result at the visit: a diameter in mm as text (exact), a
 * state (PRESENT, ABSENT, UNEQUIVOCAL...), or not done. */
struct tumour_lesion_entry {
    const char *id;
    const char *diam_mm; /* NULL: none */
    const char *state;   /* NULL: none */
    bool not_done;
    bool nodal; /* a lymph node: its short axis (SAXIS), else LDIAM */
};
struct tumour_new {
    const char *id, *location, *state; /* EQUIVOCAL or UNEQUIVOCAL */
};
/* One tumour assessment as the form gives it. */
struct tumour_entry {
    const char *studyid, *usubjid, *visit, *date, *method;
    const struct tumour_identify *identify;
    size_t n_identify;
    const struct tumour_lesion_entry *lesions;
    size_t n_lesions;
    const struct tumour_new *news;
    size_t n_new;
    const char *neuro, *steroid;  /* RANO-BM inputs, or NULL */
    const char *recorded[CRIT_N]; /* the site's own calls, or NULL */
};
/* The next --SEQ of each file and the visit's VISITNUM in it. */
struct sdtm_numbers {
    long tr_seq, tu_seq, rs_seq;
    const char *tr_visitnum, *tu_visitnum, *rs_visitnum;
};
/* Hands the assessment's rows to fn: TU (identified, new), TR, RS.
 * Returns 0, or fn's negative value. */
int sdtm_rows_assessment(const struct protocol *p, const struct tumour_entry *e,
                         const struct sdtm_numbers *num, sdtm_row_fn fn,
                         void *ctx);

/* One answer of the eligibility checklist: yn "Y" when an inclusion
 * criterion holds or an exclusion applies, "N", or "" unanswered. */
struct ie_answer {
    const char *code, *label, *yn;
    bool inclusion;
};
struct enrol_entry {
    const char *studyid, *usubjid, *siteid, *sex, *race;
    const char *age;          /* years as text, "" unknown */
    const char *consent_date; /* "" unknown */
    const char *enrol_date;   /* "" unknown: the consent date */
    const struct ie_answer *answers;
    size_t n_answers;
    bool decided; /* every item answered */
    bool eligible;
    const char *failure_reason; /* DSTERM of a screen failure */
};
/* Hands the enrolment's rows to fn: DM (the protocol's arm, or the screen
 * failure's), IE (every answer), DS (consent, then enrolment or screen
 * failure, numbered from ds_seq). */
int sdtm_rows_enrolment(const struct protocol *p, const struct enrol_entry *e,
                        long ds_seq, sdtm_row_fn fn, void *ctx);

/* Creates a folder and its missing parents (mkdir -p). Returns 0, or -1
 * with errno set. */
int make_dirs(const char *path);

/* One CSV record. Fields are NUL-terminated and borrowed for the call. */
struct csvr_rec {
    char **f;
    size_t *len;
    size_t n;
    long line;   /* physical line where the record starts (1-based) */
    long record; /* the database record it came from; 0 from a file */
};

/* Return non-zero to stop reading. */
typedef int (*csvr_rec_fn)(void *ctx, const struct csvr_rec *r);

/*
 * Streams the records of an RFC 4180 file (quotes, embedded commas and
 * newlines, UTF-8 BOM, CRLF) through fn, header included. name is the file
 * name used in messages. Returns 0, or -1 after recording an error in d
 * (unreadable file, malformed quoting).
 */
int csvr_stream(const char *path, const char *name, csvr_rec_fn fn, void *ctx,
                struct diags *d);
/* The same, reporting progress after each block read (may be NULL). */
int csvr_stream_progress(const char *path, const char *name, csvr_rec_fn fn,
                         void *ctx, struct diags *d,
                         const struct load_progress *pr);
/* The same over text in memory. */
int csvr_stream_mem(const char *data, size_t len, const char *name,
                    csvr_rec_fn fn, void *ctx, struct diags *d);

/* ------------------------------------------------------------------------
 * Where the loader's rows come from: a study folder, files in memory, or
 * the study database (store.h), one SDTM file ("tr.csv") at a time. The
 * loader reads through this interface alone, so that each source gives
 * rows without being turned into CSV text first.
 */
struct row_source {
    /* True when the source holds the file ("ae.csv", "protocol.json"). */
    bool (*has)(void *ctx, const char *file);
    /* Streams the file's records through fn, the header (column names)
     * first, as csvr_stream does; each record says where it came from
     * (line, record). Returns 0, or -1 after recording an error in d.
     * pr may be NULL. */
    int (*stream)(void *ctx, const char *file, csvr_rec_fn fn, void *fctx,
                  struct diags *d, const struct load_progress *pr);
    /* The whole text of a file that is not a table (protocol.json),
     * malloc'ed and NUL-terminated; NULL when absent. */
    char *(*text)(void *ctx, const char *file, size_t *len);
    void *ctx;
    const char *name; /* for messages: the folder, "(memory)" */
};
/* A study folder as a row source (dir is borrowed). */
void row_source_dir(struct row_source *src, const char *dir);
/* Files in memory as a row source (m is borrowed). */
void row_source_mem(struct row_source *src, const struct memdir *m);
/* Rows added to a source without changing it: the web application's
 * proposed rows over the subject's saved ones, loaded together before
 * anything is written. A row goes into its file in the file's columns (a
 * value for a column the file lacks is left out), or, for a file the base
 * lacks, in the columns of the first row added to it. */
struct overlay_row {
    char *file;
    char **cols, **vals;
    size_t n;
};
struct row_overlay {
    const struct row_source *base; /* borrowed */
    struct overlay_row *rows;      /* copies */
    size_t n, cap;
};
void row_overlay_init(struct row_overlay *ov, const struct row_source *base);
void row_overlay_release(struct row_overlay *ov);
/* Adds a row to file (the strings are copied). */
void row_overlay_add(struct row_overlay *ov, const char *file,
                     const char *const *cols, const char *const *vals,
                     size_t n);
/* The overlay as a source (ov is borrowed). */
void row_source_overlay(struct row_source *out, struct row_overlay *ov);
/* The columns of a file of the source (free each and the array), NULL
 * with *n 0 when the source has no such file. */
char **row_source_header(const struct row_source *src, const char *file,
                         size_t *n);

/* sdtm_load from any source. */
int sdtm_load_source(const struct row_source *src, const struct load_options *o,
                     struct study *s, struct diags *d);

/* Reads a whole file into a NUL-terminated buffer the caller frees.
 * Returns NULL (errno set) on failure. */
char *read_file(const char *path, size_t *len);
/* Makes a new private folder $TMPDIR/PREFIX-XXXXXX (TMPDIR default
 * /tmp) into dir (at least 4096 bytes). Returns 0, or -1 with errno. */
int make_temp_dir(char *dir, size_t size, const char *prefix);
/* Removes a folder of plain files (a temporary study folder). */
void remove_flat_dir(const char *dir);

/* ------------------------------------------------------------------------
 * CSV writer: RFC 4180, quoting where needed, buffered.
 */
struct csvw {
    FILE *fp;
    int col;
    int failed;
    int borrowed; /* fp is the caller's */
    size_t n;
    char buf[1 << 16];
};

/* Opens path for writing; returns 0 or -1 (errno set). The struct is
 * large (it holds the buffer): allocate it, do not put it on the stack. */
int csvw_open(struct csvw *w, const char *path);
/* Writes to an open stream (e.g. stdout); csvw_close flushes, does not
 * close it. */
void csvw_from_fp(struct csvw *w, FILE *fp);
void csvw_str(struct csvw *w, const char *s);
void csvw_int(struct csvw *w, long v);
/* Writes v with up to `decimals` decimals, trailing zeros removed. */
void csvw_num(struct csvw *w, double v, int decimals);
void csvw_date(struct csvw *w, int32_t day);
void csvw_end(struct csvw *w);
/* Writes an integer count of tenths as a decimal ("12.5", "7"). */
void csvw_tenths(struct csvw *w, long tenths);
/* Writes a header row from a NULL-terminated list. */
void csvw_header(struct csvw *w, const char *const *names);
/* Flushes and closes; returns 0, or -1 if any write failed. */
int csvw_close(struct csvw *w);

/* Writes a table's header (once, after csvw_open). */
void csvw_table_header(struct csvw *w, const struct table *t);
/* Appends a table's rows. */
void csvw_table_rows(struct csvw *w, const struct table *t);

#endif
