/* Group commit: every write of the server goes through one writer thread
 * and one SQLite connection. Requests queue a job and wait; the writer
 * takes all queued jobs, runs each inside its own savepoint of a single
 * transaction, and commits once. Writers never meet SQLite's busy handler
 * (which sleeps) because only this thread writes.
 *
 * Durability is pipelined. The writer commits without waiting for the
 * disk and hands the batch to the syncers, which make the WAL durable with
 * fdatasync and only then answer the batch's requests. Meanwhile the
 * writer already runs the next batch: a request arriving during a slow
 * flush is written at once and waits for a flush that started after its
 * write, not behind the whole slow one; and two flushes may be in flight
 * together (SYNCERS), each covering every batch written before it
 * started. No request is answered before its writes are on disk, as with
 * synchronous=FULL.
 *
 * The writer's connection runs synchronous=NORMAL: in WAL mode that syncs
 * no commit, but it does sync the WAL header when the WAL starts over and
 * the database around the writer's own checkpoints, and the checkpointer
 * runs FULL, so the database file is on disk before the WAL that filled it
 * is reused, and a new WAL header before frames that depend on it.
 *
 * What may come earlier is visibility: another request can read a batch
 * for as long as its flush takes, before the batch's own requests are
 * answered. Readers that could turn that into an acknowledgement or a
 * durable promise go by what is on disk instead: the change feed serves
 * changes up to the last durable one (srv_last_change), the audit routes
 * entries and signatures up to the last durable ones (srv_durable_audit),
 * and an intake replay by Idempotency-Key runs a barrier through the
 * writer before answering (srv_write_barrier). */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "backend/metrics.h"
#include "backend/server_int.h"
#include "core/util.h"


struct write_job {
    srv_req *r;
    int (*fn)(srv_req *r, void *arg);
    void *arg;
    int rc;
    int64_t gen;                 /* the batch it was written in */
    char why[256];               /* a failed job's reason, for the request's log */
    sem_t done;                  /* posted when durable (or failed): wakes this request only */
    struct write_job *next;
};

