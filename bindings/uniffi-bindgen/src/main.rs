//! `cargo run -p uniffi-bindgen -- generate --library target/release/libamperity.so --language python --out-dir DIR`
fn main() {
    uniffi::uniffi_bindgen_main()
}
