//! `watch`: build, then rebuild on every change under content/, themes/, templates/, static/,
//! i18n/, and to site.yaml or tags.yaml.
//!
//! Directories are watched, not files, so editors that save by writing a temporary file and
//! renaming it over the original are seen. Bursts of events (a `git checkout`) are debounced
//! into one rebuild. A failed rebuild leaves the last good output as it was and keeps watching.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::BuildReport;
use crate::cache::BuildCache;
use crate::config::{self, BuildOptions};
use crate::content::is_ignored_name;
use crate::error::{Error, Result};

/// What kind of input a changed path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Content,
    Templates,
    Static,
    Config,
}

/// The longest a burst of changes is waited for before rebuilding anyway.
const MAX_SETTLE: Duration = Duration::from_secs(2);

/// How long the watch loop waits before rebuilding.
///
/// A change reaches the loop `events` after it happened (the debouncer holds each event
/// that long, so one save's several events, and both halves of a rename, arrive together).
/// The loop then waits for a gap with no new events: `quiet` after a few changed paths (one
/// save), `burst` once more have arrived (a `git checkout` writing hundreds of files, whose
/// first ones must not start a rebuild that misses the rest), at most `MAX_SETTLE` in all.
#[derive(Debug, Clone, Copy)]
pub struct Debounce {
    pub events: Duration,
    pub quiet: Duration,
    pub burst: Duration,
}

impl Debounce {
    /// One save is rebuilt about 35 ms after it (4 ms held, 1 ms tick, 30 ms quiet); a
    /// burst waits until 200 ms pass without a change (before: 100 ms held, then 100 ms
    /// quiet, so a burst survived a stall of about 100 ms; now about 200 ms). The quiet
    /// gap is what a loaded machine needs: with 10 ms, a thousand files written at once on a
    /// 2-core machine at load 8 (the watcher's threads, or the writer, not scheduled for
    /// 10 ms) gave a rebuild after the first 59 and a second one for the rest.
    pub const DEFAULT: Debounce = Debounce {
        events: Duration::from_millis(4),
        quiet: Duration::from_millis(30),
        burst: Duration::from_millis(200),
    };

    /// The gap to wait for, after `paths` changed paths (of any kind) so far.
    fn gap(&self, paths: usize) -> Duration {
        if paths <= SMALL_CHANGE {
            self.quiet
        } else {
            self.burst
        }
    }
}

/// The most paths one save touches (an editor's temp file, backup and the file itself).
const SMALL_CHANGE: usize = 4;

/// The folders a site's inputs live in, relative to the root.
const INPUT_DIRS: &[&str] = &["content", "themes", "templates", "static", "i18n"];

/// Classifies a changed path; `None` for anything the build does not read (output, hidden
/// and editor temp files, other folders). Pure, so it is table-tested.
pub fn classify(root: &Path, output: &Path, path: &Path) -> Option<Change> {
    if path.starts_with(output) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let names: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(n) => n.to_string_lossy().into_owned(),
            _ => String::new(),
        })
        .collect();
    if names.iter().any(|n| n.is_empty() || is_ignored_name(n)) {
        return None;
    }
    match names
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [config::CONFIG_FILE] | [crate::tag_aliases::FILE] => Some(Change::Config),
        ["content", ..] => Some(Change::Content),
        ["templates", ..] | ["i18n", ..] => Some(Change::Templates),
        ["static", ..] => Some(Change::Static),
        ["themes", _, "static", ..] => Some(Change::Static),
        ["themes", ..] => Some(Change::Templates),
        _ => None,
    }
}

/// What happened in one round of the watch loop.
pub enum Event<'a> {
    /// A build finished; `changed` lists the paths that caused it (empty for the first build).
    Built {
        report: &'a BuildReport,
        changed: &'a [PathBuf],
    },
    /// A build failed; the previous output is untouched.
    Failed {
        error: &'a Error,
        changed: &'a [PathBuf],
    },
    /// The watcher itself reported a problem (it keeps going).
    WatchError(String),
}

