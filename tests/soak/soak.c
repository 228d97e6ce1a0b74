/* The C soak and load drivers (the scenario is in tests/soak/README.md).
 *
 *   soak-c soak ORIGIN SECONDS IDS_DIR
 *   soak-c load ORIGIN SECONDS THREADS
 *
 * Prints one line, `SOAK {json}` or `LOAD {json}`, which tests/soak/check.py checks. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "amperity.h"

#define THREADS 8
#define PAGE 500
#define MAX_KINDS 1000

static const char *origin;
static struct amperity_client *client;
static struct amperity_stream_client *streams;
static atomic_bool stop_flag;
static atomic_ulong ops, walks, walks_completed, records, resumes, errors_seen, run_calls, run_ok,
    run_failed, wait_ok, wait_failed, stream_sent, stream_ok, stream_failed;
static atomic_ulong kinds[MAX_KINDS]; /* errors by amperity_result code (999 = unknown) */
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;
static char failures[20][300];
static int n_failures;

typedef struct {
    char **ids;
    size_t len;
} idlist;
static idlist segments, audit;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sample(long *rss, long *fds, long *threads) {
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    *rss = *threads = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmRSS:", 6) == 0) *rss = atol(line + 6);
        if (strncmp(line, "Threads:", 8) == 0) *threads = atol(line + 8);
    }
    if (f) fclose(f);
    *fds = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') (*fds)++;
    if (d) closedir(d);
    (*fds)--; /* the directory stream itself */
}

static void fail(const char *fmt, const char *a, size_t pos) {
    pthread_mutex_lock(&fail_lock);
    if (n_failures < 20) snprintf(failures[n_failures++], sizeof failures[0], fmt, a, pos);
    pthread_mutex_unlock(&fail_lock);
}

static void error_seen(amperity_result r) {
    atomic_fetch_add(&errors_seen, 1);
    atomic_fetch_add(&kinds[r < MAX_KINDS ? r : 999], 1);
}

static idlist read_ids(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    idlist l = {0};
    size_t cap = 0;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        if (l.len == cap) { cap = cap ? cap * 2 : 1024; l.ids = realloc(l.ids, cap * sizeof *l.ids); }
        l.ids[l.len++] = strdup(line);
    }
    fclose(f);
    return l;
}

typedef amperity_result (*list_fn)(const struct amperity_client *, const struct amperity_list_options *,
                                   struct amperity_iter **);

static struct amperity_iter *open_walk(list_fn list, const char *cursor) {
    struct amperity_list_options *o = NULL;
    struct amperity_iter *it = NULL;
    amperity_list_options_new(&o);
    amperity_list_options_set_limit(o, PAGE);
    if (cursor) amperity_list_options_set_cursor(o, cursor);
    if (list(client, o, &it) != AMPERITY_RESULT_OK) it = NULL;
    amperity_list_options_free(o);
    return it;
}

/* Walks a list to its end, resuming from the cursor after every error; checks the ids. */
static void walk(list_fn list, const idlist *expected, const char *what) {
    atomic_fetch_add(&walks, 1);
    size_t pos = 0;
    int n_resumes = 0;
    struct amperity_iter *it = open_walk(list, NULL);
    if (!it) { fail("%s: cannot open the walk (%zu)", what, 0); return; }
    for (;;) {
        struct amperity_page *page = NULL;
        amperity_result r = amperity_iter_next_page(it, &page);
        if (r != AMPERITY_RESULT_OK) {
            error_seen(r);
            if (++n_resumes > 100) { fail("%s: more than 100 resumes at %zu", what, pos); break; }
            atomic_fetch_add(&resumes, 1);
            char cursor[4096];
            size_t len = 0;
            amperity_result c = amperity_iter_cursor(it, cursor, sizeof cursor, &len);
            amperity_iter_free(it);
            if (c != AMPERITY_RESULT_OK && pos != 0) {
                fail("%s: no resume cursor at record %zu", what, pos);
                return;
            }
            it = open_walk(list, c == AMPERITY_RESULT_OK ? cursor : NULL);
            if (!it) { fail("%s: cannot reopen the walk at %zu", what, pos); return; }
            continue;
        }
        if (!page) break;
        size_t n = 0;
        amperity_page_len(page, &n);
        for (size_t i = 0; i < n; i++) {
            const struct amperity_object *item = NULL;
            const char *id = NULL;
            amperity_page_item(page, i, &item);
            amperity_object_id(item, &id, NULL);
            if (pos >= expected->len || !id || strcmp(expected->ids[pos], id) != 0) {
                fail("%s: record %zu differs from the mock's", what, pos);
                amperity_page_free(page);
                amperity_iter_free(it);
                return;
            }
            pos++;
        }
        atomic_fetch_add(&records, n);
        amperity_page_free(page);
    }
    amperity_iter_free(it);
    if (pos != expected->len) { fail("%s: walk ended at record %zu", what, pos); return; }
    atomic_fetch_add(&walks_completed, 1);
}

