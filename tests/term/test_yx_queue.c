/* The real yx on a pseudo-terminal against a real yxd, read back through
 * libvterm: the queue fills from sync and shows the server's newest rows
 * with masked names, j moves the selection, Enter opens the detail and q
 * comes back, q quits with the terminal restored; an unreachable server is
 * a one-line error naming the URL; `yx --demo` in an empty state directory
 * creates its database, shows rows, and leaves no yxd behind after q. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/common/vt_harness.h"
#include "tests/common/yxd_proc.h"

#define NAPPS 300
#define ROWS 24
#define COLS 100

static yxd_proc srv;
static char yx_bin[512];
static char env_state[400], env_config[400], env_datadir[600];

struct top { char id[3][24]; char name[3][64]; };
static struct top top;

static int group_setup(void **state)
{
    yx_resp r;
    const cJSON *items, *it;
    int i = 0;
    const char *dd = getenv("YX_DATADIR");
    (void)state;
    snprintf(yx_bin, sizeof yx_bin, "%s/yx", yxd_test_bin());
    if (yxd_proc_start_demo(&srv, NAPPS, NULL)) return -1;
    snprintf(env_state, sizeof env_state, "XDG_STATE_HOME=%s/state", srv.dir);
    snprintf(env_config, sizeof env_config, "XDG_CONFIG_HOME=%s/config", srv.dir);
    snprintf(env_datadir, sizeof env_datadir, "YX_DATADIR=%s", dd && *dd ? dd : "assets");
    /* The three newest applications, as the server lists them. */
    char *tok = yx_login(&srv, "officer", "yixiang-demo");
    if (!tok || yx_http("GET", &srv, "/v1/applications?limit=3", tok, NULL, NULL, &r) || r.status != 200)
        return -1;
    items = cJSON_GetObjectItemCaseSensitive(r.json, "items");
    cJSON_ArrayForEach(it, items) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
        snprintf(top.id[i], sizeof top.id[i], "%lld", (long long)id->valuedouble);
        snprintf(top.name[i], sizeof top.name[i], "%s", name->valuestring);
        if (++i == 3) break;
    }
    yx_resp_free(&r);
    free(tok);
    return i == 3 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    vt_close();
    yxd_proc_cleanup(&srv);
    return 0;
}

/* Screen row whose first word is the application id, or -1. */
static int row_of_id(const char *id)
{
    for (int r = 0; r < ROWS; r++) {
        const char *t = vt_row_text(r);
        size_t n = strlen(id);
        while (*t == ' ') t++;
        if (!strncmp(t, id, n) && t[n] == ' ') return r;
    }
    return -1;
}

static int attr_same(struct vt_attr a, struct vt_attr b)
{
    return a.reverse == b.reverse && a.fg == b.fg && a.bg == b.bg && a.bold == b.bold;
}

