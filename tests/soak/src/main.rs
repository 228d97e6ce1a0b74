//! The Rust soak and load drivers (the scenario is described in `tests/soak/README.md`).
//!
//! `amperity-soak soak ORIGIN SECONDS IDS_DIR` and `amperity-soak load ORIGIN SECONDS THREADS`;
//! each prints one line, `SOAK {json}` or `LOAD {json}`, which `tests/soak/check.py` checks.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use amperity::{
    AuditEventFilter, Client, Error, PageOptions, RetryPolicy, StreamClient, WaitOptions,
    WorkflowRunRequest, WorkflowView,
};
use serde_json::json;

const THREADS: usize = 8;
const PAGE: u32 = 500;
const LANG: &str = "rust";

fn client(origin: &str) -> Client {
    Client::builder("acme")
        .base_url(format!("{origin}/api"))
        .token("mock-token")
        .rate_limit(None)
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(1))
        .retry_policy(
            RetryPolicy::new(4, Duration::from_millis(10), Duration::from_millis(100))
                .with_max_retry_after(Duration::from_secs(2)),
        )
        .build()
        .expect("client")
}

fn stream_client(origin: &str) -> StreamClient {
    StreamClient::builder("acme")
        .base_url(origin.to_string())
        .token("mock-stream-token")
        .rate_limit(None)
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(1))
        .retry_policy(
            RetryPolicy::new(4, Duration::from_millis(10), Duration::from_millis(100))
                .with_max_retry_after(Duration::from_secs(2)),
        )
        .build()
        .expect("stream client")
}

/// `(rss KiB, open fds, threads)` of this process.
fn sample() -> (u64, u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let fds = std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count() as u64)
        .unwrap_or(0);
    (field("VmRSS:"), fds, field("Threads:"))
}

#[derive(Default)]
struct Stats {
    ops: AtomicU64,
    walks: AtomicU64,
    walks_completed: AtomicU64,
    records: AtomicU64,
    resumes: AtomicU64,
    errors_seen: AtomicU64,
    run_calls: AtomicU64,
    run_ok: AtomicU64,
    run_failed: AtomicU64,
    wait_ok: AtomicU64,
    wait_failed: AtomicU64,
    stream_sent: AtomicU64,
    stream_ok: AtomicU64,
    stream_failed: AtomicU64,
    error_kinds: Mutex<BTreeMap<String, u64>>,
    failures: Mutex<Vec<String>>,
}

impl Stats {
    fn error(&self, e: &Error) {
        self.errors_seen.fetch_add(1, Ordering::Relaxed);
        let kind = match e {
            Error::Api(a) => format!("Api{}", a.status),
            Error::Transport { kind, .. } => format!("Transport{kind:?}"),
            other => {
                let d = format!("{other:?}");
                d.split([' ', '{', '(']).next().unwrap_or("?").to_string()
            }
        };
        *self.error_kinds.lock().unwrap().entry(kind).or_insert(0) += 1;
    }
    fn fail(&self, what: String) {
        let mut f = self.failures.lock().unwrap();
        if f.len() < 20 {
            f.push(what);
        }
    }
}

/// Walks a list to its end, resuming from the cursor after every error, and checks the ids
/// against `expected` (exactly once, in order).
fn walk<T: serde::de::DeserializeOwned + Send + 'static>(
    stats: &Stats,
    expected: &[String],
    what: &str,
    mut pager_at: impl FnMut(Option<String>) -> amperity::Pager<T>,
    id: impl Fn(&T) -> &str,
) {
    stats.walks.fetch_add(1, Ordering::Relaxed);
    let mut pos = 0usize;
    let mut pager = pager_at(None);
    let mut resumes = 0;
    loop {
        match pager.next_page() {
            Ok(Some(page)) => {
                for item in &page.items {
                    let got = id(item);
                    if expected.get(pos).map(String::as_str) != Some(got) {
                        stats.fail(format!(
                            "{what}: record {pos} is {got}, expected {:?}",
                            expected.get(pos)
                        ));
                        return;
                    }
                    pos += 1;
                }
                stats
                    .records
                    .fetch_add(page.items.len() as u64, Ordering::Relaxed);
            }
            Ok(None) => break,
            Err(e) => {
                stats.error(&e);
                resumes += 1;
                if resumes > 100 {
                    stats.fail(format!("{what}: more than 100 resumes ({e})"));
                    return;
                }
                stats.resumes.fetch_add(1, Ordering::Relaxed);
                let cursor = pager.resume_cursor().map(str::to_string);
                if cursor.is_none() && pos != 0 {
                    stats.fail(format!(
                        "{what}: no resume cursor at record {pos} after {e}"
                    ));
                    return;
                }
                pager = pager_at(cursor);
            }
        }
    }
    if pos != expected.len() {
        stats.fail(format!(
            "{what}: walk ended at record {pos} of {}",
            expected.len()
        ));
        return;
    }
    stats.walks_completed.fetch_add(1, Ordering::Relaxed);
}

