//! HTTPS through a real SOCKS5 proxy written here (RFC 1928, with RFC 1929 user/password):
//! explicit configuration with and without credentials, `socks5h` (the proxy resolves the host),
//! the environment's `ALL_PROXY`, and a refused authentication. ureq panicked on any SOCKS URL
//! before its `socks-proxy` feature was enabled.

mod common;

use amperity::*;
use common::*;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the proxy saw of one connection.
#[derive(Debug, Clone, Default)]
struct Seen {
    credentials: Option<(String, String)>,
    target: String,
    tunneled: Vec<u8>,
}

/// A minimal SOCKS5 proxy: CONNECT only; requires `user`/`password` when given.
struct Socks5Proxy {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Socks5Proxy {
    fn start(required: Option<(&str, &str)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let required = required.map(|(u, p)| (u.to_owned(), p.to_owned()));
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (log, required) = (log.clone(), required.clone());
                std::thread::spawn(move || {
                    let _ = serve(client, required, log);
                });
            }
        });
        Socks5Proxy { port, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn read_exact<const N: usize>(stream: &mut TcpStream) -> std::io::Result<[u8; N]> {
    let mut buf = [0u8; N];
    stream.read_exact(&mut buf)?;
    Ok(buf)
}

fn read_string(stream: &mut TcpStream) -> std::io::Result<String> {
    let [len] = read_exact::<1>(stream)?;
    let mut buf = vec![0u8; usize::from(len)];
    stream.read_exact(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn serve(
    mut client: TcpStream,
    required: Option<(String, String)>,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut seen = Seen::default();
    let [version, count] = read_exact::<2>(&mut client)?;
    assert_eq!(version, 5, "a SOCKS5 greeting");
    let mut methods = vec![0u8; usize::from(count)];
    client.read_exact(&mut methods)?;
    if required.is_some() {
        if !methods.contains(&2) {
            client.write_all(&[5, 0xff])?;
            return Ok(());
        }
        client.write_all(&[5, 2])?;
        let [sub_version] = read_exact::<1>(&mut client)?;
        assert_eq!(sub_version, 1, "RFC 1929 sub-negotiation");
        let user = read_string(&mut client)?;
        let password = read_string(&mut client)?;
        let ok = required.as_ref() == Some(&(user.clone(), password.clone()));
        seen.credentials = Some((user, password));
        client.write_all(&[1, if ok { 0 } else { 1 }])?;
        if !ok {
            log.lock().unwrap().push(seen);
            return Ok(());
        }
    } else {
        client.write_all(&[5, 0])?;
    }
    let [_, command, _, address_type] = read_exact::<4>(&mut client)?;
    assert_eq!(command, 1, "CONNECT");
    let host = match address_type {
        1 => Ipv4Addr::from(read_exact::<4>(&mut client)?).to_string(),
        3 => read_string(&mut client)?,
        4 => format!("[{}]", Ipv6Addr::from(read_exact::<16>(&mut client)?)),
        other => panic!("address type {other}"),
    };
    let port = u16::from_be_bytes(read_exact::<2>(&mut client)?);
    seen.target = format!("{host}:{port}");
    let upstream = match TcpStream::connect(&seen.target) {
        Ok(upstream) => upstream,
        Err(_) => {
            client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0])?;
            return Ok(());
        }
    };
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    let index = {
        let mut log = log.lock().unwrap();
        log.push(seen);
        log.len() - 1
    };
    let (mut up_read, mut client_write) = (upstream.try_clone()?, client.try_clone()?);
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
    });
    let mut upstream = upstream;
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = client.read(&mut buf) {
        if n == 0 || upstream.write_all(&buf[..n]).is_err() {
            break;
        }
        log.lock().unwrap()[index]
            .tunneled
            .extend_from_slice(&buf[..n]);
    }
    let _ = upstream.shutdown(std::net::Shutdown::Write);
    Ok(())
}

fn tls_client(server: &amperity_mock::MockServer, proxy: String) -> Client {
    tls_builder(server).proxy(proxy).build().unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn socks5_with_credentials_tunnels_https() {
    let server = tls_server();
    let proxy = Socks5Proxy::start(Some(("alice", "s:cret")));
    let client = tls_client(
        &server,
        format!("socks5://alice:s%3Acret@127.0.0.1:{}", proxy.port),
    );
    let page = client
        .list_segments(PageOptions::limit(10))
        .next_page()
        .unwrap()
        .unwrap();
    assert_eq!(page.items.len(), 10);
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "one pooled connection: {seen:?}");
    assert_eq!(
        seen[0].credentials,
        Some(("alice".to_owned(), "s:cret".to_owned()))
    );
    assert_eq!(seen[0].target, format!("127.0.0.1:{}", server.port()));
    assert!(!seen[0].tunneled.is_empty());
    assert!(
        !contains(&seen[0].tunneled, TLS_TOKEN.as_bytes()),
        "the token crossed the proxy in clear"
    );
}

#[test]
fn socks5h_lets_the_proxy_resolve_the_host() {
    let server = server();
    let proxy = Socks5Proxy::start(None);
    // The mock listens on 127.0.0.1; `localhost` goes to the proxy as a name.
    let client = Client::builder("acme")
        .base_url(format!("http://localhost:{}/api", server.port()))
        .token("mock-token")
        .rate_limit(None)
        .proxy(format!("socks5h://127.0.0.1:{}", proxy.port))
        .build()
        .unwrap();
    client
        .list_segments(PageOptions::limit(3))
        .next_page()
        .unwrap();
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, format!("localhost:{}", server.port()));
    assert_eq!(seen[0].credentials, None);
}

#[test]
fn refused_socks_credentials_are_a_transport_error_without_the_password() {
    let server = tls_server();
    let proxy = Socks5Proxy::start(Some(("alice", "right")));
    let client = tls_builder(&server)
        .proxy(format!(
            "socks5://alice:wrong-pw-123@127.0.0.1:{}",
            proxy.port
        ))
        .retry_policy(RetryPolicy::new(
            1,
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(1),
        ))
        .build()
        .unwrap();
    let err = client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(!text.contains("wrong-pw-123"), "{text}");
    // The proxy thread may record the handshake just after the client saw the refusal.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while proxy.seen().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(
        proxy.seen()[0].credentials,
        Some(("alice".to_owned(), "wrong-pw-123".to_owned()))
    );
}

/// The only test here that reads the process environment (the others set an explicit proxy,
/// which wins over it).
#[test]
fn all_proxy_socks5_from_the_environment() {
    let server = tls_server();
    let proxy = Socks5Proxy::start(None);
    std::env::remove_var("HTTPS_PROXY");
    std::env::remove_var("https_proxy");
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    std::env::set_var("ALL_PROXY", format!("socks5://127.0.0.1:{}", proxy.port));
    let client = tls_builder(&server).build().unwrap();
    std::env::remove_var("ALL_PROXY");
    client
        .list_segments(PageOptions::limit(2))
        .next_page()
        .unwrap();
    assert_eq!(proxy.seen().len(), 1, "ALL_PROXY=socks5://… was used");
}
