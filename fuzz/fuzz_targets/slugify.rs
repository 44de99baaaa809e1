//! Fuzzes slugs: never a path, never unstable. A broken property panics, which the fuzzer
//! reports like a crash.
#![no_main]

use briefing::slug::{encode_segment, has_empty_slug, slugify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let slug = slugify(text);
    for bad in ["/", "\\", "..", "\0", "--"] {
        assert!(!slug.contains(bad), "{text:?} → {slug:?}");
    }
    assert!(
        !slug.starts_with('-') && !slug.ends_with('-'),
        "{text:?} → {slug:?}"
    );
    assert_eq!(slugify(&slug), slug, "not idempotent: {text:?}");
    assert_eq!(has_empty_slug(text), slug.is_empty(), "{text:?}");
    let encoded = encode_segment(&slug);
    assert!(encoded.is_ascii() && !encoded.contains('/'), "{encoded}");
});
