//! Shared server state: the configuration, the installed faults, the recorded requests, the
//! issued OAuth tokens, the lazily generated data sets (with the workflow and ingest-job
//! stores) and the signed list cursors.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use serde_json::json;

use super::auth::mask_form;
use super::response::Resp;
use super::stream::StreamStore;
use crate::chaos::{ChaosState, ChaosStats};
use crate::data::{self, Rec, Rng, Workflow};
use crate::fault::{Fault, FaultRule};
use crate::profiles::{self, IndexData};
use crate::time::now_ms;
use crate::{lock, MockConfig, Recorded, RecordedRequest, WorkflowPosts};

struct ActiveFault {
    rule: FaultRule,
    /// None = forever
    remaining: Option<u32>,
}

pub(super) struct WfStore {
    /// Oldest first.
    pub(super) list: Vec<Workflow>,
    pub(super) index: HashMap<String, usize>,
}

pub(super) struct Jobs {
    pub(super) list: Vec<Rec>,
    pub(super) index: HashMap<String, usize>,
}

pub(crate) struct Shared {
    pub(super) cfg: MockConfig,
    start_ms: i64,
    secret: u64,
    pub(super) nonce: AtomicU64,
    pub(super) rng: Mutex<Rng>,
    faults: Mutex<Vec<ActiveFault>>,
    pub(crate) requests: Mutex<Recorded>,
    pub(super) issued: Mutex<HashMap<String, Instant>>,
    segments: OnceLock<Vec<Rec>>,
    campaigns: OnceLock<Vec<Rec>>,
    drafts: OnceLock<Vec<Rec>>,
    audit: OnceLock<Vec<Rec>>,
    jobs: OnceLock<Jobs>,
    workflows: OnceLock<Mutex<WfStore>>,
    profile_indexes: OnceLock<Vec<IndexData>>,
    pub(super) streams: StreamStore,
    chaos: Option<Mutex<ChaosState>>,
    /// TCP connections accepted.
    pub(crate) connections: AtomicU64,
    /// `POST /workflow/runs` by `config_id`: (requests, requests refused with 429).
    run_posts: Mutex<HashMap<String, (u64, u64)>>,
}

impl Shared {
    pub(crate) fn new(cfg: MockConfig) -> Shared {
        let start_ms = now_ms();
        let mut h = DefaultHasher::new();
        (start_ms, std::process::id(), &cfg.tenant).hash(&mut h);
        Instant::now().hash(&mut h);
        std::thread::current().id().hash(&mut h);
        let entropy = h.finish() ^ (&cfg as *const MockConfig as u64);
        let mut rng = Rng::new(entropy);
        Shared {
            chaos: cfg.chaos.clone().map(|c| Mutex::new(ChaosState::new(c))),
            run_posts: Mutex::new(HashMap::new()),
            connections: AtomicU64::new(0),
            streams: StreamStore::new(cfg.stream_rate_limit),
            profile_indexes: OnceLock::new(),
            secret: rng.next_u64(),
            cfg,
            start_ms,
            nonce: AtomicU64::new(1),
            rng: Mutex::new(rng),
            faults: Mutex::new(Vec::new()),
            requests: Mutex::new(VecDeque::new()),
            issued: Mutex::new(HashMap::new()),
            segments: OnceLock::new(),
            campaigns: OnceLock::new(),
            drafts: OnceLock::new(),
            audit: OnceLock::new(),
            jobs: OnceLock::new(),
            workflows: OnceLock::new(),
        }
    }

    pub(crate) fn add_fault(&self, rule: FaultRule) {
        let remaining = (rule.count != 0).then_some(rule.count);
        lock(&self.faults).push(ActiveFault { rule, remaining });
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub(super) fn take_fault(&self, method: &str, path: &str, is_list: bool) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let pos = faults
            .iter()
            .position(|f| f.rule.matches(method, path) && (is_list || !f.rule.fault.list_only()))?;
        let fault = faults[pos].rule.fault.clone();
        if let Some(n) = faults[pos].remaining.as_mut() {
            *n -= 1;
            if *n == 0 {
                faults.remove(pos);
            }
        }
        Some(fault)
    }

    /// The chaos mode's draw for a request no fault rule matched.
    pub(super) fn chaos_fault(&self) -> Option<Fault> {
        self.chaos.as_ref().and_then(|c| lock(c).draw())
    }

    pub(crate) fn chaos_stats(&self) -> ChaosStats {
        self.chaos
            .as_ref()
            .map(|c| lock(c).stats.clone())
            .unwrap_or_default()
    }

