//! UI strings: the theme's and the site's `i18n/<lang>.yaml`, merged key by key, looked up
//! with English as the fallback, and the missing ones reported once per build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

use crate::error::{Diagnostic, Error, Result};
use crate::{config, keys, yaml};

/// The language every other one falls back to; its file must hold every key the theme uses.
pub const FALLBACK: &str = "en";

/// One `i18n/<lang>.yaml` file, from the built-in theme, a theme folder or the site.
#[derive(Debug, Clone)]
pub struct I18nFile {
    /// The file name without `.yaml`: the language tag.
    pub lang: String,
    /// Where it came from, for messages (`i18n/bn.yaml`, `[built-in theme]/i18n/bn.yaml`).
    pub display: PathBuf,
    pub text: String,
}

const ASCII_DIGITS: [char; 10] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/// A string, or a plural pair chosen by `n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Text(String),
    Plural { one: Option<String>, other: String },
}

impl Entry {
    fn pick(&self, n: Option<i64>) -> &str {
        match self {
            Entry::Text(s) => s,
            Entry::Plural { one: Some(one), .. } if n == Some(1) => one,
            Entry::Plural { other, .. } => other,
        }
    }
}

/// The strings of one language, and the last file that set them (for hints).
#[derive(Debug, Default)]
struct Strings {
    /// Looked up for every UI string of every page: hashed, not ordered.
    entries: FxHashMap<String, Entry>,
    file: PathBuf,
    /// The language's `digits` string as a table, when it has exactly ten characters.
    digit_table: Option<[char; 10]>,
}

/// Every language's UI strings, plus what was looked up and missing during this build.
#[derive(Debug, Default)]
pub struct Catalog {
    langs: BTreeMap<String, Strings>,
    /// (language, key) pairs that fell back to English; `key` is empty when the language has
    /// no file at all. A set, so that each is reported once however many pages asked.
    missing: Mutex<BTreeSet<(String, String)>>,
    /// Keys of other languages that English does not have: likely typos, which would
    /// otherwise override nothing without a word.
    unknown: Mutex<Vec<Diagnostic>>,
}

/// A lookup that found nothing, not even in English: a template bug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub key: String,
    pub near: Option<String>,
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no UI string `{}` in {FALLBACK}.yaml", self.key)?;
        if let Some(near) = &self.near {
            write!(f, "; did you mean `{near}`?")?;
        }
        Ok(())
    }
}

