//! The full briefing site (issue 3) on the `full` fixture: editions, sources, pagination, feeds,
//! sitemap, robots, JSON-LD, hostile titles, future and expired articles, the search index,
//! related articles and the archive.
//!
//! Builds go through the library into folders under `CARGO_TARGET_TMPDIR`, once per variant
//! and test run, with "now" fixed at 2024-06-01 so future and expired are deterministic.
//! What each page should hold is computed here from the fixture's own front matter, not from
//! the product, and checked through parsed HTML (scraper), XML (roxmltree) and JSON (serde_json).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use briefing::BuildOptions;
use common::{decode_url, file_for_path, file_for_url, fixtures, html_files, read};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const BASE_URL: &str = "https://example.org/news/";
const BASE_PATH: &str = "/news/";
const NOW: &str = "2024-06-01T00:00:00Z";
const PER_PAGE: usize = 10;
const SITE_TITLE: &str = "The Full Desk";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const FEED_ENTRIES: usize = 50;

const HOSTILE_SCRIPT: &str = "</script><script>alert(1)</script>";
const HOSTILE_CHARS: &str = "Q&A: 5 < 6 > 4, \"quoted\" & 'apostrophes'";
const HOSTILE_TAG: &str = "<script>alert(2)</script> & Co";
const HOSTILE_SOURCE: &str = "Wire & <Co> \"Ltd\"";

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn dhaka() -> TimeZone {
    TimeZone::get("Asia/Dhaka").unwrap()
}

// ---------------------------------------------------------------------------------------------
// The fixture as written: parsed from its front matter, independently of the product.

#[derive(Debug, Clone)]
struct Article {
    slug: String,
    title: String,
    date: Timestamp,
    updated: Option<Timestamp>,
    expires: Option<Timestamp>,
    summary: Option<String>,
    lang: String,
    tags: Vec<String>,
    sources: Vec<String>,
}

impl Article {
    /// Root-relative URL, not percent-encoded.
    fn url(&self) -> String {
        format!("{BASE_PATH}articles/{}/", self.slug)
    }
    fn permalink(&self) -> String {
        format!("{BASE_URL}articles/{}/", self.slug)
    }
    fn published(&self) -> bool {
        self.date <= now()
    }
    fn listed(&self) -> bool {
        self.published() && self.expires.is_none_or(|e| e > now())
    }
    fn day(&self) -> jiff::civil::Date {
        self.date.to_zoned_datetime(dhaka()).date()
    }
    fn has_tag(&self, tag: &str) -> bool {
        self.tags
            .iter()
            .any(|t| t.to_lowercase() == tag.to_lowercase())
    }
    fn cites(&self, source: &str) -> bool {
        self.sources.iter().any(|s| s == source)
    }
}

#[derive(Debug, Clone)]
struct Edition {
    slug: String,
    title: String,
    lang: String,
    date: Timestamp,
    /// (article slug, editor's note), in the editor's order.
    entries: Vec<(String, Option<String>)>,
}

impl Edition {
    fn url(&self) -> String {
        format!("{BASE_PATH}editions/{}/", self.slug)
    }
}

struct Fixture {
    /// Every article file, newest first (ties by slug), published or not.
    articles: Vec<Article>,
    /// Newest first.
    editions: Vec<Edition>,
}

impl Fixture {
    fn article(&self, slug: &str) -> &Article {
        self.articles
            .iter()
            .find(|a| a.slug == slug)
            .unwrap_or_else(|| panic!("no article {slug} in the fixture"))
    }
    fn listed(&self) -> Vec<&Article> {
        self.articles.iter().filter(|a| a.listed()).collect()
    }
    fn listed_urls(&self, keep: impl Fn(&Article) -> bool) -> Vec<String> {
        self.listed()
            .into_iter()
            .filter(|a| keep(a))
            .map(Article::url)
            .collect()
    }
}

/// Splits `---\nYAML\n---\nbody` and parses the YAML.
fn front_matter(path: &Path) -> (Value, String) {
    let text = read(path);
    let rest = text.strip_prefix("---\n").expect("front matter");
    let end = rest.find("\n---\n").expect("closing ---");
    let yaml: Value = serde_yaml::from_str(&rest[..end]).unwrap();
    (yaml, rest[end + 5..].to_string())
}

fn parse_time(text: &str) -> Timestamp {
    text.parse::<Timestamp>().unwrap_or_else(|_| {
        let date: jiff::civil::Date = text.parse().unwrap();
        date.to_zoned_datetime(dhaka()).unwrap().timestamp()
    })
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other["name"].as_str().unwrap().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn model() -> &'static Fixture {
    static MODEL: OnceLock<Fixture> = OnceLock::new();
    MODEL.get_or_init(|| {
        let root = fixtures().join("full/content");
        let mut articles: Vec<Article> = std::fs::read_dir(root.join("articles"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .map(|path| {
                let (fm, _) = front_matter(&path);
                let slug = path.file_stem().unwrap().to_string_lossy().into_owned();
                assert_eq!(
                    briefing::slug::slugify(&slug),
                    slug,
                    "fixture file names are slugs"
                );
                Article {
                    title: fm["title"].as_str().unwrap().to_string(),
                    date: parse_time(fm["date"].as_str().unwrap()),
                    updated: fm["updated"].as_str().map(parse_time),
                    expires: fm["expires"].as_str().map(parse_time),
                    summary: fm["summary"].as_str().map(str::to_string),
                    lang: fm["lang"].as_str().unwrap_or("en").to_string(),
                    tags: strings(&fm["tags"]),
                    sources: strings(&fm["sources"]),
                    slug,
                }
            })
            .collect();
        articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
        let mut editions: Vec<Edition> = std::fs::read_dir(root.join("editions"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|path| {
                let (fm, _) = front_matter(&path);
                let entries = fm["articles"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| match e {
                        Value::String(s) => (s.clone(), None),
                        m => (
                            m["slug"].as_str().unwrap().to_string(),
                            m["note"].as_str().map(str::to_string),
                        ),
                    })
                    .collect();
                Edition {
                    slug: path.file_stem().unwrap().to_string_lossy().into_owned(),
                    title: fm["title"].as_str().unwrap().to_string(),
                    lang: fm["lang"].as_str().unwrap_or("en").to_string(),
                    date: parse_time(fm["date"].as_str().unwrap()),
                    entries,
                }
            })
            .collect();
        editions.sort_by_key(|e| std::cmp::Reverse(e.date));
        let fixture = Fixture { articles, editions };
        // The fixture is what the tests below rely on.
        assert_eq!(fixture.articles.len(), 45);
        assert_eq!(fixture.editions.len(), 3);
        assert!(fixture.listed_urls(|a| a.has_tag("North Korea")).len() > 2 * PER_PAGE);
        assert_eq!(fixture.listed_urls(|a| a.cites("KCNA")).len() % PER_PAGE, 0);
        fixture
    })
}

// ---------------------------------------------------------------------------------------------
// Builds: one per variant and test run.

/// Builds the `full` fixture (its site.yaml edited by `edit` when given) into
/// `CARGO_TARGET_TMPDIR/full_site/NAME/site`.
fn build_variant(
    name: &str,
    future: bool,
    base_url: Option<&str>,
    edit: Option<(&str, &str)>,
) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("full_site")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = match edit {
        None => fixtures().join("full"),
        Some((from, to)) => {
            let root = dir.join("root");
            common::copy_tree(&fixtures().join("full"), &root);
            let yaml = root.join("site.yaml");
            let text = read(&yaml);
            assert!(text.contains(from), "site.yaml has no `{from}`");
            std::fs::write(&yaml, text.replace(from, to)).unwrap();
            root
        }
    };
    let out = dir.join("site");
    briefing::build(&BuildOptions {
        root,
        output: Some(out.clone()),
        base_url: base_url.map(str::to_string),
        future,
        now: Some(now()),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("building the full fixture ({name}) failed:\n{e}"));
    out
}

fn site() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| build_variant("default", false, None, None))
}

fn site_with_future() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| build_variant("future", true, None, None))
}

