//! briefing: a static site generator for curated news briefings.
//!
//! The build is a pipeline of plain functions: `config::load` → `content` (discover, parse)
//! → `site::assemble` → `render::render` → `output::Staging`. Only the last one writes files;
//! `dev` (watch) sits on top and the pipeline knows nothing of it.

pub mod cache;
pub mod chars;
pub mod check;
pub mod config;
pub mod content;
pub mod dates;
pub mod deploy;
pub mod dev;
pub mod error;
pub mod fs;
pub mod helpers;
pub mod i18n;
pub mod keys;
pub mod markdown;
pub mod output;
pub mod record;
pub mod render;
pub mod scaffold;
pub mod site;
pub mod slug;
pub mod tag_aliases;
pub mod templates;
pub mod theme;
mod yaml;

use std::time::{Duration, Instant};

use std::sync::Arc;

pub use config::{BuildOptions, Config};
pub use error::{Diagnostic, Error, Result, Severity};

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    /// Files whose bytes changed and were written (the others were already current).
    pub written: usize,
    /// Content files read and parsed (the others came from the parse cache).
    pub parsed: usize,
    /// Outputs rendered or copied (the others were reused from an earlier build).
    pub rendered: usize,
    pub bytes: u64,
    /// Nothing was built: the output folder already held what this build would make
    /// (`build_recorded`); the counts are the last build's.
    pub up_to_date: bool,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// Each stage in order, with what it cost.
    pub timings: Vec<StageTiming>,
}

/// What one stage of a build cost.
#[derive(Debug, Clone, Copy)]
pub struct StageTiming {
    pub stage: &'static str,
    /// Wall-clock time.
    pub wall: Duration,
    /// CPU time of the whole process (user and system, all threads) during the stage: over
    /// `wall`, how many cores the stage kept busy. `None` where the OS does not tell.
    pub cpu: Option<Duration>,
    /// The process's resident memory after the stage, in KiB (0 where the OS does not tell).
    pub resident_kib: u64,
}

impl StageTiming {
    /// A stage that ran from `start` until now.
    fn since(stage: &'static str, start: (Instant, Option<Duration>)) -> StageTiming {
        StageTiming {
            stage,
            wall: start.0.elapsed(),
            cpu: process_cpu()
                .zip(start.1)
                .map(|(now, then)| now.saturating_sub(then)),
            resident_kib: resident_kib(),
        }
    }
}

/// Now, and the CPU time the process has used so far.
fn clock() -> (Instant, Option<Duration>) {
    (Instant::now(), process_cpu())
}

/// Stage timings for `--timings`.
#[derive(Debug)]
struct Timings {
    last: (Instant, Option<Duration>),
    stages: Vec<StageTiming>,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            last: clock(),
            stages: Vec::new(),
        }
    }
}

impl Timings {
    fn mark(&mut self, stage: &'static str) {
        self.stages.push(StageTiming::since(stage, self.last));
        self.last = clock();
    }
}

/// CPU time this process has used, all threads, user and system, where the OS tells.
fn process_cpu() -> Option<Duration> {
    #[cfg(unix)]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is always valid.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) } == 0 {
            // SAFETY: initialised by the successful call (and zeroed before it).
            let usage = unsafe { usage.assume_init() };
            let time = |t: libc::timeval| {
                Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
                    + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
            };
            return Some(time(usage.ru_utime) + time(usage.ru_stime));
        }
    }
    None
}

/// Resident memory of this process in KiB, from /proc (Linux); 0 elsewhere. `statm`, not
/// `status`: reading `status` took a few milliseconds per stage, which a watch rebuild noticed.
fn resident_kib() -> u64 {
    #[cfg(unix)]
    // SAFETY: sysconf has no preconditions; it returns -1 for a name it does not know.
    let page_bytes = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
    #[cfg(not(unix))]
    let page_bytes = 0;
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * page_bytes / 1024)
}

/// A site parsed and modelled, with its templates loaded: everything but the rendering.
pub struct Prepared {
    pub site: site::Site,
    pub templates: templates::Templates,
    /// What the templates were compiled from (see `TemplateCache::key`).
    templates_key: u64,
    pub theme: theme::ThemeFiles,
    pub warnings: Vec<Diagnostic>,
}

