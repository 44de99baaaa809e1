//! `briefing check`: the real binary on fixture sites under `tests/fixtures/check/`.

mod common;

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use common::{fixture, read_tree, stderr, stdout};

fn check(root: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("briefing")
        .unwrap()
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn clean_site_has_no_problems_and_exits_0() {
    let site = fixture("check/clean");
    let out = check(site.path(), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.starts_with("no problems found ("), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(!site.path().join("output").exists(), "check wrote output/");
}

#[test]
fn links_written_for_another_base_path_are_reported() {
    // Its Markdown links are written for /briefs/: served at / they name no file.
    let site = fixture("check/clean");
    let out = check(site.path(), &["--base-url", "https://example.org/"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("content/editions/2023-10-03.md:10:24: error: broken link `/briefs/articles/sanctions/`: no page or file at `briefs/articles/sanctions/`")
            && stdout(&out).contains("the nearest existing path is `/articles/sanctions/`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn broken_site_reports_every_problem_at_its_source() {
    let site = fixture("check/broken");
    let out = check(site.path(), &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    for line in [
        "content/articles/sanctions.md:8:66: error: broken link `sanctions-history.md`: no page or file at `articles/sanctions/sanctions-history.md`",
        "content/articles/sanctions.md:9:21: error: broken link `/briefs/articles/map-stroy/`: no page or file at `articles/map-stroy/`",
        "content/articles/sanctions.md:11:23: error: broken link `exports-chart.png`: no page or file at `articles/sanctions/exports-chart.png`",
        "content/articles/sanctions.md:13:23: error: broken link `/briefs/articles/map-story/#backgroud`: `articles/map-story/index.html` has no element with id `backgroud`",
        "content/articles/sanctions.md:2:8: warning: title `How UN sanctions work` is also the title of content/articles/sanctions-again.md",
        "content/articles/sanctions-again.md:2:8: warning: title `How UN Sanctions Work` is also the title of content/articles/sanctions.md",
        "content/articles/sanctions-again.md:1:1: warning: article has no tags",
        "4 errors and 3 warnings found (",
    ] {
        assert!(
            text.lines().any(|l| l.starts_with(line)),
            "missing line:\n{line}\nin:\n{text}"
        );
    }
    assert!(text.contains("the nearest existing path is `/briefs/articles/map-story/`"));
    assert!(text.contains("the nearest id on that page is `background`"));
    // The existing anchor (`#what-is-covered`) is not reported.
    assert!(!text.contains("what-is-covered`"), "{text}");
    // Sorted by file, then line.
    let positions: Vec<(String, usize)> = text
        .lines()
        .filter(|l| l.starts_with("content/"))
        .map(|l| {
            let mut parts = l.splitn(3, ':');
            (
                parts.next().unwrap().to_string(),
                parts.next().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted);
    insta::assert_snapshot!(text);
    assert!(!site.path().join("output").exists(), "check wrote output/");
}

#[test]
fn check_leaves_an_existing_output_untouched() {
    let site = fixture("check/broken");
    let output = site.path().join("output");
    std::fs::create_dir_all(output.join("old")).unwrap();
    std::fs::write(output.join("index.html"), "stale").unwrap();
    std::fs::write(output.join("old/page.html"), [0u8, 1, 2, 255]).unwrap();
    let before = read_tree(&output);
    let out = check(site.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read_tree(&output), before);
}

#[test]
fn edition_naming_a_missing_article_is_reported_like_build() {
    let site = fixture("check/clean");
    let edition = site.path().join("content/editions/2023-10-03.md");
    let text = std::fs::read_to_string(&edition)
        .unwrap()
        .replace("  - map-story\n", "  - map-stroy\n");
    std::fs::write(&edition, text).unwrap();
    let out = check(site.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("content/editions/2023-10-03.md:7:")
            && err.contains("no article has the slug `map-stroy`"),
        "{err}"
    );
    assert!(
        err.contains("the nearest existing slug is `map-story`"),
        "{err}"
    );
    assert!(!site.path().join("output").exists());
}

#[test]
fn warnings_alone_exit_0() {
    let site = fixture("check/clean");
    let article = site.path().join("content/articles/sanctions.md");
    let text = std::fs::read_to_string(&article)
        .unwrap()
        .replace("tags: [Sanctions]\n", "")
        .replace(
            "summary: What the Security Council's sanctions on North Korea cover.\n",
            "",
        );
    std::fs::write(&article, text).unwrap();
    let out = check(site.path(), &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("content/articles/sanctions.md:1:1: warning: article has no tags"),
        "{text}"
    );
    assert!(
        text.contains("content/articles/sanctions.md:2:8: warning: article has no `summary:`"),
        "{text}"
    );
    assert!(text.contains("0 errors and 2 warnings found"), "{text}");
}

#[test]
fn bundled_site_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = check(root, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