static int exec(store *s, const char *sql)
{
    return sqlite3_exec(store_db(s), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* The batch's own statements (BEGIN, SAVEPOINT, RELEASE, COMMIT) run
 * several times per request: prepared once and kept, instead of parsed by
 * sqlite3_exec every time. */
int server_step(store *s, const char *sql)
{
    sqlite3_stmt *st = store_stmt(s, sql);
    int rc;
    if (!st) return -1;
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static void log_failure(store *s, const char *what)
{
    srv_log_error(what, sqlite3_errmsg(store_db(s)));
}

/* Runs one batch in one transaction; returns the number of its jobs. */
static int run_batch(server *s, struct write_job *jobs)
{
    store *w = s->writer;
    int ok = server_step(w, "BEGIN IMMEDIATE") == 0, n = 0;
    if (!ok) log_failure(w, "write batch cannot begin");
    for (struct write_job *j = jobs; j; j = j->next) {
        store *own = j->r->st;
        n++;
        if (!ok || server_step(w, "SAVEPOINT job")) {
            j->rc = -1;
            snprintf(j->why, sizeof j->why, "cannot begin writing: %s", sqlite3_errmsg(store_db(w)));
            continue;
        }
        j->r->st = w;
        j->rc = j->fn(j->r, j->arg);
        j->r->st = own;
        if (j->rc != 0) {
            /* keep the reason for the request's log line */
            if (j->rc < 0) snprintf(j->why, sizeof j->why, "%s", store_errmsg(w));
            server_step(w, "ROLLBACK TO job");
        }
        server_step(w, "RELEASE job");
    }
    if (ok && server_step(w, "COMMIT")) {
        log_failure(w, "write batch cannot commit");
        snprintf(jobs->why, sizeof jobs->why, "%s", sqlite3_errmsg(store_db(w)));
        exec(w, "ROLLBACK");
        for (struct write_job *j = jobs; j; j = j->next)
            if (j->rc == 0) {
                j->rc = -1;
                snprintf(j->why, sizeof j->why, "%s", jobs->why);
            }
    }
    return n;
}

/* The WAL restarts from its beginning only when a checkpoint has copied
 * all of it back and no reader still uses it. Under steady load the
 * passive checkpoints beside the writer never get there (every commit
 * adds frames while they copy), so the WAL would grow without end, and
 * every page lookup of every reader with it: throughput fell by half over
 * a minute of load before this. Once the WAL passes --wal-max (128 MiB)
 * the writer itself, between two batches, runs a RESTART checkpoint: it
 * copies the frames no passive round has copied yet, syncs the database,
 * and the next commit writes from the start of the file again. Writes
 * wait for all of it, so the writer first has the checkpointer run
 * RESTART_ROUNDS passive rounds back to back at once, beside the writes,
 * and restarts as soon as they are done: the second round copies only
 * what was written during the first, and the restart only what the last
 * batch or two wrote, not up to a tick's worth. At 1,000 intakes/s this
 * took a restart from about 5 ms to about 1.5 (yxd_wal_restart_seconds;
 * the database's own fsync is most of what is left). If the rounds have
 * not finished within WAL_RESTART_RETRY more frames, it asks for no more
 * and restarts once the one running is done. It waits at most
 * RESTART_WAIT_TRIES short sleeps for readers of older snapshots (a
 * request's reads take well under a millisecond); if one is still
 * reading, the writer goes on and tries again a little later, so a slow
 * reader can never hold up the writes. */
/* frames to wait after a restart that could not finish */
#define WAL_RESTART_RETRY(s) ((s)->wal_max_frames / 16 + 1)
#define RESTART_WAIT_TRIES 10      /* of 200 microseconds */
#define RESTART_ROUNDS 2           /* passive rounds back to back before a restart */

static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    (void)db;
    (void)name;
    ((server *)arg)->wal_frames = frames;
    return SQLITE_OK;
}

static int restart_busy(void *ctx, int n)
{
    struct timespec ts = { 0, 200000 };
    (void)ctx;
    if (n >= RESTART_WAIT_TRIES) return 0;
    nanosleep(&ts, NULL);
    return 1;
}

/* Called between batches while the WAL is past wal_restart_at: asks for
 * the rounds the first time, and restarts once they are done (or the WAL
 * has grown WAL_RESTART_RETRY past the mark) and no round is running; a
 * running round holds the checkpoint lock, and the restart would only
 * fail on it. While the writer restarts, the checkpointer starts none. */
static void restart_wal(server *s)
{
    sqlite3 *db = store_db(s->writer);
    int64_t t0;
    int rc, go, forced = 0, overdue = s->wal_frames >= s->wal_restart_at + WAL_RESTART_RETRY(s);
    pthread_mutex_lock(&s->wmu);
    if (!s->restart_after) {
        s->restart_after = s->ckpt_started + RESTART_ROUNDS;   /* rounds that start from now */
        s->ckpt_wanted = RESTART_ROUNDS;
        pthread_cond_signal(&s->ccv);
    }
    if (overdue) s->ckpt_wanted = 0;   /* the round running, if any, is the last */
    go = s->ckpt_done == s->ckpt_started && (overdue || s->ckpt_done >= s->restart_after);
    if (go) {
        forced = s->ckpt_done < s->restart_after;
        s->restart_after = 0;
        s->ckpt_wanted = 0;
        s->restarting = 1;
    }
    pthread_mutex_unlock(&s->wmu);
    if (!go) return;
    t0 = yx_mono_ns();
    sqlite3_busy_handler(db, restart_busy, NULL);
    rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
    server_busy_handler(s->writer);
    metrics_wal_restart((double)(yx_mono_ns() - t0) / 1e9);
    pthread_mutex_lock(&s->wmu);
    s->restarting = 0;
    pthread_mutex_unlock(&s->wmu);
    if (rc == SQLITE_OK) {
        s->wal_frames = 0;
        s->wal_restarts++;
        if (forced) s->wal_forced++;
        s->wal_restart_at = s->wal_max_frames;
    } else s->wal_restart_at = s->wal_frames + WAL_RESTART_RETRY(s);
}

/* Every checkpoint_every audit entries the writer signs the chain head, in
 * a transaction of its own between two batches, so the signature, like
 * every other write, goes through this one connection. */
static void sign_if_due(server *s)
{
    if (!server_checkpoint_take(s)) return;
    if (audit_checkpoint(s->writer, &s->key) < 0) srv_log_error("audit checkpoint failed", store_errmsg(s->writer));
}

/* Answers jobs: their requests may return, and their job structs go
 * with them, once posted. */
static void post_all(struct write_job *jobs)
{
    for (struct write_job *j = jobs, *next; j; j = next) {
        next = j->next;
        sem_post(&j->done);
    }
}

/* What the writer has written so far, read after a commit: the newest
 * change-feed sequence, audit entry and signed checkpoint. Everything up
 * to them is durable once the flush covering that commit is done. 0, or
 * -1 when it cannot be read. */
static int written_marks(server *s, srv_marks *m)
{
    sqlite3_stmt *st = store_stmt(s->writer, "SELECT (SELECT coalesce(max(seq), 0) FROM changes), "
                                             "(SELECT coalesce(max(id), 0) FROM audit), "
                                             "(SELECT coalesce(max(id), 0) FROM audit_checkpoints)");
    int rc = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        m->seq = sqlite3_column_int64(st, 0);
        m->audit = sqlite3_column_int64(st, 1);
        m->checkpoint = sqlite3_column_int64(st, 2);
        rc = 0;
    }
    if (st) sqlite3_reset(st);
    return rc;
}

/* The writer and the sync threads run at nice WRITE_NICE, above the
 * threads of the connections. Every write passes through them one batch
 * at a time, so when one of them waits for a CPU behind request threads
 * (which parse and decide in parallel), every request queued behind it
 * waits too. At 1,000 intakes/s on the 2-core development machine it
 * lowered the p99 in 12 of 20 paired runs (median 4.5 to 4.3 ms; the
 * machine's own noise is larger), with no loss of throughput.
 * Raising a priority needs CAP_SYS_NICE or RLIMIT_NICE of at least
 * 20 - WRITE_NICE (the systemd unit sets LimitNICE=25); without it the
 * threads keep the default, and the writer says so once in the log. */
#define WRITE_NICE (-5)

static int raise_priority(void)
{
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WRITE_NICE) ? errno : 0;
}

