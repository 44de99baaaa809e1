//! Whether `output/` already holds what a build would make: a record of the last build's
//! inputs and outputs, kept beside the output folder, so that `briefing build` with nothing
//! changed is a look at the files (tens of milliseconds), not a build (seconds).
//!
//! The record says what the output was built from (a fingerprint of the binary, the
//! configuration, the theme, `tags.yaml`, and the stamp of every file and folder under
//! `content/`), what the output folder held right after the build (the stamp of every file
//! and folder the build made), and until when the moment of the build does not matter (the
//! next future article's date or expiry). A build is skipped only when all three still
//! hold; any doubt is a full build. Folders are stamped because adding or removing a file
//! changes its folder's modification time: checking needs stats of known paths, not a walk.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::cache::Stamp;
use crate::config::Config;
use crate::error::Diagnostic;

/// Bumped when what the fingerprints cover changes, so an old record never matches.
const FORMAT: u32 = 1;

/// How recent an input's modification time may be for its stamp to be trusted. A file saved
/// within a filesystem's timestamp resolution of the build (a second or two on some) could
/// change again with the same stamp; a build that read such a file leaves no record.
const SETTLE: Duration = Duration::from_secs(2);

/// What `output/` was built from and held afterwards, and what the build reported.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Record {
    format: u32,
    /// The fingerprint of the inputs (`Inputs::digest`).
    inputs: u64,
    /// Every file and folder under `content/`, relative to the site root.
    content: Vec<PathBuf>,
    /// The fingerprint of the stamps of `made` and of the folders holding them.
    outputs: u64,
    /// Every file the build made, relative to the output folder.
    made: Vec<String>,
    /// The first moment after the build at which an article is published (its date passes)
    /// or expires, as seconds since the Unix epoch; from then on the output may be stale.
    until: Option<i64>,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub warnings: Vec<Diagnostic>,
}

/// The fingerprint of everything a build of a configuration reads, taken before the build
/// reads it: if a file changes while the build runs, the record says the old stamp and the
/// next build is a full one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    digest: u64,
    content: Vec<PathBuf>,
    /// The newest modification time under `content/`, to tell whether its stamps can be
    /// trusted (see `SETTLE`).
    newest: Option<SystemTime>,
}

/// Where the record of the output folder `output` lives: beside it, like the staging and
/// spare folders, so it is never published with the site.
pub fn path(output: &Path) -> PathBuf {
    crate::output::beside(output, "record")
}

/// Fingerprints what a build of `config` would read, or `None` when something cannot be
/// looked at (the build then reports it).
pub fn inputs(config: &Config) -> Option<Inputs> {
    let mut content = Vec::new();
    for entry in crate::fs::walk_in_name_order(&config.content_dir) {
        let path = entry.ok()?.into_path();
        content.push(path.strip_prefix(&config.root).ok()?.to_path_buf());
    }
    let (digest, newest) = digest(config, &content)?;
    Some(Inputs {
        digest,
        content,
        newest,
    })
}

/// The fingerprint of the site-wide inputs and of the stamps of `content` (paths under the
/// root), and the newest of those stamps. Symbolic links are followed: a link's target is
/// what the build reads.
fn digest(config: &Config, content: &[PathBuf]) -> Option<(u64, Option<SystemTime>)> {
    let mut hasher = crate::render::fingerprint::hasher();
    (FORMAT, env!("CARGO_PKG_VERSION")).hash(&mut hasher);
    // A new build of briefing may render differently under the same version number.
    Stamp::of(&std::env::current_exe().ok()?)
        .ok()?
        .hash(&mut hasher);
    config.fingerprint().hash(&mut hasher);
    crate::theme::fingerprint(&crate::theme::load(config).ok()?).hash(&mut hasher);
    Stamp::of(&config.root.join(crate::tag_aliases::FILE))
        .ok()
        .hash(&mut hasher);
    let stamps = stamps(&config.root, content)?;
    content.hash(&mut hasher);
    stamps.hash(&mut hasher);
    Some((
        hasher.finish(),
        stamps.iter().filter_map(Stamp::modified).max(),
    ))
}

