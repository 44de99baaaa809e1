//! The theme's search script (`themes/default/static/search.js`), run under Node by
//! `tests/js/search_test.js` in a `vm` context with a minimal fake DOM.
//!
//! Needs `node` (v18 or later) on PATH. When it is missing these tests fail and say so; they are
//! never skipped (`.ci/run` gets Node with npm).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn require_node() {
    let version = Command::new("node").arg("--version").output();
    match version {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "`node --version` failed ({}): the search.js tests need Node 18+ on PATH",
            out.status
        ),
        Err(e) => panic!(
            "node is not installed or not on PATH ({e}): the search.js tests need Node 18+ \
             (on Debian/Ubuntu: `apt-get install nodejs`; `.ci/run` installs npm, which brings it)"
        ),
    }
}

/// Runs `node tests/js/search_test.js ARGS...`; fails with its whole output unless it passes.
fn run_harness(args: &[&str]) {
    require_node();
    let out = Command::new("node")
        .arg(repo().join("tests/js/search_test.js"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("running node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tests/js/search_test.js {} failed ({}):\n{stdout}\n{stderr}",
        args.join(" "),
        out.status
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}\n{stderr}");
}

/// Builds the `full` fixture (served at https://example.org/news/) into `dir`.
fn build_full_site(dir: &Path) -> PathBuf {
    let out = dir.join("site");
    briefing::build(&briefing::BuildOptions {
        root: repo().join("tests/fixtures/full"),
        output: Some(out.clone()),
        now: Some("2024-06-01T00:00:00Z".parse().unwrap()),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("building the full fixture failed:\n{e}"));
    out
}

#[test]
fn search_matches_bengali_any_case_any_normal_form_and_ranks_titles_first() {
    run_harness(&[]);
}

#[test]
fn built_search_page_finds_articles_when_served_under_a_subpath() {
    let tmp = tempfile::tempdir().unwrap();
    let out = build_full_site(tmp.path());
    run_harness(&["--site", out.to_str().unwrap(), "--mode", "http"]);
}

#[test]
fn built_search_page_works_from_file_urls() {
    // Opened from disk (file://…/site/search/index.html), the page must still find its index
    // (search-index.js) and its results must lead to the article files.
    let tmp = tempfile::tempdir().unwrap();
    let out = build_full_site(tmp.path());
    run_harness(&["--site", out.to_str().unwrap(), "--mode", "file"]);
}
