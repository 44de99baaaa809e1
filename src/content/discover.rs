//! Finding article files under `content/articles/`, skipping hidden and editor temp files.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::error::{Diagnostic, Error, Result};

/// One article on disk, before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFile {
    /// Absolute path of the Markdown file.
    pub path: PathBuf,
    /// Path relative to the site root, for messages (`content/articles/x.md`).
    pub display: PathBuf,
    /// File stem, or the folder name of a bundle (`NAME/index.md` → `NAME`).
    pub stem: String,
    /// Other files of a bundle folder, as (absolute path, path relative to the folder).
    pub assets: Vec<(PathBuf, PathBuf)>,
}

impl ArticleFile {
    /// The pixel size of the bundle file an image in the text points at (`map.svg`,
    /// `./img/a%20b.png`); `None` for other addresses or files it cannot measure.
    pub fn asset_image_size(&self, src: &str) -> Option<(u32, u32)> {
        if self.assets.is_empty() || src.contains("://") || src.starts_with('/') {
            return None;
        }
        let decoded = percent_encoding::percent_decode_str(src)
            .decode_utf8()
            .ok()?;
        let wanted = decoded.trim_start_matches("./");
        let (abs, _) = self
            .assets
            .iter()
            .find(|(_, rel)| rel.to_string_lossy().replace('\\', "/") == wanted)?;
        crate::markdown::image_size(abs)
    }
}

/// True for names the build never reads: hidden files and editors' temp and backup files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// What a symbolic link under `content/` may be: a link to a file inside the site is read like
/// the file; one pointing outside the site, at a folder, or at nothing is refused by name, so a
/// site someone else wrote cannot pull `/etc/passwd` or `~/.ssh` into the published output.
fn check_link(root: &Path, link: &Path) -> std::result::Result<(), Diagnostic> {
    let display = link.strip_prefix(root).unwrap_or(link);
    let refuse = |why: String, hint: &str| Err(Diagnostic::error(display, why).hint(hint));
    let target = match std::fs::canonicalize(link) {
        Ok(t) => t,
        Err(_) => {
            return refuse(
                format!("`{}` is a symbolic link to nothing", display.display()),
                "remove the link, or make it point at a file in the site",
            );
        }
    };
    let site = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if !target.starts_with(&site) {
        return refuse(
            format!(
                "`{}` is a symbolic link to {}, outside the site; briefing does not follow it",
                display.display(),
                target.display()
            ),
            "copy the file into the site instead of linking to it",
        );
    }
    if target.is_dir() {
        return refuse(
            format!(
                "`{}` is a symbolic link to a folder; briefing does not follow those",
                display.display()
            ),
            "move the folder here, or link its files one by one",
        );
    }
    Ok(())
}

/// Refuses a content folder (`content/`, `content/articles/`) that is a link out of the site.
fn check_folder(root: &Path, dir: &Path) -> Result<()> {
    let mut at = root.to_path_buf();
    for part in dir.strip_prefix(root).unwrap_or(dir).components() {
        at.push(part);
        if at.is_symlink() {
            check_link(root, &at).or_else(|d| {
                match at.is_dir() && d.message.contains("to a folder") {
                    // A linked folder inside the site is as good as the folder itself.
                    true => Ok(()),
                    false => Err(Error::one(d)),
                }
            })?;
        }
    }
    Ok(())
}

/// How an entry a walk found is read: a file, or a symbolic link (checked on every build,
/// since what it points at can change without an event on the link).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Link,
}

/// The files a walk of one folder found, by path. A `BTreeMap` orders paths component by
/// component, which is the order of a walk that sorts each folder's entries by name.
type Entries = BTreeMap<PathBuf, Kind>;

/// Walks `start` (`content/articles/` or a folder below it), adding every file and link.
fn walk_articles(start: &Path, into: &mut Entries) -> Result<()> {
    // Gathered first, then added at once: into an empty map that is one bulk build from
    // the walk's sorted order. Inserting 10,000 paths one by one compared them component by
    // component (some 13 comparisons each), on the one thread, before any article was read:
    // 0.9% of a cold build's CPU samples.
    let mut found = Vec::new();
    let walker = crate::fs::walk_in_name_order(start)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(start).to_path_buf();
            Error::io(&path, e.into())
        })?;
        if entry.file_type().is_file() {
            found.push((entry.into_path(), Kind::File));
        } else if entry.path_is_symlink() {
            found.push((entry.into_path(), Kind::Link));
        }
    }
    if into.is_empty() {
        *into = found.into_iter().collect();
    } else {
        into.extend(found);
    }
    Ok(())
}