static void *writer_main(void *arg)
{
    server *s = arg;
    int e;
    prctl(PR_SET_NAME, "yxd-writer");   /* as top -H and ps -L show it */
    if ((e = raise_priority()) != 0) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "error", strerror(e));
        cJSON_AddStringToObject(x, "hint", "allow nice -5: CAP_SYS_NICE, or LimitNICE=25 in the unit");
        srv_log("warning", "the writer keeps the default priority", x);
    }
    pthread_mutex_lock(&s->wmu);
    for (;;) {
        struct write_job *batch, *last;
        int refused;
        while (!s->wqueue && !s->wstop) pthread_cond_wait(&s->wcv, &s->wmu);
        if (!s->wqueue) break;
        batch = s->wqueue;
        last = s->wtail;
        s->wqueue = s->wtail = NULL;
        refused = s->sync_failed;
        pthread_mutex_unlock(&s->wmu);
        if (refused) {
            /* queued before the disk failed: not written at all */
            for (struct write_job *j = batch; j; j = j->next) {
                j->rc = -1;
                snprintf(j->why, sizeof j->why, "writes are refused: the disk failed a flush (%s)", strerror(refused));
            }
            post_all(batch);
            pthread_mutex_lock(&s->wmu);
            continue;
        }
        {
            int64_t t0 = yx_mono_ns();
            int n = run_batch(s, batch);
            metrics_write_batch(n, (double)(yx_mono_ns() - t0) / 1e9);
        }
        {
            srv_marks m;
            int known = written_marks(s, &m) == 0;
            pthread_mutex_lock(&s->wmu);
            s->written_gen++;
            if (known) s->written = m;   /* else the last known: published later */
            for (struct write_job *j = batch; j; j = j->next) j->gen = s->written_gen;
            /* to the syncers, in the order written */
            if (s->unsynced_tail) s->unsynced_tail->next = batch;
            else s->unsynced = batch;
            s->unsynced_tail = last;
            pthread_cond_signal(&s->scv);
            pthread_mutex_unlock(&s->wmu);
        }
        /* between two batches: jobs arriving meanwhile queue for the next */
        sign_if_due(s);
        if (s->wal_frames >= s->wal_restart_at) restart_wal(s);
        else s->restart_after = 0;   /* SQLite started the WAL over by itself */
        pthread_mutex_lock(&s->wmu);
    }
    s->wdone = 1;
    pthread_cond_broadcast(&s->scv);
    pthread_mutex_unlock(&s->wmu);
    return NULL;
}

