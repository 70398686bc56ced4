/* Forms, a modal screen on the same loop: text, number with range, choice
 * and multi-line reason fields, with validation messages beside the field.
 * Every value is wiped from memory when the form closes.
 * The result arrives at the screen below as TUI_ACT_FORM_DONE with the
 * spec's tag, ok, and the form to read values from (valid during that
 * call only). */
#ifndef TUI_FORM_H
#define TUI_FORM_H

#include "tui/app.h"

enum tui_field_type {
    TUI_FIELD_TEXT,     /* one line */
    TUI_FIELD_NUMBER,   /* decimal number within [min, max] */
    TUI_FIELD_CHOICE,   /* one of choices, changed with Left/Right/Space */
    TUI_FIELD_REASON,   /* several lines of free text, at least min_len chars */
    TUI_FIELD_SECRET    /* one line that is never shown, not even its length
                           (passwords); emptied after a refused submit */
};

struct tui_field {
    enum tui_field_type type;
    const char *label;            /* already translated */
    const char *initial;          /* NULL: empty (choice: index 0) */
    int required;
    double min, max;              /* NUMBER */
    const char *const *choices;   /* CHOICE: NULL-terminated, translated */
    int min_len, max_len;         /* TEXT/REASON characters; max 0: 1000 */
};

struct tui_form;

struct tui_form_spec {
    const char *title;            /* already translated */
    const struct tui_field *fields;
    int nfields;
    int tag;
    /* Optional extra check of one field; returns a message (translated) or
     * NULL when valid. */
    const char *(*validate)(const struct tui_form *f, int field, void *ctx);
    void *ctx;
};

/* Opens the form. The spec and what it points to must stay valid while the
 * form is open (use static tables). 0 or -1. */
int tui_form_open(struct tui_app *app, const struct tui_form_spec *spec);

/* The opener's last word on the form: called (with spec->ctx) with ok 1 on
 * Enter once every field is valid, and with ok 0 on Esc. On Enter a
 * message (translated) keeps the form open and shows it under the fields,
 * NULL lets it close; on Esc the form closes whatever is returned. */
typedef const char *(*tui_form_submit)(const struct tui_form *f, int ok, void *ctx);
/* tui_form_open with submit checked by the opener (a login, say: the
 * password is good only once a server says so). 0 or -1. */
int tui_form_open_checked(struct tui_app *app, const struct tui_form_spec *spec,
                          tui_form_submit submit);

/* The opener's late word on a submit its hook kept the form open for (a
 * login sent to a server, its hook returning "logging in"): on the open
 * form with tag, msg shows under the fields as a refusal would, NULL
 * closes the form as an accepted Enter. Nothing when no such form is open. */
void tui_form_answer(struct tui_app *app, int tag, const char *msg);

/* Values: text as typed (""), number (NaN when empty), choice index. */
const char *tui_form_text(const struct tui_form *f, int field);
double tui_form_number(const struct tui_form *f, int field);
int tui_form_choice(const struct tui_form *f, int field);

#endif
