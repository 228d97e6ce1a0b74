//! Where the settings come from: flags, then the core's environment variables (the contract of
//! `EnvSettings::from_env`), then a named profile of the config file.
//!
//! Credentials are taken whole from the first of those layers that has any (a token, a client
//! id, a client secret or a token URL), so a token in the environment is never mixed with a profile's client
//! secret. Secrets come from the environment, the config file (refused when other users can
//! read it) or stdin (`--token-stdin`), never from a flag.

use crate::exit::{CliError, CliResult};
use amperity::{ClientBuilder, EnvSettings, StreamClientBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The stream token variable (the Streaming Ingest credential, separate from the API's).
pub const STREAM_TOKEN_VAR: &str = "AMPERITY_STREAM_TOKEN";
/// The stream base URL variable (default: the tenant's host).
pub const STREAM_BASE_URL_VAR: &str = "AMPERITY_STREAM_BASE_URL";

/// One setting: its environment variable, its flag (none for secrets), its profile key, and
/// whether it is a secret (masked by `config show`) or a credential (taken whole from one layer).
struct Setting {
    var: &'static str,
    flag: Option<&'static str>,
    key: &'static str,
    secret: bool,
    credential: bool,
}

const fn setting(var: &'static str, flag: Option<&'static str>, key: &'static str) -> Setting {
    Setting {
        var,
        flag,
        key,
        secret: false,
        credential: false,
    }
}

/// The settings, in the order `config show` lists them: the core's variables
/// ([`amperity::ENV_VARIABLES`]; a test checks none is missing) and the stream's two.
const SETTINGS: &[Setting] = &[
    setting("AMPERITY_TENANT", Some("tenant"), "tenant"),
    Setting {
        secret: true,
        credential: true,
        ..setting("AMPERITY_TOKEN", None, "token")
    },
    Setting {
        credential: true,
        ..setting("AMPERITY_CLIENT_ID", Some("client-id"), "client_id")
    },
    Setting {
        secret: true,
        credential: true,
        ..setting("AMPERITY_CLIENT_SECRET", None, "client_secret")
    },
    Setting {
        credential: true,
        ..setting("AMPERITY_TOKEN_URL", Some("token-url"), "token_url")
    },
    setting("AMPERITY_REGION", Some("region"), "region"),
    setting("AMPERITY_BASE_URL", Some("base-url"), "base_url"),
    setting("AMPERITY_API_VERSION", Some("api-version"), "api_version"),
    Setting {
        secret: true,
        ..setting(STREAM_TOKEN_VAR, None, "stream_token")
    },
    setting(
        STREAM_BASE_URL_VAR,
        Some("stream-base-url"),
        "stream_base_url",
    ),
];

/// The flags of the settings that have one (added to the command line by `cli.rs`).
pub fn setting_flags() -> impl Iterator<Item = (&'static str, &'static str)> {
    SETTINGS
        .iter()
        .filter_map(|s| s.flag.map(|flag| (flag, s.var)))
}

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// `--token-stdin`.
    Stdin,
    /// An environment variable.
    Env,
    /// The profile of the config file.
    Profile,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Stdin => "stdin",
            Source::Env => "environment",
            Source::Profile => "profile",
        }
    }
}

/// The inputs of the resolution, gathered by the command line.
#[derive(Default)]
pub struct Inputs {
    /// Flag values by flag name (`tenant`, `base-url`, …).
    pub flags: BTreeMap<&'static str, String>,
    /// `--profile`, else `AMPERITY_PROFILE`.
    pub profile: Option<String>,
    /// `--config`, else `AMPERITY_CONFIG`, else the platform's config directory.
    pub config_file: Option<PathBuf>,
    /// The token read from stdin, and whether it is the stream's (`stream send`).
    pub stdin_token: Option<(String, bool)>,
}

