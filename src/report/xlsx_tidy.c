/*
 * xlsx_tidy.c - numbers in tables.xlsx as a person wrote them.
 * libxlsxwriter 1.1 prints every number with 16 significant digits, so the
 * double nearest 85.4 reaches the sheet as 85.40000000000001: the same
 * double, but not what a reader of the XML or of a strict tool expects.
 * After the workbook is written, its worksheets are rewritten with each
 * number in the shortest form that reads back as the same double (15
 * digits when they round-trip, else 17), through minizip, keeping every
 * other member and its date as they were.
 */
#include "report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <unzip.h>
#include <zip.h>

/* The shortest text of v that strtod reads back as v. */
static void shortest(double v, char *out, size_t size)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(out, size, "%.*g", digits, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

/* xml (len bytes) with every <v>number</v> in its shortest form, malloc'd
 * into *out (*out_len). */
static void tidy(const char *xml, size_t len, char **out, size_t *out_len)
{
    char *o = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        if (i + 3 < len && !memcmp(xml + i, "<v>", 3)) {
            const char *end = memchr(xml + i + 3, '<', len - i - 3);
            if (end && end - (xml + i + 3) < 40) {
                char num[48], *stop;
                size_t k = (size_t)(end - (xml + i + 3));
                memcpy(num, xml + i + 3, k);
                num[k] = '\0';
                double v = strtod(num, &stop);
                if (k && !*stop) {
                    char s[40];
                    shortest(v, s, sizeof s);
                    /* Never longer than what was there. */
                    if (strlen(s) <= k) {
                        memcpy(o + n, "<v>", 3);
                        n += 3;
                        memcpy(o + n, s, strlen(s));
                        n += strlen(s);
                        i += 3 + k;
                        continue;
                    }
                }
            }
        }
        o[n++] = xml[i++];
    }
    *out = o;
    *out_len = n;
}

static bool is_sheet(const char *name)
{
    return !strncmp(name, "xl/worksheets/sheet", 19) &&
           strstr(name, ".xml") != NULL;
}

int xlsx_tidy_numbers(const char *path, char *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%.4000s.tidy", path);
    unzFile in = unzOpen64(path);
    if (!in) {
        snprintf(err, 512, "cannot read %.400s back", path);
        return -1;
    }
    zipFile out = zipOpen64(tmp, APPEND_STATUS_CREATE);
    if (!out) {
        unzClose(in);
        snprintf(err, 512, "cannot write %.400s: %s", tmp, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int st = unzGoToFirstFile(in); st == UNZ_OK && rc == 0;
         st = unzGoToNextFile(in)) {
        char name[512];
        unz_file_info64 fi;
        if (unzGetCurrentFileInfo64(in, &fi, name, sizeof name, NULL, 0, NULL,
                                    0) != UNZ_OK ||
            unzOpenCurrentFile(in) != UNZ_OK) {
            rc = -1;
            break;
        }
        size_t len = (size_t)fi.uncompressed_size;
        char *buf = malloc(len ? len : 1);
        int got = unzReadCurrentFile(in, buf, (unsigned)len);
        unzCloseCurrentFile(in);
        if (got < 0 || (size_t)got != len) {
            free(buf);
            rc = -1;
            break;
        }
        char *data = buf;
        size_t dlen = len;
        if (is_sheet(name))
            tidy(buf, len, &data, &dlen);
        zip_fileinfo zi;
        memset(&zi, 0, sizeof zi);
        zi.tmz_date.tm_sec = fi.tmu_date.tm_sec;
        zi.tmz_date.tm_min = fi.tmu_date.tm_min;
        zi.tmz_date.tm_hour = fi.tmu_date.tm_hour;
        zi.tmz_date.tm_mday = fi.tmu_date.tm_mday;
        zi.tmz_date.tm_mon = fi.tmu_date.tm_mon;
        zi.tmz_date.tm_year = fi.tmu_date.tm_year;
        zi.internal_fa = fi.internal_fa;
        zi.external_fa = fi.external_fa;
        if (zipOpenNewFileInZip64(out, name, &zi, NULL, 0, NULL, 0, NULL,
                                  Z_DEFLATED, Z_DEFAULT_COMPRESSION,
                                  0) != ZIP_OK ||
            zipWriteInFileInZip(out, data, (unsigned)dlen) != ZIP_OK ||
            zipCloseFileInZip(out) != ZIP_OK)
            rc = -1;
        if (data != buf)
            free(data);
        free(buf);
    }
    unzClose(in);
    if (zipClose(out, NULL) != ZIP_OK)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc < 0) {
        remove(tmp);
        snprintf(err, 512, "cannot rewrite the numbers of %.400s", path);
    }
    return rc;
}

/* ---- several files as one zip (the web application's ADaM download) ---- */

int report_zip(const char *const *names, char *const *texts, const size_t *lens,
               size_t n, char **out, size_t *out_len, char err[512])
{
    *out = NULL;
    *out_len = 0;
    const char *dir = getenv("TMPDIR");
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/balist-zip-XXXXXX",
             dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, 512, "cannot create a temporary file: %s",
                 strerror(errno));
        return -1;
    }
    close(fd);
    int rc = 0;
    zipFile z = zipOpen64(tmp, APPEND_STATUS_CREATE);
    if (!z)
        rc = -1;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    for (size_t i = 0; z && rc == 0 && i < n; i++) {
        zip_fileinfo zi;
        memset(&zi, 0, sizeof zi);
        zi.tmz_date.tm_sec = (unsigned)tm.tm_sec;
        zi.tmz_date.tm_min = (unsigned)tm.tm_min;
        zi.tmz_date.tm_hour = (unsigned)tm.tm_hour;
        zi.tmz_date.tm_mday = (unsigned)tm.tm_mday;
        zi.tmz_date.tm_mon = (unsigned)tm.tm_mon;
        zi.tmz_date.tm_year = (unsigned)tm.tm_year + 1900;
        if (zipOpenNewFileInZip64(z, names[i], &zi, NULL, 0, NULL, 0, NULL,
                                  Z_DEFLATED, Z_DEFAULT_COMPRESSION,
                                  1) != ZIP_OK ||
            zipWriteInFileInZip(z, texts[i], (unsigned)lens[i]) != ZIP_OK ||
            zipCloseFileInZip(z) != ZIP_OK)
            rc = -1;
    }
    if (z && zipClose(z, NULL) != ZIP_OK)
        rc = -1;
    FILE *fp = rc == 0 ? fopen(tmp, "rb") : NULL;
    if (fp && fseek(fp, 0, SEEK_END) == 0) {
        long size = ftell(fp);
        rewind(fp);
        *out = size > 0 ? malloc((size_t)size) : NULL;
        if (*out && fread(*out, 1, (size_t)size, fp) == (size_t)size)
            *out_len = (size_t)size;
        else {
            free(*out);
            *out = NULL;
            rc = -1;
        }
    } else
        rc = -1;
    if (fp)
        fclose(fp);
    remove(tmp);
    if (rc < 0)
        snprintf(err, 512, "the zip could not be written");
    return rc;
}
