//! Property tests (proptest): no input makes the parsers panic, slugs are always safe names,
//! the preview server's URLs resolve only to files the build wrote, and text from front
//! matter and config reaches HTML, JSON-LD, JSON and XML escaped for each.
//!
//! The seed is fixed so CI runs are repeatable; `PROPTEST_RNG_SEED=random` (or a number) and
//! `PROPTEST_CASES=N` explore further.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use briefing::content::{self, ArticleFile, front_matter};
use briefing::dev::preview::{self, Resolution};
use briefing::{BuildOptions, Config, markdown, slug};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

fn cases(n: u32) -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(n);
    if std::env::var("PROPTEST_RNG_SEED").is_err() {
        config.rng_seed = RngSeed::Fixed(0x0b71_ef19);
    }
    config.failure_persistence = None;
    config
}

/// Pieces that YAML front matter is made of, good and broken, so random joins reach deep
/// into the parser instead of failing on the first character.
fn yamlish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "---\n",
        "...\n",
        "title: ",
        "date: ",
        "2023-10-20",
        "tags: ",
        "sources: ",
        "slug: ",
        "image: ",
        "lang: ",
        "draft: ",
        "true",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "- ",
        "? ",
        "&a ",
        "*a",
        "!!binary ",
        "!x ",
        "\"",
        "'",
        "\\x01",
        "\\u0000",
        "|",
        ">",
        "#",
        "%TAG ",
        "\n",
        "  ",
        "\t",
        "\r\n",
        "\u{feff}",
        "ক",
        "ি",
        "\u{200d}",
        "../",
        "\\",
        "~",
        "null",
        "1e9",
        "Kim",
        "name: ",
        "url: ",
        "<b>",
        "&amp;",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

/// Pieces of Markdown, including raw HTML and the constructs that nest.
fn markdownish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "# ",
        "## ",
        "Kim",
        " ",
        "উত্তর",
        "\n",
        "\n\n",
        "*",
        "**",
        "_",
        "`",
        "```\n",
        "[",
        "]",
        "(",
        ")",
        "](/x)",
        "![",
        "<",
        ">",
        "</",
        "script",
        "<!--",
        "-->",
        "&",
        "&#0;",
        "|",
        "|---|\n",
        "- ",
        "1. ",
        "> ",
        "[^1]",
        "[^1]: ",
        "{#id}",
        "\\",
        "~~",
        "- [x] ",
        "    ",
        "\t",
        "<div onclick=\"x\">",
        "javascript:",
        "\u{0}",
        "\r",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|p| p.concat())
}

/// One configuration for parsing articles, from an empty site.
fn site_config() -> &'static Config {
    static CONFIG: OnceLock<(tempfile::TempDir, Config)> = OnceLock::new();
    &CONFIG
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let config = briefing::config::load(&BuildOptions {
                root: dir.path().to_path_buf(),
                ..BuildOptions::default()
            })
            .unwrap();
            (dir, config)
        })
        .1
}

