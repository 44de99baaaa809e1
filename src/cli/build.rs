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
    /// Build even when the output folder already holds what this build would make
    #[arg(long)]
    force: bool,
}

pub fn run(args: BuildArgs) -> ExitCode {
    // The process ends right after this build: its cache (every parsed page, every rendered
    // summary, hundreds of MB in small allocations at 10,000 articles) is left for the OS to
    // reclaim at exit instead of being freed piece by piece, which took 0.3 s.
    let mut cache = std::mem::ManuallyDrop::new(briefing::cache::BuildCache::for_one_build());
    match briefing::build_recorded(&args.site.options(), &mut cache, args.force) {
        Ok(report) => {
            println!("{}", super::summary(&report));
            if args.timings {
                for t in &report.timings {
                    let cpu = t.cpu.map_or("      -".to_string(), |cpu| {
                        format!("{:>7.1}", cpu.as_secs_f64() * 1000.0)
                    });
                    // Zero where the OS does not tell.
                    let resident = match t.resident_kib {
                        0 => "     -".to_string(),
                        kib => format!("{:>6}", kib / 1024),
                    };
                    eprintln!(
                        "  {:<27} {:>7.1} ms  {cpu} ms CPU  {resident} MiB resident",
                        t.stage,
                        t.wall.as_secs_f64() * 1000.0,
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => super::fail(&e),
    }
}
