//! `amperity-mock`: the mock Amperity API server as a standalone process.
//!
//! Prints its origin (`http://127.0.0.1:PORT`) as the first line of stdout, then serves until
//! SIGTERM, SIGINT, or EOF on stdin (see `--help`).

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

use amperity_mock::{Chaos, FaultRule, LastCursor, MockConfig, MockServer};

const USAGE: &str = "\
amperity-mock: mock Amperity API server (control plane, Profile API, Streaming Ingest; binds 127.0.0.1)

USAGE: amperity-mock [OPTIONS]

OPTIONS (`--flag VALUE` or `--flag=VALUE`):
  --port N                 port to bind (default 0 = ephemeral)
  --tls                    serve HTTPS with a fresh self-signed certificate
  --cert-out PATH          with --tls: write the certificate PEM here before printing the origin
  --seed N                 data seed (default 42)
  --segments N             number of segments (default 10000)
  --campaigns N            number of campaigns (default 250)
  --campaign-drafts N      number of campaign drafts (default 40)
  --audit-events N         number of audit events (default 5000)
  --workflows N            number of workflows (default 500)
  --ingest-jobs N          number of ingest jobs (default 60)
  --profiles N             number of customer profiles of the Profile API (default 3000)
  --tenant T               tenant id (default acme)
  --token T                accepted static bearer token; repeatable; replaces the default
                           mock-token when given
  --stream-token T         accepted Streaming Ingest token; repeatable; replaces the default
                           mock-stream-token when given
  --stream-rate-limit R    Streaming Ingest requests per second before 429, or off
                           (default 1000)
  --stream-max-payload-bytes N
                           largest Streaming Ingest body accepted (default 1000000; 413 above)
  --client-id X            OAuth client id (default mock-client)
  --client-secret Y        OAuth client secret (default mock-secret)
  --token-ttl-secs N       lifetime of issued OAuth tokens (default 3600)
  --run-step-ms N          time a created run spends in each state (default 200)
  --latency-ms N           wait N ms before answering every API and stream request (default 0)
  --last-cursor MODE       how the last page ends: absent (default), empty, null
  --fault SPEC             install a fault rule; repeatable
                           (e.g. path=/api/segments,status=429,retry_after=1,count=2)
  --chaos SEED:RATE[:STALL_MS]
                           chaos mode: each API and stream request no fault rule matched gets,
                           with probability RATE (0 to 1), a fault drawn with a generator seeded
                           with SEED from: 429 with and without Retry-After, 500, 502, 503, 504,
                           502/503 HTML pages, reset before the response, close mid-body,
                           truncated JSON, a stall of STALL_MS mid-body (default 3000);
                           GET /__mock/chaos counts them
  --no-stdin-watch         do not exit when stdin reaches EOF
  -h, --help               print this help

The first line on stdout is the origin, e.g. http://127.0.0.1:40123 (https:// with --tls).
The server exits with code 0 on SIGTERM, SIGINT, or when stdin reaches EOF, so a parent that
keeps a pipe to its stdin open takes it down by dying. Callers that cannot keep stdin open must
pass --no-stdin-watch (when stdin is /dev/null or closed at start, the watch is skipped anyway).
Invalid arguments or fault specs exit with code 2.
";

