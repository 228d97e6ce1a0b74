/*
 * test_lists.c: the other lists (campaigns, campaign drafts, audit events, workflow runs, with
 * filters) and the ingest jobs.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

void test_other_lists(void) {
    amperity_client *client = mock_client();
    amperity_list_options *options = NULL;
    amperity_iter *iter = NULL;

    OK(amperity_list_campaigns(client, NULL, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_CAMPAIGN) > 0);
    amperity_iter_free(iter);

    /* A field the SDK does not model (the mock's 25th segment has `created_by`) is kept: the
     * object's JSON and its accessors see it. */
    OK(amperity_list_segments(client, NULL, &iter));
    amperity_object *segment = NULL;
    for (int i = 0; i < 25; i++) {
        amperity_object_free(segment);
        segment = NULL;
        OK(amperity_iter_next(iter, &segment));
    }
    CHECK(segment != NULL);
    const char *json = NULL;
    size_t json_len = 0;
    OK(amperity_object_json(segment, &json, &json_len));
    CHECK(strstr(json, "\"created_by\":{") != NULL);
    amperity_object *created_by = NULL;
    OK(amperity_object_get(segment, "created_by", &created_by));
    const char *text = NULL;
    size_t text_len = 0;
    OK(amperity_object_get_string(created_by, "id", &text, &text_len));
    CHECK(text_len == 8 && strcmp(text, "ak-00025") == 0);
    amperity_object_free(created_by);
    amperity_object_free(segment);
    amperity_iter_free(iter);

    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_add_filter(options, "destination_data_template_id", "ptg-none"));
    OK(amperity_list_campaigns(client, options, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_CAMPAIGN) == 0);
    amperity_iter_free(iter);
    amperity_list_options_free(options);

    /* Campaign drafts need api-version unstable. */
    amperity_config *config = mock_config();
    OK(amperity_config_set_api_version(config, "unstable"));
    amperity_client *unstable = NULL;
    OK(amperity_client_new(config, &unstable));
    amperity_config_free(config);
    OK(amperity_list_campaign_drafts(unstable, NULL, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_CAMPAIGN_DRAFT) > 0);
    amperity_iter_free(iter);
    amperity_client_free(unstable);
    OK(amperity_list_campaign_drafts(client, NULL, &iter));
    amperity_object *item = (amperity_object *)0x1;
    amperity_result rc = amperity_iter_next(iter, &item);
    CHECK(rc != AMPERITY_RESULT_OK && amperity_result_is_api_error(rc));
    CHECK(item == (amperity_object *)0x1);
    amperity_iter_free(iter);

    /* Audit events: every event, then a window. */
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 1000));
    OK(amperity_list_audit_events(client, options, &iter));
    size_t all = drain(iter, AMPERITY_OBJECT_KIND_AUDIT_EVENT);
    CHECK(all > 0);
    amperity_iter_free(iter);
    char from[32];
    char to[32];
    timestamp(from, sizeof from, -3 * 86400);
    timestamp(to, sizeof to, 0);
    OK(amperity_list_options_add_filter(options, "happened_from", from));
    OK(amperity_list_options_add_filter(options, "happened_to", to));
    OK(amperity_list_audit_events(client, options, &iter));
    size_t window = drain(iter, AMPERITY_OBJECT_KIND_AUDIT_EVENT);
    CHECK(window <= all);
    amperity_iter_free(iter);
    OK(amperity_list_options_add_filter(options, "happened_to", "yesterday"));
    CHECK_RC(amperity_list_audit_events(client, options, &iter), AMPERITY_RESULT_INVALID_ARGUMENT);
    amperity_list_options_free(options);

    /* An audit event's id is its event_id. */
    OK(amperity_list_audit_events(client, NULL, &iter));
    OK(amperity_iter_next(iter, &item));
    if (item != NULL) {
        const char *id = NULL;
        const char *event_id = NULL;
        OK(amperity_object_id(item, &id, NULL));
        OK(amperity_object_get_string(item, "event_id", &event_id, NULL));
        CHECK(id == event_id);
        amperity_object_free(item);
    }
    amperity_iter_free(iter);

    /* Workflow runs with filters. */
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    OK(amperity_list_workflow_runs(client, options, &iter));
    size_t runs = drain(iter, AMPERITY_OBJECT_KIND_WORKFLOW);
    CHECK(runs > 0);
    amperity_iter_free(iter);
    OK(amperity_list_options_add_filter(options, "state", "succeeded"));
    OK(amperity_list_options_add_filter(options, "type", "courier.group/run"));
    timestamp(from, sizeof from, -30 * 86400);
    OK(amperity_list_options_add_filter(options, "created_from", from));
    OK(amperity_list_options_add_filter(options, "created_to", "2100-01-01"));
    OK(amperity_list_options_add_filter(options, "ended_from", "2000-01-01"));
    OK(amperity_list_options_add_filter(options, "ended_to", "2100-01-01T00:00:00Z"));
    OK(amperity_list_workflow_runs(client, options, &iter));
    for (;;) {
        item = NULL;
        if (amperity_iter_next(iter, &item) != AMPERITY_RESULT_OK || item == NULL) {
            break;
        }
        const char *state = NULL;
        const char *type = NULL;
        OK(amperity_object_state(item, &state, NULL));
        OK(amperity_object_get_string(item, "type", &type, NULL));
        CHECK(strcmp(state, "succeeded") == 0 && strcmp(type, "courier.group/run") == 0);
        bool finished = false;
        OK(amperity_object_is_finished(item, &finished));
        CHECK(finished);
        amperity_object_free(item);
    }
    amperity_iter_free(iter);
    OK(amperity_list_options_add_filter(options, "ended_to", "not a time"));
    CHECK_RC(amperity_list_workflow_runs(client, options, &iter),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    amperity_list_options_free(options);
    amperity_client_free(client);
}

