//! `briefing new "Title"`: a new draft article, its path printed on stdout.

use std::path::PathBuf;
use std::process::ExitCode;

use briefing::scaffold::{NewArticle, new_article};

#[derive(clap::Args)]
pub struct NewArgs {
    /// The headline; the file name is made from it unless --slug is given
    title: String,
    /// Site folder (holding site.yaml and content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Tags, separated by commas: --tags "North Korea,Russia"
    #[arg(long, value_delimiter = ',')]
    tags: Vec<String>,
    /// The article's language (BCP 47, e.g. bn), when it is not the site's
    #[arg(long)]
    lang: Option<String>,
    /// The file name and URL segment, already in slug form (e.g. kim-lavrov-talks)
    #[arg(long)]
    slug: Option<String>,
}

pub fn run(args: NewArgs) -> ExitCode {
    let article = NewArticle {
        title: args.title,
        tags: args.tags,
        lang: args.lang,
        slug: args.slug,
    };
    match new_article(&args.root, article, None) {
        Ok(path) => {
            println!("{path}");
            ExitCode::SUCCESS
        }
        Err(e) => super::fail(&e),
    }
}
