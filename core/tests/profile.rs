//! The Profile API against the mock: indexes and profiles, filters (exact, ANDed,
//! percent-encoded), paging, 404s, its own api-version and its own rate budget.

mod common;

use amperity::*;
use amperity_mock::{CUSTOMERS_INDEX_ID, EMPTY_INDEX_ID, LOYALTY_INDEX_ID};
use common::*;
use std::collections::HashSet;
use std::time::{Duration, Instant};

fn all_profiles(client: &Client, index_id: &str) -> Vec<Profile> {
    client
        .list_profiles(index_id, ProfileFilter::new(), PageOptions::limit(1000))
        .items()
        .collect::<Result<_>>()
        .unwrap()
}

fn filtered(client: &Client, filter: ProfileFilter, page: PageOptions) -> Vec<Profile> {
    client
        .list_profiles(CUSTOMERS_INDEX_ID, filter, page)
        .items()
        .collect::<Result<_>>()
        .unwrap()
}

/// The profiles whose string attributes equal every `(attribute, value)`.
fn expected<'a>(all: &'a [Profile], conditions: &[(&str, &str)]) -> Vec<&'a str> {
    all.iter()
        .filter(|p| {
            conditions
                .iter()
                .all(|(a, v)| p.attributes.get(*a).and_then(|x| x.as_str()) == Some(*v))
        })
        .map(|p| p.id.as_str())
        .collect()
}

fn ids(profiles: &[Profile]) -> Vec<&str> {
    profiles.iter().map(|p| p.id.as_str()).collect()
}

#[test]
fn indexes_list_and_get_with_the_profile_api_headers() {
    let server = server();
    let client = client(&server);
    let indexes: Vec<ProfileIndex> = client
        .list_indexes(PageOptions::default())
        .items()
        .collect::<Result<_>>()
        .unwrap();
    let listed: Vec<&str> = indexes.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        listed,
        [CUSTOMERS_INDEX_ID, LOYALTY_INDEX_ID, EMPTY_INDEX_ID]
    );
    assert!(indexes[0].description.is_some() && indexes[0].created_at.is_some());
    assert!(
        indexes[1].extra.contains_key("build_id"),
        "{:?}",
        indexes[1]
    );
    let empty = &indexes[2];
    assert_eq!(
        (
            empty.description.as_ref(),
            empty.updated_at,
            empty.extra.len()
        ),
        (None, None, 0)
    );
    for index in &indexes {
        assert_eq!(&client.get_index(&index.id).unwrap(), index);
    }

    let sent = requests_to(&server, "/api/indexes");
    assert_eq!(sent.len(), 1);
    let first = &sent[0];
    assert_eq!(header(first, "api-version"), Some("2025-07-31"));
    assert_eq!(header(first, "amperity-tenant"), Some("acme"));
    assert_eq!(header(first, "authorization"), Some("Bearer ***"));
    assert_eq!(
        query_param(first, "limit"),
        None,
        "the server's default (25)"
    );
    let get = requests_to(&server, &format!("/api/indexes/{CUSTOMERS_INDEX_ID}"));
    assert_eq!(header(&get[0], "api-version"), Some("2025-07-31"));
    assert_eq!(client.profile_api_version(), DEFAULT_PROFILE_API_VERSION);
}

#[test]
fn profiles_page_with_the_server_default_and_walk_to_the_end() {
    let server = server();
    let client = client(&server);
    let mut pager = client.list_profiles(
        CUSTOMERS_INDEX_ID,
        ProfileFilter::new(),
        PageOptions::default().with_total(),
    );
    let first = pager.next_page().unwrap().unwrap();
    assert_eq!(first.items.len(), 25, "the Profile API's default page size");
    assert_eq!(pager.total(), Some(3000));

    let all = all_profiles(&client, CUSTOMERS_INDEX_ID);
    assert_eq!(all.len(), 3000);
    let unique: HashSet<&str> = ids(&all).into_iter().collect();
    assert_eq!(unique.len(), 3000);
    assert!(all.iter().all(|p| p.index_id == CUSTOMERS_INDEX_ID));
    assert!(all.iter().all(|p| p.id.starts_with("cl-")));
    // Any JSON: strings, numbers and booleans.
    assert!(all[0].attributes["lifetime_value"].is_number());
    assert!(all[0].attributes["opted_in"].is_boolean());
    // Every 50th profile has a field the model does not know.
    assert!(all[49].extra.contains_key("updated_at"), "{:?}", all[49]);
    assert!(all[48].extra.is_empty());
    assert_eq!(
        requests_to(
            &server,
            &format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles")
        )
        .len(),
        4
    );
}