fn file(stem: &str) -> ArticleFile {
    ArticleFile {
        path: PathBuf::from(format!("/site/content/articles/{stem}.md")),
        display: PathBuf::from(format!("content/articles/{stem}.md")),
        stem: stem.to_string(),
        assets: Vec::new(),
    }
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn front_matter_split_and_parse_never_panic(text in prop_oneof![yamlish(), any::<String>()]) {
        if let Ok(split) = front_matter::split(&text) {
            let _ = front_matter::parse(split.yaml);
            let _ = front_matter::parse_edition(split.yaml);
        }
        let _ = front_matter::parse(&text);
    }

    #[test]
    fn whole_articles_never_panic(
        yaml in yamlish(),
        body in markdownish(),
        stem in any::<String>(),
    ) {
        let text = format!("---\n{yaml}\n---\n{body}");
        let config = site_config();
        let _ = content::parse_article(&file(&stem), text.as_bytes(), config);
        let _ = content::parse_edition(&file(&stem), text.as_bytes(), config);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = content::parse_article(&file("x"), &bytes, site_config());
    }

    #[test]
    fn markdown_render_and_sanitize_never_panic(md in prop_oneof![markdownish(), any::<String>()]) {
        let rendered = markdown::render(&md);
        let clean = markdown::sanitize(&rendered.html);
        // Checked on the parsed tree: the same words as text (in code, say) are harmless.
        let doc = scraper::Html::parse_fragment(&clean);
        for el in doc.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
            let tag = el.value().name();
            prop_assert!(!matches!(tag, "script" | "style" | "iframe"), "<{}> in {}", tag, clean);
            for (name, value) in el.value().attrs() {
                prop_assert!(!name.starts_with("on"), "{}= in {}", name, clean);
                if matches!(name, "href" | "src" | "action" | "formaction" | "cite") {
                    let value = value.trim_start().to_ascii_lowercase();
                    prop_assert!(!value.starts_with("javascript:"), "{} in {}", value, clean);
                }
            }
        }
        // Heading ids are unique within the page.
        let mut ids: Vec<&str> = rendered.toc.iter().map(|t| t.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), n);
    }

    /// The parse takes the outline and each page writes the HTML later; together they must
    /// be exactly what one full render gives.
    #[test]
    fn outline_and_html_apart_match_one_render(md in prop_oneof![markdownish(), any::<String>()]) {
        let size = |src: &str| (!src.is_empty()).then_some((640, 480));
        let full = markdown::render_with_images(&md, &size);
        let outline = markdown::outline_with_images(&md, &size);
        prop_assert_eq!(
            &outline,
            &markdown::Rendered { html: String::new(), toc: Vec::new(), ..full.clone() }
        );
        let body = markdown::html_with_images(&md, &size);
        prop_assert_eq!(body.html, full.html);
        prop_assert_eq!(body.toc, full.toc);
    }

    #[test]
    fn slugs_are_safe_names_and_stable(text in prop_oneof![any::<String>(), yamlish()]) {
        let s = slug::slugify(&text);
        for bad in ["/", "\\", "..", "\0", "--"] {
            prop_assert!(!s.contains(bad), "{:?} → {:?}", text, s);
        }
        prop_assert!(!s.starts_with('-') && !s.ends_with('-'), "{:?} → {:?}", text, s);
        prop_assert!(!s.contains('.'), "{:?} → {:?}", text, s);
        prop_assert_eq!(slug::slugify(&s), s.clone(), "not idempotent for {:?}", text);
        prop_assert_eq!(slug::has_empty_slug(&text), s.is_empty());
        // A percent-encoded slug is plain ASCII with no path separators.
        let encoded = slug::encode_segment(&s);
        prop_assert!(encoded.is_ascii() && !encoded.contains('/'), "{}", encoded);
    }
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn config_never_panics(text in prop_oneof![yamlish(), any::<String>()]) {
        let options = BuildOptions { root: PathBuf::from("/site"), ..BuildOptions::default() };
        let _ = briefing::config::load_text(&options, Some(&text));
    }
}

/// The output paths of a pretend build for the preview server's URL handling.
const PREVIEW_FILES: &[&str] = &[
    "index.html",
    "404.html",
    "style.css",
    "page/2/index.html",
    "tags/x/index.html",
    "tags/উত্তর-কোরিয়া/index.html",
    "articles/kim-meets-lavrov/index.html",
    "articles/কিম-লাভরভ-বৈঠক/index.html",
    "articles/কিম-লাভরভ-বৈঠক/ছবি ১.jpg",
    "articles/trip/map one.svg",
];

/// Request paths: the URLs of the build's files and folders (percent-encoded or raw UTF-8,
/// with and without the folder's slash) followed by a few pieces, or pieces alone. The pieces
/// are what real and hostile paths are made of: names, separators, dot segments in every
/// encoding, NUL, bad UTF-8.
fn url_path() -> impl Strategy<Value = String> {
    let mut urls = Vec::new();
    for file in PREVIEW_FILES {
        let mut paths = vec![file.to_string()];
        if let Some(folder) = file.strip_suffix("index.html") {
            paths.push(folder.to_string());
            paths.push(folder.trim_end_matches('/').to_string());
        }
        for path in paths {
            urls.push(format!("/{}", slug::encode_path(&path)));
            urls.push(format!("/{path}"));
        }
    }
    let pieces = prop::sample::select(vec![
        "/",
        "/",
        "//",
        "/briefs",
        "articles",
        "tags",
        "x",
        "page",
        "2",
        "index.html",
        "style.css",
        "kim-meets-lavrov",
        "কিম-লাভরভ-বৈঠক",
        "%E0%A6%95%E0%A6%BF%E0%A6%AE-%E0%A6%B2%E0%A6%BE%E0%A6%AD%E0%A6%B0%E0%A6%AD-%E0%A6%AC%E0%A7%88%E0%A6%A0%E0%A6%95",
        "উত্তর-কোরিয়া",
        "%E0%A6%89%E0%A6%A4%E0%A7%8D%E0%A6%A4%E0%A6%B0-%E0%A6%95%E0%A7%8B%E0%A6%B0%E0%A6%BF%E0%A6%AF%E0%A6%BC%E0%A6%BE",
        "ছবি ১.jpg",
        "%E0%A6%9B%E0%A6%AC%E0%A6%BF%20%E0%A7%A7.jpg",
        "trip",
        "map one.svg",
        "map%20one.svg",
        ".",
        "..",
        "%2e",
        "%2E%2e",
        "%2f",
        "%2F",
        "%5c",
        "\\",
        "%00",
        "\0",
        "%",
        "%e0%a6",
        "%ff",
        "%c0%ae",
        "?",
        "#",
        "\r\n",
    ]);
    prop_oneof![
        (
            prop::sample::select(urls),
            prop::collection::vec(pieces.clone(), 0..4)
        )
            .prop_map(|(url, p)| url + &p.concat()),
        prop::collection::vec(pieces, 0..12).prop_map(|p| p.concat()),
    ]
}