/// Lists every article under `articles_dir`, sorted by path so builds are deterministic.
pub fn discover_articles(root: &Path, articles_dir: &Path) -> Result<Vec<ArticleFile>> {
    if !articles_dir.is_dir() {
        return Ok(Vec::new());
    }
    check_folder(root, articles_dir)?;
    let mut entries = Entries::new();
    walk_articles(articles_dir, &mut entries)?;
    articles_from(root, articles_dir, &entries)
}

/// The articles among the files a walk of `articles_dir` found (in path order): links are
/// checked, bundle folders gather their assets.
fn articles_from(root: &Path, articles_dir: &Path, entries: &Entries) -> Result<Vec<ArticleFile>> {
    let mut files: Vec<&Path> = Vec::with_capacity(entries.len());
    let mut refused = Vec::new();
    for (path, kind) in entries {
        match kind {
            Kind::File => files.push(path),
            Kind::Link => match check_link(root, path) {
                Ok(()) => files.push(path),
                Err(d) => refused.push(d),
            },
        }
    }
    if !refused.is_empty() {
        return Err(Error::Diagnostics(refused));
    }

    // A folder holding `index.md` (below articles/ itself) is a bundle: its other files are assets.
    let bundle_dirs: HashSet<&Path> = files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "index.md"))
        .filter_map(|p| p.parent())
        .filter(|dir| *dir != articles_dir)
        .collect();
    // The nearest enclosing bundle folder, found by walking up (no scan over all bundles).
    let bundle_of = |path: &Path| {
        path.ancestors()
            .skip(1)
            .take_while(|dir| *dir != articles_dir)
            .find_map(|dir| bundle_dirs.get(dir).copied())
    };

    let mut articles: Vec<ArticleFile> = Vec::new();
    let mut assets: Vec<(&Path, &Path, PathBuf)> = Vec::new();
    for path in files {
        let is_index = path.file_name().is_some_and(|n| n == "index.md");
        match bundle_of(path) {
            _ if is_index && path.parent().is_some_and(|d| bundle_dirs.contains(d)) => {
                let dir = path.parent().and_then(Path::file_name);
                articles.push(article(root, path, dir))
            }
            Some(dir) => {
                let rel = path.strip_prefix(dir).unwrap_or(path).to_path_buf();
                assets.push((dir, path, rel));
            }
            None if path.extension().is_some_and(|e| e == "md") => {
                articles.push(article(root, path, path.file_stem()))
            }
            None => {}
        }
    }
    if !assets.is_empty() {
        let index_of_bundle: HashMap<&Path, usize> = articles
            .iter()
            .enumerate()
            .filter(|(_, a)| a.path.file_name().is_some_and(|n| n == "index.md"))
            .filter_map(|(i, a)| Some((a.path.parent()?, i)))
            .collect();
        let mut found: Vec<(usize, PathBuf, PathBuf)> = Vec::with_capacity(assets.len());
        for (dir, path, rel) in assets {
            if let Some(&i) = index_of_bundle.get(dir) {
                found.push((i, path.to_path_buf(), rel));
            }
        }
        for (i, path, rel) in found {
            articles[i].assets.push((path, rel));
        }
    }
    Ok(articles)
}

/// Lists `content/editions/*.md` (one edition per file), sorted by path.
pub fn discover_editions(root: &Path, editions_dir: &Path) -> Result<Vec<ArticleFile>> {
    if !editions_dir.is_dir() {
        return Ok(Vec::new());
    }
    check_folder(root, editions_dir)?;
    let mut entries = Entries::new();
    scan_editions(editions_dir, &mut entries)?;
    editions_from(root, &entries)
}

/// Whether `name` can be an edition file's name.
fn edition_name(name: &str) -> bool {
    name.ends_with(".md") && !is_ignored_name(name)
}

