/* Forms: a modal screen with labelled fields edited in place. Each field is
 * checked when the user leaves it and all are checked on submit; a problem
 * is shown beside its field and submit is refused until it is fixed. */
#include "tui/form.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/edit.h"
#include "tui/i18n.h"
#include "tui/internal.h"
#include "tui/text.h"

#define FORM_MAX_FIELDS 16
#define FORM_VALUE_MAX 1024
#define REASON_ROWS 3
#define MESSAGE_ROWS 2   /* the submit hook's refusal, wrapped */

struct tui_form {
    const struct tui_form_spec *spec;
    tui_form_submit submit;      /* NULL: Enter closes a valid form */
    char val[FORM_MAX_FIELDS][FORM_VALUE_MAX];
    int choice[FORM_MAX_FIELDS];
    char err[FORM_MAX_FIELDS][128];
    char msg[320];               /* why the submit hook refused */
    size_t pos[FORM_MAX_FIELDS];  /* text cursor per field, a byte offset */
    int cur;
    int lw;                      /* label column width */
};

const char *tui_form_text(const struct tui_form *f, int field)
{
    return field >= 0 && field < f->spec->nfields ? f->val[field] : "";
}

double tui_form_number(const struct tui_form *f, int field)
{
    char *end;
    double v;
    if (field < 0 || field >= f->spec->nfields || !f->val[field][0]) return NAN;
    v = strtod(f->val[field], &end);
    return *end ? NAN : v;
}

int tui_form_choice(const struct tui_form *f, int field)
{
    return field >= 0 && field < f->spec->nfields ? f->choice[field] : -1;
}

/* What tui_push hands to form_open. */
struct form_arg {
    const struct tui_form_spec *spec;
    tui_form_submit submit;
};

/* Sets f->err[i] for field i; returns 0 when valid. */
static int check(struct tui_form *f, int i)
{
    const struct tui_field *fd = &f->spec->fields[i];
    const char *v = f->val[i];
    int n = tui_utf8_count(v);
    f->err[i][0] = '\0';
    if (fd->type == TUI_FIELD_CHOICE) {
        /* always one of the choices */
    } else if (!*v) {
        if (fd->required) snprintf(f->err[i], sizeof f->err[i], "%s", _("Required"));
    } else if (fd->type == TUI_FIELD_NUMBER) {
        char *end;
        double x = strtod(v, &end);
        if (*end || !isfinite(x))
            snprintf(f->err[i], sizeof f->err[i], "%s", _("Not a number"));
        else if (x < fd->min || x > fd->max)
            snprintf(f->err[i], sizeof f->err[i], _("Between %g and %g"), fd->min, fd->max);
    } else if (fd->min_len && n < fd->min_len) {
        snprintf(f->err[i], sizeof f->err[i], _("At least %d characters"), fd->min_len);
    }
    if (!f->err[i][0] && f->spec->validate) {
        const char *m = f->spec->validate(f, i, f->spec->ctx);
        if (m) snprintf(f->err[i], sizeof f->err[i], "%s", m);
    }
    return f->err[i][0] != '\0';
}

static int field_rows(const struct tui_field *fd)
{
    return fd->type == TUI_FIELD_REASON ? 1 + REASON_ROWS : 1;
}

static void set_focus(struct tui_screen *s)
{
    struct tui_form *f = tui_screen_priv(s);
    struct tui_focus fo = {"form", NULL, NULL,
                           f->spec->fields[f->cur].type != TUI_FIELD_CHOICE, NULL, NULL};
    tui_screen_focus(s, &fo);
}

static int form_open(struct tui_screen *s, const void *arg)
{
    struct tui_form *f = tui_screen_priv(s);
    const struct form_arg *fa = arg;
    const struct tui_form_spec *spec = fa->spec;
    int rows = 4;
    if (!spec || spec->nfields <= 0 || spec->nfields > FORM_MAX_FIELDS) return -1;
    f->spec = spec;
    f->submit = fa->submit;
    for (int i = 0; i < spec->nfields; i++) {
        const struct tui_field *fd = &spec->fields[i];
        int lw = tui_text_width(fd->label);
        if (lw > f->lw) f->lw = lw;
        rows += field_rows(fd) + 1;
        if (fd->type == TUI_FIELD_CHOICE) {
            for (int k = 0; fd->choices && fd->choices[k]; k++)
                if (fd->initial && !strcmp(fd->initial, fd->choices[k])) f->choice[i] = k;
        } else if (fd->initial) {
            snprintf(f->val[i], FORM_VALUE_MAX, "%s", fd->initial);
            f->pos[i] = strlen(f->val[i]);
        }
    }
    if (f->lw > 24) f->lw = 24;
    if (f->submit) rows += MESSAGE_ROWS;
    tui__modal_size(s, rows, 72);
    set_focus(s);
    return 0;
}