impl Prepared {
    /// Renders every output into `sink`. UI strings that fell back to English while rendering
    /// become warnings, one per (language, key).
    pub fn render(&mut self, sink: &dyn render::Sink) -> Result<render::RenderReport> {
        self.render_cached(sink, &mut render::RenderCache::for_one_build())
    }

    /// Ends the build: the templates and the model go back into `cache` for the next one;
    /// the warnings are what is left.
    fn keep(self, cache: &mut cache::BuildCache) -> Vec<Diagnostic> {
        cache.templates.keep(self.templates_key, self.templates);
        cache.model.keep(self.site);
        self.warnings
    }

    /// `render`, reusing what an earlier render of the same site left in `cache`.
    pub fn render_cached(
        &mut self,
        sink: &dyn render::Sink,
        cache: &mut render::RenderCache,
    ) -> Result<render::RenderReport> {
        let inputs = theme::fingerprint(&self.theme);
        let report = render::render(
            &self.site,
            &mut self.templates,
            &self.theme.statics,
            sink,
            inputs,
            cache,
        )?;
        self.warnings.extend(self.templates.i18n.warnings());
        Ok(report)
    }
}

/// `prepare_timed` with the parses, templates and model `cache` kept from earlier builds.
fn prepare_cached(
    config: &Config,
    cache: &mut cache::BuildCache,
    timings: &mut Timings,
) -> Result<Prepared> {
    let cache::BuildCache {
        parsed,
        templates,
        model,
        ..
    } = cache;
    prepare_timed(config, parsed, templates, model, timings)
}

/// Loads, parses and models the site. Every broken file is reported, not just the first.
pub fn prepare(config: &Config) -> Result<Prepared> {
    prepare_with(config, &mut cache::ParseCache::default())
}

/// `prepare`, reusing what `cache` parsed in an earlier build for files that did not change.
pub fn prepare_with(config: &Config, cache: &mut cache::ParseCache) -> Result<Prepared> {
    prepare_timed(
        config,
        cache,
        &mut templates::TemplateCache::default(),
        &mut site::ModelCache::default(),
        &mut Timings::default(),
    )
}

/// `prepare_with`, taking the compiled templates from `kept` when the theme and configuration
/// did not change, patching the model `models` kept when no page moved, and marking its
/// stages in `timings`.
fn prepare_timed(
    config: &Config,
    cache: &mut cache::ParseCache,
    kept: &mut templates::TemplateCache,
    models: &mut site::ModelCache,
    timings: &mut Timings,
) -> Result<Prepared> {
    cache.check_config(config);
    let theme_files = theme::load(config);
    let (parsed_articles, parsed_editions) = cache.content(
        config,
        |file, bytes| content::parse_article(file, bytes, config).map(|(p, w)| (Arc::new(p), w)),
        |file, bytes| content::parse_edition(file, bytes, config).map(|(e, w)| (Arc::new(e), w)),
    )?;
    timings.mark("find and parse content");
    let mut problems: Vec<Diagnostic> = Vec::new();
    let pages = keep_parsed(&mut problems, parsed_articles);
    let editions = keep_parsed(&mut problems, parsed_editions);
    let theme = keep_diagnostics(&mut problems, theme_files)?;
    let tag_aliases = keep_diagnostics(&mut problems, tag_aliases::TagAliases::load(&config.root))?;
    let templates_key = theme
        .as_ref()
        .map_or(0, |t| templates::TemplateCache::key(config, t));
    let templates = match &theme {
        Some(t) => keep_diagnostics(
            &mut problems,
            kept.take_or_load(templates_key, || templates::load(config, t)),
        )?,
        None => None,
    };
    let site = if problems.iter().any(Diagnostic::is_error) {
        None
    } else {
        let aliases = tag_aliases.unwrap_or_default();
        match models.assemble(config, pages, editions, &aliases) {
            Ok(site) => Some(site),
            Err(d) => {
                problems.extend(d);
                None
            }
        }
    };
    timings.mark("templates, model");
    problems.sort_by(|a, b| (a.severity, &a.path, a.line).cmp(&(b.severity, &b.path, b.line)));
    match (site, templates, theme) {
        (Some(site), Some(templates), Some(theme))
            if !problems.iter().any(Diagnostic::is_error) =>
        {
            Ok(Prepared {
                site,
                templates,
                templates_key,
                theme,
                warnings: problems,
            })
        }
        _ => Err(Error::Diagnostics(problems)),
    }
}

