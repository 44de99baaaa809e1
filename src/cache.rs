//! Parsed content kept between builds: a file whose stamp (size, modification time, inode)
//! and bundle assets are unchanged is neither read nor parsed again. Watch mode keeps one;
//! a plain build starts with an empty one, which is the same as no cache.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::config::Config;
use crate::content::discover::{Found, Recheck};
use crate::content::{ArticleFile, Edition, Page};
use crate::error::{Diagnostic, Error, Result};

/// Everything a long-running process keeps between builds: parsed content, and what the
/// output folders hold (so only outputs whose inputs changed are rendered again).
#[derive(Default)]
pub struct BuildCache {
    pub parsed: ParseCache,
    pub outputs: crate::output::History,
    pub rendered: crate::render::RenderCache,
    pub templates: crate::templates::TemplateCache,
    pub model: crate::site::ModelCache,
}

/// What identifies one version of a file on disk without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl BuildCache {
    /// A cache for a build that is the only one: see `RenderCache::for_one_build`.
    pub fn for_one_build() -> BuildCache {
        BuildCache {
            parsed: ParseCache {
                one_build: true,
                ..ParseCache::default()
            },
            rendered: crate::render::RenderCache::for_one_build(),
            ..BuildCache::default()
        }
    }
}

impl Stamp {
    pub fn of(path: &Path) -> Result<Stamp> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        Ok(Stamp::from_metadata(&meta))
    }

    /// When the file was last modified, where the OS tells.
    pub fn modified(&self) -> Option<SystemTime> {
        self.modified
    }

    fn from_metadata(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        }
    }
}

/// The largest content file briefing reads: 16 MiB, far above any article (a long report is
/// under 1 MB) and far below what would strain memory (a build holds about 14 times the
/// Markdown's size at its peak: a 65 MB article took 900 MB).
pub const MAX_CONTENT_BYTES: u64 = 16 << 20;

