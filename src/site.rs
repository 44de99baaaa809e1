//! The site model: published pages in order, tags and sources, editions resolved to pages,
//! related articles; pure, computed once per build.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
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
    let hidden_drafts: HashSet<String> = pages
        .iter()
        .filter(|p| p.draft && !config.drafts)
        .map(|p| p.slug.clone())
        .collect();
    let future: HashSet<String> = pages
        .iter()
        .filter(|p| !config.future && p.date.timestamp() > now)
        .map(|p| p.slug.clone())
        .collect();
    let mut pages: Vec<Arc<Page>> = pages
        .into_iter()
        .filter(|p| (config.drafts || !p.draft) && (config.future || p.date.timestamp() <= now))
        .collect();
    pages.sort_by(|a, b| {
        b.date
            .timestamp()
            .cmp(&a.date.timestamp())
            .then_with(|| a.slug.cmp(&b.slug))
    });

    let mut errors = collisions(&pages);
    let listed: Vec<usize> = (0..pages.len())
        .filter(|&i| {
            pages[i]
                .expires
                .as_ref()
                .is_none_or(|e| e.timestamp() > now)
        })
        .collect();

    let mut editions: Vec<Arc<Edition>> = editions
        .into_iter()
        .filter(|e| config.drafts || !e.draft)
        .collect();
    editions.sort_by(|a, b| {
        b.date
            .timestamp()
            .cmp(&a.date.timestamp())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let by_slug: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.as_str(), i))
        .collect();
    let mut edition_items = Vec::with_capacity(editions.len());
    let mut page_editions: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
    for (e, edition) in editions.iter().enumerate() {
        let mut items = Vec::with_capacity(edition.entries.len());
        for entry in &edition.entries {
            match by_slug.get(entry.slug.as_str()) {
                Some(&page) => {
                    if !page_editions[page].contains(&e) {
                        page_editions[page].push(e);
                    }
                    items.push(Item {
                        page,
                        note: entry.note.clone(),
                    });
                }
                None => errors.push(unknown_entry(
                    entry,
                    &hidden_drafts,
                    &future,
                    &by_slug,
                    &pages,
                )),
            }
        }
        edition_items.push(items);
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        return Err(errors);
    }

    let aliases = Some(tag_aliases).filter(|a| !a.is_empty());
    let (tags, page_tags) = group_terms(config, "tags", aliases, &pages, &listed, |p| {
        p.tags.iter().map(|t| (t.as_str(), None)).collect()
    });
    let (sources, page_sources) = group_terms(config, "sources", None, &pages, &listed, |p| {
        p.sources
            .iter()
            .map(|s| (s.name.as_str(), s.url.as_deref()))
            .collect()
    });
    let related = related(&pages, &tags, &page_tags);
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
    })
}

fn collisions(pages: &[Arc<Page>]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut by_slug: HashMap<&str, &Page> =
        HashMap::with_capacity_and_hasher(pages.len(), Default::default());
    for page in pages {
        if let Some(first) = by_slug.insert(&page.slug, page) {
            let mut d = page.slug_at.clone();
            d.message = format!(
                "URL {} is also the URL of {}",
                page.url,
                first.file.display.display()
            );
            errors.push(d.hint("give one of them another `slug:` or rename its file"));
        }
    }
    errors
}

