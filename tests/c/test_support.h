/*
 * test_support.h: what the C API tests share: the check counters and CHECK macros, the mock
 * server's address and control endpoints, a few helpers, and the tests themselves (one
 * function per test, run in order by test_main.c).
 *
 * Every test file defines _POSIX_C_SOURCE 200809L before including this header first.
 */
#ifndef AMPERITY_TEST_SUPPORT_H
#define AMPERITY_TEST_SUPPORT_H

#include <amperity.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- checks ------------------------------------------------------------------------------- */

/* Counts one check (thread-safe); prints a failed one with the last error. */
void record(int ok, const char *file, int line, const char *what);
/* The number of checks that failed so far. */
int checks_failed(void);
/* The number of checks that succeeded so far. */
int checks_passed(void);

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

/* ---- the mock server (set by main from the environment) ----------------------------------- */

extern const char *origin;
extern char base_url[256];
extern size_t segment_count;

/* Its control endpoints, over a plain socket. */
int mock_http(const char *method, const char *path, const char *body);
void mock_fault(const char *spec);
void mock_clear(void);
/* The whole answer's body (malloc'd, NUL-terminated; NULL on failure) and its status. */
char *mock_http_body(const char *method, const char *path, int *out_status);
/* Clears the fault rules and the recorded requests. */
void mock_reset(void);
/* Recorded requests under /api/, the OAuth token endpoint excluded; -1 on failure. */
long mock_api_requests(void);

/* ---- helpers ------------------------------------------------------------------------------ */

amperity_config *mock_config(void);
amperity_client *mock_client(void);
char *last_message(void);
void timestamp(char *out, size_t len, long offset_seconds);
size_t drain(amperity_iter *iter, amperity_object_kind expected_kind);

extern const char invalid_utf8[];

/* ---- the tests, in the order test_main.c runs them ---------------------------------------- */

void test_version_and_names(void);                 /* test_errors.c */
void test_last_error(void);                        /* test_errors.c */
void test_config(void);                            /* test_config.c */
void test_config_from_env_and_credentials(void);   /* test_config.c */
void test_client_info(void);                       /* test_config.c */
void test_segments_by_item(void);                  /* test_pagination.c */
void test_object_accessors(void);                  /* test_objects.c */
void test_pages_and_resume(void);                  /* test_pagination.c */
void test_page_items_match_iterated_items(void);   /* test_pagination.c */
void test_read_ahead(void);                        /* test_pagination.c */
void test_other_lists(void);                       /* test_lists.c */
void test_ingest(void);                            /* test_lists.c */
void test_profile(void);                           /* test_profile.c */
void test_stream(void);                            /* test_stream.c */
void test_workflows(void);                         /* test_workflows.c */
void test_raw(void);                               /* test_raw.c */
void test_faults(void);                            /* test_faults.c */
void test_scenarios(void);                         /* test_scenarios.c */
void test_auth_and_network(void);                  /* test_network.c */
void test_tls(void);                               /* test_network.c */
void test_threads(void);                           /* test_threads.c */
void test_cancel(void);                            /* test_cancel.c */
void test_cancel_token(void);                      /* test_cancel_token.c */
void test_logging(void);                           /* test_logging.c */

#endif
