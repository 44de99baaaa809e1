//! One article: front matter + Markdown → `Page`, with its slug, URL and output path computed once.

use jiff::ZonedDateTime as Zoned;

use crate::config::{self, Config};
use crate::content::discover::ArticleFile;
use crate::content::document::Document;
use crate::content::front_matter::{self, Source};
use crate::error::{Diagnostic, Error};
use crate::markdown;
use crate::slug::{encode_path, encode_segment, has_empty_slug, slugify};

/// A resolved image: `src` is ready to use as an `src` attribute.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Image {
    pub src: String,
    pub alt: Option<String>,
}

/// A template named in front matter and where the name stands in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRef {
    pub name: String,
    /// A ready diagnostic anchor: path, line, column and the line's text.
    pub at: Diagnostic,
}

/// An article, parsed and ready for the model.
#[derive(Debug, Clone)]
pub struct Page {
    /// This parse's identity (see `content::next_version`).
    pub version: u64,
    pub file: ArticleFile,
    pub title: String,
    pub slug: String,
    /// Root-relative, percent-encoded: `/briefs/articles/%E0%A6%95/`.
    pub url: String,
    /// Absolute URL (root-relative when `base_url` has no host).
    pub permalink: String,
    /// Folder under `output/`, `/`-separated, not encoded: `articles/কিম/`.
    pub output_dir: String,
    pub lang: String,
    pub date: Zoned,
    pub updated: Option<Zoned>,
    /// After this moment the article leaves lists and feeds; its page stays.
    pub expires: Option<Zoned>,
    /// From front matter, else the first paragraph's excerpt.
    pub summary: Option<String>,
    /// Plain text of the first paragraph (for search), when it is not `summary` already:
    /// `None` for an article summarised by it, so the text is kept once (see `excerpt`).
    pub excerpt_apart: Option<String>,
    pub tags: Vec<String>,
    pub sources: Vec<Source>,
    pub authors: Vec<String>,
    pub draft: bool,
    pub image: Option<Image>,
    /// `template:` from front matter, with its position for an unknown-template error.
    pub template: Option<TemplateRef>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// A hash of the file's bytes as parsed: `html` reads the file again and checks them
    /// against this.
    pub source_hash: u64,
    pub word_count: usize,
    pub reading_minutes: usize,
    /// A hash of this page's fields that a list item shows (see `summary_fields_hash`),
    /// made once per parse so that every build tells cheaply which list items changed.
    pub summary_hash: u64,
    /// Where the slug comes from (`slug:`, else the top of the file), for collision messages.
    pub slug_at: Diagnostic,
}

impl Page {
    /// A hash of the page's own fields that a page summary (a list item) shows: not the
    /// body or the word count, so an edit of the text alone leaves every list alone. Keep
    /// it in step with `render::views::SummaryView`; the rebuild-equivalence test compares
    /// incremental rebuilds with clean builds and catches a field left out.
    pub fn summary_fields_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = crate::render::fingerprint::hasher();
        (
            &self.title,
            &self.slug,
            &self.url,
            &self.permalink,
            &self.lang,
        )
            .hash(&mut hasher);
        (&self.summary, &self.authors, self.reading_minutes).hash(&mut hasher);
        // The instant and its offset: the time zone's rules are the site's (configuration).
        for date in [
            Some(&self.date),
            self.updated.as_ref(),
            self.expires.as_ref(),
        ] {
            date.map(|d| (d.timestamp(), d.offset())).hash(&mut hasher);
        }
        self.image
            .as_ref()
            .map(|img| (&img.src, &img.alt))
            .hash(&mut hasher);
        for source in &self.sources {
            (&source.name, &source.url).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// The article's HTML body and table of contents, made from its file again. A build does
    /// not keep them from the parse to the render (the HTML of 100,000 articles is over a
    /// gigabyte): each page makes its own when it is rendered and lets it go. A file edited
    /// since the parse is an error rather than a page out of step with its lists; building
    /// again takes it in.
    pub fn body(&self, config: &Config) -> Result<markdown::Body, Error> {
        let path = &self.file.path;
        let changed = |what: &str| {
            Error::one(
                Diagnostic::error(
                    &self.file.display,
                    format!("the file {what} while the site was being built"),
                )
                .hint("build again once the edit is saved"),
            )
        };
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => changed("was deleted"),
            _ => Error::io(path, e),
        })?;
        if source_hash(&bytes) != self.source_hash {
            return Err(changed("changed"));
        }
        let doc = Document::parse_unchanged(&self.file.display, &bytes).map_err(Error::one)?;
        Ok(article_body(doc.body(), &self.file, config))
    }

    /// Plain text of the first paragraph (empty when there is none).
    pub fn excerpt(&self) -> &str {
        self.excerpt_apart
            .as_deref()
            .or(self.summary.as_deref())
            .unwrap_or("")
    }

    /// The article's HTML body (see `body`).
    pub fn html(&self, config: &Config) -> Result<String, Error> {
        self.body(config).map(|body| body.html)
    }

    /// When the article last changed: `updated`, else `date`.
    pub fn modified(&self) -> &Zoned {
        self.updated.as_ref().unwrap_or(&self.date)
    }
}

