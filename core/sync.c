/* Pulling the application list into the cache page by page (see sync.h).
 * The job is a small state machine advanced by the client's completions. */
#include "core/sync.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define META_COMPLETE "list.complete"
#define META_RESUME   "list.resume"
#define META_SYNCED   "list.synced_at"

struct sync_job {
    client *cl;
    cache *ca;
    int page_size;
    sync_notify cb;
    void *ctx;
    sync_status st;
    int complete;      /* the cache has seen the end of the list */
    int resuming;      /* following the stored cursor of a cut-short pull */
    char resume[48];   /* that cursor, "" when none */
};

sync_job *sync_new(client *cl, cache *ca, int page_size, sync_notify cb, void *ctx)
{
    sync_job *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cl = cl;
    s->ca = ca;
    s->page_size = page_size > 0 ? page_size : 200;
    s->cb = cb;
    s->ctx = ctx;
    return s;
}

void sync_free(sync_job *s) { free(s); }
const sync_status *sync_get(const sync_job *s) { return &s->st; }

static void notify(sync_job *s)
{
    if (s->cb) s->cb(s->ctx, &s->st);
}

static void end_round(sync_job *s, sync_state how)
{
    s->st.state = how;
    s->st.rounds++;
    if (how == SYNC_DONE) {
        char now[32];
        snprintf(now, sizeof now, "%lld", (long long)store_now_ms());
        cache_meta_set(s->ca, META_SYNCED, now);  /* informative only */
    }
    notify(s);
}

static void fail_round(sync_job *s, const char *msg)
{
    yx_strlcpy(s->st.error, msg, sizeof s->st.error);
    end_round(s, SYNC_FAILED);
}

static void on_page(void *ctx, int rc, client_page *page, const client_error *e);

static int request(sync_job *s, const char *after)
{
    client_query q = { .after = after && *after ? after : NULL, .limit = s->page_size };
    client_error e;
    if (client_list_async(s->cl, &q, on_page, s, &e)) {
        fail_round(s, e.message);
        return -1;
    }
    return 0;
}

static void on_page(void *ctx, int rc, client_page *page, const client_error *e)
{
    sync_job *s = ctx;
    int changed = 0;
    char next[48];
    if (rc) {
        fail_round(s, e->message);
        return;
    }
    if (cache_upsert(s->ca, page->rows, page->n, &changed)) {
        client_page_free(page);
        fail_round(s, cache_errmsg(s->ca));
        return;
    }
    s->st.pulled += page->n;
    s->st.changed += changed;
    s->st.pages++;
    yx_strlcpy(next, page->next, sizeof next);
    if (!page->has_next) {
        client_page_free(page);
        s->complete = 1;
        if (cache_meta_set(s->ca, META_COMPLETE, "1") || cache_meta_set(s->ca, META_RESUME, NULL)) {
            fail_round(s, cache_errmsg(s->ca));
            return;
        }
        end_round(s, SYNC_DONE);
        return;
    }
    client_page_free(page);
    if (changed == 0 && !s->resuming) {
        if (s->complete) { end_round(s, SYNC_DONE); return; }   /* caught up */
        if (s->resume[0]) {
            /* Caught up with the newest rows; carry on where the cut-short
             * pull stopped. */
            s->resuming = 1;
            notify(s);
            request(s, s->resume);
            return;
        }
    }
    /* Only a pull heading for the end of the list moves the resume point;
     * catching up at the top must not lose the deeper one. */
    if (!s->complete && (s->resuming || !s->resume[0])) {
        if (cache_meta_set(s->ca, META_RESUME, next)) { fail_round(s, cache_errmsg(s->ca)); return; }
        yx_strlcpy(s->resume, next, sizeof s->resume);
        s->resuming = 1;
    }
    notify(s);
    request(s, next);
}

int sync_start(sync_job *s)
{
    char v[48];
    int rc;
    if (s->st.state == SYNC_RUNNING) return 0;
    memset(&s->st, 0, offsetof(sync_status, rounds));
    s->st.error[0] = '\0';
    s->st.state = SYNC_RUNNING;
    s->resuming = 0;
    s->complete = cache_meta_get(s->ca, META_COMPLETE, v, sizeof v) == 0 && !strcmp(v, "1");
    rc = cache_meta_get(s->ca, META_RESUME, s->resume, sizeof s->resume);
    if (rc) s->resume[0] = '\0';
    if (rc < 0) { fail_round(s, cache_errmsg(s->ca)); return -1; }
    notify(s);
    return request(s, NULL);
}
