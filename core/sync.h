/* Sync: pulls the application list from yxd into the console's cache, one
 * page at a time through the asynchronous client, so the event loop never
 * waits for the network.
 *
 * A round starts from the newest row and follows the "next" cursors. Once
 * the cache has seen the end of the list ("list.complete" in its sync
 * state), a round stops at the first page that brings nothing new or newer:
 * the rest is already cached. A first pull that was cut short (the officer
 * quit) resumes from the cursor it stored ("list.resume") after catching up
 * with the newest rows.
 *
 * With the change feed on, the job first asks for the server's newest change
 * sequence and stores it ("feed.since") before the first pull; once the list
 * is complete it follows GET /v1/changes from there with long polls, so a
 * status change anywhere in the list reaches the cache within moments and
 * later starts skip the list entirely. Changes that happened during the
 * pull are replayed; upserts by version make that harmless. */
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
    int  live;          /* following the change feed */
    long http_status;   /* SYNC_FAILED: the server's refusal (401 the session
                           is over, 403 not allowed), 0 for anything else */
    char error[320];    /* SYNC_FAILED: one line for people */
} sync_status;

typedef struct sync_job sync_job;

/* Called after every page and at the end of a round, from the client's
 * completion (that is, from the event loop). */
typedef void (*sync_notify)(void *ctx, const sync_status *st);

/* Neither cl nor ca is owned; both must outlive the job. page_size <= 0
 * uses 200. feed_wait_s > 0 turns the change feed on (long polls of that
 * many seconds, at most 30); 0 syncs by list rounds only. NULL on no
 * memory. */
sync_job *sync_new(client *cl, cache *ca, int page_size, int feed_wait_s, sync_notify cb,
                   void *ctx);
/* The job's request may still be in flight: free the client (which cancels
 * it) or stop driving it before freeing the job. */
void sync_free(sync_job *s);
/* Starts a round unless one is running or the feed is being followed. 0,
 * or -1 when the request could not start (the status says why). */
int sync_start(sync_job *s);
const sync_status *sync_get(const sync_job *s);

#endif
