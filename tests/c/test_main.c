/*
 * test_main.c: the C API tests' runner. The tests (test_*.c, sharing test_support.c) call every
 * function of include/amperity.h against the mock server.
 *
 * Environment (set by tests/c.sh):
 *   AMPERITY_MOCK_ORIGIN   http://127.0.0.1:PORT of a plain-HTTP amperity-mock
 *   AMPERITY_MOCK_SEGMENTS number of segments that mock serves
 *   AMPERITY_TLS_BASE_URL  https://127.0.0.1:PORT/api of a second mock started with --tls
 *   AMPERITY_TLS_CERT      path of that mock's self-signed certificate (PEM)
 * Prints one line per failed check and ends with "N passed, N failed"; exits 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

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
        {"page_items_match_iterated_items", test_page_items_match_iterated_items},
        {"read_ahead", test_read_ahead},
        {"other_lists", test_other_lists},
        {"ingest", test_ingest},
        {"profile", test_profile},
        {"stream", test_stream},
        {"workflows", test_workflows},
        {"raw", test_raw},
        {"faults", test_faults},
        {"scenarios", test_scenarios},
        {"auth_and_network", test_auth_and_network},
        {"tls", test_tls},
        {"threads", test_threads},
        {"cancel", test_cancel},
        {"cancel_token", test_cancel_token},
        {"logging", test_logging},
    };
    int tests_passed = 0;
    int tests_failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int failed_before = checks_failed();
        tests[i].run();
        int ok = checks_failed() == failed_before;
        tests_passed += ok;
        tests_failed += !ok;
        printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
    }
    printf("(%d checks succeeded, %d failed)\n", checks_passed(), checks_failed());
    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return checks_failed() == 0 ? 0 : 1;
}
