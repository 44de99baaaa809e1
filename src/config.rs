//! `site.yaml` → `Config`: a raw serde struct, then a validated one with absolute paths.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result};
use crate::{fs, keys, yaml};

pub const CONFIG_FILE: &str = "site.yaml";

/// The largest `site.yaml` briefing reads (a real one is under 1 KB).
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Every key `site.yaml` may hold.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "timezone",
    "paginate",
    "cname",
    "sanitize",
];

/// `site.yaml` as written; every key optional.
#[derive(Debug, Default, Deserialize)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    timezone: Option<String>,
    paginate: Option<u32>,
    cname: Option<String>,
    sanitize: Option<bool>,
}

/// Options that come from the command line rather than `site.yaml`.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Include articles dated in the future.
    pub future: bool,
    /// The moment that decides what is "future" and "expired"; now when not given (tests fix it).
    pub now: Option<jiff::Timestamp>,
}

/// The validated site configuration the build runs on.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute (`https://host/path/`) or `/`; always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`: `/` or `/briefs/`.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub timezone: jiff::tz::TimeZone,
    pub paginate: u32,
    /// Custom domain for GitHub Pages (`briefs.example.org`), written to `CNAME`.
    pub cname: Option<String>,
    /// Clean raw HTML in Markdown (ammonia) instead of trusting it: for outside contributors.
    pub sanitize: bool,
    pub drafts: bool,
    pub future: bool,
    pub now: jiff::Timestamp,
}

impl Config {
    /// A fingerprint of the configuration without `now`, which changes on every build: what
    /// `now` decides (listed, expired) is in the model, and no template function reads it.
    pub fn fingerprint(&self) -> u64 {
        let timeless = Config {
            now: jiff::Timestamp::UNIX_EPOCH,
            ..self.clone()
        };
        crate::render::fingerprint::of_debug(&timeless)
    }

    /// A root-relative URL for a site path like `tags/x/` (already percent-encoded).
    pub fn url(&self, encoded_path: &str) -> String {
        format!("{}{}", self.base_path, encoded_path)
    }

    /// The absolute URL for a site path, or the root-relative one when `base_url` has no host.
    pub fn permalink(&self, encoded_path: &str) -> String {
        format!("{}{}", self.base_url, encoded_path)
    }
}

/// Reads `ROOT/site.yaml` (if any) and applies the command-line options.
pub fn load(options: &BuildOptions) -> Result<Config> {
    let root = absolute(&options.root)?;
    let path = root.join(CONFIG_FILE);
    let text = if path.is_file() {
        let len = std::fs::metadata(&path)
            .map_err(|e| Error::io(&path, e))?
            .len();
        if len > MAX_CONFIG_BYTES {
            return Err(Error::one(
                Diagnostic::error(
                    Path::new(CONFIG_FILE),
                    format!(
                        "site.yaml is {:.1} MB; settings fit in a few lines, and briefing reads at most 1 MB",
                        len as f64 / 1_048_576.0
                    ),
                )
                .hint("keep only the settings in site.yaml (see README: Configuration)"),
            ));
        }
        Some(fs::read_text(&path)?)
    } else {
        None
    };
    load_text(options, text.as_deref())
}

