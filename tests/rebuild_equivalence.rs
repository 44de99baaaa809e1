//! The correctness guard for rebuilds: random sequences of edits, each followed by a rebuild
//! that reuses the parse cache, the previous output and the fingerprints of what every
//! output was made from (as `watch` does, rendering only outputs whose inputs changed),
//! must give exactly the bytes of a clean full build of the same tree.

mod common;

use std::path::{Path, PathBuf};

use briefing::BuildOptions;
use briefing::cache::BuildCache;
use common::{fixture, read_tree};

/// xorshift64*: a tiny deterministic generator, so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TAGS: &[&str] = &[
    "North Korea",
    "Russia",
    "উত্তর কোরিয়া",
    "কূটনীতি",
    "Sanctions",
    "diplomacy",
    "KCNA",
];
const WORDS: &[&str] = &[
    "Kim",
    "Lavrov",
    "talks",
    "সফর",
    "বৈঠক",
    "sanctions",
    "Pyongyang",
    "মস্কো",
    "treaty",
    "grain",
];

fn articles(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("content/articles"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

fn article_text(rng: &mut Rng, title: &str) -> String {
    let tags: Vec<&str> = (0..1 + rng.below(3)).map(|_| *rng.pick(TAGS)).collect();
    let body: Vec<&str> = (0..5 + rng.below(30)).map(|_| *rng.pick(WORDS)).collect();
    format!(
        "---\ntitle: \"{title}\"\ndate: 2023-{:02}-{:02}T{:02}:00:00+06:00\ntags: [{}]\nsources: [{}]\n---\n\n{}\n\n## {}\n\n{}\n",
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(24),
        tags.iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(", "),
        rng.pick(&[
            "KCNA",
            "Reuters",
            "{name: TASS, url: \"https://tass.com/\"}"
        ]),
        body.join(" "),
        rng.pick(WORDS),
        body.iter().rev().copied().collect::<Vec<_>>().join(" "),
    )
}

/// Rewrites the line of `path` that starts with `prefix` (a front-matter key) as `line`.
fn replace_line(path: &Path, prefix: &str, line: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let changed: Vec<&str> = text
        .lines()
        .map(|l| if l.starts_with(prefix) { line } else { l })
        .collect();
    std::fs::write(path, changed.join("\n") + "\n").unwrap();
}

fn slug_of(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

/// One random edit of the site: articles, editions or a template.
fn edit(rng: &mut Rng, root: &Path, step: usize) -> String {
    let dir = root.join("content/articles");
    let existing = articles(root);
    match rng.below(17) {
        0 | 1 => {
            let path = dir.join(format!("new-{step}.md"));
            let title = format!("New {step} {}", rng.pick(WORDS));
            std::fs::write(&path, article_text(rng, &title)).unwrap();
            format!("add {}", path.display())
        }
        2 | 3 if !existing.is_empty() => {
            let path = rng.pick(&existing).clone();
            let title = format!("Edited {step} {}", rng.pick(WORDS));
            std::fs::write(&path, article_text(rng, &title)).unwrap();
            format!("rewrite {}", path.display())
        }
        4 if existing.len() > 3 => {
            let path = rng.pick(&existing).clone();
            std::fs::remove_file(&path).unwrap();
            format!("delete {}", path.display())
        }
        5 if !existing.is_empty() => {
            let from = rng.pick(&existing).clone();
            let to = dir.join(format!("renamed-{step}.md"));
            std::fs::rename(&from, &to).unwrap();
            format!("rename {} -> {}", from.display(), to.display())
        }
        6 if !existing.is_empty() => {
            // Same length, different bytes: a one-character change in place.
            let path = rng.pick(&existing).clone();
            let text = std::fs::read_to_string(&path).unwrap();
            let changed = text.replacen("Kim", "Jon", 1).replacen("talks", "tales", 1);
            std::fs::write(&path, changed).unwrap();
            format!("touch up {}", path.display())
        }
        7 => {
            let editions = root.join("content/editions");
            std::fs::create_dir_all(&editions).unwrap();
            // Editions may name only published articles.
            let published: Vec<&PathBuf> = existing
                .iter()
                .filter(|p| !std::fs::read_to_string(p).unwrap().contains("draft: true"))
                .collect();
            let picks: Vec<String> = (0..1 + rng.below(3).min(published.len().saturating_sub(1)))
                .filter_map(|_| {
                    published
                        .get(rng.below(published.len().max(1)))
                        .map(|p| slug_of(p))
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let path = editions.join(format!("2023-11-{:02}.md", 1 + rng.below(5)));
            let list = picks
                .iter()
                .map(|s| format!("  - {{slug: \"{s}\", note: \"why {step}\"}}"))
                .collect::<Vec<_>>()
                .join("\n");
            std::fs::write(&path, format!("---\ntitle: Edition {step}\ndate: 2023-11-{:02}\narticles:\n{list}\n---\n\nIntro {step}.\n", 1 + rng.below(28))).unwrap();
            format!("edition {}", path.display())
        }
        8 => {
            let templates = root.join("templates");
            std::fs::create_dir_all(&templates).unwrap();
            let path = templates.join("404.html");
            std::fs::write(&path, format!("{{% extends \"base.html\" %}}{{% block main %}}<p>Lost {step}</p>{{% endblock main %}}")).unwrap();
            format!("template {}", path.display())
        }
        9 if !existing.is_empty() => {
            // Only the date: the article moves in every list, its neighbours change.
            let path = rng.pick(&existing).clone();
            let date = format!(
                "date: 2022-{:02}-{:02}",
                1 + rng.below(12),
                1 + rng.below(28)
            );
            replace_line(&path, "date:", &date);
            format!("redate {}", path.display())
        }
        10 if !existing.is_empty() => {
            // Only the tags: counts, tag pages, related articles change.
            let path = rng.pick(&existing).clone();
            let tags = format!("tags: [\"{}\", \"{}\"]", rng.pick(TAGS), rng.pick(TAGS));
            replace_line(&path, "tags:", &tags);
            format!("retag {}", path.display())
        }
        11 => {
            // A site stylesheet: every page's asset URL changes.
            let statics = root.join("static");
            std::fs::create_dir_all(&statics).unwrap();
            std::fs::write(
                statics.join("style.css"),
                format!("body {{ margin: {step}px }}\n"),
            )
            .unwrap();
            format!("stylesheet {step}")
        }
        12 => {
            // Tag aliases: spellings merge, names change.
            let (main, alias) = (rng.pick(TAGS), rng.pick(TAGS));
            let text = if main == alias {
                String::new()
            } else {
                format!("\"{main}\":\n  aliases: [\"{alias}\"]\n  names: {{bn: \"নাম {step}\"}}\n")
            };
            std::fs::write(root.join("tags.yaml"), &text).unwrap();
            format!("tags.yaml {main} <- {alias}")
        }
        13 => {
            // A UI string override.
            let i18n = root.join("i18n");
            std::fs::create_dir_all(&i18n).unwrap();
            std::fs::write(
                i18n.join("en.yaml"),
                format!("read_more: \"More {step}\"\n"),
            )
            .unwrap();
            format!("i18n read_more {step}")
        }
        14 if !existing.is_empty() => {
            // Only the title: every list showing the article changes, nothing moves (the
            // kept model is patched, not assembled again).
            let path = rng.pick(&existing).clone();
            let title = format!("title: \"Retitled {step} {}\"", rng.pick(WORDS));
            replace_line(&path, "title:", &title);
            format!("retitle {}", path.display())
        }
        15 => {
            // An edition's introduction: its page and the editions list change, nothing moves.
            let first = std::fs::read_dir(root.join("content/editions"))
                .ok()
                .and_then(|mut d| d.next())
                .and_then(|e| e.ok());
            match first {
                Some(e) => {
                    let mut text = std::fs::read_to_string(e.path()).unwrap();
                    text.push_str(&format!("\nMore {step}.\n"));
                    std::fs::write(e.path(), text).unwrap();
                    format!("edition intro {}", e.path().display())
                }
                None => "nothing".to_string(),
            }
        }
        _ => {
            let editions = root.join("content/editions");
            match std::fs::read_dir(&editions)
                .ok()
                .and_then(|mut d| d.next())
                .and_then(|e| e.ok())
            {
                Some(e) => {
                    std::fs::remove_file(e.path()).unwrap();
                    format!("delete edition {}", e.path().display())
                }
                None => "nothing".to_string(),
            }
        }
    }
}

/// Editions must name existing articles: drop the ones an edit has broken (a real editor
/// would see the error and fix it; here we want successful builds to compare).
fn repair_editions(root: &Path) {
    let slugs: Vec<String> = articles(root).iter().map(|p| slug_of(p)).collect();
    let Ok(dir) = std::fs::read_dir(root.join("content/editions")) else {
        return;
    };
    for entry in dir.filter_map(|e| e.ok()) {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let broken = text
            .lines()
            .filter_map(|l| l.split("slug: \"").nth(1))
            .filter_map(|rest| rest.split('"').next())
            .any(|slug| !slugs.iter().any(|s| s == slug));
        if broken {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
}

/// Every path under `root` but the output: a folder as `None`, a file as its bytes.
fn snapshot(root: &Path) -> std::collections::BTreeMap<PathBuf, Option<Vec<u8>>> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| e.file_name() != "output")
        .map(|e| e.unwrap())
        .map(|e| {
            let bytes =
                (!e.file_type().is_dir()).then(|| std::fs::read(e.path()).unwrap_or_default());
            (e.into_path(), bytes)
        })
        .collect()
}

#[test]
fn rebuilds_after_random_edits_equal_clean_builds() {
    let steps: usize = std::env::var("BRIEFING_EQUIVALENCE_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    // Told: each rebuild is told which paths changed, as `watch` tells it (by a snapshot
    // of the tree before and after the edit: every path that differs), so it neither walks
    // content/ nor stats the files that did not change.
    for (seed, told) in [
        (0x5EED_0001_u64, false),
        (0xB1E5_5ED2, false),
        (0x5EED_0001_u64, true),
        (0x7E11_0003, true),
    ] {
        let site = fixture("basic");
        let root = site.path();
        let output = root.join("output");
        let scratch = tempfile::tempdir().unwrap();
        let options = BuildOptions {
            root: root.to_path_buf(),
            output: Some(output.clone()),
            base_url: Some("https://example.org/desk/".into()),
            ..Default::default()
        };
        let mut cache = BuildCache::default();
        let mut rng = Rng(seed);
        briefing::build_with(&options, &mut cache).unwrap();
        let mut log = Vec::new();
        let mut patched = 0;
        let mut before = snapshot(root);
        for step in 0..steps {
            log.push(edit(&mut rng, root, step));
            repair_editions(root);
            if told {
                let after = snapshot(root);
                let changed: Vec<PathBuf> = before
                    .keys()
                    .chain(after.keys())
                    .filter(|k| before.get(*k) != after.get(*k))
                    .cloned()
                    .collect();
                // Like watch: anything outside content/ leaves the cache to scan everything.
                let exact = changed.iter().all(|p| p.starts_with(root.join("content")));
                cache
                    .parsed
                    .note_changes(exact.then(|| changed.iter().map(PathBuf::as_path)));
                before = after;
            }
            briefing::build_with(&options, &mut cache).unwrap_or_else(|e| {
                panic!(
                    "seed {seed:#x} told {told} step {step} ({}): {e}",
                    log.join("; ")
                )
            });
            patched += usize::from(cache.model.patched());
            let clean = scratch.path().join(format!("clean-{step}"));
            briefing::build(&BuildOptions {
                output: Some(clean.clone()),
                ..options.clone()
            })
            .unwrap();
            let (got, want) = (read_tree(&output), read_tree(&clean));
            if got != want {
                let differ: Vec<_> = want
                    .keys()
                    .chain(got.keys())
                    .filter(|k| got.get(*k) != want.get(*k))
                    .take(5)
                    .collect();
                panic!(
                    "seed {seed:#x} told {told} step {step}: rebuild differs from a clean build in {differ:?}\nedits: {}",
                    log.join("\n")
                );
            }
            std::fs::remove_dir_all(&clean).unwrap();
        }
        // Both ways of making the model were compared: patched (nothing moved) and anew.
        assert!(
            patched > steps / 20 && patched < steps,
            "seed {seed:#x}: {patched} of {steps} models patched"
        );
    }
}

/// The fixture `site` built into its own `output/` as watch builds it: its root, output
/// folder and options.
fn watched(site: &tempfile::TempDir) -> (&Path, PathBuf, BuildOptions) {
    let root = site.path();
    let output = root.join("output");
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.clone()),
        ..Default::default()
    };
    (root, output, options)
}

/// `output` holds exactly what a clean build with `options` makes.
fn assert_same_as_clean_build(options: &BuildOptions, output: &Path) {
    let clean = tempfile::tempdir().unwrap();
    briefing::build(&BuildOptions {
        output: Some(clean.path().join("out")),
        ..options.clone()
    })
    .unwrap();
    assert_eq!(read_tree(output), read_tree(&clean.path().join("out")));
}

#[test]
fn one_edited_article_renders_only_the_outputs_that_show_it() {
    let site = fixture("full");
    let (root, output, options) = watched(&site);
    let mut cache = BuildCache::default();
    let first = briefing::build_with(&options, &mut cache).unwrap();
    assert_eq!(
        first.rendered, first.files,
        "the first build renders everything"
    );
    // Nothing changed: nothing is rendered.
    let again = briefing::build_with(&options, &mut cache).unwrap();
    assert_eq!(again.rendered, 0);

    let article = root.join("content/articles/port-of-rajin.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, format!("{text}\nOne more paragraph.\n")).unwrap();
    let edited = briefing::build_with(&options, &mut cache).unwrap();
    assert!(
        edited.rendered > 0 && edited.rendered * 4 < edited.files,
        "{} of {} outputs rendered for one body edit",
        edited.rendered,
        edited.files
    );
    assert_same_as_clean_build(&options, &output);
}

/// Regression: a rebuild copied files that changed in the last build from `output/`, and
/// failed when someone had deleted `output/` in between.
#[test]
fn output_deleted_between_watch_builds_is_rebuilt_whole() {
    let site = fixture("basic");
    let (root, output, options) = watched(&site);
    let mut cache = BuildCache::default();
    briefing::build_with(&options, &mut cache).unwrap();
    let article = root.join("content/articles/older-english.md");
    let text = std::fs::read_to_string(&article).unwrap();
    // Same length: only the bytes tell the old page from the new one.
    std::fs::write(&article, text.replace("Older English", "Elder English")).unwrap();
    briefing::build_with(&options, &mut cache).unwrap();
    std::fs::remove_dir_all(&output).unwrap();
    briefing::build_with(&options, &mut cache).unwrap();
    assert_same_as_clean_build(&options, &output);
}

/// Regression: every page summary carried the word count, so an edit of an article's text
/// alone re-rendered every list showing the article (its tag and source pages, the home
/// page, the archive) and the search index. Now such an edit renders the article's page
/// and the two site feeds, which carry the text in full, and nothing else.
#[test]
fn an_edit_of_the_text_alone_renders_only_the_page_and_the_site_feeds() {
    let site = fixture("full");
    let (root, output, options) = watched(&site);
    let mut cache = BuildCache::default();
    briefing::build_with(&options, &mut cache).unwrap();
    let article = root.join("content/articles/port-of-rajin.md");
    let text = std::fs::read_to_string(&article).unwrap();
    // Two words: the reading time (which lists show) stays the same.
    std::fs::write(&article, format!("{text}\nTwo words.\n")).unwrap();
    let edited = briefing::build_with(&options, &mut cache).unwrap();
    assert_eq!(
        edited.rendered, 3,
        "the article's page, atom.xml and feed.json, and nothing else"
    );
    assert_same_as_clean_build(&options, &output);
}

/// A build given up (watch stages one on a save, and gives it up when more changes come
/// before the quiet gap ends) leaves the output as it was; the next build reuses what the
/// given-up one wrote into the spare folder, and equals a clean build.
#[test]
fn a_build_given_up_leaves_the_output_alone_and_the_next_build_reuses_its_files() {
    let site = fixture("full");
    let (root, output, options) = watched(&site);
    let mut cache = BuildCache::default();
    briefing::build_with(&options, &mut cache).unwrap();
    // The second build makes the spare folder known to the cache.
    briefing::build_with(&options, &mut cache).unwrap();
    let before = read_tree(&output);

    let first = root.join("content/articles/port-of-rajin.md");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replace("Rajin", "Rajin (羅津)")).unwrap();
    let staged = briefing::stage_with(&options, &mut cache).unwrap();
    assert_eq!(
        read_tree(&output),
        before,
        "a staged build changed the output"
    );
    staged.abandon(&mut cache);
    assert_eq!(read_tree(&output), before, "giving up changed the output");

    let second = root.join("content/articles/lavrov-visits-pyongyang.md");
    let text = std::fs::read_to_string(&second).unwrap();
    std::fs::write(&second, format!("{text}\nA later paragraph.\n")).unwrap();
    let next = briefing::build_with(&options, &mut cache).unwrap();
    assert_same_as_clean_build(&options, &output);
    // Known, not rewritten: the given-up build's files in the spare folder are reused.
    assert!(
        next.written * 4 < next.files,
        "{} of {} files written after a build was given up",
        next.written,
        next.files
    );
}
