/* Pulling the application list into the cache page by page, then following
 * the change feed (see sync.h). The job is a small state machine advanced
 * by the client's completions; at most one of its requests is out. */
#include "core/sync.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define META_COMPLETE "list.complete"
#define META_RESUME   "list.resume"
#define META_SYNCED   "list.synced_at"
#define META_SINCE    "feed.since"

struct sync_job {
    client *cl;
    cache *ca;
    int page_size;
    int feed_wait;     /* seconds a feed request may be held; 0: no feed */
    sync_notify cb;
    void *ctx;
    sync_status st;
    int inflight;      /* one of our requests is out */
    int complete;      /* the cache has seen the end of the list */
    int resuming;      /* following the stored cursor of a cut-short pull */
    char resume[48];   /* that cursor, "" when none */
    int have_since;    /* feed cursor known */
    int64_t since;
};

sync_job *sync_new(client *cl, cache *ca, int page_size, int feed_wait_s, sync_notify cb,
                   void *ctx)
{
    sync_job *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cl = cl;
    s->ca = ca;
    s->page_size = page_size > 0 ? page_size : 200;
    s->feed_wait = feed_wait_s < 0 ? 0 : feed_wait_s > 30 ? 30 : feed_wait_s;
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

static void stamp(sync_job *s)
{
    char now[32];
    snprintf(now, sizeof now, "%" PRId64, store_now_ms());
    cache_meta_set(s->ca, META_SYNCED, now);  /* informative only */
}

static void fail_msg(sync_job *s, const char *msg)
{
    yx_strlcpy(s->st.error, msg, sizeof s->st.error);
    s->st.state = SYNC_FAILED;
    s->st.live = 0;
    s->st.rounds++;
    notify(s);
}

/* A request failed; a refusal (4xx) is kept apart from a network failure,
 * since retrying cannot mend it. */
static void fail_round(sync_job *s, const client_error *e)
{
    s->st.http_status = e->status >= 400 && e->status < 500 ? e->status : 0;
    fail_msg(s, e->message);
}

/* Stores rows; on failure ends the round and returns -1. */
static int store_rows(sync_job *s, const app_row *rows, int n, int *changed)
{
    if (cache_upsert(s->ca, rows, n, changed) == 0) return 0;
    fail_msg(s, cache_errmsg(s->ca));
    return -1;
}

static void on_page(void *ctx, int rc, client_page *page, const client_error *e);
static void on_feed(void *ctx, int rc, client_feed *f, const client_error *e);

static int list_request(sync_job *s, const char *after)
{
    client_query q = { .after = after && *after ? after : NULL, .limit = s->page_size };
    client_error e;
    if (client_list_async(s->cl, &q, on_page, s, &e)) {
        fail_round(s, &e);
        return -1;
    }
    s->inflight = 1;
    return 0;
}

static int feed_request(sync_job *s, int wait)
{
    client_error e;
    if (client_feed_async(s->cl, s->since, wait, on_feed, s, &e)) {
        fail_round(s, &e);
        return -1;
    }
    s->inflight = 1;
    return 0;
}

/* The list is in the cache: the round is done; follow the feed if on. */
static void list_done(sync_job *s)
{
    stamp(s);
    s->st.state = SYNC_DONE;
    s->st.rounds++;
    s->st.live = s->feed_wait > 0 && s->have_since;
    notify(s);
    if (s->st.live) feed_request(s, 0);
}

static void on_page(void *ctx, int rc, client_page *page, const client_error *e)
{
    sync_job *s = ctx;
    int changed = 0;
    char next[48];
    s->inflight = 0;
    if (rc) { fail_round(s, e); return; }
    if (store_rows(s, page->rows, page->n, &changed)) {
        client_page_free(page);
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
            fail_msg(s, cache_errmsg(s->ca));
            return;
        }
        list_done(s);
        return;
    }
    client_page_free(page);
    if (changed == 0 && !s->resuming) {
        if (s->complete) { list_done(s); return; }   /* caught up */
        if (s->resume[0]) {
            /* Caught up with the newest rows; carry on where the cut-short
             * pull stopped. */
            s->resuming = 1;
            notify(s);
            list_request(s, s->resume);
            return;
        }
    }
    /* Only a pull heading for the end of the list moves the resume point;
     * catching up at the top must not lose the deeper one. */
    if (!s->complete && (s->resuming || !s->resume[0])) {
        if (cache_meta_set(s->ca, META_RESUME, next)) { fail_msg(s, cache_errmsg(s->ca)); return; }
        yx_strlcpy(s->resume, next, sizeof s->resume);
        s->resuming = 1;
    }
    notify(s);
    list_request(s, next);
}

