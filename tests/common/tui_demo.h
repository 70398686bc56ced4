/* A small program built on tui/ alone, for terminal tests and the tui
 * benchmark: a list of synthetic loan rows (any number, a million is fine)
 * with a detail screen, a typed confirmation, a form and an optional flood
 * of data on a registered descriptor. Test binaries run it by re-executing
 * themselves with "--tui-demo" as the first argument. */
#ifndef TUI_DEMO_H
#define TUI_DEMO_H

/* argv[0] is "--tui-demo"; options: --rows=N (default 1000), --flood,
 * --theme=NAME, --ascii, --accessible, --mouse, --no-color, --read-only,
 * --tick (the list counts five timer ticks in its subtitle), --overflow
 * (X on the list recurses until the stack runs out).
 * Data from $YX_DATADIR, translations from $YX_LOCALEDIR. Returns the exit
 * status. */
int tui_demo_main(int argc, char **argv);

/* Runs the demo when argv asks for it (argv[1] == "--tui-demo"): call first
 * thing in main; returns -1 when not asked, else the exit status. */
int tui_demo_maybe(int argc, char **argv);

/* Starts this test binary's demo on a rows x cols terminal (vt_spawn):
 * args are extra demo options, env as for vt_spawn applied over a fixed
 * start (LANG=C.UTF-8, no LC_ALL/LANGUAGE/NO_COLOR, no user keymap); both
 * may be NULL. 0 or -1. */
int tui_demo_spawn(const char *const *args, const char *const *env, int rows, int cols);

/* tui_demo_spawn, then waits for the first full screen of a demo with the
 * default 1000 rows in English ("row 1 of 1000"). 0 or -1. */
int tui_demo_start(const char *const *args, const char *const *env, int rows, int cols);

/* Quits with Q (after Esc when modal is set, to close a dialog first),
 * waits for the exit and closes the terminal. 0 when the demo exited with
 * status 0 and left the terminal restored, else -1 (reason on stderr). */
int tui_demo_quit(int modal);

#endif
