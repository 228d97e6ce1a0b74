//! Connection handling, routing and the API handlers: the TLS acceptor, the accept loop and
//! `handle`, the entry point of every request (control endpoints, recording, faults, routing).

mod auth;
mod control;
mod lists;
mod profile;
mod query;
mod response;
mod routes;
mod state;
mod stream;
mod workflows;

use std::sync::Arc;
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};

use self::auth::{check_access, token};
use self::control::control;
use self::query::Query;
use self::response::{html_error, huge_body, MockBody, Resp, BROKEN_BODY_PAUSE};
use self::routes::{api, route, Route};
pub(crate) use self::state::Shared;
use crate::fault::{Fault, FaultRule};

// ---------------------------------------------------------------------------------------------
// TLS

pub(crate) fn tls_acceptor() -> std::io::Result<(tokio_rustls::TlsAcceptor, String)> {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let err = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".into()])
        .map_err(|e| err(&e))?;
    let pem = ck.cert.pem();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .map_err(|e| err(&e))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(cfg)), pem))
}

// ---------------------------------------------------------------------------------------------
// Accept loop

pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((s, _)) => s,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                shared.connections.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let sh = shared.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let sh = sh.clone();
                        async move {
                            // A service error makes hyper drop the connection without a response.
                            handle(sh, req).await.ok_or_else(|| {
                                std::io::Error::new(
                                    std::io::ErrorKind::ConnectionReset,
                                    "reset fault",
                                )
                            })
                        }
                    });
                    let mut builder = hyper::server::conn::http1::Builder::new();
                    builder.timer(TokioTimer::new()).keep_alive(true);
                    match tls {
                        Some(acceptor) => {
                            if let Ok(s) = acceptor.accept(stream).await {
                                let _ = builder.serve_connection(TokioIo::new(s), svc).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                        }
                    }
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request handling

/// `None` closes the connection without a response (the reset fault).
async fn handle(sh: Arc<Shared>, req: Request<Incoming>) -> Option<Response<MockBody>> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let path = parts.uri.path();
    if path == "/__mock" || path.starts_with("/__mock/") {
        let query = parts.uri.query().unwrap_or("");
        return Some(control(&sh, &parts.method, path, query, &body).into_response(None));
    }
    sh.record(&parts, &body);
    if !sh.cfg.latency.is_zero() {
        tokio::time::sleep(sh.cfg.latency).await;
    }

    let method = parts.method.as_str();
    let route = route(&parts.method, path);
    let is_list = route.as_ref().is_ok_and(Route::is_list);
    let fault = match parts.headers.get("x-mock-fault") {
        Some(v) => match v
            .to_str()
            .map_err(|e| e.to_string())
            .and_then(FaultRule::parse)
        {
            Ok(rule) => (rule.matches(method, path) && (is_list || !rule.fault.list_only()))
                .then_some(rule.fault),
            Err(e) => {
                return Some(
                    sh.error(400, &format!("invalid X-Mock-Fault: {e}"))
                        .into_response(None),
                )
            }
        },
        None => sh
            .take_fault(method, path, is_list)
            .or_else(|| sh.chaos_fault()),
    };
    if parts.method == hyper::Method::POST && path == "/api/workflow/runs" {
        let refused = matches!(fault, Some(Fault::Status { status: 429, .. }));
        sh.count_run_post(&body, refused);
    }
    match &fault {
        Some(Fault::Status {
            status,
            retry_after,
            html,
        }) => {
            let mut r = if *html {
                html_error(*status)
            } else {
                let reason = StatusCode::from_u16(*status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Injected fault");
                sh.error(*status, reason)
            };
            if let Some(ra) = retry_after {
                r = r.header("retry-after", ra.clone());
            }
            return Some(r.into_response(None));
        }
        Some(Fault::MalformedJson) => {
            return Some(
                Resp::json(
                    200,
                    "{\"data\": [{\"id\": \"seg-x\", \"name\": <html>Service Unavailable</html>",
                )
                .into_response(None),
            )
        }
        Some(Fault::HugeBody { bytes }) => {
            return Some(Resp::json(200, huge_body(*bytes)).into_response(None))
        }
        Some(Fault::Delay(d)) => tokio::time::sleep(*d).await,
        _ => {}
    }

    let mut resp = match route {
        Err((404, _)) => sh.error(404, &format!("no such endpoint: {} {path}", parts.method)),
        Err((status, allow)) => sh
            .error(
                status,
                &format!("method {} not allowed on {path}", parts.method),
            )
            .header("allow", allow),
        Ok(Route::Token) => token(&sh, &parts.headers, &body),
        Ok(Route::StreamIngest(stream_id)) => {
            stream::ingest(&sh, &stream_id, &parts.headers, &body)
        }
        Ok(route) => {
            let query = Query::parse(parts.uri.query().unwrap_or(""));
            let versions = if route.is_profile() {
                crate::PROFILE_API_VERSIONS
            } else {
                crate::API_VERSIONS
            };
            match check_access(&sh, &parts.headers, &query, versions) {
                Err(r) => r,
                Ok(version) => api(&sh, route, &query, version, &body, fault.as_ref()),
            }
        }
    };

    // The request was acted on; the reset fault drops the answer.
    let broken = match &fault {
        Some(Fault::Reset) => return None,
        Some(Fault::CloseMidBody) => Some(BROKEN_BODY_PAUSE),
        Some(Fault::Stall(d)) => Some(*d),
        _ => None,
    };
    match fault {
        Some(Fault::TruncatedJson) => {
            resp.body = resp.body.slice(..resp.body.len() / 2);
        }
        Some(Fault::Deprecation {
            deprecation,
            sunset,
        }) => {
            resp = resp
                .header("deprecation", deprecation)
                .header("sunset", sunset);
        }
        _ => {}
    }
    Some(resp.into_response(broken))
}