/// Reads the editions folder: its `.md` files and links (not its folders).
fn scan_editions(editions_dir: &Path, into: &mut Entries) -> Result<()> {
    for entry in std::fs::read_dir(editions_dir).map_err(|e| Error::io(editions_dir, e))? {
        let entry = entry.map_err(|e| Error::io(editions_dir, e))?;
        if !edition_name(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let path = entry.path();
        let kind = match entry.file_type() {
            Ok(t) => kind_of(t),
            // Unknown type: decided by following the path, as a scan would.
            Err(_) => std::fs::symlink_metadata(&path)
                .ok()
                .and_then(|m| kind_of(m.file_type())),
        };
        if let Some(kind) = kind {
            into.insert(path, kind);
        }
    }
    Ok(())
}

fn kind_of(t: std::fs::FileType) -> Option<Kind> {
    if t.is_symlink() {
        Some(Kind::Link)
    } else if t.is_file() {
        Some(Kind::File)
    } else {
        None
    }
}

/// The editions among the files a scan of the editions folder found.
fn editions_from(root: &Path, entries: &Entries) -> Result<Vec<ArticleFile>> {
    let mut found = Vec::with_capacity(entries.len());
    let mut refused = Vec::new();
    for (path, kind) in entries {
        if *kind == Kind::Link {
            if let Err(d) = check_link(root, path) {
                refused.push(d);
                continue;
            }
            if !path.is_file() {
                continue;
            }
        }
        found.push(article(root, path, path.file_stem()));
    }
    if !refused.is_empty() {
        refused.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(Error::Diagnostics(refused));
    }
    Ok(found)
}

/// True if `dir` or a folder between `root` and it is a symbolic link: its files' events may
/// arrive under another path, so only a full scan is trusted.
fn linked(root: &Path, dir: &Path) -> bool {
    let mut at = root.to_path_buf();
    for part in dir.strip_prefix(root).unwrap_or(dir).components() {
        at.push(part);
        if at.is_symlink() {
            return true;
        }
    }
    false
}

/// The entries at `path` and under it (they sort together, right after `path`).
fn entries_under(entries: &Entries, path: &Path) -> Vec<(PathBuf, Kind)> {
    entries
        .range::<Path, _>((Bound::Included(path), Bound::Unbounded))
        .take_while(|(k, _)| k.starts_with(path))
        .map(|(k, kind)| (k.clone(), *kind))
        .collect()
}

/// Which files a build must look at again (stat, and read if their stamp changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recheck {
    /// Every file: nothing is known of what changed.
    All,
    /// Only these (absolute paths); every other file is as the last build saw it.
    Only(HashSet<PathBuf>),
}

impl Recheck {
    pub fn includes(&self, path: &Path) -> bool {
        match self {
            Recheck::All => true,
            Recheck::Only(paths) => paths.contains(path),
        }
    }
}

/// What the last scan of `content/articles/` and `content/editions/` found, kept between
/// builds so that a caller who knows which paths changed (the watcher) saves the walk:
/// `update` looks only at those paths, and gives the same files a full scan would.
#[derive(Debug, Clone)]
pub struct Found {
    articles_dir: PathBuf,
    editions_dir: PathBuf,
    articles: Option<Entries>,
    editions: Option<Entries>,
    /// The articles derived from `articles`, while its paths are unchanged and it holds no
    /// links: the same `Arc` from build to build tells the parse cache the list is unchanged.
    article_files: Option<Arc<Vec<ArticleFile>>>,
    /// The same for `editions`.
    edition_files: Option<Arc<Vec<ArticleFile>>>,
}

/// The article and edition files of a site, in path order.
pub type Files = (Arc<Vec<ArticleFile>>, Arc<Vec<ArticleFile>>);

impl Found {
    /// Scans both folders whole.
    pub fn scan(root: &Path, content_dir: &Path) -> Result<(Found, Files)> {
        let mut found = Found {
            articles_dir: content_dir.join("articles"),
            editions_dir: content_dir.join("editions"),
            articles: None,
            editions: None,
            article_files: None,
            edition_files: None,
        };
        found.rescan_articles(root)?;
        found.rescan_editions(root)?;
        let files = found.files(root)?;
        Ok((found, files))
    }

    fn rescan_articles(&mut self, root: &Path) -> Result<()> {
        self.article_files = None;
        self.articles = None;
        if self.articles_dir.is_dir() {
            check_folder(root, &self.articles_dir)?;
            let mut entries = Entries::new();
            walk_articles(&self.articles_dir, &mut entries)?;
            self.articles = Some(entries);
        }
        Ok(())
    }

