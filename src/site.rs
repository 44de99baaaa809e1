//! The site model: published pages in order, tags and sources, editions resolved to pages,
//! related articles; pure, computed once per build.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Edition, Page};
use crate::error::Diagnostic;
use crate::keys;
use crate::slug::{encode_segment, slugify};
use crate::tag_aliases::TagAliases;

/// A tag or a source: a named group of articles with its own pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub permalink: String,
    pub output_dir: String,
    /// Listed (not expired) pages carrying it, indices into `Site::pages`, newest first.
    pub pages: Vec<usize>,
    /// For sources: the outlet's own address, when an article gave one.
    pub external_url: Option<String>,
    /// For tags listed in `tags.yaml`: language tag → the tag's name in that language.
    pub names: BTreeMap<String, String>,
}

impl Term {
    /// The name to show on a page in `lang`: its name in that language (`bn-BD`, then `bn`)
    /// from `tags.yaml`, else the main one.
    pub fn name_in(&self, lang: &str) -> &str {
        let primary = lang.split('-').next().unwrap_or(lang);
        self.names
            .get(lang)
            .or_else(|| self.names.get(primary))
            .unwrap_or(&self.name)
    }
}

/// An edition's entry resolved to a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub page: usize,
    pub note: Option<String>,
}

/// Everything the renderer needs, computed once.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Published pages (no drafts, no future ones unless asked), newest first (ties by slug).
    pub pages: Vec<Arc<Page>>,
    /// Pages that appear in lists and feeds: published and not expired, newest first.
    pub listed: Vec<usize>,
    /// Tags by count (most first), then name.
    pub tags: Vec<Term>,
    /// For each page, indices into `tags`, in the order the article lists them.
    pub page_tags: Vec<Vec<usize>>,
    /// Sources by count, then name.
    pub sources: Vec<Term>,
    /// For each page, indices into `sources`, in the order the article lists them.
    pub page_sources: Vec<Vec<usize>>,
    /// Editions, newest first, and their entries resolved to pages.
    pub editions: Vec<Arc<Edition>>,
    pub edition_items: Vec<Vec<Item>>,
    /// For each page, the editions that include it (newest first).
    pub page_editions: Vec<Vec<usize>>,
    /// For each page, up to `RELATED` listed pages sharing the most tags.
    pub related: Vec<Vec<usize>>,
    /// `tags.yaml`: which spellings are one tag.
    pub tag_aliases: TagAliases,
    /// Names this model's structure: two models with one `shape` have the same pages and
    /// editions in the same places, with the same terms, lists and related articles (the
    /// parses in those places may differ). `assemble` makes a new one; a patch keeps it.
    pub shape: u64,
}

impl Site {
    /// Names of page `i`'s tags, in the article's order.
    pub fn tag_names(&self, i: usize) -> Vec<&str> {
        self.page_tags[i]
            .iter()
            .map(|&t| self.tags[t].name.as_str())
            .collect()
    }
}

