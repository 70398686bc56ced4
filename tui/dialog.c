/* The confirmation dialog: a modal screen with Cancel focused first. In
 * typed mode the user must type the given value (an amount, an id) before
 * Enter confirms, so a large change is never one keystroke away. */
#include "tui/dialog.h"

#include <stdio.h>
#include <string.h>

#include "tui/edit.h"
#include "tui/i18n.h"
#include "tui/internal.h"
#include "tui/text.h"

struct dialog {
    char title[128], message[1024], ok_label[64], typed[128];
    int has_typed, danger, tag;
    char input[128];
    struct tui_edit ed;    /* edits input */
    int button;        /* 0 Cancel, 1 OK, 2 the typed field */
    char error[128];
    int width;
};

/* Lines the message wraps to at width w. */
static int message_lines(const char *m, int w)
{
    int n = 0;
    while (*m) {
        size_t take = tui_text_prefix(m, w), nl = strcspn(m, "\n");
        if (nl < take) take = nl;
        if (take == 0 && *m != '\n') take = 1;
        m += take;
        if (*m == '\n') m++;
        n++;
    }
    return n ? n : 1;
}

static int dialog_open(struct tui_screen *s, const void *arg)
{
    struct dialog *d = tui_screen_priv(s);
    const struct tui_confirm *c = arg;
    int rows, mw;
    snprintf(d->title, sizeof d->title, "%s", c->title ? c->title : "");
    snprintf(d->message, sizeof d->message, "%s", c->message ? c->message : "");
    snprintf(d->ok_label, sizeof d->ok_label, "%s", c->ok_label ? c->ok_label : _("OK"));
    d->has_typed = c->typed != NULL;
    snprintf(d->typed, sizeof d->typed, "%s", c->typed ? c->typed : "");
    d->danger = c->danger;
    d->tag = c->tag;
    d->button = d->has_typed ? 2 : 0;
    tui_edit_init(&d->ed, d->input, sizeof d->input, 0);
    mw = tui_text_width(d->message);
    d->width = mw + 6 < 60 ? (mw + 6 > 36 ? mw + 6 : 36) : 60;
    /* frame, message, error line, buttons, frame; typed: gap, prompt, input */
    rows = message_lines(d->message, d->width - 4) + 4 + (d->has_typed ? 3 : 0);
    tui__modal_size(s, rows, d->width);
    if (d->has_typed) {
        struct tui_focus f = {"dialog", NULL, NULL, 1, NULL, NULL};
        tui_screen_focus(s, &f);
    }
    return 0;
}

static void dialog_draw(struct tui_screen *s, WINDOW *w)
{
    struct dialog *d = tui_screen_priv(s);
    struct tui_app *app = tui_screen_app(s);
    struct tui_theme *th = tui_app_theme(app);
    attr_t body = tui_theme_attr(th, TUI_ROLE_DIALOG), sel = tui_theme_attr(th, TUI_ROLE_SELECTION);
    int rows, cols, y = 1, cx = 0, cy = 0;
    const char *m = d->message;
    char label[160];
    tui_screen_size(s, &rows, &cols);
    tui__frame(app, w, d->title);
    while (*m && y < rows - 2) {
        size_t take = tui_text_prefix(m, cols - 4), nl = strcspn(m, "\n");
        char line[1024];
        if (nl < take) take = nl;
        if (take == 0 && *m != '\n') take = 1;
        memcpy(line, m, take);
        line[take] = '\0';
        tui_print(w, y++, 2, cols - 4, line, body);
        m += take;
        if (*m == '\n') m++;
    }
    if (d->has_typed) {
        char prompt[256];
        snprintf(prompt, sizeof prompt, _("Type %s to confirm:"), d->typed);
        tui_print(w, ++y, 2, cols - 4, prompt, body);
        y++;
        tui_print(w, y, 2, cols - 4, d->input, tui_theme_attr(th, TUI_ROLE_INPUT));
        cy = y;
        cx = 2 + tui_edit_cursor_col(&d->ed);
    }
    if (d->error[0]) tui_print(w, rows - 3, 2, cols - 4, d->error, tui_theme_attr(th, TUI_ROLE_ERROR));
    snprintf(label, sizeof label, "[ %s ]", _("Cancel"));
    tui_print(w, rows - 2, 2, tui_text_width(label), label, d->button == 0 ? sel : body);
    if (d->button == 0) { cy = rows - 2; cx = 4; }
    {
        char ok[160];
        int x;
        snprintf(ok, sizeof ok, "[ %s ]", d->ok_label);
        x = cols - 2 - tui_text_width(ok);
        tui_print(w, rows - 2, x, tui_text_width(ok), ok,
                  d->button == 1 ? sel : d->danger ? tui_theme_attr(th, TUI_ROLE_DANGER) : body);
        if (d->button == 1) { cy = rows - 2; cx = x + 2; }
    }
    wmove(w, cy, cx);
}

static int finish(struct tui_screen *s, int ok)
{
    struct dialog *d = tui_screen_priv(s);
    struct tui_action a;
    tui__action_init(&a, TUI_ACT_DIALOG_DONE, NULL, 0);
    a.tag = d->tag;
    a.ok = ok;
    return tui__finish(s, &a);
}

static int confirm(struct tui_screen *s)
{
    struct dialog *d = tui_screen_priv(s);
    if (d->has_typed && strcmp(d->input, d->typed)) {
        snprintf(d->error, sizeof d->error, _("Type %s exactly to confirm"), d->typed);
        d->button = 2;
        return TUI_REDRAW;
    }
    return finish(s, 1);
}

static int dialog_action(struct tui_screen *s, const struct tui_action *a)
{
    struct dialog *d = tui_screen_priv(s);
    int nbuttons = d->has_typed ? 3 : 2, r;
    /* In the typed field, editing keys edit (Left/Right move the cursor). */
    if (d->button == 2 && (r = tui_edit_apply(&d->ed, a)) >= 0) {
        if (r) d->error[0] = '\0';
        return TUI_REDRAW;
    }
    switch (a->id) {
    case TUI_ACT_KEY:
    case TUI_ACT_DELETE_BACK:
        return TUI_HANDLED;
    case TUI_ACT_NEXT_FIELD: case TUI_ACT_MOVE_RIGHT: case TUI_ACT_MOVE_DOWN:
        d->button = (d->button + 1) % nbuttons;
        return TUI_REDRAW;
    case TUI_ACT_PREV_FIELD: case TUI_ACT_MOVE_LEFT: case TUI_ACT_MOVE_UP:
        d->button = (d->button + nbuttons - 1) % nbuttons;
        return TUI_REDRAW;
    case TUI_ACT_SUBMIT: case TUI_ACT_OPEN:
        return d->button == 0 ? finish(s, 0) : confirm(s);
    case TUI_ACT_CANCEL: case TUI_ACT_BACK:
        return finish(s, 0);
    default:
        return TUI_HANDLED;     /* modal: nothing reaches the screen below */
    }
}

static const struct tui_screen_ops dialog_ops = {
    .name = "dialog",
    .title = N_("Confirm"),
    .priv_size = sizeof(struct dialog),
    .flags = TUI_SCREEN_MODAL | TUI_SCREEN_HIDDEN,
    .open = dialog_open,
    .draw = dialog_draw,
    .on_action = dialog_action,
};

int tui_confirm_open(struct tui_app *app, const struct tui_confirm *spec)
{
    return tui_push(app, &dialog_ops, spec);
}