    fn rescan_editions(&mut self, root: &Path) -> Result<()> {
        self.edition_files = None;
        self.editions = None;
        if self.editions_dir.is_dir() {
            check_folder(root, &self.editions_dir)?;
            let mut entries = Entries::new();
            scan_editions(&self.editions_dir, &mut entries)?;
            self.editions = Some(entries);
        }
        Ok(())
    }

    /// Brings the scan up to date with `changed`, the absolute paths created, modified,
    /// deleted or renamed (both names) since it was made; a path that is a folder stands for
    /// everything under it. Returns the files to look at again, for articles and editions.
    /// A change to a folder above (`content/`, the root) rescans that folder whole.
    pub fn update(
        &mut self,
        root: &Path,
        changed: &BTreeSet<PathBuf>,
    ) -> Result<(Recheck, Recheck, Files)> {
        let articles = self.update_articles(root, changed)?;
        let editions = self.update_editions(root, changed)?;
        let files = self.files(root)?;
        Ok((articles, editions, files))
    }

    fn update_articles(&mut self, root: &Path, changed: &BTreeSet<PathBuf>) -> Result<Recheck> {
        let dir = self.articles_dir.clone();
        if linked(root, &dir) {
            self.rescan_articles(root)?;
            return Ok(Recheck::All);
        }
        let touched = changed.iter().any(|p| p.starts_with(&dir));
        if !touched {
            if self.articles.is_none() == dir.is_dir() {
                // Appeared or vanished without an event for it: no trust in the rest.
                self.rescan_articles(root)?;
                return Ok(Recheck::All);
            }
            return Ok(Recheck::Only(HashSet::default()));
        }
        if changed.iter().any(|p| dir.starts_with(p)) || self.articles.is_none() || !dir.is_dir() {
            self.rescan_articles(root)?;
            return Ok(Recheck::All);
        }
        check_folder(root, &dir)?;
        let entries = self.articles.as_mut().expect("checked above");
        let mut keys_changed = false;
        let mut recheck = HashSet::default();
        // Sorted, so a folder comes before the paths inside it, which its walk covers.
        let mut covered: Option<&Path> = None;
        for path in changed {
            let Ok(rel) = path.strip_prefix(&dir) else {
                continue;
            };
            if covered.is_some_and(|c| path.starts_with(c))
                || rel
                    .components()
                    .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
            {
                continue;
            }
            // Forget what was at this path (and under it, for a folder) ...
            let before = entries_under(entries, path);
            for (k, _) in &before {
                entries.remove(k);
            }
            // ... and look again, if a walk from the articles folder would reach it.
            let reachable = path
                .ancestors()
                .skip(1)
                .take_while(|a| *a != dir)
                .all(|a| std::fs::symlink_metadata(a).is_ok_and(|m| m.is_dir()));
            if reachable {
                match std::fs::symlink_metadata(path) {
                    Ok(m) if m.is_dir() => {
                        walk_articles(path, entries)?;
                        covered = Some(path);
                    }
                    Ok(m) => {
                        if let Some(kind) = kind_of(m.file_type()) {
                            entries.insert(path.clone(), kind);
                        }
                    }
                    Err(_) => {}
                }
            }
            let after = entries_under(entries, path);
            keys_changed |= before != after;
            recheck.extend(after.into_iter().map(|(k, _)| k));
        }
        // Links are looked at again on every build: their targets change unseen.
        recheck.extend(
            entries
                .iter()
                .filter(|(_, k)| **k == Kind::Link)
                .map(|(p, _)| p.clone()),
        );
        if keys_changed {
            self.article_files = None;
        }
        Ok(Recheck::Only(recheck))
    }

    fn update_editions(&mut self, root: &Path, changed: &BTreeSet<PathBuf>) -> Result<Recheck> {
        let dir = self.editions_dir.clone();
        if linked(root, &dir) {
            self.rescan_editions(root)?;
            return Ok(Recheck::All);
        }
        let touched = changed.iter().any(|p| p.starts_with(&dir));
        if !touched {
            if self.editions.is_none() == dir.is_dir() {
                self.rescan_editions(root)?;
                return Ok(Recheck::All);
            }
            return Ok(Recheck::Only(HashSet::default()));
        }
        if changed.iter().any(|p| dir.starts_with(p)) || self.editions.is_none() || !dir.is_dir() {
            self.rescan_editions(root)?;
            return Ok(Recheck::All);
        }
        check_folder(root, &dir)?;
        let entries = self.editions.as_mut().expect("checked above");
        let mut recheck = HashSet::default();
        for path in changed {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            if path.parent() != Some(dir.as_path()) || !edition_name(&name) {
                continue;
            }
            let before = entries.remove(path);
            let after = std::fs::symlink_metadata(path)
                .ok()
                .and_then(|m| kind_of(m.file_type()));
            if let Some(kind) = after {
                entries.insert(path.clone(), kind);
            }
            if before != after {
                self.edition_files = None;
            }
            recheck.insert(path.clone());
        }
        recheck.extend(
            entries
                .iter()
                .filter(|(_, k)| **k == Kind::Link)
                .map(|(p, _)| p.clone()),
        );
        Ok(Recheck::Only(recheck))
    }

