//! Walks segment pages from a running mock server and prints one JSON line of measurements.
//!
//! `amperity-bench <client> <base-url> <pages> <limit> [repeats]` with client `rust-core` (the
//! SDK, typed items) or `bare-ureq` (a hand-written ureq + serde_json loop: the floor). The walk
//! runs `repeats` times (default 1); `seconds` is the median walk, CPU is per walk,
//! `touched_bytes` the bytes of each record's id and name that the last walk read. Also
//! `amperity-bench construct <base-url> <n>`: time to build a client.

use serde::Deserialize;
use std::time::Instant;

#[derive(Deserialize)]
#[allow(dead_code)]
struct BareSegment {
    id: String,
    name: String,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
struct BarePage {
    data: Vec<BareSegment>,
    #[serde(default)]
    next_token: Option<String>,
}

/// Peak and current resident set size in KiB, from /proc/self/status.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// User + system CPU seconds of this process.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct we hand it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// `BENCH_WORK_MS`: the caller's own work per page (the latency shape), slept after each page.
fn work_per_page() -> std::time::Duration {
    let ms = std::env::var("BENCH_WORK_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    std::time::Duration::from_millis(ms)
}

/// The bytes of each record's id and name: what every client of tests/bench.sh reads of each
/// record, so that no walk skips work another does.
fn touch<'a>(records: impl Iterator<Item = (&'a String, &'a String)>) -> usize {
    records.map(|(id, name)| id.len() + name.len()).sum()
}

fn walk_core(
    base_url: &str,
    pages: usize,
    limit: u32,
    read_ahead: bool,
    checkpoints: &mut Vec<(usize, u64)>,
    touched: &mut usize,
) -> usize {
    let client = amperity::Client::builder("acme")
        .base_url(base_url)
        .token("mock-token")
        .rate_limit(None)
        .build()
        .expect("client");
    let options = amperity::PageOptions {
        read_ahead,
        ..amperity::PageOptions::limit(limit)
    };
    let mut pager = client.list_segments(options);
    let mut records = 0;
    let work = work_per_page();
    for n in 1..=pages {
        let page = pager.next_page().expect("page").expect("enough pages");
        records += page.items.len();
        *touched += touch(page.items.iter().map(|s| (&s.id, &s.name)));
        std::thread::sleep(work);
        if n.is_power_of_two() || n == pages {
            checkpoints.push((n, rss_kib().0));
        }
    }
    records
}

fn walk_bare(
    base_url: &str,
    pages: usize,
    limit: u32,
    checkpoints: &mut Vec<(usize, u64)>,
    touched: &mut usize,
) -> usize {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(true)
        .build()
        .into();
    let mut cursor: Option<String> = None;
    let mut records = 0;
    for n in 1..=pages {
        let mut url = format!("{base_url}/segments?limit={limit}");
        if let Some(c) = &cursor {
            url.push_str("&next_token=");
            url.push_str(c);
        }
        let body = agent
            .get(&url)
            .header("Authorization", "Bearer mock-token")
            .header("Amperity-Tenant", "acme")
            .header("api-version", "2024-04-01")
            .header("Accept", "application/json")
            .call()
            .expect("response")
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .expect("body");
        let page: BarePage = serde_json::from_slice(&body).expect("json");
        records += page.data.len();
        *touched += touch(page.data.iter().map(|s| (&s.id, &s.name)));
        std::thread::sleep(work_per_page());
        cursor = page.next_token;
        if n.is_power_of_two() || n == pages {
            checkpoints.push((n, rss_kib().0));
        }
    }
    records
}

/// The streaming shape: `events` events through one `EventSender` (default options, the
/// client's default 1000 requests/s) to the mock at `origin`; one JSON line with the wall time
/// and the process CPU.
fn stream_shape(origin: &str, events: usize) {
    let client = amperity::StreamClient::builder("acme")
        .token("mock-stream-token")
        .base_url(origin)
        .build()
        .expect("stream client");
    let sender = client
        .sender("is-bench-rust", amperity::SenderOptions::default())
        .expect("sender");
    let (start, cpu0) = (Instant::now(), cpu_seconds());
    for n in 0..events {
        let event = format!(r#"{{"event_id":"ev-{n}","type":"page_view","n":{n}}}"#);
        sender.send(&event).expect("send");
    }
    let report = sender.close();
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"client\":\"rust-core-stream\",\"shape\":\"stream\",\"events\":{events},\"accepted\":{},\"failed\":{},\"retried\":{},\"seconds\":{seconds:.4},\"cpu_seconds\":{:.4},\"peak_rss_kib\":{}}}",
        report.accepted,
        report.failed.len(),
        report.retried,
        cpu_seconds() - cpu0,
        rss_kib().0
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!(
            "usage: amperity-bench rust-core|bare-ureq BASE_URL PAGES LIMIT | construct BASE_URL N"
        );
        std::process::exit(2);
    }
    let (client, base_url) = (args[1].as_str(), args[2].as_str());
    if client == "rust-core-stream" {
        stream_shape(base_url, args[3].parse().expect("EVENTS"));
        return;
    }
    if client == "construct" {
        let n: usize = args[3].parse().expect("N");
        let start = Instant::now();
        for _ in 0..n {
            let built = amperity::Client::builder("acme")
                .base_url(base_url)
                .token("mock-token")
                .build();
            std::hint::black_box(built.expect("client"));
        }
        let micros = start.elapsed().as_secs_f64() * 1e6 / n as f64;
        println!("{{\"client\":\"rust-core\",\"shape\":\"construct\",\"micros_per_client\":{micros:.2}}}");
        return;
    }
    let pages: usize = args[3].parse().expect("PAGES");
    let limit: u32 = args.get(4).and_then(|v| v.parse().ok()).expect("LIMIT");
    let repeats: usize = args.get(5).and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    let mut checkpoints = Vec::new();
    let mut times = Vec::with_capacity(repeats);
    let mut records = 0;
    let mut touched = 0;
    let cpu0 = cpu_seconds();
    for _ in 0..repeats {
        checkpoints.clear();
        touched = 0;
        let start = Instant::now();
        records = match client {
            "rust-core" => walk_core(
                base_url,
                pages,
                limit,
                false,
                &mut checkpoints,
                &mut touched,
            ),
            "rust-core-read-ahead" => {
                walk_core(base_url, pages, limit, true, &mut checkpoints, &mut touched)
            }
            "bare-ureq" => walk_bare(base_url, pages, limit, &mut checkpoints, &mut touched),
            other => panic!("unknown client {other}"),
        };
        times.push(start.elapsed().as_secs_f64());
    }
    let cpu = (cpu_seconds() - cpu0) / repeats as f64;
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];
    let rss: Vec<String> = checkpoints
        .iter()
        .map(|(n, kib)| format!("[{n},{kib}]"))
        .collect();
    println!(
        "{{\"client\":\"{client}\",\"repeats\":{repeats},\"pages\":{pages},\"limit\":{limit},\"records\":{records},\"seconds\":{seconds:.6},\"cpu_seconds\":{cpu:.4},\"peak_rss_kib\":{},\"rss_by_page\":[{}],\"touched_bytes\":{touched}}}",
        rss_kib().0,
        rss.join(",")
    );
}
