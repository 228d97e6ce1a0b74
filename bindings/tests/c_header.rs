//! `include/amperity.h` must be exactly what cbindgen 0.29.4 generates from `bindings/src/c_api`
//! with `bindings/cbindgen.toml`, hold only `amperity_*` items, document every item and carry
//! version macros that match Cargo.toml.
//!
//! Regenerate after changing the C API: `UPDATE_HEADER=1 cargo test -p amperity-ffi --test c_header`.

use std::path::{Path, PathBuf};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    manifest_dir().join("..").join("include").join("amperity.h")
}

/// The version macros, from this crate's version (the workspace version in Cargo.toml).
fn version_macros() -> String {
    let macros = [
        (
            "MAJOR",
            "Major version",
            env!("CARGO_PKG_VERSION_MAJOR").to_owned(),
        ),
        (
            "MINOR",
            "Minor version",
            env!("CARGO_PKG_VERSION_MINOR").to_owned(),
        ),
        (
            "PATCH",
            "Patch version",
            env!("CARGO_PKG_VERSION_PATCH").to_owned(),
        ),
        (
            "STRING",
            "Version as a string, \"MAJOR.MINOR.PATCH\"",
            format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        ),
    ];
    let mut text = String::new();
    for (name, what, value) in macros {
        text.push_str(&format!(
            "\n/**\n * {what} of the Amperity SDK this header belongs to; amperity_version() returns\n * the version of the library actually linked.\n */\n#define AMPERITY_VERSION_{name} {value}\n"
        ));
    }
    text
}

fn generate() -> String {
    let dir = manifest_dir();
    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("bindings/cbindgen.toml: {e}"));
    config.after_includes = Some(version_macros());
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src").join("c_api").join("mod.rs"))
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed: {e}"));
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("cbindgen wrote UTF-8")
}

fn committed() -> String {
    std::fs::read_to_string(header_path()).unwrap_or_default()
}

#[test]
fn committed_header_matches_a_fresh_generation() {
    let fresh = generate();
    if std::env::var_os("UPDATE_HEADER").is_some_and(|v| v == "1") {
        std::fs::write(header_path(), &fresh).expect("write include/amperity.h");
        return;
    }
    let old = committed();
    if old != fresh {
        let first_diff = old
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .map_or(old.lines().count().min(fresh.lines().count()), |i| i);
        panic!(
            "include/amperity.h is stale (first difference at line {}); regenerate with \
             UPDATE_HEADER=1 cargo test -p amperity-ffi --test c_header",
            first_diff + 1
        );
    }
}

