//! Writes rendered outputs and copied files into a fresh folder and swaps it in; the only writer.
//!
//! The build writes into a sibling of `output/` and swaps it into place only when everything
//! succeeded, so a failed or killed build leaves the previous site exactly as it was.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::fs;
use crate::render::Sink;
use crate::theme::FileSource;

/// A file in every output folder the build made; without it, a non-empty folder is not ours.
pub const MARKER: &str = ".briefing-output";

/// Files a user keeps in `output/` (e.g. to keep the empty folder in git); carried across builds.
const KEPT: &[&str] = &[".gitignore", ".gitkeep"];

/// Refuses output folders the build must never replace.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::Usage(format!(
            "refusing to build into {}: {why}; choose another --output folder",
            output.display()
        )))
    };
    if output == root || root.starts_with(output) {
        return refuse("it is the site root or contains it");
    }
    if output.starts_with(root.join("content")) {
        return refuse("it is inside content/");
    }
    if output.join("content").exists() || output.join("site.yaml").exists() {
        return refuse("it holds content/ or site.yaml, so it looks like a site, not build output");
    }
    if output.exists() {
        if !output.is_dir() {
            return refuse("it is a file");
        }
        if !output.join(MARKER).exists() {
            let foreign = std::fs::read_dir(output)
                .map_err(|e| Error::io(output, e))?
                .filter_map(|e| e.ok())
                .any(|e| !KEPT.contains(&e.file_name().to_string_lossy().as_ref()));
            if foreign {
                return refuse(&format!(
                    "it is not empty and was not made by briefing (no {MARKER} file)"
                ));
            }
        }
    }
    Ok(())
}

/// For each file of a folder: what it was made from.
pub type Made = HashMap<String, MadeFile>;

/// What one output file was made from, and by which build.
#[derive(Debug, Clone, Copy)]
pub struct MadeFile {
    /// The fingerprint of the inputs it was made from.
    fingerprint: u64,
    len: u64,
    /// The build that made it or found it current (see `Staging::build`): a staging folder's
    /// map starts as what its files were made from, and a file no build touches is stale.
    build: u64,
}

/// What a long-running process (watch) remembers between builds: what every file in
/// `output/` and in the spare folder was made from. With it, a rebuild renders only outputs
/// whose inputs changed, and knows which files of the spare folder are stale without
/// reading the folder.
#[derive(Debug, Default)]
pub struct History {
    output: Option<Arc<Made>>,
    spare: Option<Made>,
}

impl History {
    /// The files the last build made in `output/` (paths relative to it), if known.
    pub fn output_files(&self) -> Option<impl Iterator<Item = &str>> {
        Some(self.output.as_ref()?.keys().map(String::as_str))
    }
}

/// A folder next to `output/` being brought up to date; `commit` swaps it in.
///
/// The folder is the previous build's spare copy when there is one: files whose bytes did not
/// change are left alone and only changed files are rewritten, so a rebuild costs reads, not
/// new inodes (creating and deleting tens of thousands of files is what makes rebuilds slow).
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    spare: PathBuf,
    bytes: AtomicU64,
    written: AtomicUsize,
    /// The folder started empty: nothing to compare against, nothing stale to remove.
    fresh: bool,
    /// Folders made up front (see `Sink::expect`): a write into one needs no `mkdir`.
    made: std::sync::OnceLock<HashSet<String>>,
    /// Set once the swap is done; until then, dropping puts the folder back (see `Drop`).
    committed: bool,
    /// Whether `made_from` started as what the files already in the staging folder (the
    /// spare) were made from. Else it started empty and the folder's contents are unknown.
    spare_known: bool,
    /// What the files in `output/` were made from, when known.
    output_made: Option<Arc<Made>>,
    /// What the files in the staging folder were made from: this build's files (`build`
    /// set to this build's), and the spare's files no output of this build has claimed yet.
    /// Updated in place, so a rebuild that makes the same files allocates nothing here.
    made_from: Mutex<Made>,
    /// This build's mark in `made_from` (unique to it).
    build: u64,
    /// Held from `begin` until the staging folder is swapped in or put back; dropped last,
    /// after `Drop::drop` has tidied up, so the next build never sees a half-done folder.
    _lock: OutputLock,
}

impl Staging {
    /// Checks `output`, recovers from a build killed mid-swap, and readies the staging folder.
    pub fn begin(root: &Path, output: &Path) -> Result<Staging> {
        Staging::begin_with(root, output, &mut History::default())
    }

