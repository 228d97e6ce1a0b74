/* Walks segment pages through the C API and prints one JSON line of measurements, in the same
 * shape as the Rust bench binary: c_bench BASE_URL PAGES LIMIT [REPEATS]; `seconds` is the
 * median walk, CPU is per walk, `touched_bytes` the bytes of each record's id and name that the
 * last walk read (every client of tests/bench.sh reads both, so the walks do the same work). */
#define _POSIX_C_SOURCE 200809L
#include <amperity.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
           (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
}

static long peak_rss_kib(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

static void fail(const char *what) {
    char message[512] = "";
    size_t len = 0;
    amperity_last_error_message(message, sizeof message, &len);
    fprintf(stderr, "%s failed: %s\n", what, message);
    exit(1);
}

/* The streaming shape: `c_bench stream ORIGIN EVENTS` sends EVENTS events through one sender
   (default options, the client's default 1000 requests/s) and prints one JSON line. */
static int stream_shape(const char *origin, long events) {
    struct amperity_stream_config *config = NULL;
    struct amperity_stream_client *client = NULL;
    struct amperity_stream_sender *sender = NULL;
    struct amperity_delivery_report *report = NULL;
    if (amperity_stream_config_new("acme", &config) != AMPERITY_RESULT_OK) fail("stream_config_new");
    if (amperity_stream_config_set_token(config, "mock-stream-token") != AMPERITY_RESULT_OK) fail("token");
    if (amperity_stream_config_set_base_url(config, origin) != AMPERITY_RESULT_OK) fail("base_url");
    if (amperity_stream_client_new(config, &client) != AMPERITY_RESULT_OK) fail("stream_client_new");
    if (amperity_stream_sender_new(client, "is-bench-c", NULL, &sender) != AMPERITY_RESULT_OK) fail("sender_new");
    double start = now_seconds(), cpu0 = cpu_seconds();
    char event[128];
    for (long n = 0; n < events; n++) {
        snprintf(event, sizeof event, "{\"event_id\":\"ev-%ld\",\"type\":\"page_view\",\"n\":%ld}", n, n);
        if (amperity_stream_sender_send(sender, event, NULL) != AMPERITY_RESULT_OK) fail("send");
    }
    if (amperity_stream_sender_close(sender, &report) != AMPERITY_RESULT_OK) fail("close");
    double seconds = now_seconds() - start, cpu = cpu_seconds() - cpu0;
    uint64_t accepted = 0, retried = 0;
    size_t failed = 0;
    amperity_delivery_report_accepted(report, &accepted);
    amperity_delivery_report_retried(report, &retried);
    amperity_delivery_report_failed_count(report, &failed);
    printf("{\"client\":\"c-api-stream\",\"shape\":\"stream\",\"events\":%ld,\"accepted\":%llu,"
           "\"failed\":%zu,\"retried\":%llu,\"seconds\":%.4f,\"cpu_seconds\":%.4f,\"peak_rss_kib\":%ld}\n",
           events, (unsigned long long)accepted, failed, (unsigned long long)retried, seconds, cpu,
           peak_rss_kib());
    amperity_delivery_report_free(report);
    amperity_stream_sender_free(sender);
    amperity_stream_client_free(client);
    amperity_stream_config_free(config);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "stream") == 0) return stream_shape(argv[2], strtol(argv[3], NULL, 10));
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: c_bench BASE_URL PAGES LIMIT [REPEATS]\n");
        return 2;
    }
    const char *base_url = argv[1];
    long pages = strtol(argv[2], NULL, 10);
    unsigned limit = (unsigned)strtoul(argv[3], NULL, 10);
    long repeats = argc == 5 ? strtol(argv[4], NULL, 10) : 1;
    if (repeats < 1) repeats = 1;
    if (repeats > 100) repeats = 100;
    double times[100];

    struct amperity_config *config = NULL;
    struct amperity_client *client = NULL;
    struct amperity_list_options *options = NULL;
    struct amperity_iter *iter = NULL;
    if (amperity_config_new("acme", &config) != AMPERITY_RESULT_OK) fail("config_new");
    if (amperity_config_set_base_url(config, base_url) != AMPERITY_RESULT_OK) fail("base_url");
    if (amperity_config_set_token(config, "mock-token") != AMPERITY_RESULT_OK) fail("token");
    if (amperity_config_set_rate_limit(config, 0) != AMPERITY_RESULT_OK) fail("rate_limit");
    if (amperity_client_new(config, &client) != AMPERITY_RESULT_OK) fail("client_new");
    if (amperity_list_options_new(&options) != AMPERITY_RESULT_OK) fail("options");
    if (amperity_list_options_set_limit(options, limit) != AMPERITY_RESULT_OK) fail("limit");
    /* BENCH_READ_AHEAD=1: the read-ahead walk (client "c-api-read-ahead"); BENCH_WORK_MS: the
       caller's own work per page (the latency shape), slept after each page. */
    const char *read_ahead_env = getenv("BENCH_READ_AHEAD");
    bool read_ahead = read_ahead_env != NULL && strcmp(read_ahead_env, "1") == 0;
    if (amperity_list_options_set_read_ahead(options, read_ahead) != AMPERITY_RESULT_OK) fail("read_ahead");
    const char *work_env = getenv("BENCH_WORK_MS");
    long work_ms = work_env ? strtol(work_env, NULL, 10) : 0;
    struct timespec work = {work_ms / 1000, (work_ms % 1000) * 1000000L};

    double cpu0 = cpu_seconds();
    long records = 0;
    size_t touched_bytes = 0;
    char checkpoints[4096] = "";
    for (long r = 0; r < repeats; r++) {
        double start = now_seconds();
        records = 0;
        touched_bytes = 0;
        checkpoints[0] = '\0';
        if (amperity_list_segments(client, options, &iter) != AMPERITY_RESULT_OK) fail("list_segments");
        for (long n = 1; n <= pages; n++) {
            struct amperity_page *page = NULL;
            if (amperity_iter_next_page(iter, &page) != AMPERITY_RESULT_OK) fail("next_page");
            if (page == NULL) {
                fprintf(stderr, "ran out of pages at %ld\n", n);
                return 1;
            }
            size_t len = 0;
            amperity_page_len(page, &len);
            for (size_t i = 0; i < len; i++) {
                const struct amperity_object *item = NULL;
                const char *id = NULL, *name = NULL;
                size_t id_len = 0, name_len = 0;
                if (amperity_page_item(page, i, &item) != AMPERITY_RESULT_OK) fail("page_item");
                /* Every client of the bench reads id and name of each record (touched_bytes). */
                if (amperity_object_id(item, &id, &id_len) != AMPERITY_RESULT_OK) fail("object_id");
                if (amperity_object_name(item, &name, &name_len) != AMPERITY_RESULT_OK) fail("object_name");
                touched_bytes += id_len + name_len;
            }
            records += (long)len;
            amperity_page_free(page);
            if (work_ms > 0) nanosleep(&work, NULL);
            if ((n & (n - 1)) == 0 || n == pages) {
                char entry[64];
                snprintf(entry, sizeof entry, "%s[%ld,%ld]", checkpoints[0] ? "," : "", n, peak_rss_kib());
                strncat(checkpoints, entry, sizeof checkpoints - strlen(checkpoints) - 1);
            }
        }
        amperity_iter_free(iter);
        iter = NULL;
        times[r] = now_seconds() - start;
    }
    /* median of the walks */
    for (long i = 1; i < repeats; i++)
        for (long j = i; j > 0 && times[j - 1] > times[j]; j--) {
            double t = times[j]; times[j] = times[j - 1]; times[j - 1] = t;
        }
    double seconds = times[repeats / 2], cpu = (cpu_seconds() - cpu0) / (double)repeats;
    printf("{\"client\":\"%s\",\"repeats\":%ld,\"pages\":%ld,\"limit\":%u,\"records\":%ld,\"seconds\":%.6f,"
           "\"cpu_seconds\":%.4f,\"peak_rss_kib\":%ld,\"rss_by_page\":[%s],\"touched_bytes\":%zu}\n",
           read_ahead ? "c-api-read-ahead" : "c-api", repeats, pages, limit, records, seconds, cpu,
           peak_rss_kib(), checkpoints, touched_bytes);
    amperity_list_options_free(options);
    amperity_client_free(client);
    amperity_config_free(config);
    return 0;
}
