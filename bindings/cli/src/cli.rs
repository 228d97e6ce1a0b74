//! The command tree, built from the operation table plus the local commands.

use crate::config::setting_flags;
use crate::exit::table_text;
use crate::ops::{ArgSpec, Operation, Run, OPERATIONS};
use crate::output::FORMAT_NAMES;
use clap::{Arg, ArgAction, Command};

const ABOUT: &str = "The Amperity API from the command line: segments, campaigns, audit events, \
ingest jobs, workflow runs, the Profile API, Streaming Ingest and any other request.";

const CONFIG_HELP: &str = "\
Configuration (first found wins): flags, then the environment (AMPERITY_TENANT, AMPERITY_TOKEN or
AMPERITY_CLIENT_ID + AMPERITY_CLIENT_SECRET, AMPERITY_TOKEN_URL, AMPERITY_REGION,
AMPERITY_BASE_URL, AMPERITY_API_VERSION; AMPERITY_STREAM_TOKEN and AMPERITY_STREAM_BASE_URL for
`stream send`), then a profile of the config file (--config, AMPERITY_CONFIG, default
~/.config/amperity/config.toml on Linux; profile from --profile, AMPERITY_PROFILE, else
`default`). Credentials are taken whole from the first of those that has any. Secrets (tokens,
client secrets) come from the environment, the config file (refused unless only you can read it)
or stdin (--token-stdin), never from a flag.

Examples:
  amperity mock &                      # a local mock API; then, in another shell:
  export AMPERITY_TENANT=acme AMPERITY_BASE_URL=http://127.0.0.1:PORT/api AMPERITY_TOKEN=mock-token
  amperity segments list --limit 5
  amperity workflow runs run cg-123 --wait";

fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// A `'static` string for clap's builder (the tree is built once per process).
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The clap arguments of one [`ArgSpec`].
fn spec_args(spec: &ArgSpec) -> Vec<Arg> {
    match spec {
        ArgSpec::Id(name, help) => vec![Arg::new(*name).required(true).help(*help)],
        ArgSpec::Opt(name, help) => {
            vec![Arg::new(*name).long(*name).value_name("VALUE").help(*help)]
        }
        ArgSpec::Switch(name, help) => vec![Arg::new(*name)
            .long(*name)
            .action(ArgAction::SetTrue)
            .help(*help)],
        ArgSpec::Pairs(name, help) => vec![Arg::new(*name)
            .long(*name)
            .value_name("KEY=VALUE")
            .action(ArgAction::Append)
            .help(*help)],
        ArgSpec::Params(names, aliases) => names
            .iter()
            .map(|wire| {
                let mut arg = Arg::new(*wire)
                    .long(leak(kebab(wire)))
                    .value_name("VALUE")
                    .help(leak(format!("the `{wire}` filter")));
                for (_, alias) in aliases.iter().filter(|(w, _)| w == wire) {
                    arg = arg.visible_alias(*alias);
                }
                arg
            })
            .collect(),
    }
}

fn list_args() -> [Arg; 4] {
    [
        Arg::new("limit")
            .long("limit")
            .value_name("N")
            .value_parser(clap::value_parser!(u64).range(1..))
            .help("stop after N records (default: every page)"),
        Arg::new("page-size")
            .long("page-size")
            .value_name("N")
            .value_parser(clap::value_parser!(u32).range(1..))
            .help("records per request (default: the server's, or --limit up to 100)"),
        Arg::new("with-total")
            .long("with-total")
            .action(ArgAction::SetTrue)
            .help("ask for the total (a progress bar on a terminal)"),
        Arg::new("cursor")
            .long("cursor")
            .value_name("CURSOR")
            .help("continue a walk from this cursor (printed on stderr when --limit stops one)"),
    ]
}

fn leaf(op: &Operation) -> Command {
    let mut leaf = Command::new(*op.path.last().unwrap_or(&""))
        .about(op.about)
        .after_help(leak(format!("Example:\n  {}", op.example)));
    for spec in op.args {
        leaf = leaf.args(spec_args(spec));
    }
    if let Run::List(_) = op.run {
        leaf = leaf.args(list_args());
    }
    leaf
}

/// The commands under `prefix`: operations whose path is `prefix` + one word, and a group for
/// each longer path, in table order.
fn commands_under(prefix: &[&str]) -> Vec<Command> {
    let depth = prefix.len();
    let mut words: Vec<&'static str> = Vec::new();
    let mut commands = Vec::new();
    for op in OPERATIONS
        .iter()
        .filter(|op| op.path.len() > depth && op.path[..depth] == *prefix)
    {
        let word = op.path[depth];
        if op.path.len() == depth + 1 {
            commands.push(leaf(op));
        } else if !words.contains(&word) {
            words.push(word);
            let mut path = prefix.to_vec();
            path.push(word);
            let children = commands_under(&path);
            let names: Vec<&str> = children.iter().map(|c| c.get_name()).collect();
            let about = leak(format!("{}: {}", path.join(" "), names.join(", ")));
            commands.push(
                Command::new(word)
                    .about(about)
                    .subcommand_required(true)
                    .subcommands(children),
            );
        }
    }
    commands
}

