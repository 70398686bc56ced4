/* The console's HTTP client and sync against a real yxd on a loopback port:
 * login (good and wrong password), an unreachable server named in the
 * error, paging the list, one application, logout; the asynchronous path
 * driven by a small poll() loop the way the console's event loop drives it;
 * and sync into a cache, including a first pull cut short and resumed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cache.h"
#include "core/client.h"
#include "core/sync.h"
#include "tests/common/client_loop.h"
#include "tests/common/yxd_proc.h"

#define NAPPS 300

static yxd_proc srv;

static int group_setup(void **state)
{
    (void)state;
    return yxd_proc_start_demo(&srv, NAPPS, NULL);
}

static int group_teardown(void **state)
{
    (void)state;
    yxd_proc_cleanup(&srv);
    return 0;
}

static client *login(const char *who)
{
    client *c = NULL;
    client_session s;
    client_error e;
    char err[256];
    assert_int_equal(client_new(&c, srv.url, err, sizeof err), 0);
    assert_int_equal(client_login(c, who, "yixiang-demo", &s, &e), 0);
    return c;
}

/* Drives asynchronous requests until *done; fails the test after 30 s. */
static void loop_run(struct client_loop_state *l, const int *done)
{
    assert_int_equal(client_loop_run(l, done, 30000), 0);
}

/* ---- blocking calls -------------------------------------------------- */

static void test_login_ok(void **state)
{
    client *c = NULL;
    client_session s;
    client_error e;
    char err[256];
    (void)state;
    assert_int_equal(client_new(&c, srv.url, err, sizeof err), 0);
    assert_false(client_logged_in(c));
    assert_int_equal(client_login(c, "officer", "yixiang-demo", &s, &e), 0);
    assert_true(client_logged_in(c));
    assert_string_equal(s.user, "officer");
    assert_string_equal(s.role, "officer");
    assert_true(s.expires_at > 0);
    assert_int_equal(client_logout(c, &e), 0);
    assert_false(client_logged_in(c));
    client_free(c);
}

static void test_login_wrong_password(void **state)
{
    client *c = NULL;
    client_session s;
    client_error e;
    char err[256];
    (void)state;
    assert_int_equal(client_new(&c, srv.url, err, sizeof err), 0);
    assert_int_equal(client_login(c, "officer", "not-the-password", &s, &e), 1);
    assert_int_equal(e.status, 401);
    assert_string_equal(e.code, "invalid_credentials");
    assert_false(client_logged_in(c));
    client_free(c);
}

static void test_unreachable_names_url(void **state)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char url[64], err[256];
    client *c = NULL;
    client_session s;
    client_error e;
    (void)state;
    /* A port that was free a moment ago and has no listener now. */
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    assert_int_equal(client_new(&c, url, err, sizeof err), 0);
    assert_int_equal(client_login(c, "officer", "yixiang-demo", &s, &e), -1);
    assert_int_equal(e.status, 0);
    assert_non_null(strstr(e.message, url));
    client_free(c);
}

static void test_bad_url(void **state)
{
    client *c = NULL;
    char err[256];
    (void)state;
    assert_int_equal(client_new(&c, "127.0.0.1:8080", err, sizeof err), -1);
    assert_null(c);
    assert_non_null(strstr(err, "127.0.0.1:8080"));
    assert_int_equal(client_new(&c, "http://", err, sizeof err), -1);
}

