/* Masking of personal data for display (DESIGN.md, data classification):
 * ID number first 1 + last 1, mobile first 3 + last 4, bank card first 6 +
 * last 4, name surname + one '*' per remaining character. UTF-8 aware: a
 * character is masked as one '*', never cut in half. Every function writes
 * a NUL-terminated string into out (truncated to n - 1 bytes) and returns
 * out. NULL or empty input gives "". */
#ifndef YX_MASK_H
#define YX_MASK_H

#include <stddef.h>

char *mask_id_number(const char *id, char *out, size_t n);   /* 1****************X */
char *mask_mobile(const char *mobile, char *out, size_t n);  /* 138****1234 */
char *mask_bank_card(const char *card, char *out, size_t n); /* 622848*********1234 */
/* Compound surnames (欧阳, 司马, 诸葛, 上官, ...) keep both characters. */
char *mask_name(const char *name, char *out, size_t n);      /* 欧阳** */
/* Keeps the first `first` and last `last` characters, one '*' for each one
 * in between; when the text is no longer than first + last, every
 * character is masked. */
char *mask_keep(const char *s, int first, int last, char *out, size_t n);

/* 1 when the name starts with a known compound surname. */
int mask_compound_surname(const char *name);

#endif
