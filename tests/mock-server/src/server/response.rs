//! Responses: the body type (with the close-mid-body fault), `Resp` and the canned bodies of
//! the status and huge-body faults.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body, Bytes, Frame, SizeHint};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Response body (supports the close-mid-body fault)

pub(crate) enum MockBody {
    Full(Option<Bytes>),
    /// Yields the bytes, waits the given time (a moment, so hyper flushes them, or a stall),
    /// then fails, which makes hyper drop the connection.
    Broken(
        Option<Bytes>,
        Duration,
        Option<Pin<Box<tokio::time::Sleep>>>,
    ),
}

impl Body for MockBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            MockBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            MockBody::Broken(b, pause, sleep) => {
                if let Some(b) = b.take() {
                    *sleep = Some(Box::pin(tokio::time::sleep(*pause)));
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                if let Some(s) = sleep.as_mut() {
                    if s.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                }
                Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "close_mid_body fault",
                ))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, MockBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            MockBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            MockBody::Full(None) => SizeHint::with_exact(0),
            MockBody::Broken(..) => SizeHint::default(),
        }
    }
}

/// How long a close-mid-body response waits after its half body before it fails.
pub(super) const BROKEN_BODY_PAUSE: Duration = Duration::from_millis(30);

/// A response before the post-processing faults.
pub(super) struct Resp {
    pub(super) status: u16,
    pub(super) ctype: &'static str,
    pub(super) headers: Vec<(HeaderName, String)>,
    pub(super) body: Bytes,
}

impl Resp {
    pub(super) fn json(status: u16, body: impl Into<Bytes>) -> Resp {
        Resp {
            status,
            ctype: "application/json",
            headers: Vec::new(),
            body: body.into(),
        }
    }
    pub(super) fn value(status: u16, v: &Value) -> Resp {
        Resp::json(status, v.to_string())
    }
    pub(super) fn empty(status: u16) -> Resp {
        Resp {
            status,
            ctype: "",
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }
    pub(super) fn header(mut self, name: &'static str, v: impl Into<String>) -> Resp {
        self.headers.push((HeaderName::from_static(name), v.into()));
        self
    }
    /// `broken`: send half the body, wait this long, then drop the connection.
    pub(super) fn into_response(self, broken: Option<Duration>) -> Response<MockBody> {
        let len = self.body.len();
        let body = match broken {
            Some(pause) => MockBody::Broken(Some(self.body.slice(..len / 2)), pause, None),
            None => MockBody::Full(Some(self.body)),
        };
        let mut r = Response::new(body);
        *r.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let h = r.headers_mut();
        if !self.ctype.is_empty() {
            h.insert(
                hyper::header::CONTENT_TYPE,
                HeaderValue::from_static(self.ctype),
            );
        }
        if broken.is_some() {
            h.insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(len));
        }
        for (k, v) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&v) {
                h.append(k, v);
            }
        }
        r
    }
}

// ---------------------------------------------------------------------------------------------
// Canned fault bodies

pub(super) fn html_error(status: u16) -> Resp {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    Resp {
        status,
        ctype: "text/html; charset=utf-8",
        headers: Vec::new(),
        body: format!(
            "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n<body><center><h1>{status} {reason}</h1></center><hr><center>nginx</center></body></html>\n"
        )
        .into(),
    }
}

pub(super) fn huge_body(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 128);
    out.extend_from_slice(b"{\"data\":[");
    let mut i = 0u64;
    while out.len() + 2 < bytes || i == 0 {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(
            format!(
                "{{\"id\":\"seg-{i:09}\",\"name\":\"Huge body filler record {i:09}\",\"status\":\"active\"}}"
            )
            .as_bytes(),
        );
        i += 1;
    }
    out.extend_from_slice(b"]}");
    out
}
