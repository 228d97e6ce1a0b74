//! Name resolution without a lookup (and a thread) per request.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a resolved host name is reused (the JVM's default positive DNS cache is 30 s too).
const NAME_TTL: Duration = Duration::from_secs(30);

/// ureq resolves the host before every request, even on a pooled connection, and its default
/// resolver spawns a thread per lookup when a timeout is set. An IP-literal host (loopback
/// tests, the mock server, a local proxy) needs no lookup: it is answered directly. A host name
/// is looked up once and reused for [`NAME_TTL`].
#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    fallback: DefaultResolver,
    names: Mutex<HashMap<String, (ResolvedSocketAddrs, Instant)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        if let Some(addr) = ip_literal(uri) {
            let mut addrs = self.empty();
            addrs.push(addr);
            return Ok(addrs);
        }
        let key = uri
            .authority()
            .map(|a| format!("{}|{a}", uri.scheme_str().unwrap_or("")));
        if let Some(key) = &key {
            let names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((addrs, at)) = names.get(key) {
                if at.elapsed() < NAME_TTL {
                    return Ok(addrs.clone());
                }
            }
        }
        let addrs = self.fallback.resolve(uri, config, timeout)?;
        if let Some(key) = key {
            let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            names.retain(|_, (_, at)| at.elapsed() < NAME_TTL);
            names.insert(key, (addrs.clone(), Instant::now()));
        }
        Ok(addrs)
    }
}

fn ip_literal(uri: &Uri) -> Option<SocketAddr> {
    let authority = uri.authority()?;
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let ip: IpAddr = host.parse().ok()?;
    let port = authority.port_u16().or(match uri.scheme_str()? {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    })?;
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_literals_only() {
        let parse = |s: &str| ip_literal(&s.parse::<Uri>().unwrap());
        assert_eq!(
            parse("http://127.0.0.1:8080/api"),
            Some("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(
            parse("https://[::1]/api"),
            Some("[::1]:443".parse().unwrap())
        );
        assert_eq!(
            parse("http://10.0.0.1/x"),
            Some("10.0.0.1:80".parse().unwrap())
        );
        assert_eq!(parse("https://app.amperity.com/api"), None);
        assert_eq!(parse("https://localhost:9/api"), None);
    }

    #[test]
    fn host_names_are_looked_up_once_then_cached() {
        let resolver = CachingResolver::default();
        let uri: Uri = "http://localhost:9/api".parse().unwrap();
        let config = ureq::config::Config::default();
        let first = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .unwrap();
        assert!(first.iter().all(|a| a.ip().is_loopback() && a.port() == 9));
        assert_eq!(resolver.names.lock().unwrap().len(), 1);
        let second = resolver
            .resolve(&uri, &config, NextTimeout::default())
            .unwrap();
        assert_eq!(first, second);
        let literal: Uri = "http://127.0.0.1:9/".parse().unwrap();
        resolver
            .resolve(&literal, &config, NextTimeout::default())
            .unwrap();
        assert_eq!(
            resolver.names.lock().unwrap().len(),
            1,
            "IP literals are never cached"
        );
    }
}
