/*
 * helpers.c - see helpers.h.
 */
#include "helpers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *tmpdir_make(void)
{
    char tmpl[] = "/tmp/balist-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return xstrdup(d);
}

void tmpdir_remove(char *dir)
{
    DIR *dp = opendir(dir);
    if (dp) {
        struct dirent *e;
        while ((e = readdir(dp))) {
            if (e->d_name[0] == '.')
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(dp);
    }
    rmdir(dir);
    free(dir);
}

void write_text(const char *dir, const char *name, const char *text)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

const char *diag_text(const struct diag *g)
{
    static char buf[1400];
    diag_format(g, buf, sizeof buf);
    return buf;
}

const struct diag *find_diag(const struct diags *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(diag_text(&d->items[i]), needle))
            return &d->items[i];
    return NULL;
}

void dump_diags(const struct diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  | %s\n", diag_text(&d->items[i]));
}

int tests_skipped;

int tests_exit(int failures)
{
    if (failures)
        return failures;
    if (tests_skipped)
        fprintf(stderr, "%d test%s skipped: reported as skipped (77)\n",
                tests_skipped, tests_skipped == 1 ? "" : "s");
    return tests_skipped ? 77 : 0;
}