/// Everything a parse produced: the page (unless an error stopped it) and every diagnostic.
pub type ParseResult = Result<(Page, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Parses one article file. Never touches the disk: `bytes` were read by the caller.
pub fn parse_article(file: &ArticleFile, bytes: &[u8], config: &Config) -> ParseResult {
    let doc = Document::parse(&file.display, bytes).map_err(|d| vec![d])?;
    let parsed = front_matter::parse(doc.yaml()).map_err(|e| vec![doc.field(e)])?;
    let mut warnings: Vec<Diagnostic> = parsed.warnings.into_iter().map(|w| doc.field(w)).collect();
    let front = parsed.front;
    let mut errors = Vec::new();

    let title = required_text(
        &doc,
        "title",
        front.title,
        "title: Kim meets Lavrov in Pyongyang",
        &mut errors,
    );
    let tz = &config.timezone;
    let date = doc.required_date(front.date.as_ref(), tz, &mut errors);
    let updated = doc.optional_date("updated", front.updated.as_ref(), tz, &mut errors);
    let expires = doc.optional_date("expires", front.expires.as_ref(), tz, &mut errors);

    let slug = match &front.slug {
        Some(given) => {
            let clean = slugify(given);
            if clean.is_empty() || clean != given.as_str() {
                // A path in `slug:` is named as such: it is the one way to aim outside output/.
                let path_like = given.contains(['/', '\\']) || given.contains("..");
                errors.push(doc.key_error(
                    "slug",
                    if path_like {
                        format!(
                            "slug `{given}` is a path: a slug is one name (it would write outside articles/), and may hold only lower-case letters, digits, marks and `-`"
                        )
                    } else {
                        format!(
                            "slug `{given}` may hold only lower-case letters, digits, marks and `-`"
                        )
                    },
                    if clean.is_empty() {
                        "remove `slug:` to use the file name".to_string()
                    } else {
                        format!("write `slug: {clean}`")
                    },
                ));
            }
            clean
        }
        None => {
            let slug = slugify(&file.stem);
            if slug.is_empty() {
                errors.push(
                    doc.error_at(
                        1,
                        1,
                        format!("file name `{}` gives an empty slug", file.stem),
                    )
                    .width(3)
                    .hint("rename the file to contain letters or digits, or add `slug: ...`"),
                );
            }
            slug
        }
    };

    let tags = checked_tags(&doc, front.tags, &mut errors);
    let lang = checked_lang(&doc, front.lang, config, &mut errors);

    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(errors);
    }
    let date = date.expect("a missing date is an error above");

    let output_dir = format!("articles/{slug}/");
    let encoded = format!("articles/{}/", encode_segment(&slug));
    let url = config.url(&encoded);
    if let Some(img) = front.image.as_ref().filter(|img| img.alt.is_none()) {
        warnings.push(doc.key_warning(
            "image",
            format!("image `{}` has no `alt` text", img.src),
            "add `alt: \"what the image shows\"` to `image`, for readers who can't see it; \
             `alt: \"\"` marks an image that is only decoration",
        ));
    }
    let image = front.image.map(|img| Image {
        src: resolve_src(&img.src, &url, config),
        alt: img.alt,
    });
    let template = front.template.map(|name| {
        let (line, column) = doc.at_key("template").unwrap_or((1, 1));
        let at = doc
            .error_at(line, column, String::new())
            .width(name.chars().count());
        TemplateRef { name, at }
    });
    let slug_at = match doc.at_key("slug") {
        Some((line, column)) => doc
            .error_at(line, column, String::new())
            .width(slug.chars().count()),
        None => doc.error_at(1, 1, String::new()).width(3),
    };
    let rendered = markdown::outline_with_images(doc.body(), &|src| file.asset_image_size(src));
    warnings.extend(doc.images_without_alt(&rendered.images_without_alt));
    let summary = front
        .summary
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if summary.is_none() && rendered.excerpt.is_empty() {
        warnings.push(
            Diagnostic::warning(&file.display, "article has no text and no summary")
                .at(&doc.text, 1, 1),
        );
    }

    let reading_minutes = rendered.reading_minutes();
    // An article without a summary is summarised by its first paragraph, which is then kept
    // once, as the summary.
    let (summary, excerpt_apart) = match summary {
        Some(summary) if summary != rendered.excerpt => (Some(summary), Some(rendered.excerpt)),
        Some(summary) => (Some(summary), None),
        None => (Some(rendered.excerpt).filter(|e| !e.is_empty()), None),
    };
    let mut page = Page {
        version: super::next_version(),
        file: file.clone(),
        title,
        permalink: config.permalink(&encoded),
        url,
        output_dir,
        slug,
        lang,
        date,
        updated,
        expires,
        summary,
        excerpt_apart,
        tags,
        sources: front.sources.unwrap_or_default(),
        authors: front.authors.unwrap_or_default(),
        draft: front.draft.unwrap_or(false),
        image,
        template,
        extra: parsed.extra,
        reading_minutes,
        word_count: rendered.word_count,
        source_hash: source_hash(bytes),
        summary_hash: 0,
        slug_at,
    };
    page.summary_hash = page.summary_fields_hash();
    Ok((page, warnings))
}

