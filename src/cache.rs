//! Parsed content kept between builds: a file whose stamp (size, modification time, inode)
//! and bundle assets are unchanged is neither read nor parsed again. Watch mode keeps one;
//! a plain build starts with an empty one, which is the same as no cache.

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::config::Config;
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
}

/// What identifies one version of a file on disk without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl Stamp {
    pub fn of(path: &Path) -> Result<Stamp> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        Ok(Stamp::from_metadata(&meta))
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

/// Parse results by source path, valid for one configuration.
#[derive(Default)]
pub struct ParseCache {
    /// The configuration values parsing depends on; a change empties the cache.
    fingerprint: String,
    articles: HashMap<PathBuf, Entry<Page>>,
    editions: HashMap<PathBuf, Entry<Edition>>,
    /// Files read and parsed in the last build (the rest came from the cache).
    pub last_parsed: usize,
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
                ..ParseCache::default()
            };
        }
    }

    pub fn articles(
        &mut self,
        files: &[ArticleFile],
        parse: impl Fn(&ArticleFile, &[u8]) -> Parsed<Page> + Sync,
    ) -> Result<Vec<Parsed<Page>>> {
        let (results, parsed) = refresh(&mut self.articles, files, parse)?;
        self.last_parsed = parsed;
        Ok(results)
    }

    pub fn editions(
        &mut self,
        files: &[ArticleFile],
        parse: impl Fn(&ArticleFile, &[u8]) -> Parsed<Edition> + Sync,
    ) -> Result<Vec<Parsed<Edition>>> {
        let (results, parsed) = refresh(&mut self.editions, files, parse)?;
        self.last_parsed += parsed;
        Ok(results)
    }
}

/// Parses the files whose stamp changed (in parallel), reuses the rest, forgets deleted ones.
fn refresh<T: Send + Sync>(
    entries: &mut HashMap<PathBuf, Entry<T>>,
    files: &[ArticleFile],
    parse: impl Fn(&ArticleFile, &[u8]) -> Parsed<T> + Sync,
) -> Result<(Vec<Parsed<T>>, usize)> {
    use rayon::prelude::*;
    // A cached file is only stat'ed; the others are read (and stamped) once.
    let fresh: Vec<(Stamp, Option<Parsed<T>>)> = files
        .par_iter()
        .map(|file| {
            if let Some(e) = entries.get(&file.path) {
                let stamp = Stamp::of(&file.path)?;
                if e.stamp == stamp && e.file == *file {
                    return Ok((stamp, None));
                }
            }
            let (bytes, stamp) = read_stamped(&file.path)?;
            let parsed = match bytes {
                Some(bytes) => parse(file, &bytes),
                None => Err(vec![too_large(file, stamp.len)]),
            };
            Ok((stamp, Some(parsed)))
        })
        .collect::<Result<_>>()?;
    let parsed = fresh.iter().filter(|(_, f)| f.is_some()).count();
    let mut next = HashMap::with_capacity_and_hasher(files.len(), Default::default());
    let mut results = Vec::with_capacity(files.len());
    for (file, (stamp, fresh)) in files.iter().zip(fresh) {
        let parsed = match fresh {
            Some(p) => p,
            None => entries.remove(&file.path).expect("checked above").parsed,
        };
        results.push(parsed.clone());
        next.insert(
            file.path.clone(),
            Entry {
                stamp,
                file: file.clone(),
                parsed,
            },
        );
    }
    *entries = next;
    Ok((results, parsed))
}
