//! The helpers every theme can call besides `asset`: `t` (UI strings), `date`, `digits` and `url`.
//!
//! They speak the site's language unless given `lang=`: theme text (the "chrome") is in the
//! site's language on every page, also on an article written in another one, so that is the
//! default; content dates pass the article's own `lang`.

use std::sync::{Arc, Mutex};

use jiff::civil::DateTime;
use rustc_hash::FxHashMap;
use tera::{Kwargs, State, Tera, Value};

use crate::config::Config;
use crate::i18n::{Arg, Catalog};
use crate::slug::encode_path;

/// Registers `t`, `date`, `digits` and `url` on `tera`.
pub fn register(tera: &mut Tera, config: &Config, catalog: &Arc<Catalog>) {
    // The site's language is fixed for a build: read once here, not from each page's
    // context at every call.
    let site_language: Arc<str> = Arc::from(config.language.as_str());
    let (c, l) = (catalog.clone(), site_language.clone());
    tera.register_function("t", move |kwargs: Kwargs, _: &State| {
        translate(&c, &kwargs, &l)
    });
    let (c, l) = (catalog.clone(), site_language.clone());
    // A page's date shows on its own page and in every list, related box and feed that
    // has it: each (date, format, language) is worded once per build.
    let memo: Mutex<FxHashMap<String, String>> = Mutex::default();
    tera.register_filter(
        "date",
        move |value: &Value, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let Some(iso) = value.get_from_path("iso").and_then(Value::as_str) else {
                return date(&c, value, &kwargs, &l);
            };
            let format = kwargs.get::<&str>("format")?.unwrap_or(DEFAULT_FORMAT);
            let key = format!("{iso}\u{0}{format}\u{0}{}", language(&kwargs, &l)?);
            if let Some(text) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
                return Ok(text.clone());
            }
            let text = date(&c, value, &kwargs, &l)?;
            memo.lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, text.clone());
            Ok(text)
        },
    );
    let (c, l) = (catalog.clone(), site_language);
    tera.register_filter(
        "digits",
        move |value: &Value, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let lang = language(&kwargs, &l)?;
            Ok(c.digits(lang, &plain(value)))
        },
    );
    let base_path = config.base_path.clone();
    let base_url = config.base_url.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
            let encoded = encode_path(path.trim_start_matches('/'));
            Ok(format!(
                "{}{encoded}",
                if absolute { &base_url } else { &base_path }
            ))
        },
    );
}

/// `lang=` if given, else the site's language (`site.language` in every template).
fn language<'a>(kwargs: &'a Kwargs, site_language: &'a str) -> tera::TeraResult<&'a str> {
    Ok(kwargs.get::<&str>("lang")?.unwrap_or(site_language))
}

/// A value as plain text (numbers without quotes).
fn plain(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    }
}

/// `t(key="minutes_read", n=5)`: every argument but `key` and `lang` fills a `{placeholder}`.
fn translate(catalog: &Catalog, kwargs: &Kwargs, site_language: &str) -> tera::TeraResult<String> {
    let key: &str = kwargs.must_get("key")?;
    let lang = language(kwargs, site_language)?;
    let mut args: Vec<(&str, Arg)> = Vec::new();
    for (name, value) in kwargs.iter() {
        let Some(name) = name.as_str().filter(|n| !matches!(*n, "key" | "lang")) else {
            continue;
        };
        let arg = match value.as_i64() {
            Some(n) if value.is_number() => Arg::Number(n),
            _ => Arg::Text(plain(value)),
        };
        args.push((name, arg));
    }
    catalog
        .text(lang, key, &args)
        .map_err(|e| tera::Error::message(format!("t(key=\"{key}\"): {e}")))
}

/// The format of `date` without `format=`.
const DEFAULT_FORMAT: &str = "long";

/// The formats `date(format=…)` knows by name; anything with `{…}` is a pattern.
const FORMATS: &[&str] = &["long", "month_year", "year", "iso", "day"];

/// `page.date | date(format="long", lang=page.lang)`: a date (the `{iso, …}` map templates get,
/// or an RFC 3339 / `2023-10-20` string) in the language's words and digits.
fn date(
    catalog: &Catalog,
    value: &Value,
    kwargs: &Kwargs,
    site_language: &str,
) -> tera::TeraResult<String> {
    let iso = value
        .get_from_path("iso")
        .and_then(Value::as_str)
        .or_else(|| value.as_str())
        .ok_or_else(|| {
            tera::Error::message(format!(
                "date: expected a date (like `page.date`) or an RFC 3339 string, got {}",
                value.name()
            ))
        })?;
    let time = civil(iso)
        .ok_or_else(|| tera::Error::message(format!("date: `{iso}` is not an RFC 3339 date")))?;
    let format: &str = kwargs.get("format")?.unwrap_or(DEFAULT_FORMAT);
    let lang = language(kwargs, site_language)?;
    let message = |e: String| tera::Error::message(format!("date: {e}"));
    let pattern: &str = match format {
        "iso" => return Ok(iso.to_string()),
        "day" => return Ok(time.date().to_string()),
        "long" => catalog.raw(lang, "date_long").map_err(message)?,
        "month_year" => catalog.raw(lang, "date_month_year").map_err(message)?,
        "year" => "{year}",
        pattern if pattern.contains('{') => pattern,
        other => {
            return Err(tera::Error::message(format!(
                "date: unknown format `{other}`; use one of {}, or a pattern like \"{{day}} {{month}} {{year}}\"",
                FORMATS.join(", ")
            )));
        }
    };
    // Dates are formatted for every list item on every page: fill in only what the pattern
    // uses.
    let uses = |name: &str| pattern.contains(name);
    let mut args = Vec::with_capacity(6);
    if uses("{day}") {
        args.push(("day", Arg::Number(time.day().into())));
    }
    if uses("{month}") {
        args.push((
            "month",
            Arg::Text(catalog.month(lang, time.month()).map_err(message)?),
        ));
    }
    if uses("{month_number}") {
        args.push(("month_number", Arg::Number(time.month().into())));
    }
    if uses("{year}") {
        args.push(("year", Arg::Number(time.year().into())));
    }
    if uses("{hour}") {
        args.push(("hour", Arg::Text(format!("{:02}", time.hour()))));
    }
    if uses("{minute}") {
        args.push(("minute", Arg::Text(format!("{:02}", time.minute()))));
    }
    let text = catalog.text_from(lang, pattern, &args).map_err(message)?;
    Ok(text)
}

/// The wall-clock time written in `iso` (`2023-10-20T09:30:00+06:00` → 09:30 on that day), so a
/// date shows as its own offset says, not converted to another zone.
fn civil(iso: &str) -> Option<DateTime> {
    let iso = iso.trim();
    let head = iso.get(..19).unwrap_or(iso);
    head.parse::<DateTime>().ok().or_else(|| {
        iso.get(..10)
            .and_then(|d| d.parse::<jiff::civil::Date>().ok())
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_time_is_the_one_written() {
        let t = civil("2023-10-20T23:30:00+06:00").unwrap();
        assert_eq!((t.day(), t.hour(), t.minute()), (20, 23, 30));
        assert_eq!(civil("2023-10-20").unwrap().day(), 20);
        assert!(civil("20/10/2023").is_none());
    }
}