static void test_list_pages_and_get(void **state)
{
    client *c = login("officer");
    static int hits[100000];
    client_query q = { .limit = 64 };
    client_page p;
    client_error e;
    char after[48] = "";
    int total = 0;
    app_row one, *first = NULL;
    (void)state;
    memset(hits, 0, sizeof hits);
    do {
        q.after = after[0] ? after : NULL;
        assert_int_equal(client_list(c, &q, &p, &e), 0);
        assert_true(p.n <= 64);
        for (int i = 0; i < p.n; i++) {
            assert_true(p.rows[i].app.id > 0 && p.rows[i].app.id < 100000);
            hits[p.rows[i].app.id]++;
            assert_non_null(strchr(p.rows[i].id_number, '*'));   /* masked */
        }
        if (!first && p.n) { first = malloc(sizeof *first); *first = p.rows[0]; }
        total += p.n;
        snprintf(after, sizeof after, "%s", p.has_next ? p.next : "");
        client_page_free(&p);
    } while (after[0]);
    assert_int_equal(total, NAPPS);
    for (int i = 0; i < 100000; i++) assert_true(hits[i] <= 1);

    assert_non_null(first);
    assert_int_equal(client_get(c, first->app.id, &one, &e), 0);
    assert_int_equal(one.app.id, first->app.id);
    assert_int_equal(one.app.version, first->app.version);
    assert_string_equal(one.name, first->name);
    assert_int_equal(client_get(c, 99999999, &one, &e), 1);
    assert_int_equal(e.status, 404);

    /* A filter reaches the server. */
    q.status = "declined";
    q.after = NULL;
    assert_int_equal(client_list(c, &q, &p, &e), 0);
    for (int i = 0; i < p.n; i++) assert_int_equal(p.rows[i].app.status, APP_DECLINED);
    client_page_free(&p);
    q.status = "no-such-status";
    assert_int_equal(client_list(c, &q, &p, &e), 1);
    assert_int_equal(e.status, 400);

    /* After logout the token is gone and the server says 401. */
    assert_int_equal(client_logout(c, &e), 0);
    q.status = NULL;
    assert_int_equal(client_list(c, &q, &p, &e), 1);
    assert_int_equal(e.status, 401);
    free(first);
    client_free(c);
}

/* ---- asynchronous ---------------------------------------------------- */

struct got { int done, rc; int n; long status; int64_t id; };

static void on_list(void *ctx, int rc, client_page *page, const client_error *e)
{
    struct got *g = ctx;
    g->done = 1;
    g->rc = rc;
    g->n = page->n;
    g->status = e->status;
    g->id = page->n ? page->rows[0].app.id : 0;
    client_page_free(page);
}

static void on_get(void *ctx, int rc, const app_row *row, const client_error *e)
{
    struct got *g = ctx;
    g->done = 1;
    g->rc = rc;
    g->status = e->status;
    g->id = row ? row->app.id : 0;
}

static void test_async_list_and_get(void **state)
{
    client *c = login("officer");
    struct client_loop_state l;
    struct got a = { 0 }, b = { 0 }, d = { 0 };
    client_query q = { .limit = 25 };
    client_error e;
    (void)state;
    client_loop_attach(&l, c);
    /* Two requests in flight at once. */
    assert_int_equal(client_list_async(c, &q, on_list, &a, &e), 0);
    assert_int_equal(client_get_async(c, 99999999, on_get, &b, &e), 0);
    assert_int_equal(client_pending(c), 2);
    loop_run(&l, &a.done);
    loop_run(&l, &b.done);
    assert_int_equal(a.rc, 0);
    assert_int_equal(a.n, 25);
    assert_int_equal(b.rc, 1);
    assert_int_equal(b.status, 404);
    assert_int_equal(client_get_async(c, a.id, on_get, &d, &e), 0);
    loop_run(&l, &d.done);
    assert_int_equal(d.rc, 0);
    assert_int_equal(d.id, a.id);
    assert_int_equal(client_pending(c), 0);
    assert_int_equal(l.n, 0);   /* every socket handed back... */
    client_free(c);
}

static void test_async_free_in_flight(void **state)
{
    client *c = login("officer");
    struct client_loop_state l;
    struct got a = { 0 };
    client_error e;
    (void)state;
    client_loop_attach(&l, c);
    assert_int_equal(client_list_async(c, NULL, on_list, &a, &e), 0);
    client_free(c);              /* cancels: the callback never runs */
    assert_int_equal(a.done, 0);
}

/* ---- sync ------------------------------------------------------------ */

struct sync_probe {
    int done;
    int stop_after_pages;
    int pages_seen;
    cache *ca;            /* with wait_for: done once that application is cached */
    int64_t wait_for;
};

