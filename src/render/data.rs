//! Machine-readable outputs built from the model: JSON-LD, JSON Feed, the search index, and the
//! entries of Atom feeds and the sitemap (which templates then lay out).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Value, json};

use crate::error::Result;
use crate::site::Site;

/// Entries in a feed.
pub const FEED_ENTRIES: usize = 50;

/// RFC 3339 of a page's date (what feeds and sitemaps want).
pub fn rfc3339(time: &jiff::ZonedDateTime) -> String {
    // As `DateView::iso`, without making the view's other strings.
    time.timestamp()
        .display_with_offset(time.offset())
        .to_string()
}

/// JSON for a `<script>` element: no `<`, `>` or `&` survives, so `</script>` cannot end it early.
pub fn script_json(value: &impl Serialize) -> String {
    script_json_str(&serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string()))
}

/// schema.org `NewsArticle`, its keys in the order pages have always had them.
#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    headline: &'a str,
    url: &'a str,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    publisher: Thing<'a>,
    keywords: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    author: Authors<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<Thing<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
}

/// A schema.org thing with a type, a name and maybe a URL.
#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Authors<'a> {
    People(Vec<Thing<'a>>),
    Publisher(Thing<'a>),
}

/// schema.org `NewsArticle` for an article page.
pub fn news_article(site: &Site, i: usize) -> String {
    let page = &site.pages[i];
    let config = &site.config;
    let thing = |kind, name, url| Thing { kind, name, url };
    let article = NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        headline: &page.title,
        url: &page.permalink,
        main_entity_of_page: &page.permalink,
        date_published: rfc3339(&page.date),
        date_modified: rfc3339(page.modified()),
        in_language: &page.lang,
        publisher: thing("Organization", &config.title, Some(&config.base_url)),
        keywords: site.tag_names(i),
        description: page.summary.as_deref(),
        author: if page.authors.is_empty() {
            Authors::Publisher(thing("Organization", &config.title, None))
        } else {
            Authors::People(
                page.authors
                    .iter()
                    .map(|a| thing("Person", a, None))
                    .collect(),
            )
        },
        citation: page
            .sources
            .iter()
            .map(|s| thing("CreativeWork", &s.name, s.url.as_deref()))
            .collect(),
        image: page
            .image
            .as_ref()
            .map(|image| absolute(&config.base_url, &image.src)),
    };
    script_json(&article)
}

/// A root-relative URL made absolute against `base_url` (which may itself be `/`).
pub fn absolute(base_url: &str, url: &str) -> String {
    if url.contains("://") {
        return url.to_string();
    }
    match base_url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split('/').next().unwrap_or(rest);
            format!("{scheme}://{host}{url}")
        }
        None => url.to_string(),
    }
}

/// One Atom entry, as `atom.xml` lays it out.
#[derive(Serialize)]
pub struct AtomEntry<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub published: String,
    pub updated: String,
    pub authors: &'a [String],
    pub categories: Vec<&'a str>,
    pub summary: Option<&'a str>,
    pub content: String,
    pub lang: &'a str,
}

/// An Atom feed, as `atom.xml` lays it out.
#[derive(Serialize)]
pub struct AtomFeed<'a> {
    pub title: String,
    pub subtitle: Option<&'a str>,
    pub id: String,
    pub self_url: String,
    pub alternate_url: String,
    pub updated: String,
    pub language: &'a str,
    pub entries: Vec<AtomEntry<'a>>,
}

/// The HTML of the newest `FEED_ENTRIES` listed articles, newest first: the site's feeds
/// carry each article's whole text.
pub fn feed_bodies(site: &Site) -> Result<Vec<String>> {
    site.listed
        .iter()
        .take(FEED_ENTRIES)
        .map(|&i| site.pages[i].html(&site.config))
        .collect()
}

/// Atom entries for the newest `FEED_ENTRIES` of `pages` (listed page indices, newest first).
/// With `bodies` (`feed_bodies`, for the same pages), each entry carries the article's whole
/// text; without, the summary only (tag feeds: hundreds of them with full text would outweigh
/// the site itself).
pub fn article_entries<'a>(
    site: &'a Site,
    pages: &[usize],
    bodies: Option<&[String]>,
) -> Vec<AtomEntry<'a>> {
    pages
        .iter()
        .take(FEED_ENTRIES)
        .enumerate()
        .map(|(n, &i)| {
            let page = &site.pages[i];
            AtomEntry {
                id: &page.permalink,
                title: &page.title,
                url: &page.permalink,
                published: rfc3339(&page.date),
                updated: rfc3339(page.modified()),
                authors: &page.authors,
                categories: site.tag_names(i),
                summary: page.summary.as_deref(),
                content: bodies.and_then(|b| b.get(n)).cloned().unwrap_or_default(),
                lang: &page.lang,
            }
        })
        .collect()
}