/// Identifiers declared by the header: functions, typedefs, enum constants, macros.
fn declared_names(header: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_comment = false;
    for line in header.lines() {
        let t = line.trim();
        if in_comment {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_comment = !t.contains("*/");
            continue;
        }
        if t.is_empty() || t.starts_with("//") || t.starts_with("#include") {
            continue;
        }
        if let Some(rest) = t.strip_prefix("#define ") {
            names.push(rest.split_whitespace().next().unwrap_or("").to_owned());
        } else if let Some(pointer) = t
            .strip_prefix("typedef ")
            .and_then(|rest| rest.split_once("(*"))
            .and_then(|(_, tail)| tail.split_once(')'))
        {
            // A function pointer type: `typedef bool (*name)(args...`.
            names.push(pointer.0.to_owned());
        } else if let Some(rest) = t.strip_prefix("typedef ") {
            let name = rest
                .trim_end_matches(';')
                .trim_end_matches('{')
                .split_whitespace()
                .last()
                .unwrap_or("");
            names.push(name.to_owned());
        } else if t.contains('(') && t.ends_with([';', ',', '(']) && !t.starts_with('#') {
            // A function declaration: the identifier right before the first '('.
            let head = &t[..t.find('(').unwrap_or(0)];
            let name = head
                .rsplit(|c: char| c.is_whitespace() || c == '*')
                .next()
                .unwrap_or("");
            names.push(name.to_owned());
        } else if t.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && t.contains(" = ") {
            names.push(t.split_whitespace().next().unwrap_or("").to_owned());
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

#[test]
fn header_holds_only_amperity_items() {
    let header = generate();
    let names = declared_names(&header);
    assert!(
        names.iter().any(|n| n == "amperity_client_new"),
        "the parser found no function: {names:?}"
    );
    let allowed = ["AMPERITY_H"];
    for name in &names {
        assert!(
            name.starts_with("amperity_")
                || name.starts_with("AMPERITY_")
                || allowed.contains(&name.as_str()),
            "{name:?} is not an amperity_* item"
        );
    }
    assert!(
        !header.contains("uniffi"),
        "uniffi symbols leaked into the header"
    );
}

#[test]
fn every_item_is_documented() {
    let header = generate();
    let lines: Vec<&str> = header.lines().collect();
    let mut undocumented = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let is_item = (line.starts_with("typedef ")
            || line.starts_with("enum ")
            || (line.starts_with("#define AMPERITY_") && !line.starts_with("#define AMPERITY_H"))
            || (!line.starts_with(' ')
                && line.contains('(')
                && !t.starts_with('#')
                && !t.starts_with('*')
                && !t.starts_with("/*")
                && !t.starts_with("extern"))
            || (line.starts_with("    AMPERITY_") && line.contains(" = ")))
            && !line.starts_with("typedef uint32_t");
        if !is_item {
            continue;
        }
        let previous = lines[..i].iter().rev().find(|l| !l.trim().is_empty());
        // `typedef enum x x;` under `#if` belongs to the enum documented just above it.
        let documented = previous.is_some_and(|p| {
            p.trim_end().ends_with("*/") || p.starts_with("#if") || p.starts_with("#else")
        });
        if !documented {
            undocumented.push(format!("line {}: {line}", i + 1));
        }
    }
    assert!(
        undocumented.is_empty(),
        "undocumented items:\n{}",
        undocumented.join("\n")
    );
}

fn define(header: &str, name: &str) -> String {
    header
        .lines()
        .find_map(|l| l.strip_prefix(&format!("#define {name} ")))
        .unwrap_or_else(|| panic!("no #define {name}"))
        .trim()
        .to_owned()
}

#[test]
fn version_macros_match_cargo_toml() {
    let header = committed();
    assert_eq!(
        define(&header, "AMPERITY_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MAJOR")
    );
    assert_eq!(
        define(&header, "AMPERITY_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_MINOR")
    );
    assert_eq!(
        define(&header, "AMPERITY_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION_PATCH")
    );
    assert_eq!(
        define(&header, "AMPERITY_VERSION_STRING"),
        format!("\"{}\"", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn result_codes_keep_their_values() {
    // Published values never change; add new ones, never edit these lines.
    let header = committed();
    let expected = [
        ("AMPERITY_RESULT_OK", 0),
        ("AMPERITY_RESULT_NULL_ARGUMENT", 1),
        ("AMPERITY_RESULT_INVALID_UTF8", 2),
        ("AMPERITY_RESULT_INVALID_CONFIG", 3),
        ("AMPERITY_RESULT_INVALID_ARGUMENT", 4),
        ("AMPERITY_RESULT_BUFFER_TOO_SMALL", 5),
        ("AMPERITY_RESULT_NO_VALUE", 6),
        ("AMPERITY_RESULT_PANIC", 7),
        ("AMPERITY_RESULT_CANCELLED", 8),
        ("AMPERITY_RESULT_BAD_REQUEST", 100),
        ("AMPERITY_RESULT_UNAUTHORIZED", 101),
        ("AMPERITY_RESULT_FORBIDDEN", 102),
        ("AMPERITY_RESULT_NOT_FOUND", 103),
        ("AMPERITY_RESULT_CONFLICT", 104),
        ("AMPERITY_RESULT_RATE_LIMITED", 105),
        ("AMPERITY_RESULT_SERVER_ERROR", 106),
        ("AMPERITY_RESULT_API_OTHER", 107),
        ("AMPERITY_RESULT_TRANSPORT", 200),
        ("AMPERITY_RESULT_TIMEOUT", 201),
        ("AMPERITY_RESULT_DECODE", 300),
        ("AMPERITY_RESULT_REPEATED_CURSOR", 301),
        ("AMPERITY_RESULT_WAIT_TIMEOUT", 302),
        ("AMPERITY_RESULT_RUN_FAILED", 303),
        ("AMPERITY_RESULT_QUEUE_FULL", 304),
        ("AMPERITY_RESULT_SENDER_CLOSED", 305),
        ("AMPERITY_RESULT_UNKNOWN", 999),
    ];
    for (name, value) in expected {
        let line = format!("{name} = {value},");
        assert!(header.contains(&line), "{line:?} missing from the header");
    }
}

#[test]
fn object_kinds_keep_their_values() {
    // Published values never change; add new ones, never edit these lines.
    let header = committed();
    let expected = [
        ("AMPERITY_OBJECT_KIND_JSON", 0),
        ("AMPERITY_OBJECT_KIND_SEGMENT", 1),
        ("AMPERITY_OBJECT_KIND_CAMPAIGN", 2),
        ("AMPERITY_OBJECT_KIND_CAMPAIGN_DRAFT", 3),
        ("AMPERITY_OBJECT_KIND_AUDIT_EVENT", 4),
        ("AMPERITY_OBJECT_KIND_WORKFLOW", 5),
        ("AMPERITY_OBJECT_KIND_INGEST_JOB", 6),
        ("AMPERITY_OBJECT_KIND_INGEST_JOB_LIST", 7),
        ("AMPERITY_OBJECT_KIND_PROFILE_INDEX", 8),
        ("AMPERITY_OBJECT_KIND_PROFILE", 9),
    ];
    for (name, value) in expected {
        let line = format!("{name} = {value},");
        assert!(header.contains(&line), "{line:?} missing from the header");
    }
}

#[test]
fn header_path_is_in_the_workspace() {
    assert!(Path::new(&header_path()).parent().is_some_and(Path::exists));
}
