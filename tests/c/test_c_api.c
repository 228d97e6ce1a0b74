/*
 * test_c_api.c: tests of every function of include/amperity.h against the mock server.
 *
 * Environment (set by tests/c.sh):
 *   AMPERITY_MOCK_ORIGIN   http://127.0.0.1:PORT of a plain-HTTP amperity-mock
 *   AMPERITY_MOCK_SEGMENTS number of segments that mock serves
 *   AMPERITY_TLS_BASE_URL  https://127.0.0.1:PORT/api of a second mock started with --tls
 *   AMPERITY_TLS_CERT      path of that mock's self-signed certificate (PEM)
 * Prints one line per failed check and ends with "N passed, N failed"; exits 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <amperity.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int passed;
static int failed;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

static void record(int ok, const char *file, int line, const char *what) {
    pthread_mutex_lock(&count_lock);
    if (ok) {
        passed++;
    } else {
        failed++;
        char message[512] = "";
        size_t len = 0;
        if (amperity_last_error_message(message, sizeof message, &len) != AMPERITY_RESULT_OK) {
            message[0] = '\0';
        }
        fprintf(stderr, "FAIL %s:%d: %s (last error: %s: %s)\n", file, line, what,
                amperity_result_name(amperity_last_error_code()), message);
    }
    pthread_mutex_unlock(&count_lock);
}

#define CHECK(cond) record((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
#define CHECK_RC(call, expected)                                                              \
    do {                                                                                      \
        amperity_result rc_ = (call);                                                         \
        if (rc_ != (expected)) {                                                              \
            char what_[512];                                                                  \
            snprintf(what_, sizeof what_, "%s returned %s, expected %s", #call,               \
                     amperity_result_name(rc_), amperity_result_name(expected));              \
            record(0, __FILE__, __LINE__, what_);                                             \
        } else {                                                                              \
            record(1, __FILE__, __LINE__, #call);                                             \
        }                                                                                     \
    } while (0)
#define OK(call) CHECK_RC(call, AMPERITY_RESULT_OK)

static const char *origin;
static char base_url[256];
static size_t segment_count;

/* ---- the mock's control endpoints, over a plain socket ---------------------------------- */

