//! Hostile and odd input that the build handles rather than refuses: tags shaped like paths,
//! file names with spaces, Unicode, and names differing only in case or Unicode form, raw
//! HTML with and without `sanitize: true`.

mod common;

use std::path::Path;

use common::{build, read, stderr};

fn article(root: &Path, name: &str, front: &str, body: &str) {
    let dir = root.join("content/articles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(name),
        format!("---\ndate: 2023-10-20\n{front}---\n\n{body}\n"),
    )
    .unwrap();
}

/// Every file under `out`, relative, `/`-separated.
fn files(out: &Path) -> Vec<String> {
    common::read_tree(out)
        .into_keys()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn tags_shaped_like_paths_stay_inside_output() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    article(
        root,
        "a.md",
        "title: Paths\ntags: [\"../../etc\", \"/root/.ssh\", \"..\\\\..\\\\windows\", \"US/China\", \"...\"]\n",
        "Text.",
    );
    let out = build(root, &[]);
    let err = stderr(&out);
    // `...` has no letter or digit, so no URL: refused by name, like any such tag.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("tag `...` has no letters or digits"), "{err}");

    article(
        root,
        "a.md",
        "title: Paths\ntags: [\"../../etc\", \"/root/.ssh\", \"..\\\\..\\\\windows\", \"US/China\"]\n",
        "Text.",
    );
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let output = root.join("output");
    let all = files(&output);
    for dir in [
        "tags/etc/",
        "tags/root-ssh/",
        "tags/windows/",
        "tags/us-china/",
    ] {
        assert!(
            all.iter().any(|f| f.starts_with(dir)),
            "{dir} missing in {all:?}"
        );
    }
    // Nothing was written beside the site: the temp folder holds what it held, plus ours.
    let mut top: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(
        top,
        [".output.briefing-lock", "content", "output"],
        "{top:?}"
    );
}

#[test]
fn file_names_with_spaces_and_unicode_become_slugs() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    article(root, "Kim meets Lavrov.md", "title: A\n", "Text.");
    article(root, "উত্তর কোরিয়া.md", "title: B\n", "Text.");
    article(root, "Ünïcödé  name!.md", "title: C\n", "Text.");
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let output = root.join("output");
    for page in [
        "articles/kim-meets-lavrov/index.html",
        "articles/উত্তর-কোরিয়া/index.html",
        "articles/ünïcödé-name/index.html",
    ] {
        assert!(output.join(page).is_file(), "{page}");
    }
}

#[test]
fn names_differing_only_in_case_collide_by_name() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    article(root, "Kim.md", "title: Upper\n", "Text.");
    article(root, "kim.md", "title: Lower\n", "Text.");
    let out = build(root, &[]);
    let err = stderr(&out);
    if root.join("content/articles/Kim.md").exists()
        && std::fs::read_dir(root.join("content/articles"))
            .unwrap()
            .count()
            == 1
    {
        // A case-insensitive file system keeps one file: nothing to collide.
        assert!(out.status.success(), "{err}");
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Kim.md") && err.contains("kim.md"), "{err}");
    assert!(!root.join("output").exists());
}

#[test]
fn names_differing_only_in_unicode_form_collide_by_name() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    // কোরিয়া with the nukta composed (U+09DF) and decomposed (U+09AF U+09BC).
    let composed = "কোরি\u{09DF}া.md";
    let decomposed = "কোরি\u{09AF}\u{09BC}া.md";
    article(root, composed, "title: Composed\n", "Text.");
    article(root, decomposed, "title: Decomposed\n", "Text.");
    let out = build(root, &[]);
    let err = stderr(&out);
    let count = std::fs::read_dir(root.join("content/articles"))
        .unwrap()
        .count();
    if count == 1 {
        // A normalising file system (HFS+) keeps one file.
        assert!(out.status.success(), "{err}");
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("same URL") || err.contains("slug"), "{err}");
    assert!(err.contains(composed) && err.contains(decomposed), "{err}");
}

const RAW_HTML: &str = "Before.\n\n<script>alert('x')</script>\n\n<p onclick=\"steal()\">Click</p> <a href=\"javascript:alert(1)\">link</a> <b>bold</b>\n\n<iframe src=\"https://evil.example/\"></iframe>";

fn article_body(output: &Path) -> String {
    let html = read(&output.join("articles/raw/index.html"));
    let doc = scraper::Html::parse_document(&html);
    let body = scraper::Selector::parse("article").unwrap();
    doc.select(&body).next().map(|e| e.html()).unwrap_or(html)
}

#[test]
fn raw_html_is_trusted_by_default_and_cleaned_with_sanitize() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    article(root, "raw.md", "title: Raw\n", RAW_HTML);
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let trusted = article_body(&root.join("output"));
    assert!(trusted.contains("<script>alert('x')</script>"), "{trusted}");
    assert!(trusted.contains("onclick"), "{trusted}");

    std::fs::write(root.join("site.yaml"), "sanitize: true\n").unwrap();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let output = root.join("output");
    let clean = article_body(&output);
    for gone in [
        "alert('x')",
        "onclick",
        "javascript:",
        "<iframe",
        "evil.example",
    ] {
        assert!(!clean.contains(gone), "{gone} survived:\n{clean}");
    }
    assert!(clean.contains("<b>bold</b>"), "{clean}");
    assert!(clean.contains("Before."), "{clean}");
    // Feeds carry the cleaned body too.
    let feed = read(&output.join("atom.xml"));
    assert!(
        !feed.contains("alert(") && !feed.contains("onclick"),
        "{feed}"
    );
}
