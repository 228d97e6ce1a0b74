/*
 * test_network.c: authentication (a wrong token, OAuth client credentials), unreachable servers
 * and proxies, and TLS with the mock's self-signed certificate.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

void test_auth_and_network(void) {
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

void test_tls(void) {
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

    /* The same certificate from a file (ca_file); a missing file is refused at build. */
    config = mock_config();
    OK(amperity_config_set_base_url(config, tls_url));
    OK(amperity_config_set_ca_file(config, cert_path));
    OK(amperity_client_new(config, &client));
    body = NULL;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    amperity_client_free(client);
    OK(amperity_config_set_ca_file(config, "/nonexistent/amperity-ca.pem"));
    client = (amperity_client *)0x1;
    CHECK_RC(amperity_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(client == (amperity_client *)0x1);
    const char *message = last_message();
    CHECK(message != NULL && strstr(message, "ca_file") != NULL);
    CHECK_RC(amperity_config_set_ca_file(config, invalid_utf8), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_config_set_ca_file(NULL, cert_path), AMPERITY_RESULT_NULL_ARGUMENT);

    /* The platform verifier does not know the self-signed certificate, and does not mix with
     * extra roots. */
    OK(amperity_config_set_ca_file(config, NULL));
    OK(amperity_config_set_platform_verifier(config, true));
    OK(amperity_client_new(config, &client));
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, NULL, &body), AMPERITY_RESULT_TRANSPORT);
    amperity_client_free(client);
    OK(amperity_config_set_ca_file(config, cert_path));
    CHECK_RC(amperity_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK_RC(amperity_config_set_platform_verifier(NULL, true), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_config_free(config);
}
