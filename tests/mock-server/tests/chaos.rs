//! The chaos mode, the reset and stall faults, and the soak counters (`/__mock/chaos`,
//! `/__mock/workflow-posts`, `/__mock/ids/…`).
mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use amperity_mock::{Chaos, FaultRule, MockConfig, CHAOS_KINDS};
use common::*;

fn raw_get(port: u16, path: &str) -> Vec<u8> {
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        c,
        "GET {path} HTTP/1.1\r\nHost: x\r\nauthorization: Bearer mock-token\r\namperity-tenant: acme\r\napi-version: 2024-04-01\r\n\r\n"
    )
    .unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut all = Vec::new();
    let _ = c.read_to_end(&mut all);
    all
}

#[test]
fn reset_sends_nothing_and_closes() {
    let s = start(small());
    s.add_fault(FaultRule::parse("path=/api/segments,reset").unwrap());
    let got = raw_get(s.port(), "/api/segments");
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    // one-shot: the next request is answered
    assert_eq!(get(&s, "/api/segments", &[]).status, 200);
    assert_eq!(s.request_count("GET", "/api/segments"), 2);
}

#[test]
fn stall_sends_half_the_body_then_waits() {
    let s = start(small());
    s.add_fault(FaultRule::parse("stall_ms=700").unwrap());
    let t = Instant::now();
    let got = raw_get(s.port(), "/api/segments");
    assert!(
        t.elapsed() >= Duration::from_millis(650),
        "{:?}",
        t.elapsed()
    );
    let text = String::from_utf8_lossy(&got);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        !body.is_empty() && body.len() < len,
        "{} of {len}",
        body.len()
    );
}

#[test]
fn chaos_injects_the_seeded_mix_and_counts_it() {
    let chaos = Chaos::parse("5:0.5:50").unwrap();
    let run = |chaos: &Chaos| {
        let s = start(MockConfig {
            chaos: Some(chaos.clone()),
            ..small()
        });
        let mut statuses = Vec::new();
        for _ in 0..400 {
            let url = format!("{}/api/segments?limit=5", s.origin());
            statuses.push(match request(&agent(), "GET", &url, GOOD, None) {
                Ok(r) => r.status,
                Err(_) => 0,
            });
        }
        (statuses, s.chaos_stats())
    };
    let (a, stats) = run(&chaos);
    assert_eq!(stats.requests, 400);
    assert!((140..260).contains(&stats.injected), "{stats:?}");
    assert_eq!(stats.by_kind.values().sum::<u64>(), stats.injected);
    for kind in stats.by_kind.keys() {
        assert!(CHAOS_KINDS.contains(&kind.as_str()), "{kind}");
    }
    assert!(stats.by_kind.len() >= 10, "{stats:?}");
    for status in [429, 500, 502, 503, 504, 0] {
        assert!(a.contains(&status), "no {status} in {a:?}");
    }
    // the same seed gives the same fates to the same sequence of requests
    let (b, stats_b) = run(&chaos);
    assert_eq!(a, b);
    assert_eq!(stats, stats_b);
}

#[test]
fn chaos_leaves_control_endpoints_and_fault_rules_alone() {
    let s = start(MockConfig {
        chaos: Some(Chaos::parse("1:1").unwrap()),
        ..small()
    });
    // a matching rule wins over chaos
    s.add_fault(FaultRule::parse("path=/api/campaigns,status=418,count=1").unwrap());
    assert_eq!(get(&s, "/api/campaigns", &[]).status, 418);
    for _ in 0..20 {
        assert_eq!(get(&s, "/__mock/health", &[]).status, 200);
    }
    let v = get(&s, "/__mock/chaos", &[]).json();
    assert_eq!(v["chaos"], "1:1:3000");
    assert_eq!(v["stats"]["requests"], 0);
    // without chaos the stats stay at zero
    let plain = start(small());
    let _ = get(&plain, "/api/segments", &[]);
    assert_eq!(plain.chaos_stats().injected, 0);
    assert!(get(&plain, "/__mock/chaos", &[]).json()["chaos"].is_null());
}

#[test]
fn workflow_posts_are_counted_per_config_id() {
    let s = start(small());
    for id in ["soak-1", "soak-2", "soak-2"] {
        let r = post_json(
            &s,
            "/api/workflow/runs",
            &format!("{{\"config_id\":\"{id}\"}}"),
        );
        assert!(r.status < 300, "{}", r.body);
    }
    s.add_fault(FaultRule::parse("path=/api/workflow/runs,status=429").unwrap());
    let r = post_json(&s, "/api/workflow/runs", "{\"config_id\":\"soak-3\"}");
    assert_eq!(r.status, 429);
    let r = post_json(&s, "/api/workflow/runs", "{\"config_id\":\"soak-3\"}");
    assert!(r.status < 300);
    let p = s.workflow_posts();
    assert_eq!((p.posts, p.refused, p.config_ids), (5, 1, 3));
    assert_eq!(p.max_per_config_id, 2);
    assert_eq!(p.repeated, vec!["soak-2".to_string()]);
    let v = get(&s, "/__mock/workflow-posts", &[]).json();
    assert_eq!(v["posts"], 5);
    assert_eq!(v["repeated"][0], "soak-2");
    assert_eq!(
        raw(&s, "DELETE", "/__mock/workflow-posts", &[], None).status,
        204
    );
    assert_eq!(s.workflow_posts().posts, 0);
    assert!(s.connections_accepted() >= 1);
    assert!(
        get(&s, "/__mock/connections", &[]).json()["accepted"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[test]
fn ids_list_the_data_in_listing_order() {
    let s = start(small());
    let ids = get(&s, "/__mock/ids/segments", &[]).body;
    let listed: Vec<String> = walk(&s, "/api/segments?limit=100", &[])
        .iter()
        .flat_map(|p| p["data"].as_array().unwrap().clone())
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.lines().collect::<Vec<_>>(), listed);
    let audit = get(&s, "/__mock/ids/audit-events", &[]).body;
    assert_eq!(audit.lines().count(), 5000);
    assert!(audit.starts_with("ae-"));
}
