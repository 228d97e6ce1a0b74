/*
 * test_profile.c: the Profile API (indexes, profiles filtered by attribute, paging, 404s, refused
 * arguments) and its own settings (api-version, rate limit).
 *
 * The mock's Profile API data (tests/mock-server/README.md): three indexes, in list order
 * idx-3kPq7Zt2c (3000 customers; profile 1 has the email a+b@x.com, profile 2 the given name
 * "Mary Ann", profile 3 the family name "Smith & Jones"), idx-8Wm4Rx1cL (every 7th customer,
 * attributes sent as an array of objects) and idx-5Hn2Yv9bE (empty).
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <math.h>
#include <time.h>

#define CUSTOMERS "idx-3kPq7Zt2c"
#define LOYALTY "idx-8Wm4Rx1cL"
#define EMPTY_INDEX "idx-5Hn2Yv9bE"
#define CUSTOMER_COUNT 3000

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Lends the string attribute `name` of a profile, or NULL; `*attributes` must be freed. */
static const char *attribute(const amperity_object *profile, const char *name,
                             amperity_object **attributes) {
    *attributes = NULL;
    if (amperity_object_get(profile, "attributes", attributes) != AMPERITY_RESULT_OK) {
        return NULL;
    }
    const char *value = NULL;
    if (amperity_object_get_string(*attributes, name, &value, NULL) != AMPERITY_RESULT_OK) {
        return NULL;
    }
    return value;
}

/* Walks the profiles of CUSTOMERS with one filter, checking each one's attribute and kind;
 * returns how many there were (or -1 on a failure). */
static long filtered_count(amperity_client *client, const char *name, const char *value,
                           uint32_t limit) {
    amperity_list_options *options = NULL;
    amperity_iter *iter = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_add_filter(options, name, value));
    OK(amperity_list_options_set_limit(options, limit));
    OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
    amperity_list_options_free(options);
    long count = 0;
    for (;;) {
        amperity_object *profile = NULL;
        amperity_result rc = amperity_iter_next(iter, &profile);
        CHECK(rc == AMPERITY_RESULT_OK);
        if (rc != AMPERITY_RESULT_OK) {
            count = -1;
            break;
        }
        if (profile == NULL) {
            break;
        }
        amperity_object_kind kind = 99;
        OK(amperity_object_get_kind(profile, &kind));
        CHECK(kind == AMPERITY_OBJECT_KIND_PROFILE);
        amperity_object *attributes = NULL;
        const char *got = attribute(profile, name, &attributes);
        if (got == NULL || strcmp(got, value) != 0) {
            CHECK(got != NULL && strcmp(got, value) == 0);
        }
        amperity_object_free(attributes);
        amperity_object_free(profile);
        count++;
    }
    amperity_iter_free(iter);
    return count;
}

static void indexes(amperity_client *client) {
    amperity_iter *iter = NULL;
    OK(amperity_list_indexes(client, NULL, &iter));
    const char *expected[] = {CUSTOMERS, LOYALTY, EMPTY_INDEX};
    size_t count = 0;
    for (;;) {
        amperity_object *index = NULL;
        OK(amperity_iter_next(iter, &index));
        if (index == NULL) {
            break;
        }
        amperity_object_kind kind = 99;
        OK(amperity_object_get_kind(index, &kind));
        CHECK(kind == AMPERITY_OBJECT_KIND_PROFILE_INDEX);
        const char *id = NULL;
        size_t id_len = 0;
        const char *name = NULL;
        OK(amperity_object_id(index, &id, &id_len));
        OK(amperity_object_name(index, &name, NULL));
        CHECK(count < 3 && strcmp(id, expected[count]) == 0 && id_len == strlen(id));
        CHECK(strlen(name) > 0);
        /* The typed id and the JSON field are the same string. */
        const char *id_field = NULL;
        OK(amperity_object_get_string(index, "id", &id_field, NULL));
        CHECK(id_field == id);

        /* amperity_get_index gives the same record. */
        amperity_object *fetched = NULL;
        OK(amperity_get_index(client, id, &fetched));
        const char *a = NULL;
        const char *b = NULL;
        OK(amperity_object_json(index, &a, NULL));
        OK(amperity_object_json(fetched, &b, NULL));
        CHECK(strcmp(a, b) == 0);
        OK(amperity_object_get_kind(fetched, &kind));
        CHECK(kind == AMPERITY_OBJECT_KIND_PROFILE_INDEX);
        amperity_object_free(fetched);
        amperity_object_free(index);
        count++;
    }
    CHECK(count == 3);
    amperity_iter_free(iter);

    /* Fields of an index: description and times, or none of them (the empty index), and a field
     * the SDK does not model (the loyalty index's build_id) kept in the JSON. */
    amperity_object *index = NULL;
    OK(amperity_get_index(client, CUSTOMERS, &index));
    const char *text = NULL;
    OK(amperity_object_get_string(index, "description", &text, NULL));
    OK(amperity_object_get_string(index, "created_at", &text, NULL));
    CHECK_RC(amperity_object_state(index, &text, NULL), AMPERITY_RESULT_NO_VALUE);
    amperity_object_free(index);
    OK(amperity_get_index(client, EMPTY_INDEX, &index));
    CHECK_RC(amperity_object_get_string(index, "description", &text, NULL),
             AMPERITY_RESULT_NO_VALUE);
    amperity_object_free(index);
    OK(amperity_get_index(client, LOYALTY, &index));
    OK(amperity_object_get_string(index, "build_id", &text, NULL));
    CHECK(strncmp(text, "idb-", 4) == 0);
    amperity_object_free(index);

    /* Indexes take no filter. */
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_add_filter(options, "email", "a+b@x.com"));
    iter = (amperity_iter *)0x1;
    CHECK_RC(amperity_list_indexes(client, options, &iter), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(iter == (amperity_iter *)0x1);
    amperity_list_options_free(options);
}

