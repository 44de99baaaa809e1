//! `tags.yaml`: one tag, many spellings. Aliases (in any script) land on the main tag's page,
//! and the tag has a name per language.
//!
//! ```yaml
//! Kim Jong Un:
//!   aliases: ["কিম জং উন", "Kim Jong-un"]
//!   names: {bn: "কিম জং উন", en: "Kim Jong Un"}
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value;

use crate::error::{Diagnostic, Error, Result};
use crate::slug::slugify;
use crate::{config, fs, keys, yaml};

/// The file's name at the site root.
pub const FILE: &str = "tags.yaml";

/// The keys an entry may hold.
const ENTRY_KEYS: &[&str] = &["aliases", "names"];

/// One entry: the main tag and its other spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasedTag {
    /// The main spelling (the entry's key); the tag's page is at its slug.
    pub name: String,
    pub slug: String,
    pub aliases: Vec<String>,
    /// Language tag → the tag's name in that language.
    pub names: BTreeMap<String, String>,
}

/// Every entry of `tags.yaml`, and each spelling's slug → its entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagAliases {
    pub tags: Vec<AliasedTag>,
    by_slug: HashMap<String, usize>,
}

impl TagAliases {
    /// Reads `ROOT/tags.yaml`; no file means no aliases.
    pub fn load(root: &Path) -> Result<TagAliases> {
        let path = root.join(FILE);
        if !path.is_file() {
            return Ok(TagAliases::default());
        }
        let text = fs::read_text(&path)?;
        parse(&text).map_err(Error::Diagnostics)
    }

    /// The entry a tag slug belongs to, by its main spelling or any alias or name.
    pub fn resolve(&self, slug: &str) -> Option<&AliasedTag> {
        self.by_slug.get(slug).map(|&i| &self.tags[i])
    }