fn site_under_briefs() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        build_variant(
            "briefs",
            false,
            Some("https://user.github.io/briefs/"),
            None,
        )
    })
}

fn site_in_bengali() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| build_variant("bn", false, None, Some(("language: en", "language: bn"))))
}

fn site_paginated_by_two() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| build_variant("by-two", false, None, Some(("paginate: 10", "paginate: 2"))))
}

// ---------------------------------------------------------------------------------------------
// Reading the output.

/// The page at a root-relative URL (encoded or not) under `/news/`.
fn page(out: &Path, url: &str) -> Html {
    let file = file_for_path(out, BASE_PATH, url)
        .unwrap_or_else(|| panic!("{url} is not under {BASE_PATH}"));
    assert!(file.is_file(), "{url}: no file {}", file.display());
    Html::parse_document(&read(&file))
}

fn sel<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn sel_in<'a>(el: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    el.select(&Selector::parse(css).unwrap()).collect()
}

/// Text of an element, whitespace collapsed.
fn text(el: ElementRef) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn href(el: ElementRef) -> String {
    decode_url(
        el.value()
            .attr("href")
            .unwrap_or_else(|| panic!("no href on {}", el.html())),
    )
}

/// Decoded hrefs of the elements matching `css`, in document order, without repeats.
fn hrefs(doc: &Html, css: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for el in sel(doc, css) {
        let h = href(el);
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// The article cards of a list page (home, tag, source), in order.
fn cards(doc: &Html) -> Vec<String> {
    hrefs(doc, "main .card__title a")
}

fn link_rel(doc: &Html, rel: &str) -> Option<String> {
    let links = sel(doc, &format!("head link[rel='{rel}']"));
    assert!(links.len() <= 1, "{} link rel={rel}", links.len());
    links.first().map(|l| href(*l))
}

fn is_article_url(url: &str) -> bool {
    url.starts_with(&format!("{BASE_PATH}articles/"))
}

/// An edition page URL (`/news/editions/x/`, not the list or its pages).
fn is_edition_url(url: &str) -> bool {
    url.strip_prefix(&format!("{BASE_PATH}editions/"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with("page/") && rest.ends_with('/'))
}

fn json(out: &Path, file: &str) -> Value {
    serde_json::from_str(&read(&out.join(file))).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

// ---------------------------------------------------------------------------------------------
// Links

#[test]
fn every_internal_link_resolves_to_a_file() {
    let out = site();
    let links = common::assert_links_resolve(out, BASE_PATH);
    assert!(links > 2000, "only {links} links checked");
    let absolute = common::assert_absolute_urls_resolve(out, BASE_URL);
    assert!(absolute > 100, "only {absolute} absolute URLs checked");
}

#[test]
fn every_internal_link_resolves_under_an_overridden_base_url() {
    let out = site_under_briefs();
    common::assert_links_resolve(out, "/briefs/");
    common::assert_absolute_urls_resolve(out, "https://user.github.io/briefs/");
    // Feeds and the sitemap follow the override too.
    for file in [
        "atom.xml",
        "sitemap.xml",
        "tags/north-korea/atom.xml",
        "editions/atom.xml",
    ] {
        let xml = read(&out.join(file));
        assert!(
            !xml.contains("example.org"),
            "{file} still names example.org"
        );
        assert!(xml.contains("https://user.github.io/briefs/"), "{file}");
    }
    let feed = json(out, "feed.json");
    for item in feed["items"].as_array().unwrap() {
        let url = item["url"].as_str().unwrap();
        assert!(
            url.starts_with("https://user.github.io/briefs/articles/"),
            "{url}"
        );
    }
    let index = json(out, "search-index.json");
    for entry in index.as_array().unwrap() {
        let url = entry["url"].as_str().unwrap();
        assert!(url.starts_with("/briefs/articles/"), "{url}");
    }
}

// ---------------------------------------------------------------------------------------------
// Pagination

/// Follows `rel="next"` from `first` to the end and checks the chain against `expected` (the
/// full list, in order): every page visited once, `rel="prev"` pointing back, `per_page` items
/// on every page but a non-empty last one, page 1 at the list URL and `page/N/` after.
fn assert_paginated(out: &Path, first: &str, item_css: &str, expected: &[String], per_page: usize) {
    let total = expected.len().div_ceil(per_page).max(1);
    let mut seen: Vec<String> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let mut url = first.to_string();
    let mut previous: Option<String> = None;
    loop {
        let n = seen.len() + 1;
        let want = if n == 1 {
            first.to_string()
        } else {
            format!("{first}page/{n}/")
        };
        assert_eq!(url, want, "page {n} of {first}");
        assert!(!url.contains("/page/1/"), "{url}");
        assert!(
            !seen.contains(&url),
            "the chain from {first} comes back to {url}"
        );
        assert!(n <= total, "{first}: more than {total} pages");
        let doc = page(out, &url);
        assert_eq!(link_rel(&doc, "prev"), previous, "rel=prev of {url}");
        let next = link_rel(&doc, "next");
        // The visible pager agrees with the <head> links.
        for (rel, head) in [("prev", &previous), ("next", &next)] {
            for a in sel(&doc, &format!("main a[rel~='{rel}']")) {
                assert_eq!(
                    Some(href(a)),
                    *head,
                    "{url}: <a rel={rel}> vs <link rel={rel}>"
                );
            }
        }
        // Numbered navigation marks this page, and reaches the first and the last page.
        if total > 1 {
            let current = hrefs(&doc, "main nav a[aria-current='page']");
            assert_eq!(
                current,
                [url.clone()],
                "{url}: current page in the numbered navigation"
            );
            let numbered = hrefs(&doc, "main nav a");
            assert!(
                numbered.contains(&first.to_string()),
                "{url}: no link to page 1"
            );
            let last = if total == 1 {
                first.to_string()
            } else {
                format!("{first}page/{total}/")
            };
            assert!(numbered.contains(&last), "{url}: no link to the last page");
        }
        let here = hrefs(&doc, item_css);
        if n < total {
            assert_eq!(here.len(), per_page, "{url}: items on a full page");
        } else if !expected.is_empty() {
            assert!(!here.is_empty(), "{url}: the last page is empty");
        }
        items.extend(here);
        seen.push(url.clone());
        match next {
            Some(next) => {
                previous = Some(url);
                url = next;
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), total, "{first}: pages");
    assert_eq!(items, expected, "{first}: items over all pages, in order");
    let dir = file_for_path(out, BASE_PATH, first).unwrap();
    let dir = dir.parent().unwrap();
    assert!(!dir.join("page/1").exists(), "{first}: page/1/ exists");
    assert!(
        !dir.join(format!("page/{}", total + 1)).exists(),
        "{first}: a page after the last"
    );
}

#[test]
fn home_paginates_every_listed_article_newest_first() {
    let m = model();
    let expected = m.listed_urls(|_| true);
    assert_eq!(expected.len(), 43);
    assert_paginated(
        site(),
        BASE_PATH,
        "main .card__title a",
        &expected,
        PER_PAGE,
    );
}

#[test]
fn big_tag_paginates() {
    let expected = model().listed_urls(|a| a.has_tag("North Korea"));
    assert_paginated(
        site(),
        "/news/tags/north-korea/",
        "main .card__title a",
        &expected,
        PER_PAGE,
    );
}

#[test]
fn source_page_lists_every_article_citing_kcna_newest_first() {
    let out = site();
    let expected = model().listed_urls(|a| a.cites("KCNA"));
    // 20 articles: exactly two full pages, and no empty third one.
    assert_paginated(
        out,
        "/news/sources/kcna/",
        "main .card__title a",
        &expected,
        PER_PAGE,
    );
    let doc = page(out, "/news/sources/kcna/");
    assert_eq!(text(sel(&doc, "main h1")[0]), "KCNA");
    assert!(
        sel(&doc, "main a[href='http://kcna.kp']").len() == 1,
        "the source's own address is linked"
    );
}

#[test]
fn every_tag_and_source_page_paginates() {
    let out = site();
    let m = model();
    let tags: BTreeSet<&str> = m
        .articles
        .iter()
        .filter(|a| a.published())
        .flat_map(|a| a.tags.iter().map(String::as_str))
        .collect();
    for tag in tags {
        let first = format!("{BASE_PATH}tags/{}/", briefing::slug::slugify(tag));
        assert_paginated(
            out,
            &first,
            "main .card__title a",
            &m.listed_urls(|a| a.has_tag(tag)),
            PER_PAGE,
        );
    }
    let sources: BTreeSet<&str> = m
        .articles
        .iter()
        .filter(|a| a.published())
        .flat_map(|a| a.sources.iter().map(String::as_str))
        .collect();
    for source in sources {
        let first = format!("{BASE_PATH}sources/{}/", briefing::slug::slugify(source));
        assert_paginated(
            out,
            &first,
            "main .card__title a",
            &m.listed_urls(|a| a.cites(source)),
            PER_PAGE,
        );
    }
}

#[test]
fn editions_list_newest_first_and_paginates() {
    let expected: Vec<String> = model().editions.iter().map(Edition::url).collect();
    assert_eq!(
        expected,
        [
            "/news/editions/2024-05-20/",
            "/news/editions/2023-11-14/",
            "/news/editions/2023-10-20/"
        ]
    );
    assert_paginated(
        site(),
        "/news/editions/",
        "main .edition-index__title a",
        &expected,
        PER_PAGE,
    );
    // With two per page, three editions make two pages.
    assert_paginated(
        site_paginated_by_two(),
        "/news/editions/",
        "main .edition-index__title a",
        &expected,
        2,
    );
}

// ---------------------------------------------------------------------------------------------
// Editions

#[test]
fn edition_pages_show_items_in_the_editors_order_with_notes() {
    let out = site();
    for edition in &model().editions {
        let doc = page(out, &edition.url());
        assert_eq!(
            doc.root_element().value().attr("lang"),
            Some(edition.lang.as_str()),
            "{}",
            edition.slug
        );
        assert_eq!(text(sel(&doc, "main h1")[0]), edition.title);
        let items = sel(&doc, "main .edition__items > li");
        assert_eq!(
            items.len(),
            edition.entries.len(),
            "{}: items",
            edition.slug
        );
        for (li, (slug, note)) in items.into_iter().zip(&edition.entries) {
            let article = model().article(slug);
            let title_links: Vec<ElementRef> = sel_in(li, "a")
                .into_iter()
                .filter(|a| href(*a) == article.url())
                .collect();
            assert!(
                !title_links.is_empty(),
                "{}: item {slug} does not link to it",
                edition.slug
            );
            assert_eq!(
                text(title_links[0]),
                article.title,
                "{}: title of {slug}",
                edition.slug
            );
            let notes = sel_in(li, ".note");
            match note {
                Some(note) => {
                    assert_eq!(notes.len(), 1, "{}: note of {slug}", edition.slug);
                    let shown = text(notes[0]);
                    assert!(
                        shown.ends_with(note.as_str()),
                        "{}: note {shown:?}, want {note:?}",
                        edition.slug
                    );
                }
                None => assert!(notes.is_empty(), "{}: {slug} has no note", edition.slug),
            }
        }
    }
}

#[test]
fn edition_intro_is_rendered_markdown() {
    let doc = page(site(), "/news/editions/2023-10-20/");
    let strong: Vec<String> = sel(&doc, "main strong").into_iter().map(text).collect();
    assert!(
        strong.contains(&"Sergey Lavrov's visit".to_string()),
        "{strong:?}"
    );
    let em: Vec<String> = sel(&doc, "main em").into_iter().map(text).collect();
    assert!(em.contains(&"Security Council".to_string()), "{em:?}");
    let li: Vec<String> = sel(&doc, "main li").into_iter().map(text).collect();
    assert!(
        li.contains(&"Start with the visit itself.".to_string()),
        "{li:?}"
    );
}

#[test]
fn editions_link_to_the_previous_and_next_edition() {
    let out = site();
    let editions = &model().editions;
    for (i, edition) in editions.iter().enumerate() {
        let doc = page(out, &edition.url());
        let newer = hrefs(&doc, "main a.pager__link--newer");
        let older = hrefs(&doc, "main a.pager__link--older");
        let want_newer: Vec<String> = i
            .checked_sub(1)
            .map(|j| editions[j].url())
            .into_iter()
            .collect();
        let want_older: Vec<String> = editions.get(i + 1).map(Edition::url).into_iter().collect();
        assert_eq!(newer, want_newer, "{}: newer edition", edition.slug);
        assert_eq!(older, want_older, "{}: older edition", edition.slug);
    }
}

/// Position of `el` in document order.
fn position(doc: &Html, el: ElementRef) -> usize {
    doc.root_element()
        .descendants()
        .position(|n| n.id() == el.id())
        .unwrap()
}

#[test]
fn home_page_leads_with_the_latest_edition() {
    let out = site();
    let m = model();
    let latest = &m.editions[0];
    let doc = page(out, BASE_PATH);
    let main_links = sel(&doc, "main a[href]");
    let first_card = sel(&doc, "main .card")[0];
    let before_cards: Vec<ElementRef> = main_links
        .iter()
        .copied()
        .filter(|a| position(&doc, *a) < position(&doc, first_card))
        .collect();
    let editions_before: Vec<String> = before_cards
        .iter()
        .map(|a| href(*a))
        .filter(|h| is_edition_url(h))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        editions_before,
        [latest.url()],
        "the only edition before the article list"
    );
    // The edition's first items, in the editor's order, before the latest articles.
    let mut items: Vec<String> = Vec::new();
    for h in before_cards
        .iter()
        .map(|a| href(*a))
        .filter(|h| is_article_url(h))
    {
        if !items.contains(&h) {
            items.push(h);
        }
    }
    let want: Vec<String> = latest
        .entries
        .iter()
        .take(5)
        .map(|(s, _)| m.article(s).url())
        .collect();
    assert_eq!(items, want);
    // Later pages are just the list.
    let page2 = page(out, "/news/page/2/");
    let editions: Vec<String> = hrefs(&page2, "main a")
        .into_iter()
        .filter(|h| is_edition_url(h))
        .collect();
    assert!(editions.is_empty(), "page 2 links editions: {editions:?}");
}

#[test]
fn article_pages_link_to_the_editions_that_include_them() {
    let out = site();
    let m = model();
    for article in m.articles.iter().filter(|a| a.published()) {
        let doc = page(out, &article.url());
        let found: Vec<String> = hrefs(&doc, "main a")
            .into_iter()
            .filter(|h| is_edition_url(h))
            .collect();
        let want: Vec<String> = m
            .editions
            .iter()
            .filter(|e| e.entries.iter().any(|(s, _)| *s == article.slug))
            .map(Edition::url)
            .collect();
        assert_eq!(found, want, "{}: editions", article.slug);
    }
    // One article is in two editions, newest first.
    let doc = page(out, "/news/articles/lavrov-visits-pyongyang/");
    let found: Vec<String> = hrefs(&doc, "main a")
        .into_iter()
        .filter(|h| is_edition_url(h))
        .collect();
    assert_eq!(
        found,
        ["/news/editions/2023-11-14/", "/news/editions/2023-10-20/"]
    );
}

#[test]
fn edition_page_snapshot() {
    let html = read(&site().join("editions/2023-10-20/index.html"));
    insta::assert_snapshot!(common::redact_asset_hashes(&html));
}

// ---------------------------------------------------------------------------------------------
// Sources and tags

/// `(name, count)` of each entry of a term index page (`/tags/`, `/sources/`), in order.
fn term_counts(doc: &Html, prefix: &str) -> Vec<(String, usize)> {
    sel(doc, "main a[href]")
        .into_iter()
        .filter(|a| href(*a).strip_prefix(prefix).is_some_and(|r| !r.is_empty()))
        .map(|a| {
            let name = text(sel_in(a, ".topic-index__name")[0]);
            let count = text(sel_in(a, ".topic-index__count")[0]);
            let count: usize = count.split_whitespace().next().unwrap().parse().unwrap();
            (name, count)
        })
        .collect()
}

#[test]
fn sources_index_shows_every_source_with_its_count() {
    let m = model();
    let doc = page(site(), "/news/sources/");
    let found = term_counts(&doc, "/news/sources/");
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for article in m.articles.iter().filter(|a| a.published()) {
        for s in &article.sources {
            *want.entry(s.clone()).or_default() += usize::from(article.listed());
        }
    }
    let found_map: BTreeMap<String, usize> = found.iter().cloned().collect();
    assert_eq!(found_map, want);
    assert_eq!(found_map["KCNA"], 20);
    assert!(
        found_map.contains_key(HOSTILE_SOURCE),
        "hostile source name shown as text"
    );
    // Most cited first.
    let counts: Vec<usize> = found.iter().map(|(_, c)| *c).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{found:?}");
}

#[test]
fn tags_index_shows_every_tag_with_its_count() {
    let m = model();
    let doc = page(site(), "/news/tags/");
    let found: BTreeMap<String, usize> = term_counts(&doc, "/news/tags/").into_iter().collect();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for article in m.articles.iter().filter(|a| a.published()) {
        for t in &article.tags {
            *want.entry(t.clone()).or_default() += usize::from(article.listed());
        }
    }
    assert_eq!(found, want);
}

#[test]
fn hostile_tag_and_source_names_stay_text() {
    let out = site();
    for (url, name) in [
        (
            format!("{BASE_PATH}tags/{}/", briefing::slug::slugify(HOSTILE_TAG)),
            HOSTILE_TAG,
        ),
        (
            format!(
                "{BASE_PATH}sources/{}/",
                briefing::slug::slugify(HOSTILE_SOURCE)
            ),
            HOSTILE_SOURCE,
        ),
    ] {
        let doc = page(out, &url);
        assert_eq!(text(sel(&doc, "main h1")[0]), name, "{url}");
        assert!(text(sel(&doc, "title")[0]).starts_with(name), "{url}");
    }
    let xml = read(&out.join("tags/script-alert-2-script-co/atom.xml"));
    let feed = roxmltree::Document::parse(&xml).unwrap();
    let title = all_text(child(feed.root_element(), "title").unwrap());
    assert!(title.starts_with(HOSTILE_TAG), "{title}");
}

// ---------------------------------------------------------------------------------------------
// Feeds

#[derive(Debug)]
struct AtomEntry {
    id: String,
    title: String,
    link: String,
    updated: Timestamp,
    lang: Option<String>,
    content: String,
}

#[derive(Debug)]
struct AtomFeed {
    title: String,
    entries: Vec<AtomEntry>,
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn all_text(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .map(|d| d.text().unwrap())
        .collect()
}

/// An absolute URL of the site that names a file in `out`.
fn assert_site_url(out: &Path, what: &str, url: &str) {
    assert!(
        url.starts_with(BASE_URL),
        "{what}: {url} is not absolute under {BASE_URL}"
    );
    let file = file_for_url(out, BASE_URL, url).unwrap();
    assert!(file.is_file(), "{what}: {url} names no file");
}

/// Parses an Atom feed and checks what every Atom feed must have.
fn atom(out: &Path, file: &str) -> AtomFeed {
    let xml = read(&out.join(file));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{file}: {e}"));
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed", "{file}");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM_NS), "{file}");
    for el in feed.descendants().filter(|n| n.is_element()) {
        assert_eq!(
            el.tag_name().namespace(),
            Some(ATOM_NS),
            "{file}: <{}> outside Atom",
            el.tag_name().name()
        );
    }
    let id = all_text(child(feed, "id").expect("feed id"));
    assert!(id.starts_with(BASE_URL), "{file}: feed id {id}");
    let title = all_text(child(feed, "title").expect("feed title"));
    assert!(!title.trim().is_empty(), "{file}: feed title");
    all_text(child(feed, "updated").expect("feed updated"))
        .parse::<Timestamp>()
        .unwrap();
    let links: Vec<roxmltree::Node> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM_NS, "link")))
        .collect();
    let self_link = links
        .iter()
        .find(|l| l.attribute("rel") == Some("self"))
        .expect("rel=self");
    assert_eq!(
        self_link.attribute("href"),
        Some(format!("{BASE_URL}{file}").as_str()),
        "{file}: rel=self"
    );
    for l in &links {
        assert_site_url(out, file, l.attribute("href").unwrap());
    }
    assert!(child(feed, "author").is_some(), "{file}: feed author");
    let entries: Vec<AtomEntry> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM_NS, "entry")))
        .map(|e| {
            let id = all_text(child(e, "id").expect("entry id"));
            let link = e
                .children()
                .find(|c| {
                    c.has_tag_name((ATOM_NS, "link"))
                        && c.attribute("rel").unwrap_or("alternate") == "alternate"
                })
                .and_then(|l| l.attribute("href"))
                .expect("entry link")
                .to_string();
            assert_site_url(out, file, &id);
            assert_site_url(out, file, &link);
            // Full text in `content`; a feed that carries summaries only (tag feeds) leaves
            // `content` out and has a `summary`. An empty `content` would show readers a blank
            // entry instead of the summary.
            let summary = child(e, "summary").map(all_text).unwrap_or_default();
            let content = match child(e, "content") {
                Some(content) => {
                    assert_eq!(
                        content.attribute("type"),
                        Some("html"),
                        "{file}: content type"
                    );
                    let content = all_text(content);
                    assert!(
                        !content.trim().is_empty(),
                        "{file}: {id} has an empty <content> element (leave it out when the \
                         feed carries summaries only)"
                    );
                    content
                }
                None => {
                    assert!(
                        !summary.trim().is_empty(),
                        "{file}: {id} has neither content nor summary"
                    );
                    String::new()
                }
            };
            AtomEntry {
                title: all_text(child(e, "title").expect("entry title")),
                updated: all_text(child(e, "updated").expect("entry updated"))
                    .parse()
                    .unwrap(),
                lang: e
                    .attribute((roxmltree::NS_XML_URI, "lang"))
                    .map(str::to_string),
                id,
                link,
                content,
            }
        })
        .collect();
    assert!(
        entries.len() <= FEED_ENTRIES,
        "{file}: {} entries",
        entries.len()
    );
    let ids: HashSet<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), entries.len(), "{file}: entry ids are unique");
    AtomFeed { title, entries }
}

