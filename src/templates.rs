//! Loads Tera once per build from the theme's and the site's templates; maps Tera errors to diagnostics.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use tera::{ErrorKind, Kwargs, State, Tera};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::i18n::Catalog;
use crate::keys;
use crate::slug::encode_path;
use crate::theme::{FileSource, ThemeFiles};

/// The templates every theme must have.
pub const REQUIRED: &[&str] = &[
    "index.html",
    "article.html",
    "tags.html",
    "tag.html",
    "sources.html",
    "source.html",
    "editions.html",
    "edition.html",
    "archive.html",
    "search.html",
    "404.html",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
];

/// The pieces of list entries a page summary can carry ready-made, each the output of a
/// component with the summary as `page` and every other argument at its default, rendered
/// once per page (see `Templates::summary_pieces`): (the summary's field, the component).
/// A theme's list shows `{{ p.card }}` (marked safe) where it would render the card again.
pub const SUMMARY_PIECES: [(&str, &str); 2] =
    [("card", "article_card"), ("story_item", "story_item")];

/// A loaded Tera plus where each template came from, for error messages, and the UI strings.
pub struct Templates {
    pub tera: Tera,
    files: HashMap<String, (PathBuf, String)>,
    pub i18n: Arc<Catalog>,
}

/// The compiled templates of the last build, kept by a long-running process (watch,
/// serve): compiling the theme is about a tenth of a rebuild after one edit, and most
/// rebuilds change no template.
#[derive(Default)]
pub struct TemplateCache(Option<(u64, Templates)>);

impl TemplateCache {
    /// The fingerprint of what `load` compiles from: the theme's files and the configuration.
    pub fn key(config: &Config, theme: &ThemeFiles) -> u64 {
        crate::render::fingerprint::Fingerprint::new(crate::theme::fingerprint(theme), "")
            .add(config.fingerprint())
            .finish()
    }

    /// The kept templates when they were compiled from what `key` says, else `load`'s.
    pub fn take_or_load(
        &mut self,
        key: u64,
        load: impl FnOnce() -> Result<Templates>,
    ) -> Result<Templates> {
        match self.0.take() {
            Some((kept, templates)) if kept == key => Ok(templates),
            _ => load(),
        }
    }

    /// Keeps `templates`, compiled from what `key` says, for the next build.
    pub fn keep(&mut self, key: u64, templates: Templates) {
        self.0 = Some((key, templates));
    }
}

impl Templates {
    pub fn contains(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// The `SUMMARY_PIECES` lists can take ready-made: those whose component the theme has
    /// and whose field some template reads (`.card`). Each is then rendered once per page
    /// instead of once for every list that shows the page.
    pub fn summary_pieces(&self) -> Vec<(&'static str, &'static str)> {
        SUMMARY_PIECES
            .into_iter()
            .filter(|&(field, component)| {
                let read = format!(".{field}");
                self.tera.contains_component(component)
                    && self
                        .files
                        .values()
                        .any(|(_, source)| source.contains(&read))
            })
            .collect()
    }

    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.files.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// Turns a Tera error into a diagnostic pointing into the template file.
    pub fn diagnostic(&self, err: &tera::Error, while_doing: &str) -> Diagnostic {
        let located =
            |name: &str, line: usize, column: usize, message: String| match self.files.get(name) {
                Some((path, text)) => Diagnostic::error(path, message).at(text, line, column),
                None => Diagnostic::error(Path::new(name), message),
            };
        let d = match err.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let span = report.span();
                let width = if span.start_line == span.end_line {
                    span.end_col.saturating_sub(span.start_col)
                } else {
                    1
                };
                located(
                    report.filename(),
                    span.start_line,
                    span.start_col + 1,
                    format!("{}{while_doing}", report.message()),
                )
                .width(width)
            }
            ErrorKind::MissingParent { current, parent } => {
                let (line, column) = self.find_in(current, parent);
                located(
                    current,
                    line,
                    column,
                    format!("extends unknown template `{parent}`"),
                )
                .width(parent.chars().count())
                .hint(self.suggest(parent))
            }
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(
                Path::new("templates"),
                format!("template `{name}` not found{while_doing}"),
            )
            .hint(self.suggest(name)),
            _ => {
                let mut message = err.to_string();
                let mut source = std::error::Error::source(err);
                while let Some(s) = source {
                    message.push_str(": ");
                    message.push_str(&s.to_string());
                    source = s.source();
                }
                Diagnostic::error(Path::new("templates"), format!("{message}{while_doing}"))
            }
        };
        if d.hint.is_none() {
            d.hint("fix the template; Tera syntax: https://keats.github.io/tera/docs/")
        } else {
            d
        }
    }

    fn find_in(&self, template: &str, needle: &str) -> (usize, usize) {
        self.files
            .get(template)
            .and_then(|(_, text)| {
                text.find(needle)
                    .map(|i| crate::error::line_column(text, i))
            })
            .unwrap_or((1, 1))
    }

    /// "did you mean ...?" over the loaded template names.
    pub fn suggest(&self, name: &str) -> String {
        let names = self.names();
        match keys::nearest(name, &names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("available templates: {}", names.join(", ")),
        }
    }
}

