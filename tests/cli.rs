//! The real `briefing` binary: help, version, summary line, exit codes.

mod common;

use assert_cmd::Command;
use common::{build, fixture, stderr, stdout};

fn briefing() -> Command {
    Command::cargo_bin("briefing").unwrap()
}

#[test]
fn help_and_version() {
    let help = briefing().arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(stdout(&help).contains("build"), "{}", stdout(&help));
    let build_help = briefing().args(["build", "--help"]).output().unwrap();
    for flag in ["--root", "--output", "--base-url", "--drafts"] {
        assert!(stdout(&build_help).contains(flag), "{flag}");
    }
    let version = briefing().arg("--version").output().unwrap();
    assert_eq!(
        stdout(&version).trim(),
        format!("briefing {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn successful_build_prints_one_summary_line() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    let line = text.trim();
    assert!(line.starts_with("built 17 pages ("), "{line}");
    assert!(line.contains(" ms"), "{line}");
    assert!(site.path().join("output/index.html").is_file());
}

#[test]
fn timings_give_each_stage_its_wall_time_cpu_time_and_memory() {
    let site = fixture("basic");
    let out = build(site.path(), &["--timings"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stderr(&out);
    let stages: Vec<&str> = text.lines().filter(|l| l.contains(" ms ")).collect();
    for stage in [
        "look for changes",
        "find and parse content",
        "templates, model",
        "render and write",
        "record the build",
    ] {
        assert!(
            stages.iter().any(|l| l.trim_start().starts_with(stage)),
            "{stage} in {text}"
        );
    }
    for line in &stages {
        assert!(
            line.contains(" ms CPU") && line.contains(" MiB resident"),
            "{line}"
        );
    }
    // Linux tells both: the render's line has numbers, not the "-" of an unknown.
    let render = stages
        .iter()
        .find(|l| l.contains("render and write"))
        .unwrap();
    let numbers: Vec<f64> = render
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 3, "{render}");
    assert!(numbers[2] > 0.0, "resident memory: {render}");
}

#[test]
fn a_build_with_nothing_changed_says_the_output_is_current_and_force_builds_anyway() {
    let site = fixture("basic");
    common::backdate(site.path());
    let first = build(site.path(), &[]);
    assert!(
        stdout(&first).starts_with("built 17 pages ("),
        "{}",
        stdout(&first)
    );
    let second = build(site.path(), &[]);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let line = stdout(&second);
    assert!(
        line.starts_with("output is current: 17 pages (") && line.contains("checked in"),
        "{line}"
    );
    let forced = build(site.path(), &["--force"]);
    assert!(
        stdout(&forced).starts_with("built 17 pages ("),
        "{}",
        stdout(&forced)
    );
}

#[test]
fn typo_in_a_front_matter_key_is_a_warning_not_an_error() {
    let site = fixture("basic");
    let article = site.path().join("content/articles/older-english.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replace("authors:", "athors:")).unwrap();
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("content/articles/older-english.md:9:1: warning: unknown key `athors`"),
        "{err}"
    );
    assert!(err.contains("did you mean `authors`?"), "{err}");
    assert!(stdout(&out).contains("1 warning"));
}

#[test]
fn usage_errors_exit_2() {
    let out = briefing()
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = briefing().arg("publish-everything").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn refusing_an_output_folder_exits_2_and_touches_nothing() {
    let site = fixture("basic");
    let out = build(site.path(), &["--output", site.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("refusing to build into"),
        "{}",
        stderr(&out)
    );
    assert!(
        site.path()
            .join("content/articles/older-english.md")
            .is_file()
    );
}

#[test]
fn bad_base_url_flag_is_explained() {
    let site = fixture("basic");
    let out = build(site.path(), &["--base-url", "user.github.io/briefs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("https://user.github.io/briefs"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn content_errors_exit_1() {
    let site = fixture("errors/missing_title");
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn site_without_site_yaml_or_themes_builds_with_defaults() {
    let site = tempfile::tempdir().unwrap();
    let articles = site.path().join("content/articles");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::write(
        articles.join("one.md"),
        "---\ntitle: One\ndate: 2024-01-01\n---\n\nText.\n",
    )
    .unwrap();
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(site.path().join("output/articles/one/index.html").is_file());
    assert!(site.path().join("output/style.css").is_file());
}

#[test]
fn missing_base_url_is_a_warning_after_a_good_build() {
    let site = fixture("basic");
    std::fs::remove_file(site.path().join("site.yaml")).unwrap();
    let out = build(site.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("site.yaml:1:1: warning: base_url is not set"),
        "{}",
        stderr(&out)
    );
    let with_flag = build(site.path(), &["--base-url", "https://example.org/"]);
    assert!(
        !stderr(&with_flag).contains("base_url is not set"),
        "{}",
        stderr(&with_flag)
    );
}
