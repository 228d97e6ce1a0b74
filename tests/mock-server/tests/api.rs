mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use amperity_mock::{LastCursor, MockConfig, DATA_TEMPLATE_IDS, WORKFLOW_STATES};
use common::*;
use serde_json::Value;

const FORM: &str = "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret";

fn form_headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-amperity-tenant", "acme"),
    ]
}

fn is_ms_time(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 24 && b[10] == b'T' && b[19] == b'.' && s.ends_with('Z')
}

#[test]
fn static_token_auth() {
    let s = start(small());
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
    let r = raw(&s, "GET", "/api/segments", &GOOD[1..], None);
    r.assert_error(401);
    get(&s, "/api/segments", &[("authorization", "Bearer nope")]).assert_error(401);
    get(&s, "/api/segments", &[("authorization", "Basic bW9jaw==")]).assert_error(401);
}

#[test]
fn oauth_token_issue_and_use() {
    let s = start(small());
    let r = raw(
        &s,
        "POST",
        "/api/v0/oauth2/token",
        &form_headers(),
        Some(FORM),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    let tok = v["access_token"].as_str().unwrap().to_string();
    let auth = format!("Bearer {tok}");
    assert_eq!(
        get(&s, "/api/campaigns", &[("authorization", &auth)]).status,
        200
    );
    // token_url is the same endpoint
    assert_eq!(s.token_url(), format!("{}/api/v0/oauth2/token", s.origin()));
    // bad secret / client / grant / tenant
    let bad = FORM.replace("mock-secret", "wrong");
    raw(
        &s,
        "POST",
        "/api/v0/oauth2/token",
        &form_headers(),
        Some(&bad),
    )
    .assert_error(401);
    let bad = FORM.replace("mock-client", "other");
    raw(
        &s,
        "POST",
        "/api/v0/oauth2/token",
        &form_headers(),
        Some(&bad),
    )
    .assert_error(401);
    let bad = FORM.replace("client_credentials", "password");
    raw(
        &s,
        "POST",
        "/api/v0/oauth2/token",
        &form_headers(),
        Some(&bad),
    )
    .assert_error(400);
    let bad = "client_id=mock-client&client_secret=mock-secret";
    raw(
        &s,
        "POST",
        "/api/v0/oauth2/token",
        &form_headers(),
        Some(bad),
    )
    .assert_error(400);
    let no_tenant = [("content-type", "application/x-www-form-urlencoded")];
    raw(&s, "POST", "/api/v0/oauth2/token", &no_tenant, Some(FORM)).assert_error(400);
    // recorded requests never contain secrets or tokens
    let reqs = s.requests();
    assert!(!reqs.is_empty());
    for r in &reqs {
        assert!(!r.body.contains("mock-secret"), "{}", r.body);
        for (k, v) in &r.headers {
            assert!(!v.contains(&tok) && !v.contains("mock-token"), "{k}: {v}");
            if k == "authorization" {
                assert_eq!(v, "Bearer ***");
            }
        }
    }
    let token_req = reqs.iter().find(|r| r.method == "POST").unwrap();
    assert!(
        token_req.body.contains("client_secret=***"),
        "{}",
        token_req.body
    );
    assert!(token_req.body.contains("client_id=mock-client"));
    s.clear_requests();
    assert!(s.requests().is_empty());
}

#[test]
fn issued_token_expires() {
    let s = start(MockConfig {
        token_ttl: Duration::from_secs(1),
        ..small()
    });
    let v = raw(
        &s,
        "POST",
        "/api/v0/oauth2/token",
        &form_headers(),
        Some(FORM),
    )
    .json();
    assert_eq!(v["expires_in"], 1);
    let auth = format!("Bearer {}", v["access_token"].as_str().unwrap());
    assert_eq!(
        get(&s, "/api/segments", &[("authorization", &auth)]).status,
        200
    );
    std::thread::sleep(Duration::from_millis(1200));
    get(&s, "/api/segments", &[("authorization", &auth)]).assert_error(401);
}

#[test]
fn tenant_and_version_errors() {
    let s = start(small());
    raw(&s, "GET", "/api/segments", &[GOOD[0], GOOD[2]], None).assert_error(400);
    get(&s, "/api/segments", &[("amperity-tenant", "other")]).assert_error(403);
    assert_eq!(
        get(&s, "/api/segments", &[("Amperity-Tenant", "acme")]).status,
        200
    );
    raw(&s, "GET", "/api/segments", &GOOD[..2], None).assert_error(400);
    get(&s, "/api/segments", &[("api-version", "2023-01-01")]).assert_error(400);
    let r = raw(
        &s,
        "GET",
        "/api/segments?api_version=2024-04-01",
        &GOOD[..2],
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        get(&s, "/api/segments", &[("api-version", "unstable")]).status,
        200
    );
}

#[test]
fn segments_page_to_end() {
    let s = start(MockConfig::default());
    let pages = walk(&s, "/api/segments?limit=1000", &[]);
    assert_eq!(pages.len(), 10);
    let mut ids = HashSet::new();
    let mut all = Vec::new();
    for p in &pages {
        assert!(p["data"].as_array().unwrap().len() <= 1000);
        assert!(p.get("total").is_none());
        for seg in p["data"].as_array().unwrap() {
            assert!(seg["id"].as_str().unwrap().starts_with("seg-"));
            assert!(ids.insert(seg["id"].as_str().unwrap().to_string()));
            all.push(seg.clone());
        }
    }
    assert_eq!(all.len(), 10_000);
    for (i, seg) in all.iter().enumerate() {
        assert_eq!(seg.get("status").is_none(), i % 10 == 9, "{seg}");
    }
    assert!(pages.last().unwrap().get("next_token").is_none());
    // tokens differ across pages
    let tokens: HashSet<_> = pages[..9]
        .iter()
        .map(|p| p["next_token"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(tokens.len(), 9);
    // default limit 100, with_total
    let v = get(&s, "/api/segments?with_total=true", &[]).json();
    assert_eq!(v["data"].as_array().unwrap().len(), 100);
    assert_eq!(v["total"], 10_000);
    let v = get(&s, "/api/segments?with_total=false&limit=7", &[]).json();
    assert_eq!(v["data"].as_array().unwrap().len(), 7);
    assert!(v.get("total").is_none());
}

#[test]
fn last_cursor_modes() {
    for (mode, expect) in [
        (LastCursor::Empty, Some(Value::String(String::new()))),
        (LastCursor::Null, Some(Value::Null)),
        (LastCursor::Absent, None),
    ] {
        let s = start(MockConfig {
            segments: 5,
            last_cursor: mode,
            ..MockConfig::default()
        });
        let v = get(&s, "/api/segments", &[]).json();
        assert_eq!(v["data"].as_array().unwrap().len(), 5);
        assert_eq!(v.get("next_token").cloned(), expect);
    }
}

#[test]
fn cursor_and_param_errors() {
    let s = start(small());
    for q in [
        "limit=0",
        "limit=1001",
        "limit=abc",
        "limit=-1",
        "with_total=yes",
        "next_token=",
        "next_token=garbage",
        "next_token=00.0000000000000000",
    ] {
        get(&s, &format!("/api/segments?{q}"), &[]).assert_error(400);
    }
    assert_eq!(get(&s, "/api/segments?limit=1000", &[]).status, 200);
    assert_eq!(get(&s, "/api/segments?limit=1", &[]).status, 200);
    // a segments cursor is not a campaigns cursor; another server's cursor is invalid
    let tok = get(&s, "/api/segments?limit=10", &[]).json()["next_token"]
        .as_str()
        .unwrap()
        .to_string();
    get(&s, &format!("/api/campaigns?next_token={tok}"), &[]).assert_error(400);
    let other = start(small());
    get(&other, &format!("/api/segments?next_token={tok}"), &[]).assert_error(400);
    // a tampered cursor is rejected
    let mut bad = tok.clone();
    bad.replace_range(0..2, "74");
    get(&s, &format!("/api/segments?next_token={bad}"), &[]).assert_error(400);
    assert_eq!(
        get(&s, &format!("/api/segments?next_token={tok}"), &[]).status,
        200
    );
}

#[test]
fn campaigns_and_drafts() {
    let s = start(small());
    let pages = walk(&s, "/api/campaigns?limit=100&with_total=true", &[]);
    assert_eq!(pages.len(), 3);
    let all: Vec<Value> = pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap().clone())
        .collect();
    assert_eq!(all.len(), 250);
    assert_eq!(pages[0]["total"], 250);
    for c in &all {
        assert!(c["id"].as_str().unwrap().starts_with("cc-"));
        assert!(c["name"].is_string());
        if let Some(d) = c.get("deliver_at") {
            let d = d.as_str().unwrap();
            assert_eq!(d.len(), 20, "{d}");
            assert!(d.ends_with('Z') && !d.contains('.'));
        }
    }
    let t = DATA_TEMPLATE_IDS[1];
    let pages = walk(
        &s,
        &format!("/api/campaigns?limit=20&destination_data_template_id={t}"),
        &[],
    );
    let n: usize = pages
        .iter()
        .map(|p| p["data"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 50);
    let v = get(
        &s,
        "/api/campaigns?destination_data_template_id=ptg-none",
        &[],
    )
    .json();
    assert_eq!(v["data"].as_array().unwrap().len(), 0);

    get(&s, "/api/campaign-drafts", &[]).assert_error(400);
    let pages = walk(
        &s,
        "/api/campaign-drafts?limit=15",
        &[("api-version", "unstable")],
    );
    assert_eq!(pages.len(), 3);
    let n: usize = pages
        .iter()
        .map(|p| p["data"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 40);
}

#[test]
fn audit_events_filters() {
    let s = start(small());
    let pages = walk(&s, "/api/audit-events?limit=1000", &[]);
    let all: Vec<Value> = pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap().clone())
        .collect();
    assert_eq!(all.len(), 5000);
    let times: Vec<&str> = all
        .iter()
        .map(|e| e["happened_at"].as_str().unwrap())
        .collect();
    assert!(times.iter().all(|t| is_ms_time(t)));
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let e = &all[0];
    for k in [
        "event_id",
        "event_type",
        "tenant",
        "tenant_family",
        "principal_id",
        "principal_name",
        "principal_email",
        "object_id",
        "origin_ip",
        "user_agent",
        "session_id",
    ] {
        assert!(e[k].is_string(), "{k}");
    }
    assert!(e["event_id"].as_str().unwrap().starts_with("ae-"));
    // window: from inclusive, to exclusive
    let from = times[2000];
    let to = times[1000];
    let pages = walk(
        &s,
        &format!(
            "/api/audit-events?happened_from={from}&happened_to={to}&with_total=true&limit=300"
        ),
        &[],
    );
    assert_eq!(pages[0]["total"], 1000);
    let got: Vec<Value> = pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap().clone())
        .collect();
    assert_eq!(got.len(), 1000);
    assert_eq!(got[0]["happened_at"], times[1001]);
    assert_eq!(got[999]["happened_at"], times[2000]);
    // date-only form, and bad input
    let v = get(
        &s,
        "/api/audit-events?happened_from=2000-01-01&happened_to=2000-01-02",
        &[],
    )
    .json();
    assert_eq!(v["data"].as_array().unwrap().len(), 0);
    get(&s, "/api/audit-events?happened_from=yesterday", &[]).assert_error(400);
}

#[test]
fn workflow_list_filters() {
    let s = start(small());
    let pages = walk(&s, "/api/workflow/runs?limit=200", &[]);
    let all: Vec<Value> = pages
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap().clone())
        .collect();
    assert_eq!(all.len(), 500);
    let states: HashSet<&str> = all.iter().map(|w| w["state"].as_str().unwrap()).collect();
    for st in WORKFLOW_STATES {
        assert!(states.contains(st), "{st}");
    }
    let created: Vec<&str> = all
        .iter()
        .map(|w| w["created_at"].as_str().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]));
    for w in &all {
        assert!(w["id"].as_str().unwrap().starts_with("wf-"));
        assert_eq!(w["tenant"], "acme");
        let terminal = matches!(
            w["state"].as_str().unwrap(),
            "succeeded" | "failed" | "canceled" | "stopped"
        );
        assert_eq!(w.get("ended_at").is_some(), terminal, "{w}");
        assert_eq!(w.get("error").is_some(), w["state"] == "failed");
    }
    let v = get(
        &s,
        "/api/workflow/runs?state=failed&with_total=true&limit=1000",
        &[],
    )
    .json();
    let failed = v["data"].as_array().unwrap();
    assert!(!failed.is_empty());
    assert_eq!(v["total"], failed.len());
    assert!(failed.iter().all(|w| w["state"] == "failed"));
    let e = &failed[0]["error"];
    assert!(e["type"].is_string() && e["message"].is_string());
    let v = get(&s, "/api/workflow/runs?type=campaign.send&limit=1000", &[]).json();
    assert!(v["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["type"] == "campaign.send"));
    let mid = created[250];
    let v = get(
        &s,
        &format!("/api/workflow/runs?created_from={mid}&limit=1000"),
        &[],
    )
    .json();
    assert!(v["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["created_at"].as_str().unwrap() >= mid));
    let v = get(
        &s,
        "/api/workflow/runs?ended_from=2000-01-01&limit=1000&with_total=true",
        &[],
    )
    .json();
    let ended = v["total"].as_u64().unwrap();
    assert!(ended > 0 && ended < 500);
    assert!(v["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w.get("ended_at").is_some()));
    get(&s, "/api/workflow/runs?created_to=nope", &[]).assert_error(400);
}

#[test]
fn workflow_get_views() {
    let s = start(small());
    let v = get(&s, "/api/workflow/runs?state=failed&limit=1", &[]).json();
    let id = v["data"][0]["id"].as_str().unwrap().to_string();
    let o = get(&s, &format!("/api/workflow/runs/{id}"), &[]).json();
    let keys: HashSet<&str> = o.as_object().unwrap().keys().map(String::as_str).collect();
    let allowed: HashSet<&str> = [
        "created_at",
        "ended_at",
        "id",
        "name",
        "state",
        "tenant",
        "type",
    ]
    .into();
    assert_eq!(keys, allowed);
    let o2 = get(&s, &format!("/api/workflow/runs/{id}?view=overview"), &[]).json();
    assert_eq!(o, o2);
    let vb = get(&s, &format!("/api/workflow/runs/{id}?view=verbose"), &[]).json();
    let tasks = vb["task_instances"].as_array().unwrap();
    assert!(!tasks.is_empty());
    assert!(tasks[0]["id"].as_str().unwrap().starts_with("wft-"));
    assert_eq!(
        vb["error"]["type"].as_str().map(|t| !t.is_empty()),
        Some(true)
    );
    assert!(vb["launched_version"].as_str().unwrap().starts_with("etv-"));
    get(&s, &format!("/api/workflow/runs/{id}?view=full"), &[]).assert_error(400);
    get(&s, "/api/workflow/runs/wf-20240101-00000-nope", &[]).assert_error(404);
}

fn wait_for_end(s: &amperity_mock::MockServer, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let v = get(s, &format!("/api/workflow/runs/{id}?view=verbose"), &[]).json();
        let st = v["state"].as_str().unwrap().to_string();
        if seen.last() != Some(&st) {
            seen.push(st.clone());
        }
        if v.get("ended_at").is_some() {
            assert!(seen.len() >= 2, "{seen:?}");
            return v;
        }
        assert!(Instant::now() < deadline, "run never ended: {seen:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn run_lifecycle() {
    let s = start(MockConfig {
        run_step: Duration::from_millis(60),
        ..small()
    });
    let r = post_json(
        &s,
        "/api/workflow/runs",
        r#"{"config_id":"cg-2x3y4z","range_from":"2026-01-01","range_to":"2026-01-02","run_mode":"source"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(v["state"], "scheduled");
    assert_eq!(v["task_instances"], Value::Array(vec![]));
    assert_eq!(v["type"], "courier.group/run");
    assert!(v.get("ended_at").is_none());
    assert!(is_ms_time(v["created_at"].as_str().unwrap()));
    let id = v["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("wf-"));
    let done = wait_for_end(&s, &id);
    assert_eq!(done["state"], "succeeded");
    assert!(is_ms_time(done["ended_at"].as_str().unwrap()));
    // the new run is listed first
    let l = get(&s, "/api/workflow/runs?limit=1", &[]).json();
    assert_eq!(l["data"][0]["id"], id.as_str());
    // stopping an ended run conflicts
    raw(
        &s,
        "POST",
        &format!("/api/workflow/runs/{id}/stop"),
        GOOD,
        Some(""),
    )
    .assert_error(409);

    // a failing courier group
    let v = post_json(&s, "/api/workflow/runs", r#"{"config_id":"cg-fail-1"}"#).json();
    let done = wait_for_end(&s, v["id"].as_str().unwrap());
    assert_eq!(done["state"], "failed");
    assert_eq!(done["error"]["attribution"], "customer");
    assert!(done["error"]["data"]["error"]["message"].is_string());
    assert_eq!(done["error"]["data"]["error"]["data"], Value::Null);

    // stop a running one
    let v = post_json(&s, "/api/workflow/runs", r#"{"config_id":"og-abc"}"#).json();
    let id = v["id"].as_str().unwrap();
    let st = raw(
        &s,
        "POST",
        &format!("/api/workflow/runs/{id}/stop"),
        GOOD,
        None,
    );
    assert_eq!(st.status, 200, "{}", st.body);
    let st = st.json();
    assert_eq!(st["state"], "canceled");
    assert!(st.get("ended_at").is_some());
    assert!(st["task_instances"].is_array());
    std::thread::sleep(Duration::from_millis(250));
    assert_eq!(
        get(&s, &format!("/api/workflow/runs/{id}"), &[]).json()["state"],
        "canceled"
    );
    raw(
        &s,
        "POST",
        &format!("/api/workflow/runs/{id}/stop"),
        GOOD,
        None,
    )
    .assert_error(409);
    raw(&s, "POST", "/api/workflow/runs/wf-nope/stop", GOOD, None).assert_error(404);
    // generated non-terminal workflows can be stopped too
    let v = get(&s, "/api/workflow/runs?state=running&limit=1", &[]).json();
    let id = v["data"][0]["id"].as_str().unwrap();
    let st = raw(
        &s,
        "POST",
        &format!("/api/workflow/runs/{id}/stop"),
        GOOD,
        None,
    )
    .json();
    assert_eq!(st["state"], "canceled");
}

#[test]
fn run_request_validation() {
    let s = start(small());
    for body in [
        "{not json",
        "[]",
        "{}",
        r#"{"config_id":"cg-1","extra":1}"#,
        r#"{"config_id":"cg-1","range_to":"2026-01-02"}"#,
        r#"{"config_id":"cg-1","run_mode":"everything"}"#,
        r#"{"config_id":"cg-1","range_from":"soon"}"#,
        r#"{"config_id":7}"#,
    ] {
        post_json(&s, "/api/workflow/runs", body).assert_error(400);
    }
    assert_eq!(
        post_json(
            &s,
            "/api/workflow/runs",
            r#"{"config_id":"cc-1","range_from":"2026-01-01"}"#
        )
        .status,
        201
    );
}

#[test]
fn ingest_jobs() {
    let s = start(small());
    get(&s, "/api/ingest/jobs", &[]).assert_error(400);
    get(&s, "/api/ingest/jobs?created_from=2026-01-01", &[]).assert_error(400);
    get(&s, "/api/ingest/jobs?created_to=2026-01-01", &[]).assert_error(400);
    get(
        &s,
        "/api/ingest/jobs?created_from=x&created_to=2026-01-01",
        &[],
    )
    .assert_error(400);
    let v = get(
        &s,
        "/api/ingest/jobs?created_from=2000-01-01&created_to=2100-01-01&with_total=true",
        &[],
    )
    .json();
    let jobs = v["data"].as_array().unwrap();
    assert_eq!(jobs.len(), 60);
    assert_eq!(v["total"], 60);
    assert!(v.get("next_token").is_none());
    let mut starts = Vec::new();
    for j in jobs {
        assert!(j["id"].as_str().unwrap().starts_with("isj-"));
        assert!(j["workflow_id"].as_str().unwrap().starts_with("wf-"));
        let tables = j["tables"].as_array().unwrap();
        assert!((1..=3).contains(&tables.len()));
        for t in tables {
            assert_eq!(t.as_object().unwrap().len(), 12, "{t}");
            assert!(t["feed_id"].as_str().unwrap().starts_with("df-"));
            assert_eq!(t["job_id"], j["id"]);
            let files = t["files"].as_array().unwrap();
            assert!((1..=3).contains(&files.len()));
            assert!(files[0]["file_id"].as_str().unwrap().starts_with("cb-"));
        }
        starts.push(tables[0]["started_at"].as_str().unwrap().to_string());
    }
    // window on started_at, from inclusive, to exclusive
    let (from, to) = (&starts[40], &starts[10]);
    let v = get(
        &s,
        &format!("/api/ingest/jobs?created_from={from}&created_to={to}"),
        &[],
    )
    .json();
    assert_eq!(v["data"].as_array().unwrap().len(), 30);
    assert!(v.get("total").is_none());
    let id = jobs[3]["id"].as_str().unwrap();
    let one = get(&s, &format!("/api/ingest/jobs/{id}"), &[]).json();
    assert_eq!(&one, &jobs[3]);
    get(&s, "/api/ingest/jobs/isj-20240101-00000-nope", &[]).assert_error(404);
}

#[test]
fn unknown_routes_and_methods() {
    let s = start(small());
    get(&s, "/api/nope", &[]).assert_error(404);
    get(&s, "/api/segments/", &[]).assert_error(404);
    get(&s, "/elsewhere", &[]).assert_error(404);
    let r = raw(&s, "DELETE", "/api/segments", GOOD, None);
    r.assert_error(405);
    assert_eq!(r.header("allow"), Some("GET"));
    raw(&s, "PUT", "/api/workflow/runs", GOOD, Some("{}")).assert_error(405);
    get(&s, "/api/v0/oauth2/token", &[]).assert_error(405);
    get(&s, "/api/workflow/runs/wf-1/stop", &[]).assert_error(405);
}

#[test]
fn control_endpoints() {
    let s = start(small());
    let a = agent();
    let o = s.origin();
    get(&s, "/api/segments?limit=2", &[]);
    let r = request(&a, "GET", &format!("{o}/__mock/health"), &[], None).unwrap();
    assert_eq!(r.status, 200);
    let r = request(&a, "GET", &format!("{o}/__mock/requests"), &[], None).unwrap();
    let v = r.json();
    let reqs = v.as_array().unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0]["path"], "/api/segments");
    assert_eq!(reqs[0]["query"], "limit=2");
    assert_eq!(s.requests().len(), 1, "control requests are not recorded");
    let r = request(&a, "DELETE", &format!("{o}/__mock/requests"), &[], None).unwrap();
    assert_eq!(r.status, 204);
    assert!(s.requests().is_empty());
    let r = request(
        &a,
        "POST",
        &format!("{o}/__mock/faults"),
        &[],
        Some("path=/api/segments,status=503"),
    )
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    get(&s, "/api/segments", &[]).assert_error(503);
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
    let r = request(
        &a,
        "POST",
        &format!("{o}/__mock/faults"),
        &[],
        Some("status=nope"),
    )
    .unwrap();
    r.assert_error(400);
    request(
        &a,
        "POST",
        &format!("{o}/__mock/faults"),
        &[],
        Some("status=500,count=0"),
    )
    .unwrap();
    get(&s, "/api/segments", &[]).assert_error(500);
    let r = request(&a, "DELETE", &format!("{o}/__mock/faults"), &[], None).unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
}

#[test]
fn start_is_fast_and_servers_independent() {
    let t = Instant::now();
    let servers: Vec<_> = (0..8).map(|_| start(MockConfig::default())).collect();
    let per = t.elapsed() / 8;
    assert!(per < Duration::from_millis(50), "start took {per:?}");
    let ports: HashSet<u16> = servers.iter().map(|s| s.port()).collect();
    assert_eq!(ports.len(), 8);
    assert_eq!(
        servers[0].base_url(),
        format!("http://127.0.0.1:{}/api", servers[0].port())
    );
    // same seed -> same data
    let a = get(&servers[0], "/api/segments?limit=5", &[]).json()["data"].clone();
    let b = get(&servers[1], "/api/segments?limit=5", &[]).json()["data"].clone();
    assert_eq!(a, b);
    let t = Instant::now();
    for s in servers {
        s.shutdown();
    }
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn start_and_drop_inside_a_tokio_runtime() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let s = rt.block_on(async { start(small()) });
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
    rt.block_on(async move { drop(s) });
}

#[test]
fn request_counts_for_record_free_expectations() {
    let s = start(small());
    let a = agent();
    let o = s.origin();
    get(&s, "/api/segments?limit=2", &[]);
    get(&s, "/api/segments?limit=3", &[]);
    get(&s, "/api/campaigns", &[]);
    assert_eq!(s.request_count("GET", "/api/segments"), 2);
    assert_eq!(s.request_count("get", "/api/"), 3);
    assert_eq!(s.request_count("", ""), 3);
    assert_eq!(s.request_count("POST", "/api/segments"), 0);
    let count = |query: &str| {
        let r = request(
            &a,
            "GET",
            &format!("{o}/__mock/requests/count{query}"),
            &[],
            None,
        )
        .unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["count"].as_u64().unwrap()
    };
    assert_eq!(count("?method=GET&path=/api/segments"), 2);
    assert_eq!(count("?path=%2Fapi%2Fcampaigns"), 1);
    assert_eq!(count(""), 3);
    assert_eq!(count("?method=POST"), 0);
    let r = request(&a, "POST", &format!("{o}/__mock/requests/count"), &[], None).unwrap();
    r.assert_error(405);
}
