//! Profiles, the order of the layers (flag, environment, profile), config file permissions,
//! `--token-stdin` and `config show`.

mod common;

use common::{Fixture, Run, CLIENT_SECRET, TOKEN};
use std::io::Write;
use std::process::Stdio;

fn profiles(f: &Fixture) -> String {
    let base = f.server.base_url();
    format!(
        r#"
[profiles.default]
tenant = "acme"
token = "{TOKEN}"
base_url = "{base}"

[profiles.oauth]
tenant = "acme"
client_id = "mock-client"
client_secret = "{CLIENT_SECRET}"
token_url = "{token_url}"
base_url = "{base}"

[profiles.elsewhere]
tenant = "other-tenant"
token = "{TOKEN}"
base_url = "{base}"
"#,
        token_url = f.server.token_url()
    )
}

fn run(f: &Fixture, edit: impl FnOnce(&mut std::process::Command), args: &[&str]) -> Run {
    let mut command = f.bare();
    command.args(["--rate-limit", "off"]);
    edit(&mut command);
    Run::of(command.args(args).output().unwrap())
}

const LIST: &[&str] = &["segments", "list", "--limit", "1", "-o", "ndjson"];

#[test]
fn profiles_are_chosen_by_flag_variable_or_default() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    run(&f, |_| {}, LIST).ok();
    run(
        &f,
        |c| {
            c.args(["--profile", "oauth"]);
        },
        LIST,
    )
    .ok();
    // The tenant of `elsewhere` is refused by the mock (403): the profile was used.
    run(
        &f,
        |c| {
            c.args(["--profile", "elsewhere"]);
        },
        LIST,
    )
    .code(4);
    run(
        &f,
        |c| {
            c.env("AMPERITY_PROFILE", "elsewhere");
        },
        LIST,
    )
    .code(4);
    // A flag beats the environment, which beats the profile.
    run(
        &f,
        |c| {
            c.env("AMPERITY_PROFILE", "elsewhere")
                .env("AMPERITY_TENANT", "acme");
        },
        LIST,
    )
    .ok();
    run(
        &f,
        |c| {
            c.env("AMPERITY_TENANT", "other-tenant")
                .args(["--tenant", "acme"]);
        },
        LIST,
    )
    .ok();
    let missing = run(
        &f,
        |c| {
            c.args(["--profile", "nope"]);
        },
        LIST,
    )
    .code(3);
    assert!(
        missing.stderr.contains("default, elsewhere, oauth"),
        "{}",
        missing.stderr
    );
}

#[test]
fn credentials_come_whole_from_one_layer() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    // A token in the environment and client credentials in the profile: the token alone is used
    // (the core would refuse both at once).
    let shown = run(
        &f,
        |c| {
            c.env("AMPERITY_TOKEN", TOKEN).args(["--profile", "oauth"]);
        },
        &["config", "show", "-o", "json"],
    )
    .ok()
    .json();
    let rows = shown.as_array().unwrap();
    let row = |name: &str| rows.iter().find(|r| r["setting"] == name).unwrap().clone();
    assert_eq!(row("AMPERITY_TOKEN")["source"], "environment");
    assert_eq!(row("AMPERITY_CLIENT_SECRET")["source"], "unset");
    assert_eq!(row("AMPERITY_BASE_URL")["source"], "profile");
    run(
        &f,
        |c| {
            c.env("AMPERITY_TOKEN", TOKEN).args(["--profile", "oauth"]);
        },
        LIST,
    )
    .ok();
}

#[test]
fn config_show_masks_secrets() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let shown = run(
        &f,
        |c| {
            c.args(["--profile", "oauth"]);
        },
        &["config", "show", "-o", "table"],
    )
    .ok();
    assert!(shown.stdout.contains("AMPERITY_CLIENT_SECRET") && shown.stdout.contains("********"));
    assert!(shown.stdout.contains("mock-client"), "{}", shown.stdout);
    let url = run(
        &f,
        |c| {
            c.args(["--base-url", "http://me:pa55word@127.0.0.1:9/api"]);
        },
        &["config", "show"],
    )
    .ok();
    assert!(
        !url.stdout.contains("pa55word") && url.stdout.contains("me:********@"),
        "{}",
        url.stdout
    );
    let path = run(&f, |_| {}, &["config", "path"]).ok();
    assert_eq!(path.stdout.trim(), f.config_file().display().to_string());
}

#[test]
fn a_config_file_others_can_read_is_refused() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o644);
    let refused = run(&f, |_| {}, LIST).code(3);
    assert!(refused.stderr.contains("chmod 600"), "{}", refused.stderr);
    f.write_config(&profiles(&f), 0o640);
    run(&f, |_| {}, LIST).code(3);
    f.write_config(
        "[profiles.default]\ntenant = \"acme\"\ntokn = \"x\"\n",
        0o600,
    );
    let typo = run(&f, |_| {}, LIST).code(3);
    assert!(typo.stderr.contains("tokn"), "{}", typo.stderr);
}

#[test]
fn token_from_stdin() {
    let f = Fixture::new();
    let mut child = f
        .bare()
        .env("AMPERITY_TENANT", "acme")
        .env("AMPERITY_BASE_URL", f.server.base_url())
        .args([
            "--token-stdin",
            "segments",
            "list",
            "--limit",
            "2",
            "-o",
            "ndjson",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{TOKEN}").unwrap();
    let listed = Run::of(child.wait_with_output().unwrap()).ok();
    assert_eq!(listed.ndjson().len(), 2);

    // The stream token first, then the events, on one stdin.
    let mut child = f
        .bare()
        .env("AMPERITY_TENANT", "acme")
        .env("AMPERITY_STREAM_BASE_URL", f.server.origin())
        .args([
            "--token-stdin",
            "stream",
            "send",
            "is-stdin",
            "-",
            "-o",
            "json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    write!(
        child.stdin.take().unwrap(),
        "{}\n{{\"n\": 1}}\n{{\"n\": 2}}\n",
        common::STREAM_TOKEN
    )
    .unwrap();
    let sent = Run::of(child.wait_with_output().unwrap()).ok();
    assert_eq!(sent.json()["accepted"], 2);
    assert_eq!(f.server.stream_events("is-stdin").accepted, 2);
}