/// The hash `Page::source_hash` holds.
fn source_hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = crate::render::fingerprint::hasher();
    hasher.write(bytes);
    hasher.finish()
}

/// An article body's HTML, with images sized from the bundle's files, sanitised when the
/// configuration asks for it, and its table of contents.
fn article_body(body: &str, file: &ArticleFile, config: &Config) -> markdown::Body {
    let mut made = markdown::html_with_images(body, &|src| file.asset_image_size(src));
    if config.sanitize {
        made.html = markdown::sanitize(&made.html);
    }
    made
}

/// A required text key: missing or empty is an error.
pub(crate) fn required_text(
    doc: &Document,
    key: &str,
    value: Option<String>,
    example: &str,
    errors: &mut Vec<Diagnostic>,
) -> String {
    match value.map(|t| t.trim().to_string()) {
        Some(t) if !t.is_empty() => t,
        Some(_) => {
            errors.push(doc.key_error(
                key,
                format!("`{key}` is empty"),
                format!("write it after `{key}:`"),
            ));
            String::new()
        }
        None => {
            errors.push(doc.missing(key, example));
            String::new()
        }
    }
}

/// Tags trimmed; a tag whose slug would be empty is an error at the tag.
pub(crate) fn checked_tags(
    doc: &Document,
    tags: Option<Vec<String>>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let tags: Vec<String> = tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.trim().to_string())
        .collect();
    if !tags.iter().any(|t| has_empty_slug(t)) {
        return tags;
    }
    // Rare: find each tag's place, in order, to point at the bad ones.
    let mut from = (1, 1);
    for tag in &tags {
        let at = doc.at_token_after("tags", from, tag);
        if let Some((line, column)) = at {
            from = (line, column + tag.chars().count());
        }
        if has_empty_slug(tag) {
            let (line, column) = at.unwrap_or((1, 1));
            errors.push(
                doc.error_at(
                    line,
                    column,
                    format!("tag `{tag}` has no letters or digits, so it has no URL"),
                )
                .width(tag.chars().count())
                .hint("use a tag with at least one letter or digit, or remove it"),
            );
        }
    }
    tags
}

