//! HTTPS through a real CONNECT proxy: explicit configuration with credentials, the environment
//! (`HTTPS_PROXY`, `NO_PROXY`), a dead proxy, and a token that never crosses the proxy in clear.

mod common;

use amperity::*;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// A minimal HTTP CONNECT proxy that records request heads and every tunneled client byte.
struct ConnectProxy {
    port: u16,
    heads: Arc<Mutex<Vec<String>>>,
    tunneled: Arc<Mutex<Vec<u8>>>,
}

impl ConnectProxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let tunneled = Arc::new(Mutex::new(Vec::new()));
        let (h, t) = (heads.clone(), tunneled.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (h, t) = (h.clone(), t.clone());
                std::thread::spawn(move || serve(client, h, t));
            }
        });
        ConnectProxy {
            port,
            heads,
            tunneled,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn serve(client: TcpStream, heads: Arc<Mutex<Vec<String>>>, tunneled: Arc<Mutex<Vec<u8>>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    heads.lock().unwrap().push(head.clone());
    let mut client = client;
    let target = head
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    if !head.starts_with("CONNECT ") {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n");
        return;
    }
    let Ok(upstream) = TcpStream::connect(&target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .unwrap();
    let mut up_read = upstream.try_clone().unwrap();
    let mut client_write = client.try_clone().unwrap();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
    });
    let mut upstream = upstream;
    let mut buf = [0u8; 16 * 1024];
    // Bytes the reader already buffered belong to the tunnel too.
    let early = reader.buffer().to_vec();
    tunneled.lock().unwrap().extend_from_slice(&early);
    if upstream.write_all(&early).is_err() {
        return;
    }
    let mut reader = reader.into_inner();
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 || upstream.write_all(&buf[..n]).is_err() {
            break;
        }
        tunneled.lock().unwrap().extend_from_slice(&buf[..n]);
    }
    let _ = upstream.shutdown(std::net::Shutdown::Write);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn explicit_proxy_with_credentials_tunnels_https() {
    let server = tls_server();
    let proxy = ConnectProxy::start();
    let url = format!("http://alice:s%3Acret@127.0.0.1:{}", proxy.port);
    let client = tls_builder(&server).proxy(url).build().unwrap();
    let page = client
        .list_segments(PageOptions::limit(10))
        .next_page()
        .unwrap()
        .unwrap();
    assert_eq!(page.items.len(), 10);
    let heads = proxy.heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with(&format!("CONNECT 127.0.0.1:{} ", server.port())),
        "{}",
        heads[0]
    );
    // Basic alice:s:cret
    assert!(
        heads[0]
            .to_ascii_lowercase()
            .contains("proxy-authorization: basic ywxpy2u6czpjcmv0"),
        "{}",
        heads[0]
    );
    let tunneled = proxy.tunneled.lock().unwrap();
    assert!(!tunneled.is_empty());
    assert!(
        !contains(&tunneled, TLS_TOKEN.as_bytes()),
        "the token crossed the proxy in clear"
    );
    assert!(
        !contains(&tunneled, b"Bearer"),
        "the request crossed the proxy in clear"
    );
}

#[test]
fn a_dead_proxy_is_a_clear_transport_error() {
    let server = tls_server();
    let dead_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = tls_builder(&server)
        .proxy(format!("http://bob:pw@127.0.0.1:{dead_port}"))
        .build()
        .unwrap();
    let err = client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap_err();
    match &err {
        Error::Transport { kind, detail, .. } => {
            assert_eq!(*kind, TransportKind::Proxy, "{err}");
            assert!(
                detail.contains(&format!("127.0.0.1:{dead_port}")),
                "{detail}"
            );
            assert!(!detail.contains("pw"), "proxy credentials leaked: {detail}");
        }
        other => panic!("expected a proxy transport error, got {other:?}"),
    }
}

/// One test for everything that reads the process environment, so no other test races it.
#[test]
fn environment_proxy_and_no_proxy() {
    let server = tls_server();
    let proxy = ConnectProxy::start();
    std::env::set_var("HTTPS_PROXY", proxy.url());
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let via_env = tls_builder(&server).build().unwrap();
    via_env
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    assert_eq!(
        proxy.heads.lock().unwrap().len(),
        1,
        "HTTPS_PROXY was honoured"
    );

    std::env::set_var("NO_PROXY", "example.org,127.0.0.1");
    let bypass = tls_builder(&server).build().unwrap();
    bypass
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    assert_eq!(
        proxy.heads.lock().unwrap().len(),
        1,
        "NO_PROXY host bypassed the proxy"
    );

    std::env::remove_var("NO_PROXY");
    std::env::remove_var("HTTPS_PROXY");
    std::env::set_var("ALL_PROXY", proxy.url());
    let via_all = tls_builder(&server).build().unwrap();
    via_all
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    assert_eq!(
        proxy.heads.lock().unwrap().len(),
        2,
        "ALL_PROXY was honoured"
    );
    std::env::remove_var("ALL_PROXY");

    let direct = tls_builder(&server).build().unwrap();
    direct
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    assert_eq!(proxy.heads.lock().unwrap().len(), 2);
}
