/*
 * list_segments.c: walks every segment of a tenant page by page with the Amperity C API.
 *
 *   cc -std=c11 list_segments.c $(pkg-config --cflags --libs amperity) -o list_segments
 *   AMPERITY_TENANT=acme AMPERITY_TOKEN=... ./list_segments [PAGE_SIZE]
 *
 * Environment (amperity_config_from_env): AMPERITY_TENANT, AMPERITY_TOKEN or AMPERITY_CLIENT_ID +
 * AMPERITY_CLIENT_SECRET, optionally AMPERITY_TOKEN_URL, AMPERITY_REGION, AMPERITY_BASE_URL,
 * AMPERITY_API_VERSION. Prints one line per page, the first segment of each page, and
 * the number of segments; exits 1 on any error.
 */
#include <amperity.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* Prints the failing call, the result name and the last error's message. */
static int fail(const char *what, amperity_result rc) {
    char message[1024];
    size_t len = 0;
    if (amperity_last_error_message(message, sizeof message, &len) != AMPERITY_RESULT_OK) {
        message[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s: %s\n", what, amperity_result_name(rc), message);
    if (amperity_result_is_api_error(rc)) {
        char request_id[128];
        if (amperity_last_error_request_id(request_id, sizeof request_id, &len) ==
            AMPERITY_RESULT_OK) {
            fprintf(stderr, "  HTTP %u, request_id %s\n",
                    (unsigned)amperity_last_error_http_status(), request_id);
        }
    }
    return 1;
}

int main(int argc, char **argv) {
    unsigned long page_size = argc > 1 ? strtoul(argv[1], NULL, 10) : 100;

    amperity_config *config = NULL;
    amperity_client *client = NULL;
    amperity_list_options *options = NULL;
    amperity_iter *iter = NULL;
    int status = 0;
    amperity_result rc;

    if ((rc = amperity_config_from_env(&config)) != AMPERITY_RESULT_OK) {
        status = fail("amperity_config_from_env", rc);
        goto done;
    }
    if ((rc = amperity_client_new(config, &client)) != AMPERITY_RESULT_OK) {
        status = fail("amperity_client_new", rc);
        goto done;
    }
    if ((rc = amperity_list_options_new(&options)) != AMPERITY_RESULT_OK ||
        (rc = amperity_list_options_set_limit(options, (uint32_t)page_size)) !=
            AMPERITY_RESULT_OK ||
        (rc = amperity_list_options_set_with_total(options, true)) != AMPERITY_RESULT_OK) {
        status = fail("list options", rc);
        goto done;
    }
    if ((rc = amperity_list_segments(client, options, &iter)) != AMPERITY_RESULT_OK) {
        status = fail("amperity_list_segments", rc);
        goto done;
    }

    size_t count = 0;
    for (unsigned pages = 1;; pages++) {
        amperity_page *page = NULL;
        if ((rc = amperity_iter_next_page(iter, &page)) != AMPERITY_RESULT_OK) {
            status = fail("amperity_iter_next_page", rc);
            goto done;
        }
        if (page == NULL) {
            break; /* the list is exhausted */
        }
        size_t len = 0;
        amperity_page_len(page, &len);
        count += len;
        int64_t total = 0;
        if (amperity_page_total(page, &total) == AMPERITY_RESULT_OK) {
            printf("total: %" PRId64 "\n", total);
        }
        const char *next = NULL;
        if (amperity_page_next_token(page, &next, NULL) != AMPERITY_RESULT_OK) {
            next = "(last page)";
        }
        printf("page %u: %zu segments, next_token %s\n", pages, len, next);
        const amperity_object *first = NULL;
        if (len > 0 && amperity_page_item(page, 0, &first) == AMPERITY_RESULT_OK) {
            const char *id = NULL;
            const char *name = NULL;
            if (amperity_object_id(first, &id, NULL) == AMPERITY_RESULT_OK &&
                amperity_object_name(first, &name, NULL) == AMPERITY_RESULT_OK) {
                printf("  first: %s %s\n", id, name);
            }
        }
        amperity_page_free(page);
    }
    printf("segments: %zu\n", count);

done:
    amperity_iter_free(iter);
    amperity_list_options_free(options);
    amperity_client_free(client);
    amperity_config_free(config);
    return status;
}
