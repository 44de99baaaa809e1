//! Site → every output (pages, lists, feeds, sitemap, search index) and files to copy, handed to a sink.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet as HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use tera::{Context, Value};

use crate::config::{self, Config};
use crate::dates::DateView;
use crate::error::{Diagnostic, Error, Result};
use crate::site::{Site, Term};
use crate::templates::Templates;
use crate::theme::FileSource;

/// Where rendered outputs go: a staging folder (a build) or memory (tests, checks).
///
/// Rendering streams each page to the sink as soon as it is ready, so a large site never
/// holds all of its HTML in memory at once.
pub trait Sink: Sync {
    /// A generated file at `path` (under output/, `/`-separated).
    fn file(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// A file copied as it is (static files, bundle assets).
    fn copy(&self, path: &str, source: &FileSource) -> Result<()>;
    /// Every path that will be written, before any is: a sink may make folders up front.
    fn expect(&self, _paths: &mut dyn Iterator<Item = &str>) -> Result<()> {
        Ok(())
    }
    /// Records that `path` is made from inputs with fingerprint `fingerprint`; when the
    /// sink holds (or can cheaply bring back) the bytes an earlier build made from exactly
    /// those inputs, it makes them `path`'s bytes and returns true, and the render of `path`
    /// is skipped. Sinks without memory of earlier builds say false.
    fn reuse(&self, _path: &str, _fingerprint: u64) -> Result<bool> {
        Ok(false)
    }
    /// `reuse` for many outputs at once: whether each one was reused.
    fn reuse_all(&self, outputs: &[(&str, u64)]) -> Result<Vec<bool>> {
        outputs
            .iter()
            .map(|&(path, fingerprint)| self.reuse(path, fingerprint))
            .collect()
    }
}

/// Collects outputs in memory, keyed by path.
#[derive(Debug, Default)]
pub struct MemorySink(Mutex<BTreeMap<String, Vec<u8>>>);

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let mut files = self.0.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
    fn copy(&self, path: &str, source: &FileSource) -> Result<()> {
        let bytes = source.bytes()?;
        self.file(path, &bytes)
    }
}

/// What a render made that the next render of the same site can reuse (watch and serve
/// keep one): page summaries as templates see them, and search-index entries. Each is
/// keyed by a fingerprint of what it is made from, so a stale one is never used; a plain
/// build starts with an empty one.
#[derive(Default)]
pub struct RenderCache {
    /// By the page's summary fingerprint (`Fingerprints::summaries`).
    summaries: rustc_hash::FxHashMap<u64, Value>,
    /// By `Shared::search_fragments`' key.
    search: rustc_hash::FxHashMap<u64, Arc<data::SearchFragment>>,
    /// Each edition as lists show it (by `Fingerprints::edition_summaries`), and the lists
    /// of all tags and all sources (by `Fingerprints::tags` and `sources`).
    lists: rustc_hash::FxHashMap<u64, Value>,
    /// The outputs of the last model's shape.
    plan: Option<Plan>,
    /// Each archive month with its rendered list, by its fingerprint (see `Shared::archive`).
    months: rustc_hash::FxHashMap<u64, Value>,
    /// The buffers the search index and its script were last made in (see
    /// `data::search_index`).
    search_index: (Vec<u8>, Vec<u8>),
    /// A cache for a single build (`for_one_build`): nothing is kept for a next render.
    one_build: bool,
}

/// What one render made, for `RenderCache::keep`.
struct Made {
    /// The summaries the render used (made, or taken from the cache), by fingerprint.
    used: Vec<(u64, Value)>,
    /// Every page's summary fingerprint now.
    summaries: Vec<u64>,
    lists: rustc_hash::FxHashMap<u64, Value>,
    /// The archive's months (`archive`), when the archive was rendered.
    months: Option<rustc_hash::FxHashMap<u64, Value>>,
}

impl RenderCache {
    /// A cache for a build that is the only one (`briefing build`): what only a next render
    /// would use is let go as soon as it is written (at 100,000 articles, 140 MB of
    /// search-index buffers and 70 MB of entries) instead of being kept to the end.
    pub fn for_one_build() -> RenderCache {
        RenderCache {
            one_build: true,
            ..RenderCache::default()
        }
    }

    /// Takes in what a render made. The summary and search maps are updated in place, not
    /// made anew: after one save, a render uses a few summaries out of 10,000, and building
    /// both maps again took about 8 ms of a 30 ms rebuild. Entries that are no longer current
    /// are dropped once they make up a fifth of a map, so it never holds much more than one
    /// site's worth.
    fn keep(&mut self, made: Made, search: Vec<(u64, Arc<data::SearchFragment>)>) {
        let slack = |current: usize| current + current / 4 + 64;
        self.summaries.extend(made.used);
        if self.summaries.len() > slack(made.summaries.len()) {
            let current: rustc_hash::FxHashSet<u64> = made.summaries.iter().copied().collect();
            self.summaries.retain(|key, _| current.contains(key));
        }
        if self.search.len() > slack(search.len()) {
            self.search.clear();
        }
        for (key, fragment) in search {
            self.search.entry(key).or_insert(fragment);
        }
        self.lists = made.lists;
        // Not rendered this time (its inputs did not change): the kept lists still hold.
        if let Some(months) = made.months {
            self.months = months;
        }
    }
}

/// The template of one month of the archive (optional: a theme without it renders the
/// archive in `archive.html` alone).
const ARCHIVE_MONTH: &str = "archive-month.html";

/// The outputs a model's shape has (see `Site::shape`): what each is made by and its path,
/// and the copies last found not to overwrite any of them. A render of a patched model (a
/// save in watch mode) takes them as they are instead of working them out for every page.
struct Plan {
    shape: u64,
    /// Whether the site has its own `robots.txt`, and a custom domain (a `CNAME` file).
    robots: bool,
    cname: bool,
    jobs: Vec<Job>,
    /// The data files, then the output path of each of `jobs` (see `paths`).
    generated: Vec<String>,
    data_files: usize,
    /// A hash of `paths`, for the sitemap's fingerprint.
    paths_hash: u64,
    /// The paths of the copies checked against `generated` (none collided).
    copy_paths: Vec<String>,
}

impl Plan {
    fn new(site: &Site, statics: &BTreeMap<String, FileSource>) -> Plan {
        let jobs = jobs(site, statics);
        // Files written from data, not templates.
        let mut data_files = vec![
            ".nojekyll",
            "feed.json",
            "search-index.json",
            "search-index.js",
        ];
        if site.config.cname.is_some() {
            data_files.push("CNAME");
        }
        // In parallel: 13,000 paths at 10,000 articles, made before any page renders.
        let mut generated: Vec<String> = data_files.iter().map(|f| f.to_string()).collect();
        generated.par_extend(jobs.par_iter().map(|j| j.path(site)));
        let paths_hash = fingerprint::Fingerprint::new(0, "")
            .add(&generated[data_files.len()..])
            .finish();
        Plan {
            shape: site.shape,
            robots: statics.contains_key("robots.txt"),
            cname: site.config.cname.is_some(),
            jobs,
            generated,
            data_files: data_files.len(),
            paths_hash,
            copy_paths: Vec::new(),
        }
    }

