/* Small helpers every module needs: bounded string copy, strict number
 * parsing, a growable byte buffer, whole-file reads, UTF-8 validation, where shipped data lives. */
#ifndef YX_UTIL_H
#define YX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Copies at most n-1 bytes and always terminates; returns strlen(src). */
size_t yx_strlcpy(char *dst, const char *src, size_t n);

/* Whole string must be a decimal integer within [min, max]; 0 ok, -1 not. */
int yx_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Whole string must be a finite number within [min, max]. */
int yx_parse_double(const char *s, double min, double max, double *out);

/* A growable byte buffer, NUL-terminated once anything is appended. The
 * user owns p (free() it); { 0 } is an empty buffer. */
typedef struct {
    char  *p;
    size_t len, cap;
} yx_buf;

/* Room for more bytes after len plus a NUL, growing by doubling. 0 ok, -1 no
 * memory (the buffer is left as it was). */
int yx_buf_reserve(yx_buf *b, size_t more);
/* Appends n bytes and keeps the text NUL-terminated. 0 ok, -1 no memory. */
int yx_buf_append(yx_buf *b, const void *data, size_t n);
/* Appends printf output; 0 ok, -1 no memory (the buffer is left as it was). */
int yx_buf_printf(yx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int yx_buf_vprintf(yx_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Reads a whole file (at most max bytes, else fails with errno EFBIG) into a
 * NUL-terminated malloc'd buffer; the caller frees it. NULL on failure. */
char *yx_read_file(const char *path, size_t *len, size_t max);

/* 1 when the n bytes are well-formed UTF-8 (no overlongs, no surrogates). */
int yx_utf8_valid(const char *s, size_t n);

/* Nanoseconds on the monotonic clock, for measuring durations. */
int64_t yx_mono_ns(void);
/* The time ms milliseconds from now on clock, as a timed wait takes it
 * (pthread_cond_timedwait on a condition variable of that clock). */
struct timespec yx_deadline_ms(clockid_t clock, long ms);

/* Directory of shipped assets: $YX_DATADIR, else the install location, else
 * ./assets when run from the source tree. Returns a static string. */
const char *yx_datadir(void);
/* Joins yx_datadir() and a relative path into buf; returns buf. */
char *yx_asset_path(char *buf, size_t n, const char *rel);

#endif
