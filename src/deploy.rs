//! `deploy`: build the site, commit the output folder as one new commit on the deploy branch
//! (`gh-pages`), and push it.
//!
//! The commit is made with git plumbing and a private index (`GIT_INDEX_FILE`), so the user's
//! working tree, index and current branch are never touched: the files of the output folder are
//! hashed into the repository (`hash-object`), listed into the private index (`update-index`),
//! written as a tree (`write-tree`), committed on top of the branch tip (`commit-tree`) and the
//! branch is moved with a compare-and-swap (`update-ref NEW OLD`). When the tree equals the tip's
//! tree, no commit is made. Every `git` run goes through [`Git::run`].

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::BuildReport;
use crate::config::{self, BuildOptions};
use crate::error::{Error, Result};
use crate::output::MARKER;

/// What `briefing deploy` was asked to do.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    pub build: BuildOptions,
    pub remote: String,
    pub branch: String,
    /// The commit message; a default naming the site, page count and source commit if None.
    pub message: Option<String>,
    pub push: bool,
}

/// What a deploy did.
#[derive(Debug)]
pub struct DeployReport {
    pub build: BuildReport,
    pub branch: String,
    pub remote: String,
    /// The new commit, or None when the branch already held exactly this output.
    pub commit: Option<String>,
    /// The branch tip after the deploy.
    pub tip: String,
    /// Files in the deployed tree (the output folder without its marker file).
    pub files: usize,
    pub pushed: bool,
}

/// Checks the branch and remote names before anything runs.
pub fn check_names(remote: &str, branch: &str) -> Result<()> {
    let bad =
        |what: &str, name: &str, why: &str| Err(Error::Usage(format!("--{what} `{name}` {why}")));
    if remote.is_empty() {
        return bad("remote", remote, "is empty");
    }
    if remote.starts_with('-') || remote.contains(char::is_whitespace) {
        return bad("remote", remote, "is not a remote name");
    }
    if branch.is_empty() {
        return bad("branch", branch, "is empty");
    }
    let invalid = branch.starts_with('-')
        || branch.starts_with('/')
        || branch.ends_with('/')
        || branch.ends_with('.')
        || branch.ends_with(".lock")
        || branch.contains("..")
        || branch.contains("//")
        || branch.contains("@{")
        || branch == "@"
        || branch.split('/').any(|part| part.starts_with('.'))
        || branch
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c));
    if invalid {
        return bad("branch", branch, "is not a valid branch name");
    }
    Ok(())
}

/// Refuses a build whose `base_url` is root-relative: its feeds and sitemap would be useless.
pub fn check_base_url(base_url: &str) -> Result<()> {
    if base_url.contains("://") {
        Ok(())
    } else {
        Err(Error::Usage(
            "base_url is not set, so feeds, the sitemap and canonical links would be root-relative; \
             set `base_url: https://your.site/` in site.yaml, or deploy with --base-url"
                .to_string(),
        ))
    }
}

/// The default commit message: `Deploy <title> (<N> pages)`, then the source commit if known.
pub fn default_message(title: &str, pages: usize, source: Option<&str>) -> String {
    let pages = match pages {
        1 => "1 page".to_string(),
        n => format!("{n} pages"),
    };
    let mut message = format!("Deploy {title} ({pages})");
    if let Some(source) = source {
        message.push_str(&format!("\n\nBuilt from commit {source}."));
    }
    message
}

/// A file of the output folder to put in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    pub executable: bool,
}

/// The `git update-index -z --index-info` input for the files and their object ids.
pub fn index_info(files: &[TreeFile], ids: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for (file, id) in files.iter().zip(ids) {
        let mode = if file.executable { "100755" } else { "100644" };
        out.extend_from_slice(format!("{mode} {id}\t{}", file.path).as_bytes());
        out.push(0);
    }
    out
}