/// Reads a file and its stamp with one open (the stamp from the open file, not a second lookup).
/// A file over `MAX_CONTENT_BYTES` is not read: `None`.
fn read_stamped(path: &Path) -> Result<(Option<Vec<u8>>, Stamp)> {
    use std::io::Read;
    let io = |e| Error::io(path, e);
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    let stamp = Stamp::from_metadata(&meta);
    if meta.len() > MAX_CONTENT_BYTES {
        return Ok((None, stamp));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // `take`: a file that grows after the size check still cannot be read past the limit.
    file.take(MAX_CONTENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_CONTENT_BYTES {
        return Ok((None, stamp));
    }
    Ok((Some(bytes), stamp))
}

/// The refusal of a content file over `MAX_CONTENT_BYTES`.
fn too_large(file: &ArticleFile, len: u64) -> Diagnostic {
    Diagnostic::error(
        &file.display,
        format!(
            "the file is {:.1} MB; briefing reads content files of up to {} MB",
            len as f64 / 1_048_576.0,
            MAX_CONTENT_BYTES >> 20
        ),
    )
    .hint("split it into several articles, or move bulky data into files beside it (a bundle folder) and link to them")
}

/// A parse's outcome, shared between the cache and the site model.
pub type Parsed<T> = std::result::Result<(Arc<T>, Vec<Diagnostic>), Vec<Diagnostic>>;

struct Entry<T> {
    stamp: Stamp,
    file: ArticleFile,
    parsed: Parsed<T>,
}

/// The parsed articles and editions of a site, in path order.
pub type ParsedContent = (Vec<Parsed<Page>>, Vec<Parsed<Edition>>);

/// Parse results by source path, valid for one configuration.
#[derive(Default)]
pub struct ParseCache {
    /// The configuration values parsing depends on; a change empties the cache.
    fingerprint: String,
    articles: HashMap<PathBuf, Entry<Page>>,
    editions: HashMap<PathBuf, Entry<Edition>>,
    /// The last build's results in file order, while the list of files stays the same.
    article_results: Option<Results<Page>>,
    edition_results: Option<Results<Edition>>,
    /// What the last successful build's scan of the content folders found.
    found: Option<Found>,
    /// The paths changed since the last successful build, if the caller said (`None`:
    /// unknown, so the next build scans and stats everything).
    changes: Option<BTreeSet<PathBuf>>,
    /// Whether the caller has said anything since the last build.
    told: bool,
    /// Files read and parsed in the last build (the rest came from the cache).
    pub last_parsed: usize,
    /// A cache for one build (`BuildCache::for_one_build`): parses are handed over, not kept.
    one_build: bool,
}

impl ParseCache {
    /// Forgets everything parsed under another configuration.
    pub fn check_config(&mut self, config: &Config) {
        let fingerprint = format!(
            "{}|{}|{}|{}|{}",
            config.sanitize,
            config.base_url,
            config.language,
            config.timezone.iana_name().unwrap_or("?"),
            config.root.display()
        );
        if fingerprint != self.fingerprint {
            *self = ParseCache {
                fingerprint,
                one_build: self.one_build,
                ..ParseCache::default()
            };
        }
    }

    /// Tells the cache what changed on disk since the last build: `Some(paths)` (absolute;
    /// a folder stands for everything in it, a rename gives both names) lets the next build
    /// look only at those paths instead of walking and stat-ing every content file; `None`
    /// means unknown. Without a word from the caller, every build scans everything.
    pub fn note_changes<'a>(&mut self, changed: Option<impl IntoIterator<Item = &'a Path>>) {
        let fresh = !self.told;
        self.told = true;
        match (changed, &mut self.changes) {
            (Some(paths), Some(known)) => {
                if fresh {
                    known.clear();
                }
                known.extend(paths.into_iter().map(Path::to_path_buf));
            }
            (None, _) => self.changes = None,
            // Unknown already (never built, a failed build, or a `None` this round): stays so.
            (Some(_), None) => {}
        }
    }

    /// Finds the site's articles and editions and parses those that changed, reusing earlier
    /// parses for the rest. What the caller noted decides how much is looked at; any error
    /// leaves the next build to scan everything.
    pub fn content(
        &mut self,
        config: &Config,
        parse_article: impl Fn(&ArticleFile, &[u8]) -> Parsed<Page> + Sync,
        parse_edition: impl Fn(&ArticleFile, &[u8]) -> Parsed<Edition> + Sync,
    ) -> Result<ParsedContent> {
        let known = match self.told {
            true => self.changes.take(),
            false => None,
        };
        self.told = false;
        self.changes = None;
        let root = &config.root;
        let (found, article_check, edition_check, (articles, editions)) =
            match (self.found.take(), known) {
                (Some(mut found), Some(changed)) => {
                    let (a, e, files) = found.update(root, &changed)?;
                    (found, a, e, files)
                }
                _ => {
                    let (found, files) = Found::scan(root, &config.content_dir)?;
                    (found, Recheck::All, Recheck::All, files)
                }
            };
        if self.one_build {
            // Nothing to reuse now or keep for later: every file is read and parsed once,
            // without the maps a next build would look them up in.
            let articles = parse_all(&articles, parse_article)?;
            let editions = parse_all(&editions, parse_edition)?;
            self.last_parsed = articles.len() + editions.len();
            return Ok((articles, editions));
        }
        let (articles, parsed) = refresh(
            &mut self.articles,
            &mut self.article_results,
            &articles,
            &article_check,
            parse_article,
        )?;
        let (editions, parsed_editions) = refresh(
            &mut self.editions,
            &mut self.edition_results,
            &editions,
            &edition_check,
            parse_edition,
        )?;
        self.last_parsed = parsed + parsed_editions;
        self.found = Some(found);
        self.changes = Some(BTreeSet::new());
        Ok((articles, editions))
    }
}

/// One build's parse results in the order of its list of files, and where each file is in it.
struct Results<T> {
    files: Arc<Vec<ArticleFile>>,
    parsed: Vec<Parsed<T>>,
    /// Made on the first save that needs it: a plain build never looks a path up.
    at: Option<HashMap<PathBuf, usize>>,
}

/// The file's new stamp and parse, or `None` when the cached parse still holds. A cached
/// file is only stat'ed (when `check` includes it); the others are read (and stamped) once.
fn look_again<T>(
    entries: &HashMap<PathBuf, Entry<T>>,
    file: &ArticleFile,
    check: &Recheck,
    parse: &(impl Fn(&ArticleFile, &[u8]) -> Parsed<T> + Sync),
) -> Result<Option<(Stamp, Parsed<T>)>> {
    if let Some(e) = entries.get(&file.path)
        && e.file == *file
    {
        if !check.includes(&file.path) {
            return Ok(None);
        }
        if e.stamp == Stamp::of(&file.path)? {
            return Ok(None);
        }
    }
    read_and_parse(file, parse).map(Some)
}

/// Reads `file` with its stamp and parses it; a file over `MAX_CONTENT_BYTES` is refused
/// unread.
fn read_and_parse<T>(
    file: &ArticleFile,
    parse: &impl Fn(&ArticleFile, &[u8]) -> Parsed<T>,
) -> Result<(Stamp, Parsed<T>)> {
    let (bytes, stamp) = read_stamped(&file.path)?;
    let parsed = match bytes {
        Some(bytes) => parse(file, &bytes),
        None => Err(vec![too_large(file, stamp.len)]),
    };
    Ok((stamp, parsed))
}

/// Reads and parses every one of `files`, in parallel.
fn parse_all<T: Send + Sync>(
    files: &[ArticleFile],
    parse: impl Fn(&ArticleFile, &[u8]) -> Parsed<T> + Sync,
) -> Result<Vec<Parsed<T>>> {
    use rayon::prelude::*;
    files
        .par_iter()
        .with_max_len(32)
        .map(|file| read_and_parse(file, &parse).map(|(_, parsed)| parsed))
        .collect()
}

/// Parses the files whose stamp changed (in parallel), reuses the rest, forgets deleted ones.
/// Only files `check` includes are stat'ed; the others are taken as the last build saw them.
/// When the list of files is the one `last` was made from and only some paths are to be
/// checked, only those are looked up: the rest of `last` stands (a save in watch mode).
fn refresh<T: Send + Sync>(
    entries: &mut HashMap<PathBuf, Entry<T>>,
    last: &mut Option<Results<T>>,
    files: &Arc<Vec<ArticleFile>>,
    check: &Recheck,
    parse: impl Fn(&ArticleFile, &[u8]) -> Parsed<T> + Sync,
) -> Result<(Vec<Parsed<T>>, usize)> {
    use rayon::prelude::*;
    if let (Some(results), Recheck::Only(paths)) = (last.as_mut(), check)
        && Arc::ptr_eq(&results.files, files)
    {
        let mut parsed = 0;
        for path in paths {
            let at = results.at.get_or_insert_with(|| {
                let paths = files.iter().map(|f| f.path.clone());
                paths.zip(0..).collect()
            });
            let Some(&i) = at.get(path) else {
                continue;
            };
            let file = &files[i];
            if let Some((stamp, p)) = look_again(entries, file, check, &parse)? {
                parsed += 1;
                results.parsed[i] = p.clone();
                let entry = Entry {
                    stamp,
                    file: file.clone(),
                    parsed: p,
                };
                entries.insert(file.path.clone(), entry);
            }
        }
        return Ok((results.parsed.clone(), parsed));
    }
    *last = None;
    let fresh: Vec<Option<(Stamp, Parsed<T>)>> = files
        .par_iter()
        // Small pieces, so that neither thread is left parsing alone at the end.
        .with_max_len(32)
        .map(|file| look_again(entries, file, check, &parse))
        .collect::<Result<_>>()?;
    let mut parsed = 0;
    let mut results = Vec::with_capacity(files.len());
    entries.reserve(files.len().saturating_sub(entries.len()));
    for (file, fresh) in files.iter().zip(fresh) {
        match fresh {
            Some((stamp, p)) => {
                parsed += 1;
                results.push(p.clone());
                entries.insert(
                    file.path.clone(),
                    Entry {
                        stamp,
                        file: file.clone(),
                        parsed: p,
                    },
                );
            }
            None => results.push(entries[&file.path].parsed.clone()),
        }
    }
    // Every file now has an entry; more entries than files means some were deleted.
    if entries.len() > files.len() {
        let present: HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
        entries.retain(|path, _| present.contains(path.as_path()));
    }
    *last = Some(Results {
        files: Arc::clone(files),
        parsed: results.clone(),
        at: None,
    });
    Ok((results, parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `prepare` made of a site: its pages' paths and titles, or its errors as shown.
    fn prepared(
        config: &Config,
        cache: &mut ParseCache,
    ) -> std::result::Result<Vec<String>, String> {
        match crate::prepare_with(config, cache) {
            Ok(p) => Ok(p
                .site
                .pages
                .iter()
                .map(|page| format!("{} {}", page.url, page.title))
                .collect()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// `briefing build` parses through a cache for one build, which skips the maps a later
    /// build would look files up in: it must find the same pages, and the same errors.
    #[test]
    fn a_cache_for_one_build_parses_the_same_pages_and_errors() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for site in ["basic", "full", "errors/many_broken", "errors/bad_date"] {
            let config = crate::config::load(&crate::config::BuildOptions {
                root: fixtures.join(site),
                ..Default::default()
            })
            .unwrap();
            let mut one = BuildCache::for_one_build().parsed;
            let kept = prepared(&config, &mut ParseCache::default());
            assert_eq!(prepared(&config, &mut one), kept, "{site}");
            assert!(
                one.articles.is_empty() && one.article_results.is_none(),
                "{site}"
            );
            let expect_ok = !site.starts_with("errors");
            assert_eq!(kept.is_ok(), expect_ok, "{site}: {kept:?}");
        }
    }
}