    /// The article and edition files, as `discover_articles` and `discover_editions` give them.
    fn files(&mut self, root: &Path) -> Result<Files> {
        let articles_dir = &self.articles_dir;
        let articles = kept_or_listed(&self.articles, &mut self.article_files, |entries| {
            articles_from(root, articles_dir, entries)
        })?;
        let editions = kept_or_listed(&self.editions, &mut self.edition_files, |entries| {
            editions_from(root, entries)
        })?;
        Ok((articles, editions))
    }
}

/// The files `list` makes from a folder's `entries`: the `kept` list while there is one, else
/// a new one, kept for next time unless the folder holds links (whose targets can change
/// without an event in the folder).
fn kept_or_listed(
    entries: &Option<Entries>,
    kept: &mut Option<Arc<Vec<ArticleFile>>>,
    list: impl FnOnce(&Entries) -> Result<Vec<ArticleFile>>,
) -> Result<Arc<Vec<ArticleFile>>> {
    let Some(entries) = entries else {
        return Ok(Arc::default());
    };
    if let Some(files) = kept {
        return Ok(Arc::clone(files));
    }
    let files = Arc::new(list(entries)?);
    if !entries.values().any(|k| *k == Kind::Link) {
        *kept = Some(Arc::clone(&files));
    }
    Ok(files)
}