/// What to do with a new tree, given the tree of the branch tip (None: no tip yet).
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// The tip already holds this tree: make no commit.
    NothingToDeploy,
    Commit,
}

pub fn next_step(tip_tree: Option<&str>, tree: &str) -> Step {
    match tip_tree {
        Some(t) if t == tree => Step::NothingToDeploy,
        _ => Step::Commit,
    }
}

/// Every file under `output`, sorted, without the marker file.
pub fn output_files(output: &Path) -> Result<Vec<TreeFile>> {
    let mut files = Vec::new();
    for entry in crate::fs::walk_in_name_order(output).follow_links(true) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(output).to_path_buf();
            Error::io(&path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let Some(rel) = rel.to_str() else {
            return Err(Error::Usage(format!(
                "cannot deploy {}: the file name is not UTF-8",
                entry.path().display()
            )));
        };
        let path = rel.replace(std::path::MAIN_SEPARATOR, "/");
        if path == MARKER {
            continue;
        }
        if path.contains(['\n', '\r']) {
            return Err(Error::Usage(format!(
                "cannot deploy {}: the file name holds a line break",
                entry.path().display()
            )));
        }
        files.push(TreeFile {
            path,
            executable: is_executable(entry.path()),
        });
    }
    Ok(files)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &Path) -> bool {
    false
}

/// Runs `git` in one folder, optionally with a repository and a private index.
struct Git {
    cwd: PathBuf,
    git_dir: Option<PathBuf>,
    index: Option<PathBuf>,
}

/// A finished `git` run.
struct Ran {
    ok: bool,
    stdout: String,
}

impl Git {
    /// Runs `git ARGS` (stdin fed from `input`); an error names the command and holds its stderr
    /// when `must` is set, otherwise a failure is returned as `ok: false`.
    fn run(&self, args: &[&str], input: Option<&[u8]>, must: bool) -> Result<Ran> {
        let shown = format!("git {}", args.join(" "));
        let mut command = Command::new("git");
        command
            .args(["-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(&self.cwd)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = &self.git_dir {
            command.env("GIT_DIR", dir);
        }
        if let Some(index) = &self.index {
            command.env("GIT_INDEX_FILE", index);
        }
        let mut child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Usage(
                "git is not installed (no `git` command on PATH); deploy needs it".to_string(),
            ),
            _ => Error::io(Path::new("git"), e),
        })?;
        let output = std::thread::scope(|scope| {
            // Written from a thread so that a large input cannot deadlock against the output.
            if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
                scope.spawn(move || {
                    let _ = stdin.write_all(bytes);
                });
            }
            child.wait_with_output()
        })
        .map_err(|e| Error::io(Path::new("git"), e))?;
        let ran = Ran {
            ok: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_string(),
        };
        if must && !ran.ok {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(Error::io(
                &self.cwd,
                std::io::Error::other(format!("`{shown}` failed: {}", stderr.trim())),
            ));
        }
        Ok(ran)
    }

    /// `run` that must succeed; its stdout.
    fn out(&self, args: &[&str], input: Option<&[u8]>) -> Result<String> {
        Ok(self.run(args, input, true)?.stdout)
    }

    /// `run` whose failure means "no such thing": its stdout, or None.
    fn maybe(&self, args: &[&str]) -> Result<Option<String>> {
        let ran = self.run(args, None, false)?;
        Ok(ran.ok.then_some(ran.stdout))
    }
}

/// A private index file, removed when dropped.
struct TempIndex(PathBuf);

impl Drop for TempIndex {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let _ = std::fs::remove_file(self.0.with_extension("index.lock"));
    }
}

