/* The channel simulator (backend/simulate) run in a thread of its own, so
 * that a test can act on the server while the load is under way: kill
 * it, count what it answered, stop the run. Typical use:
 *
 *     yx_sim_thread t = { 0 };
 *     t.cfg.server = p.url; t.cfg.channel_key = key; t.cfg.duration_s = 20;
 *     assert_int_equal(yx_sim_start(&t), 0);
 *     ... poll the server, then t.stop = 1 (or kill it) ...
 *     yx_sim_join(&t);      t.rc, t.rep as sim_run left them
 *     sim_report_free(&t.rep);
 */
#ifndef YX_TEST_SIM_THREAD_H
#define YX_TEST_SIM_THREAD_H

#include <pthread.h>

#include "backend/simulate.h"

typedef struct yx_sim_thread {
    sim_config cfg;        /* filled by the caller; yx_sim_start sets cfg.stop */
    sim_report rep;        /* the run's report, once joined */
    int rc;                /* sim_run's result, once joined */
    _Atomic int done;      /* set when the run has ended */
    _Atomic int stop;      /* set by the caller to end the run early */
    pthread_t th;
} yx_sim_thread;

/* Starts sim_run(&t->cfg, &t->rep) in a new thread. 0 / -1. */
int yx_sim_start(yx_sim_thread *t);
/* Waits for the run to end. */
void yx_sim_join(yx_sim_thread *t);

#endif
