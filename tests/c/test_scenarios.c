/*
 * test_scenarios.c: the language-neutral scenario table (tests/scenarios.tsv; its header says
 * the format and the procedure), run against the shared mock, reset before every row.
 *
 * The table is found at $AMPERITY_SCENARIOS, else tests/scenarios.tsv below the working
 * directory (tests/c.sh runs from the repository root), else beside this source file.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <time.h>

/* The one table from the C result codes to the table's outcome names. */
static const struct {
    amperity_result code;
    const char *name;
} outcomes[] = {
    {AMPERITY_RESULT_OK, "ok"},
    {AMPERITY_RESULT_BAD_REQUEST, "bad_request"},
    {AMPERITY_RESULT_UNAUTHORIZED, "unauthorized"},
    {AMPERITY_RESULT_FORBIDDEN, "forbidden"},
    {AMPERITY_RESULT_NOT_FOUND, "not_found"},
    {AMPERITY_RESULT_CONFLICT, "conflict"},
    {AMPERITY_RESULT_RATE_LIMITED, "rate_limited"},
    {AMPERITY_RESULT_SERVER_ERROR, "server_error"},
    {AMPERITY_RESULT_API_OTHER, "api_other"},
    {AMPERITY_RESULT_TRANSPORT, "transport"},
    {AMPERITY_RESULT_TIMEOUT, "timeout"},
    {AMPERITY_RESULT_DECODE, "decode"},
    {AMPERITY_RESULT_REPEATED_CURSOR, "repeated_cursor"},
};

static const char *outcome_name(amperity_result rc) {
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
        if (outcomes[i].code == rc) {
            return outcomes[i].name;
        }
    }
    return amperity_result_name(rc);
}

enum { MAX_COLUMNS = 16 };

/* Splits `line` in place on `sep`; returns the number of fields (at most `max`). */
static size_t split(char *line, char sep, char **fields, size_t max) {
    size_t n = 0;
    char *start = line;
    for (;;) {
        char *end = strchr(start, sep);
        if (n < max) {
            fields[n++] = start;
        }
        if (end == NULL) {
            return n;
        }
        *end = '\0';
        start = end + 1;
    }
}

