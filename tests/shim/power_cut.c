/* A preloaded library that keeps, beside a database under test, the image
 * a power loss would leave of it: what the process had made durable with
 * fsync or fdatasync, and nothing else. A SIGKILL leaves every write in
 * the page cache, so it cannot show a write acknowledged before its
 * flush; a power cut can, and no real machine can be made to lose power
 * on demand in a test. So for the files YX_SHIM_POWER_DB names (the
 * database, its "-wal" and its "-journal"), every write and truncation
 * is also kept in memory, per file (by inode, whatever descriptor wrote
 * it); a flush of the file, once the real one has returned, applies what
 * was written before the flush began to a copy of the file in the
 * directory YX_SHIM_POWER_DIR, in the order written. Writes made during a
 * flush count as lost, as do writes never flushed. The copy starts as the
 * file was when this process first opened it.
 *
 * After the process dies the copy is the disk after a power loss that
 * dropped every write not flushed (the harshest such loss; a real disk may
 * keep any part of them, which SQLite's own recovery is made for). Not
 * modelled: directory entries (a created or removed name counts as
 * durable at once) and memory-mapped writes (SQLite writes the database
 * and the WAL only with pwrite; the shared-memory index is rebuilt from
 * the WAL). Built by `make test` as build/t/libyx_power_cut.so and used
 * through LD_PRELOAD by tests/integration/test_server_power.c. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FILES 8
#define MAX_FD 4096

struct op {
    struct op *next;
    off_t off;          /* a write at off, or a truncation to off */
    size_t len;
    int truncate;
    unsigned char data[];
};

struct tracked {
    dev_t dev;
    ino_t ino;
    char name[64];              /* its name, and its copy's */
    int live;                   /* 0 once its name was removed */
    int sfd;                    /* the copy */
    struct op *head, **tail;    /* written since the last flush began */
    uint64_t tickets, applied;  /* flushes begun; flushes applied, in order */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn = PTHREAD_COND_INITIALIZER;
static struct tracked files[MAX_FILES];
static int nfiles;
static signed char fd_file[MAX_FD];   /* index + 1 into files, 0: not tracked */

int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int close(int fd);
ssize_t write(int fd, const void *buf, size_t n);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off);
int ftruncate(int fd, off_t len);
int ftruncate64(int fd, off_t len);
int fsync(int fd);
int fdatasync(int fd);
int unlink(const char *path);

#define REAL(name, type) ((type)dlsym(RTLD_NEXT, name))

static void die(const char *what)
{
    fprintf(stderr, "power_cut shim: %s: %s\n", what, strerror(errno));
    abort();
}

