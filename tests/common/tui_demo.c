/* The tui demo program (see tui_demo.h): a list screen over the synthetic
 * rows of tui_demo_data.c, a detail screen, a typed confirmation, a form,
 * and a flood of data on a registered descriptor. */
#include "tests/common/tui_demo.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/detail.h"
#include "tui/dialog.h"
#include "tui/form.h"
#include "tui/i18n.h"
#include "tui/table.h"
#include "tests/common/tui_demo_data.h"
#include "tests/common/vt_harness.h"


struct demo {
    struct tui_app *app;
    struct demo_data data;
    struct tui_table *table;
    int flood_fd;
    long flood_bytes;
    long flood_shown_ms;
    int tick;                   /* --tick: the list counts screen timer ticks */
};



/* ---- the detail screen ---- */

struct detail_priv {
    struct tui_detail *d;
};

static int detail_open(struct tui_screen *s, const void *arg)
{
    struct detail_priv *p = tui_screen_priv(s);
    long id = strtol(arg, NULL, 10);
    char v[64];
    if (!(p->d = tui_detail_new())) return -1;
    snprintf(v, sizeof v, "Row %ld", id + 1);
    tui_screen_subtitle(s, v);
    demo_describe_row(p->d, id);
    tui_detail_focus(s, p->d);
    return 0;
}

static void detail_draw(struct tui_screen *s, WINDOW *w)
{
    struct detail_priv *p = tui_screen_priv(s);
    int rows, cols;
    tui_screen_size(s, &rows, &cols);
    tui_detail_draw(p->d, w, 0, 0, rows, cols, tui_app_theme(tui_screen_app(s)), 0);
}

static void detail_close(struct tui_screen *s)
{
    struct detail_priv *p = tui_screen_priv(s);
    tui_detail_free(p->d);
}

static const struct tui_screen_ops detail_ops = {
    .name = "row", .title = N_("Detail"), .priv_size = sizeof(struct detail_priv),
    .flags = TUI_SCREEN_HIDDEN,
    .open = detail_open, .draw = detail_draw, .close = detail_close,
};

/* ---- the list screen ---- */

enum { TAG_APPROVE = 1, TAG_EDIT };

static const char *const channels[] = {"api", "semi_api", "h5", "own", NULL};
static const struct tui_field edit_fields[] = {
    {TUI_FIELD_NUMBER, "Amount", NULL, 1, 0, 100000, NULL, 0, 0},
    {TUI_FIELD_CHOICE, "Channel", "h5", 0, 0, 0, channels, 0, 0},
    {TUI_FIELD_REASON, "Reason", NULL, 1, 0, 0, NULL, 10, 500},
};
static const struct tui_form_spec edit_form = {"Edit row", edit_fields, 3, TAG_EDIT, NULL, NULL};

static const struct tui_action_def list_actions[] = {
    {"approve", "Approve the selected row (type its amount)"},
    {"edit", "Edit the selected row"},
    {"insert", "Add three new rows at the top"},
    {NULL, NULL},
};

struct list_priv {
    struct demo *d;
    int rows, cols;
    int list_rows, detail_rows;     /* the split */
    struct tui_detail *preview;
    int timer, ticks;
};

static int list_open(struct tui_screen *s, const void *arg)
{
    struct list_priv *p = tui_screen_priv(s);
    (void)arg;   /* from ':list' it is the command's argument: not used */
    p->d = tui_app_ctx(tui_screen_app(s));
    if (!(p->preview = tui_detail_new())) return -1;
    tui_table_focus(s, p->d->table);
    if (p->d->tick) p->timer = tui_screen_timer(s, 100, 1, 7);
    return 0;
}

static void list_layout(struct tui_screen *s, int rows, int cols)
{
    struct list_priv *p = tui_screen_priv(s);
    p->rows = rows;
    p->cols = cols;
    tui_split_rows(rows, &p->list_rows, &p->detail_rows);
}

static void list_close(struct tui_screen *s)
{
    struct list_priv *p = tui_screen_priv(s);
    tui_detail_free(p->preview);
}

static void list_draw(struct tui_screen *s, WINDOW *w)
{
    struct list_priv *p = tui_screen_priv(s);
    struct tui_app *app = tui_screen_app(s);
    const char *key = tui_table_selected_key(p->d->table);
    if (p->detail_rows > 1) {
        demo_describe_row(p->preview, key ? strtol(key, NULL, 10) : 0);
        if (key) tui_detail_draw(p->preview, w, p->list_rows + 1, 0, p->detail_rows - 1, p->cols,
                                 tui_app_theme(app), tui_app_ascii(app));
        wattrset(w, tui_theme_attr(tui_app_theme(app), TUI_ROLE_BORDER));
        tui_app_hline(app, w, p->list_rows, 0, p->cols);
        wattrset(w, A_NORMAL);
    }
    /* The table last: in accessible mode the cursor stays on its row. */
    tui_table_draw(p->d->table, w, 0, 0, p->list_rows, p->cols, tui_app_theme(app),
                   tui_app_ascii(app), tui_app_accessible(app));
}

