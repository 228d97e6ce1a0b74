//! Each kind of failure maps to its typed error, with the fields the scenario table
//! (`tests/scenarios.tsv`, run by `scenarios.rs`) does not look at: ids, messages, operations,
//! transport kinds.

mod common;

use amperity::*;
use common::*;
use std::time::Duration;

fn first_segment_page(client: &Client) -> Result<Option<Page<Segment>>> {
    client.list_segments(PageOptions::limit(10)).next_page()
}

#[test]
fn status_codes_map_to_kinds_with_ids() {
    let server = server();
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    for (status, kind) in [
        (400, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Unauthorized),
        (403, ApiErrorKind::Forbidden),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (429, ApiErrorKind::RateLimited),
        (500, ApiErrorKind::ServerError),
        (503, ApiErrorKind::ServerError),
        (418, ApiErrorKind::Other),
    ] {
        fault(&server, &format!("path=/api/segments,status={status}"));
        let err = first_segment_page(&client).unwrap_err();
        let api = err.as_api().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!((api.status, api.kind), (status, kind));
        assert!(
            api.request_id.is_some() && api.trace_id.is_some(),
            "{api:?}"
        );
        assert!(err.to_string().contains(&status.to_string()));
    }
}

#[test]
fn real_server_errors_for_bad_tenant_and_version() {
    let server = server();
    let other_tenant = Client::builder("globex")
        .base_url(server.base_url())
        .token("mock-token")
        .build()
        .unwrap();
    assert_eq!(
        first_segment_page(&other_tenant)
            .unwrap_err()
            .as_api()
            .unwrap()
            .kind,
        ApiErrorKind::Forbidden
    );
    let bad_version = builder(&server).api_version("1999-01-01").build().unwrap();
    assert_eq!(
        first_segment_page(&bad_version)
            .unwrap_err()
            .as_api()
            .unwrap()
            .kind,
        ApiErrorKind::BadRequest
    );
}

#[test]
fn html_error_pages_become_api_errors_with_a_snippet() {
    let server = server();
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    fault(&server, "path=/api/segments,status=502,html");
    let err = first_segment_page(&client).unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.status, 502);
    assert!(api.message.contains("non-JSON"), "{}", api.message);
    assert!(api.message.len() < 400);
}

#[test]
fn malformed_and_truncated_json_are_decode_errors_naming_the_operation() {
    let server = server();
    let client = client(&server);
    for spec in ["malformed_json", "truncated_json"] {
        fault(&server, &format!("path=/api/segments,{spec}"));
        match first_segment_page(&client).unwrap_err() {
            Error::Decode { operation, .. } => assert_eq!(operation, "list-segment"),
            other => panic!("{spec}: expected Decode, got {other:?}"),
        }
    }
    fault(&server, "path=/api/workflow/runs/,malformed_json");
    let run = client
        .list_workflow_runs(WorkflowRunFilter::default(), PageOptions::limit(1))
        .next_page()
        .unwrap()
        .unwrap();
    match client
        .get_workflow_run(&run.items[0].id, WorkflowView::Overview)
        .unwrap_err()
    {
        Error::Decode { operation, .. } => assert_eq!(operation, "get-workflow"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[test]
fn a_connection_closed_mid_body_is_a_connection_reset_naming_the_operation() {
    // How often it is retried is in the scenario table (tests/scenarios.tsv).
    let server = server();
    let client = client(&server);
    fault(&server, "path=/api/segments,close_mid_body,count=3");
    match first_segment_page(&client).unwrap_err() {
        Error::Transport {
            kind, operation, ..
        } => {
            assert_eq!(kind, TransportKind::ConnectionReset);
            assert_eq!(operation, "list-segment");
        }
        other => panic!("expected Transport, got {other:?}"),
    }
}

#[test]
fn connection_refused_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder("acme")
        .base_url(format!("http://127.0.0.1:{port}/api"))
        .token("t")
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    match first_segment_page(&client).unwrap_err() {
        Error::Transport { kind, .. } => assert_eq!(kind, TransportKind::Connect),
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[test]
fn huge_bodies_are_refused_at_the_configured_limit() {
    let server = server();
    let client = builder(&server)
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    fault(&server, "path=/api/segments,huge_body=5000000");
    match first_segment_page(&client).unwrap_err() {
        Error::Decode { detail, .. } => assert!(detail.contains("limit"), "{detail}"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[test]
fn bad_configuration_is_refused_with_a_clear_error() {
    let config_error = |b: ClientBuilder| match b.build().unwrap_err() {
        Error::Config { detail } => detail,
        other => panic!("expected Config, got {other:?}"),
    };
    let detail = config_error(
        Client::builder("acme")
            .base_url("http://app.amperity.com/api")
            .token("t"),
    );
    assert!(detail.contains("http://"), "{detail}");
    for tenant in ["", "acme\r\nX-Injected: 1", "a b", "ac/me"] {
        config_error(Client::builder(tenant).token("t"));
    }
    config_error(Client::builder("acme"));
    config_error(Client::builder("acme").token(""));
    config_error(Client::builder("acme").token("a\nb"));
    config_error(Client::builder("acme").client_credentials("", "x"));
    config_error(Client::builder("acme").token("t").api_version("2024 04"));
    config_error(Client::builder("acme").token("t").rate_limit(Some(0.0)));
    config_error(
        Client::builder("acme")
            .token("t")
            .retry_policy(RetryPolicy::new(0, Duration::ZERO, Duration::ZERO)),
    );
    config_error(
        Client::builder("acme")
            .token("t")
            .request_timeout(Duration::ZERO),
    );
    config_error(Client::builder("acme").token("t").proxy("::not a url::"));
    let ok = Client::builder("acme-sb-123").token("t").build().unwrap();
    assert_eq!(ok.base_url(), "https://app.amperity.com/api");
    let azure = Client::builder("acme")
        .region(Region::Azure)
        .token("t")
        .build()
        .unwrap();
    assert_eq!(azure.base_url(), "https://acme.amperity.com/api");
    let au = Client::builder("acme")
        .region(Region::Australia)
        .token("t")
        .build()
        .unwrap();
    assert_eq!(au.base_url(), "https://app-aws-apse2.amperity.com/api");
}

#[test]
fn invalid_arguments_send_nothing() {
    let server = server();
    let client = client(&server);
    assert!(matches!(
        client.list_segments(PageOptions::limit(0)).next_page(),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        client.get_ingest_job("  "),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(server.requests().is_empty());
}