    /// `begin`, knowing from `history` what the files in the folders were made from. The
    /// spare folder is about to change, so `history` forgets it until `commit` succeeds.
    pub fn begin_with(root: &Path, output: &Path, history: &mut History) -> Result<Staging> {
        let spare_made = history.spare.take();
        check_output_dir(root, output)?;
        Staging::begin_checked(output, spare_made, history.output.clone()).map_err(Error::writing)
    }

    fn begin_checked(
        output: &Path,
        spare_made: Option<Made>,
        output_made: Option<Arc<Made>>,
    ) -> Result<Staging> {
        let parent = output.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        // Another build writing here would share the staging folder: wait for it, or refuse.
        let lock = OutputLock::acquire(&lock_path(output), lock_wait())?;
        let staging = beside(output, "new");
        let spare = beside(output, "spare");
        let ours = |dir: &Path| dir.join(MARKER).is_file();

        // Killed between the two renames of a swap (only where the swap is not atomic):
        // the previous output is the spare; put it back.
        // What the history says of the folders holds only if they are where it left them.
        let (mut spare_made, mut output_made) = (spare_made, output_made);
        if !output.exists() {
            spare_made = None;
            output_made = None;
        }
        if !output.exists() && ours(&spare) {
            fs::rename(&spare, output)?;
        }
        // Reuse a leftover staging folder (a killed build) or else the spare; never a stranger's.
        if staging.exists() && !ours(&staging) {
            fs::remove_dir_all(&staging)?;
        }
        // Only a spare folder is known to hold what `history` says; a leftover staging
        // folder holds whatever a killed build left.
        if staging.exists() {
            spare_made = None;
        }
        if !staging.exists() && ours(&spare) {
            fs::rename(&spare, &staging)?;
        }
        fs::remove_dir_all(&spare)?;
        let fresh = !staging.exists();
        fs::create_dir_all(&staging)?;

        let me = Staging {
            output: output.to_path_buf(),
            staging,
            spare,
            bytes: AtomicU64::new(0),
            written: AtomicUsize::new(0),
            fresh,
            made: std::sync::OnceLock::new(),
            committed: false,
            spare_known: !fresh && spare_made.is_some(),
            output_made,
            made_from: Mutex::new(if fresh { None } else { spare_made }.unwrap_or_default()),
            build: crate::content::next_version(),
            _lock: lock,
        };
        me.put(MARKER, b"")?;
        for kept in KEPT {
            let from = output.join(kept);
            if from.is_file() {
                me.put(kept, &fs::read(&from)?)?;
            }
        }
        // Count only the site's own files in the report.
        me.written.store(0, Ordering::Relaxed);
        me.bytes.store(0, Ordering::Relaxed);
        Ok(me)
    }

    /// Removes stale files, then swaps the staging folder in; the old output becomes the spare.
    /// `history` learns what the folders now hold.
    pub fn commit(mut self, history: &mut History) -> Result<CommitReport> {
        let had_output = self.output.exists();
        // The output is about to change: what its record says no longer holds.
        crate::record::forget(&self.output);
        self.swap_in().map_err(Error::writing)?;
        self.committed = true;
        let made = std::mem::take(&mut *self.made_from.lock().unwrap_or_else(|e| e.into_inner()));
        // Drop the history's share first, so the map is moved, not copied.
        history.output = None;
        // The old output is the spare only if it made it there (see `swap`).
        history.spare = if had_output && self.spare.join(MARKER).is_file() {
            self.output_made.take().map(Arc::unwrap_or_clone)
        } else {
            None
        };
        history.output = Some(Arc::new(made));
        Ok(CommitReport {
            bytes: self.bytes.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
        })
    }

    /// Gives the build up and leaves the output folder alone: the staging folder goes back
    /// to being the spare, and `history` learns what it now holds (the spare's files and
    /// what this build wrote), so the next build reuses them instead of starting unknown.
    pub fn abandon(self, history: &mut History) {
        if self.fresh {
            // Dropping removes it: nothing to know.
            return;
        }
        let made = std::mem::take(&mut *self.made_from.lock().unwrap_or_else(|e| e.into_inner()));
        let (staging, spare) = (self.staging.clone(), self.spare.clone());
        // Dropping moves the folder back to the spare's place.
        drop(self);
        if !staging.exists() && spare.join(MARKER).is_file() {
            history.spare = Some(made);
        }
    }

