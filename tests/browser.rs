//! The preview in a real browser: headless Chromium, driven by tests/browser/live_reload.mjs
//! (playwright-core), against `briefing serve` on a copy of the bundled site.
//!
//! Needs Chromium (Debian `chromium`; or set CHROMIUM to a binary) and Node with npm;
//! `.ci/run` installs both, and this test installs the pinned playwright-core on first run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::running::Running;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Installs the script's pinned dependencies once (`npm ci`, from package-lock.json).
fn install_playwright(dir: &Path) {
    if dir
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .status()
        .expect("npm is needed once to install playwright-core (apt install npm)");
    assert!(status.success(), "npm ci in {} failed", dir.display());
}

/// The Chromium binary's full path (playwright needs one): $CHROMIUM, or `chromium` on PATH.
fn chromium() -> PathBuf {
    let name = std::env::var_os("CHROMIUM").unwrap_or_else(|| "chromium".into());
    let candidate = PathBuf::from(&name);
    let found = if candidate.is_absolute() {
        Some(candidate)
    } else {
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|dir| dir.join(&name))
            .find(|path| path.is_file())
    };
    found.unwrap_or_else(|| {
        panic!("Chromium not found as {name:?}: install it (apt install chromium) or set CHROMIUM")
    })
}

#[test]
fn live_reload_overlay_css_swap_and_bengali_search_in_chromium() {
    let scripts = repo().join("tests/browser");
    install_playwright(&scripts);
    let chromium = chromium();

    let site = tempfile::tempdir().unwrap();
    common::copy_tree(&repo().join("content"), &site.path().join("content"));
    std::fs::copy(repo().join("site.yaml"), site.path().join("site.yaml")).unwrap();

    let serving = Running::start(&["serve", "--port", "0"], site.path());
    let first = serving.next_stdout();
    let url = first
        .strip_prefix("serving ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_string();
    let built = serving.next_stdout();
    assert!(built.contains("watching for changes"), "{built}");

    let run = Command::new("node")
        .arg(scripts.join("live_reload.mjs"))
        .arg(&url)
        .arg(site.path())
        .env("CHROMIUM", chromium)
        .output()
        .expect("node is needed for the browser test");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "browser test failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(stdout.contains("browser: all passed"), "{stdout}");
    assert_eq!(serving.interrupt().code(), Some(0));
}