impl Catalog {
    /// Parses the files in order; a later file's keys replace an earlier one's, key by key.
    /// Every broken file is reported.
    pub fn load(files: &[I18nFile]) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        let mut problems = Vec::new();
        let mut others: Vec<(&I18nFile, Vec<String>)> = Vec::new();
        for file in files {
            match parse_file(file) {
                Ok(entries) => {
                    if file.lang != FALLBACK {
                        others.push((file, entries.iter().map(|(k, _)| k.clone()).collect()));
                    }
                    let strings = catalog.langs.entry(file.lang.clone()).or_default();
                    strings.entries.extend(entries);
                    strings.file = file.display.clone();
                }
                Err(mut d) => problems.append(&mut d),
            }
        }
        for strings in catalog.langs.values_mut() {
            strings.digit_table = match strings.entries.get("digits") {
                Some(Entry::Text(digits)) => digits.chars().collect::<Vec<_>>().try_into().ok(),
                _ => None,
            };
        }
        if let Some(english) = catalog.langs.get(FALLBACK) {
            let mut known: Vec<&str> = english.entries.keys().map(String::as_str).collect();
            known.sort_unstable();
            let unknown = catalog.unknown.get_mut().unwrap_or_else(|e| e.into_inner());
            for (file, keys) in others {
                for key in keys.iter().filter(|k| !english.entries.contains_key(*k)) {
                    let (line, _) = keys::locate_key(&file.text, key).unwrap_or((1, 1));
                    let d = Diagnostic::warning(
                        &file.display,
                        format!("UI string `{key}` is not an English key, so no template uses it"),
                    )
                    .at(&file.text, line, 1)
                    .width(key.chars().count());
                    unknown.push(match keys::nearest(key, &known) {
                        Some(near) => d.hint(format!("did you mean `{near}`?")),
                        None => d.hint("add it to en.yaml too if a template uses it"),
                    });
                }
            }
        }
        if !catalog.langs.contains_key(FALLBACK) {
            problems.push(
                Diagnostic::error(Path::new("i18n"), "there are no English UI strings")
                    .hint("add i18n/en.yaml: every other language falls back to it"),
            );
        }
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(Error::Diagnostics(problems))
        }
    }

    /// The languages with strings, for listing.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.langs.keys().map(String::as_str)
    }

    /// The entry for `key` in `lang`: the exact tag (`bn-BD`), then its primary language (`bn`),
    /// then English. Falling back to English is remembered for `warnings`.
    pub fn entry(&self, lang: &str, key: &str) -> std::result::Result<&Entry, Unknown> {
        self.lookup(lang, key, |s| s.entries.get(key))
    }

    /// The first of `lang`, its primary language and English for which `find` gives
    /// something; falling back to English is remembered for `warnings`. Called for every UI
    /// string of every page, so it allocates nothing on the way to a hit.
    fn lookup<'a, T>(
        &'a self,
        lang: &str,
        key: &str,
        find: impl Fn(&'a Strings) -> Option<T>,
    ) -> std::result::Result<T, Unknown> {
        let primary = lang.split('-').next().unwrap_or(lang);
        let exact = self.langs.get(lang);
        let general = if primary == lang {
            None
        } else {
            self.langs.get(primary)
        };
        if let Some(found) = exact.and_then(&find).or_else(|| general.and_then(&find)) {
            return Ok(found);
        }
        let english = self.langs.get(FALLBACK).and_then(&find);
        let Some(found) = english else {
            let mut known: Vec<&str> = self
                .langs
                .get(FALLBACK)
                .map(|s| s.entries.keys().map(String::as_str).collect())
                .unwrap_or_default();
            known.sort_unstable();
            return Err(Unknown {
                key: key.to_string(),
                near: keys::nearest(key, &known).map(str::to_string),
            });
        };
        if primary != FALLBACK {
            // A language without any file is reported once as a whole, not key by key.
            let missing = match (exact, general) {
                (Some(_), _) => (lang.to_string(), key.to_string()),
                (None, Some(_)) => (primary.to_string(), key.to_string()),
                (None, None) => (lang.to_string(), String::new()),
            };
            self.missing
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(missing);
        }
        Ok(found)
    }

    /// `key` in `lang`, with `{name}` placeholders filled from `args` (numbers in the language's
    /// digits) and the plural form chosen by the `n` argument.
    pub fn text(
        &self,
        lang: &str,
        key: &str,
        args: &[(&str, Arg)],
    ) -> std::result::Result<String, String> {
        let entry = self.entry(lang, key).map_err(|e| e.to_string())?;
        // `n` as text (`n="{n}"`, a placeholder for a script to fill) takes the `other` form.
        let n = args.iter().find_map(|(name, arg)| match (name, arg) {
            (&"n", Arg::Number(n)) => Some(*n),
            (&"n", Arg::Text(_)) => Some(i64::MAX),
            _ => None,
        });
        if matches!(entry, Entry::Plural { .. }) && n.is_none() {
            return Err(format!(
                "UI string `{key}` has plural forms: give the count as `n=…`"
            ));
        }
        self.text_from(lang, entry.pick(n), args)
            .map_err(|e| format!("UI string `{key}` {e}"))
    }

    /// `template` with its `{name}` placeholders filled from `args`, numbers in the language's
    /// digits.
    pub fn text_from(
        &self,
        lang: &str,
        template: &str,
        args: &[(&str, Arg)],
    ) -> std::result::Result<String, String> {
        let has_numbers = args.iter().any(|(_, a)| matches!(a, Arg::Number(_)));
        let table = if has_numbers {
            self.digit_table(lang)
        } else {
            None
        };
        fill(template, |name, out| {
            match args.iter().find(|(a, _)| *a == name) {
                Some((_, Arg::Number(n))) => push_digits(out, table, &n.to_string()),
                Some((_, Arg::Text(s))) => out.push_str(s),
                None => return false,
            }
            true
        })
        .map_err(|name| format!("uses `{{{name}}}`, which was not given"))
    }

    /// `key` in `lang` as written, placeholders and all (for patterns like `date_long`).
    pub fn raw(&self, lang: &str, key: &str) -> std::result::Result<&str, String> {
        let entry = self.entry(lang, key).map_err(|e| e.to_string())?;
        Ok(entry.pick(None))
    }

    /// ASCII digits in `text` replaced with the language's own (its `digits` string).
    pub fn digits(&self, lang: &str, text: &str) -> String {
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return text.to_string();
        }
        with_digits(self.digit_table(lang), text)
    }

    /// The language's own digits, or `None` when they are ASCII (or its `digits` string is
    /// not ten characters).
    fn digit_table(&self, lang: &str) -> Option<[char; 10]> {
        self.lookup(lang, "digits", |s| {
            s.entries.get("digits").map(|_| s.digit_table)
        })
        .ok()
        .flatten()
        .filter(|table| *table != ASCII_DIGITS)
    }

    /// A month's name (1–12) in the language, from its `month_N` string.
    pub fn month(&self, lang: &str, month: i8) -> std::result::Result<String, String> {
        const KEYS: [&str; 12] = [
            "month_1", "month_2", "month_3", "month_4", "month_5", "month_6", "month_7", "month_8",
            "month_9", "month_10", "month_11", "month_12",
        ];
        let index = usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0);
        self.text(lang, KEYS[index], &[])
    }

    /// One warning per (language, key) that fell back to English in this build, in order.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let missing = std::mem::take(&mut *self.missing.lock().unwrap_or_else(|e| e.into_inner()));
        let unknown = std::mem::take(&mut *self.unknown.lock().unwrap_or_else(|e| e.into_inner()));
        unknown
            .into_iter()
            .chain(missing.into_iter().map(|(lang, key)| match self.langs.get(&lang) {
                Some(strings) if !key.is_empty() => Diagnostic::warning(
                    &strings.file,
                    format!("UI string `{key}` is missing in `{lang}`; the English one is used"),
                )
                .hint(format!(
                    "add `{key}: …` to i18n/{lang}.yaml (the site's file overrides the theme's key by key)"
                )),
                _ => Diagnostic::warning(
                    Path::new("i18n"),
                    format!("there are no UI strings for language `{lang}`; English ones are used"),
                )
                .hint(format!("add i18n/{lang}.yaml with the strings in that language")),
            }))
            .collect()
    }
}

