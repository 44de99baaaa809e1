//! One module per command; each calls the library and prints for people.

pub mod build;
pub mod check;
pub mod deploy;
pub mod init;
pub mod new;
pub mod serve;
pub mod watch;

use std::path::PathBuf;

use std::process::ExitCode;

use briefing::{BuildOptions, BuildReport, Error};

/// Options every command that builds the site takes.
#[derive(clap::Args)]
pub struct SiteArgs {
    /// Site folder (holding site.yaml and content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder [default: ROOT/output]
    #[arg(long)]
    output: Option<PathBuf>,
    /// Override base_url from site.yaml, e.g. https://user.github.io/briefs/
    #[arg(long)]
    base_url: Option<String>,
    /// Include articles marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Include articles dated in the future
    #[arg(long)]
    future: bool,
}

impl SiteArgs {
    pub fn options(self) -> BuildOptions {
        BuildOptions {
            root: self.root,
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
            future: self.future,
            now: None,
        }
    }
}

/// Prints a build's warnings (stderr) and returns its one-line summary.
pub fn summary(report: &BuildReport) -> String {
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    let warnings = match report.warnings.len() {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    if report.up_to_date {
        return format!(
            "output is current: {} pages ({} files, {}) as last built, checked in {} ms{warnings}",
            report.pages,
            report.files,
            human_bytes(report.bytes),
            report.elapsed.as_millis()
        );
    }
    format!(
        "built {} pages ({} files, {}, {} changed) in {} ms{warnings}",
        report.pages,
        report.files,
        human_bytes(report.bytes),
        report.written,
        report.elapsed.as_millis()
    )
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} B"),
    }
}

/// Prints an error and gives its exit code: 2 for usage errors, 1 for problems in the site.
pub fn fail(error: &Error) -> ExitCode {
    match error {
        Error::Usage(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        e => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
