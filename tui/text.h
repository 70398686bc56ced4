/* Display width of UTF-8 text, and truncation and padding by terminal
 * columns. Every widget measures text here, so CJK (two columns), combining
 * marks (zero columns) and invalid bytes (shown as U+FFFD, one column) line up
 * the same everywhere. Independent of the C locale and of curses. */
#ifndef TUI_TEXT_H
#define TUI_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TUI_REPLACEMENT 0xFFFDu

/* Decodes one code point from s (at most n bytes, n >= 1). Invalid or
 * truncated sequences, overlongs and surrogates decode as U+FFFD and consume
 * one byte. Returns the bytes consumed (1..4). */
size_t tui_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encodes cp as UTF-8 into out (4 bytes room); returns bytes written. */
size_t tui_utf8_encode(uint32_t cp, char *out);

/* Columns the code point takes: 0 (combining, zero width, controls are 0),
 * 1, or 2 (East Asian wide and fullwidth, most emoji). */
int tui_cp_width(uint32_t cp);

/* Display columns of the NUL-terminated UTF-8 string. */
int tui_text_width(const char *s);
/* Same for the first n bytes. */
int tui_text_width_n(const char *s, size_t n);

enum tui_align { TUI_ALIGN_LEFT, TUI_ALIGN_RIGHT, TUI_ALIGN_CENTER };

/* Writes into dst (dstsz bytes) src cut to at most cols columns and padded
 * with spaces to exactly cols columns according to align. A cut ends with
 * "…" when ellipsis is set; a wide character that would straddle the edge is
 * replaced by a space. Invalid bytes come out as U+FFFD, control characters
 * as spaces. Always NUL-terminates; returns the columns written, which is
 * cols unless dstsz was too small. */
int tui_text_fit(char *dst, size_t dstsz, const char *src, int cols,
                 enum tui_align align, int ellipsis);

/* Byte length of the longest prefix of s that fits in cols columns. */
size_t tui_text_prefix(const char *s, int cols);

/* Byte offset of the start of the code point before offset off (0 at 0). */
size_t tui_utf8_prev(const char *s, size_t off);

/* Number of code points in s (bytes that do not continue a sequence). */
int tui_utf8_count(const char *s);

/* Case-insensitive (ASCII) substring search; returns the byte offset of the
 * first match or -1. An empty needle matches at 0. */
long tui_text_find(const char *hay, const char *needle);

#endif
