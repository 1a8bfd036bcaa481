/*
 * errcode.c - the kinds of failure of the store's calls and their meaning
 * in words (store.h "store_code"), as sqlite3_errcode and sqlite3_errstr
 * do: a call fills err with what happened and records which kind it was,
 * so that the server maps kinds, never message text, to HTTP statuses.
 */
#include "store_int.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const code_text[STORE_CODE_COUNT] = {
    [STORE_OK] = "no error",
    [STORE_ERROR] = "the database or the system failed",
    [STORE_EINVALID] = "the request is not valid",
    [STORE_ENOTFOUND] = "not found",
    [STORE_ECONFLICT] = "the data's state refuses it",
};

const char *store_errstr(enum store_code code)
{
    return code >= 0 && code < STORE_CODE_COUNT ? code_text[code]
                                                : "unknown error";
}

enum store_code store_errcode(const struct store *st)
{
    return st->code;
}

int store_fail(struct store *st, enum store_code code, char *err,
               const char *fmt, ...)
{
    st->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, STORE_ERR, fmt, ap);
    va_end(ap);
    return -1;
}