/// A message to the watch loop: file-system events, or a request to stop.
pub enum Message {
    Files(DebounceEventResult),
    Stop,
}

/// How the watch loop builds: into a place nobody sees yet (`stage`), then publishes the
/// result (`commit`) or gives it up (`abandon`). `watch` builds into the output folder
/// (`OutputBuilder`), `serve` into memory.
pub trait Builder {
    /// A build made but not published, or the error it ended in.
    type Staged;
    /// Builds, given the cache and the changed paths (relative to the root; empty for the
    /// first build).
    fn stage(&mut self, cache: &mut BuildCache, changed: &[PathBuf]) -> Self::Staged;
    /// Publishes a staged build, or reports its error.
    fn commit(
        &mut self,
        cache: &mut BuildCache,
        staged: Self::Staged,
        changed: &[PathBuf],
    ) -> Result<BuildReport>;
    /// Gives a staged build up: more changes came while it was made.
    fn abandon(&mut self, cache: &mut BuildCache, staged: Self::Staged);
}

/// `watch`'s builder: `build_with` into the output folder, in two steps.
pub struct OutputBuilder<'a>(pub &'a BuildOptions);

impl Builder for OutputBuilder<'_> {
    type Staged = Result<crate::StagedBuild>;

    fn stage(&mut self, cache: &mut BuildCache, _: &[PathBuf]) -> Self::Staged {
        crate::stage_with(self.0, cache)
    }

    fn commit(
        &mut self,
        cache: &mut BuildCache,
        staged: Self::Staged,
        _: &[PathBuf],
    ) -> Result<BuildReport> {
        staged?.commit(cache)
    }

    fn abandon(&mut self, cache: &mut BuildCache, staged: Self::Staged) {
        if let Ok(staged) = staged {
            staged.abandon(cache);
        }
    }
}

