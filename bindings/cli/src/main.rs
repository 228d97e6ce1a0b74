//! `amperity`: the command-line tool for the Amperity API, a thin layer over the SDK's Rust core.
//!
//! Every API command comes from one table of the core's operations (`ops.rs`); the rest is
//! configuration (`config.rs`), output formats (`output.rs`), progress (`progress.rs`), Ctrl-C
//! (`interrupt.rs`), `stream send` (`stream.rs`), `mock` (`mock.rs`) and the exit-status table
//! (`exit.rs`). Run `amperity --help`.

mod args;
mod cli;
mod config;
mod exit;
mod interrupt;
mod mock;
mod ops;
mod output;
mod progress;
mod run;
mod stream;

use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = match cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            // --help and --version print to stdout and exit 0; usage errors exit 2.
            let _ = error.print();
            return ExitCode::from(error.exit_code().clamp(0, 255) as u8);
        }
    };
    let verbose = matches.get_flag("verbose");
    env_logger::Builder::new()
        .filter_module(
            "amperity",
            if verbose {
                log::LevelFilter::Debug
            } else {
                log::LevelFilter::Warn
            },
        )
        .format_timestamp_millis()
        .target(env_logger::Target::Stderr)
        .init();
    if let Err(error) = interrupt::install() {
        eprintln!("amperity: warning: Ctrl-C will not cancel cleanly: {error}");
    }
    match run::run(&matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.broken_pipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("amperity: {error}");
            ExitCode::from(error.kind.code())
        }
    }
}