/// The parsed items, with every diagnostic moved into `problems`.
fn keep_parsed<T>(problems: &mut Vec<Diagnostic>, parsed: Vec<cache::Parsed<T>>) -> Vec<Arc<T>> {
    let mut items = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok((item, warnings)) => {
                items.push(item);
                problems.extend(warnings);
            }
            Err(diagnostics) => problems.extend(diagnostics),
        }
    }
    items
}

/// Moves a stage's diagnostics into `problems` so that later stages still report theirs.
fn keep_diagnostics<T>(problems: &mut Vec<Diagnostic>, result: Result<T>) -> Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(Error::Diagnostics(d)) => {
            problems.extend(d);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Builds the site in memory, nothing written: output path → bytes.
pub fn build_in_memory(
    config: &Config,
) -> Result<(Prepared, std::collections::BTreeMap<String, Vec<u8>>)> {
    let mut prepared = prepare(config)?;
    let sink = render::MemorySink::default();
    prepared.render(&sink)?;
    Ok((prepared, sink.into_files()))
}

/// Builds into `sink` (the preview server's memory), reusing from `cache` the parses,
/// templates and template values an earlier build made; the report's `written` counts the
/// outputs rendered, and `bytes` is 0 (the sink knows sizes). `cache.outputs` is not used:
/// the sink knows what it holds.
pub fn build_into(
    options: &BuildOptions,
    cache: &mut cache::BuildCache,
    sink: &dyn render::Sink,
) -> Result<BuildReport> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let config = config::load(options)?;
    let mut prepared = prepare_cached(&config, cache, &mut timings)?;
    let rendered = prepared.render_cached(sink, &mut cache.rendered)?;
    timings.mark("render");
    let warnings = prepared.keep(cache);
    Ok(BuildReport {
        timings: timings.stages,
        pages: rendered.pages,
        files: rendered.files,
        written: rendered.rendered,
        parsed: cache.parsed.last_parsed,
        rendered: rendered.rendered,
        bytes: 0,
        up_to_date: false,
        warnings,
        elapsed: started.elapsed(),
    })
}

/// Builds the site into its output folder; a failed build leaves the old output untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_with(options, &mut cache::BuildCache::default())
}

/// `build`, reusing from `cache` the parses of content files that did not change and the
/// outputs whose inputs did not change.
pub fn build_with(options: &BuildOptions, cache: &mut cache::BuildCache) -> Result<BuildReport> {
    let started = Instant::now();
    let config = load_checked(options)?;
    build_configured(&config, cache, started)
}

/// The configuration of `options`, once its output folder is known to be safe to write.
fn load_checked(options: &BuildOptions) -> Result<Config> {
    let config = config::load(options)?;
    output::check_output_dir(&config.root, &config.output_dir)?;
    Ok(config)
}