/// `load` once `site.yaml` is read: `text` is its contents, None when the site has none.
/// Apart from `theme:` (which must name a folder of the site), it needs no files.
pub fn load_text(options: &BuildOptions, text: Option<&str>) -> Result<Config> {
    let root = absolute(&options.root)?;
    let (raw, text) = match text {
        Some(text) => (parse_raw(text)?, text.to_string()),
        None => (RawConfig::default(), String::new()),
    };
    let display = PathBuf::from(CONFIG_FILE);
    let at_key = |key: &str, message: String| {
        let (line, column) = keys::locate_key(&text, key).unwrap_or((1, 1));
        Diagnostic::error(&display, message).at(&text, line, column)
    };

    let mut problems = Vec::new();
    let base_url = match options.base_url.as_deref().or(raw.base_url.as_deref()) {
        None => Ok("/".to_string()),
        Some(url) => normalize_base_url(url),
    };
    let base_url = match base_url {
        Ok(url) => url,
        // A bad flag is a usage error, not a file error.
        Err(message) if options.base_url.is_some() => {
            return Err(Error::Usage(format!("--base-url: {message}")));
        }
        Err(message) => {
            problems.push(
                at_key("base_url", message)
                    .hint("write it like `base_url: https://user.github.io/briefs/`"),
            );
            "/".to_string()
        }
    };
    let language = raw.language.unwrap_or_else(|| "en".to_string());
    if !is_language_tag(&language) {
        problems.push(
            at_key(
                "language",
                format!("`{language}` is not a BCP 47 language tag"),
            )
            .hint("use a tag like `en`, `bn` or `bn-BD`"),
        );
    }
    let timezone_name = raw.timezone.unwrap_or_else(|| "UTC".to_string());
    let timezone = jiff::tz::TimeZone::get(&timezone_name).unwrap_or_else(|_| {
        problems.push(
            at_key("timezone", format!("unknown time zone `{timezone_name}`"))
                .hint("use an IANA name like `Asia/Dhaka` or `UTC`"),
        );
        jiff::tz::TimeZone::UTC
    });
    let theme = raw.theme.unwrap_or_else(|| "default".to_string());
    if theme != "default" && !root.join("themes").join(&theme).is_dir() {
        problems.push(
            at_key(
                "theme",
                format!("theme `{theme}` not found: there is no folder themes/{theme}/"),
            )
            .width(theme.chars().count())
            .hint("remove `theme:` to use the built-in default theme, or add the theme folder"),
        );
    }
    let paginate = raw.paginate.unwrap_or(20);
    if paginate == 0 {
        problems.push(at_key(
            "paginate",
            "`paginate` must be at least 1".to_string(),
        ));
    }
    let cname = raw
        .cname
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if let Some(Err(message)) = cname.as_deref().map(check_domain) {
        problems.push(
            at_key("cname", message)
                .hint("write just the domain, e.g. `cname: briefs.example.org`"),
        );
    }
    if !problems.is_empty() {
        return Err(Error::Diagnostics(problems));
    }

    let base_path = base_path_of(&base_url);
    let output_dir = match &options.output {
        Some(dir) => absolute(dir)?,
        None => root.join("output"),
    };
    Ok(Config {
        content_dir: root.join("content"),
        output_dir,
        title: raw.title.unwrap_or_else(|| "Briefing".to_string()),
        description: raw.description.unwrap_or_default(),
        base_url,
        base_path,
        language,
        theme,
        timezone,
        paginate,
        cname,
        sanitize: raw.sanitize.unwrap_or(false),
        drafts: options.drafts,
        future: options.future,
        now: options.now.unwrap_or_else(jiff::Timestamp::now),
        root,
    })
}

fn parse_raw(text: &str) -> Result<RawConfig> {
    let display = PathBuf::from(CONFIG_FILE);
    let yaml_error = |e: yaml::YamlError| {
        Error::one(
            Diagnostic::error(&display, format!("invalid YAML: {}", e.message))
                .at(text, e.line, e.column)
                .hint(yaml::hint_for(&e.message).unwrap_or(
                    "site.yaml holds `key: value` lines, e.g. `title: The Briefing Desk`",
                )),
        )
    };
    let entries = yaml::parse_mapping(text).map_err(yaml_error)?;
    let mut problems = Vec::new();
    for (key, _) in &entries {
        if !KNOWN_KEYS.contains(&key.as_str()) {
            let (line, _) = keys::locate_key(text, key).unwrap_or((1, 1));
            let mut d = Diagnostic::error(&display, format!("unknown key `{key}` in site.yaml"))
                .at(text, line, 1)
                .width(key.chars().count());
            d = match keys::nearest(key, KNOWN_KEYS) {
                Some(near) => d.hint(format!("did you mean `{near}`?")),
                None => d.hint(format!("known keys are: {}", KNOWN_KEYS.join(", "))),
            };
            problems.push(d);
        }
    }
    if !problems.is_empty() {
        return Err(Error::Diagnostics(problems));
    }
    yaml::parse(text).map_err(yaml_error)
}

/// `https://host/path` → `https://host/path/`; rejects URLs without a scheme.
pub fn normalize_base_url(url: &str) -> std::result::Result<String, String> {
    let url = url.trim();
    if url == "/" {
        return Ok(url.to_string());
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!(
            "base_url `{url}` has no scheme; write the full address, e.g. `https://{}`",
            url.trim_start_matches('/')
        ));
    };
    if !matches!(scheme, "http" | "https") {
        return Err(format!(
            "base_url `{url}` must start with http:// or https://"
        ));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("base_url `{url}` has no host name"));
    }
    if url.contains(['?', '#', ' ']) {
        return Err(format!(
            "base_url `{url}` must not contain a query, fragment or spaces"
        ));
    }
    // The path as browsers send it: a Bengali folder name (`/ব্রিফ/`) percent-encoded, so
    // links, feeds and the preview server all agree with the requests that come in.
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut url = format!("{scheme}://{host}{}", encode_url_path(path));
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

