/* The ':' command line (screen names and commands, Tab completes) and the
 * '/' prompt that filters the focused table as the user types. Both live in
 * the status bar and take keys from the one loop. */
#include "tui/internal.h"

#include <stdio.h>
#include <string.h>

#include "tui/i18n.h"
#include "tui/text.h"

static const struct tui_command builtin_commands[] = {
    {"quit", N_("Leave the console"), NULL},
    {"help", N_("Show the keys of this screen"), NULL},
    {"theme", N_("theme NAME: dark, light or high-contrast"), NULL},
    {"mouse", N_("Turn the mouse on or off"), NULL},
    {"ascii", N_("Switch ASCII line drawing on or off"), NULL},
    {"accessible", N_("Switch accessible mode (cursor on the selection)"), NULL},
    {"copy", N_("Copy the selected id to the clipboard"), NULL},
    {"redraw", N_("Redraw the screen"), NULL},
};
#define NBUILTIN (sizeof builtin_commands / sizeof builtin_commands[0])

void tui__prompt_open(struct tui_app *app, enum tui_prompt kind)
{
    app->prompt = kind;
    app->prompt_buf[0] = '\0';
    if (kind == TUI_PROMPT_FILTER && tui_top(app)) {
        const char *now = tui_top(app)->filter;
        snprintf(app->filter_before, sizeof app->filter_before, "%s", now);
        snprintf(app->prompt_buf, sizeof app->prompt_buf, "%s", now);
    }
    tui_edit_init(&app->prompt_edit, app->prompt_buf, sizeof app->prompt_buf, 0);
    app->dirty = 1;
}

static void set_filter(struct tui_app *app, const char *text)
{
    struct tui_screen *top = tui_top(app);
    if (!top) return;
    snprintf(top->filter, sizeof top->filter, "%s", text);
    if (top->has_focus && top->focus.set_filter) top->focus.set_filter(top->focus.widget, text);
    app->dirty = 1;
}

/* Each completion candidate, in order: screens, built-in, application. */
static const char *candidate(struct tui_app *app, size_t i)
{
    for (size_t k = 0; k < app->cfg.nscreens; k++) {
        if (app->cfg.screens[k]->flags & TUI_SCREEN_HIDDEN) continue;
        if (i-- == 0) return app->cfg.screens[k]->name;
    }
    if (i < NBUILTIN) return builtin_commands[i].name;
    i -= NBUILTIN;
    return i < app->cfg.ncommands ? app->cfg.commands[i].name : NULL;
}

static void complete(struct tui_app *app)
{
    char common[128] = "", list[256] = "";
    size_t matches = 0, plen = strlen(app->prompt_buf), clen = 0;
    const char *c;
    if (strchr(app->prompt_buf, ' ')) return;     /* only the command word */
    for (size_t i = 0; (c = candidate(app, i)); i++) {
        if (strncmp(c, app->prompt_buf, plen)) continue;
        if (matches++ == 0) {
            snprintf(common, sizeof common, "%s", c);
            clen = strlen(common);
        } else {
            size_t k = 0;
            while (k < clen && common[k] == c[k]) k++;
            clen = k;
            common[clen] = '\0';
        }
        if (strlen(list) + strlen(c) + 2 < sizeof list) {
            if (list[0]) strcat(list, " ");
            strcat(list, c);
        }
    }
    if (matches == 0) {
        tui_toast(app, TUI_TOAST_WARNING, _("No command starts with '%s'"), app->prompt_buf);
        return;
    }
    snprintf(app->prompt_buf, sizeof app->prompt_buf, "%s%s", common, matches == 1 ? " " : "");
    tui_edit_init(&app->prompt_edit, app->prompt_buf, sizeof app->prompt_buf, 0);
    if (matches > 1) tui_toast(app, TUI_TOAST_INFO, "%s", list);
}

static int toggle(struct tui_app *app, int *flag, const char *on, const char *off)
{
    *flag = !*flag;
    tui_toast(app, TUI_TOAST_INFO, "%s", *flag ? on : off);
    return TUI_RELAYOUT;
}

