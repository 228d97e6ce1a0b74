//! Dispatch: an operation of the table, or one of the local commands.

use crate::args::Args;
use crate::config::{self, Inputs, Resolved};
use crate::exit::{CliError, CliResult};
use crate::ops::{Context, Operation, Pages, Run, OPERATIONS};
use crate::output::{write_one, Format, ListWriter};
use crate::{cli, interrupt, mock, progress, stream};
use amperity::{Client, PageOptions};
use clap::ArgMatches;
use std::io::{BufRead, IsTerminal, Write};

/// Runs the command `matches` selects.
pub fn run(matches: &ArgMatches) -> CliResult {
    let mut path: Vec<&str> = Vec::new();
    let mut leaf = matches;
    while let Some((name, sub)) = leaf.subcommand() {
        path.push(name);
        leaf = sub;
    }
    match path.as_slice() {
        ["stream", "send"] => stream::send(leaf, &resolve(leaf, true)?),
        ["mock"] => mock::mock(leaf),
        ["config", "show"] => {
            let resolved = resolve(leaf, false)?;
            let columns = ["setting", "value", "source"].map(String::from).to_vec();
            let mut out = ListWriter::new(output_format(leaf), columns, stdout());
            out.page(&resolved.show())?;
            Ok(out.finish()?)
        }
        ["config", "path"] => {
            let path = config_path(leaf).ok_or_else(|| {
                CliError::config("no config directory on this platform: use --config")
            })?;
            let mut out = stdout();
            writeln!(out, "{}", path.display())?;
            Ok(out.flush()?)
        }
        ["completions"] => {
            let shell = match leaf.get_one::<String>("shell").map(String::as_str) {
                Some("zsh") => clap_complete::Shell::Zsh,
                Some("fish") => clap_complete::Shell::Fish,
                _ => clap_complete::Shell::Bash,
            };
            let mut out = stdout();
            clap_complete::generate(shell, &mut cli::command(), "amperity", &mut out);
            Ok(out.flush()?)
        }
        _ => {
            let op = OPERATIONS
                .iter()
                .find(|op| op.path == path.as_slice())
                .ok_or_else(|| CliError::usage(format!("unknown command {:?}", path.join(" "))))?;
            run_operation(op, leaf)
        }
    }
}

fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// `--output`, else table on a terminal and JSON otherwise.
pub fn output_format(leaf: &ArgMatches) -> Format {
    match leaf.get_one::<String>("output") {
        Some(name) => Format::parse(name).unwrap_or(Format::Json),
        None if std::io::stdout().is_terminal() => Format::Table,
        None => Format::Json,
    }
}

fn config_path(leaf: &ArgMatches) -> Option<std::path::PathBuf> {
    leaf.get_one::<String>("config")
        .map(Into::into)
        .or_else(config::default_config_file)
}

/// The settings, resolved; with `--token-stdin`, the token is the first line of stdin (the
/// stream token when `stream` is set).
fn resolve(leaf: &ArgMatches, stream: bool) -> CliResult<Resolved> {
    let mut inputs = Inputs {
        profile: leaf.get_one::<String>("profile").cloned(),
        config_file: config_path(leaf),
        ..Inputs::default()
    };
    for (flag, _) in config::setting_flags() {
        if let Some(value) = leaf.get_one::<String>(flag) {
            inputs.flags.insert(flag, value.clone());
        }
    }
    if leaf.get_flag("token-stdin") {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let token = line.trim().to_owned();
        if token.is_empty() {
            return Err(CliError::config(
                "--token-stdin: the first line of stdin is empty",
            ));
        }
        inputs.stdin_token = Some((token, stream));
    }
    config::resolve(inputs)
}

/// `--rate-limit`: `None` when not given, `Some(None)` for `off`.
pub fn rate_limit(leaf: &ArgMatches) -> CliResult<Option<Option<f64>>> {
    match leaf.get_one::<String>("rate-limit").map(String::as_str) {
        None => Ok(None),
        Some("off") => Ok(Some(None)),
        Some(text) => match text.parse::<f64>() {
            Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(Some(Some(rate))),
            _ => Err(CliError::usage(format!(
                "--rate-limit takes requests per second or off, got {text:?}"
            ))),
        },
    }
}

/// The `User-Agent` product token of the tool.
pub fn user_agent() -> String {
    format!("amperity-cli/{}", amperity::VERSION)
}

fn run_operation(op: &Operation, leaf: &ArgMatches) -> CliResult {
    let resolved = resolve(leaf, false)?;
    let mut builder = resolved.client_builder()?.user_agent_suffix(user_agent());
    if let Some(rate) = rate_limit(leaf)? {
        builder = builder.rate_limit(rate).profile_rate_limit(rate);
    }
    let client = builder.build()?;
    let cancel = client.clone();
    interrupt::on_interrupt(move || cancel.cancel());
    let columns: Vec<String> = op.columns.iter().map(|c| c.to_string()).collect();
    let args = Args(leaf);
    match op.run {
        Run::List(list) => walk(&client, list, &args, columns, output_format(leaf)),
        Run::One(call) => {
            let context = Context {
                client,
                stderr_is_terminal: std::io::stderr().is_terminal(),
            };
            let done = call(&context, &args)?;
            write_one(output_format(leaf), &columns, &done.value, stdout())?;
            done.then_fail.map_or(Ok(()), Err)
        }
    }
}

type Lister = fn(&Client, &Args, PageOptions) -> CliResult<Box<dyn Pages>>;

/// Walks a list page by page, writing each page as it comes; `--limit` stops early.
fn walk(
    client: &Client,
    list: Lister,
    args: &Args,
    columns: Vec<String>,
    format: Format,
) -> CliResult {
    let leaf = args.0;
    let limit = leaf.get_one::<u64>("limit").copied();
    let page_size = leaf
        .get_one::<u32>("page-size")
        .copied()
        .or(limit.filter(|l| *l <= 100).map(|l| l as u32));
    let options = PageOptions {
        limit: page_size,
        with_total: leaf.get_flag("with-total"),
        cursor: leaf.get_one::<String>("cursor").cloned(),
        // Fetch the next page while this one is written, unless --limit may end the walk.
        read_ahead: limit.is_none(),
    };
    let with_total = options.with_total;
    let mut pages = list(client, args, options)?;
    let bar = with_total
        .then(|| progress::bar(None, "{bar:40} {pos}/{len} records  {per_sec}  ETA {eta}"));
    let mut out = ListWriter::new(format, columns, stdout());
    while let Some(mut records) = pages.next_page()? {
        // Reached with this page: the records beyond the limit are dropped (`cut`).
        let (reached, cut) = match limit {
            Some(limit) => {
                let left = (limit - out.written() as u64) as usize;
                let cut = records.len() > left;
                records.truncate(left);
                (records.len() == left, cut)
            }
            None => (false, false),
        };
        match &bar {
            Some(bar) => {
                if let (None, Some(total)) = (bar.length(), pages.total()) {
                    bar.set_length(total.max(0) as u64);
                }
                bar.suspend(|| out.page(&records))?;
                bar.inc(records.len() as u64);
            }
            None => out.page(&records)?,
        }
        if reached {
            // A cursor continues after the whole page: offered only when none was dropped.
            if let (false, Some(cursor)) = (cut, pages.resume_cursor()) {
                eprintln!("amperity: --limit reached; continue with --cursor {cursor}");
            }
            break;
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(out.finish()?)
}