#[test]
fn attributes_sent_as_an_array_of_objects_are_merged() {
    let server = server();
    let client = client(&server);
    let loyalty = all_profiles(&client, LOYALTY_INDEX_ID);
    assert_eq!(loyalty.len(), 3000usize.div_ceil(7));
    for profile in &loyalty {
        assert_eq!(profile.index_id, LOYALTY_INDEX_ID);
        for name in ["email", "loyalty_tier", "points", "member_since"] {
            assert!(profile.attributes.contains_key(name), "{name}: {profile:?}");
        }
    }
    let one = client
        .get_profile(LOYALTY_INDEX_ID, &loyalty[3].id)
        .unwrap();
    assert_eq!(one, loyalty[3]);
    assert!(all_profiles(&client, EMPTY_INDEX_ID).is_empty());
}

#[test]
fn filters_match_exactly_and_are_percent_encoded() {
    let server = server();
    let client = client(&server);
    let all = all_profiles(&client, CUSTOMERS_INDEX_ID);
    for (attribute, value) in [
        ("email", "a+b@x.com"),
        ("given_name", "Mary Ann"),
        ("family_name", "Smith & Jones"),
        ("city", "Bath & Wells"),
        ("city", "São Paulo"),
    ] {
        let found = filtered(
            &client,
            ProfileFilter::new().with(attribute, value),
            PageOptions::limit(1000),
        );
        let want = expected(&all, &[(attribute, value)]);
        assert!(!want.is_empty(), "{attribute}={value}");
        assert_eq!(ids(&found), want, "{attribute}={value}");
    }
    // On the wire: name and value percent-encoded, so `+`, `&`, spaces and `[` `]` survive.
    let sent = requests_to(
        &server,
        &format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles"),
    );
    let queries: Vec<&str> = sent.iter().map(|r| r.query.as_str()).collect();
    assert!(
        queries.contains(&"filter%5Bemail%5D=a%2Bb%40x.com&limit=1000"),
        "{queries:?}"
    );
    assert!(
        queries
            .iter()
            .any(|q| q.contains("filter%5Bgiven_name%5D=Mary%20Ann")),
        "{queries:?}"
    );
    assert!(
        queries
            .iter()
            .any(|q| q.contains("filter%5Bfamily_name%5D=Smith%20%26%20Jones")),
        "{queries:?}"
    );
    assert!(
        queries
            .iter()
            .any(|q| q.contains("filter%5Bcity%5D=S%C3%A3o%20Paulo")),
        "{queries:?}"
    );

    // Exact: case counts.
    let upper = filtered(
        &client,
        ProfileFilter::new().with("email", "A+B@X.COM"),
        PageOptions::default(),
    );
    assert!(upper.is_empty());
}

#[test]
fn several_conditions_are_anded_across_pages() {
    let server = server();
    let client = client(&server);
    let all = all_profiles(&client, CUSTOMERS_INDEX_ID);
    let conditions = [("given_name", "Ana"), ("loyalty_tier", "gold")];
    let filter = conditions
        .iter()
        .fold(ProfileFilter::new(), |f, (a, v)| f.with(*a, *v));
    let found = filtered(&client, filter, PageOptions::limit(10));
    let want = expected(&all, &conditions);
    assert!(want.len() > 10, "more than one page: {}", want.len());
    assert_eq!(ids(&found), want);
    // The same attribute twice: both must hold.
    let both = ProfileFilter::new()
        .with("loyalty_tier", "gold")
        .with("loyalty_tier", "silver");
    assert!(filtered(&client, both, PageOptions::default()).is_empty());
    let sent = requests_to(
        &server,
        &format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles"),
    );
    let last = sent.last().unwrap();
    assert_eq!(
        last.query,
        "filter%5Bloyalty_tier%5D=gold&filter%5Bloyalty_tier%5D=silver"
    );
}