/// Checks that `feed` carries exactly `articles` (newest first), with their titles, dates and languages.
fn assert_article_entries(file: &str, feed: &AtomFeed, articles: &[&Article]) {
    let want: Vec<String> = articles
        .iter()
        .take(FEED_ENTRIES)
        .map(|a| a.permalink())
        .collect();
    let found: Vec<String> = feed.entries.iter().map(|e| decode_url(&e.link)).collect();
    assert_eq!(found, want, "{file}: entries, newest first");
    for (entry, article) in feed.entries.iter().zip(articles) {
        assert_eq!(
            entry.title, article.title,
            "{file}: title of {}",
            article.slug
        );
        assert_eq!(
            decode_url(&entry.id),
            article.permalink(),
            "{file}: id of {}",
            article.slug
        );
        assert_eq!(
            entry.updated,
            article.updated.unwrap_or(article.date),
            "{file}: updated of {}",
            article.slug
        );
        assert_eq!(
            entry.lang.as_deref(),
            Some(article.lang.as_str()),
            "{file}: xml:lang of {}",
            article.slug
        );
    }
}

#[test]
fn site_atom_feed_has_the_latest_articles_newest_first() {
    let out = site();
    let feed = atom(out, "atom.xml");
    assert_eq!(feed.title, SITE_TITLE);
    assert_article_entries("atom.xml", &feed, &model().listed());
    let bengali = feed
        .entries
        .iter()
        .find(|e| e.lang.as_deref() == Some("bn"));
    assert!(bengali.is_some(), "Bengali entries carry xml:lang=bn");
    // Full content, not just a summary.
    for entry in &feed.entries {
        assert!(
            !entry.content.is_empty(),
            "atom.xml: {} has no content",
            entry.id
        );
    }
    let lavrov = feed
        .entries
        .iter()
        .find(|e| e.link.ends_with("/lavrov-visits-pyongyang/"))
        .unwrap();
    assert!(
        lavrov.content.contains("<h2") && lavrov.content.contains("What comes next"),
        "{}",
        lavrov.content
    );
}

