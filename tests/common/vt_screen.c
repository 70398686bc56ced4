/* Reading the terminal's screen back: text by row, where text starts,
 * attributes and colours per cell, and comparison with an expected file.
 * The terminal itself is run by vt_harness.c. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>

#include "tests/common/vt_harness.h"
#include "tests/common/vt_internal.h"

static size_t cell_text(int row, int col, char *out, int *width)
{
    VTermScreenCell c;
    VTermPos pos = {row, col};
    size_t n = 0;
    *width = 1;
    if (!vterm_screen_get_cell(vt__screen(), pos, &c)) { out[0] = ' '; return 1; }
    if (c.chars[0] == (uint32_t)-1) { *width = 0; return 0; }
    *width = c.width;
    if (c.chars[0] == 0) { out[0] = ' '; return 1; }
    for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && c.chars[i]; i++) {
        uint32_t cp = c.chars[i];
        if (cp < 0x80) out[n++] = (char)cp;
        else if (cp < 0x800) {
            out[n++] = (char)(0xC0 | (cp >> 6));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[n++] = (char)(0xE0 | (cp >> 12));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[n++] = (char)(0xF0 | (cp >> 18));
            out[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[n++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    return n;
}

/* One row as text; colmap[byte offset] = screen column, when given. */
static size_t row_into(int row, char *buf, size_t cap, int *colmap)
{
    size_t len = 0, keep = 0;
    for (int col = 0; col < vt__cols(); col++) {
        char cell[32];
        int w;
        size_t n = cell_text(row, col, cell, &w);
        if (len + n + 1 >= cap) break;
        for (size_t k = 0; k < n && colmap; k++) colmap[len + k] = col;
        memcpy(buf + len, cell, n);
        len += n;
        if (n && !(n == 1 && cell[0] == ' ')) keep = len;
    }
    buf[keep] = '\0';
    return keep;
}

const char *vt_row_text(int row)
{
    static char buf[4096];
    if (row < 0 || row >= vt__rows()) return "";
    row_into(row, buf, sizeof buf, NULL);
    return buf;
}

const char *vt_screen_text(void)
{
    static char *buf;
    static size_t cap;
    size_t need = (size_t)vt__rows() * ((size_t)vt__cols() * 8 + 2) + 1, len = 0;
    if (need > cap) {
        free(buf);
        buf = malloc(need);
        cap = buf ? need : 0;
        if (!buf) return "";
    }
    for (int r = 0; r < vt__rows(); r++) {
        len += row_into(r, buf + len, cap - len - 1, NULL);
        buf[len++] = '\n';
    }
    buf[len] = '\0';
    return buf;
}

int vt_find_col(int row, const char *text)
{
    char buf[4096];
    static int colmap[4096];
    const char *hit;
    if (row < 0 || row >= vt__rows()) return -1;
    row_into(row, buf, sizeof buf, colmap);
    hit = strstr(buf, text);
    return hit ? colmap[hit - buf] : -1;
}

static int colour_index(const VTermColor *c, int fg)
{
    if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c)) return -1;
    if (VTERM_COLOR_IS_INDEXED(c)) return c->indexed.idx;
    return -2;
}

struct vt_attr vt_cell_attr(int row, int col)
{
    struct vt_attr a = {0, 0, 0, 0, 0, -1, -1, 1};
    VTermScreenCell c;
    VTermPos pos = {row, col};
    if (!vt__screen() || !vterm_screen_get_cell(vt__screen(), pos, &c)) return a;
    a.bold = c.attrs.bold;
    a.underline = c.attrs.underline != 0;
    a.italic = c.attrs.italic;
    a.reverse = c.attrs.reverse;
    a.blink = c.attrs.blink;
    a.fg = colour_index(&c.fg, 1);
    a.bg = colour_index(&c.bg, 0);
    a.width = c.chars[0] == (uint32_t)-1 ? 0 : c.width;
    return a;
}

int vt_screen_has_colour(void)
{
    for (int r = 0; r < vt__rows(); r++)
        for (int c = 0; c < vt__cols(); c++) {
            struct vt_attr a = vt_cell_attr(r, c);
            if (a.fg != -1 || a.bg != -1) return 1;
        }
    return 0;
}

/* 1 when the got line matches the expected line: equal, or equal up to a
 * "{{any}}" in the expected line, which stands for the rest of the line. */
static int line_matches(const char *want, size_t wl, const char *got, size_t gl)
{
    static const char any[] = "{{any}}";
    for (size_t i = 0; i + sizeof any - 1 <= wl; i++)
        if (!memcmp(want + i, any, sizeof any - 1)) return gl >= i && !memcmp(want, got, i);
    return wl == gl && !memcmp(want, got, wl);
}

int vt_expect_file(const char *path)
{
    const char *got = vt_screen_text(), *a, *b;
    const char *upd = getenv("YX_UPDATE_FIXTURES");
    FILE *f;
    char want[65536];
    size_t n = 0;
    int line = 1, same = 1;
    if ((f = fopen(path, "r"))) {
        n = fread(want, 1, sizeof want - 1, f);
        fclose(f);
    } else if (!(upd && !strcmp(upd, "1"))) {
        fprintf(stderr, "vt_expect_file: %s: %s (YX_UPDATE_FIXTURES=1 writes it)\n", path, strerror(errno));
        return -1;
    }
    want[n] = '\0';
    if (upd && !strcmp(upd, "1")) {
        /* Rewrite, keeping the lines that still match through a wildcard. */
        if (!(f = fopen(path, "w"))) return -1;
        for (a = want, b = got; *b; line++) {
            size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
            if (*a && line_matches(a, la, b, lb)) fprintf(f, "%.*s\n", (int)la, a);
            else fprintf(f, "%.*s\n", (int)lb, b);
            a += la + (a[la] ? 1 : 0);
            b += lb + (b[lb] ? 1 : 0);
        }
        fclose(f);
        return 0;
    }
    for (a = want, b = got; *a || *b; line++) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (!line_matches(a, la, b, lb)) {
            if (same) fprintf(stderr, "screen differs from %s (- expected, + got):\n", path);
            fprintf(stderr, "%3d - %.*s\n%3d + %.*s\n", line, (int)la, a, line, (int)lb, b);
            same = 0;
        }
        a += la + (a[la] ? 1 : 0);
        b += lb + (b[lb] ? 1 : 0);
    }
    return same ? 0 : -1;
}