fn global_args() -> Vec<Arg> {
    let mut args = vec![
        Arg::new("output")
            .long("output")
            .short('o')
            .global(true)
            .value_name("FORMAT")
            .value_parser(FORMAT_NAMES)
            .help("json, ndjson, csv or table (default: table on a terminal, json otherwise)"),
        Arg::new("profile")
            .long("profile")
            .global(true)
            .env("AMPERITY_PROFILE")
            .value_name("NAME")
            .help("the config file profile to use"),
        Arg::new("config")
            .long("config")
            .global(true)
            .env("AMPERITY_CONFIG")
            .value_name("PATH")
            .help("the config file (default: <config dir>/amperity/config.toml)"),
        Arg::new("token-stdin")
            .long("token-stdin")
            .global(true)
            .action(ArgAction::SetTrue)
            .help(
                "read the token (the stream token for `stream send`) from the first line of stdin",
            ),
        Arg::new("rate-limit")
            .long("rate-limit")
            .global(true)
            .value_name("RPS|off")
            .help("client-side requests per second (default: the SDK's, 10 for the control plane)"),
        Arg::new("verbose")
            .long("verbose")
            .short('v')
            .global(true)
            .action(ArgAction::SetTrue)
            .help("log each request, retry and token refresh on stderr"),
    ];
    for (flag, var) in setting_flags() {
        args.push(
            Arg::new(flag)
                .long(flag)
                .global(true)
                .value_name("VALUE")
                .help(leak(format!("overrides {var}"))),
        );
    }
    args
}

fn local_commands() -> Vec<Command> {
    vec![
        Command::new("stream")
            .about("Streaming Ingest")
            .subcommand_required(true)
            .subcommand(
                Command::new("send")
                    .about("Send NDJSON events (one JSON object per line) to a stream; prints the delivery report")
                    .after_help("Example:\n  amperity stream send is-AbCDefGH events.ndjson --failed-to failed.ndjson")
                    .arg(Arg::new("stream-id").required(true).help("the stream id"))
                    .arg(Arg::new("file").help("the NDJSON file, or - for stdin (the default)"))
                    .arg(Arg::new("failed-to").long("failed-to").value_name("FILE")
                        .help("write the events that were refused or not delivered here, as NDJSON (mode 600)"))
                    .arg(Arg::new("workers").long("workers").value_name("N")
                        .value_parser(clap::value_parser!(u16).range(1..=256))
                        .help("parallel requests (default 8)"))
                    .arg(Arg::new("max-retries").long("max-retries").value_name("N")
                        .value_parser(clap::value_parser!(u32).range(0..=99))
                        .help("retries of an event after its first attempt (default 4)")),
            ),
        Command::new("mock")
            .about("Start the bundled mock API server on 127.0.0.1; prints its origin, runs until Ctrl-C")
            .after_help("Example:\n  amperity mock --port 8080 --fault path=/api/segments,status=503,count=2")
            .arg(Arg::new("port").long("port").value_name("N").value_parser(clap::value_parser!(u16))
                .help("the port (default: any free one)"))
            .arg(Arg::new("seed").long("seed").value_name("N").value_parser(clap::value_parser!(u64))
                .help("the seed of the generated data (default 42)"))
            .arg(Arg::new("segments").long("segments").value_name("N").value_parser(clap::value_parser!(usize))
                .help("number of segments (default 10000)"))
            .arg(Arg::new("run-step-ms").long("run-step-ms").value_name("MS").value_parser(clap::value_parser!(u64))
                .help("time a started run spends in each state (default 200)"))
            .arg(Arg::new("latency-ms").long("latency-ms").value_name("MS").value_parser(clap::value_parser!(u64))
                .help("delay before every answer (default 0)"))
            .arg(Arg::new("no-stream-rate-limit").long("no-stream-rate-limit").action(ArgAction::SetTrue)
                .help("no 429 above 1000 stream requests per second"))
            .arg(Arg::new("fault").long("fault").value_name("SPEC").action(ArgAction::Append)
                .help("a fault rule, e.g. path=/api/segments,status=429,count=2 (repeatable)")),
        Command::new("config")
            .about("The resolved configuration")
            .subcommand_required(true)
            .subcommand(Command::new("show")
                .about("Show every setting and where it came from (secrets masked)")
                .after_help("Example:\n  amperity --profile sandbox config show"))
            .subcommand(Command::new("path")
                .about("Print the config file path")
                .after_help("Example:\n  amperity config path")),
        Command::new("completions")
            .about("Print a shell completion script")
            .after_help("Examples:\n  amperity completions bash > ~/.local/share/bash-completion/completions/amperity\n  amperity completions zsh > ~/.zfunc/_amperity\n  amperity completions fish > ~/.config/fish/completions/amperity.fish")
            .arg(Arg::new("shell").required(true).value_parser(["bash", "zsh", "fish"])),
    ]
}

/// The whole command tree.
pub fn command() -> Command {
    let mut root = Command::new("amperity")
        .version(amperity::VERSION)
        .about(ABOUT)
        .after_help(leak(format!("{CONFIG_HELP}\n\n{}", table_text())))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args());
    root = root.subcommands(commands_under(&[]));
    root.subcommands(local_commands())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_tree_is_valid() {
        super::command().debug_assert();
    }
}
