/* Test temp directories: making one under $TMPDIR, and removing one, whatever a test
 * left in it (SQLite's -wal and -shm files included). */
#ifndef YX_TEST_TMPDIR_H
#define YX_TEST_TMPDIR_H

#include <stddef.h>

/* Makes a fresh private directory $TMPDIR/NAME-XXXXXX (/tmp when TMPDIR is
 * unset) into buf. Returns buf, or NULL when it does not fit or mkdtemp
 * fails. */
char *yx_test_mkdtemp(char *buf, size_t n, const char *name);

/* Makes and opens a fresh private file $TMPDIR/NAME-XXXXXX, its path in
 * buf. Returns the descriptor, or -1 when the path does not fit or mkstemp
 * fails. */
int yx_test_mkstemp(char *buf, size_t n, const char *name);

/* Removes dir and everything below it, not following links; a dir that
 * does not exist is fine. 0, or -1 when something could not be removed. */
int yx_test_rmtree(const char *dir);

#endif