/// Compiles every template once. Reports every template with a syntax error, not just the first.
pub fn load(config: &Config, theme: &ThemeFiles) -> Result<Templates> {
    let catalog = Arc::new(Catalog::load(&theme.i18n)?);
    let mut tera = Tera::new();
    tera.register_function("asset", asset_function(config, &theme.statics));
    crate::helpers::register(&mut tera, config, &catalog);
    let files: HashMap<String, (PathBuf, String)> = theme
        .templates
        .iter()
        .map(|t| (t.name.clone(), (t.display.clone(), t.text.clone())))
        .collect();
    let mut templates = Templates {
        tera: Tera::new(),
        files,
        i18n: catalog,
    };

    let batch = theme
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()));
    if let Err(err) = tera.add_raw_templates(batch) {
        // Tera stops at the first bad template; parse each alone to list every syntax error.
        let mut problems: Vec<Diagnostic> = theme
            .templates
            .iter()
            .filter_map(|t| {
                let mut alone = Tera::new();
                alone.register_from(&tera);
                match alone.add_raw_template(&t.name, &t.text) {
                    Err(e) if matches!(e.kind(), ErrorKind::SyntaxError(_)) => {
                        Some(templates.diagnostic(&e, ""))
                    }
                    _ => None,
                }
            })
            .collect();
        if problems.is_empty() {
            problems.push(templates.diagnostic(&err, ""));
        }
        return Err(Error::Diagnostics(problems));
    }
    let ui = ui_strings(config, &templates.i18n, &theme.templates)?;
    tera.global_context().insert("ui", &ui);
    templates.tera = tera;

    let missing: Vec<Diagnostic> = REQUIRED
        .iter()
        .filter(|name| !templates.contains(name))
        .map(|name| {
            Diagnostic::error(
                Path::new("templates"),
                format!("the theme has no `{name}` template"),
            )
            .hint(format!(
                "add templates/{name} or themes/{}/templates/{name}",
                config.theme
            ))
        })
        .collect();
    if !missing.is_empty() {
        return Err(Error::Diagnostics(missing));
    }
    Ok(templates)
}

/// The `ui` map every template sees: `{{ ui.sources }}` is `{{ t(key="sources") }}` looked up
/// once per build instead of once per call: at 1,000 articles, replacing 28,253 `t` calls
/// with `ui` saved 74.6 million instructions (6% of the build), about 2,600 a call. Only the
/// keys templates read are in it, so a key that falls back to English is reported as with
/// `t`, and a key that does not exist, or needs arguments, is an error at its place in the
/// template.
fn ui_strings(
    config: &Config,
    catalog: &Catalog,
    templates: &[crate::theme::TemplateFile],
) -> Result<BTreeMap<String, String>> {
    let mut ui = BTreeMap::new();
    let mut problems = Vec::new();
    for template in templates {
        for (offset, key) in ui_keys(&template.text) {
            if ui.contains_key(key) {
                continue;
            }
            let problem = |message: String, hint: String| {
                Diagnostic::error(&template.display, format!("`ui.{key}`: {message}"))
                    .at_offset(&template.text, offset)
                    .width(key.len() + 3)
                    .hint(hint)
            };
            let language = &config.language;
            if let Err(unknown) = catalog.entry(language, key) {
                problems.push(problem(
                    unknown.to_string(),
                    "`ui` holds the keys of the UI strings (i18n/*.yaml: the theme's, then \
                     the site's)"
                        .to_string(),
                ));
                continue;
            }
            match catalog.text(language, key, &[]) {
                Ok(text) => {
                    ui.insert(key.to_string(), text);
                }
                Err(e) => problems.push(problem(
                    e,
                    format!(
                        "`ui` holds the UI strings that take no arguments; use \
                         `t(key=\"{key}\", …)` for one with a count or placeholders"
                    ),
                )),
            }
        }
    }
    if problems.is_empty() {
        Ok(ui)
    } else {
        Err(Error::Diagnostics(problems))
    }
}

