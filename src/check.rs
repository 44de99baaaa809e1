//! `briefing check`: build in memory, then look for what a build does not stop on — broken
//! internal links and `#anchor`s, missing images and assets, duplicate titles, articles without
//! tags or summary, tags whose page lists nothing. Nothing is written.
//!
//! Links are found in the generated HTML by a small attribute scanner (`scan`), then traced
//! back to the Markdown they came from so that the problem is reported where an editor fixes
//! it; links that come from templates are reported once per URL at the first page showing it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::config::{self, BuildOptions, Config};
use crate::content::document::Document;
use crate::error::{Diagnostic, Result};
use crate::keys;
use crate::slug::encode_path;

/// What `check` found.
#[derive(Debug)]
pub struct CheckReport {
    /// Every problem, sorted by file, line and column.
    pub problems: Vec<Diagnostic>,
    /// HTML pages scanned.
    pub pages: usize,
    /// Internal links (`href`/`src`) checked.
    pub links: usize,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    /// The one-line count printed after the problems.
    pub fn summary(&self) -> String {
        let (errors, warnings) = (self.errors(), self.warnings());
        let counted = format!(
            "{} pages, {} internal links checked",
            self.pages, self.links
        );
        if errors + warnings == 0 {
            return format!("no problems found ({counted})");
        }
        format!(
            "{} and {} found ({counted})",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Builds the site in memory and checks it. A site that does not build at all gives the
/// build's `Error::Diagnostics`, exactly as `build` would.
pub fn check(options: &BuildOptions) -> Result<CheckReport> {
    let config = config::load(options)?;
    let (prepared, files) = crate::build_in_memory(&config)?;
    let mut problems = prepared.warnings.clone();
    let sources = Sources::new(&prepared.site);
    let (links, pages, link_problems) = check_links(&config, &files, &sources);
    problems.extend(link_problems);
    problems.extend(content_warnings(&prepared.site, &sources));
    problems.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.severity).cmp(&(&b.path, b.line, b.column, b.severity))
    });
    problems.dedup();
    Ok(CheckReport {
        problems,
        pages,
        links,
    })
}

/// A content file behind an output page: where it is, and its text (read again: it is small).
struct Source {
    display: PathBuf,
    text: String,
    /// Byte range of the front matter in `text`.
    yaml: std::ops::Range<usize>,
    /// File line where the front matter starts.
    yaml_line: usize,
    /// The page's root-relative URL (`/briefs/articles/x/`).
    url: String,
}

impl Source {
    fn read(path: &Path, display: &Path, url: &str) -> Option<Source> {
        let bytes = std::fs::read(path).ok()?;
        let doc = Document::parse(display, &bytes).ok()?;
        let base = doc.text.as_ptr() as usize;
        let yaml_start = doc.yaml().as_ptr() as usize - base;
        let yaml_end = yaml_start + doc.yaml().len();
        let yaml_line = doc.text[..yaml_start].matches('\n').count() + 1;
        Some(Source {
            display: display.to_path_buf(),
            text: doc.text.clone().into_owned(),
            yaml: yaml_start..yaml_end,
            yaml_line,
            url: url.to_string(),
        })
    }

    /// File line and value column of a top-level front-matter key.
    fn at_key(&self, key: &str) -> Option<(usize, usize)> {
        keys::locate_key(&self.text[self.yaml.clone()], key)
            .map(|(line, column)| (line + self.yaml_line - 1, column))
    }

    fn diagnostic_at_key(&self, d: Diagnostic, key: &str) -> Diagnostic {
        match self.at_key(key) {
            Some((line, column)) => {
                let width = keys::value_width(&self.text, line, column);
                d.at(&self.text, line, column).width(width)
            }
            None => d.at(&self.text, 1, 1).width(3),
        }
    }
}

/// The sources of articles and editions, by output file (`articles/x/index.html`).
struct Sources {
    by_output: HashMap<String, Source>,
    /// Page index → output file, for articles.
    article_output: Vec<String>,
}