static void on_sync(void *ctx, const sync_status *st)
{
    struct sync_probe *p = ctx;
    app_row row;
    p->pages_seen = st->pages;
    if (p->wait_for) {
        if (p->ca && cache_get(p->ca, p->wait_for, &row) == 0) p->done = 1;
        if (st->state == SYNC_FAILED) p->done = 1;
        return;
    }
    if (st->state == SYNC_DONE || st->state == SYNC_FAILED) p->done = 1;
    if (p->stop_after_pages && st->pages >= p->stop_after_pages) p->done = 1;
}

/* Attaches c to l and runs a new sync job over ca until it is done or
 * failed (probe reset first). The caller frees the job. */
static sync_job *sync_run(client *c, struct client_loop_state *l, cache *ca, int page, int feed,
                          struct sync_probe *probe)
{
    sync_job *job;
    client_loop_attach(l, c);
    memset(probe, 0, sizeof *probe);
    job = sync_new(c, ca, page, feed, on_sync, probe);
    assert_non_null(job);
    assert_int_equal(sync_start(job), 0);
    loop_run(l, &probe->done);
    return job;
}

static void test_sync_pull_and_resume(void **state)
{
    char cpath[400], err[256], v[8];
    cache *ca = NULL;
    client *c = login("officer");
    struct client_loop_state l;
    struct sync_probe probe = { 0 };
    sync_job *job;
    (void)state;
    snprintf(cpath, sizeof cpath, "%s/cache.db", srv.dir);
    assert_int_equal(cache_open(&ca, cpath, err, sizeof err), 0);

    /* A first pull cut short after two pages of 50 (the officer quit). */
    client_loop_attach(&l, c);
    job = sync_new(c, ca, 50, 0, on_sync, &probe);
    probe.stop_after_pages = 2;
    assert_int_equal(sync_start(job), 0);
    loop_run(&l, &probe.done);
    client_free(c);                       /* drops the third page in flight */
    sync_free(job);
    assert_int_equal(cache_count(ca, NULL), 100);
    assert_int_equal(cache_meta_get(ca, "list.complete", v, sizeof v), 1);

    /* The next start catches up at the top (one page, nothing new) and
     * resumes where the first pull stopped. */
    c = login("officer");
    job = sync_run(c, &l, ca, 50, 0, &probe);
    assert_int_equal(sync_get(job)->state, SYNC_DONE);
    assert_int_equal(cache_count(ca, NULL), NAPPS);
    assert_int_equal(sync_get(job)->changed, NAPPS - 100);
    assert_int_equal(sync_get(job)->pulled, 50 + (NAPPS - 100));
    assert_int_equal(cache_meta_get(ca, "list.complete", v, sizeof v), 0);

    /* Caught up: a new round stops after one unchanged page. */
    probe.done = 0;
    assert_int_equal(sync_start(job), 0);
    loop_run(&l, &probe.done);
    if (sync_get(job)->state != SYNC_DONE) fprintf(stderr, "sync: %s\n", sync_get(job)->error);
    assert_int_equal(sync_get(job)->state, SYNC_DONE);
    assert_int_equal(sync_get(job)->pages, 1);
    assert_int_equal(sync_get(job)->changed, 0);
    assert_int_equal(sync_get(job)->rounds, 2);
    sync_free(job);
    client_free(c);
    cache_close(ca);
}

static void test_sync_failure_reported(void **state)
{
    char cpath[400], err[256];
    cache *ca = NULL;
    client *c = NULL;
    struct client_loop_state l;
    struct sync_probe probe = { 0 };
    sync_job *job;
    (void)state;
    snprintf(cpath, sizeof cpath, "%s/cache-fail.db", srv.dir);
    assert_int_equal(cache_open(&ca, cpath, err, sizeof err), 0);
    assert_int_equal(client_new(&c, srv.url, err, sizeof err), 0);   /* not logged in */
    job = sync_run(c, &l, ca, 50, 0, &probe);
    assert_int_equal(sync_get(job)->state, SYNC_FAILED);
    assert_non_null(strstr(sync_get(job)->error, "401"));
    assert_int_equal(sync_get(job)->http_status, 401);   /* retrying would not help */
    assert_int_equal(cache_count(ca, NULL), 0);
    sync_free(job);
    client_free(c);

    /* A role that may not read applications is refused, and told apart. */
    c = login("admin");
    job = sync_run(c, &l, ca, 50, 5, &probe);
    assert_int_equal(sync_get(job)->state, SYNC_FAILED);
    assert_int_equal(sync_get(job)->http_status, 403);
    assert_int_equal(cache_count(ca, NULL), 0);
    sync_free(job);
    client_free(c);
    cache_close(ca);
}

