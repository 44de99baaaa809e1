//! The helpers every theme can call besides `asset`: `t` (UI strings), `date`, `digits` and `url`.
//!
//! They speak the site's language unless given `lang=`: theme text (the "chrome") is in the
//! site's language on every page, also on an article written in another one, so that is the
//! default; content dates pass the article's own `lang`.

use std::sync::Arc;

use jiff::civil::DateTime;
use tera::{Kwargs, State, Tera, Value};

use crate::config::Config;
use crate::i18n::{Arg, Catalog};
use crate::slug::encode_path;

/// Registers `t`, `date`, `digits` and `url` on `tera`.
pub fn register(tera: &mut Tera, config: &Config, catalog: &Arc<Catalog>) {
    let c = catalog.clone();
    tera.register_function("t", move |kwargs: Kwargs, state: &State| {
        translate(&c, &kwargs, state)
    });
    let c = catalog.clone();
    tera.register_filter(
        "date",
        move |value: &Value, kwargs: Kwargs, state: &State| date(&c, value, &kwargs, state),
    );
    let c = catalog.clone();
    tera.register_filter(
        "digits",
        move |value: &Value, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let lang = language(&kwargs, state)?;
            Ok(c.digits(&lang, &plain(value)))
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

/// `lang=` if given, else the site's language, else English.
fn language(kwargs: &Kwargs, state: &State) -> tera::TeraResult<String> {
    if let Some(lang) = kwargs.get::<&str>("lang")? {
        return Ok(lang.to_string());
    }
    let site: Option<Value> = state.get("site")?;
    Ok(site
        .as_ref()
        .and_then(|s| s.get_from_path("language"))
        .and_then(Value::as_str)
        .unwrap_or(crate::i18n::FALLBACK)
        .to_string())
}

/// A value as plain text (numbers without quotes).
fn plain(value: &Value) -> String {
    match value.as_str() {
        Some(s) => s.to_string(),
        None => value.to_string(),
    }
}

/// `t(key="minutes_read", n=5)`: every argument but `key` and `lang` fills a `{placeholder}`.
fn translate(catalog: &Catalog, kwargs: &Kwargs, state: &State) -> tera::TeraResult<String> {
    let key: &str = kwargs.must_get("key")?;
    let lang = language(kwargs, state)?;
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
        .text(&lang, key, &args)
        .map_err(|e| tera::Error::message(format!("t(key=\"{key}\"): {e}")))
}

/// The formats `date(format=…)` knows by name; anything with `{…}` is a pattern.
const FORMATS: &[&str] = &["long", "month_year", "year", "iso", "day"];

/// `page.date | date(format="long", lang=page.lang)`: a date (the `{iso, …}` map templates get,
/// or an RFC 3339 / `2023-10-20` string) in the language's words and digits.
fn date(
    catalog: &Catalog,
    value: &Value,
    kwargs: &Kwargs,
    state: &State,
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
    let format: &str = kwargs.get("format")?.unwrap_or("long");
    let lang = language(kwargs, state)?;
    let message = |e: String| tera::Error::message(format!("date: {e}"));
    let pattern = match format {
        "iso" => return Ok(iso.to_string()),
        "day" => return Ok(time.date().to_string()),
        "long" => catalog.raw(&lang, "date_long").map_err(message)?,
        "month_year" => catalog.raw(&lang, "date_month_year").map_err(message)?,
        "year" => "{year}".to_string(),
        pattern if pattern.contains('{') => pattern.to_string(),
        other => {
            return Err(tera::Error::message(format!(
                "date: unknown format `{other}`; use one of {}, or a pattern like \"{{day}} {{month}} {{year}}\"",
                FORMATS.join(", ")
            )));
        }
    };
    let month = catalog.month(&lang, time.month()).map_err(message)?;
    let args = [
        ("day", Arg::Number(time.day().into())),
        ("month", Arg::Text(month)),
        ("month_number", Arg::Number(time.month().into())),
        ("year", Arg::Number(time.year().into())),
        ("hour", Arg::Text(format!("{:02}", time.hour()))),
        ("minute", Arg::Text(format!("{:02}", time.minute()))),
    ];
    let text = catalog.text_from(&lang, &pattern, &args).map_err(message)?;
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
