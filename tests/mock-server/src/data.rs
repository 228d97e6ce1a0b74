//! Deterministic (per seed) generation of the mock data sets.

use serde_json::{json, Map, Value};
use std::time::Instant;

use crate::time::{fmt_ms, fmt_s, ymd};

/// Data template ids (`ptg-…`) used by campaigns and campaign drafts; campaign `i` uses
/// `DATA_TEMPLATE_IDS[i % DATA_TEMPLATE_IDS.len()]`, so these are valid
/// `destination_data_template_id` filter values.
pub const DATA_TEMPLATE_IDS: &[&str] = &[
    "ptg-2QLLqXBEq",
    "ptg-2XsDnXwEu",
    "ptg-3Hb7kLm2P",
    "ptg-4Rt9vWx1Q",
    "ptg-5Zc3nPq8T",
];

/// Workflow `type` values used by the generated workflows.
pub const WORKFLOW_TYPES: &[&str] = &[
    "courier.group/run",
    "campaign.send",
    "amperity.orchestration.orchestration/run",
    "campaign.fetch",
];

/// Workflow states of the generated workflows (every one occurs).
pub const WORKFLOW_STATES: &[&str] = &[
    "scheduled",
    "started",
    "running",
    "succeeded",
    "failed",
    "canceled",
    "stopped",
];

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
const MIN: i64 = 60_000;

/// splitmix64
pub(crate) struct Rng(u64);

const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo).max(1) as u64) as i64
    }
    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    pub(crate) fn b62(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| B62[self.below(62) as usize] as char)
            .collect()
    }
    pub(crate) fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    }
    /// `8-4-4-4-12` hex, version 4 layout.
    pub(crate) fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
    /// `wf-20240619-14418-6UhqSe` style id.
    pub(crate) fn dated_id(&mut self, prefix: &str, at_ms: i64) -> String {
        format!(
            "{prefix}-{}-{:05}-{}",
            ymd(at_ms),
            self.below(100_000),
            self.b62(6)
        )
    }
}

/// One precomputed list item: its JSON text plus what filters look at.
pub(crate) struct Rec {
    pub json: String,
    /// Time key (audit `happened_at`, ingest job `started_at`), epoch ms.
    pub at_ms: i64,
    /// Campaign data template index / unused.
    pub tag: usize,
    /// Item id (ingest jobs).
    pub id: String,
}

fn rec(v: &Value, at_ms: i64, tag: usize, id: String) -> Rec {
    Rec {
        json: v.to_string(),
        at_ms,
        tag,
        id,
    }
}

const ADJ: &[&str] = &[
    "High-value",
    "Lapsed",
    "New",
    "Loyal",
    "At-risk",
    "Frequent",
    "Seasonal",
    "VIP",
    "Dormant",
    "Engaged",
];
const NOUN: &[&str] = &[
    "customers",
    "buyers",
    "subscribers",
    "shoppers",
    "members",
    "browsers",
    "households",
];

pub(crate) fn segments(seed: u64, n: usize) -> Vec<Rec> {
    let mut r = Rng::new(seed ^ 0x5e6);
    (0..n)
        .map(|i| {
            let id = format!("seg-{}", r.b62(9));
            let name = format!("{} {} {:05}", r.pick(ADJ), r.pick(NOUN), i + 1);
            let mut v = if i % 10 == 9 {
                // The docs contradiction: the docs' example omits `status`.
                json!({"id": id, "name": name})
            } else {
                let status = if r.below(8) == 0 {
                    "inactive"
                } else {
                    "active"
                };
                json!({"id": id, "name": name, "status": status})
            };
            // Amperity adds fields without notice: every 25th segment carries one the SDK does
            // not model, which every language must keep (`extra`).
            if i % 25 == 24 {
                v["created_by"] = json!({"kind": "api-key", "id": format!("ak-{:05}", i + 1)});
            }
            rec(&v, 0, 0, id)
        })
        .collect()
}

