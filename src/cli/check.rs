//! `briefing check`: build in memory, print every problem (stdout) and a one-line count.

use std::path::PathBuf;
use std::process::ExitCode;

use briefing::BuildOptions;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Site folder (holding site.yaml and content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
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

/// Exit 1 when there is an error (warnings alone exit 0); a site that does not build at all is
/// reported exactly as `build` reports it.
pub fn run(args: CheckArgs) -> ExitCode {
    let options = BuildOptions {
        root: args.root,
        output: None,
        base_url: args.base_url,
        drafts: args.drafts,
        future: args.future,
        now: None,
    };
    match briefing::check::check(&options) {
        Ok(report) => {
            for problem in &report.problems {
                println!("{problem}");
            }
            println!("{}", report.summary());
            if report.errors() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => super::fail(&e),
    }
}
