//! No input reaches a panic: the public builder with random settings, the decoders with random
//! text, and every kind of call against a server (written here, on a real socket) that answers
//! each request with a random status, random headers and a random body. Inputs come from a
//! seeded generator, so a failure names the seed and iteration that reproduces it.

use amperity::{
    AuditEvent, Campaign, Client, IngestJob, PageOptions, Profile, ProfileFilter, ProfileIndex,
    RawRequest, RetryPolicy, RunState, Segment, SenderOptions, StreamClient, Timestamp,
    WaitOptions, Workflow, WorkflowView,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// xorshift64*: small, seeded, good enough to vary inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A string from pieces that tend to break parsers.
    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "",
            "a",
            "acme",
            "é",
            "\u{0}",
            "\r\n",
            " ",
            "%",
            "%zz",
            "%00",
            "@",
            ":",
            "//",
            "/",
            "?",
            "#",
            "..",
            "[",
            "]",
            "{",
            "}",
            "\"",
            "\\",
            "https://",
            "http://",
            "socks5://",
            "user:hunter2@",
            "127.0.0.1",
            "localhost",
            ":0",
            ":99999",
            ":-1",
            "[::1]",
            "\u{202e}",
            "😀",
            "9999999999999999999999",
            "-1",
            "NaN",
            "null",
            "true",
            "\t",
        ];
        let mut out = String::new();
        for _ in 0..self.below(8) {
            out.push_str(self.pick(PIECES));
        }
        if self.below(20) == 0 {
            out.push_str(&"x".repeat(self.below(10_000)));
        }
        out
    }

    /// A JSON-ish body: valid documents, near misses and noise.
    fn body(&mut self) -> Vec<u8> {
        const BODIES: &[&str] = &[
            "", "{}", "[]", "null", "{\"data\":[]}", "{\"data\":null}", "{\"data\":{}}",
            "{\"data\":[{}]}", "{\"data\":[{\"id\":\"seg-1\",\"name\":\"n\"}],\"next_token\":\"t\"}",
            "{\"data\":[{\"id\":1,\"name\":[]}]}", "{\"data\":[],\"next_token\":\"\"}",
            "{\"data\":[],\"total\":-5}", "{\"data\":[],\"total\":1e400}",
            "{\"id\":\"wf-1\",\"state\":\"running\",\"type\":\"t\",\"name\":\"n\",\"tenant\":\"acme\",\"created_at\":\"2024-06-19T14:57:00Z\"}",
            "{\"id\":\"wf-1\",\"state\":7,\"created_at\":\"yesterday\"}",
            "{\"created_at\":\"9999-99-99T99:99:99Z\",\"ended_at\":\"\"}", "{\"error\":{\"message\":\"x\"}}",
            "{\"tables\":null,\"id\":\"isj\",\"workflow_id\":\"wf\"}", "<html>oops</html>",
            "{\"data\":[", "{\"data\":[{\"id\":\"a\"", "\u{fffd}\u{0}", "[[[[[[[[[[[[[[[[[[[[",
            "{\"id\":\"cl-1\",\"index_id\":\"idx-1\",\"attributes\":[{\"a\":1},{\"b\":null}]}",
            "{\"id\":\"cl-1\",\"index_id\":\"idx-1\",\"attributes\":[1,\"x\",[]]}",
            "{\"data\":[{\"id\":\"cl-1\",\"index_id\":7,\"attributes\":\"x\"}]}",
            "{\"id\":\"idx-1\",\"name\":\"n\",\"created_at\":\"2026-13-40\",\"description\":5}",
        ];
        let mut body = self.pick(BODIES).as_bytes().to_vec();
        if self.below(4) == 0 {
            let cut = self.below(body.len() + 1);
            body.truncate(cut);
        }
        if self.below(8) == 0 {
            body.extend_from_slice(&[0xff, 0xfe, 0x80]);
        }
        body
    }
}

#[test]
fn the_builder_never_panics_and_never_echoes_a_password() {
    let mut rng = Rng(0x5eed_0001);
    for iteration in 0..3000 {
        let (tenant, base, token_url, proxy, version, suffix) = (
            rng.text(),
            rng.text(),
            rng.text(),
            rng.text(),
            rng.text(),
            rng.text(),
        );
        let rate = [
            None,
            Some(-1.0),
            Some(0.0),
            Some(f64::NAN),
            Some(f64::INFINITY),
            Some(5.0),
        ][rng.below(6)];
        let timeout = Duration::from_millis([0, 1, u64::MAX / 2][rng.below(3)]);
        let with_oauth = rng.below(2) == 0;
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut builder = Client::builder(tenant.clone())
                .base_url(base.clone())
                .api_version(version.clone())
                .user_agent_suffix(suffix.clone())
                .rate_limit(rate)
                .connect_timeout(timeout)
                .request_timeout(timeout)
                .proxy(proxy.clone())
                .add_root_certificate_pem(rng_free_text(&base));
            builder = if with_oauth {
                builder
                    .client_credentials("id", "S3CRET-client")
                    .token_url(token_url.clone())
            } else {
                builder.token("S3CRET-token")
            };
            let control_plane = builder.build().map(|_| ()).map_err(|e| e.to_string());
            // The streaming client takes the same transport settings, with its own token.
            let streaming = StreamClient::builder(tenant.clone())
                .base_url(base.clone())
                .token(format!("S3CRET-stream{}", rng_free_text(&suffix)))
                .rate_limit(rate)
                .connect_timeout(timeout)
                .proxy(proxy.clone())
                .user_agent_suffix(suffix.clone())
                .build()
                .map(|_| ())
                .map_err(|e| e.to_string());
            control_plane.and(streaming)
        }));
        match result {
            Err(_) => panic!("the builder panicked at iteration {iteration}"),
            Ok(Err(message)) => {
                assert!(
                    !message.contains("S3CRET"),
                    "iteration {iteration}: a credential in {message:?}"
                );
                // A URL password must not be echoed (the tenant, api-version and user-agent
                // suffix are echoed as given, so only when they do not hold it themselves).
                let echoed_as_given = [&tenant, &version, &suffix]
                    .iter()
                    .any(|t| t.contains("hunter2"));
                assert!(
                    echoed_as_given || !message.contains("hunter2"),
                    "iteration {iteration}: a URL password in {message:?}"
                );
            }
            Ok(Ok(())) => {}
        }
    }
}