static char *read_table(void) {
    const char *candidates[3] = {getenv("AMPERITY_SCENARIOS"), "tests/scenarios.tsv", NULL};
    char beside[512];
    const char *here = __FILE__;
    const char *slash = strrchr(here, '/');
    if (slash != NULL) {
        snprintf(beside, sizeof beside, "%.*s/../scenarios.tsv", (int)(slash - here), here);
        candidates[2] = beside;
    }
    for (size_t i = 0; i < 3; i++) {
        if (candidates[i] == NULL || candidates[i][0] == '\0') {
            continue;
        }
        FILE *f = fopen(candidates[i], "rb");
        if (f == NULL) {
            continue;
        }
        size_t cap = 1 << 16, len = 0;
        char *text = malloc(cap);
        while (text != NULL) {
            size_t got = fread(text + len, 1, cap - len - 1, f);
            len += got;
            if (got == 0) {
                break;
            }
            if (cap - len < 1024) {
                char *bigger = realloc(text, cap * 2);
                if (bigger == NULL) {
                    free(text);
                    text = NULL;
                    break;
                }
                text = bigger;
                cap *= 2;
            }
        }
        fclose(f);
        if (text != NULL) {
            text[len] = '\0';
        }
        return text;
    }
    return NULL;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Fails one check naming the scenario. */
static void scenario_fail(const char *name, const char *what) {
    char message[768];
    snprintf(message, sizeof message, "scenario %s: %s", name, what);
    record(0, __FILE__, __LINE__, message);
}

/* The client a row's settings describe (see the table's header); NULL after a failed check. */
static amperity_client *scenario_client(const char *name, char *settings) {
    uint32_t attempts = 0;
    uint64_t initial = 1, max = 10, timeout = 5000, max_retry_after = 0, max_bytes = 0;
    int oauth = 0;
    char *pairs[MAX_COLUMNS];
    size_t n = split(settings, ',', pairs, MAX_COLUMNS);
    for (size_t i = 0; i < n; i++) {
        char *value = strchr(pairs[i], '=');
        if (value == NULL) {
            scenario_fail(name, "a setting without '='");
            return NULL;
        }
        *value++ = '\0';
        const char *key = pairs[i];
        if (strcmp(key, "attempts") == 0) {
            attempts = (uint32_t)strtoul(value, NULL, 10);
        } else if (strcmp(key, "backoff_ms") == 0) {
            char *dash = strchr(value, '-');
            initial = strtoull(value, NULL, 10);
            max = dash ? strtoull(dash + 1, NULL, 10) : initial;
        } else if (strcmp(key, "timeout_ms") == 0) {
            timeout = strtoull(value, NULL, 10);
        } else if (strcmp(key, "max_retry_after_ms") == 0) {
            max_retry_after = strtoull(value, NULL, 10);
        } else if (strcmp(key, "max_response_bytes") == 0) {
            max_bytes = strtoull(value, NULL, 10);
        } else if (strcmp(key, "auth") == 0 && strcmp(value, "client_credentials") == 0) {
            oauth = 1;
        } else if (strcmp(key, "auth") == 0 && strcmp(value, "token") == 0) {
            oauth = 0;
        } else {
            scenario_fail(name, "unknown setting");
            return NULL;
        }
    }
    if (attempts == 0) {
        scenario_fail(name, "attempts is required");
        return NULL;
    }
    amperity_config *config = NULL;
    OK(amperity_config_new("acme", &config));
    OK(amperity_config_set_base_url(config, base_url));
    if (oauth) {
        OK(amperity_config_set_client_credentials(config, "mock-client", "mock-secret"));
    } else {
        OK(amperity_config_set_token(config, "mock-token"));
    }
    OK(amperity_config_set_retry(config, attempts, initial, max));
    OK(amperity_config_set_rate_limit(config, 0.0));
    OK(amperity_config_set_timeouts(config, 2000, timeout));
    if (max_retry_after > 0) {
        OK(amperity_config_set_max_retry_after(config, max_retry_after));
    }
    if (max_bytes > 0) {
        OK(amperity_config_set_max_response_bytes(config, max_bytes));
    }
    amperity_client *client = NULL;
    OK(amperity_client_new(config, &client));
    amperity_config_free(config);
    return client;
}

/* Walks `iter` page by page to the end (or to the first error). */
static amperity_result walk(amperity_iter *iter, int first_page_only) {
    for (;;) {
        amperity_page *page = NULL;
        amperity_result rc = amperity_iter_next_page(iter, &page);
        if (rc != AMPERITY_RESULT_OK || page == NULL) {
            return rc;
        }
        amperity_page_free(page);
        if (first_page_only) {
            return AMPERITY_RESULT_OK;
        }
    }
}

static amperity_result call(amperity_client *client, const char *name, const char *what,
                            const char *workflow_id) {
    amperity_object *out = NULL;
    uint16_t status = 0;
    amperity_result rc;
    int first_page = strcmp(what, "list_segments_first_page") == 0;
    if (first_page || strcmp(what, "list_segments_walk") == 0) {
        amperity_list_options *options = NULL;
        OK(amperity_list_options_new(&options));
        OK(amperity_list_options_set_limit(options, first_page ? 10 : 100));
        amperity_iter *iter = NULL;
        rc = amperity_list_segments(client, options, &iter);
        amperity_list_options_free(options);
        if (rc == AMPERITY_RESULT_OK) {
            rc = walk(iter, first_page);
            amperity_iter_free(iter);
        }
        return rc;
    }
    if (strcmp(what, "get_workflow_run") == 0) {
        rc = amperity_get_workflow_run(client, workflow_id, AMPERITY_WORKFLOW_VIEW_OVERVIEW, &out);
    } else if (strcmp(what, "run_workflow") == 0) {
        rc = amperity_run_workflow(client, "cg-scenario", NULL, NULL, AMPERITY_RUN_MODE_DEFAULT,
                                   &out);
    } else if (strcmp(what, "raw_get") == 0) {
        rc = amperity_raw_get(client, "/segments", NULL, &status, &out);
    } else if (strcmp(what, "raw_post") == 0 || strcmp(what, "raw_post_idempotent") == 0) {
        rc = amperity_raw_post(client, "/workflow/runs", "{\"config_id\":\"cg-scenario\"}",
                               strcmp(what, "raw_post_idempotent") == 0, &status, &out);
    } else {
        scenario_fail(name, "unknown call");
        return AMPERITY_RESULT_UNKNOWN;
    }
    if (rc == AMPERITY_RESULT_OK) {
        amperity_object_free(out);
    }
    return rc;
}

/* The first run's id of GET /workflow/runs?limit=1 into `out`; 0 on failure. */
static int first_workflow_id(char *out, size_t len) {
    amperity_client *setup = mock_client();
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 1));
    amperity_iter *iter = NULL;
    amperity_object *item = NULL;
    int ok = 0;
    if (amperity_list_workflow_runs(setup, options, &iter) == AMPERITY_RESULT_OK) {
        if (amperity_iter_next(iter, &item) == AMPERITY_RESULT_OK && item != NULL) {
            const char *id = NULL;
            size_t id_len = 0;
            if (amperity_object_id(item, &id, &id_len) == AMPERITY_RESULT_OK && id_len < len) {
                memcpy(out, id, id_len + 1);
                ok = 1;
            }
            amperity_object_free(item);
        }
        amperity_iter_free(iter);
    }
    amperity_list_options_free(options);
    amperity_client_free(setup);
    return ok;
}

