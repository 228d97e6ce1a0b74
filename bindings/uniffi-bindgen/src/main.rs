//! `cargo run -p uniffi-bindgen -- generate --library target/release/libamperity.so --language python --out-dir DIR`
//!
//! One more subcommand of our own: `python-models LIBRARY OUTPUT` writes the Python SDK's model
//! classes (`bindings/python/python/amperity/_schema.py`) from the library's uniffi metadata.

mod python_models;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("python-models") {
        let (Some(library), Some(output)) = (args.get(2), args.get(3)) else {
            eprintln!("usage: uniffi-bindgen python-models LIBRARY OUTPUT");
            std::process::exit(2);
        };
        if let Err(error) = python_models::write(library, output) {
            eprintln!("python-models: {error:#}");
            std::process::exit(1);
        }
        return;
    }
    uniffi::uniffi_bindgen_main()
}
