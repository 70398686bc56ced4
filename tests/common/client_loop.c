/* A minimal poll() loop driving the console's HTTP client (see
 * client_loop.h). */
#include "tests/common/client_loop.h"

#include <poll.h>
#include <string.h>

static int loop_watch(void *ctx, int fd, int what)
{
    struct client_loop_state *l = ctx;
    for (int i = 0; i < l->n; i++) {
        if (l->fds[i] != fd) continue;
        if (!what) {
            l->n--;
            l->fds[i] = l->fds[l->n];
            l->what[i] = l->what[l->n];
        } else {
            l->what[i] = what;
        }
        return 0;
    }
    if (!what) return 0;
    if (l->n == CLIENT_LOOP_FDS) return -1;
    l->fds[l->n] = fd;
    l->what[l->n++] = what;
    return 0;
}

static void loop_timer(void *ctx, long ms)
{
    struct client_loop_state *l = ctx;
    l->timer_ms = ms;
    clock_gettime(CLOCK_MONOTONIC, &l->armed);
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

void client_loop_attach(struct client_loop_state *l, client *c)
{
    client_loop hooks = { loop_watch, loop_timer, l };
    memset(l, 0, sizeof *l);
    l->c = c;
    l->timer_ms = -1;
    client_attach(c, &hooks);
}

int client_loop_run(struct client_loop_state *l, const int *done, int timeout_ms)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!*done) {
        struct pollfd pf[CLIENT_LOOP_FDS];
        int n = l->n, wait = 1000;
        if (elapsed_ms(&t0) >= timeout_ms) return -1;
        if (l->timer_ms >= 0) {
            long left = l->timer_ms - elapsed_ms(&l->armed);
            wait = left < 0 ? 0 : (int)left;
        }
        for (int i = 0; i < n; i++) {
            pf[i].fd = l->fds[i];
            pf[i].events = (short)((l->what[i] & CLIENT_IO_IN ? POLLIN : 0) |
                                   (l->what[i] & CLIENT_IO_OUT ? POLLOUT : 0));
            pf[i].revents = 0;
        }
        poll(pf, (nfds_t)n, wait);
        if (l->timer_ms >= 0 && elapsed_ms(&l->armed) >= l->timer_ms) {
            l->timer_ms = -1;
            client_on_timeout(l->c);
            continue;
        }
        for (int i = 0; i < n && !*done; i++) {
            int w = 0;
            if (!pf[i].revents) continue;
            if (pf[i].revents & POLLIN) w |= CLIENT_IO_IN;
            if (pf[i].revents & POLLOUT) w |= CLIENT_IO_OUT;
            if (pf[i].revents & (POLLERR | POLLHUP)) w |= CLIENT_IO_ERR;
            client_on_socket(l->c, pf[i].fd, w);
            break;   /* the watch list may have changed */
        }
    }
    return 0;
}
