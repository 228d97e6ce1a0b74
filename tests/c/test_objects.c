/*
 * test_objects.c: the object accessors, on a segment and on a JSON child, and their refused
 * arguments.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

void test_object_accessors(void) {
    amperity_client *client = mock_client();
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(client, NULL, &iter));
    amperity_object *segment = NULL;
    OK(amperity_iter_next(iter, &segment));
    amperity_iter_free(iter);
    if (segment == NULL) {
        CHECK(segment != NULL);
        amperity_client_free(client);
        return;
    }
    const char *text = (const char *)0x1;
    int64_t number = 5;
    size_t len = 9;
    bool finished = false;
    amperity_object *child = (amperity_object *)0x1;

    CHECK_RC(amperity_object_get_string(segment, "missing", &text, NULL), AMPERITY_RESULT_NO_VALUE);
    CHECK(text == (const char *)0x1);
    CHECK_RC(amperity_object_get_string(segment, invalid_utf8, &text, NULL),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_object_get_string(segment, NULL, &text, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_get_int(segment, "id", &number), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_object_get_int(segment, "missing", &number), AMPERITY_RESULT_NO_VALUE);
    CHECK(number == 5);
    CHECK_RC(amperity_object_len(segment, &len), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(len == 9);
    CHECK_RC(amperity_object_at(segment, 0, &child), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_object_is_finished(segment, &finished), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_object_get(segment, "missing", &child), AMPERITY_RESULT_NO_VALUE);
    CHECK(child == (amperity_object *)0x1);
    OK(amperity_object_get(segment, "name", &child));
    amperity_object_kind kind = 99;
    OK(amperity_object_get_kind(child, &kind));
    CHECK(kind == AMPERITY_OBJECT_KIND_JSON);
    const char *json = NULL;
    OK(amperity_object_json(child, &json, NULL));
    CHECK(json[0] == '"');
    CHECK_RC(amperity_object_id(child, &text, NULL), AMPERITY_RESULT_NO_VALUE);
    CHECK_RC(amperity_object_name(child, &text, NULL), AMPERITY_RESULT_NO_VALUE);
    CHECK_RC(amperity_object_state(child, &text, NULL), AMPERITY_RESULT_NO_VALUE);
    amperity_object_free(child);

    CHECK_RC(amperity_object_get_kind(NULL, &kind), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_get_kind(segment, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_json(NULL, &json, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_json(segment, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_id(NULL, &text, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_name(segment, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_state(NULL, &text, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_get_int(segment, "x", NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_get(segment, NULL, &child), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_len(NULL, &len), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_at(segment, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_object_is_finished(NULL, &finished), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_object_free(segment);
    amperity_client_free(client);
}
