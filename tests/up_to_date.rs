//! A build whose inputs and output did not change since the last one renders nothing
//! (`briefing::record`); every kind of change makes the next build a full one.

mod common;

use std::path::{Path, PathBuf};

use briefing::BuildOptions;
use common::{backdate, fixture, read_tree};

fn options_at(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(root.join("output")),
        ..Default::default()
    }
}

fn build(options: &BuildOptions) -> briefing::BuildReport {
    briefing::build_recorded(options, &mut Default::default(), false)
        .unwrap_or_else(|e| panic!("build failed:\n{e}"))
}

/// The `basic` fixture, backdated and built once: (site, its options).
fn built_site() -> (tempfile::TempDir, BuildOptions) {
    let site = fixture("basic");
    backdate(site.path());
    let options = options_at(site.path());
    let first = build(&options);
    assert!(!first.up_to_date);
    (site, options)
}

/// Every file's bytes and modification time under `dir`.
fn files_and_times(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let modified = e.metadata().unwrap().modified().unwrap();
            (
                e.path().to_path_buf(),
                modified,
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_build_with_nothing_changed_renders_nothing_and_touches_no_file() {
    let (site, options) = built_site();
    let output = site.path().join("output");
    let before = files_and_times(&output);
    let second = build(&options);
    assert!(second.up_to_date, "the second build was a full one");
    assert_eq!((second.written, second.rendered, second.parsed), (0, 0, 0));
    assert_eq!(files_and_times(&output), before);
    assert!(second.pages > 5 && second.files > second.pages);
}

#[test]
fn a_current_build_reports_the_last_builds_counts_and_warnings() {
    let site = fixture("basic");
    std::fs::write(
        articles(site.path()).join("typo.md"),
        "---\ntitle: Typo\ndate: 2023-10-01\ntgas: [x]\n---\nText.\n",
    )
    .unwrap();
    backdate(site.path());
    let options = options_at(site.path());
    let first = build(&options);
    let second = build(&options);
    assert!(second.up_to_date);
    assert_eq!(
        (second.pages, second.files, second.bytes),
        (first.pages, first.files, first.bytes)
    );
    assert!(
        first.warnings.iter().any(|w| w.message.contains("tgas")),
        "{:?}",
        first.warnings
    );
    assert_eq!(second.warnings, first.warnings);
}

#[test]
fn a_build_right_after_an_edit_leaves_no_record_to_trust() {
    // Files saved within two seconds of the build could change again with the same stamp on
    // a filesystem with coarse times: the build after such a build is a full one.
    let site = fixture("basic");
    let options = options_at(site.path());
    assert!(!build(&options).up_to_date);
    assert!(!build(&options).up_to_date);
}

#[test]
fn force_builds_even_when_the_output_is_current() {
    let (_site, options) = built_site();
    let forced = briefing::build_recorded(&options, &mut Default::default(), true).unwrap();
    assert!(!forced.up_to_date);
    assert!(build(&options).up_to_date, "a forced build records too");
}

/// Builds `basic`, makes one change, and checks that the next build is a full one whose
/// output equals a clean build of the changed site.
fn assert_change_rebuilds(what: &str, change: impl FnOnce(&Path)) {
    let (site, options) = built_site();
    assert!(
        build(&options).up_to_date,
        "{what}: not current before the change"
    );
    change(site.path());
    let after = build(&options);
    assert!(!after.up_to_date, "{what}: the build after it was skipped");
    let clean = tempfile::tempdir().unwrap();
    common::copy_tree(site.path(), clean.path());
    std::fs::remove_dir_all(clean.path().join("output")).unwrap();
    briefing::build(&options_at(clean.path())).unwrap();
    assert_eq!(
        read_tree(&site.path().join("output")),
        read_tree(&clean.path().join("output")),
        "{what}: the rebuilt output differs from a clean build"
    );
}

fn articles(root: &Path) -> PathBuf {
    root.join("content/articles")
}

#[test]
fn every_kind_of_input_change_makes_the_next_build_a_full_one() {
    assert_change_rebuilds("an article's text", |root| {
        let path = articles(root).join("older-english.md");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text + "\nOne more line.\n").unwrap();
    });
    assert_change_rebuilds("a new article", |root| {
        std::fs::write(
            articles(root).join("new.md"),
            "---\ntitle: New\ndate: 2023-10-01\n---\nText.\n",
        )
        .unwrap();
    });
    assert_change_rebuilds("a deleted article", |root| {
        std::fs::remove_file(articles(root).join("windows.md")).unwrap();
    });
    assert_change_rebuilds("a new file in a bundle", |root| {
        std::fs::write(articles(root).join("trip/notes.txt"), "notes").unwrap();
    });
    assert_change_rebuilds("a changed bundle file", |root| {
        let path = articles(root).join("trip/map.svg");
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, svg.replace("</svg>", "<!-- v2 --></svg>")).unwrap();
    });
    assert_change_rebuilds("site.yaml", |root| {
        let path = root.join("site.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text + "paginate: 2\n").unwrap();
    });
    assert_change_rebuilds("a site template", |root| {
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(
            root.join("templates/404.html"),
            "<!doctype html><title>gone</title>",
        )
        .unwrap();
    });
    assert_change_rebuilds("a site static file", |root| {
        std::fs::write(
            root.join("static/robots.txt"),
            "User-agent: *\nDisallow: /x\n",
        )
        .unwrap();
    });
    assert_change_rebuilds("a new tags.yaml", |root| {
        std::fs::write(root.join("tags.yaml"), "").unwrap();
    });
}

#[test]
fn a_changed_or_missing_output_file_makes_the_next_build_a_full_one() {
    let index = |root: &Path| root.join("output/index.html");
    assert_change_rebuilds("an edited output file", |root| {
        let mut html = std::fs::read(index(root)).unwrap();
        html.extend_from_slice(b"<!-- hand edit -->");
        std::fs::write(index(root), html).unwrap();
    });
    assert_change_rebuilds("a deleted output file", |root| {
        std::fs::remove_file(index(root)).unwrap();
    });
    assert_change_rebuilds("a file added to the output", |root| {
        std::fs::write(root.join("output/tags/stray.html"), "stray").unwrap();
    });
}

#[test]
fn an_article_dated_after_the_last_build_is_published_when_its_time_comes() {
    let site = tempfile::tempdir().unwrap();
    let dir = site.path().join("content/articles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("now.md"),
        "---\ntitle: Now\ndate: 2026-01-01\n---\nA.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("later.md"),
        "---\ntitle: Later\ndate: 2026-03-01\n---\nB.\n",
    )
    .unwrap();
    backdate(site.path());
    let at = |when: &str| BuildOptions {
        now: Some(when.parse().unwrap()),
        ..options_at(site.path())
    };
    let later_page = site.path().join("output/articles/later/index.html");
    assert!(!build(&at("2026-02-01T00:00:00Z")).up_to_date);
    assert!(!later_page.exists());
    assert!(build(&at("2026-02-28T23:59:59Z")).up_to_date);
    assert!(!build(&at("2026-03-01T00:00:00Z")).up_to_date);
    assert!(
        later_page.exists(),
        "the article was not published when its date came"
    );
}
