/* Starting and stopping the private yxd of `yx --demo` (see launch.h). */
#include "core/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

static int executable(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && access(path, X_OK) == 0;
}

int launch_find_yxd(char *buf, size_t n, char *err, size_t errlen)
{
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    const char *path = getenv("PATH");
    if (len > 0) {
        char *slash;
        self[len] = '\0';
        if ((slash = strrchr(self, '/'))) {
            *slash = '\0';
            if ((size_t)snprintf(buf, n, "%s/yxd", self) < n && executable(buf)) return 0;
        }
    }
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t dl = end ? (size_t)(end - path) : strlen(path);
        if (dl > 0 && (size_t)snprintf(buf, n, "%.*s/yxd", (int)dl, path) < n && executable(buf))
            return 0;
        path = end ? end + 1 : NULL;
    }
    snprintf(err, errlen, "cannot find yxd next to yx or on PATH; build it (make) or install it");
    return -1;
}

/* The child side of a spawn: own process group, stdin from /dev/null,
 * stdout to out_fd (or the log), stderr to the log, SIGTERM when the
 * parent dies, env ("NAME=value", may be NULL) added. Never returns. */
static void child_exec(const char **argv, int out_fd, const char *log, pid_t parent,
                       const char *env)
{
    int null = open("/dev/null", O_RDWR);
    sigset_t none;
    int logfd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0600) : -1;
    if (logfd < 0) logfd = null;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);   /* the parent is already gone */
    dup2(null, 0);
    dup2(out_fd >= 0 ? out_fd : logfd, 1);
    dup2(logfd, 2);
    /* Back to default dispositions the console may have changed. */
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (env) putenv((char *)(uintptr_t)env);   /* the child's own copy of the string */
    execv(argv[0], (char *const *)(void *)argv);
    dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* The last non-empty line of a file, for error messages. */
static void last_line(const char *path, char *buf, size_t n)
{
    size_t len = 0;
    char *text = path ? yx_read_file(path, &len, 1 << 20) : NULL, *end, *start;
    buf[0] = '\0';
    if (!text) return;
    end = text + len;
    while (end > text && (end[-1] == '\n' || end[-1] == '\r')) *--end = '\0';
    start = end;
    while (start > text && start[-1] != '\n') start--;
    yx_strlcpy(buf, start, n);
    free(text);
}

int launch_demo_db(const char *yxd, const char *dir, int napps, const char *log,
                   char *db, size_t dbn, int *created, char *err, size_t errlen)
{
    char tmp[1200], key[1200], num[24], why[256];
    const char *argv[12];
    int status;
    pid_t pid, parent;
    if (created) *created = 0;
    if ((size_t)snprintf(db, dbn, "%s/demo.db", dir) >= dbn) {
        snprintf(err, errlen, "demo database path too long");
        return -1;
    }
    if (access(db, F_OK) == 0) return 0;
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", db, (long)getpid());
    snprintf(key, sizeof key, "%s.key", db);   /* where yxd serve looks for it */
    snprintf(num, sizeof num, "%d", napps);
    argv[0] = yxd; argv[1] = "init"; argv[2] = "--db"; argv[3] = tmp;
    argv[4] = "--demo"; argv[5] = num; argv[6] = "--key-file"; argv[7] = key; argv[8] = NULL;
    parent = getpid();
    pid = fork();
    if (pid < 0) { snprintf(err, errlen, "cannot start yxd init: %s", strerror(errno)); return -1; }
    if (pid == 0) child_exec(argv, -1, log, parent, NULL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        last_line(log, why, sizeof why);
        snprintf(err, errlen, "yxd init --demo %d failed%s%s", napps, why[0] ? ": " : "", why);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, db)) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, db, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (created) *created = 1;
    return 0;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int launch_serve(launch_server *p, const char *yxd, const char *db, const char *log,
                 int timeout_ms, char *err, size_t errlen)
{
    const char *argv[] = { yxd, "serve", "--db", db, "--listen", "127.0.0.1:0", NULL };
    char line[256], why[256];
    size_t len = 0;
    int o[2];
    pid_t parent;
    struct timespec t0;
    memset(p, 0, sizeof *p);
    if (pipe(o)) { snprintf(err, errlen, "pipe: %s", strerror(errno)); return -1; }
    fcntl(o[0], F_SETFD, FD_CLOEXEC);   /* later children must not hold it */
    parent = getpid();
    p->pid = fork();
    if (p->pid < 0) {
        p->pid = 0;
        close(o[0]);
        close(o[1]);
        snprintf(err, errlen, "cannot start yxd: %s", strerror(errno));
        return -1;
    }
    if (p->pid == 0) child_exec(argv, o[1], log, parent, NULL);
    close(o[1]);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* The first line, byte by byte so nothing after it is consumed. */
    for (;;) {
        struct pollfd pf = { o[0], POLLIN, 0 };
        long left = timeout_ms - ms_since(&t0);
        char c;
        int r = left > 0 ? poll(&pf, 1, (int)left) : 0;
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0 || read(o[0], &c, 1) != 1 || c == '\n' || len + 1 >= sizeof line) break;
        line[len++] = c;
    }
    line[len] = '\0';
    /* yxd serve writes nothing after that line and ignores SIGPIPE. */
    close(o[0]);
    if (strncmp(line, "listening on ", 13) || !line[13] || strlen(line + 13) >= sizeof p->addr) {
        launch_stop(p, 2000);
        last_line(log, why, sizeof why);
        snprintf(err, errlen, "yxd serve did not start%s%s", why[0] ? ": " : "", why);
        return -1;
    }
    yx_strlcpy(p->addr, line + 13, sizeof p->addr);
    snprintf(p->url, sizeof p->url, "http://%s", p->addr);
    return 0;
}