static void run_row(char **columns, size_t ncolumns, char **cells) {
    const char *c_name = NULL, *c_fault = NULL, *c_call = NULL, *c_outcome = NULL;
    const char *c_status = NULL, *c_requests = NULL, *c_min = NULL, *c_max = NULL;
    char *c_settings = NULL;
    for (size_t i = 0; i < ncolumns; i++) {
        const char *col = columns[i];
        if (strcmp(col, "name") == 0) c_name = cells[i];
        else if (strcmp(col, "fault") == 0) c_fault = cells[i];
        else if (strcmp(col, "call") == 0) c_call = cells[i];
        else if (strcmp(col, "settings") == 0) c_settings = cells[i];
        else if (strcmp(col, "outcome") == 0) c_outcome = cells[i];
        else if (strcmp(col, "status") == 0) c_status = cells[i];
        else if (strcmp(col, "requests") == 0) c_requests = cells[i];
        else if (strcmp(col, "min_ms") == 0) c_min = cells[i];
        else if (strcmp(col, "max_ms") == 0) c_max = cells[i];
    }
    if (!c_name || !c_fault || !c_call || !c_settings || !c_outcome || !c_status ||
        !c_requests || !c_min || !c_max) {
        scenario_fail(c_name ? c_name : "?", "a column is missing");
        return;
    }
    const char *name = c_name;
    mock_reset();
    char workflow_id[128] = "";
    if (strcmp(c_call, "get_workflow_run") == 0 &&
        !first_workflow_id(workflow_id, sizeof workflow_id)) {
        scenario_fail(name, "setup: no workflow run");
        return;
    }
    CHECK(mock_http("DELETE", "/__mock/requests", NULL) == 204);
    if (strcmp(c_fault, "-") != 0) {
        int installed = mock_http("POST", "/__mock/faults", c_fault);
        if (installed != 201) {
            scenario_fail(name, "the mock refused the fault spec");
            return;
        }
    }
    amperity_client *client = scenario_client(name, c_settings);
    if (client == NULL) {
        return;
    }
    amperity_last_error_clear();
    double started = now_ms();
    amperity_result rc = call(client, name, c_call, workflow_id);
    double took = now_ms() - started;
    unsigned status = amperity_result_is_api_error(rc) ? amperity_last_error_http_status() : 0;
    char message[512] = "";
    if (rc != AMPERITY_RESULT_OK) {
        size_t len = 0;
        if (amperity_last_error_message(message, sizeof message, &len) !=
            AMPERITY_RESULT_OK) {
            message[0] = '\0';
        }
    }
    amperity_client_free(client);
    long sent = mock_api_requests();

    char what[768];
    int ok = 1;
    if (strcmp(outcome_name(rc), c_outcome) != 0) {
        snprintf(what, sizeof what, "outcome %s, expected %s (%s)", outcome_name(rc), c_outcome,
                 message);
        scenario_fail(name, what);
        ok = 0;
    }
    unsigned expected_status = strcmp(c_status, "-") == 0 ? 0 : (unsigned)atoi(c_status);
    if (status != expected_status) {
        snprintf(what, sizeof what, "status %u, expected %s", status, c_status);
        scenario_fail(name, what);
        ok = 0;
    }
    if (sent != atol(c_requests)) {
        snprintf(what, sizeof what, "%ld requests, expected %s", sent, c_requests);
        scenario_fail(name, what);
        ok = 0;
    }
    if (strcmp(c_min, "-") != 0 && took < atof(c_min)) {
        snprintf(what, sizeof what, "took %.0f ms, expected at least %s ms", took, c_min);
        scenario_fail(name, what);
        ok = 0;
    }
    if (strcmp(c_max, "-") != 0 && took > atof(c_max)) {
        snprintf(what, sizeof what, "took %.0f ms, expected at most %s ms", took, c_max);
        scenario_fail(name, what);
        ok = 0;
    }
    if (ok) {
        record(1, __FILE__, __LINE__, name);
    }
}

void test_scenarios(void) {
    char *text = read_table();
    if (text == NULL) {
        record(0, __FILE__, __LINE__, "tests/scenarios.tsv not found (set AMPERITY_SCENARIOS)");
        return;
    }
    char *columns[MAX_COLUMNS];
    size_t ncolumns = 0;
    size_t rows = 0;
    char *next = text;
    while (next != NULL) {
        char *line = next;
        char *newline = strchr(line, '\n');
        if (newline != NULL) {
            *newline = '\0';
            next = newline + 1;
        } else {
            next = NULL;
        }
        size_t line_len = strlen(line);
        if (line_len > 0 && line[line_len - 1] == '\r') {
            line[--line_len] = '\0';
        }
        if (line_len == 0 || line[0] == '#') {
            continue;
        }
        if (ncolumns == 0) {
            ncolumns = split(line, '\t', columns, MAX_COLUMNS);
            continue;
        }
        char *cells[MAX_COLUMNS];
        size_t n = split(line, '\t', cells, MAX_COLUMNS);
        if (n != ncolumns) {
            scenario_fail(cells[0], "wrong number of cells");
            continue;
        }
        run_row(columns, ncolumns, cells);
        rows++;
    }
    CHECK(rows >= 40);
    mock_reset();
    free(text);
}
