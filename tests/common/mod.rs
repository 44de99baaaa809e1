//! Shared helpers for integration tests: fixture copies, running the real binary, reading trees.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub mod browser;
pub mod running;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies `tests/fixtures/<name>` into a fresh temp dir; the copy is the site root.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join(name), dir.path());
    dir
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `briefing build --root ROOT ARGS...` and returns its output.
pub fn build(root: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("briefing")
        .unwrap()
        .arg("build")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every file under `dir` (relative path → bytes).
pub fn read_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replaces cache-busting `?v=xxxxxxxx` hashes, so HTML snapshots do not churn on CSS edits.
pub fn redact_asset_hashes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("?v=") {
        out.push_str(&rest[..i + 3]);
        let after = &rest[i + 3..];
        let hex = after.chars().take_while(char::is_ascii_hexdigit).count();
        out.push_str(if hex == 8 { "HASH" } else { &after[..hex] });
        rest = &after[hex..];
    }
    out.push_str(rest);
    out
}

/// Every HTML file under `out`, as (path relative to `out`, absolute path), sorted.
pub fn html_files(out: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut files: Vec<(PathBuf, PathBuf)> = walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap().to_path_buf();
            (rel, e.path().to_path_buf())
        })
        .collect();
    files.sort();
    files
}

/// Percent-decodes a URL path (`%E0%A6%95` → `ক`).
pub fn decode_url(url: &str) -> String {
    percent_encoding::percent_decode_str(url)
        .decode_utf8()
        .unwrap_or_else(|e| panic!("{url}: not UTF-8 once decoded: {e}"))
        .into_owned()
}

/// The file under `out` that the root-relative `path` (already without `?query` and `#fragment`)
/// names when the site is served at `base_path` (`/` or `/briefs/`): `/briefs/tags/x/` →
/// `out/tags/x/index.html`. None for a path outside `base_path`.
pub fn file_for_path(out: &Path, base_path: &str, path: &str) -> Option<PathBuf> {
    let path = decode_url(path);
    let rest = path.strip_prefix(base_path).or_else(|| {
        // `/briefs` (no trailing slash) is the home page too.
        (path == base_path.trim_end_matches('/')).then_some("")
    })?;
    let mut target = out.to_path_buf();
    for segment in rest.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." {
            return None;
        }
        target.push(segment);
    }
    if rest.is_empty() || rest.ends_with('/') {
        target.push("index.html");
    }
    Some(target)
}

/// The file under `out` that an absolute URL of the site (under `base_url`, which ends in `/`)
/// names, or None when the URL is not under `base_url`.
pub fn file_for_url(out: &Path, base_url: &str, url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix(base_url)?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    file_for_path(out, "/", &format!("/{rest}"))
}

/// The `id`s of an HTML document.
fn ids_of(doc: &scraper::Html) -> std::collections::HashSet<String> {
    let any = scraper::Selector::parse("[id]").unwrap();
    doc.select(&any)
        .filter_map(|e| e.value().attr("id"))
        .map(str::to_string)
        .collect()
}

