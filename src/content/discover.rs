//! Finding article files under `content/articles/`, skipping hidden and editor temp files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

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

/// Lists every article under `articles_dir`, sorted by path so builds are deterministic.
pub fn discover_articles(root: &Path, articles_dir: &Path) -> Result<Vec<ArticleFile>> {
    if !articles_dir.is_dir() {
        return Ok(Vec::new());
    }
    check_folder(root, articles_dir)?;
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let walker = WalkDir::new(articles_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(articles_dir).to_path_buf();
            Error::io(&path, e.into())
        })?;
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        } else if entry.path_is_symlink() {
            match check_link(root, entry.path()) {
                Ok(()) => files.push(entry.into_path()),
                Err(d) => refused.push(d),
            }
        }
    }
    if !refused.is_empty() {
        return Err(Error::Diagnostics(refused));
    }

    // A folder holding `index.md` (below articles/ itself) is a bundle: its other files are assets.
    let bundle_dirs: HashSet<PathBuf> = files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "index.md"))
        .filter_map(|p| p.parent())
        .filter(|dir| *dir != articles_dir)
        .map(Path::to_path_buf)
        .collect();
    // The nearest enclosing bundle folder, found by walking up (no scan over all bundles).
    let bundle_of = |path: &Path| {
        path.ancestors()
            .skip(1)
            .take_while(|dir| *dir != articles_dir)
            .find_map(|dir| bundle_dirs.get(dir))
    };

    let mut articles: Vec<ArticleFile> = Vec::new();
    let mut assets: Vec<(PathBuf, PathBuf, PathBuf)> = Vec::new();
    for path in files {
        let is_index = path.file_name().is_some_and(|n| n == "index.md");
        match bundle_of(&path) {
            _ if is_index && path.parent().is_some_and(|d| bundle_dirs.contains(d)) => {
                let dir = path.parent().and_then(Path::file_name);
                articles.push(article(root, &path, dir))
            }
            Some(dir) => {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                assets.push((dir.clone(), path, rel));
            }
            None if path.extension().is_some_and(|e| e == "md") => {
                articles.push(article(root, &path, path.file_stem()))
            }
            None => {}
        }
    }
    let index_of_bundle: HashMap<PathBuf, usize> = articles
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((a.path.parent()?.to_path_buf(), i)))
        .collect();
    for (dir, path, rel) in assets {
        if let Some(&i) = index_of_bundle.get(&dir) {
            articles[i].assets.push((path, rel));
        }
    }
    Ok(articles)
}

/// Lists `content/editions/*.md` (one edition per file), sorted by path.
pub fn discover_editions(root: &Path, editions_dir: &Path) -> Result<Vec<ArticleFile>> {
    let mut found = Vec::new();
    if !editions_dir.is_dir() {
        return Ok(found);
    }
    check_folder(root, editions_dir)?;
    let mut refused = Vec::new();
    for entry in std::fs::read_dir(editions_dir).map_err(|e| Error::io(editions_dir, e))? {
        let path = entry.map_err(|e| Error::io(editions_dir, e))?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with(".md") || is_ignored_name(&name) {
            continue;
        }
        if path.is_symlink()
            && let Err(d) = check_link(root, &path)
        {
            refused.push(d);
            continue;
        }
        if path.is_file() {
            found.push(article(root, &path, path.file_stem()));
        }
    }
    if !refused.is_empty() {
        refused.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(Error::Diagnostics(refused));
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
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
}
