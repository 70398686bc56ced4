/* Inside the yxd server: the server struct and the pieces server.c builds
 * on (server_state.c): the SQLite connection pool, the listening socket,
 * in-flight request accounting, the change-feed wake-up and the audit
 * checkpoint clock. Only backend/server*.c include this. */
#ifndef YXD_SERVER_INT_H
#define YXD_SERVER_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "backend/server.h"
#include "core/audit.h"

#define POOL_MAX 64
#define SYNCERS 2                /* flushes of the WAL in flight at once */

/* The newest change-feed sequence, audit entry id and audit checkpoint id
 * in some state of the database (written, or durable). */
typedef struct srv_marks {
    int64_t seq, audit, checkpoint;
} srv_marks;

typedef struct store_pool {
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    const char *path;
    store *idle[POOL_MAX];
    int nidle, open, max;
} store_pool;

struct server {
    srv_config cfg;
    char address[80];            /* "ADDR:PORT" as bound */
    int listen_fd;
    struct MHD_Daemon *mhd;
    char *tls_cert, *tls_key;    /* PEM text, or NULL */
    store_pool pool;
    audit_key key;
    crypto_key data_key;
    struct engine *eng;

    pthread_mutex_t mu;          /* guards everything below */
    pthread_cond_t  changed;     /* change feed grew, or stopping */
    pthread_cond_t  idle;        /* in-flight count reached zero */
    int64_t last_seq;
    int     inflight;
    int     stopping;
    int64_t since_checkpoint;    /* audit entries since the last signature */

    /* group commit (server_write.c) */
    store *writer;               /* the only connection that writes */
    store *checkpointer;         /* copies the WAL back, beside the writer */
    pthread_t wthread, cthread;
    pthread_cond_t ccv;
    int crunning;
    pthread_mutex_t wmu;
    pthread_cond_t wcv;
    struct write_job *wqueue, *wtail;
    int wstop, wstarted, wrunning;
    _Atomic int wal_frames;      /* WAL length after the last commit (set by the writer) */
    _Atomic long wal_restarts;   /* times the writer started the WAL over */
    _Atomic long wal_forced;     /* of them, without the checkpoint rounds first */
    int wal_max_frames;          /* --wal-max in frames */
    int wal_restart_at;          /* restart the WAL once it is this long */
    /* checkpoint rounds, guarded by wmu */
    int64_t ckpt_started, ckpt_done;
    int ckpt_wanted;             /* rounds to run now, not at the next tick */
    int restarting;              /* the writer is restarting the WAL: no round */
    int64_t restart_after;       /* the round a WAL restart waits for, or 0 (the writer's own) */
    /* pipelined durability (server_write.c), guarded by wmu */
    pthread_cond_t scv;          /* a batch was written, or the writer stopped */
    struct srv_syncer {
        struct server *s;
        int fd;                  /* its own descriptor of the WAL: the kernel
                                    reports a write error to each one */
        pthread_t th;
    } syncer[SYNCERS];
    int nsyncers;
    struct write_job *unsynced, *unsynced_tail;   /* written, not yet answered */
    int64_t written_gen;         /* batches written */
    srv_marks written;           /* what they hold, as of the last one */
    int64_t sync_started;        /* the newest batch a flush in flight (or done) covers */
    int64_t durable_gen;
    srv_marks durable;           /* what is on disk */
    int wdone;                   /* the writer has stopped */
    int sync_failed;             /* errno of a failed flush: writes are refused */
    /* the header deadline (server_watch.c), guarded by cmu */
    pthread_mutex_t cmu;
    pthread_cond_t ccond;        /* the watch is to stop */
    struct srv_conn *conns;      /* open connections */
    pthread_t watch;
    int watch_inited, watch_running, watch_stop;
    int64_t slow_logged_ns;      /* when a slow flush was last logged */
    long slow_flushes;           /* slow flushes since then */
    double slow_worst_s;         /* the slowest of them */
};

/* Runs one statement without rows (BEGIN, SAVEPOINT, COMMIT...) as a kept
 * prepared statement: 0, or -1 with SQLite's message on the connection. */
int server_step(store *s, const char *sql);
store *pool_get(store_pool *p);
/* Quick retries instead of SQLite's long back-off (server_state.c). */
void server_busy_handler(store *s);          /* NULL when no connection can open */
void   pool_put(store_pool *p, store *s);
/* An idle connection, waiting for one if need be but never opening one:
 * for a request that lent its own back while it waited on the writer. */
store *pool_get_idle(store_pool *p);

int  server_state_init(server *s, char *err, size_t errlen);
void server_state_free(server *s);
int  server_listen(server *s, char *err, size_t errlen);
void server_request_begin(server *s);
void server_request_end(server *s);
void server_drain(server *s, int max_ms);
void server_final_checkpoint(server *s);
/* 1 when checkpoint_every audit entries were appended since the last
 * signature, and starts the count again. The writer signs. */
int  server_checkpoint_take(server *s);
/* The header deadline: the watch thread, libmicrohttpd's connection
 * notifications (MHD_OPTION_NOTIFY_CONNECTION), and busy = 1 when a
 * request's headers are all in, 0 when its answer is sent. */
int  server_watch_start(server *s, char *err, size_t errlen);
void server_watch_stop(server *s);
void srv_conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code);
void srv_conn_busy(server *s, struct MHD_Connection *c, int busy);
int  server_writer_start(server *s, char *err, size_t errlen);
void server_writer_stop(server *s);   /* runs what is queued, then stops */

#endif