static void profiles_by_filter(amperity_client *client) {
    /* The email with '+' and '@' (percent-encoded on the wire): exactly one profile. */
    amperity_list_options *options = NULL;
    amperity_iter *iter = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_add_filter(options, "email", "a+b@x.com"));
    OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
    amperity_list_options_free(options);
    amperity_object *profile = NULL;
    OK(amperity_iter_next(iter, &profile));
    CHECK(profile != NULL);
    if (profile != NULL) {
        amperity_object_kind kind = 99;
        OK(amperity_object_get_kind(profile, &kind));
        CHECK(kind == AMPERITY_OBJECT_KIND_PROFILE);
        const char *id = NULL;
        OK(amperity_object_id(profile, &id, NULL));
        CHECK(strncmp(id, "cl-", 3) == 0);
        const char *text = NULL;
        CHECK_RC(amperity_object_name(profile, &text, NULL), AMPERITY_RESULT_NO_VALUE);
        OK(amperity_object_get_string(profile, "index_id", &text, NULL));
        CHECK(strcmp(text, CUSTOMERS) == 0);

        /* The attributes: a JSON object of strings, numbers and booleans. */
        amperity_object *attributes = NULL;
        const char *email = attribute(profile, "email", &attributes);
        CHECK(email != NULL && strcmp(email, "a+b@x.com") == 0);
        amperity_object_kind attributes_kind = 99;
        OK(amperity_object_get_kind(attributes, &attributes_kind));
        CHECK(attributes_kind == AMPERITY_OBJECT_KIND_JSON);
        const char *json = NULL;
        OK(amperity_object_json(attributes, &json, NULL));
        CHECK(json[0] == '{' && strstr(json, "\"email\":\"a+b@x.com\"") != NULL);
        amperity_object *opted_in = NULL;
        OK(amperity_object_get(attributes, "opted_in", &opted_in));
        OK(amperity_object_json(opted_in, &json, NULL));
        CHECK(strcmp(json, "true") == 0 || strcmp(json, "false") == 0);
        amperity_object_free(opted_in);
        amperity_object_free(attributes);
        OK(amperity_object_json(profile, &json, NULL));
        CHECK(strstr(json, "\"attributes\":{") != NULL);

        /* amperity_get_profile gives the same profile. */
        amperity_object *fetched = NULL;
        OK(amperity_get_profile(client, CUSTOMERS, id, &fetched));
        const char *fetched_id = NULL;
        OK(amperity_object_id(fetched, &fetched_id, NULL));
        CHECK(strcmp(fetched_id, id) == 0);
        email = attribute(fetched, "email", &attributes);
        CHECK(email != NULL && strcmp(email, "a+b@x.com") == 0);
        amperity_object_free(attributes);
        amperity_object_free(fetched);
        amperity_object_free(profile);
    }
    profile = (amperity_object *)0x1;
    OK(amperity_iter_next(iter, &profile));
    CHECK(profile == NULL);
    amperity_iter_free(iter);

    /* Values with spaces, '&' and UTF-8; exact matches only (case included). */
    CHECK(filtered_count(client, "given_name", "Mary Ann", 100) >= 1);
    CHECK(filtered_count(client, "family_name", "Smith & Jones", 100) >= 1);
    CHECK(filtered_count(client, "city", "Bath & Wells", 1000) >= 1);
    CHECK(filtered_count(client, "city", "S\xc3\xa3o Paulo", 1000) >= 1);
    CHECK(filtered_count(client, "email", "A+B@X.COM", 100) == 0);

    /* Several filters are ANDed; the second filter narrows the first. */
    long gold = filtered_count(client, "loyalty_tier", "gold", 1000);
    CHECK(gold > 25);
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_add_filter(options, "loyalty_tier", "gold"));
    OK(amperity_list_options_add_filter(options, "city", "Seattle"));
    OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
    size_t both = drain(iter, AMPERITY_OBJECT_KIND_PROFILE);
    CHECK(both > 0 && (long)both < gold);
    amperity_iter_free(iter);
    amperity_list_options_free(options);

    /* An attribute the index does not filter on: the server's 400. */
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_add_filter(options, "lifetime_value", "12"));
    OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
    profile = (amperity_object *)0x1;
    CHECK_RC(amperity_iter_next(iter, &profile), AMPERITY_RESULT_BAD_REQUEST);
    CHECK(profile == (amperity_object *)0x1);
    CHECK(amperity_last_error_http_status() == 400);
    amperity_iter_free(iter);
    amperity_list_options_free(options);

    /* The loyalty index sends attributes as an array of objects: merged into one object. */
    OK(amperity_list_profiles(client, LOYALTY, NULL, &iter));
    OK(amperity_iter_next(iter, &profile));
    CHECK(profile != NULL);
    if (profile != NULL) {
        amperity_object *attributes = NULL;
        CHECK(attribute(profile, "email", &attributes) != NULL);
        int64_t points = -1;
        OK(amperity_object_get_int(attributes, "points", &points));
        CHECK(points >= 0);
        amperity_object_free(attributes);
        amperity_object_free(profile);
    }
    amperity_iter_free(iter);
    OK(amperity_list_profiles(client, EMPTY_INDEX, NULL, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_PROFILE) == 0);
    amperity_iter_free(iter);
}

