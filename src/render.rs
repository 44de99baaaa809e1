//! Site → rendered outputs (article, list and tag pages, 404) and files to copy; no writes.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::{self, Config};
use crate::content::Image;
use crate::content::front_matter::Source;
use crate::dates::DateView;
use crate::error::Diagnostic;
use crate::markdown::TocEntry;
use crate::site::{Site, Tag};
use crate::templates::Templates;
use crate::theme::FileSource;

/// Everything the output stage writes: generated files and files copied as they are.
#[derive(Debug, Default)]
pub struct Rendered {
    /// (path under output/, `/`-separated, bytes), sorted by path.
    pub files: Vec<(String, Vec<u8>)>,
    /// (path under output/, where the bytes come from), sorted by path.
    pub copies: Vec<(String, FileSource)>,
}

impl Rendered {
    pub fn pages(&self) -> usize {
        self.files
            .iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .count()
    }
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    dir: &'a str,
    base_url: &'a str,
    root: &'a str,
    home_url: String,
    tags_url: String,
}

#[derive(Serialize)]
struct TagLink<'a> {
    name: &'a str,
    slug: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct TagView<'a> {
    name: &'a str,
    slug: &'a str,
    url: &'a str,
    count: usize,
}

impl<'a> From<&'a Tag> for TagView<'a> {
    fn from(t: &'a Tag) -> Self {
        TagView {
            name: &t.name,
            slug: &t.slug,
            url: &t.url,
            count: t.pages.len(),
        }
    }
}

#[derive(Serialize)]
struct SummaryView<'a> {
    title: &'a str,
    slug: &'a str,
    url: &'a str,
    permalink: &'a str,
    lang: &'a str,
    dir: &'static str,
    summary: Option<&'a str>,
    date: DateView,
    updated: Option<DateView>,
    tags: Vec<TagLink<'a>>,
    sources: &'a [Source],
    authors: &'a [String],
    reading_minutes: usize,
    word_count: usize,
    image: Option<&'a Image>,
}

#[derive(Serialize)]
struct Neighbour<'a> {
    title: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct ArticleView<'a> {
    #[serde(flatten)]
    summary: SummaryView<'a>,
    content: &'a str,
    toc: &'a [TocEntry],
    extra: &'a serde_json::Map<String, serde_json::Value>,
    newer: Option<Neighbour<'a>>,
    older: Option<Neighbour<'a>>,
}

fn summary<'a>(site: &'a Site, i: usize) -> SummaryView<'a> {
    let page = &site.pages[i];
    SummaryView {
        title: &page.title,
        slug: &page.slug,
        url: &page.url,
        permalink: &page.permalink,
        lang: &page.lang,
        dir: config::direction(&page.lang),
        summary: page.summary.as_deref(),
        date: DateView::new(&page.date, &page.lang),
        updated: page.updated.as_ref().map(|u| DateView::new(u, &page.lang)),
        tags: site.page_tags[i]
            .iter()
            .map(|&t| {
                let tag = &site.tags[t];
                TagLink {
                    name: &tag.name,
                    slug: &tag.slug,
                    url: &tag.url,
                }
            })
            .collect(),
        sources: &page.sources,
        authors: &page.authors,
        reading_minutes: page.reading_minutes(),
        word_count: page.word_count,
        image: page.image.as_ref(),
    }
}

/// What one output file is made from.
enum Job {
    Article(usize),
    Home,
    TagIndex,
    Tag(usize),
    NotFound,
}

