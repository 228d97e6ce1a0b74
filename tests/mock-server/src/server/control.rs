//! The control endpoints under `/__mock/`: health, the recorded requests (and their count, for
//! record-free expectations in any language) and the fault rules.

use hyper::Method;
use serde_json::json;

use super::query::{decode_segment, Query};
use super::response::Resp;
use super::state::Shared;
use crate::fault::FaultRule;
use crate::{lock, RecordedRequest, StreamEvents};

/// `{accepted, duplicates, checksum}` of a stream (the checksum as 16 hex digits).
fn stream_summary(events: &StreamEvents) -> serde_json::Value {
    json!({
        "accepted": events.accepted,
        "duplicates": events.duplicates,
        "checksum": format!("{:016x}", events.checksum),
    })
}

/// `{"count": N}`: the recorded requests with the `method` (any case; absent = any) whose path
/// starts with `path` (absent = any), so that a test in any language checks "the code sent two
/// run requests" without parsing the recorded requests.
fn request_count(sh: &Shared, query: &str) -> Resp {
    let query = Query::parse(query);
    let method = query.get("method").unwrap_or("");
    let prefix = query.get("path").unwrap_or("");
    let count = lock(&sh.requests)
        .iter()
        .filter(|r| method.is_empty() || r.method.eq_ignore_ascii_case(method))
        .filter(|r| r.path.starts_with(prefix))
        .count();
    Resp::value(200, &json!({ "count": count }))
}

/// The ids of a data set in listing order (no filters), one a line, as `text/plain`.
fn ids(records: &[crate::data::Rec], field: &str) -> Resp {
    let mut out = String::with_capacity(records.len() * 12);
    for r in records {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&r.json) {
            if let Some(id) = v.get(field).and_then(|i| i.as_str()) {
                out.push_str(id);
                out.push('\n');
            }
        }
    }
    let mut resp = Resp::json(200, out);
    resp.ctype = "text/plain; charset=utf-8";
    resp
}

pub(super) fn control(sh: &Shared, method: &Method, path: &str, query: &str, body: &[u8]) -> Resp {
    match (path, method) {
        ("/__mock/requests/count", &Method::GET) => request_count(sh, query),
        ("/__mock/health", &Method::GET) => Resp::json(200, "{\"status\":\"ok\"}"),
        ("/__mock/requests", &Method::GET) => {
            let reqs = lock(&sh.requests);
            let items: Vec<&RecordedRequest> = reqs.iter().collect();
            Resp::json(200, serde_json::to_vec(&items).unwrap_or_default())
        }
        ("/__mock/requests", &Method::DELETE) => {
            lock(&sh.requests).clear();
            Resp::empty(204)
        }
        ("/__mock/faults", &Method::POST) => {
            let spec = String::from_utf8_lossy(body);
            match FaultRule::parse(spec.trim()) {
                Ok(rule) => {
                    let text = rule.to_string();
                    sh.add_fault(rule);
                    Resp::value(201, &json!({"installed": text}))
                }
                Err(e) => sh.error(400, &format!("invalid fault spec: {e}")),
            }
        }
        ("/__mock/faults", &Method::DELETE) => {
            sh.clear_faults();
            Resp::empty(204)
        }
        ("/__mock/streams", &Method::GET) => {
            let streams: serde_json::Map<String, serde_json::Value> = sh
                .stream_ids()
                .into_iter()
                .map(|id| {
                    let events = sh.stream_events(&id);
                    (id, stream_summary(&events))
                })
                .collect();
            Resp::value(200, &json!({ "streams": streams }))
        }
        ("/__mock/streams", &Method::DELETE) => {
            sh.clear_streams();
            Resp::empty(204)
        }
        (p, &Method::GET) if p.starts_with("/__mock/streams/") => {
            let id = decode_segment(&p["/__mock/streams/".len()..]);
            let events = sh.stream_events(&id);
            let mut v = stream_summary(&events);
            v["bodies"] = json!(events.bodies);
            Resp::value(200, &v)
        }
        ("/__mock/chaos", &Method::GET) => Resp::value(
            200,
            &json!({
                "chaos": sh.cfg.chaos.as_ref().map(|c| c.to_string()),
                "stats": sh.chaos_stats(),
            }),
        ),
        ("/__mock/connections", &Method::GET) => Resp::value(
            200,
            &json!({"accepted": sh.connections.load(std::sync::atomic::Ordering::Relaxed)}),
        ),
        ("/__mock/workflow-posts", &Method::GET) => Resp::value(200, &json!(sh.workflow_posts())),
        ("/__mock/workflow-posts", &Method::DELETE) => {
            sh.clear_workflow_posts();
            Resp::empty(204)
        }
        ("/__mock/ids/segments", &Method::GET) => ids(sh.segments(), "id"),
        ("/__mock/ids/audit-events", &Method::GET) => ids(sh.audit(), "event_id"),
        ("/__mock/health", _) => sh.error(405, "method not allowed").header("allow", "GET"),
        ("/__mock/requests", _) => sh
            .error(405, "method not allowed")
            .header("allow", "GET, DELETE"),
        ("/__mock/requests/count", _) => sh.error(405, "method not allowed").header("allow", "GET"),
        ("/__mock/faults", _) => sh
            .error(405, "method not allowed")
            .header("allow", "POST, DELETE"),
        ("/__mock/streams", _) => sh
            .error(405, "method not allowed")
            .header("allow", "GET, DELETE"),
        (p, _) if p.starts_with("/__mock/streams/") => {
            sh.error(405, "method not allowed").header("allow", "GET")
        }
        _ => sh.error(404, "no such control endpoint"),
    }
}
