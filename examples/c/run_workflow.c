/*
 * run_workflow.c: starts a workflow run with the Amperity C API and waits for it to finish.
 *
 *   cc -std=c11 run_workflow.c $(pkg-config --cflags --libs amperity) -o run_workflow
 *   AMPERITY_TENANT=acme AMPERITY_TOKEN=... ./run_workflow CONFIG_ID [POLL_MS [TIMEOUT_MS]]
 *
 * CONFIG_ID is a courier group (cg-...), orchestration group (og-...) or campaign (cc-...).
 * Environment: as list_segments.c (amperity_config_from_env).
 * Exits 0 when the run succeeded, 3 when it ended in another state, 1 on an error.
 */
#include <amperity.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, amperity_result rc) {
    char message[1024];
    size_t len = 0;
    if (amperity_last_error_message(message, sizeof message, &len) != AMPERITY_RESULT_OK) {
        message[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s: %s\n", what, amperity_result_name(rc), message);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: AMPERITY_TENANT=... AMPERITY_TOKEN=... [AMPERITY_BASE_URL=...] "
                        "%s CONFIG_ID [POLL_MS [TIMEOUT_MS]]\n",
                argv[0]);
        return 2;
    }
    const char *config_id = argv[1];
    unsigned long long poll_ms = argc > 2 ? strtoull(argv[2], NULL, 10) : 5000;
    unsigned long long timeout_ms = argc > 3 ? strtoull(argv[3], NULL, 10) : 3600000;

    amperity_config *config = NULL;
    amperity_client *client = NULL;
    amperity_object *run = NULL;
    amperity_object *done = NULL;
    int status = 0;
    amperity_result rc;

    if ((rc = amperity_config_from_env(&config)) != AMPERITY_RESULT_OK) {
        status = fail("amperity_config_from_env", rc);
        goto out;
    }
    if ((rc = amperity_client_new(config, &client)) != AMPERITY_RESULT_OK) {
        status = fail("amperity_client_new", rc);
        goto out;
    }
    rc = amperity_run_workflow(client, config_id, NULL, NULL, AMPERITY_RUN_MODE_DEFAULT, &run);
    if (rc != AMPERITY_RESULT_OK) {
        status = fail("amperity_run_workflow", rc);
        goto out;
    }
    const char *id = NULL;
    const char *state = NULL;
    amperity_object_id(run, &id, NULL);
    amperity_object_state(run, &state, NULL);
    printf("started %s (%s)\n", id, state);

    rc = amperity_wait_for_workflow_run(client, id, poll_ms, timeout_ms, &done);
    if (rc != AMPERITY_RESULT_OK) {
        status = fail("amperity_wait_for_workflow_run", rc);
        goto out;
    }
    const char *final_state = NULL;
    amperity_object_state(done, &final_state, NULL);
    printf("%s ended %s\n", id, final_state);
    if (strcmp(final_state, "succeeded") != 0) {
        amperity_object *error = NULL;
        if (amperity_object_get(done, "error", &error) == AMPERITY_RESULT_OK) {
            const char *message = NULL;
            if (amperity_object_get_string(error, "message", &message, NULL) ==
                AMPERITY_RESULT_OK) {
                printf("error: %s\n", message);
            }
            amperity_object_free(error);
        }
        status = 3;
    }

out:
    amperity_object_free(done);
    amperity_object_free(run);
    amperity_client_free(client);
    amperity_config_free(config);
    return status;
}