fn read_ids(dir: &str, name: &str) -> Vec<String> {
    std::fs::read_to_string(format!("{dir}/{name}"))
        .unwrap_or_else(|e| panic!("{dir}/{name}: {e}"))
        .lines()
        .map(str::to_string)
        .collect()
}

fn soak(origin: &str, seconds: u64, ids_dir: &str) {
    let segments = Arc::new(read_ids(ids_dir, "segments.txt"));
    let audit = Arc::new(read_ids(ids_dir, "audit-events.txt"));
    let client = Arc::new(client(origin));
    let streams = Arc::new(stream_client(origin));
    let stats = Arc::new(Stats::default());
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for t in 0..THREADS {
        let (client, streams, stats, stop) =
            (client.clone(), streams.clone(), stats.clone(), stop.clone());
        let (segments, audit) = (segments.clone(), audit.clone());
        workers.push(std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                match (n + t as u64) % 4 {
                    0 => walk(
                        &stats,
                        &segments,
                        "segments",
                        |cursor| {
                            let mut o = PageOptions::limit(PAGE);
                            o.cursor = cursor;
                            client.list_segments(o)
                        },
                        |s| s.id.as_str(),
                    ),
                    1 => walk(
                        &stats,
                        &audit,
                        "audit-events",
                        |cursor| {
                            let mut o = PageOptions::limit(PAGE);
                            o.cursor = cursor;
                            client.list_audit_events(AuditEventFilter::default(), o)
                        },
                        |e| e.event_id.as_str(),
                    ),
                    2 => {
                        stats.run_calls.fetch_add(1, Ordering::Relaxed);
                        let config = format!("cg-soak-{LANG}-{t}-{n}");
                        match client.run_workflow(&WorkflowRunRequest::new(config)) {
                            Ok(run) => {
                                stats.run_ok.fetch_add(1, Ordering::Relaxed);
                                let wait = WaitOptions {
                                    poll_interval: Duration::from_millis(20),
                                    timeout: Duration::from_secs(60),
                                    ..WaitOptions::default()
                                };
                                match client.wait_for_workflow_run(&run.id, &wait) {
                                    Ok(_) => stats.wait_ok.fetch_add(1, Ordering::Relaxed),
                                    Err(e) => {
                                        stats.error(&e);
                                        stats.wait_failed.fetch_add(1, Ordering::Relaxed)
                                    }
                                };
                            }
                            Err(e) => {
                                stats.error(&e);
                                stats.run_failed.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    _ => {
                        for k in 0..25 {
                            let event = format!(
                                "{{\"lang\":\"{LANG}\",\"thread\":{t},\"op\":{n},\"k\":{k}}}"
                            );
                            stats.stream_sent.fetch_add(1, Ordering::Relaxed);
                            match streams.send_json("soak-rust", &event) {
                                Ok(()) => stats.stream_ok.fetch_add(1, Ordering::Relaxed),
                                Err(e) => {
                                    stats.error(&e);
                                    stats.stream_failed.fetch_add(1, Ordering::Relaxed)
                                }
                            };
                        }
                    }
                }
                stats.ops.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
        }));
    }
    // Warm-up: a sixth of the run (at most 60 s), then a sample every second to the end. What
    // is reported is the highest value of the first third of the samples and of the last third:
    // a pool's connections and a collector come and go, a leak grows from one third to the other.
    let warm = Duration::from_secs((seconds / 6).clamp(1, 60));
    std::thread::sleep(warm);
    let mut samples = vec![sample()];
    while Instant::now() + Duration::from_secs(1) < deadline {
        std::thread::sleep(Duration::from_secs(1));
        samples.push(sample());
    }
    let now = Instant::now();
    if now < deadline {
        std::thread::sleep(deadline - now);
    }
    samples.push(sample());
    let third = samples.len().div_ceil(3);
    let peak = |s: &[(u64, u64, u64)]| {
        s.iter()
            .fold((0, 0, 0), |m, x| (m.0.max(x.0), m.1.max(x.1), m.2.max(x.2)))
    };
    let first = peak(&samples[..third]);
    let last = peak(&samples[samples.len() - third..]);
    stop.store(true, Ordering::Relaxed);
    let mut panics = 0;
    for w in workers {
        if w.join().is_err() {
            panics += 1;
        }
    }
    let s = &stats;
    let ld = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let report = json!({
        "lang": LANG,
        "seconds": start.elapsed().as_secs_f64(),
        "threads": THREADS,
        "ops": ld(&s.ops),
        "walks": ld(&s.walks),
        "walks_completed": ld(&s.walks_completed),
        "records": ld(&s.records),
        "resumes": ld(&s.resumes),
        "errors_seen": ld(&s.errors_seen),
        "error_kinds": *s.error_kinds.lock().unwrap(),
        "run_calls": ld(&s.run_calls),
        "run_ok": ld(&s.run_ok),
        "run_failed": ld(&s.run_failed),
        "wait_ok": ld(&s.wait_ok),
        "wait_failed": ld(&s.wait_failed),
        "stream_id": "soak-rust",
        "stream_sent": ld(&s.stream_sent),
        "stream_ok": ld(&s.stream_ok),
        "stream_failed": ld(&s.stream_failed),
        "rss_kb": [first.0, last.0],
        "fds": [first.1, last.1],
        "os_threads": [first.2, last.2],
        "samples": samples.iter().map(|s| [s.0, s.1, s.2]).collect::<Vec<_>>(),
        "panics": panics,
        "failures": *s.failures.lock().unwrap(),
    });
    println!("SOAK {report}");
}

fn load(origin: &str, seconds: u64, threads: usize) {
    let client = Arc::new({
        // The load runs without chaos: the default policy, no rate limiter.
        Client::builder("acme")
            .base_url(format!("{origin}/api"))
            .token("mock-token")
            .rate_limit(None)
            .build()
            .expect("client")
    });
    let id = client
        .list_workflow_runs(Default::default(), PageOptions::limit(1))
        .next_page()
        .expect("a workflow run")
        .and_then(|p| p.items.into_iter().next())
        .expect("a workflow run")
        .id;
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (client, stop, errors, id) =
                (client.clone(), stop.clone(), errors.clone(), id.clone());
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(100_000);
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    if client
                        .get_workflow_run(&id, WorkflowView::Overview)
                        .is_err()
                    {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    lat.push(t.elapsed().as_micros() as u64);
                }
                lat
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut lat: Vec<u64> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("load thread"))
        .collect();
    let elapsed = start.elapsed().as_secs_f64();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .map(|us| *us as f64 / 1000.0)
            .unwrap_or(0.0)
    };
    let report = json!({
        "lang": LANG,
        "threads": threads,
        "seconds": elapsed,
        "ops": lat.len(),
        "errors": errors.load(Ordering::Relaxed),
        "ops_per_s": lat.len() as f64 / elapsed,
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": lat.last().map(|us| *us as f64 / 1000.0).unwrap_or(0.0),
    });
    println!("LOAD {report}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| -> &str {
        args.get(i).map(String::as_str).unwrap_or_else(|| {
            eprintln!(
                "usage: amperity-soak soak ORIGIN SECONDS IDS_DIR | load ORIGIN SECONDS THREADS"
            );
            std::process::exit(2)
        })
    };
    let seconds: u64 = arg(2).parse().expect("SECONDS");
    match arg(0) {
        "soak" => soak(arg(1), seconds, arg(3)),
        "load" => load(arg(1), seconds, arg(3).parse().expect("THREADS")),
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2)
        }
    }
}
