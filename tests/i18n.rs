//! Languages: UI strings from the theme's and the site's `i18n/`, dates and numbers in the
//! page's digits, tag aliases across scripts (`tags.yaml`), and a second theme.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{build, fixture, read, stderr, stdout};
use scraper::{ElementRef, Html, Selector};

/// The `i18n_bn` fixture (a Bengali site with one English article), built once.
fn bengali_site() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = OUT.get_or_init(|| {
        let site = fixture("i18n_bn");
        let out = site.path().join("output");
        let run = build(site.path(), &[]);
        assert!(run.status.success(), "{}", stderr(&run));
        // Every string the theme uses exists in Bengali: no fallback warnings.
        assert!(!stderr(&run).contains("warning"), "{}", stderr(&run));
        (site, out)
    });
    out
}

fn page(out: &Path, rel: &str) -> Html {
    Html::parse_document(&read(&out.join(rel)))
}

fn sel<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text(el: ElementRef) -> String {
    el.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn texts(doc: &Html, css: &str) -> Vec<String> {
    sel(doc, css).into_iter().map(text).collect()
}

fn lang_of(doc: &Html) -> Option<String> {
    doc.root_element().value().attr("lang").map(str::to_string)
}

const NAV_BN: [&str; 6] = ["সর্বশেষ", "সংস্করণ", "বিষয়", "সূত্র", "সংগ্রহশালা", "খুঁজুন"];

#[test]
fn bengali_site_shows_bengali_chrome_dates_and_digits() {
    let out = bengali_site();
    let home = page(out, "index.html");
    assert_eq!(lang_of(&home).as_deref(), Some("bn"));
    // `archive` is the site's own wording (i18n/bn.yaml); the rest is the theme's.
    assert_eq!(texts(&home, ".site-nav a"), NAV_BN);
    assert_eq!(texts(&home, ".skip-link"), ["মূল লেখায় যান"]);
    assert_eq!(texts(&home, "#stream-title"), ["সর্বশেষ প্রতিবেদন"]);
    // The latest edition's date, in Bengali digits and month, machine-readable in datetime.
    let time = sel(&home, ".latest-edition time")[0];
    assert_eq!(text(time), "২১ অক্টোবর ২০২৩");
    assert_eq!(
        time.value().attr("datetime"),
        Some("2023-10-21T18:00:00+06:00")
    );
    // Counts and page numbers in Bengali digits.
    assert_eq!(texts(&home, ".tag__count"), ["২", "২"]);
    assert_eq!(texts(&home, ".pagination__pages a"), ["পৃষ্ঠা ১", "পৃষ্ঠা ২"]);
    assert_eq!(texts(&home, ".pagination__step"), ["পরের"]);

    let bengali = page(out, "articles/কিম-বৈঠক/index.html");
    assert_eq!(lang_of(&bengali).as_deref(), Some("bn"));
    let published = sel(&bengali, ".story__head time")[0];
    assert_eq!(text(published), "২০ অক্টোবর ২০২৩");
    assert_eq!(
        published.value().attr("datetime"),
        Some("2023-10-20T00:00:00+06:00")
    );
    assert!(
        texts(&bengali, ".story__head .meta__item").contains(&"১ মিনিটে পড়া".to_string()),
        "{:?}",
        texts(&bengali, ".story__head .meta__item")
    );

    let tag = page(out, "tags/kim-jong-un/index.html");
    let dek = texts(&tag, ".page-head__dek").join(" ");
    assert!(
        dek.starts_with("২টি প্রতিবেদন, নতুনগুলো আগে · পৃষ্ঠা ১ / ২"),
        "{dek}"
    );

    let not_found = page(out, "404.html");
    assert_eq!(texts(&not_found, "h1"), ["পাতাটি পাওয়া যায়নি"]);
    assert_eq!(
        sel(&not_found, "title")[0].text().collect::<String>(),
        "পাতাটি পাওয়া যায়নি — বাংলা ডেস্ক"
    );
}

#[test]
fn english_article_on_a_bengali_site_keeps_lang_en_under_bengali_chrome() {
    let out = bengali_site();
    let doc = page(out, "articles/kim-lavrov/index.html");
    assert_eq!(lang_of(&doc).as_deref(), Some("en"));
    // The chrome is Bengali and says so, so screen readers switch voice.
    let masthead = sel(&doc, "header.masthead")[0];
    assert_eq!(masthead.value().attr("lang"), Some("bn"));
    assert_eq!(texts(&doc, ".site-nav a"), NAV_BN);
    assert_eq!(
        sel(&doc, "footer.site-footer")[0].value().attr("lang"),
        Some("bn")
    );
    // The article's own dates are in its language; the labels are chrome.
    let times = texts(&doc, ".story__head time");
    assert_eq!(times, ["21 October 2023", "2 November 2023"]);
    let updated = sel(&doc, ".story__head .meta__item span[lang='bn']");
    let labels: Vec<String> = updated.into_iter().map(text).collect();
    assert!(labels.contains(&"হালনাগাদ".to_string()), "{labels:?}");
    assert!(labels.contains(&"১ মিনিটে পড়া".to_string()), "{labels:?}");
    // No chrome word leaked through in English.
    let html = read(&out.join("articles/kim-lavrov/index.html"));
    for english in [
        "min read",
        "Updated",
        "Related briefings",
        "Topics",
        "Skip to content",
    ] {
        assert!(!html.contains(english), "`{english}` on a Bengali site");
    }
}

#[test]
fn tag_aliases_in_both_scripts_land_on_one_tag_page_named_in_the_pages_language() {
    let out = bengali_site();
    // One page per tag, under the main name's slug; no page for an alias.
    let tags: Vec<String> = std::fs::read_dir(out.join("tags"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".html"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(tags, ["kim-jong-un", "north-korea"]);
    // Both articles (Kim Jong-un in English, কিম জং উন in Bengali) are on it, one per page.
    let mut listed = Vec::new();
    for rel in [
        "tags/kim-jong-un/index.html",
        "tags/kim-jong-un/page/2/index.html",
    ] {
        let doc = page(out, rel);
        // Titled in the page's (the site's) language.
        assert_eq!(texts(&doc, "h1"), ["কিম জং উন"]);
        listed.extend(texts(&doc, ".card__title"));
    }
    assert_eq!(
        listed,
        [
            "Kim Jong-un meets Lavrov in Pyongyang",
            "কিম জং উনের সঙ্গে লাভরভের বৈঠক"
        ]
    );
    // Each article names the tag in its own language, and links to the one page.
    let english = page(out, "articles/kim-lavrov/index.html");
    let bengali = page(out, "articles/কিম-বৈঠক/index.html");
    assert_eq!(
        texts(&english, ".story__tags a"),
        ["Kim Jong Un", "North Korea"]
    );
    assert_eq!(
        texts(&bengali, ".story__tags a"),
        ["কিম জং উন", "উত্তর কোরিয়া"]
    );
    for doc in [&english, &bengali] {
        let hrefs: Vec<&str> = sel(doc, ".story__tags a")
            .into_iter()
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(hrefs, ["/tags/kim-jong-un/", "/tags/north-korea/"]);
    }
    // The edition's tag, written as the main name, resolves to the same page.
    let edition = page(out, "editions/2023-10-21/index.html");
    assert_eq!(texts(&edition, ".edition__foot a"), ["কিম জং উন"]);
    // Search finds the tag in either script.
    let index = read(&out.join("search-index.json"));
    let entries: serde_json::Value = serde_json::from_str(&index).unwrap();
    let english_entry = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["lang"] == "en")
        .unwrap();
    let spellings: Vec<&str> = english_entry["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(spellings.contains(&"কিম জং উন"), "{spellings:?}");
}

/// The `basic` fixture as a French site whose strings are the English ones without the
/// keys `missing`, and with `key: text` for each of `changed`.
fn french_site(missing: &[&str], changed: &[(&str, &str)]) -> tempfile::TempDir {
    let site = fixture("basic");
    let yaml = read(&site.path().join("site.yaml")).replace("language: en", "language: fr");
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    let english = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/en.yaml"));
    let key_of = |line: &str| line.split(':').next().unwrap_or("").to_string();
    let french: String = english
        .lines()
        .filter(|l| !missing.contains(&key_of(l).as_str()))
        .map(|l| match changed.iter().find(|(k, _)| *k == key_of(l)) {
            Some((k, text)) => format!("{k}: {text}"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::create_dir_all(site.path().join("i18n")).unwrap();
    std::fs::write(site.path().join("i18n/fr.yaml"), french).unwrap();
    site
}

#[test]
fn missing_string_falls_back_to_english_and_warns_once() {
    // A French site whose strings lack `minutes_read`, used on every card and article.
    let site = french_site(&["minutes_read"], &[("latest", "À la une")]);

    let run = build(site.path(), &[]);
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    let warning = "i18n/fr.yaml:1:1: warning: UI string `minutes_read` is missing in `fr`; the English one is used";
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert_eq!(err.matches(warning).count(), 1, "{err}");
    assert!(
        stdout(&run).trim_end().ends_with(", 1 warning"),
        "{}",
        stdout(&run)
    );

    let home = page(&site.path().join("output"), "index.html");
    assert_eq!(texts(&home, ".site-nav a")[0], "À la une");
    let meta = texts(&home, ".card .meta__item");
    assert!(meta.iter().any(|m| m.ends_with(" min read")), "{meta:?}");
}

/// `ui.KEY` is `t(key="KEY")` looked up once per build: the same text in the site's
/// language, and a key that falls back to English warns as `t` does.
#[test]
fn ui_strings_are_what_t_gives_and_fall_back_with_a_warning() {
    let site = french_site(
        &["minutes_read", "related_briefings"],
        &[("topics", "Sujets")],
    );
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/404.html"),
        "<p id=\"ui\">{{ ui.topics }}</p><p id=\"t\">{{ t(key=\"topics\") }}</p>\
         <p id=\"fallback\">{{ ui.related_briefings }}</p>",
    )
    .unwrap();

    let run = build(site.path(), &[]);
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    let missing = |key: &str| {
        format!("warning: UI string `{key}` is missing in `fr`; the English one is used")
    };
    assert_eq!(
        err.matches(&missing("related_briefings")).count(),
        1,
        "{err}"
    );
    assert_eq!(err.matches(&missing("minutes_read")).count(), 1, "{err}");
    let doc = page(&site.path().join("output"), "404.html");
    assert_eq!(texts(&doc, "#ui"), ["Sujets"]);
    assert_eq!(texts(&doc, "#t"), ["Sujets"]);
    assert_eq!(texts(&doc, "#fallback"), ["Related briefings"]);
}

#[test]
fn a_language_without_strings_warns_once_as_a_whole() {
    let site = fixture("basic");
    let yaml = read(&site.path().join("site.yaml")).replace("language: en", "language: de");
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    let run = build(site.path(), &[]);
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains("there are no UI strings for language `de`; English ones are used"),
        "{err}"
    );
}

/// The `minimal_theme` fixture with the repository's `themes/minimal/` copied in, built.
fn minimal_site(language: &str) -> (tempfile::TempDir, PathBuf) {
    let site = fixture("minimal_theme");
    let themes = site.path().join("themes/minimal");
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/minimal"),
        &themes,
    );
    let yaml = read(&site.path().join("site.yaml"))
        .replace("language: en", &format!("language: {language}"));
    std::fs::write(site.path().join("site.yaml"), yaml).unwrap();
    let run = build(site.path(), &[]);
    let err = stderr(&run);
    assert!(run.status.success(), "{err}");
    assert!(!err.contains("warning"), "{err}");
    let out = site.path().join("output");
    (site, out)
}

#[test]
fn minimal_theme_layers_site_over_theme_over_built_in() {
    let (_site, out) = minimal_site("en");
    let home = page(&out, "index.html");
    // The theme's templates and stylesheet, not the default theme's.
    assert_eq!(sel(&home, "body.minimal").len(), 1);
    assert!(out.join("minimal.css").is_file());
    assert!(!out.join("style.css").exists());
    // Strings: `home` from the site's i18n/en.yaml, `read_more` and the colophon from the
    // theme's, `topics` from the built-in ones.
    assert_eq!(
        texts(&home, "header nav a"),
        ["Front page", "Editions", "Topics", "Archive"]
    );
    assert_eq!(texts(&home, ".item a[lang='en']"), ["Continue reading"]);
    assert_eq!(
        texts(&home, "footer p"),
        ["A minimal briefing, made with briefing 0.1.0."]
    );
    assert_eq!(texts(&home, ".pager span"), ["page 1 of 2"]);
    // The site's own 404.html replaces the theme's, inside the theme's layout.
    let not_found = page(&out, "404.html");
    assert_eq!(texts(&not_found, "h1.site-404"), ["Page not found"]);
    assert_eq!(sel(&not_found, "body.minimal").len(), 1);
    common::assert_links_resolve(&out, "/");
}

#[test]
fn minimal_theme_speaks_bengali_on_a_bengali_site() {
    let (_site, out) = minimal_site("bn");
    let home = page(&out, "index.html");
    // The site's `home` is English only, so Bengali comes from the built-in strings.
    assert_eq!(
        texts(&home, "header nav a"),
        ["প্রচ্ছদ", "সংস্করণ", "বিষয়", "আর্কাইভ"]
    );
    assert_eq!(
        texts(&home, "footer p"),
        ["briefing 0.1.0 দিয়ে তৈরি একটি সংক্ষিপ্ত ব্রিফিং।"]
    );
    assert_eq!(texts(&home, ".pager span"), ["পৃষ্ঠা ১ / ২"]);
    assert_eq!(texts(&home, ".item time"), ["২১ অক্টোবর ২০২৩"]);
    let english = page(&out, "articles/lavrov/index.html");
    assert_eq!(lang_of(&english).as_deref(), Some("en"));
    assert_eq!(texts(&english, "article time"), ["20 October 2023"]);
}
