//! Site → rendered outputs (article, list and tag pages, 404) and files to copy, handed to a sink.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::config::{self, Config};
use crate::content::Image;
use crate::content::front_matter::Source;
use crate::dates::DateView;
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::TocEntry;
use crate::site::{Site, Tag};
use crate::templates::Templates;
use crate::theme::FileSource;

/// Where rendered outputs go: a staging folder (a build) or memory (tests, checks).
///
/// Rendering streams each page to the sink as soon as it is ready, so a large site never
/// holds all of its HTML in memory at once.
pub trait Sink: Sync {
    /// A generated file at `path` (under output/, `/`-separated).
    fn file(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// A file copied as it is (static files, bundle assets).
    fn copy(&self, path: &str, source: &FileSource) -> Result<()>;
}

/// Collects outputs in memory, keyed by path.
#[derive(Debug, Default)]
pub struct MemorySink(Mutex<BTreeMap<String, Vec<u8>>>);

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let mut files = self.0.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
    fn copy(&self, path: &str, source: &FileSource) -> Result<()> {
        let bytes = source.bytes()?;
        self.file(path, &bytes)
    }
}

/// What a render produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderReport {
    /// HTML pages rendered.
    pub pages: usize,
    /// Every file handed to the sink, pages and copies.
    pub files: usize,
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
    lang: &'a str,
    dir: &'static str,
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

impl Job {
    /// The output path, computed from the model before anything is rendered.
    fn path(&self, site: &Site) -> String {
        match self {
            Job::Article(i) => format!("{}index.html", site.pages[*i].output_dir),
            Job::Home => "index.html".to_string(),
            Job::TagIndex => "tags/index.html".to_string(),
            Job::Tag(t) => format!("{}index.html", site.tags[*t].output_dir),
            Job::NotFound => "404.html".to_string(),
        }
    }
}

/// Renders every output in parallel into `sink`. Problems are collected (one per distinct place).
pub fn render(
    site: &Site,
    templates: &mut Templates,
    statics: &BTreeMap<String, FileSource>,
    sink: &dyn Sink,
) -> Result<RenderReport> {
    let config = &site.config;
    let unknown = unknown_templates(site, templates);
    if !unknown.is_empty() {
        return Err(Error::Diagnostics(unknown));
    }
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Article).collect();
    jobs.extend([Job::Home, Job::TagIndex, Job::NotFound]);
    jobs.extend((0..site.tags.len()).map(Job::Tag));
    let paths: Vec<String> = jobs.iter().map(|j| j.path(site)).collect();
    let copies = copies(site, statics);
    let collisions = collisions(&paths, &copies);
    if !collisions.is_empty() {
        return Err(Error::Diagnostics(collisions));
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

    let results: Vec<Result<()>> = jobs
        .par_iter()
        .zip(paths.par_iter())
        .map(|(job, path)| {
            let mut ctx = Context::new();
            ctx.insert("lang", &config.language);
            ctx.insert("dir", config::direction(&config.language));
            let (template, canonical): (&str, Option<String>) = match job {
                Job::Article(i) => {
                    let page = &site.pages[*i];
                    let neighbour = |j: usize| {
                        site.pages.get(j).map(|p| Neighbour {
                            title: &p.title,
                            url: &p.url,
                            lang: &p.lang,
                            dir: config::direction(&p.lang),
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
                    (template, Some(page.permalink.clone()))
                }
                Job::Home => {
                    let latest = &summaries[..summaries.len().min(config.paginate as usize)];
                    ctx.insert_value("pages", Value::from(latest.to_vec()));
                    ctx.insert_value("tags", all_tags.clone());
                    ("index.html", Some(config.base_url.clone()))
                }
                Job::TagIndex => {
                    ctx.insert_value("tags", all_tags.clone());
                    ("tags.html", Some(config.permalink("tags/")))
                }
                Job::Tag(t) => {
                    let tag = &site.tags[*t];
                    ctx.insert("tag", &TagView::from(tag));
                    let pages: Vec<Value> =
                        tag.pages.iter().map(|&i| summaries[i].clone()).collect();
                    ctx.insert_value("pages", Value::from(pages));
                    ("tag.html", Some(tag.permalink.clone()))
                }
                Job::NotFound => ("404.html", None),
            };
            ctx.insert("canonical", &canonical);
            let bytes = render_one(templates, template, path, &ctx)?;
            sink.file(path, &bytes)
        })
        .collect();

    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(()) => {}
            // The same template bug breaks many pages: report it once.
            Err(Error::Diagnostics(ds)) => {
                for d in ds {
                    if !errors.iter().any(|e| same_place(e, &d)) {
                        errors.push(d);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Diagnostics(errors));
    }
    copies
        .par_iter()
        .map(|(path, source)| sink.copy(path, source))
        .collect::<Result<()>>()?;
    Ok(RenderReport {
        pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
        files: paths.len() + copies.len(),
    })
}

fn render_one(templates: &Templates, template: &str, path: &str, ctx: &Context) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(16 * 1024);
    templates
        .tera
        .render_to(template, ctx, &mut bytes)
        .map_err(|e| Error::one(templates.diagnostic(&e, &format!(" (while rendering {path})"))))?;
    Ok(bytes)
}

fn same_place(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.path == b.path && a.line == b.line && a.column == b.column
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
fn collisions(generated: &[String], copies: &[(String, FileSource)]) -> Vec<Diagnostic> {
    let generated: HashSet<&str> = generated.iter().map(String::as_str).collect();
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
