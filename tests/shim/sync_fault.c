/* A preloaded library that makes the disk slow or failing for a yxd under
 * test, where no real disk can be made so on demand: it wraps fsync and
 * fdatasync, and for files whose name ends in "-wal" (SQLite's
 * write-ahead log) it
 *   - sleeps YX_SHIM_SYNC_DELAY_MS milliseconds first, so a test can look
 *     at the server while a commit is written but not yet on disk;
 *   - fails with EIO while the file named by YX_SHIM_SYNC_FAIL_FILE exists,
 *     so a test can make the disk refuse a flush at a moment it chooses.
 * Other files are synced as usual. Built by `make test` as
 * build/t/libyx_sync_fault.so and used through LD_PRELOAD by
 * tests/integration/test_server_sync.c only. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int fsync(int fd);
int fdatasync(int fd);

static int is_wal(int fd)
{
    char link[64], path[4096];
    ssize_t n;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof path - 1);
    if (n < 4) return 0;
    path[n] = '\0';
    return !strcmp(path + n - 4, "-wal");
}

/* -1 (errno EIO) when the flush is to fail, 0 to go on to the real one */
static int fault(int fd)
{
    const char *delay = getenv("YX_SHIM_SYNC_DELAY_MS"), *fail = getenv("YX_SHIM_SYNC_FAIL_FILE");
    if ((!delay && !fail) || !is_wal(fd)) return 0;
    if (delay) {
        long ms = strtol(delay, NULL, 10);
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) { }
    }
    if (fail && access(fail, F_OK) == 0) {
        errno = EIO;
        return -1;
    }
    return 0;
}

int fsync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    if (fault(fd)) return -1;
    return real ? real(fd) : -1;
}

int fdatasync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    if (fault(fd)) return -1;
    return real ? real(fd) : -1;
}