impl Sources {
    fn new(site: &crate::site::Site) -> Sources {
        let mut by_output = HashMap::new();
        let mut article_output = Vec::with_capacity(site.pages.len());
        for page in &site.pages {
            let key = format!("{}index.html", page.output_dir);
            if let Some(source) = Source::read(&page.file.path, &page.file.display, &page.url) {
                by_output.insert(key.clone(), source);
            }
            article_output.push(key);
        }
        for edition in &site.editions {
            let key = format!("{}index.html", edition.output_dir);
            if let Some(source) =
                Source::read(&edition.file.path, &edition.file.display, &edition.url)
            {
                by_output.insert(key, source);
            }
        }
        Sources {
            by_output,
            article_output,
        }
    }

    fn article(&self, page: usize) -> Option<&Source> {
        self.by_output.get(&self.article_output[page])
    }
}

// ---------------------------------------------------------------------------------------------
// Links

/// Why a link is broken.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Broken {
    /// No output file at this (decoded, site-relative) path.
    NoFile(String),
    /// The target page (site-relative) has no element with this id.
    NoAnchor(String, String),
    /// A root-relative link outside the base path, or a relative one leaving the site.
    Outside,
}

/// One broken link in one generated page.
struct BrokenLink<'a> {
    page: &'a str,
    attr: Attr,
    why: Broken,
}

/// Checks every `href`/`src` of every generated HTML page. Returns (links checked, pages
/// scanned, problems).
fn check_links(
    config: &Config,
    files: &BTreeMap<String, Vec<u8>>,
    sources: &Sources,
) -> (usize, usize, Vec<Diagnostic>) {
    let html: BTreeMap<&str, std::borrow::Cow<str>> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path.as_str(), String::from_utf8_lossy(bytes)))
        .collect();
    let scanned: BTreeMap<&str, Vec<Attr>> = html
        .iter()
        .map(|(path, text)| (*path, scan(text)))
        .collect();
    let ids: HashMap<&str, HashSet<&str>> = scanned
        .iter()
        .map(|(path, attrs)| {
            let ids = attrs
                .iter()
                .filter(|a| a.name == "id")
                .map(|a| a.value.as_str())
                .collect();
            (*path, ids)
        })
        .collect();

    let mut checked = 0;
    let mut broken = Vec::new();
    for (page, attrs) in &scanned {
        for attr in attrs.iter().filter(|a| a.name != "id") {
            let Some(link) = internal_link(config, page, &attr.value) else {
                continue;
            };
            checked += 1;
            let why = match link {
                Err(why) => Some(why),
                Ok((target, fragment)) => {
                    let file = if target.is_empty() {
                        Some(page.to_string())
                    } else {
                        existing_file(files, &target)
                    };
                    match file {
                        None => Some(Broken::NoFile(target)),
                        Some(file) => fragment.and_then(|f| {
                            let known = ids.get(file.as_str())?;
                            (!known.contains(f.as_str()) && f != "top")
                                .then_some(Broken::NoAnchor(file, f))
                        }),
                    }
                }
            };
            if let Some(why) = why {
                broken.push(BrokenLink {
                    page,
                    attr: attr.clone(),
                    why,
                });
            }
        }
    }

    let problems = report_broken(config, files, &ids, &html, sources, broken);
    (checked, html.len(), problems)
}

/// The output file a site-relative path names: itself, or `index.html` under it (a folder URL,
/// with or without its trailing slash).
fn existing_file(files: &BTreeMap<String, Vec<u8>>, target: &str) -> Option<String> {
    if !target.ends_with('/') && files.contains_key(target) {
        return Some(target.to_string());
    }
    let index = if target.ends_with('/') {
        format!("{target}index.html")
    } else {
        format!("{target}/index.html")
    };
    files.contains_key(&index).then_some(index)
}

