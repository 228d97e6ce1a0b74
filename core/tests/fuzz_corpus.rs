//! Replays the fuzz corpora on stable: every file under `fuzz/corpus/<target>/` (the seeds) and
//! `fuzz/regressions/<target>/` (inputs that once crashed, hung or broke an invariant) goes
//! through the same body as the nightly fuzz target (`amperity::fuzzing`), which panics when an
//! invariant breaks.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir` (none when it does not exist), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn replay(target: &str) {
    let mut seeds = 0;
    for kind in ["corpus", "regressions"] {
        for file in files(&fuzz_dir().join(kind).join(target)) {
            let data = std::fs::read(&file).expect("a readable corpus file");
            let result = std::panic::catch_unwind(|| amperity::fuzzing::run(target, &data));
            assert!(result.is_ok(), "{target}: {} fails", file.display());
            seeds += usize::from(kind == "corpus");
        }
    }
    assert!(seeds > 0, "{target} has no seed corpus");
}

#[test]
fn every_target_has_a_seed_corpus() {
    for target in amperity::fuzzing::TARGETS {
        assert!(
            !files(&fuzz_dir().join("corpus").join(target)).is_empty(),
            "fuzz/corpus/{target} is empty"
        );
    }
}

macro_rules! replays {
    ($($target:ident),* $(,)?) => {
        $(
            #[test]
            fn $target() {
                replay(stringify!($target));
            }
        )*
    };
}

replays!(
    models,
    error_body,
    headers,
    datetime,
    cursor,
    config,
    stream_payload
);
