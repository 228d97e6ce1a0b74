//! Start a workflow run and wait for it to finish.
//!
//! `cargo run -p amperity-examples --bin run_workflow -- [CONFIG_ID]` (default `cg-demo`).

use amperity::{WaitOptions, WorkflowRunRequest};
use std::time::Duration;

fn main() -> std::process::ExitCode {
    amperity_examples::report(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let connection = amperity_examples::connect()?;
    let client = &connection.client;
    let config_id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cg-demo".to_owned());
    let run = client.run_workflow(&WorkflowRunRequest::new(config_id))?;
    println!("started {} ({})", run.id, run.state);
    let poll = if connection.mock.is_some() {
        Duration::from_millis(200)
    } else {
        Duration::from_secs(10)
    };
    let options = WaitOptions {
        poll_interval: poll,
        timeout: Duration::from_secs(3600),
        ..WaitOptions::default()
    };
    let done = client.wait_for_workflow_run(&run.id, &options)?;
    println!(
        "{} ended {} at {}",
        done.id,
        done.state,
        done.ended_at.map(|t| t.to_string()).unwrap_or_default()
    );
    for task in &done.task_instances {
        println!(
            "  task {} {} {}",
            task.id,
            task.state,
            task.label.as_deref().unwrap_or("")
        );
    }
    if let Some(error) = &done.error {
        println!("  error: {} ({})", error.message, error.error_type);
    }
    Ok(())
}
