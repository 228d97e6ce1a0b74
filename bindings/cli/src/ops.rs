//! The one table of operations: command path, arguments, output columns and the core call.
//!
//! Adding an operation to the core adds one entry here; the command tree (`cli.rs`), the help,
//! the completions and the runner (`run.rs`) are derived from it.

use crate::args::Args;
use crate::exit::{CliError, CliResult, ExitKind};
use crate::progress;
use amperity::{
    AuditEventFilter, CampaignFilter, Client, IngestJobQuery, PageOptions, Pager, ProfileFilter,
    RawMethod, RawRequest, Timestamp, WorkflowRunFilter, WorkflowRunRequest, WorkflowView,
};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// One argument of an operation.
pub enum ArgSpec {
    /// A required positional value: name, help.
    Id(&'static str, &'static str),
    /// An optional `--name VALUE`: name, help.
    Opt(&'static str, &'static str),
    /// A switch `--name`: name, help.
    Switch(&'static str, &'static str),
    /// A repeatable `--name KEY=VALUE`: name, help.
    Pairs(&'static str, &'static str),
    /// The query parameters of a core filter, one `--kebab-name VALUE` per wire name of its
    /// `PARAMS` (timestamps in RFC 3339 or YYYY-MM-DD), with short aliases `(wire name, alias)`.
    Params(
        &'static [&'static str],
        &'static [(&'static str, &'static str)],
    ),
}

/// What the command does with the client.
pub enum Run {
    /// A list, walked page by page (`--limit`, `--page-size`, `--with-total`, `--cursor`).
    List(fn(&Client, &Args, PageOptions) -> CliResult<Box<dyn Pages>>),
    /// One call with one answer.
    One(fn(&Context, &Args) -> CliResult<Done>),
}

/// What a [`Run::One`] gets besides its arguments.
pub struct Context {
    /// The client.
    pub client: Client,
    /// Progress displays go to stderr as live lines (a terminal) or plain lines.
    pub stderr_is_terminal: bool,
}

/// The answer of a [`Run::One`], and the status to exit with after printing it (a run that
/// ended failed is printed, then exits "run failed").
pub struct Done {
    /// The record to print.
    pub value: Value,
    /// The error to exit with after printing, if any.
    pub then_fail: Option<CliError>,
}

impl Done {
    fn ok(value: impl Serialize) -> CliResult<Done> {
        Ok(Done {
            value: to_value(value)?,
            then_fail: None,
        })
    }
}

/// One operation: `amperity <path…>`.
pub struct Operation {
    /// The command words, e.g. `["workflow", "runs", "list"]`.
    pub path: &'static [&'static str],
    /// One line of help.
    pub about: &'static str,
    /// An example command line.
    pub example: &'static str,
    /// Its arguments.
    pub args: &'static [ArgSpec],
    /// The columns of `--output table|csv` (JSON shows every field).
    pub columns: &'static [&'static str],
    /// The core call.
    pub run: Run,
}

/// A list walked one page at a time, whatever its record type.
pub trait Pages {
    /// The next page as JSON records, `None` at the end.
    fn next_page(&mut self) -> CliResult<Option<Vec<Value>>>;
    /// The total, when asked for with `--with-total` and known.
    fn total(&self) -> Option<i64>;
    /// Where a later walk can continue (`--cursor`), when pages remain.
    fn resume_cursor(&self) -> Option<String>;
}

fn to_value(value: impl Serialize) -> CliResult<Value> {
    serde_json::to_value(value).map_err(|e| CliError::new(ExitKind::Failure, e.to_string()))
}

impl<T: Serialize + DeserializeOwned + Send + 'static> Pages for Pager<T> {
    fn next_page(&mut self) -> CliResult<Option<Vec<Value>>> {
        match Pager::next_page(self)? {
            None => Ok(None),
            Some(page) => page
                .items
                .into_iter()
                .map(to_value)
                .collect::<CliResult<_>>()
                .map(Some),
        }
    }
    fn total(&self) -> Option<i64> {
        Pager::total(self)
    }
    fn resume_cursor(&self) -> Option<String> {
        Pager::resume_cursor(self).map(str::to_owned)
    }
}

/// A list the API answers in one response (`GET /ingest/jobs`).
struct OnePage {
    items: Option<Vec<Value>>,
    total: Option<i64>,
}

