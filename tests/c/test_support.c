/*
 * test_support.c: the check counters, the mock server's control endpoints and the helpers the
 * C API tests share (see test_support.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int passed;
static int failed;
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

void record(int ok, const char *file, int line, const char *what) {
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

int checks_failed(void) {
    pthread_mutex_lock(&count_lock);
    int n = failed;
    pthread_mutex_unlock(&count_lock);
    return n;
}

int checks_passed(void) {
    pthread_mutex_lock(&count_lock);
    int n = passed;
    pthread_mutex_unlock(&count_lock);
    return n;
}

const char *origin;
char base_url[256];
size_t segment_count;

/* ---- the mock's control endpoints, over a plain socket ---------------------------------- */

int mock_http(const char *method, const char *path, const char *body) {
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

char *mock_http_body(const char *method, const char *path, int *out_status) {
    *out_status = -1;
    const char *hostport = strstr(origin, "://");
    const char *colon = hostport ? strrchr(hostport + 3, ':') : NULL;
    if (colon == NULL) {
        return NULL;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return NULL;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(colon + 1));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char request[512];
    int n = snprintf(request, sizeof request,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                     "Connection: close\r\n\r\n",
                     method, path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        write(fd, request, (size_t)n) != n) {
        close(fd);
        return NULL;
    }
    /* Connection: close: the answer ends where the stream does. */
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            close(fd);
            return NULL;
        }
        if (cap - len < 2048) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                close(fd);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + len, cap - len - 1);
        if (got <= 0) {
            break;
        }
        len += (size_t)got;
    }
    close(fd);
    buf[len] = '\0';
    char *body = strstr(buf, "\r\n\r\n");
    if (len < 12 || body == NULL) {
        free(buf);
        return NULL;
    }
    *out_status = atoi(buf + 9);
    body += 4;
    memmove(buf, body, strlen(body) + 1);
    return buf;
}

void mock_reset(void) {
    CHECK(mock_http("DELETE", "/__mock/faults", NULL) == 204);
    CHECK(mock_http("DELETE", "/__mock/requests", NULL) == 204);
}

long mock_api_requests(void) {
    int status = 0;
    char *body = mock_http_body("GET", "/__mock/requests", &status);
    if (body == NULL || status != 200) {
        free(body);
        return -1;
    }
    /* Compact JSON: every recorded request has one "path":"..." member (a body or header that
     * mentions it is a JSON string, whose quotes are escaped). */
    static const char api[] = "\"path\":\"/api/";
    static const char oauth[] = "\"path\":\"/api/v0/oauth2/";
    long count = 0;
    for (const char *at = strstr(body, api); at != NULL; at = strstr(at + 1, api)) {
        if (strncmp(at, oauth, sizeof oauth - 1) != 0) {
            count++;
        }
    }
    free(body);
    return count;
}

void mock_fault(const char *spec) {
    int status = mock_http("POST", "/__mock/faults", spec);
    if (status != 201) {
        fprintf(stderr, "could not install fault %s: HTTP %d\n", spec, status);
    }
    CHECK(status == 201);
}

void mock_clear(void) { CHECK(mock_http("DELETE", "/__mock/faults", NULL) == 204); }

/* ---- helpers ------------------------------------------------------------------------------ */

/* A config for the mock with a fast retry policy and no rate limit. */
amperity_config *mock_config(void) {
    amperity_config *config = NULL;
    OK(amperity_config_new("acme", &config));
    OK(amperity_config_set_token(config, "mock-token"));
    OK(amperity_config_set_base_url(config, base_url));
    OK(amperity_config_set_retry(config, 3, 10, 50));
    OK(amperity_config_set_rate_limit(config, 0.0));
    OK(amperity_config_set_timeouts(config, 2000, 5000));
    return config;
}

amperity_client *mock_client(void) {
    amperity_config *config = mock_config();
    amperity_client *client = NULL;
    OK(amperity_client_new(config, &client));
    amperity_config_free(config);
    return client;
}

char *last_message(void) {
    static _Thread_local char message[1024];
    size_t len = 0;
    if (amperity_last_error_message(message, sizeof message, &len) != AMPERITY_RESULT_OK) {
        message[0] = '\0';
    }
    return message;
}

/* Timestamps relative to now, as RFC 3339 text. */
void timestamp(char *out, size_t len, long offset_seconds) {
    time_t t = time(NULL) + offset_seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char invalid_utf8[] = {(char)0xff, (char)0xfe, 0};


/* Counts the items of an iterator, checking their kind. */
size_t drain(amperity_iter *iter, amperity_object_kind expected_kind) {
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
