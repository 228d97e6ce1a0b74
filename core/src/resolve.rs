//! Name resolution without a thread per request for IP-literal hosts.

use std::net::{IpAddr, SocketAddr};
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// ureq resolves the host before every request, even on a pooled connection, and its default
/// resolver spawns a thread per lookup when a timeout is set. An IP-literal host (loopback
/// tests, the mock server, a local proxy) needs no lookup: answer it directly.
#[derive(Debug, Default)]
pub(crate) struct IpLiteralFirst {
    fallback: DefaultResolver,
}

impl Resolver for IpLiteralFirst {
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
        self.fallback.resolve(uri, config, timeout)
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
}