/// The profile keys of the config file; unknown keys are refused (a typo is not ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    tenant: Option<String>,
    token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    token_url: Option<String>,
    region: Option<String>,
    base_url: Option<String>,
    api_version: Option<String>,
    stream_token: Option<String>,
    stream_base_url: Option<String>,
}

impl Profile {
    fn get(&self, key: &str) -> Option<&String> {
        match key {
            "tenant" => self.tenant.as_ref(),
            "token" => self.token.as_ref(),
            "client_id" => self.client_id.as_ref(),
            "client_secret" => self.client_secret.as_ref(),
            "token_url" => self.token_url.as_ref(),
            "region" => self.region.as_ref(),
            "base_url" => self.base_url.as_ref(),
            "api_version" => self.api_version.as_ref(),
            "stream_token" => self.stream_token.as_ref(),
            "stream_base_url" => self.stream_base_url.as_ref(),
            _ => None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The default config file: `<config dir>/amperity/config.toml` (`~/.config` on Linux).
pub fn default_config_file() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("amperity").join("config.toml"))
}

/// The resolved settings: every value with where it came from.
pub struct Resolved {
    values: BTreeMap<&'static str, (String, Source)>,
    /// The config file read (or looked for), and the profile used, if any.
    pub config_file: Option<PathBuf>,
    /// The profile used, if any.
    pub profile: Option<String>,
}

/// Reads the config file at `path`: `None` when it does not exist; refused when other users
/// can read it.
fn read_config(path: &Path) -> CliResult<Option<ConfigFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::config(format!(
                "cannot read the config file {}: {e}",
                path.display()
            )))
        }
    };
    check_permissions(path)?;
    toml::from_str(&text).map(Some).map_err(|e| {
        let first = e
            .message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_owned();
        CliError::config(format!("config file {}: {first}", path.display()))
    })
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> CliResult {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if mode & 0o044 != 0 {
        return Err(CliError::config(format!(
            "the config file {} is readable by other users (mode {mode:03o}) and may hold secrets: run `chmod 600 {}`",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> CliResult {
    // Windows: the file lives in the user's profile directory, whose ACL is the user's own.
    Ok(())
}

/// Resolves every setting: flag, then environment, then profile (credentials whole from one
/// layer).
pub fn resolve(inputs: Inputs) -> CliResult<Resolved> {
    let config_file = inputs.config_file.clone().or_else(default_config_file);
    let file = match &config_file {
        Some(path) => read_config(path)?,
        None => None,
    };
    let mut file = file.unwrap_or_default();
    let profile_name = inputs.profile.clone().or_else(|| {
        file.profiles
            .contains_key("default")
            .then(|| "default".to_owned())
    });
    let profile = match &profile_name {
        None => Profile::default(),
        Some(name) => file.profiles.remove(name).ok_or_else(|| {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            CliError::config(format!(
                "no profile {name:?} in {} (profiles: {})",
                config_file
                    .as_deref()
                    .map_or("the config file".into(), |p| p.display().to_string()),
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            ))
        })?,
    };
    let env = |var: &str| -> CliResult<Option<String>> {
        match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => Ok(Some(value)),
            Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(CliError::config(format!("{var} is not valid UTF-8")))
            }
        }
    };
    let mut values = BTreeMap::new();
    for s in SETTINGS {
        let from_flag = s.flag.and_then(|flag| inputs.flags.get(flag).cloned());
        let from_stdin = match &inputs.stdin_token {
            Some((token, stream)) if s.key == if *stream { "stream_token" } else { "token" } => {
                Some(token.clone())
            }
            _ => None,
        };
        let found = from_flag
            .map(|v| (v, Source::Flag))
            .or(from_stdin.map(|v| (v, Source::Stdin)))
            .map(Ok)
            .or_else(|| env(s.var).transpose().map(|v| v.map(|v| (v, Source::Env))))
            .transpose()?
            .or_else(|| profile.get(s.key).map(|v| (v.clone(), Source::Profile)));
        if let Some(found) = found {
            values.insert(s.var, found);
        }
    }
    // Credentials whole from the first layer that has any.
    let credential_vars = SETTINGS.iter().filter(|s| s.credential).map(|s| s.var);
    let best = credential_vars
        .clone()
        .filter_map(|var| values.get(var).map(|(_, source)| rank(*source)))
        .min();
    if let Some(best) = best {
        for var in credential_vars {
            if values
                .get(var)
                .is_some_and(|(_, source)| rank(*source) > best)
            {
                values.remove(var);
            }
        }
    }
    Ok(Resolved {
        values,
        config_file,
        profile: profile_name,
    })
}

fn rank(source: Source) -> u8 {
    match source {
        Source::Flag | Source::Stdin => 0,
        Source::Env => 1,
        Source::Profile => 2,
    }
}

impl Resolved {
    fn get(&self, var: &str) -> Option<&str> {
        self.values.get(var).map(|(value, _)| value.as_str())
    }

    /// A client builder, through the core's own reading of its variables.
    pub fn client_builder(&self) -> CliResult<ClientBuilder> {
        let settings = EnvSettings::from_lookup(|var| self.get(var).map(str::to_owned))?;
        Ok(settings.into_builder())
    }

    /// A stream client builder: the tenant, the stream token and the stream base URL.
    pub fn stream_builder(&self) -> CliResult<StreamClientBuilder> {
        let tenant = self.get("AMPERITY_TENANT").ok_or_else(|| {
            CliError::config("no tenant: set AMPERITY_TENANT, --tenant or a profile's tenant")
        })?;
        let token = self.get(STREAM_TOKEN_VAR).ok_or_else(|| {
            CliError::config(format!(
                "no Streaming Ingest token: set {STREAM_TOKEN_VAR}, a profile's stream_token, or use --token-stdin"
            ))
        })?;
        let mut builder = amperity::StreamClient::builder(tenant.trim()).token(token.trim());
        if let Some(url) = self.get(STREAM_BASE_URL_VAR) {
            builder = builder.base_url(url.trim());
        }
        Ok(builder)
    }

    /// `config show`: one row per setting (secrets masked), after the config file and the
    /// profile.
    pub fn show(&self) -> Vec<serde_json::Value> {
        let row = |setting: &str, value: Option<String>, source: &str| serde_json::json!({"setting": setting, "value": value, "source": source});
        let mut rows = vec![
            row(
                "config file",
                self.config_file.as_ref().map(|p| p.display().to_string()),
                "",
            ),
            row("profile", self.profile.clone(), ""),
        ];
        for s in SETTINGS {
            rows.push(match self.values.get(s.var) {
                None => row(s.var, None, "unset"),
                Some((value, source)) => row(
                    s.var,
                    Some(if s.secret {
                        "********".to_owned()
                    } else {
                        mask_url_password(value)
                    }),
                    source.as_str(),
                ),
            });
        }
        rows
    }
}

/// A URL with the password of its user info masked (`https://u:********@host/…`); any other
/// text as it is.
fn mask_url_password(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let masked = if userinfo.contains(':') {
                ":********"
            } else {
                ""
            };
            format!("{scheme}://{user}{masked}@{host}{tail}")
        }
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_are_masked() {
        assert_eq!(
            mask_url_password("https://me:pw@host:1/api?x=@"),
            "https://me:********@host:1/api?x=@"
        );
        assert_eq!(mask_url_password("https://host/api"), "https://host/api");
        assert_eq!(mask_url_password("acme"), "acme");
    }

    #[test]
    fn every_core_variable_has_a_setting() {
        for var in amperity::ENV_VARIABLES {
            assert!(SETTINGS.iter().any(|s| s.var == var), "{var}");
        }
    }

    #[test]
    fn secrets_have_no_flag() {
        for s in SETTINGS.iter().filter(|s| s.secret) {
            assert!(s.flag.is_none(), "{}", s.var);
        }
    }
}
