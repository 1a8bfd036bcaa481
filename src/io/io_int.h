/*
 * io_int.h - private to io/: the CSV record stream and the SDTM table
 * helpers shared by the domain readers.
 */
#ifndef BALIST_IO_INT_H
#define BALIST_IO_INT_H

#include "io.h"

/* One CSV record. Fields are NUL-terminated and borrowed for the call. */
struct csv_rec {
    char **f;
    size_t *len;
    size_t n;
    long line; /* physical line where the record starts (1-based) */
};

/* Return non-zero to stop reading. */
typedef int (*csv_rec_fn)(void *ctx, const struct csv_rec *r);

/*
 * Streams the records of an RFC 4180 file (quotes, embedded commas and
 * newlines, UTF-8 BOM, CRLF) through fn, header included. name is the file
 * name used in messages. Returns 0, or -1 after recording an error in d
 * (unreadable file, malformed quoting).
 */
int csv_stream(const char *path, const char *name, csv_rec_fn fn, void *ctx,
               struct diags *d);
/* The same, reporting progress after each block read (may be NULL). */
int csv_stream_progress(const char *path, const char *name, csv_rec_fn fn,
                        void *ctx, struct diags *d,
                        const struct load_progress *pr);

#endif
