//! `briefing deploy` against a real git repository with a local bare repository as `origin`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use common::{copy_tree, fixtures, stderr, stdout};

/// Runs `git ARGS` in `dir`; panics with its stderr when it fails; returns trimmed stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

/// Whether `git ARGS` succeeds in `dir`.
fn git_ok(dir: &Path, args: &[&str]) -> bool {
    std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success()
}

/// A temp folder holding `site/` (a committed copy of the basic fixture, output ignored as
/// `briefing init` does) and `remote.git` (a bare repository, the site's `origin`).
struct Repo {
    _dir: tempfile::TempDir,
    site: PathBuf,
    remote: PathBuf,
}

fn repo() -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let remote = dir.path().join("remote.git");
    std::fs::create_dir_all(&site).unwrap();
    copy_tree(&fixtures().join("basic"), &site);
    std::fs::write(site.join(".gitignore"), "/output/\n/.output.briefing-*\n").unwrap();
    git(&site, &["init", "-q", "-b", "main"]);
    git(&site, &["config", "user.name", "Deploy Test"]);
    git(&site, &["config", "user.email", "deploy@example.org"]);
    git(&site, &["config", "commit.gpgsign", "false"]);
    git(&site, &["add", "-A"]);
    git(&site, &["commit", "-q", "-m", "site"]);
    git(
        dir.path(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    git(
        &site,
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );
    Repo {
        _dir: dir,
        site,
        remote,
    }
}

fn deploy(root: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("briefing")
        .unwrap()
        .arg("deploy")
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap()
}

/// The files under `dir`, `/`-separated and sorted, without the build's marker file.
fn output_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_str()
                .unwrap()
                .replace('\\', "/")
        })
        .filter(|p| p != ".briefing-output")
        .collect();
    files.sort();
    files
}

/// `git ls-tree -r --name-only REV` as a sorted list (names unquoted).
fn tree_files(repo: &Path, rev: &str) -> Vec<String> {
    let mut files: Vec<String> = git(
        repo,
        &[
            "-c",
            "core.quotePath=false",
            "ls-tree",
            "-r",
            "--name-only",
            rev,
        ],
    )
    .lines()
    .map(str::to_string)
    .collect();
    files.sort();
    files
}

/// HEAD, the current branch, `git status --porcelain` and the index's tree of the site.
fn user_state(site: &Path) -> (String, String, String, String) {
    (
        git(site, &["rev-parse", "HEAD"]),
        git(site, &["symbolic-ref", "HEAD"]),
        git(site, &["status", "--porcelain", "--untracked-files=all"]),
        git(site, &["write-tree"]),
    )
}

fn commit_count(repo: &Path, rev: &str) -> usize {
    git(repo, &["rev-list", "--count", rev]).parse().unwrap()
}