#[test]
fn tag_feed_has_the_tags_articles() {
    let out = site();
    let feed = atom(out, "tags/north-korea/atom.xml");
    let m = model();
    let articles: Vec<&Article> = m
        .listed()
        .into_iter()
        .filter(|a| a.has_tag("North Korea"))
        .collect();
    assert_article_entries("tags/north-korea/atom.xml", &feed, &articles);
    // The tag page announces it.
    let doc = page(out, "/news/tags/north-korea/");
    let feeds = hrefs(
        &doc,
        "head link[rel='alternate'][type='application/atom+xml']",
    );
    assert!(
        feeds.contains(&"/news/tags/north-korea/atom.xml".to_string()),
        "{feeds:?}"
    );
}

#[test]
fn editions_feed_has_every_edition_newest_first() {
    let out = site();
    let feed = atom(out, "editions/atom.xml");
    // The editions list announces its feed, as tag pages announce theirs.
    let doc = page(out, "/news/editions/");
    let feeds = hrefs(
        &doc,
        "head link[rel='alternate'][type='application/atom+xml']",
    );
    assert!(
        feeds.contains(&"/news/editions/atom.xml".to_string()),
        "/news/editions/ does not announce /news/editions/atom.xml: {feeds:?}"
    );
    let editions = &model().editions;
    let found: Vec<String> = feed.entries.iter().map(|e| decode_url(&e.link)).collect();
    let want: Vec<String> = editions
        .iter()
        .map(|e| format!("https://example.org{}", e.url()))
        .collect();
    assert_eq!(found, want);
    for (entry, edition) in feed.entries.iter().zip(editions) {
        assert_eq!(entry.title, edition.title);
        assert_eq!(
            entry.lang.as_deref(),
            Some(edition.lang.as_str()),
            "{}",
            edition.slug
        );
        // The entry lists the edition's articles.
        for (slug, _) in &edition.entries {
            let title = &model().article(slug).title;
            assert!(
                entry.content.contains(&html_escape(title)),
                "{}: {title} missing",
                edition.slug
            );
        }
    }
}

