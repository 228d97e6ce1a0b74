//! `tests/walk.sh` (the `walk` example): credentials half-set are an error printed as text; only
//! no credentials at all walks the bundled mock.

use std::process::{Command, Output};

/// Runs the walk example with exactly these credential variables set (the others removed).
fn walk(vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_walk"));
    for name in amperity::ENV_VARIABLES {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied());
    command.output().expect("the walk example runs")
}

fn refused(vars: &[(&str, &str)], expected: &str) {
    let out = walk(vars);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{vars:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{vars:?} walked something");
    assert!(
        stderr.starts_with("error: invalid configuration: "),
        "{stderr}"
    );
    assert!(stderr.contains(expected), "{vars:?}: {stderr}");
    // Text, not a Rust Debug dump such as `Config { detail: "…" }`.
    assert!(
        !stderr.contains("Config {") && !stderr.contains("detail:"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

#[test]
fn a_tenant_without_credentials_is_an_error() {
    refused(&[("AMPERITY_TENANT", "acme")], "no credentials");
}

#[test]
fn a_client_id_without_its_secret_is_an_error() {
    refused(
        &[("AMPERITY_TENANT", "acme"), ("AMPERITY_CLIENT_ID", "id")],
        "client_secret",
    );
}

#[test]
fn credentials_without_a_tenant_are_an_error() {
    refused(
        &[
            ("AMPERITY_CLIENT_ID", "id"),
            ("AMPERITY_CLIENT_SECRET", "s3cret"),
        ],
        "AMPERITY_TENANT is not set",
    );
}

#[test]
fn no_credentials_at_all_walks_the_mock() {
    let out = walk(&[("AMPERITY_TENANT", "")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("using the bundled mock"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.ends_with("Walked 1000 segments and 120 workflow runs.\n"),
        "{stdout}"
    );
}
