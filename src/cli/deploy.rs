//! `briefing deploy`: build, commit the output to the deploy branch, push; say what happened.

use std::path::PathBuf;
use std::process::ExitCode;

use briefing::BuildOptions;
use briefing::deploy::{DeployOptions, deploy};

#[derive(clap::Args)]
pub struct DeployArgs {
    /// Site folder (holding site.yaml and content/), inside a git repository
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder [default: ROOT/output]
    #[arg(long)]
    output: Option<PathBuf>,
    /// Override base_url from site.yaml (must be absolute), e.g. https://user.github.io/briefs/
    #[arg(long)]
    base_url: Option<String>,
    /// The git remote to push to
    #[arg(long, default_value = "origin")]
    remote: String,
    /// The branch that holds the published site
    #[arg(long, default_value = "gh-pages")]
    branch: String,
    /// Commit message [default: "Deploy <title> (<N> pages)" and the source commit]
    #[arg(long, short)]
    message: Option<String>,
    /// Commit to the branch but do not push it
    #[arg(long)]
    no_push: bool,
}

pub fn run(args: DeployArgs) -> ExitCode {
    let options = DeployOptions {
        build: BuildOptions {
            root: args.root,
            output: args.output,
            base_url: args.base_url,
            drafts: false,
            future: false,
            now: None,
        },
        remote: args.remote,
        branch: args.branch,
        message: args.message,
        push: !args.no_push,
    };
    match deploy(&options) {
        Ok(report) => {
            println!("{}", super::summary(&report.build));
            let what = match &report.commit {
                Some(id) => format!(
                    "committed {id} to {} ({} pages, {} files)",
                    report.branch, report.build.pages, report.files
                ),
                None => format!(
                    "nothing to deploy: {} already holds this site ({})",
                    report.branch, report.tip
                ),
            };
            println!("{what}");
            if report.pushed {
                println!("pushed {} to {}", report.branch, report.remote);
            } else {
                println!(
                    "not pushed (--no-push); publish with `git push {} {}`",
                    report.remote, report.branch
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => super::fail(&e),
    }
}