/// How HTML text content escapes a string (what the feed's HTML content holds).
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn json_feed_is_json_feed_1_1() {
    let out = site();
    let feed = json(out, "feed.json");
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["title"], SITE_TITLE);
    assert_site_url(
        out,
        "home_page_url",
        feed["home_page_url"].as_str().unwrap(),
    );
    assert_eq!(feed["feed_url"], format!("{BASE_URL}feed.json"));
    let items = feed["items"].as_array().unwrap();
    let m = model();
    let listed = m.listed();
    assert_eq!(items.len(), listed.len().min(FEED_ENTRIES));
    for (item, article) in items.iter().zip(&listed) {
        let url = item["url"].as_str().unwrap();
        assert_site_url(out, "feed.json", url);
        assert_eq!(decode_url(url), article.permalink());
        assert!(item["id"].as_str().is_some_and(|s| !s.is_empty()), "{item}");
        assert_eq!(item["title"], article.title.as_str());
        assert!(
            item["content_html"].as_str().is_some_and(|s| !s.is_empty()),
            "{item}"
        );
        let published: Timestamp = item["date_published"].as_str().unwrap().parse().unwrap();
        assert_eq!(published, article.date, "{}", article.slug);
        assert_eq!(item["language"], article.lang.as_str(), "{}", article.slug);
    }
}

#[test]
fn every_page_announces_the_site_feeds() {
    let out = site();
    for (rel, abs) in html_files(out) {
        let doc = Html::parse_document(&read(&abs));
        let atom = hrefs(
            &doc,
            "head link[rel='alternate'][type='application/atom+xml']",
        );
        let json = hrefs(
            &doc,
            "head link[rel='alternate'][type='application/feed+json']",
        );
        assert!(
            atom.contains(&"/news/atom.xml".to_string()),
            "{}: {atom:?}",
            rel.display()
        );
        assert_eq!(json, ["/news/feed.json"], "{}", rel.display());
    }
}

// ---------------------------------------------------------------------------------------------
// Sitemap and robots

#[test]
fn sitemap_lists_every_page_with_valid_lastmod() {
    let out = site();
    let xml = read(&out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP_NS));
    assert_eq!(root.tag_name().name(), "urlset");
    let mut locs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut lastmods: BTreeMap<String, Timestamp> = BTreeMap::new();
    for url in root.children().filter(|c| c.is_element()) {
        assert_eq!(url.tag_name().name(), "url");
        let loc = all_text(child(url, "loc").expect("loc"));
        assert_site_url(out, "sitemap.xml", &loc);
        let file = file_for_url(out, BASE_URL, &loc).unwrap();
        assert!(
            locs.insert(file.strip_prefix(out).unwrap().to_path_buf()),
            "{loc} twice"
        );
        if let Some(lastmod) = child(url, "lastmod") {
            let t = all_text(lastmod);
            let parsed: Timestamp = t
                .parse()
                .unwrap_or_else(|e| panic!("{loc}: lastmod {t}: {e}"));
            lastmods.insert(decode_url(&loc), parsed);
        }
    }
    // Every page but the 404 page and the search page.
    let pages: BTreeSet<PathBuf> = html_files(out)
        .into_iter()
        .map(|(rel, _)| rel)
        .filter(|rel| rel != Path::new("404.html") && rel != Path::new("search/index.html"))
        .collect();
    let missing: Vec<&PathBuf> = pages.difference(&locs).collect();
    assert!(
        missing.is_empty(),
        "pages missing from the sitemap: {missing:?}"
    );
    for article in model().articles.iter().filter(|a| a.published()) {
        assert_eq!(
            lastmods.get(&article.permalink()),
            Some(&article.updated.unwrap_or(article.date)),
            "lastmod of {}",
            article.slug
        );
    }
}

#[test]
fn robots_txt_names_the_sitemap() {
    let robots = read(&site().join("robots.txt"));
    let lines: Vec<&str> = robots.lines().map(str::trim).collect();
    assert!(
        lines.contains(&"Sitemap: https://example.org/news/sitemap.xml"),
        "{robots}"
    );
    assert!(lines.contains(&"User-agent: *"), "{robots}");
}

// ---------------------------------------------------------------------------------------------
// Metadata, JSON-LD, escaping

