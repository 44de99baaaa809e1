//! `briefing build`: one build, a one-line summary, every problem printed.

use std::process::ExitCode;

use super::SiteArgs;

#[derive(clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Print how long each stage took
    #[arg(long)]
    timings: bool,
}

pub fn run(args: BuildArgs) -> ExitCode {
    match briefing::build(&args.site.options()) {
        Ok(report) => {
            println!("{}", super::summary(&report));
            if args.timings {
                for (stage, took, rss) in &report.timings {
                    eprintln!(
                        "  {stage:<22} {:>7.1} ms  {:>6} MiB resident",
                        took.as_secs_f64() * 1000.0,
                        rss / 1024
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => super::fail(&e),
    }
}