void test_ingest(void) {
    amperity_client *client = mock_client();
    char from[32];
    char to[32];
    timestamp(from, sizeof from, -7 * 86400 + 60);
    timestamp(to, sizeof to, 3600);
    amperity_object *list = NULL;
    OK(amperity_list_ingest_jobs(client, from, to, true, &list));
    amperity_object_kind kind = 99;
    OK(amperity_object_get_kind(list, &kind));
    CHECK(kind == AMPERITY_OBJECT_KIND_INGEST_JOB_LIST);
    size_t len = 0;
    OK(amperity_object_len(list, &len));
    int64_t total = -1;
    OK(amperity_object_get_int(list, "total", &total));
    CHECK(total == (int64_t)len);
    CHECK(len > 0);
    amperity_object *job = NULL;
    CHECK_RC(amperity_object_at(list, len, &job), AMPERITY_RESULT_INVALID_ARGUMENT);
    if (len > 0) {
        OK(amperity_object_at(list, 0, &job));
        OK(amperity_object_get_kind(job, &kind));
        CHECK(kind == AMPERITY_OBJECT_KIND_INGEST_JOB);
        const char *id = NULL;
        OK(amperity_object_id(job, &id, NULL));
        amperity_object *fetched = NULL;
        OK(amperity_get_ingest_job(client, id, &fetched));
        const char *a = NULL;
        const char *b = NULL;
        OK(amperity_object_json(job, &a, NULL));
        OK(amperity_object_json(fetched, &b, NULL));
        CHECK(strcmp(a, b) == 0);
        amperity_object *tables = NULL;
        OK(amperity_object_get(fetched, "tables", &tables));
        size_t table_count = 0;
        OK(amperity_object_len(tables, &table_count));
        if (table_count > 0) {
            amperity_object *table = NULL;
            OK(amperity_object_at(tables, 0, &table));
            int64_t read = -1;
            OK(amperity_object_get_int(table, "read", &read));
            CHECK(read >= 0);
            const char *state = NULL;
            OK(amperity_object_state(table, &state, NULL));
            amperity_object_free(table);
        }
        CHECK_RC(amperity_object_at(tables, table_count, &job), AMPERITY_RESULT_INVALID_ARGUMENT);
        amperity_object_free(tables);
        amperity_object_free(fetched);
        amperity_object_free(job);
    }
    amperity_object_free(list);

    /* 404 with the ids Support asks for. */
    amperity_object *missing = (amperity_object *)0x1;
    CHECK_RC(amperity_get_ingest_job(client, "isj-does-not-exist", &missing),
             AMPERITY_RESULT_NOT_FOUND);
    CHECK(missing == (amperity_object *)0x1);
    CHECK(amperity_last_error_http_status() == 404);
    char id[128];
    size_t id_len = 0;
    OK(amperity_last_error_request_id(NULL, 0, &id_len));
    CHECK(id_len > 0);
    OK(amperity_last_error_request_id(id, sizeof id, &id_len));
    CHECK(strlen(id) == id_len);
    CHECK_RC(amperity_last_error_request_id(id, 1, &id_len), AMPERITY_RESULT_BUFFER_TOO_SMALL);
    OK(amperity_last_error_trace_id(id, sizeof id, &id_len));
    CHECK(id_len > 0);
    /* With a buffer, out_len is optional for every copying getter (issue 29). */
    memset(id, 0, sizeof id);
    OK(amperity_last_error_trace_id(id, sizeof id, NULL));
    CHECK(strlen(id) == id_len);
    memset(id, 0, sizeof id);
    OK(amperity_last_error_request_id(id, sizeof id, NULL));
    CHECK(strlen(id) > 0);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_NOT_FOUND);

    CHECK_RC(amperity_get_ingest_job(client, "", &missing), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_get_ingest_job(client, NULL, &missing), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_get_ingest_job(client, invalid_utf8, &missing),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_list_ingest_jobs(client, to, from, false, &list),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_list_ingest_jobs(client, "soon", to, false, &list),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_list_ingest_jobs(client, from, NULL, false, &list),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_ingest_jobs(NULL, from, to, false, &list),
             AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_client_free(client);
}
