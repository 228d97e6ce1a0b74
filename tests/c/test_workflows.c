/*
 * test_workflows.c: running, getting, waiting for and stopping workflow runs.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

void test_workflows(void) {
    amperity_client *client = mock_client();
    amperity_object *run = NULL;
    OK(amperity_run_workflow(client, "cg-c-tests", NULL, NULL, AMPERITY_RUN_MODE_DEFAULT, &run));
    const char *id = NULL;
    OK(amperity_object_id(run, &id, NULL));
    CHECK(strncmp(id, "wf-", 3) == 0);
    amperity_object_kind kind = 99;
    OK(amperity_object_get_kind(run, &kind));
    CHECK(kind == AMPERITY_OBJECT_KIND_WORKFLOW);

    amperity_object *overview = NULL;
    OK(amperity_get_workflow_run(client, id, AMPERITY_WORKFLOW_VIEW_OVERVIEW, &overview));
    const char *same = NULL;
    OK(amperity_object_id(overview, &same, NULL));
    CHECK(strcmp(same, id) == 0);
    amperity_object_free(overview);
    CHECK_RC(amperity_get_workflow_run(client, id, 9, &overview), AMPERITY_RESULT_INVALID_ARGUMENT);

    amperity_object *done = NULL;
    OK(amperity_wait_for_workflow_run(client, id, 10, 20000, &done));
    const char *state = NULL;
    OK(amperity_object_state(done, &state, NULL));
    CHECK(strcmp(state, "succeeded") == 0);
    bool finished = false;
    OK(amperity_object_is_finished(done, &finished));
    CHECK(finished);
    const char *name = NULL;
    OK(amperity_object_name(done, &name, NULL));
    amperity_object *verbose = NULL;
    OK(amperity_get_workflow_run(client, id, AMPERITY_WORKFLOW_VIEW_VERBOSE, &verbose));
    amperity_object *tasks = NULL;
    if (amperity_object_get(verbose, "task_instances", &tasks) == AMPERITY_RESULT_OK) {
        size_t n = 0;
        OK(amperity_object_len(tasks, &n));
        amperity_object_free(tasks);
    }
    amperity_object_free(verbose);
    amperity_object_free(done);
    amperity_object_free(run);

    /* A failing group ends failed, with an error. */
    run = NULL;
    OK(amperity_run_workflow(client, "cg-fail-c", "2026-01-01", "2026-01-02T00:00:00Z",
                             AMPERITY_RUN_MODE_FULL, &run));
    OK(amperity_object_id(run, &id, NULL));
    done = NULL;
    OK(amperity_wait_for_workflow_run(client, id, 10, 20000, &done));
    OK(amperity_object_state(done, &state, NULL));
    CHECK(strcmp(state, "failed") == 0);
    amperity_object *error = NULL;
    OK(amperity_object_get(done, "error", &error));
    const char *message = NULL;
    OK(amperity_object_get_string(error, "message", &message, NULL));
    CHECK(strlen(message) > 0);
    amperity_object_free(error);
    amperity_object_free(done);
    amperity_object_free(run);

    /* Waiting less than the run takes. */
    run = NULL;
    OK(amperity_run_workflow(client, "cg-slow", "2026-01-01", NULL, AMPERITY_RUN_MODE_SOURCE, &run));
    OK(amperity_object_id(run, &id, NULL));
    done = (amperity_object *)0x1;
    CHECK_RC(amperity_wait_for_workflow_run(client, id, 1, 1, &done), AMPERITY_RESULT_WAIT_TIMEOUT);
    CHECK(done == (amperity_object *)0x1);
    CHECK(strstr(last_message(), id) != NULL);
    /* Stop it. */
    amperity_object *stopped = NULL;
    OK(amperity_stop_workflow_run(client, id, &stopped));
    OK(amperity_object_id(stopped, &same, NULL));
    CHECK(strcmp(same, id) == 0);
    amperity_object_free(stopped);
    amperity_object_free(run);

    OK(amperity_run_workflow(client, "cg-refresh", NULL, NULL, AMPERITY_RUN_MODE_REFRESH, &run));
    amperity_object_free(run);

    /* Refused arguments. */
    run = (amperity_object *)0x1;
    CHECK_RC(amperity_run_workflow(client, "", NULL, NULL, 0, &run),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_run_workflow(client, "cg-1", NULL, "2026-01-01", 0, &run),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_run_workflow(client, "cg-1", "2026-01-02", "2026-01-01", 0, &run),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_run_workflow(client, "cg-1", "nope", NULL, 0, &run),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_run_workflow(client, "cg-1", NULL, NULL, 42, &run),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_run_workflow(client, NULL, NULL, NULL, 0, &run),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_run_workflow(client, "cg-1", invalid_utf8, NULL, 0, &run),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK(run == (amperity_object *)0x1);
    CHECK_RC(amperity_get_workflow_run(client, "wf-does-not-exist", 0, &run),
             AMPERITY_RESULT_NOT_FOUND);
    CHECK(amperity_last_error_http_status() == 404);
    CHECK_RC(amperity_stop_workflow_run(client, "wf-does-not-exist", &run),
             AMPERITY_RESULT_NOT_FOUND);
    CHECK_RC(amperity_stop_workflow_run(NULL, "x", &run), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_wait_for_workflow_run(client, NULL, 0, 0, &run),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_wait_for_workflow_run(client, "wf-does-not-exist", 1, 1000, &run),
             AMPERITY_RESULT_NOT_FOUND);
    CHECK(run == (amperity_object *)0x1);
    amperity_client_free(client);
}
