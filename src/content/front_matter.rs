//! Splitting a Markdown file into front matter and body, and parsing the front matter with positions.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::keys;
use crate::yaml;

/// The parts of an article file. Lines are 1-based and counted from the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line of the file where `yaml` starts.
    pub yaml_line: usize,
    pub body: &'a str,
}

/// Why a file has no usable front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub message: &'static str,
    pub hint: &'static str,
}

/// Splits `---\nYAML\n---\nbody`. Expects a text without BOM and with `\n` line ends.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(SplitError {
            message: "missing front matter: the file must start with a `---` line",
            hint: "start the file with `---`, then `title: ...` and `date: 2023-10-20`, then `---`",
        });
    }
    let yaml_start = first.len() + 1;
    let mut offset = yaml_start.min(text.len());
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = text[offset..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[(end + 1).min(text.len())..],
            });
        }
        offset = end + 1;
    }
    Err(SplitError {
        message: "front matter is not closed",
        hint: "add a line `---` after the last front matter key",
    })
}

/// The front matter keys the build knows; anything else lands in `extra`.
pub const KNOWN_KEYS: &[&str] = &[
    "title", "date", "updated", "expires", "summary", "tags", "sources", "authors", "lang",
    "draft", "slug", "image", "template",
];

/// The front matter keys of an edition.
pub const EDITION_KEYS: &[&str] = &[
    "title", "date", "updated", "summary", "tags", "articles", "lang", "draft",
];

/// Front matter as written, every key optional so that missing keys get our own messages.
#[derive(Debug, Default, Deserialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<Scalar>,
    pub updated: Option<Scalar>,
    pub expires: Option<Scalar>,
    pub summary: Option<String>,
    pub tags: Option<Vec<String>>,
    pub sources: Option<Vec<Source>>,
    pub authors: Option<Vec<String>>,
    pub lang: Option<String>,
    pub draft: Option<bool>,
    pub slug: Option<String>,
    pub image: Option<Image>,
    pub template: Option<String>,
}

/// A scalar kept as text, so that `date: 2023-10-20` and `date: "2023-10-20"` read alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date like 2023-10-20 or 2023-10-20T09:30:00+06:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(ScalarVisitor)
    }
}

