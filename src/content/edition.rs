//! One curated edition: the editor's introduction and an ordered list of article slugs with notes.

use jiff::ZonedDateTime as Zoned;

use crate::config::Config;
use crate::content::discover::ArticleFile;
use crate::content::document::Document;
use crate::content::front_matter;
use crate::content::page::{checked_lang, checked_tags, required_text};
use crate::error::Diagnostic;
use crate::markdown;
use crate::slug::{encode_segment, slugify};

/// An entry of `articles:` as written, with where it stands (for unknown-slug errors).
#[derive(Debug, Clone)]
pub struct EditionEntry {
    pub slug: String,
    pub note: Option<String>,
    pub at: Diagnostic,
}

/// An edition, parsed; its entries are resolved to pages by the site model.
#[derive(Debug, Clone)]
pub struct Edition {
    /// This parse's identity (see `content::next_version`).
    pub version: u64,
    pub file: ArticleFile,
    pub title: String,
    pub slug: String,
    pub url: String,
    pub permalink: String,
    pub output_dir: String,
    pub lang: String,
    pub date: Zoned,
    pub updated: Option<Zoned>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    /// The editor's introduction, as HTML.
    pub intro: String,
    pub intro_excerpt: String,
    pub entries: Vec<EditionEntry>,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Edition {
    /// When the edition last changed: `updated`, else `date`.
    pub fn modified(&self) -> &Zoned {
        self.updated.as_ref().unwrap_or(&self.date)
    }
}

pub type EditionResult = Result<(Edition, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Parses `content/editions/<slug>.md`. The slug is the file name.
pub fn parse_edition(file: &ArticleFile, bytes: &[u8], config: &Config) -> EditionResult {
    let doc = Document::parse(&file.display, bytes).map_err(|d| vec![d])?;
    let parsed = front_matter::parse_edition(doc.yaml()).map_err(|e| vec![doc.field(e)])?;
    let mut warnings: Vec<Diagnostic> = parsed.warnings.into_iter().map(|w| doc.field(w)).collect();
    let front = parsed.front;
    let mut errors = Vec::new();

    let title = required_text(
        &doc,
        "title",
        front.title,
        "title: Morning briefing, 20 October",
        &mut errors,
    );
    let tz = &config.timezone;
    let date = doc.required_date(front.date.as_ref(), tz, &mut errors);
    let updated = doc.optional_date("updated", front.updated.as_ref(), tz, &mut errors);
    let slug = slugify(&file.stem);
    if slug.is_empty() {
        errors.push(
            doc.error_at(
                1,
                1,
                format!("file name `{}` gives an empty slug", file.stem),
            )
            .width(3)
            .hint("name edition files by date, e.g. `2023-10-20.md`"),
        );
    }
    let tags = checked_tags(&doc, front.tags, &mut errors);
    let lang = checked_lang(&doc, front.lang, config, &mut errors);
    let entries: Vec<EditionEntry> = match front.articles {
        Some(list) => {
            // Each entry is looked for after the previous one, so a slug that is part of an
            // earlier entry (or of its note) does not steal its position.
            let mut from = (1, 1);
            list.into_iter()
                .map(|r| {
                    let slug = r.slug.trim().to_string();
                    let (line, column) = doc
                        .at_token_after("articles", from, &slug)
                        .unwrap_or((1, 1));
                    from = (line, column + slug.chars().count());
                    let at = doc
                        .error_at(line, column, String::new())
                        .width(slug.chars().count());
                    EditionEntry {
                        slug,
                        note: r
                            .note
                            .map(|n| n.trim().to_string())
                            .filter(|n| !n.is_empty()),
                        at,
                    }
                })
                .collect()
        }
        None => {
            errors.push(doc.missing(
                "articles",
                "articles: [kim-lavrov-meeting, {slug: un-sanctions, note: \"Why it matters\"}]",
            ));
            Vec::new()
        }
    };
    if entries.is_empty() && errors.is_empty() {
        warnings.push(
            doc.key_error(
                "articles",
                "this edition lists no articles",
                "add article slugs under `articles:`",
            )
            .into_warning(),
        );
    }
    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(errors);
    }
    let date = date.expect("a missing date is an error above");
    let mut intro = markdown::render_with_images(doc.body(), &|src| file.asset_image_size(src));
    warnings.extend(doc.images_without_alt(&intro.images_without_alt));
    if config.sanitize {
        intro.html = markdown::sanitize(&intro.html);
    }
    let encoded = format!("editions/{}/", encode_segment(&slug));
    Ok((
        Edition {
            version: super::next_version(),
            file: file.clone(),
            title,
            url: config.url(&encoded),
            permalink: config.permalink(&encoded),
            output_dir: format!("editions/{slug}/"),
            slug,
            lang,
            date,
            updated,
            summary: front
                .summary
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            tags,
            draft: front.draft.unwrap_or(false),
            intro: intro.html,
            intro_excerpt: intro.excerpt,
            entries,
            extra: parsed.extra,
        },
        warnings,
    ))
}