/// Builds once, then rebuilds on every relevant change until a `Message::Stop` arrives on
/// the channel whose sender `stopper` receives (hand it to a Ctrl-C handler).
///
/// A small change to content alone (one save) is built at once, while the loop waits for
/// the quiet gap that tells a save from the start of a burst; the build is published when
/// the gap passes with no other change, and given up for a build of everything otherwise.
/// So a save is on disk about when the gap ends, not a gap plus a build later, and a burst
/// still gives one published rebuild.
pub fn watch<B: Builder>(
    options: &BuildOptions,
    debounce: Debounce,
    stopper: impl FnOnce(mpsc::Sender<Message>),
    mut builder: B,
    mut report: impl FnMut(Event),
) -> Result<()> {
    let config = config::load(options)?;
    let (root, output) = (config.root.clone(), config.output_dir.clone());
    let (tx, rx) = mpsc::channel::<Message>();
    stopper(tx.clone());
    let files_tx = tx.clone();
    // The debouncer's tick: how often held events are checked for being old enough to send.
    let tick = (debounce.events / 4).max(Duration::from_millis(1));
    let mut debouncer = new_debouncer(
        debounce.events,
        Some(tick),
        move |result: DebounceEventResult| {
            let _ = files_tx.send(Message::Files(result));
        },
    )
    .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;

    // The root itself, not recursively: site.yaml, and input folders appearing or vanishing.
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;
    let mut watched: BTreeSet<PathBuf> = BTreeSet::new();
    let mut rewatch = |debouncer: &mut notify_debouncer_full::Debouncer<_, _>| {
        for dir in INPUT_DIRS.iter().map(|d| root.join(d)) {
            if dir.is_dir() && !watched.contains(&dir) {
                if debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    watched.insert(dir);
                }
            } else if !dir.is_dir() && watched.remove(&dir) {
                // Deleted (its watch went with it): watched again when it comes back.
                let _ = debouncer.unwatch(&dir);
            }
        }
    };
    rewatch(&mut debouncer);

    // Parsed files are kept between rebuilds: only changed files are read and parsed again.
    let mut cache = BuildCache::default();
    let first = builder.stage(&mut cache, &[]);
    let first = builder.commit(&mut cache, first, &[]);
    emit(&mut report, &first, &[]);
    while let Ok(first) = rx.recv() {
        // A burst (a `git checkout`) reaches us as several debounced batches: take them all,
        // until nothing new arrives for a while, and rebuild once.
        let mut round = Round::default();
        round.add(first, &root, &output);
        let settle_until = Instant::now() + MAX_SETTLE;
        let mut last_change = Instant::now();
        let mut staged: Option<(B::Staged, Vec<PathBuf>)> = None;
        loop {
            if staged.is_none()
                && round.paths <= SMALL_CHANGE
                && let Some(changed) = round.content_changes()
            {
                cache
                    .parsed
                    .note_changes(Some(changed.iter().map(PathBuf::as_path)));
                let changed = relative(&root, changed);
                staged = Some((builder.stage(&mut cache, &changed), changed));
            }
            let wait = (last_change + debounce.gap(round.paths))
                .min(settle_until)
                .saturating_duration_since(Instant::now());
            // A zero wait still takes what is already queued.
            let message = match wait.is_zero() {
                true => rx.try_recv().ok(),
                false => rx.recv_timeout(wait).ok(),
            };
            let Some(message) = message else { break };
            // The build's own folder renames beside the output are no change.
            if round.add(message, &root, &output) {
                last_change = Instant::now();
                if let Some((given_up, _)) = staged.take() {
                    builder.abandon(&mut cache, given_up);
                }
            }
            if round.stop {
                break;
            }
        }
        if round.stop {
            if let Some((given_up, _)) = staged.take() {
                builder.abandon(&mut cache, given_up);
            }
            break;
        }
        for error in round.errors.drain(..) {
            report(Event::WatchError(error));
        }
        rewatch(&mut debouncer);
        let result;
        let changed;
        if let Some((done, its_changes)) = staged.take() {
            // Nothing changed while it was made: it is the rebuild.
            changed = its_changes;
            result = builder.commit(&mut cache, done, &changed);
        } else {
            if round.changed.is_empty() && round.exact {
                continue;
            }
            // The parse cache looks only at these paths, unless anything is in doubt.
            cache.parsed.note_changes(
                round
                    .exact
                    .then(|| round.changed.iter().map(PathBuf::as_path)),
            );
            if round.changed.is_empty() {
                continue;
            }
            changed = relative(&root, &round.changed);
            let made = builder.stage(&mut cache, &changed);
            result = builder.commit(&mut cache, made, &changed);
        }
        emit(&mut report, &result, &changed);
        // A stop that came during the build is honoured now, after the build committed.
        if let Ok(Message::Stop) = rx.try_recv() {
            break;
        }
    }
    Ok(())
}

/// The changes of one round of the watch loop, message by message.
struct Round {
    /// The input paths that changed (absolute).
    changed: BTreeSet<PathBuf>,
    /// How many paths the messages named (of any kind: a burst is told by its size).
    paths: usize,
    /// Whether the events say exactly what changed: no lost events, no rescan request, and
    /// content alone (any other input is looked at whole).
    exact: bool,
    stop: bool,
    /// The watcher's own problems, to report.
    errors: Vec<String>,
}

impl Default for Round {
    fn default() -> Self {
        Round {
            changed: BTreeSet::new(),
            paths: 0,
            exact: true,
            stop: false,
            errors: Vec::new(),
        }
    }
}

impl Round {
    /// Takes in one message; true when it says something changed that the build reads (or
    /// that the watcher lost track, or stop).
    fn add(&mut self, message: Message, root: &Path, output: &Path) -> bool {
        let events = match message {
            Message::Stop => {
                self.stop = true;
                return true;
            }
            Message::Files(Err(errors)) => {
                self.exact = false;
                self.errors.extend(errors.iter().map(ToString::to_string));
                return true;
            }
            Message::Files(Ok(events)) => events,
        };
        let mut relevant = false;
        for event in &events {
            // Reading files (the build's own reads among them) is not a change.
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            if event.need_rescan() || event.paths.is_empty() {
                self.exact = false;
                relevant = true;
            }
            for path in &event.paths {
                match classify(root, output, path) {
                    Some(Change::Content) => {}
                    Some(_) => self.exact = false,
                    None => continue,
                }
                relevant = true;
                self.paths += 1;
                self.changed.insert(path.clone());
            }
        }
        relevant
    }