static void on_head(void *ctx, int rc, int64_t last, const client_error *e);

/* Asks for the feed's head, where a pull without a cursor starts. */
static int head_request(sync_job *s)
{
    client_error e;
    if (client_head_async(s->cl, on_head, s, &e)) {
        fail_round(s, &e);
        return -1;
    }
    s->inflight = 1;
    return 0;
}

/* The server has no change up to the cache's cursor (its database is an
 * older copy than the one the cache followed): the cursor and the cache's
 * completeness are dropped and the pull starts over from the server's
 * head, as on a first start. */
static void restart_from_head(sync_job *s)
{
    if (cache_meta_set(s->ca, META_SINCE, NULL) || cache_meta_set(s->ca, META_COMPLETE, NULL)) {
        fail_msg(s, cache_errmsg(s->ca));
        return;
    }
    s->have_since = 0;
    s->complete = 0;
    head_request(s);
}

static void on_feed(void *ctx, int rc, client_feed *f, const client_error *e)
{
    sync_job *s = ctx;
    int changed = 0, was = s->st.state;
    char buf[32];
    s->inflight = 0;
    if (rc && e->status == 400 && !strcmp(e->code, "bad_cursor")) { restart_from_head(s); return; }
    if (rc) { fail_round(s, e); return; }
    if (store_rows(s, f->rows, f->n, &changed)) {
        client_feed_free(f);
        return;
    }
    /* The cursor moves only once its rows are stored. */
    snprintf(buf, sizeof buf, "%" PRId64, f->next);
    if (cache_meta_set(s->ca, META_SINCE, buf)) {
        client_feed_free(f);
        fail_msg(s, cache_errmsg(s->ca));
        return;
    }
    s->since = f->next;
    s->st.pulled += f->n;
    s->st.changed += changed;
    s->st.state = SYNC_DONE;
    s->st.live = 1;
    stamp(s);
    if (changed || f->changes || was != SYNC_DONE) notify(s);
    feed_request(s, f->more ? 0 : s->feed_wait);
    client_feed_free(f);
}

static void on_head(void *ctx, int rc, int64_t last, const client_error *e)
{
    sync_job *s = ctx;
    char buf[32];
    s->inflight = 0;
    if (rc) { fail_round(s, e); return; }
    /* Remembered before the pull: whatever changes during it is replayed. */
    snprintf(buf, sizeof buf, "%" PRId64, last);
    if (cache_meta_set(s->ca, META_SINCE, buf)) { fail_msg(s, cache_errmsg(s->ca)); return; }
    s->since = last;
    s->have_since = 1;
    list_request(s, NULL);
}

int sync_start(sync_job *s)
{
    char v[48];
    int rc;
    if (s->inflight) return 0;
    memset(&s->st, 0, offsetof(sync_status, rounds));
    s->st.error[0] = '\0';
    s->st.live = 0;
    s->st.http_status = 0;
    s->st.state = SYNC_RUNNING;
    s->resuming = 0;
    s->complete = cache_meta_get(s->ca, META_COMPLETE, v, sizeof v) == 0 && !strcmp(v, "1");
    rc = cache_meta_get(s->ca, META_RESUME, s->resume, sizeof s->resume);
    if (rc) s->resume[0] = '\0';
    if (rc < 0) { fail_msg(s, cache_errmsg(s->ca)); return -1; }
    s->have_since = cache_meta_get(s->ca, META_SINCE, v, sizeof v) == 0 &&
                    yx_parse_i64(v, 0, INT64_MAX, &s->since) == 0;
    notify(s);
    if (s->feed_wait > 0 && !s->have_since) return head_request(s);
    if (s->feed_wait > 0 && s->complete) {
        /* The cache is whole: catching up is reading the feed. */
        s->st.live = 1;
        return feed_request(s, 0);
    }
    return list_request(s, NULL);
}
