/* Sync: pulls the application list from yxd into the console's cache, one
 * page at a time through the asynchronous client, so the event loop never
 * waits for the network.
 *
 * A round starts from the newest row and follows the "next" cursors. Once
 * the cache has seen the end of the list ("list.complete" in its sync
 * state), a round stops at the first page that brings nothing new or newer:
 * the rest is already cached. A first pull that was cut short (the officer
 * quit) resumes from the cursor it stored ("list.resume") after catching up
 * with the newest rows. Status changes of rows deep in the list need the
 * change feed, which will replace the re-pull of the first pages. */
#ifndef YX_SYNC_H
#define YX_SYNC_H

#include "core/cache.h"
#include "core/client.h"

typedef enum { SYNC_IDLE, SYNC_RUNNING, SYNC_DONE, SYNC_FAILED } sync_state;

typedef struct {
    sync_state state;
    long pulled;        /* rows received in the current / last round */
    long changed;       /* of which new or newer than the cache's */
    int  pages;
    int  rounds;        /* rounds finished (done or failed) */
    char error[320];    /* SYNC_FAILED: one line for people */
} sync_status;

typedef struct sync_job sync_job;

/* Called after every page and at the end of a round, from the client's
 * completion (that is, from the event loop). */
typedef void (*sync_notify)(void *ctx, const sync_status *st);

/* Neither cl nor ca is owned; both must outlive the job. page_size <= 0
 * uses 200. NULL on no memory. */
sync_job *sync_new(client *cl, cache *ca, int page_size, sync_notify cb, void *ctx);
void sync_free(sync_job *s);
/* Starts a round unless one is running. 0, or -1 when the request could not
 * start (the status says why). */
int sync_start(sync_job *s);
const sync_status *sync_get(const sync_job *s);

#endif