/// Each `ui.KEY` inside a template's tags (`{{ … }}`, `{% … %}`), with the offset of its
/// `ui`. A `ui` that ends a longer name (`menu.x`, `page.ui.x`) or is inside a string is
/// not one.
fn ui_keys(text: &str) -> Vec<(usize, &str)> {
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut keys = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| from + i) {
        let close = match text.as_bytes().get(open + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            _ => {
                from = open + 1;
                continue;
            }
        };
        let end = text[open..].find(close).map_or(text.len(), |i| open + i);
        let tag = &text.as_bytes()[open..end];
        let mut quote = None;
        for at in 2..tag.len() {
            match (quote, tag[at]) {
                (Some(q), b) if b == q => quote = None,
                (Some(_), _) => {}
                (None, q @ (b'"' | b'\'' | b'`')) => quote = Some(q),
                (None, _)
                    if tag[at..].starts_with(b"ui.")
                        && !is_name(tag[at - 1])
                        && tag[at - 1] != b'.' =>
                {
                    let len = tag[at + 3..].iter().take_while(|&&b| is_name(b)).count();
                    if len > 0 {
                        let start = open + at + 3;
                        keys.push((open + at, &text[start..start + len]));
                    }
                }
                _ => {}
            }
        }
        from = end;
    }
    keys
}

/// A static file's URL with a short content hash, computed on first use.
struct AssetEntry {
    source: FileSource,
    url: OnceLock<Result<String, String>>,
}

/// `asset(path="style.css")` → `/briefs/style.css?v=1a2b3c4d`; an unknown file is an error.
fn asset_function(
    config: &Config,
    statics: &BTreeMap<String, FileSource>,
) -> impl Fn(Kwargs, &State) -> tera::TeraResult<String> + Send + Sync + 'static {
    let base = config.base_path.clone();
    let entries: Arc<HashMap<String, AssetEntry>> = Arc::new(
        statics
            .iter()
            .map(|(name, source)| {
                let entry = AssetEntry {
                    source: source.clone(),
                    url: OnceLock::new(),
                };
                (name.clone(), entry)
            })
            .collect(),
    );
    move |kwargs: Kwargs, _: &State| {
        let path: String = kwargs.must_get("path")?;
        let path = path.trim_start_matches('/');
        let Some(entry) = entries.get(path) else {
            let known: Vec<&str> = entries.keys().map(String::as_str).collect();
            let hint = keys::nearest(path, &known)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(tera::Error::message(format!(
                "asset(path=\"{path}\"): no such file in static/{hint}"
            )));
        };
        let url = entry.url.get_or_init(|| {
            let bytes = entry.source.bytes().map_err(|e| e.to_string())?;
            Ok(format!(
                "{base}{}?v={:08x}",
                encode_path(path),
                fnv1a(&bytes) as u32
            ))
        });
        url.clone().map_err(tera::Error::message)
    }
}

/// FNV-1a: a stable hash (the same on every machine and Rust version) for cache-busting.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_keys_are_read_inside_tags_only() {
        let text = "<p>ui.prose</p>{{ ui.sources }}{% if ui.topics_x and menu.ui.no and gui.no %}\
                    {{ t(key=\"ui.no\") ~ ui.latest|upper }}{% endif %}";
        let keys: Vec<&str> = ui_keys(text).into_iter().map(|(_, k)| k).collect();
        assert_eq!(keys, ["sources", "topics_x", "latest"]);
        let (at, key) = ui_keys(text)[0];
        assert_eq!((&text[at..at + 10], key), ("ui.sources", "sources"));
    }
}