    /// The changed paths, when they are content files known exactly: a change a build can
    /// start on before the round is over. Not a folder: a folder stands for everything in
    /// it, and a new one is watched only once the round is over, so what is written into
    /// it meanwhile would not stop a build of it half copied.
    fn content_changes(&self) -> Option<&BTreeSet<PathBuf>> {
        let files = || self.changed.iter().all(|p| !p.is_dir());
        (self.exact && !self.stop && !self.changed.is_empty() && files()).then_some(&self.changed)
    }
}

/// `paths` relative to `root` (as given when outside it).
fn relative(root: &Path, paths: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
    paths
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| p.clone())
        })
        .collect()
}

fn emit(report: &mut impl FnMut(Event), result: &Result<BuildReport>, changed: &[PathBuf]) {
    match result {
        Ok(r) => report(Event::Built { report: r, changed }),
        Err(e) => report(Event::Failed { error: e, changed }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a recreated `content/` folder was built the moment it appeared, half
    /// copied, and files written into it meanwhile (not watched yet) did not stop that build.
    #[test]
    fn a_round_is_built_early_only_for_content_files_not_folders() {
        let site = tempfile::tempdir().unwrap();
        let articles = site.path().join("content/articles");
        std::fs::create_dir_all(&articles).unwrap();
        std::fs::write(articles.join("a.md"), "x").unwrap();
        let round = |paths: &[PathBuf]| Round {
            changed: paths.iter().cloned().collect(),
            paths: paths.len(),
            ..Round::default()
        };
        let file = articles.join("a.md");
        let gone = articles.join("deleted.md");
        assert!(round(&[file.clone(), gone]).content_changes().is_some());
        assert!(
            round(&[site.path().join("content")])
                .content_changes()
                .is_none()
        );
        assert!(
            round(&[file.clone(), articles.clone()])
                .content_changes()
                .is_none()
        );
        let inexact = Round {
            exact: false,
            ..round(std::slice::from_ref(&file))
        };
        assert!(inexact.content_changes().is_none());
    }

    #[test]
    fn classify_paths() {
        let root = Path::new("/site");
        let out = Path::new("/site/output");
        let cases: &[(&str, Option<Change>)] = &[
            ("/site/content/articles/a.md", Some(Change::Content)),
            ("/site/content/articles/কিম.md", Some(Change::Content)),
            (
                "/site/content/editions/2023-10-20.md",
                Some(Change::Content),
            ),
            ("/site/content/articles/trip/map.svg", Some(Change::Content)),
            ("/site/templates/article.html", Some(Change::Templates)),
            (
                "/site/themes/default/templates/base.html",
                Some(Change::Templates),
            ),
            (
                "/site/themes/default/static/style.css",
                Some(Change::Static),
            ),
            ("/site/static/logo.svg", Some(Change::Static)),
            ("/site/site.yaml", Some(Change::Config)),
            ("/site/tags.yaml", Some(Change::Config)),
            ("/site/i18n/bn.yaml", Some(Change::Templates)),
            ("/site/output/index.html", None),
            ("/site/.output.briefing-new/index.html", None),
            ("/site/content/articles/.a.md.swp", None),
            ("/site/content/articles/a.md~", None),
            ("/site/content/articles/#a.md#", None),
            ("/site/content/articles/.#a.md", None),
            ("/site/content/articles/4913", None),
            ("/site/content/articles/a.md.tmp", None),
            ("/site/content/.git/index", None),
            ("/site/target/debug/briefing", None),
            ("/site/README.md", None),
            ("/site/sub/site.yaml", None),
            ("/elsewhere/content/a.md", None),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(root, out, Path::new(path)), *expected, "{path}");
        }
    }
}
