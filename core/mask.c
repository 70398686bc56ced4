/* Display masking of personal data, counted in UTF-8 characters so a
 * Chinese name is masked per character and never split inside one. */
#include "core/mask.h"

#include <string.h>

/* Compound surnames (复姓) that keep both characters when masked. */
static const char *const compound[] = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里",
    "呼延", "申屠", "万俟", "闻人", "澹台", "公冶", "太史", "钟离", "司空", "濮阳",
};

/* Length in bytes of the UTF-8 character starting at p (1 for stray bytes). */
static size_t char_len(const unsigned char *p)
{
    if (*p < 0x80) return 1;
    if ((*p & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) return 2;
    if ((*p & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) return 3;
    if ((*p & 0xf8) == 0xf0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
        (p[3] & 0xc0) == 0x80) return 4;
    return 1;
}

static int char_count(const char *s)
{
    int c = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p += char_len(p)) c++;
    return c;
}

/* Appends len bytes when they fit whole; keeps out terminated. Returns -1
 * when they do not, and the caller stops: a later character must not
 * appear after a missing one. */
static int put(char *out, size_t n, size_t *at, const char *s, size_t len)
{
    if (*at + len + 1 > n) return -1;
    memcpy(out + *at, s, len);
    *at += len;
    out[*at] = '\0';
    return 0;
}

char *mask_keep(const char *s, int first, int last, char *out, size_t n)
{
    size_t at = 0;
    int total, i = 0;
    if (!n) return out;
    out[0] = '\0';
    if (!s) return out;
    total = char_count(s);
    if (total <= first + last) first = last = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; i++) {
        size_t len = char_len(p);
        int kept = i < first || i >= total - last;
        if (put(out, n, &at, kept ? (const char *)p : "*", kept ? len : 1)) break;
        p += len;
    }
    return out;
}

char *mask_id_number(const char *id, char *out, size_t n) { return mask_keep(id, 1, 1, out, n); }
char *mask_mobile(const char *m, char *out, size_t n) { return mask_keep(m, 3, 4, out, n); }
char *mask_bank_card(const char *c, char *out, size_t n) { return mask_keep(c, 6, 4, out, n); }

int mask_compound_surname(const char *name)
{
    if (!name) return 0;
    for (size_t i = 0; i < sizeof compound / sizeof compound[0]; i++)
        if (strncmp(name, compound[i], strlen(compound[i])) == 0) return 1;
    return 0;
}

char *mask_name(const char *name, char *out, size_t n)
{
    int keep = mask_compound_surname(name) ? 2 : 1;
    size_t at = 0;
    int i = 0;
    if (!n) return out;
    out[0] = '\0';
    if (!name) return out;
    /* A one-character name still hides that character: showing the whole
     * name is never right. */
    if (char_count(name) <= keep) keep = char_count(name) > 1 ? 1 : 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; i++) {
        size_t len = char_len(p);
        if (put(out, n, &at, i < keep ? (const char *)p : "*", i < keep ? len : 1)) break;
        p += len;
    }
    return out;
}
