//! Shared helpers: each test starts its own bundled mock server (in process, 127.0.0.1) and runs
//! the real `amperity` binary against it with a clean environment.
#![allow(dead_code)]

use amperity_mock::{MockConfig, MockServer};
use std::process::{Command, Output};
use std::time::Duration;

/// The control-plane token the mocks of these tests accept: a "secret" no output may show.
pub const TOKEN: &str = "tok-SECRET-5b1f0c";
/// The stream token the mocks of these tests accept.
pub const STREAM_TOKEN: &str = "stream-SECRET-77aa";
/// The OAuth client secret the mocks of these tests accept.
pub const CLIENT_SECRET: &str = "cs-SECRET-9e3d";

/// A mock with small data sets and these tests' credentials.
pub fn config() -> MockConfig {
    MockConfig {
        segments: 250,
        campaigns: 30,
        audit_events: 300,
        workflows: 60,
        ingest_jobs: 20,
        profiles: 300,
        run_step: Duration::from_millis(40),
        tokens: vec![TOKEN.into()],
        stream_tokens: vec![STREAM_TOKEN.into()],
        client_secret: CLIENT_SECRET.into(),
        ..MockConfig::default()
    }
}

/// A mock server and a private home for the tool (no user config leaks in).
pub struct Fixture {
    pub server: MockServer,
    pub home: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        Self::with(|_| {})
    }

    pub fn with(edit: impl FnOnce(&mut MockConfig)) -> Self {
        let mut config = config();
        edit(&mut config);
        Fixture {
            server: MockServer::start(config).expect("mock server starts"),
            home: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `amperity` with no AMPERITY_* variable set and its config directory in the temp home.
    pub fn bare(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_amperity"));
        for (name, _) in std::env::vars() {
            if name.starts_with("AMPERITY_") {
                command.env_remove(name);
            }
        }
        command
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("NO_PROXY", "127.0.0.1")
            .env_remove("RUST_LOG");
        command
    }

    /// `amperity` configured for the mock through the environment, without a rate limit.
    pub fn cmd(&self) -> Command {
        let mut command = self.bare();
        command
            .env("AMPERITY_TENANT", "acme")
            .env("AMPERITY_BASE_URL", self.server.base_url())
            .env("AMPERITY_TOKEN", TOKEN)
            .env("AMPERITY_STREAM_BASE_URL", self.server.origin())
            .env("AMPERITY_STREAM_TOKEN", STREAM_TOKEN)
            .arg("--rate-limit")
            .arg("off");
        command
    }

    /// Runs `amperity ARGS` configured for the mock.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.cmd().args(args).output().expect("amperity runs"))
    }

    /// The config file path of the private home.
    pub fn config_file(&self) -> std::path::PathBuf {
        self.home
            .path()
            .join("config")
            .join("amperity")
            .join("config.toml")
    }

    /// Writes the config file with `mode`.
    pub fn write_config(&self, text: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.config_file();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// What a run printed, and its exit status; checks that no secret was printed.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(output: Output) -> Run {
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        for secret in [TOKEN, STREAM_TOKEN, CLIENT_SECRET] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "a secret was printed:\n{}\n{}",
                run.stdout,
                run.stderr
            );
        }
        run
    }

    /// Asserts exit status `code` and returns self.
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn ok(self) -> Self {
        self.code(0)
    }

    /// stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    /// stdout as NDJSON records.
    pub fn ndjson(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("an NDJSON line"))
            .collect()
    }
}