#[test]
fn a_filter_on_an_attribute_that_is_not_a_filter_field_is_a_bad_request() {
    let server = server();
    let client = client(&server);
    let error = client
        .list_profiles(
            CUSTOMERS_INDEX_ID,
            ProfileFilter::new().with("lifetime_value", "12"),
            PageOptions::default(),
        )
        .next_page()
        .unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::BadRequest);
    assert!(
        api.message.contains("not a filter field"),
        "{}",
        api.message
    );
}

#[test]
fn get_profile_by_ids_with_encoded_path_segments() {
    let server = server();
    let client = client(&server);
    let some = filtered(
        &client,
        ProfileFilter::new().with("email", "a+b@x.com"),
        PageOptions::default(),
    );
    let profile = client.get_profile(CUSTOMERS_INDEX_ID, &some[0].id).unwrap();
    assert_eq!(profile, some[0]);
    assert_eq!(profile.attributes["email"], "a+b@x.com");

    let error = client
        .get_profile(CUSTOMERS_INDEX_ID, "cl/../x y")
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    let sent = server.requests().pop().unwrap();
    assert_eq!(
        sent.path,
        format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles/cl%2F..%2Fx%20y")
    );
    assert_eq!(header(&sent, "api-version"), Some("2025-07-31"));
}

#[test]
fn unknown_indexes_and_profiles_are_not_found_with_the_server_message() {
    let server = server();
    let client = client(&server);
    let errors = [
        client.get_index("idx-nope").unwrap_err(),
        client
            .get_profile(CUSTOMERS_INDEX_ID, "cl-nope")
            .unwrap_err(),
        client.get_profile("idx-nope", "cl-nope").unwrap_err(),
        client
            .list_profiles("idx-nope", ProfileFilter::new(), PageOptions::default())
            .next_page()
            .unwrap_err(),
    ];
    for error in errors {
        let api = error.as_api().unwrap_or_else(|| panic!("{error:?}"));
        assert_eq!(api.kind, ApiErrorKind::NotFound);
        assert_eq!(api.status, 404);
        assert_eq!(api.message, "The requested entity does not exist.");
        assert!(api.request_id.is_some());
        assert_eq!(api.trace_id, None);
        assert_eq!(api.attempts, 1, "a 404 is not retried");
    }
}