/// Resolves `raw` against the pretend build under `base` and checks what came out: a file
/// the build holds, reached by its own encoding too; or a redirect that is a valid,
/// percent-encoded `Location` one hop from a file.
fn check_preview_url(base: &str, raw: &str) -> Result<Resolution, TestCaseError> {
    let exists = |p: &str| PREVIEW_FILES.contains(&p);
    let resolution = preview::resolve(base, raw, exists);
    match &resolution {
        Resolution::File(path) => {
            prop_assert!(exists(path), "{:?} → {:?}", raw, path);
            prop_assert!(
                !path.starts_with('/') && !path.contains(['\\', '\0']),
                "{:?}",
                path
            );
            prop_assert!(
                path.split('/').all(|s| !matches!(s, "" | "." | "..")),
                "{:?}",
                path
            );
            let rest = raw.strip_prefix(base).unwrap_or_default();
            let decoded = percent_decode_str(rest).decode_utf8_lossy().into_owned();
            let expected = if decoded.is_empty() || decoded.ends_with('/') {
                format!("{decoded}index.html")
            } else {
                decoded
            };
            prop_assert_eq!(path, &expected, "{:?} under {:?}", raw, base);
            let again = format!("{base}{}", slug::encode_path(path));
            prop_assert_eq!(
                &preview::resolve(base, &again, exists),
                &resolution,
                "{}",
                again
            );
        }
        Resolution::Redirect(location) => {
            prop_assert!(
                location.bytes().all(|b| b.is_ascii_graphic()),
                "{:?} under {:?} → redirect to {:?}, not percent-encoded",
                raw,
                base,
                location
            );
            prop_assert!(
                location.starts_with('/') && !location.starts_with("//"),
                "{:?}",
                location
            );
            prop_assert!(
                matches!(
                    preview::resolve(base, location, exists),
                    Resolution::File(_)
                ),
                "{:?} → redirect to {:?}, which is no file",
                raw,
                location
            );
        }
        Resolution::NotFound | Resolution::BadRequest(_) => {}
    }
    Ok(resolution)
}

#[test]
fn every_preview_file_is_reached_by_its_encoded_url() {
    for base in ["/", "/briefs/"] {
        for file in PREVIEW_FILES {
            let url = format!("{base}{}", slug::encode_path(file));
            let resolved = preview::resolve(base, &url, |p| PREVIEW_FILES.contains(&p));
            assert_eq!(resolved, Resolution::File(file.to_string()), "{url}");
        }
    }
}

proptest! {
    #![proptest_config(cases(1024))]

    /// The preview server's URL handling (`dev::preview::resolve`): never a path out of the
    /// site or one the build did not write, and percent-decoding round-trips.
    #[test]
    fn preview_urls_resolve_only_to_built_files(
        raw in prop_oneof![url_path(), any::<String>()],
    ) {
        check_preview_url("/", &raw)?;
        check_preview_url("/briefs/", &raw)?;
        let under = format!("/briefs{raw}");
        if let Resolution::File(path) = check_preview_url("/briefs/", &under)?
            && raw.starts_with('/')
        {
            prop_assert_eq!(check_preview_url("/", &raw)?, Resolution::File(path));
        }
    }
}

/// Text that exercises every escape: markup and quote characters, script ends, CDATA ends,
/// entity-like runs, JSON escapes, line separators, Bengali and emoji. No control characters
/// (refused on reading) and no CR (HTML and XML parsers turn it into LF).
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "<",
            ">",
            "&",
            "\"",
            "'",
            "</script>",
            "<!--",
            "]]>",
            "&amp;",
            "&lt;",
            "&#x41;",
            "\\",
            "\\u003c",
            "{{",
            "}}",
            "{%",
            "%}",
            "\u{2028}",
            "\u{2029}",
            "/",
            "`",
            "=",
            " ",
            "\n",
            "\t",
            "কিম",
            "😀",
            "\u{200d}",
            "Kim",
            "a",
            "-",
            "#",
            "?",
            ":",
            "|",
        ])
        .prop_map(str::to_string),
        any::<char>()
            .prop_filter("printable", |c| !briefing::chars::is_forbidden(*c)
                && *c != '\r')
            .prop_map(String::from),
    ];
    prop::collection::vec(piece, 1..12)
        .prop_map(|p| p.concat().trim().to_string())
        .prop_filter("has text", |t| !t.is_empty())
}

