//! The one module that knows the YAML crate: YAML text → serde values, with positions.
//!
//! Everything else sees `serde` types and `YamlError`, so the crate can be swapped here alone.

use std::fmt;

use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// A YAML problem at a 1-based line and character column of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses `text` into `T`. Empty text parses as an empty mapping.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    let scan = if needs_guard(text) {
        guard(text)?
    } else {
        Scan::default()
    };
    serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map_or((1, 1), |loc| (loc.line(), loc.column()));
        let raw = err.to_string();
        if raw.contains("repetition limit exceeded") {
            // yaml_serde stops an alias bomb ("billion laughs") after a million nodes.
            let (line, column) = scan.first_alias.unwrap_or((line, column));
            return YamlError {
                message: "the aliases (`*name`) here expand to too much data".to_string(),
                line,
                column,
            };
        }
        explain(&raw, line, column)
    })
}

/// Deepest nesting of lists and maps a file may have. yaml_serde stops at 128 too, but only
/// after libyaml has scanned the whole text, which takes time quadratic in the depth of
/// `[[[[...` (it rechecks every open level at each token): 100,000 brackets took minutes.
pub const MAX_DEPTH: usize = 100;

/// Whether `guard` could find anything in `text`. Nearly every front matter is plain
/// `key: value` lines, and a token scan of each costs a third of the YAML parse: skip it when
/// the characters show it cannot matter. A tag needs `!`, an escape `\`, an alias `*`, and
/// every level of nesting at least one of `[ { - : ?`; raw forbidden characters are
/// checked directly.
fn needs_guard(text: &str) -> bool {
    let indicators = text
        .bytes()
        .filter(|b| matches!(b, b'[' | b'{' | b'-' | b':' | b'?'))
        .count();
    indicators > MAX_DEPTH
        || text.bytes().any(|b| matches!(b, b'!' | b'\\' | b'*'))
        || crate::chars::find_forbidden(text).is_some()
}

/// What the token scan saw that the parse's error messages can use.
#[derive(Debug, Default)]
struct Scan {
    first_alias: Option<(usize, usize)>,
}

/// Scans the tokens before the real parse and refuses what it should never see: nesting
/// deeper than `MAX_DEPTH` (stopped before the cost grows), tags (`!!binary`, `!custom`:
/// yaml_serde drops `!!` tags silently and turns the others into enums no field accepts), and
/// values holding characters no web page or feed may carry (`"\x01"` escapes).
///
/// A syntax error ends the scan quietly: the parse that follows reports it in full.
fn guard(text: &str) -> Result<Scan, YamlError> {
    use libyaml_rs::{self as sys, yaml_token_type_t as T};
    use std::mem::MaybeUninit;

    let at = |mark: sys::yaml_mark_t| (mark.line as usize + 1, mark.column as usize + 1);
    let mut scan = Scan::default();
    let mut depth = 0usize;
    // SAFETY: the parser is initialised before use and deleted once, after the last token;
    // `text` outlives it; each token is read only before `yaml_token_delete` frees its data,
    // and a scalar's `value`/`length` describe a buffer the scanner allocated.
    unsafe {
        let mut parser = MaybeUninit::<sys::yaml_parser_t>::uninit();
        if sys::yaml_parser_initialize(parser.as_mut_ptr()).fail {
            return Ok(scan);
        }
        let parser = parser.as_mut_ptr();
        sys::yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as _);
        let result = loop {
            let mut token = MaybeUninit::<sys::yaml_token_t>::uninit();
            if sys::yaml_parser_scan(parser, token.as_mut_ptr()).fail {
                break Ok(());
            }
            let token = token.as_mut_ptr();
            let (kind, mark) = ((*token).type_, (*token).start_mark);
            let found = match kind {
                T::YAML_STREAM_END_TOKEN | T::YAML_NO_TOKEN => {
                    sys::yaml_token_delete(token);
                    break Ok(());
                }
                T::YAML_TAG_TOKEN | T::YAML_TAG_DIRECTIVE_TOKEN => Some(tag_error(text, at(mark))),
                T::YAML_FLOW_SEQUENCE_START_TOKEN
                | T::YAML_FLOW_MAPPING_START_TOKEN
                | T::YAML_BLOCK_SEQUENCE_START_TOKEN
                | T::YAML_BLOCK_MAPPING_START_TOKEN => {
                    depth += 1;
                    (depth > MAX_DEPTH).then(|| {
                        let (line, column) = at(mark);
                        YamlError {
                            message: format!(
                                "lists and maps are nested more than {MAX_DEPTH} levels deep here"
                            ),
                            line,
                            column,
                        }
                    })
                }
                T::YAML_FLOW_SEQUENCE_END_TOKEN
                | T::YAML_FLOW_MAPPING_END_TOKEN
                | T::YAML_BLOCK_END_TOKEN => {
                    depth = depth.saturating_sub(1);
                    None
                }
                T::YAML_ALIAS_TOKEN => {
                    scan.first_alias.get_or_insert(at(mark));
                    None
                }
                T::YAML_SCALAR_TOKEN => {
                    let scalar = (*token).data.scalar;
                    let bytes = std::slice::from_raw_parts(scalar.value, scalar.length as usize);
                    forbidden_in_scalar(bytes, at(mark))
                }
                _ => None,
            };
            sys::yaml_token_delete(token);
            if let Some(error) = found {
                break Err(error);
            }
        };
        sys::yaml_parser_delete(parser);
        result.map(|()| scan)
    }
}