impl Site {
    /// Every spelling of page `i`'s tags (main names, then names and aliases from `tags.yaml`),
    /// for search: a reader finds a tag in whichever script they type it.
    pub fn tag_spellings(&self, i: usize) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for &t in &self.page_tags[i] {
            let term = &self.tags[t];
            out.push(&term.name);
            let extra = self
                .tag_aliases
                .resolve(&term.slug)
                .into_iter()
                .flat_map(|e| e.names.values().chain(&e.aliases).map(String::as_str));
            for name in extra {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }
}

/// How many related articles a page shows.
pub const RELATED: usize = 5;
/// How far (in a tag's date order) related candidates are looked for: keeps the cost linear.
const RELATED_WINDOW: usize = 100;

/// Builds the model: drops drafts and future pages, orders, groups tags and sources,
/// resolves editions, finds URL collisions and unknown edition entries. Tags that `tag_aliases`
/// names as spellings of one tag are one tag, under its main name's slug.
pub fn assemble(
    config: &Config,
    pages: Vec<Arc<Page>>,
    editions: Vec<Arc<Edition>>,
    tag_aliases: &TagAliases,
) -> Result<Site, Vec<Diagnostic>> {
    let now = config.now;
    // Drafts and future pages are kept aside only to explain an edition entry naming one.
    let (mut pages, held_back): (Vec<Arc<Page>>, Vec<Arc<Page>>) = pages
        .into_iter()
        .partition(|p| (config.drafts || !p.draft) && (config.future || p.date.timestamp() <= now));
    // Newest first, then by slug, with the keys taken once per page instead of twice per
    // comparison.
    pages.sort_by_cached_key(|p| (std::cmp::Reverse(p.date.timestamp()), p.slug.clone()));

    let (by_slug, mut errors) = index_slugs(&pages);
    let is_listed: Vec<bool> = pages
        .iter()
        .map(|p| p.expires.as_ref().is_none_or(|e| e.timestamp() > now))
        .collect();
    let listed: Vec<usize> = (0..pages.len()).filter(|&i| is_listed[i]).collect();

    let mut editions: Vec<Arc<Edition>> = editions
        .into_iter()
        .filter(|e| config.drafts || !e.draft)
        .collect();
    editions.sort_by_cached_key(|e| (std::cmp::Reverse(e.date.timestamp()), e.slug.clone()));
    let mut edition_items = Vec::with_capacity(editions.len());
    let mut page_editions: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
    for (e, edition) in editions.iter().enumerate() {
        let mut items = Vec::with_capacity(edition.entries.len());
        for entry in &edition.entries {
            match by_slug.get(entry.slug.as_str()) {
                Some(&page) => {
                    // Editions are visited in order, so an edition already listed is the last.
                    if page_editions[page].last() != Some(&e) {
                        page_editions[page].push(e);
                    }
                    items.push(Item {
                        page,
                        note: entry.note.clone(),
                    });
                }
                None => errors.push(unknown_entry(config, entry, &held_back, &by_slug, &pages)),
            }
        }
        edition_items.push(items);
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        return Err(errors);
    }
    drop(by_slug);

    let aliases = Some(tag_aliases).filter(|a| !a.is_empty());
    // Tags and sources are grouped side by side: each is a pass over every page on one thread
    // (the two took 0.39 s in a row at 100,000 pages).
    let ((tags, page_tags), (sources, page_sources)) = rayon::join(
        || {
            group_terms(config, "tags", aliases, &pages, &is_listed, |p| {
                p.tags.iter().map(|t| (t.as_str(), None))
            })
        },
        || {
            group_terms(config, "sources", None, &pages, &is_listed, |p| {
                p.sources
                    .iter()
                    .map(|s| (s.name.as_str(), s.url.as_deref()))
            })
        },
    );
    let tag_pages: Vec<&[usize]> = tags.iter().map(|t| t.pages.as_slice()).collect();
    let related = related(&page_tags, &tag_pages, RELATED_WINDOW);
    Ok(Site {
        config: config.clone(),
        pages,
        listed,
        tags,
        page_tags,
        sources,
        page_sources,
        editions,
        edition_items,
        page_editions,
        related,
        tag_aliases: tag_aliases.clone(),
        shape: crate::content::next_version(),
    })
}

/// The last model and what it was made from. A rebuild whose changes leave every article
/// and edition in its place (same slug, date, tags, sources, draft and expiry state; same
/// edition entries) takes the last model and swaps in the new parses instead of assembling
/// again: saving an article's text, title or summary then costs a pass over pointers, not
/// the sorting, term grouping and related-article ranking of the whole site.
#[derive(Default)]
pub struct ModelCache {
    inputs: Option<ModelInputs>,
    /// The model made from `inputs`, once the build that used it hands it back (`keep`).
    site: Option<Site>,
    patched: bool,
}

/// What `assemble` was given, and where each input landed in the model.
struct ModelInputs {
    config: u64,
    now: jiff::Timestamp,
    tag_aliases: TagAliases,
    pages: Vec<Arc<Page>>,
    editions: Vec<Arc<Edition>>,
    /// For each of `pages`, its index in `Site::pages` (`None`: a draft or future page).
    page_at: Vec<Option<usize>>,
    /// For each of `editions`, its index in `Site::editions` (`None`: a draft).
    edition_at: Vec<Option<usize>>,
}

impl ModelCache {
    /// `assemble`, or the last model patched with the new parses when no page or edition
    /// moved. Both give the same model; the rebuild-equivalence tests hold them to it.
    pub fn assemble(
        &mut self,
        config: &Config,
        pages: Vec<Arc<Page>>,
        editions: Vec<Arc<Edition>>,
        tag_aliases: &TagAliases,
    ) -> Result<Site, Vec<Diagnostic>> {
        let config_print = config.fingerprint();
        let last = self.inputs.take().zip(self.site.take());
        let site = match last.and_then(|(inputs, site)| {
            patch(
                site,
                &inputs,
                config,
                config_print,
                &pages,
                &editions,
                tag_aliases,
            )
            .map(|site| (inputs, site))
        }) {
            Some((inputs, site)) => {
                self.patched = true;
                self.inputs = Some(ModelInputs {
                    now: config.now,
                    pages,
                    editions,
                    ..inputs
                });
                site
            }
            None => {
                self.patched = false;
                let site = assemble(config, pages.clone(), editions.clone(), tag_aliases)?;
                self.inputs = Some(ModelInputs {
                    config: config_print,
                    now: config.now,
                    tag_aliases: tag_aliases.clone(),
                    page_at: places(&pages, &site.pages),
                    edition_at: places(&editions, &site.editions),
                    pages,
                    editions,
                });
                site
            }
        };
        Ok(site)
    }

