/* Terminal framework benchmark: the tui demo with a million rows in its
 * table's source, on a pseudo-terminal at 80x24, driven through the test
 * harness. For each kind of keystroke it records the time from sending the
 * key to the last byte of the answer, and the bytes written; also start-up
 * time to the first full screen and the child's peak resident memory.
 * Prints "name value" lines (see tests/bench/run.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/common/tui_demo.h"
#include "tests/common/vt_harness.h"

#define QUIET_MS 15

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double pct(double *v, int n, double p)
{
    int i;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    i = (int)(p * n + 0.999999) - 1;
    if (i < 0) i = 0;
    if (i >= n) i = n - 1;
    return v[i];
}

struct series {
    double ms[512], bytes[512];
    int n;
};

/* One keystroke: send, wait for the screen to settle, record. */
static int press(struct series *s, const char *keys)
{
    if (vt_send(keys) < 0 || vt_wait_quiet(QUIET_MS) < 0) return -1;
    if (s && s->n < 512) {
        s->ms[s->n] = vt_latency_ms();
        s->bytes[s->n] = (double)vt_bytes_since_send();
        s->n++;
    }
    return 0;
}

static void report(const char *name, struct series *s)
{
    double b[512];
    memcpy(b, s->bytes, sizeof b);
    printf("key_p50_ms_%s %.2f\n", name, pct(s->ms, s->n, 0.50));
    printf("key_p99_ms_%s %.2f\n", name, pct(s->ms, s->n, 0.99));
    fprintf(stderr, "%s: %d keys, median %.0f bytes, max %.0f bytes\n", name, s->n,
            pct(b, s->n, 0.5), pct(b, s->n, 1.0));
}

static double median_bytes(struct series *s)
{
    double b[512];
    memcpy(b, s->bytes, sizeof b);
    return pct(b, s->n, 0.5);
}

static long peak_rss_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (!(f = fopen(path, "r"))) return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = atol(line + 6);
    fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    static struct series move, page, filter, open;
    const char *args[] = {"--rows=1000000", NULL};
    const char *env[] = {"LANG=C.UTF-8", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "NO_COLOR", NULL};
    const char *typed = "Alice Smith";
    double startup;
    long rss;
    int status, demo = tui_demo_maybe(argc, argv);
    if (demo >= 0) return demo;

    if (tui_demo_spawn(args, env, 24, 80) < 0 || vt_wait_text("row 1 of 1000000", 10000) < 0 ||
        vt_wait_quiet(QUIET_MS) < 0) {
        fprintf(stderr, "bench_tui: the demo did not start\n");
        return 1;
    }
    startup = vt_latency_ms();   /* spawn to the last byte of the first screen */

    for (int i = 0; i < 300; i++)
        if (press(&move, i % 50 < 40 ? "j" : "k") < 0) return 1;
    for (int i = 0; i < 150; i++)
        if (press(&page, i % 10 < 8 ? "\033[6~" : "\033[5~") < 0) return 1;
    for (int round = 0; round < 6; round++) {
        char k[8];
        if (press(NULL, "/") < 0) return 1;
        for (size_t i = 0; typed[i]; i++) {
            snprintf(k, sizeof k, "%c", typed[i]);
            if (press(&filter, k) < 0) return 1;
        }
        for (size_t i = 0; typed[i]; i++)
            if (press(&filter, "\x7f") < 0) return 1;
        if (press(NULL, "\033") < 0) return 1;
    }
    for (int i = 0; i < 100; i++) {
        if (press(&open, "\r") < 0 || press(NULL, "q") < 0 || press(NULL, "j") < 0) return 1;
    }
    rss = peak_rss_kb(vt_pid());
    vt_send("Q");
    if (vt_wait_exit(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_tui: the demo did not exit cleanly\n");
        return 1;
    }
    vt_close();

    report("move", &move);
    report("page", &page);
    report("filter", &filter);
    report("open", &open);
    printf("bytes_move %.0f\n", median_bytes(&move));
    printf("bytes_page %.0f\n", median_bytes(&page));
    printf("startup_ms %.1f\n", startup);
    printf("rss_mb %.1f\n", rss / 1024.0);
    return 0;
}
