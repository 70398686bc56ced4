/* yx, the Yixiang console: parses the command line, starts the private yxd
 * of --demo, logs in (password from the terminal with echo off, or
 * YX_PASSWORD), opens the local cache, and runs the screens on the tui
 * event loop with sync in the background. Every way out stops the demo
 * yxd, logs out and leaves the terminal as it was. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/launch.h"
#include "core/util.h"
#include "screens/cli.h"
#include "screens/yx.h"
#include "tui/i18n.h"

#define DEMO_APPS      2000
#define DEMO_RATE      0.5     /* simulated applications per second; YX_DEMO_RATE overrides */
#define SYNC_EVERY_MS  15000   /* retry after a failure, or rounds without the feed */
#define FEED_WAIT_S    25

struct run {
    struct yx_opts o;
    struct yx y;
    launch_server srv;
    launch_server sim;         /* the demo's channel traffic */
    char url[512];
    char user[64];
    int demo_created;
};

static void on_sigint(int sig) { (void)sig; }

/* Reads a line from the terminal with echo off. 0, or an exit code. */
static int read_password(const char *who, const char *url, char *buf, size_t n)
{
    struct termios old, quiet;
    struct sigaction sa = { 0 }, prev;
    size_t len = 0;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), rc = 0;
    if (fd < 0 || tcgetattr(fd, &old)) {
        fprintf(stderr, "yx: no terminal to read the password from; set YX_PASSWORD\n");
        if (fd >= 0) close(fd);
        return YX_EXIT_USAGE;
    }
    /* Ctrl-C interrupts the read (no SA_RESTART) so echo is restored. */
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &prev);
    quiet = old;
    quiet.c_lflag &= (tcflag_t)~ECHO;
    quiet.c_lflag |= ECHONL;
    tcsetattr(fd, TCSAFLUSH, &quiet);
    dprintf(fd, "Password for %s at %s: ", who, url);
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) { rc = YX_EXIT_FAIL; break; }
        if (r <= 0 || c == '\n' || c == '\r') break;
        if (len + 1 < n) buf[len++] = c;
    }
    buf[len] = '\0';
    tcsetattr(fd, TCSAFLUSH, &old);
    sigaction(SIGINT, &prev, NULL);
    if (rc) {
        dprintf(fd, "\n");
        fprintf(stderr, "yx: cancelled\n");
    }
    close(fd);
    return rc;
}

/* Channel traffic for the demo, so decisions arrive while the officer
 * watches. Without it the demo still works: a warning, not a failure. */
static void start_traffic(struct run *r, const char *yxd, const char *db, const char *log)
{
    const char *env = getenv("YX_DEMO_RATE");
    double rate = DEMO_RATE;
    char key[256], err[512];
    if (env && *env && yx_parse_double(env, 0, 1000, &rate)) {
        fprintf(stderr, "yx: YX_DEMO_RATE must be a number from 0 to 1000; using %g\n", DEMO_RATE);
        rate = DEMO_RATE;
    }
    if (rate <= 0) return;
    if (launch_demo_channel(yxd, db, log, key, sizeof key, err, sizeof err) ||
        launch_simulate(&r->sim, yxd, r->srv.url, key, rate, log, err, sizeof err))
        fprintf(stderr, "yx: no simulated traffic: %s\n", err);
    explicit_bzero(key, sizeof key);
}