/// Builds the site and commits (and pushes) its output; see the module documentation.
pub fn deploy(options: &DeployOptions) -> Result<DeployReport> {
    check_names(&options.remote, &options.branch)?;
    let root =
        std::path::absolute(&options.build.root).map_err(|e| Error::io(&options.build.root, e))?;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a folder; pass the site folder with --root",
            root.display()
        )));
    }
    let here = Git {
        cwd: root.clone(),
        git_dir: None,
        index: None,
    };
    let Some(git_dir) = here.maybe(&["rev-parse", "--absolute-git-dir"])? else {
        return Err(Error::Usage(format!(
            "{} is not inside a git repository; deploy commits the site to a branch of its repository (run `git init` first)",
            root.display()
        )));
    };
    let repo = Git {
        cwd: root.clone(),
        git_dir: Some(PathBuf::from(&git_dir)),
        index: None,
    };
    if options.push
        && repo
            .maybe(&["remote", "get-url", "--", &options.remote])?
            .is_none()
    {
        return Err(Error::Usage(format!(
            "the repository has no remote `{}`; add it with `git remote add {} URL`, name another with --remote, or deploy with --no-push",
            options.remote, options.remote
        )));
    }
    let branch_ref = format!("refs/heads/{}", options.branch);
    if repo.maybe(&["check-ref-format", &branch_ref])?.is_none() {
        return Err(Error::Usage(format!(
            "--branch `{}` is not a valid branch name",
            options.branch
        )));
    }
    if repo.maybe(&["symbolic-ref", "-q", "HEAD"])?.as_deref() == Some(branch_ref.as_str()) {
        return Err(Error::Usage(format!(
            "the deploy branch `{}` is the branch checked out here; deploy from your source branch, or name another with --branch",
            options.branch
        )));
    }

    let config = config::load(&options.build)?;
    check_base_url(&config.base_url)?;
    let report = crate::build(&options.build)?;

    let files = output_files(&config.output_dir)?;
    let index = TempIndex(std::env::temp_dir().join(format!(
        "briefing-deploy-{}-{}.index",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    )));
    let staged = Git {
        cwd: config.output_dir.clone(),
        git_dir: Some(PathBuf::from(&git_dir)),
        index: Some(index.0.clone()),
    };
    let mut paths = String::new();
    for file in &files {
        paths.push_str(&config.output_dir.join(&file.path).to_string_lossy());
        paths.push('\n');
    }
    let ids: Vec<String> = if files.is_empty() {
        Vec::new()
    } else {
        staged
            .out(
                &["hash-object", "-w", "--no-filters", "--stdin-paths"],
                Some(paths.as_bytes()),
            )?
            .lines()
            .map(str::to_string)
            .collect()
    };
    if ids.len() != files.len() {
        return Err(Error::io(
            &config.output_dir,
            std::io::Error::other(format!(
                "`git hash-object` gave {} ids for {} files",
                ids.len(),
                files.len()
            )),
        ));
    }
    staged.out(
        &["update-index", "-z", "--add", "--index-info"],
        Some(&index_info(&files, &ids)),
    )?;
    let tree = staged.out(&["write-tree"], None)?;
    drop(index);

    // The local branch, else the remote's (a fresh clone has only origin/gh-pages), else none.
    let remote_ref = format!("refs/remotes/{}/{}", options.remote, options.branch);
    let local_tip = repo.maybe(&[
        "rev-parse",
        "-q",
        "--verify",
        &format!("{branch_ref}^{{commit}}"),
    ])?;
    let parent = match &local_tip {
        Some(tip) => Some(tip.clone()),
        None => repo.maybe(&[
            "rev-parse",
            "-q",
            "--verify",
            &format!("{remote_ref}^{{commit}}"),
        ])?,
    };
    let parent_tree = match &parent {
        Some(p) => Some(repo.out(&["rev-parse", &format!("{p}^{{tree}}")], None)?),
        None => None,
    };
    let (commit, tip) = match (next_step(parent_tree.as_deref(), &tree), &parent) {
        (Step::NothingToDeploy, Some(parent)) if local_tip.is_some() => (None, parent.clone()),
        (step, _) => {
            // Same tree as the remote's tip but no local branch yet: create it there, no commit.
            let new = if step == Step::NothingToDeploy {
                parent.clone().unwrap_or_default()
            } else {
                let message = match &options.message {
                    Some(m) => m.clone(),
                    None => {
                        let source =
                            here.maybe(&["rev-parse", "-q", "--verify", "HEAD^{commit}"])?;
                        default_message(&config.title, report.pages, source.as_deref())
                    }
                };
                let mut args = vec!["commit-tree", tree.as_str()];
                if let Some(p) = &parent {
                    args.extend(["-p", p.as_str()]);
                }
                args.extend(["-F", "-"]);
                repo.out(&args, Some(message.as_bytes()))?
            };
            let old = local_tip.clone().unwrap_or_default();
            repo.out(
                &[
                    "update-ref",
                    "-m",
                    "briefing deploy",
                    &branch_ref,
                    &new,
                    &old,
                ],
                None,
            )?;
            ((step == Step::Commit).then(|| new.clone()), new)
        }
    };

    if options.push {
        let refspec = format!("{branch_ref}:{branch_ref}");
        repo.out(&["push", "--quiet", "--", &options.remote, &refspec], None)?;
    }
    Ok(DeployReport {
        build: report,
        branch: options.branch.clone(),
        remote: options.remote.clone(),
        commit,
        tip,
        files: files.len(),
        pushed: options.push,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(check_names("origin", "gh-pages").is_ok());
        assert!(check_names("origin", "deploy/site").is_ok());
        for branch in [
            "", "-f", "a..b", "a b", "x.lock", "a:b", "/x", "x/", ".x", "a/.b", "@",
        ] {
            let err = check_names("origin", branch).unwrap_err();
            assert!(matches!(err, Error::Usage(_)), "{branch}");
        }
        assert!(matches!(
            check_names("--upload-pack=x", "gh-pages"),
            Err(Error::Usage(_))
        ));
        assert!(matches!(check_names("", "gh-pages"), Err(Error::Usage(_))));
    }

    #[test]
    fn base_url_must_be_absolute() {
        assert!(check_base_url("https://example.org/").is_ok());
        let err = check_base_url("/").unwrap_err();
        assert!(err.to_string().contains("--base-url"), "{err}");
    }

    #[test]
    fn default_message_names_site_pages_and_source() {
        assert_eq!(
            default_message("Fixture Desk", 17, None),
            "Deploy Fixture Desk (17 pages)"
        );
        assert_eq!(
            default_message("Desk", 1, Some("abc123")),
            "Deploy Desk (1 page)\n\nBuilt from commit abc123."
        );
    }

    #[test]
    fn index_info_lines() {
        let files = [
            TreeFile {
                path: "index.html".into(),
                executable: false,
            },
            TreeFile {
                path: "tags/উত্তর/index.html".into(),
                executable: true,
            },
        ];
        let ids = ["a".repeat(40), "b".repeat(40)];
        let text = String::from_utf8(index_info(&files, &ids)).unwrap();
        assert_eq!(
            text,
            format!(
                "100644 {}\tindex.html\0100755 {}\ttags/উত্তর/index.html\0",
                ids[0], ids[1]
            )
        );
    }

    #[test]
    fn same_tree_means_nothing_to_deploy() {
        assert_eq!(next_step(Some("t1"), "t1"), Step::NothingToDeploy);
        assert_eq!(next_step(Some("t1"), "t2"), Step::Commit);
        assert_eq!(next_step(None, "t1"), Step::Commit);
    }

    #[test]
    fn output_files_skip_the_marker() {
        let dir = std::env::temp_dir().join(format!("briefing-deploy-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a")).unwrap();
        std::fs::write(dir.join(MARKER), "").unwrap();
        std::fs::write(dir.join(".nojekyll"), "").unwrap();
        std::fs::write(dir.join("a/index.html"), "x").unwrap();
        let files = output_files(&dir).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, [".nojekyll", "a/index.html"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
