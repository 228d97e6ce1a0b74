//! `stream send`: NDJSON in, one event per line, through the core's `EventSender`; the delivery
//! report out, and the events that did not make it written to a file the user names.

use crate::config::Resolved;
use crate::exit::{CliError, CliResult, ExitKind};
use crate::output::write_one;
use crate::run::{rate_limit, user_agent};
use crate::{interrupt, progress};
use amperity::{Error, SendError, SenderOptions};
use clap::ArgMatches;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};

/// Counts the failures by cause ("HTTP 400 (bad_request)", "transport (timeout)", …), with the
/// last message of each, for the summary on stderr.
#[derive(Default)]
struct Causes(BTreeMap<String, (u64, String)>);

impl Causes {
    fn add(&mut self, error: &Error) {
        let cause = match error {
            Error::Api(api) => format!("HTTP {} ({})", api.status, api.kind),
            Error::Transport { kind, .. } => format!("transport ({kind})"),
            Error::InvalidArgument { .. } => "refused before sending".to_owned(),
            other => ExitKind::of(other).name().to_owned(),
        };
        let entry = self.0.entry(cause).or_default();
        entry.0 += 1;
        entry.1 = error.to_string();
    }

    fn print(&self) {
        for (cause, (count, last)) in &self.0 {
            eprintln!("amperity: {count} events failed: {cause}; last: {last}");
        }
    }
}

/// Creates the failed-events file, readable by its owner only (events hold customer data).
fn create_private(path: &str) -> CliResult<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| CliError::usage(format!("--failed-to {path}: {e}")))
}

/// `amperity stream send STREAM_ID [FILE|-]`.
pub fn send(leaf: &ArgMatches, resolved: &Resolved) -> CliResult {
    let stream_id = leaf
        .get_one::<String>("stream-id")
        .cloned()
        .unwrap_or_default();
    let file = leaf.get_one::<String>("file").filter(|f| f.as_str() != "-");
    let failed_to = leaf.get_one::<String>("failed-to");
    let mut builder = resolved.stream_builder()?.user_agent_suffix(user_agent());
    if let Some(rate) = rate_limit(leaf)? {
        builder = builder.rate_limit(rate);
    }
    let client = builder.build()?;
    let mut options = SenderOptions::default();
    if let Some(workers) = leaf.get_one::<u16>("workers") {
        options.workers = usize::from(*workers);
    }
    if let Some(retries) = leaf.get_one::<u32>("max-retries") {
        options.max_retries = *retries;
    }
    let (input, size): (Box<dyn Read>, Option<u64>) = match file {
        Some(path) => {
            let opened = File::open(path).map_err(|e| CliError::usage(format!("{path}: {e}")))?;
            let size = opened.metadata().ok().map(|m| m.len());
            (Box::new(opened), size)
        }
        None => (Box::new(std::io::stdin()), None),
    };
    let mut failed_out = failed_to.map(|path| create_private(path)).transpose()?;
    let sender = client.sender(&stream_id, options)?;
    let cancel = client.clone();
    interrupt::on_interrupt(move || cancel.cancel());

    let bar = match size {
        Some(size) => progress::bar(
            Some(size),
            "{bar:40} {bytes}/{total_bytes}  {msg}  ETA {eta}",
        ),
        None => progress::bar(None, "{spinner} {msg}  [{elapsed}]"),
    };
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let (mut events, mut refused) = (0u64, 0u64);
    let mut causes = Causes::default();
    let mut line = Vec::new();
    let keep = |out: &mut Option<File>, payload: &[u8]| -> CliResult {
        if let Some(out) = out {
            out.write_all(payload)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    };
    while !interrupt::interrupted() {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        bar.inc(read as u64);
        let text = String::from_utf8_lossy(&line);
        let event = text.trim();
        if event.is_empty() {
            continue;
        }
        events += 1;
        match sender.send(event) {
            Ok(_) => {}
            Err(SendError::Refused(error)) => {
                refused += 1;
                causes.add(&error);
                keep(&mut failed_out, event.as_bytes())?;
            }
            Err(_) => break,
        }
        if events % 256 == 0 {
            bar.set_message(format!("{events} events"));
        }
    }
    let report = sender.close();
    bar.finish_and_clear();
    if interrupt::interrupted() {
        return Err(CliError::new(
            ExitKind::Cancelled,
            "stream send was cancelled",
        ));
    }
    for failure in &report.failed {
        causes.add(&failure.error);
        keep(&mut failed_out, failure.payload.as_bytes())?;
    }
    if let Some(out) = &mut failed_out {
        out.flush()?;
    }
    let not_delivered = refused + report.failed.len() as u64;
    let summary = serde_json::json!({
        "stream_id": stream_id,
        "events": events,
        "accepted": report.accepted,
        "failed": report.failed.len(),
        "refused": refused,
        "retried": report.retried,
        "failed_to": failed_to,
    });
    let columns: Vec<String> = [
        "stream_id",
        "events",
        "accepted",
        "failed",
        "refused",
        "retried",
    ]
    .map(String::from)
    .to_vec();
    let format = crate::run::output_format(leaf);
    write_one(format, &columns, &summary, std::io::stdout().lock())?;
    causes.print();
    if not_delivered == 0 {
        return Ok(());
    }
    let saved = match failed_to {
        Some(path) => format!("; written to {path}"),
        None => "; use --failed-to FILE to keep them".to_owned(),
    };
    Err(CliError::new(
        ExitKind::Delivery,
        format!("{not_delivered} of {events} events were not delivered{saved}"),
    ))
}