/// Atom entries for the newest editions: the introduction, then the editor's list.
pub fn edition_entries(site: &Site) -> Vec<AtomEntry<'_>> {
    site.editions
        .iter()
        .enumerate()
        .take(FEED_ENTRIES)
        .map(|(e, edition)| {
            let mut content = edition.intro.clone();
            content.push_str("<ol>");
            for item in &site.edition_items[e] {
                let page = &site.pages[item.page];
                content.push_str(&format!(
                    "<li><a href=\"{}\">{}</a>",
                    escape(&page.permalink),
                    escape(&page.title)
                ));
                if let Some(note) = &item.note {
                    content.push_str(&format!(" — {}", escape(note)));
                }
                content.push_str("</li>");
            }
            content.push_str("</ol>");
            AtomEntry {
                id: &edition.permalink,
                title: &edition.title,
                url: &edition.permalink,
                published: rfc3339(&edition.date),
                updated: rfc3339(edition.modified()),
                authors: &[],
                categories: edition.tags.iter().map(String::as_str).collect(),
                summary: edition.summary.as_deref(),
                content,
                lang: &edition.lang,
            }
        })
        .collect()
}

/// The newest of some moments as RFC 3339: a feed's own `updated`, never the build time.
pub fn newest<'a>(times: impl Iterator<Item = &'a jiff::ZonedDateTime>) -> String {
    times
        .max_by_key(|t| t.timestamp())
        .map_or_else(|| "1970-01-01T00:00:00+00:00".to_string(), rfc3339)
}

/// Escapes text for HTML or XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON Feed 1.1 of the newest listed articles; `bodies` are `feed_bodies(site)`.
pub fn json_feed(site: &Site, bodies: &[String]) -> Vec<u8> {
    let config = &site.config;
    let items: Vec<Value> = site
        .listed
        .iter()
        .zip(bodies)
        .map(|(&i, body)| {
            let page = &site.pages[i];
            let mut item = json!({
                "id": page.permalink,
                "url": page.permalink,
                "title": page.title,
                "content_html": body,
                "date_published": rfc3339(&page.date),
                "date_modified": rfc3339(page.modified()),
                "language": page.lang,
                "tags": site.tag_names(i),
            });
            if let Some(summary) = &page.summary {
                item["summary"] = json!(summary);
            }
            if !page.authors.is_empty() {
                item["authors"] = page.authors.iter().map(|a| json!({"name": a})).collect();
            }
            if let Some(image) = &page.image {
                item["image"] = json!(absolute(&config.base_url, &image.src));
            }
            item
        })
        .collect();
    let mut feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": config.title,
        "home_page_url": config.base_url,
        "feed_url": config.permalink("feed.json"),
        "language": config.language,
        "authors": [{"name": config.title}],
        "items": items,
    });
    if !config.description.is_empty() {
        feed["description"] = json!(config.description);
    }
    let mut bytes = serde_json::to_vec_pretty(&feed).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One search index entry. The excerpt is indexed, not the full text, to keep the index small.
#[derive(Serialize)]
struct SearchEntry<'a> {
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    tags: Vec<&'a str>,
    sources: Vec<&'a str>,
    date: String,
    lang: &'a str,
    /// The first paragraph, when the summary is not already that paragraph.
    #[serde(skip_serializing_if = "str::is_empty")]
    text: &'a str,
}

/// One page's entry of the search index, serialised: as JSON, and as it stands inside the
/// script (see `script_json_str`). Kept between renders, so a rebuild serialises only the
/// entries of pages that changed.
#[derive(Debug)]
pub struct SearchFragment {
    json: String,
    /// `json` escaped for the script, when that changed it (most entries need no escape).
    script: Option<String>,
    /// A hash of `json`: the index changed only if one of these did.
    pub hash: u64,
}

/// Listed page `i`'s search index entry.
pub fn search_fragment(site: &Site, i: usize) -> SearchFragment {
    use std::hash::{Hash, Hasher};
    let page = &site.pages[i];
    let text = page.excerpt_apart.as_deref().unwrap_or("");
    let entry = SearchEntry {
        url: &page.url,
        title: &page.title,
        summary: page.summary.as_deref(),
        tags: site.tag_spellings(i),
        sources: page.sources.iter().map(|s| s.name.as_str()).collect(),
        date: page.date.date().to_string(),
        lang: &page.lang,
        text,
    };
    let mut json = serde_json::to_string(&entry).unwrap_or_else(|_| "{}".to_string());
    // Kept for the whole render (and between renders): without the slack the buffer grew.
    json.shrink_to_fit();
    let mut hasher = crate::render::fingerprint::hasher();
    json.hash(&mut hasher);
    SearchFragment {
        script: match script_json_cow(&json) {
            Cow::Borrowed(_) => None,
            Cow::Owned(script) => Some(script),
        },
        hash: hasher.finish(),
        json,
    }
}

/// Which form of the search index to make (see `search_index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchIndexForm {
    /// `search-index.json`: a JSON array.
    Json,
    /// `search-index.js`: the same array as a script, for `file://` use.
    Script,
}

