//! `briefing init DIR`: a new site, ready to build and publish.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct InitArgs {
    /// Folder for the new site (created if missing; must be empty)
    dir: PathBuf,
    /// Copy the built-in default theme into DIR/themes/default/ to edit it
    #[arg(long)]
    theme_copy: bool,
}

pub fn run(args: InitArgs) -> ExitCode {
    match briefing::scaffold::init(&args.dir, args.theme_copy, None) {
        Ok(paths) => {
            let dir = args.dir.display();
            println!("created a briefing site in {dir}:");
            for line in briefing::scaffold::summarize_paths(&paths) {
                println!("  {line}");
            }
            println!("next: cd {dir} && briefing build");
            ExitCode::SUCCESS
        }
        Err(e) => super::fail(&e),
    }
}