/// `path` with every character a URL path cannot hold as is (non-ASCII, controls, `"<>\^`{|}`)
/// percent-encoded as UTF-8; `%XX` already there is kept.
fn encode_url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let unsafe_ascii = c.is_ascii_control()
            || matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}');
        if c.is_ascii() && !unsafe_ascii {
            out.push(c);
        } else {
            for byte in c.to_string().bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

/// A bare host name: no scheme, path, port or spaces.
fn check_domain(name: &str) -> std::result::Result<(), String> {
    if name.contains("://") {
        return Err(format!("cname `{name}` must be a domain without a scheme"));
    }
    if name.contains(['/', ':', ' ', '?', '#']) {
        return Err(format!(
            "cname `{name}` must be a domain without a path or port"
        ));
    }
    if !name.contains('.') || name.starts_with('.') || name.ends_with('.') {
        return Err(format!("cname `{name}` is not a domain name"));
    }
    Ok(())
}

/// The path part of a normalised base URL, always starting and ending with `/`.
fn base_path_of(base_url: &str) -> String {
    match base_url.split_once("://") {
        None => "/".to_string(),
        Some((_, rest)) => match rest.find('/') {
            Some(i) => rest[i..].to_string(),
            None => "/".to_string(),
        },
    }
}

/// A BCP 47 shape check: a 2–3 letter primary language (`en`, `bn`, `ckb`), then subtags of
/// 1–8 letters or digits (`bn-BD`, `zh-Hant-TW`, `sr-Latn`). `English` or `bn_BD` fail.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Text direction of a language tag.
pub fn direction(language: &str) -> &'static str {
    const RIGHT_TO_LEFT: [&str; 13] = [
        "ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi",
    ];
    // Asked for every page and summary: no lowercased copy of the tag.
    let primary = language
        .split_once('-')
        .map_or(language, |(primary, _)| primary);
    match RIGHT_TO_LEFT
        .iter()
        .any(|rtl| primary.eq_ignore_ascii_case(rtl))
    {
        true => "rtl",
        false => "ltr",
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_trailing_slash_and_path() {
        let url = normalize_base_url("https://user.github.io/briefs").unwrap();
        assert_eq!(url, "https://user.github.io/briefs/");
        assert_eq!(base_path_of(&url), "/briefs/");
        assert_eq!(base_path_of("https://example.org/"), "/");
    }

    /// Regression: a Bengali folder in `base_url` stayed raw, so `serve` never matched the
    /// percent-encoded requests browsers send and answered 400 to the redirect from `/`.
    #[test]
    fn base_url_path_is_percent_encoded_as_browsers_send_it() {
        let url = normalize_base_url("https://x.org/ব্রিফ").unwrap();
        assert_eq!(
            url,
            "https://x.org/%E0%A6%AC%E0%A7%8D%E0%A6%B0%E0%A6%BF%E0%A6%AB/"
        );
        assert_eq!(
            base_path_of(&url),
            "/%E0%A6%AC%E0%A7%8D%E0%A6%B0%E0%A6%BF%E0%A6%AB/"
        );
        let already = "https://x.org/a%20b/c/";
        assert_eq!(normalize_base_url(already).unwrap(), already);
        assert_eq!(
            normalize_base_url("https://x.org/a|b").unwrap(),
            "https://x.org/a%7Cb/"
        );
    }

    #[test]
    fn base_url_without_scheme_is_rejected_with_suggestion() {
        let err = normalize_base_url("user.github.io/briefs").unwrap_err();
        assert!(err.contains("https://user.github.io/briefs"), "{err}");
    }

    #[test]
    fn cname_must_be_a_bare_domain() {
        assert!(check_domain("briefs.example.org").is_ok());
        assert!(check_domain("https://briefs.example.org").is_err());
        assert!(check_domain("briefs.example.org/news").is_err());
        assert!(check_domain("localhost").is_err());
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("bn"));
        assert!(is_language_tag("bn-BD"));
        assert!(!is_language_tag("bengali language"));
        assert!(!is_language_tag("English"));
        assert!(!is_language_tag("bn_BD"));
        assert!(is_language_tag("zh-Hant-TW"));
        assert_eq!(direction("ar-EG"), "rtl");
        assert_eq!(direction("bn"), "ltr");
    }

    #[test]
    fn direction_reads_the_primary_subtag_in_any_case() {
        for rtl in ["ar", "AR", "Ar-eg", "he-IL", "ckb", "yi", "ur-PK", "fa"] {
            assert_eq!(direction(rtl), "rtl", "{rtl}");
        }
        // Only the primary subtag counts: a region or script that looks like one does not.
        for ltr in ["bn", "en-AR", "arx", "a", "", "-ar", "zh-Hant-TW"] {
            assert_eq!(direction(ltr), "ltr", "{ltr}");
        }
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let err = parse_raw("title: x\nbase_ulr: y\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("site.yaml:2:1: error: unknown key `base_ulr`"),
            "{text}"
        );
        assert!(text.contains("did you mean `base_url`?"), "{text}");
    }
}
