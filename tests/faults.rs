//! Faults while writing: builds killed (SIGKILL) at random moments, two builds on one output,
//! a read-only output folder, a full disk. The previous output must survive each one whole,
//! and the next build must tidy up after it.

mod common;

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{fixture, read_tree, stderr};

fn briefing() -> Command {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
}

fn build_cmd(root: &Path, output: &Path) -> Command {
    let mut cmd = briefing();
    cmd.arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(mut cmd: Command) -> Output {
    cmd.output().unwrap()
}

/// A fingerprint of every file under `dir` (path and bytes), to compare trees cheaply.
fn tree_hash(dir: &Path) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (path, bytes) in read_tree(dir) {
        path.hash(&mut h);
        bytes.hash(&mut h);
    }
    h.finish()
}

/// A site of `n` tiny articles; `variant` goes into the site title, so each variant changes
/// every page and a build from one to the other rewrites nearly every file.
fn generated_site(root: &Path, n: usize) {
    let articles = root.join("content/articles");
    std::fs::create_dir_all(&articles).unwrap();
    for i in 0..n {
        let text = format!(
            "---\ntitle: \"Report {i}\"\ndate: 2023-{:02}-{:02}\ntags: [t{}, t{}]\nsummary: \"Summary {i}\"\n---\n\nBody of report {i}.\n",
            1 + i % 12,
            1 + i % 28,
            i % 40,
            i % 7
        );
        std::fs::write(articles.join(format!("r{i:05}.md")), text).unwrap();
    }
    set_variant(root, 'A');
}

fn set_variant(root: &Path, variant: char) {
    std::fs::write(
        root.join("site.yaml"),
        format!("title: \"Desk {variant}\"\nbase_url: https://example.org/\n"),
    )
    .unwrap();
}

/// Folders a build leaves next to `output` while it runs (see src/output.rs).
fn staging_of(output: &Path) -> PathBuf {
    output.with_file_name(".output.briefing-new")
}

/// A small deterministic generator (xorshift), so a failing run can be repeated exactly.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn sigkill_at_random_moments_leaves_a_whole_site_and_the_next_build_tidies_up() {
    let site = tempfile::tempdir().unwrap();
    let root = site.path();
    generated_site(root, 250);
    let output = root.join("output");

    // The two complete sites a kill may leave: the one before, or the new one if the swap
    // was already done.
    let out = run(build_cmd(root, &output));
    assert!(out.status.success(), "{}", stderr(&out));
    let site_a = tree_hash(&output);
    set_variant(root, 'B');
    // A rebuild from one variant to the other is what the kills interrupt: time it.
    let started = Instant::now();
    assert!(run(build_cmd(root, &output)).status.success());
    let full = started.elapsed();
    let site_b = tree_hash(&output);
    assert_ne!(site_a, site_b);

    let seed = 0x5eed_u64;
    let mut rng = Rng(seed);
    let mut current = ('B', site_b);
    let (mut kills, mut before_swap, mut after_swap, mut leftovers) = (0, 0, 0, 0);
    for _ in 0..16 {
        let next = if current.0 == 'A' {
            ('B', site_b)
        } else {
            ('A', site_a)
        };
        set_variant(root, next.0);
        // Anywhere from the start to a little past a whole build (which then just finishes).
        let delay = Duration::from_micros(rng.next() % (full.as_micros() as u64 * 11 / 10 + 1));
        let mut child = build_cmd(root, &output).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        kills += 1;
        if staging_of(&output).exists() {
            leftovers += 1;
        }
        let now = tree_hash(&output);
        if now == current.1 {
            before_swap += 1;
        } else if now == next.1 {
            after_swap += 1;
            current = next;
        } else {
            panic!(
                "seed {seed:#x}, kill {kills} after {delay:?}: output/ is neither site A nor site B"
            );
        }
    }
    eprintln!(
        "{kills} kills over builds of {full:?}: {before_swap} left the previous site, {after_swap} the new one; {leftovers} left a staging folder"
    );
    assert!(
        before_swap > 0,
        "no kill landed before the swap: nothing was tested"
    );

    // The next build takes the leftovers over and ends with a clean, complete site.
    let next = if current.0 == 'A' {
        ('B', site_b)
    } else {
        ('A', site_a)
    };
    set_variant(root, next.0);
    let out = run(build_cmd(root, &output));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(tree_hash(&output), next.1);
    assert!(
        !staging_of(&output).exists(),
        "the staging folder was left behind"
    );
    let spare = output.with_file_name(".output.briefing-spare");
    assert!(!spare.exists() || spare.join(".briefing-output").is_file());
}

/// The lock file of `output` held by this test process, as another build would hold it.
fn hold_lock(output: &Path) -> briefing::output::OutputLock {
    briefing::output::OutputLock::acquire(&briefing::output::lock_path(output), Duration::ZERO)
        .unwrap()
}

#[test]
fn second_build_waits_for_the_first_to_finish() {
    let site = fixture("basic");
    let output = site.path().join("output");
    assert!(run(build_cmd(site.path(), &output)).status.success());
    let before = read_tree(&output);

    let lock = hold_lock(&output);
    let mut cmd = build_cmd(site.path(), &output);
    cmd.env("BRIEFING_LOCK_WAIT", "30");
    let child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        read_tree(&output),
        before,
        "written while the lock was held"
    );
    assert!(!staging_of(&output).exists());
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read_tree(&output), before);
}

