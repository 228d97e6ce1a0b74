/*
 * test_config.c: configuration: the setters, refused settings, the environment,
 * token and client credentials, and the client's read-only information.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

void test_config(void) {
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

void test_config_from_env_and_credentials(void) {
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

void test_client_info(void) {
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
