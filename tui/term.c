/* Taking and giving back the terminal, and signals. Signal handlers only
 * set flags and write a byte to a self-pipe the loop polls; crash signals
 * write the terminal's reset sequences with write(2), restore the saved tty
 * modes and re-raise (on a stack of their own, so a stack overflow is
 * covered too), so even a crash leaves a usable shell. The state they
 * need is static because a signal handler can reach nothing else. A crash
 * then goes on to whatever handled the signal before (the default action,
 * or a sanitizer's report). */
#include "tui/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

static int sig_pipe[2] = {-1, -1};
/* One flag per signal we wait for (all below 32 on Linux). */
static volatile sig_atomic_t sig_flag[32];
static SCREEN *term_screen;
static struct termios saved_tty;
static int have_saved_tty;
static char reset_seq[256];
static size_t reset_len;

static void on_signal(int sig)
{
    int saved = errno;
    char b = (char)sig;
    if (sig > 0 && sig < 32) sig_flag[sig] = 1;
    if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
        /* pipe full: a wake-up is already pending */
    }
    errno = saved;
}

/* What crash signals did before we took them (the default, or a
 * sanitizer's reporter), handed the signal once the terminal is back. */
static struct sigaction crash_prev[32];

/* Crash handlers run on a stack of their own, so that a stack overflow
 * still gets the terminal back; used when no other (a sanitizer's) is set. */
static char alt_stack[64 * 1024];
static int own_alt_stack;

static void on_crash(int sig)
{
    if (reset_len && write(STDOUT_FILENO, reset_seq, reset_len) < 0) {
        /* nothing more can be done while crashing */
    }
    if (have_saved_tty) tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
    sigaction(sig, &crash_prev[sig], NULL);
    raise(sig);   /* SA_NODEFER: delivered now, to the previous action */
}

static void add_cap(const char *cap)
{
    char *s = tigetstr((char *)(uintptr_t)cap);   /* old curses prototype */
    size_t n;
    if (!s || s == (char *)-1) return;
    n = strlen(s);
    if (reset_len + n >= sizeof reset_seq) return;
    memcpy(reset_seq + reset_len, s, n);
    reset_len += n;
}

static void install(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, fn == on_crash ? &crash_prev[sig] : NULL);
}

void tui__term_size(int *rows, int *cols)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        *rows = ws.ws_row;
        *cols = ws.ws_col;
    } else {
        *rows = LINES;
        *cols = COLS;
    }
}

int tui__term_start(struct tui_app *app, char *err, size_t errsz)
{
    const char *nc = getenv("NO_COLOR");
    enum tui_colour_mode mode = TUI_COLOUR_MONO;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errsz, "the console needs a terminal (stdin and stdout are not one)");
        return -1;
    }
    if (tcgetattr(STDIN_FILENO, &saved_tty) == 0) have_saved_tty = 1;
    if (pipe(sig_pipe) < 0) {
        snprintf(err, errsz, "pipe: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    if (!(term_screen = newterm(NULL, stdout, stdin))) {
        snprintf(err, errsz, "cannot use terminal type '%s' (check TERM)",
                 getenv("TERM") ? getenv("TERM") : "");
        for (int i = 0; i < 2; i++) {
            close(sig_pipe[i]);
            sig_pipe[i] = -1;
        }
        return -1;
    }
    set_escdelay(25);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    meta(stdscr, TRUE);
    /* Keys are read through stdscr, which is never drawn on: once it is
     * marked refreshed, reading a key never repaints it over the screens. */
    wnoutrefresh(stdscr);
    app->cursor_on = -1;

    if (has_colors() && !app->no_color && !(nc && *nc)) {
        start_color();
        use_default_colors();
        mode = COLORS >= 256 ? TUI_COLOUR_256 : COLORS >= 8 ? TUI_COLOUR_8 : TUI_COLOUR_MONO;
    }
    tui_theme_apply(app->theme, mode);

    reset_len = 0;
    add_cap("sgr0");
    add_cap("cnorm");
    add_cap("rmkx");
    add_cap("rmcup");
    if (tigetstr((char *)(uintptr_t)"kmous") && tigetstr((char *)(uintptr_t)"kmous") != (char *)-1) {
        static const char mouse_off[] = "\033[?1006l\033[?1002l\033[?1000l";
        if (reset_len + sizeof mouse_off < sizeof reset_seq) {
            memcpy(reset_seq + reset_len, mouse_off, sizeof mouse_off - 1);
            reset_len += sizeof mouse_off - 1;
        }
    }

    for (int i = 0; i < 32; i++) sig_flag[i] = 0;
    install(SIGWINCH, on_signal, SA_RESTART);
    install(SIGTERM, on_signal, SA_RESTART);
    install(SIGHUP, on_signal, SA_RESTART);
    install(SIGINT, on_signal, SA_RESTART);
    install(SIGPIPE, SIG_IGN, 0);
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE)) {
        stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
        own_alt_stack = sigaltstack(&ss, NULL) == 0;
    }
    install(SIGSEGV, on_crash, SA_NODEFER | SA_ONSTACK);
    install(SIGABRT, on_crash, SA_NODEFER | SA_ONSTACK);
    install(SIGBUS, on_crash, SA_NODEFER | SA_ONSTACK);
    install(SIGFPE, on_crash, SA_NODEFER | SA_ONSTACK);
    if (app->mouse) tui__term_mouse(app, 1);
    return 0;
}

void tui__term_mouse(struct tui_app *app, int on)
{
    app->mouse = on;
    mousemask(on ? (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0,
              NULL);
    mouseinterval(0);
}

void tui__term_stop(struct tui_app *app)
{
    if (app->mouse) mousemask(0, NULL);
    endwin();
    if (term_screen) delscreen(term_screen);
    term_screen = NULL;
    sigaction(SIGSEGV, &crash_prev[SIGSEGV], NULL);
    sigaction(SIGABRT, &crash_prev[SIGABRT], NULL);
    sigaction(SIGBUS, &crash_prev[SIGBUS], NULL);
    sigaction(SIGFPE, &crash_prev[SIGFPE], NULL);
    if (own_alt_stack) {
        stack_t off = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
        own_alt_stack = 0;
    }
    install(SIGWINCH, SIG_DFL, 0);
    install(SIGTERM, SIG_DFL, 0);
    install(SIGHUP, SIG_DFL, 0);
    install(SIGINT, SIG_DFL, 0);
    for (int i = 0; i < 2; i++) {
        if (sig_pipe[i] >= 0) close(sig_pipe[i]);
        sig_pipe[i] = -1;
    }
}

unsigned tui__term_signals(void)
{
    char buf[64];
    unsigned seen = 0;
    while (sig_pipe[0] >= 0 && read(sig_pipe[0], buf, sizeof buf) > 0) {
    }
    /* Clear before acting: a signal after the clear leaves its own byte. */
    for (int s = 1; s < 32; s++)
        if (sig_flag[s]) {
            sig_flag[s] = 0;
            seen |= 1u << s;
        }
    return seen;
}

int tui__term_sigfd(void)
{
    return sig_pipe[0];
}