static void *soak_worker(void *arg) {
    long t = (long)arg;
    for (unsigned long n = 0; !atomic_load(&stop_flag); n++) {
        switch ((n + (unsigned long)t) % 4) {
        case 0: walk(amperity_list_segments, &segments, "segments"); break;
        case 1: walk(amperity_list_audit_events, &audit, "audit-events"); break;
        case 2: {
            char config[64];
            snprintf(config, sizeof config, "cg-soak-c-%ld-%lu", t, n);
            atomic_fetch_add(&run_calls, 1);
            struct amperity_object *run = NULL, *done = NULL;
            amperity_result r = amperity_run_workflow(client, config, NULL, NULL, AMPERITY_RUN_MODE_DEFAULT, &run);
            if (r != AMPERITY_RESULT_OK) { error_seen(r); atomic_fetch_add(&run_failed, 1); break; }
            atomic_fetch_add(&run_ok, 1);
            const char *id = NULL;
            amperity_object_id(run, &id, NULL);
            r = amperity_wait_for_workflow_run(client, id, 20, 60000, &done);
            if (r == AMPERITY_RESULT_OK) atomic_fetch_add(&wait_ok, 1);
            else { error_seen(r); atomic_fetch_add(&wait_failed, 1); }
            amperity_object_free(done);
            amperity_object_free(run);
            break;
        }
        default:
            for (int k = 0; k < 25; k++) {
                char event[128];
                snprintf(event, sizeof event, "{\"lang\":\"c\",\"thread\":%ld,\"op\":%lu,\"k\":%d}", t, n, k);
                atomic_fetch_add(&stream_sent, 1);
                amperity_result r = amperity_stream_send_json(streams, "soak-c", event);
                if (r == AMPERITY_RESULT_OK) atomic_fetch_add(&stream_ok, 1);
                else { error_seen(r); atomic_fetch_add(&stream_failed, 1); }
            }
        }
        atomic_fetch_add(&ops, 1);
    }
    return NULL;
}

static struct amperity_client *make_client(bool chaos) {
    struct amperity_config *cfg = NULL;
    struct amperity_client *c = NULL;
    char base[512];
    snprintf(base, sizeof base, "%s/api", origin);
    amperity_config_new("acme", &cfg);
    amperity_config_set_token(cfg, "mock-token");
    amperity_config_set_base_url(cfg, base);
    amperity_config_set_rate_limit(cfg, 0);
    if (chaos) {
        amperity_config_set_timeouts(cfg, 2000, 1000);
        amperity_config_set_retry(cfg, 4, 10, 100);
        amperity_config_set_max_retry_after(cfg, 2000);
    }
    if (amperity_client_new(cfg, &c) != AMPERITY_RESULT_OK) { fprintf(stderr, "client_new failed\n"); exit(1); }
    amperity_config_free(cfg);
    return c;
}