/* Starts the private yxd; sets r->url. 0 or YX_EXIT_FAIL. */
static int start_demo(struct run *r)
{
    char yxd[1024], dir[1024], db[1200], log[1200], err[512];
    struct timespec t0, t1;
    if (launch_find_yxd(yxd, sizeof yxd, err, sizeof err) ||
        cache_state_dir(dir, sizeof dir, err, sizeof err)) {
        fprintf(stderr, "yx: %s\n", err);
        return YX_EXIT_FAIL;
    }
    snprintf(log, sizeof log, "%s/demo-yxd.log", dir);
    snprintf(db, sizeof db, "%s/demo.db", dir);
    if (access(db, F_OK) != 0)
        fprintf(stderr, "yx: creating the demo database %s (%d applications)...\n", db, DEMO_APPS);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (launch_demo_db(yxd, dir, DEMO_APPS, log, db, sizeof db, &r->demo_created, err, sizeof err) ||
        launch_serve(&r->srv, yxd, db, log, 30000, err, sizeof err)) {
        fprintf(stderr, "yx: %s (log: %s)\n", err, log);
        return YX_EXIT_FAIL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (r->demo_created)
        fprintf(stderr, "yx: demo database ready in %.1f s\n",
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    snprintf(r->url, sizeof r->url, "%s", r->srv.url);
    start_traffic(r, yxd, db, log);
    return 0;
}

/* Logs in; 0 or an exit code (the message is printed). */
static int login(struct run *r)
{
    char err[512], pw[1024];
    const char *known = yx_auto_password(r->o.demo);
    client_error e;
    int rc;
    if (client_new(&r->y.cl, r->url, err, sizeof err)) {
        fprintf(stderr, "yx: %s\n", err);
        return YX_EXIT_USAGE;
    }
    yx_strlcpy(r->y.login_user, r->user, sizeof r->y.login_user);
    r->y.demo = r->o.demo;
    if (known) yx_strlcpy(pw, known, sizeof pw);
    else if ((rc = read_password(r->user, r->url, pw, sizeof pw))) return rc;
    /* argon2id on the server takes a moment; allow for a slow host */
    client_set_timeouts(r->y.cl, 5000, 30000);
    rc = client_login(r->y.cl, r->user, pw, &r->y.session, &e);
    explicit_bzero(pw, sizeof pw);
    if (rc < 0) {
        fprintf(stderr, "yx: %s\n", e.message);
        return YX_EXIT_FAIL;
    }
    if (rc > 0) {
        fprintf(stderr, "yx: login as %s failed: %s\n", r->user, e.message);
        return YX_EXIT_FAIL;
    }
    if (r->o.role[0] && strcmp(r->o.role, r->y.session.role)) {
        fprintf(stderr, "yx: %s has the role %s at %s, not %s\n", r->user, r->y.session.role,
                r->url, r->o.role);
        return YX_EXIT_FAIL;
    }
    return 0;
}

/* Opens the user's cache for this server; a cache that belongs to another
 * server or a new demo database starts empty. 0 or YX_EXIT_FAIL. */
static int open_cache(struct run *r)
{
    char path[1400], err[512], ident[700], have[700];
    const char *key = r->url;
    if (!strncmp(key, "http://", 7)) key += 7;
    else if (!strncmp(key, "https://", 8)) key += 8;
    if (r->o.demo) key = "demo";
    if (cache_default_path(path, sizeof path, r->user, key, err, sizeof err) ||
        cache_open(&r->y.ca, path, err, sizeof err)) {
        fprintf(stderr, "yx: %s\n", err);
        return YX_EXIT_FAIL;
    }
    /* What a role may see differs: a new role starts a new cache too. */
    snprintf(ident, sizeof ident, "%s %s %s", r->user, r->y.session.role,
             r->o.demo ? "demo" : r->url);
    if (r->demo_created || cache_meta_get(r->y.ca, "identity", have, sizeof have) != 0 ||
        strcmp(have, ident)) {
        if (cache_clear(r->y.ca) || cache_meta_set(r->y.ca, "identity", ident)) {
            fprintf(stderr, "yx: %s\n", cache_errmsg(r->y.ca));
            return YX_EXIT_FAIL;
        }
    }
    return 0;
}

static int cmd_sync(struct tui_app *app, const char *args, void *ctx)
{
    (void)app;
    (void)args;
    yx_sync_now(ctx);
    return TUI_REDRAW;
}

static const struct tui_command commands[] = {
    { "sync", N_("Sync with the server now"), cmd_sync },
};

/* Runs the screens until the user quits; returns the exit code. */
static int run_screens(struct run *r)
{
    struct tui_config cfg = {
        .app_name = "yixiang",
        .datadir = yx_datadir(),
        .theme = r->o.theme[0] ? r->o.theme : NULL,
        .screens = yx_screens,
        .nscreens = yx_nscreens,
        .commands = commands,
        .ncommands = sizeof commands / sizeof commands[0],
        .keymap_defaults = "queue r sync\n",
        .ctx = &r->y,
    };
    char err[512];
    int rc;
    const char *host = r->url + (strncmp(r->url, "https://", 8) ? 7 : 8);
    if (!(r->y.app = tui_app_new(&cfg, err, sizeof err))) {
        fprintf(stderr, "yx: %s\n", err);
        return YX_EXIT_FAIL;
    }
    snprintf(r->y.server, sizeof r->y.server, "%s", r->o.demo ? "demo" : host);
    r->y.sync_every_ms = SYNC_EVERY_MS;
    yx_net_attach(&r->y);
    if (!(r->y.sync = sync_new(r->y.cl, r->y.ca, 200, FEED_WAIT_S, yx_on_sync, &r->y))) {
        fprintf(stderr, "yx: out of memory\n");
        return YX_EXIT_FAIL;
    }
    tui_app_watermark(r->y.app, r->y.session.user);
    yx_status_update(&r->y);
    yx_sync_now(&r->y);
    rc = tui_app_run(r->y.app, &yx_queue_ops, NULL, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "yx: %s\n", err);
        return YX_EXIT_FAIL;
    }
    return rc;
}

static void finish(struct run *r)
{
    sync_free(r->y.sync);
    if (r->y.cl) {
        if (client_logged_in(r->y.cl)) {
            client_set_timeouts(r->y.cl, 1000, 2000);
            client_logout(r->y.cl, NULL);
        }
        client_free(r->y.cl);     /* unwatches its sockets: before the app goes */
    }
    tui_app_free(r->y.app);
    cache_close(r->y.ca);
    if (r->sim.pid) launch_stop(&r->sim, 5000);
    if (r->srv.pid) launch_stop(&r->srv, 5000);
}

int main(int argc, char **argv)
{
    static struct run r;
    char err[1200];
    const char *who;
    int rc = yx_opts_parse(&r.o, argc, argv, err, sizeof err);
    if (rc) { fprintf(stderr, "yx: %s\n", err); return rc; }
    if (r.o.help) { fputs(yx_usage_text, stdout); return YX_EXIT_OK; }
    if (r.o.version) { printf("yx %s\n", YX_VERSION); return YX_EXIT_OK; }
    if ((rc = yx_opts_config(&r.o, err, sizeof err))) { fprintf(stderr, "yx: %s\n", err); return rc; }

    who = r.o.user[0] ? r.o.user : r.o.demo ? (r.o.role[0] ? r.o.role : "officer") : getenv("USER");
    if (!who || !*who) {
        fprintf(stderr, "yx: no user: give --user NAME\n");
        return YX_EXIT_USAGE;
    }
    yx_strlcpy(r.user, who, sizeof r.user);
    tui_i18n_init("yixiang", getenv("YX_LOCALEDIR") ? getenv("YX_LOCALEDIR") : YX_LOCALEDIR);
    /* A child that exits (the demo yxd) must not kill us through a pipe. */
    signal(SIGPIPE, SIG_IGN);

    if (r.o.demo) rc = start_demo(&r);
    else yx_strlcpy(r.url, r.o.server, sizeof r.url);
    if (!rc) rc = login(&r);
    if (!rc) rc = open_cache(&r);
    if (!rc) rc = run_screens(&r);
    finish(&r);
    return rc;
}
