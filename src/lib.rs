//! briefing: a static site generator for curated news briefings.
//!
//! The build is a pipeline of plain functions: `config::load` → `content` (discover, parse)
//! → `site::assemble` → `render::render` → `output::write`. Only the last one writes files.

pub mod config;
pub mod content;
pub mod dates;
pub mod error;
pub mod fs;
pub mod keys;
pub mod markdown;
pub mod output;
pub mod render;
pub mod site;
pub mod slug;
pub mod templates;
pub mod theme;
mod yaml;

use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use config::{BuildOptions, Config};
pub use error::{Diagnostic, Error, Result, Severity};

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// A built site held in memory: the model and its rendered outputs, nothing written.
pub struct BuiltSite {
    pub site: site::Site,
    pub rendered: render::Rendered,
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site in memory. Every broken file is reported, not just the first.
pub fn build_in_memory(config: &Config) -> Result<BuiltSite> {
    let theme_files = theme::load(config);
    let articles = content::discover_articles(&config.root, &config.content_dir.join("articles"))?;

    let parsed: Vec<Result<content::page::ParseResult>> = articles
        .par_iter()
        .map(|file| Ok(content::parse_article(file, &fs::read(&file.path)?, config)))
        .collect();
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut pages = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result? {
            Ok((page, warnings)) => {
                pages.push(page);
                problems.extend(warnings);
            }
            Err(diagnostics) => problems.extend(diagnostics),
        }
    }
    let theme_files = match theme_files {
        Ok(files) => Some(files),
        Err(Error::Diagnostics(d)) => {
            problems.extend(d);
            None
        }
        Err(e) => return Err(e),
    };
    let mut templates = match theme_files.as_ref().map(|t| templates::load(config, t)) {
        Some(Ok(t)) => Some(t),
        Some(Err(Error::Diagnostics(d))) => {
            problems.extend(d);
            None
        }
        Some(Err(e)) => return Err(e),
        None => None,
    };
    let stop = |mut problems: Vec<Diagnostic>| {
        problems.sort_by(|a, b| (a.severity, &a.path, a.line).cmp(&(b.severity, &b.path, b.line)));
        Err(Error::Diagnostics(problems))
    };
    if problems.iter().any(Diagnostic::is_error) {
        return stop(problems);
    }
    let (Some(theme_files), Some(templates)) = (theme_files, templates.as_mut()) else {
        return stop(problems);
    };

    let site = match site::assemble(config, pages) {
        Ok(site) => site,
        Err(d) => {
            problems.extend(d);
            return stop(problems);
        }
    };
    let rendered = match render::render(&site, templates, &theme_files.statics) {
        Ok(r) => r,
        Err(d) => {
            problems.extend(d);
            return stop(problems);
        }
    };
    problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(BuiltSite {
        site,
        rendered,
        warnings: problems,
    })
}

/// Builds the site into its output folder; a failed build leaves the old output untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let config = config::load(options)?;
    output::check_output_dir(&config.root, &config.output_dir)?;
    let built = build_in_memory(&config)?;
    let written = output::write(&config.root, &config.output_dir, &built.rendered)?;
    Ok(BuildReport {
        pages: built.rendered.pages(),
        files: written.files,
        bytes: written.bytes,
        warnings: built.warnings,
        elapsed: started.elapsed(),
    })
}
