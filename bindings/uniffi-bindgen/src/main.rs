//! `cargo run -p uniffi-bindgen -- ...`: see the library's documentation.

fn main() {
    amperity_bindgen::main();
}
