//! The error type of the build, and `Diagnostic`: one problem at a file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

/// Whether a diagnostic stops the build.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file, with where it is and how to fix it.
///
/// `line` and `column` are 1-based and counted from the top of the file in
/// characters, not bytes, so a caret under a Bengali line lands right.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The offending line of the file, when there is one to show.
    pub source_line: Option<String>,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
}

impl Diagnostic {
    pub fn error(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: message.into(),
            hint: None,
            source_line: None,
            width: 1,
        }
    }

    pub fn warning(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Points the diagnostic at `line`/`column` of `source` (the whole file).
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = line.max(1);
        self.column = column.max(1);
        self.source_line = source
            .lines()
            .nth(self.line - 1)
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// Points the diagnostic at a byte offset of `source`.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = line_column(source, offset);
        self.at(source, line, column)
    }

    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn into_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = self.path.display().to_string();
        writeln!(
            f,
            "{path}:{}:{}: {label}: {}",
            self.line, self.column, self.message
        )?;
        if let Some(text) = &self.source_line {
            let start = char_to_byte(text, self.column - 1);
            let end = char_to_byte(text, self.column - 1 + self.width).max(start);
            let level = match self.severity {
                Severity::Error => Level::ERROR,
                Severity::Warning => Level::WARNING,
            };
            let report = &[level.no_name().primary_title("").element(
                Snippet::source(text.as_str())
                    .line_start(self.line)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )];
            let rendered = Renderer::plain().render(report).to_string();
            // The title line is ours (above); keep only the snippet.
            for line in rendered
                .lines()
                .skip_while(|l| !l.trim_start().starts_with('|'))
            {
                writeln!(f, "{}", line.trim_end())?;
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = help: {hint}")?;
        }
        Ok(())
    }
}

fn char_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}", path = path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// One or more problems in the site's files; every broken file is listed.
    #[error("{}", render_all(.0))]
    Diagnostics(Vec<Diagnostic>),
    #[error("{0}")]
    Usage(String),
    /// Writing the new site failed (disk full, read-only folder): the old output still stands.
    #[error(
        "error: cannot write {path}: {source}\n  = help: {hint}\nthe build stopped; the previous output was left as it was",
        path = path.display(),
        hint = write_hint(source)
    )]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// How to get past a failed write, by what the OS said.
fn write_hint(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        StorageFull | QuotaExceeded => "the disk is full: free some space, then build again",
        PermissionDenied | ReadOnlyFilesystem => {
            "the output folder, or the folder holding it, is read-only: make it writable, or build elsewhere with --output DIR"
        }
        FileTooLarge => {
            "a file is larger than this process may write (see `ulimit -f`): raise the limit"
        }
        _ => "check the output folder and its disk, then build again",
    }
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// An I/O error met while writing the output, as `Error::Write`; other errors as they are.
    pub fn writing(self) -> Self {
        match self {
            Error::Io { path, source } => Error::Write { path, source },
            e => e,
        }
    }

    pub fn one(diagnostic: Diagnostic) -> Self {
        Error::Diagnostics(vec![diagnostic])
    }
}

fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    out.push_str(&format!(
        "{errors} error{} found; nothing was written",
        if errors == 1 { "" } else { "s" }
    ));
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let src = "---\ntitle: উত্তর কোরিয়া\ndate: x\n";
        let offset = src.find("x").unwrap();
        assert_eq!(line_column(src, offset), (3, 7));
        let offset = src.find("কোরিয়া").unwrap();
        assert_eq!(line_column(src, offset), (2, 14));
    }

    #[test]
    fn display_shows_position_line_and_caret_under_bengali() {
        let src = "---\ntags: উত্তর\n---\n";
        let d = Diagnostic::error(Path::new("a.md"), "`tags` must be a list")
            .at(src, 2, 7)
            .width(5)
            .hint("write `tags: [উত্তর]`");
        insta::assert_snapshot!(d.to_string());
    }
}
