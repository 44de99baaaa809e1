//! Problems that don't stop the build: it succeeds and writes the site, and each warning
//! reads `path:line:col: warning: message`, the line with a caret and a hint. One snapshot
//! per message.

mod common;

use common::{build, fixture, stderr, stdout};

/// Builds the warning fixture, checks that the build succeeded and wrote the site, and
/// returns stderr.
fn warning_build(name: &str) -> String {
    let site = fixture(&format!("warnings/{name}"));
    let out = build(site.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(site.path().join("output/index.html").is_file(), "{err}");
    let warnings = err.matches(": warning: ").count();
    assert!(
        stdout(&out).contains(&format!(", {warnings} warning")),
        "the summary counts the {warnings} warnings: {}",
        stdout(&out)
    );
    err
}

#[test]
fn image_without_alt_text_is_a_warning_at_the_key_and_at_the_markdown() {
    let err = warning_build("image_without_alt");
    // The front matter `image` without `alt`, the body's `![](map.svg)` and the edition
    // intro's `![ ](…)`; the described image and the decorative `alt=""` one are fine.
    assert_eq!(err.matches(": warning: ").count(), 3, "{err}");
    assert!(
        err.starts_with(
            "content/articles/সীমান্ত-মানচিত্র/index.md:6:1: warning: image `map.svg` has no `alt` text"
        ),
        "{err}"
    );
    insta::assert_snapshot!(err);
}
