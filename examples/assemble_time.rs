//! Benchmark for `site::assemble` alone: prepares a site once, then assembles its model again
//! from the same parsed pages and editions, printing each run's time and the median.
//!
//! Usage: cargo run --release --example assemble_time -- SITE [RUNS]

use std::time::{Duration, Instant};

use briefing::BuildOptions;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (root, runs) = match args.as_slice() {
        [_, root] => (root.clone(), 15),
        [_, root, n] => (root.clone(), n.parse().expect("RUNS is a number")),
        _ => {
            eprintln!("usage: assemble_time SITE [RUNS]");
            std::process::exit(2);
        }
    };
    let options = BuildOptions {
        root: root.into(),
        ..Default::default()
    };
    let config = briefing::config::load(&options).expect("site.yaml");
    let prepared = briefing::prepare(&config).expect("prepare");
    let site = &prepared.site;
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..runs {
        let (pages, editions) = (site.pages.clone(), site.editions.clone());
        let start = Instant::now();
        let again = briefing::site::assemble(&config, pages, editions, &site.tag_aliases)
            .expect("assemble");
        times.push(start.elapsed());
        assert_eq!(again.pages.len(), site.pages.len());
    }
    let ms: Vec<String> = times
        .iter()
        .map(|t| format!("{:.1}", t.as_secs_f64() * 1e3))
        .collect();
    times.sort();
    println!(
        "{} pages, {} editions: assemble {} ms (median {:.1} ms)",
        site.pages.len(),
        site.editions.len(),
        ms.join(" "),
        times[times.len() / 2].as_secs_f64() * 1e3
    );
}