#[test]
fn deploy_commits_the_output_pushes_it_and_leaves_the_user_alone() {
    let r = repo();
    let before = user_state(&r.site);

    let out = deploy(&r.site, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("committed "), "{text}");
    assert!(text.contains("gh-pages"), "{text}");
    assert!(text.contains("17 pages"), "{text}");
    assert!(text.contains("pushed gh-pages to origin"), "{text}");

    // The bare remote has the branch, and its tree is exactly the output folder.
    let first = git(&r.remote, &["rev-parse", "refs/heads/gh-pages"]);
    assert!(
        text.contains(&first),
        "the new commit id is printed: {text}"
    );
    let files = tree_files(&r.remote, "gh-pages");
    assert_eq!(files, output_files(&r.site.join("output")));
    assert!(files.iter().any(|f| f == ".nojekyll"), "{files:?}");
    assert!(files.iter().any(|f| f == "index.html"), "{files:?}");
    assert!(!files.iter().any(|f| f.contains(".briefing-output")));
    // File contents too, not just names.
    assert_eq!(
        git(&r.remote, &["show", "gh-pages:index.html"]),
        std::fs::read_to_string(r.site.join("output/index.html"))
            .unwrap()
            .trim_end()
    );
    // An orphan branch: one commit, no parent, not sharing the source history.
    assert_eq!(commit_count(&r.remote, "gh-pages"), 1);
    let message = git(&r.remote, &["log", "-1", "--format=%B", "gh-pages"]);
    assert!(
        message.starts_with("Deploy Fixture Desk (17 pages)"),
        "{message}"
    );
    assert!(
        message.contains(&before.0),
        "source commit named: {message}"
    );
    // The local branch is the pushed one.
    assert_eq!(git(&r.site, &["rev-parse", "refs/heads/gh-pages"]), first);

    // The user's HEAD, branch, working tree and index are untouched.
    assert_eq!(user_state(&r.site), before);

    // No change: no new commit, the tip stays.
    let out = deploy(&r.site, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing to deploy"),
        "{}",
        stdout(&out)
    );
    assert_eq!(git(&r.remote, &["rev-parse", "gh-pages"]), first);
    assert_eq!(git(&r.site, &["rev-parse", "gh-pages"]), first);
    assert_eq!(user_state(&r.site), before);

    // An edited, committed article: exactly one new commit on top of the previous deploy.
    let article = r.site.join("content/articles/older-english.md");
    let edited = std::fs::read_to_string(&article).unwrap().replacen(
        "\n---\n",
        "\n---\n\nA new opening paragraph.\n",
        1,
    );
    std::fs::write(&article, edited).unwrap();
    git(&r.site, &["commit", "-q", "-a", "-m", "edit"]);
    let edited_state = user_state(&r.site);
    let out = deploy(&r.site, &["--message", "Publish the edit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let third = git(&r.remote, &["rev-parse", "gh-pages"]);
    assert_ne!(third, first);
    assert_eq!(commit_count(&r.remote, "gh-pages"), 2);
    assert_eq!(git(&r.remote, &["rev-parse", "gh-pages^"]), first);
    assert_eq!(
        git(&r.remote, &["log", "-1", "--format=%B", "gh-pages"]),
        "Publish the edit"
    );
    let page = git(
        &r.remote,
        &["show", "gh-pages:articles/older-english/index.html"],
    );
    assert!(page.contains("A new opening paragraph."), "{page}");
    assert_eq!(
        tree_files(&r.remote, "gh-pages"),
        output_files(&r.site.join("output"))
    );
    assert_eq!(user_state(&r.site), edited_state);
}

#[test]
fn no_push_commits_locally_only() {
    let r = repo();
    let before = user_state(&r.site);
    let out = deploy(&r.site, &["--no-push", "--branch", "site"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("not pushed"), "{}", stdout(&out));
    let local = git(&r.site, &["rev-parse", "refs/heads/site"]);
    assert!(stdout(&out).contains(&local), "{}", stdout(&out));
    assert!(!git_ok(
        &r.remote,
        &["rev-parse", "-q", "--verify", "refs/heads/site"]
    ));
    assert_eq!(
        tree_files(&r.site, "site"),
        output_files(&r.site.join("output"))
    );
    assert_eq!(user_state(&r.site), before);

    // --no-push needs no remote at all.
    git(&r.site, &["remote", "remove", "origin"]);
    let out = deploy(&r.site, &["--no-push", "--branch", "site"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing to deploy"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn cname_is_deployed() {
    let r = repo();
    let yaml = r.site.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{text}cname: briefs.example.org\n")).unwrap();
    git(&r.site, &["commit", "-q", "-a", "-m", "cname"]);
    let out = deploy(&r.site, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        git(&r.remote, &["show", "gh-pages:CNAME"]),
        "briefs.example.org"
    );
}

#[test]
fn refuses_outside_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("basic"), dir.path());
    let out = Command::cargo_bin("briefing")
        .unwrap()
        .args(["deploy", "--root"])
        .arg(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .env_remove("GIT_DIR")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is not inside a git repository"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("output").exists(), "nothing was built");
}

#[test]
fn refuses_a_missing_remote() {
    let r = repo();
    let out = deploy(&r.site, &["--remote", "upstream"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no remote `upstream`"),
        "{}",
        stderr(&out)
    );
    assert!(!git_ok(
        &r.site,
        &["rev-parse", "-q", "--verify", "refs/heads/gh-pages"]
    ));
}

#[test]
fn refuses_a_root_relative_base_url() {
    let r = repo();
    let yaml = r.site.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replace("base_url: https://example.org/\n", "")).unwrap();
    let out = deploy(&r.site, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("base_url"), "{}", stderr(&out));
    assert!(!git_ok(
        &r.site,
        &["rev-parse", "-q", "--verify", "refs/heads/gh-pages"]
    ));

    // --base-url supplies it.
    let out = deploy(&r.site, &["--base-url", "https://user.github.io/briefs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let feed = git(&r.remote, &["show", "gh-pages:sitemap.xml"]);
    assert!(feed.contains("https://user.github.io/briefs/"), "{feed}");
}

#[test]
fn broken_article_exits_1_and_commits_nothing() {
    let r = repo();
    let article = r.site.join("content/articles/older-english.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, text.replacen("title:", "title: [unclosed", 1)).unwrap();
    let out = deploy(&r.site, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("content/articles/older-english.md"),
        "{}",
        stderr(&out)
    );
    assert!(!git_ok(
        &r.site,
        &["rev-parse", "-q", "--verify", "refs/heads/gh-pages"]
    ));
    assert!(!git_ok(
        &r.remote,
        &["rev-parse", "-q", "--verify", "refs/heads/gh-pages"]
    ));
}

#[test]
fn refuses_without_git() {
    let r = repo();
    let empty = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("briefing")
        .unwrap()
        .args(["deploy", "--root"])
        .arg(&r.site)
        .env("PATH", empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("git is not installed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn refuses_to_deploy_onto_the_checked_out_branch() {
    let r = repo();
    let out = deploy(&r.site, &["--branch", "main", "--no-push"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("checked out"), "{}", stderr(&out));
}

#[test]
fn a_fresh_clone_builds_on_the_remote_branch() {
    let r = repo();
    let out = deploy(&r.site, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = git(&r.remote, &["rev-parse", "gh-pages"]);
    git(&r.site, &["push", "-q", "origin", "main"]);
    // A second clone has origin/gh-pages but no local gh-pages.
    let clone_parent = tempfile::tempdir().unwrap();
    git(
        clone_parent.path(),
        &["clone", "-q", r.remote.to_str().unwrap(), "clone"],
    );
    let clone = clone_parent.path().join("clone");
    git(&clone, &["config", "user.name", "Other"]);
    git(&clone, &["config", "user.email", "other@example.org"]);
    let out = deploy(&clone, &["--base-url", "https://other.example.org/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(git(&r.remote, &["rev-parse", "gh-pages^"]), first);
}
