/* Strict CSV reader (see csv.h). Cells are unquoted into one buffer per
 * record; pointers into it stay valid until the next csv_next(). */
#include "core/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_init(csv_reader *r, const char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->p = data;
    r->end = data + len;
}

void csv_free(csv_reader *r)
{
    free(r->cells);
    free(r->buf);
    r->cells = NULL;
    r->buf = NULL;
}

static int fail(csv_reader *r, int col, const char *what)
{
    snprintf(r->err, sizeof r->err, "line %d, column %d: %s", r->line, col, what);
    return -1;
}

int csv_next(csv_reader *r)
{
    size_t need = (size_t)(r->end - r->p) + 1, out = 0;
    size_t *offs;
    int col = 0;
    if (r->p >= r->end) return 0;
    r->line++;
    /* One record never unquotes to more bytes than remain in the input. */
    if (need > r->bufcap) {
        char *nb = realloc(r->buf, need);
        if (!nb) return fail(r, 1, "out of memory");
        r->buf = nb;
        r->bufcap = need;
    }
    r->ncells = 0;
    offs = NULL;
    for (;;) {
        size_t start = out;
        col++;
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end) { free(offs); return fail(r, col, "unterminated quoted cell"); }
                if (*r->p == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') { r->buf[out++] = '"'; r->p += 2; continue; }
                    r->p++;
                    break;
                }
                if (*r->p == '\n') r->line++;
                r->buf[out++] = *r->p++;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                free(offs);
                return fail(r, col, "text after a closing quote");
            }
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"') { free(offs); return fail(r, col, "quote inside an unquoted cell"); }
                r->buf[out++] = *r->p++;
            }
        }
        r->buf[out++] = '\0';
        if (r->ncells == r->cap) {
            int ncap = r->cap ? r->cap * 2 : 16;
            char **nc = realloc(r->cells, sizeof *nc * (size_t)ncap);
            size_t *no = realloc(offs, sizeof *no * (size_t)ncap);
            if (!nc || !no) { free(nc == r->cells ? NULL : nc); free(no ? no : offs); return fail(r, col, "out of memory"); }
            r->cells = nc;
            offs = no;
            r->cap = ncap;
        } else if (!offs) {
            offs = malloc(sizeof *offs * (size_t)r->cap);
            if (!offs) return fail(r, col, "out of memory");
        }
        offs[r->ncells++] = start;
        if (r->p < r->end && *r->p == ',') { r->p++; continue; }
        if (r->p < r->end && *r->p == '\r') {
            r->p++;
            if (r->p < r->end && *r->p != '\n') { free(offs); return fail(r, col, "carriage return without line feed"); }
        }
        if (r->p < r->end && *r->p == '\n') r->p++;
        break;
    }
    /* The buffer may have moved while growing; resolve offsets at the end. */
    for (int i = 0; i < r->ncells; i++) r->cells[i] = r->buf + offs[i];
    free(offs);
    return 1;
}