    fn swap_in(&mut self) -> Result<()> {
        if !self.fresh {
            // Every output of the build is in `made_from` with this build's mark (recorded
            // as reused or written; a build that failed to make one never gets here):
            // anything else is stale.
            let mut made = self.made_from.lock().unwrap_or_else(|e| e.into_inner());
            if self.spare_known {
                // Known contents: the stale files are the spare's that this build did not make.
                let build = self.build;
                let mut removed = Ok(());
                made.retain(|path, file| {
                    if file.build == build {
                        return true;
                    }
                    if removed.is_ok() {
                        removed = remove_file_and_empty_parents(&self.staging, path);
                    }
                    false
                });
                removed?;
            } else {
                remove_stale(&self.staging, &self.staging, &made)?;
            }
        }
        if self.output.exists() {
            swap(&self.output, &self.staging, &self.spare)?;
        } else {
            fs::rename(&self.staging, &self.output)?;
        }
        Ok(())
    }

    /// Remembers the size of `path`, with the fingerprint `reuse_all` recorded for it.
    fn record(&self, path: &str, len: u64) {
        let mut made = self.made_from.lock().unwrap_or_else(|e| e.into_inner());
        // Files made without a fingerprint (the marker, kept files) get one that matches
        // nothing, so they are never reused, only known.
        let build = self.build;
        let unique = || MadeFile {
            fingerprint: crate::content::next_version(),
            len,
            build,
        };
        match made.get_mut(path) {
            Some(file) if file.build == build => file.len = len,
            Some(file) => *file = unique(),
            None => {
                made.insert(path.to_string(), unique());
            }
        }
    }

    /// Makes `path` hold `bytes`, writing only when its bytes differ.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.record(path, bytes.len() as u64);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        let target = self.staging.join(path);
        if self.fresh {
            return self.write_new(&target, bytes);
        }
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
                if fs::read(&target)? == bytes {
                    return Ok(());
                }
            }
            Ok(meta) if meta.is_dir() => fs::remove_dir_all(&target)?,
            Ok(_) => {}
            Err(_) => {
                if let Some(dir) = target.parent() {
                    fs::create_dir_all(dir)?;
                }
            }
        }
        // The staging folder is nobody's to read until it is swapped in.
        fs::overwrite(&target, bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Writes a file into a folder that started empty: try the write, make the folder if missing.
    fn write_new(&self, target: &Path, bytes: &[u8]) -> Result<()> {
        // A page's own folder (`articles/<slug>/`) is made here, by the thread that writes
        // it, so folder creation runs alongside rendering instead of before it.
        if let (Some(made), Some(dir)) = (self.made.get(), target.parent()) {
            let rel = dir
                .strip_prefix(&self.staging)
                .unwrap_or(dir)
                .to_string_lossy();
            if !made.contains(rel.as_ref()) {
                match std::fs::create_dir(dir) {
                    Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                        fs::create_dir_all(dir)?;
                    }
                    _ => {}
                }
            }
        }
        if let Err(e) = std::fs::write(target, bytes) {
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(Error::io(target, e));
            }
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::write(target, bytes)?;
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// A build that stopped after output began (a template error while rendering, a full disk)
/// leaves things as they were: a fresh folder goes, a reused spare becomes the spare again.
impl Drop for Staging {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        if self.fresh {
            let _ = std::fs::remove_dir_all(&self.staging);
        } else if !self.spare.exists() {
            let _ = std::fs::rename(&self.staging, &self.spare);
        }
    }
}

/// The path `.NAME.briefing-KIND` beside the output folder `NAME`: the staging and spare
/// folders, the lock file and the build's record are one family, so one ignore rule covers
/// them all.
pub fn beside(output: &Path, kind: &str) -> PathBuf {
    let parent = output.parent().unwrap_or(Path::new("."));
    let name = output
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    parent.join(format!(".{name}.briefing-{kind}"))
}

/// The lock file of an output folder: `.output.briefing-lock` next to `output/`.
pub fn lock_path(output: &Path) -> PathBuf {
    beside(output, "lock")
}

