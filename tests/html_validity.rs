//! Every page of the bundled site passes the Nu Html Checker, served at the root and under a path.
//!
//! Runs `scripts/validate-html.sh` (vnu-jar, installed by the script on first use through npm).
//! Needs Java: when it is missing the test fails and says so, it is never skipped silently.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The checker installs itself into a shared folder on first use; two runs at once would race.
static CHECKER: Mutex<()> = Mutex::new(());

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the bundled site (`content/`, `site.yaml`) into a fresh folder under `tmp`.
fn build_bundled_site(tmp: &Path, base_url: Option<&str>) -> PathBuf {
    // A folder inside the temp dir, so the build's sibling staging and spare folders
    // (`.site.briefing-new`, `.site.briefing-spare`) are removed with it.
    let output = tmp.join("site");
    let report = briefing::build(&briefing::BuildOptions {
        root: repo_root(),
        output: Some(output.clone()),
        base_url: base_url.map(Into::into),
        drafts: false,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("building the bundled site failed:\n{e}"));
    assert!(report.pages > 0, "the bundled site rendered no pages");
    output
}

fn require_java() {
    let found = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "java is not installed or not on PATH: the HTML validity test needs Java 11+ to run \
         the Nu Html Checker (on Debian/Ubuntu: `apt-get install default-jre-headless`; \
         `.ci/run` installs it)"
    );
}

fn assert_valid_html(dir: &Path) {
    require_java();
    let _one_at_a_time = CHECKER.lock().unwrap_or_else(|e| e.into_inner());
    let script = repo_root().join("scripts/validate-html.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} {} exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        script.display(),
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
}

#[test]
fn bundled_site_is_valid_html() {
    let tmp = tempfile::tempdir().unwrap();
    let site = build_bundled_site(tmp.path(), None);
    assert_valid_html(&site);
}

#[test]
fn bundled_site_under_a_sub_path_is_valid_html() {
    let tmp = tempfile::tempdir().unwrap();
    let site = build_bundled_site(tmp.path(), Some("https://user.github.io/briefs/"));
    assert_valid_html(&site);
}

/// Copies `tests/fixtures/<name>` (and, for a theme, `themes/<theme>`) under `tmp` and builds it
/// into `out`.
fn build_fixture(tmp: &Path, name: &str, theme: Option<&str>, out: &Path) {
    let root = tmp.join(name);
    let from = repo_root().join("tests/fixtures").join(name);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let target = root.join(entry.path().strip_prefix(&from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    if let Some(theme) = theme {
        let from = repo_root().join("themes").join(theme);
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let target = root
                .join("themes")
                .join(theme)
                .join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    briefing::build(&briefing::BuildOptions {
        root,
        output: Some(out.to_path_buf()),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("building {name} failed:\n{e}"));
}

/// Bengali chrome around an English article, and the second theme: one checker run for both.
#[test]
fn bengali_site_and_minimal_theme_are_valid_html() {
    let tmp = tempfile::tempdir().unwrap();
    let pages = tmp.path().join("pages");
    build_fixture(tmp.path(), "i18n_bn", None, &pages.join("bn"));
    build_fixture(
        tmp.path(),
        "minimal_theme",
        Some("minimal"),
        &pages.join("minimal"),
    );
    assert_valid_html(&pages);
}
