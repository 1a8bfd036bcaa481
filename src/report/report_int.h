/*
 * report_int.h - private to report/: the drawing functions of plot.c.
 */
#ifndef BALIST_REPORT_INT_H
#define BALIST_REPORT_INT_H

#include "balist/endpoints.h"
#include "balist/io.h"
#include "balist/report.h"
#include "balist/stats.h"

#include <cairo.h>

/* Text at (x, y) baseline; align 0 left, 1 centre, 2 right. */
void text_at(cairo_t *cr, double x, double y, double size, bool bold, int align,
             const char *s);
void text_fit(cairo_t *cr, double x, double y, double size, bool bold,
              double max_w, const char *s);
unsigned report_resp_colour(enum resp r);

void draw_km(cairo_t *cr, double w, double h, const struct rep_tte *t,
             const char *title, const char *pop, const struct protocol *proto);
void draw_waterfall(cairo_t *cr, double w, double h,
                    const struct report_data *r, enum criterion c);
void draw_spider(cairo_t *cr, double w, double h, const struct report_data *r,
                 enum criterion c);
/* Subjects first .. first + count - 1 of those treated, sorted by time
 * on treatment (SIZE_MAX: all); swimmer_count: how many there are. */
void draw_swimmer(cairo_t *cr, double w, double h, const struct report_data *r,
                  size_t first, size_t count);
size_t swimmer_count(const struct report_data *r);
void draw_disposition(cairo_t *cr, double w, double h,
                      const struct report_data *r);
void draw_forest(cairo_t *cr, double w, double h, const struct report_data *r);
double forest_height(const struct report_data *r);
/* Rewrites the worksheets of the workbook at path with every number in its
 * shortest round-trip form (xlsx_tidy.c). Returns 0, or -1 with err. */
int xlsx_tidy_numbers(const char *path, char *err);

#endif