#[test]
fn bad_arguments_are_refused_before_anything_is_sent() {
    let server = server();
    let client = client(&server);
    let refusals = [
        client.get_index("").unwrap_err(),
        client.get_profile(" ", "cl-1").unwrap_err(),
        client.get_profile(CUSTOMERS_INDEX_ID, "").unwrap_err(),
        client
            .list_profiles("", ProfileFilter::new(), PageOptions::default())
            .next_page()
            .unwrap_err(),
        client
            .list_profiles(
                CUSTOMERS_INDEX_ID,
                ProfileFilter::new().with("", "x"),
                PageOptions::default(),
            )
            .next_page()
            .unwrap_err(),
        client
            .list_profiles(
                CUSTOMERS_INDEX_ID,
                ProfileFilter::new().with("a]b", "x"),
                PageOptions::default(),
            )
            .next_page()
            .unwrap_err(),
        client
            .list_profiles(
                CUSTOMERS_INDEX_ID,
                ProfileFilter::new(),
                PageOptions::limit(0),
            )
            .next_page()
            .unwrap_err(),
    ];
    for error in &refusals {
        assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    }
    assert!(
        refusals[4].to_string().contains("empty attribute name"),
        "{}",
        refusals[4]
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_profile_api_version_is_its_own_setting() {
    let server = server();
    let client = builder(&server).api_version("unstable").build().unwrap();
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    client
        .list_indexes(PageOptions::default())
        .next_page()
        .unwrap();
    let sent = server.requests();
    assert_eq!(header(&sent[0], "api-version"), Some("unstable"));
    assert_eq!(header(&sent[1], "api-version"), Some("2025-07-31"));

    // The control plane's version is refused by the Profile API, and the other way round.
    let wrong = builder(&server)
        .profile_api_version("2024-04-01")
        .build()
        .unwrap();
    let error = wrong.get_index(CUSTOMERS_INDEX_ID).unwrap_err();
    let api = error.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::BadRequest);
    assert!(api.message.contains("Profile API"), "{}", api.message);
    let swapped = builder(&server).api_version("2025-07-31").build().unwrap();
    let error = swapped
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap_err();
    assert_eq!(error.status(), Some(400));

    for bad in ["", "2025 07 31", "x\r\ny"] {
        let refused = builder(&server)
            .profile_api_version(bad)
            .build()
            .unwrap_err();
        assert!(matches!(refused, Error::Config { .. }), "{bad:?}");
    }
}

#[test]
fn the_profile_api_has_its_own_rate_budget() {
    let server = server();
    // The control plane at 0.5/s (a burst of 1), the Profile API at 5/s (bursts of 5): using up
    // the control plane's budget leaves the Profile API's. Were the budget shared, the 5 Profile
    // API calls would wait 2 s each; the bound leaves room for emulation (tests/platforms.sh).
    let client = builder(&server)
        .rate_limit(Some(0.5))
        .profile_rate_limit(Some(5.0))
        .build()
        .unwrap();
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    let start = Instant::now();
    for _ in 0..5 {
        client.get_index(CUSTOMERS_INDEX_ID).unwrap();
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // ...and the Profile API's budget paces Profile API calls: 5 more wait about a second.
    let start = Instant::now();
    for _ in 0..5 {
        client.get_index(CUSTOMERS_INDEX_ID).unwrap();
    }
    assert!(
        start.elapsed() >= Duration::from_millis(750),
        "{:?}",
        start.elapsed()
    );

    // The control plane at 0.5/s does not slow Profile API calls (default budget 2000/s): shared,
    // 10 calls would take 18 s.
    let slow_control_plane = builder(&server).rate_limit(Some(0.5)).build().unwrap();
    let start = Instant::now();
    for _ in 0..10 {
        slow_control_plane.get_index(LOYALTY_INDEX_ID).unwrap();
    }
    assert!(
        start.elapsed() < Duration::from_secs(9),
        "{:?}",
        start.elapsed()
    );

    for bad in [Some(0.0), Some(-1.0), Some(f64::NAN), Some(f64::INFINITY)] {
        let refused = builder(&server)
            .profile_rate_limit(bad)
            .build()
            .unwrap_err();
        assert!(
            refused.to_string().contains("profile rate limit"),
            "{refused}"
        );
    }
    assert!(builder(&server).profile_rate_limit(None).build().is_ok());
}

#[test]
fn profile_calls_are_retried_like_every_get() {
    let server = server();
    let client = client(&server);
    let path = format!("/api/indexes/{CUSTOMERS_INDEX_ID}");
    fault(&server, &format!("path={path},status=503,count=1"));
    client.get_index(CUSTOMERS_INDEX_ID).unwrap();
    assert_eq!(requests_to(&server, &path).len(), 2);
    fault(
        &server,
        &format!("path={path}/profiles,status=429,retry_after=0,count=2"),
    );
    let page = client
        .list_profiles(
            CUSTOMERS_INDEX_ID,
            ProfileFilter::new(),
            PageOptions::limit(5),
        )
        .next_page()
        .unwrap()
        .unwrap();
    assert_eq!(page.items.len(), 5);
    assert_eq!(requests_to(&server, &format!("{path}/profiles")).len(), 3);
}
