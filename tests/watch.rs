//! `briefing watch` on the real binary: rebuilds on change, survives a broken file, stops on Ctrl-C.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{fixture, read, read_tree};

/// A running `briefing watch` with its output lines arriving on channels.
struct Watching {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

fn lines(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Watching {
    fn start(root: &Path) -> Watching {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("briefing"))
            .args(["watch", "--root"])
            .arg(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines(child.stdout.take().unwrap());
        let stderr = lines(child.stderr.take().unwrap());
        let w = Watching {
            child,
            stdout,
            stderr,
        };
        let first = w.next_stdout();
        assert!(first.contains("watching for changes"), "{first}");
        w
    }

    fn next_stdout(&self) -> String {
        self.stdout
            .recv_timeout(Duration::from_secs(20))
            .expect("no output from briefing watch within 20 s")
    }

    /// Stderr lines until one contains `needle`.
    fn stderr_until(&self, needle: &str) -> String {
        let mut seen = String::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(200)) {
                seen.push_str(&line);
                seen.push('\n');
                if line.contains(needle) {
                    return seen;
                }
            }
        }
        panic!("stderr never said {needle:?}; it said:\n{seen}");
    }

    fn interrupt(mut self) -> std::process::ExitStatus {
        // SAFETY: sending SIGINT to our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "watch did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn rebuilds_on_change_survives_errors_and_stops_cleanly() {
    let site = fixture("basic");
    let root = site.path();
    let output = root.join("output");
    let watching = Watching::start(root);
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
    let watching = Watching::start(root);

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
    let deadline = Instant::now() + Duration::from_secs(20);
    while !read(&output.join("articles/older-english/index.html")).contains("Back again") {
        assert!(
            Instant::now() < deadline,
            "edit after recreation not rebuilt"
        );
        let _ = watching.stdout.recv_timeout(Duration::from_millis(200));
    }
    assert_eq!(watching.interrupt().code(), Some(0));
}

#[test]
fn a_burst_of_500_files_gives_one_rebuild() {
    let site = fixture("basic");
    let root = site.path();
    let watching = Watching::start(root);
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
    let again = watching.stdout.recv_timeout(Duration::from_secs(2));
    assert!(again.is_err(), "a second rebuild: {again:?}");
    assert!(root.join("output/articles/burst-499/index.html").is_file());
    assert_eq!(watching.interrupt().code(), Some(0));
}
