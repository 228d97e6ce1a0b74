//! The uniffi-bindgen CLI of this workspace, pinned to its uniffi version, plus generators of our
//! own. A library too, so that `amperity-ffi` can name it as a dev-dependency: that puts this
//! crate into the Python sdist's workspace, where maturin runs its `uniffi-bindgen` binary (it
//! looks for one in the workspace, else on `PATH`, where none of this uniffi version exists).
//!
//! Usage: `cargo run -p uniffi-bindgen -- generate --library target/release/libamperity.so --language python --out-dir DIR`
//!
//! Subcommands of our own (`bindings/generate.sh` runs them), each `NAME LIBRARY OUTPUT`, writing
//! from the library's uniffi metadata:
//! - `python-models`: the Python model classes (`bindings/python/python/amperity/_schema.py`);
//! - `python-lists`, `kotlin-lists`, `swift-lists`: each language's list resources.
//!
//! `generate --language kotlin` also rewrites uniffi's per-call JNA call status into a reused
//! one (`kotlin_call_status`), so every Kotlin build gets the same code.

mod kotlin_call_status;
mod kotlin_lists;
mod lists;
mod names;
mod python_lists;
mod python_models;
mod swift_lists;

type Writer = fn(&str, &str) -> anyhow::Result<()>;

const WRITERS: &[(&str, Writer)] = &[
    ("python-models", python_models::write),
    ("python-lists", python_lists::write),
    ("kotlin-lists", kotlin_lists::write),
    ("swift-lists", swift_lists::write),
];

/// Runs the command line in `std::env::args()` (see the crate documentation); exits the
/// process with status 2 on a usage error and 1 on a failure.
pub fn main() {
    let args: Vec<String> = std::env::args().collect();
    let command = args.get(1).map(String::as_str).unwrap_or("");
    if let Some((name, write)) = WRITERS.iter().find(|(name, _)| *name == command) {
        let (Some(library), Some(output)) = (args.get(2), args.get(3)) else {
            eprintln!("usage: uniffi-bindgen {name} LIBRARY OUTPUT");
            std::process::exit(2);
        };
        if let Err(error) = write(library, output) {
            eprintln!("{name}: {error:#}");
            std::process::exit(1);
        }
        return;
    }
    let kotlin_out_dir = kotlin_call_status::kotlin_out_dir(&args);
    if kotlin_out_dir == Some(None) {
        eprintln!("uniffi-bindgen: generate --language kotlin needs --out-dir (its output is rewritten there)");
        std::process::exit(2);
    }
    // Exits the process on failure.
    uniffi::uniffi_bindgen_main();
    if let Some(Some(out_dir)) = kotlin_out_dir {
        if let Err(error) = kotlin_call_status::rewrite_dir(out_dir.as_ref()) {
            eprintln!("uniffi-bindgen: {error:#}");
            std::process::exit(1);
        }
    }
}
