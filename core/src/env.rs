//! The one set of environment variables every language's `from_env` reads.

use crate::config::{ClientBuilder, Region};
use crate::error::{Error, Result};

/// The variables [`EnvSettings::from_env`] reads, in the order they are documented.
pub const ENV_VARIABLES: [&str; 8] = [
    "AMPERITY_TENANT",
    "AMPERITY_TOKEN",
    "AMPERITY_CLIENT_ID",
    "AMPERITY_CLIENT_SECRET",
    "AMPERITY_TOKEN_URL",
    "AMPERITY_REGION",
    "AMPERITY_BASE_URL",
    "AMPERITY_API_VERSION",
];

/// Client settings read from the environment: `AMPERITY_TENANT` (required), `AMPERITY_TOKEN`
/// or `AMPERITY_CLIENT_ID` + `AMPERITY_CLIENT_SECRET` (+ `AMPERITY_TOKEN_URL`), and optionally
/// `AMPERITY_REGION` (`aws`, `azure` or `australia`), `AMPERITY_BASE_URL` and
/// `AMPERITY_API_VERSION`. Empty values count as unset.
///
/// The settings are not checked here beyond their shape: [`ClientBuilder::build`] checks them
/// like any other (so a token together with client credentials is refused there).
///
/// ```
/// use amperity::EnvSettings;
///
/// let vars = [("AMPERITY_TENANT", "acme"), ("AMPERITY_TOKEN", "t"), ("AMPERITY_REGION", "azure")];
/// let settings = EnvSettings::from_lookup(|name| {
///     vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
/// })?;
/// let client = settings.into_builder().build()?;
/// assert_eq!(client.base_url(), "https://acme.amperity.com/api");
/// # Ok::<(), amperity::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvSettings {
    /// `AMPERITY_TENANT`.
    pub tenant: String,
    /// `AMPERITY_TOKEN`.
    pub token: Option<String>,
    /// `AMPERITY_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `AMPERITY_CLIENT_SECRET`.
    pub client_secret: Option<String>,
    /// `AMPERITY_TOKEN_URL`.
    pub token_url: Option<String>,
    /// `AMPERITY_REGION`.
    pub region: Option<Region>,
    /// `AMPERITY_BASE_URL`.
    pub base_url: Option<String>,
    /// `AMPERITY_API_VERSION`.
    pub api_version: Option<String>,
}

impl std::fmt::Debug for EnvSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| "***");
        f.debug_struct("EnvSettings")
            .field("tenant", &self.tenant)
            .field("token", &hidden(&self.token))
            .field("client_id", &self.client_id)
            .field("client_secret", &hidden(&self.client_secret))
            .field("token_url", &self.token_url)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl EnvSettings {
    /// Reads the process environment; a variable that is not valid UTF-8 is a configuration
    /// error naming it.
    pub fn from_env() -> Result<Self> {
        let mut bad = None;
        let settings = Self::from_lookup(|name| match std::env::var(name) {
            Ok(value) => Some(value),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                bad.get_or_insert(name.to_owned());
                None
            }
        });
        match bad {
            Some(name) => Err(Error::config(format!("{name} is not valid UTF-8"))),
            None => settings,
        }
    }

    /// Reads the variables through `lookup` (a map in tests, the environment in
    /// [`from_env`](Self::from_env)).
    pub fn from_lookup(mut lookup: impl FnMut(&str) -> Option<String>) -> Result<Self> {
        let mut get = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let tenant =
            get("AMPERITY_TENANT").ok_or_else(|| Error::config("AMPERITY_TENANT is not set"))?;
        let region = match get("AMPERITY_REGION") {
            None => None,
            Some(name) => Some(Region::parse(&name).ok_or_else(|| {
                Error::config(format!(
                    "AMPERITY_REGION must be aws, azure or australia, got {name:?}"
                ))
            })?),
        };
        Ok(EnvSettings {
            tenant,
            token: get("AMPERITY_TOKEN"),
            client_id: get("AMPERITY_CLIENT_ID"),
            client_secret: get("AMPERITY_CLIENT_SECRET"),
            token_url: get("AMPERITY_TOKEN_URL"),
            region,
            base_url: get("AMPERITY_BASE_URL"),
            api_version: get("AMPERITY_API_VERSION"),
        })
    }

    /// A builder with these settings (and every other setting at its default).
    pub fn into_builder(self) -> ClientBuilder {
        let mut builder = crate::Client::builder(self.tenant);
        if let Some(token) = self.token {
            builder = builder.token(token);
        }
        // Both halves as given, so a half-set pair is refused by `build` with its own message.
        builder = builder.client_credential_parts(self.client_id, self.client_secret);
        if let Some(url) = self.token_url {
            builder = builder.token_url(url);
        }
        if let Some(region) = self.region {
            builder = builder.region(region);
        }
        if let Some(url) = self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(version) = self.api_version {
            builder = builder.api_version(version);
        }
        builder
    }
}

impl ClientBuilder {
    /// A builder from the environment (see [`EnvSettings`]); further settings can follow.
    pub fn from_env() -> Result<ClientBuilder> {
        Ok(EnvSettings::from_env()?.into_builder())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<EnvSettings> {
        EnvSettings::from_lookup(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    fn refused(vars: &[(&str, &str)]) -> String {
        match settings(vars).and_then(|s| s.into_builder().build()) {
            Err(Error::Config { detail }) => detail,
            other => panic!("expected a configuration error, got {other:?}"),
        }
    }

    #[test]
    fn reads_every_variable() {
        let s = settings(&[
            ("AMPERITY_TENANT", " acme "),
            ("AMPERITY_CLIENT_ID", "id"),
            ("AMPERITY_CLIENT_SECRET", "s3cret"),
            ("AMPERITY_TOKEN_URL", "https://login.example.com/token"),
            ("AMPERITY_REGION", "Australia"),
            ("AMPERITY_API_VERSION", "unstable"),
            ("AMPERITY_TOKEN", ""),
        ])
        .unwrap();
        assert_eq!(s.tenant, "acme");
        assert_eq!(s.token, None, "an empty value counts as unset");
        assert_eq!(s.region, Some(Region::Australia));
        assert!(!format!("{s:?}").contains("s3cret"));
        let client = s.into_builder().build().unwrap();
        assert_eq!(client.base_url(), "https://app-aws-apse2.amperity.com/api");
        assert_eq!(client.api_version(), "unstable");
    }

    #[test]
    fn refusals_name_the_problem() {
        assert!(refused(&[]).contains("AMPERITY_TENANT is not set"));
        assert!(
            refused(&[("AMPERITY_TENANT", "acme"), ("AMPERITY_REGION", "mars")])
                .contains("AMPERITY_REGION must be aws, azure or australia")
        );
        assert!(refused(&[("AMPERITY_TENANT", "acme")]).contains("no credentials"));
        assert!(refused(&[
            ("AMPERITY_TENANT", "acme"),
            ("AMPERITY_TOKEN", "t"),
            ("AMPERITY_CLIENT_ID", "i"),
            ("AMPERITY_CLIENT_SECRET", "s"),
        ])
        .contains("not both"));
        assert!(
            refused(&[("AMPERITY_TENANT", "acme"), ("AMPERITY_CLIENT_ID", "i"),])
                .contains("needs a client_secret")
        );
    }
}
