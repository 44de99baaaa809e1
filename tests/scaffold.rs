//! `briefing init` and `briefing new` on the real binary: the new site builds cleanly,
//! refusals touch nothing, and new articles build as drafts.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use common::{assert_links_resolve, build, read, read_tree, stderr, stdout};

fn briefing(args: &[&str]) -> Output {
    Command::cargo_bin("briefing")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// `briefing init TEMP/site ARGS...`; returns the temp dir and the new site's root.
fn init(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("site");
    let mut all = vec!["init", path_str(&root)];
    all.extend_from_slice(args);
    let out = briefing(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    (temp, root)
}

/// `briefing new ARGS... --root ROOT`.
fn new(root: &Path, args: &[&str]) -> Output {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--root", path_str(root)]);
    briefing(&all)
}

/// Builds and asserts success with nothing on stderr (no warnings).
fn build_clean(root: &Path, args: &[&str]) {
    let out = build(root, args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).is_empty(),
        "warnings:\n{}\n{}",
        stderr(&out),
        stdout(&out)
    );
    assert!(!stdout(&out).contains("warning"), "{}", stdout(&out));
}

/// The example edition's slug (the file is named by the day `init` ran).
fn edition_slug(root: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(root.join("content/editions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    names
        .pop()
        .unwrap()
        .strip_suffix(".md")
        .unwrap()
        .to_string()
}

#[test]
fn init_makes_a_site_that_builds_with_no_warnings() {
    let (_temp, root) = init(&[]);
    for file in [
        "site.yaml",
        "content/articles/welcome.md",
        "static/.gitkeep",
        ".gitignore",
        "README.md",
        ".github/workflows/pages.yml",
    ] {
        assert!(root.join(file).is_file(), "{file}");
    }
    assert!(!root.join("themes").exists());
    build_clean(&root, &[]);
    let out = root.join("output");
    assert!(out.join("articles/welcome/index.html").is_file());
    let edition = edition_slug(&root);
    let edition_page = read(&out.join(format!("editions/{edition}/index.html")));
    assert!(
        edition_page.contains("Start here: how articles and editions are written."),
        "the edition shows its note"
    );
    assert!(edition_page.contains("/articles/welcome/"));
    assert!(out.join("tags/getting-started/index.html").is_file());
    assert!(out.join("sources/commonmark/index.html").is_file());
    assert_links_resolve(&out, "/");
}

#[test]
fn init_site_builds_under_a_pages_subpath() {
    let (_temp, root) = init(&[]);
    // What the workflow runs, with configure-pages' base_url for a project site.
    build_clean(&root, &["--base-url", "https://user.github.io/briefs/"]);
    let out = root.join("output");
    assert_links_resolve(&out, "/briefs/");
    assert!(common::assert_absolute_urls_resolve(&out, "https://user.github.io/briefs/") > 0);
}

#[test]
fn init_prints_what_it_made_and_what_to_do_next() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("new-site");
    let out = briefing(&["init", path_str(&root)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("created a briefing site in "), "{text}");
    assert!(text.contains("  content/articles/welcome.md\n"), "{text}");
    assert!(text.contains("  static/\n"), "{text}");
    assert!(text.ends_with("&& briefing build\n"), "{text}");
}

#[test]
fn init_into_an_existing_empty_folder() {
    let temp = tempfile::tempdir().unwrap();
    let out = briefing(&["init", path_str(temp.path())]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(temp.path().join("site.yaml").is_file());
}

#[test]
fn init_refuses_a_non_empty_folder_and_touches_nothing() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join("notes.txt"), "my notes\n").unwrap();
    let before = read_tree(temp.path());
    let out = briefing(&["init", path_str(temp.path())]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: refusing to create a site in "),
        "{err}"
    );
    assert!(err.contains("not empty (it holds notes.txt)"), "{err}");
    assert_eq!(read_tree(temp.path()), before);
    assert!(stdout(&out).is_empty());

    // A file where the folder should be is refused too.
    let file = temp.path().join("notes.txt");
    let out = briefing(&["init", path_str(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(read(&file), "my notes\n");
}

#[test]
fn init_theme_copy_writes_the_embedded_theme_and_the_site_uses_it() {
    let (_temp, root) = init(&["--theme-copy"]);
    let theme = root.join("themes/default");
    let embedded = |rel: &str| {
        briefing::theme::DEFAULT_THEME
            .iter()
            .find(|(p, _)| *p == rel)
            .unwrap_or_else(|| panic!("{rel} is not in the embedded theme"))
            .1
    };
    assert_eq!(
        std::fs::read(theme.join("templates/base.html")).unwrap(),
        embedded("templates/base.html")
    );
    let copied = read_tree(&theme);
    assert_eq!(copied.len(), briefing::theme::DEFAULT_THEME.len());
    for (rel, bytes) in briefing::theme::DEFAULT_THEME {
        assert_eq!(copied[Path::new(rel)], *bytes, "{rel}");
    }
    build_clean(&root, &[]);
    assert!(root.join("output/articles/welcome/index.html").is_file());

    // The copy, not the built-in theme, is what the build uses.
    let css = theme.join("static/style.css");
    let mut text = read(&css);
    text.push_str("\n/* edited in the copy */\n");
    std::fs::write(&css, text).unwrap();
    build_clean(&root, &[]);
    assert!(read(&root.join("output/style.css")).contains("/* edited in the copy */"));
}

#[test]
fn init_writes_gitignore_workflow_and_editor_readme() {
    let (_temp, root) = init(&[]);
    let gitignore = read(&root.join(".gitignore"));
    let ignored: Vec<&str> = gitignore.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(ignored, ["/output/", "/.output.briefing-*"]);

    let workflow = read(&root.join(".github/workflows/pages.yml"));
    for needed in [
        "uses: actions/checkout@v4",
        "uses: actions/configure-pages@v5",
        "id: pages",
        "uses: dtolnay/rust-toolchain@stable",
        "run: cargo install briefing --version ",
        "run: briefing build --base-url \"${{ steps.pages.outputs.base_url }}/\"",
        "uses: actions/upload-pages-artifact@v3",
        "path: output",
        "uses: actions/deploy-pages@v4",
        "pages: write",
        "id-token: write",
        "contents: read",
        "name: github-pages",
    ] {
        assert!(workflow.contains(needed), "no `{needed}` in:\n{workflow}");
    }
    assert!(
        !workflow.contains('\t'),
        "YAML must not be indented with tabs"
    );

    let readme = read(&root.join("README.md"));
    for needed in [
        "briefing new",
        "briefing build",
        "briefing watch",
        "GitHub Actions",
    ] {
        assert!(readme.contains(needed), "no `{needed}` in the README");
    }
    let site_yaml = read(&root.join("site.yaml"));
    assert!(site_yaml.contains("\n# cname: "), "{site_yaml}");
}

/// A new site with its time zone set to Dhaka.
fn dhaka_site() -> (tempfile::TempDir, PathBuf) {
    let (temp, root) = init(&[]);
    let config = root.join("site.yaml");
    let text = read(&config);
    assert!(text.contains("\ntimezone: UTC\n"));
    std::fs::write(
        &config,
        text.replace("\ntimezone: UTC\n", "\ntimezone: Asia/Dhaka\n"),
    )
    .unwrap();
    (temp, root)
}

#[test]
fn new_bengali_title_gets_a_bengali_slug_and_builds_as_a_draft() {
    let (_temp, root) = dhaka_site();
    let out = new(&root, &["উত্তর কোরিয়া ও রাশিয়া", "--lang", "bn"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "content/articles/উত্তর-কোরিয়া-ও-রাশিয়া.md\n");
    let text = read(&root.join("content/articles/উত্তর-কোরিয়া-ও-রাশিয়া.md"));
    assert!(
        text.starts_with("---\ntitle: \"উত্তর কোরিয়া ও রাশিয়া\"\ndate: 20"),
        "{text}"
    );
    let date = text.lines().nth(2).unwrap().strip_prefix("date: ").unwrap();
    // RFC 3339 to the minute, in the site's zone: 2026-11-29T13:05:00+06:00.
    assert_eq!(date.len(), 25, "{date}");
    assert!(date.ends_with(":00+06:00"), "{date}");
    assert!(text.contains("\ndraft: true\n"));
    assert!(text.contains("\nlang: bn\n"));
    assert!(text.contains("\nsummary: \"\"\n"));

    let page = root.join("output/articles/উত্তর-কোরিয়া-ও-রাশিয়া/index.html");
    build_clean(&root, &["--drafts"]);
    let html = read(&page);
    assert!(html.contains("lang=\"bn\""), "the page is marked Bengali");
    assert!(html.contains("উত্তর কোরিয়া ও রাশিয়া"));
    build_clean(&root, &[]);
    assert!(!page.exists(), "a draft is left out without --drafts");
}

#[test]
fn new_takes_comma_separated_tags_and_a_title_with_colons_and_quotes() {
    let (_temp, root) = init(&[]);
    let title = "Sanctions: what \"snapback\" means";
    let out = new(
        &root,
        &[title, "--tags", "North Korea, Russia,UN: Security Council,"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rel = stdout(&out);
    assert_eq!(rel, "content/articles/sanctions-what-snapback-means.md\n");
    let text = read(&root.join(rel.trim_end()));
    assert!(
        text.contains(
            "\ntags:\n  - \"North Korea\"\n  - \"Russia\"\n  - \"UN: Security Council\"\n"
        ),
        "{text}"
    );
    assert!(!text.contains("\nlang:"), "{text}");

    build_clean(&root, &["--drafts"]);
    let out = root.join("output");
    let html = read(&out.join("articles/sanctions-what-snapback-means/index.html"));
    let doc = scraper::Html::parse_document(&html);
    let h1 = scraper::Selector::parse("h1").unwrap();
    let heading: String = doc.select(&h1).next().unwrap().text().collect();
    assert_eq!(heading.trim(), title);
    for tag in ["north-korea", "russia", "un-security-council"] {
        assert!(
            out.join(format!("tags/{tag}/index.html")).is_file(),
            "{tag}"
        );
    }
}

#[test]
fn new_refuses_to_overwrite_an_article() {
    let (_temp, root) = init(&[]);
    let out = new(&root, &["Kim meets Lavrov"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = root.join("content/articles/kim-meets-lavrov.md");
    std::fs::write(&file, "edited by hand\n").unwrap();

    let out = new(&root, &["Kim Meets Lavrov!"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: refusing to overwrite content/articles/kim-meets-lavrov.md: it already exists; choose another title, or another slug with --slug\n"
    );
    assert!(stdout(&out).is_empty());
    assert_eq!(read(&file), "edited by hand\n");

    // The example article is a file too.
    let out = new(&root, &["Another", "--slug", "welcome"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("content/articles/welcome.md"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn new_refuses_a_slug_another_article_already_has() {
    let (_temp, root) = init(&[]);
    let bundle = root.join("content/articles/2024/kim-visit");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::write(
        bundle.join("index.md"),
        "---\ntitle: Visit\ndate: 2024-01-01\n---\n\nText.\n",
    )
    .unwrap();
    let out = new(&root, &["Kim visit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("slug `kim-visit` already exists: content/articles/2024/kim-visit/index.md"),
        "{}",
        stderr(&out)
    );
    assert!(!root.join("content/articles/kim-visit.md").exists());
}

#[test]
fn new_slug_must_be_in_slug_form() {
    let (_temp, root) = init(&[]);
    let out = new(&root, &["Kim meets Lavrov", "--slug", "Kim Lavrov"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("use `--slug kim-lavrov`"),
        "{}",
        stderr(&out)
    );
    let out = new(&root, &["Kim meets Lavrov", "--slug", "kim-lavrov"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "content/articles/kim-lavrov.md\n");

    let out = new(&root, &["!!!"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--slug"), "{}", stderr(&out));
}

#[test]
fn new_rejects_a_bad_language_and_a_folder_that_is_not_a_site() {
    let (temp, root) = init(&[]);
    let out = new(&root, &["Title", "--lang", "bn_BD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("BCP 47"), "{}", stderr(&out));

    let elsewhere = temp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let out = new(&elsewhere, &["Title"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a briefing site"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read_tree(&elsewhere).len(), 0);
}

#[test]
fn new_uses_the_current_folder_as_root() {
    let (_temp, root) = init(&[]);
    let out = Command::cargo_bin("briefing")
        .unwrap()
        .args(["new", "From here"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "content/articles/from-here.md\n");
    assert!(root.join("content/articles/from-here.md").is_file());
}
