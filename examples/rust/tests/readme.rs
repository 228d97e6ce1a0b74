//! The "Testing your code" examples of README.md are exactly the files the project runs:
//! Rust `examples/rust/tests/testing_your_code.rs` (a test of this crate), C
//! `tests/c/testing_your_code.sh` (run by `tests/c.sh`).

/// The first fenced block of `lang` after the heading `heading` of the root README.
fn block(heading: &str, lang: &str) -> String {
    let readme = include_str!("../../../README.md");
    let section = readme
        .split_once(heading)
        .unwrap_or_else(|| panic!("README.md has no {heading:?}"))
        .1;
    let fence = format!("```{lang}\n");
    let start = section.find(&fence).expect("a fenced block") + fence.len();
    let end = start + section[start..].find("```").expect("a closing fence");
    section[start..end].to_owned()
}

#[test]
fn the_rust_testing_example_is_the_test_that_runs() {
    assert_eq!(
        block("### Testing your code (Rust)", "rust"),
        include_str!("testing_your_code.rs")
    );
}

#[test]
fn the_c_testing_example_is_the_script_that_runs() {
    let script = include_str!("../../../tests/c/testing_your_code.sh");
    // The README shows the script without its first line (the shebang).
    let shown = script.split_once('\n').expect("a shebang line").1;
    assert_eq!(block("### Testing your code (C)", "sh"), shown);
}
