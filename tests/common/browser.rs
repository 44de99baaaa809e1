//! Plumbing for the real-browser tests: the pinned Node packages of tests/browser/, the
//! Chromium binary, `briefing serve` on a copy of the bundled site, and running a script.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use super::running::Running;

/// One browser at a time per test binary: several Chromiums on a small CI machine make
/// each slow enough to run into the scripts' time limits.
static BROWSER: Mutex<()> = Mutex::new(());

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// tests/browser/: the Node scripts and their package.json.
pub fn scripts() -> PathBuf {
    repo().join("tests/browser")
}

/// Whether every dependency in package.json is installed at its pinned version. Checking
/// each one (not just playwright-core) notices a package added to package.json later.
fn installed(dir: &Path) -> bool {
    let manifest: serde_json::Value =
        serde_json::from_str(&super::read(&dir.join("package.json"))).unwrap();
    let deps = manifest["dependencies"].as_object().expect("dependencies");
    deps.iter().all(|(name, pinned)| {
        let installed = dir.join("node_modules").join(name).join("package.json");
        std::fs::read_to_string(installed)
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .is_some_and(|package| package["version"] == *pinned)
    })
}

/// Installs the scripts' pinned dependencies (`npm ci`, from package-lock.json) unless they
/// are all there, and takes the one-browser-at-a-time lock (held until the guard drops).
pub fn prepare() -> MutexGuard<'static, ()> {
    let guard = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = scripts();
    if !installed(&dir) {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed once to install playwright-core and axe-core (apt install npm)");
        assert!(status.success(), "npm ci in {} failed", dir.display());
        assert!(
            installed(&dir),
            "npm ci left a dependency of package.json out"
        );
    }
    guard
}

/// The Chromium binary's full path (playwright needs one): $CHROMIUM, or `chromium` on PATH.
pub fn chromium() -> PathBuf {
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

/// `briefing serve --port 0` on a fresh copy of the bundled site (`content/`, `site.yaml`).
pub struct Served {
    /// The site's folder; scripts may edit files in it.
    pub site: tempfile::TempDir,
    pub serving: Running,
    /// `http://127.0.0.1:PORT/`.
    pub url: String,
}

pub fn serve_bundled_site() -> Served {
    let site = tempfile::tempdir().unwrap();
    super::copy_tree(&repo().join("content"), &site.path().join("content"));
    std::fs::copy(repo().join("site.yaml"), site.path().join("site.yaml")).unwrap();

    let serving = Running::start(&["serve", "--port", "0"], site.path());
    let url = serving.serving_url();
    let built = serving.next_stdout();
    assert!(built.contains("watching for changes"), "{built}");
    Served { site, serving, url }
}

/// Runs `node tests/browser/SCRIPT ARGS...` with $CHROMIUM set; fails the test, with the
/// script's output, unless it exits 0 and its last line ends with `all passed`.
pub fn run_script<I, S>(script: &str, args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let run = Command::new("node")
        .arg(scripts().join(script))
        .args(args)
        .env("CHROMIUM", chromium())
        .output()
        .expect("node is needed for the browser tests (apt install nodejs)");
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "{script} failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(
        stdout.trim_end().ends_with("all passed"),
        "{script} did not finish\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    stdout
}