pub(crate) fn campaigns(seed: u64, n: usize, start_ms: i64, draft: bool) -> Vec<Rec> {
    let mut r = Rng::new(seed ^ if draft { 0xd4af7 } else { 0xca4a });
    const SEASON: &[&str] = &["Holiday", "Spring", "Summer", "Back to School", "Winter"];
    const KIND: &[&str] = &["Sale", "Welcome", "Win-back", "Loyalty", "Launch"];
    (0..n)
        .map(|i| {
            let id = format!("cc-{}", r.b62(9));
            let name = format!(
                "{}{} {} Campaign {}",
                if draft { "Draft: " } else { "" },
                r.pick(SEASON),
                r.pick(KIND),
                i + 1
            );
            let tag = i % DATA_TEMPLATE_IDS.len();
            let mut m = Map::new();
            m.insert("id".into(), id.clone().into());
            m.insert("name".into(), name.into());
            if i % 5 != 4 {
                let at = start_ms + r.range(-60 * DAY, 30 * DAY);
                let at = at - at.rem_euclid(MIN);
                m.insert("deliver_at".into(), fmt_s(at).into());
            }
            rec(&Value::Object(m), 0, tag, id)
        })
        .collect()
}

pub(crate) fn audit_events(seed: u64, n: usize, start_ms: i64, tenant: &str) -> Vec<Rec> {
    let mut r = Rng::new(seed ^ 0xa0d17);
    const TYPES: &[(&str, &str)] = &[
        ("audience/created", "seg"),
        ("audience/updated", "seg"),
        ("campaign/send", "cc"),
        ("query/created", "qd"),
        ("query/activated", "qd"),
        ("destination/updated", "ptg"),
        ("api-key/issue-oauth2-client-credentials", "ak"),
        ("api-key/created", "ak"),
        ("user/updated", "usr"),
        ("orchestration/run", "og"),
        ("orchestration.group/run", "og"),
        ("workflow/cancel", "wf"),
        ("connection/created", "conn"),
        ("policy/attached", "pol"),
        ("audit.user-activity/download", "dl"),
    ];
    const PEOPLE: &[(&str, &str, &str)] = &[
        (
            "google-apps|alice@{t}.com",
            "Alice Example",
            "alice@{t}.com",
        ),
        ("google-apps|bob@{t}.com", "Bob Example", "bob@{t}.com"),
        ("okta|carol@{t}.com", "Carol Example", "carol@{t}.com"),
        ("api-key|ak-2Yx9QwErT", "ak-2Yx9QwErT", "ci-bot@{t}.com"),
    ];
    let span = 7 * DAY - 2_000;
    (0..n)
        .map(|i| {
            let step = (span / n.max(1) as i64).max(1);
            let at = start_ms - 1_000 - i as i64 * step - r.below((step / 2).max(1) as u64) as i64;
            let (ty, obj) = *r.pick(TYPES);
            let (pid, pname, pemail) = *r.pick(PEOPLE);
            let sandbox = r.below(5) == 0;
            let mut m = Map::new();
            m.insert("event_id".into(), format!("ae-{}", r.b62(8)).into());
            m.insert("event_type".into(), format!(":amperity.{ty}").into());
            m.insert(
                "tenant".into(),
                if sandbox {
                    format!("{tenant}-sb-1")
                } else {
                    tenant.to_string()
                }
                .into(),
            );
            m.insert("tenant_family".into(), tenant.into());
            m.insert("happened_at".into(), fmt_ms(at).into());
            m.insert("principal_id".into(), pid.replace("{t}", tenant).into());
            m.insert("principal_name".into(), pname.into());
            m.insert(
                "principal_email".into(),
                pemail.replace("{t}", tenant).into(),
            );
            m.insert("object_id".into(), format!("{obj}-{}", r.b62(9)).into());
            if i % 7 != 3 {
                m.insert(
                    "object_name".into(),
                    format!("{} {}", ty.split('/').next().unwrap_or(ty), i + 1).into(),
                );
            }
            m.insert(
                "origin_ip".into(),
                format!("203.0.113.{}", r.below(254) + 1).into(),
            );
            m.insert(
                "user_agent".into(),
                (*r.pick(&[
                    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15",
                    "amperity-sdk/0.1.0",
                    "curl/8.5.0",
                ]))
                .into(),
            );
            m.insert("session_id".into(), r.uuid().into());
            let id = m["event_id"].as_str().unwrap_or_default().to_string();
            rec(&Value::Object(m), at, 0, id)
        })
        .collect()
}