#[test]
fn second_build_refuses_when_the_first_holds_on_naming_it() {
    let site = fixture("basic");
    let output = site.path().join("output");
    assert!(run(build_cmd(site.path(), &output)).status.success());
    let before = read_tree(&output);

    let _lock = hold_lock(&output);
    let mut cmd = build_cmd(site.path(), &output);
    cmd.env("BRIEFING_LOCK_WAIT", "0.3");
    let out = run(cmd);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("(pid {})", std::process::id())),
        "{err}"
    );
    assert_eq!(read_tree(&output), before);
    let root = site.path().display().to_string();
    insta::assert_snapshot!(
        err.replace(&root, "ROOT")
            .replace(&std::process::id().to_string(), "PID")
    );
}

#[test]
fn two_builds_on_one_output_at_once_give_one_whole_site() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generated_site(a.path(), 150);
    generated_site(b.path(), 150);
    set_variant(b.path(), 'B');
    let shared = tempfile::tempdir().unwrap();
    let output = shared.path().join("site");
    let (ref_a, ref_b) = (a.path().join("ref"), b.path().join("ref"));
    assert!(run(build_cmd(a.path(), &ref_a)).status.success());
    assert!(run(build_cmd(b.path(), &ref_b)).status.success());
    let (site_a, site_b) = (tree_hash(&ref_a), tree_hash(&ref_b));
    for round in 0..3 {
        let mut first = build_cmd(a.path(), &output);
        let mut second = build_cmd(b.path(), &output);
        first.env("BRIEFING_LOCK_WAIT", "60");
        second.env("BRIEFING_LOCK_WAIT", "60");
        let (first, second) = (first.spawn().unwrap(), second.spawn().unwrap());
        let (first, second) = (
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        );
        assert!(first.status.success(), "{}", stderr(&first));
        assert!(second.status.success(), "{}", stderr(&second));
        let now = tree_hash(&output);
        assert!(
            now == site_a || now == site_b,
            "round {round}: the output mixes two builds"
        );
    }
}

/// Runs `cmd` as the unprivileged user `nobody` (root ignores file permissions).
#[cfg(unix)]
fn as_nobody(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(65534) != 0
                || libc::setuid(65534) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(unix)]
#[test]
fn read_only_output_folder_is_a_clear_error_and_the_old_site_stays() {
    use std::os::unix::fs::PermissionsExt;
    let site = fixture("basic");
    let root = site.path();
    let output = root.join("output");
    assert!(run(build_cmd(root, &output)).status.success());
    let before = read_tree(&output);
    let article = root.join("content/articles/older-english.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replace("Lavrov", "Lavrov (updated)")).unwrap();

    // SAFETY: geteuid has no preconditions.
    let is_root = unsafe { libc::geteuid() } == 0;
    let mut cmd = build_cmd(root, &output);
    if is_root {
        // Root writes anywhere: run the build as `nobody`, for whom the site (owned by root,
        // mode 755/644) is readable and nothing in it writable.
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        as_nobody(&mut cmd);
    } else {
        for dir in [root, &output] {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
    }
    let out = run(cmd);
    if !is_root {
        for dir in [root, &output] {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let err = stderr(&out);
    eprintln!("{err}");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: cannot write "), "{err}");
    assert!(err.contains("read-only"), "{err}");
    assert!(
        err.contains("the previous output was left as it was"),
        "{err}"
    );
    assert_eq!(read_tree(&output), before);
    assert!(!staging_of(&output).exists());
    // Writable again, the same build succeeds.
    assert!(run(build_cmd(root, &output)).status.success());
}

#[cfg(unix)]
#[test]
fn disk_full_while_writing_is_a_clear_error_and_the_old_site_stays() {
    use std::os::unix::process::CommandExt;
    let site = fixture("basic");
    let root = site.path();
    let output = root.join("output");
    assert!(run(build_cmd(root, &output)).status.success());
    let before = read_tree(&output);
    // One page grows past the limit set below.
    let article = root.join("content/articles/older-english.md");
    let mut text = std::fs::read_to_string(&article).unwrap();
    text.push_str(&"\nA paragraph that makes the page long. ".repeat(4000));
    std::fs::write(&article, text).unwrap();

    // A file size limit makes the write fail the way a full disk does (an I/O error from
    // `write`, here EFBIG instead of ENOSPC), without a small file system to fill.
    let mut cmd = build_cmd(root, &output);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            // Ignored, SIGXFSZ turns into the EFBIG error instead of killing the process.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 64 << 10,
                rlim_max: 64 << 10,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = run(cmd);
    let err = stderr(&out);
    eprintln!("{err}");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: cannot write "), "{err}");
    assert!(err.contains("ulimit -f"), "{err}");
    assert!(
        err.contains("the previous output was left as it was"),
        "{err}"
    );
    assert_eq!(read_tree(&output), before);
    assert!(!staging_of(&output).exists(), "staging left behind");
    let out = run(build_cmd(root, &output));
    assert!(out.status.success(), "{}", stderr(&out));
}