static void profile_pages(amperity_client *client) {
    /* The Profile API's default page: 25. */
    amperity_iter *iter = NULL;
    amperity_page *page = NULL;
    OK(amperity_list_profiles(client, CUSTOMERS, NULL, &iter));
    OK(amperity_iter_next_page(iter, &page));
    size_t len = 0;
    OK(amperity_page_len(page, &len));
    CHECK(len == 25);
    const char *token = NULL;
    OK(amperity_page_next_token(page, &token, NULL));
    amperity_page_free(page);
    amperity_iter_free(iter);

    /* A limit and a total: pages of 400, 3000 profiles, no id twice in a row of pages. */
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 400));
    OK(amperity_list_options_set_with_total(options, true));
    OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
    size_t pages = 0;
    size_t profiles = 0;
    char previous_first[64] = "";
    for (;;) {
        page = NULL;
        OK(amperity_iter_next_page(iter, &page));
        if (page == NULL) {
            break;
        }
        OK(amperity_page_len(page, &len));
        CHECK(len <= 400);
        const amperity_object *first = NULL;
        if (len > 0 && amperity_page_item(page, 0, &first) == AMPERITY_RESULT_OK) {
            const char *id = NULL;
            OK(amperity_object_id(first, &id, NULL));
            CHECK(strcmp(id, previous_first) != 0);
            snprintf(previous_first, sizeof previous_first, "%s", id);
        }
        profiles += len;
        pages++;
        amperity_page_free(page);
    }
    CHECK(pages == (CUSTOMER_COUNT + 399) / 400);
    CHECK(profiles == CUSTOMER_COUNT);
    int64_t total = -1;
    OK(amperity_iter_total(iter, &total));
    CHECK(total == CUSTOMER_COUNT);
    bool done = false;
    OK(amperity_iter_is_done(iter, &done));
    CHECK(done);
    amperity_iter_free(iter);

    /* A filtered walk over several pages, resumed from its cursor: the same profiles. */
    amperity_list_options_free(options);
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 10));
    OK(amperity_list_options_add_filter(options, "loyalty_tier", "gold"));
    OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
    size_t walked = drain(iter, AMPERITY_OBJECT_KIND_PROFILE);
    amperity_iter_free(iter);
    CHECK(walked > 10);
    OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
    OK(amperity_iter_next_page(iter, &page));
    amperity_page_free(page);
    char cursor[512];
    size_t cursor_len = 0;
    OK(amperity_iter_cursor(iter, cursor, sizeof cursor, &cursor_len));
    amperity_iter_free(iter);
    OK(amperity_list_options_set_cursor(options, cursor));
    OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_PROFILE) == walked - 10);
    amperity_iter_free(iter);
    amperity_list_options_free(options);
}