/* Recurses until the stack runs out (the demo's "overflow" action, bound
 * only with --overflow): a crash that leaves no stack for a handler. */
static int overflow(volatile char *prev, long depth)
{
    volatile char frame[1024];
    frame[0] = prev ? prev[0] : 1;
    frame[1023] = 0;
    /* a gigabyte of frames: far beyond any stack */
    return depth < (1L << 20) ? overflow(frame, depth + 1) + frame[1023] : frame[0];
}

static int list_action(struct tui_screen *s, const struct tui_action *a)
{
    struct list_priv *p = tui_screen_priv(s);
    struct tui_app *app = tui_screen_app(s);
    const char *key = tui_table_selected_key(p->d->table);
    if (a->id == TUI_ACT_OPEN && key) return tui_push(app, &detail_ops, key) == 0 ? TUI_REDRAW : TUI_HANDLED;
    if (tui_action_is(a, "approve") && key) {
        char msg[128];
        const char *amount = tui_table_selected_cell(p->d->table, DEMO_COL_AMOUNT);
        struct tui_confirm c = {"Approve", msg, "Approve", amount, 1, TAG_APPROVE};
        snprintf(msg, sizeof msg, "Approve row %s for %s?",
                 tui_table_selected_cell(p->d->table, DEMO_COL_ID), amount);
        tui_confirm_open(app, &c);
        return TUI_REDRAW;
    }
    if (tui_action_is(a, "edit") && key) {
        tui_form_open(app, &edit_form);
        return TUI_REDRAW;
    }
    if (tui_action_is(a, "overflow")) return overflow(NULL, 0);
    if (tui_action_is(a, "insert")) {
        demo_data_grow(&p->d->data, 3);
        tui_table_reload(p->d->table);
        return TUI_REDRAW;
    }
    if (a->id == TUI_ACT_DIALOG_DONE) {
        if (a->ok) tui_toast(app, TUI_TOAST_OK, "Approved row %s", tui_table_selected_cell(p->d->table, DEMO_COL_ID));
        else tui_toast(app, TUI_TOAST_INFO, "Not approved");
        return TUI_REDRAW;
    }
    if (a->id == TUI_ACT_FORM_DONE) {
        if (a->ok)
            tui_toast(app, TUI_TOAST_OK, "Saved %.2f via %s: %s", tui_form_number(a->form, 0),
                      channels[tui_form_choice(a->form, 1)], tui_form_text(a->form, 2));
        else tui_toast(app, TUI_TOAST_INFO, "Edit cancelled");
        return TUI_REDRAW;
    }
    return TUI_UNHANDLED;
}

/* Counts to five in the subtitle, then stops its own timer. */
static int list_timer(struct tui_screen *s, int timer_id)
{
    struct list_priv *p = tui_screen_priv(s);
    char sub[32];
    if (timer_id != 7) return TUI_UNHANDLED;
    snprintf(sub, sizeof sub, "tick %d", ++p->ticks);
    tui_screen_subtitle(s, sub);
    if (p->ticks == 5) tui_app_timer_cancel(tui_screen_app(s), p->timer);
    return TUI_REDRAW;
}

static const struct tui_screen_ops list_ops = {
    .name = "list", .title = N_("Applications"), .priv_size = sizeof(struct list_priv),
    .actions = list_actions,
    .open = list_open, .layout = list_layout, .draw = list_draw, .on_action = list_action,
    .on_timer = list_timer, .close = list_close,
};

static const struct tui_screen_ops *const demo_screens[] = {&list_ops, &detail_ops};

/* ---- the flood ---- */

static int flood_read(void *ctx, int fd, short revents)
{
    struct demo *d = ctx;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    struct timespec now;
    (void)revents;
    if (n <= 0) return TUI_HANDLED;
    /* Show the traffic a few times a second, so a test can see it flow. */
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((d->flood_bytes + n) >> 20 != d->flood_bytes >> 20 &&
        now.tv_sec * 1000 + now.tv_nsec / 1000000 - d->flood_shown_ms >= 300) {
        d->flood_shown_ms = now.tv_sec * 1000 + now.tv_nsec / 1000000;
        char sync[64];
        struct tui_status st = {"demo", "officer", "local", sync, 0, 0};
        snprintf(sync, sizeof sync, "received %ld MB", (d->flood_bytes + n) >> 20);
        tui_app_status(d->app, &st);
        d->flood_bytes += n;
        return TUI_REDRAW;
    }
    d->flood_bytes += n;
    return TUI_HANDLED;
}

/* A child that writes to a pipe as fast as it can; it dies of SIGPIPE
 * when we exit. Returns the read end, or -1. */
static int start_flood(void)
{
    int p[2];
    pid_t pid;
    if (pipe(p) < 0) return -1;
    pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        char buf[4096];
        int null = open("/dev/null", O_RDWR);
        memset(buf, 'x', sizeof buf);
        close(p[0]);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        signal(SIGPIPE, SIG_DFL);
        while (write(p[1], buf, sizeof buf) > 0) {
        }
        _exit(0);
    }
    close(p[1]);
    return p[0];
}

