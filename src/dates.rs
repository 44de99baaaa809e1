//! Front-matter dates → zoned times, and their display in the page's language.

use jiff::ZonedDateTime as Zoned;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::Serialize;

/// Parses `2023-10-20`, `2023-10-20T09:30:00`, `2023-10-20 09:30` or RFC 3339 with an offset.
///
/// A date or time without an offset is read in the site's time zone; one with an
/// offset keeps its instant and is shown in the site's time zone.
pub fn parse(text: &str, tz: &TimeZone) -> Result<Zoned, String> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Ok(ts.to_zoned_datetime(tz.clone()));
    }
    if let Ok(dt) = text.parse::<DateTime>() {
        return dt.to_zoned_datetime(tz.clone()).map_err(|e| e.to_string());
    }
    if let Ok(date) = text.parse::<Date>() {
        return date
            .to_zoned_datetime(tz.clone())
            .map_err(|e| e.to_string());
    }
    Err(format!("`{text}` is not a date"))
}

/// A date as templates see it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DateView {
    /// RFC 3339, for `<time datetime>` and feeds.
    pub iso: String,
    /// `2023-10-20`
    pub day: String,
    /// `20 October 2023`, or `২০ অক্টোবর ২০২৩` on a Bengali page.
    pub display: String,
}

impl DateView {
    pub fn new(time: &Zoned, language: &str) -> Self {
        DateView {
            iso: time
                .timestamp()
                .display_with_offset(time.offset())
                .to_string(),
            day: time.date().to_string(),
            display: display(time.date(), language),
        }
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const MONTHS_BN: [&str; 12] = [
    "জানুয়ারি",
    "ফেব্রুয়ারি",
    "মার্চ",
    "এপ্রিল",
    "মে",
    "জুন",
    "জুলাই",
    "আগস্ট",
    "সেপ্টেম্বর",
    "অক্টোবর",
    "নভেম্বর",
    "ডিসেম্বর",
];

/// `day month year` in the language's month names and digits (English for unknown languages).
pub fn display(date: Date, language: &str) -> String {
    let month = usize::try_from(date.month() - 1).unwrap_or(0);
    if is_bengali(language) {
        format!(
            "{} {} {}",
            bengali_digits(&date.day().to_string()),
            MONTHS_BN[month],
            bengali_digits(&date.year().to_string())
        )
    } else {
        format!("{} {} {}", date.day(), MONTHS_EN[month], date.year())
    }
}

/// A month's name (1–12) in the language (English for languages without names here).
pub fn month_name(month: i8, language: &str) -> &'static str {
    let i = usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0);
    if is_bengali(language) {
        MONTHS_BN[i]
    } else {
        MONTHS_EN[i]
    }
}

pub fn is_bengali(language: &str) -> bool {
    language == "bn" || language.starts_with("bn-")
}

/// Replaces ASCII digits with Bengali digits.
pub fn bengali_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(0x09E6 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dhaka() -> TimeZone {
        TimeZone::get("Asia/Dhaka").unwrap()
    }

    #[test]
    fn plain_date_is_midnight_in_site_zone() {
        let z = parse("2023-10-20", &dhaka()).unwrap();
        assert_eq!(DateView::new(&z, "en").iso, "2023-10-20T00:00:00+06:00");
    }

    #[test]
    fn offset_is_kept_as_instant() {
        let z = parse("2023-10-20T09:30:00+06:00", &TimeZone::UTC).unwrap();
        assert_eq!(DateView::new(&z, "en").iso, "2023-10-20T03:30:00+00:00");
        let z = parse("2023-10-20 09:30", &dhaka()).unwrap();
        assert_eq!(DateView::new(&z, "en").iso, "2023-10-20T09:30:00+06:00");
    }

    #[test]
    fn bad_dates_are_rejected() {
        assert!(parse("20/10/2023", &dhaka()).is_err());
        assert!(parse("2023-02-30", &dhaka()).is_err());
        assert!(parse("yesterday", &dhaka()).is_err());
    }

    #[test]
    fn bengali_display_uses_bengali_digits_and_months() {
        let date = Date::new(2023, 10, 20).unwrap();
        assert_eq!(display(date, "bn"), "২০ অক্টোবর ২০২৩");
        assert_eq!(display(date, "en"), "20 October 2023");
    }
}