/// Where an `href`/`src` on `page` points inside the site: the decoded site-relative path
/// (`articles/x/`; empty for the page itself) and the decoded fragment, if any. None for a link
/// that leaves the site (another host, `mailto:`, …); `Err` for one that cannot be inside it.
#[allow(clippy::type_complexity)]
fn internal_link(
    config: &Config,
    page: &str,
    link: &str,
) -> Option<std::result::Result<(String, Option<String>), Broken>> {
    let link = link.trim();
    if link.is_empty() {
        return None;
    }
    let (before_fragment, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (link, None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    let fragment = fragment.filter(|f| !f.is_empty()).map(decode);

    // Absolute URLs: inside the site only under `base_url`.
    let site_path: String = if let Some(rest) = path.strip_prefix("//") {
        let base = config.base_url.split_once("://").map(|(_, b)| b)?;
        let rest = rest
            .strip_prefix(base)
            .or_else(|| (format!("{rest}/") == base).then_some(""))?;
        format!("{}{rest}", config.base_path)
    } else if has_scheme(path) {
        if !config.base_url.contains("://") {
            return None;
        }
        let rest = path
            .strip_prefix(config.base_url.as_str())
            .or_else(|| (format!("{path}/") == config.base_url).then_some(""))?;
        format!("{}{rest}", config.base_path)
    } else if path.starts_with('/') {
        path.to_string()
    } else if path.is_empty() {
        return Some(Ok((String::new(), fragment)));
    } else {
        // Relative: against the page's folder.
        let folder = match page.rfind('/') {
            Some(i) => &page[..=i],
            None => "",
        };
        let mut segments: Vec<String> = folder
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        for segment in decode(path).split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    if segments.pop().is_none() {
                        return Some(Err(Broken::Outside));
                    }
                }
                s => segments.push(s.to_string()),
            }
        }
        let mut target = segments.join("/");
        if path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..") || path == "." {
            target.push('/');
        }
        if target == "/" {
            target.clear();
            target.push_str("index.html");
        }
        return Some(Ok((target, fragment)));
    };

    // Root-relative: must be under the base path.
    let decoded = decode(&site_path);
    let rest = match decoded.strip_prefix(&config.base_path) {
        Some(rest) => rest.to_string(),
        None if decoded == config.base_path.trim_end_matches('/') => String::new(),
        None => return Some(Err(Broken::Outside)),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Some(Err(Broken::Outside));
                }
            }
            s => segments.push(s),
        }
    }
    let mut target = segments.join("/");
    if rest.is_empty() || rest.ends_with('/') {
        if !target.is_empty() {
            target.push('/');
        }
        target.push_str("index.html");
    }
    Some(Ok((target, fragment)))
}

