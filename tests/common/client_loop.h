/* A minimal poll() event loop for the console's HTTP client, the shape of
 * the console's own (tui) loop: the client's sockets and its one timer.
 * Integration tests and benchmarks drive asynchronous requests with it. */
#ifndef YX_TEST_CLIENT_LOOP_H
#define YX_TEST_CLIENT_LOOP_H

#include <time.h>

#include "core/client.h"

#define CLIENT_LOOP_FDS 16

struct client_loop_state {
    client *c;
    int fds[CLIENT_LOOP_FDS], what[CLIENT_LOOP_FDS], n;
    long timer_ms;            /* -1: none */
    struct timespec armed;
};

/* Resets l and hands its hooks to c. */
void client_loop_attach(struct client_loop_state *l, client *c);
/* Runs until *done is set (0) or timeout_ms pass (-1). */
int client_loop_run(struct client_loop_state *l, const int *done, int timeout_ms);

#endif