/* Waits for the child to end, up to ms; 1 when reaped (status set). */
static int wait_child(pid_t pid, int ms, int *status)
{
    struct timespec t0;
#ifdef SYS_pidfd_open
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
    int fd = -1;
#endif
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        long left = ms - ms_since(&t0);
        if (r == pid || (r < 0 && errno != EINTR)) {
            if (fd >= 0) close(fd);
            return r == pid;
        }
        if (left <= 0) break;
        if (fd >= 0) {
            struct pollfd pf = { fd, POLLIN, 0 };
            poll(&pf, 1, (int)left);          /* readable when the child exits */
        } else {
            struct timespec d = { 0, 5000000 };  /* kernels before 5.3 */
            nanosleep(&d, NULL);
        }
    }
    if (fd >= 0) close(fd);
    return 0;
}

int launch_stop(launch_server *p, int timeout_ms)
{
    int status = 0, rc;
    if (!p->pid) return -1;
    kill(p->pid, SIGTERM);
    if (wait_child(p->pid, timeout_ms, &status)) {
        rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    } else {
        kill(p->pid, SIGKILL);
        while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) { }
        rc = -1;
    }
    p->pid = 0;
    return rc;
}

/* Runs argv to the end with stdout captured into out (first line, no
 * newline). 0 when it exited 0. */
static int run_capture(const char **argv, const char *log, char *out, size_t n)
{
    int o[2], status = 0;
    size_t len = 0;
    pid_t pid, parent = getpid();
    ssize_t r;
    if (pipe(o)) return -1;
    fcntl(o[0], F_SETFD, FD_CLOEXEC);
    if ((pid = fork()) < 0) { close(o[0]); close(o[1]); return -1; }
    if (pid == 0) child_exec(argv, o[1], log, parent, NULL);
    close(o[1]);
    while (len + 1 < n && (r = read(o[0], out + len, n - 1 - len)) != 0) {
        if (r < 0) { if (errno == EINTR) continue; break; }
        len += (size_t)r;
    }
    out[len] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    close(o[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int launch_demo_channel(const char *yxd, const char *db, const char *log, char *key, size_t n,
                        char *err, size_t errlen)
{
    char path[1200], name[48], *text, why[256];
    int fd;
    snprintf(path, sizeof path, "%s.channel-key", db);
    if ((text = yx_read_file(path, NULL, 4096))) {
        text[strcspn(text, "\r\n")] = '\0';
        yx_strlcpy(key, text, n);
        free(text);
        if (key[0]) return 0;
    }
    /* A fresh name each time: an earlier channel whose key was lost stays
     * unused. */
    snprintf(name, sizeof name, "yx-demo-%lld", (long long)time(NULL));
    {
        const char *argv[] = { yxd, "channel", "add", name, "--kind", "h5", "--db", db, NULL };
        if (run_capture(argv, log, key, n) || !key[0]) {
            last_line(log, why, sizeof why);
            snprintf(err, errlen, "yxd channel add failed%s%s", why[0] ? ": " : "", why);
            return -1;
        }
    }
    /* The key is a secret: the user's eyes only. */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
        dprintf(fd, "%s\n", key) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int launch_simulate(launch_server *p, const char *yxd, const char *url, const char *key,
                    double rate, const char *log, char *err, size_t errlen)
{
    char r[32], env[300];
    const char *argv[] = { yxd, "simulate", "--server", url, "--rate", r, "--duration", "86400",
                           "--threads", "1", NULL };
    pid_t parent = getpid();
    memset(p, 0, sizeof *p);
    snprintf(r, sizeof r, "%g", rate);
    /* Through the environment, so the key stays out of the process list. */
    if ((size_t)snprintf(env, sizeof env, "YX_CHANNEL_KEY=%s", key) >= sizeof env) {
        snprintf(err, errlen, "channel key too long");
        return -1;
    }
    p->pid = fork();
    if (p->pid < 0) {
        p->pid = 0;
        snprintf(err, errlen, "cannot start yxd simulate: %s", strerror(errno));
        return -1;
    }
    if (p->pid == 0) child_exec(argv, -1, log, parent, env);
    yx_strlcpy(p->url, url, sizeof p->url);
    return 0;
}