/// An edition names a slug no published article has: say why, and the nearest slug.
fn unknown_entry(
    entry: &crate::content::EditionEntry,
    drafts: &HashSet<String>,
    future: &HashSet<String>,
    by_slug: &HashMap<&str, usize>,
    pages: &[Arc<Page>],
) -> Diagnostic {
    let mut d = entry.at.clone();
    let slug = &entry.slug;
    if drafts.contains(slug) {
        d.message = format!("article `{slug}` is a draft");
        return d.hint("publish it (remove `draft: true`), build with --drafts, or take it out of this edition");
    }
    if future.contains(slug) {
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
fn group_terms<'a>(
    config: &Config,
    kind: &str,
    aliases: Option<&TagAliases>,
    pages: &'a [Arc<Page>],
    listed: &[usize],
    names_of: impl Fn(&'a Page) -> Vec<(&'a str, Option<&'a str>)>,
) -> (Vec<Term>, Vec<Vec<usize>>) {
    #[derive(Default)]
    struct Group<'a> {
        pages: Vec<usize>,
        spellings: HashMap<&'a str, usize>,
        urls: HashMap<&'a str, usize>,
    }
    let is_listed: HashSet<usize> = listed.iter().copied().collect();
    let mut groups: HashMap<String, Group> = HashMap::default();
    let mut page_slugs: Vec<Vec<String>> = Vec::with_capacity(pages.len());
    // A few hundred names recur across thousands of pages: make each slug once.
    let mut slug_of: HashMap<&str, String> = HashMap::default();
    for (i, page) in pages.iter().enumerate() {
        let mut slugs: Vec<String> = Vec::new();
        for (name, url) in names_of(page) {
            let slug = slug_of
                .entry(name)
                .or_insert_with(|| aliases.map_or_else(|| slugify(name), |a| a.slug_of(name)))
                .clone();
            if slug.is_empty() || slugs.contains(&slug) {
                continue;
            }
            let group = groups.entry(slug.clone()).or_default();
            if is_listed.contains(&i) {
                group.pages.push(i);
            }
            *group.spellings.entry(name).or_default() += 1;
            if let Some(url) = url.filter(|u| !u.is_empty()) {
                *group.urls.entry(url).or_default() += 1;
            }
            slugs.push(slug);
        }
        page_slugs.push(slugs);
    }

    let most_used = |counts: &HashMap<&str, usize>| {
        counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(name, _)| (*name).to_string())
    };
    let mut terms: Vec<Term> = groups
        .into_iter()
        .map(|(slug, group)| {
            let encoded = format!("{kind}/{}/", encode_segment(&slug));
            let entry = aliases.and_then(|a| a.resolve(&slug));
            Term {
                name: entry.map_or_else(
                    || most_used(&group.spellings).unwrap_or_else(|| slug.clone()),
                    |e| e.name.clone(),
                ),
                names: entry.map(|e| e.names.clone()).unwrap_or_default(),
                external_url: most_used(&group.urls),
                url: config.url(&encoded),
                permalink: config.permalink(&encoded),
                output_dir: format!("{kind}/{slug}/"),
                slug,
                pages: group.pages,
            }
        })
        .collect();
    terms.sort_by(|a, b| {
        b.pages
            .len()
            .cmp(&a.pages.len())
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let index: HashMap<&str, usize> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    let page_terms = page_slugs
        .iter()
        .map(|slugs| slugs.iter().map(|s| index[s.as_str()]).collect())
        .collect();
    (terms, page_terms)
}

/// Up to `RELATED` listed pages per page, by most shared tags, ties by date (newest first),
/// then slug. Candidates are the `RELATED_WINDOW` nearest pages in each tag's date order, so a
/// tag on every article costs linear time, not quadratic.
fn related(pages: &[Arc<Page>], tags: &[Term], page_tags: &[Vec<usize>]) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    (0..pages.len())
        .into_par_iter()
        .map_init(Vec::new, |candidates: &mut Vec<usize>, p| {
            candidates.clear();
            for &t in &page_tags[p] {
                let list = &tags[t].pages;
                // `list` is in page-index order (= date order); find where `p` stands.
                let at = list.partition_point(|&q| q < p);
                let from = at.saturating_sub(RELATED_WINDOW);
                let to = (at + RELATED_WINDOW).min(list.len());
                candidates.extend(list[from..to].iter().filter(|&&q| q != p));
            }
            // Sorting the candidates groups each page's shared tags into one run.
            candidates.sort_unstable();
            let mut best: Vec<(usize, usize)> = Vec::with_capacity(RELATED + 1);
            for run in candidates.chunk_by(|a, b| a == b) {
                let (q, shared) = (run[0], run.len());
                // More shared tags first; then newer (smaller index, since index order is date order).
                let at = best.partition_point(|&(bq, bs)| bs > shared || (bs == shared && bq < q));
                if at < RELATED {
                    best.insert(at, (q, shared));
                    best.truncate(RELATED);
                }
            }
            best.into_iter().map(|(q, _)| q).collect()
        })
        .collect()
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