/// A PEM-ish text derived from another input (no randomness needed here).
fn rng_free_text(seed: &str) -> String {
    format!("-----BEGIN CERTIFICATE-----\n{seed}\n-----END CERTIFICATE-----\n")
}

#[test]
fn the_decoders_never_panic() {
    let mut rng = Rng(0x5eed_0002);
    for _ in 0..5000 {
        let text = String::from_utf8_lossy(&rng.body()).into_owned() + &rng.text();
        let _ = RunState::parse(&text);
        let _ = Timestamp::parse(&text);
        let _ = serde_json::from_str::<Segment>(&text);
        let _ = serde_json::from_str::<Campaign>(&text);
        let _ = serde_json::from_str::<AuditEvent>(&text);
        let _ = serde_json::from_str::<Workflow>(&text);
        let _ = serde_json::from_str::<IngestJob>(&text);
        let _ = serde_json::from_str::<ProfileIndex>(&text);
        let _ = serde_json::from_str::<Profile>(&text);
    }
}

/// Serves `count` connections, each answering one request with random parts.
fn chaos_server(seed: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut rng = Rng(seed);
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                if line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut sink = vec![0; length];
            let _ = reader.read_exact(&mut sink);
            let status = [
                200, 200, 200, 201, 204, 301, 307, 400, 401, 404, 429, 500, 503, 999,
            ][rng.below(14)];
            let body = rng.body();
            let mut head = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n");
            for _ in 0..rng.below(4) {
                let name = rng.pick(&[
                    "Retry-After",
                    "Deprecation",
                    "Sunset",
                    "Location",
                    "Content-Type",
                    "Content-Encoding",
                    "X-Request-Id",
                ]);
                let value = rng.text().replace(['\r', '\n', '\u{0}'], "");
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            match rng.below(4) {
                0 => {} // no length: read to close
                1 => head.push_str(&format!(
                    "Content-Length: {}\r\n",
                    body.len() + rng.below(5)
                )),
                _ => head.push_str(&format!("Content-Length: {}\r\n", body.len())),
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{address}/api")
}

#[test]
fn random_answers_never_panic_any_call() {
    let base = chaos_server(0x5eed_0003);
    let client = Client::builder("acme")
        .base_url(base.clone())
        .token("mock-token")
        .rate_limit(None)
        .retry_policy(RetryPolicy::disabled())
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(2))
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let wait = WaitOptions {
        poll_interval: Duration::from_millis(1),
        timeout: Duration::from_millis(5),
        ..WaitOptions::default()
    };
    let streams = StreamClient::builder("acme")
        .base_url(base)
        .token("mock-stream-token")
        .rate_limit(None)
        .retry_policy(RetryPolicy::disabled())
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let mut rng = Rng(0x5eed_0004);
    for iteration in 0..400 {
        let text = rng.text() + &String::from_utf8_lossy(&rng.body());
        let outcome = catch_unwind(AssertUnwindSafe(|| match iteration % 10 {
            0 => {
                let mut pager = client.list_segments(PageOptions::limit(10));
                let _ = pager.next_page();
                let _ = pager.next_page();
            }
            1 => {
                let _ = client.get_workflow_run("wf-1", WorkflowView::Verbose);
            }
            2 => {
                let _ = client.wait_for_workflow_run("wf-1", &wait);
            }
            3 => {
                let _ = client.get_ingest_job("isj-1");
            }
            4 => {
                let _ = client.raw(RawRequest::get("/anything"));
            }
            6 => {
                let mut pager = client.list_profiles(
                    &text,
                    ProfileFilter::new().with(text.clone(), text.clone()),
                    PageOptions::default(),
                );
                let _ = pager.next_page();
                let _ = client.list_indexes(PageOptions::limit(3)).next_page();
            }
            7 => {
                let _ = client.get_profile("idx-1", &text);
                let _ = client.get_index(&text);
            }
            8 => {
                let _ = streams.send_json(&text, &text);
                let _ = streams.send_json("is-1", "{}");
                let _ = streams.send_xml("is-1", &text);
            }
            9 => {
                if let Ok(sender) = streams.sender("is-1", SenderOptions::default()) {
                    let _ = sender.send(&text);
                    let _ = sender.try_send("{\"a\":1}");
                    let _ = sender.flush();
                    let _ = sender.close();
                }
            }
            _ => {
                let _ = client
                    .list_audit_events(Default::default(), PageOptions::default())
                    .next_page();
            }
        }));
        assert!(outcome.is_ok(), "a call panicked at iteration {iteration}");
    }
    // Whatever the answers were, the notices read back fine.
    let _ = client.deprecation_notices();
}