/// The search index in `form`, from the entries of the listed pages in order, written into
/// `out` (a buffer kept between renders: filling memory already mapped is several times
/// faster than new memory).
pub fn search_index(
    fragments: &[(u64, std::sync::Arc<SearchFragment>)],
    form: SearchIndexForm,
    out: &mut Vec<u8>,
) {
    // A JSON array is its elements joined by commas; escaping for the script leaves `[`,
    // `,` and `]` alone, so the script is the escaped elements joined the same way.
    let (prefix, suffix) = match form {
        SearchIndexForm::Json => ("[", "]"),
        SearchIndexForm::Script => ("window.BRIEFING_SEARCH_INDEX = [", "];\n"),
    };
    fn part(fragment: &SearchFragment, form: SearchIndexForm) -> &str {
        match form {
            SearchIndexForm::Json => &fragment.json,
            SearchIndexForm::Script => fragment.script.as_deref().unwrap_or(&fragment.json),
        }
    }
    out.clear();
    // Sized once: growing by doubling left up to half of a 70 MB buffer unused at 100,000.
    let parts: usize = fragments.iter().map(|(_, f)| part(f, form).len() + 1).sum();
    out.reserve_exact(prefix.len() + parts + suffix.len());
    out.extend_from_slice(prefix.as_bytes());
    for (n, (_, fragment)) in fragments.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part(fragment, form).as_bytes());
    }
    out.extend_from_slice(suffix.as_bytes());
}

/// Already-serialised JSON made safe inside a script (see `script_json`): `<`, `>`, `&`
/// and the line and paragraph separators (which end a line in older JavaScript) as `\u`
/// escapes, in one pass.
fn script_json_str(json: &str) -> String {
    script_json_cow(json).into_owned()
}

/// `script_json_str`, borrowing `json` when it has nothing to escape.
fn script_json_cow(json: &str) -> Cow<'_, str> {
    let bytes = json.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut from = 0;
    // Byte by byte, copying the runs between escapes: typographic quotes and dashes (which
    // start with 0xE2, like U+2028) are in most texts, and a `char` loop over the whole page
    // text was 1.6% of a build.
    while let Some(at) = bytes[from..]
        .iter()
        .position(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2))
        .map(|i| from + i)
    {
        let escape = match (bytes[at], bytes.get(at + 1..at + 3)) {
            (b'<', _) => Some(("\\u003c", 1)),
            (b'>', _) => Some(("\\u003e", 1)),
            (b'&', _) => Some(("\\u0026", 1)),
            (_, Some([0x80, 0xA8])) => Some(("\\u2028", 3)),
            (_, Some([0x80, 0xA9])) => Some(("\\u2029", 3)),
            _ => None,
        };
        from = at + 1;
        if let Some((escape, len)) = escape {
            if out.is_empty() {
                out.reserve(json.len() + 16);
            }
            out.push_str(&json[copied..at]);
            out.push_str(escape);
            copied = at + len;
            from = copied;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(json);
    }
    out.push_str(&json[copied..]);
    Cow::Owned(out)
}

/// One sitemap URL.
#[derive(Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `script_json_str` as first written: char by char.
    fn script_json_by_chars(json: &str) -> String {
        let mut out = String::new();
        for c in json.chars() {
            match c {
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                c => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        /// Escapes anywhere in texts longer than a block, among other 0xE2 characters.
        #[test]
        fn script_escaping_agrees_with_the_char_by_char_way(
            json in "[a কিম<>&\u{2028}\u{2029}\u{2018}\u{2019}\u{2014}\u{202F}]{0,200}"
        ) {
            proptest::prop_assert_eq!(script_json_str(&json), script_json_by_chars(&json));
        }
    }

    #[test]
    fn script_escaping_borrows_text_with_nothing_to_escape() {
        assert!(matches!(script_json_cow("\"কিম ‘জং’\""), Cow::Borrowed(_)));
        assert!(matches!(script_json_cow("\"a<b\""), Cow::Owned(_)));
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = json!({"headline": "</script><script>alert(1)</script> & <b>"});
        let out = script_json(&v);
        assert!(
            !out.contains('<') && !out.contains('>') && !out.contains('&'),
            "{out}"
        );
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn script_escaping_covers_line_separators_and_leaves_other_text_alone() {
        let json = "\"a\u{2028}b\u{2029}c</d> & ‘ক’\"";
        assert_eq!(
            script_json_str(json),
            "\"a\\u2028b\\u2029c\\u003c/d\\u003e \\u0026 ‘ক’\""
        );
        assert_eq!(script_json_str("\"কিম\""), "\"কিম\"");
    }

    #[test]
    fn absolute_urls_keep_the_base_host() {
        assert_eq!(
            absolute("https://user.github.io/briefs/", "/briefs/a/b.png"),
            "https://user.github.io/briefs/a/b.png"
        );
        assert_eq!(absolute("/", "/a.png"), "/a.png");
        assert_eq!(
            absolute("https://x.org/", "https://cdn/x.png"),
            "https://cdn/x.png"
        );
    }
}
