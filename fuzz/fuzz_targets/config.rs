//! Fuzzes `site.yaml`: YAML parse, unknown keys, validation. Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let options = briefing::BuildOptions {
        root: std::path::PathBuf::from("/site"),
        ..Default::default()
    };
    let _ = briefing::config::load_text(&options, Some(text));
});
