//! One article: front matter + Markdown → `Page`, with its slug, URL and output path computed once.

use std::path::Path;

use jiff::ZonedDateTime as Zoned;

use crate::config::{self, Config};
use crate::content::discover::ArticleFile;
use crate::content::front_matter::{self, FieldError, Source};
use crate::dates;
use crate::error::Diagnostic;
use crate::keys;
use crate::markdown::{self, TocEntry};
use crate::slug::{encode_path, encode_segment, slugify};

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
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub sources: Vec<Source>,
    pub authors: Vec<String>,
    pub draft: bool,
    pub image: Option<Image>,
    /// `template:` from front matter, with its position for an unknown-template error.
    pub template: Option<TemplateRef>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    /// Where the slug comes from (`slug:`, else the top of the file), for collision messages.
    pub slug_at: Diagnostic,
}

impl Page {
    /// Minutes to read at 200 words a minute, at least one.
    pub fn reading_minutes(&self) -> usize {
        self.word_count.div_ceil(200).max(1)
    }
}

/// Everything a parse produced: the page (unless an error stopped it) and every diagnostic.
pub type ParseResult = Result<(Page, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Parses one article file. Never touches the disk: `bytes` were read by the caller.
pub fn parse_article(file: &ArticleFile, bytes: &[u8], config: &Config) -> ParseResult {
    let path = file.display.as_path();
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Err(vec![not_utf8(path, bytes, e)]),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text: std::borrow::Cow<str> = if text.contains('\r') {
        text.replace("\r\n", "\n").into()
    } else {
        text.into()
    };
    let text = text.as_ref();

    let split = front_matter::split(text).map_err(|e| {
        vec![
            Diagnostic::error(path, e.message)
                .at(text, 1, 1)
                .hint(e.hint),
        ]
    })?;
    let yaml_line = split.yaml_line;
    let field = |e: FieldError| {
        let d = if e.is_warning {
            Diagnostic::warning(path, e.message)
        } else {
            Diagnostic::error(path, e.message)
        };
        let d = d.at(text, e.line + yaml_line - 1, e.column).width(e.width);
        match e.hint {
            Some(h) => d.hint(h),
            None => d,
        }
    };
    let parsed = front_matter::parse(split.yaml).map_err(|e| vec![field(e)])?;
    let mut warnings: Vec<Diagnostic> = parsed.warnings.into_iter().map(field).collect();
    let front = parsed.front;

    // Position of a key's value in the file, for messages about that key.
    let at_key = |key: &str| {
        keys::locate_key(split.yaml, key).map(|(line, column)| (line + yaml_line - 1, column))
    };
    let key_error = |key: &str, message: String, hint: String| {
        let (line, column) = at_key(key).unwrap_or((1, 1));
        Diagnostic::error(path, message)
            .at(text, line, column)
            .width(keys::value_width(text, line, column))
            .hint(hint)
    };
    let mut errors = Vec::new();

    let title = match front.title.map(|t| t.trim().to_string()) {
        Some(t) if !t.is_empty() => t,
        Some(_) => {
            errors.push(key_error(
                "title",
                "`title` is empty".into(),
                "write the headline after `title:`".into(),
            ));
            String::new()
        }
        None => {
            errors.push(
                Diagnostic::error(path, "missing `title` in front matter")
                    .at(text, 1, 1)
                    .width(3)
                    .hint("add a line like `title: Kim meets Lavrov in Pyongyang`"),
            );
            String::new()
        }
    };

    let date_of = |key: &str, value: &front_matter::Scalar| {
        dates::parse(&value.0, &config.timezone).map_err(|message| {
            let (line, column) = at_key(key).unwrap_or((1, 1));
            Diagnostic::error(path, format!("`{key}`: {message}"))
                .at(text, line, column)
                .width(value.0.chars().count())
                .hint("write a date like `2023-10-20` or `2023-10-20T09:30:00+06:00`")
        })
    };
    let date = match &front.date {
        Some(value) => date_of("date", value).map_err(|d| errors.push(d)).ok(),
        None => {
            errors.push(
                Diagnostic::error(path, "missing `date` in front matter")
                    .at(text, 1, 1)
                    .width(3)
                    .hint("add a line like `date: 2023-10-20`"),
            );
            None
        }
    };
    let updated = match &front.updated {
        Some(value) => date_of("updated", value).map_err(|d| errors.push(d)).ok(),
        None => None,
    };

    let slug = match &front.slug {
        Some(given) => {
            let clean = slugify(given);
            if clean.is_empty() || clean != given.as_str() {
                errors.push(key_error(
                    "slug",
                    format!(
                        "slug `{given}` may hold only lower-case letters, digits, marks and `-`"
                    ),
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
                    Diagnostic::error(
                        path,
                        format!("file name `{}` gives an empty slug", file.stem),
                    )
                    .hint("rename the file to contain letters or digits, or add `slug: ...`"),
                );
            }
            slug
        }
    };

    let tags: Vec<String> = front
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.trim().to_string())
        .collect();
    for tag in &tags {
        if slugify(tag).is_empty() {
            let near = keys::locate_key(split.yaml, "tags");
            let (line, column) =
                locate_text(split.yaml, tag, near).map_or((1, 1), |(l, c)| (l + yaml_line - 1, c));
            errors.push(
                Diagnostic::error(
                    path,
                    format!("tag `{tag}` has no letters or digits, so it has no URL"),
                )
                .at(text, line, column)
                .width(tag.chars().count())
                .hint("use a tag with at least one letter or digit, or remove it"),
            );
        }
    }

    let lang = front.lang.unwrap_or_else(|| config.language.clone());
    if !config::is_language_tag(&lang) {
        errors.push(key_error(
            "lang",
            format!("`{lang}` is not a BCP 47 language tag"),
            "use a tag like `en`, `bn` or `bn-BD`".into(),
        ));
    }

    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(errors);
    }
    let date = date.expect("a missing date is an error above");

    let output_dir = format!("articles/{slug}/");
    let encoded = format!("articles/{}/", encode_segment(&slug));
    let url = config.url(&encoded);
    let image = front.image.map(|img| Image {
        src: resolve_src(&img.src, &url, config),
        alt: img.alt,
    });
    let template = front.template.map(|name| {
        let (line, column) = at_key("template").unwrap_or((1, 1));
        let at = Diagnostic::error(path, String::new())
            .at(text, line, column)
            .width(name.chars().count());
        TemplateRef { name, at }
    });
    let slug_at = match at_key("slug") {
        Some((line, column)) => Diagnostic::error(path, String::new())
            .at(text, line, column)
            .width(slug.chars().count()),
        None => Diagnostic::error(path, String::new())
            .at(text, 1, 1)
            .width(3),
    };
    let rendered = markdown::render(split.body);
    if front.summary.is_none() && rendered.word_count == 0 {
        warnings
            .push(Diagnostic::warning(path, "article has no text and no summary").at(text, 1, 1));
    }

    Ok((
        Page {
            file: file.clone(),
            title,
            permalink: config.permalink(&encoded),
            url,
            output_dir,
            slug,
            lang,
            date,
            updated,
            summary: front
                .summary
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            tags,
            sources: front.sources.unwrap_or_default(),
            authors: front.authors.unwrap_or_default(),
            draft: front.draft.unwrap_or(false),
            image,
            template,
            extra: parsed.extra,
            content: rendered.html,
            toc: rendered.toc,
            word_count: rendered.word_count,
            slug_at,
        },
        warnings,
    ))
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

/// Line and column (1-based, within `yaml`) of `needle` at or after the line of `near`.
fn locate_text(yaml: &str, needle: &str, near: Option<(usize, usize)>) -> Option<(usize, usize)> {
    let start_line = near.map_or(1, |(l, _)| l);
    yaml.lines()
        .enumerate()
        .skip(start_line - 1)
        .find_map(|(i, line)| {
            line.find(needle)
                .map(|byte| (i + 1, line[..byte].chars().count() + 1))
        })
}

fn not_utf8(path: &Path, bytes: &[u8], e: std::str::Utf8Error) -> Diagnostic {
    let valid = &bytes[..e.valid_up_to()];
    let prefix = String::from_utf8_lossy(valid);
    let (line, column) = crate::error::line_column(&prefix, prefix.len());
    let lossy = String::from_utf8_lossy(bytes);
    Diagnostic::error(
        path,
        format!(
            "file is not valid UTF-8 (byte 0x{:02X})",
            bytes[e.valid_up_to()]
        ),
    )
    .at(&lossy, line, column)
    .hint("save the file as UTF-8 (in most editors: File → Save with Encoding → UTF-8)")
}