int tui__run_command(struct tui_app *app, const char *line)
{
    char word[64];
    const char *args;
    size_t n;
    struct tui_screen *top = tui_top(app);
    while (*line == ' ') line++;
    n = strcspn(line, " ");
    if (n == 0) return TUI_REDRAW;
    if (n >= sizeof word) n = sizeof word - 1;
    memcpy(word, line, n);
    word[n] = '\0';
    args = line + strcspn(line, " ");
    while (*args == ' ') args++;
    for (size_t i = 0; i < app->cfg.nscreens; i++)
        if (!strcmp(app->cfg.screens[i]->name, word) && !(app->cfg.screens[i]->flags & TUI_SCREEN_HIDDEN))
            return tui_push(app, app->cfg.screens[i], *args ? args : NULL) == 0 ? TUI_REDRAW : TUI_REDRAW;
    if (!strcmp(word, "quit") || !strcmp(word, "q")) return TUI_QUIT;
    if (!strcmp(word, "help")) {
        tui_push(app, &tui__help_ops, top);
        return TUI_REDRAW;
    }
    if (!strcmp(word, "theme")) return tui_app_set_theme(app, args) == 0 ? TUI_RELAYOUT : TUI_REDRAW;
    if (!strcmp(word, "redraw")) {
        clearok(curscr, TRUE);
        return TUI_RELAYOUT;
    }
    if (!strcmp(word, "ascii")) return toggle(app, &app->ascii, _("ASCII lines on"), _("ASCII lines off"));
    if (!strcmp(word, "accessible"))
        return toggle(app, &app->accessible, _("Accessible mode on"), _("Accessible mode off"));
    if (!strcmp(word, "mouse")) {
        tui__term_mouse(app, !app->mouse);
        tui_toast(app, TUI_TOAST_INFO, "%s", app->mouse ? _("Mouse on") : _("Mouse off"));
        return TUI_REDRAW;
    }
    if (!strcmp(word, "copy")) {
        const char *text = top && top->has_focus && top->focus.copy_text
                               ? top->focus.copy_text(top->focus.widget) : NULL;
        if (!text || !*text) {
            tui_toast(app, TUI_TOAST_WARNING, "%s", _("Nothing selected to copy"));
        } else {
            tui_app_copy(app, text);
            tui_toast(app, TUI_TOAST_OK, _("Copied %s"), text);
        }
        return TUI_REDRAW;
    }
    for (size_t i = 0; i < app->cfg.ncommands; i++)
        if (!strcmp(app->cfg.commands[i].name, word))
            return app->cfg.commands[i].run(app, args, app->cfg.ctx) | TUI_REDRAW;
    tui_toast(app, TUI_TOAST_ERROR, _("Unknown command '%s' (Tab lists commands)"), word);
    return TUI_REDRAW;
}

int tui__prompt_key(struct tui_app *app, int key)
{
    const char *name = tui_keymap_lookup(app->km, "prompt", key);
    int id = name ? tui__action_id(name) : TUI_ACT_KEY;
    enum tui_prompt kind = app->prompt;
    app->dirty = 1;
    switch (id) {
    case TUI_ACT_SUBMIT: {
        char line[256];
        snprintf(line, sizeof line, "%s", app->prompt_buf);
        app->prompt = TUI_PROMPT_NONE;
        if (kind == TUI_PROMPT_COMMAND) tui__apply(app, tui_top(app), tui__run_command(app, line));
        return TUI_REDRAW;
    }
    case TUI_ACT_CANCEL:
        app->prompt = TUI_PROMPT_NONE;
        if (kind == TUI_PROMPT_FILTER) set_filter(app, app->filter_before);
        return TUI_REDRAW;
    case TUI_ACT_DELETE_BACK:
        if (!app->prompt_buf[0]) {
            app->prompt = TUI_PROMPT_NONE;     /* backspace on empty closes, as in vi */
            return TUI_REDRAW;
        }
        break;
    case TUI_ACT_COMPLETE:
        if (kind == TUI_PROMPT_COMMAND) complete(app);
        return TUI_REDRAW;
    default:
        break;
    }
    {
        struct tui_action a;
        tui__action_init(&a, id, name, key);
        if (tui_edit_apply(&app->prompt_edit, &a) <= 0) return TUI_REDRAW;   /* no change */
    }
    if (kind == TUI_PROMPT_FILTER) set_filter(app, app->prompt_buf);
    return TUI_REDRAW;
}