/// Checks every internal `href` and `src` of every element (`<a>`, `<link>`, `<script>`, `<img>`,
/// …) in every HTML page under `out`, for a site served at `base_path` (`/` or `/briefs/`):
///
/// - a root-relative link must be under `base_path` and name a file (`…/` → `…/index.html`);
/// - a relative link is resolved against the page's folder and must name a file;
/// - a `#fragment` (alone, or after a path) must be the `id` of an element of the target page;
/// - `?query` is ignored (cache-busting `?v=` hashes); links with a scheme (`https:`, `mailto:`)
///   are external and skipped, except `javascript:`, which is reported.
///
/// Every problem is collected and reported at once. Returns how many links were checked.
pub fn assert_links_resolve(out: &Path, base_path: &str) -> usize {
    use std::collections::{HashMap, HashSet};

    let all = scraper::Selector::parse("[href], [src]").unwrap();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut problems: Vec<String> = Vec::new();
    let mut checked = 0;
    let pages = html_files(out);
    for (rel, abs) in &pages {
        let doc = scraper::Html::parse_document(&read(abs));
        ids.entry(abs.clone()).or_insert_with(|| ids_of(&doc));
        let page_dir = abs.parent().unwrap().to_path_buf();
        for el in doc.select(&all) {
            for attr in ["href", "src"] {
                let Some(link) = el.value().attr(attr) else {
                    continue;
                };
                let tag = el.value().name();
                let mut problem = |why: String| {
                    problems.push(format!(
                        "{}: <{tag} {attr}=\"{link}\">: {why}",
                        rel.display()
                    ))
                };
                let link = link.trim();
                if link.is_empty() {
                    problem("empty link".into());
                    continue;
                }
                let lower = link.to_ascii_lowercase();
                if lower.starts_with("javascript:") {
                    problem("javascript: URL".into());
                    continue;
                }
                if link.contains("://")
                    || lower.starts_with("mailto:")
                    || lower.starts_with("tel:")
                    || lower.starts_with("data:")
                {
                    continue;
                }
                checked += 1;
                let (before_fragment, fragment) = match link.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (link, None),
                };
                let path = before_fragment.split('?').next().unwrap();
                let target = if path.is_empty() {
                    abs.clone()
                } else if path.starts_with('/') {
                    match file_for_path(out, base_path, path) {
                        Some(t) => t,
                        None => {
                            problem(format!("root-relative link outside {base_path}"));
                            continue;
                        }
                    }
                } else {
                    let mut target = page_dir.clone();
                    for segment in decode_url(path).split('/') {
                        match segment {
                            "" | "." => {}
                            ".." => {
                                target.pop();
                            }
                            s => target.push(s),
                        }
                    }
                    if path.ends_with('/') {
                        target.push("index.html");
                    }
                    if !target.starts_with(out) {
                        problem("relative link leaves the output folder".into());
                        continue;
                    }
                    target
                };
                if !target.is_file() {
                    problem(format!(
                        "no file {}",
                        target.strip_prefix(out).unwrap_or(&target).display()
                    ));
                    continue;
                }
                let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                    continue;
                };
                if target.extension().is_none_or(|e| e != "html") {
                    continue;
                }
                let target_ids = ids
                    .entry(target.clone())
                    .or_insert_with(|| ids_of(&scraper::Html::parse_document(&read(&target))));
                if !target_ids.contains(&decode_url(fragment)) {
                    problem(format!("no element with id `{fragment}`"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} broken internal link(s) in {} pages:\n{}",
        problems.len(),
        pages.len(),
        problems
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        checked > 0,
        "no internal links found under {}",
        out.display()
    );
    checked
}

/// Checks that every absolute URL of the site itself (starting with `base_url`) in an `href`,
/// `src` or `content` attribute of any HTML page — canonical links, `og:url`, `og:image` —
/// names a file under `out`. Returns how many were checked.
pub fn assert_absolute_urls_resolve(out: &Path, base_url: &str) -> usize {
    let all = scraper::Selector::parse("[href], [src], [content]").unwrap();
    let mut problems: Vec<String> = Vec::new();
    let mut checked = 0;
    for (rel, abs) in html_files(out) {
        let doc = scraper::Html::parse_document(&read(&abs));
        for el in doc.select(&all) {
            for attr in ["href", "src", "content"] {
                let Some(url) = el.value().attr(attr).filter(|u| u.starts_with(base_url)) else {
                    continue;
                };
                checked += 1;
                match file_for_url(out, base_url, url) {
                    Some(file) if file.is_file() => {}
                    _ => {
                        problems.push(format!("{}: {attr}=\"{url}\" names no file", rel.display()))
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} broken absolute URL(s):\n{}",
        problems.len(),
        problems
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    checked
}

/// Sets the modification time of every file and folder under `dir` an hour back, as if the
/// site had been edited long before the build: a build trusts only stamps that old enough
/// (see `briefing::record`).
pub fn backdate(dir: &Path) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.path_is_symlink() {
            continue;
        }
        std::fs::File::open(entry.path())
            .and_then(|f| f.set_modified(then))
            .unwrap_or_else(|e| panic!("backdating {}: {e}", entry.path().display()));
    }
}