/* A flush slower than this is worth a line in the log: every write of
 * the server waited for it. At most one line per SLOW_FLUSH_LOG_S, with
 * the count and the worst since the last line, so a failing disk cannot
 * flood the log. Called with wmu held; returns the line's fields for the
 * caller to log once it has let go of wmu, or NULL. */
#define SLOW_FLUSH_S 0.1
#define SLOW_FLUSH_LOG_S 10

static cJSON *note_flush(server *s, double secs)
{
    int64_t now = yx_mono_ns();
    cJSON *x;
    metrics_flush(secs);
    if (secs < SLOW_FLUSH_S) return NULL;
    s->slow_flushes++;
    if (secs > s->slow_worst_s) s->slow_worst_s = secs;
    if (s->slow_logged_ns && now - s->slow_logged_ns < (int64_t)SLOW_FLUSH_LOG_S * 1000000000) return NULL;
    x = cJSON_CreateObject();
    cJSON_AddNumberToObject(x, "slow_flushes", (double)s->slow_flushes);
    cJSON_AddNumberToObject(x, "worst_ms", (double)(int64_t)(s->slow_worst_s * 1000));
    cJSON_AddNumberToObject(x, "threshold_ms", SLOW_FLUSH_S * 1000);
    s->slow_logged_ns = now;
    s->slow_flushes = 0;
    s->slow_worst_s = 0;
    return x;
}

/* One flush of the WAL covers every batch written before it starts. A
 * syncer starts one whenever something written is not yet covered by a
 * flush in flight, answers every batch up to what it covered, and
 * publishes the change feed up to there. If the disk refuses a flush,
 * nothing written since the last good one can be promised: those
 * requests fail, and so does every later write, until an operator has
 * looked at the disk and restarted the server. Each syncer flushes
 * through a descriptor of its own, because the kernel reports a write
 * error once per open file: with a shared one, a flush running beside the
 * failed one could return success for pages that never reached the disk. */
