/* The simulator in a thread of its own (sim_thread.h). */
#include "tests/common/sim_thread.h"

#include <stdio.h>

static void *run(void *arg)
{
    yx_sim_thread *t = arg;
    char err[256];
    t->rc = sim_run(&t->cfg, &t->rep, err, sizeof err);
    if (t->rc) fprintf(stderr, "simulator: %s\n", err);
    t->done = 1;
    return NULL;
}

int yx_sim_start(yx_sim_thread *t)
{
    t->cfg.stop = &t->stop;
    return pthread_create(&t->th, NULL, run, t) ? -1 : 0;
}

void yx_sim_join(yx_sim_thread *t)
{
    pthread_join(t->th, NULL);
}