    /// Whether the last `assemble` patched the kept model instead of assembling a new one.
    pub fn patched(&self) -> bool {
        self.patched
    }

    /// The first moment after `now` at which a page of the last model is published (its date
    /// passes) or expires: until then, what `now` decides stays as it is.
    pub fn next_change(&self, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
        self.inputs
            .iter()
            .flat_map(|inputs| &inputs.pages)
            .flat_map(|p| std::iter::once(&p.date).chain(&p.expires))
            .map(jiff::ZonedDateTime::timestamp)
            .filter(|&t| t > now)
            .min()
    }

    /// Takes back the model the last `assemble` returned, for the next build to patch.
    pub fn keep(&mut self, site: Site) {
        if self.inputs.is_some() {
            self.site = Some(site);
        }
    }
}

/// For each input, its index among `placed` (the model's ordered list), by identity.
fn places<T>(inputs: &[Arc<T>], placed: &[Arc<T>]) -> Vec<Option<usize>> {
    let at: HashMap<*const T, usize> = placed
        .iter()
        .enumerate()
        .map(|(i, item)| (Arc::as_ptr(item), i))
        .collect();
    inputs
        .iter()
        .map(|i| at.get(&Arc::as_ptr(i)).copied())
        .collect()
}

/// `site` (made from `inputs`) with the new parses swapped in, or `None` when anything the
/// model's shape depends on changed: the configuration, `tags.yaml`, the set of files, an
/// article's or edition's place, or what `config.now` publishes or expires.
fn patch(
    mut site: Site,
    inputs: &ModelInputs,
    config: &Config,
    config_print: u64,
    pages: &[Arc<Page>],
    editions: &[Arc<Edition>],
    tag_aliases: &TagAliases,
) -> Option<Site> {
    if inputs.config != config_print
        || inputs.tag_aliases != *tag_aliases
        || pages.len() != inputs.pages.len()
        || editions.len() != inputs.editions.len()
    {
        return None;
    }
    // A moment between the two builds' `now` publishes (or expires) what it passes.
    if config.now != inputs.now {
        let (from, to) = if config.now > inputs.now {
            (inputs.now, config.now)
        } else {
            (config.now, inputs.now)
        };
        let passed = |z: &jiff::ZonedDateTime| z.timestamp() > from && z.timestamp() <= to;
        if pages
            .iter()
            .any(|p| (!config.future && passed(&p.date)) || p.expires.as_ref().is_some_and(passed))
        {
            return None;
        }
    }
    swap_parses(
        &mut site.pages,
        pages,
        &inputs.pages,
        &inputs.page_at,
        same_page_place,
    )?;
    swap_parses(
        &mut site.editions,
        editions,
        &inputs.editions,
        &inputs.edition_at,
        same_edition_place,
    )?;
    site.config = config.clone();
    Some(site)
}

/// Puts each changed parse of `new` where its last one (`old`, at `at` in `placed`) stands,
/// or `None` when one of them changed place (`same_place`).
fn swap_parses<T>(
    placed: &mut [Arc<T>],
    new: &[Arc<T>],
    old: &[Arc<T>],
    at: &[Option<usize>],
    same_place: fn(&T, &T) -> bool,
) -> Option<()> {
    for ((new, old), at) in new.iter().zip(old).zip(at) {
        if Arc::ptr_eq(new, old) {
            continue;
        }
        if !same_place(new, old) {
            return None;
        }
        if let Some(at) = at {
            placed[*at] = Arc::clone(new);
        }
    }
    Some(())
}

/// Whether two parses of an article stand in the same place in the model: the fields that
/// `assemble` orders, filters, groups and ranks by. Keep it in step with `assemble`.
fn same_page_place(a: &Page, b: &Page) -> bool {
    let instant = |z: Option<&jiff::ZonedDateTime>| z.map(jiff::ZonedDateTime::timestamp);
    a.slug == b.slug
        && a.url == b.url
        && a.draft == b.draft
        && a.date.timestamp() == b.date.timestamp()
        && instant(a.expires.as_ref()) == instant(b.expires.as_ref())
        && a.tags == b.tags
        && a.sources.len() == b.sources.len()
        && a.sources
            .iter()
            .zip(&b.sources)
            .all(|(x, y)| x.name == y.name && x.url == y.url)
}

/// `same_page_place` for editions: their order and the articles they name, with notes.
fn same_edition_place(a: &Edition, b: &Edition) -> bool {
    a.slug == b.slug
        && a.draft == b.draft
        && a.date.timestamp() == b.date.timestamp()
        && a.entries.len() == b.entries.len()
        && a.entries
            .iter()
            .zip(&b.entries)
            .all(|(x, y)| x.slug == y.slug && x.note == y.note)
}

/// Each slug's page (the last one, where several share it) and an error for every URL
/// collision, each naming the page before it with that slug.
fn index_slugs(pages: &[Arc<Page>]) -> (HashMap<&str, usize>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut by_slug: HashMap<&str, usize> =
        HashMap::with_capacity_and_hasher(pages.len(), Default::default());
    for (i, page) in pages.iter().enumerate() {
        if let Some(first) = by_slug.insert(&page.slug, i) {
            let mut d = page.slug_at.clone();
            d.message = format!(
                "URL {} is also the URL of {}",
                page.url,
                pages[first].file.display.display()
            );
            errors.push(d.hint("give one of them another `slug:` or rename its file"));
        }
    }
    (by_slug, errors)
}

/// An edition names a slug no published article has: say why, and the nearest slug.
/// `held_back` are the pages left out as drafts or as dated in the future.
fn unknown_entry(
    config: &Config,
    entry: &crate::content::EditionEntry,
    held_back: &[Arc<Page>],
    by_slug: &HashMap<&str, usize>,
    pages: &[Arc<Page>],
) -> Diagnostic {
    let mut d = entry.at.clone();
    let slug = &entry.slug;
    let held = || held_back.iter().filter(|p| p.slug == *slug);
    if held().any(|p| p.draft && !config.drafts) {
        d.message = format!("article `{slug}` is a draft");
        return d.hint("publish it (remove `draft: true`), build with --drafts, or take it out of this edition");
    }
    if held().any(|p| !config.future && p.date.timestamp() > config.now) {
        d.message = format!("article `{slug}` is dated in the future");
        return d.hint("build with --future, or take it out of this edition until it is published");
    }
    d.message = format!("no article has the slug `{slug}`");
    // Editors often write the file name; say which slug that file has.
    if let Some(page) = pages.iter().find(|p| p.file.stem == *slug) {
        return d.hint(format!(
            "{} has the slug `{}`; use that",
            page.file.display.display(),
            page.slug
        ));
    }
    // Only on this error path: a scan over every slug is fine here.
    let candidates: Vec<&str> = by_slug.keys().copied().collect();
    let nearest = candidates
        .iter()
        .map(|c| (keys::edit_distance(slug, c), *c))
        .min();
    match nearest {
        Some((_, near)) => d.hint(format!("the nearest existing slug is `{near}`")),
        None => d.hint("there are no published articles yet"),
    }
}

/// Groups pages by tag (or source) slug: names equal after NFC and case folding are one term,
/// shown under the most used spelling, and so are the spellings `aliases` lists for one tag
/// (shown under its main name). Every term used by a published page gets a page, even when its
/// only articles have expired, so that no link breaks.
fn group_terms<'a, Names>(
    config: &Config,
    kind: &str,
    aliases: Option<&TagAliases>,
    pages: &'a [Arc<Page>],
    is_listed: &[bool],
    names_of: impl Fn(&'a Page) -> Names,
) -> (Vec<Term>, Vec<Vec<usize>>)
where
    Names: Iterator<Item = (&'a str, Option<&'a str>)>,
{
    /// A name as articles write it, with the outlet's address given beside it (if any).
    struct Spelling<'a> {
        name: &'a str,
        url: Option<&'a str>,
        /// The group it belongs to; `None` when its slug is empty.
        group: Option<usize>,
        /// How many pages counted it (a page naming one term twice counts it once).
        uses: usize,
    }
    // A few hundred spellings recur across thousands of pages: each is slugified and grouped
    // once, and the pages are then grouped by integer ids instead of by slug strings.
    let mut spelling_ids: HashMap<(&str, Option<&str>), usize> = HashMap::default();
    let mut spellings: Vec<Spelling> = Vec::new();
    let mut group_of_name: HashMap<&str, Option<usize>> = HashMap::default();
    let mut group_ids: HashMap<String, usize> = HashMap::default();
    let mut group_slugs: Vec<String> = Vec::new();
    let mut group_pages: Vec<Vec<usize>> = Vec::new();
    let mut page_groups: Vec<Vec<usize>> = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let mut groups_here: Vec<usize> = Vec::new();
        for (name, url) in names_of(page) {
            let url = url.filter(|u| !u.is_empty());
            let spelling = *spelling_ids.entry((name, url)).or_insert_with(|| {
                let group = *group_of_name.entry(name).or_insert_with(|| {
                    let slug = aliases.map_or_else(|| slugify(name), |a| a.slug_of(name));
                    if slug.is_empty() {
                        return None;
                    }
                    Some(*group_ids.entry(slug).or_insert_with_key(|slug| {
                        group_slugs.push(slug.clone());
                        group_pages.push(Vec::new());
                        group_slugs.len() - 1
                    }))
                });
                spellings.push(Spelling {
                    name,
                    url,
                    group,
                    uses: 0,
                });
                spellings.len() - 1
            });
            let Some(group) = spellings[spelling].group else {
                continue;
            };
            if groups_here.contains(&group) {
                continue;
            }
            if is_listed[i] {
                group_pages[group].push(i);
            }
            spellings[spelling].uses += 1;
            groups_here.push(group);
        }
        page_groups.push(groups_here);
    }

    // Per group: how often each name, and each address, was counted.
    let mut name_uses: Vec<HashMap<&str, usize>> = vec![HashMap::default(); group_slugs.len()];
    let mut url_uses: Vec<HashMap<&str, usize>> = vec![HashMap::default(); group_slugs.len()];
    for spelling in spellings.iter().filter(|s| s.uses > 0) {
        let group = spelling
            .group
            .expect("only spellings with a group are counted");
        *name_uses[group].entry(spelling.name).or_default() += spelling.uses;
        if let Some(url) = spelling.url {
            *url_uses[group].entry(url).or_default() += spelling.uses;
        }
    }
    let most_used = |counts: &HashMap<&str, usize>| {
        counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(name, _)| (*name).to_string())
    };
    let mut terms: Vec<(Term, usize)> = group_slugs
        .into_iter()
        .zip(group_pages)
        .enumerate()
        .map(|(group, (slug, pages))| {
            let encoded = format!("{kind}/{}/", encode_segment(&slug));
            let entry = aliases.and_then(|a| a.resolve(&slug));
            let term = Term {
                name: entry.map_or_else(
                    || most_used(&name_uses[group]).unwrap_or_else(|| slug.clone()),
                    |e| e.name.clone(),
                ),
                names: entry.map(|e| e.names.clone()).unwrap_or_default(),
                external_url: most_used(&url_uses[group]),
                url: config.url(&encoded),
                permalink: config.permalink(&encoded),
                output_dir: format!("{kind}/{slug}/"),
                slug,
                pages,
            };
            (term, group)
        })
        .collect();
    terms.sort_by(|(a, _), (b, _)| {
        b.pages
            .len()
            .cmp(&a.pages.len())
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let mut term_of_group = vec![0; terms.len()];
    for (index, (_, group)) in terms.iter().enumerate() {
        term_of_group[*group] = index;
    }
    for groups in &mut page_groups {
        for group in groups.iter_mut() {
            *group = term_of_group[*group];
        }
    }
    let terms = terms.into_iter().map(|(term, _)| term).collect();
    (terms, page_groups)
}

/// Up to `RELATED` listed pages per page, by most shared tags, ties by date (newest first),
/// then slug. `tag_pages` are each tag's listed pages in index order (= date order).
/// Candidates are the `window` nearest pages in each tag's date order, so a tag on every
/// article costs linear time, not quadratic.
fn related(page_tags: &[Vec<usize>], tag_pages: &[&[usize]], window: usize) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    let page_count = page_tags.len();
    (0..page_count)
        .into_par_iter()
        // Each job allocates a tally as long as the pages: keep jobs few.
        .with_min_len(256)
        .map_init(
            || SharedTags::new(page_count),
            |shared, p| shared.most_related(p, &page_tags[p], tag_pages, window),
        )
        .collect()
}