static void test_queue_move_open_quit(void **state)
{
    const char *argv[] = { yx_bin, "--server", srv.url, "--user", "officer", NULL };
    const char *env[] = { "YX_PASSWORD=yixiang-demo", env_state, env_config, env_datadir,
                          "LANG=C.UTF-8", "LC_ALL", "LANGUAGE", NULL };
    char want[64];
    int r0, r1;
    struct vt_attr sel, other;
    (void)state;
    assert_int_equal(vt_spawn(argv, env, ROWS, COLS), 0);
    snprintf(want, sizeof want, "row 1 of %d", NAPPS);
    assert_int_equal(vt_wait_text(want, 30000), 0);
    assert_int_equal(vt_wait_quiet(100), 0);

    /* Newest first, with the masked names the server sent. */
    r0 = row_of_id(top.id[0]);
    r1 = row_of_id(top.id[1]);
    assert_true(r0 > 0);
    assert_int_equal(r1, r0 + 1);
    assert_non_null(strstr(vt_row_text(r0), top.name[0]));
    assert_non_null(strstr(vt_row_text(r1), top.name[1]));
    assert_non_null(strstr(vt_screen_text(), "officer"));   /* status bar: user */

    /* The selection is on the first row; j moves it down one. */
    sel = vt_cell_attr(r0, 1);
    other = vt_cell_attr(r1, 1);
    assert_false(attr_same(sel, other));
    assert_int_equal(vt_send("j"), 0);
    snprintf(want, sizeof want, "row 2 of %d", NAPPS);
    assert_int_equal(vt_wait_text(want, 5000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    assert_true(attr_same(vt_cell_attr(r1, 1), sel));
    assert_true(attr_same(vt_cell_attr(r0, 1), other));

    /* Enter opens the second application; q comes back to the list. */
    assert_int_equal(vt_send("\r"), 0);
    assert_int_equal(vt_wait_text("Applicant", 5000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    assert_non_null(strstr(vt_screen_text(), top.name[1]));
    assert_non_null(strstr(vt_screen_text(), "****"));       /* masked ID number */
    assert_int_equal(vt_send("q"), 0);
    assert_int_equal(vt_wait_text(want, 5000), 0);

    /* q on the list quits, and the terminal is as it was. */
    assert_int_equal(vt_quit_clean("q"), 1);
    vt_close();
}

/* The amounts in the visible data rows, in screen order; returns how many. */
static int screen_amounts(double *out, int max)
{
    int n = 0;
    for (int r = 0; r < ROWS && n < max; r++) {
        const char *t = vt_row_text(r), *dot;
        while (*t == ' ') t++;
        if (*t < '0' || *t > '9') continue;      /* not a data row */
        /* The amount is the one field with a decimal point: "12,345.00". */
        if (!(dot = strstr(t, ".00")) && !(dot = strchr(t, '.'))) continue;
        {
            const char *b = dot;
            double v = 0, scale = 1;
            while (b > t && (b[-1] == ',' || (b[-1] >= '0' && b[-1] <= '9'))) b--;
            for (const char *p = dot - 1; p >= b; p--) {
                if (*p == ',') continue;
                v += (*p - '0') * scale;
                scale *= 10;
            }
            out[n++] = v;
        }
    }
    return n;
}

static void test_sort_by_amount(void **state)
{
    const char *argv[] = { yx_bin, "--server", srv.url, "--user", "officer", NULL };
    const char *env[] = { "YX_PASSWORD=yixiang-demo", env_state, env_config, env_datadir,
                          "LANG=C.UTF-8", "LC_ALL", "LANGUAGE", NULL };
    double a[ROWS];
    char want[64];
    int n, status;
    (void)state;
    assert_int_equal(vt_spawn(argv, env, ROWS, COLS), 0);
    snprintf(want, sizeof want, "row 1 of %d", NAPPS);
    assert_int_equal(vt_wait_text(want, 30000), 0);
    /* s steps through the sortable columns: time, then amount. */
    assert_int_equal(vt_send("s"), 0);
    assert_int_equal(vt_wait_text("Time▲", 5000), 0);
    assert_int_equal(vt_send("s"), 0);
    assert_int_equal(vt_wait_text("Amount▲", 5000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    n = screen_amounts(a, ROWS);
    assert_true(n > 10);
    for (int i = 1; i < n; i++) assert_true(a[i] >= a[i - 1]);
    /* S reverses it. */
    assert_int_equal(vt_send("S"), 0);
    assert_int_equal(vt_wait_text("Amount▼", 5000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    n = screen_amounts(a, ROWS);
    assert_true(n > 10);
    for (int i = 1; i < n; i++) assert_true(a[i] <= a[i - 1]);
    assert_non_null(strstr(vt_screen_text(), want));   /* still all of them */
    assert_int_equal(vt_send("Q"), 0);
    assert_int_equal(vt_wait_exit(&status), 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    vt_close();
}

/* Applications of a channel on the server, counted through the API. */
static int server_count(const char *query)
{
    char *tok = yx_login(&srv, "officer", "yixiang-demo"), path[128];
    yx_resp r;
    int n = -1;
    snprintf(path, sizeof path, "/v1/applications?limit=500&%s", query);
    if (tok && yx_http("GET", &srv, path, tok, NULL, NULL, &r) == 0 && r.status == 200)
        n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "items"));
    yx_resp_free(&r);
    free(tok);
    return n;
}

static void test_filtered_queue(void **state)
{
    const char *argv[] = { yx_bin, "--server", srv.url, "--user", "officer", NULL };
    const char *env[] = { "YX_PASSWORD=yixiang-demo", env_state, env_config, env_datadir,
                          "LANG=C.UTF-8", "LC_ALL", "LANGUAGE", NULL };
    int h5 = server_count("channel=h5"), rows = 0;
    char want[64];
    (void)state;
    assert_true(h5 > 0 && h5 < NAPPS);
    assert_int_equal(vt_spawn(argv, env, ROWS, COLS), 0);
    snprintf(want, sizeof want, "row 1 of %d", NAPPS);
    assert_int_equal(vt_wait_text(want, 30000), 0);
    /* ":queue h5" opens a second queue holding only the H5 channel. */
    assert_int_equal(vt_send(":queue h5\r"), 0);
    snprintf(want, sizeof want, "row 1 of %d", h5);
    assert_int_equal(vt_wait_text(want, 5000), 0);
    assert_int_equal(vt_wait_quiet(50), 0);
    for (int r = 0; r < ROWS; r++) {
        const char *t = vt_row_text(r);
        while (*t == ' ') t++;
        if (*t < '0' || *t > '9') continue;      /* not a data row */
        assert_non_null(strstr(t, " H5 "));
        rows++;
    }
    assert_true(rows > 0);
    /* A filter that is not a status, channel or grade is refused. */
    assert_int_equal(vt_send(":queue nonsense\r"), 0);
    assert_int_equal(vt_wait_text("Unknown filter 'nonsense'", 5000), 0);
    assert_non_null(strstr(vt_row_text(0), "h5"));   /* the title names the filter */
    /* q goes back to the whole queue (the toast may still cover its footer). */
    assert_int_equal(vt_send("q"), 0);
    assert_int_equal(vt_wait_quiet(100), 0);
    assert_non_null(strstr(vt_row_text(0), "Applications"));
    assert_null(strstr(vt_row_text(0), "h5"));
    assert_non_null(strstr(vt_screen_text(), " API "));
    assert_int_equal(vt_quit_clean("Q"), 1);
    vt_close();
}

static void test_password_prompt_without_echo(void **state)
{
    const char *argv[] = { yx_bin, "--server", srv.url, "--user", "officer", NULL };
    const char *env[] = { "YX_PASSWORD", env_state, env_config, env_datadir, "LANG=C.UTF-8",
                          "LC_ALL", "LANGUAGE", NULL };
    char want[160];
    (void)state;
    assert_int_equal(vt_spawn(argv, env, ROWS, COLS), 0);
    snprintf(want, sizeof want, "Password for officer at %s", srv.url);
    assert_int_equal(vt_wait_text(want, 10000), 0);
    assert_int_equal(vt_send("yixiang-demo\r"), 0);
    snprintf(want, sizeof want, "row 1 of %d", NAPPS);
    assert_int_equal(vt_wait_text(want, 30000), 0);
    /* The password never reached the terminal. */
    {
        size_t len, since;
        const char *out = vt_output(&len, &since);
        for (size_t i = 0; i + 12 <= len; i++) assert_false(memcmp(out + i, "yixiang-demo", 12) == 0);
    }
    assert_int_equal(vt_quit_clean("q"), 1);
    vt_close();
}

static void test_wrong_password(void **state)
{
    const char *argv[] = { yx_bin, "--server", srv.url, "--user", "officer", NULL };
    const char *env[] = { "YX_PASSWORD=wrong", env_state, env_config, env_datadir, NULL };
    int status;
    size_t len, since;
    (void)state;
    assert_int_equal(vt_spawn(argv, env, ROWS, COLS), 0);
    assert_int_equal(vt_wait_exit(&status), 0);
    assert_int_equal(WEXITSTATUS(status), 1);
    assert_non_null(strstr(vt_output(&len, &since), "login as officer failed"));
    vt_close();

    /* The right password but not the role asked for. */
    {
        const char *av[] = { yx_bin, "--server", srv.url, "--user", "officer", "--role", "risk", NULL };
        const char *ev[] = { "YX_PASSWORD=yixiang-demo", env_state, env_config, env_datadir, NULL };
        assert_int_equal(vt_spawn(av, ev, ROWS, COLS), 0);
        assert_int_equal(vt_wait_exit(&status), 0);
        assert_int_equal(WEXITSTATUS(status), 1);
        assert_non_null(strstr(vt_output(&len, &since), "officer has the role officer"));
        vt_close();
    }
}

static void test_unreachable_server(void **state)
{
    const char *argv[] = { yx_bin, "--server", "http://127.0.0.1:9", "--user", "officer", NULL };
    const char *env[] = { "YX_PASSWORD=x", env_state, env_config, env_datadir, NULL };
    int status;
    size_t len, since;
    const char *out;
    (void)state;
    assert_int_equal(vt_spawn(argv, env, ROWS, COLS), 0);
    assert_int_equal(vt_wait_exit(&status), 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    out = vt_output(&len, &since);
    assert_non_null(strstr(out, "http://127.0.0.1:9"));
    assert_non_null(strstr(out, "yx: cannot reach"));
    assert_null(strstr(out, "\033[?1049h"));        /* never took the screen */
    vt_close();
}

/* The child of parent whose command line has word ("serve", "simulate"),
 * or 0. */
static pid_t child_with(pid_t parent, const char *word)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;
    while (d && (e = readdir(d)) && !found) {
        char path[300], buf[2048];
        FILE *f;
        size_t n;
        int ppid = 0;
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (!(f = fopen(path, "r"))) continue;
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        /* pid (comm) state ppid ...: comm may hold spaces, so from the ')' */
        if (!strrchr(buf, ')') || sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid) != 1 || ppid != parent)
            continue;
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        if (!(f = fopen(path, "r"))) continue;
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        for (size_t i = 0; i + 1 < n; i++) if (!buf[i]) buf[i] = ' ';
        if (strstr(buf, word)) found = (pid_t)atoi(e->d_name);
    }
    if (d) closedir(d);
    return found;
}

/* Whether process pid ends within ms, watched through a pidfd (no sleeps). */
static int ends_within(pid_t pid, int ms)
{
    int fd = (int)syscall(SYS_pidfd_open, pid, 0), r;
    struct pollfd pf;
    if (fd < 0) return errno == ESRCH;    /* already gone */
    pf.fd = fd;
    pf.events = POLLIN;
    r = poll(&pf, 1, ms);
    close(fd);
    return r == 1;
}

/* The m of "row n of m" at the bottom of the list, or -1. */
static long rows_total(void)
{
    const char *t = strstr(vt_screen_text(), " of ");
    return t ? atol(t + 4) : -1;
}

static const char *demo_env[8];
static char env_demo_state[450];

static void demo_spawn(void)
{
    const char *argv[] = { yx_bin, "--demo", NULL };
    int k = 0;
    snprintf(env_demo_state, sizeof env_demo_state, "XDG_STATE_HOME=%s/demo-state", srv.dir);
    demo_env[k++] = env_demo_state;
    demo_env[k++] = env_config;
    demo_env[k++] = env_datadir;
    demo_env[k++] = "YX_PASSWORD";
    demo_env[k++] = "LANG=C.UTF-8";
    demo_env[k++] = "YX_DEMO_RATE=20";   /* traffic quick enough to see at once */
    demo_env[k] = NULL;
    assert_int_equal(vt_spawn(argv, demo_env, ROWS, COLS), 0);
    /* The demo database's 2000 rows (and the simulated channel's), pulled. */
    assert_int_equal(vt_wait_text("synced", 60000), 0);
}

static void test_demo_starts_and_stops_yxd(void **state)
{
    pid_t yxd, sim;
    long first;
    char db[500];
    (void)state;
    demo_spawn();
    assert_non_null(strstr(vt_screen_text(), "officer"));
    yxd = child_with(vt_pid(), "serve");
    sim = child_with(vt_pid(), "simulate");
    assert_true(yxd > 0);
    assert_true(sim > 0);
    /* New applications arrive through the change feed, decided. */
    first = rows_total();
    assert_true(first >= 2000);
    for (int i = 0; i < 500 && rows_total() <= first; i++) vt_wait_quiet(20);
    assert_true(rows_total() > first);
    assert_int_equal(vt_quit_clean("q"), 1);
    /* yx stopped and reaped both before exiting. */
    assert_int_equal(kill(yxd, 0), -1);
    assert_int_equal(errno, ESRCH);
    assert_int_equal(kill(sim, 0), -1);
    snprintf(db, sizeof db, "%s/demo-state/yixiang/demo.db", srv.dir);
    assert_int_equal(access(db, F_OK), 0);
    vt_close();
}

/* SIGTERM and even SIGKILL of the console leave no yxd behind: the first
 * stops them on the way out, the second through the parent-death signal. */
static void test_demo_killed(void **state)
{
    int sigs[] = { SIGTERM, SIGKILL };
    (void)state;
    for (int i = 0; i < 2; i++) {
        pid_t yxd, sim;
        int status;
        demo_spawn();
        yxd = child_with(vt_pid(), "serve");
        sim = child_with(vt_pid(), "simulate");
        assert_true(yxd > 0);
        assert_true(sim > 0);
        assert_int_equal(vt_kill(sigs[i]), 0);
        assert_int_equal(vt_wait_exit(&status), 0);
        if (sigs[i] == SIGTERM) {
            assert_true(WIFEXITED(status));
            assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
            assert_int_equal(vt_terminal_restored(), 1);
        } else {
            assert_true(WIFSIGNALED(status));
        }
        assert_true(ends_within(yxd, 10000));
        assert_true(ends_within(sim, 10000));
        vt_close();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_move_open_quit),
        cmocka_unit_test(test_filtered_queue),
        cmocka_unit_test(test_sort_by_amount),
        cmocka_unit_test(test_password_prompt_without_echo),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_unreachable_server),
        cmocka_unit_test(test_demo_starts_and_stops_yxd),
        cmocka_unit_test(test_demo_killed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