/// A fix-it line for the problems `guard` and the alias limit report, by their message.
pub fn hint_for(message: &str) -> Option<&'static str> {
    if message.starts_with("YAML tags like") {
        Some(
            "remove the tag; to keep a leading `!` as text, quote the value: `title: \"!important\"`",
        )
    } else if message.starts_with("lists and maps are nested") {
        Some("front matter needs a few levels at most: flatten the value")
    } else if message.starts_with("this value holds the control character") {
        Some("remove the `\\x..`, `\\u....` or `\\0` escape from the quoted value")
    } else if message.starts_with("the aliases") {
        Some("write the values out instead of repeating them with `&anchor` and `*alias`")
    } else {
        None
    }
}

/// A tag (`!!binary`, `!custom`, `%TAG`) at `(line, column)`, named as written.
fn tag_error(text: &str, (line, column): (usize, usize)) -> YamlError {
    let tag: String = text
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .chars()
        .skip(column - 1)
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect();
    YamlError {
        message: format!(
            "YAML tags like `{tag}` are not supported: values are plain text, numbers, true/false, lists and maps"
        ),
        line,
        column,
    }
}

/// An error when a scalar's value holds a character no output may carry.
fn forbidden_in_scalar(bytes: &[u8], (line, column): (usize, usize)) -> Option<YamlError> {
    let value = std::str::from_utf8(bytes).ok()?;
    let (_, c) = crate::chars::find_forbidden(value)?;
    Some(YamlError {
        message: format!(
            "this value holds the control character {}, which web pages and feeds cannot carry",
            crate::chars::name(c)
        ),
        line,
        column,
    })
}

/// Rewrites libyaml's "problem at line L column C, while context at line L2 column C2"
/// into one message at the most useful position.
fn explain(raw: &str, line: usize, column: usize) -> YamlError {
    let (problem, context) = match raw.split_once(", while ") {
        Some((p, c)) => (p, Some(c)),
        None => (raw, None),
    };
    let problem = strip_position(problem).0;
    let context = context.map(strip_position);
    match context {
        // An unclosed quote or bracket runs to the end: point at where it opened.
        Some((what, Some((l, c)))) if problem.contains("end of stream") => YamlError {
            message: format!("{} that starts here is never closed", plain_words(what)),
            line: l,
            column: c,
        },
        Some((what, _)) => YamlError {
            message: format!("{problem} (while reading {})", plain_words(what)),
            line,
            column,
        },
        None => YamlError {
            message: problem.to_string(),
            line,
            column,
        },
    }
}