/* The basename of path when it is one of the files to keep, else NULL. */
static const char *kept_name(const char *path)
{
    const char *db = getenv("YX_SHIM_POWER_DB");
    size_t n;
    if (!db || !path) return NULL;
    n = strlen(db);
    if (strncmp(path, db, n) != 0) return NULL;
    if (path[n] && strcmp(path + n, "-wal") && strcmp(path + n, "-journal")) return NULL;
    return strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

static void copy_path(char *out, size_t n, const char *name)
{
    const char *dir = getenv("YX_SHIM_POWER_DIR");
    if ((size_t)snprintf(out, n, "%s/%s", dir ? dir : ".", name) >= n) {
        errno = ENAMETOOLONG;
        die("copy path");
    }
}

/* Starts keeping fd (a kept file, just opened). With mu held. */
/* A slot for a new file: an unused one, or one whose name was removed
 * and which no descriptor and no flush still uses. With mu held. */
static int free_slot(void)
{
    for (int i = 0; i < nfiles; i++) {
        int used = files[i].live || files[i].tickets != files[i].applied;
        for (int fd = 0; fd < MAX_FD && !used; fd++) used = fd_file[fd] == i + 1;
        if (used) continue;
        REAL("close", int (*)(int))(files[i].sfd);
        for (struct op *o = files[i].head, *next; o; o = next) {
            next = o->next;
            free(o);
        }
        return i;
    }
    if (nfiles == MAX_FILES) {
        errno = EMFILE;
        die("too many files");
    }
    return nfiles++;
}

static void track(int fd, const char *name)
{
    struct stat st;
    int i;
    if (fstat(fd, &st)) die("fstat a kept file");
    for (i = 0; i < nfiles; i++)
        if (files[i].live && files[i].dev == st.st_dev && files[i].ino == st.st_ino) break;
    if (i == nfiles) {
        char copy[PATH_MAX];
        struct tracked *t;
        ssize_t (*rpwrite)(int, const void *, size_t, off_t) = REAL("pwrite", ssize_t (*)(int, const void *, size_t, off_t));
        int (*ropen)(const char *, int, ...) = REAL("open", int (*)(const char *, int, ...));
        t = &files[i = free_slot()];
        memset(t, 0, sizeof *t);
        t->dev = st.st_dev;
        t->ino = st.st_ino;
        t->live = 1;
        snprintf(t->name, sizeof t->name, "%s", name);
        t->tail = &t->head;
        copy_path(copy, sizeof copy, name);
        /* the copy starts as the file is now: written and flushed before */
        if ((t->sfd = ropen(copy, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) die(copy);
        for (off_t off = 0; off < st.st_size;) {
            char buf[65536];
            ssize_t r = pread(fd, buf, sizeof buf, off);
            if (r < 0) die("read the file");
            if (r == 0) break;
            if (rpwrite(t->sfd, buf, (size_t)r, off) != r) die("write the copy");
            off += r;
        }
    }
    fd_file[fd] = (signed char)(i + 1);
}

static struct tracked *tracked_fd(int fd)
{
    return fd >= 0 && fd < MAX_FD && fd_file[fd] ? &files[fd_file[fd] - 1] : NULL;
}

/* Keeps one write or truncation of t until its file's next flush. With mu
 * held, from before the real write began until after it returned, so that
 * a flush begins either before the write or after it is kept. */
static void note(struct tracked *t, const void *buf, size_t len, off_t off, int truncate)
{
    struct op *o;
    if (!(o = malloc(sizeof *o + (truncate ? 0 : len)))) die("out of memory");
    o->next = NULL;
    o->off = off;
    o->len = len;
    o->truncate = truncate;
    if (!truncate) memcpy(o->data, buf, len);
    *t->tail = o;
    t->tail = &o->next;
}

/* A kept file opened with O_TRUNC (a truncation the copy would not see),
 * O_APPEND (writes at an offset write() cannot tell) or on a descriptor
 * past the table is not modelled: the test stops rather than pass on a
 * wrong copy. */
static int open_common(int fd, const char *path, int flags)
{
    const char *name = kept_name(path);
    if (fd >= 0 && name && (fd >= MAX_FD || (flags & (O_TRUNC | O_APPEND)))) {
        errno = EINVAL;
        die(fd >= MAX_FD ? "a kept file's descriptor is past the table" : "a kept file opened O_TRUNC or O_APPEND");
    }
    if (fd >= 0 && fd < MAX_FD) {
        pthread_mutex_lock(&mu);
        fd_file[fd] = 0;
        if (name) track(fd, name);
        pthread_mutex_unlock(&mu);
    }
    return fd;
}

/* The mode argument of an open, passed only when it may create a file. */
#define MODE_ARG(flags, mode)                                                 \
    do {                                                                      \
        va_list ap;                                                           \
        va_start(ap, flags);                                                  \
        mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0; \
        va_end(ap);                                                           \
    } while (0)

int open(const char *path, int flags, ...)
{
    mode_t mode;
    MODE_ARG(flags, mode);
    return open_common(REAL("open", int (*)(const char *, int, ...))(path, flags, mode), path, flags);
}

int open64(const char *path, int flags, ...)
{
    mode_t mode;
    MODE_ARG(flags, mode);
    return open_common(REAL("open64", int (*)(const char *, int, ...))(path, flags, mode), path, flags);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode;
    MODE_ARG(flags, mode);
    /* only absolute names are matched, as SQLite opens its files by them */
    return open_common(REAL("openat", int (*)(int, const char *, int, ...))(dirfd, path, flags, mode),
                       path[0] == '/' ? path : NULL, flags);
}

int close(int fd)
{
    if (fd >= 0 && fd < MAX_FD) {
        pthread_mutex_lock(&mu);
        fd_file[fd] = 0;
        pthread_mutex_unlock(&mu);
    }
    return REAL("close", int (*)(int))(fd);
}

/* The writes and truncations: a kept file's under mu (see note). */
#define KEPT(fd, call, kept_call)            \
    do {                                     \
        struct tracked *t;                   \
        pthread_mutex_lock(&mu);             \
        if (!(t = tracked_fd(fd))) {         \
            pthread_mutex_unlock(&mu);       \
            return call;                     \
        }                                    \
        kept_call;                           \
        pthread_mutex_unlock(&mu);           \
        return r;                            \
    } while (0)

ssize_t write(int fd, const void *buf, size_t n)
{
    ssize_t (*real)(int, const void *, size_t) = REAL("write", ssize_t (*)(int, const void *, size_t));
    off_t off;
    ssize_t r;
    KEPT(fd, real(fd, buf, n), {
        off = lseek(fd, 0, SEEK_CUR);
        if (off < 0) die("find a kept file's offset");
        if ((r = real(fd, buf, n)) > 0) note(t, buf, (size_t)r, off, 0);
    });
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    ssize_t (*real)(int, const void *, size_t, off_t) = REAL("pwrite", ssize_t (*)(int, const void *, size_t, off_t));
    ssize_t r;
    KEPT(fd, real(fd, buf, n, off), if ((r = real(fd, buf, n, off)) > 0) note(t, buf, (size_t)r, off, 0));
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    ssize_t (*real)(int, const void *, size_t, off_t) = REAL("pwrite64", ssize_t (*)(int, const void *, size_t, off_t));
    ssize_t r;
    KEPT(fd, real(fd, buf, n, off), if ((r = real(fd, buf, n, off)) > 0) note(t, buf, (size_t)r, off, 0));
}

int ftruncate(int fd, off_t len)
{
    int (*real)(int, off_t) = REAL("ftruncate", int (*)(int, off_t));
    int r;
    KEPT(fd, real(fd, len), if ((r = real(fd, len)) == 0) note(t, NULL, 0, len, 1));
}

int ftruncate64(int fd, off_t len)
{
    int (*real)(int, off_t) = REAL("ftruncate64", int (*)(int, off_t));
    int r;
    KEPT(fd, real(fd, len), if ((r = real(fd, len)) == 0) note(t, NULL, 0, len, 1));
}

/* A flush of fd by the real function sync: what its file had been
 * written before it began reaches the copy once it returns, flushes of
 * one file applied in the order they began. */
static int flush(int fd, int (*sync)(int))
{
    struct tracked *t;
    struct op *ops;
    uint64_t ticket;
    int rc, e;
    pthread_mutex_lock(&mu);
    if (!(t = tracked_fd(fd))) {
        pthread_mutex_unlock(&mu);
        return sync(fd);
    }
    ops = t->head;
    t->head = NULL;
    t->tail = &t->head;
    ticket = t->tickets++;
    pthread_mutex_unlock(&mu);
    rc = sync(fd);
    e = errno;
    pthread_mutex_lock(&mu);
    while (t->applied != ticket) pthread_cond_wait(&turn, &mu);
    for (struct op *o = ops, *next; o; o = next) {
        next = o->next;
        /* a failed flush promised nothing: its writes are lost */
        if (rc == 0 && (o->truncate ? REAL("ftruncate", int (*)(int, off_t))(t->sfd, o->off)
                                    : REAL("pwrite", ssize_t (*)(int, const void *, size_t, off_t))(
                                          t->sfd, o->data, o->len, o->off) != (ssize_t)o->len))
            die("apply a flush to the copy");
        free(o);
    }
    t->applied++;
    pthread_cond_broadcast(&turn);
    pthread_mutex_unlock(&mu);
    errno = e;
    return rc;
}

int fsync(int fd) { return flush(fd, REAL("fsync", int (*)(int))); }
int fdatasync(int fd) { return flush(fd, REAL("fdatasync", int (*)(int))); }

/* A removed name is gone from the copy too (at once: directory entries
 * are not modelled), and a file made later under it is a new one. */
int unlink(const char *path)
{
    int r = REAL("unlink", int (*)(const char *))(path);
    const char *name = kept_name(path);
    if (r == 0 && name) {
        char copy[PATH_MAX];
        pthread_mutex_lock(&mu);
        for (int i = 0; i < nfiles; i++)
            if (!strcmp(files[i].name, name)) files[i].live = 0;
        copy_path(copy, sizeof copy, name);
        REAL("unlink", int (*)(const char *))(copy);
        pthread_mutex_unlock(&mu);
    }
    return r;
}