pub(crate) fn ingest_jobs(seed: u64, n: usize, start_ms: i64) -> Vec<Rec> {
    let mut r = Rng::new(seed ^ 0x150b);
    const TABLES: &[&str] = &[
        "Shopify_Orders",
        "Shopify_Customers",
        "Braze_Events",
        "POS_Transactions",
        "Loyalty_Members",
        "Web_Sessions",
    ];
    let span = 7 * DAY - 2 * HOUR;
    let mut jobs: Vec<Rec> = (0..n)
        .map(|i| {
            let step = (span / n.max(1) as i64).max(1);
            let started =
                start_ms - HOUR - i as i64 * step - r.below((step / 2).max(1) as u64) as i64;
            let id = r.dated_id("isj", started);
            let wf = r.dated_id("wf", started);
            let ntables = 1 + r.below(3) as usize;
            let tables: Vec<Value> = (0..ntables)
                .map(|t| {
                    let t_start = started + t as i64 * r.range(1_000, 20_000);
                    let t_end = t_start + r.range(30_000, 40 * MIN);
                    let failed = r.below(10) == 0;
                    let nfiles = 1 + r.below(3) as usize;
                    let batch = r.dated_id("cb", t_start);
                    let mut total_read = 0u64;
                    let mut total_err = 0u64;
                    let files: Vec<Value> = (0..nfiles)
                        .map(|f| {
                            let read = r.below(500_000);
                            let errors = if failed { r.below(500) + 1 } else { r.below(3) };
                            total_read += read;
                            total_err += errors;
                            let mut m = Map::new();
                            m.insert("file_id".into(), format!("{batch}/part{f}.avro").into());
                            if f != 2 {
                                m.insert("name".into(), format!("part{f}.avro").into());
                            }
                            m.insert("read".into(), read.into());
                            m.insert("errors".into(), errors.into());
                            Value::Object(m)
                        })
                        .collect();
                    let rejected = r.below(total_read / 100 + 1);
                    let ok = total_read - total_err.min(total_read) - rejected.min(total_read);
                    let updated = r.below(ok / 2 + 1);
                    json!({
                        "feed_id": format!("df-{}", r.b62(8)),
                        "job_id": id,
                        "table_name": TABLES[(i + t) % TABLES.len()],
                        "state": if failed { "failed" } else { "succeeded" },
                        "read": total_read,
                        "errors": total_err,
                        "rejected": rejected,
                        "inserted": ok - updated,
                        "updated": updated,
                        "started_at": fmt_ms(t_start),
                        "ended_at": fmt_ms(t_end),
                        "files": files,
                    })
                })
                .collect();
            let v = json!({"id": id, "workflow_id": wf, "tables": tables});
            rec(&v, started, 0, id)
        })
        .collect();
    jobs.sort_by_key(|r| std::cmp::Reverse(r.at_ms));
    jobs
}

/// How a workflow's state evolves.
pub(crate) enum Progress {
    /// Generated data: fixed state.
    Fixed {
        state: &'static str,
        ended_ms: Option<i64>,
    },
    /// Created by `POST /workflow/runs`: moves one state per `step_ms` from `started`.
    Live {
        started: Instant,
        step_ms: u64,
        fail: bool,
    },
}

/// A workflow task instance.
pub(crate) struct Task {
    pub id: String,
    pub state: &'static str,
    pub created_ms: i64,
    pub ended_ms: Option<i64>,
    pub execution_type: &'static str,
    pub label: String,
    pub run_id: String,
    pub def_id: String,
    pub def_type: &'static str,
    pub error: Option<Value>,
}

/// A workflow run.
pub(crate) struct Workflow {
    pub id: String,
    pub wtype: &'static str,
    pub name: String,
    pub created_ms: i64,
    pub principal: (String, String, String),
    pub launched_version: String,
    pub current_version: String,
    pub warn_after_ms: Option<u64>,
    pub tasks: Vec<Task>,
    pub error: Option<Value>,
    pub progress: Progress,
}

/// A workflow's state at some instant: (state, ended_ms, error-present).
pub(crate) struct Snapshot {
    pub state: &'static str,
    pub ended_ms: Option<i64>,
    /// 0 = scheduled .. 3 = terminal (live runs only; fixed = 3 when ended)
    pub phase: u64,
}