/// Counts, for one page at a time, the tags each candidate shares with it. Indexing by page
/// replaces sorting the candidates: a counter is valid only while `counting_for` names the
/// page being counted, so nothing needs clearing between pages.
struct SharedTags {
    /// Per candidate page: (1 + the page it was last counted for, tags shared with that page).
    tally: Vec<(u32, u32)>,
    /// Candidates counted for the current page, each once.
    candidates: Vec<u32>,
}

impl SharedTags {
    fn new(page_count: usize) -> SharedTags {
        SharedTags {
            tally: vec![(0, 0); page_count],
            candidates: Vec::new(),
        }
    }

    fn most_related(
        &mut self,
        p: usize,
        tags: &[usize],
        tag_pages: &[&[usize]],
        window: usize,
    ) -> Vec<usize> {
        let stamp = u32::try_from(p + 1).expect("fewer than 4 billion pages");
        self.candidates.clear();
        for &t in tags {
            let list = tag_pages[t];
            // `list` is in page-index order; find where `p` stands.
            let at = list.partition_point(|&q| q < p);
            let from = at.saturating_sub(window);
            let to = (at + window).min(list.len());
            for &q in &list[from..to] {
                if q == p {
                    continue;
                }
                let (counting_for, shared) = &mut self.tally[q];
                if *counting_for != stamp {
                    *counting_for = stamp;
                    *shared = 0;
                    self.candidates.push(q as u32);
                }
                *shared += 1;
            }
        }
        // The best by (more shared tags, then newer = smaller index), in that order.
        let mut best: Vec<(u32, u32)> = Vec::with_capacity(RELATED + 1);
        for &q in &self.candidates {
            let shared = self.tally[q as usize].1;
            let ahead = |&(bs, bq): &(u32, u32)| bs > shared || (bs == shared && bq < q);
            if best.len() == RELATED && best.last().is_some_and(ahead) {
                continue;
            }
            let at = best.partition_point(ahead);
            best.insert(at, (shared, q));
            best.truncate(RELATED);
        }
        best.into_iter().map(|(_, q)| q as usize).collect()
    }
}