static void *syncer_main(void *arg)
{
    struct srv_syncer *me = arg;
    server *s = me->s;
    prctl(PR_SET_NAME, "yxd-sync");
    raise_priority();   /* the writer reports a refusal */
    pthread_mutex_lock(&s->wmu);
    for (;;) {
        int64_t gen, seq, t0, t1;
        srv_marks marks;
        cJSON *slow = NULL;
        int failed;
        struct write_job *done = NULL, **tail = &done;
        while (s->sync_started >= s->written_gen && !(s->wdone && !s->unsynced))
            pthread_cond_wait(&s->scv, &s->wmu);
        if (s->sync_started >= s->written_gen) break;   /* stopped, and all answered */
        gen = s->sync_started = s->written_gen;
        marks = s->written;
        pthread_mutex_unlock(&s->wmu);
        t0 = yx_mono_ns();
        failed = fdatasync(me->fd) != 0 ? errno : 0;
        t1 = yx_mono_ns();
        pthread_mutex_lock(&s->wmu);
        if (!failed) slow = note_flush(s, (double)(t1 - t0) / 1e9);   /* a refusal is logged below */
        if (failed && !s->sync_failed) {
            s->sync_failed = failed;
            srv_log_error("the write-ahead log cannot be flushed to disk; writes are refused", strerror(failed));
        }
        if (!s->sync_failed && gen > s->durable_gen) {
            s->durable_gen = gen;
            s->durable = marks;
        }
        /* every batch the flush covered (or, after a failure, all of them) */
        while (s->unsynced && (s->sync_failed || s->unsynced->gen <= s->durable_gen)) {
            struct write_job *j = s->unsynced;
            s->unsynced = j->next;
            /* a replay (rc 1) promises what may be lost too */
            if (s->sync_failed && j->rc >= 0) {
                j->rc = -1;
                snprintf(j->why, sizeof j->why, "the write-ahead log cannot be flushed to disk: %s",
                         strerror(s->sync_failed));
            }
            *tail = j;
            tail = &j->next;
        }
        *tail = NULL;
        if (!s->unsynced) s->unsynced_tail = NULL;
        seq = s->durable.seq;
        pthread_mutex_unlock(&s->wmu);
        /* logged, and the feed moved on, before the answers: a client that
         * has its answer finds the line and its change */
        if (slow) srv_log("warning", "yxd was slow to flush the write-ahead log; writes waited for it (a slow disk, or no free CPU)", slow);
        if (seq > 0) srv_changed(s, seq);
        post_all(done);
        pthread_mutex_lock(&s->wmu);
        pthread_cond_broadcast(&s->scv);   /* a stopping syncer may wait on this answer */
    }
    pthread_cond_broadcast(&s->scv);   /* the other syncers stop too */
    pthread_mutex_unlock(&s->wmu);
    return NULL;
}

int srv_write(srv_req *r, int (*fn)(srv_req *r, void *arg), void *arg)
{
    server *s = r->srv;
    struct write_job j;
    /* A request outside a read transaction lends its reading connection
     * back while it waits for the writer: under load most requests are
     * waiting here, and the others should not wait for a connection. */
    int lent;
    memset(&j, 0, sizeof j);
    j.r = r;
    j.fn = fn;
    j.arg = arg;
    if (sem_init(&j.done, 0, 0)) return store_fail(r->st, "cannot wait for the writer");
    pthread_mutex_lock(&s->wmu);
    if (s->wstop || s->sync_failed) {
        pthread_mutex_unlock(&s->wmu);
        sem_destroy(&j.done);
        return store_fail(r->st, s->wstop ? "the server is stopping" : "writes are refused: the disk failed a flush");
    }
    lent = srv_conn_lend(r);
    /* The writer waits only on an empty queue and takes the whole queue at
     * once, so only the first job of a batch needs to wake it: jobs that
     * arrive while a batch commits join the next batch without a wake-up. */
    if (s->wtail) s->wtail->next = &j;
    else {
        s->wqueue = &j;
        pthread_cond_signal(&s->wcv);
    }
    s->wtail = &j;
    pthread_mutex_unlock(&s->wmu);
    while (sem_wait(&j.done) != 0 && errno == EINTR) { }
    sem_destroy(&j.done);
    if (lent) srv_conn_back(r);
    if (j.rc < 0 && j.why[0]) store_fail(r->st, "%s", j.why);
    return j.rc;
}

static int barrier_job(srv_req *r, void *arg)
{
    (void)r;
    (void)arg;
    return 0;
}

int srv_write_barrier(srv_req *r)
{
    /* a snapshot held through the flush would keep the WAL from restarting */
    if (srv_read_end(r)) return -1;
    return srv_write(r, barrier_job, NULL);
}

void srv_durable_audit(server *s, int64_t *audit_id, int64_t *checkpoint_id)
{
    pthread_mutex_lock(&s->wmu);
    *audit_id = s->durable.audit;
    *checkpoint_id = s->durable.checkpoint;
    pthread_mutex_unlock(&s->wmu);
}

int srv_writes_failed(server *s)
{
    int failed;
    pthread_mutex_lock(&s->wmu);
    failed = s->sync_failed != 0;
    pthread_mutex_unlock(&s->wmu);
    return failed;
}