impl Workflow {
    pub(crate) fn snapshot(&self) -> Snapshot {
        match &self.progress {
            Progress::Fixed { state, ended_ms } => Snapshot {
                state,
                ended_ms: *ended_ms,
                phase: if ended_ms.is_some() { 3 } else { 1 },
            },
            Progress::Live {
                started,
                step_ms,
                fail,
            } => {
                let elapsed = started.elapsed().as_millis() as u64;
                let phase = (elapsed / (*step_ms).max(1)).min(3);
                let state = match phase {
                    0 => "scheduled",
                    1 => "started",
                    2 => "running",
                    _ if *fail => "failed",
                    _ => "succeeded",
                };
                let ended_ms = (phase == 3).then(|| self.created_ms + 3 * *step_ms as i64);
                Snapshot {
                    state,
                    ended_ms,
                    phase,
                }
            }
        }
    }

    /// JSON for this workflow; `verbose` adds every field and `task_instances`.
    pub(crate) fn to_json(&self, tenant: &str, verbose: bool) -> Value {
        let snap = self.snapshot();
        let mut m = Map::new();
        m.insert("id".into(), self.id.clone().into());
        m.insert("state".into(), snap.state.into());
        m.insert("type".into(), self.wtype.into());
        m.insert("name".into(), self.name.clone().into());
        m.insert("tenant".into(), tenant.into());
        m.insert("created_at".into(), fmt_ms(self.created_ms).into());
        if let Some(e) = snap.ended_ms {
            m.insert("ended_at".into(), fmt_ms(e).into());
        }
        if !verbose {
            return Value::Object(m);
        }
        m.insert("principal_id".into(), self.principal.0.clone().into());
        m.insert("principal_name".into(), self.principal.1.clone().into());
        m.insert("principal_email".into(), self.principal.2.clone().into());
        m.insert(
            "launched_version".into(),
            self.launched_version.clone().into(),
        );
        m.insert(
            "current_version".into(),
            self.current_version.clone().into(),
        );
        if let Some(w) = self.warn_after_ms {
            m.insert("warn_after_ms".into(), w.into());
        }
        let live = matches!(self.progress, Progress::Live { .. });
        let tasks: Vec<Value> = self
            .tasks
            .iter()
            .filter_map(|t| {
                let (state, ended, error) = if live {
                    // A created run's single task mirrors the workflow.
                    if snap.phase == 0 {
                        return None;
                    }
                    let err = (snap.state == "failed")
                        .then(|| self.error.clone())
                        .flatten();
                    (snap.state, snap.ended_ms, err)
                } else {
                    (t.state, t.ended_ms, t.error.clone())
                };
                let mut tm = Map::new();
                tm.insert("id".into(), t.id.clone().into());
                tm.insert("task_instance_id".into(), t.id.clone().into());
                tm.insert("state".into(), state.into());
                tm.insert("tenant".into(), tenant.into());
                tm.insert("created_at".into(), fmt_ms(t.created_ms).into());
                if let Some(e) = ended {
                    tm.insert("ended_at".into(), fmt_ms(e).into());
                }
                tm.insert(
                    "state_changed_at".into(),
                    fmt_ms(ended.unwrap_or(t.created_ms)).into(),
                );
                tm.insert("execution_type".into(), t.execution_type.into());
                tm.insert("label".into(), t.label.clone().into());
                tm.insert("run_id".into(), t.run_id.clone().into());
                tm.insert("task_definition_id".into(), t.def_id.clone().into());
                tm.insert("task_definition_type".into(), t.def_type.into());
                tm.insert("timeout_ms".into(), 172_800_000u64.into());
                tm.insert("workflow_id".into(), self.id.clone().into());
                if let Some(e) = error {
                    tm.insert("error".into(), e);
                }
                Some(Value::Object(tm))
            })
            .collect();
        m.insert("task_instances".into(), Value::Array(tasks));
        if snap.state == "failed" {
            if let Some(e) = &self.error {
                m.insert("error".into(), e.clone());
            }
        }
        Value::Object(m)
    }
}

pub(crate) fn workflow_error(r: &mut Rng, attribution: &str) -> Value {
    let (ty, msg) = *r.pick(&[
        (
            "amperity.workflow.task.stitch/table",
            "Stitch failed: table Unified_Coalesced is missing column amperity_id",
        ),
        (
            "amperity.workflow.task.courier/fetch",
            "Courier could not read s3://acme-landing/orders/: access denied",
        ),
        (
            "amperity.workflow.task.campaign/send",
            "Destination rejected the upload: invalid credentials",
        ),
    ]);
    let data = if r.below(2) == 0 {
        json!({"error": {"message": "Job stopped.", "data": null}})
    } else {
        Value::Null
    };
    json!({"type": ty, "message": msg, "attribution": attribution, "data": data})
}

