/* Inside the decision engine: the engine struct and the small JSON writer
 * the trace uses. The writer appends to a growing buffer with no other
 * allocation and formats numbers itself, so writing a trace costs about a
 * microsecond and the same values always give the same bytes. Not for use
 * outside core/decide*.c. */
#ifndef YX_DECIDE_INT_H
#define YX_DECIDE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/gbdt.h"
#include "core/rules.h"
#include "core/scorecard.h"
#include "core/strategy.h"
#include "core/util.h"

struct engine {
    strategy   st;
    scorecard *sc;
    gbdt      *gb;
    rules     *rl;
    /* "Name": of each feature (and "bias": last), ready for the trace */
    char       fkey[F__COUNT + 1][24];
    size_t     fkey_len[F__COUNT + 1];
};

typedef struct {
    yx_buf b;       /* b.p is owned by whoever owns the buffer (decide_result) */
    int    oom;     /* an allocation failed; the text is incomplete */
} jw;

void jw_reserve_slow(jw *w, size_t more);

static inline void jw_reserve(jw *w, size_t more)
{
    if (w->b.len + more + 1 > w->b.cap) jw_reserve_slow(w, more);
}

static inline void jw_raw(jw *w, const char *s, size_t n)
{
    jw_reserve(w, n);
    if (w->oom) return;
    memcpy(w->b.p + w->b.len, s, n);
    w->b.len += n;
    w->b.p[w->b.len] = '\0';
}

/* A string literal, raw (its length known at compile time). */
#define JW_LIT(w, s) jw_raw((w), "" s, sizeof(s) - 1)
void jw_str(jw *w, const char *s);        /* quoted and escaped */
void jw_int(jw *w, int64_t v);
/* Fixed-point with `decimals` digits (at most 9); NaN and values beyond
 * +-9e9 are written as null. Integral values need no decimals: use jw_int
 * or jw_num. */
void jw_fixed(jw *w, double v, int decimals);
/* A feature value: integral values as integers, others with 6 decimals,
 * NaN as null. */
void jw_num(jw *w, double v);

#endif
