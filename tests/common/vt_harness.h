/* Terminal test harness: runs a program on a pseudo-terminal of a chosen
 * size and TERM, sends keys, waits for the screen to go quiet, and reads the
 * screen back through libvterm as text with attributes. Also counts the
 * bytes the program wrote and the time from a keystroke to the last byte of
 * its answer. One terminal per test process at a time (the functions work on
 * it implicitly); waits poll the pseudo-terminal, they never sleep blindly,
 * and every wait has a deadline that turns into a failure. */
#ifndef VT_HARNESS_H
#define VT_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

/* Starts argv[0] (a path) on a rows x cols pseudo-terminal. env lists
 * "NAME=value" entries set on top of the current environment ("NAME" alone
 * unsets); TERM defaults to xterm-256color. NULL env is allowed. Returns 0
 * or -1 (message on stderr). */
int vt_spawn(const char *const argv[], const char *const env[], int rows, int cols);

/* Writes keys as bytes ("j", "\r", "\033[B", "\033" for Esc); resets the
 * per-keystroke counters. 0 or -1. */
int vt_send(const char *keys);

/* Reads output until none arrives for quiet_ms. Gives up (returns -1) after
 * the overall deadline (vt_set_timeout, default 10 s); 0 when quiet. */
int vt_wait_quiet(int quiet_ms);

/* Reads output until the screen contains text (UTF-8), up to timeout_ms,
 * then until the output pauses for 20 ms (the rest of that update; half a
 * second at most).
 * 0 found, -1 timed out (the screen is printed to stderr). */
int vt_wait_text(const char *text, int timeout_ms);

/* Reads output until cond(arg) returns non-zero (checked after each read),
 * up to timeout_ms. 0, or -1 on timeout (the screen goes to stderr). */
int vt_wait_for(int (*cond)(void *arg), void *arg, int timeout_ms);
/* Reads output until text is no longer on the screen. 0 or -1. */
int vt_wait_gone(const char *text, int timeout_ms);

/* The screen as UTF-8 text: rows lines, each ending in '\n', trailing spaces
 * cut. Static buffer, valid until the next call. */
const char *vt_screen_text(void);
/* One row (0-based) of the screen, trailing spaces cut; static buffer. */
const char *vt_row_text(int row);
/* Screen column where the UTF-8 text first starts on row, or -1. */
int vt_find_col(int row, const char *text);

struct vt_attr {
    int bold, underline, italic, reverse, blink;
    int fg, bg;     /* palette index, -1 default, -2 RGB */
    int width;      /* 1, 2 (wide), 0 (right half of a wide character) */
};
/* Attributes of one cell (0-based). */
struct vt_attr vt_cell_attr(int row, int col);
/* 1 when some cell on the screen has a non-default foreground or background. */
int vt_screen_has_colour(void);

/* Cursor position and visibility as the terminal shows them. */
void vt_cursor(int *row, int *col, int *visible);

/* Changes the terminal size (the program gets SIGWINCH). 0 or -1. */
int vt_resize(int rows, int cols);
void vt_size(int *rows, int *cols);

/* Sends a signal to the program. 0 or -1. */
int vt_kill(int sig);

/* Reads output until the program exits (deadline as vt_wait_quiet); stores
 * the waitpid status. 0 or -1 (still running: it is killed). */
int vt_wait_exit(int *status);

/* 1 when everything the program wrote leaves the terminal as it found it:
 * normal screen (rmcup after the last smcup), cursor visible, attributes
 * reset, keypad and mouse modes off. On 0 the reason is on stderr. */
int vt_terminal_restored(void);

/* Sends key (the quit key), waits for the program to exit and checks it
 * exited with 0 and left the terminal as it found it: 1, or 0 with the
 * reason on stderr. The session stays open for vt_close. */
int vt_quit_clean(const char *key);

/* Bytes the program wrote since the last vt_send / in all. */
size_t vt_bytes_since_send(void);
size_t vt_bytes_total(void);
/* Milliseconds from the last vt_send to the last byte received after it
 * (0 when nothing came). */
double vt_latency_ms(void);

/* Everything the program wrote so far (not NUL-terminated), e.g. to look
 * for an OSC 52 sequence; *since_send is the offset where the output after
 * the last vt_send starts. */
const char *vt_output(size_t *len, size_t *since_send);

pid_t vt_pid(void);
/* Overall deadline for waits, milliseconds. */
void vt_set_timeout(int ms);

/* Ends the program if still running (SIGKILL) and frees the terminal. */
void vt_close(void);

/* Compares the screen with an expected text file (same format as
 * vt_screen_text; "{{any}}" in a line stands for the rest of that line, for
 * clocks and the like). On mismatch prints the differing lines to stderr and
 * returns -1. With YX_UPDATE_FIXTURES=1 in the environment it writes the
 * file instead, keeping lines that still match through their wildcard. */
int vt_expect_file(const char *path);

#endif
