//! The exact bytes of whole fixture sites, fingerprinted file by file, so that a speed-up (or
//! any refactor) that changes one byte of output fails here and shows which files changed.
//! An intended change of output is accepted with `cargo insta review`.

mod common;

use sha1::{Digest, Sha1};

/// One line per output file: SHA-1 of its bytes, size, path.
fn fingerprint(out: &std::path::Path) -> String {
    common::read_tree(out)
        .into_iter()
        .filter(|(path, _)| !path.starts_with(".briefing-output"))
        .map(|(path, bytes)| {
            let digest: String = Sha1::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{digest} {:>7} {}", bytes.len(), path.display())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn built(fixture: &str) -> String {
    let site = common::fixture(fixture);
    let out = site.path().join("output");
    let result = common::build(site.path(), &[]);
    assert!(result.status.success(), "{}", common::stderr(&result));
    fingerprint(&out)
}

#[test]
fn full_fixture_output_bytes_are_unchanged() {
    insta::assert_snapshot!(built("full"));
}

#[test]
fn bengali_fixture_output_bytes_are_unchanged() {
    insta::assert_snapshot!(built("i18n_bn"));
}
