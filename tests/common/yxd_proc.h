/* Test harness for a real yxd: makes a temp directory with a database,
 * starts `yxd serve --listen 127.0.0.1:0` on it, learns the port from the
 * "listening on ADDR:PORT" line, and stops it with SIGTERM. Plus a small
 * libcurl request helper. Used by the integration and terminal tests.
 *
 * The yxd binary is $YX_TEST_BIN/yxd (make test sets YX_TEST_BIN), else
 * build/t/yxd. Typical use:
 *
 *     yxd_proc p;
 *     assert_int_equal(yxd_proc_tempdir(&p), 0);
 *     assert_int_equal(yxd_proc_init_demo(&p, 300), 0);
 *     assert_int_equal(yxd_proc_start(&p, NULL), 0);
 *     char *tok = yx_login(&p, "officer", "yixiang-demo");
 *     yx_resp r;
 *     yx_http("GET", &p, "/v1/applications?limit=10", tok, NULL, NULL, &r);
 *     ...
 *     yx_resp_free(&r); free(tok);
 *     yxd_proc_cleanup(&p);     stops yxd and removes the directory
 */
#ifndef YX_TEST_YXD_PROC_H
#define YX_TEST_YXD_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

typedef struct yxd_proc {
    pid_t pid;             /* 0 when not running */
    int   out_fd;          /* yxd's stdout (after the listening line) */
    char  dir[256];        /* temp directory, removed by yxd_proc_cleanup */
    char  db[300];         /* DIR/yx.db */
    char  log[300];        /* DIR/yxd.log: yxd's stderr */
    char  addr[80];        /* "127.0.0.1:PORT" */
    char  url[96];         /* "http://127.0.0.1:PORT" ("https://" when started
                              with --tls-cert) */
    char  cainfo[300];     /* CA file yx_http trusts for https; "" = system */
} yxd_proc;

/* Directory holding the yxd binary under test. */
const char *yxd_test_bin(void);

/* Runs `yxd ARGS...` (args NULL-terminated, without "yxd") to completion,
 * feeding stdin_text (may be NULL) and capturing stdout into out (may be
 * NULL; NUL-terminated, truncated to n - 1) and stderr into err (same).
 * Returns the exit code, or -1 when it could not run or was killed. */
int yxd_run(const char *const *args, const char *stdin_text, char *out, size_t n,
            char *err, size_t errn);

/* Creates the temp directory and sets p->db; nothing is started. 0 / -1. */
int yxd_proc_tempdir(yxd_proc *p);
/* `yxd init --db p->db --demo n --seed 7`. 0 / -1 (output on stderr). */
int yxd_proc_init_demo(yxd_proc *p, int n);
/* `yxd serve --db p->db --listen 127.0.0.1:0 EXTRA...` (extra NULL-
 * terminated, may be NULL); waits (up to 60 s, by poll, not sleep) for
 * the listening line. 0, or -1 when yxd exited or said nothing. */
int yxd_proc_start(yxd_proc *p, const char *const *extra);
/* `yxd channel add NAME --kind KIND --db p->db`: the key it prints once,
 * into key (n bytes, without the newline). 0, or -1 (yxd's error on
 * stderr). */
int yxd_proc_add_channel(const yxd_proc *p, const char *name, const char *kind, char *key, size_t n);
/* yxd_proc_start with the test library YX_TEST_BIN/libyx_SHIM.so
 * (tests/shim/SHIM.c) preloaded into yxd, and env ("NAME=VALUE" strings,
 * NULL-terminated) set for yxd only: this process's environment is
 * restored before it returns. 0 / -1. */
int yxd_proc_start_shim(yxd_proc *p, const char *shim, const char *const *env, const char *const *extra);
/* yxd_proc_tempdir, yxd_proc_init_demo(p, n), yxd_proc_start(p, extra) in
 * one: a running server on n demo applications. 0, or -1 after removing
 * whatever was made. */
int yxd_proc_start_demo(yxd_proc *p, int n, const char *const *extra);
/* SIGTERM and wait. Returns yxd's exit code (0 on a clean stop), or -1
 * when it died from a signal or was not running. */
int yxd_proc_stop(yxd_proc *p);
/* For a suite's teardown: stops yxd, which must exit 0, and checks that
 * `yxd audit verify` finds the audit chain the suite left intact. 0, or -1
 * with the reason on stderr. */
int yxd_proc_stop_verified(yxd_proc *p);
/* Stops yxd when running and removes the directory. */
void yxd_proc_cleanup(yxd_proc *p);

/* A response: status, body (NUL-terminated, malloc'd) and the body parsed
 * as JSON when it is JSON (else NULL). */
typedef struct yx_resp {
    long   status;
    char  *body;
    size_t len;
    cJSON *json;
} yx_resp;

/* One request to p->url + path. token (may be NULL) goes as a bearer
 * token; body (may be NULL) is sent as JSON; headers (may be NULL) is a
 * NULL-terminated list of "Name: value". 0 when a response came (any
 * status), -1 on a transport failure (status 0). */
int yx_http(const char *method, const yxd_proc *p, const char *path, const char *token,
            const char *body, const char *const *headers, yx_resp *out);
/* The same with an explicit body length (for bodies with NUL bytes). */
int yx_http_n(const char *method, const yxd_proc *p, const char *path, const char *token,
              const char *body, size_t body_len, const char *const *headers, yx_resp *out);
void yx_resp_free(yx_resp *r);

/* The value of one sample of GET /v1/metrics, named with its labels and
 * a trailing space ("yxd_wal_flush_seconds_count "); 0 when absent, -1
 * when the server did not answer. */
double yx_metric(const yxd_proc *p, const char *sample);

/* The number a one-row query (a count(*), a max(id)) gives on p's
 * database as committed, read beside the running server; -1 when the
 * query fails. */
int64_t yx_db_number(const yxd_proc *p, const char *sql);

/* Lines of p's log (yxd's stderr) holding needle. */
int yx_log_count(const yxd_proc *p, const char *needle);

/* POST /v1/session; returns the malloc'd token, or NULL. */
char *yx_login(const yxd_proc *p, const char *user, const char *password);

/* A valid intake application (POST /v1/intake/applications) as JSON, for
 * the caller to change and delete: an applicant with this ID number and
 * bank card (NULL: none), a mall purchase, every model feature. */
cJSON *yx_test_application(const char *id_number, const char *bank_card);
/* The same as JSON text (caller frees) for applicant number n (0..999): a
 * valid ID number of its own, born 1990-03-07, and no bank card. */
char *yx_test_applicant_body(int n);

/* The string error.code of a JSON error response, or "" when absent. */
const char *yx_error_code(const yx_resp *r);

#endif
