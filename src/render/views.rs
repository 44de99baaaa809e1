//! What templates see: plain serialisable views over the site model, built once per output.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{self, Config};
use crate::content::Image;
use crate::dates::DateView;
use crate::site::{Site, Term};

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub dir: &'a str,
    pub base_url: &'a str,
    pub root: &'a str,
    pub home_url: String,
    pub tags_url: String,
    pub sources_url: String,
    pub editions_url: String,
    pub archive_url: String,
    pub search_url: String,
    pub atom_url: String,
    pub json_feed_url: String,
    pub search_index_url: String,
}

impl<'a> SiteView<'a> {
    pub fn new(config: &'a Config) -> Self {
        SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            dir: config::direction(&config.language),
            base_url: &config.base_url,
            root: &config.base_path,
            home_url: config.url(""),
            tags_url: config.url("tags/"),
            sources_url: config.url("sources/"),
            editions_url: config.url("editions/"),
            archive_url: config.url("archive/"),
            search_url: config.url("search/"),
            atom_url: config.url("atom.xml"),
            json_feed_url: config.url("feed.json"),
            search_index_url: config.url("search-index.json"),
        }
    }
}

/// A tag as a page lists it: `name` in that page's language (from `tags.yaml`), and every
/// language's name in `names`.
#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub names: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub count: usize,
    pub external_url: Option<&'a str>,
    pub names: &'a BTreeMap<String, String>,
}

impl<'a> TermView<'a> {
    /// The term as shown on a page in `lang`.
    pub fn new(t: &'a Term, lang: &str) -> Self {
        TermView {
            name: t.name_in(lang),
            slug: &t.slug,
            url: &t.url,
            count: t.pages.len(),
            external_url: t.external_url.as_deref(),
            names: &t.names,
        }
    }
}

/// A source as an article cites it: the outlet's name and address, and our page for it.
#[derive(Serialize)]
pub struct SourceLink<'a> {
    pub name: &'a str,
    pub url: Option<&'a str>,
    pub page_url: &'a str,
}

#[derive(Serialize)]
pub struct SummaryView<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub permalink: &'a str,
    pub lang: &'a str,
    pub dir: &'static str,
    pub summary: Option<&'a str>,
    /// `summary`, else the site's description. `None` when the caller adds it (a site's
    /// summaries share the text of `summary` or the site's one description, not copies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub date: DateView,
    pub updated: Option<DateView>,
    /// `None` when the caller adds the tags itself: a site's summaries share one value per
    /// tag instead of each serialising its own copy (`render::Shared::tag_links`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TermLink<'a>>>,
    /// `None` when the caller adds them (`render::Shared::source_links`), like `tags`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sources: Option<Vec<SourceLink<'a>>>,
    pub authors: &'a [String],
    pub reading_minutes: usize,
    pub image: Option<&'a Image>,
    pub expired: bool,
}

impl<'a> SummaryView<'a> {
    pub fn new(site: &'a Site, i: usize) -> Self {
        let page = &site.pages[i];
        SummaryView {
            tags: Some(
                site.page_tags[i]
                    .iter()
                    .map(|&t| term_link(&site.tags[t], &page.lang))
                    .collect(),
            ),
            description: Some(page.summary.as_deref().unwrap_or(&site.config.description)),
            sources: Some(source_links(site, i).collect()),
            ..SummaryView::without_shared(site, i)
        }
    }

    /// The view without `tags`, `description` and `sources`, for a caller that adds them as
    /// values shared between summaries (see `render::Shared::new_summary`).
    pub fn without_shared(site: &'a Site, i: usize) -> Self {
        let page = &site.pages[i];
        let now = site.config.now;
        SummaryView {
            title: &page.title,
            slug: &page.slug,
            url: &page.url,
            permalink: &page.permalink,
            lang: &page.lang,
            dir: config::direction(&page.lang),
            summary: page.summary.as_deref(),
            description: None,
            date: DateView::new(&page.date, &page.lang),
            updated: page.updated.as_ref().map(|u| DateView::new(u, &page.lang)),
            tags: None,
            sources: None,
            authors: &page.authors,
            reading_minutes: page.reading_minutes,
            image: page.image.as_ref(),
            expired: page.expires.as_ref().is_some_and(|e| e.timestamp() <= now),
        }
    }
}

/// Page `i`'s sources as it cites them, each with the index of its source page.
pub fn source_links(site: &Site, i: usize) -> impl Iterator<Item = SourceLink<'_>> {
    site.pages[i]
        .sources
        .iter()
        .zip(&site.page_sources[i])
        .map(|(s, &t)| SourceLink {
            name: &s.name,
            url: s.url.as_deref(),
            page_url: &site.sources[t].url,
        })
}

