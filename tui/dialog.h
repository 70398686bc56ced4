/* Confirmation dialog, a modal screen on the same loop. Cancel is the
 * default; in typed mode the user must type a given value (an amount, an id)
 * before OK is accepted. The result arrives at the screen below as
 * TUI_ACT_DIALOG_DONE with the spec's tag and ok = 1 or 0. */
#ifndef TUI_DIALOG_H
#define TUI_DIALOG_H

#include "tui/app.h"

struct tui_confirm {
    const char *title;      /* already translated */
    const char *message;    /* already translated; wrapped by columns */
    const char *ok_label;   /* NULL: "OK" */
    const char *typed;      /* non-NULL: the text the user must type */
    int danger;             /* OK shown in the danger colour */
    int tag;                /* handed back with the result */
};

/* Opens the dialog; strings are copied. 0 or -1. */
int tui_confirm_open(struct tui_app *app, const struct tui_confirm *spec);

#endif
