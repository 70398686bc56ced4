/* Small helpers shared by every module (see util.h). */
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef YX_DATADIR
#define YX_DATADIR "/usr/local/share/yixiang"
#endif

size_t yx_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);
    if (n) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return len;
}

int yx_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long v;
    if (!s || !*s) return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

int yx_parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    double v;
    if (!s || !*s) return -1;
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < min || v > max) return -1;
    *out = v;
    return 0;
}

int yx_buf_reserve(yx_buf *b, size_t more)
{
    size_t cap;
    char *p;
    if (b->len + more + 1 <= b->cap) return 0;
    if (more > SIZE_MAX / 2 - b->len) return -1;
    cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1) cap *= 2;
    if (!(p = realloc(b->p, cap))) return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int yx_buf_append(yx_buf *b, const void *data, size_t n)
{
    if (yx_buf_reserve(b, n)) return -1;
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int yx_buf_vprintf(yx_buf *b, const char *fmt, va_list ap)
{
    va_list again;
    int n;
    va_copy(again, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0 || yx_buf_reserve(b, (size_t)n)) {
        va_end(again);
        return -1;
    }
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
    va_end(again);
    b->len += (size_t)n;
    return 0;
}

int yx_buf_printf(yx_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = yx_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *yx_read_file(const char *path, size_t *len, size_t max)
{
    FILE *f = fopen(path, "rb");
    yx_buf b = { 0 };
    if (!f) return NULL;
    for (;;) {
        if (yx_buf_reserve(&b, 4096)) { free(b.p); fclose(f); errno = ENOMEM; return NULL; }
        size_t r = fread(b.p + b.len, 1, b.cap - b.len - 1, f);
        b.len += r;
        if (b.len > max) { free(b.p); fclose(f); errno = EFBIG; return NULL; }
        if (r == 0) break;
    }
    if (ferror(f)) { int e = errno; free(b.p); fclose(f); errno = e ? e : EIO; return NULL; }
    fclose(f);
    b.p[b.len] = '\0';
    if (len) *len = b.len;
    return b.p;
}

int64_t yx_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct timespec yx_deadline_ms(clockid_t clock, long ms)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int yx_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t need;
        unsigned cp;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
        else return 0;
        if (i + need >= n) return 0;   /* truncated sequence */
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        i += need + 1;
    }
    return 1;
}

const char *yx_datadir(void)
{
    static char dir[1024];
    struct stat st;
    const char *env = getenv("YX_DATADIR");
    if (dir[0]) return dir;
    if (env && *env) yx_strlcpy(dir, env, sizeof dir);
    else if (stat(YX_DATADIR "/data/credit_data.csv", &st) == 0) yx_strlcpy(dir, YX_DATADIR, sizeof dir);
    else yx_strlcpy(dir, "assets", sizeof dir);
    return dir;
}

char *yx_asset_path(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", yx_datadir(), rel);
    return buf;
}
