//! The preview in a real browser: headless Chromium, driven by tests/browser/live_reload.mjs
//! (playwright-core), against `briefing serve` on a copy of the bundled site.
//!
//! Needs Chromium (Debian `chromium`; or set CHROMIUM to a binary) and Node with npm;
//! `.ci/run` installs both, and tests/common/browser.rs installs the pinned playwright-core
//! on first run.

mod common;

use common::browser;

#[test]
fn live_reload_overlay_css_swap_and_bengali_search_in_chromium() {
    let _browser = browser::prepare();
    let served = browser::serve_bundled_site();
    let stdout = browser::run_script(
        "live_reload.mjs",
        [
            std::ffi::OsStr::new(&served.url),
            served.site.path().as_os_str(),
        ],
    );
    assert!(stdout.contains("browser: all passed"), "{stdout}");
    assert_eq!(served.serving.interrupt().code(), Some(0));
}