    /// The slug a tag name is published under: its entry's, or its own.
    pub fn slug_of(&self, name: &str) -> String {
        let slug = slugify(name);
        match self.resolve(&slug) {
            Some(tag) => tag.slug.clone(),
            None => slug,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }
}

/// A spelling and where it is written, for messages.
struct Spelling {
    text: String,
    line: usize,
    column: usize,
}

/// Parses the text of `tags.yaml`; every problem is reported, each at its line and column.
pub fn parse(text: &str) -> std::result::Result<TagAliases, Vec<Diagnostic>> {
    let display = Path::new(FILE);
    let entries = yaml::parse_mapping(text).map_err(|e| {
        vec![
            Diagnostic::error(display, format!("invalid YAML: {}", e.message))
                .at(text, e.line, e.column)
                .hint(
                    "each tag is `Main name:` with `aliases: [...]` and `names: {bn: ..., en: ...}` under it",
                ),
        ]
    })?;
    let mut problems = Vec::new();
    let mut aliases = TagAliases::default();
    // Where each entry starts, and the spellings under it, in file order.
    let mut spellings: Vec<Vec<Spelling>> = Vec::new();
    let mut entry_lines: Vec<usize> = Vec::new();

    for (name, value) in &entries {
        let (line, column) = locate_entry(text, name);
        let at = |l: usize, c: usize, message: String| {
            Diagnostic::error(display, message).at(text, l, c)
        };
        let slug = slugify(name);
        if slug.is_empty() {
            problems.push(
                at(
                    line,
                    column,
                    format!("tag `{name}` has no letters or digits"),
                )
                .width(name.chars().count()),
            );
            continue;
        }
        if let Some(&other) = aliases.by_slug.get(&slug) {
            let first = &aliases.tags[other];
            problems.push(
                at(
                    line,
                    column,
                    format!(
                        "tag `{name}` is the same tag as `{}` (line {}): both have the slug `{slug}`",
                        first.name, entry_lines[other]
                    ),
                )
                .width(name.chars().count())
                .hint(format!("list `{name}` as an alias of `{}`, or remove one", first.name)),
            );
            continue;
        }
        let block = block_of(text, line);
        let mut tag = AliasedTag {
            name: name.clone(),
            slug: slug.clone(),
            aliases: Vec::new(),
            names: BTreeMap::new(),
        };
        let mut found = Vec::new();
        match value {
            Value::Null => {}
            Value::Object(map) => {
                for (key, v) in map {
                    let (l, c) = find_in(text, block, &format!("{key}:")).unwrap_or((line, column));
                    match key.as_str() {
                        "aliases" => match strings(v) {
                            Some(list) => {
                                for alias in list {
                                    let (l, c) = find_in(text, block, &alias).unwrap_or((l, c));
                                    found.push(Spelling {
                                        text: alias.clone(),
                                        line: l,
                                        column: c,
                                    });
                                    tag.aliases.push(alias);
                                }
                            }
                            None => problems.push(
                                at(
                                    l,
                                    c,
                                    format!("`aliases` of `{name}` must be a list of names"),
                                )
                                .width(key.chars().count())
                                .hint("write `aliases: [\"কিম জং উন\", Kim Jong-un]`"),
                            ),
                        },
                        "names" => match v {
                            Value::Object(names) => {
                                for (lang, n) in names {
                                    let (l, c) =
                                        find_in(text, block, &format!("{lang}:")).unwrap_or((l, c));
                                    if !config::is_language_tag(lang) {
                                        problems.push(
                                            at(l, c, format!("`{lang}` in the names of `{name}` is not a BCP 47 language tag"))
                                                .width(lang.chars().count())
                                                .hint("use a tag like `en`, `bn` or `bn-BD`"),
                                        );
                                        continue;
                                    }
                                    let Some(n) = n.as_str().filter(|n| !n.trim().is_empty())
                                    else {
                                        problems.push(
                                            at(
                                                l,
                                                c,
                                                format!(
                                                    "the `{lang}` name of `{name}` must be text"
                                                ),
                                            )
                                            .width(lang.chars().count()),
                                        );
                                        continue;
                                    };
                                    let (l, c) = find_in(text, block, n).unwrap_or((l, c));
                                    found.push(Spelling {
                                        text: n.to_string(),
                                        line: l,
                                        column: c,
                                    });
                                    tag.names.insert(lang.clone(), n.to_string());
                                }
                            }
                            _ => problems.push(
                                at(
                                    l,
                                    c,
                                    format!("`names` of `{name}` must map languages to names"),
                                )
                                .width(key.chars().count())
                                .hint("write `names: {bn: \"কিম জং উন\", en: \"Kim Jong Un\"}`"),
                            ),
                        },
                        other => {
                            let d = at(
                                l,
                                c,
                                format!("unknown key `{other}` in the entry of `{name}`"),
                            )
                            .width(other.chars().count());
                            problems.push(match keys::nearest(other, ENTRY_KEYS) {
                                Some(near) => d.hint(format!("did you mean `{near}`?")),
                                None => d.hint("an entry holds `aliases` and `names`"),
                            });
                        }
                    }
                }
            }
            _ => problems.push(
                at(
                    line,
                    column,
                    format!("the entry of `{name}` must hold `aliases` and `names`"),
                )
                .width(name.chars().count())
                .hint("write `aliases: [...]` and `names: {...}` indented under the tag"),
            ),
        }
        aliases.by_slug.insert(slug, aliases.tags.len());
        aliases.tags.push(tag);
        spellings.push(found);
        entry_lines.push(line);
    }

    // Spellings after every entry is known, so an alias naming a later entry is caught too.
    let entry_count = aliases.tags.len();
    for (i, found) in spellings.iter().enumerate() {
        let owner = aliases.tags[i].name.clone();
        // A name that repeats an alias (`bn: কিম জং উন`) is one spelling: checked once.
        let mut seen = std::collections::HashSet::new();
        for s in found {
            let slug = slugify(&s.text);
            if !seen.insert(slug.clone()) {
                continue;
            }
            let width = s.text.chars().count();
            let at = |message: String| {
                Diagnostic::error(display, message)
                    .at(text, s.line, s.column)
                    .width(width)
            };
            match aliases.by_slug.get(&slug).copied() {
                _ if slug.is_empty() => {
                    problems.push(at(format!(
                        "alias `{}` of `{owner}` has no letters or digits",
                        s.text
                    )));
                }
                None => {
                    aliases.by_slug.insert(slug, i);
                }
                Some(j) if j == i => {}
                Some(j) if j < entry_count && aliases.tags[j].slug == slug => {
                    let other = &aliases.tags[j];
                    problems.push(
                        at(format!(
                            "`{}` is an alias of `{owner}` and also a tag of its own (`{}`, line {})",
                            s.text, other.name, entry_lines[j]
                        ))
                        .hint(format!(
                            "merge them: move the aliases and names of `{}` under `{owner}` and delete its entry, or drop this alias",
                            other.name
                        )),
                    );
                }
                Some(j) => {
                    let other = &aliases.tags[j];
                    problems.push(
                        at(format!(
                            "alias `{}` is claimed by both `{}` (line {}) and `{owner}`",
                            s.text, other.name, entry_lines[j]
                        ))
                        .hint("a spelling can lead to one tag only: remove it from one of them"),
                    );
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(aliases)
    } else {
        problems.sort_by_key(|d| (d.line, d.column));
        Err(problems)
    }
}

/// Line and column of a top-level key, written plain or quoted.
fn locate_entry(text: &str, name: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        if line.starts_with([' ', '\t', '#']) {
            continue;
        }
        let key = line.split_once(':').map_or("", |(k, _)| k).trim();
        let unquoted = key
            .strip_prefix('"')
            .and_then(|k| k.strip_suffix('"'))
            .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
            .unwrap_or(key);
        if unquoted == name || key == name {
            return (i + 1, 1);
        }
    }
    keys::locate_key(text, name).map_or((1, 1), |(l, _)| (l, 1))
}

/// The lines of the entry that starts at `line` (1-based): up to the next top-level line.
fn block_of(text: &str, line: usize) -> (usize, usize) {
    let end = text
        .lines()
        .enumerate()
        .skip(line)
        .find(|(_, l)| !l.is_empty() && !l.starts_with([' ', '\t', '#']))
        .map_or(text.lines().count(), |(i, _)| i);
    (line, end)
}

/// The first place `needle` is written within `block` (lines, 1-based, inclusive of the first).
fn find_in(text: &str, (from, to): (usize, usize), needle: &str) -> Option<(usize, usize)> {
    text.lines()
        .enumerate()
        .skip(from - 1)
        .take(to + 1 - from)
        .find_map(|(i, line)| {
            // Skip the entry's own key on its first line, so an alias equal to it is found below.
            let start = if i + 1 == from {
                line.find(':').map_or(0, |c| c + 1)
            } else {
                0
            };
            line[start..]
                .find(needle)
                .map(|at| (i + 1, line[..start + at].chars().count() + 1))
        })
}

/// A list of names, or one name.
fn strings(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIM: &str = "Kim Jong Un:\n  aliases: [\"কিম জং উন\", \"Kim Jong-un\"]\n  names: {bn: \"কিম জং উন\", en: \"Kim Jong Un\"}\n";

    #[test]
    fn every_spelling_resolves_to_the_main_tag() {
        let a = parse(KIM).unwrap();
        for spelling in ["Kim Jong Un", "kim jong-un", "কিম জং উন", "KIM JONG UN"] {
            assert_eq!(a.slug_of(spelling), "kim-jong-un", "{spelling}");
        }
        assert_eq!(a.slug_of("Russia"), "russia");
        let tag = a.resolve("কিম-জং-উন").unwrap();
        assert_eq!(tag.names["bn"], "কিম জং উন");
    }

    #[test]
    fn alias_that_is_also_an_entry_names_both() {
        let text = format!("{KIM}কিম জং উন:\n  names: {{en: Kim}}\n");
        let errors = parse(&text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].message,
            "`কিম জং উন` is an alias of `Kim Jong Un` and also a tag of its own (`কিম জং উন`, line 4)"
        );
        assert_eq!((errors[0].line, errors[0].column), (2, 14));
    }

    #[test]
    fn two_entries_with_one_slug_name_both() {
        let errors = parse("Kim Jong Un:\nKim Jong-un:\n").unwrap_err();
        assert_eq!(
            errors[0].message,
            "tag `Kim Jong-un` is the same tag as `Kim Jong Un` (line 1): both have the slug `kim-jong-un`"
        );
        assert_eq!(errors[0].line, 2);
    }

    #[test]
    fn alias_claimed_by_two_tags_names_both() {
        let text = "Kim Jong Un:\n  aliases: [Kim]\nKim Yo Jong:\n  aliases: [Kim]\n";
        let errors = parse(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            errors[0].message,
            "alias `Kim` is claimed by both `Kim Jong Un` (line 1) and `Kim Yo Jong`"
        );
        assert_eq!((errors[0].line, errors[0].column), (4, 13));
    }

    #[test]
    fn unknown_keys_and_bad_languages_are_errors() {
        let text = "Russia:\n  alias: [Rossiya]\n  names: {Bengali: রাশিয়া}\n";
        let errors = parse(text).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].message.contains("unknown key `alias`"));
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `aliases`?"));
        assert!(errors[1].message.contains("`Bengali`"));
    }

    #[test]
    fn quoted_entries_are_located() {
        assert_eq!(locate_entry("a: 1\n'b': x\n", "b"), (2, 1));
    }
}