static void form_draw(struct tui_screen *s, WINDOW *w)
{
    struct tui_form *f = tui_screen_priv(s);
    struct tui_app *app = tui_screen_app(s);
    struct tui_theme *th = tui_app_theme(app);
    int rows, cols, y = 1, vx = f->lw + 4, vw, cy = 1, cx = vx;
    tui_screen_size(s, &rows, &cols);
    vw = cols - vx - 2;
    tui__frame(app, w, f->spec->title);
    for (int i = 0; i < f->spec->nfields && y < rows - 2; i++) {
        const struct tui_field *fd = &f->spec->fields[i];
        int focused = i == f->cur, fw = fd->type == TUI_FIELD_REASON ? vw : vw / 2;
        attr_t va = tui_theme_attr(th, focused ? TUI_ROLE_SELECTION : TUI_ROLE_INPUT);
        tui_print(w, y, 2, f->lw, fd->label, tui_theme_attr(th, TUI_ROLE_MUTED));
        if (fd->type == TUI_FIELD_CHOICE) {
            char c[200];
            snprintf(c, sizeof c, "< %s >", fd->choices && fd->choices[0] ? fd->choices[f->choice[i]] : "");
            tui_print(w, y, vx, fw, c, va);
            if (focused) { cy = y; cx = vx + 2; }
        } else if (fd->type == TUI_FIELD_REASON) {
            const char *p = f->val[i];
            int r = 0;
            y++;
            for (r = 0; r < REASON_ROWS; r++) {
                size_t take = tui_text_prefix(p, vw), at = (size_t)(p - f->val[i]);
                char line[FORM_VALUE_MAX];
                memcpy(line, p, take);
                line[take] = '\0';
                tui_print(w, y + r, vx, vw, line, va);
                if (focused && f->pos[i] >= at && f->pos[i] <= at + take) {
                    cy = y + r;
                    cx = vx + tui_text_width_n(p, f->pos[i] - at);
                }
                p += take;
            }
            y += REASON_ROWS - 1;
        } else if (fd->type == TUI_FIELD_SECRET) {
            tui_print(w, y, vx, fw, "", va);   /* echo off: not even the length */
            if (focused) { cy = y; cx = vx; }
        } else {
            /* Long text scrolls so the cursor stays visible. */
            const char *v = f->val[i];
            size_t start = 0;
            while (tui_text_width_n(v + start, f->pos[i] - start) > fw - 1) {
                uint32_t cp;
                start += tui_utf8_decode(v + start, strlen(v + start), &cp);
            }
            tui_print(w, y, vx, fw, v + start, va);
            if (focused) { cy = y; cx = vx + tui_text_width_n(v + start, f->pos[i] - start); }
        }
        if (f->err[i][0]) {
            int ey = fd->type == TUI_FIELD_REASON ? y - REASON_ROWS : y;
            int ex = fd->type == TUI_FIELD_REASON ? vx : vx + fw + 1;
            int ew = cols - 2 - ex;
            if (ew > 2) tui_print(w, ey, ex, ew, f->err[i], tui_theme_attr(th, TUI_ROLE_ERROR));
        }
        y += 2;
    }
    if (f->msg[0]) {
        const char *m = f->msg;
        for (int r = 0; r < MESSAGE_ROWS && *m; r++) {
            size_t take = tui_text_prefix(m, cols - 4);
            char line[sizeof f->msg];
            if (take == 0) take = 1;
            memcpy(line, m, take);
            line[take] = '\0';
            tui_print(w, rows - 2 - MESSAGE_ROWS + r, 2, cols - 4, line, tui_theme_attr(th, TUI_ROLE_ERROR));
            m += take;
        }
    }
    tui_print(w, rows - 2, 2, cols - 4, _("Tab next field  Enter submit  Esc cancel"),
              tui_theme_attr(th, TUI_ROLE_MUTED));
    wmove(w, cy, cx);
}

/* Empties the masked fields (a refused password is typed again). */
static void wipe_masked(struct tui_form *f)
{
    for (int i = 0; i < f->spec->nfields; i++) {
        if (f->spec->fields[i].type != TUI_FIELD_SECRET) continue;
        explicit_bzero(f->val[i], sizeof f->val[i]);
        f->pos[i] = 0;
    }
}

/* Keeps the form open showing why. */
static int refuse(struct tui_form *f, const char *m)
{
    snprintf(f->msg, sizeof f->msg, "%s", m);
    wipe_masked(f);
    return TUI_REDRAW;
}