static void not_found(amperity_client *client) {
    amperity_object *object = (amperity_object *)0x1;
    CHECK_RC(amperity_get_index(client, "idx-does-not-exist", &object), AMPERITY_RESULT_NOT_FOUND);
    CHECK(object == (amperity_object *)0x1);
    CHECK(amperity_result_is_api_error(amperity_last_error_code()));
    CHECK(amperity_last_error_http_status() == 404);
    CHECK(strstr(last_message(), "The requested entity does not exist.") != NULL);
    char id[128];
    size_t id_len = 0;
    OK(amperity_last_error_request_id(id, sizeof id, &id_len));
    CHECK(id_len > 0);
    CHECK_RC(amperity_last_error_trace_id(id, sizeof id, &id_len), AMPERITY_RESULT_NO_VALUE);
    uint32_t attempts = 0;
    OK(amperity_last_error_attempts(&attempts));
    CHECK(attempts == 1);

    CHECK_RC(amperity_get_profile(client, CUSTOMERS, "cl-does-not-exist", &object),
             AMPERITY_RESULT_NOT_FOUND);
    CHECK(object == (amperity_object *)0x1);
    CHECK(strstr(last_message(), "The requested entity does not exist.") != NULL);
    CHECK_RC(amperity_get_profile(client, "idx-nope", "cl-nope", &object),
             AMPERITY_RESULT_NOT_FOUND);

    amperity_iter *iter = NULL;
    OK(amperity_list_profiles(client, "idx-does-not-exist", NULL, &iter));
    CHECK_RC(amperity_iter_next(iter, &object), AMPERITY_RESULT_NOT_FOUND);
    CHECK(amperity_last_error_http_status() == 404);
    CHECK(object == (amperity_object *)0x1);
    amperity_iter_free(iter);
}

