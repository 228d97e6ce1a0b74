//! Progress on stderr: live bars and spinners on a terminal, plain lines otherwise.

use crate::exit::CliResult;
use amperity::{Client, WaitOptions, WaitProgress, Workflow};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// A bar on stderr, drawn only when stderr is a terminal (hidden otherwise).
pub fn bar(len: Option<u64>, template: &str) -> ProgressBar {
    let bar = match len {
        Some(len) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// One line about a waited-for run: "wf-1  running  tasks 2/5".
fn describe(progress: &WaitProgress) -> String {
    format!(
        "{}  {}  tasks {}/{}",
        progress.workflow.id,
        progress.workflow.state,
        progress.tasks_finished,
        progress.tasks_total,
    )
}

/// Waits for a run with a live display on a terminal (state, tasks finished of total, elapsed)
/// or one plain line per change otherwise; Ctrl-C cancels the wait (the run goes on).
pub fn wait_for_run(
    client: &Client,
    run_id: &str,
    options: &WaitOptions,
    terminal: bool,
) -> CliResult<Workflow> {
    let spinner = terminal.then(|| {
        let bar = bar(None, "{spinner} {msg}  [{elapsed}]");
        bar.set_message(format!("{run_id}  waiting"));
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    });
    let result = client.wait_for_workflow_run_with_progress(run_id, options, |progress| {
        let line = describe(progress);
        match &spinner {
            Some(bar) => bar.set_message(line),
            None => eprintln!("{line}  {:.1}s", progress.waited.as_secs_f64()),
        }
        true
    });
    if let Some(bar) = spinner {
        let elapsed = bar.elapsed();
        bar.finish_and_clear();
        if let Ok(run) = &result {
            eprintln!(
                "{}  {}  after {:.1}s",
                run.id,
                run.state,
                elapsed.as_secs_f64()
            );
        }
    }
    Ok(result?)
}
