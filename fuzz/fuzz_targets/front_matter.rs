//! Fuzzes the whole read of one content file: decoding, the front matter split, the YAML
//! parse (articles and editions), Markdown and slugs. Any panic is a bug.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use briefing::content::{self, ArticleFile, front_matter};
use libfuzzer_sys::fuzz_target;

fn config() -> &'static briefing::Config {
    static CONFIG: OnceLock<briefing::Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let options = briefing::BuildOptions {
            root: PathBuf::from("/site"),
            ..Default::default()
        };
        briefing::config::load_text(&options, None).expect("the default config loads")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(split) = front_matter::split(text)
    {
        let _ = front_matter::parse(split.yaml);
        let _ = front_matter::parse_edition(split.yaml);
    }
    let file = ArticleFile {
        path: PathBuf::from("/site/content/articles/fuzz.md"),
        display: PathBuf::from("content/articles/fuzz.md"),
        stem: "fuzz".to_string(),
        assets: Vec::new(),
    };
    let _ = content::parse_article(&file, data, config());
    let _ = content::parse_edition(&file, data, config());
});