static int close_with(struct tui_screen *s, int ok)
{
    struct tui_form *f = tui_screen_priv(s);
    struct tui_action a;
    tui__action_init(&a, TUI_ACT_FORM_DONE, NULL, 0);
    a.tag = f->spec->tag;
    a.ok = ok;
    a.form = f;
    return tui__finish(s, &a);
}

static int done(struct tui_screen *s, int ok)
{
    struct tui_form *f = tui_screen_priv(s);
    if (f->submit) {
        const char *m = f->submit(f, ok, f->spec->ctx);
        if (ok && m) return refuse(f, m);
    }
    return close_with(s, ok);
}

static int form_action(struct tui_screen *s, const struct tui_action *a)
{
    struct tui_form *f = tui_screen_priv(s);
    const struct tui_field *fd = &f->spec->fields[f->cur];
    int n = f->spec->nfields, r;
    if (fd->type != TUI_FIELD_CHOICE) {
        struct tui_edit ed;
        if (a->id == TUI_ACT_KEY && fd->type == TUI_FIELD_NUMBER && a->key < TUI_KEY_BASE &&
            !strchr("0123456789.-", a->key))
            return TUI_HANDLED;
        tui_edit_init(&ed, f->val[f->cur], FORM_VALUE_MAX, fd->max_len ? fd->max_len : 1000);
        ed.cur = f->pos[f->cur];
        if ((r = tui_edit_apply(&ed, a)) >= 0) {
            f->pos[f->cur] = ed.cur;
            if (r) {
                f->err[f->cur][0] = '\0';
                f->msg[0] = '\0';
            }
            return TUI_REDRAW;
        }
    }
    switch (a->id) {
    case TUI_ACT_KEY:
        if (fd->type == TUI_FIELD_CHOICE && a->key == ' ') goto next_choice;
        return TUI_HANDLED;
    case TUI_ACT_NEXT_FIELD: case TUI_ACT_MOVE_DOWN:
        check(f, f->cur);
        f->cur = (f->cur + 1) % n;
        set_focus(s);
        return TUI_REDRAW;
    case TUI_ACT_PREV_FIELD: case TUI_ACT_MOVE_UP:
        check(f, f->cur);
        f->cur = (f->cur + n - 1) % n;
        set_focus(s);
        return TUI_REDRAW;
    case TUI_ACT_MOVE_RIGHT: case TUI_ACT_TOGGLE:
    next_choice:
        if (fd->type == TUI_FIELD_CHOICE && fd->choices && fd->choices[f->choice[f->cur] + 1])
            f->choice[f->cur]++;
        else if (fd->type == TUI_FIELD_CHOICE)
            f->choice[f->cur] = 0;
        return TUI_REDRAW;
    case TUI_ACT_MOVE_LEFT:
        if (fd->type == TUI_FIELD_CHOICE && f->choice[f->cur] > 0) f->choice[f->cur]--;
        return TUI_REDRAW;
    case TUI_ACT_SUBMIT: {
        int first_bad = -1;
        for (int i = 0; i < n; i++)
            if (check(f, i) && first_bad < 0) first_bad = i;
        if (first_bad >= 0) {
            f->cur = first_bad;
            set_focus(s);
            return TUI_REDRAW;
        }
        return done(s, 1);
    }
    case TUI_ACT_CANCEL: case TUI_ACT_BACK:
        return done(s, 0);
    default:
        return TUI_HANDLED;
    }
}

static void form_close(struct tui_screen *s)
{
    struct tui_form *f = tui_screen_priv(s);
    explicit_bzero(f->val, sizeof f->val);
}

static const struct tui_screen_ops form_ops = {
    .name = "form",
    .title = N_("Form"),
    .priv_size = sizeof(struct tui_form),
    .flags = TUI_SCREEN_MODAL | TUI_SCREEN_HIDDEN,
    .open = form_open,
    .draw = form_draw,
    .on_action = form_action,
    .close = form_close,
};

void tui_form_answer(struct tui_app *app, int tag, const char *msg)
{
    for (int i = app->depth - 1; i >= 0; i--) {
        struct tui_screen *s = app->stack[i];
        struct tui_form *f = tui_screen_priv(s);
        if (s->ops != &form_ops || s->closing || f->spec->tag != tag) continue;
        tui__apply(app, s, msg ? refuse(f, msg) : close_with(s, 1));
        return;
    }
}

int tui_form_open(struct tui_app *app, const struct tui_form_spec *spec)
{
    return tui_form_open_checked(app, spec, NULL);
}

int tui_form_open_checked(struct tui_app *app, const struct tui_form_spec *spec,
                          tui_form_submit submit)
{
    struct form_arg fa = { spec, submit };
    return tui_push(app, &form_ops, &fa);
}
