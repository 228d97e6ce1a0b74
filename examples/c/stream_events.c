/*
 * stream_events.c: streams events to an Amperity Streaming Ingest stream through a stream sender
 * fed by two producer threads, then prints the delivery report and the rate.
 *
 *   cc -std=c11 stream_events.c $(pkg-config --cflags --libs amperity) -lpthread -o stream_events
 *   AMPERITY_TENANT=acme AMPERITY_STREAM_TOKEN=... AMPERITY_STREAM_ID=is-... ./stream_events [COUNT]
 *
 * Environment: AMPERITY_TENANT, AMPERITY_STREAM_TOKEN (the token of a Streaming Ingest Write
 * Access key, not an API token), AMPERITY_STREAM_ID, optionally AMPERITY_STREAM_BASE_URL (default
 * https://TENANT.amperity.com). COUNT defaults to 10 000. Exits 0 when every event was accepted,
 * 3 when some failed, 1 on an error.
 */
#define _POSIX_C_SOURCE 200809L
#include <amperity.h>

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PRODUCERS 2

/* Prints the failing call, the result name and the last error's message. */
static int fail(const char *what, amperity_result rc) {
    char message[1024];
    size_t len = 0;
    if (amperity_last_error_message(message, sizeof message, &len) != AMPERITY_RESULT_OK) {
        message[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s: %s\n", what, amperity_result_name(rc), message);
    return 1;
}

static const char *env(const char *name) {
    const char *value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : NULL;
}

struct producer {
    const amperity_stream_sender *sender;
    int id;
    unsigned long count;
    amperity_result rc; /* the first failure, or AMPERITY_RESULT_OK */
};

/* Sends every PRODUCERS-th event, from the producer's id on; send blocks while the queue is
 * full, which paces the producers to the rate of delivery. */
static void *produce(void *arg) {
    struct producer *p = arg;
    for (unsigned long n = (unsigned long)p->id; n < p->count; n += PRODUCERS) {
        char event[160];
        snprintf(event, sizeof event,
                 "{\"event_id\":\"ev-%06lu\",\"producer\":%d,\"type\":\"page_view\","
                 "\"url\":\"/products/%lu\"}",
                 n, p->id, n % 97);
        amperity_result rc = amperity_stream_sender_send(p->sender, event, NULL);
        if (rc != AMPERITY_RESULT_OK) {
            p->rc = rc;
            break;
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    unsigned long count = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    const char *tenant = env("AMPERITY_TENANT");
    const char *token = env("AMPERITY_STREAM_TOKEN");
    const char *stream_id = env("AMPERITY_STREAM_ID");
    const char *base_url = env("AMPERITY_STREAM_BASE_URL");
    if (tenant == NULL || token == NULL || stream_id == NULL) {
        fprintf(stderr, "usage: AMPERITY_TENANT=... AMPERITY_STREAM_TOKEN=... "
                        "AMPERITY_STREAM_ID=... [AMPERITY_STREAM_BASE_URL=...] %s [COUNT]\n",
                argv[0]);
        return 1;
    }

    amperity_stream_config *config = NULL;
    amperity_stream_client *client = NULL;
    amperity_stream_sender *sender = NULL;
    amperity_delivery_report *report = NULL;
    int status = 0;
    amperity_result rc;

    if ((rc = amperity_stream_config_new(tenant, &config)) != AMPERITY_RESULT_OK ||
        (rc = amperity_stream_config_set_token(config, token)) != AMPERITY_RESULT_OK ||
        (rc = amperity_stream_config_set_base_url(config, base_url)) != AMPERITY_RESULT_OK ||
        (rc = amperity_stream_client_new(config, &client)) != AMPERITY_RESULT_OK) {
        status = fail("creating the stream client", rc);
        goto done;
    }
    /* The default options: JSON, a queue of 1000 events, 8 worker threads, 4 retries. */
    if ((rc = amperity_stream_sender_new(client, stream_id, NULL, &sender)) != AMPERITY_RESULT_OK) {
        status = fail("amperity_stream_sender_new", rc);
        goto done;
    }

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct producer producers[PRODUCERS];
    pthread_t threads[PRODUCERS];
    int started = 0;
    for (int i = 0; i < PRODUCERS; i++) {
        producers[i] = (struct producer){sender, i, count, AMPERITY_RESULT_OK};
        if (pthread_create(&threads[i], NULL, produce, &producers[i]) != 0) {
            fprintf(stderr, "could not start a producer thread\n");
            status = 1;
            break;
        }
        started++;
    }
    for (int i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        if (producers[i].rc != AMPERITY_RESULT_OK) {
            status = fail("amperity_stream_sender_send", producers[i].rc);
        }
    }
    /* Delivers what is still queued, stops the workers and reports every event once. */
    if ((rc = amperity_stream_sender_close(sender, &report)) != AMPERITY_RESULT_OK) {
        status = fail("amperity_stream_sender_close", rc);
        goto done;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds =
        (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;

    uint64_t accepted = 0, retried = 0;
    size_t failed = 0;
    amperity_delivery_report_accepted(report, &accepted);
    amperity_delivery_report_retried(report, &retried);
    amperity_delivery_report_failed_count(report, &failed);
    printf("stream %s: %" PRIu64 " accepted, %zu failed, %" PRIu64 " retries\n", stream_id,
           accepted, failed, retried);
    for (size_t i = 0; i < failed && i < 5; i++) {
        uint64_t sequence = 0;
        const char *message = "";
        amperity_delivery_report_failure_sequence(report, i, &sequence);
        amperity_delivery_report_failure_message(report, i, &message, NULL);
        printf("  event %" PRIu64 " failed: %s\n", sequence, message);
    }
    printf("streamed %lu events in %.2f s (%.0f events/s)\n", count, seconds,
           seconds > 0 ? (double)count / seconds : 0.0);
    if (status == 0 && failed > 0) {
        status = 3;
    }

done:
    amperity_delivery_report_free(report);
    amperity_stream_sender_free(sender);
    amperity_stream_client_free(client);
    amperity_stream_config_free(config);
    return status;
}
