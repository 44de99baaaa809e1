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