    /// The output path of each of `jobs`.
    fn paths(&self) -> &[String] {
        &self.generated[self.data_files..]
    }

    /// Whether this plan is the one `new` would make for `site` and `statics`.
    fn fits(&self, site: &Site, statics: &BTreeMap<String, FileSource>) -> bool {
        self.shape == site.shape
            && self.robots == statics.contains_key("robots.txt")
            && self.cname == site.config.cname.is_some()
    }
}

/// What a render produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderReport {
    /// HTML pages the site has.
    pub pages: usize,
    /// Every file of the site, pages and copies.
    pub files: usize,
    /// Outputs actually rendered (or copied): the rest were reused from an earlier build.
    pub rendered: usize,
}

mod data;
pub mod fingerprint;
pub use data::escape;
pub mod views;

use views::*;

/// What one output file is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Job {
    Article(usize),
    /// One page of a paginated list.
    List(ListKind, usize),
    TagIndex,
    SourceIndex,
    Edition(usize),
    Archive,
    Search,
    NotFound,
    Atom(FeedKind),
    Sitemap,
    Robots,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Home,
    Tag(usize),
    Source(usize),
    Editions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeedKind {
    Site,
    Tag(usize),
    Editions,
}

impl ListKind {
    /// The list's folder as a URL path, percent-encoded (`tags/%E0%A6%95/`).
    fn url_dir(self, site: &Site) -> String {
        match self {
            ListKind::Home => String::new(),
            ListKind::Tag(t) => term_url_dir(&site.tags[t]),
            ListKind::Source(s) => term_url_dir(&site.sources[s]),
            ListKind::Editions => "editions/".into(),
        }
    }

    /// The list's folder under output/, not encoded (`tags/ক/`).
    fn output_dir(self, site: &Site) -> &str {
        match self {
            ListKind::Home => "",
            ListKind::Tag(t) => &site.tags[t].output_dir,
            ListKind::Source(s) => &site.sources[s].output_dir,
            ListKind::Editions => "editions/",
        }
    }

    fn len(self, site: &Site) -> usize {
        match self {
            ListKind::Home => site.listed.len(),
            ListKind::Tag(t) => site.tags[t].pages.len(),
            ListKind::Source(s) => site.sources[s].pages.len(),
            ListKind::Editions => site.editions.len(),
        }
    }
}

/// A tag's or source's folder as a URL path, percent-encoded.
fn term_url_dir(term: &Term) -> String {
    let kind = term.output_dir.split('/').next().unwrap_or("tags");
    format!("{kind}/{}/", crate::slug::encode_segment(&term.slug))
}

/// Number of pages of a list of `len` items: at least one, never an empty last one.
fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page).max(1)
}

/// Page `n` (1-based) of a list in `dir`: `dir/` for the first, `dir/page/N/` after.
fn page_path(dir: &str, n: usize) -> String {
    if n == 1 {
        dir.to_string()
    } else {
        format!("{dir}page/{n}/")
    }
}

impl Job {
    /// The output path, computed from the model before anything is rendered.
    fn path(&self, site: &Site) -> String {
        match *self {
            Job::Article(i) => format!("{}index.html", site.pages[i].output_dir),
            Job::List(kind, n) => format!("{}index.html", page_path(kind.output_dir(site), n)),
            Job::TagIndex => "tags/index.html".to_string(),
            Job::SourceIndex => "sources/index.html".to_string(),
            Job::Edition(e) => format!("{}index.html", site.editions[e].output_dir),
            Job::Archive => "archive/index.html".to_string(),
            Job::Search => "search/index.html".to_string(),
            Job::NotFound => "404.html".to_string(),
            Job::Atom(FeedKind::Site) => "atom.xml".to_string(),
            Job::Atom(FeedKind::Tag(t)) => format!("{}atom.xml", site.tags[t].output_dir),
            Job::Atom(FeedKind::Editions) => "editions/atom.xml".to_string(),
            Job::Sitemap => "sitemap.xml".to_string(),
            Job::Robots => "robots.txt".to_string(),
        }
    }
}

/// Every job of the site, in a fixed order. A site's own `static/robots.txt` replaces the
/// generated one.
fn jobs(site: &Site, statics: &BTreeMap<String, FileSource>) -> Vec<Job> {
    let per_page = site.config.paginate as usize;
    // The few big outputs first (the archive lists every article), so that none of them is
    // left running alone at the end of the parallel render.
    let mut jobs: Vec<Job> = vec![Job::Archive, Job::Sitemap, Job::Atom(FeedKind::Site)];
    jobs.extend((0..site.pages.len()).map(Job::Article));
    let mut lists = vec![ListKind::Home, ListKind::Editions];
    lists.extend((0..site.tags.len()).map(ListKind::Tag));
    lists.extend((0..site.sources.len()).map(ListKind::Source));
    for kind in lists {
        jobs.extend((1..=page_count(kind.len(site), per_page)).map(|n| Job::List(kind, n)));
    }
    jobs.extend((0..site.editions.len()).map(Job::Edition));
    jobs.extend([
        Job::TagIndex,
        Job::SourceIndex,
        Job::Search,
        Job::NotFound,
        Job::Atom(FeedKind::Editions),
    ]);
    if !statics.contains_key("robots.txt") {
        jobs.push(Job::Robots);
    }
    jobs.extend((0..site.tags.len()).map(|t| Job::Atom(FeedKind::Tag(t))));
    jobs
}

/// The most outputs a thread renders before another can take the rest of its share (see
/// `rayon::IndexedParallelIterator::with_max_len`): a few milliseconds of work.
const MAX_JOBS_PER_PIECE: usize = 32;

/// Data shared by every job, built once per render.
struct Shared<'a> {
    site: &'a Site,
    templates: &'a Templates,
    /// What earlier renders made (read only while rendering; updated after).
    cache: &'a RenderCache,
    /// Each page's summary, serialised on first use and shared (cheap Arc clones) by every
    /// list after that; an incremental render serialises only those it needs.
    summaries: Vec<OnceLock<Value>>,
    /// Per language that pages are written in, each tag's link as a summary shows it, made
    /// on first use: every summary with the tag holds the same value (an Arc), not a copy.
    /// At 100,000 articles the copies were about a third of the summaries' memory.
    tag_links: Vec<(&'a str, Vec<OnceLock<Value>>)>,
    /// Per source page, the first citation of it a summary made (its name and address as
    /// cited, and its value): later summaries citing it the same way share that value.
    source_links: Vec<OnceLock<(&'a str, Option<&'a str>, Value)>>,
    /// The site's description, the `description` of every summary without its own.
    site_description: Value,
    editions: Vec<Value>,
    tags: Value,
    sources: Value,
    fingerprints: Fingerprints,
    /// The archive's months this render used, once the archive is rendered (for the next
    /// render: not kept when there is none, see `RenderCache::for_one_build`).
    months: Mutex<Option<rustc_hash::FxHashMap<u64, Value>>>,
    /// `site_feeds` as templates see it, the same on most pages: made once.
    site_feeds_value: Value,
    /// The pieces summaries carry ready-made (see `Templates::summary_pieces`).
    pieces: Vec<(&'static str, &'static str)>,
    /// The first piece that failed to render: the render fails with it.
    piece_error: Mutex<Option<Error>>,
    /// What the pieces' components read from a list's context: the site's `lang` and `dir`.
    piece_implicits: Context,
    /// The newest listed articles' HTML (`data::feed_bodies`): made for the first of the
    /// site's two full-text feeds (Atom and JSON) that is rendered, kept for the other.
    feed_bodies: OnceLock<Vec<String>>,
}

