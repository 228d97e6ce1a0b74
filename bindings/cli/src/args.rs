//! Typed access to the arguments of an operation (named as in its [`ArgSpec`](crate::ops::ArgSpec)s).

use crate::exit::{CliError, CliResult};
use amperity::Timestamp;
use clap::ArgMatches;
use std::io::Read;
use std::time::Duration;

/// The arguments of the command being run.
pub struct Args<'a>(pub &'a ArgMatches);

impl Args<'_> {
    /// A required positional value (clap has checked that it is there).
    pub fn id(&self, name: &str) -> &str {
        self.opt(name).unwrap_or_default()
    }

    /// An optional value.
    pub fn opt(&self, name: &str) -> Option<&str> {
        self.0
            .try_get_one::<String>(name)
            .ok()
            .flatten()
            .map(String::as_str)
    }

    /// A switch.
    pub fn switch(&self, name: &str) -> bool {
        self.0
            .try_get_one::<bool>(name)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false)
    }

    /// The `(wire name, value)` pairs of a core filter's parameters that were given.
    pub fn params(&self, names: &[&'static str]) -> Vec<(&'static str, &str)> {
        names
            .iter()
            .filter_map(|name| self.opt(name).map(|value| (*name, value)))
            .collect()
    }

    /// The `KEY=VALUE` values of a repeatable option, in order.
    pub fn pairs(&self, name: &str) -> CliResult<Vec<(String, String)>> {
        let values = self
            .0
            .try_get_many::<String>(name)
            .ok()
            .flatten()
            .into_iter()
            .flatten();
        values
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) => Ok((key.to_owned(), value.to_owned())),
                None => Err(CliError::usage(format!(
                    "--{name} takes KEY=VALUE, got {pair:?}"
                ))),
            })
            .collect()
    }

    /// A timestamp option (RFC 3339 or YYYY-MM-DD).
    pub fn timestamp(&self, name: &str) -> CliResult<Option<Timestamp>> {
        self.opt(name)
            .map(|text| {
                Timestamp::parse(text).map_err(|e| CliError::usage(format!("--{name}: {e}")))
            })
            .transpose()
    }

    /// A number of seconds (fractions allowed), greater than zero.
    pub fn seconds(&self, name: &str) -> CliResult<Option<Duration>> {
        self.opt(name)
            .map(|text| match text.parse::<f64>() {
                Ok(secs) if secs.is_finite() && secs > 0.0 && secs < 1e9 => {
                    Ok(Duration::from_secs_f64(secs))
                }
                _ => Err(CliError::usage(format!(
                    "--{name} takes a number of seconds greater than zero, got {text:?}"
                ))),
            })
            .transpose()
    }
}

/// The text of an argument that is literal text, `@FILE` or `-` (stdin).
pub fn read_text_arg(arg: &str) -> CliResult<String> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(text);
    }
    match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read {path}: {e}"))),
        None => Ok(arg.to_owned()),
    }
}
