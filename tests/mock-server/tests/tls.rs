mod common;

use amperity_mock::MockConfig;
use common::*;

fn tls_agent(pem: &str) -> ureq::Agent {
    let root = ureq::tls::Certificate::from_pem(pem.as_bytes()).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[root]))
        .build();
    agent_with(Some(tls))
}

#[test]
fn https_with_generated_cert() {
    let s = start(MockConfig {
        tls: true,
        ..small()
    });
    assert!(s.origin().starts_with("https://127.0.0.1:"));
    let pem = s.ca_cert_pem().expect("cert when tls");
    assert!(pem.contains("BEGIN CERTIFICATE"));
    let a = tls_agent(&pem);
    let r = request(
        &a,
        "GET",
        &format!("{}/segments?limit=3", s.base_url()),
        GOOD,
        None,
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["data"].as_array().unwrap().len(), 3);
    // the localhost SAN works too
    let r = request(
        &a,
        "GET",
        &format!("https://localhost:{}/api/segments", s.port()),
        GOOD,
        None,
    )
    .unwrap();
    assert_eq!(r.status, 200);
    // OAuth over TLS
    let form = "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret";
    let r = request(
        &a,
        "POST",
        &s.token_url(),
        &[
            ("x-amperity-tenant", "acme"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        Some(form),
    )
    .unwrap();
    assert_eq!(r.status, 200);
    // an agent that does not trust the cert fails
    assert!(request(
        &agent(),
        "GET",
        &format!("{}/segments", s.base_url()),
        GOOD,
        None
    )
    .is_err());
    // close_mid_body over TLS
    s.add_fault(amperity_mock::FaultRule::parse("close_mid_body").unwrap());
    assert!(request(&a, "GET", &format!("{}/segments", s.base_url()), GOOD, None).is_err());
}

#[test]
fn plain_server_has_no_cert() {
    let s = start(small());
    assert!(s.ca_cert_pem().is_none());
    assert!(s.origin().starts_with("http://"));
}

#[test]
fn tls_start_is_fast() {
    let t = std::time::Instant::now();
    let s = start(MockConfig {
        tls: true,
        ..MockConfig::default()
    });
    let took = t.elapsed();
    assert!(took < std::time::Duration::from_millis(50), "{took:?}");
    s.shutdown();
}
