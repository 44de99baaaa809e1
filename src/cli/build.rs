//! `briefing build`: one build, a one-line summary, every problem printed.

use std::path::PathBuf;
use std::process::ExitCode;

use briefing::{BuildOptions, Error};

#[derive(clap::Args)]
pub struct BuildArgs {
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
    /// Print how long each stage took
    #[arg(long)]
    timings: bool,
}

pub fn run(args: BuildArgs) -> ExitCode {
    let args_timings = args.timings;
    let options = BuildOptions {
        root: args.root,
        output: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
        future: args.future,
        now: None,
    };
    match briefing::build(&options) {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("{warning}");
            }
            let warnings = match report.warnings.len() {
                0 => String::new(),
                1 => ", 1 warning".to_string(),
                n => format!(", {n} warnings"),
            };
            println!(
                "built {} pages ({} files, {}, {} changed) in {} ms{warnings}",
                report.pages,
                report.files,
                human_bytes(report.bytes),
                report.written,
                report.elapsed.as_millis()
            );
            if args_timings {
                for (stage, took) in &report.timings {
                    eprintln!("  {stage:<22} {:>7.1} ms", took.as_secs_f64() * 1000.0);
                }
            }
            ExitCode::SUCCESS
        }
        Err(Error::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} B"),
    }
}