/// One month of the archive: month number (1–12) and its listed pages, newest first.
pub type ArchiveMonth = (i8, Vec<usize>);

/// Listed pages grouped by year and month (in the site's time zone), newest first.
pub fn archive(site: &Site) -> Vec<(i16, Vec<ArchiveMonth>)> {
    let mut years: Vec<(i16, Vec<ArchiveMonth>)> = Vec::new();
    for &i in &site.listed {
        let date = site.pages[i].date.date();
        let (year, month) = (date.year(), date.month());
        if years.last().is_none_or(|(y, _)| *y != year) {
            years.push((year, Vec::new()));
        }
        let months = &mut years.last_mut().expect("pushed above").1;
        if months.last().is_none_or(|(m, _)| *m != month) {
            months.push((month, Vec::new()));
        }
        months.last_mut().expect("pushed above").1.push(i);
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    mod model_cache {
        use super::*;
        use crate::config::BuildOptions;
        use crate::content::ArticleFile;
        use std::path::PathBuf;

        fn config(now: &str) -> Config {
            crate::config::load(&BuildOptions {
                root: std::env::temp_dir().join("briefing-model-cache-test"),
                now: Some(now.parse().unwrap()),
                ..Default::default()
            })
            .unwrap()
        }

        fn file(folder: &str, name: &str) -> ArticleFile {
            ArticleFile {
                path: PathBuf::from(format!("/site/content/{folder}/{name}.md")),
                display: PathBuf::from(format!("content/{folder}/{name}.md")),
                stem: name.to_string(),
                assets: Vec::new(),
            }
        }

        fn page(config: &Config, name: &str, front: &str) -> Arc<Page> {
            let text = format!("---\n{front}\n---\n\nText of {name}.\n");
            let parsed =
                crate::content::parse_article(&file("articles", name), text.as_bytes(), config);
            Arc::new(parsed.unwrap().0)
        }

        fn edition(config: &Config, name: &str, front: &str) -> Arc<Edition> {
            let text = format!("---\n{front}\n---\n\nIntro.\n");
            let parsed =
                crate::content::parse_edition(&file("editions", name), text.as_bytes(), config);
            Arc::new(parsed.unwrap().0)
        }

        /// One rebuild through the cache: the model it gives must equal a fresh `assemble`;
        /// returns whether it was patched.
        fn rebuild(
            cache: &mut ModelCache,
            config: &Config,
            pages: &[Arc<Page>],
            editions: &[Arc<Edition>],
        ) -> bool {
            let aliases = TagAliases::default();
            let last_shape = cache.site.as_ref().map(|kept| kept.shape);
            let site = cache
                .assemble(config, pages.to_vec(), editions.to_vec(), &aliases)
                .unwrap();
            let mut fresh = assemble(config, pages.to_vec(), editions.to_vec(), &aliases).unwrap();
            assert_ne!(site.shape, fresh.shape, "each assemble names a new shape");
            // A patched model keeps the shape it was made with; a new one has its own.
            let patched = cache.patched();
            assert_eq!(patched, last_shape == Some(site.shape));
            fresh.shape = site.shape;
            assert_eq!(format!("{site:?}"), format!("{fresh:?}"));
            cache.keep(site);
            patched
        }

        #[test]
        fn a_patched_model_equals_a_fresh_one_and_a_moved_page_assembles_again() {
            let mut config = config("2026-01-01T00:00:00Z");
            let mut pages = vec![
                page(&config, "a", "title: A\ndate: 2023-10-01\ntags: [x, y]"),
                page(
                    &config,
                    "b",
                    "title: B\ndate: 2023-10-02\ntags: [y]\nsources: [{name: KCNA}]",
                ),
                page(&config, "c", "title: C\ndate: 2026-06-01\ntags: [x]"),
                page(
                    &config,
                    "d",
                    "title: D\ndate: 2023-10-03\nexpires: 2026-03-01\ntags: [x]",
                ),
                page(&config, "e", "title: E\ndate: 2023-10-04\ndraft: true"),
            ];
            let mut editions = vec![edition(
                &config,
                "2023-10-05",
                "title: Ed\ndate: 2023-10-05\narticles: [a, b]",
            )];
            let mut cache = ModelCache::default();
            assert!(
                !rebuild(&mut cache, &config, &pages, &editions),
                "first build"
            );
            // The title, summary and text do not move a page.
            pages[0] = page(
                &config,
                "a",
                "title: A again\nsummary: New\ndate: 2023-10-01\ntags: [x, y]",
            );
            assert!(rebuild(&mut cache, &config, &pages, &editions));
            // Nor does the same instant written in another offset, or a draft's title.
            pages[1] = page(
                &config,
                "b",
                "title: B\ndate: 2023-10-02T06:00:00+06:00\ntags: [y]\nsources: [{name: KCNA}]",
            );
            pages[4] = page(&config, "e", "title: E2\ndate: 2023-10-04\ndraft: true");
            assert!(rebuild(&mut cache, &config, &pages, &editions));
            // An edition's title and intro leave it in place; its entries do not.
            editions[0] = edition(
                &config,
                "2023-10-05",
                "title: Ed 2\ndate: 2023-10-05\narticles: [a, b]",
            );
            assert!(rebuild(&mut cache, &config, &pages, &editions));
            editions[0] = edition(
                &config,
                "2023-10-05",
                "title: Ed 2\ndate: 2023-10-05\narticles: [b, a]",
            );
            assert!(!rebuild(&mut cache, &config, &pages, &editions));
            let moves = [
                "title: A\ndate: 2023-10-01\ntags: [x]",
                "title: A\ndate: 2023-09-01\ntags: [x]",
                "title: A\ndate: 2023-09-01\ntags: [x]\nslug: a2",
                "title: A\ndate: 2023-09-01\ntags: [x]\nslug: a2\nsources: [{name: KCNA}]",
                "title: A\ndate: 2023-09-01\ntags: [x]\nslug: a2\nsources: [{name: KCNA, url: 'https://kcna.kp'}]",
                "title: A\ndate: 2023-09-01\ntags: [x]\nslug: a2\nexpires: 2027-01-01",
            ];
            editions[0] = edition(
                &config,
                "2023-10-05",
                "title: Ed\ndate: 2023-10-05\narticles: [b]",
            );
            assert!(!rebuild(&mut cache, &config, &pages, &editions));
            for front in moves {
                pages[0] = page(&config, "a", front);
                assert!(!rebuild(&mut cache, &config, &pages, &editions), "{front}");
            }
            pages.push(page(&config, "f", "title: F\ndate: 2023-10-06"));
            assert!(
                !rebuild(&mut cache, &config, &pages, &editions),
                "a new page"
            );
            pages.pop();
            assert!(
                !rebuild(&mut cache, &config, &pages, &editions),
                "a page gone"
            );
            // Time passing publishes c, then expires d: each time the model is made again.
            config.now = "2026-02-01T00:00:00Z".parse().unwrap();
            assert!(
                rebuild(&mut cache, &config, &pages, &editions),
                "nothing passed"
            );
            config.now = "2026-06-02T00:00:00Z".parse().unwrap();
            assert!(
                !rebuild(&mut cache, &config, &pages, &editions),
                "c published"
            );
            config.now = "2026-06-03T00:00:00Z".parse().unwrap();
            assert!(rebuild(&mut cache, &config, &pages, &editions));
            pages[3] = page(
                &config,
                "d",
                "title: D\ndate: 2023-10-03\nexpires: 2026-07-01\ntags: [x]",
            );
            assert!(
                !rebuild(&mut cache, &config, &pages, &editions),
                "d's expiry moved"
            );
            config.now = "2026-07-02T00:00:00Z".parse().unwrap();
            assert!(
                !rebuild(&mut cache, &config, &pages, &editions),
                "d expired"
            );
            // Without the model handed back, the next build assembles.
            let _ = cache.assemble(
                &config,
                pages.clone(),
                editions.clone(),
                &TagAliases::default(),
            );
            assert!(
                !rebuild(&mut cache, &config, &pages, &editions),
                "nothing kept"
            );
        }
    }

    /// The plain way: gather every candidate once per shared tag, sort, count runs, rank.
    fn related_by_sorting(
        page_tags: &[Vec<usize>],
        tag_pages: &[&[usize]],
        window: usize,
    ) -> Vec<Vec<usize>> {
        (0..page_tags.len())
            .map(|p| {
                let mut candidates: Vec<usize> = Vec::new();
                for &t in &page_tags[p] {
                    let list = tag_pages[t];
                    let at = list.partition_point(|&q| q < p);
                    let from = at.saturating_sub(window);
                    let to = (at + window).min(list.len());
                    candidates.extend(list[from..to].iter().filter(|&&q| q != p));
                }
                candidates.sort_unstable();
                let mut counted: Vec<(usize, usize)> = candidates
                    .chunk_by(|a, b| a == b)
                    .map(|run| (run[0], run.len()))
                    .collect();
                counted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                counted.into_iter().take(RELATED).map(|(q, _)| q).collect()
            })
            .collect()
    }

    /// Pages with tags drawn from `tag_count`, some of them listed, as `assemble` sees them.
    fn small_site() -> impl Strategy<Value = (Vec<Vec<usize>>, Vec<Vec<usize>>, usize)> {
        (1usize..6, 0usize..40, 1usize..8).prop_flat_map(|(tag_count, page_count, window)| {
            (
                prop::collection::vec(
                    (
                        prop::collection::btree_set(0..tag_count, 0..=tag_count),
                        any::<bool>(),
                    ),
                    page_count,
                ),
                Just(tag_count),
                Just(window),
            )
                .prop_map(|(pages, tag_count, window)| {
                    let mut tag_pages = vec![Vec::new(); tag_count];
                    let mut page_tags = Vec::new();
                    for (p, (tags, listed)) in pages.into_iter().enumerate() {
                        if listed {
                            for &t in &tags {
                                tag_pages[t].push(p);
                            }
                        }
                        page_tags.push(tags.into_iter().collect());
                    }
                    (page_tags, tag_pages, window)
                })
        })
    }

    proptest! {
        #[test]
        fn related_equals_ranking_by_sorting((page_tags, tag_pages, window) in small_site()) {
            let tag_pages: Vec<&[usize]> = tag_pages.iter().map(Vec::as_slice).collect();
            prop_assert_eq!(
                related(&page_tags, &tag_pages, window),
                related_by_sorting(&page_tags, &tag_pages, window)
            );
        }
    }

    #[test]
    fn related_ties_go_to_the_newer_page() {
        // Page 0 shares one tag with each of 1..=7 and two with 6: 6 first, then the newest.
        let page_tags = vec![
            vec![0, 1],
            vec![0],
            vec![0],
            vec![0],
            vec![0],
            vec![0],
            vec![0, 1],
            vec![0],
        ];
        let tag0: Vec<usize> = (0..8).collect();
        let tag1 = vec![0, 6];
        let tag_pages: Vec<&[usize]> = vec![&tag0, &tag1];
        let related = related(&page_tags, &tag_pages, RELATED_WINDOW);
        assert_eq!(related[0], vec![6, 1, 2, 3, 4]);
        assert_eq!(related[6], vec![0, 1, 2, 3, 4]);
        assert_eq!(related[7], vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn related_looks_only_within_the_window() {
        // A window of 2 spans two places before and after the page's place in its tag's list:
        // page 2 sees pages 0, 1 and 3, not 4; page 0 sees only page 1.
        let page_tags = vec![vec![0]; 5];
        let tag0: Vec<usize> = (0..5).collect();
        let tag_pages: Vec<&[usize]> = vec![&tag0];
        let related = related(&page_tags, &tag_pages, 2);
        assert_eq!(related[2], vec![0, 1, 3]);
        assert_eq!(related[0], vec![1]);
    }
}
