/* The change feed: one row per change to a record the consoles mirror,
 * with a monotonic sequence. The row is written in the same transaction
 * as the change itself, so a reader that has seen sequence N has seen
 * every change up to N, and never misses one that commits later with a
 * smaller number (SQLite has one writer: sequences commit in order). */
#ifndef YX_CHANGES_H
#define YX_CHANGES_H

#include <stdint.h>

#include "core/store.h"

typedef struct change_row {
    int64_t seq;
    int64_t at;           /* unix ms */
    char    kind[16];     /* "application", "dispute", "alert" */
    int64_t record_id;
    int64_t version;      /* the record's version after the change */
} change_row;

/* Appends a change; call inside the transaction making the change.
 * Returns the sequence, or -1. */
int64_t changes_append(store *s, const char *kind, int64_t record_id, int64_t version);

/* Up to max changes with since < seq <= upto, oldest first. 0 / -1. */
int changes_list(store *s, int64_t since, int64_t upto, int max, change_row *rows, int *n);

/* The newest sequence (0 when empty), or -1. */
int64_t changes_last(store *s);

#endif