/* Copies the WAL back into the database ten times a second, beside the
 * writer (a passive checkpoint never blocks it), so no request waits for
 * a checkpoint inside a commit, and each round writes a small burst that
 * the writer's own fsync does not queue behind for long. A writer about
 * to restart the WAL asks for a round at once (ckpt_wanted). */
static void *checkpointer_main(void *arg)
{
    server *s = arg;
    prctl(PR_SET_NAME, "yxd-checkpoint");
    pthread_mutex_lock(&s->wmu);
    while (!s->wstop) {
        if (!s->ckpt_wanted) {
            struct timespec until = yx_deadline_ms(CLOCK_REALTIME, 100);
            pthread_cond_timedwait(&s->ccv, &s->wmu, &until);
            if (s->wstop) break;
        }
        if (s->restarting) {
            s->ckpt_wanted = 0;
            continue;
        }
        if (s->ckpt_wanted > 0) s->ckpt_wanted--;
        s->ckpt_started++;
        pthread_mutex_unlock(&s->wmu);
        {
            int64_t t0 = yx_mono_ns();
            sqlite3_wal_checkpoint_v2(store_db(s->checkpointer), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
            metrics_checkpoint((double)(yx_mono_ns() - t0) / 1e9);
        }
        pthread_mutex_lock(&s->wmu);
        s->ckpt_done = s->ckpt_started;
    }
    pthread_mutex_unlock(&s->wmu);
    return NULL;
}

/* fsync of the directory holding path (a new file's name is durable only
 * once its directory is). 0, or errno. */
static int sync_dir_of(const char *path)
{
    char dir[4096];
    char *slash;
    int fd, rc;
    snprintf(dir, sizeof dir, "%s", path);
    slash = strrchr(dir, '/');
    if (slash == dir) dir[1] = '\0';
    else if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) return errno;
    rc = fsync(fd) ? errno : 0;
    close(fd);
    return rc;
}

/* Opens the WAL (it exists once the writer has read) once per syncer and
 * makes it durable, its name included, before anything is served: a
 * previous yxd that died (SIGKILL, a crash) may have left commits in the
 * page cache that it never flushed, and all that the database holds now
 * is about to count as durable. A server that cannot do this does not
 * start. Then the writer stops syncing its commits itself: it runs
 * synchronous=NORMAL, which in WAL mode syncs no commit, but still syncs
 * the WAL header when the WAL starts over and the database around the
 * writer's own checkpoints (the syncers could not order those writes). */
static int open_wal(server *s, char *err, size_t errlen)
{
    sqlite3 *db = store_db(s->writer);
    const char *wal = written_marks(s, &s->written) == 0 ? sqlite3_filename_wal(sqlite3_db_filename(db, "main")) : NULL;
    int e = 0;
    if (!wal) {
        snprintf(err, errlen, "cannot read the database: %s", sqlite3_errmsg(db));
        return -1;
    }
    for (int i = 0; i < SYNCERS; i++)
        if ((s->syncer[i].fd = open(wal, O_RDWR | O_CLOEXEC)) < 0) {
            snprintf(err, errlen, "cannot open %s for flushing: %s", wal, strerror(errno));
            return -1;
        }
    if (fdatasync(s->syncer[0].fd) || (e = sync_dir_of(wal)) != 0) {
        snprintf(err, errlen, "cannot flush %s to disk: %s", wal, strerror(e ? e : errno));
        return -1;
    }
    s->durable = s->written;
    if (exec(s->writer, "PRAGMA synchronous=NORMAL")) {
        snprintf(err, errlen, "cannot configure the writer: %s", sqlite3_errmsg(db));
        return -1;
    }
    return 0;
}