/// Fingerprints of the parts outputs are made from, computed once per render.
struct Fingerprints {
    /// Site-wide inputs: configuration, theme, strings, tag aliases.
    global: u64,
    /// Each tag as pages show it (see `term_identity`).
    term_identities: Vec<u64>,
    /// Each page's summary, as lists show it.
    summaries: Vec<u64>,
    /// Each edition's page.
    editions: Vec<u64>,
    /// Each edition as the list of editions shows it.
    edition_summaries: Vec<u64>,
    /// The tag and source lists (names, links, counts).
    tags: u64,
    sources: u64,
    /// Each tag and source as its own pages show it.
    tag_views: Vec<u64>,
    source_views: Vec<u64>,
    /// The newest listed pages (as many as a feed shows) and their summaries, in order.
    listed: u64,
    /// The listed pages' summaries alone, in order.
    listed_summaries: u64,
    all_editions: u64,
    /// What the sitemap lists: every output's path and every modification date it shows.
    sitemap: u64,
}

impl Fingerprints {
    /// `paths_hash`: the hash of every output's path (`Plan::paths_hash`).
    fn new(site: &Site, inputs: u64, paths_hash: u64) -> Self {
        use fingerprint::{Fingerprint, of_debug, of_view};
        let config = &site.config;
        let global = Fingerprint::new(inputs, "")
            .add(config.fingerprint())
            .add(of_debug(&site.tag_aliases))
            .finish();
        let term_identities: Vec<u64> = site.tags.iter().map(term_identity).collect();
        // In parallel: cheap per page, but it touches every page, 10 ms at 10,000 in a row.
        let summaries: Vec<u64> = (0..site.pages.len())
            .into_par_iter()
            .map(|i| summary_fingerprint(site, i, &term_identities, global))
            .collect();
        let term_view = |t: &Term| of_view(&(TermView::new(t, &config.language), &t.name));
        let tag_views: Vec<u64> = site.tags.iter().map(term_view).collect();
        let source_views: Vec<u64> = site.sources.iter().map(term_view).collect();
        // The lists of all tags and all sources: every one of them, in order.
        let tags = Fingerprint::new(global, "").add(&tag_views).finish();
        let sources = Fingerprint::new(global, "").add(&source_views).finish();
        let editions: Vec<u64> = (0..site.editions.len())
            .map(|e| {
                let mut fp = Fingerprint::new(global, "");
                fp.add(site.editions[e].version).add(tags);
                for item in &site.edition_items[e] {
                    fp.add(summaries[item.page]);
                }
                let neighbour = |j: usize| site.editions.get(j).map(|n| n.version);
                fp.add(e.checked_sub(1).and_then(neighbour))
                    .add(neighbour(e + 1));
                fp.finish()
            })
            .collect();
        // What `EditionSummary::new` shows: the edition's own data and how many items.
        let edition_summaries: Vec<u64> = (0..site.editions.len())
            .map(|e| {
                Fingerprint::new(global, "")
                    .add(site.editions[e].version)
                    .add(site.edition_items[e].len())
                    .finish()
            })
            .collect();
        // The site's feeds show the newest listed pages in full.
        let mut listed = Fingerprint::new(global, "");
        for &i in site.listed.iter().take(data::FEED_ENTRIES) {
            listed.add(site.pages[i].version).add(summaries[i]);
        }
        let mut listed_summaries = Fingerprint::new(global, "");
        for &i in &site.listed {
            listed_summaries.add(summaries[i]);
        }
        let mut all_editions = Fingerprint::new(global, "");
        all_editions.add(&editions);
        let mut sitemap = Fingerprint::new(global, "");
        sitemap.add(paths_hash);
        for page in &site.pages {
            sitemap.add(page.modified());
        }
        for edition in &site.editions {
            sitemap.add(edition.modified());
        }
        // A list's date is its newest page's.
        sitemap.add(site.listed.first());
        for term in site.tags.iter().chain(&site.sources) {
            sitemap.add(term.pages.first());
        }
        Fingerprints {
            global,
            term_identities,
            summaries,
            editions,
            edition_summaries,
            tags,
            sources,
            tag_views,
            source_views,
            listed: listed.finish(),
            listed_summaries: listed_summaries.finish(),
            all_editions: all_editions.finish(),
            sitemap: sitemap.finish(),
        }
    }
}