/* Runs last: it adds applications to the server. */
static void test_sync_follows_change_feed(void **state)
{
    char cpath[400], err[512], key[256] = "", out[512];
    cache *ca = NULL;
    client *c = login("officer");
    struct client_loop_state l;
    struct sync_probe probe = { 0 };
    client_page newest;
    client_query q = { .limit = 1 };
    client_error e;
    sync_job *job;
    long before;
    int pages;
    (void)state;
    snprintf(cpath, sizeof cpath, "%s/cache-feed.db", srv.dir);
    assert_int_equal(cache_open(&ca, cpath, err, sizeof err), 0);
    job = sync_run(c, &l, ca, 100, 5, &probe);
    assert_int_equal(sync_get(job)->state, SYNC_DONE);
    assert_true(sync_get(job)->live);
    before = cache_count(ca, NULL);
    assert_int_equal(before, NAPPS);
    pages = sync_get(job)->pages;
    assert_int_equal(pages, NAPPS / 100);
    assert_int_equal(cache_meta_get(ca, "feed.since", out, sizeof out), 0);

    /* A channel submits applications while the feed request is held. */
    assert_int_equal(yxd_proc_add_channel(&srv, "feed-test", "h5", key, sizeof key), 0);
    {
        const char *sim[] = { "simulate", "--server", srv.url, "--channel-key", key,
                              "--rate", "10", "--duration", "1", NULL };
        assert_int_equal(yxd_run(sim, NULL, out, sizeof out, err, sizeof err), 0);
    }
    assert_int_equal(client_list(c, &q, &newest, &e), 0);
    assert_int_equal(newest.n, 1);
    assert_true(newest.rows[0].app.id > NAPPS);
    /* The feed brings the newest one (no list page is read for it). */
    probe = (struct sync_probe){ .ca = ca, .wait_for = newest.rows[0].app.id };
    loop_run(&l, &probe.done);
    assert_int_equal(sync_get(job)->state, SYNC_DONE);
    assert_int_equal(sync_get(job)->pages, pages);   /* no list page since the pull */
    assert_true(cache_count(ca, NULL) > before);
    client_page_free(&newest);
    sync_free(job);
    client_free(c);

    /* A later start reads only the feed: no list page at all. */
    c = login("officer");
    job = sync_run(c, &l, ca, 100, 5, &probe);
    assert_int_equal(sync_get(job)->state, SYNC_DONE);
    assert_int_equal(sync_get(job)->pages, 0);
    assert_true(sync_get(job)->live);
    sync_free(job);

    /* A cursor past the server's newest change (the server's database is
     * an older copy): the feed refuses it, and the console starts over
     * from the server's head with a full pull instead of failing. */
    assert_int_equal(cache_meta_set(ca, "feed.since", "99999999"), 0);
    job = sync_run(c, &l, ca, 100, 5, &probe);
    assert_int_equal(sync_get(job)->state, SYNC_DONE);
    assert_true(sync_get(job)->live);
    assert_true(sync_get(job)->pages > 0);
    assert_int_equal(cache_meta_get(ca, "feed.since", out, sizeof out), 0);
    assert_true(strtoll(out, NULL, 10) < 99999999);
    sync_free(job);
    client_free(c);
    cache_close(ca);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_ok),
        cmocka_unit_test(test_login_wrong_password),
        cmocka_unit_test(test_unreachable_names_url),
        cmocka_unit_test(test_bad_url),
        cmocka_unit_test(test_list_pages_and_get),
        cmocka_unit_test(test_async_list_and_get),
        cmocka_unit_test(test_async_free_in_flight),
        cmocka_unit_test(test_sync_pull_and_resume),
        cmocka_unit_test(test_sync_failure_reported),
        cmocka_unit_test(test_sync_follows_change_feed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