int server_writer_start(server *s, char *err, size_t errlen)
{
    pthread_mutex_init(&s->wmu, NULL);
    pthread_cond_init(&s->wcv, NULL);
    pthread_cond_init(&s->ccv, NULL);
    pthread_cond_init(&s->scv, NULL);
    for (int i = 0; i < SYNCERS; i++) s->syncer[i].fd = -1;
    s->wstarted = 1;
    if (store_open(&s->writer, s->cfg.db_path, 0, err, errlen)) return -1;
    server_busy_handler(s->writer);
    /* Savepoints keep their undo data in memory rather than in a temp file
     * created and removed per job; a larger page cache keeps the hot index
     * pages of a batch in memory. */
    if (exec(s->writer, "PRAGMA temp_store=MEMORY") || exec(s->writer, "PRAGMA cache_size=-32768") ||
        exec(s->writer, "PRAGMA wal_autocheckpoint=0")) {
        snprintf(err, errlen, "cannot configure the writer: %s", sqlite3_errmsg(store_db(s->writer)));
        return -1;
    }
    {
        sqlite3_stmt *st = store_stmt(s->writer, "PRAGMA page_size");
        int64_t page = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 4096;
        int mib = s->cfg.wal_max_mib > 0 ? s->cfg.wal_max_mib : 128;
        if (st) sqlite3_reset(st);
        s->wal_max_frames = (int)((int64_t)mib * 1048576 / (page > 0 ? page : 4096));
        s->wal_restart_at = s->wal_max_frames;
    }
    sqlite3_wal_hook(store_db(s->writer), wal_hook, s);
    if (open_wal(s, err, errlen)) return -1;
    if (store_open(&s->checkpointer, s->cfg.db_path, 0, err, errlen)) return -1;
    server_busy_handler(s->checkpointer);
    if (pthread_create(&s->wthread, NULL, writer_main, s)) {
        snprintf(err, errlen, "cannot start the writer thread");
        return -1;
    }
    s->wrunning = 1;
    for (int i = 0; i < SYNCERS; i++) {
        s->syncer[i].s = s;
        if (pthread_create(&s->syncer[i].th, NULL, syncer_main, &s->syncer[i])) {
            snprintf(err, errlen, "cannot start the sync threads");
            return -1;
        }
        s->nsyncers++;
    }
    if (pthread_create(&s->cthread, NULL, checkpointer_main, s)) {
        snprintf(err, errlen, "cannot start the checkpoint thread");
        return -1;
    }
    s->crunning = 1;
    return 0;
}

void srv_wal_stats(server *s, int *frames, long *restarts, long *forced)
{
    *frames = s->wal_frames;
    *restarts = s->wal_restarts;
    *forced = s->wal_forced;
}

void server_writer_stop(server *s)
{
    if (!s->wstarted) return;
    if (s->wrunning) {
        pthread_mutex_lock(&s->wmu);
        s->wstop = 1;
        pthread_cond_signal(&s->wcv);
        pthread_cond_signal(&s->ccv);
        pthread_mutex_unlock(&s->wmu);
        pthread_join(s->wthread, NULL);   /* finishes the queued jobs first */
        s->wrunning = 0;
    }
    for (int i = 0; i < s->nsyncers; i++) pthread_join(s->syncer[i].th, NULL);   /* answers them */
    s->nsyncers = 0;
    if (s->crunning) {
        pthread_mutex_lock(&s->wmu);
        s->wstop = 1;
        pthread_cond_signal(&s->ccv);
        pthread_mutex_unlock(&s->wmu);
        pthread_join(s->cthread, NULL);
        s->crunning = 0;
    }
    store_close(s->checkpointer);
    s->checkpointer = NULL;
    /* whatever the connection does as it closes, it does with syncs */
    if (s->writer) exec(s->writer, "PRAGMA synchronous=FULL");
    for (int i = 0; i < SYNCERS; i++)
        if (s->syncer[i].fd >= 0) {
            close(s->syncer[i].fd);
            s->syncer[i].fd = -1;
        }
    store_close(s->writer);
    s->writer = NULL;
    pthread_mutex_destroy(&s->wmu);
    pthread_cond_destroy(&s->wcv);
    pthread_cond_destroy(&s->ccv);
    pthread_cond_destroy(&s->scv);
    s->wstarted = 0;
}