static void soak(long seconds, const char *ids_dir) {
    segments = read_ids(ids_dir, "segments.txt");
    audit = read_ids(ids_dir, "audit-events.txt");
    client = make_client(true);
    struct amperity_stream_config *sc = NULL;
    amperity_stream_config_new("acme", &sc);
    amperity_stream_config_set_token(sc, "mock-stream-token");
    amperity_stream_config_set_base_url(sc, origin);
    amperity_stream_config_set_timeouts(sc, 2000, 1000);
    amperity_stream_config_set_retry(sc, 4, 10, 100);
    amperity_stream_config_set_rate_limit(sc, 0);
    if (amperity_stream_client_new(sc, &streams) != AMPERITY_RESULT_OK) { fprintf(stderr, "stream client failed\n"); exit(1); }
    amperity_stream_config_free(sc);

    double start = now(), deadline = start + (double)seconds;
    pthread_t th[THREADS];
    for (long t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, soak_worker, (void *)t);
    long warm = seconds / 6;
    if (warm < 1) warm = 1;
    if (warm > 60) warm = 60;
    sleep((unsigned)warm);
    /* A sample a second; reported: the highest of the first and of the last third. */
    size_t ns = 0, cap = (size_t)seconds + 8;
    long (*smp)[3] = calloc(cap, sizeof *smp);
    sample(&smp[ns][0], &smp[ns][1], &smp[ns][2]); ns++;
    while (now() + 1 < deadline && ns + 1 < cap) { sleep(1); sample(&smp[ns][0], &smp[ns][1], &smp[ns][2]); ns++; }
    double left = deadline - now();
    if (left > 0) { struct timespec ts = {(time_t)left, (long)((left - (long)left) * 1e9)}; nanosleep(&ts, NULL); }
    sample(&smp[ns][0], &smp[ns][1], &smp[ns][2]); ns++;
    size_t third = (ns + 2) / 3;
    long rss0 = 0, fd0 = 0, th0 = 0, rss1 = 0, fd1 = 0, th1 = 0;
    for (size_t i = 0; i < third; i++) {
        if (smp[i][0] > rss0) rss0 = smp[i][0];
        if (smp[i][1] > fd0) fd0 = smp[i][1];
        if (smp[i][2] > th0) th0 = smp[i][2];
        size_t j = ns - 1 - i;
        if (smp[j][0] > rss1) rss1 = smp[j][0];
        if (smp[j][1] > fd1) fd1 = smp[j][1];
        if (smp[j][2] > th1) th1 = smp[j][2];
    }
    atomic_store(&stop_flag, true);
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);

    printf("SOAK {\"lang\":\"c\",\"seconds\":%.1f,\"threads\":%d,\"ops\":%lu,\"walks\":%lu,\"walks_completed\":%lu,"
           "\"records\":%lu,\"resumes\":%lu,\"errors_seen\":%lu,\"run_calls\":%lu,\"run_ok\":%lu,\"run_failed\":%lu,"
           "\"wait_ok\":%lu,\"wait_failed\":%lu,\"stream_id\":\"soak-c\",\"stream_sent\":%lu,\"stream_ok\":%lu,"
           "\"stream_failed\":%lu,\"rss_kb\":[%ld,%ld],\"fds\":[%ld,%ld],\"os_threads\":[%ld,%ld],\"panics\":0,",
           now() - start, THREADS, atomic_load(&ops), atomic_load(&walks), atomic_load(&walks_completed),
           atomic_load(&records), atomic_load(&resumes), atomic_load(&errors_seen), atomic_load(&run_calls),
           atomic_load(&run_ok), atomic_load(&run_failed), atomic_load(&wait_ok), atomic_load(&wait_failed),
           atomic_load(&stream_sent), atomic_load(&stream_ok), atomic_load(&stream_failed), rss0, rss1, fd0, fd1,
           th0, th1);
    printf("\"error_kinds\":{");
    bool first = true;
    for (int k = 0; k < MAX_KINDS; k++) {
        unsigned long v = atomic_load(&kinds[k]);
        if (!v) continue;
        printf("%s\"%s\":%lu", first ? "" : ",", amperity_result_name((uint32_t)k), v);
        first = false;
    }
    printf("},\"samples\":[");
    for (size_t i = 0; i < ns; i++) printf("%s[%ld,%ld,%ld]", i ? "," : "", smp[i][0], smp[i][1], smp[i][2]);
    free(smp);
    printf("],\"failures\":[");
    for (int i = 0; i < n_failures; i++) printf("%s\"%s\"", i ? "," : "", failures[i]);
    printf("]}\n");
    fflush(stdout);
    amperity_stream_client_free(streams);
    amperity_client_free(client);
}

