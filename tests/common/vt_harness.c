/* Terminal test harness on libvterm: a program on a pseudo-terminal, its
 * output parsed into a screen (read back by vt_screen.c). See vt_harness.h.
 * The state is one static terminal: tests drive one program at a time, and
 * the helpers stay as short to call as the keys they send. */
#include "tests/common/vt_harness.h"
#include "tests/common/vt_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

#include "core/util.h"

static struct {
    pid_t pid;
    int fd;
    VTerm *vt;
    VTermScreen *scr;
    int rows, cols;
    yx_buf out;                /* everything the program wrote */
    size_t bytes_since;
    double t_send, t_last;
    int timeout_ms;
    int eof;
    int reaped, status;
    int altscreen, alt_entered, cursor_visible, mouse;
} V = {.pid = -1, .fd = -1, .timeout_ms = 10000};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void on_output(const char *s, size_t len, void *user)
{
    (void)user;
    /* The terminal's answers to queries go back to the program. */
    while (len > 0 && V.fd >= 0) {
        ssize_t w = write(V.fd, s, len);
        if (w <= 0) break;
        s += w;
        len -= (size_t)w;
    }
}

static int on_termprop(VTermProp prop, VTermValue *val, void *user)
{
    (void)user;
    switch (prop) {
    case VTERM_PROP_ALTSCREEN:
        V.altscreen = val->boolean;
        if (val->boolean) V.alt_entered = 1;
        break;
    case VTERM_PROP_CURSORVISIBLE: V.cursor_visible = val->boolean; break;
    case VTERM_PROP_MOUSE: V.mouse = val->number; break;
    default: break;
    }
    return 1;
}

static VTermScreenCallbacks screen_cbs = {.settermprop = on_termprop};

VTermScreen *vt__screen(void) { return V.scr; }
int vt__rows(void) { return V.rows; }
int vt__cols(void) { return V.cols; }

void vt_set_timeout(int ms) { V.timeout_ms = ms; }
pid_t vt_pid(void) { return V.pid; }
size_t vt_bytes_since_send(void) { return V.bytes_since; }
size_t vt_bytes_total(void) { return V.out.len; }

const char *vt_output(size_t *len, size_t *since_send)
{
    if (len) *len = V.out.len;
    if (since_send) *since_send = V.out.len - V.bytes_since;
    return V.out.p ? V.out.p : "";
}

double vt_latency_ms(void)
{
    return V.t_last > V.t_send ? V.t_last - V.t_send : 0;
}

void vt_size(int *rows, int *cols)
{
    *rows = V.rows;
    *cols = V.cols;
}

void vt_close(void)
{
    if (V.pid > 0 && !V.reaped) {
        kill(V.pid, SIGKILL);
        waitpid(V.pid, &V.status, 0);
    }
    if (V.fd >= 0) close(V.fd);
    if (V.vt) vterm_free(V.vt);
    free(V.out.p);
    memset(&V, 0, sizeof V);
    V.pid = -1;
    V.fd = -1;
    V.timeout_ms = 10000;
}

