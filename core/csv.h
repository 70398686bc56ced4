/* A strict CSV reader for outside input (the credit data set, model
 * prediction input): RFC 4180 quoting, LF or CRLF line ends, empty cells as
 * missing. Errors carry the line and column so a user can find them. */
#ifndef YX_CSV_H
#define YX_CSV_H

#include <stddef.h>

typedef struct {
    const char *p, *end;   /* the remaining input (not owned) */
    int line;              /* 1-based line of the record being read */
    char **cells;          /* cells of the current record, NUL-terminated */
    int ncells, cap;
    char *buf;             /* storage for unquoted cell text */
    size_t bufcap;
    char err[160];
} csv_reader;

void csv_init(csv_reader *r, const char *data, size_t len);
/* Reads the next record. 1 = a record is in r->cells, 0 = end of input,
 * -1 = malformed (r->err says where). */
int csv_next(csv_reader *r);
void csv_free(csv_reader *r);

#endif
