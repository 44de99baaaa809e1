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

/// Issue 8: a thousand existing files rewritten at once (a search-and-replace across the
/// archive) give one rebuild that shows every change, and watching goes on.
#[test]
fn a_thousand_files_changing_at_once_give_one_rebuild_with_every_change() {
    let site = fixture("basic");
    let root = site.path();
    let articles = root.join("content/articles");
    let article = |i: usize, word: &str| {
        format!("---\ntitle: {word} {i}\ndate: 2023-10-01\ntags: [Many]\n---\n\nText {i}.\n")
    };
    for i in 0..1000 {
        std::fs::write(articles.join(format!("many-{i}.md")), article(i, "Before")).unwrap();
    }
    let watching = watch(root);
    for i in 0..1000 {
        std::fs::write(articles.join(format!("many-{i}.md")), article(i, "After")).unwrap();
    }
    let first = watching.next_stdout();
    assert!(first.contains("and 999 more changed"), "{first}");
    let again = watching.stdout_within(std::time::Duration::from_secs(2));
    assert!(again.is_none(), "a second rebuild: {again:?}");
    for i in [0, 500, 999] {
        let page = read(&root.join(format!("output/articles/many-{i}/index.html")));
        assert!(page.contains(&format!("After {i}")), "many-{i} is stale");
    }
    assert_eq!(watching.interrupt().code(), Some(0));
}

/// Issue 8: a file rewritten over and over while builds read it (an editor autosaving, a
/// sync client writing in pieces) may be read half-written; whatever a build saw, watching
/// goes on and the output ends up showing the last save.
#[test]
fn a_file_changing_while_it_is_read_ends_with_its_last_save() {
    use std::io::Write;
    let site = fixture("basic");
    let root = site.path();
    let watching = watch(root);
    let path = root.join("content/articles/older-english.md");
    let text = read(&path);
    for n in 0..200 {
        // Two writes with a gap, so a build can read the file between them: the first
        // half alone is front matter that never closes.
        let edited = text.replacen("title:", &format!("title: Save {n} of"), 1);
        let (head, tail) = edited.split_at(edited.len() / 2);
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(head.as_bytes()).unwrap();
        file.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(3));
        file.write_all(tail.as_bytes()).unwrap();
    }
    let page = root.join("output/articles/older-english/index.html");
    watching.wait_until("the last save on the page", || {
        std::fs::read_to_string(&page).is_ok_and(|html| html.contains("Save 199 of"))
    });
    assert_eq!(watching.interrupt().code(), Some(0));
}

/// Watch tells the build which paths changed, so it does not walk content/: a bundle folder
/// moved in with its index.md and assets, a folder deleted, a file moved out of a bundle and a
/// save by rename over the original must all still be seen, each the way a clean build sees it.
#[test]
fn folders_moved_in_and_deleted_and_renamed_saves_are_seen() {
    let site = fixture("basic");
    let root = site.path();
    let output = root.join("output");
    let articles = root.join("content/articles");
    let watching = watch(root);

    // A bundle folder made elsewhere and moved in whole.
    let outside = tempfile::tempdir_in(root).unwrap();
    let made = outside.path().join("moved-in");
    std::fs::create_dir_all(made.join("img")).unwrap();
    std::fs::write(
        made.join("index.md"),
        "---\ntitle: Moved in bundle\ndate: 2023-10-02\ntags: [Moving]\n---\n\nBody of the bundle.\n",
    )
    .unwrap();
    std::fs::write(
        made.join("img/pic.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    std::fs::rename(&made, articles.join("moved-in")).unwrap();
    watching.wait_until("the moved-in bundle is built", || {
        std::fs::read_to_string(output.join("articles/moved-in/index.html"))
            .is_ok_and(|html| html.contains("Moved in bundle"))
            && output.join("articles/moved-in/img/pic.svg").is_file()
    });

    // A file added to it after it moved in is seen too (the folder is watched now).
    std::fs::write(articles.join("moved-in/notes.txt"), "notes").unwrap();
    watching.wait_until("the new asset is copied", || {
        output.join("articles/moved-in/notes.txt").is_file()
    });

    // The folder deleted: its page and assets go.
    std::fs::remove_dir_all(articles.join("moved-in")).unwrap();
    watching.wait_until("the deleted bundle is gone", || {
        !output.join("articles/moved-in").exists()
    });

    // The bundled trip moved out of content/ and back under another name.
    std::fs::rename(articles.join("trip"), outside.path().join("trip")).unwrap();
    watching.wait_until("the moved-out bundle is gone", || {
        !output.join("articles/trip").exists()
    });
    std::fs::rename(outside.path().join("trip"), articles.join("journey")).unwrap();
    watching.wait_until("the bundle is back under its new name", || {
        output.join("articles/journey/index.html").is_file()
    });

    // A save through a temp file renamed over the original.
    let article = articles.join("older-english.md");
    let text = read(&article);
    let tmp = articles.join("older-english.md.tmp");
    std::fs::write(
        &tmp,
        text.replace("Older English briefing", "Saved by rename"),
    )
    .unwrap();
    std::fs::rename(&tmp, &article).unwrap();
    let page = output.join("articles/older-english/index.html");
    watching.wait_until("the renamed save is built", || {
        read(&page).contains("Saved by rename")
    });
    assert_eq!(watching.interrupt().code(), Some(0));

    // What watch left equals a clean build of the same tree.
    let watched = common::read_tree(&output);
    std::fs::remove_dir_all(&output).unwrap();
    drop(outside);
    common::build(root, &[]);
    assert_eq!(common::read_tree(&output), watched);
}
