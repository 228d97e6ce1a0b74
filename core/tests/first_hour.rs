//! The traps of a new user's first hour (issue 29): a base URL without `/api`, a 404 that is not
//! Amperity's, and region names parsed from text.

mod common;

use amperity::*;
use common::*;

fn first_segment_page(client: &Client) -> Result<Option<Page<Segment>>> {
    client.list_segments(PageOptions::limit(10)).next_page()
}

#[test]
fn a_base_url_without_api_says_so() {
    let server = server();
    // What a user copies from the browser: the origin, without `/api`.
    let client = Client::builder("acme")
        .base_url(server.origin())
        .token("mock-token")
        .rate_limit(None)
        .build()
        .unwrap();
    let err = first_segment_page(&client).unwrap_err();
    let api = err.as_api().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!((api.status, api.kind), (404, ApiErrorKind::NotFound));
    let text = err.to_string();
    assert!(text.contains("no /api segment"), "{text}");
    assert!(text.contains("lacks its /api suffix"), "{text}");
    assert!(!text.contains("mock-token"), "{text}");
}

#[test]
fn a_404_that_is_not_amperitys_error_shape_says_so() {
    let server = server();
    let client = client(&server);
    fault(&server, "path=/api/segments,status=404,html");
    let err = first_segment_page(&client).unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("not an Amperity API error response"),
        "{text}"
    );
}

#[test]
fn a_missing_resource_has_no_hint() {
    let server = server();
    let client = client(&server);
    let err = client.get_ingest_job("isj-does-not-exist").unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    assert!(!err.to_string().contains("hint:"), "{err}");
}

#[test]
fn regions_parse_from_text_and_list_the_valid_names() {
    assert_eq!("aws".parse::<Region>().unwrap(), Region::Aws);
    assert_eq!(" Azure ".parse::<Region>().unwrap(), Region::Azure);
    assert_eq!("AUSTRALIA".parse::<Region>().unwrap(), Region::Australia);
    for region in [Region::Aws, Region::Azure, Region::Australia] {
        assert_eq!(region.to_string().parse::<Region>().unwrap(), region);
    }
    match "europe".parse::<Region>() {
        Err(Error::InvalidArgument { detail }) => {
            assert_eq!(
                detail,
                "unknown region \"europe\": expected one of aws, azure, australia"
            )
        }
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[test]
fn configuration_messages_respell_for_camel_case_languages() {
    let err = EnvSettings::from_lookup(|name| match name {
        "AMPERITY_TENANT" => Some("acme".into()),
        "AMPERITY_CLIENT_ID" => Some("id".into()),
        _ => None,
    })
    .and_then(|settings| settings.into_builder().build())
    .unwrap_err();
    let text = err.to_string();
    assert_eq!(
        text,
        "invalid configuration: client_id needs a client_secret"
    );
    assert_eq!(respell(&text, Spelling::Snake), text);
    assert_eq!(
        respell(&text, Spelling::Camel),
        "invalid configuration: clientId needs a clientSecret"
    );
}