/// A fingerprint of what `SummaryView::new(site, i)` shows: the page's own fields that the
/// view reads (`Page::summary_hash`: not the body or the word count, so an edit of the text
/// alone leaves lists alone), what it shows of its tags (`term_identities`, see
/// `term_identity`) and sources, and whether it has expired; `global` is the site-wide
/// inputs' fingerprint (the description and time zone are the site's). Cheap, so every
/// build computes it for every page.
pub fn summary_fingerprint(site: &Site, i: usize, term_identities: &[u64], global: u64) -> u64 {
    use std::hash::{Hash, Hasher};
    let page = &site.pages[i];
    let mut hasher = crate::render::fingerprint::hasher();
    (global, page.summary_hash).hash(&mut hasher);
    for &t in &site.page_tags[i] {
        term_identities[t].hash(&mut hasher);
    }
    for &s in &site.page_sources[i] {
        site.sources[s].url.hash(&mut hasher);
    }
    page.expires
        .as_ref()
        .is_some_and(|e| e.timestamp() <= site.config.now)
        .hash(&mut hasher);
    hasher.finish()
}

pub fn term_identity(t: &Term) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = crate::render::fingerprint::hasher();
    (&t.name, &t.names, &t.slug, &t.url).hash(&mut hasher);
    hasher.finish()
}

pub fn term_link<'a>(t: &'a Term, lang: &str) -> TermLink<'a> {
    TermLink {
        name: t.name_in(lang),
        slug: &t.slug,
        url: &t.url,
        names: &t.names,
    }
}

/// A previous/next link: an article's or an edition's title, URL and language.
#[derive(Serialize)]
pub struct Neighbour<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub lang: &'a str,
    pub dir: &'static str,
}

impl<'a> Neighbour<'a> {
    pub fn new(title: &'a str, url: &'a str, lang: &'a str) -> Self {
        Neighbour {
            title,
            url,
            lang,
            dir: config::direction(lang),
        }
    }
}

#[derive(Serialize)]
pub struct EditionLink<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub date: DateView,
    pub lang: &'a str,
    pub dir: &'static str,
}

#[derive(Serialize)]
pub struct EditionSummary<'a> {
    pub title: &'a str,
    pub url: &'a str,
    pub lang: &'a str,
    pub dir: &'static str,
    pub date: DateView,
    pub summary: Option<&'a str>,
    pub count: usize,
}

impl<'a> EditionSummary<'a> {
    pub fn new(site: &'a Site, e: usize) -> Self {
        let edition = &site.editions[e];
        EditionSummary {
            title: &edition.title,
            url: &edition.url,
            lang: &edition.lang,
            dir: config::direction(&edition.lang),
            date: DateView::new(&edition.date, &edition.lang),
            summary: edition.summary.as_deref(),
            count: site.edition_items[e].len(),
        }
    }
}

#[derive(Serialize)]
pub struct ItemView<'a> {
    pub page: SummaryView<'a>,
    pub note: Option<&'a str>,
}

#[derive(Serialize)]
pub struct EditionView<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub permalink: &'a str,
    pub lang: &'a str,
    pub dir: &'static str,
    pub date: DateView,
    pub updated: Option<DateView>,
    pub summary: Option<&'a str>,
    pub tags: Vec<TermLink<'a>>,
    pub intro: &'a str,
    pub items: Vec<ItemView<'a>>,
    pub newer: Option<Neighbour<'a>>,
    pub older: Option<Neighbour<'a>>,
}

impl<'a> EditionView<'a> {
    pub fn new(site: &'a Site, e: usize) -> Self {
        let edition = &site.editions[e];
        let neighbour = |j: usize| {
            site.editions
                .get(j)
                .map(|n| Neighbour::new(&n.title, &n.url, &n.lang))
        };
        let tag_index: std::collections::HashMap<&str, &Term> =
            site.tags.iter().map(|t| (t.slug.as_str(), t)).collect();
        EditionView {
            title: &edition.title,
            slug: &edition.slug,
            url: &edition.url,
            permalink: &edition.permalink,
            lang: &edition.lang,
            dir: config::direction(&edition.lang),
            date: DateView::new(&edition.date, &edition.lang),
            updated: edition
                .updated
                .as_ref()
                .map(|u| DateView::new(u, &edition.lang)),
            summary: edition.summary.as_deref(),
            // An edition's tags link only to tags that have pages (i.e. some article uses them).
            tags: edition
                .tags
                .iter()
                .filter_map(|t| {
                    tag_index
                        .get(site.tag_aliases.slug_of(t).as_str())
                        .map(|t| term_link(t, &edition.lang))
                })
                .collect(),
            intro: &edition.intro,
            items: site.edition_items[e]
                .iter()
                .map(|item| ItemView {
                    page: SummaryView::new(site, item.page),
                    note: item.note.as_deref(),
                })
                .collect(),
            newer: e.checked_sub(1).and_then(neighbour),
            older: neighbour(e + 1),
        }
    }
}

#[derive(Serialize)]
pub struct Paginator {
    pub number: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PaginatorLink>,
}

#[derive(Serialize)]
pub struct PaginatorLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Serialize)]
pub struct OpenGraph<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub image: Option<String>,
    pub image_alt: Option<&'a str>,
    pub locale: &'a str,
}