/// Renders every output in parallel. Errors are collected (one per distinct problem).
pub fn render(
    site: &Site,
    templates: &mut Templates,
    statics: &BTreeMap<String, FileSource>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let config = &site.config;
    let unknown = unknown_templates(site, templates);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    {
        let global = templates.tera.global_context();
        global.insert("site", &site_view(config));
        global.insert(
            "generator",
            &format!("briefing {}", env!("CARGO_PKG_VERSION")),
        );
    }
    let templates = &*templates;

    // Each page's summary is serialised once and shared (cheap Arc clones) by every list.
    let summaries: Vec<Value> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| Value::from_serializable(&summary(site, i)))
        .collect();
    let all_tags =
        Value::from_serializable(&site.tags.iter().map(TagView::from).collect::<Vec<_>>());

    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Article).collect();
    jobs.extend([Job::Home, Job::TagIndex, Job::NotFound]);
    jobs.extend((0..site.tags.len()).map(Job::Tag));

    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let mut ctx = Context::new();
            ctx.insert("lang", &config.language);
            ctx.insert("dir", config::direction(&config.language));
            let (template, path, canonical): (&str, String, Option<&str>) = match job {
                Job::Article(i) => {
                    let page = &site.pages[*i];
                    let neighbour = |j: usize| {
                        site.pages.get(j).map(|p| Neighbour {
                            title: &p.title,
                            url: &p.url,
                        })
                    };
                    let view = ArticleView {
                        summary: summary(site, *i),
                        content: &page.content,
                        toc: &page.toc,
                        extra: &page.extra,
                        newer: i.checked_sub(1).and_then(neighbour),
                        older: neighbour(i + 1),
                    };
                    ctx.insert("page", &view);
                    ctx.insert("lang", &page.lang);
                    ctx.insert("dir", config::direction(&page.lang));
                    let template = page.template.as_ref().map_or("article.html", |t| &t.name);
                    (
                        template,
                        format!("{}index.html", page.output_dir),
                        Some(&page.permalink),
                    )
                }
                Job::Home => {
                    let latest = &summaries[..summaries.len().min(config.paginate as usize)];
                    ctx.insert_value("pages", Value::from(latest.to_vec()));
                    ctx.insert_value("tags", all_tags.clone());
                    (
                        "index.html",
                        "index.html".to_string(),
                        Some(config.base_url.as_str()),
                    )
                }
                Job::TagIndex => {
                    ctx.insert_value("tags", all_tags.clone());
                    let canonical = tags_permalink(config);
                    return render_one(
                        templates,
                        "tags.html",
                        "tags/index.html".into(),
                        Some(&canonical),
                        ctx,
                    );
                }
                Job::Tag(t) => {
                    let tag = &site.tags[*t];
                    ctx.insert("tag", &TagView::from(tag));
                    let pages: Vec<Value> =
                        tag.pages.iter().map(|&i| summaries[i].clone()).collect();
                    ctx.insert_value("pages", Value::from(pages));
                    (
                        "tag.html",
                        format!("{}index.html", tag.output_dir),
                        Some(&tag.permalink),
                    )
                }
                Job::NotFound => ("404.html", "404.html".to_string(), None),
            };
            render_one(templates, template, path, canonical, ctx)
        })
        .collect();

    let mut files = Vec::with_capacity(results.len());
    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            // The same template bug breaks many pages: report it once.
            Err(d) if !errors.iter().any(|e| same_place(e, &d)) => errors.push(d),
            Err(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let copies = copies(site, statics);
    let collisions = collisions(&files, &copies);
    if !collisions.is_empty() {
        return Err(collisions);
    }
    Ok(Rendered { files, copies })
}

fn render_one(
    templates: &Templates,
    template: &str,
    path: String,
    canonical: Option<&str>,
    mut ctx: Context,
) -> Result<(String, Vec<u8>), Diagnostic> {
    ctx.insert("canonical", &canonical);
    let mut bytes = Vec::with_capacity(16 * 1024);
    templates
        .tera
        .render_to(template, &ctx, &mut bytes)
        .map_err(|e| templates.diagnostic(&e, &format!(" (while rendering {path})")))?;
    Ok((path, bytes))
}

fn same_place(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.path == b.path && a.line == b.line && a.column == b.column
}

fn tags_permalink(config: &Config) -> String {
    config.permalink("tags/")
}

fn site_view(config: &Config) -> SiteView<'_> {
    SiteView {
        title: &config.title,
        description: &config.description,
        language: &config.language,
        dir: config::direction(&config.language),
        base_url: &config.base_url,
        root: &config.base_path,
        home_url: config.url(""),
        tags_url: config.url("tags/"),
    }
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

/// A static file or asset that would overwrite a generated page is an error naming both.
fn collisions(files: &[(String, Vec<u8>)], copies: &[(String, FileSource)]) -> Vec<Diagnostic> {
    let generated: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    copies
        .iter()
        .filter(|(p, _)| generated.contains(p.as_str()))
        .map(|(p, source)| {
            let from = match source {
                FileSource::Disk(path) => path.display().to_string(),
                FileSource::Embedded(_) => format!("[built-in theme]/static/{p}"),
            };
            Diagnostic::error(
                std::path::Path::new(&from),
                format!("would overwrite the generated page {p}"),
            )
            .hint("rename or remove the file")
        })
        .collect()
}
