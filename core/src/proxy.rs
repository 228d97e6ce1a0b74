//! Which proxy a client uses: the configured one, or the environment's (`HTTPS_PROXY`,
//! `ALL_PROXY`, `NO_PROXY`), decided once per client from its base URL.

use crate::config::Config;

/// The proxy URL for `config`, reading the environment through `env`.
pub(crate) fn proxy_url(config: &Config, env: impl Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(url) = &config.proxy {
        return Some(url.clone());
    }
    let get = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| env(n).filter(|v| !v.trim().is_empty()))
    };
    let (scheme, host) = scheme_and_host(&config.base_url);
    let candidates: &[&str] = if scheme == "http" {
        // Uppercase HTTP_PROXY is ignored, as curl does, because CGI servers set it from a header.
        &["http_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    };
    let url = get(candidates)?;
    match get(&["NO_PROXY", "no_proxy"]) {
        Some(list) if no_proxy_matches(&list, &host) => None,
        _ => Some(url.trim().to_owned()),
    }
}

/// `host:port` of a proxy URL, without scheme or credentials.
pub(crate) fn address_without_credentials(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_owned()
}

fn scheme_and_host(url: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    (scheme.to_ascii_lowercase(), host.to_ascii_lowercase())
}

/// `NO_PROXY` semantics as curl implements them: `*` matches every host; an entry matches the
/// host itself and its subdomains (a leading `.` or `*.` is ignored); ports are ignored.
fn no_proxy_matches(list: &str, host: &str) -> bool {
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.trim_start_matches("*.").trim_start_matches('.');
            let entry = match entry.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or_default(),
                None if entry.matches(':').count() == 1 => {
                    entry.split(':').next().unwrap_or_default()
                }
                None => entry,
            }
            .to_ascii_lowercase();
            !entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}")))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_patterns() {
        assert!(no_proxy_matches("*", "app.amperity.com"));
        assert!(no_proxy_matches(
            "example.org, .amperity.com",
            "app.amperity.com"
        ));
        assert!(no_proxy_matches("amperity.com", "app.amperity.com"));
        assert!(no_proxy_matches("*.amperity.com", "acme.amperity.com"));
        assert!(no_proxy_matches("127.0.0.1:8080", "127.0.0.1"));
        assert!(no_proxy_matches("[::1]", "::1"));
        assert!(!no_proxy_matches("notamperity.com", "app.amperity.com"));
        assert!(!no_proxy_matches("", "app.amperity.com"));
    }

    #[test]
    fn proxy_addresses_drop_credentials() {
        assert_eq!(
            address_without_credentials("http://u:p@proxy:3128"),
            "proxy:3128"
        );
        assert_eq!(address_without_credentials("proxy:3128"), "proxy:3128");
    }

    #[test]
    fn scheme_and_host_parsing() {
        assert_eq!(
            scheme_and_host("https://App.Amperity.com/api"),
            ("https".into(), "app.amperity.com".into())
        );
        assert_eq!(
            scheme_and_host("http://127.0.0.1:9/api"),
            ("http".into(), "127.0.0.1".into())
        );
        assert_eq!(
            scheme_and_host("http://[::1]:9/api"),
            ("http".into(), "::1".into())
        );
    }
}
