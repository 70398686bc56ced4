/* Test temp directories: removing one made with mkdtemp, whatever a test
 * left in it (SQLite's -wal and -shm files included). */
#ifndef YX_TEST_TMPDIR_H
#define YX_TEST_TMPDIR_H

/* Removes dir and everything below it, not following links; a dir that
 * does not exist is fine. 0, or -1 when something could not be removed. */
int yx_test_rmtree(const char *dir);

#endif
