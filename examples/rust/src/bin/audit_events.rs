//! Read the audit events of the last day.

use amperity::{AuditEventFilter, PageOptions, Timestamp};

fn main() -> std::process::ExitCode {
    amperity_examples::report(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let connection = amperity_examples::connect()?;
    let now = Timestamp::now();
    let filter = AuditEventFilter {
        happened_from: Some(Timestamp::from_unix(now.unix_seconds() - 86_400, 0)),
        happened_to: Some(now),
    };
    let mut count = 0;
    for event in connection
        .client
        .list_audit_events(filter, PageOptions::limit(1000))
        .items()
    {
        let event = event?;
        println!(
            "{} {:<45} {:<30} {}",
            event.happened_at,
            event.event_type,
            event.principal_name.as_deref().unwrap_or("-"),
            event.object_id.as_deref().unwrap_or("-")
        );
        count += 1;
    }
    println!("{count} audit events in the last day");
    Ok(())
}
