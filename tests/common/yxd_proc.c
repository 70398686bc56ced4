/* Starting and stopping a real yxd for tests, and a libcurl request
 * helper. See yxd_proc.h. */
#include "tests/common/yxd_proc.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/person.h"
#include "core/util.h"
#include "tests/common/tmpdir.h"

const char *yxd_test_bin(void)
{
    const char *b = getenv("YX_TEST_BIN");
    return b && *b ? b : "build/t";
}

static void yxd_path(char *buf, size_t n)
{
    snprintf(buf, n, "%s/yxd", yxd_test_bin());
}

/* Reads fd until EOF into buf (truncating); returns bytes kept. */
static size_t drain(int fd, char *buf, size_t n)
{
    size_t len = 0;
    char tmp[4096];
    ssize_t r;
    while ((r = read(fd, tmp, sizeof tmp)) != 0) {
        if (r < 0) { if (errno == EINTR) continue; break; }
        if (buf && len + 1 < n) {
            size_t k = (size_t)r < n - 1 - len ? (size_t)r : n - 1 - len;
            memcpy(buf + len, tmp, k);
            len += k;
        }
    }
    if (buf && n) buf[len] = '\0';
    return len;
}

int yxd_run(const char *const *args, const char *stdin_text, char *out, size_t n,
            char *err, size_t errn)
{
    int in[2], o[2], e[2], status;
    char bin[512], errfile[256];
    const char *argv[64];
    int argc = 0;
    pid_t pid;
    FILE *ef;
    yxd_path(bin, sizeof bin);
    argv[argc++] = bin;
    for (int i = 0; args[i] && argc < 63; i++) argv[argc++] = args[i];
    argv[argc] = NULL;
    /* stderr goes to a temp file so a chatty child cannot fill a pipe we
     * are not reading yet. */
    int efd = yx_test_mkstemp(errfile, sizeof errfile, "yxd-run-err");
    if (efd < 0) return -1;
    unlink(errfile);
    if (pipe(in) || pipe(o)) { close(efd); return -1; }
    e[0] = efd;
    e[1] = efd;
    pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(o[1], 1);
        dup2(e[1], 2);
        close(in[0]); close(in[1]); close(o[0]); close(o[1]); close(efd);
        execv(bin, (char *const *)(void *)argv);
        fprintf(stderr, "cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(o[1]);
    if (stdin_text) {
        signal(SIGPIPE, SIG_IGN);
        if (write(in[1], stdin_text, strlen(stdin_text)) < 0) { /* the child may not read it */ }
    }
    close(in[1]);
    drain(o[0], out, n);
    close(o[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    lseek(efd, 0, SEEK_SET);
    ef = fdopen(efd, "r");
    if (ef) {
        size_t k = err && errn ? fread(err, 1, errn - 1, ef) : 0;
        if (err && errn) err[k] = '\0';
        fclose(ef);
    } else {
        close(efd);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int yxd_proc_tempdir(yxd_proc *p)
{
    memset(p, 0, sizeof *p);
    p->out_fd = -1;
    if (!yx_test_mkdtemp(p->dir, sizeof p->dir, "yxd-test")) return -1;
    snprintf(p->db, sizeof p->db, "%s/yx.db", p->dir);
    snprintf(p->log, sizeof p->log, "%s/yxd.log", p->dir);
    return 0;
}

int yxd_proc_init_demo(yxd_proc *p, int n)
{
    char num[24], err[2048];
    const char *args[] = { "init", "--db", p->db, "--demo", num, "--seed", "7", NULL };
    int rc;
    snprintf(num, sizeof num, "%d", n);
    rc = yxd_run(args, NULL, NULL, 0, err, sizeof err);
    if (rc != 0) fprintf(stderr, "yxd init failed (%d): %s\n", rc, err);
    return rc == 0 ? 0 : -1;
}

int yxd_proc_start(yxd_proc *p, const char *const *extra)
{
    char bin[512], line[256];
    const char *argv[64];
    int argc = 0, o[2], logfd;
    size_t len = 0;
    pid_t parent = getpid();
    if (p->pid > 0) {   /* a second server on one yxd_proc would be left running */
        fprintf(stderr, "yxd_proc_start: yxd (pid %d) is still running; stop it first\n", (int)p->pid);
        return -1;
    }
    yxd_path(bin, sizeof bin);
    argv[argc++] = bin;
    argv[argc++] = "serve";
    argv[argc++] = "--db";
    argv[argc++] = p->db;
    argv[argc++] = "--listen";
    argv[argc++] = "127.0.0.1:0";
    for (int i = 0; extra && extra[i] && argc < 63; i++) argv[argc++] = extra[i];
    argv[argc] = NULL;
    logfd = open(p->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (logfd < 0 || pipe(o)) return -1;
    p->pid = fork();
    if (p->pid < 0) { p->pid = 0; return -1; }
    if (p->pid == 0) {
        /* killed with the test binary, even one that failed before its
         * cleanup or crashed: no server outlives its suite */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent) _exit(127);
        dup2(o[1], 1);
        dup2(logfd, 2);
        close(o[0]);
        close(o[1]);
        execv(bin, (char *const *)(void *)argv);
        fprintf(stderr, "cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(o[1]);
    close(logfd);
    p->out_fd = o[0];
    /* Read the first line byte by byte, waiting with poll (no sleeps). */
    while (len + 1 < sizeof line) {
        struct pollfd pf = { p->out_fd, POLLIN, 0 };
        char c;
        ssize_t r;
        if (poll(&pf, 1, 60000) <= 0) break;
        r = read(p->out_fd, &c, 1);
        if (r <= 0) break;
        if (c == '\n') break;
        line[len++] = c;
    }
    line[len] = '\0';
    if (strncmp(line, "listening on ", 13)) {
        fprintf(stderr, "yxd did not start (first line: '%s'); see %s\n", line, p->log);
        yxd_proc_stop(p);
        return -1;
    }
    if (strlen(line + 13) >= sizeof p->addr) { yxd_proc_stop(p); return -1; }
    memcpy(p->addr, line + 13, strlen(line + 13) + 1);
    {
        int tls = 0;
        for (int i = 0; extra && extra[i]; i++) tls |= !strcmp(extra[i], "--tls-cert");
        snprintf(p->url, sizeof p->url, "%s://%.80s", tls ? "https" : "http", p->addr);
    }
    return 0;
}

int yxd_proc_start_shim(yxd_proc *p, const char *shim, const char *const *env, const char *const *extra)
{
    char lib[512], asan[512], name[128];
    char *old_asan = getenv("ASAN_OPTIONS") ? strdup(getenv("ASAN_OPTIONS")) : NULL;
    int rc, n = 0;
    snprintf(lib, sizeof lib, "%s/libyx_%s.so", yxd_test_bin(), shim);
    if (access(lib, R_OK)) {
        fprintf(stderr, "no %s (make test builds it)\n", lib);
        free(old_asan);
        return -1;
    }
    /* the sanitizer runtime accepts a library loaded before it */
    snprintf(asan, sizeof asan, "%s%sverify_asan_link_order=0", old_asan ? old_asan : "", old_asan ? ":" : "");
    setenv("LD_PRELOAD", lib, 1);
    setenv("ASAN_OPTIONS", asan, 1);
    for (; env && env[n]; n++) {
        size_t len = strcspn(env[n], "=");
        snprintf(name, sizeof name, "%.*s", (int)len, env[n]);
        setenv(name, env[n][len] ? env[n] + len + 1 : "", 1);
    }
    rc = yxd_proc_start(p, extra);
    /* this process's own environment as it was */
    unsetenv("LD_PRELOAD");
    for (int i = 0; i < n; i++) {
        size_t len = strcspn(env[i], "=");
        snprintf(name, sizeof name, "%.*s", (int)len, env[i]);
        unsetenv(name);
    }
    if (old_asan) setenv("ASAN_OPTIONS", old_asan, 1);
    else unsetenv("ASAN_OPTIONS");
    free(old_asan);
    return rc;
}

int yxd_proc_start_demo(yxd_proc *p, int n, const char *const *extra)
{
    if (yxd_proc_tempdir(p) || yxd_proc_init_demo(p, n) || yxd_proc_start(p, extra)) {
        yxd_proc_cleanup(p);
        return -1;
    }
    return 0;
}

int yxd_proc_stop(yxd_proc *p)
{
    int status;
    if (!p->pid) return -1;
    kill(p->pid, SIGTERM);
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) { }
    p->pid = 0;
    if (p->out_fd >= 0) { close(p->out_fd); p->out_fd = -1; }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int yxd_proc_stop_verified(yxd_proc *p)
{
    const char *verify[] = { "audit", "verify", "--db", p->db, NULL };
    char out[1024], err[2048];
    int rc = yxd_proc_stop(p);
    if (rc != 0) {
        fprintf(stderr, "yxd exited with %d on SIGTERM\n", rc);
        return -1;
    }
    rc = yxd_run(verify, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0 || !strstr(out, "intact")) {
        fprintf(stderr, "yxd audit verify after the suite: exit %d: %s%s\n", rc, out, err);
        return -1;
    }
    return 0;
}

void yxd_proc_cleanup(yxd_proc *p)
{
    if (p->pid) yxd_proc_stop(p);
    if (p->dir[0] && !getenv("YX_KEEP_TEST_DIR")) yx_test_rmtree(p->dir);
}

/* ---- HTTP ------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    size_t n = size * nmemb;
    return yx_buf_append(ud, data, n) ? 0 : n;
}

int yx_http_n(const char *method, const yxd_proc *p, const char *path, const char *token,
              const char *body, size_t body_len, const char *const *headers, yx_resp *out)
{
    static int inited;
    CURL *c;
    struct curl_slist *h = NULL;
    char url[1024], auth[256];
    yx_buf resp = { 0 };
    CURLcode rc;
    if (!inited) { curl_global_init(CURL_GLOBAL_DEFAULT); inited = 1; }
    memset(out, 0, sizeof *out);
    c = curl_easy_init();
    if (!c) return -1;
    snprintf(url, sizeof url, "%s%s", p->url, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (!strcmp(method, "HEAD")) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (p->cainfo[0]) curl_easy_setopt(c, CURLOPT_CAINFO, p->cainfo);
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    if (body) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    for (int i = 0; headers && headers[i]; i++) h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    out->body = resp.p;
    out->len = resp.len;
    if (rc != CURLE_OK) {
        fprintf(stderr, "%s %s: %s\n", method, url, curl_easy_strerror(rc));
        return -1;
    }
    if (out->body) out->json = cJSON_ParseWithLength(out->body, out->len);
    return 0;
}

int yx_http(const char *method, const yxd_proc *p, const char *path, const char *token,
            const char *body, const char *const *headers, yx_resp *out)
{
    return yx_http_n(method, p, path, token, body, body ? strlen(body) : 0, headers, out);
}

void yx_resp_free(yx_resp *r)
{
    free(r->body);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

int64_t yx_db_number(const yxd_proc *p, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_open_v2(p->db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

int yx_log_count(const yxd_proc *p, const char *needle)
{
    FILE *f = fopen(p->log, "r");
    char line[4096];
    int n = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f)) n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

double yx_metric(const yxd_proc *p, const char *sample)
{
    yx_resp r;
    double v = 0;
    char line[200];
    const char *m;
    if (yx_http("GET", p, "/v1/metrics", NULL, NULL, NULL, &r) || r.status != 200) {
        yx_resp_free(&r);
        return -1;
    }
    snprintf(line, sizeof line, "\n%s", sample);   /* a sample, not its # HELP line */
    m = r.body ? strstr(r.body, line) : NULL;
    if (m) v = strtod(m + strlen(line), NULL);
    yx_resp_free(&r);
    return v;
}

char *yx_login(const yxd_proc *p, const char *username, const char *password)
{
    cJSON *b = cJSON_CreateObject();
    char *body, *tok = NULL;
    yx_resp r;
    cJSON_AddStringToObject(b, "username", username);
    cJSON_AddStringToObject(b, "password", password);
    body = cJSON_PrintUnformatted(b);
    cJSON_Delete(b);
    if (yx_http("POST", p, "/v1/session", NULL, body, NULL, &r) == 0 && r.status == 200) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(r.json, "token");
        if (cJSON_IsString(t)) tok = strdup(t->valuestring);
    }
    free(body);
    yx_resp_free(&r);
    return tok;
}

const char *yx_error_code(const yx_resp *r)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(r->json, "error");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    return cJSON_IsString(c) ? c->valuestring : "";
}

cJSON *yx_test_application(const char *id_number, const char *bank_card)
{
    cJSON *b = cJSON_CreateObject(), *a = cJSON_AddObjectToObject(b, "applicant"), *f;
    cJSON_AddStringToObject(a, "name", "欧阳娜娜");
    cJSON_AddStringToObject(a, "id_number", id_number);
    cJSON_AddStringToObject(a, "mobile", "13812345678");
    if (bank_card) cJSON_AddStringToObject(a, "bank_card", bank_card);
    cJSON_AddStringToObject(a, "province", "北京");
    cJSON_AddStringToObject(a, "employer", "北京某科技有限公司");
    cJSON_AddStringToObject(b, "product", "mall");
    cJSON_AddStringToObject(b, "product_item", "数码3C");
    cJSON_AddStringToObject(b, "scene", "shopping");
    cJSON_AddNumberToObject(b, "amount_fen", 500000);
    cJSON_AddNumberToObject(b, "term_months", 12);
    cJSON_AddStringToObject(b, "completeness", bank_card ? "bank_card" : "basic");
    f = cJSON_AddObjectToObject(b, "features");
    cJSON_AddNumberToObject(f, "Seniority", 9);
    cJSON_AddStringToObject(f, "Home", "rent");
    cJSON_AddNumberToObject(f, "Time", 60);
    cJSON_AddStringToObject(f, "Marital", "married");
    cJSON_AddStringToObject(f, "Records", "no");
    cJSON_AddStringToObject(f, "Job", "freelance");
    cJSON_AddNumberToObject(f, "Expenses", 73);
    cJSON_AddNumberToObject(f, "Income", 129);
    cJSON_AddNumberToObject(f, "Assets", 0);
    cJSON_AddNullToObject(f, "Debt");
    cJSON_AddNumberToObject(f, "Amount", 800);
    cJSON_AddNumberToObject(f, "Price", 846);
    return b;
}

int yxd_proc_add_channel(const yxd_proc *p, const char *name, const char *kind, char *key, size_t n)
{
    const char *args[] = { "channel", "add", name, "--kind", kind, "--db", p->db, NULL };
    char err[256];
    if (yxd_run(args, NULL, key, n, err, sizeof err) != 0) {
        fprintf(stderr, "yxd channel add %s: %s", name, err);
        return -1;
    }
    key[strcspn(key, "\n")] = '\0';
    return 0;
}

char *yx_test_applicant_body(int n)
{
    char id17[32], id[40], *s;
    cJSON *b;
    snprintf(id17, sizeof id17, "11010119900307%03d", ((n % 1000) + 1000) % 1000);
    snprintf(id, sizeof id, "%s%c", id17, person_id_check(id17));
    b = yx_test_application(id, NULL);
    s = b ? cJSON_PrintUnformatted(b) : NULL;
    cJSON_Delete(b);
    return s;
}
