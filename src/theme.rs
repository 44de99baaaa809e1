//! The theme's and the site's template, static and UI string files, from disk or from the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::is_ignored_name;
use crate::error::{Diagnostic, Error, Result};
use crate::fs;
use crate::i18n::I18nFile;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a static file's bytes live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

impl FileSource {
    pub fn bytes(&self) -> Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            FileSource::Embedded(b) => Ok((*b).into()),
            FileSource::Disk(p) => Ok(fs::read(p)?.into()),
        }
    }

    /// The file's identity for incremental builds: where it is, its size and modification
    /// time (reading every asset to hash it would cost more than copying it).
    pub fn identity(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = crate::render::fingerprint::hasher();
        match self {
            // The bytes, not their address: the address changes from run to run, and the
            // build's record (`record`) compares fingerprints across runs.
            FileSource::Embedded(bytes) => bytes.hash(&mut hasher),
            FileSource::Disk(path) => {
                path.hash(&mut hasher);
                match std::fs::metadata(path) {
                    Ok(meta) => (meta.len(), meta.modified().ok()).hash(&mut hasher),
                    // Unreadable now: never the same twice, so the copy reports the problem.
                    Err(_) => crate::content::next_version().hash(&mut hasher),
                }
            }
        }
        hasher.finish()
    }
}

/// A fingerprint of everything the theme gives every page: templates, static files (which
/// `asset()` hashes into URLs) and strings.
pub fn fingerprint(files: &ThemeFiles) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = crate::render::fingerprint::hasher();
    for t in &files.templates {
        (&t.name, &t.text).hash(&mut hasher);
    }
    for (path, source) in &files.statics {
        (path, source.identity()).hash(&mut hasher);
    }
    for file in &files.i18n {
        (&file.lang, &file.display, &file.text).hash(&mut hasher);
    }
    hasher.finish()
}

/// One template: its Tera name (`article.html`), where it came from, and its text.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub name: String,
    pub display: PathBuf,
    pub text: String,
}

/// Templates (site over theme, file by file), static files (site `static/` over theme `static/`)
/// and UI strings (built-in, then the theme's, then the site's `i18n/`, later keys winning).
#[derive(Debug, Clone, Default)]
pub struct ThemeFiles {
    pub templates: Vec<TemplateFile>,
    /// Path under the site root (`style.css`) → bytes.
    pub statics: BTreeMap<String, FileSource>,
    pub i18n: Vec<I18nFile>,
}

pub fn load(config: &Config) -> Result<ThemeFiles> {
    let mut files = ThemeFiles::default();
    let theme_dir = config.root.join("themes").join(&config.theme);
    let builtin = Path::new("[built-in theme]");
    // The built-in strings come first whatever the theme, so a theme needs to ship only the
    // strings it adds or words differently.
    for (rel, bytes) in DEFAULT_THEME {
        if let Some(lang) = rel
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".yaml"))
        {
            files.i18n.push(I18nFile {
                lang: lang.to_string(),
                display: builtin.join(rel),
                text: String::from_utf8_lossy(bytes).into_owned(),
            });
        }
    }
    if theme_dir.is_dir() {
        read_templates(
            &config.root,
            &theme_dir.join("templates"),
            &mut files.templates,
        )?;
        read_statics(&theme_dir.join("static"), &mut files.statics)?;
        read_i18n(&config.root, &theme_dir.join("i18n"), &mut files.i18n)?;
    } else if config.theme == "default" {
        for (rel, bytes) in DEFAULT_THEME {
            if let Some(name) = rel.strip_prefix("templates/") {
                files.templates.push(TemplateFile {
                    name: name.to_string(),
                    display: builtin.join(rel),
                    text: String::from_utf8_lossy(bytes).into_owned(),
                });
            } else if let Some(name) = rel.strip_prefix("static/") {
                files
                    .statics
                    .insert(name.to_string(), FileSource::Embedded(bytes));
            }
        }
    } else {
        return Err(Error::one(
            Diagnostic::error(
                Path::new("site.yaml"),
                format!(
                    "theme `{}` not found: there is no folder themes/{}/",
                    config.theme, config.theme
                ),
            )
            .hint("remove `theme:` to use the built-in default theme, or add the theme folder"),
        ));
    }
    let mut site_templates = Vec::new();
    read_templates(
        &config.root,
        &config.root.join("templates"),
        &mut site_templates,
    )?;
    for t in site_templates {
        files.templates.retain(|existing| existing.name != t.name);
        files.templates.push(t);
    }
    read_statics(&config.root.join("static"), &mut files.statics)?;
    read_i18n(&config.root, &config.root.join("i18n"), &mut files.i18n)?;
    Ok(files)
}

fn walk(dir: &Path) -> impl Iterator<Item = Result<(PathBuf, String)>> + '_ {
    crate::fs::walk_in_name_order(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(move |entry| match entry {
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                Some(Err(Error::io(&path, e.into())))
            }
            Ok(entry) if entry.file_type().is_file() => {
                let rel = entry.path().strip_prefix(dir).ok()?;
                let name = rel.to_string_lossy().replace('\\', "/");
                Some(Ok((entry.into_path(), name)))
            }
            Ok(_) => None,
        })
}

fn read_templates(root: &Path, dir: &Path, out: &mut Vec<TemplateFile>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for item in walk(dir) {
        let (path, name) = item?;
        out.push(TemplateFile {
            name,
            display: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
            text: fs::read_text(&path)?,
        });
    }
    Ok(())
}

fn read_statics(dir: &Path, out: &mut BTreeMap<String, FileSource>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for item in walk(dir) {
        let (path, name) = item?;
        out.insert(name, FileSource::Disk(path));
    }
    Ok(())
}

/// `DIR/<lang>.yaml` files; anything else in the folder is left alone.
fn read_i18n(root: &Path, dir: &Path, out: &mut Vec<I18nFile>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for item in walk(dir) {
        let (path, name) = item?;
        let Some(lang) = name.strip_suffix(".yaml").filter(|l| !l.contains('/')) else {
            continue;
        };
        out.push(I18nFile {
            lang: lang.to_string(),
            display: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
            text: fs::read_text(&path)?,
        });
    }
    Ok(())
}