int tui_demo_main(int argc, char **argv)
{
    struct demo d;
    struct tui_table_source src;
    struct tui_config cfg;
    struct tui_app *app;
    char err[512];
    int rc, flood = 0, read_only = 0;
    const char *datadir = getenv("YX_DATADIR");
    memset(&d, 0, sizeof d);
    memset(&cfg, 0, sizeof cfg);
    d.data.nrows = 1000;
    d.flood_fd = -1;
    cfg.app_name = "yixiang";
    cfg.datadir = datadir ? datadir : "assets";
    cfg.ctx = &d;
    cfg.keymap_defaults = "list a approve\nlist e edit\nlist i insert\n";
    cfg.screens = demo_screens;
    cfg.nscreens = sizeof demo_screens / sizeof demo_screens[0];
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--rows=", 7)) d.data.nrows = atol(argv[i] + 7);
        else if (!strcmp(argv[i], "--flood")) flood = 1;
        else if (!strncmp(argv[i], "--theme=", 8)) cfg.theme = argv[i] + 8;
        else if (!strcmp(argv[i], "--ascii")) cfg.ascii_lines = 1;
        else if (!strcmp(argv[i], "--accessible")) cfg.accessible = 1;
        else if (!strcmp(argv[i], "--mouse")) cfg.mouse = 1;
        else if (!strcmp(argv[i], "--no-color")) cfg.no_color = 1;
        else if (!strcmp(argv[i], "--read-only")) read_only = 1;
        else if (!strcmp(argv[i], "--tick")) d.tick = 1;
        else if (!strcmp(argv[i], "--overflow"))
            cfg.keymap_defaults = "list a approve\nlist e edit\nlist i insert\nlist X overflow\n";
        else {
            fprintf(stderr, "tui demo: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (d.data.nrows < 0 || d.data.nrows > 100000000) {
        fprintf(stderr, "tui demo: --rows out of range\n");
        return 2;
    }
    tui_i18n_init("yixiang", getenv("YX_LOCALEDIR"));
    demo_data_source(&d.data, &src);
    if (!(d.table = tui_table_new(demo_columns, DEMO_NCOLS, &src))) return 1;
    if (!(app = tui_app_new(&cfg, err, sizeof err))) {
        fprintf(stderr, "tui demo: %s\n", err);
        tui_table_free(d.table);
        return 1;
    }
    d.app = app;
    {
        struct tui_status st = {"demo", read_only ? "auditor" : "officer", "local", "synced",
                                read_only ? 0 : 2, read_only};
        tui_app_status(app, &st);
        tui_app_watermark(app, "demo");
    }
    if (flood) {
        if ((d.flood_fd = start_flood()) < 0 || tui_app_watch(app, d.flood_fd, POLLIN, flood_read, &d) < 0) {
            fprintf(stderr, "tui demo: cannot start the flood\n");
            return 1;
        }
    }
    rc = tui_app_run(app, &list_ops, NULL, err, sizeof err);
    if (rc < 0) fprintf(stderr, "tui demo: %s\n", err);
    tui_app_free(app);
    tui_table_free(d.table);
    demo_data_free(&d.data);
    if (d.flood_fd >= 0) close(d.flood_fd);
    return rc < 0 ? 1 : rc;
}

int tui_demo_maybe(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--tui-demo")) return tui_demo_main(argc - 1, argv + 1);
    return -1;
}

int tui_demo_spawn(const char *const *args, const char *const *env, int rows, int cols)
{
    /* The same start for everyone: English, colour allowed, no personal
     * keymap; the caller's entries come after and win. */
    static const char *const defaults[] = {"LANG=C.UTF-8", "LC_ALL", "LC_MESSAGES", "LANGUAGE",
                                           "NO_COLOR", "XDG_CONFIG_HOME=/nonexistent/yx-config"};
    const char *argv[32] = {"/proc/self/exe", "--tui-demo"}, *envv[48];
    int n = 2, m = 0;
    for (int i = 0; args && args[i] && n < 31; i++) argv[n++] = args[i];
    argv[n] = NULL;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) envv[m++] = defaults[i];
    for (int i = 0; env && env[i] && m < 47; i++) envv[m++] = env[i];
    envv[m] = NULL;
    return vt_spawn(argv, envv, rows, cols);
}

int tui_demo_start(const char *const *args, const char *const *env, int rows, int cols)
{
    if (tui_demo_spawn(args, env, rows, cols) < 0) return -1;
    if (vt_wait_text("row 1 of 1000", 5000) < 0 || vt_wait_quiet(30) < 0) return -1;
    return 0;
}

int tui_demo_quit(int modal)
{
    int status, rc = 0;
    if (modal && (vt_send("\033") < 0 || vt_wait_quiet(60) < 0)) rc = -1;
    if (vt_send("Q") < 0 || vt_wait_exit(&status) < 0) rc = -1;
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "tui demo: exit status %#x\n", status);
        rc = -1;
    } else if (!vt_terminal_restored()) {
        rc = -1;
    }
    vt_close();
    return rc;
}