    /// Counts a `POST /workflow/runs` by the `config_id` of its body.
    pub(super) fn count_run_post(&self, body: &[u8], refused: bool) {
        let config_id = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                v.get("config_id")
                    .and_then(|c| c.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let mut posts = lock(&self.run_posts);
        let e = posts.entry(config_id).or_insert((0, 0));
        e.0 += 1;
        if refused {
            e.1 += 1;
        }
    }

    pub(crate) fn workflow_posts(&self) -> WorkflowPosts {
        let posts = lock(&self.run_posts);
        let mut out = WorkflowPosts {
            config_ids: posts.len() as u64,
            ..WorkflowPosts::default()
        };
        let mut repeated: Vec<&String> = Vec::new();
        for (id, (n, refused)) in posts.iter() {
            out.posts += n;
            out.refused += refused;
            let kept = n - refused;
            out.max_per_config_id = out.max_per_config_id.max(kept);
            if kept > 1 {
                repeated.push(id);
            }
        }
        repeated.sort();
        out.repeated = repeated.into_iter().take(100).cloned().collect();
        out
    }

    pub(crate) fn clear_workflow_posts(&self) {
        lock(&self.run_posts).clear();
    }

    pub(super) fn segments(&self) -> &[Rec] {
        self.segments
            .get_or_init(|| data::segments(self.cfg.seed, self.cfg.segments))
    }
    pub(super) fn campaigns(&self, draft: bool) -> &[Rec] {
        let (cell, n) = if draft {
            (&self.drafts, self.cfg.campaign_drafts)
        } else {
            (&self.campaigns, self.cfg.campaigns)
        };
        cell.get_or_init(|| data::campaigns(self.cfg.seed, n, self.start_ms, draft))
    }
    pub(super) fn audit(&self) -> &[Rec] {
        self.audit.get_or_init(|| {
            data::audit_events(
                self.cfg.seed,
                self.cfg.audit_events,
                self.start_ms,
                &self.cfg.tenant,
            )
        })
    }
    pub(super) fn jobs(&self) -> &Jobs {
        self.jobs.get_or_init(|| {
            let list = data::ingest_jobs(self.cfg.seed, self.cfg.ingest_jobs, self.start_ms);
            let index = list
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), i))
                .collect();
            Jobs { list, index }
        })
    }
    pub(super) fn workflows(&self) -> std::sync::MutexGuard<'_, WfStore> {
        lock(self.workflows.get_or_init(|| {
            let list = data::workflows(self.cfg.seed, self.cfg.workflows, self.start_ms);
            let index = list
                .iter()
                .enumerate()
                .map(|(i, w)| (w.id.clone(), i))
                .collect();
            Mutex::new(WfStore { list, index })
        }))
    }

    pub(super) fn profile_indexes(&self) -> &[IndexData] {
        self.profile_indexes.get_or_init(|| {
            profiles::profile_indexes(self.cfg.seed, self.cfg.profiles, self.start_ms)
        })
    }

    /// The documented error body without `trace_id` (the Profile API's examples have none).
    pub(super) fn error_without_trace(&self, status: u16, message: &str) -> Resp {
        let rid = lock(&self.rng).uuid();
        Resp::value(
            status,
            &json!({"status": status, "message": message, "request_id": rid}),
        )
    }

    pub(super) fn error(&self, status: u16, message: &str) -> Resp {
        let (rid, tid) = {
            let mut r = lock(&self.rng);
            (r.uuid(), r.hex(32))
        };
        Resp::value(
            status,
            &json!({"status": status, "message": message, "request_id": rid, "trace_id": tid}),
        )
    }

    pub(super) fn record(&self, parts: &hyper::http::request::Parts, body: &[u8]) {
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                let name = k.as_str().to_string();
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                let value = if name == "authorization" || name == "proxy-authorization" {
                    match value.split_once(' ') {
                        Some((scheme, _)) => format!("{scheme} ***"),
                        None => "***".into(),
                    }
                } else {
                    self.mask_secrets(value)
                };
                (name, value)
            })
            .collect();
        let rec = RecordedRequest {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            query: self.mask_secrets(mask_form(parts.uri.query().unwrap_or(""))),
            headers,
            body: self.mask_secrets(mask_form(&String::from_utf8_lossy(body))),
        };
        let mut q = lock(&self.requests);
        if q.len() >= crate::MAX_RECORDED_REQUESTS {
            q.pop_front();
        }
        q.push_back(rec);
    }

    fn mask_secrets(&self, mut s: String) -> String {
        let secrets = std::iter::once(&self.cfg.client_secret)
            .chain(self.cfg.tokens.iter())
            .chain(self.cfg.stream_tokens.iter());
        for secret in secrets {
            if secret.len() >= 4 && s.contains(secret.as_str()) {
                s = s.replace(secret.as_str(), "***");
            }
        }
        s
    }

    // -- cursors ------------------------------------------------------------------------------

    fn mac(&self, payload: &str) -> u64 {
        let mut h = DefaultHasher::new();
        self.secret.hash(&mut h);
        payload.hash(&mut h);
        h.finish()
    }

    pub(super) fn cursor(&self, kind: &str, offset: usize, nonce: u64, filters: &str) -> String {
        let payload = format!("{kind}|{offset}|{nonce}|{filters}");
        let mut out = String::with_capacity(payload.len() * 2 + 17);
        for b in payload.bytes() {
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
        out.push('.');
        out.push_str(&format!("{:016x}", self.mac(&payload)));
        out
    }

    /// Returns (offset, filters) for a cursor this server issued for `kind`.
    pub(super) fn decode_cursor(&self, kind: &str, token: &str) -> Option<(usize, String)> {
        let (hex, mac) = token.split_once('.')?;
        if hex.len() % 2 != 0 || mac.len() != 16 {
            return None;
        }
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
            .collect();
        let payload = String::from_utf8(bytes?).ok()?;
        if format!("{:016x}", self.mac(&payload)) != mac {
            return None;
        }
        let mut it = payload.splitn(4, '|');
        let k = it.next()?;
        let offset = it.next()?.parse().ok()?;
        let _nonce = it.next()?;
        let filters = it.next()?.to_string();
        (k == kind).then_some((offset, filters))
    }

    pub(super) fn valid_token(&self, token: &str) -> bool {
        if self.cfg.tokens.iter().any(|t| t == token) {
            return true;
        }
        let mut issued = lock(&self.issued);
        match issued.get(token) {
            Some(exp) if *exp > Instant::now() => true,
            Some(_) => {
                issued.remove(token);
                false
            }
            None => false,
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";
