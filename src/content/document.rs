//! One content file as text: decoding, the front matter split, and diagnostics at its keys.
//!
//! Articles and editions share this, so both report problems the same way.

use std::borrow::Cow;
use std::path::Path;

use jiff::ZonedDateTime as Zoned;
use jiff::tz::TimeZone;

use crate::content::front_matter::{self, FieldError, Scalar};
use crate::dates;
use crate::error::Diagnostic;
use crate::keys;
use crate::markdown::ImageWithoutAlt;

/// A decoded content file: UTF-8, no BOM, `\n` line ends, split into front matter and body.
pub struct Document<'a> {
    pub path: &'a Path,
    pub text: Cow<'a, str>,
    yaml_start: usize,
    yaml_end: usize,
    body_start: usize,
    /// Line of the file where the front matter starts.
    yaml_line: usize,
}

/// Which of `Document::parse`'s checks of the text to make.
#[derive(PartialEq)]
enum Checks {
    All,
    /// The bytes passed them in an earlier parse.
    DoneBefore,
}

impl<'a> Document<'a> {
    /// Decodes and splits a file; a file that is not UTF-8 or has no front matter is an error.
    pub fn parse(path: &'a Path, bytes: &'a [u8]) -> Result<Self, Diagnostic> {
        Self::read(path, bytes, Checks::All)
    }

    /// `parse` for bytes that `parse` accepted before (the caller compared hashes): the
    /// same document, without scanning the text for forbidden characters again.
    pub fn parse_unchanged(path: &'a Path, bytes: &'a [u8]) -> Result<Self, Diagnostic> {
        Self::read(path, bytes, Checks::DoneBefore)
    }

    fn read(path: &'a Path, bytes: &'a [u8], checks: Checks) -> Result<Self, Diagnostic> {
        // simdutf8 checks several bytes at once: std's check was 2% of a cold build's CPU on
        // Bengali text. Only when it refuses does std look again, for the error's position.
        let text = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => std::str::from_utf8(bytes).map_err(|e| not_utf8(path, bytes, e))?,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text: Cow<str> = if text.contains('\r') {
            text.replace("\r\n", "\n").into()
        } else {
            text.into()
        };
        if checks == Checks::All
            && let Some((offset, c)) = crate::chars::find_forbidden(&text)
        {
            return Err(Diagnostic::error(
                path,
                format!(
                    "the file holds the control character {}, which web pages and feeds cannot carry",
                    crate::chars::name(c)
                ),
            )
            .at_offset(&text, offset)
            .hint("delete it: editors show it as a box, as `^A`-like text, or not at all"));
        }
        let split = front_matter::split(&text).map_err(|e| {
            Diagnostic::error(path, e.message)
                .at(&text, 1, 1)
                .hint(e.hint)
        })?;
        let base = text.as_ptr() as usize;
        let yaml_start = split.yaml.as_ptr() as usize - base;
        let body_start = split.body.as_ptr() as usize - base;
        let (yaml_end, yaml_line) = (yaml_start + split.yaml.len(), split.yaml_line);
        Ok(Document {
            path,
            yaml_start,
            yaml_end,
            body_start,
            yaml_line,
            text,
        })
    }

    pub fn yaml(&self) -> &str {
        &self.text[self.yaml_start..self.yaml_end]
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// A front-matter problem (positions inside the YAML) as a diagnostic on the file.
    pub fn field(&self, e: FieldError) -> Diagnostic {
        let d = if e.is_warning {
            Diagnostic::warning(self.path, e.message)
        } else {
            Diagnostic::error(self.path, e.message)
        };
        let d = d
            .at(&self.text, e.line + self.yaml_line - 1, e.column)
            .width(e.width);
        match e.hint {
            Some(h) => d.hint(h),
            None => d,
        }
    }

    /// File line and column of a top-level key's value.
    pub fn at_key(&self, key: &str) -> Option<(usize, usize)> {
        keys::locate_key(self.yaml(), key).map(|(line, column)| (line + self.yaml_line - 1, column))
    }

    /// File line and column of `token` standing on its own (not inside a longer name), at or
    /// after the file position `from` and below `key`. Walking a list's items in order with
    /// `from` just past the previous item finds each item's own place, even on one line.
    pub fn at_token_after(
        &self,
        key: &str,
        from: (usize, usize),
        token: &str,
    ) -> Option<(usize, usize)> {
        let key_line =
            keys::locate_key(self.yaml(), key).map_or(1, |(l, _)| l) + self.yaml_line - 1;
        let from = if from.0 < key_line {
            (key_line, 1)
        } else {
            from
        };
        let is_name_char = |c: char| {
            c.is_alphanumeric()
                || c == '-'
                || c == '_'
                || unicode_normalization::char::is_combining_mark(c)
        };
        self.yaml()
            .lines()
            .enumerate()
            .map(|(i, line)| (i + self.yaml_line, line))
            .skip_while(|(n, _)| *n < from.0)
            .find_map(|(n, line)| {
                line.match_indices(token).find_map(|(byte, _)| {
                    let column = line[..byte].chars().count() + 1;
                    let before = line[..byte].chars().next_back();
                    let after = line[byte + token.len()..].chars().next();
                    let alone =
                        !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char);
                    (alone && (n > from.0 || column >= from.1)).then_some((n, column))
                })
            })
    }

