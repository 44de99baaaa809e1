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
    serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map_or((1, 1), |loc| (loc.line(), loc.column()));
        explain(&err.to_string(), line, column)
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
    fn empty_text_is_empty_mapping() {
        assert!(parse_mapping("\n").unwrap().is_empty());
    }
}
