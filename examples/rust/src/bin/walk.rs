//! The main job: walk every page of segments and of workflow runs, printing them.
//!
//! `cargo run -p amperity-examples` (real tenant when the environment names one, see `lib.rs`).

use amperity::{PageOptions, WorkflowRunFilter};

fn main() -> std::process::ExitCode {
    amperity_examples::report(run())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let connection = amperity_examples::connect()?;
    let client = &connection.client;

    let mut segments = 0;
    for (number, page) in client
        .list_segments(PageOptions::limit(100).with_total())
        .pages()
        .enumerate()
    {
        let page = page?;
        println!(
            "== segments page {} ({} items{}) ==",
            number + 1,
            page.items.len(),
            page.total
                .map(|t| format!(", {t} in all"))
                .unwrap_or_default()
        );
        for segment in &page.items {
            println!(
                "{:<16} {:<10} {}",
                segment.id,
                segment.status.as_deref().unwrap_or("-"),
                segment.name
            );
        }
        segments += page.items.len();
    }

    let mut runs = 0;
    let pages = client.list_workflow_runs(WorkflowRunFilter::default(), PageOptions::limit(50));
    for (number, page) in pages.pages().enumerate() {
        let page = page?;
        println!(
            "== workflow runs page {} ({} items) ==",
            number + 1,
            page.items.len()
        );
        for run in &page.items {
            let ended = run
                .ended_at
                .map(|t| t.to_string())
                .unwrap_or_else(|| "running".into());
            println!(
                "{:<28} {:<12} {:<36} {}",
                run.id, run.state, run.workflow_type, ended
            );
        }
        runs += page.items.len();
    }
    println!("Walked {segments} segments and {runs} workflow runs.");
    Ok(())
}
