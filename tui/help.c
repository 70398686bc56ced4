/* The '?' help screen, generated from the keymap for the screen it was
 * opened over: the focused widget's keys, the screen's own, then the global
 * ones, each with its description; a key shadowed by an earlier context is
 * not listed again. */
#include "tui/internal.h"

#include <stdio.h>
#include <string.h>

#include "tui/detail.h"
#include "tui/i18n.h"

struct help {
    struct tui_detail *d;
};

/* The description of an action: the screen's, the application's, ours. */
static const char *describe(struct tui_app *app, const struct tui_screen *s, const char *action)
{
    const char *h;
    if (s && s->ops->actions)
        for (const struct tui_action_def *d = s->ops->actions; d->name; d++)
            if (!strcmp(d->name, action)) return _(d->help);
    if (app->cfg.actions)
        for (const struct tui_action_def *d = app->cfg.actions; d->name; d++)
            if (!strcmp(d->name, action)) return _(d->help);
    h = tui__builtin_help(action);
    return h ? _(h) : action;
}

static int key_taken(const struct tui_keymap *km, const char *const *ctxs, int upto, int key)
{
    for (int i = 0; i < upto; i++)
        if (ctxs[i] && tui_keymap_lookup(km, ctxs[i], key)) return 1;
    return 0;
}

static void section(struct help *h, struct tui_app *app, const struct tui_screen *s,
                    const char *const *ctxs, int which, const char *title)
{
    const struct tui_keymap *km = app->km;
    int any = 0;
    for (size_t i = 0; i < tui_keymap_count(km); i++) {
        const char *ctx, *action;
        int key, dup = 0;
        char keys[128], name[32];
        size_t kl = 0;
        tui_keymap_entry(km, i, &ctx, &key, &action);
        if (strcmp(ctx, ctxs[which]) || key_taken(km, ctxs, which, key)) continue;
        /* One line per action: skip it when an earlier entry listed it. */
        for (size_t j = 0; j < i && !dup; j++) {
            const char *c2, *a2;
            int k2;
            tui_keymap_entry(km, j, &c2, &k2, &a2);
            dup = !strcmp(c2, ctx) && !strcmp(a2, action) && !key_taken(km, ctxs, which, k2);
        }
        if (dup) continue;
        keys[0] = '\0';
        for (size_t j = i; j < tui_keymap_count(km); j++) {
            const char *c2, *a2;
            int k2;
            tui_keymap_entry(km, j, &c2, &k2, &a2);
            if (strcmp(c2, ctx) || strcmp(a2, action) || key_taken(km, ctxs, which, k2)) continue;
            tui_key_name(k2, name, sizeof name);
            kl += (size_t)snprintf(keys + kl, sizeof keys - (kl < sizeof keys ? kl : sizeof keys),
                                   "%s%s", kl ? " " : "", name);
            if (kl >= sizeof keys) kl = sizeof keys - 1;
        }
        if (!any) tui_detail_section(h->d, title);
        any = 1;
        tui_detail_field(h->d, keys, describe(app, s, action), NULL);
    }
}

static int help_open(struct tui_screen *self, const void *arg)
{
    struct help *h = tui_screen_priv(self);
    struct tui_app *app = tui_screen_app(self);
    const struct tui_screen *s = arg;
    const char *ctxs[3];
    char title[160];
    if (!(h->d = tui_detail_new())) return -1;
    ctxs[0] = s && s->has_focus && s->focus.context ? s->focus.context : "";
    ctxs[1] = s ? s->ops->name : "";
    ctxs[2] = "global";
    if (s) {
        snprintf(title, sizeof title, _("Keys for %s"), s->ops->title ? _(s->ops->title) : s->ops->name);
        tui_screen_subtitle(self, title);
    }
    if (ctxs[0][0]) section(h, app, s, ctxs, 0, _("This list or field"));
    if (ctxs[1][0]) section(h, app, s, ctxs, 1, _("This screen"));
    section(h, app, s, ctxs, 2, _("Everywhere"));
    tui_detail_focus(self, h->d);
    return 0;
}

static void help_draw(struct tui_screen *self, WINDOW *w)
{
    struct help *h = tui_screen_priv(self);
    int rows, cols;
    tui_screen_size(self, &rows, &cols);
    tui_detail_draw(h->d, w, 0, 0, rows, cols, tui_app_theme(tui_screen_app(self)),
                    tui_app_ascii(tui_screen_app(self)));
}

static void help_close(struct tui_screen *self)
{
    struct help *h = tui_screen_priv(self);
    tui_detail_free(h->d);
}

const struct tui_screen_ops tui__help_ops = {
    .name = "help",
    .title = N_("Help"),
    .priv_size = sizeof(struct help),
    .flags = TUI_SCREEN_HIDDEN,
    .open = help_open,
    .draw = help_draw,
    .close = help_close,
};