int vt_spawn(const char *const argv[], const char *const env[], int rows, int cols)
{
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    int timeout = V.timeout_ms;
    vt_close();
    V.timeout_ms = timeout;
    V.rows = rows;
    V.cols = cols;
    V.cursor_visible = 1;
    V.pid = forkpty(&V.fd, NULL, NULL, &ws);
    if (V.pid < 0) {
        fprintf(stderr, "vt_spawn: forkpty: %s\n", strerror(errno));
        return -1;
    }
    if (V.pid == 0) {
        int have_term = 0;
        for (size_t i = 0; env && env[i]; i++) {
            const char *eq = strchr(env[i], '=');
            if (!strncmp(env[i], "TERM=", 5)) have_term = 1;
            if (eq) {
                char name[128];
                size_t n = (size_t)(eq - env[i]);
                if (n >= sizeof name) continue;
                memcpy(name, env[i], n);
                name[n] = '\0';
                setenv(name, eq + 1, 1);
            } else {
                unsetenv(env[i]);
            }
        }
        if (!have_term) setenv("TERM", "xterm-256color", 1);
        execv(argv[0], (char *const *)(uintptr_t)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    fcntl(V.fd, F_SETFL, fcntl(V.fd, F_GETFL) | O_NONBLOCK);
    V.vt = vterm_new(rows, cols);
    vterm_set_utf8(V.vt, 1);
    vterm_output_set_callback(V.vt, on_output, NULL);
    V.scr = vterm_obtain_screen(V.vt);
    vterm_screen_set_callbacks(V.scr, &screen_cbs, NULL);
    vterm_screen_enable_altscreen(V.scr, 1);
    vterm_screen_reset(V.scr, 1);
    V.t_send = now_ms();
    return 0;
}

/* Reads what is there within wait_ms. Returns bytes read, 0 when nothing
 * came, -1 when the program closed the terminal. */
static int pump(int wait_ms)
{
    struct pollfd p = {V.fd, POLLIN, 0};
    char buf[65536];
    ssize_t n;
    int total = 0;
    if (V.eof || V.fd < 0) return -1;
    if (poll(&p, 1, wait_ms) <= 0) return 0;
    while ((n = read(V.fd, buf, sizeof buf)) > 0) {
        if (yx_buf_append(&V.out, buf, (size_t)n)) abort();
        V.bytes_since += (size_t)n;
        total += (int)n;
        vterm_input_write(V.vt, buf, (size_t)n);
        V.t_last = now_ms();
    }
    if (n == 0 || (n < 0 && errno == EIO)) {
        V.eof = 1;
        return total ? total : -1;
    }
    return total;
}

int vt_send(const char *keys)
{
    size_t len = strlen(keys);
    V.bytes_since = 0;
    V.t_send = now_ms();
    V.t_last = 0;
    while (len > 0) {
        ssize_t w = write(V.fd, keys, len);
        if (w < 0 && errno == EAGAIN) {
            pump(10);
            continue;
        }
        if (w <= 0) {
            fprintf(stderr, "vt_send: %s\n", strerror(errno));
            return -1;
        }
        keys += w;
        len -= (size_t)w;
    }
    return 0;
}

int vt_wait_quiet(int quiet_ms)
{
    double deadline = now_ms() + V.timeout_ms;
    for (;;) {
        int r = pump(quiet_ms);
        if (r == 0 || r < 0) return 0;
        if (now_ms() > deadline) {
            fprintf(stderr, "vt_wait_quiet: still writing after %d ms\n", V.timeout_ms);
            return -1;
        }
    }
}


/* Lets the rest of an update arrive: reads until 20 ms pass without
 * output, for at most half a second (a program that never pauses, such as
 * one showing a spinner, must not hold the caller up). */
static void settle(void)
{
    double until = now_ms() + 500;
    while (pump(20) > 0 && now_ms() < until) {
    }
}

int vt_wait_text(const char *text, int timeout_ms)
{
    double deadline = now_ms() + timeout_ms;
    for (;;) {
        int r;
        if (strstr(vt_screen_text(), text)) {
            /* Let the rest of that update arrive before the caller looks. */
            settle();
            return 0;
        }
        if (now_ms() > deadline) break;
        r = pump(20);
        if (r < 0 && !strstr(vt_screen_text(), text)) break;
    }
    fprintf(stderr, "vt_wait_text: '%s' not on the screen:\n%s\n", text, vt_screen_text());
    return -1;
}

int vt_wait_for(int (*cond)(void *arg), void *arg, int timeout_ms)
{
    double deadline = now_ms() + timeout_ms;
    for (;;) {
        if (cond(arg)) {
            settle();
            return 0;
        }
        if (now_ms() > deadline || pump(20) < 0) break;
    }
    if (cond(arg)) return 0;
    fprintf(stderr, "vt_wait_for: condition not met in %d ms; the screen:\n%s\n", timeout_ms,
            vt_screen_text());
    return -1;
}

static int text_gone(void *arg)
{
    return strstr(vt_screen_text(), arg) == NULL;
}

int vt_wait_gone(const char *text, int timeout_ms)
{
    return vt_wait_for(text_gone, (void *)(uintptr_t)text, timeout_ms);
}


void vt_cursor(int *row, int *col, int *visible)
{
    VTermPos pos = {0, 0};
    if (V.vt) vterm_state_get_cursorpos(vterm_obtain_state(V.vt), &pos);
    if (row) *row = pos.row;
    if (col) *col = pos.col;
    if (visible) *visible = V.cursor_visible;
}

int vt_resize(int rows, int cols)
{
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    if (ioctl(V.fd, TIOCSWINSZ, &ws) < 0) {
        fprintf(stderr, "vt_resize: %s\n", strerror(errno));
        return -1;
    }
    V.rows = rows;
    V.cols = cols;
    vterm_set_size(V.vt, rows, cols);
    V.bytes_since = 0;
    V.t_send = now_ms();
    return 0;
}

int vt_kill(int sig)
{
    return V.pid > 0 && !V.reaped ? kill(V.pid, sig) : -1;
}

int vt_wait_exit(int *status)
{
    double deadline = now_ms() + V.timeout_ms;
    while (!V.reaped) {
        pid_t r = waitpid(V.pid, &V.status, WNOHANG);
        if (r == V.pid) {
            V.reaped = 1;
            break;
        }
        if (now_ms() > deadline) {
            fprintf(stderr, "vt_wait_exit: still running after %d ms; killed\n", V.timeout_ms);
            kill(V.pid, SIGKILL);
            waitpid(V.pid, &V.status, 0);
            V.reaped = 1;
            return -1;
        }
        /* Reading keeps the program from blocking on a full terminal. */
        if (pump(20) < 0) {
            if (waitpid(V.pid, &V.status, WNOHANG) == V.pid) { V.reaped = 1; break; }
            poll(NULL, 0, 5);   /* closed its terminal but not yet gone */
        }
    }
    while (pump(0) > 0) {
    }
    if (status) *status = V.status;
    return 0;
}

/* Offset just after the last occurrence of seq in the output, or 0. */
static size_t last_of(const char *seq)
{
    size_t n = strlen(seq), best = 0;
    for (size_t i = 0; i + n <= V.out.len; i++)
        if (V.out.p[i] == seq[0] && !memcmp(V.out.p + i, seq, n)) best = i + 1;
    return best;
}

int vt_terminal_restored(void)
{
    VTermValue v;
    VTermState *st = V.vt ? vterm_obtain_state(V.vt) : NULL;
    int ok = 1;
    if (!st) return 0;
    if (!V.alt_entered) {
        fprintf(stderr, "restored? the program never entered the alternate screen\n");
        ok = 0;
    }
    if (V.altscreen) { fprintf(stderr, "restored? still on the alternate screen\n"); ok = 0; }
    if (!V.cursor_visible) { fprintf(stderr, "restored? cursor left hidden\n"); ok = 0; }
    if (V.mouse) { fprintf(stderr, "restored? mouse reporting left on\n"); ok = 0; }
    if (last_of("\033[?1h") > last_of("\033[?1l")) {
        fprintf(stderr, "restored? application cursor keys left on\n");
        ok = 0;
    }
    if (last_of("\033=") > last_of("\033>")) {
        fprintf(stderr, "restored? application keypad left on\n");
        ok = 0;
    }
    if (vterm_state_get_penattr(st, VTERM_ATTR_BOLD, &v) && v.boolean) {
        fprintf(stderr, "restored? bold left on\n");
        ok = 0;
    }
    if (vterm_state_get_penattr(st, VTERM_ATTR_REVERSE, &v) && v.boolean) {
        fprintf(stderr, "restored? reverse video left on\n");
        ok = 0;
    }
    if (vterm_state_get_penattr(st, VTERM_ATTR_UNDERLINE, &v) && v.number) {
        fprintf(stderr, "restored? underline left on\n");
        ok = 0;
    }
    if (vterm_state_get_penattr(st, VTERM_ATTR_FOREGROUND, &v) && !VTERM_COLOR_IS_DEFAULT_FG(&v.color)) {
        fprintf(stderr, "restored? foreground colour left set\n");
        ok = 0;
    }
    if (vterm_state_get_penattr(st, VTERM_ATTR_BACKGROUND, &v) && !VTERM_COLOR_IS_DEFAULT_BG(&v.color)) {
        fprintf(stderr, "restored? background colour left set\n");
        ok = 0;
    }
    return ok;
}

int vt_quit_clean(const char *key)
{
    int status;
    if (vt_send(key) || vt_wait_exit(&status)) {
        fprintf(stderr, "vt_quit_clean: the program did not exit on %s\n", key);
        return 0;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "vt_quit_clean: exit status %d\n", status);
        return 0;
    }
    return vt_terminal_restored();
}