fn text_of(doc: &scraper::Html, selector: &str) -> Option<String> {
    let s = scraper::Selector::parse(selector).unwrap();
    doc.select(&s).next().map(|e| e.text().collect())
}

fn built(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let config = briefing::config::load(&BuildOptions {
        root: root.to_path_buf(),
        now: Some("2024-01-01T00:00:00Z".parse().unwrap()),
        ..BuildOptions::default()
    })
    .unwrap();
    match briefing::build_in_memory(&config) {
        Ok((_, files)) => files,
        Err(e) => panic!("{e}"),
    }
}

proptest! {
    #![proptest_config(cases(48))]

    #[test]
    fn front_matter_and_config_text_is_escaped_for_every_output(
        title in hostile_text(),
        summary in hostile_text(),
        site_title in hostile_text(),
        author in hostile_text(),
    ) {
        use briefing::scaffold::yaml_quote;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("site.yaml"),
            format!("title: {}\nbase_url: https://example.org/\n", yaml_quote(&site_title)),
        ).unwrap();
        std::fs::create_dir_all(root.join("content/articles")).unwrap();
        std::fs::write(
            root.join("content/articles/a.md"),
            format!(
                "---\ntitle: {}\ndate: 2023-10-20\nsummary: {}\nauthors: [{}]\ntags: [Kim]\n---\n\nBody.\n",
                yaml_quote(&title), yaml_quote(&summary), yaml_quote(&author)
            ),
        ).unwrap();
        let files = built(root);
        let page = String::from_utf8(files["articles/a/index.html"].clone()).unwrap();
        let doc = scraper::Html::parse_document(&page);

        // HTML text and attributes.
        let h1 = text_of(&doc, "h1");
        prop_assert_eq!(h1.as_deref(), Some(title.as_str()), "h1 in {}", page);
        prop_assert_eq!(
            text_of(&doc, "title"),
            Some(format!("{title} — {site_title}")),
        );
        let og = scraper::Selector::parse("meta[property=\"og:title\"]").unwrap();
        let og_title = doc.select(&og).next().and_then(|e| e.value().attr("content"));
        prop_assert!(og_title.is_some_and(|t| t.contains(&title)), "og:title {:?}", og_title);

        // JSON-LD inside <script>: the element ends where it should and the JSON reads back.
        let ld = text_of(&doc, "script[type=\"application/ld+json\"]").unwrap();
        let ld: serde_json::Value = serde_json::from_str(&ld).unwrap();
        prop_assert_eq!(ld["headline"].as_str(), Some(title.as_str()));
        prop_assert_eq!(ld["description"].as_str(), Some(summary.as_str()));
        prop_assert_eq!(ld["author"][0]["name"].as_str(), Some(author.as_str()));
        prop_assert_eq!(ld["publisher"]["name"].as_str(), Some(site_title.as_str()));

        // JSON Feed and the search index.
        let feed: serde_json::Value = serde_json::from_slice(&files["feed.json"]).unwrap();
        prop_assert_eq!(feed["title"].as_str(), Some(site_title.as_str()));
        prop_assert_eq!(feed["items"][0]["title"].as_str(), Some(title.as_str()));
        let index: serde_json::Value =
            serde_json::from_slice(&files["search-index.json"]).unwrap();
        prop_assert_eq!(index[0]["title"].as_str(), Some(title.as_str()));

        // Atom and the sitemap are well-formed XML with the text intact.
        let atom = String::from_utf8(files["atom.xml"].clone()).unwrap();
        let xml = roxmltree::Document::parse(&atom).unwrap();
        let atom_ns = "http://www.w3.org/2005/Atom";
        let entry = xml.descendants().find(|n| n.has_tag_name((atom_ns, "entry"))).unwrap();
        let entry_title = entry
            .children()
            .find(|n| n.has_tag_name((atom_ns, "title")))
            .and_then(|n| n.text())
            .unwrap_or("");
        prop_assert_eq!(entry_title, title.as_str());
        let author_name = entry
            .descendants()
            .find(|n| n.has_tag_name((atom_ns, "name")))
            .and_then(|n| n.text())
            .unwrap_or("");
        prop_assert_eq!(author_name, author.as_str());
        let sitemap = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
        prop_assert!(roxmltree::Document::parse(&sitemap).is_ok());
    }
}
