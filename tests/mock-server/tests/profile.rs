//! The Profile API routes over raw HTTP: headers, api-version, paging, filters, 404s.

mod common;

use amperity_mock::{CUSTOMERS_INDEX_ID, EMPTY_INDEX_ID, LOYALTY_INDEX_ID};
use common::*;
use serde_json::Value;

const PROFILE: &[(&str, &str)] = &[("api-version", "2025-07-31")];

fn profile_get(s: &amperity_mock::MockServer, path: &str) -> Resp {
    get(s, path, PROFILE)
}

fn data(v: &Value) -> &Vec<Value> {
    v["data"].as_array().unwrap()
}

#[test]
fn the_profile_api_takes_only_its_own_version() {
    let s = start(small());
    assert_eq!(profile_get(&s, "/api/indexes").status, 200);
    let r = get(&s, "/api/indexes", &[]);
    r.assert_error(400);
    assert!(
        r.json()["message"].as_str().unwrap().contains("2025-07-31"),
        "{}",
        r.body
    );
    get(&s, "/api/indexes", &[("api-version", "unstable")]).assert_error(400);
    get(&s, "/api/segments", PROFILE).assert_error(400);
    let r = raw(
        &s,
        "GET",
        "/api/indexes?api_version=2025-07-31",
        &GOOD[..2],
        None,
    );
    assert_eq!(r.status, 200);
    // Auth and tenant as on the control plane.
    get(
        &s,
        "/api/indexes",
        &[
            ("api-version", "2025-07-31"),
            ("authorization", "Bearer nope"),
        ],
    )
    .assert_error(401);
    get(
        &s,
        "/api/indexes",
        &[("api-version", "2025-07-31"), ("amperity-tenant", "other")],
    )
    .assert_error(403);
    raw(&s, "DELETE", "/api/indexes", GOOD, None).assert_error(405);
}

#[test]
fn indexes_list_page_and_get() {
    let s = start(small());
    let v = profile_get(&s, "/api/indexes?with_total=true").json();
    let ids: Vec<&str> = data(&v).iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [CUSTOMERS_INDEX_ID, LOYALTY_INDEX_ID, EMPTY_INDEX_ID]);
    assert_eq!(v["total"], 3);
    assert!(v.get("next_token").is_none());
    let pages = walk(&s, "/api/indexes?limit=1", PROFILE);
    assert_eq!(pages.len(), 3);
    for id in ids {
        let one = profile_get(&s, &format!("/api/indexes/{id}")).json();
        assert_eq!(one["id"], id);
        assert!(one["name"].as_str().is_some_and(|n| !n.is_empty()));
    }
}

#[test]
fn profiles_default_to_25_per_page_and_walk_to_the_end() {
    let s = start(small());
    let path = format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles");
    let v = profile_get(&s, &format!("{path}?with_total=true")).json();
    assert_eq!(data(&v).len(), 25);
    assert_eq!(v["total"], 3000);
    let pages = walk(&s, &format!("{path}?limit=1000"), PROFILE);
    assert_eq!(pages.len(), 3);
    let all: Vec<&Value> = pages.iter().flat_map(|p| data(p).iter()).collect();
    assert_eq!(all.len(), 3000);
    assert!(all
        .iter()
        .all(|p| p["index_id"] == CUSTOMERS_INDEX_ID && p["attributes"].is_object()));
    let loyalty = profile_get(&s, &format!("/api/indexes/{LOYALTY_INDEX_ID}/profiles")).json();
    assert!(
        data(&loyalty)[0]["attributes"].is_array(),
        "the docs-page shape"
    );
    let empty = profile_get(&s, &format!("/api/indexes/{EMPTY_INDEX_ID}/profiles")).json();
    assert!(data(&empty).is_empty());
    // A cursor belongs to its index.
    let v = profile_get(&s, &format!("{path}?limit=5")).json();
    let token = v["next_token"].as_str().unwrap();
    profile_get(
        &s,
        &format!("/api/indexes/{LOYALTY_INDEX_ID}/profiles?next_token={token}"),
    )
    .assert_error(400);
    assert_eq!(
        profile_get(&s, &format!("{path}?next_token={token}")).status,
        200
    );
}

#[test]
fn filters_are_exact_anded_and_kept_by_the_cursor() {
    let s = start(small());
    let path = format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles");
    let one = profile_get(&s, &format!("{path}?filter%5Bemail%5D=a%2Bb%40x.com")).json();
    assert_eq!(data(&one).len(), 1);
    assert_eq!(data(&one)[0]["attributes"]["email"], "a+b@x.com");
    // Literal brackets work too; `+` in a query means a space.
    let spaced = profile_get(&s, &format!("{path}?filter[given_name]=Mary+Ann")).json();
    assert_eq!(data(&spaced).len(), 1);
    let amp = profile_get(
        &s,
        &format!("{path}?filter[family_name]=Smith%20%26%20Jones"),
    )
    .json();
    assert_eq!(data(&amp).len(), 1);
    assert_eq!(
        data(&profile_get(&s, &format!("{path}?filter[email]=A%2BB%40X.COM")).json()).len(),
        0,
        "exact match, case included"
    );
    // AND across pages: every profile of the walk matches both conditions.
    let pages = walk(
        &s,
        &format!("{path}?filter[given_name]=Ana&filter[loyalty_tier]=gold&limit=5"),
        PROFILE,
    );
    assert!(pages.len() > 2);
    for page in &pages {
        for p in data(page) {
            assert_eq!(p["attributes"]["given_name"], "Ana");
            assert_eq!(p["attributes"]["loyalty_tier"], "gold");
        }
    }
    for bad in [
        "filter=email",
        "filter[]=x",
        "filter[a]b]=x",
        "filter[lifetime_value]=1",
    ] {
        profile_get(&s, &format!("{path}?{bad}")).assert_error(400);
    }
}

#[test]
fn unknown_ids_answer_the_documented_404() {
    let s = start(small());
    for path in [
        "/api/indexes/idx-nope".to_owned(),
        "/api/indexes/idx-nope/profiles".to_owned(),
        format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles/cl-nope"),
    ] {
        let r = profile_get(&s, &path);
        assert_eq!(r.status, 404, "{path}");
        let v = r.json();
        assert_eq!(v["status"], 404);
        assert_eq!(v["message"], "The requested entity does not exist.");
        assert!(v["request_id"].is_string());
        assert!(v.get("trace_id").is_none());
    }
    // Path segments are percent-decoded ids.
    let page = profile_get(
        &s,
        &format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles?limit=1"),
    )
    .json();
    let first = &data(&page)[0];
    let id = first["id"].as_str().unwrap();
    let encoded: String = id.bytes().map(|b| format!("%{b:02X}")).collect();
    let again = profile_get(
        &s,
        &format!("/api/indexes/{CUSTOMERS_INDEX_ID}/profiles/{encoded}"),
    )
    .json();
    assert_eq!(&again, first);
}