/// `lang`, else the site's language; an invalid tag is an error at its value.
pub(crate) fn checked_lang(
    doc: &Document,
    lang: Option<String>,
    config: &Config,
    errors: &mut Vec<Diagnostic>,
) -> String {
    let lang = lang.unwrap_or_else(|| config.language.clone());
    if !config::is_language_tag(&lang) {
        errors.push(doc.key_error(
            "lang",
            format!("`{lang}` is not a BCP 47 language tag"),
            "use a tag like `en`, `bn` or `bn-BD`",
        ));
    }
    lang
}

/// An image `src` as written → a URL: absolute URLs stay, `/x` goes under the base path,
/// anything else is relative to the article's folder (bundle files are copied there).
fn resolve_src(src: &str, page_url: &str, config: &Config) -> String {
    if src.contains("://") || src.starts_with("data:") {
        src.to_string()
    } else if let Some(rest) = src.strip_prefix('/') {
        config.url(&encode_path(rest))
    } else {
        format!("{page_url}{}", encode_path(src))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(front: &str, body: &str) -> Page {
        let config = crate::config::load(&crate::config::BuildOptions {
            root: std::env::temp_dir().join("briefing-page-test"),
            ..Default::default()
        })
        .unwrap();
        let file = ArticleFile {
            path: "/site/content/articles/a.md".into(),
            display: "content/articles/a.md".into(),
            stem: "a".to_string(),
            assets: Vec::new(),
        };
        let text = format!("---\ntitle: A\ndate: 2023-10-20\n{front}---\n\n{body}");
        parse_article(&file, text.as_bytes(), &config).unwrap().0
    }

    /// The first paragraph is kept apart from the summary only when it is other text: an
    /// article summarised by it holds it once.
    #[test]
    fn the_excerpt_is_kept_once_when_it_is_the_summary() {
        // No summary: the first paragraph is the summary and the excerpt.
        let page = parsed("", "কিম জং উন বৈঠক করেছেন।\n\nSecond.\n");
        assert_eq!(page.summary.as_deref(), Some("কিম জং উন বৈঠক করেছেন।"));
        assert_eq!(page.excerpt_apart, None);
        assert_eq!(page.excerpt(), "কিম জং উন বৈঠক করেছেন।");

        // A summary of its own: both are kept.
        let page = parsed("summary: Talks in Pyongyang.\n", "First paragraph.\n");
        assert_eq!(page.summary.as_deref(), Some("Talks in Pyongyang."));
        assert_eq!(page.excerpt_apart.as_deref(), Some("First paragraph."));
        assert_eq!(page.excerpt(), "First paragraph.");

        // A summary that is the first paragraph word for word: kept once.
        let page = parsed("summary: First paragraph.\n", "First paragraph.\n");
        assert_eq!(page.excerpt_apart, None);
        assert_eq!(page.excerpt(), "First paragraph.");

        // A summary and no text.
        let page = parsed("summary: Only this.\n", "");
        assert_eq!(page.excerpt_apart.as_deref(), Some(""));
        assert_eq!(page.excerpt(), "");

        // Neither.
        let page = parsed("", "");
        assert_eq!((page.summary, page.excerpt_apart), (None, None));
    }
}