    /// An error underlining the value of `key`.
    pub fn key_error(
        &self,
        key: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.at_key(key).unwrap_or((1, 1));
        self.error_at(line, column, message)
            .width(keys::value_width(&self.text, line, column))
            .hint(hint)
    }

    /// A warning underlining the name of the top-level `key` (not its value, which may be a
    /// block of lines below it).
    pub fn key_warning(
        &self,
        key: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Diagnostic {
        let (line, _) = self.at_key(key).unwrap_or((1, 1));
        Diagnostic::warning(self.path, message)
            .at(&self.text, line, 1)
            .width(key.chars().count())
            .hint(hint)
    }

    /// A warning for each image in the body written without alt text, underlining its
    /// Markdown. Readers who can't see the image get nothing in its place.
    pub fn images_without_alt(&self, images: &[ImageWithoutAlt]) -> Vec<Diagnostic> {
        images
            .iter()
            .map(|image| {
                let start = self.body_start + image.span.start;
                let written = &self.text[start..self.body_start + image.span.end];
                let src = &image.src;
                Diagnostic::warning(self.path, format!("image `{src}` has no alt text"))
                    .at_offset(&self.text, start)
                    .width(written.lines().next().unwrap_or("").chars().count())
                    .hint(format!(
                        "say what it shows between the brackets: `![what the image shows]({src})`; \
                         for an image that is only decoration, write `<img src=\"{src}\" alt=\"\">`"
                    ))
            })
            .collect()
    }

    pub fn error_at(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path, message).at(&self.text, line, column)
    }

    /// A required key that is missing, pointed at the opening `---`.
    pub fn missing(&self, key: &str, example: &str) -> Diagnostic {
        self.error_at(1, 1, format!("missing `{key}` in front matter"))
            .width(3)
            .hint(format!("add a line like `{example}`"))
    }

    /// `date:` (required): a missing or bad one is recorded in `errors`.
    pub fn required_date(
        &self,
        value: Option<&Scalar>,
        tz: &TimeZone,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Zoned> {
        match value {
            Some(v) => self.date("date", v, tz).map_err(|d| errors.push(d)).ok(),
            None => {
                errors.push(self.missing("date", "date: 2023-10-20"));
                None
            }
        }
    }

    /// An optional date under `key` (`updated`, `expires`); a bad one is recorded in `errors`.
    pub fn optional_date(
        &self,
        key: &str,
        value: Option<&Scalar>,
        tz: &TimeZone,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Zoned> {
        value.and_then(|v| self.date(key, v, tz).map_err(|d| errors.push(d)).ok())
    }

    /// Parses the date under `key`, reporting a bad one at its value.
    pub fn date(&self, key: &str, value: &Scalar, tz: &TimeZone) -> Result<Zoned, Diagnostic> {
        dates::parse(&value.0, tz).map_err(|message| {
            let (line, column) = self.at_key(key).unwrap_or((1, 1));
            self.error_at(line, column, format!("`{key}`: {message}"))
                .width(value.0.chars().count())
                .hint("write a date like `2023-10-20` or `2023-10-20T09:30:00+06:00`")
        })
    }
}

fn not_utf8(path: &Path, bytes: &[u8], e: std::str::Utf8Error) -> Diagnostic {
    let valid = &bytes[..e.valid_up_to()];
    let prefix = String::from_utf8_lossy(valid);
    let (line, column) = crate::error::line_column(&prefix, prefix.len());
    let lossy = String::from_utf8_lossy(bytes);
    Diagnostic::error(
        path,
        format!(
            "file is not valid UTF-8 (byte 0x{:02X})",
            bytes[e.valid_up_to()]
        ),
    )
    .at(&lossy, line, column)
    .hint("save the file as UTF-8 (in most editors: File → Save with Encoding → UTF-8)")
}