/// Where a report comes from: `KCNA`, or `{name: KCNA, url: http://kcna.kp}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub name: String,
    pub url: Option<String>,
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SourceVisitor;
        impl<'de> Visitor<'de> for SourceVisitor {
            type Value = Source;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a source name, or `{name: ..., url: ...}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Source, E> {
                Ok(Source {
                    name: v.to_string(),
                    url: None,
                })
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Source, M::Error> {
                let (mut name, mut url) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => name = Some(map.next_value::<String>()?),
                        "url" => url = map.next_value::<Option<String>>()?,
                        other => {
                            return Err(de::Error::unknown_field(other, &["name", "url"]));
                        }
                    }
                }
                let name = name.ok_or_else(|| de::Error::missing_field("name"))?;
                Ok(Source { name, url })
            }
        }
        d.deserialize_any(SourceVisitor)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub src: String,
    pub alt: Option<String>,
}

/// A front-matter problem at a line/column of the YAML text (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub message: String,
    pub hint: Option<String>,
    pub is_warning: bool,
}

/// Parsed front matter: the known keys, the other keys for `page.extra`, and warnings.
#[derive(Debug, Default)]
pub struct Parsed {
    pub front: FrontMatter,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub warnings: Vec<FieldError>,
}

/// Parses the YAML between the `---` lines. Positions are relative to `yaml`.
///
/// The YAML is read once; each known key is then typed on its own, so a wrong type is
/// reported at that key's line.
pub fn parse(yaml: &str) -> Result<Parsed, FieldError> {
    let mut front = FrontMatter::default();
    let (extra, warnings) = each_entry(yaml, KNOWN_KEYS, |key, value| {
        match key {
            "title" => front.title = typed_field(yaml, key, value)?,
            "date" => front.date = typed_field(yaml, key, value)?,
            "updated" => front.updated = typed_field(yaml, key, value)?,
            "expires" => front.expires = typed_field(yaml, key, value)?,
            "summary" => front.summary = typed_field(yaml, key, value)?,
            "tags" => front.tags = typed_field(yaml, key, value)?,
            "sources" => front.sources = typed_field(yaml, key, value)?,
            "authors" => front.authors = typed_field(yaml, key, value)?,
            "lang" => front.lang = typed_field(yaml, key, value)?,
            "draft" => front.draft = typed_field(yaml, key, value)?,
            "slug" => front.slug = typed_field(yaml, key, value)?,
            "image" => front.image = typed_field(yaml, key, value)?,
            "template" => front.template = typed_field(yaml, key, value)?,
            _ => return Ok(Some(value)),
        }
        Ok(None)
    })?;
    Ok(Parsed {
        front,
        extra,
        warnings,
    })
}

/// An edition's front matter as written.
#[derive(Debug, Default)]
pub struct EditionFront {
    pub title: Option<String>,
    pub date: Option<Scalar>,
    pub updated: Option<Scalar>,
    pub summary: Option<String>,
    pub tags: Option<Vec<String>>,
    pub articles: Option<Vec<EditionRef>>,
    pub lang: Option<String>,
    pub draft: Option<bool>,
}

/// One entry of an edition's `articles`: `slug`, or `{slug, note}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditionRef {
    pub slug: String,
    pub note: Option<String>,
}

impl<'de> Deserialize<'de> for EditionRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RefVisitor;
        impl<'de> Visitor<'de> for RefVisitor {
            type Value = EditionRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an article slug, or `{slug: ..., note: ...}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EditionRef, E> {
                Ok(EditionRef {
                    slug: v.to_string(),
                    note: None,
                })
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<EditionRef, M::Error> {
                let (mut slug, mut note) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "slug" => slug = Some(map.next_value::<String>()?),
                        "note" => note = map.next_value::<Option<String>>()?,
                        other => return Err(de::Error::unknown_field(other, &["slug", "note"])),
                    }
                }
                let slug = slug.ok_or_else(|| de::Error::missing_field("slug"))?;
                Ok(EditionRef { slug, note })
            }
        }
        d.deserialize_any(RefVisitor)
    }
}

/// Parsed edition front matter, with the other keys and warnings.
#[derive(Debug, Default)]
pub struct ParsedEdition {
    pub front: EditionFront,
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub warnings: Vec<FieldError>,
}

pub fn parse_edition(yaml: &str) -> Result<ParsedEdition, FieldError> {
    let mut front = EditionFront::default();
    let (extra, warnings) = each_entry(yaml, EDITION_KEYS, |key, value| {
        match key {
            "title" => front.title = typed_field(yaml, key, value)?,
            "date" => front.date = typed_field(yaml, key, value)?,
            "updated" => front.updated = typed_field(yaml, key, value)?,
            "summary" => front.summary = typed_field(yaml, key, value)?,
            "tags" => front.tags = typed_field(yaml, key, value)?,
            "articles" => front.articles = typed_field(yaml, key, value)?,
            "lang" => front.lang = typed_field(yaml, key, value)?,
            "draft" => front.draft = typed_field(yaml, key, value)?,
            _ => return Ok(Some(value)),
        }
        Ok(None)
    })?;
    Ok(ParsedEdition {
        front,
        extra,
        warnings,
    })
}

type Extra = serde_json::Map<String, serde_json::Value>;

/// Reads the YAML once and hands each entry to `assign`, which types the keys it knows and
/// returns the others; those go to `extra`, with a warning when one edit from a known key.
fn each_entry(
    yaml: &str,
    known: &[&str],
    mut assign: impl FnMut(&str, serde_json::Value) -> Result<Option<serde_json::Value>, FieldError>,
) -> Result<(Extra, Vec<FieldError>), FieldError> {
    let entries = yaml::parse_mapping(yaml).map_err(|e| yaml_error(yaml, e))?;
    let mut extra = Extra::new();
    let mut warnings = Vec::new();
    for (key, value) in entries {
        let Some(value) = assign(&key, value)? else {
            continue;
        };
        // Only a likely typo (one edit away) warns: other keys are deliberate extras.
        if let Some(near) = keys::one_edit_away(&key, known) {
            let line = keys::locate_key(yaml, &key).map_or(1, |(l, _)| l);
            warnings.push(FieldError {
                line,
                column: 1,
                width: key.chars().count(),
                message: format!("unknown key `{key}` is kept as `extra.{key}`"),
                hint: Some(format!("did you mean `{near}`?")),
                is_warning: true,
            });
        }
        extra.insert(key, value);
    }
    Ok((extra, warnings))
}

/// Types one key's value, reporting a mismatch at the key's value.
fn typed_field<T: serde::de::DeserializeOwned>(
    yaml: &str,
    key: &str,
    value: serde_json::Value,
) -> Result<T, FieldError> {
    let found = kind_of(&value);
    serde_json::from_value(value).map_err(|e| {
        let (line, column) = keys::locate_key(yaml, key).unwrap_or((1, 1));
        let expected = expected_kind(key);
        let message = if expected.starts_with(found) {
            // Right shape, wrong inside (e.g. a source without a name): serde's detail helps.
            format!("`{key}`: {e}")
        } else {
            format!("`{key}` must be {expected}, but here it is {found}")
        };
        let mut error = yaml_error(
            yaml,
            yaml::YamlError {
                message,
                line,
                column,
            },
        );
        error.width = keys::value_width(yaml, line, column);
        error
    })
}

/// What a YAML value is, in an editor's words.
fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "empty",
        serde_json::Value::Bool(_) => "true/false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "text",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a map",
    }
}

fn expected_kind(key: &str) -> &'static str {
    match key {
        "tags" | "authors" => "a list of names",
        "articles" => "a list of article slugs",
        "sources" => "a list of sources",
        "image" => "a map `{src, alt}`",
        "draft" => "true/false",
        "date" | "updated" | "expires" => "text holding a date",
        _ => "text",
    }
}

fn yaml_error(yaml: &str, e: yaml::YamlError) -> FieldError {
    let hint = hint_for(yaml, &e);
    FieldError {
        line: e.line,
        column: e.column,
        width: 1,
        message: e.message,
        hint,
        is_warning: false,
    }
}

/// A fix-it line for the common mistakes, keyed on the key at the error's line.
fn hint_for(yaml: &str, e: &yaml::YamlError) -> Option<String> {
    let line = yaml.lines().nth(e.line.saturating_sub(1)).unwrap_or("");
    let key = line.split(':').next().unwrap_or("").trim();
    if e.message.contains("never closed") {
        return Some("add the closing quote or bracket at the end of the value".to_string());
    }
    if let Some(hint) = yaml::hint_for(&e.message) {
        return Some(hint.to_string());
    }
    let hint = match key {
        "tags" => "`tags` is a list, e.g. `tags: [Russia, KCNA]`",
        "authors" => "`authors` is a list, e.g. `authors: [Jane Doe]`",
        "sources" => "`sources` is a list, e.g. `sources: [{name: KCNA, url: \"http://kcna.kp\"}]`",
        "image" => "write `image: {src: photo.jpg, alt: \"what the photo shows\"}`",
        "draft" => "`draft` is `true` or `false`",
        "date" | "updated" => "write a date like `2023-10-20` or `2023-10-20T09:30:00+06:00`",
        _ if e.message.contains("duplicate") => "each key may appear only once",
        _ => {
            "front matter is YAML: `key: value` lines; quote values that contain `: ` or start with `[`, `{`, `*`, `&`, `!`, `|`, `>`, `'`, `\"`, `%` or `@`"
        }
    };
    Some(hint.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_yaml_and_body() {
        let s = split("---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.yaml_line, 2);
    }

    #[test]
    fn split_without_front_matter_or_closing_line() {
        assert!(split("# Title\n").is_err());
        assert!(split("---\ntitle: a\n").is_err());
        assert!(split("").is_err());
    }

    #[test]
    fn split_accepts_empty_front_matter_and_empty_body() {
        let s = split("---\n---\n").unwrap();
        assert_eq!((s.yaml, s.body), ("", ""));
    }

    #[test]
    fn tags_not_a_list_points_at_value() {
        let e = parse("title: a\ntags: Russia\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 7));
        assert!(e.hint.unwrap().contains("tags: [Russia, KCNA]"));
    }

    #[test]
    fn sources_accept_names_and_maps() {
        let p =
            parse("sources:\n  - KCNA\n  - {name: Reuters, url: 'https://reuters.com'}\n").unwrap();
        let s = p.front.sources.unwrap();
        assert_eq!(s[0].name, "KCNA");
        assert_eq!(s[1].url.as_deref(), Some("https://reuters.com"));
    }

    #[test]
    fn unknown_keys_go_to_extra_and_typos_warn() {
        let p = parse("title: a\ntgas: [x]\nmood: calm\n").unwrap();
        assert_eq!(p.extra.len(), 2);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, 2);
        assert_eq!(p.warnings[0].hint.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn unquoted_dates_are_text() {
        let p = parse("date: 2023-10-20\nupdated: 2023-10-21T09:30:00+06:00\n").unwrap();
        assert_eq!(p.front.date, Some(Scalar("2023-10-20".into())));
    }
}
