//! Authentication: the bearer-token, tenant and api-version checks of every API request, the
//! OAuth client-credentials token endpoint, and the masking of credentials in recorded forms.

use std::time::Instant;

use hyper::header::HeaderMap;
use serde_json::json;

use super::query::{decode, Query};
use super::response::Resp;
use super::state::Shared;
use crate::lock;

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// Auth, tenant and api-version checks (`versions`: those of the route's API); returns the API
/// version.
pub(super) fn check_access(
    sh: &Shared,
    h: &HeaderMap,
    q: &Query,
    versions: &'static [&'static str],
) -> Result<&'static str, Resp> {
    let token = header(h, "authorization").and_then(|v| {
        let (scheme, rest) = v.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim())
            .filter(|t| !t.is_empty())
    });
    match token {
        None => return Err(sh.error(401, "Authentication required: missing bearer token")),
        Some(t) if !sh.valid_token(t) => {
            return Err(sh.error(401, "Authentication required: invalid or expired token"))
        }
        Some(_) => {}
    }
    match header(h, "amperity-tenant") {
        None | Some("") => return Err(sh.error(400, "missing amperity-tenant header")),
        Some(t) if t != sh.cfg.tenant => {
            return Err(sh.error(403, &format!("not authorized for tenant {t}")))
        }
        Some(_) => {}
    }
    let version = header(h, "api-version").or_else(|| q.get("api_version"));
    match version {
        None | Some("") => Err(sh.error(400, "missing api-version header")),
        Some(v) => versions
            .iter()
            .copied()
            .find(|known| *known == v)
            .ok_or_else(|| {
                let message = if versions == crate::PROFILE_API_VERSIONS {
                    format!(
                        "unsupported api-version for the Profile API: {v} (it takes {})",
                        versions.join(", ")
                    )
                } else {
                    format!("unsupported api-version: {v}")
                };
                sh.error(400, &message)
            }),
    }
}

pub(super) fn token(sh: &Shared, h: &HeaderMap, body: &[u8]) -> Resp {
    let form = Query::parse(&String::from_utf8_lossy(body));
    match form.get("grant_type") {
        Some("client_credentials") => {}
        Some(other) => return sh.error(400, &format!("unsupported grant_type: {other}")),
        None => return sh.error(400, "missing grant_type"),
    }
    let tenant = match header(h, "x-amperity-tenant") {
        None | Some("") => return sh.error(400, "missing X-Amperity-Tenant header"),
        Some(t) => t,
    };
    if form.get("client_id") != Some(sh.cfg.client_id.as_str())
        || form.get("client_secret") != Some(sh.cfg.client_secret.as_str())
    {
        return sh.error(401, "invalid client credentials");
    }
    if tenant != sh.cfg.tenant {
        return sh.error(
            403,
            &format!("client is not authorized for tenant {tenant}"),
        );
    }
    let token = {
        let mut r = lock(&sh.rng);
        format!("mock.{}.{}", r.b62(24), r.b62(16))
    };
    lock(&sh.issued).insert(token.clone(), Instant::now() + sh.cfg.token_ttl);
    Resp::value(
        200,
        &json!({"access_token": token, "expires_in": sh.cfg.token_ttl.as_secs(), "token_type": "Bearer"}),
    )
    .header("cache-control", "no-store")
}

pub(super) fn mask_form(s: &str) -> String {
    if !s.contains("client_secret") && !s.contains("access_token") {
        return s.to_string();
    }
    s.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if matches!(decode(k).as_str(), "client_secret" | "access_token") => {
                format!("{k}=***")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}