/// libyaml's vocabulary in an editor's words: "scanning a quoted scalar" → "a quoted value".
fn plain_words(context: &str) -> String {
    context
        .trim_start_matches("scanning ")
        .trim_start_matches("parsing ")
        .replace("flow sequence", "list `[...]`")
        .replace("flow mapping", "map `{...}`")
        .replace("block mapping", "list of `key: value` lines")
        .replace("block sequence", "list of `- item` lines")
        .replace("scalar", "value")
}

/// Splits "text at line L column C" into the text and the position.
fn strip_position(text: &str) -> (&str, Option<(usize, usize)>) {
    let Some(i) = text.find(" at line ") else {
        return (text.trim_end_matches(['.', ' ']), None);
    };
    let mut numbers = text[i..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok());
    let position = match (numbers.next(), numbers.next()) {
        (Some(l), Some(c)) => Some((l, c)),
        _ => None,
    };
    (&text[..i], position)
}

/// Parses a top-level mapping and returns its keys with the value as JSON, in file order.
///
/// A key given twice, at any depth, is an error: YAML forbids it and the second would
/// silently win.
pub fn parse_mapping(text: &str) -> Result<Vec<(String, serde_json::Value)>, YamlError> {
    if !needs_guard(text)
        && let Some(entries) = plain::mapping(text)
    {
        return Ok(entries);
    }
    let value: Strict = parse(text)?;
    match value.0 {
        serde_json::Value::Object(map) => Ok(map.into_iter().collect()),
        other => Err(YamlError {
            message: format!("expected `key: value` lines, found {}", kind_of(&other)),
            line: 1,
            column: 1,
        }),
    }
}

/// A reader for the front matter nearly every article has, which yaml_serde takes about 50 µs
/// to parse (9% of a 10,000-article cold build's CPU samples): `key: value` lines, where a value is one line of plain,
/// single- or double-quoted text, a whole number, `true`/`false`/`null`, or a list of such
/// values or of one-line `key: value` maps (`sources`), one item per `- ` line.
///
/// It gives exactly what yaml_serde gives, or declines (`None`) and leaves the text to it:
/// anything else (comments, escapes, multi-line or flow values, blank lines inside a list, a
/// tab, an unusual character) goes the long way, which also reports every error. A proptest
/// below checks the two agree on generated text full of YAML's corner cases.
mod plain {
    use serde_json::{Map, Value};

    pub fn mapping(text: &str) -> Option<Vec<(String, Value)>> {
        if !plain_characters(text) {
            return None;
        }
        let mut entries: Vec<(String, Value)> = Vec::new();
        let mut lines = text.split('\n').peekable();
        while let Some(line) = lines.next() {
            if line.is_empty() {
                continue;
            }
            let (key, rest) = key_and_rest(line)?;
            if entries.iter().any(|(k, _)| k == key) {
                return None;
            }
            let value = match rest {
                Some(rest) => scalar(rest)?,
                None => {
                    let mut items = Vec::new();
                    let mut indent = None;
                    while let Some(&next) = lines.peek() {
                        let n = next.len() - next.trim_start_matches(' ').len();
                        let Some(item) = next[n..].strip_prefix("- ") else {
                            break;
                        };
                        if *indent.get_or_insert(n) != n {
                            return None;
                        }
                        lines.next();
                        items.push(match key_and_rest(item) {
                            Some((key, Some(rest))) => {
                                Value::Object(item_map(key, rest, n + 2, &mut lines)?)
                            }
                            Some((_, None)) => return None,
                            None => scalar(item)?,
                        });
                    }
                    if items.is_empty() {
                        return None;
                    }
                    Value::Array(items)
                }
            };
            entries.push((key.to_string(), value));
        }
        Some(entries)
    }