impl Pages for OnePage {
    fn next_page(&mut self) -> CliResult<Option<Vec<Value>>> {
        Ok(self.items.take())
    }
    fn total(&self) -> Option<i64> {
        self.total
    }
    fn resume_cursor(&self) -> Option<String> {
        None
    }
}

fn pager<T: Serialize + DeserializeOwned + Send + 'static>(
    pager: Pager<T>,
) -> CliResult<Box<dyn Pages>> {
    Ok(Box::new(pager))
}

const FROM_TO: &[(&str, &str)] = &[("happened_from", "from"), ("happened_to", "to")];
const WHERE_HELP: &str = "a condition ATTRIBUTE=VALUE (exact match; repeat to AND them)";

/// Every operation of the core.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        path: &["segments", "list"],
        about: "List segments",
        example: "amperity segments list --limit 20 --output csv",
        args: &[],
        columns: &["id", "name", "status"],
        run: Run::List(|c, _, page| pager(c.list_segments(page))),
    },
    Operation {
        path: &["campaigns", "list"],
        about: "List campaigns",
        example: "amperity campaigns list --destination-data-template-id ptg-1",
        args: &[ArgSpec::Params(CampaignFilter::PARAMS, &[])],
        columns: &["id", "name", "deliver_at"],
        run: Run::List(|c, a, page| {
            let filter = CampaignFilter::from_params(a.params(CampaignFilter::PARAMS))?;
            pager(c.list_campaigns(filter, page))
        }),
    },
    Operation {
        path: &["campaign-drafts", "list"],
        about: "List campaign drafts (the API serves them with --api-version unstable only)",
        example: "amperity --api-version unstable campaign-drafts list",
        args: &[ArgSpec::Params(CampaignFilter::PARAMS, &[])],
        columns: &["id", "name"],
        run: Run::List(|c, a, page| {
            let filter = CampaignFilter::from_params(a.params(CampaignFilter::PARAMS))?;
            pager(c.list_campaign_drafts(filter, page))
        }),
    },
    Operation {
        path: &["audit-events", "list"],
        about: "List audit events",
        example: "amperity audit-events list --from 2026-12-01 --to 2026-12-07 --output ndjson",
        args: &[ArgSpec::Params(AuditEventFilter::PARAMS, FROM_TO)],
        columns: &["happened_at", "event_type", "principal_name", "object_id"],
        run: Run::List(|c, a, page| {
            let filter = AuditEventFilter::from_params(a.params(AuditEventFilter::PARAMS))?;
            pager(c.list_audit_events(filter, page))
        }),
    },
    Operation {
        path: &["ingest-jobs", "list"],
        about: "List the ingest jobs started in a window (default: the last 7 days)",
        example: "amperity ingest-jobs list --from 2026-12-06",
        args: &[
            ArgSpec::Opt("from", "start of the window, inclusive (default: 7 days ago)"),
            ArgSpec::Opt("to", "end of the window, exclusive (default: now)"),
        ],
        columns: &["id", "workflow_id"],
        run: Run::List(|c, a, page| {
            let now = Timestamp::now();
            let week_ago = Timestamp::from_unix(now.unix_seconds() - 7 * 86_400, 0);
            let mut query = IngestJobQuery::new(
                a.timestamp("from")?.unwrap_or(week_ago),
                a.timestamp("to")?.unwrap_or(now),
            );
            query.with_total = page.with_total;
            let list = c.list_ingest_jobs(query)?;
            let items = list.items.into_iter().map(to_value).collect::<CliResult<_>>()?;
            Ok(Box::new(OnePage { items: Some(items), total: list.total }))
        }),
    },
    Operation {
        path: &["ingest-jobs", "get"],
        about: "Show one ingest job",
        example: "amperity ingest-jobs get isj-123",
        args: &[ArgSpec::Id("job-id", "the ingest job id")],
        columns: &["id", "workflow_id", "tables"],
        run: Run::One(|x, a| Done::ok(x.client.get_ingest_job(a.id("job-id"))?)),
    },
    Operation {
        path: &["workflow", "runs", "list"],
        about: "List workflow runs",
        example: "amperity workflow runs list --state failed --created-from 2026-12-01",
        args: &[ArgSpec::Params(WorkflowRunFilter::PARAMS, &[])],
        columns: &["id", "state", "type", "name", "created_at", "ended_at"],
        run: Run::List(|c, a, page| {
            let filter = WorkflowRunFilter::from_params(a.params(WorkflowRunFilter::PARAMS))?;
            pager(c.list_workflow_runs(filter, page))
        }),
    },
    Operation {
        path: &["workflow", "runs", "get"],
        about: "Show one workflow run with its tasks",
        example: "amperity workflow runs get wf-20261207-1234-AbCdEf",
        args: &[
            ArgSpec::Id("run-id", "the workflow run id"),
            ArgSpec::Switch("overview", "the overview only (no tasks, no error)"),
        ],
        columns: &["id", "state", "type", "name", "created_at", "ended_at"],
        run: Run::One(|x, a| {
            let view = match a.switch("overview") {
                true => WorkflowView::Overview,
                false => WorkflowView::Verbose,
            };
            Done::ok(x.client.get_workflow_run(a.id("run-id"), view)?)
        }),
    },
    Operation {
        path: &["workflow", "runs", "run"],
        about: "Start a run of a courier group (cg-…), orchestration group (og-…) or campaign (cc-…)",
        example: "amperity workflow runs run cg-123 --wait",
        args: &[
            ArgSpec::Id("config-id", "what to run: cg-…, og-… or cc-…"),
            ArgSpec::Opt("range-from", "courier groups: start of the data range"),
            ArgSpec::Opt("range-to", "courier groups: end of the data range (with --range-from)"),
            ArgSpec::Opt("run-mode", "courier groups: source, refresh or full"),
            ArgSpec::Switch("wait", "wait for the run to end (live progress on a terminal); the exit status follows its final state"),
            ArgSpec::Opt("poll-interval", "with --wait: seconds between polls (default 5)"),
            ArgSpec::Opt("timeout", "with --wait: give up after this many seconds (default 3600)"),
        ],
        columns: &["id", "state", "type", "name", "created_at", "ended_at"],
        run: Run::One(run_workflow),
    },
    Operation {
        path: &["workflow", "runs", "stop"],
        about: "Stop a workflow run",
        example: "amperity workflow runs stop wf-20261207-1234-AbCdEf",
        args: &[ArgSpec::Id("run-id", "the workflow run id")],
        columns: &["id", "state", "type", "name", "created_at", "ended_at"],
        run: Run::One(|x, a| Done::ok(x.client.stop_workflow_run(a.id("run-id"))?)),
    },
    Operation {
        path: &["indexes", "list"],
        about: "List the Profile API indexes",
        example: "amperity indexes list",
        args: &[],
        columns: &["id", "name", "description", "updated_at"],
        run: Run::List(|c, _, page| pager(c.list_indexes(page))),
    },
    Operation {
        path: &["indexes", "get"],
        about: "Show one Profile API index",
        example: "amperity indexes get idx-3kPq7Zt2c",
        args: &[ArgSpec::Id("index-id", "the index id")],
        columns: &["id", "name", "description", "created_at", "updated_at"],
        run: Run::One(|x, a| Done::ok(x.client.get_index(a.id("index-id"))?)),
    },
    Operation {
        path: &["profiles", "list"],
        about: "List the profiles of an index, optionally filtered",
        example: "amperity profiles list idx-3kPq7Zt2c --where email=a+b@x.com",
        args: &[ArgSpec::Id("index-id", "the index id"), ArgSpec::Pairs("where", WHERE_HELP)],
        columns: &["id", "attributes"],
        run: Run::List(|c, a, page| {
            let filter = a
                .pairs("where")?
                .into_iter()
                .fold(ProfileFilter::new(), |f, (k, v)| f.with(k, v));
            pager(c.list_profiles(a.id("index-id"), filter, page))
        }),
    },
    Operation {
        path: &["profiles", "get"],
        about: "Show one profile of an index",
        example: "amperity profiles get idx-3kPq7Zt2c cl-abc123",
        args: &[
            ArgSpec::Id("index-id", "the index id"),
            ArgSpec::Id("profile-id", "the profile id"),
        ],
        columns: &["id", "index_id", "attributes"],
        run: Run::One(|x, a| Done::ok(x.client.get_profile(a.id("index-id"), a.id("profile-id"))?)),
    },
    Operation {
        path: &["raw"],
        about: "Send any request to the API (the escape hatch): prints the JSON answer",
        example: "amperity raw GET /segments --query limit=2",
        args: &[
            ArgSpec::Id("method", "GET or POST"),
            ArgSpec::Id("path", "the path below the base URL, e.g. /segments"),
            ArgSpec::Pairs("query", "a query parameter NAME=VALUE (repeatable)"),
            ArgSpec::Opt("body", "POST: the JSON body, @FILE, or - for stdin"),
            ArgSpec::Switch("idempotent", "POST: safe to retry on 5xx and connection failures"),
        ],
        columns: &["status", "body"],
        run: Run::One(raw),
    },
    Operation {
        path: &["raw-list"],
        about: "Walk a paginated GET endpoint the SDK does not model yet",
        example: "amperity raw-list /segments --limit 50 --output ndjson",
        args: &[
            ArgSpec::Id("path", "the path below the base URL, e.g. /segments"),
            ArgSpec::Pairs("query", "a query parameter NAME=VALUE (repeatable)"),
        ],
        columns: &["id", "name"],
        run: Run::List(|c, a, page| pager(c.raw_pages(raw_request(a, RawMethod::Get)?, page))),
    },
];

