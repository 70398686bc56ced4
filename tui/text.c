/* Display width of UTF-8 text and fitting text into columns. The width
 * tables are our own rather than wcwidth(), so results do not depend on the
 * C locale the program happens to run in; they follow Unicode East Asian
 * Width (W and F are two columns) and treat nonspacing marks as zero. */
#include "tui/text.h"

#include <string.h>

struct range { uint32_t lo, hi; };

/* Nonspacing and enclosing marks, zero-width format characters. */
static const struct range zero_width[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1160, 0x11FF},
    {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E},
    {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0x302A, 0x302D}, {0x3099, 0x309A},
    {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

/* East Asian Wide and Fullwidth. */
static const struct range wide[] = {
    {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC},
    {0x23F0, 0x23F0}, {0x23F3, 0x23F3}, {0x25FD, 0x25FE}, {0x2614, 0x2615},
    {0x2648, 0x2653}, {0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
    {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5}, {0x26CE, 0x26CE},
    {0x26D4, 0x26D4}, {0x26EA, 0x26EA}, {0x26F2, 0x26F3}, {0x26F5, 0x26F5},
    {0x26FA, 0x26FA}, {0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
    {0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755},
    {0x2757, 0x2757}, {0x2795, 0x2797}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x3029},
    {0x302E, 0x303E}, {0x3041, 0x3098}, {0x309B, 0x33FF}, {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA960, 0xA97F}, {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F}, {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6}, {0x16FE0, 0x16FE4}, {0x17000, 0x18AFF}, {0x1B000, 0x1B2FF},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251},
    {0x1F260, 0x1F265}, {0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C},
    {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0},
    {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
    {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
    {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5},
    {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7}, {0x1F6EB, 0x1F6EC},
    {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid].lo) hi = mid;
        else if (cp > r[mid].hi) lo = mid + 1;
        else return 1;
    }
    return 0;
}

size_t tui_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c, min;
    size_t len, i;
    if (n == 0) { *cp = TUI_REPLACEMENT; return 1; }
    c = u[0];
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; c &= 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; c &= 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; c &= 0x07; min = 0x10000; }
    else { *cp = TUI_REPLACEMENT; return 1; }
    if (n < len) { *cp = TUI_REPLACEMENT; return 1; }
    for (i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) { *cp = TUI_REPLACEMENT; return 1; }
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = TUI_REPLACEMENT;
        return 1;
    }
    *cp = c;
    return len;
}

size_t tui_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = TUI_REPLACEMENT;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int tui_cp_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
    if (cp < 0x300) return 1;
    if (in_ranges(cp, zero_width, sizeof zero_width / sizeof zero_width[0])) return 0;
    if (in_ranges(cp, wide, sizeof wide / sizeof wide[0])) return 2;
    return 1;
}

int tui_text_width_n(const char *s, size_t n)
{
    int w = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        if ((unsigned char)s[i] < 0x80) {   /* fast path for ASCII */
            w += (unsigned char)s[i] >= 0x20 && s[i] != 0x7F;
            i++;
            continue;
        }
        i += tui_utf8_decode(s + i, n - i, &cp);
        w += tui_cp_width(cp);
    }
    return w;
}

int tui_text_width(const char *s)
{
    return s ? tui_text_width_n(s, strlen(s)) : 0;
}

size_t tui_text_prefix(const char *s, int cols)
{
    size_t i = 0, n = strlen(s);
    int w = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = tui_utf8_decode(s + i, n - i, &cp);
        int cw = tui_cp_width(cp);
        if (w + cw > cols) break;
        w += cw;
        i += len;
    }
    return i;
}

size_t tui_utf8_prev(const char *s, size_t off)
{
    if (off == 0) return 0;
    off--;
    while (off > 0 && ((unsigned char)s[off] & 0xC0) == 0x80) off--;
    return off;
}

int tui_utf8_count(const char *s)
{
    int n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Appends bytes if they fit (keeping room for the NUL); returns 0 or -1. */
static int put(char *dst, size_t dstsz, size_t *len, const char *b, size_t n)
{
    if (*len + n + 1 > dstsz) return -1;
    memcpy(dst + *len, b, n);
    *len += n;
    dst[*len] = '\0';
    return 0;
}

static int put_spaces(char *dst, size_t dstsz, size_t *len, int n)
{
    int done = 0;
    while (done < n && put(dst, dstsz, len, " ", 1) == 0) done++;
    return done;
}

/* What tui_text_fit shows for cp: control characters become spaces. */
static uint32_t shown(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ? ' ' : cp;
}

/* Columns src[0..n) takes once fitted (its controls as spaces), so that
 * padding and alignment are computed on what is written. */
static int shown_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += tui_utf8_decode(s + i, n - i, &cp);
        w += tui_cp_width(shown(cp));
    }
    return w;
}

int tui_text_fit(char *dst, size_t dstsz, const char *src, int cols,
                 enum tui_align align, int ellipsis)
{
    size_t n = src ? strlen(src) : 0, i = 0, len = 0;
    int width, keep, w = 0, pad, left, out = 0;
    int cut;
    if (dstsz == 0) return 0;
    dst[0] = '\0';
    if (cols <= 0) return 0;
    width = shown_width(src ? src : "", n);
    cut = width > cols;
    keep = cut && ellipsis ? cols - 1 : cols;
    pad = width < cols ? cols - width : 0;
    left = align == TUI_ALIGN_RIGHT ? pad : align == TUI_ALIGN_CENTER ? pad / 2 : 0;
    out += put_spaces(dst, dstsz, &len, left);
    while (i < n) {
        uint32_t cp;
        size_t clen = tui_utf8_decode(src + i, n - i, &cp);
        int cw;
        char enc[4];
        size_t elen;
        cp = shown(cp);
        cw = tui_cp_width(cp);
        if (w + cw > keep) break;
        elen = tui_utf8_encode(cp, enc);
        if (put(dst, dstsz, &len, enc, elen) < 0) return out;
        w += cw;
        out += cw;
        i += clen;
    }
    if (cut) {
        out += put_spaces(dst, dstsz, &len, keep - w);   /* a straddling wide char */
        if (ellipsis && put(dst, dstsz, &len, "\xe2\x80\xa6", 3) == 0) out++;
    }
    out += put_spaces(dst, dstsz, &len, cols - out);
    return out;
}

long tui_text_find(const char *hay, const char *needle)
{
    size_t nl = strlen(needle), hl = strlen(hay);
    if (nl == 0) return 0;
    for (size_t i = 0; i + nl <= hl; i++) {
        size_t j = 0;
        while (j < nl) {
            unsigned char a = (unsigned char)hay[i + j], b = (unsigned char)needle[j];
            if (a >= 'A' && a <= 'Z') a = (unsigned char)(a - 'A' + 'a');
            if (b >= 'A' && b <= 'Z') b = (unsigned char)(b - 'A' + 'a');
            if (a != b) break;
            j++;
        }
        if (j == nl) return (long)i;
    }
    return -1;
}
