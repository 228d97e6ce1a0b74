//! Load generator: keep-alive HTTP/1.1 clients fetching 100-record segment pages.
//!
//! ```text
//! cargo run --release -p amperity-mock --example load -- [--url ORIGIN] [--conns N] [--secs S]
//!     [--limit N] [--max-requests N]
//! ```
//! Without `--url` it starts an in-process server (its own single thread). With `--url` it
//! targets a running `amperity-mock` (e.g. one pinned to a core with `taskset`). The run stops
//! after `--secs` seconds or `--max-requests` requests, whichever comes first.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use amperity_mock::{MockConfig, MockServer};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Sends one GET and returns the body.
fn get(
    w: &mut TcpStream,
    r: &mut BufReader<TcpStream>,
    host: &str,
    target: &str,
) -> std::io::Result<Vec<u8>> {
    let req = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer mock-token\r\namperity-tenant: acme\r\napi-version: 2024-04-01\r\nAccept: application/json\r\n\r\n"
    );
    w.write_all(req.as_bytes())?;
    let mut line = String::new();
    r.read_line(&mut line)?;
    if !line.starts_with("HTTP/1.1 200") {
        return Err(std::io::Error::other(format!("bad status line: {line:?}")));
    }
    let mut len = 0usize;
    loop {
        line.clear();
        r.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok(body)
}

fn connect(addr: &str) -> std::io::Result<(TcpStream, BufReader<TcpStream>)> {
    let s = TcpStream::connect(addr)?;
    s.set_nodelay(true)?;
    let r = BufReader::with_capacity(64 * 1024, s.try_clone()?);
    Ok((s, r))
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let conns: usize = arg(&args, "--conns")
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let secs: u64 = arg(&args, "--secs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let limit: usize = arg(&args, "--limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let max: u64 = arg(&args, "--max-requests")
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000_000);
    let (_server, origin) = match arg(&args, "--url") {
        Some(u) => (None, u),
        None => {
            let s = MockServer::start(MockConfig::default())?;
            let o = s.origin();
            (Some(s), o)
        }
    };
    let host = origin
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other("only http:// origins"))?
        .trim_end_matches('/')
        .to_string();

    // Walk the listing once to collect every page's target.
    let (mut w, mut r) = connect(&host)?;
    let mut targets = vec![format!("/api/segments?limit={limit}")];
    loop {
        let body = get(
            &mut w,
            &mut r,
            &host,
            targets.last().unwrap_or(&String::new()),
        )?;
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        match v.get("next_token").and_then(|t| t.as_str()) {
            Some(t) if !t.is_empty() => {
                targets.push(format!("/api/segments?limit={limit}&next_token={t}"))
            }
            _ => break,
        }
    }
    let page_bytes = get(&mut w, &mut r, &host, &targets[0])?.len();
    println!(
        "target {origin}: {} pages of {limit} segments ({page_bytes} bytes per page), {conns} connections, {secs} s",
        targets.len()
    );

    let targets = Arc::new(targets);
    let done = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..conns)
        .map(|c| {
            let (targets, done, count, bytes, host) = (
                targets.clone(),
                done.clone(),
                count.clone(),
                bytes.clone(),
                host.clone(),
            );
            std::thread::spawn(move || -> std::io::Result<()> {
                let (mut w, mut r) = connect(&host)?;
                let mut i = c;
                while !done.load(Ordering::Relaxed) {
                    let b = get(&mut w, &mut r, &host, &targets[i % targets.len()])?;
                    bytes.fetch_add(b.len() as u64, Ordering::Relaxed);
                    if count.fetch_add(1, Ordering::Relaxed) + 1 >= max {
                        done.store(true, Ordering::Relaxed);
                    }
                    i += 1;
                }
                Ok(())
            })
        })
        .collect();
    while !done.load(Ordering::Relaxed) && start.elapsed() < Duration::from_secs(secs) {
        std::thread::sleep(Duration::from_millis(20));
    }
    done.store(true, Ordering::Relaxed);
    for h in handles {
        h.join()
            .map_err(|_| std::io::Error::other("client panicked"))??;
    }
    let el = start.elapsed().as_secs_f64();
    let n = count.load(Ordering::Relaxed);
    println!(
        "{n} requests in {el:.2} s = {:.0} requests/s, {:.1} MB/s",
        n as f64 / el,
        bytes.load(Ordering::Relaxed) as f64 / el / 1e6
    );
    Ok(())
}
