mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_amperity-mock");

fn spawn(args: &[&str], stdin: Stdio) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim_end().to_string())
}

fn wait(child: &mut Child, limit: Duration) -> Option<i32> {
    let t = Instant::now();
    while t.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn get_url(url: &str) -> Resp {
    request(&agent(), "GET", url, GOOD, None).unwrap()
}

#[test]
fn prints_origin_and_exits_on_stdin_eof() {
    let (mut child, origin) = spawn(
        &[
            "--segments",
            "30",
            "--fault",
            "path=/api/campaigns,status=503",
        ],
        Stdio::piped(),
    );
    assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
    let r = get_url(&format!("{origin}/api/segments?with_total=true"));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["total"], 30);
    assert_eq!(get_url(&format!("{origin}/api/campaigns")).status, 503);
    drop(child.stdin.take());
    assert_eq!(wait(&mut child, Duration::from_secs(5)), Some(0));
}

#[test]
fn profile_and_stream_flags() {
    let (mut child, origin) = spawn(
        &[
            "--profiles",
            "40",
            "--stream-token",
            "cli-stream-token",
            "--stream-rate-limit",
            "off",
            "--stream-max-payload-bytes",
            "16",
        ],
        Stdio::piped(),
    );
    let profiles = request(
        &agent(),
        "GET",
        &format!(
            "{origin}/api/indexes/{}/profiles?with_total=true",
            amperity_mock::CUSTOMERS_INDEX_ID
        ),
        &[GOOD[0], GOOD[1], ("api-version", "2025-07-31")],
        None,
    )
    .unwrap();
    assert_eq!(profiles.json()["total"], 40);
    let post = |token: &str, body: &str| {
        request(
            &agent(),
            "POST",
            &format!("{origin}/stream/v0/data/is-1"),
            &[
                ("authorization", token),
                ("x-amperity-tenant", "acme"),
                ("content-type", "application/json"),
            ],
            Some(body),
        )
        .unwrap()
        .status
    };
    assert_eq!(post("Bearer cli-stream-token", "{}"), 202);
    assert_eq!(post("Bearer mock-stream-token", "{}"), 401);
    assert_eq!(
        post("Bearer cli-stream-token", "{\"abcdefghijklmno\":1}"),
        413
    );
    drop(child.stdin.take());
    assert_eq!(wait(&mut child, Duration::from_secs(5)), Some(0));
}

#[test]
fn exits_zero_on_sigterm() {
    let (mut child, origin) = spawn(&["--no-stdin-watch", "--tenant", "globex"], Stdio::null());
    let r = request(
        &agent(),
        "GET",
        &format!("{origin}/api/segments"),
        &[
            ("authorization", "Bearer mock-token"),
            ("amperity-tenant", "globex"),
            ("api-version", "unstable"),
        ],
        None,
    )
    .unwrap();
    assert_eq!(r.status, 200);
    let st = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(wait(&mut child, Duration::from_secs(5)), Some(0));
}

#[test]
fn dev_null_stdin_does_not_stop_the_server() {
    let (mut child, origin) = spawn(&["--token", "t1", "--token", "t2"], Stdio::null());
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "exited with /dev/null stdin"
    );
    let r = request(
        &agent(),
        "GET",
        &format!("{origin}/api/segments"),
        &[
            ("authorization", "Bearer t2"),
            ("amperity-tenant", "acme"),
            ("api-version", "2024-04-01"),
        ],
        None,
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        get_url(&format!("{origin}/api/segments")).status,
        401,
        "default token replaced"
    );
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert_eq!(wait(&mut child, Duration::from_secs(5)), Some(0));
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["--fault", "status=nope"][..],
        &["--bogus"],
        &["--port"],
        &["--segments", "x"],
        &["--last-cursor", "maybe"],
        &["--stream-rate-limit", "0"],
        &["--stream-rate-limit", "fast"],
        &["--profiles", "-1"],
    ] {
        let out = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--no-stdin-watch"));
}

#[test]
fn tls_with_cert_out() {
    let dir = std::env::temp_dir().join(format!("amperity-mock-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("cert.pem");
    let (mut child, origin) = spawn(
        &[
            "--tls",
            "--cert-out",
            cert.to_str().unwrap(),
            "--last-cursor",
            "null",
        ],
        Stdio::piped(),
    );
    assert!(origin.starts_with("https://127.0.0.1:"), "{origin}");
    let pem = std::fs::read(&cert).unwrap();
    let root = ureq::tls::Certificate::from_pem(&pem).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[root]))
        .build();
    let r = request(
        &agent_with(Some(tls)),
        "GET",
        &format!("{origin}/api/segments?limit=1000&next_token=x"),
        GOOD,
        None,
    )
    .unwrap();
    r.assert_error(400);
    drop(child.stdin.take());
    assert_eq!(wait(&mut child, Duration::from_secs(5)), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