fn raw_request(a: &Args, method: RawMethod) -> CliResult<RawRequest> {
    let path = a.id("path").to_owned();
    let mut request = match method {
        RawMethod::Get => RawRequest::get(path),
        RawMethod::Post => RawRequest::post(path, None),
    };
    for (name, value) in a.pairs("query")? {
        request = request.query(name, value);
    }
    Ok(request)
}

fn raw(x: &Context, a: &Args) -> CliResult<Done> {
    let method = match a.id("method").to_ascii_uppercase().as_str() {
        "GET" => RawMethod::Get,
        "POST" => RawMethod::Post,
        other => {
            return Err(CliError::usage(format!(
                "raw: the method must be GET or POST, got {other:?}"
            )))
        }
    };
    let mut request = raw_request(a, method)?;
    if let Some(body) = a.opt("body") {
        let text = crate::args::read_text_arg(body)?;
        let value = serde_json::from_str(&text)
            .map_err(|e| CliError::usage(format!("--body is not JSON: {e}")))?;
        request.body = Some(value);
    }
    request.idempotent = request.idempotent || a.switch("idempotent");
    let response = x.client.raw(request)?;
    Done::ok(serde_json::json!({"status": response.status, "body": response.body}))
}

fn run_workflow(x: &Context, a: &Args) -> CliResult<Done> {
    let mut request = WorkflowRunRequest::new(a.id("config-id"));
    request.range_from = a.timestamp("range-from")?;
    request.range_to = a.timestamp("range-to")?;
    if let Some(mode) = a.opt("run-mode") {
        request.run_mode = Some(match mode {
            "source" => amperity::RunMode::Source,
            "refresh" => amperity::RunMode::Refresh,
            "full" => amperity::RunMode::Full,
            other => {
                return Err(CliError::usage(format!(
                    "--run-mode must be source, refresh or full, got {other:?}"
                )))
            }
        });
    }
    let run = x.client.run_workflow(&request)?;
    if !a.switch("wait") {
        return Done::ok(run);
    }
    let options = amperity::WaitOptions {
        poll_interval: a
            .seconds("poll-interval")?
            .unwrap_or(std::time::Duration::from_secs(5)),
        timeout: a
            .seconds("timeout")?
            .unwrap_or(std::time::Duration::from_secs(3600)),
        fail_on_unsuccessful: false,
    };
    let done = progress::wait_for_run(&x.client, &run.id, &options, x.stderr_is_terminal)?;
    let then_fail = (!done.state.is_success()).then(|| {
        CliError::from(amperity::Error::RunFailed {
            workflow: Box::new(done.clone()),
        })
    });
    Ok(Done {
        value: to_value(&done)?,
        then_fail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique() {
        let mut paths: Vec<String> = OPERATIONS.iter().map(|o| o.path.join(" ")).collect();
        paths.sort();
        let count = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), count);
    }

    #[test]
    fn examples_name_their_command() {
        for op in OPERATIONS {
            assert!(op.example.contains(&op.path.join(" ")), "{}", op.example);
        }
    }
}
