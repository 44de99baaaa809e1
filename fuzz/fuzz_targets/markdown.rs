//! Fuzzes Markdown rendering and the sanitiser. Any panic is a bug. (What the sanitised
//! HTML may hold is checked on the parsed tree by tests/properties.rs.)
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let rendered = briefing::markdown::render(text);
    let _ = briefing::markdown::sanitize(&rendered.html);
});