fn json_ld(doc: &Html) -> Value {
    let scripts = sel(doc, "script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1, "one JSON-LD block");
    let raw: String = scripts[0].text().collect();
    serde_json::from_str(&raw).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{raw}"))
}

#[test]
fn article_pages_carry_news_article_json_ld() {
    let out = site();
    for article in model().articles.iter().filter(|a| a.published()) {
        let doc = page(out, &article.url());
        let ld = json_ld(&doc);
        let what = &article.slug;
        assert_eq!(ld["@context"], "https://schema.org", "{what}");
        assert_eq!(ld["@type"], "NewsArticle", "{what}");
        assert_eq!(ld["headline"], article.title.as_str(), "{what}");
        assert_eq!(ld["inLanguage"], article.lang.as_str(), "{what}");
        let published: Timestamp = ld["datePublished"].as_str().unwrap().parse().unwrap();
        assert_eq!(published, article.date, "{what}");
        let modified: Timestamp = ld["dateModified"].as_str().unwrap().parse().unwrap();
        assert_eq!(modified, article.updated.unwrap_or(article.date), "{what}");
        assert_eq!(
            decode_url(ld["url"].as_str().unwrap()),
            article.permalink(),
            "{what}"
        );
        let keywords: Vec<&str> = ld["keywords"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(keywords, article.tags, "{what}");
        let citations: Vec<&str> = ld["citation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(citations, article.sources, "{what}");
        assert!(ld["publisher"]["name"] == SITE_TITLE, "{what}");
        assert!(
            ld["author"].is_object() || ld["author"].is_array(),
            "{what}"
        );
    }
    let ld = json_ld(&page(out, "/news/articles/lavrov-visits-pyongyang/"));
    let authors: Vec<&str> = ld["author"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["Jane Doe", "Rahim Uddin"]);
}

#[test]
fn every_page_has_title_description_canonical_and_social_tags() {
    let out = site();
    for (rel, abs) in html_files(out) {
        let doc = Html::parse_document(&read(&abs));
        let what = rel.display();
        let title = sel(&doc, "head title");
        assert_eq!(title.len(), 1, "{what}");
        assert!(!text(title[0]).is_empty(), "{what}: empty <title>");
        let description = sel(&doc, "head meta[name='description']");
        assert!(
            description[0]
                .value()
                .attr("content")
                .is_some_and(|c| !c.is_empty()),
            "{what}"
        );
        if rel == Path::new("404.html") {
            continue;
        }
        let canonical = sel(&doc, "head link[rel='canonical']");
        assert_eq!(canonical.len(), 1, "{what}: canonical");
        let canonical = canonical[0].value().attr("href").unwrap();
        let own = format!(
            "{BASE_URL}{}",
            rel.to_string_lossy().trim_end_matches("index.html")
        );
        assert_eq!(decode_url(canonical), own, "{what}: canonical");
        let og = |p: &str| {
            sel(&doc, &format!("head meta[property='{p}']"))
                .first()
                .and_then(|m| m.value().attr("content"))
                .map(str::to_string)
        };
        assert_eq!(og("og:url").as_deref(), Some(canonical), "{what}");
        assert!(og("og:title").is_some_and(|t| !t.is_empty()), "{what}");
        assert!(og("og:type").is_some(), "{what}");
        assert!(
            !sel(&doc, "head meta[name='twitter:card']").is_empty(),
            "{what}"
        );
    }
}

#[test]
fn hostile_titles_round_trip_through_every_output() {
    let out = site();
    let m = model();
    let feed = atom(out, "atom.xml");
    let json_feed = json(out, "feed.json");
    let index = json(out, "search-index.json");
    for slug in ["hostile-script", "hostile-chars"] {
        let article = m.article(slug);
        let title = article.title.as_str();
        assert!(title == HOSTILE_SCRIPT || title == HOSTILE_CHARS);
        let doc = page(out, &article.url());
        assert!(
            text(sel(&doc, "head title")[0]).starts_with(title),
            "{slug}: <title>"
        );
        assert_eq!(text(sel(&doc, "main h1")[0]), title, "{slug}: h1");
        assert_eq!(json_ld(&doc)["headline"], title, "{slug}: JSON-LD");
        let og_title = sel(&doc, "head meta[property='og:title']")[0]
            .value()
            .attr("content");
        assert_eq!(og_title, Some(title), "{slug}: og:title");
        let entry = feed
            .entries
            .iter()
            .find(|e| decode_url(&e.link) == article.permalink())
            .unwrap();
        assert_eq!(entry.title, title, "{slug}: Atom");
        let item = json_feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| decode_url(i["url"].as_str().unwrap()) == article.permalink())
            .unwrap();
        assert_eq!(item["title"], title, "{slug}: feed.json");
        let entry = index
            .as_array()
            .unwrap()
            .iter()
            .find(|i| decode_url(i["url"].as_str().unwrap()) == article.url())
            .unwrap();
        assert_eq!(entry["title"], title, "{slug}: search index");
        // In lists, too: the card's headline.
        let home = page(out, BASE_PATH);
        let mut shown = false;
        for n in 1..=5 {
            let url = if n == 1 {
                BASE_PATH.to_string()
            } else {
                format!("{BASE_PATH}page/{n}/")
            };
            let doc = if n == 1 {
                home.clone()
            } else {
                page(out, &url)
            };
            for a in sel(&doc, "main .card__title a") {
                if href(a) == article.url() {
                    assert_eq!(text(a), title, "{slug}: card on {url}");
                    shown = true;
                }
            }
        }
        assert!(shown, "{slug} is on a home page");
    }
    let summary = m.article("hostile-script").summary.clone().unwrap();
    let doc = page(out, "/news/articles/hostile-script/");
    let description = sel(&doc, "head meta[name='description']")[0]
        .value()
        .attr("content");
    assert_eq!(description, Some(summary.as_str()));
    assert_eq!(json_ld(&doc)["description"], summary.as_str());
    // The edition note with markup stays text.
    let edition = page(out, "/news/editions/2024-05-20/");
    let notes: Vec<String> = sel(&edition, "main .note").into_iter().map(text).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.ends_with("Handle with care: <b>bold</b> & \"quotes\" </script>")),
        "{notes:?}"
    );
}