/// True for `scheme:...` (a colon before any `/`, `?` or `#`, after a letter-led name).
fn has_scheme(link: &str) -> bool {
    match link.find(':') {
        Some(i) => {
            let scheme = &link[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Turns broken links into diagnostics: at the Markdown source where the link is written,
/// else once per URL at the first generated page that has it.
fn report_broken(
    config: &Config,
    files: &BTreeMap<String, Vec<u8>>,
    ids: &HashMap<&str, HashSet<&str>>,
    html: &BTreeMap<&str, std::borrow::Cow<str>>,
    sources: &Sources,
    broken: Vec<BrokenLink>,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    // Where the search for each (source, text) continues, so repeated links find each place.
    let mut cursors: HashMap<(PathBuf, String), usize> = HashMap::new();
    let mut reported: HashSet<Broken> = HashSet::new();
    let mut template_links: BTreeMap<(String, String), Vec<&BrokenLink>> = BTreeMap::new();
    let output = config
        .output_dir
        .strip_prefix(&config.root)
        .unwrap_or(&config.output_dir)
        .to_path_buf();

    for link in &broken {
        let located = sources.by_output.get(link.page).and_then(|source| {
            let at = locate(source, &link.attr.value, &mut cursors)?;
            Some((source, at))
        });
        match located {
            Some((source, (offset, width))) => {
                reported.insert(link.why.clone());
                let d = Diagnostic::error(&source.display, message(&link.attr.value, &link.why))
                    .at_offset(&source.text, offset)
                    .width(width)
                    .hint(hint(config, files, ids, sources, &link.why));
                problems.push(d);
            }
            None => template_links
                .entry((link.attr.value.clone(), link.attr.name.to_string()))
                .or_default()
                .push(link),
        }
    }

    for ((value, _), links) in template_links {
        let first = links[0];
        if reported.contains(&first.why) {
            // Already reported where an article wrote it (an image shown in lists, say).
            continue;
        }
        let page = first.page;
        let text = &html[page];
        let mut d = Diagnostic::error(&output.join(page), message(&value, &first.why))
            .at_offset(text, first.attr.offset)
            .width(value.chars().count());
        if d.source_line
            .as_ref()
            .is_some_and(|l| l.chars().count() > 160)
        {
            d.source_line = None;
        }
        let pages: HashSet<&str> = links.iter().map(|l| l.page).collect();
        let on = if pages.len() > 1 {
            format!(
                "on {} generated pages ({page} and {} more)",
                pages.len(),
                pages.len() - 1
            )
        } else {
            format!("on the generated page {page}")
        };
        let d = d.hint(format!(
            "{on}; it comes from a template or site.yaml, not from an article's Markdown: {}",
            hint(config, files, ids, sources, &first.why)
        ));
        problems.push(d);
    }
    problems
}

/// The byte offset and width (in characters) of the link's text as written in `source`: the
/// URL itself, after `](` or `<`, or in quotes, or bare. Searched from where the previous
/// search for the same text ended.
fn locate(
    source: &Source,
    value: &str,
    cursors: &mut HashMap<(PathBuf, String), usize>,
) -> Option<(usize, usize)> {
    let mut candidates: Vec<String> = vec![value.to_string()];
    let decoded = decode(value);
    if decoded != value {
        candidates.push(decoded.clone());
    }
    // Front-matter images and bundle files are rendered under the page's URL.
    for v in [value, decoded.as_str()] {
        if let Some(rest) = v
            .strip_prefix(source.url.as_str())
            .filter(|r| !r.is_empty())
        {
            candidates.push(rest.to_string());
        }
    }
    let body = &source.text;
    for candidate in &candidates {
        let key = (source.display.clone(), candidate.clone());
        let from = cursors.get(&key).copied().unwrap_or(0);
        let found = ["](", "]( ", "<", "\"", "'", ": ", "src: ", "("]
            .iter()
            .find_map(|prefix| {
                let needle = format!("{prefix}{candidate}");
                find_bounded(body, &needle, from).map(|i| i + prefix.len())
            });
        if let Some(offset) = found {
            cursors.insert(key, offset + candidate.len());
            return Some((offset, candidate.chars().count()));
        }
    }
    None
}

/// `needle` in `text` at or after `from`, with the URL at its end not running on into more
/// URL characters: `a.md` is not found inside `a.md5`.
fn find_bounded(text: &str, needle: &str, from: usize) -> Option<usize> {
    let mut start = from.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while let Some(i) = text[start..].find(needle) {
        let at = start + i;
        let after = text[at + needle.len()..].chars().next();
        if after.is_none_or(|c| {
            c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | ']' | ',' | '}')
        }) {
            return Some(at);
        }
        start = at + needle.len();
    }
    None
}

fn message(value: &str, why: &Broken) -> String {
    match why {
        Broken::NoFile(target) => {
            let shown = match target.strip_suffix("index.html") {
                Some(folder) if folder.ends_with('/') => folder,
                _ => target,
            };
            format!("broken link `{value}`: no page or file at `{shown}`")
        }
        Broken::NoAnchor(page, id) => {
            format!("broken link `{value}`: `{page}` has no element with id `{id}`")
        }
        Broken::Outside => format!("broken link `{value}`: it points outside the site"),
    }
}

/// How to fix it: the nearest existing page or id, when one is close.
fn hint(
    config: &Config,
    files: &BTreeMap<String, Vec<u8>>,
    ids: &HashMap<&str, HashSet<&str>>,
    sources: &Sources,
    why: &Broken,
) -> String {
    match why {
        Broken::NoFile(target) => {
            // `[x](other.md)`: editors link the file; the page is at its URL.
            let last = target
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("");
            if let Some(stem) = last.strip_suffix(".md") {
                let page = sources.article_output.iter().find(|o| {
                    o.strip_prefix("articles/")
                        .and_then(|r| r.strip_suffix("/index.html"))
                        .is_some_and(|slug| slug == stem)
                });
                return match page {
                    Some(page) => format!(
                        "link to the article's page, not its Markdown file: `{}`",
                        config.url(&encode_path(page.trim_end_matches("index.html")))
                    ),
                    None => format!(
                        "Markdown files are not published, and no article has the slug `{stem}`: link to an article's page, like `{}`",
                        config.url("articles/SLUG/")
                    ),
                };
            }
            let wanted = target.trim_end_matches("index.html");
            let nearest = files
                .keys()
                .map(|k| k.strip_suffix("index.html").unwrap_or(k))
                .filter(|k| !k.is_empty())
                .map(|k| (keys::edit_distance(wanted, k), k))
                .min();
            match nearest {
                Some((d, near)) if d <= (wanted.chars().count() / 3).max(2) => format!(
                    "the nearest existing path is `{}`",
                    config.url(&encode_path(near))
                ),
                _ => "check the link: nothing in the site is near that path".to_string(),
            }
        }
        Broken::NoAnchor(page, id) => {
            let nearest = ids
                .get(page.as_str())
                .into_iter()
                .flatten()
                .map(|known| (keys::edit_distance(id, known), *known))
                .min();
            match nearest {
                Some((d, near)) if d <= (id.chars().count() / 3).max(2) => {
                    format!("the nearest id on that page is `{near}`")
                }
                _ => "check the link: headings get their id from their text".to_string(),
            }
        }
        Broken::Outside => format!(
            "links inside the site must stay under the base path `{}`",
            config.base_path
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Content warnings

fn content_warnings(site: &crate::site::Site, sources: &Sources) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    let at = |i: usize, d: Diagnostic, key: &str| match sources.article(i) {
        Some(source) => source.diagnostic_at_key(d, key),
        None => d,
    };

    let mut by_title: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        by_title
            .entry(page.title.trim().to_lowercase())
            .or_default()
            .push(i);
    }
    for same in by_title.values().filter(|v| v.len() > 1) {
        for &i in same {
            let others: Vec<String> = same
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| site.pages[j].file.display.display().to_string())
                .collect();
            let page = &site.pages[i];
            let d = Diagnostic::warning(
                &page.file.display,
                format!(
                    "title `{}` is also the title of {}",
                    page.title,
                    others.join(", ")
                ),
            )
            .hint("readers cannot tell the articles apart in lists and search; give each its own title");
            warnings.push(at(i, d, "title"));
        }
    }

    for (i, page) in site.pages.iter().enumerate() {
        if site.page_tags[i].is_empty() {
            let d = Diagnostic::warning(&page.file.display, "article has no tags")
                .hint("add `tags: [...]` to the front matter, so readers find it by topic");
            warnings.push(at(i, d, "tags"));
        }
        let has_summary = match sources.article(i) {
            Some(source) => source.at_key("summary").is_some(),
            None => page.excerpt_apart.is_some(),
        };
        if !has_summary && !page.excerpt().is_empty() {
            let d = Diagnostic::warning(
                &page.file.display,
                "article has no `summary:`; lists, feeds and search show its first paragraph instead",
            )
            .hint("add a one- or two-sentence `summary:` to the front matter");
            warnings.push(at(i, d, "title"));
        }
    }

    for tag in site.tags.iter().filter(|t| t.pages.is_empty()) {
        let Some(first) = (0..site.pages.len()).find(|&i| {
            site.page_tags[i]
                .iter()
                .any(|&t| site.tags[t].slug == tag.slug)
        }) else {
            continue;
        };
        let page = &site.pages[first];
        let d = Diagnostic::warning(
            &page.file.display,
            format!(
                "tag `{}` lists no articles: every article with it has expired, so its page {} is empty",
                tag.name, tag.url
            ),
        )
        .hint("remove the tag, or tag a current article with it");
        warnings.push(at(first, d, "tags"));
    }
    warnings
}

// ---------------------------------------------------------------------------------------------
// HTML scanning

/// One `href`, `src` or `id` attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// The tag's name, lower case (`a`, `img`).
    pub tag: String,
    /// `href`, `src` or `id`.
    pub name: &'static str,
    /// The value, entities decoded.
    pub value: String,
    /// Byte offset of the value (or the attribute, when unquoted and empty) in the HTML.
    pub offset: usize,
}

/// Every `href`, `src` and `id` attribute in `html`'s start tags, in order. Comments,
/// doctype and closing tags are skipped, and so are the bodies of `<script>` and `<style>`.
pub fn scan(html: &str) -> Vec<Attr> {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<').map(|p| p + i) {
        let rest = &html[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            i = comment.find("-->").map_or(html.len(), |p| lt + 4 + p + 3);
            continue;
        }
        let next = bytes.get(lt + 1).copied().unwrap_or(b' ');
        if matches!(next, b'!' | b'?' | b'/') {
            i = rest.find('>').map_or(html.len(), |p| lt + p + 1);
            continue;
        }
        if !next.is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        // Tag name.
        let mut j = lt + 1;
        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !matches!(bytes[j], b'>' | b'/')
        {
            j += 1;
        }
        let tag = html[lt + 1..j].to_ascii_lowercase();
        // Attributes.
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                j += 1;
                break;
            }
            let name_start = j;
            while j < bytes.len()
                && !bytes[j].is_ascii_whitespace()
                && !matches!(bytes[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            if j == name_start {
                j += 1;
                continue;
            }
            let name = html[name_start..j].to_ascii_lowercase();
            let mut k = j;
            while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                k += 1;
            }
            let (value_start, value_end) = if bytes.get(k) == Some(&b'=') {
                k += 1;
                while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                    k += 1;
                }
                match bytes.get(k) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = html[k + 1..]
                            .find(q as char)
                            .map_or(html.len(), |p| k + 1 + p);
                        j = (end + 1).min(html.len());
                        (k + 1, end)
                    }
                    _ => {
                        let mut end = k;
                        while end < bytes.len()
                            && !bytes[end].is_ascii_whitespace()
                            && bytes[end] != b'>'
                        {
                            end += 1;
                        }
                        j = end;
                        (k, end)
                    }
                }
            } else {
                (name_start, name_start)
            };
            let known = match name.as_str() {
                "href" => Some("href"),
                "src" => Some("src"),
                "id" => Some("id"),
                _ => None,
            };
            if let Some(name) = known {
                attrs.push(Attr {
                    tag: tag.clone(),
                    name,
                    value: decode_entities(&html[value_start..value_end]),
                    offset: value_start,
                });
            }
        }
        i = j.min(html.len());
        if tag == "script" || tag == "style" {
            let close = format!("</{tag}");
            i = find_ascii_ci(html, &close, i).unwrap_or(html.len());
        }
    }
    attrs
}

