//! Benchmark for incremental rebuilds (bench/watch_latency.sh measures the real `watch`
//! end to end; this measures the build alone): builds a site once
//! the way `watch` does, then appends a sentence to one article at a time and rebuilds,
//! printing each rebuild's stage timings and the median.
//!
//! Usage: cargo run --release --example rebuild_latency -- SITE [EDITS] [--rescan] [--title]
//! SITE is changed (articles get a sentence appended): pass a copy. Each rebuild is told the
//! edited path, as `watch` tells it; `--rescan` tells it nothing, so it walks and stats all.
//! `--title` changes each article's title instead, so every list showing it changes too.

use std::time::Duration;

use briefing::BuildOptions;
use briefing::cache::BuildCache;

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let rescan = args.iter().any(|a| a == "--rescan");
    let title = args.iter().any(|a| a == "--title");
    args.retain(|a| a != "--rescan" && a != "--title");
    let (root, edits) = match args.as_slice() {
        [_, root] => (root.clone(), 9),
        [_, root, n] => (root.clone(), n.parse().expect("EDITS is a number")),
        _ => {
            eprintln!("usage: rebuild_latency SITE [EDITS]");
            std::process::exit(2);
        }
    };
    let options = BuildOptions {
        root: root.clone().into(),
        ..Default::default()
    };
    let mut cache = BuildCache::default();
    let first = briefing::build_with(&options, &mut cache).expect("first build");
    println!(
        "first build: {} files in {} ms",
        first.files,
        first.elapsed.as_millis()
    );
    // The second build fills the spare folder, which starts unknown; from the third on,
    // rebuilds run as they do all day in `watch`.
    let mut articles: Vec<std::path::PathBuf> =
        walkdir::WalkDir::new(format!("{root}/content/articles"))
            .into_iter()
            .filter_map(|e| e.ok())
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
    articles.sort();
    let mut times: Vec<Duration> = Vec::new();
    for i in 0..=edits {
        let article = &articles[(i * 7919) % articles.len()];
        let mut text = std::fs::read_to_string(article).expect("read article");
        if title {
            // Every list showing the article changes too.
            let at = text.find("\ntitle:").expect("a title line") + 1;
            let end = at + text[at..].find('\n').expect("a line end");
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            text.replace_range(at..end, &format!("title: \"Retitled {i} {stamp}\""));
        } else {
            text.push_str(&format!("\nAppended sentence {i}.\n"));
        }
        std::fs::write(article, text).expect("write article");
        // As `watch` does: the parse cache is told which path changed, so it neither walks
        // content/ nor stats the other files (with --rescan: unknown, so it does both).
        let changed = (!rescan).then_some([article.as_path()]);
        cache.parsed.note_changes(changed);
        let report = briefing::build_with(&options, &mut cache).expect("rebuild");
        let stages: Vec<String> = report
            .timings
            .iter()
            .map(|t| format!("{} {} ms", t.stage, t.wall.as_millis()))
            .collect();
        println!(
            "edit {i}: {} rendered, {} written in {} ms ({})",
            report.rendered,
            report.written,
            report.elapsed.as_millis(),
            stages.join(", ")
        );
        if i > 0 {
            times.push(report.elapsed);
        }
    }
    times.sort();
    println!(
        "median rebuild after one edit: {} ms over {} edits",
        times[times.len() / 2].as_millis(),
        times.len()
    );
}