/// How long a build waits for another build's write phase before refusing: 10 s, or
/// `BRIEFING_LOCK_WAIT` seconds (scripts that know better, and the tests, set it).
fn lock_wait() -> Duration {
    std::env::var("BRIEFING_LOCK_WAIT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(Duration::from_secs(10), Duration::from_secs_f64)
}

/// An exclusive advisory lock (`flock`) on an output folder's lock file.
///
/// The kernel drops the lock when the process dies, even by SIGKILL, so a killed build never
/// leaves a stale lock behind; the file itself stays (deleting a lock file races with a build
/// that has just opened it). It holds the holder's process id, for the refusal message.
pub struct OutputLock {
    /// Closing it releases the lock.
    _file: std::fs::File,
}

impl OutputLock {
    /// Takes the lock at `path`, retrying for up to `wait`; refuses, naming the holder, after.
    pub fn acquire(path: &Path, wait: Duration) -> Result<OutputLock> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        let started = Instant::now();
        loop {
            match try_lock(&file) {
                Ok(true) => break,
                Ok(false) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Ok(false) => {
                    let holder = std::fs::read_to_string(path).unwrap_or_default();
                    let holder = match holder.trim() {
                        "" => "another briefing process".to_string(),
                        pid => format!("another briefing process (pid {pid})"),
                    };
                    let output = path.with_file_name(
                        path.file_name()
                            .map(|n| n.to_string_lossy())
                            .unwrap_or_default()
                            .trim_start_matches('.')
                            .trim_end_matches(".briefing-lock"),
                    );
                    return Err(Error::Usage(format!(
                        "{holder} is writing to {}: waited {:.1} s for it to finish; run one build at a time, or try again when it is done (lock file: {})",
                        output.display(),
                        wait.as_secs_f64(),
                        path.display()
                    )));
                }
                Err(e) => return Err(Error::io(path, e)),
            }
        }
        // Say who holds it; a failure to write the note does not matter to the lock.
        let _ = file.set_len(0);
        let _ = std::io::Write::write_all(&mut &file, std::process::id().to_string().as_bytes());
        Ok(OutputLock { _file: file })
    }
}

/// One non-blocking attempt: Ok(false) when another open file holds the lock.
#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: a valid open descriptor; flock does not keep any pointer.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

/// Elsewhere there is no lock (see README: Reliability).
#[cfg(not(unix))]
fn try_lock(_file: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

/// What the commit did: bytes of the whole site, and how many files had to be (re)written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommitReport {
    pub bytes: u64,
    pub written: usize,
}

impl Sink for Staging {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.put(path, bytes).map_err(Error::writing)
    }

    /// In a fresh folder, makes the shared folders (every parent of a page's own folder)
    /// once, parents first, so that no write has to fail first.
    fn expect(&self, paths: &mut dyn Iterator<Item = &str>) -> Result<()> {
        self.make_shared_dirs(paths).map_err(Error::writing)
    }

    fn copy(&self, path: &str, source: &FileSource) -> Result<()> {
        let bytes = source.bytes()?;
        self.put(path, &bytes).map_err(Error::writing)
    }

    /// The spare folder's file is reused when it was made from the same inputs; else the
    /// output's file is copied over when that one was (it changed in the last build).
    fn reuse(&self, path: &str, fingerprint: u64) -> Result<bool> {
        Ok(self.reuse_all(&[(path, fingerprint)])?[0])
    }

    /// `reuse` for a batch, under one lock: the spare's files are claimed in place, and the
    /// copies from `output/` run in parallel, outside the lock.
    fn reuse_all(&self, outputs: &[(&str, u64)]) -> Result<Vec<bool>> {
        use rayon::prelude::*;
        let build = self.build;
        // Some(len) when the spare's file is what the fingerprint makes: it is this build's now.
        let spare: Vec<Option<u64>> = {
            let mut made = self.made_from.lock().unwrap_or_else(|e| e.into_inner());
            outputs
                .iter()
                .map(|&(path, fingerprint)| match made.get_mut(path) {
                    Some(file) if file.build != build && file.fingerprint == fingerprint => {
                        file.build = build;
                        Some(file.len)
                    }
                    _ => None,
                })
                .collect()
        };
        let lengths: Vec<Option<u64>> = outputs
            .par_iter()
            .zip(&spare)
            .map(|(&(path, fingerprint), spare)| match spare {
                Some(len) => Ok(Some(*len)),
                None => self.copied_from_output(path, fingerprint),
            })
            .collect::<Result<_>>()?;
        let mut made = self.made_from.lock().unwrap_or_else(|e| e.into_inner());
        for ((&(path, fingerprint), len), spare) in outputs.iter().zip(&lengths).zip(&spare) {
            if let Some(len) = len {
                self.bytes.fetch_add(*len, Ordering::Relaxed);
            }
            if spare.is_some() {
                continue;
            }
            // Not reused: the bytes come next, through `file` or `copy`.
            let file = MadeFile {
                fingerprint,
                len: len.unwrap_or(0),
                build,
            };
            match made.get_mut(path) {
                Some(old) => *old = file,
                None => {
                    made.insert(path.to_string(), file);
                }
            }
        }
        Ok(lengths.iter().map(Option::is_some).collect())
    }
}