    /// The map of a list item `- key: value`, with its further `key: value` lines, which
    /// stand `indent` spaces in.
    fn item_map<'a>(
        key: &str,
        rest: &str,
        indent: usize,
        lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
    ) -> Option<Map<String, Value>> {
        let mut map = Map::new();
        map.insert(key.to_string(), scalar(rest)?);
        while let Some(&next) = lines.peek() {
            let n = next.len() - next.trim_start_matches(' ').len();
            // A blank line, the next item or what follows the list: the caller reads it.
            if next.is_empty() || n + 2 <= indent {
                break;
            }
            let (Some((key, Some(rest))), true) = (key_and_rest(&next[n..]), n == indent) else {
                return None;
            };
            if map.contains_key(key) {
                return None;
            }
            map.insert(key.to_string(), scalar(rest)?);
            lines.next();
        }
        Some(map)
    }

    /// Whether every character is one this reader knows YAML reads as itself: no tab,
    /// carriage return or other control character, and none of the characters libyaml takes
    /// as a line break (U+0085, U+2028, U+2029) or refuses (C1 controls, U+FEFF, U+FFFE/F).
    fn plain_characters(text: &str) -> bool {
        let bytes = text.as_bytes();
        !bytes.iter().any(|&b| (b < 0x20 && b != b'\n') || b == 0x7F) && {
            let suspect = |b: &u8| matches!(b, 0xC2 | 0xE2 | 0xEF);
            !bytes.iter().any(suspect)
                || text.chars().all(|c| {
                    !matches!(
                        c,
                        '\u{80}'
                            ..='\u{9F}'
                                | '\u{2028}'
                                | '\u{2029}'
                                | '\u{FEFF}'
                                | '\u{FFFE}'
                                | '\u{FFFF}'
                    )
                })
        }
    }

    /// `key: rest` or `key:` (a list follows: `None`), for a key of ASCII letters, digits,
    /// `_` and `-` that starts with a letter and is no YAML keyword.
    fn key_and_rest(line: &str) -> Option<(&str, Option<&str>)> {
        let end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
        let key = &line[..end];
        if !key.starts_with(|c: char| c.is_ascii_alphabetic()) || keyword(key) {
            return None;
        }
        match &line[end..] {
            ":" => Some((key, None)),
            rest => {
                let value = rest.strip_prefix(": ")?;
                (!value.starts_with(' ')).then_some((key, Some(value)))
            }
        }
    }

    /// Words YAML reads as something other than text, in any case.
    fn keyword(word: &str) -> bool {
        ["null", "true", "false"]
            .iter()
            .any(|k| word.eq_ignore_ascii_case(k))
    }

    /// A one-line value, as yaml_serde reads it.
    fn scalar(text: &str) -> Option<Value> {
        for quote in ['"', '\''] {
            if let Some(inner) = text.strip_prefix(quote) {
                let inner = inner.strip_suffix(quote)?;
                return (!inner.contains([quote, '\\'])).then(|| Value::from(inner));
            }
        }
        if text.ends_with([' ', ':']) || text.contains(": ") || text.contains(" #") {
            return None;
        }
        match *text.as_bytes().first()? {
            b'0'..=b'9' => number_or_date(text),
            b'~' if text.len() == 1 => Some(Value::Null),
            b if b.is_ascii_alphabetic() || b >= 0x80 => Some(match text {
                "true" | "True" | "TRUE" => Value::Bool(true),
                "false" | "False" | "FALSE" => Value::Bool(false),
                "null" | "Null" | "NULL" => Value::Null,
                _ if keyword(text) => return None,
                _ => Value::from(text),
            }),
            _ => None,
        }
    }

    /// A whole number without leading zeros that fits in 15 digits, or a date (`2023-10-20`,
    /// `2023-10-20T09:30:00+06:00`): text that no YAML number can look like.
    fn number_or_date(text: &str) -> Option<Value> {
        let bytes = text.as_bytes();
        if bytes.iter().all(u8::is_ascii_digit) && (bytes[0] != b'0' || bytes.len() == 1) {
            return (bytes.len() <= 15)
                .then(|| text.parse::<u64>().ok())
                .flatten()
                .map(Value::from);
        }
        let date = bytes.len() >= 10
            && bytes[..4].iter().all(u8::is_ascii_digit)
            && bytes[4] == b'-'
            && bytes[5..7].iter().all(u8::is_ascii_digit)
            && bytes[7] == b'-'
            && bytes[8..10].iter().all(u8::is_ascii_digit)
            && bytes[10..].iter().all(|b| {
                b.is_ascii_digit() || matches!(b, b'T' | b':' | b'.' | b'+' | b'-' | b'Z' | b' ')
            });
        date.then(|| Value::from(text))
    }
}

fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "nothing",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a plain text line",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "a mapping",
    }
}

/// A JSON value read from YAML that rejects duplicate keys at every depth.
struct Strict(serde_json::Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Strict::deserialize(d).map(|s| s.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(items.into())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let Strict(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(out.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Skipping the token scan never hides what it finds: whenever `needs_guard` says no,
        /// the scan finds nothing, for text built from every construct the scan looks for.
        #[test]
        fn the_guard_is_skipped_only_where_it_finds_nothing(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a: ", "b:\n", "  - ", "- ", "[", "]", "{", "}", "? ", "x", "\n", "  ", "!!binary ",
                "!x ", "&a ", "*a", "\"\\x01\"", "\"\\u0085\"", "'q'", "\u{1}", "\u{85}", "কিম",
                "%TAG ! tag:x,2000:\n---\n", "2023-10-20T09:30:00+06:00", "#c\n", "|\n  t\n",
            ]), 0..120),
        ) {
            let text: String = pieces.concat();
            if !needs_guard(&text) {
                let scan = guard(&text);
                proptest::prop_assert!(scan.is_ok(), "{text:?}: {:?}", scan.err());
                proptest::prop_assert!(scan.unwrap().first_alias.is_none());
            }
        }
    }

    /// What yaml_serde makes of `text`, as `parse_mapping` returns it, never taking the
    /// shortcut.
    fn parsed_the_long_way(text: &str) -> Result<Vec<(String, serde_json::Value)>, YamlError> {
        match parse::<Strict>(text)?.0 {
            serde_json::Value::Object(map) => Ok(map.into_iter().collect()),
            other => Err(YamlError {
                message: kind_of(&other).to_string(),
                line: 1,
                column: 1,
            }),
        }
    }

    /// A value for the generated front matter: fragments YAML reads in many ways, written
    /// plain, in double or in single quotes.
    fn generated_value() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        // Mostly text YAML reads as itself, so that whole lists and maps often take the
        // shortcut, with a third of the fragments from YAML's corners.
        let plain = proptest::sample::select(vec!["a", "Kim", "কিম", "্", " ", "b c", "-", "42"]);
        let tricky = proptest::sample::select(vec![
            "a",
            "Kim",
            "কিম",
            "্",
            " ",
            ": ",
            ":",
            "#",
            " #",
            "\"",
            "'",
            "\\",
            ",",
            "[",
            "]",
            "{",
            "}",
            "-",
            "- ",
            "?",
            "&",
            "*",
            "!",
            "|",
            ">",
            "%",
            "@",
            "`",
            "~",
            "0",
            "1",
            "07",
            "42",
            "2023-10-20",
            "T09:30:00+06:00",
            " 09:30",
            ".5",
            "e5",
            "1e5",
            "true",
            "null",
            "False",
            "NULL",
            "yes",
            "\u{a0}",
            "\u{85}",
            "\u{2028}",
            "\u{feff}",
            "\t",
            "\r",
            "https://x.org/a",
            "0x1F",
            "0o7",
            "+1",
            "-1",
            ".inf",
            "nan",
            "é",
            "😀",
            "12345678901234567890",
        ]);
        let parts = (
            proptest::collection::vec(plain.clone(), 0..3),
            proptest::option::of(tricky),
            proptest::collection::vec(plain, 0..2),
        );
        (parts, 0..3usize).prop_map(|((before, tricky, after), style)| {
            let text = [
                before.concat(),
                tricky.unwrap_or("").to_string(),
                after.concat(),
            ]
            .concat();
            match style {
                0 => text,
                1 => format!("\"{text}\""),
                _ => format!("'{text}'"),
            }
        })
    }

    /// A generated front matter line: `key: value`, a list of values or of maps, a blank
    /// line or stray indented text, at varied indentation.
    fn generated_lines() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let key = prop_oneof![
            4 => proptest::sample::select(vec![
                "title", "date", "tags", "sources", "name", "url", "lang", "summary", "slug",
                "authors",
            ]),
            1 => proptest::sample::select(vec!["x-y", "a_b", "true", "Null", "2x", "-k", "k ", "ক"]),
        ];
        let indent = proptest::sample::select(vec!["", " ", "  ", "    "]);
        let continued = proptest::sample::select(vec!["  ", "  ", " ", "   ", ""]);
        let item = (
            (key.clone(), generated_value(), 0..3usize),
            (continued, key.clone(), generated_value()),
        )
            .prop_map(|((k, v, form), (indent, k2, v2))| match form {
                0 => format!("- {v}"),
                1 => format!("- {k}: {v}"),
                _ => format!("- {k}: {v}\n{indent}{k2}: {v2}"),
            });
        let line = (
            0..5usize,
            key,
            generated_value(),
            indent,
            proptest::collection::vec(item, 0..3),
        )
            .prop_map(|(form, k, v, indent, items)| match form {
                0 => format!("{k}: {v}"),
                1 | 2 => {
                    let items: Vec<String> = items
                        .iter()
                        .map(|item| {
                            format!("{indent}{}", item.replace('\n', &format!("\n{indent}")))
                        })
                        .collect();
                    format!("{k}:\n{}", items.join("\n"))
                }
                3 => String::new(),
                _ => format!("{indent}{v}"),
            });
        proptest::collection::vec(line, 0..5).prop_map(|lines| lines.join("\n"))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// The shortcut reads exactly what yaml_serde reads, whenever it reads anything.
        #[test]
        fn the_plain_reader_agrees_with_yaml_serde(text in generated_lines()) {
            if let Some(quick) = plain::mapping(&text).filter(|_| !needs_guard(&text)) {
                proptest::prop_assert_eq!(Ok(quick), parsed_the_long_way(&text), "{:?}", text);
            }
        }
    }

    #[test]
    fn the_plain_reader_reads_typical_front_matter_and_declines_the_rest() {
        let typical = "title: \"Kim meets Lavrov\"\ndate: 2023-10-20T09:30:00+06:00\nlang: bn\n\
            summary: A visit, and talks; none\ndraft: false\nweight: 3\ntags:\n  - কূটনীতি\n  - 'KCNA'\n\
            sources:\n  - name: KCNA\n    url: https://kcna.kp/en/a?b=1#c\n  - name: \"Reuters\"\n";
        let quick = plain::mapping(typical).expect("typical front matter is read");
        assert_eq!(Ok(quick.clone()), parsed_the_long_way(typical));
        assert_eq!(quick.len(), 8, "{quick:?}");
        for other in [
            "title: x # comment",
            "title: >\n  folded",
            "tags: [a, b]",
            "tags:\n  - a\n\n  - b",
            "image:\n  src: a.png",
            "title: \"a\\tb\"",
            "title: 'it''s'",
            "a: 1\na: 2",
            "title:  x",
            "title: x\r\n",
            "n: 012",
            "n: 1.5",
            "yes: no\non: x\nTrue: x",
        ] {
            assert_eq!(plain::mapping(other), None, "{other:?}");
        }
    }

    /// Every front matter bundled in `content/` reads the same both ways.
    #[test]
    fn the_plain_reader_agrees_on_the_bundled_content() {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut read = 0;
        for entry in walkdir::WalkDir::new(content) {
            let path = entry.unwrap().into_path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Some(yaml) = text
                .strip_prefix("---\n")
                .and_then(|t| t.split("\n---").next())
            else {
                continue;
            };
            if let Some(quick) = plain::mapping(yaml).filter(|_| !needs_guard(yaml)) {
                assert_eq!(Ok(quick), parsed_the_long_way(yaml), "{}", path.display());
                read += 1;
            }
        }
        assert!(
            read >= 10,
            "only {read} bundled front matters took the shortcut"
        );
    }

    #[test]
    fn plain_front_matter_skips_the_guard_and_hostile_text_does_not() {
        let plain = "title: \"Kim meets Lavrov\"\ndate: 2023-10-20T09:30:00+06:00\ntags:\n  - কূটনীতি\n  - KCNA\nsources:\n  - name: KCNA\n    url: https://kcna.kp/\n";
        assert!(!needs_guard(plain));
        for hostile in [
            "a: !!binary aGk=",
            "a: \"\\x01\"",
            "a: &x [1]\nb: *x",
            "a: \u{1}",
            &format!("a: {}", "[".repeat(101)),
            &"- ".repeat(101),
        ] {
            assert!(needs_guard(hostile), "{hostile:?}");
        }
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse_mapping("title: ok\ntags: [a, b\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
        assert!(!err.message.contains(" at line "), "{err:?}");
    }

    #[test]
    fn unclosed_quote_points_at_the_opening_quote() {
        let err = parse_mapping("title: \"Kim meets Lavrov\ndate: 2023-10-20\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 8), "{err:?}");
        assert_eq!(
            err.message,
            "a quoted value that starts here is never closed"
        );
    }

    #[test]
    fn keys_come_in_file_order() {
        let keys: Vec<_> = parse_mapping("b: 1\na: 2\n")
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn duplicate_keys_are_an_error() {
        let err = parse_mapping("a: 1\nb:\n  c: 1\n  c: 2\n").unwrap_err();
        assert!(err.message.contains("duplicate key `c`"), "{err:?}");
        assert!(parse_mapping("a: 1\na: 2\n").is_err());
    }

    #[test]
    fn alias_bomb_is_refused_quickly_at_the_first_alias() {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
            let refs = vec![format!("*{prev}"); 9].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let started = std::time::Instant::now();
        let err = parse_mapping(&text).unwrap_err();
        // A second in a release build (0.12 s measured); debug builds on a busy machine get more.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!((err.line, err.column), (2, 8), "{err:?}");
        assert!(err.message.contains("aliases"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused_before_the_quadratic_scan() {
        let text = format!("x: {}{}\n", "[".repeat(200_000), "]".repeat(200_000));
        let started = std::time::Instant::now();
        let err = parse_mapping(&text).unwrap_err();
        // A second in a release build (0.12 s measured); debug builds on a busy machine get more.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // The top-level map is one level: the 100th `[` is one too many.
        assert_eq!((err.line, err.column), (1, 3 + MAX_DEPTH), "{err:?}");
        let ok = format!("x: {}{}\n", "[".repeat(50), "]".repeat(50));
        assert!(parse_mapping(&ok).is_ok());
    }

    #[test]
    fn tags_are_refused_by_name() {
        for (text, tag) in [
            ("title: !!binary aGVsbG8=\n", "!!binary"),
            ("x: !custom {a: 1}\n", "!custom"),
            ("x: [a, !!str b]\n", "!!str"),
        ] {
            let err = parse_mapping(text).unwrap_err();
            assert!(err.message.contains(&format!("`{tag}`")), "{err:?}");
        }
        // A `!` inside text is no tag.
        assert!(parse_mapping("title: Wow !important\nx: \"!a\"\n").is_ok());
    }

    #[test]
    fn escaped_control_characters_are_refused_at_the_value() {
        let err = parse_mapping("a: ok\ntitle: \"x\\0y\"\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 8), "{err:?}");
        assert!(err.message.contains("U+0000"), "{err:?}");
        assert!(parse_mapping("\"k\\x01\": v\n").is_err());
        assert!(parse_mapping("title: \"tab\\there\\u2028\"\n").is_ok());
    }

    #[test]
    fn empty_text_is_empty_mapping() {
        assert!(parse_mapping("\n").unwrap().is_empty());
    }
}