/* ---- load ---- */
static char load_id[128];
typedef struct { double *lat; size_t len, cap; unsigned long errors; } lat_buf;

static void *load_worker(void *arg) {
    lat_buf *b = arg;
    while (!atomic_load(&stop_flag)) {
        double t0 = now();
        struct amperity_object *w = NULL;
        if (amperity_get_workflow_run(client, load_id, AMPERITY_WORKFLOW_VIEW_OVERVIEW, &w) != AMPERITY_RESULT_OK) b->errors++;
        amperity_object_free(w);
        if (b->len == b->cap) { b->cap = b->cap ? b->cap * 2 : 4096; b->lat = realloc(b->lat, b->cap * sizeof(double)); }
        b->lat[b->len++] = now() - t0;
    }
    return NULL;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void load(long seconds, long threads) {
    client = make_client(false);
    struct amperity_list_options *o = NULL;
    struct amperity_iter *it = NULL;
    struct amperity_object *first = NULL;
    const char *id = NULL;
    amperity_list_options_new(&o);
    amperity_list_options_set_limit(o, 1);
    amperity_list_workflow_runs(client, o, &it);
    if (amperity_iter_next(it, &first) != AMPERITY_RESULT_OK || !first) { fprintf(stderr, "no run\n"); exit(1); }
    amperity_object_id(first, &id, NULL);
    snprintf(load_id, sizeof load_id, "%s", id);
    amperity_object_free(first);
    amperity_iter_free(it);
    amperity_list_options_free(o);

    pthread_t *th = calloc((size_t)threads, sizeof *th);
    lat_buf *bufs = calloc((size_t)threads, sizeof *bufs);
    double start = now();
    for (long t = 0; t < threads; t++) pthread_create(&th[t], NULL, load_worker, &bufs[t]);
    sleep((unsigned)seconds);
    atomic_store(&stop_flag, true);
    size_t total = 0;
    unsigned long errors = 0;
    for (long t = 0; t < threads; t++) { pthread_join(th[t], NULL); total += bufs[t].len; errors += bufs[t].errors; }
    double elapsed = now() - start;
    double *all = malloc((total ? total : 1) * sizeof(double));
    size_t k = 0;
    for (long t = 0; t < threads; t++) { memcpy(all + k, bufs[t].lat, bufs[t].len * sizeof(double)); k += bufs[t].len; free(bufs[t].lat); }
    qsort(all, total, sizeof(double), cmp_d);
#define PCT(p) (total ? all[(size_t)((double)total * (p)) < total ? (size_t)((double)total * (p)) : total - 1] * 1000 : 0.0)
    printf("LOAD {\"lang\":\"c\",\"threads\":%ld,\"seconds\":%.3f,\"ops\":%zu,\"errors\":%lu,\"ops_per_s\":%.1f,"
           "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
           threads, elapsed, total, errors, (double)total / elapsed, PCT(0.5), PCT(0.9), PCT(0.99),
           total ? all[total - 1] * 1000 : 0.0);
    fflush(stdout);
    free(all); free(bufs); free(th);
    amperity_client_free(client);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s soak ORIGIN SECONDS IDS_DIR | load ORIGIN SECONDS THREADS\n", argv[0]);
        return 2;
    }
    origin = argv[2];
    long seconds = atol(argv[3]);
    if (strcmp(argv[1], "soak") == 0) soak(seconds, argv[4]);
    else load(seconds, atol(argv[4]));
    return 0;
}