static int mock_http(const char *method, const char *path, const char *body) {
    const char *hostport = strstr(origin, "://");
    if (hostport == NULL) {
        return -1;
    }
    const char *colon = strrchr(hostport + 3, ':');
    if (colon == NULL) {
        return -1;
    }
    int port = atoi(colon + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return -1;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    char request[1024];
    size_t body_len = body ? strlen(body) : 0;
    int n = snprintf(request, sizeof request,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     method, path, body_len, body ? body : "");
    if (write(fd, request, (size_t)n) != n) {
        close(fd);
        return -1;
    }
    char response[256] = "";
    ssize_t got = read(fd, response, sizeof response - 1);
    close(fd);
    if (got < 12) {
        return -1;
    }
    response[got] = '\0';
    return atoi(response + 9);
}

static void mock_fault(const char *spec) {
    int status = mock_http("POST", "/__mock/faults", spec);
    if (status != 201) {
        fprintf(stderr, "could not install fault %s: HTTP %d\n", spec, status);
    }
    CHECK(status == 201);
}

static void mock_clear(void) { CHECK(mock_http("DELETE", "/__mock/faults", NULL) == 204); }

/* ---- helpers ------------------------------------------------------------------------------ */

/* A config for the mock with a fast retry policy and no rate limit. */
static amperity_config *mock_config(void) {
    amperity_config *config = NULL;
    OK(amperity_config_new("acme", &config));
    OK(amperity_config_set_token(config, "mock-token"));
    OK(amperity_config_set_base_url(config, base_url));
    OK(amperity_config_set_retry(config, 3, 10, 50));
    OK(amperity_config_set_rate_limit(config, 0.0));
    OK(amperity_config_set_timeouts(config, 2000, 5000));
    return config;
}

static amperity_client *mock_client(void) {
    amperity_config *config = mock_config();
    amperity_client *client = NULL;
    OK(amperity_client_new(config, &client));
    amperity_config_free(config);
    return client;
}

static char *last_message(void) {
    static _Thread_local char message[1024];
    size_t len = 0;
    if (amperity_last_error_message(message, sizeof message, &len) != AMPERITY_RESULT_OK) {
        message[0] = '\0';
    }
    return message;
}

/* Timestamps relative to now, as RFC 3339 text. */
static void timestamp(char *out, size_t len, long offset_seconds) {
    time_t t = time(NULL) + offset_seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char invalid_utf8[] = {(char)0xff, (char)0xfe, 0};

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_version_and_names(void) {
    CHECK(strcmp(amperity_version(), AMPERITY_VERSION_STRING) == 0);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", AMPERITY_VERSION_MAJOR,
             AMPERITY_VERSION_MINOR, AMPERITY_VERSION_PATCH);
    CHECK(strcmp(amperity_version(), expected) == 0);
    CHECK(strcmp(amperity_result_name(AMPERITY_RESULT_NOT_FOUND), "AMPERITY_RESULT_NOT_FOUND") ==
          0);
    CHECK(strcmp(amperity_result_name(AMPERITY_RESULT_OK), "AMPERITY_RESULT_OK") == 0);
    CHECK(strcmp(amperity_result_name(4242), "AMPERITY_RESULT_UNRECOGNIZED") == 0);
    CHECK(amperity_result_is_api_error(AMPERITY_RESULT_RATE_LIMITED));
    CHECK(amperity_result_is_api_error(AMPERITY_RESULT_API_OTHER));
    CHECK(!amperity_result_is_api_error(AMPERITY_RESULT_TRANSPORT));
    CHECK(!amperity_result_is_api_error(AMPERITY_RESULT_OK));
    /* The published values. */
    CHECK(AMPERITY_RESULT_OK == 0 && AMPERITY_RESULT_NULL_ARGUMENT == 1 &&
          AMPERITY_RESULT_BUFFER_TOO_SMALL == 5 && AMPERITY_RESULT_PANIC == 7 &&
          AMPERITY_RESULT_NOT_FOUND == 103 && AMPERITY_RESULT_TRANSPORT == 200 &&
          AMPERITY_RESULT_WAIT_TIMEOUT == 302);
}

static void test_last_error(void) {
    amperity_last_error_clear();
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_OK);
    char buf[256];
    size_t len = 12345;
    CHECK_RC(amperity_last_error_message(buf, sizeof buf, &len), AMPERITY_RESULT_NO_VALUE);
    CHECK(len == 12345);
    /* A NULL out_len is refused whatever is stored, as the header promises. */
    CHECK_RC(amperity_last_error_message(NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_last_error_request_id(NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_last_error_trace_id(NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_OK); /* and the last error is kept */

    /* A failure: NULL tenant. The out-parameter is left alone. */
    amperity_config *config = (amperity_config *)0x1;
    CHECK_RC(amperity_config_new(NULL, &config), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(config == (amperity_config *)0x1);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_NULL_ARGUMENT);

    /* Measure, then copy. */
    OK(amperity_last_error_message(NULL, 0, &len));
    CHECK(len == strlen("tenant must not be NULL"));
    OK(amperity_last_error_message(buf, len + 1, &len));
    CHECK(strcmp(buf, "tenant must not be NULL") == 0);

    /* Too small: nothing written, the last error is unchanged. */
    memset(buf, 'x', sizeof buf);
    size_t small_len = 99;
    CHECK_RC(amperity_last_error_message(buf, 4, &small_len), AMPERITY_RESULT_BUFFER_TOO_SMALL);
    CHECK(buf[0] == 'x' && small_len == 99);
    CHECK_RC(amperity_last_error_message(buf, len, &small_len), AMPERITY_RESULT_BUFFER_TOO_SMALL);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_last_error_message(buf, sizeof buf, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_last_error_message(NULL, 10, &len), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_NULL_ARGUMENT);

    /* Not an API error: no status, ids, Retry-After or transport kind. */
    CHECK(amperity_last_error_http_status() == 0);
    CHECK_RC(amperity_last_error_request_id(buf, sizeof buf, &len), AMPERITY_RESULT_NO_VALUE);
    CHECK_RC(amperity_last_error_trace_id(buf, sizeof buf, &len), AMPERITY_RESULT_NO_VALUE);
    uint64_t ms = 7;
    CHECK_RC(amperity_last_error_retry_after_ms(&ms), AMPERITY_RESULT_NO_VALUE);
    CHECK(ms == 7);
    CHECK_RC(amperity_last_error_retry_after_ms(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(amperity_last_error_transport_kind() == AMPERITY_TRANSPORT_KIND_NONE);

    /* Invalid UTF-8. */
    CHECK_RC(amperity_config_new(invalid_utf8, &config), AMPERITY_RESULT_INVALID_UTF8);
    CHECK(config == (amperity_config *)0x1);
    CHECK(strstr(last_message(), "UTF-8") != NULL);

    amperity_last_error_clear();
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_OK);
}

static void test_config(void) {
    amperity_config_free(NULL);
    amperity_client_free(NULL);
    amperity_object_free(NULL);
    amperity_iter_free(NULL);
    amperity_page_free(NULL);
    amperity_list_options_free(NULL);

    amperity_config *config = NULL;
    amperity_client *client = (amperity_client *)0x1;
    CHECK_RC(amperity_config_new("acme", NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    OK(amperity_config_new("acme", &config));

    /* No credentials yet. */
    CHECK_RC(amperity_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(client == (amperity_client *)0x1);
    CHECK(strstr(last_message(), "credentials") != NULL);

    /* Every setter: NULL handle, NULL/invalid strings. */
    CHECK_RC(amperity_config_set_token(NULL, "t"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_token(config, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_token(config, invalid_utf8), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_config_set_client_credentials(config, NULL, "s"),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_client_credentials(config, "c", invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_config_set_token_url(NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_token_url(config, invalid_utf8), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_config_set_region(config, 77), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_config_set_region(NULL, AMPERITY_REGION_AWS),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_base_url(config, invalid_utf8), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_config_set_api_version(NULL, "x"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_timeouts(NULL, 1, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_retry(NULL, 1, 1, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_max_retry_after(NULL, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_rate_limit(NULL, 1.0), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_add_root_certificate_pem(config, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_proxy(config, invalid_utf8), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_config_set_user_agent_suffix(NULL, "x"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_config_set_max_response_bytes(NULL, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_client_new(NULL, &client), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_client_new(config, NULL), AMPERITY_RESULT_NULL_ARGUMENT);

    /* Valid settings for every region build a client (no I/O at build time). */
    OK(amperity_config_set_token(config, "mock-token"));
    const uint32_t regions[] = {AMPERITY_REGION_AWS, AMPERITY_REGION_AZURE,
                                AMPERITY_REGION_AUSTRALIA};
    const char *expected_urls[] = {"https://app.amperity.com/api", "https://acme.amperity.com/api",
                                   "https://app-aws-apse2.amperity.com/api"};
    for (int i = 0; i < 3; i++) {
        OK(amperity_config_set_region(config, regions[i]));
        client = NULL;
        OK(amperity_client_new(config, &client));
        const char *url = NULL;
        OK(amperity_client_base_url(client, &url, NULL));
        CHECK(url != NULL && strcmp(url, expected_urls[i]) == 0);
        amperity_client_free(client);
    }

    /* Refused settings: INVALID_CONFIG from amperity_client_new. */
    amperity_config *bad = NULL;

    OK(amperity_config_new("", &bad));
    OK(amperity_config_set_token(bad, "t"));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    amperity_config_free(bad);

    OK(amperity_config_new("acme", &bad));
    OK(amperity_config_set_token(bad, "t"));
    OK(amperity_config_set_base_url(bad, "http://example.com/api"));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(strstr(last_message(), "https") != NULL);
    OK(amperity_config_set_base_url(bad, NULL));
    OK(amperity_config_set_retry(bad, 0, 10, 10));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_config_set_retry(bad, 3, 100, 10));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_config_set_retry(bad, 3, 10, 100));
    OK(amperity_config_set_rate_limit(bad, -5.0));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_config_set_rate_limit(bad, 50.0));
    OK(amperity_config_set_max_response_bytes(bad, 0));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_config_set_max_response_bytes(bad, 1 << 20));
    OK(amperity_config_set_api_version(bad, "has space"));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_config_set_api_version(bad, NULL));
    OK(amperity_config_add_root_certificate_pem(bad, "-----BEGIN CERTIFICATE-----\nnot base64!\n"
                                                     "-----END CERTIFICATE-----\n"));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    amperity_config_free(bad);

    OK(amperity_config_new("acme", &bad));
    OK(amperity_config_set_client_credentials(bad, "", "secret"));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_config_set_client_credentials(bad, "id", "secret"));
    OK(amperity_config_set_token_url(bad, "ftp://x/token"));
    CHECK_RC(amperity_client_new(bad, &client), AMPERITY_RESULT_INVALID_CONFIG);
    amperity_config_free(bad);

    amperity_config_free(config);
}

/* Sets or (value NULL) unsets one environment variable. */
static void set_env(const char *name, const char *value) {
    if (value) {
        setenv(name, value, 1);
    } else {
        unsetenv(name);
    }
}

static void clear_amperity_env(void) {
    const char *names[] = {"AMPERITY_TENANT",        "AMPERITY_TOKEN",      "AMPERITY_CLIENT_ID",
                           "AMPERITY_CLIENT_SECRET", "AMPERITY_TOKEN_URL",  "AMPERITY_REGION",
                           "AMPERITY_BASE_URL",      "AMPERITY_API_VERSION"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) set_env(names[i], NULL);
}

static void test_config_from_env_and_credentials(void) {
    amperity_client *client = NULL;
    amperity_config *config = NULL;

    /* The environment: the same variables as every language, read by the core. */
    clear_amperity_env();
    CHECK_RC(amperity_config_from_env(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    config = (amperity_config *)0x1;
    CHECK_RC(amperity_config_from_env(&config), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(config == (amperity_config *)0x1); /* out-parameter untouched on failure */
    CHECK(strcmp(last_message(), "invalid configuration: AMPERITY_TENANT is not set") == 0);
    set_env("AMPERITY_TENANT", "acme");
    set_env("AMPERITY_REGION", "mars");
    config = NULL;
    CHECK_RC(amperity_config_from_env(&config), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(strstr(last_message(), "AMPERITY_REGION must be aws, azure or australia") != NULL);
    set_env("AMPERITY_REGION", "azure");
    set_env("AMPERITY_TOKEN", "mock-token");
    OK(amperity_config_from_env(&config));
    OK(amperity_client_new(config, &client));
    const char *url = NULL;
    OK(amperity_client_base_url(client, &url, NULL));
    CHECK(strcmp(url, "https://acme.amperity.com/api") == 0);
    amperity_client_free(client);
    amperity_config_free(config);
    set_env("AMPERITY_BASE_URL", base_url);
    config = NULL;
    OK(amperity_config_from_env(&config));
    OK(amperity_config_set_rate_limit(config, 0.0)); /* further settings still apply */
    OK(amperity_client_new(config, &client));
    amperity_object *body = NULL;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    amperity_client_free(client);
    amperity_config_free(config);

    /* A token together with client credentials is refused, in either order. */
    set_env("AMPERITY_CLIENT_ID", "mock-client");
    set_env("AMPERITY_CLIENT_SECRET", "mock-secret");
    config = NULL;
    OK(amperity_config_from_env(&config));
    CHECK_RC(amperity_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(strcmp(last_message(),
                 "invalid configuration: set either a token or client credentials, not both") == 0);
    CHECK(strstr(last_message(), "mock-secret") == NULL);
    amperity_config_free(config);
    OK(amperity_config_new("acme", &config));
    OK(amperity_config_set_client_credentials(config, "mock-client", "mock-secret"));
    OK(amperity_config_set_token(config, "mock-token"));
    CHECK_RC(amperity_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    amperity_config_free(config);

    /* OAuth from the environment, the token URL set before the credentials: honoured. */
    set_env("AMPERITY_TOKEN", NULL);
    char token_url[300];
    snprintf(token_url, sizeof token_url, "%s/v0/oauth2/token", base_url);
    set_env("AMPERITY_TOKEN_URL", token_url);
    config = NULL;
    OK(amperity_config_from_env(&config));
    OK(amperity_config_set_rate_limit(config, 0.0));
    OK(amperity_client_new(config, &client));
    body = NULL;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    amperity_client_free(client);
    amperity_config_free(config);
    OK(amperity_config_new("acme", &config));
    OK(amperity_config_set_base_url(config, base_url));
    OK(amperity_config_set_token_url(config, "http://127.0.0.1:1/token"));
    OK(amperity_config_set_client_credentials(config, "mock-client", "mock-secret"));
    OK(amperity_config_set_retry(config, 1, 10, 10));
    OK(amperity_client_new(config, &client));
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, NULL, &body), AMPERITY_RESULT_TRANSPORT);
    amperity_client_free(client);
    amperity_config_free(config);

    /* A SOCKS proxy is used (nothing listens on port 1): a transport error, not a panic. */
    config = mock_config();
    OK(amperity_config_set_proxy(config, "socks5://user:s0cks-pw@127.0.0.1:1"));
    OK(amperity_config_set_retry(config, 1, 10, 10));
    OK(amperity_client_new(config, &client));
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, NULL, &body), AMPERITY_RESULT_TRANSPORT);
    CHECK(strstr(last_message(), "s0cks-pw") == NULL);
    amperity_client_free(client);
    amperity_config_free(config);
    clear_amperity_env();
}

static void test_client_info(void) {
    amperity_config *config = mock_config();
    OK(amperity_config_set_api_version(config, "unstable"));
    OK(amperity_config_set_user_agent_suffix(config, "c-tests/1.0"));
    amperity_client *client = NULL;
    OK(amperity_client_new(config, &client));
    amperity_config_free(config);

    const char *text = NULL;
    size_t len = 0;
    OK(amperity_client_tenant(client, &text, &len));
    CHECK(strcmp(text, "acme") == 0 && len == 4);
    OK(amperity_client_base_url(client, &text, NULL));
    CHECK(strcmp(text, base_url) == 0);
    OK(amperity_client_api_version(client, &text, &len));
    CHECK(strcmp(text, "unstable") == 0 && len == 8);
    OK(amperity_client_user_agent(client, &text, NULL));
    CHECK(strstr(text, "amperity-rust/") != NULL && strstr(text, "amperity-c/") != NULL &&
          strstr(text, "c-tests/1.0") != NULL);
    CHECK_RC(amperity_client_tenant(NULL, &text, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_client_user_agent(client, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_client_free(client);
}

static void check_segment(const amperity_object *segment) {
    amperity_object_kind kind = 99;
    OK(amperity_object_get_kind(segment, &kind));
    CHECK(kind == AMPERITY_OBJECT_KIND_SEGMENT);
    const char *json = NULL;
    size_t json_len = 0;
    OK(amperity_object_json(segment, &json, &json_len));
    CHECK(json_len == strlen(json) && json[0] == '{' && strstr(json, "\"id\":\"seg-") != NULL);
    const char *id = NULL;
    size_t id_len = 0;
    OK(amperity_object_id(segment, &id, &id_len));
    CHECK(strncmp(id, "seg-", 4) == 0 && id_len == strlen(id));
    const char *same = NULL;
    OK(amperity_object_get_string(segment, "id", &same, NULL));
    CHECK(same == id);
    const char *name = NULL;
    OK(amperity_object_name(segment, &name, NULL));
    CHECK(strlen(name) > 0);
    const char *status = NULL;
    OK(amperity_object_state(segment, &status, NULL));
    CHECK(strlen(status) > 0);
}

static void test_segments_by_item(void) {
    amperity_client *client = mock_client();
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    OK(amperity_list_options_set_with_total(options, true));
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(client, options, &iter));
    amperity_list_options_free(options);

    char cursor[256];
    size_t len = 0;
    CHECK_RC(amperity_iter_cursor(iter, cursor, sizeof cursor, &len), AMPERITY_RESULT_NO_VALUE);
    int64_t total = -1;
    CHECK_RC(amperity_iter_total(iter, &total), AMPERITY_RESULT_NO_VALUE);
    CHECK(total == -1);
    bool done = true;
    OK(amperity_iter_is_done(iter, &done));
    CHECK(!done);

    size_t count = 0;
    for (;;) {
        amperity_object *segment = NULL;
        amperity_result rc = amperity_iter_next(iter, &segment);
        CHECK(rc == AMPERITY_RESULT_OK);
        if (rc != AMPERITY_RESULT_OK || segment == NULL) {
            break;
        }
        if (count == 0) {
            check_segment(segment);
            OK(amperity_iter_total(iter, &total));
            CHECK(total == (int64_t)segment_count);
            OK(amperity_iter_cursor(iter, NULL, 0, &len));
            CHECK(len > 0);
            CHECK_RC(amperity_iter_cursor(iter, cursor, 2, &len),
                     AMPERITY_RESULT_BUFFER_TOO_SMALL);
            OK(amperity_iter_cursor(iter, cursor, sizeof cursor, &len));
            CHECK(strlen(cursor) == len);
        }
        count++;
        amperity_object_free(segment);
    }
    CHECK(count == segment_count);
    OK(amperity_iter_is_done(iter, &done));
    CHECK(done);
    CHECK_RC(amperity_iter_cursor(iter, cursor, sizeof cursor, &len), AMPERITY_RESULT_NO_VALUE);
    amperity_object *after = (amperity_object *)0x1;
    OK(amperity_iter_next(iter, &after));
    CHECK(after == NULL);

    CHECK_RC(amperity_iter_next(NULL, &after), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_next(iter, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_total(NULL, &total), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_is_done(iter, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_cursor(iter, cursor, sizeof cursor, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_iter_free(iter);

    /* NULL options mean the defaults; NULL client or out-parameter is refused. */
    iter = NULL;
    OK(amperity_list_segments(client, NULL, &iter));
    amperity_object *first = NULL;
    OK(amperity_iter_next(iter, &first));
    CHECK(first != NULL);
    amperity_object_free(first);
    amperity_iter_free(iter);
    CHECK_RC(amperity_list_segments(NULL, NULL, &iter), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_segments(client, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_client_free(client);
}

static void test_object_accessors(void) {
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

/* Walks the segments page by page; fills ids[] with the first id of each page. */
static size_t walk_pages(amperity_client *client, const char *cursor, char ids[][64],
                         size_t max_pages, char *second_cursor, size_t cursor_len) {
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    OK(amperity_list_options_set_cursor(options, cursor));
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(client, options, &iter));
    amperity_list_options_free(options);
    size_t pages = 0;
    size_t records = 0;
    for (;;) {
        amperity_page *page = NULL;
        amperity_result rc = amperity_iter_next_page(iter, &page);
        CHECK(rc == AMPERITY_RESULT_OK);
        if (rc != AMPERITY_RESULT_OK || page == NULL) {
            break;
        }
        size_t len = 0;
        OK(amperity_page_len(page, &len));
        records += len;
        const amperity_object *item = NULL;
        if (len > 0 && pages < max_pages) {
            OK(amperity_page_item(page, 0, &item));
            const char *id = NULL;
            OK(amperity_object_id(item, &id, NULL));
            snprintf(ids[pages], 64, "%s", id);
        }
        CHECK_RC(amperity_page_item(page, len, &item), AMPERITY_RESULT_INVALID_ARGUMENT);
        const char *next = NULL;
        size_t next_len = 0;
        amperity_result next_rc = amperity_page_next_token(page, &next, &next_len);
        if (next_rc == AMPERITY_RESULT_OK) {
            CHECK(next_len == strlen(next) && next_len > 0);
            if (pages == 0 && second_cursor != NULL) {
                snprintf(second_cursor, cursor_len, "%s", next);
            }
        } else {
            CHECK(next_rc == AMPERITY_RESULT_NO_VALUE);
        }
        int64_t total = 0;
        CHECK_RC(amperity_page_total(page, &total), AMPERITY_RESULT_NO_VALUE);
        amperity_page_free(page);
        pages++;
    }
    amperity_iter_free(iter);
    CHECK(cursor != NULL || records == segment_count);
    return pages;
}

static void test_pages_and_resume(void) {
    amperity_client *client = mock_client();
    char ids[16][64];
    char resumed_ids[16][64];
    char cursor[256] = "";
    size_t pages = walk_pages(client, NULL, ids, 16, cursor, sizeof cursor);
    CHECK(pages == (segment_count + 99) / 100);
    CHECK(strlen(cursor) > 0);
    /* Resuming at the first page's next_token starts at the second page. */
    size_t resumed = walk_pages(client, cursor, resumed_ids, 16, NULL, 0);
    CHECK(resumed == pages - 1);
    CHECK(resumed > 0 && strcmp(resumed_ids[0], ids[1]) == 0);

    /* with_total: the first page carries it. */
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_with_total(options, true));
    OK(amperity_list_options_set_limit(options, 7));
    OK(amperity_list_options_set_cursor(options, ""));
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(client, options, &iter));
    amperity_page *page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    int64_t total = 0;
    OK(amperity_page_total(page, &total));
    CHECK(total == (int64_t)segment_count);
    size_t len = 0;
    OK(amperity_page_len(page, &len));
    CHECK(len == 7);
    amperity_page_free(page);
    CHECK_RC(amperity_iter_next_page(iter, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_next_page(NULL, &page), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_page_len(NULL, &len), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_page_item(NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_page_next_token(NULL, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_page_total(NULL, &total), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_iter_free(iter);

    CHECK_RC(amperity_list_options_new(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_options_set_limit(NULL, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_options_set_with_total(NULL, true), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_options_set_cursor(options, invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_list_options_add_filter(options, NULL, "x"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_options_add_filter(options, "x", invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    /* A filter the endpoint does not take is refused before any request. */
    OK(amperity_list_options_add_filter(options, "colour", "blue"));
    iter = (amperity_iter *)0x1;
    CHECK_RC(amperity_list_segments(client, options, &iter), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(iter == (amperity_iter *)0x1);
    CHECK_RC(amperity_list_campaigns(client, options, &iter), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "destination_data_template_id") != NULL);
    amperity_list_options_free(options);
    amperity_client_free(client);
}

/* Counts the items of an iterator, checking their kind. */
static size_t drain(amperity_iter *iter, amperity_object_kind expected_kind) {
    size_t count = 0;
    for (;;) {
        amperity_object *item = NULL;
        amperity_result rc = amperity_iter_next(iter, &item);
        CHECK(rc == AMPERITY_RESULT_OK);
        if (rc != AMPERITY_RESULT_OK || item == NULL) {
            break;
        }
        amperity_object_kind kind = 99;
        OK(amperity_object_get_kind(item, &kind));
        if (kind != expected_kind) {
            CHECK(kind == expected_kind);
        }
        count++;
        amperity_object_free(item);
    }
    return count;
}

static void test_other_lists(void) {
    amperity_client *client = mock_client();
    amperity_list_options *options = NULL;
    amperity_iter *iter = NULL;

    OK(amperity_list_campaigns(client, NULL, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_CAMPAIGN) > 0);
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

static void test_ingest(void) {
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

static void test_workflows(void) {
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

static void test_raw(void) {
    amperity_client *client = mock_client();
    amperity_object *body = NULL;
    uint16_t status = 0;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 2, \"with_total\": true}", &status,
                        &body));
    CHECK(status == 200);
    amperity_object *data = NULL;
    OK(amperity_object_get(body, "data", &data));
    size_t len = 0;
    OK(amperity_object_len(data, &len));
    CHECK(len == 2);
    amperity_object *first = NULL;
    OK(amperity_object_at(data, 0, &first));
    const char *id = NULL;
    OK(amperity_object_id(first, &id, NULL));
    CHECK(strncmp(id, "seg-", 4) == 0);
    CHECK_RC(amperity_object_at(data, 2, &first), AMPERITY_RESULT_INVALID_ARGUMENT);
    amperity_object_free(first);
    amperity_object_free(data);
    int64_t total = 0;
    OK(amperity_object_get_int(body, "total", &total));
    CHECK(total == (int64_t)segment_count);
    amperity_object_free(body);

    body = NULL;
    OK(amperity_raw_get(client, "/segments", NULL, NULL, &body));
    CHECK(body != NULL);
    amperity_object_free(body);

    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/segments", "{not json", &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/segments", "[1]", &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/segments", "{\"a\": {}}", &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "segments", NULL, &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/../x", NULL, &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/no-such-endpoint", NULL, &status, &body),
             AMPERITY_RESULT_NOT_FOUND);
    CHECK_RC(amperity_raw_get(client, NULL, NULL, &status, &body), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, &status, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(body == (amperity_object *)0x1);

    body = NULL;
    OK(amperity_raw_post(client, "/workflow/runs", "{\"config_id\": \"cg-raw\"}", false, &status,
                         &body));
    CHECK(status >= 200 && status < 300);
    const char *state = NULL;
    OK(amperity_object_state(body, &state, NULL));
    OK(amperity_object_id(body, &id, NULL));
    char stop_path[128];
    snprintf(stop_path, sizeof stop_path, "/workflow/runs/%s/stop", id);
    amperity_object *stopped = NULL;
    OK(amperity_raw_post(client, stop_path, NULL, true, NULL, &stopped));
    amperity_object_free(stopped);
    amperity_object_free(body);
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_post(client, "/workflow/runs", "{", false, NULL, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_post(client, "/workflow/runs", "{}", false, NULL, &body),
             AMPERITY_RESULT_BAD_REQUEST);
    CHECK(amperity_last_error_http_status() == 400);
    CHECK_RC(amperity_raw_post(NULL, "/x", NULL, false, NULL, &body),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_raw_post(client, invalid_utf8, NULL, false, NULL, &body),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK(body == (amperity_object *)0x1);

    /* Raw pages: filters become query parameters. */
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    amperity_iter *iter = NULL;
    OK(amperity_raw_pages(client, "/segments", options, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_JSON) == segment_count);
    amperity_iter_free(iter);
    OK(amperity_list_options_add_filter(options, "with_total", "true"));
    OK(amperity_raw_pages(client, "/segments", options, &iter));
    amperity_page *page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    OK(amperity_page_total(page, &total));
    CHECK(total == (int64_t)segment_count);
    amperity_page_free(page);
    amperity_iter_free(iter);
    amperity_list_options_free(options);
    OK(amperity_raw_pages(client, "no-slash", NULL, &iter));
    page = (amperity_page *)0x1;
    CHECK_RC(amperity_iter_next_page(iter, &page), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(page == (amperity_page *)0x1);
    amperity_iter_free(iter);
    CHECK_RC(amperity_raw_pages(client, NULL, NULL, &iter), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_client_free(client);
}

static void test_faults(void) {
    amperity_client *client = mock_client();
    amperity_object *body = (amperity_object *)0x1;
    amperity_iter *iter = NULL;
    amperity_object *item = (amperity_object *)0x1;
    uint16_t status = 0;
    mock_clear();

    /* 429 on every attempt: the retries are exhausted. */
    mock_fault("path=/api/segments,status=429,count=3");
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, &status, &body),
             AMPERITY_RESULT_RATE_LIMITED);
    CHECK(amperity_last_error_http_status() == 429);
    mock_clear();

    /* One 429 is retried and succeeds. */
    mock_fault("path=/api/segments,status=429,count=1");
    OK(amperity_list_segments(client, NULL, &iter));
    OK(amperity_iter_next(iter, &item));
    CHECK(item != NULL && item != (amperity_object *)0x1);
    amperity_object_free(item);
    amperity_iter_free(iter);
    mock_clear();

    /* A Retry-After longer than allowed comes back at once, with its value. */
    amperity_config *config = mock_config();
    OK(amperity_config_set_max_retry_after(config, 0));
    amperity_client *impatient = NULL;
    OK(amperity_client_new(config, &impatient));
    amperity_config_free(config);
    mock_fault("path=/api/segments,status=503,retry_after=1,count=1");
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(impatient, "/segments", NULL, &status, &body),
             AMPERITY_RESULT_SERVER_ERROR);
    uint64_t retry_after = 0;
    OK(amperity_last_error_retry_after_ms(&retry_after));
    CHECK(retry_after == 1000);
    amperity_client_free(impatient);
    mock_clear();

    /* An HTML error page from a proxy. */
    mock_fault("path=/api/segments,status=502,html,count=3");
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, &status, &body),
             AMPERITY_RESULT_SERVER_ERROR);
    CHECK(amperity_last_error_http_status() == 502);
    mock_clear();

    /* Malformed and truncated JSON. */
    mock_fault("path=/api/segments,malformed_json");
    item = (amperity_object *)0x1;
    OK(amperity_list_segments(client, NULL, &iter));
    CHECK_RC(amperity_iter_next(iter, &item), AMPERITY_RESULT_DECODE);
    CHECK(item == (amperity_object *)0x1);
    /* The iterator stays usable: the same call is retried and succeeds. */
    item = NULL;
    OK(amperity_iter_next(iter, &item));
    CHECK(item != NULL);
    amperity_object_free(item);
    amperity_iter_free(iter);
    mock_fault("path=/api/campaigns,truncated_json");
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/campaigns", NULL, &status, &body), AMPERITY_RESULT_DECODE);
    CHECK(body == (amperity_object *)0x1);
    mock_clear();

    /* The server closes the connection mid-body on every attempt. */
    mock_fault("path=/api/segments,close_mid_body,count=3");
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, &status, &body),
             AMPERITY_RESULT_TRANSPORT);
    CHECK(amperity_last_error_transport_kind() != AMPERITY_TRANSPORT_KIND_NONE);
    CHECK(amperity_last_error_http_status() == 0);
    mock_clear();

    /* A repeated cursor stops the walk instead of looping. */
    mock_fault("path=/api/segments,repeat_cursor,count=0");
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 10));
    OK(amperity_list_segments(client, options, &iter));
    amperity_result rc = AMPERITY_RESULT_OK;
    for (int i = 0; i < 100 && rc == AMPERITY_RESULT_OK; i++) {
        amperity_page *page = NULL;
        rc = amperity_iter_next_page(iter, &page);
        if (rc == AMPERITY_RESULT_OK && page == NULL) {
            break;
        }
        amperity_page_free(page);
    }
    CHECK(rc == AMPERITY_RESULT_REPEATED_CURSOR);
    amperity_iter_free(iter);
    mock_clear();

    /* An empty page that still has a cursor is skipped by amperity_iter_next. */
    mock_fault("path=/api/segments,empty_page,count=1");
    OK(amperity_list_segments(client, options, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_SEGMENT) == segment_count);
    amperity_iter_free(iter);
    mock_clear();

    /* A 500 on the second page: the walk resumes from the cursor. */
    OK(amperity_list_options_set_limit(options, 100));
    OK(amperity_list_segments(client, options, &iter));
    amperity_page *page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    amperity_page_free(page);
    mock_fault("path=/api/segments,status=500,count=3");
    page = (amperity_page *)0x1;
    CHECK_RC(amperity_iter_next_page(iter, &page), AMPERITY_RESULT_SERVER_ERROR);
    CHECK(page == (amperity_page *)0x1);
    char cursor[256];
    size_t cursor_len = 0;
    OK(amperity_iter_cursor(iter, cursor, sizeof cursor, &cursor_len));
    page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    size_t len = 0;
    OK(amperity_page_len(page, &len));
    CHECK(len > 0);
    amperity_page_free(page);
    amperity_iter_free(iter);
    amperity_list_options_free(options);
    mock_clear();

    /* A slow answer and a short request timeout. */
    config = mock_config();
    OK(amperity_config_set_timeouts(config, 1000, 150));
    OK(amperity_config_set_retry(config, 1, 10, 10));
    amperity_client *hasty = NULL;
    OK(amperity_client_new(config, &hasty));
    amperity_config_free(config);
    mock_fault("path=/api/segments,delay_ms=600");
    CHECK_RC(amperity_raw_get(hasty, "/segments", NULL, &status, &body), AMPERITY_RESULT_TIMEOUT);
    CHECK(amperity_last_error_transport_kind() == AMPERITY_TRANSPORT_KIND_TIMEOUT);
    amperity_client_free(hasty);
    mock_clear();

    /* Deprecation headers are collected per operation. */
    mock_fault("path=/api/segments,deprecation");
    body = NULL;
    OK(amperity_raw_get(client, "/segments", NULL, &status, &body));
    amperity_object_free(body);
    amperity_object *notices = NULL;
    OK(amperity_client_deprecation_notices(client, &notices));
    OK(amperity_object_len(notices, &len));
    CHECK(len >= 1);
    const char *json = NULL;
    OK(amperity_object_json(notices, &json, NULL));
    CHECK(strstr(json, "\"sunset\"") != NULL);
    amperity_object_free(notices);
    CHECK_RC(amperity_client_deprecation_notices(NULL, &notices), AMPERITY_RESULT_NULL_ARGUMENT);
    mock_clear();
    amperity_client_free(client);
}

static void test_auth_and_network(void) {
    /* A wrong token: 401. */
    amperity_config *config = mock_config();
    OK(amperity_config_set_token(config, "wrong-token"));
    amperity_client *client = NULL;
    OK(amperity_client_new(config, &client));
    amperity_object *body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, NULL, &body), AMPERITY_RESULT_UNAUTHORIZED);
    CHECK(amperity_last_error_http_status() == 401);
    amperity_client_free(client);

    /* OAuth client credentials against the mock's token endpoint (a config without a token:
     * one with both is refused). */
    amperity_config_free(config);
    OK(amperity_config_new("acme", &config));
    OK(amperity_config_set_base_url(config, base_url));
    OK(amperity_config_set_rate_limit(config, 0.0));
    char token_url[300];
    snprintf(token_url, sizeof token_url, "%s/v0/oauth2/token", base_url);
    OK(amperity_config_set_client_credentials(config, "mock-client", "mock-secret"));
    OK(amperity_config_set_token_url(config, token_url));
    OK(amperity_client_new(config, &client));
    body = NULL;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    amperity_client_free(client);
    OK(amperity_config_set_client_credentials(config, "mock-client", "wrong-secret"));
    OK(amperity_client_new(config, &client));
    body = (amperity_object *)0x1;
    amperity_result rc = amperity_raw_get(client, "/segments", NULL, NULL, &body);
    CHECK(rc == AMPERITY_RESULT_UNAUTHORIZED || rc == AMPERITY_RESULT_BAD_REQUEST);
    amperity_client_free(client);
    amperity_config_free(config);

    /* Nothing listens: a connect error once the retries are spent. */
    config = mock_config();
    OK(amperity_config_set_base_url(config, "http://127.0.0.1:1/api"));
    OK(amperity_client_new(config, &client));
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, NULL, &body), AMPERITY_RESULT_TRANSPORT);
    CHECK(amperity_last_error_transport_kind() == AMPERITY_TRANSPORT_KIND_CONNECT);
    amperity_client_free(client);

    /* A proxy that is not there. */
    OK(amperity_config_set_base_url(config, base_url));
    OK(amperity_config_set_proxy(config, "http://127.0.0.1:1"));
    OK(amperity_client_new(config, &client));
    rc = amperity_raw_get(client, "/segments", NULL, NULL, &body);
    CHECK(rc == AMPERITY_RESULT_TRANSPORT);
    amperity_client_free(client);
    OK(amperity_config_set_proxy(config, NULL));
    amperity_config_free(config);
    CHECK(body == (amperity_object *)0x1);
}

static void test_tls(void) {
    const char *tls_url = getenv("AMPERITY_TLS_BASE_URL");
    const char *cert_path = getenv("AMPERITY_TLS_CERT");
    CHECK(tls_url != NULL && cert_path != NULL);
    if (tls_url == NULL || cert_path == NULL) {
        return;
    }
    FILE *f = fopen(cert_path, "r");
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    char pem[16384];
    size_t n = fread(pem, 1, sizeof pem - 1, f);
    fclose(f);
    pem[n] = '\0';

    amperity_config *config = mock_config();
    OK(amperity_config_set_base_url(config, tls_url));
    amperity_client *client = NULL;
    OK(amperity_client_new(config, &client));
    amperity_object *body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, NULL, &body), AMPERITY_RESULT_TRANSPORT);
    CHECK(amperity_last_error_transport_kind() == AMPERITY_TRANSPORT_KIND_TLS);
    CHECK(body == (amperity_object *)0x1);
    amperity_client_free(client);

    OK(amperity_config_add_root_certificate_pem(config, pem));
    OK(amperity_client_new(config, &client));
    body = NULL;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    amperity_client_free(client);
    amperity_config_free(config);
}

/* ---- 8 threads sharing one client --------------------------------------------------------- */

struct worker {
    amperity_client *client;
    int index;
    size_t segments;
    int own_error_seen;
    int failures;
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    amperity_list_options *options = NULL;
    if (amperity_list_options_new(&options) != AMPERITY_RESULT_OK) {
        w->failures++;
        return NULL;
    }
    amperity_list_options_set_limit(options, 50);
    for (int round = 0; round < 2; round++) {
        amperity_iter *iter = NULL;
        if (amperity_list_segments(w->client, options, &iter) != AMPERITY_RESULT_OK) {
            w->failures++;
            continue;
        }
        for (;;) {
            amperity_object *segment = NULL;
            if (amperity_iter_next(iter, &segment) != AMPERITY_RESULT_OK) {
                w->failures++;
                break;
            }
            if (segment == NULL) {
                break;
            }
            w->segments++;
            amperity_object_free(segment);
        }
        amperity_iter_free(iter);
    }
    amperity_list_options_free(options);

    /* The last error is per thread: each thread sees its own 404. */
    char job[64];
    snprintf(job, sizeof job, "isj-thread-%d", w->index);
    amperity_object *missing = NULL;
    if (amperity_get_ingest_job(w->client, job, &missing) == AMPERITY_RESULT_NOT_FOUND) {
        char message[512];
        size_t len = 0;
        sched_yield();
        if (amperity_last_error_message(message, sizeof message, &len) == AMPERITY_RESULT_OK &&
            strstr(message, job) != NULL && amperity_last_error_http_status() == 404) {
            w->own_error_seen = 1;
        }
    }
    return NULL;
}

static void test_threads(void) {
    amperity_client *client = mock_client();
    pthread_t threads[8];
    struct worker workers[8];
    for (int i = 0; i < 8; i++) {
        workers[i] = (struct worker){client, i, 0, 0, 0};
        CHECK(pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].failures == 0);
        CHECK(workers[i].segments == 2 * segment_count);
        CHECK(workers[i].own_error_seen);
    }
    amperity_client_free(client);
}

int main(void) {
    origin = getenv("AMPERITY_MOCK_ORIGIN");
    const char *segments = getenv("AMPERITY_MOCK_SEGMENTS");
    if (origin == NULL || segments == NULL) {
        fprintf(stderr, "set AMPERITY_MOCK_ORIGIN and AMPERITY_MOCK_SEGMENTS (tests/c.sh does)\n");
        return 2;
    }
    snprintf(base_url, sizeof base_url, "%s/api", origin);
    segment_count = (size_t)strtoul(segments, NULL, 10);

    struct {
        const char *name;
        void (*run)(void);
    } tests[] = {
        {"version_and_names", test_version_and_names},
        {"last_error", test_last_error},
        {"config", test_config},
        {"config_from_env_and_credentials", test_config_from_env_and_credentials},
        {"client_info", test_client_info},
        {"segments_by_item", test_segments_by_item},
        {"object_accessors", test_object_accessors},
        {"pages_and_resume", test_pages_and_resume},
        {"other_lists", test_other_lists},
        {"ingest", test_ingest},
        {"workflows", test_workflows},
        {"raw", test_raw},
        {"faults", test_faults},
        {"auth_and_network", test_auth_and_network},
        {"tls", test_tls},
        {"threads", test_threads},
    };
    int tests_passed = 0;
    int tests_failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int failed_before = failed;
        tests[i].run();
        int ok = failed == failed_before;
        tests_passed += ok;
        tests_failed += !ok;
        printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
    }
    printf("(%d checks succeeded, %d failed)\n", passed, failed);
    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return failed == 0 ? 0 : 1;
}
