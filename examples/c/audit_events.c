/*
 * audit_events.c: prints the audit events of the last day with the Amperity C API.
 *
 *   cc -std=c11 audit_events.c $(pkg-config --cflags --libs amperity) -o audit_events
 *   AMPERITY_TENANT=acme AMPERITY_TOKEN=... ./audit_events
 *
 * Environment: as list_segments.c (amperity_config_from_env).
 * Prints one line per event and the count; exits 1 on any error.
 */
#define _POSIX_C_SOURCE 200809L
#include <amperity.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

/* Formats `t` as an RFC 3339 UTC timestamp. */
static void rfc3339(time_t t, char out[32]) {
    struct tm utc;
    gmtime_r(&t, &utc);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

int main(void) {
    char from[32], to[32];
    time_t now = time(NULL);
    rfc3339(now - 24 * 60 * 60, from);
    rfc3339(now + 1, to);

    amperity_config *config = NULL;
    amperity_client *client = NULL;
    amperity_list_options *options = NULL;
    amperity_iter *iter = NULL;
    amperity_object *event = NULL;
    int status = 0;
    amperity_result rc;
    size_t count = 0;

    if ((rc = amperity_config_from_env(&config)) != AMPERITY_RESULT_OK ||
        (rc = amperity_client_new(config, &client)) != AMPERITY_RESULT_OK) {
        status = fail("creating the client", rc);
        goto done;
    }
    if ((rc = amperity_list_options_new(&options)) != AMPERITY_RESULT_OK ||
        (rc = amperity_list_options_set_limit(options, 1000)) != AMPERITY_RESULT_OK ||
        (rc = amperity_list_options_add_filter(options, "happened_from", from)) !=
            AMPERITY_RESULT_OK ||
        (rc = amperity_list_options_add_filter(options, "happened_to", to)) != AMPERITY_RESULT_OK ||
        (rc = amperity_list_audit_events(client, options, &iter)) != AMPERITY_RESULT_OK) {
        status = fail("listing audit events", rc);
        goto done;
    }
    while ((rc = amperity_iter_next(iter, &event)) == AMPERITY_RESULT_OK && event != NULL) {
        const char *happened_at = NULL, *type = NULL, *object_id = NULL;
        amperity_object_get_string(event, "happened_at", &happened_at, NULL);
        amperity_object_get_string(event, "event_type", &type, NULL);
        if (amperity_object_get_string(event, "object_id", &object_id, NULL) != AMPERITY_RESULT_OK) {
            object_id = "-";
        }
        printf("%s %s %s\n", happened_at, type, object_id);
        count++;
        amperity_object_free(event);
        event = NULL;
    }
    if (rc != AMPERITY_RESULT_OK) {
        status = fail("amperity_iter_next", rc);
        goto done;
    }
    printf("audit events in the last day: %zu\n", count);

done:
    amperity_iter_free(iter);
    amperity_list_options_free(options);
    amperity_client_free(client);
    amperity_config_free(config);
    return status;
}
