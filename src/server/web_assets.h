/*
 * web_assets.h - the files of web/, embedded at build time
 * (cmake/embed.cmake writes web_assets.c).
 */
#ifndef BALIST_WEB_ASSETS_H
#define BALIST_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *path; /* "/index.html" */
    const unsigned char *data;
    size_t len;
};

/* Ends with an entry whose path is NULL. */
extern const struct web_asset web_assets[];

#endif