/// Renders every output in parallel into `sink`. Problems are collected (one per distinct place).
pub fn render(
    site: &Site,
    templates: &mut Templates,
    statics: &BTreeMap<String, FileSource>,
    sink: &dyn Sink,
    inputs: u64,
    cache: &mut RenderCache,
) -> Result<RenderReport> {
    let config = &site.config;
    let unknown = unknown_templates(site, templates);
    if !unknown.is_empty() {
        return Err(Error::Diagnostics(unknown));
    }
    let mut plan = match cache.plan.take() {
        Some(plan) if plan.fits(site, statics) => plan,
        _ => Plan::new(site, statics),
    };
    let copies = copies(site, statics);
    // The same copies were found not to collide with the same outputs before.
    let checked = plan.copy_paths.len() == copies.len()
        && plan
            .copy_paths
            .iter()
            .zip(&copies)
            .all(|(a, (b, _))| a == b);
    if !checked {
        let collisions = collisions(&config.root, &plan.generated, &copies);
        if !collisions.is_empty() {
            return Err(Error::Diagnostics(collisions));
        }
        plan.copy_paths = copies.iter().map(|(p, _)| p.clone()).collect();
    }
    let (jobs, paths, generated) = (&plan.jobs, plan.paths(), &plan.generated);

    sink.expect(
        &mut generated
            .iter()
            .map(String::as_str)
            .chain(copies.iter().map(|(p, _)| p.as_str())),
    )?;
    {
        let global = templates.tera.global_context();
        global.insert("site", &SiteView::new(config));
        global.insert(
            "generator",
            &format!("briefing {}", env!("CARGO_PKG_VERSION")),
        );
    }
    let templates = &*templates;
    let fingerprints = Fingerprints::new(site, inputs, plan.paths_hash);
    // Made again only when what they show changed (see `RenderCache::lists`).
    let cached =
        |key: u64, make: &dyn Fn() -> Value| cache.lists.get(&key).cloned().unwrap_or_else(make);
    let term_list = |terms: &[Term]| {
        Value::from_serializable(
            &terms
                .iter()
                .map(|t| TermView::new(t, &config.language))
                .collect::<Vec<_>>(),
        )
    };
    let one_build = cache.one_build;
    let mut search_buffers = std::mem::take(&mut cache.search_index);
    let shared = Shared {
        site,
        templates,
        cache: &*cache,
        summaries: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
        site_description: Value::from(config.description.as_str()),
        source_links: site.sources.iter().map(|_| OnceLock::new()).collect(),
        tag_links: page_languages(site)
            .into_iter()
            .map(|lang| (lang, site.tags.iter().map(|_| OnceLock::new()).collect()))
            .collect(),
        editions: (0..site.editions.len())
            .map(|e| {
                cached(fingerprints.edition_summaries[e], &|| {
                    Value::from_serializable(&EditionSummary::new(site, e))
                })
            })
            .collect(),
        tags: cached(fingerprints.tags, &|| term_list(&site.tags)),
        sources: cached(fingerprints.sources, &|| term_list(&site.sources)),
        fingerprints,
        months: Mutex::new(None),
        site_feeds_value: Value::from_serializable(&site_feeds(config)),
        pieces: templates.summary_pieces(),
        piece_error: Mutex::new(None),
        piece_implicits: {
            let mut implicits = Context::new();
            implicits.insert("lang", &config.language);
            implicits.insert("dir", config::direction(&config.language));
            implicits
        },
        feed_bodies: OnceLock::new(),
    };

    let search_made = Mutex::new(Vec::new());
    // Pages render in parallel; the data files and copies are made alongside, not after.
    // Each output is skipped when the sink still has what the same inputs made before.
    let rendered = AtomicUsize::new(0);
    let fps = &shared.fingerprints;
    let made_from = |path: &str, fingerprint: u64| -> Result<bool> {
        let reused = sink.reuse(path, fingerprint)?;
        if !reused {
            rendered.fetch_add(1, Ordering::Relaxed);
        }
        Ok(reused)
    };
    let data_fingerprint = |path: &str, part: u64| {
        fingerprint::Fingerprint::new(fps.global, path)
            .add(part)
            .finish()
    };
    // The data files are made alongside the pages from the start: while the pages' outputs
    // are looked up (one thread, under the sink's lock) and copied, the search index is
    // already being made on the other.
    let (results, data_files): (Result<Vec<Result<()>>>, Result<()>) = rayon::join(
        || {
            // Which outputs the sink still has, asked for all of them at once.
            let fingerprinted: Vec<(&str, u64)> = jobs
                .par_iter()
                .zip(paths.par_iter())
                .map(|(job, path)| (path.as_str(), shared.job_fingerprint(*job, path)))
                .collect();
            let reused = sink.reuse_all(&fingerprinted)?;
            rendered.fetch_add(reused.iter().filter(|r| !**r).count(), Ordering::Relaxed);
            Ok(jobs
                .par_iter()
                .zip(paths.par_iter())
                .zip(reused.par_iter())
                // Small pieces, so that a thread out of work always finds some to take: left
                // to rayon's own splitting, the last piece of one thread ran alone for a
                // second at 100,000 articles.
                .with_max_len(MAX_JOBS_PER_PIECE)
                .filter(|(_, reused)| !**reused)
                .map(|((job, path), _)| {
                    let bytes = shared.render_job(*job, path)?;
                    sink.file(path, &bytes)
                })
                .collect())
        },
        || {
            // GitHub Pages: serve files as they are (no Jekyll), and the custom domain if any.
            if !made_from(".nojekyll", data_fingerprint(".nojekyll", 0))? {
                sink.file(".nojekyll", b"")?;
            }
            if let Some(cname) = &config.cname
                && !made_from("CNAME", data_fingerprint("CNAME", 0))?
            {
                sink.file("CNAME", format!("{cname}\n").as_bytes())?;
            }
            if !made_from("feed.json", data_fingerprint("feed.json", fps.listed))? {
                sink.file("feed.json", &data::json_feed(site, shared.feed_bodies()?))?;
            }
            let search = shared.search_fragments();
            let mut entries = fingerprint::Fingerprint::new(fps.global, "");
            for (_, fragment) in &search {
                entries.add(fragment.hash);
            }
            let entries = entries.finish();
            let index_fp = data_fingerprint("search-index.json", entries);
            let script_fp = data_fingerprint("search-index.js", entries);
            let keep_index = made_from("search-index.json", index_fp)?;
            let keep_script = made_from("search-index.js", script_fp)?;
            // Both forms at once: after a new title, making and writing them one after the
            // other (7 MB each at 10,000 articles) was the longest step of a rebuild.
            let (index, script) = &mut search_buffers;
            let make = |keep: bool, form, out: &mut Vec<u8>, path: &str| {
                if keep {
                    return Ok(());
                }
                data::search_index(&search, form, out);
                let written = sink.file(path, out);
                if one_build {
                    *out = Vec::new();
                }
                written
            };
            let (made_index, made_script) = rayon::join(
                || {
                    make(
                        keep_index,
                        data::SearchIndexForm::Json,
                        index,
                        "search-index.json",
                    )
                },
                || {
                    make(
                        keep_script,
                        data::SearchIndexForm::Script,
                        script,
                        "search-index.js",
                    )
                },
            );
            made_index?;
            made_script?;
            if !one_build {
                *search_made.lock().unwrap_or_else(|e| e.into_inner()) = search;
            }
            copies
                .par_iter()
                .map(|(path, source)| {
                    if made_from(path, data_fingerprint(path, source.identity()))? {
                        return Ok(());
                    }
                    sink.copy(path, source)
                })
                .collect::<Result<()>>()
        },
    );

    let piece_error = shared
        .piece_error
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    // Kept even for one build: the summaries then go with the cache, which `briefing build`
    // leaves for the OS to reclaim at exit rather than freeing them one by one.
    cache.keep(
        shared.made(),
        search_made.into_inner().unwrap_or_else(|e| e.into_inner()),
    );
    if let Some(error) = piece_error {
        // A summary whose piece failed is kept without it: the next render must make it again.
        cache.summaries.clear();
        return Err(error);
    }
    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in results? {
        match r {
            Ok(()) => {}
            // The same template bug breaks many pages: report it once.
            Err(Error::Diagnostics(ds)) => {
                for d in ds {
                    if !errors.iter().any(|e| same_place(e, &d)) {
                        errors.push(d);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Diagnostics(errors));
    }
    data_files?;
    let report = RenderReport {
        pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
        files: generated.len() + copies.len(),
        rendered: rendered.into_inner(),
    };
    cache.plan = Some(plan);
    cache.search_index = search_buffers;
    Ok(report)
}

impl Shared<'_> {
    /// Page `i`'s summary as templates see it.
    fn summary(&self, i: usize) -> Value {
        self.summaries[i]
            .get_or_init(|| {
                let key = self.fingerprints.summaries[i];
                self.cache
                    .summaries
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| self.new_summary(i))
            })
            .clone()
    }

    /// Page `i`'s summary, with its ready-made pieces (see `Templates::summary_pieces`):
    /// each component rendered for it with its defaults, in the site's language, as a list
    /// page would. Lists in the site's language show `{{ p.card }}` instead of
    /// rendering `article_card` again for every list that has the page; `story_item` does
    /// not depend on the list's language, so every related list can use it.
    fn new_summary(&self, i: usize) -> Value {
        let view = Value::from_serializable(&SummaryView::without_shared(self.site, i));
        // `description` is the summary's own text when it has one: the same value, not a copy.
        let description = view
            .as_map()
            .and_then(|map| map.get(&tera::value::Key::Str("summary")))
            .filter(|summary| !summary.is_none())
            .cloned()
            .unwrap_or_else(|| self.site_description.clone());
        let summary = with(
            view,
            [
                ("description", description),
                ("tags", self.page_tag_links(i)),
                ("sources", self.page_source_links(i)),
            ],
        );
        if self.pieces.is_empty() {
            return summary;
        }
        let mut args = Context::new();
        args.insert_value("page", summary.clone());
        let mut rendered = Vec::with_capacity(self.pieces.len());
        for &(field, component) in &self.pieces {
            let piece = self.templates.tera.render_component_with_implicits(
                component,
                &args,
                &self.piece_implicits,
                None,
                true,
            );
            match piece {
                Ok(html) => rendered.push((field, Value::safe_string(&html))),
                Err(e) => {
                    let page = &self.site.pages[i];
                    let error = Error::one(self.templates.diagnostic(
                        &e,
                        &format!(
                            " (while rendering the {field} of {} for lists)",
                            page.file.display.display()
                        ),
                    ));
                    self.piece_error
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert(error);
                    return summary;
                }
            }
        }
        // Once `args` lets go of its copy, the summary's map is this function's alone, and
        // the pieces go into it without copying the map.
        drop(args);
        with(summary, rendered)
    }

    /// Page `i`'s tags as its summary lists them (`SummaryView::tags`), from `tag_links`.
    fn page_tag_links(&self, i: usize) -> Value {
        let site = self.site;
        let lang = site.pages[i].lang.as_str();
        let links = self
            .tag_links
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, links)| links)
            .expect("tag_links has every page's language");
        let values: Vec<Value> = site.page_tags[i]
            .iter()
            .map(|&t| {
                links[t]
                    .get_or_init(|| Value::from_serializable(&term_link(&site.tags[t], lang)))
                    .clone()
            })
            .collect();
        Value::from(values)
    }

    /// Page `i`'s sources as its summary lists them (`SummaryView::sources`): the value of
    /// `source_links` where the page cites the source by the same name and address.
    fn page_source_links(&self, i: usize) -> Value {
        let values: Vec<Value> = views::source_links(self.site, i)
            .zip(&self.site.page_sources[i])
            .map(|(link, &t)| {
                let (name, url, value) = self.source_links[t]
                    .get_or_init(|| (link.name, link.url, Value::from_serializable(&link)));
                match (*name, *url) == (link.name, link.url) {
                    true => value.clone(),
                    false => Value::from_serializable(&link),
                }
            })
            .collect();
        Value::from(values)
    }

    /// The search-index entry of every listed page, in order, with its cache key: reused
    /// from the cache when the page and what it shows of its tags did not change.
    fn search_fragments(&self) -> Vec<(u64, Arc<data::SearchFragment>)> {
        let site = self.site;
        let fps = &self.fingerprints;
        // In parallel: 10,000 lookups took 5 ms in a row, a sixth of a rebuild after a save.
        site.listed
            .par_iter()
            .with_max_len(256)
            .map(|&i| {
                let mut key = fingerprint::Fingerprint::new(fps.global, "search");
                key.add(site.pages[i].version);
                for &t in &site.page_tags[i] {
                    key.add(fps.term_identities[t]);
                }
                let key = key.finish();
                let fragment = self
                    .cache
                    .search
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| Arc::new(data::search_fragment(site, i)));
                (key, fragment)
            })
            .collect()
    }

    /// What this render leaves for the next (see `RenderCache::keep`): the summaries it
    /// used, the edition summaries and term lists, and the archive months if it made them.
    /// Values move or are shared, never copied.
    fn made(self) -> Made {
        let fps = self.fingerprints;
        let used = self
            .summaries
            .into_iter()
            .zip(&fps.summaries)
            .filter_map(|(cell, &key)| Some((key, cell.into_inner()?)))
            .collect();
        let mut lists: rustc_hash::FxHashMap<u64, Value> = fps
            .edition_summaries
            .iter()
            .copied()
            .zip(self.editions)
            .collect();
        lists.insert(fps.tags, self.tags);
        lists.insert(fps.sources, self.sources);
        Made {
            used,
            summaries: fps.summaries,
            lists,
            months: self.months.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// What output `job` is made from, besides the site-wide inputs (see `Fingerprints`).
    /// Whatever `render_job` reads for a job must be covered here: the rebuild-equivalence
    /// test compares incremental rebuilds with clean builds to catch anything missed.
    fn job_fingerprint(&self, job: Job, path: &str) -> u64 {
        let site = self.site;
        let fps = &self.fingerprints;
        let mut fp = fingerprint::Fingerprint::new(fps.global, path);
        match job {
            Job::Article(i) => {
                let page = &site.pages[i];
                fp.add(page.version).add(fps.summaries[i]);
                // The newer and older links show what the neighbours' summaries show.
                let neighbour = |j: usize| fps.summaries.get(j).copied();
                fp.add(i.checked_sub(1).and_then(neighbour))
                    .add(neighbour(i + 1));
                for &e in &site.page_editions[i] {
                    fp.add(site.editions[e].version);
                }
                for &q in &site.related[i] {
                    fp.add(fps.summaries[q]);
                }
            }
            Job::List(kind, n) => {
                let per_page = site.config.paginate as usize;
                let len = kind.len(site);
                fp.add(n).add(page_count(len, per_page));
                let range = (n - 1) * per_page..(n * per_page).min(len);
                match kind {
                    ListKind::Home => {
                        for &i in &site.listed[range] {
                            fp.add(fps.summaries[i]);
                        }
                        fp.add(fps.tags);
                        if n == 1 {
                            fp.add(fps.editions.first());
                        }
                    }
                    ListKind::Tag(t) | ListKind::Source(t) => {
                        let (term, view) = if matches!(kind, ListKind::Tag(_)) {
                            (&site.tags[t], fps.tag_views[t])
                        } else {
                            (&site.sources[t], fps.source_views[t])
                        };
                        for &i in &term.pages[range] {
                            fp.add(fps.summaries[i]);
                        }
                        fp.add(view);
                    }
                    ListKind::Editions => {
                        fp.add(&fps.edition_summaries[range]);
                    }
                }
            }
            Job::TagIndex => {
                fp.add(fps.tags);
            }
            Job::SourceIndex => {
                fp.add(fps.sources);
            }
            Job::Edition(e) => {
                fp.add(fps.editions[e]);
            }
            Job::Archive => {
                fp.add(fps.listed_summaries);
            }
            Job::Atom(FeedKind::Site) => {
                fp.add(fps.listed);
            }
            Job::Atom(FeedKind::Tag(t)) => {
                // A tag's feed shows its newest pages without their text.
                fp.add(fps.tag_views[t]);
                for &i in site.tags[t].pages.iter().take(data::FEED_ENTRIES) {
                    fp.add(fps.summaries[i]);
                }
            }
            Job::Atom(FeedKind::Editions) => {
                fp.add(fps.all_editions);
            }
            Job::Sitemap => {
                fp.add(fps.sitemap);
            }
            Job::Search | Job::NotFound | Job::Robots => {}
        }
        fp.finish()
    }

    fn render_job(&self, job: Job, path: &str) -> Result<Vec<u8>> {
        let site = self.site;
        let config = &site.config;
        let mut ctx = Context::new();
        // Defaults every page has; jobs override what is theirs.
        ctx.insert("lang", &config.language);
        ctx.insert("dir", config::direction(&config.language));
        ctx.insert("paginator", &None::<()>);
        ctx.insert_value("feeds", self.site_feeds_value.clone());
        let canonical = config.permalink(&path_url(path));
        ctx.insert("canonical", &canonical);
        let mut meta = Meta {
            title: &config.title,
            description: &config.description,
            kind: "website",
            image: None,
            image_alt: None,
            locale: &config.language,
        };
        let template: &str = match job {
            Job::Article(i) => {
                let page = &site.pages[i];
                ctx.insert_value("page", self.article_value(i)?);
                ctx.insert("lang", &page.lang);
                ctx.insert("dir", config::direction(&page.lang));
                meta = Meta {
                    title: &page.title,
                    description: page.summary.as_deref().unwrap_or(&config.description),
                    kind: "article",
                    image: page
                        .image
                        .as_ref()
                        .map(|img| data::absolute(&config.base_url, &img.src)),
                    image_alt: page.image.as_ref().and_then(|img| img.alt.as_deref()),
                    locale: &page.lang,
                };
                page.template.as_ref().map_or("article.html", |t| &t.name)
            }
            Job::List(kind, n) => {
                let per_page = config.paginate as usize;
                let encoded = kind.url_dir(site);
                let total = page_count(kind.len(site), per_page);
                ctx.insert("paginator", &paginator(config, &encoded, n, total));
                let range = (n - 1) * per_page..(n * per_page).min(kind.len(site));
                match kind {
                    ListKind::Home => {
                        let pages: Vec<Value> = site.listed[range]
                            .iter()
                            .map(|&i| self.summary(i))
                            .collect();
                        ctx.insert_value("pages", Value::from(pages));
                        ctx.insert_value("tags", self.tags.clone());
                        if n == 1 && !site.editions.is_empty() {
                            ctx.insert("edition", &EditionView::new(site, 0));
                        } else {
                            ctx.insert("edition", &None::<()>);
                        }
                        "index.html"
                    }
                    ListKind::Tag(t) | ListKind::Source(t) => {
                        let is_tag = matches!(kind, ListKind::Tag(_));
                        let term = if is_tag {
                            &site.tags[t]
                        } else {
                            &site.sources[t]
                        };
                        let pages: Vec<Value> =
                            term.pages[range].iter().map(|&i| self.summary(i)).collect();
                        ctx.insert_value("pages", Value::from(pages));
                        meta.title = term.name_in(&config.language);
                        if is_tag {
                            ctx.insert("tag", &TermView::new(term, &config.language));
                            let feed_url = config.url(&format!("{encoded}atom.xml"));
                            ctx.insert("feed_url", &feed_url);
                            let mut feeds = site_feeds(config);
                            feeds.push(FeedLink {
                                title: format!(
                                    "{} — {}",
                                    term.name_in(&config.language),
                                    config.title
                                ),
                                url: feed_url,
                                kind: "application/atom+xml",
                            });
                            ctx.insert("feeds", &feeds);
                            "tag.html"
                        } else {
                            ctx.insert("source", &TermView::new(term, &config.language));
                            "source.html"
                        }
                    }
                    ListKind::Editions => {
                        ctx.insert_value("editions", Value::from(self.editions[range].to_vec()));
                        ctx.insert("feeds", &self.editions_feeds());
                        "editions.html"
                    }
                }
            }
            Job::TagIndex => {
                ctx.insert_value("tags", self.tags.clone());
                "tags.html"
            }
            Job::SourceIndex => {
                ctx.insert_value("sources", self.sources.clone());
                "sources.html"
            }
            Job::Edition(e) => {
                let edition = &site.editions[e];
                ctx.insert("edition", &EditionView::new(site, e));
                ctx.insert("feeds", &self.editions_feeds());
                ctx.insert("lang", &edition.lang);
                ctx.insert("dir", config::direction(&edition.lang));
                meta.title = &edition.title;
                meta.description = edition.summary.as_deref().unwrap_or(&config.description);
                meta.locale = &edition.lang;
                "edition.html"
            }
            Job::Archive => {
                ctx.insert_value("years", self.archive()?);
                "archive.html"
            }
            Job::Search => "search.html",
            Job::NotFound => {
                ctx.insert("canonical", &None::<()>);
                "404.html"
            }
            Job::Atom(kind) => {
                ctx.insert("feed", &self.atom(kind)?);
                "atom.xml"
            }
            Job::Sitemap => {
                ctx.insert("urls", &self.sitemap());
                "sitemap.xml"
            }
            Job::Robots => {
                ctx.insert("sitemap_url", &config.permalink("sitemap.xml"));
                "robots.txt"
            }
        };
        ctx.insert("description", meta.description);
        ctx.insert(
            "og",
            &OpenGraph {
                kind: meta.kind,
                title: meta.title,
                description: meta.description,
                url: canonical.clone(),
                image: meta.image,
                image_alt: meta.image_alt,
                locale: meta.locale,
            },
        );
        render_one(self.templates, template, path, &ctx)
    }

    /// The site's feeds plus the feed of editions, for edition pages.
    fn editions_feeds(&self) -> Vec<FeedLink> {
        let config = &self.site.config;
        let mut feeds = site_feeds(config);
        feeds.push(FeedLink {
            title: self.editions_feed_title(),
            url: config.url("editions/atom.xml"),
            kind: "application/atom+xml",
        });
        feeds
    }

    /// "Editions — Site title", in the site's language.
    fn editions_feed_title(&self) -> String {
        let title = &self.site.config.title;
        let args = [("site", crate::i18n::Arg::Text(title.clone()))];
        self.templates
            .i18n
            .text(&self.site.config.language, "editions_feed", &args)
            // A theme whose strings lack it still gets a title.
            .unwrap_or_else(|_| format!("Editions — {title}"))
    }

    /// The article's `page`: its cached summary plus what only the article page shows.
    /// Built by extending the summary map, so related articles reuse cached summaries too.
    fn article_value(&self, i: usize) -> Result<Value> {
        let site = self.site;
        let page = &site.pages[i];
        let neighbour = |j: usize| {
            site.pages
                .get(j)
                .map(|p| Neighbour::new(&p.title, &p.url, &p.lang))
        };
        let editions: Vec<EditionLink> = site.page_editions[i]
            .iter()
            .map(|&e| {
                let edition = &site.editions[e];
                EditionLink {
                    title: &edition.title,
                    url: &edition.url,
                    date: DateView::new(&edition.date, &edition.lang),
                    lang: &edition.lang,
                    dir: config::direction(&edition.lang),
                }
            })
            .collect();
        let related: Vec<Value> = site.related[i].iter().map(|&q| self.summary(q)).collect();
        let body = page.body(&site.config)?;
        Ok(extend(
            &self.summary(i),
            [
                ("content", Value::safe_string(&body.html)),
                ("word_count", Value::from(page.word_count)),
                ("toc", Value::from_serializable(&body.toc)),
                ("extra", Value::from_serializable(&page.extra)),
                (
                    "newer",
                    Value::from_serializable(&i.checked_sub(1).and_then(neighbour)),
                ),
                ("older", Value::from_serializable(&neighbour(i + 1))),
                ("editions", Value::from_serializable(&editions)),
                ("related", Value::from(related)),
                ("json_ld", Value::safe_string(&data::news_article(site, i))),
            ],
        ))
    }

    /// Years and months of listed articles, each article its cached summary. With an
    /// `archive-month.html` template, each month also has `list`, that template rendered for
    /// it. A month is made again only when its summaries change (kept whole in
    /// `RenderCache::months`), so a new title re-renders one month of the archive, not every
    /// article in it, and an unchanged month does not even look up its summaries: fetching
    /// all 10,000 took a tenth of a rebuild after a save.
    fn archive(&self) -> Result<Value> {
        let site = self.site;
        let fps = &self.fingerprints;
        let config = &site.config;
        let by_month = self.templates.contains(ARCHIVE_MONTH);
        let mut kept = rustc_hash::FxHashMap::default();
        let mut years: Vec<Value> = Vec::new();
        for (year, months) in crate::site::archive(site) {
            let mut month_values: Vec<Value> = Vec::with_capacity(months.len());
            for (month, pages) in months {
                let key = by_month.then(|| {
                    let mut key = fingerprint::Fingerprint::new(fps.global, ARCHIVE_MONTH);
                    key.add(year).add(month);
                    for &i in &pages {
                        key.add(fps.summaries[i]);
                    }
                    key.finish()
                });
                if let Some(key) = key
                    && let Some(value) = self.cache.months.get(&key)
                {
                    kept.insert(key, value.clone());
                    month_values.push(value.clone());
                    continue;
                }
                let name = crate::dates::month_name(month, &config.language);
                let summaries: Vec<Value> = pages.iter().map(|&i| self.summary(i)).collect();
                let mut value = object([
                    ("month", Value::from(month)),
                    ("name", Value::from(name)),
                    ("pages", Value::from(summaries)),
                ]);
                if let Some(key) = key {
                    let list = {
                        let mut ctx = Context::new();
                        ctx.insert("lang", &config.language);
                        ctx.insert("dir", config::direction(&config.language));
                        ctx.insert_value("m", value.clone());
                        let bytes =
                            render_one(self.templates, ARCHIVE_MONTH, "archive/index.html", &ctx)?;
                        Value::from(String::from_utf8_lossy(&bytes).into_owned())
                    };
                    value = with(value, [("list", list)]);
                    kept.insert(key, value.clone());
                }
                month_values.push(value);
            }
            years.push(object([
                ("year", Value::from(year)),
                ("months", Value::from(month_values)),
            ]));
        }
        // The months with their lists: 23 MB at 100,000 articles, held to the end otherwise.
        if !self.cache.one_build {
            *self.months.lock().unwrap_or_else(|e| e.into_inner()) = Some(kept);
        }
        Ok(Value::from(years))
    }

    /// `data::feed_bodies`, made once per render. Two threads asking at once may both make
    /// them; an error is not kept, so each feed reports it.
    fn feed_bodies(&self) -> Result<&[String]> {
        if let Some(bodies) = self.feed_bodies.get() {
            return Ok(bodies);
        }
        let bodies = data::feed_bodies(self.site)?;
        Ok(self.feed_bodies.get_or_init(|| bodies))
    }

    fn atom(&self, kind: FeedKind) -> Result<data::AtomFeed<'_>> {
        let site = self.site;
        let config = &site.config;
        let (title, self_path, alternate, entries) = match kind {
            FeedKind::Site => (
                config.title.clone(),
                "atom.xml".to_string(),
                String::new(),
                data::article_entries(site, &site.listed, Some(self.feed_bodies()?)),
            ),
            FeedKind::Tag(t) => {
                let tag = &site.tags[t];
                let encoded = term_url_dir(tag);
                (
                    format!("{} — {}", tag.name_in(&config.language), config.title),
                    format!("{encoded}atom.xml"),
                    encoded,
                    data::article_entries(site, &tag.pages, None),
                )
            }
            FeedKind::Editions => (
                self.editions_feed_title(),
                "editions/atom.xml".to_string(),
                "editions/".to_string(),
                data::edition_entries(site),
            ),
        };
        let updated = match kind {
            FeedKind::Editions => data::newest(site.editions.iter().map(|e| e.modified())),
            FeedKind::Site => data::newest(self.listed_times(&site.listed)),
            FeedKind::Tag(t) => data::newest(self.listed_times(&site.tags[t].pages)),
        };
        Ok(data::AtomFeed {
            title,
            subtitle: Some(config.description.as_str()).filter(|d| !d.is_empty()),
            id: config.permalink(&self_path),
            self_url: config.permalink(&self_path),
            alternate_url: config.permalink(&alternate),
            updated,
            language: &config.language,
            entries,
        })
    }

    fn listed_times<'a>(
        &'a self,
        pages: &'a [usize],
    ) -> impl Iterator<Item = &'a jiff::ZonedDateTime> {
        pages
            .iter()
            .take(data::FEED_ENTRIES)
            .map(|&i| &self.site.pages[i])
            .map(|p| p.modified())
    }

    /// Every HTML page worth indexing, with `lastmod` where the page has a date.
    fn sitemap(&self) -> Vec<data::SitemapUrl> {
        let site = self.site;
        let config = &site.config;
        let lastmod = |t: Option<&jiff::ZonedDateTime>| t.map(data::rfc3339);
        let newest_of =
            |pages: &[usize]| pages.first().map(|&i| &site.pages[i]).map(|p| p.modified());
        let mut urls = Vec::new();
        for job in jobs(site, &BTreeMap::new()) {
            let (path, modified) = match job {
                Job::Article(i) => {
                    let p = &site.pages[i];
                    (job.path(site), lastmod(Some(p.modified())))
                }
                Job::Edition(e) => {
                    let ed = &site.editions[e];
                    (job.path(site), lastmod(Some(ed.modified())))
                }
                Job::List(ListKind::Home, 1) => (job.path(site), lastmod(newest_of(&site.listed))),
                Job::List(ListKind::Tag(t), 1) => {
                    (job.path(site), lastmod(newest_of(&site.tags[t].pages)))
                }
                Job::List(ListKind::Source(s), 1) => {
                    (job.path(site), lastmod(newest_of(&site.sources[s].pages)))
                }
                Job::List(..) | Job::TagIndex | Job::SourceIndex | Job::Archive => {
                    (job.path(site), None)
                }
                Job::Search | Job::NotFound | Job::Atom(_) | Job::Sitemap | Job::Robots => continue,
            };
            urls.push(data::SitemapUrl {
                loc: config.permalink(&path_url(&path)),
                lastmod: modified,
            });
        }
        urls
    }
}

