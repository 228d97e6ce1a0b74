//! Stream events through an `EventSender` from several producer threads, then print the
//! delivery report and the rate.
//!
//! `cargo run -p amperity-examples --bin stream_events -- [COUNT]` (default 10 000), against the
//! stream in `AMPERITY_STREAM_ID` (with `AMPERITY_TENANT` and `AMPERITY_STREAM_TOKEN`) or the
//! bundled mock.

use amperity::SenderOptions;
use std::time::Instant;

const PRODUCERS: usize = 4;

fn main() -> std::process::ExitCode {
    amperity_examples::report(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let connection = amperity_examples::connect_stream()?;
    let count: usize = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => 10_000,
    };
    let sender = connection
        .client
        .sender(&connection.stream_id, SenderOptions::default())?;
    let start = Instant::now();
    std::thread::scope(|scope| -> Result<(), amperity::SendError> {
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| {
                let sender = &sender;
                scope.spawn(move || -> Result<(), amperity::SendError> {
                    for n in (producer..count).step_by(PRODUCERS) {
                        let event = format!(
                            r#"{{"event_id":"ev-{n:06}","producer":{producer},"type":"page_view","url":"/products/{}"}}"#,
                            n % 97
                        );
                        sender.send(&event)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for producer in producers {
            producer.join().expect("a producer thread panicked")?;
        }
        Ok(())
    })?;
    let report = sender.close();
    let elapsed = start.elapsed();
    println!(
        "stream {}: {} accepted, {} failed, {} retries",
        connection.stream_id,
        report.accepted,
        report.failed.len(),
        report.retried
    );
    for failed in report.failed.iter().take(5) {
        println!("  event {} failed: {}", failed.sequence, failed.error);
    }
    if let Some(mock) = &connection.mock {
        let events = mock.stream_events(&connection.stream_id);
        println!(
            "the mock counted {} events ({} duplicates)",
            events.accepted, events.duplicates
        );
    }
    println!(
        "Streamed {count} events in {:.2} s ({:.0} events/s).",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
