//! The workflow-run endpoints: get a run (overview or verbose), stop a run, and create a run
//! (which then advances through its states on the configured step).

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{json, Value};

use super::query::Query;
use super::response::Resp;
use super::state::Shared;
use crate::data::{self, Progress, Workflow};
use crate::lock;
use crate::time::{now_ms, parse as parse_time};

pub(super) fn get_run(sh: &Shared, id: &str, q: &Query) -> Result<Resp, Resp> {
    let verbose = match q.get("view") {
        None | Some("overview") => false,
        Some("verbose") => true,
        Some(v) => {
            return Err(sh.error(400, &format!("view must be overview or verbose, not {v:?}")))
        }
    };
    let store = sh.workflows();
    match store.index.get(id) {
        Some(&i) => Ok(Resp::value(
            200,
            &store.list[i].to_json(&sh.cfg.tenant, verbose),
        )),
        None => Err(sh.error(404, &format!("workflow {id} not found"))),
    }
}

pub(super) fn stop_run(sh: &Shared, id: &str) -> Result<Resp, Resp> {
    let mut store = sh.workflows();
    let i = match store.index.get(id) {
        Some(&i) => i,
        None => return Err(sh.error(404, &format!("workflow {id} not found"))),
    };
    let w = &mut store.list[i];
    let snap = w.snapshot();
    if snap.ended_ms.is_some() {
        return Err(sh.error(
            409,
            &format!("workflow {id} has already ended (state {})", snap.state),
        ));
    }
    let now = now_ms().max(w.created_ms);
    let live = matches!(w.progress, Progress::Live { .. });
    if live && snap.phase == 0 {
        w.tasks.clear();
    }
    for t in &mut w.tasks {
        if live || t.ended_ms.is_none() {
            t.state = "canceled";
            t.ended_ms = Some(now);
        }
    }
    w.progress = Progress::Fixed {
        state: "canceled",
        ended_ms: Some(now),
    };
    Ok(Resp::value(200, &w.to_json(&sh.cfg.tenant, true)))
}

pub(super) fn create_run(sh: &Shared, body: &[u8]) -> Result<Resp, Resp> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| sh.error(400, &format!("request body is not valid JSON: {e}")))?;
    let obj = match v {
        Value::Object(m) => m,
        _ => return Err(sh.error(400, "request body must be a JSON object")),
    };
    let mut fields: HashMap<&str, &str> = HashMap::new();
    for (k, v) in &obj {
        if !matches!(
            k.as_str(),
            "config_id" | "range_from" | "range_to" | "run_mode"
        ) {
            return Err(sh.error(400, &format!("unknown field: {k}")));
        }
        match v.as_str() {
            Some(s) => {
                fields.insert(k.as_str(), s);
            }
            None => return Err(sh.error(400, &format!("{k} must be a string"))),
        }
    }
    let config_id = match fields.get("config_id") {
        Some(c) if !c.is_empty() => *c,
        _ => return Err(sh.error(400, "config_id is required")),
    };
    for k in ["range_from", "range_to"] {
        if let Some(v) = fields.get(k) {
            if parse_time(v).is_none() {
                return Err(sh.error(
                    400,
                    &format!("{k} must be an RFC 3339 date-time or YYYY-MM-DD"),
                ));
            }
        }
    }
    if fields.contains_key("range_to") && !fields.contains_key("range_from") {
        return Err(sh.error(400, "range_to is only valid together with range_from"));
    }
    if let (Some(f), Some(t)) = (fields.get("range_from"), fields.get("range_to")) {
        if parse_time(t) <= parse_time(f) {
            return Err(sh.error(400, "range_to must be after range_from"));
        }
    }
    if let Some(m) = fields.get("run_mode") {
        if !matches!(*m, "source" | "refresh" | "full") {
            return Err(sh.error(400, "run_mode must be source, refresh or full"));
        }
    }
    let (wtype, name) = if config_id.starts_with("og-") {
        (
            "amperity.orchestration.orchestration/run",
            format!("Orchestration group {config_id}"),
        )
    } else if config_id.starts_with("cc-") {
        ("campaign.send", format!("Send campaign {config_id}"))
    } else {
        (
            "courier.group/run",
            format!("Courier group {config_id} run"),
        )
    };
    let created = now_ms();
    let fail = config_id.starts_with("cg-fail");
    let mut store = sh.workflows();
    let wf = {
        let mut r = lock(&sh.rng);
        let id = r.dated_id("wf", created);
        let mut task = data::new_task(&mut r, created + 1, wtype, "scheduled", None);
        task.label = format!("Run {config_id}");
        Workflow {
            id,
            wtype,
            name,
            created_ms: created,
            principal: (
                "api-key|ak-mock".into(),
                "Mock API key".into(),
                "api@example.com".into(),
            ),
            launched_version: format!("etv-{}", r.b62(9)),
            current_version: format!("etv-{}", r.b62(9)),
            warn_after_ms: None,
            tasks: vec![task],
            error: fail.then(|| {
                json!({
                    "type": "amperity.workflow.task.courier/fetch",
                    "message": format!("Courier group {config_id} failed: no files matched the input pattern"),
                    "attribution": "customer",
                    "data": {"error": {"message": "No files found for the requested range.", "data": null}},
                })
            }),
            progress: Progress::Live {
                started: Instant::now(),
                step_ms: sh.cfg.run_step.as_millis() as u64,
                fail,
            },
        }
    };
    let resp = Resp::value(201, &wf.to_json(&sh.cfg.tenant, true));
    let idx = store.list.len();
    store.index.insert(wf.id.clone(), idx);
    store.list.push(wf);
    Ok(resp)
}