#[test]
fn no_page_gains_script_elements_or_markup_from_front_matter() {
    let out = site();
    for (rel, abs) in html_files(out) {
        let what = rel.display().to_string();
        let doc = Html::parse_document(&read(&abs));
        let mut json_ld = 0;
        for script in sel(&doc, "script") {
            let body: String = script.text().collect();
            if script.value().attr("type") == Some("application/ld+json") {
                json_ld += 1;
                serde_json::from_str::<Value>(&body)
                    .unwrap_or_else(|e| panic!("{what}: JSON-LD: {e}"));
            } else {
                let src = script
                    .value()
                    .attr("src")
                    .unwrap_or_else(|| panic!("{what}: inline script {body:?}"));
                assert!(body.trim().is_empty(), "{what}: script with src and a body");
                // The search page loads its script by a relative URL, so it also runs from disk.
                assert!(
                    resolve_relative("/news/search/", &decode_url(src))
                        .starts_with("/news/search.js"),
                    "{what}: script {src}"
                );
                assert_eq!(
                    rel,
                    Path::new("search/index.html"),
                    "{what}: search.js outside the search page"
                );
            }
        }
        let is_article = rel.starts_with("articles");
        assert_eq!(json_ld, usize::from(is_article), "{what}: JSON-LD blocks");
        // Hostile summaries and notes hold <b>: none may become an element; no event handlers.
        assert!(sel(&doc, "b").is_empty(), "{what}: a <b> element appeared");
        for el in doc
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
        {
            for (name, _) in el.value().attrs() {
                assert!(
                    !name.starts_with("on"),
                    "{what}: <{} {name}>",
                    el.value().name()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Future and expired articles

/// Every page (and feed, sitemap, index) of `out` that mentions `slug` in a link.
fn pages_linking(out: &Path, slug: &str, skip: impl Fn(&Path) -> bool) -> Vec<String> {
    let url = format!("{BASE_PATH}articles/{slug}/");
    html_files(out)
        .into_iter()
        .filter(|(rel, _)| !skip(rel))
        .filter(|(_, abs)| {
            let doc = Html::parse_document(&read(abs));
            hrefs(&doc, "[href]").contains(&url)
        })
        .map(|(rel, _)| rel.display().to_string())
        .collect()
}

fn mentions(out: &Path, file: &str, slug: &str) -> bool {
    decode_url(&read(&out.join(file))).contains(&format!("articles/{slug}/"))
}

#[test]
fn future_article_is_left_out_unless_asked_for() {
    let out = site();
    let slug = "future-summit";
    assert!(!model().article(slug).published());
    assert!(
        !out.join("articles").join(slug).exists(),
        "future article has a page"
    );
    let linking = pages_linking(out, slug, |_| false);
    assert!(
        linking.is_empty(),
        "pages link the future article: {linking:?}"
    );
    for file in [
        "atom.xml",
        "feed.json",
        "search-index.json",
        "search-index.js",
        "sitemap.xml",
        "tags/north-korea/atom.xml",
    ] {
        assert!(
            !mentions(out, file, slug),
            "{file} names the future article"
        );
    }

    let out = site_with_future();
    assert!(out.join("articles").join(slug).join("index.html").is_file());
    let home = page(out, BASE_PATH);
    assert_eq!(
        cards(&home)[0],
        format!("{BASE_PATH}articles/{slug}/"),
        "newest on the home page"
    );
    let feed = atom(out, "atom.xml");
    assert!(
        feed.entries[0]
            .link
            .ends_with(&format!("/articles/{slug}/"))
    );
    for file in ["feed.json", "search-index.json", "sitemap.xml"] {
        assert!(
            mentions(out, file, slug),
            "{file} leaves out the future article with future: true"
        );
    }
    common::assert_links_resolve(out, BASE_PATH);
}

#[test]
fn expired_article_keeps_its_page_but_leaves_lists_feeds_and_search() {
    let out = site();
    let slug = "expired-notice";
    let article = model().article(slug);
    assert!(article.published() && !article.listed());
    let doc = page(out, &article.url());
    assert_eq!(text(sel(&doc, "main h1")[0]), article.title);
    // No list links it: home, tags, sources, archive, editions. Article pages may point at it
    // as the previous article by date, but never as related.
    let linking = pages_linking(out, slug, |rel| rel.starts_with("articles"));
    assert!(
        linking.is_empty(),
        "lists link the expired article: {linking:?}"
    );
    for (rel, abs) in html_files(out)
        .into_iter()
        .filter(|(rel, _)| rel.starts_with("articles"))
    {
        let doc = Html::parse_document(&read(&abs));
        let related = hrefs(&doc, "main .related a");
        assert!(
            !related.contains(&article.url()),
            "{}: expired article as related",
            rel.display()
        );
    }
    for file in [
        "atom.xml",
        "feed.json",
        "search-index.json",
        "search-index.js",
        "tags/north-korea/atom.xml",
    ] {
        assert!(
            !mentions(out, file, slug),
            "{file} names the expired article"
        );
    }
    // Its page is still a page of the site.
    assert!(mentions(out, "sitemap.xml", slug));
    // Its tag, used by no listed article, still has a page (the article links it), listing nothing.
    let tag = page(out, "/news/tags/archive-2019/");
    assert!(cards(&tag).is_empty());
    assert!(!out.join("tags/archive-2019/page/2").exists());
}

// ---------------------------------------------------------------------------------------------
// Search index

#[test]
fn search_index_has_one_entry_per_listed_article() {
    let out = site();
    let index = json(out, "search-index.json");
    let entries = index.as_array().unwrap();
    let m = model();
    let listed = m.listed();
    assert_eq!(entries.len(), listed.len());
    for (entry, article) in entries.iter().zip(&listed) {
        let what = &article.slug;
        assert_eq!(
            decode_url(entry["url"].as_str().unwrap()),
            article.url(),
            "{what}"
        );
        assert_eq!(entry["title"], article.title.as_str(), "{what}");
        assert_eq!(entry["date"], article.day().to_string().as_str(), "{what}");
        assert_eq!(entry["lang"], article.lang.as_str(), "{what}");
        let tags: Vec<&str> = entry["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(tags, article.tags, "{what}");
        let sources: Vec<&str> = entry["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(sources, article.sources, "{what}");
        let file = file_for_path(out, BASE_PATH, entry["url"].as_str().unwrap()).unwrap();
        assert!(file.is_file(), "{what}: {}", file.display());
    }
    // The text-only match for "Lavrov" is in the index (its first paragraph).
    let council = entries
        .iter()
        .find(|e| {
            e["url"]
                .as_str()
                .unwrap()
                .contains("security-council-debate")
        })
        .unwrap();
    assert!(council.to_string().contains("Sergey Lavrov"), "{council}");

    let raw = read(&out.join("search-index.json"));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(raw.as_bytes()).unwrap();
    let compressed = gz.finish().unwrap().len();
    let per_entry = compressed / entries.len();
    eprintln!(
        "search-index.json: {} entries, {} bytes, {compressed} bytes gzipped ({per_entry} per entry; \
         10,000 articles ≈ {} KB)",
        entries.len(),
        raw.len(),
        per_entry * 10_000 / 1024
    );
    // 2 MB for 10,000 articles is about 210 bytes per entry, compressed.
    assert!(per_entry < 210, "{per_entry} gzipped bytes per entry");
}

#[test]
fn search_index_script_defines_the_same_array() {
    let out = site();
    let index = json(out, "search-index.json");
    let script = read(&out.join("search-index.js"));
    let body = script
        .trim()
        .strip_prefix("window.BRIEFING_SEARCH_INDEX = ")
        .and_then(|s| s.strip_suffix(';'))
        .unwrap_or_else(|| panic!("search-index.js: {}", &script[..script.len().min(200)]));
    let array: Value = serde_json::from_str(body).unwrap();
    assert_eq!(array, index);
    assert!(
        !script.contains("</"),
        "search-index.js could close a script element"
    );
    // The search page points at both, and at search.js, under the base path.
    let doc = page(out, "/news/search/");
    let form = sel(&doc, "main form[data-index]");
    assert_eq!(form.len(), 1);
    let data_index = decode_url(form[0].value().attr("data-index").unwrap());
    assert_eq!(data_index, "/news/search-index.json");
    let srcs: Vec<String> = sel(&doc, "script[src]")
        .into_iter()
        .map(|s| resolve_relative("/news/search/", &decode_url(s.value().attr("src").unwrap())))
        .collect();
    assert!(
        srcs.iter().any(|s| s.starts_with("/news/search.js")),
        "{srcs:?}"
    );
    assert!(sel(&doc, "main input[type='search']").len() == 1);
}

// ---------------------------------------------------------------------------------------------
// Related articles and the archive

/// Up to 5 listed articles sharing the most tags with `article`; ties newest first, then slug.
fn expected_related(article: &Article) -> Vec<String> {
    let mut ranked: Vec<(usize, &Article)> = model()
        .listed()
        .into_iter()
        .filter(|b| b.slug != article.slug)
        .map(|b| (article.tags.iter().filter(|t| b.has_tag(t)).count(), b))
        .filter(|(shared, _)| *shared > 0)
        .collect();
    ranked.sort_by(|(sa, a), (sb, b)| {
        sb.cmp(sa)
            .then(b.date.cmp(&a.date))
            .then(a.slug.cmp(&b.slug))
    });
    ranked.into_iter().take(5).map(|(_, b)| b.url()).collect()
}

#[test]
fn related_articles_share_tags() {
    let out = site();
    for article in model().articles.iter().filter(|a| a.published()) {
        let doc = page(out, &article.url());
        let related: Vec<String> = hrefs(&doc, "main .related a")
            .into_iter()
            .filter(|h| is_article_url(h))
            .collect();
        assert!(
            related.len() <= 5,
            "{}: {} related",
            article.slug,
            related.len()
        );
        assert_eq!(
            related,
            expected_related(article),
            "{}: related",
            article.slug
        );
    }
}

#[test]
fn article_pages_show_toc_summary_updated_and_neighbours() {
    let out = site();
    let m = model();
    // A table of contents for three headings, none for fewer.
    let doc = page(out, "/news/articles/lavrov-visits-pyongyang/");
    let toc = hrefs(&doc, "main nav.toc a");
    assert_eq!(toc, ["#background", "#what-was-said", "#what-comes-next"]);
    let doc = page(out, "/news/articles/kcna-commentary/");
    assert!(sel(&doc, "main nav.toc").is_empty());
    // Without `summary:`, the first paragraph is the summary.
    let description = sel(&doc, "head meta[name='description']")[0]
        .value()
        .attr("content");
    assert_eq!(
        description,
        Some("The commentary called the summit a new chapter.")
    );
    // `updated` is shown.
    let doc = page(out, "/news/articles/tourism-reopens/");
    let times: Vec<&str> = sel(&doc, "main time")
        .into_iter()
        .filter_map(|t| t.value().attr("datetime"))
        .collect();
    assert!(times.contains(&"2024-01-10T12:00:00+06:00"), "{times:?}");
    // Newer and older articles by date, over every published article.
    let published: Vec<&Article> = m.articles.iter().filter(|a| a.published()).collect();
    for (i, article) in published.iter().enumerate() {
        let doc = page(out, &article.url());
        let newer = hrefs(&doc, "main a.pager__link--newer");
        let older = hrefs(&doc, "main a.pager__link--older");
        let want_newer: Vec<String> = i
            .checked_sub(1)
            .map(|j| published[j].url())
            .into_iter()
            .collect();
        let want_older: Vec<String> = published.get(i + 1).map(|a| a.url()).into_iter().collect();
        assert_eq!(newer, want_newer, "{}: newer", article.slug);
        assert_eq!(older, want_older, "{}: older", article.slug);
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_BN: [&str; 12] = [
    "জানুয়ারি",
    "ফেব্রুয়ারি",
    "মার্চ",
    "এপ্রিল",
    "মে",
    "জুন",
    "জুলাই",
    "আগস্ট",
    "সেপ্টেম্বর",
    "অক্টোবর",
    "নভেম্বর",
    "ডিসেম্বর",
];

fn bengali_digits(s: &str) -> String {
    s.chars()
        .map(|c| {
            c.to_digit(10)
                .map_or(c, |d| char::from_u32(0x09E6 + d).unwrap())
        })
        .collect()
}

/// Checks `/archive/`: years newest first, then months, each with its listed articles in order.
fn assert_archive(out: &Path, months: &[&str; 12], digits: impl Fn(&str) -> String) {
    let m = model();
    // (year, month) → article URLs, newest first.
    let mut want: Vec<((i16, i8), Vec<String>)> = Vec::new();
    for a in m.listed() {
        let key = (a.day().year(), a.day().month());
        match want.last_mut() {
            Some((k, urls)) if *k == key => urls.push(a.url()),
            _ => want.push((key, vec![a.url()])),
        }
    }
    let doc = page(out, "/news/archive/");
    let mut found: Vec<((i16, i8), Vec<String>)> = Vec::new();
    let years = sel(&doc, "main section.archive-year");
    assert_eq!(
        years.len(),
        want.iter()
            .map(|((y, _), _)| *y)
            .collect::<BTreeSet<_>>()
            .len()
    );
    for year in years {
        let year_text = text(sel_in(year, "h2")[0]);
        let y: i16 = ["2024", "2023"]
            .iter()
            .find(|y| digits(y) == year_text)
            .unwrap_or_else(|| panic!("year heading {year_text:?}"))
            .parse()
            .unwrap();
        for month in sel_in(year, "section.archive-month") {
            let heading = nfc(&text(sel_in(month, "h3")[0]));
            let mo = months
                .iter()
                .position(|name| heading.starts_with(&nfc(name)))
                .unwrap_or_else(|| panic!("month heading {heading:?}"));
            let urls: Vec<String> = sel_in(month, "a")
                .into_iter()
                .map(href)
                .filter(|h| is_article_url(h))
                .collect();
            found.push(((y, i8::try_from(mo + 1).unwrap()), urls));
        }
    }
    assert_eq!(found, want);
}

#[test]
fn archive_groups_by_year_and_month() {
    assert_archive(site(), &MONTHS_EN, |y| y.to_string());
}

#[test]
fn archive_of_a_bengali_site_uses_bengali_month_names() {
    let out = site_in_bengali();
    let doc = page(out, "/news/archive/");
    assert_eq!(doc.root_element().value().attr("lang"), Some("bn"));
    assert_archive(out, &MONTHS_BN, bengali_digits);
}

// ---------------------------------------------------------------------------------------------
// An edition naming an article that does not exist, or a draft: an error at the entry.

/// 1-based line and character column of the first `needle` in `text` at or after line `from`.
fn line_col(text: &str, needle: &str, from: usize) -> (usize, usize) {
    text.lines()
        .enumerate()
        .skip(from - 1)
        .find_map(|(i, line)| {
            line.find(needle)
                .map(|b| (i + 1, line[..b].chars().count() + 1))
        })
        .unwrap_or_else(|| panic!("{needle} not in the edition"))
}

#[test]
fn edition_naming_a_missing_or_draft_article_is_an_error_at_the_entry() {
    let site = common::fixture("errors/edition_unknown_article");
    let out = common::build(site.path(), &[]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        !site.path().join("output").exists(),
        "a failed build wrote output/"
    );
    let edition = read(&site.path().join("content/editions/2023-10-20.md"));
    let (line, col) = line_col(&edition, "kim-meet-lavrov", 1);
    let at = format!(
        "content/editions/2023-10-20.md:{line}:{col}: error: no article has the slug `kim-meet-lavrov`"
    );
    assert!(err.contains(&at), "want {at:?} in:\n{err}");
    assert!(
        err.contains("`kim-meets-lavrov`"),
        "the nearest slug:\n{err}"
    );
    let (line, col) = line_col(&edition, "sanctions-analysis", 1);
    let at = format!(
        "content/editions/2023-10-20.md:{line}:{col}: error: article `sanctions-analysis` is a draft"
    );
    assert!(err.contains(&at), "want {at:?} in:\n{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn edition_error_points_at_its_own_entry_when_an_earlier_slug_contains_it() {
    // Part two is published, part one still a draft: `sanctions-explained` is a prefix of the
    // entry above it, and of a note, yet the error must point at its own line.
    let site = common::fixture("errors/edition_unknown_article");
    let articles = site.path().join("content/articles");
    std::fs::write(
        articles.join("sanctions-explained-2.md"),
        "---\ntitle: Sanctions explained, part two\ndate: 2023-10-19\n---\n\nText.\n",
    )
    .unwrap();
    std::fs::write(
        articles.join("sanctions-explained.md"),
        "---\ntitle: Sanctions explained\ndate: 2023-10-18\ndraft: true\n---\n\nText.\n",
    )
    .unwrap();
    let edition = "---\ntitle: Briefing\ndate: 2023-10-20\narticles:\n  - slug: sanctions-explained-2\n    note: \"Read sanctions-explained first\"\n  - kim-meets-lavrov\n  - sanctions-explained\n---\n\nIntro.\n";
    std::fs::write(site.path().join("content/editions/2023-10-20.md"), edition).unwrap();
    let out = common::build(site.path(), &[]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let at = "content/editions/2023-10-20.md:8:5: error: article `sanctions-explained` is a draft";
    assert!(err.contains(at), "want {at:?} in:\n{err}");
}

// ---------------------------------------------------------------------------------------------
// Search index size at scale (slow in a debug build: run with `cargo test --release -- --ignored`).

/// `href` resolved against the folder URL `base` (`../x` from `/news/search/` is `/news/x`).
fn resolve_relative(base: &str, href: &str) -> String {
    if href.starts_with('/') || href.contains("://") {
        return href.to_string();
    }
    let mut parts: Vec<&str> = base.trim_end_matches('/').split('/').collect();
    let mut rest = href;
    while let Some(r) = rest.strip_prefix("../") {
        parts.pop();
        rest = r;
    }
    format!("{}/{}", parts.join("/"), rest.trim_start_matches("./"))
}
