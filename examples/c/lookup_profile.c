/*
 * lookup_profile.c: looks up customer profiles by email with the Amperity C API (Profile API).
 *
 *   cc -std=c11 lookup_profile.c $(pkg-config --cflags --libs amperity) -o lookup_profile
 *   AMPERITY_TENANT=acme AMPERITY_TOKEN=... ./lookup_profile EMAIL [INDEX_ID]
 *
 * INDEX_ID is a Profile API index whose filter fields include `email`; without it, the first
 * index of the tenant (amperity_list_indexes) is used.
 * Environment: as list_segments.c (amperity_config_from_env).
 * Prints the index, then one line per matching profile (its id) followed by its attributes as
 * JSON; exits 0 when a profile matched, 2 when none did, 1 on an error.
 */
#include <amperity.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (argc < 2) {
        fprintf(stderr, "usage: AMPERITY_TENANT=... AMPERITY_TOKEN=... [AMPERITY_BASE_URL=...] "
                        "%s EMAIL [INDEX_ID]\n",
                argv[0]);
        return 1;
    }
    const char *email = argv[1];

    amperity_config *config = NULL;
    amperity_client *client = NULL;
    amperity_list_options *options = NULL;
    amperity_iter *iter = NULL;
    amperity_object *index = NULL;
    amperity_object *profile = NULL;
    int status = 0;
    amperity_result rc;

    if ((rc = amperity_config_from_env(&config)) != AMPERITY_RESULT_OK ||
        (rc = amperity_client_new(config, &client)) != AMPERITY_RESULT_OK) {
        status = fail("creating the client", rc);
        goto done;
    }

    /* The index: the one given, else the tenant's first. */
    if (argc > 2) {
        rc = amperity_get_index(client, argv[2], &index);
    } else if ((rc = amperity_list_indexes(client, NULL, &iter)) == AMPERITY_RESULT_OK) {
        rc = amperity_iter_next(iter, &index);
        amperity_iter_free(iter);
        iter = NULL;
    }
    if (rc != AMPERITY_RESULT_OK) {
        status = fail("finding the index", rc);
        goto done;
    }
    if (index == NULL) {
        fprintf(stderr, "the tenant has no Profile API index\n");
        status = 1;
        goto done;
    }
    const char *index_id = NULL;
    const char *index_name = NULL;
    amperity_object_id(index, &index_id, NULL);
    if (amperity_object_name(index, &index_name, NULL) != AMPERITY_RESULT_OK) {
        index_name = "";
    }
    printf("index %s (%s)\n", index_id, index_name);

    /* One filter, one condition: email equals EMAIL exactly. */
    if ((rc = amperity_list_options_new(&options)) != AMPERITY_RESULT_OK ||
        (rc = amperity_list_options_add_filter(options, "email", email)) != AMPERITY_RESULT_OK ||
        (rc = amperity_list_profiles(client, index_id, options, &iter)) != AMPERITY_RESULT_OK) {
        status = fail("amperity_list_profiles", rc);
        goto done;
    }
    size_t found = 0;
    while ((rc = amperity_iter_next(iter, &profile)) == AMPERITY_RESULT_OK && profile != NULL) {
        const char *id = NULL;
        const char *json = "{}";
        amperity_object *attributes = NULL;
        amperity_object_id(profile, &id, NULL);
        if (amperity_object_get(profile, "attributes", &attributes) == AMPERITY_RESULT_OK) {
            amperity_object_json(attributes, &json, NULL);
        }
        printf("profile %s\n  %s\n", id, json);
        amperity_object_free(attributes);
        amperity_object_free(profile);
        profile = NULL;
        found++;
    }
    if (rc != AMPERITY_RESULT_OK) {
        status = fail("amperity_iter_next", rc);
        goto done;
    }
    printf("profiles with email %s: %zu\n", email, found);
    status = found > 0 ? 0 : 2;

done:
    amperity_iter_free(iter);
    amperity_object_free(index);
    amperity_list_options_free(options);
    amperity_client_free(client);
    amperity_config_free(config);
    return status;
}