/// The stamps of `paths` under `base`, in parallel (tens of thousands at 10,000 articles);
/// `None` if one is gone.
fn stamps<P: AsRef<Path> + Sync>(base: &Path, paths: &[P]) -> Option<Vec<Stamp>> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .with_max_len(1024)
        .map(|p| Stamp::of(&base.join(p)).ok())
        .collect()
}

/// `files` (paths in an output folder) and every folder holding one (`""` for the output
/// folder itself), in order.
fn with_folders(files: &[String]) -> Vec<&str> {
    let mut paths = vec![""];
    for file in files {
        paths.extend(file.match_indices('/').map(|(i, _)| &file[..i]));
        paths.push(file);
    }
    paths.sort_unstable();
    paths.dedup();
    paths
}

/// The fingerprint of the stamps of `files` in `output` and of the folders holding them.
fn outputs(output: &Path, files: &[String]) -> Option<u64> {
    stamps(output, &with_folders(files)).map(|s| crate::render::fingerprint::of(&s))
}

/// The record of `config`'s output folder, if it says the folder already holds what a build
/// would make now.
pub fn current(config: &Config) -> Option<Record> {
    let text = std::fs::read(path(&config.output_dir)).ok()?;
    let record: Record = serde_json::from_slice(&text).ok()?;
    let fresh = record.format == FORMAT
        && record
            .until
            .is_none_or(|until| config.now.as_second() < until)
        && digest(config, &record.content).map(|(d, _)| d) == Some(record.inputs)
        && outputs(&config.output_dir, &record.made) == Some(record.outputs);
    fresh.then_some(record)
}

/// What a successful build reports, for its record.
pub struct Built<'a> {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub warnings: &'a [Diagnostic],
    /// See `Record::until`.
    pub until: Option<jiff::Timestamp>,
}

/// Records that `config`'s output folder now holds the files `made` (paths relative to it),
/// built from `inputs`, unless an input changed too recently to trust its stamp (`SETTLE`);
/// then the next build is a full one. `started` is when the build began. A record that
/// cannot be written is no failure: the next build is a full one.
pub fn save(
    config: &Config,
    inputs: Inputs,
    made_files: impl Iterator<Item = impl AsRef<str>>,
    started: SystemTime,
    built: Built,
) {
    let settled = inputs.newest.is_none_or(|newest| newest + SETTLE < started);
    let made: Vec<String> = made_files.map(|f| f.as_ref().to_string()).collect();
    let Some(outputs) = outputs(&config.output_dir, &made).filter(|_| settled) else {
        forget(&config.output_dir);
        return;
    };
    let record = Record {
        format: FORMAT,
        inputs: inputs.digest,
        content: inputs.content,
        outputs,
        made,
        until: built.until.map(|t| t.as_second()),
        pages: built.pages,
        files: built.files,
        bytes: built.bytes,
        warnings: built.warnings.to_vec(),
    };
    // Written whole or not at all, so a killed build never leaves half a record.
    let path = path(&config.output_dir);
    let partial = path.with_extension("briefing-record-partial");
    let written = serde_json::to_vec(&record).is_ok_and(|json| {
        std::fs::write(&partial, json).is_ok() && std::fs::rename(&partial, &path).is_ok()
    });
    if !written {
        let _ = std::fs::remove_file(&partial);
        forget(&config.output_dir);
    }
}

/// Drops the record of `output`: it is about to change.
pub fn forget(output: &Path) {
    let _ = std::fs::remove_file(path(output));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_lives_beside_the_output_folder() {
        assert_eq!(
            path(Path::new("/site/output")),
            Path::new("/site/.output.briefing-record")
        );
    }

    #[test]
    fn outputs_are_checked_with_every_folder_holding_them() {
        let files = [
            "articles/এক/index.html",
            "index.html",
            "articles/দুই/index.html",
        ]
        .map(String::from);
        assert_eq!(
            with_folders(&files),
            [
                "",
                "articles",
                "articles/এক",
                "articles/এক/index.html",
                "articles/দুই",
                "articles/দুই/index.html",
                "index.html"
            ]
        );
    }
}