/// ASCII digits in `text` replaced from `table`; `None` leaves them.
fn with_digits(table: Option<[char; 10]>, text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    push_digits(&mut out, table, text);
    out
}

/// `text` appended to `out`, its ASCII digits replaced from `table` (`None` leaves them).
fn push_digits(out: &mut String, table: Option<[char; 10]>, text: &str) {
    match table {
        Some(table) => out.extend(text.chars().map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => table[d as usize],
            _ => c,
        })),
        None => out.push_str(text),
    }
}

/// A placeholder's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Number(i64),
    Text(String),
}

/// `{name}` placeholders replaced; the name of the first one `value` has nothing for is the error.
fn fill(
    template: &str,
    value: impl Fn(&str, &mut String) -> bool,
) -> std::result::Result<String, String> {
    // Room for Bengali digits and month names: growing the string costs more than the rest.
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        let is_name =
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..open]);
        if is_name {
            if !value(name, &mut out) {
                return Err(name.to_string());
            }
        } else {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// One file's entries; every problem in it is reported with its line and column.
fn parse_file(file: &I18nFile) -> std::result::Result<Vec<(String, Entry)>, Vec<Diagnostic>> {
    let text = &file.text;
    let display = &file.display;
    if !config::is_language_tag(&file.lang) {
        return Err(vec![
            Diagnostic::error(
                display,
                format!("`{}` is not a BCP 47 language tag", file.lang),
            )
            .hint("name UI string files after their language: i18n/en.yaml, i18n/bn.yaml"),
        ]);
    }
    let entries = yaml::parse_mapping(text).map_err(|e| {
        vec![
            Diagnostic::error(display, format!("invalid YAML: {}", e.message))
                .at(text, e.line, e.column)
                .hint("write one `key: text` line per UI string, e.g. `read_more: Read more`"),
        ]
    })?;
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let at = |message: String| {
            let (line, column) = keys::locate_key(text, &key).unwrap_or((1, 1));
            Diagnostic::error(display, message)
                .at(text, line, column)
                .width(keys::value_width(text, line, column))
        };
        match entry_of(&value) {
            Ok(entry) => out.push((key, entry)),
            Err(why) => problems.push(at(format!("UI string `{key}` {why}")).hint(
                "write `key: text`, or plural forms as `key: {one: \"{n} briefing\", other: \"{n} briefings\"}`",
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn entry_of(value: &serde_json::Value) -> std::result::Result<Entry, &'static str> {
    use serde_json::Value;
    match value {
        Value::String(s) => Ok(Entry::Text(s.clone())),
        // `digits: 0123456789` reads as a number; a number is text for a UI string.
        Value::Number(n) => Ok(Entry::Text(n.to_string())),
        Value::Object(map) => {
            if let Some(k) = map.keys().find(|k| !matches!(k.as_str(), "one" | "other")) {
                return Err(if k.is_empty() {
                    "has an empty plural form"
                } else {
                    "has plural forms other than `one` and `other`"
                });
            }
            let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
            match (map.get("one").map(|_| text("one")), text("other")) {
                (Some(None), _) => Err("has a `one` form that is not text"),
                (one, Some(other)) => Ok(Entry::Plural {
                    one: one.flatten(),
                    other,
                }),
                (_, None) => Err("has plural forms without `other` text"),
            }
        }
        Value::Null => Err("is empty"),
        Value::Bool(_) => Err("is true or false, not text"),
        Value::Array(_) => Err("is a list, not text"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(lang: &str, text: &str) -> I18nFile {
        I18nFile {
            lang: lang.into(),
            display: PathBuf::from(format!("i18n/{lang}.yaml")),
            text: text.into(),
        }
    }

    fn catalog() -> Catalog {
        Catalog::load(&[
            file(
                "en",
                "read_more: Read more\nupdated: Updated\ndigits: \"0123456789\"\nbriefings: {one: \"{n} briefing\", other: \"{n} briefings\"}\npage_of: \"page {n} of {total}\"\n",
            ),
            file(
                "bn",
                "read_more: আরও পড়ুন\ndigits: \"০১২৩৪৫৬৭৮৯\"\nbriefings: \"{n}টি প্রতিবেদন\"\npage_of: \"পৃষ্ঠা {n} / {total}\"\n",
            ),
        ])
        .unwrap()
    }

    #[test]
    fn looks_up_in_the_language_then_its_primary_tag() {
        let c = catalog();
        assert_eq!(c.text("bn", "read_more", &[]).unwrap(), "আরও পড়ুন");
        assert_eq!(c.text("bn-BD", "read_more", &[]).unwrap(), "আরও পড়ুন");
        assert_eq!(c.text("en-GB", "read_more", &[]).unwrap(), "Read more");
        assert!(c.warnings().is_empty());
    }

    #[test]
    fn numbers_take_the_languages_digits_and_plural_form() {
        let c = catalog();
        let n = |n| [("n", Arg::Number(n))];
        assert_eq!(c.text("en", "briefings", &n(1)).unwrap(), "1 briefing");
        assert_eq!(c.text("en", "briefings", &n(12)).unwrap(), "12 briefings");
        assert_eq!(c.text("bn", "briefings", &n(12)).unwrap(), "১২টি প্রতিবেদন");
        let args = [("n", Arg::Number(3)), ("total", Arg::Number(10))];
        assert_eq!(c.text("bn", "page_of", &args).unwrap(), "পৃষ্ঠা ৩ / ১০");
        assert_eq!(c.text("en", "page_of", &args).unwrap(), "page 3 of 10");
    }

    #[test]
    fn missing_placeholder_and_missing_count_are_errors() {
        let c = catalog();
        let err = c
            .text("en", "page_of", &[("n", Arg::Number(1))])
            .unwrap_err();
        assert!(err.contains("`{total}`"), "{err}");
        let err = c.text("en", "briefings", &[]).unwrap_err();
        assert!(err.contains("n=…"), "{err}");
    }

    #[test]
    fn a_missing_string_falls_back_to_english_and_warns_once() {
        let c = catalog();
        for _ in 0..3 {
            assert_eq!(c.text("bn", "updated", &[]).unwrap(), "Updated");
        }
        c.text("bn-BD", "updated", &[]).unwrap();
        let warnings = c.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            warnings[0].message,
            "UI string `updated` is missing in `bn`; the English one is used"
        );
        assert_eq!(warnings[0].path, Path::new("i18n/bn.yaml"));
    }

    #[test]
    fn a_language_without_a_file_warns_once_as_a_whole() {
        let c = catalog();
        c.text("fr", "read_more", &[]).unwrap();
        c.text("fr", "updated", &[]).unwrap();
        let warnings = c.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("language `fr`"));
    }

    #[test]
    fn a_key_missing_in_english_too_is_an_error_with_a_suggestion() {
        let err = catalog().text("bn", "read_mroe", &[]).unwrap_err();
        assert_eq!(
            err,
            "no UI string `read_mroe` in en.yaml; did you mean `read_more`?"
        );
    }

    #[test]
    fn later_files_override_key_by_key() {
        let c = Catalog::load(&[
            file("en", "a: theme a\nb: theme b\n"),
            file("en", "b: site b\n"),
        ])
        .unwrap();
        assert_eq!(c.text("en", "a", &[]).unwrap(), "theme a");
        assert_eq!(c.text("en", "b", &[]).unwrap(), "site b");
    }

    #[test]
    fn bad_values_are_errors_at_their_line() {
        let err = Catalog::load(&[file("en", "a: ok\nb: [x, y]\nc: {one: x}\n")]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("i18n/en.yaml:2:4: error: UI string `b` is a list"),
            "{text}"
        );
        assert!(
            text.contains(
                "i18n/en.yaml:3:4: error: UI string `c` has plural forms without `other`"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_key_english_does_not_have_is_a_warning_with_a_suggestion() {
        let c = Catalog::load(&[
            file("en", "read_more: Read more\n"),
            file("bn", "read_more: আরও পড়ুন\nraed_more: আরও\n"),
        ])
        .unwrap();
        let warnings = c.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!((warnings[0].line, warnings[0].column), (2, 1));
        assert_eq!(
            warnings[0].hint.as_deref(),
            Some("did you mean `read_more`?")
        );
    }

    #[test]
    fn placeholders_leave_other_braces_alone() {
        assert_eq!(
            fill("{ x } {n} {}", |_, out| {
                out.push('1');
                true
            })
            .unwrap(),
            "{ x } 1 {}"
        );
    }
}
