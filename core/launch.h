/* A private yxd for `yx --demo`: find the yxd binary, create the demo
 * database on first run, start `yxd serve` on a free loopback port, learn
 * its address from the "listening on ADDR:PORT" line, feed it channel
 * traffic with `yxd simulate`, and stop both at exit.
 *
 * Each child runs in its own process group (terminal keys such as Ctrl-C do
 * not reach it), reads /dev/null, writes its log to a file, and gets SIGTERM
 * when yx dies without stopping it (PR_SET_PDEATHSIG), so no yxd is left
 * behind whichever way the console ends. */
#ifndef YX_LAUNCH_H
#define YX_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;          /* 0 when not running */
    char  addr[80];     /* "127.0.0.1:PORT" */
    char  url[96];      /* "http://127.0.0.1:PORT" */
} launch_server;

/* yxd next to the running program (readlink /proc/self/exe), else the
 * first executable yxd on PATH. 0, or -1 with err set. */
int launch_find_yxd(char *buf, size_t n, char *err, size_t errlen);

/* DIR/demo.db; when missing, creates it with `yxd init --demo napps` (into
 * a temporary name, then renamed, so a cut-short run leaves nothing half
 * made). *created (may be NULL) says whether it was made now. yxd's output
 * goes to log (may be NULL: discarded). 0, or -1 with err set (the last
 * line yxd wrote, when there is one). */
int launch_demo_db(const char *yxd, const char *dir, int napps, const char *log,
                   char *db, size_t dbn, int *created, char *err, size_t errlen);

/* `yxd serve --db db --listen 127.0.0.1:0`, stderr to log (may be NULL).
 * Waits up to timeout_ms for the listening line. 0, or -1 with err set (the
 * child is then stopped). */
int launch_serve(launch_server *p, const char *yxd, const char *db, const char *log,
                 int timeout_ms, char *err, size_t errlen);

/* The key of the channel the demo's simulated traffic comes through:
 * read from DB.channel-key, or made with `yxd channel add` and kept there
 * (mode 0600). 0, or -1 with err set. */
int launch_demo_channel(const char *yxd, const char *db, const char *log, char *key, size_t n,
                        char *err, size_t errlen);

/* `yxd simulate --server url --rate rate` (applications per second) for up
 * to a day, the key passed through the environment, output to log. p->pid
 * is the child; stop it with launch_stop. 0, or -1 with err set. */
int launch_simulate(launch_server *p, const char *yxd, const char *url, const char *key,
                    double rate, const char *log, char *err, size_t errlen);

/* SIGTERM, then waits up to timeout_ms (SIGKILL after that) and reaps.
 * Returns yxd's exit code (0 on a clean stop), -1 when it had to be killed
 * or was not running. */
int launch_stop(launch_server *p, int timeout_ms);

#endif
