//! `briefing watch` on the real binary: rebuilds on change, survives a broken file, stops on Ctrl-C.

mod common;

use std::path::Path;

use common::running::Running;
use common::{fixture, read, read_tree};

/// `briefing watch --root ROOT`, after its first build.
fn watch(root: &Path) -> Running {
    let w = Running::start(&["watch"], root);
    let first = w.next_stdout();
    assert!(first.contains("watching for changes"), "{first}");
    w
}

#[test]
fn rebuilds_on_change_survives_errors_and_stops_cleanly() {
    let site = fixture("basic");
    let root = site.path();
    let output = root.join("output");
    let watching = watch(root);
    assert!(output.join("articles/older-english/index.html").is_file());

    // An edit rebuilds.
    let article = root.join("content/articles/older-english.md");
    let text = read(&article);
    std::fs::write(
        &article,
        text.replace("Older English briefing", "Retitled briefing"),
    )
    .unwrap();
    let line = watching.next_stdout();
    assert!(
        line.starts_with("content/articles/older-english.md changed: "),
        "{line}"
    );
    assert!(read(&output.join("articles/older-english/index.html")).contains("Retitled briefing"));

    // A broken save prints the diagnostic and leaves the last good output alone.
    let before = read_tree(&output);
    std::fs::write(
        &article,
        text.replace("tags: [Diplomacy, North Korea]", "tags: Diplomacy"),
    )
    .unwrap();
    let err = watching.stderr_until("still watching");
    assert!(
        err.contains("content/articles/older-english.md:5:7: error:"),
        "{err}"
    );
    assert_eq!(read_tree(&output), before);

    // The next good save rebuilds; a new article appears, a deleted one disappears.
    std::fs::write(&article, &text).unwrap();
    watching.next_stdout();
    std::fs::remove_file(root.join("content/articles/windows.md")).unwrap();
    watching.next_stdout();
    assert!(!output.join("articles/windows").exists());

    // Editors that save through a temp file and a rename are seen.
    let tmp = root.join("content/articles/.older-english.md.tmp");
    std::fs::write(
        &tmp,
        text.replace("Older English briefing", "Renamed into place"),
    )
    .unwrap();
    std::fs::rename(&tmp, &article).unwrap();
    watching.next_stdout();
    assert!(read(&output.join("articles/older-english/index.html")).contains("Renamed into place"));

    let status = watching.interrupt();
    assert_eq!(status.code(), Some(0));
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".briefing-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn content_folder_deleted_and_recreated_is_watched_again() {
    let site = fixture("basic");
    let root = site.path();
    let output = root.join("output");
    let watching = watch(root);

    let saved = tempfile::tempdir().unwrap();
    common::copy_tree(&root.join("content"), saved.path());
    std::fs::remove_dir_all(root.join("content")).unwrap();
    watching.next_stdout();
    assert!(!output.join("articles/older-english").exists());

    common::copy_tree(saved.path(), &root.join("content"));
    let line = watching.next_stdout();
    assert!(line.contains("changed"), "{line}");
    // Edits inside the recreated folder are seen too.
    let article = root.join("content/articles/older-english.md");
    let text = read(&article);
    std::fs::write(
        &article,
        text.replace("Older English briefing", "Back again"),
    )
    .unwrap();
    watching.wait_until("the edit after recreation is rebuilt", || {
        read(&output.join("articles/older-english/index.html")).contains("Back again")
    });
    assert_eq!(watching.interrupt().code(), Some(0));
}

#[test]
fn a_burst_of_500_files_gives_one_rebuild() {
    let site = fixture("basic");
    let root = site.path();
    let watching = watch(root);
    // Like a `git checkout`: 500 files land at once.
    let staging = tempfile::tempdir().unwrap();
    for i in 0..500 {
        std::fs::write(
            staging.path().join(format!("burst-{i}.md")),
            format!("---\ntitle: Burst {i}\ndate: 2023-10-01\ntags: [Burst]\n---\n\nText {i}.\n"),
        )
        .unwrap();
    }
    let articles = root.join("content/articles");
    for i in 0..500 {
        let name = format!("burst-{i}.md");
        std::fs::rename(staging.path().join(&name), articles.join(&name)).unwrap();
    }
    let first = watching.next_stdout();
    assert!(first.contains("and 499 more changed"), "{first}");
    // No second rebuild follows for the same burst.
    let again = watching.stdout_within(std::time::Duration::from_secs(2));
    assert!(again.is_none(), "a second rebuild: {again:?}");
    assert!(root.join("output/articles/burst-499/index.html").is_file());
    assert_eq!(watching.interrupt().code(), Some(0));
}