fn article(root: &Path, path: &Path, stem: Option<&std::ffi::OsStr>) -> ArticleFile {
    ArticleFile {
        path: path.to_path_buf(),
        display: path.strip_prefix(root).unwrap_or(path).to_path_buf(),
        stem: stem
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        assets: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_ignored() {
        for name in [
            ".hidden.md",
            "a.md~",
            ".a.md.swp",
            "#a.md#",
            "4913",
            "x.tmp",
            ".#a.md",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["a.md", "উত্তর.md", "index.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_site_are_read_links_out_of_it_are_refused() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        let articles = root.join("content/articles");
        std::fs::create_dir_all(&articles).unwrap();
        std::fs::create_dir_all(root.join("drafts")).unwrap();
        std::fs::write(root.join("drafts/kept.md"), "x").unwrap();
        std::fs::write(outside.path().join("secret.md"), "x").unwrap();
        symlink(root.join("drafts/kept.md"), articles.join("kept.md")).unwrap();
        let found = discover_articles(root, &articles).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].stem, "kept");

        symlink(outside.path().join("secret.md"), articles.join("secret.md")).unwrap();
        symlink(root.join("drafts"), articles.join("folder")).unwrap();
        symlink(root.join("nowhere.md"), articles.join("gone.md")).unwrap();
        let Err(Error::Diagnostics(refused)) = discover_articles(root, &articles) else {
            panic!("links out of the site were followed");
        };
        let messages: Vec<&str> = refused.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("to a folder"), "{messages:?}");
        assert!(messages[1].contains("to nothing"), "{messages:?}");
        assert!(messages[2].contains("outside the site"), "{messages:?}");
    }

    #[test]
    fn bundles_collect_their_assets() {
        let dir = tempfile::tempdir().unwrap();
        let articles = dir.path().join("content/articles");
        std::fs::create_dir_all(articles.join("trip/img")).unwrap();
        std::fs::write(articles.join("trip/index.md"), "x").unwrap();
        std::fs::write(articles.join("trip/map.svg"), "x").unwrap();
        std::fs::write(articles.join("trip/img/a.png"), "x").unwrap();
        std::fs::write(articles.join("plain.md"), "x").unwrap();
        std::fs::write(articles.join(".plain.md.swp"), "x").unwrap();
        let found = discover_articles(dir.path(), &articles).unwrap();
        let stems: Vec<_> = found.iter().map(|a| a.stem.as_str()).collect();
        assert_eq!(stems, ["plain", "trip"]);
        let trip = &found[1];
        let rels: Vec<_> = trip.assets.iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(rels, [PathBuf::from("img/a.png"), PathBuf::from("map.svg")]);
        assert_eq!(
            trip.display,
            PathBuf::from("content/articles/trip/index.md")
        );
    }
    /// One change to a content tree, as a person or a `git checkout` makes it.
    #[derive(Debug, Clone)]
    enum Op {
        Write(usize, usize),
        Remove(usize, usize),
        RemoveDir(usize),
        MoveDir(usize, usize),
        MoveFile((usize, usize), (usize, usize)),
        Link(usize, usize, bool),
        Edition(usize),
        RemoveEdition(usize),
        EditionFolder,
        RemoveContent,
    }

    const DIRS: &[&str] = &["", "b1", "b2", "b1/sub", "b2/deep/er", ".hidden"];
    const NAMES: &[&str] = &["a.md", "index.md", "map.svg", ".x.md.swp", "c.md"];
    const EDITIONS: &[&str] = &["2024-01-01.md", "b.md", ".c.md", "x.txt"];

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        let d = 0..DIRS.len();
        let n = 0..NAMES.len();
        prop_oneof![
            4 => (d.clone(), n.clone()).prop_map(|(d, n)| Op::Write(d, n)),
            2 => (d.clone(), n.clone()).prop_map(|(d, n)| Op::Remove(d, n)),
            1 => d.clone().prop_map(Op::RemoveDir),
            2 => (d.clone(), d.clone()).prop_map(|(a, b)| Op::MoveDir(a, b)),
            2 => ((d.clone(), n.clone()), (d.clone(), n.clone()))
                .prop_map(|(a, b)| Op::MoveFile(a, b)),
            1 => (d, n, any::<bool>()).prop_map(|(d, n, ok)| Op::Link(d, n, ok)),
            2 => (0..EDITIONS.len()).prop_map(Op::Edition),
            1 => (0..EDITIONS.len()).prop_map(Op::RemoveEdition),
            1 => Just(Op::EditionFolder),
            1 => Just(Op::RemoveContent),
        ]
    }

    /// The highest folder `create_dir_all(dir)` would create (what a watcher reports), or none.
    fn mkdirs(dir: &Path, changed: &mut BTreeSet<PathBuf>) {
        if let Some(top) = dir.ancestors().filter(|a| !a.exists()).last() {
            changed.insert(top.to_path_buf());
        }
        std::fs::create_dir_all(dir).unwrap();
    }

    /// Applies `op`; returns the paths a watcher reports, at the least (a created or removed
    /// folder stands for its contents), and the files whose contents were written.
    fn apply(root: &Path, op: &Op, step: usize) -> (BTreeSet<PathBuf>, Vec<PathBuf>) {
        let articles = root.join("content/articles");
        let editions = root.join("content/editions");
        let mut changed = BTreeSet::new();
        let mut written = Vec::new();
        let file = |d: usize, n: usize| articles.join(DIRS[d]).join(NAMES[n]);
        match *op {
            Op::Write(d, n) => {
                let path = file(d, n);
                mkdirs(path.parent().unwrap(), &mut changed);
                std::fs::write(&path, format!("step {step}")).unwrap();
                changed.insert(path.clone());
                written.push(path);
            }
            Op::Remove(d, n) => {
                if std::fs::remove_file(file(d, n)).is_ok() {
                    changed.insert(file(d, n));
                }
            }
            Op::RemoveDir(d) => {
                let dir = articles.join(DIRS[d]);
                if std::fs::remove_dir_all(&dir).is_ok() {
                    changed.insert(dir);
                }
            }
            Op::MoveDir(a, b) => {
                let (from, to) = (articles.join(DIRS[a]), articles.join(DIRS[b]));
                if from.is_dir() && !to.exists() && !to.starts_with(&from) {
                    mkdirs(to.parent().unwrap(), &mut changed);
                    std::fs::rename(&from, &to).unwrap();
                    changed.extend([from, to]);
                }
            }
            Op::MoveFile((d1, n1), (d2, n2)) => {
                let (from, to) = (file(d1, n1), file(d2, n2));
                if from.is_file() && to.parent().unwrap().is_dir() {
                    std::fs::rename(&from, &to).unwrap();
                    changed.extend([from, to.clone()]);
                    written.push(to);
                }
            }
            Op::Link(d, n, ok) => {
                let path = file(d, n);
                mkdirs(path.parent().unwrap(), &mut changed);
                let _ = std::fs::remove_file(&path);
                // A link to a file in the site, or to nothing (refused).
                let target = root.join(if ok { "drafts/kept.md" } else { "nowhere.md" });
                #[cfg(unix)]
                std::os::unix::fs::symlink(target, &path).unwrap();
                changed.insert(path);
            }
            Op::Edition(n) => {
                let path = editions.join(EDITIONS[n]);
                mkdirs(&editions, &mut changed);
                if !path.is_dir() {
                    std::fs::write(&path, format!("step {step}")).unwrap();
                    changed.insert(path.clone());
                    written.push(path);
                }
            }
            Op::RemoveEdition(n) => {
                if std::fs::remove_file(editions.join(EDITIONS[n])).is_ok() {
                    changed.insert(editions.join(EDITIONS[n]));
                }
            }
            Op::EditionFolder => mkdirs(&editions.join("folder.md"), &mut changed),
            Op::RemoveContent => {
                if std::fs::remove_dir_all(root.join("content")).is_ok() {
                    changed.insert(root.join("content"));
                }
            }
        }
        (changed, written)
    }

    fn full_scan(root: &Path) -> std::result::Result<Files, String> {
        let content = root.join("content");
        let articles = discover_articles(root, &content.join("articles"));
        let editions = discover_editions(root, &content.join("editions"));
        match (articles, editions) {
            (Ok(a), Ok(e)) => Ok((a.into(), e.into())),
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        }
    }

    /// Runs `ops`, checking after each that updating the kept scan from the changed paths
    /// gives what a full scan gives, and that every written file is looked at again.
    fn check_ops(ops: &[Op]) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("drafts")).unwrap();
        std::fs::write(root.join("drafts/kept.md"), "kept").unwrap();
        std::fs::create_dir_all(root.join("content/articles/b1")).unwrap();
        std::fs::write(root.join("content/articles/b1/index.md"), "x").unwrap();
        let content = root.join("content");
        let mut found = Found::scan(root, &content).unwrap().0;
        for (step, op) in ops.iter().enumerate() {
            let (changed, written) = apply(root, op, step);
            let expected = full_scan(root);
            match found.update(root, &changed) {
                Ok((articles, editions, files)) => {
                    assert_eq!(Ok(&files), expected.as_ref(), "after {op:?} ({changed:?})");
                    for path in &written {
                        let listed = files
                            .0
                            .iter()
                            .chain(files.1.iter())
                            .any(|f| &f.path == path);
                        let recheck = match path.starts_with(content.join("articles")) {
                            true => &articles,
                            false => &editions,
                        };
                        assert!(
                            !listed || recheck.includes(path),
                            "{path:?} written but not looked at after {op:?}"
                        );
                    }
                }
                Err(e) => {
                    assert_eq!(Err(e.to_string()), expected, "after {op:?}");
                    // After an error the cache scans afresh, once the tree can be scanned.
                    if let Ok((fresh, _)) = Found::scan(root, &content) {
                        found = fresh;
                    }
                }
            }
        }
    }

    #[test]
    fn updating_from_changed_paths_equals_a_full_scan() {
        use Op::*;
        // A bundle folder moved in with its index.md, moved out, a folder deleted, a save
        // by rename, content/ deleted and made again, editions coming and going.
        check_ops(&[
            Write(2, 1),
            Write(2, 2),
            MoveDir(2, 4),
            Write(0, 0),
            MoveFile((0, 0), (1, 4)),
            Write(3, 1),
            RemoveDir(1),
            Write(5, 0),
            MoveDir(5, 1),
            Edition(0),
            Edition(3),
            EditionFolder,
            RemoveEdition(0),
            RemoveContent,
            Write(3, 0),
            Edition(1),
        ]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_looked_at_on_every_update() {
        use Op::*;
        check_ops(&[
            Link(0, 0, true),
            Write(1, 4),
            Link(2, 4, true),
            Link(1, 0, false),
            Remove(1, 0),
            Remove(2, 4),
        ]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 64, ..Default::default() })]
        #[test]
        fn random_changes_update_like_a_full_scan(ops in proptest::collection::vec(op(), 1..24)) {
            check_ops(&ops);
        }
    }
}
