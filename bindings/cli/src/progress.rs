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

/// One line about a waited-for run: "wf-1  running  tasks 2/5  1.2s".
fn describe(progress: &WaitProgress) -> String {
    format!(
        "{}  {}  tasks {}/{}  {:.1}s",
        progress.workflow.id,
        progress.workflow.state,
        progress.tasks_finished,
        progress.tasks_total,
        progress.waited.as_secs_f64()
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
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    });
    let result = client.wait_for_workflow_run_with_progress(run_id, options, |progress| {
        let line = describe(progress);
        match &spinner {
            Some(bar) => bar.set_message(line),
            None => eprintln!("{line}"),
        }
        true
    });
    if let Some(bar) = spinner {
        match &result {
            Ok(run) => bar.finish_with_message(format!("{}  {}", run.id, run.state)),
            Err(_) => bar.abandon(),
        }
    }
    Ok(result?)
}