struct Args {
    config: MockConfig,
    cert_out: Option<String>,
    stdin_watch: bool,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut config = MockConfig::default();
    let mut cert_out = None;
    let mut stdin_watch = true;
    let mut tokens: Vec<String> = Vec::new();
    let mut stream_tokens: Vec<String> = Vec::new();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => it.next().ok_or_else(|| format!("{name} needs a value")),
            }
        };
        fn num<T: std::str::FromStr>(flag: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{flag} needs a non-negative integer, got {v:?}"))
        }
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => config.port = num(&flag, value(&flag)?)?,
            "--tls" => config.tls = true,
            "--cert-out" => cert_out = Some(value(&flag)?),
            "--seed" => config.seed = num(&flag, value(&flag)?)?,
            "--segments" => config.segments = num(&flag, value(&flag)?)?,
            "--campaigns" => config.campaigns = num(&flag, value(&flag)?)?,
            "--campaign-drafts" => config.campaign_drafts = num(&flag, value(&flag)?)?,
            "--audit-events" => config.audit_events = num(&flag, value(&flag)?)?,
            "--workflows" => config.workflows = num(&flag, value(&flag)?)?,
            "--ingest-jobs" => config.ingest_jobs = num(&flag, value(&flag)?)?,
            "--profiles" => config.profiles = num(&flag, value(&flag)?)?,
            "--stream-token" => stream_tokens.push(value(&flag)?),
            "--stream-rate-limit" => {
                let v = value(&flag)?;
                config.stream_rate_limit = match v.as_str() {
                    "off" => None,
                    _ => match v.parse::<f64>() {
                        Ok(rate) if rate.is_finite() && rate > 0.0 => Some(rate),
                        _ => {
                            return Err(format!("{flag} needs a positive number or off, got {v:?}"))
                        }
                    },
                }
            }
            "--stream-max-payload-bytes" => {
                config.stream_max_payload_bytes = num(&flag, value(&flag)?)?
            }
            "--tenant" => config.tenant = value(&flag)?,
            "--token" => tokens.push(value(&flag)?),
            "--client-id" => config.client_id = value(&flag)?,
            "--client-secret" => config.client_secret = value(&flag)?,
            "--token-ttl-secs" => {
                config.token_ttl = Duration::from_secs(num(&flag, value(&flag)?)?)
            }
            "--run-step-ms" => config.run_step = Duration::from_millis(num(&flag, value(&flag)?)?),
            "--latency-ms" => config.latency = Duration::from_millis(num(&flag, value(&flag)?)?),
            "--last-cursor" => config.last_cursor = LastCursor::parse(&value(&flag)?)?,
            "--fault" => {
                let spec = value(&flag)?;
                let rule = FaultRule::parse(&spec).map_err(|e| format!("--fault {spec}: {e}"))?;
                config.faults.push(rule);
            }
            "--chaos" => {
                let spec = value(&flag)?;
                config.chaos =
                    Some(Chaos::parse(&spec).map_err(|e| format!("--chaos {spec}: {e}"))?);
            }
            "--no-stdin-watch" => stdin_watch = false,
            other => return Err(format!("unknown argument: {other}")),
        }
        if inline.is_some() && matches!(flag.as_str(), "--tls" | "--no-stdin-watch") {
            return Err(format!("{flag} takes no value"));
        }
    }
    if !tokens.is_empty() {
        config.tokens = tokens;
    }
    if !stream_tokens.is_empty() {
        config.stream_tokens = stream_tokens;
    }
    if cert_out.is_some() && !config.tls {
        return Err("--cert-out needs --tls".into());
    }
    Ok(Some(Args {
        config,
        cert_out,
        stdin_watch,
    }))
}

/// True when fd 0 is /dev/null or not open: watching it for EOF would stop at once.
fn stdin_unwatchable() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(fd0) =
            std::fs::metadata("/proc/self/fd/0").or_else(|_| std::fs::metadata("/dev/fd/0"))
        else {
            return true;
        };
        if let Ok(null) = std::fs::metadata("/dev/null") {
            if fd0.dev() == null.dev() && fd0.ino() == null.ino() {
                return true;
            }
        }
        false
    }
    #[cfg(not(unix))]
    {
        false
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("amperity-mock: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match MockServer::start(args.config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("amperity-mock: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(pem)) = (&args.cert_out, server.ca_cert_pem()) {
        if let Err(e) = std::fs::write(path, pem) {
            eprintln!("amperity-mock: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", server.origin());
        let _ = out.flush();
    }

    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("amperity-mock: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (eof_tx, eof_rx) = tokio::sync::oneshot::channel::<()>();
    if args.stdin_watch && !stdin_unwatchable() {
        std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut buf = [0u8; 4096];
            loop {
                match stdin.read(&mut buf) {
                    Ok(0) => {
                        let _ = eof_tx.send(());
                        return;
                    }
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    // An unreadable stdin cannot tell us anything: keep serving.
                    Err(_) => return,
                }
            }
        });
    } else {
        std::mem::forget(eof_tx);
    }
    rt.block_on(async move {
        let eof = async {
            if eof_rx.await.is_err() {
                std::future::pending::<()>().await
            }
        };
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = signal(SignalKind::terminate()).ok();
            let sigterm = async {
                match term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = sigterm => {}
                _ = eof => {}
            }
        }
        #[cfg(not(unix))]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = eof => {}
        }
    });
    server.shutdown();
    // The stdin reader thread may still be blocked in read(); exit without waiting for it.
    std::process::exit(0)
}