/// `build_with` for a one-off build (`briefing build`): nothing is rendered when the output
/// folder's record says it already holds what this build would make (see `record`), unless
/// `force`; a successful build leaves a record for the next one.
pub fn build_recorded(
    options: &BuildOptions,
    cache: &mut cache::BuildCache,
    force: bool,
) -> Result<BuildReport> {
    let started = Instant::now();
    let started_at = std::time::SystemTime::now();
    let config = load_checked(options)?;
    let checking = clock();
    if !force && let Some(found) = record::current(&config) {
        let elapsed = started.elapsed();
        return Ok(BuildReport {
            pages: found.pages,
            files: found.files,
            written: 0,
            parsed: 0,
            rendered: 0,
            bytes: found.bytes,
            up_to_date: true,
            warnings: found.warnings,
            elapsed,
            timings: vec![StageTiming::since("check the output is current", checking)],
        });
    }
    let looking = clock();
    let inputs = record::inputs(&config);
    let looked = StageTiming::since("look for changes", looking);
    let mut report = build_configured(&config, cache, started)?;
    report.timings.insert(0, looked);
    let recording = clock();
    if let (Some(inputs), Some(made)) = (inputs, cache.outputs.output_files()) {
        let built = record::Built {
            pages: report.pages,
            files: report.files,
            bytes: report.bytes,
            warnings: &report.warnings,
            until: cache.model.next_change(config.now),
        };
        record::save(&config, inputs, made, started_at, built);
    }
    report
        .timings
        .push(StageTiming::since("record the build", recording));
    report.elapsed = started.elapsed();
    Ok(report)
}

/// `build_with` on a loaded configuration whose output folder was checked.
fn build_configured(
    config: &Config,
    cache: &mut cache::BuildCache,
    started: Instant,
) -> Result<BuildReport> {
    stage_configured(config, cache, started)?.commit(cache)
}

/// A build rendered into its staging folder and not yet swapped in: `commit` publishes it,
/// `abandon` gives it up. `watch` makes one while it waits to be sure a save is not the
/// start of a burst of changes, and publishes it only if nothing else changed meanwhile.
pub struct StagedBuild {
    staging: output::Staging,
    rendered: render::RenderReport,
    warnings: Vec<Diagnostic>,
    timings: Timings,
    started: Instant,
    parsed: usize,
}

/// Builds the site into a staging folder beside its output folder, reusing from `cache`
/// what `build_with` would; nothing is visible in the output folder until `commit`.
pub fn stage_with(options: &BuildOptions, cache: &mut cache::BuildCache) -> Result<StagedBuild> {
    let started = Instant::now();
    let config = load_checked(options)?;
    stage_configured(&config, cache, started)
}

fn stage_configured(
    config: &Config,
    cache: &mut cache::BuildCache,
    started: Instant,
) -> Result<StagedBuild> {
    let mut timings = Timings::default();
    let mut prepared = prepare_cached(config, cache, &mut timings)?;
    let staging =
        output::Staging::begin_with(&config.root, &config.output_dir, &mut cache.outputs)?;
    timings.mark("prepare output");
    let rendered = prepared.render_cached(&staging, &mut cache.rendered)?;
    timings.mark("render and write");
    let mut warnings = prepared.keep(cache);
    if !config.base_url.contains("://") {
        // Said only after a successful build, so it never buries real errors.
        warnings.push(
            Diagnostic::warning(
                std::path::Path::new(config::CONFIG_FILE),
                "base_url is not set: feeds, the sitemap and canonical links use root-relative URLs, which feed readers and search engines do not accept",
            )
            .hint("set `base_url: https://your.site/` in site.yaml, or build with --base-url"),
        );
    }
    Ok(StagedBuild {
        staging,
        rendered,
        warnings,
        timings,
        started,
        parsed: cache.parsed.last_parsed,
    })
}

impl StagedBuild {
    /// Swaps the staging folder in as the output folder.
    pub fn commit(mut self, cache: &mut cache::BuildCache) -> Result<BuildReport> {
        let committed = self.staging.commit(&mut cache.outputs)?;
        self.timings.mark("remove stale, swap");
        Ok(BuildReport {
            timings: self.timings.stages,
            pages: self.rendered.pages,
            files: self.rendered.files,
            written: committed.written,
            parsed: self.parsed,
            rendered: self.rendered.rendered,
            bytes: committed.bytes,
            up_to_date: false,
            warnings: self.warnings,
            elapsed: self.started.elapsed(),
        })
    }

    /// Gives the build up: the output folder stays as it was, and the staging folder is
    /// kept as the spare for the next build, which reuses what this one wrote into it.
    pub fn abandon(self, cache: &mut cache::BuildCache) {
        self.staging.abandon(&mut cache.outputs);
    }
}
