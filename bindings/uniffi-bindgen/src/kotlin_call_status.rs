//! The one change `generate --language kotlin` makes to uniffi's Kotlin output.
//!
//! uniffi's template builds a new JNA `Structure` as the call status of every native call. Each
//! one costs two native allocations (the status and its nested error buffer), two entries in
//! JNA's map of allocated memory and two cleaner registrations, and its memory is freed only when
//! the garbage collector's cleaner gets to it. A page walk makes several calls per page, so this
//! was most of the Kotlin layer's cost on small pages and of its heap growth.
//!
//! The rewrite takes the status from a per-thread stack and resets it before each call. A stack,
//! not one status per thread, because calls nest on one thread: lifting an error frees its buffer
//! with another call, and a callback into Kotlin may call back into Rust.
//!
//! The template text is matched exactly. A uniffi upgrade that changes it makes generation fail
//! with a message saying so, instead of silently keeping the per-call allocation.

use anyhow::{bail, Context};
use std::path::Path;

/// uniffi 0.32's helper, as generated (`CallStatusTemplate`'s `uniffiRustCallWithError`).
const TEMPLATE: &str = "\
private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    var status = UniffiRustCallStatus()
    val return_value = callback(status)
    uniffiCheckCallStatus(errorHandler, status)
    return return_value
}
";

/// The same helper over a reused status.
const REUSED: &str = "\
// Rewritten by bindings/uniffi-bindgen/src/kotlin_call_status.rs: the call status comes from a
// per-thread stack and is reset before each call, instead of a new JNA Structure per call (two
// native allocations that only the garbage collector's cleaner frees). A stack, because calls
// nest on one thread (freeing an error's buffer while lifting it, callbacks into Rust).
private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    val statuses = uniffiCallStatuses.get()
    val status = statuses.take()
    try {
        val return_value = callback(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    } finally {
        statuses.give(status)
    }
}

// The call statuses of one thread that no call is using.
internal class UniffiCallStatusStack {
    private val free = java.util.ArrayList<UniffiRustCallStatus>(2)

    fun take(): UniffiRustCallStatus {
        val status = if (free.isEmpty()) UniffiRustCallStatus() else free.removeAt(free.size - 1)
        status.code = UNIFFI_CALL_SUCCESS
        status.error_buf.capacity = 0
        status.error_buf.len = 0
        status.error_buf.data = null
        return status
    }

    fun give(status: UniffiRustCallStatus) {
        free.add(status)
    }
}

// A subclass, not ThreadLocal.withInitial: that one needs Android API 26 even with desugaring.
private val uniffiCallStatuses: ThreadLocal<UniffiCallStatusStack> =
    object : ThreadLocal<UniffiCallStatusStack>() {
        override fun initialValue() = UniffiCallStatusStack()
    }
";

/// Rewrites the call-status helper in one generated Kotlin source.
pub fn rewrite(source: &str) -> anyhow::Result<String> {
    match source.matches(TEMPLATE).count() {
        1 => Ok(source.replacen(TEMPLATE, REUSED, 1)),
        0 => bail!(
            "uniffi's Kotlin call-status helper is not the text bindings/uniffi-bindgen/src/kotlin_call_status.rs expects \
             (a uniffi upgrade?): update TEMPLATE and REUSED there"
        ),
        n => bail!("uniffi's Kotlin call-status helper appears {n} times in one file"),
    }
}

/// Rewrites every generated Kotlin file under `out_dir` that defines the helper; at least one
/// must.
pub fn rewrite_dir(out_dir: &Path) -> anyhow::Result<()> {
    let mut rewritten = 0;
    let mut pending = vec![out_dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "kt") {
                let source = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                if source.contains("fun <U, E: kotlin.Exception> uniffiRustCallWithError(") {
                    let patched = rewrite(&source).with_context(|| path.display().to_string())?;
                    std::fs::write(&path, patched)
                        .with_context(|| format!("writing {}", path.display()))?;
                    rewritten += 1;
                }
            }
        }
    }
    if rewritten == 0 {
        bail!(
            "no generated Kotlin file under {} defines uniffiRustCallWithError",
            out_dir.display()
        );
    }
    Ok(())
}

/// `Some` for a `generate --language kotlin` command line, with its output directory (`None`
/// when it names none); `None` for any other command.
pub fn kotlin_out_dir(args: &[String]) -> Option<Option<&str>> {
    if args.get(1).map(String::as_str) != Some("generate") {
        return None;
    }
    let value = |names: &[&str]| {
        args.windows(2)
            .find(|pair| names.contains(&pair[0].as_str()))
            .map(|pair| pair[1].as_str())
            .or_else(|| {
                args.iter().find_map(|arg| {
                    names
                        .iter()
                        .find_map(|name| arg.strip_prefix(&format!("{name}=")))
                })
            })
    };
    if value(&["--language", "-l"]) != Some("kotlin") {
        return None;
    }
    Some(value(&["--out-dir", "-o"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn rewrites_the_helper_once_and_keeps_the_rest() {
        let source = format!("before\n{TEMPLATE}after\n");
        let patched = rewrite(&source).unwrap();
        assert!(patched.starts_with("before\n// Rewritten by"));
        assert!(patched
            .ends_with("override fun initialValue() = UniffiCallStatusStack()\n    }\nafter\n"));
        assert!(!patched.contains("var status = UniffiRustCallStatus()"));
    }

    #[test]
    fn refuses_a_changed_template() {
        let changed = TEMPLATE.replace("var status", "val status");
        let error = rewrite(&changed).unwrap_err().to_string();
        assert!(error.contains("a uniffi upgrade?"), "{error}");
    }

    #[test]
    fn finds_the_kotlin_out_dir() {
        let line = "uniffi-bindgen generate lib.so --language kotlin --no-format --out-dir gen";
        assert_eq!(kotlin_out_dir(&args(line)), Some(Some("gen")));
        assert_eq!(
            kotlin_out_dir(&args("uniffi-bindgen generate lib.so -l kotlin -o x")),
            Some(Some("x"))
        );
        assert_eq!(
            kotlin_out_dir(&args("uniffi-bindgen generate lib.so -l kotlin")),
            Some(None)
        );
        assert_eq!(
            kotlin_out_dir(&args(
                "uniffi-bindgen generate lib.so --language=kotlin --out-dir=y"
            )),
            Some(Some("y"))
        );
        let python = "uniffi-bindgen generate lib.so --language python --out-dir gen";
        assert_eq!(kotlin_out_dir(&args(python)), None);
        assert_eq!(
            kotlin_out_dir(&args("uniffi-bindgen kotlin-lists lib out")),
            None
        );
    }
}