impl Staging {
    /// The length of `path` once copied into the staging folder from `output/`, when the
    /// file there was made from the same inputs (it changed in the last build).
    fn copied_from_output(&self, path: &str, fingerprint: u64) -> Result<Option<u64>> {
        let Some(len) = self
            .output_made
            .as_deref()
            .and_then(|made| made.get(path))
            .filter(|file| file.fingerprint == fingerprint)
            .map(|file| file.len)
        else {
            return Ok(None);
        };
        let target = self.staging.join(path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(Error::writing)?;
        }
        // Someone may have deleted or changed `output/` since: then render it anew.
        let from = self.output.join(path);
        match std::fs::metadata(&from) {
            Ok(meta) if meta.len() == len && std::fs::copy(&from, &target).is_ok() => {
                self.written.fetch_add(1, Ordering::Relaxed);
                Ok(Some(len))
            }
            _ => Ok(None),
        }
    }
}

impl Staging {
    fn make_shared_dirs(&self, paths: &mut dyn Iterator<Item = &str>) -> Result<()> {
        if !self.fresh {
            return Ok(());
        }
        let mut shared: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        for path in paths {
            let mut dir = path;
            // Skip the file's own folder; keep every folder above it.
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                if dir.len() < path.rfind('/').unwrap_or(0) {
                    shared.insert(dir);
                }
            }
        }
        for dir in &shared {
            let path = self.staging.join(dir);
            match std::fs::create_dir(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => fs::create_dir_all(&path)?,
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(Error::io(&path, e));
                }
                _ => {}
            }
        }
        let mut made: HashSet<String> = shared.into_iter().map(String::from).collect();
        made.insert(String::new());
        let _ = self.made.set(made);
        Ok(())
    }
}

/// Removes `path` under `base` (gone already is fine), then its folders that became empty.
fn remove_file_and_empty_parents(base: &Path, path: &str) -> Result<()> {
    let target = base.join(path);
    match std::fs::remove_file(&target) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(&target, e)),
        _ => {}
    }
    let mut dir = target.parent();
    while let Some(d) = dir {
        if d == base || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}

/// Deletes every file under `dir` that the build did not produce, and folders left empty.
fn remove_stale(base: &Path, dir: &Path, produced: &Made) -> Result<bool> {
    let mut empty = true;
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let is_dir = entry.file_type().map_err(|e| Error::io(&path, e))?.is_dir();
        if is_dir {
            if remove_stale(base, &path, produced)? {
                std::fs::remove_dir(&path).map_err(|e| Error::io(&path, e))?;
            } else {
                empty = false;
            }
            continue;
        }
        let rel = path
            .strip_prefix(base)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if produced.contains_key(&rel) {
            empty = false;
        } else {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(empty)
}

/// Exchanges `output` and `staging` in one atomic step where the OS can (Linux), else with two
/// renames that `Staging::begin` knows how to undo; the old output ends up as `spare`.
fn swap(output: &Path, staging: &Path, spare: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        if exchange(output, staging).is_ok() {
            // The new site is in place: a failure to move the old one aside is no failure of
            // the build (the next build takes the leftover staging folder as it is).
            let _ = std::fs::rename(staging, spare);
            return Ok(());
        }
    }
    fs::rename(output, spare)?;
    if let Err(e) = fs::rename(staging, output) {
        let _ = fs::rename(spare, output);
        return Err(e);
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths; renameat2 does not keep the pointers.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_root_and_site_like_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(&root.join("a/b"), &root.join("a")).is_err());
        assert!(check_output_dir(root, &root.join("content/out")).is_err());
        std::fs::create_dir_all(root.join("other/content")).unwrap();
        assert!(check_output_dir(root, &root.join("other")).is_err());
    }

    #[test]
    fn refuses_foreign_non_empty_folder_but_accepts_gitignore_only() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(".gitignore"), "*\n").unwrap();
        assert!(check_output_dir(dir.path(), &out).is_ok());
        std::fs::write(out.join("thesis.docx"), "precious").unwrap();
        let err = check_output_dir(dir.path(), &out).unwrap_err().to_string();
        assert!(err.contains("not made by briefing"), "{err}");
        std::fs::write(out.join(MARKER), "").unwrap();
        assert!(check_output_dir(dir.path(), &out).is_ok());
    }
}