pub(crate) fn new_task(
    r: &mut Rng,
    created_ms: i64,
    wtype: &'static str,
    state: &'static str,
    ended_ms: Option<i64>,
) -> Task {
    let (exec, def_type) = *r.pick(&[
        ("spark-sql", "bridge.sync"),
        ("prodigal", "campaign.send"),
        ("databricks", "campaign.append-results"),
        ("identity", "stitch.run"),
        ("legacy", "courier.fetch"),
    ]);
    let def_type = if wtype == "campaign.send" {
        "campaign.send"
    } else {
        def_type
    };
    Task {
        id: r.dated_id("wft", created_ms),
        state,
        created_ms,
        ended_ms,
        execution_type: exec,
        label: format!("{} task", def_type.replace(['.', '-'], " ")),
        run_id: format!("orb-{}-{}", ymd(created_ms), r.b62(11)),
        def_id: format!("send/ct-{}/ptg-{}/pd-{}", r.b62(9), r.b62(9), r.b62(9)),
        def_type,
        error: None,
    }
}

pub(crate) fn workflows(seed: u64, n: usize, start_ms: i64) -> Vec<Workflow> {
    let mut r = Rng::new(seed ^ 0x3f10);
    let mut out: Vec<Workflow> = (0..n)
        .map(|i| {
            let state = WORKFLOW_STATES[i % WORKFLOW_STATES.len()];
            let terminal = !matches!(state, "scheduled" | "started" | "running");
            let created = if terminal {
                start_ms - r.range(3 * HOUR, 30 * DAY)
            } else {
                start_ms - r.range(1_000, 2 * HOUR)
            };
            let ended = terminal.then(|| (created + r.range(MIN, 3 * HOUR)).min(start_ms - 500));
            let wtype = WORKFLOW_TYPES[(i / WORKFLOW_STATES.len()) % WORKFLOW_TYPES.len()];
            let name = match wtype {
                "courier.group/run" => format!("Courier group cg-{} run", r.b62(9)),
                "campaign.send" => format!("Send Holiday Campaign {}", i + 1),
                "campaign.fetch" => format!("Fetch campaign results {}", i + 1),
                _ => format!("Orchestration group og-{}", r.b62(9)),
            };
            let id = r.dated_id("wf", created);
            let ntasks = if state == "scheduled" {
                0
            } else {
                1 + r.below(4) as usize
            };
            let attribution = if r.below(2) == 0 {
                "customer"
            } else {
                "platform"
            };
            let error = (state == "failed").then(|| workflow_error(&mut r, attribution));
            let mut tasks = Vec::with_capacity(ntasks);
            let mut t_at = created + 500;
            for k in 0..ntasks {
                let last = k + 1 == ntasks;
                let (tstate, tend) = if !last {
                    let e = t_at + r.range(1_000, 10 * MIN);
                    ("succeeded", Some(e.min(ended.unwrap_or(start_ms))))
                } else {
                    (state, ended)
                };
                let mut t = new_task(&mut r, t_at, wtype, tstate, tend);
                if last {
                    t.error = error.clone();
                }
                t_at = tend.unwrap_or(t_at) + 100;
                tasks.push(t);
            }
            let principal = if r.below(3) == 0 {
                (
                    "google-apps|ops@socktown.com".into(),
                    "Ops Team".into(),
                    "ops@socktown.com".into(),
                )
            } else {
                (
                    "amperity|scheduler".into(),
                    "Automated workflow".into(),
                    "noreply@amperity.com".into(),
                )
            };
            Workflow {
                id,
                wtype,
                name,
                created_ms: created,
                principal,
                launched_version: format!("etv-{}", r.b62(9)),
                current_version: format!("etv-{}", r.b62(9)),
                warn_after_ms: (r.below(4) == 0).then_some(86_400_000),
                tasks,
                error,
                progress: Progress::Fixed {
                    state,
                    ended_ms: ended,
                },
            }
        })
        .collect();
    // Stored oldest first; listings walk it backwards (newest first).
    out.sort_by_key(|w| w.created_ms);
    out
}