/// The site's feeds, for `<link rel="alternate">` in every page's head.
fn site_feeds(config: &Config) -> Vec<FeedLink> {
    vec![
        FeedLink {
            title: config.title.clone(),
            url: config.url("atom.xml"),
            kind: "application/atom+xml",
        },
        FeedLink {
            title: config.title.clone(),
            url: config.url("feed.json"),
            kind: "application/feed+json",
        },
    ]
}

/// A template map from fixed keys.
fn object<const N: usize>(pairs: [(&'static str, Value); N]) -> Value {
    let mut map = tera::Map::default();
    for (key, value) in pairs {
        map.insert(key.into(), value);
    }
    Value::from(map)
}

/// A copy of the map `base` (values are shared, not copied) with more keys.
fn extend<const N: usize>(base: &Value, pairs: [(&'static str, Value); N]) -> Value {
    with(base.clone(), pairs)
}

/// `base` with `pairs` added, reusing `base`'s map when nothing else shares it.
fn with(base: Value, pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut map = base.into_map().unwrap_or_default();
    let pairs = pairs.into_iter();
    map.reserve(pairs.size_hint().0);
    for (key, value) in pairs {
        map.insert(key.into(), value);
    }
    Value::from(map)
}

/// The languages pages are written in, each once, in order of first use.
fn page_languages(site: &Site) -> Vec<&str> {
    let mut langs: Vec<&str> = Vec::new();
    for page in &site.pages {
        if !langs.contains(&page.lang.as_str()) {
            langs.push(&page.lang);
        }
    }
    langs
}

/// The folder URL of an `index.html` output path, percent-encoded (`tags/x/index.html` → `tags/x/`).
fn path_url(path: &str) -> String {
    crate::slug::encode_path(path.strip_suffix("index.html").unwrap_or(path))
}

struct Meta<'a> {
    title: &'a str,
    description: &'a str,
    kind: &'static str,
    image: Option<String>,
    image_alt: Option<&'a str>,
    locale: &'a str,
}

fn paginator(config: &Config, encoded_dir: &str, number: usize, total: usize) -> Paginator {
    let url = |n: usize| config.url(&page_path(encoded_dir, n));
    Paginator {
        number,
        total,
        previous: (number > 1).then(|| url(number - 1)),
        next: (number < total).then(|| url(number + 1)),
        pages: paginator_window(number, total)
            .map(|n| PaginatorLink {
                number: n,
                url: url(n),
                current: n == number,
            })
            .collect(),
    }
}

/// The pages a pager links to: the first, the last, and three either side of `number`.
/// Not all of them: a list of 5,000 pages would give each of its pages 5,000 links, and
/// the build would grow with the square of the archive.
fn paginator_window(number: usize, total: usize) -> impl Iterator<Item = usize> {
    let near = number.saturating_sub(PAGER_REACH).max(2)
        ..=(number + PAGER_REACH).min(total.saturating_sub(1));
    std::iter::once(1)
        .chain(near)
        .chain((total > 1).then_some(total))
}

/// How many pages either side of the current one the pager links to.
const PAGER_REACH: usize = 3;

fn render_one(templates: &Templates, template: &str, path: &str, ctx: &Context) -> Result<Vec<u8>> {
    // Room for an article page (25 KB with Bengali text): growing from less copied each.
    let mut bytes = Vec::with_capacity(32 * 1024);
    templates
        .tera
        .render_to(template, ctx, &mut bytes)
        .map_err(|e| Error::one(templates.diagnostic(&e, &format!(" (while rendering {path})"))))?;
    Ok(bytes)
}

fn same_place(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.path == b.path && a.line == b.line && a.column == b.column
}

fn unknown_templates(site: &Site, templates: &Templates) -> Vec<Diagnostic> {
    site.pages
        .iter()
        .filter_map(|p| p.template.as_ref())
        .filter(|t| !templates.contains(&t.name))
        .map(|t| {
            let mut d = t.at.clone();
            d.message = format!("unknown template `{}`", t.name);
            d.hint(templates.suggest(&t.name))
        })
        .collect()
}

/// Static files and bundle assets, copied as they are.
fn copies(site: &Site, statics: &BTreeMap<String, FileSource>) -> Vec<(String, FileSource)> {
    let mut copies: Vec<(String, FileSource)> = statics
        .iter()
        .map(|(path, source)| (path.clone(), source.clone()))
        .collect();
    for page in &site.pages {
        for (abs, rel) in &page.file.assets {
            let rel = rel.to_string_lossy().replace('\\', "/");
            copies.push((
                format!("{}{rel}", page.output_dir),
                FileSource::Disk(abs.clone()),
            ));
        }
    }
    copies.sort_by(|a, b| a.0.cmp(&b.0));
    copies
}

/// A static file or asset that would overwrite a generated file is an error naming both.
fn collisions(
    root: &std::path::Path,
    generated: &[String],
    copies: &[(String, FileSource)],
) -> Vec<Diagnostic> {
    let generated: HashSet<&str> = generated.iter().map(String::as_str).collect();
    copies
        .iter()
        .filter(|(p, _)| generated.contains(p.as_str()))
        .map(|(p, source)| {
            let from = match source {
                FileSource::Disk(path) => path
                    .strip_prefix(root)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
                FileSource::Embedded(_) => format!("[built-in theme]/static/{p}"),
            };
            Diagnostic::error(
                std::path::Path::new(&from),
                format!("would overwrite the generated file {p}"),
            )
            .hint("rename or remove the file")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `briefing build` renders once: the search index's buffers and entries and the
    /// archive's months, which only a next render would reuse, must not be held (140 MB, 70 MB
    /// and 23 MB at 100,000 articles); a cache that serves later renders keeps them.
    #[test]
    fn a_cache_for_one_build_keeps_nothing_for_a_next_render() {
        let config = crate::config::load(&crate::config::BuildOptions {
            root: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
            ..Default::default()
        })
        .unwrap();
        let mut prepared = crate::prepare(&config).unwrap();
        let render_with = |prepared: &mut crate::Prepared, mut cache: RenderCache| {
            let sink = MemorySink::default();
            prepared.render_cached(&sink, &mut cache).unwrap();
            let index = sink.into_files().remove("search-index.json").unwrap();
            (cache, index)
        };

        let (kept, index) = render_with(&mut prepared, RenderCache::default());
        assert_eq!(kept.search_index.0, index);
        assert!(!kept.search.is_empty());
        assert!(!kept.months.is_empty());

        let (one, same_index) = render_with(&mut prepared, RenderCache::for_one_build());
        assert_eq!(same_index, index);
        assert_eq!(one.search_index.0.capacity(), 0);
        assert_eq!(one.search_index.1.capacity(), 0);
        assert!(one.search.is_empty());
        assert!(one.months.is_empty());
    }

    #[test]
    fn pager_links_first_last_and_three_either_side() {
        let window = |n, t| paginator_window(n, t).collect::<Vec<_>>();
        assert_eq!(window(1, 1), [1]);
        assert_eq!(window(1, 2), [1, 2]);
        assert_eq!(window(1, 10), [1, 2, 3, 4, 10]);
        assert_eq!(window(6, 10), [1, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(window(10, 10), [1, 7, 8, 9, 10]);
        assert_eq!(
            window(2500, 5000),
            [1, 2497, 2498, 2499, 2500, 2501, 2502, 2503, 5000]
        );
    }
}
