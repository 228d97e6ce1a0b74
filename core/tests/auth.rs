//! Static tokens and OAuth2 client credentials: caching, expiry, refresh on 401, threads, and
//! secrets that never leak into Debug output, errors or logs.

mod common;

use amperity::*;
use common::*;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Captures every log record of this test binary so tests can look for leaked secrets.
struct CaptureLogger(Mutex<Vec<String>>);

impl log::Log for CaptureLogger {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", record.target(), record.args()));
    }
    fn flush(&self) {}
}

fn logs() -> &'static CaptureLogger {
    static LOGGER: OnceLock<&'static CaptureLogger> = OnceLock::new();
    LOGGER.get_or_init(|| {
        let logger: &'static CaptureLogger =
            Box::leak(Box::new(CaptureLogger(Mutex::new(Vec::new()))));
        log::set_logger(logger).unwrap();
        log::set_max_level(log::LevelFilter::Trace);
        logger
    })
}

fn oauth(server: &amperity_mock::MockServer, secret: &str) -> Client {
    bare_builder(server)
        .client_credentials("mock-client", secret)
        .build()
        .unwrap()
}

fn token_requests(server: &amperity_mock::MockServer) -> usize {
    requests_to(server, "/api/v0/oauth2/token").len()
}

#[test]
fn static_token_is_sent_and_a_bad_one_is_unauthorized() {
    let server = server();
    assert!(client(&server)
        .list_segments(PageOptions::limit(1))
        .next_page()
        .is_ok());
    let wrong = builder(&server).token("wrong-token").build().unwrap();
    let err = wrong
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!((api.status, api.kind), (401, ApiErrorKind::Unauthorized));
    assert_eq!(
        requests_to(&server, "/api/segments").len(),
        2,
        "a static token is never retried on 401"
    );
}

#[test]
fn client_credentials_fetch_once_and_cache() {
    let server = server();
    let client = oauth(&server, "mock-secret");
    for _ in 0..3 {
        client
            .list_segments(PageOptions::limit(5))
            .next_page()
            .unwrap();
    }
    assert_eq!(token_requests(&server), 1);
    let token_request = requests_to(&server, "/api/v0/oauth2/token").pop().unwrap();
    assert_eq!(token_request.method, "POST");
    assert_eq!(header(&token_request, "x-amperity-tenant"), Some("acme"));
    assert_eq!(
        header(&token_request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(token_request.body.contains("grant_type=client_credentials"));
    assert!(token_request.body.contains("client_id=mock-client"));
    assert!(
        !token_request.body.contains("mock-secret"),
        "the mock masks it; it must have been sent"
    );
}

#[test]
fn expired_tokens_are_refreshed_before_use() {
    let server = server_with(|c| c.token_ttl = Duration::from_millis(1500));
    let client = oauth(&server, "mock-secret");
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    assert_eq!(token_requests(&server), 2);
    let unauthorized = requests_to(&server, "/api/segments").len();
    assert_eq!(
        unauthorized, 2,
        "the refresh happens before the request, not after a 401"
    );
}

#[test]
fn a_401_refreshes_the_token_once_and_retries_once() {
    let server = server();
    let client = oauth(&server, "mock-secret");
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    fault(&server, "path=/api/segments,status=401,count=1");
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    assert_eq!(token_requests(&server), 2);
    assert_eq!(requests_to(&server, "/api/segments").len(), 3);

    fault(&server, "path=/api/segments,status=401,count=0");
    let err = client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(token_requests(&server), 3, "only one refresh per call");
    assert_eq!(requests_to(&server, "/api/segments").len(), 5);
}

#[test]
fn wrong_client_secret_is_an_unauthorized_api_error_without_the_secret() {
    let _ = logs();
    let server = server();
    let client = oauth(&server, "s3cr3t-value-never-shown");
    let err = client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!((api.status, api.operation.as_str()), (401, "oauth2-token"));
    for text in [format!("{err}"), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains("s3cr3t-value-never-shown"), "{text}");
    }
    assert!(requests_to(&server, "/api/segments").is_empty());
}

#[test]
fn secrets_never_show_in_debug_output_or_logs() {
    let logs = logs();
    let server = server_with(|c| {
        c.tokens = vec!["static-token-XYZ".into()];
        c.client_secret = "client-secret-XYZ".into();
    });
    let builder = builder(&server).token("static-token-XYZ");
    assert!(!format!("{builder:?}").contains("static-token-XYZ"));
    let static_client = builder.build().unwrap();
    static_client
        .list_segments(PageOptions::limit(2))
        .next_page()
        .unwrap();
    let oauth_builder =
        common::bare_builder(&server).client_credentials("mock-client", "client-secret-XYZ");
    assert!(!format!("{oauth_builder:?}").contains("client-secret-XYZ"));
    let oauth_client = oauth_builder.build().unwrap();
    oauth_client
        .list_segments(PageOptions::limit(2))
        .next_page()
        .unwrap();
    fault(&server, "path=/api/segments,status=503,count=1");
    oauth_client
        .list_segments(PageOptions::limit(2))
        .next_page()
        .unwrap();
    let captured = logs.0.lock().unwrap();
    assert!(!captured.is_empty(), "debug logs were emitted");
    for line in captured.iter() {
        assert!(
            !line.contains("static-token-XYZ") && !line.contains("client-secret-XYZ"),
            "{line}"
        );
        assert!(!line.contains("Bearer ") || line.contains("***"), "{line}");
    }
    for client in [&static_client, &oauth_client] {
        let text = format!("{client:?}");
        assert!(!text.contains("XYZ"), "{text}");
    }
}

#[test]
fn eight_threads_share_one_token_fetch() {
    let server = server();
    let client = Arc::new(oauth(&server, "mock-secret"));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let client = Arc::clone(&client);
            std::thread::spawn(move || {
                client
                    .list_segments(PageOptions::limit(50))
                    .items()
                    .collect::<Result<Vec<_>>>()
                    .unwrap()
                    .len()
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), 250);
    }
    assert_eq!(token_requests(&server), 1, "single-flight refresh");
}

#[test]
fn the_builder_does_not_depend_on_call_order() {
    let server = server();
    // token_url before client_credentials: kept, and the token request goes there.
    let token_url = format!("{}/v0/oauth2/token", server.base_url());
    let client = bare_builder(&server)
        .token_url(token_url.clone())
        .client_credentials("mock-client", "mock-secret")
        .build()
        .unwrap();
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    assert_eq!(token_requests(&server), 1);
    // A token URL that is not the mock's: the request goes there and fails to connect, which
    // proves the setter was honoured whatever its place.
    let elsewhere = bare_builder(&server)
        .token_url("http://127.0.0.1:9/token")
        .client_credentials("mock-client", "mock-secret")
        .build()
        .unwrap();
    let err = elsewhere
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        token_requests(&server),
        1,
        "no token request reached the mock"
    );
}

#[test]
fn a_token_together_with_client_credentials_is_refused_in_either_order() {
    let server = server();
    for builder in [
        bare_builder(&server)
            .token("t")
            .client_credentials("mock-client", "mock-secret"),
        bare_builder(&server)
            .client_credentials("mock-client", "mock-secret")
            .token("t"),
    ] {
        match builder.build() {
            Err(Error::Config { detail }) => {
                assert_eq!(detail, "set either a token or client credentials, not both");
            }
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }
    match bare_builder(&server)
        .token_url("https://login.example.com/token")
        .token("t")
        .build()
    {
        Err(Error::Config { detail }) => {
            assert_eq!(detail, "token_url is only used with client credentials")
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}