/// Case-insensitive search for an ASCII `needle` from `from`.
fn find_ascii_ci(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (from..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Decodes character references: `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#39;`,
/// `&#x27;`; anything else is kept as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(html: &str) -> Vec<(String, &'static str, String)> {
        scan(html)
            .into_iter()
            .map(|a| (a.tag, a.name, a.value))
            .collect()
    }

    fn v(tag: &str, name: &'static str, value: &str) -> (String, &'static str, String) {
        (tag.to_string(), name, value.to_string())
    }

    #[test]
    fn finds_href_src_and_id_with_either_quotes_or_none() {
        let html = r#"<a href="/a/" id=top>x</a><IMG SRC='/i.png' alt="a > b"><p data-href="no">"#;
        assert_eq!(
            values(html),
            vec![
                v("a", "href", "/a/"),
                v("a", "id", "top"),
                v("img", "src", "/i.png")
            ]
        );
    }

    #[test]
    fn decodes_entities_in_values() {
        let html = r#"<a href="/s/?q=a&amp;b=&#39;c&#x27;&unknown;">"#;
        assert_eq!(values(html), vec![v("a", "href", "/s/?q=a&b='c'&unknown;")]);
    }

    #[test]
    fn skips_comments_scripts_styles_and_closing_tags() {
        let html = concat!(
            "<!-- <a href=\"/commented/\"> -->",
            "<script>var s = '<a href=\"/in-script/\">';</script>",
            "<STYLE>a[href=\"/x\"] { }</style>",
            "<script src=\"/js/app.js\"></script>",
            "</a href=\"/closing/\">",
            "<!doctype html><p>1 < 2</p><a href=\"/after/\">"
        );
        assert_eq!(
            values(html),
            vec![v("script", "src", "/js/app.js"), v("a", "href", "/after/")]
        );
    }

    #[test]
    fn offsets_point_at_the_value() {
        let html = "<p>\n<a class=x href=\"/a/\">";
        let attr = &scan(html)[0];
        assert_eq!(&html[attr.offset..attr.offset + 3], "/a/");
    }

    #[test]
    fn valueless_and_self_closing_attributes() {
        let html = "<input disabled id=\"f\"/><img src=\"/a.png\"/><br/>";
        assert_eq!(
            values(html),
            vec![v("input", "id", "f"), v("img", "src", "/a.png")]
        );
    }

    #[test]
    fn unterminated_markup_does_not_panic() {
        for html in ["<a href=\"/x", "<a href=", "<!-- x", "<script>", "<", "<a "] {
            let _ = scan(html);
        }
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("mailto:a@b"));
        assert!(has_scheme("https://x"));
        assert!(!has_scheme("/a:b"));
        assert!(!has_scheme("a/b:c"));
        assert!(!has_scheme("নাম:x"));
    }
}