static void refused_arguments(amperity_client *client) {
    mock_reset();
    amperity_object *object = (amperity_object *)0x1;
    amperity_iter *iter = (amperity_iter *)0x1;
    amperity_list_options *options = NULL;

    /* Attribute names filter[...] cannot carry: the core's refusal, before any request, from the
     * first amperity_iter_next and every later call. */
    const char *bad_names[] = {"", "  ", "a]b", "tags[0]"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        OK(amperity_list_options_new(&options));
        OK(amperity_list_options_add_filter(options, "email", "a+b@x.com"));
        OK(amperity_list_options_add_filter(options, bad_names[i], "x"));
        iter = NULL;
        OK(amperity_list_profiles(client, CUSTOMERS, options, &iter));
        amperity_list_options_free(options);
        object = (amperity_object *)0x1;
        CHECK_RC(amperity_iter_next(iter, &object), AMPERITY_RESULT_INVALID_ARGUMENT);
        CHECK(object == (amperity_object *)0x1);
        CHECK(strstr(last_message(), i < 2 ? "empty attribute name" : "contains '[' or ']'") !=
              NULL);
        amperity_page *page = (amperity_page *)0x1;
        CHECK_RC(amperity_iter_next_page(iter, &page), AMPERITY_RESULT_INVALID_ARGUMENT);
        CHECK(page == (amperity_page *)0x1);
        CHECK_RC(amperity_iter_next(iter, &object), AMPERITY_RESULT_INVALID_ARGUMENT);
        bool done = true;
        OK(amperity_iter_is_done(iter, &done));
        CHECK(!done);
        amperity_iter_free(iter);
    }
    /* An empty index id: refused the same way; empty ids of the gets at once. */
    OK(amperity_list_profiles(client, "", NULL, &iter));
    CHECK_RC(amperity_iter_next(iter, &object), AMPERITY_RESULT_INVALID_ARGUMENT);
    amperity_iter_free(iter);
    CHECK_RC(amperity_get_index(client, "", &object), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_get_profile(client, "", "cl-1", &object), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_get_profile(client, CUSTOMERS, "", &object),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(object == (amperity_object *)0x1);
    CHECK(mock_api_requests() == 0);

    /* NULL and invalid UTF-8. */
    iter = (amperity_iter *)0x1;
    CHECK_RC(amperity_list_indexes(NULL, NULL, &iter), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_indexes(client, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_profiles(NULL, CUSTOMERS, NULL, &iter), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_profiles(client, NULL, NULL, &iter), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_profiles(client, invalid_utf8, NULL, &iter),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_list_profiles(client, CUSTOMERS, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(iter == (amperity_iter *)0x1);
    CHECK_RC(amperity_get_index(NULL, CUSTOMERS, &object), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_get_index(client, NULL, &object), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_get_index(client, invalid_utf8, &object), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_get_index(client, CUSTOMERS, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_get_profile(NULL, CUSTOMERS, "cl-1", &object),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_get_profile(client, NULL, "cl-1", &object), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_get_profile(client, CUSTOMERS, NULL, &object),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_get_profile(client, invalid_utf8, "cl-1", &object),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_get_profile(client, CUSTOMERS, invalid_utf8, &object),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_get_profile(client, CUSTOMERS, "cl-1", NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(object == (amperity_object *)0x1);
    OK(amperity_list_options_new(&options));
    CHECK_RC(amperity_list_options_add_filter(options, invalid_utf8, "x"),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_list_options_add_filter(options, "email", invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_list_options_add_filter(options, "email", NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_list_options_free(options);
    CHECK(mock_api_requests() == 0);
}

static void settings(void) {
    amperity_config *config = mock_config();
    amperity_client *client = NULL;
    amperity_object *object = NULL;

    /* The control plane's api-version does not apply to the Profile API. */
    OK(amperity_config_set_api_version(config, "unstable"));
    OK(amperity_client_new(config, &client));
    OK(amperity_get_index(client, CUSTOMERS, &object));
    amperity_object_free(object);
    amperity_iter *iter = NULL;
    OK(amperity_list_campaign_drafts(client, NULL, &iter));
    OK(amperity_iter_next(iter, &object));
    amperity_object_free(object);
    amperity_iter_free(iter);
    amperity_client_free(client);

    /* The Profile API's own version: the mock takes 2025-07-31 only. */
    OK(amperity_config_set_profile_api_version(config, "2024-04-01"));
    OK(amperity_client_new(config, &client));
    object = (amperity_object *)0x1;
    CHECK_RC(amperity_get_index(client, CUSTOMERS, &object), AMPERITY_RESULT_BAD_REQUEST);
    CHECK(object == (amperity_object *)0x1);
    CHECK(strstr(last_message(), "2025-07-31") != NULL);
    amperity_client_free(client);
    OK(amperity_config_set_profile_api_version(config, "2025-07-31"));
    OK(amperity_client_new(config, &client));
    OK(amperity_get_index(client, CUSTOMERS, &object));
    amperity_object_free(object);
    amperity_client_free(client);
    OK(amperity_config_set_profile_api_version(config, NULL)); /* the default again */
    OK(amperity_client_new(config, &client));
    OK(amperity_get_index(client, CUSTOMERS, &object));
    amperity_object_free(object);
    amperity_client_free(client);
    client = (amperity_client *)0x1;
    OK(amperity_config_set_profile_api_version(config, ""));
    CHECK_RC(amperity_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_config_set_profile_api_version(config, "has space"));
    CHECK_RC(amperity_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(client == (amperity_client *)0x1);
    CHECK_RC(amperity_config_set_profile_api_version(NULL, "2025-07-31"),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_profile_api_version(config, invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    OK(amperity_config_set_profile_api_version(config, NULL));

    /* The Profile API's own rate budget: 5 per second (bursts of 5) paces Profile API calls while
     * the control plane's limiter is off (mock_config). */
    OK(amperity_config_set_profile_rate_limit(config, 5.0));
    OK(amperity_client_new(config, &client));
    double start = now_ms();
    for (int i = 0; i < 10; i++) {
        OK(amperity_get_index(client, EMPTY_INDEX, &object));
        amperity_object_free(object);
    }
    CHECK(now_ms() - start >= 750.0);
    amperity_client_free(client);
    /* 0 turns it off, like amperity_config_set_rate_limit; negative or non-finite is refused. */
    OK(amperity_config_set_profile_rate_limit(config, 0.0));
    OK(amperity_client_new(config, &client));
    OK(amperity_get_index(client, EMPTY_INDEX, &object));
    amperity_object_free(object);
    amperity_client_free(client);
    const double bad_rates[] = {-1.0, NAN, INFINITY};
    for (size_t i = 0; i < 3; i++) {
        client = (amperity_client *)0x1;
        OK(amperity_config_set_profile_rate_limit(config, bad_rates[i]));
        CHECK_RC(amperity_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
        CHECK(strstr(last_message(), "profile rate limit") != NULL);
        CHECK(client == (amperity_client *)0x1);
    }
    CHECK_RC(amperity_config_set_profile_rate_limit(NULL, 1.0), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_config_free(config);
}

void test_profile(void) {
    amperity_client *client = mock_client();
    indexes(client);
    profiles_by_filter(client);
    profile_pages(client);
    not_found(client);
    refused_arguments(client);
    amperity_client_free(client);
    settings();
}
