//! Fixture sites built into temp dirs, checked through parsed HTML and the files on disk.

mod common;

use std::path::{Path, PathBuf};

use briefing::BuildOptions;
use common::{fixture, read, read_tree};
use percent_encoding::percent_decode_str;
use scraper::{Html, Selector};

fn build_into(root: &Path, output: &Path, base_url: Option<&str>) -> briefing::BuildReport {
    briefing::build(&BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        base_url: base_url.map(str::to_string),
        drafts: false,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("build failed:\n{e}"))
}

/// Builds the `basic` fixture; returns (site root, output dir).
fn basic() -> (tempfile::TempDir, PathBuf) {
    let site = fixture("basic");
    let output = site.path().join("output");
    build_into(site.path(), &output, None);
    (site, output)
}

fn html(path: &Path) -> Html {
    Html::parse_document(&read(path))
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

/// Article URLs linked from `main`, in order, without repeats.
fn article_links(doc: &Html) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    for a in select(doc, "main a[href*='/articles/']") {
        let href = decode(a.value().attr("href").unwrap());
        if !links.contains(&href) {
            links.push(href);
        }
    }
    links
}

fn decode(href: &str) -> String {
    percent_decode_str(href).decode_utf8().unwrap().into_owned()
}

#[test]
fn writes_articles_tags_home_static_and_404() {
    let (_site, out) = basic();
    for file in [
        "index.html",
        "404.html",
        "articles/older-english/index.html",
        "articles/বাংলা-প্রতিবেদন/index.html",
        "articles/trip/index.html",
        "articles/trip/map.svg",
        "articles/windows/index.html",
        "tags/index.html",
        "tags/উত্তর-কোরিয়া/index.html",
        "tags/diplomacy/index.html",
        "tags/north-korea/index.html",
        "tags/kcna/index.html",
        "style.css",
        "favicon.svg",
        "robots.txt",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (site, out) = basic();
    assert!(!out.join("articles/draft-note").exists());
    assert!(!out.join("tags/drafts-only").exists());
    let with_drafts = site.path().join("with-drafts");
    briefing::build(&BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(with_drafts.clone()),
        base_url: None,
        drafts: true,
        ..Default::default()
    })
    .unwrap();
    assert!(with_drafts.join("articles/draft-note/index.html").is_file());
    assert!(with_drafts.join("tags/drafts-only/index.html").is_file());
}

#[test]
fn home_lists_articles_newest_first() {
    let (_site, out) = basic();
    let links = article_links(&html(&out.join("index.html")));
    assert_eq!(
        links,
        [
            "/articles/বাংলা-প্রতিবেদন/",
            "/articles/trip/",
            "/articles/windows/",
            "/articles/older-english/",
        ]
    );
}

#[test]
fn tags_equal_after_case_folding_are_one_tag_page() {
    let (_site, out) = basic();
    // "Diplomacy" once, "diplomacy" twice: one page, under the most used spelling.
    let doc = html(&out.join("tags/diplomacy/index.html"));
    assert_eq!(article_links(&doc).len(), 3);
    let h1: String = select(&doc, "h1")[0].text().collect();
    assert!(h1.contains("diplomacy"), "{h1}");
    let tags = html(&out.join("tags/index.html"));
    let text: String = select(&tags, "main")[0].text().collect();
    assert!(text.contains("উত্তর কোরিয়া"), "{text}");
}

#[test]
fn tag_page_lists_its_articles_newest_first() {
    let (_site, out) = basic();
    let links = article_links(&html(&out.join("tags/north-korea/index.html")));
    assert_eq!(links, ["/articles/trip/", "/articles/older-english/"]);
}

#[test]
fn each_page_carries_its_own_language() {
    let (_site, out) = basic();
    let bn = html(&out.join("articles/বাংলা-প্রতিবেদন/index.html"));
    let root = bn.root_element();
    assert_eq!(root.value().attr("lang"), Some("bn"));
    assert_eq!(root.value().attr("dir"), Some("ltr"));
    let en = html(&out.join("articles/older-english/index.html"));
    assert_eq!(en.root_element().value().attr("lang"), Some("en"));
}

#[test]
fn bengali_article_keeps_script_in_title_heading_ids_and_dates() {
    let (_site, out) = basic();
    let doc = html(&out.join("articles/বাংলা-প্রতিবেদন/index.html"));
    let title: String = select(&doc, "h1")[0].text().collect();
    assert_eq!(title.trim(), "উত্তর কোরিয়া ও রাশিয়ার বৈঠক");
    assert_eq!(select(&doc, "h2[id='ধ্বংসের-প্রথম-লক্ষ্য']").len(), 1);
    let times: Vec<String> = select(&doc, "main time")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    assert!(times.contains(&"২০ অক্টোবর ২০২৩".to_string()), "{times:?}");
    let datetime = select(&doc, "main time")[0]
        .value()
        .attr("datetime")
        .unwrap();
    assert_eq!(datetime, "2023-10-20T09:30:00+06:00");
}

#[test]
fn repeated_headings_get_unique_ids() {
    let (_site, out) = basic();
    let doc = html(&out.join("articles/older-english/index.html"));
    let ids: Vec<&str> = select(&doc, "main h1[id], main h2[id]")
        .iter()
        .filter_map(|h| h.value().attr("id"))
        .collect();
    assert_eq!(ids, ["background", "background-1"]);
}

#[test]
fn bom_and_crlf_are_ordinary_input() {
    let (_site, out) = basic();
    let doc = html(&out.join("articles/windows/index.html"));
    let title: String = select(&doc, "h1")[0].text().collect();
    assert_eq!(title.trim(), "Windows editor article");
}

#[test]
fn bundle_image_resolves_next_to_the_page() {
    let (_site, out) = basic();
    let doc = html(&out.join("articles/trip/index.html"));
    let srcs: Vec<&str> = select(&doc, "main img")
        .iter()
        .filter_map(|i| i.value().attr("src"))
        .collect();
    assert!(srcs.contains(&"/articles/trip/map.svg"), "{srcs:?}");
    assert!(srcs.contains(&"map.svg"), "{srcs:?}");
}

/// Every root-relative `href`/`src` in every page names a file in the output.
fn assert_internal_links_resolve(out: &Path, base_path: &str) {
    let mut checked = 0;
    for (rel, bytes) in read_tree(out) {
        if rel.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let page_dir = Path::new("/").join(rel.parent().unwrap());
        let doc = Html::parse_document(&String::from_utf8(bytes).unwrap());
        for el in select(&doc, "[href], [src]") {
            let link = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if link.contains("://") || link.starts_with('#') || link.starts_with("mailto:") {
                continue;
            }
            let path = link.split(['?', '#']).next().unwrap();
            let path = decode(path);
            let target = if let Some(rest) = path.strip_prefix(base_path) {
                out.join(rest)
            } else {
                assert!(
                    !path.starts_with('/'),
                    "{}: {link} is outside {base_path}",
                    rel.display()
                );
                out.join(page_dir.strip_prefix("/").unwrap()).join(&path)
            };
            let target = if path.ends_with('/') {
                target.join("index.html")
            } else {
                target
            };
            assert!(target.is_file(), "{}: broken link {link}", rel.display());
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

#[test]
fn internal_links_resolve_to_files() {
    let (_site, out) = basic();
    assert_internal_links_resolve(&out, "/");
}

#[test]
fn links_respect_the_path_of_base_url() {
    let site = fixture("basic");
    let out = site.path().join("public");
    build_into(site.path(), &out, Some("https://user.github.io/briefs"));
    assert_internal_links_resolve(&out, "/briefs/");
    let doc = html(&out.join("articles/বাংলা-প্রতিবেদন/index.html"));
    let canonical = select(&doc, "link[rel=canonical]")[0]
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(
        decode(canonical),
        "https://user.github.io/briefs/articles/বাংলা-প্রতিবেদন/"
    );
    let tag_link = select(&doc, "main a[href*='/tags/']")[0]
        .value()
        .attr("href")
        .unwrap();
    assert!(tag_link.starts_with("/briefs/tags/%E0%A6%"), "{tag_link}");
}

#[test]
fn same_input_gives_the_same_bytes() {
    let site = fixture("basic");
    let (a, b) = (site.path().join("a"), site.path().join("b"));
    build_into(site.path(), &a, None);
    build_into(site.path(), &b, None);
    assert_eq!(read_tree(&a), read_tree(&b));
}

#[test]
fn rebuild_after_edits_equals_a_clean_build() {
    let site = fixture("basic");
    let out = site.path().join("output");
    let articles = site.path().join("content/articles");
    build_into(site.path(), &out, None);

    // Delete an article, retitle another, then rebuild twice (the second reuses the spare).
    std::fs::remove_file(articles.join("older-english.md")).unwrap();
    let windows = articles.join("windows.md");
    let text = std::fs::read_to_string(&windows).unwrap();
    std::fs::write(&windows, text.replace("Windows editor article", "Retitled")).unwrap();
    build_into(site.path(), &out, None);
    assert!(
        !out.join("articles/older-english").exists(),
        "deleted article lingers"
    );
    build_into(site.path(), &out, None);

    let clean = site.path().join("clean");
    build_into(site.path(), &clean, None);
    assert_eq!(read_tree(&out), read_tree(&clean));
    let doc = html(&out.join("tags/diplomacy/index.html"));
    assert_eq!(article_links(&doc).len(), 2);
}

#[test]
fn no_change_rebuild_writes_nothing() {
    let site = fixture("basic");
    let out = site.path().join("output");
    build_into(site.path(), &out, None);
    build_into(site.path(), &out, None);
    let report = build_into(site.path(), &out, None);
    assert_eq!(report.written, 0);
    assert!(report.files > 10);
}

#[test]
fn site_templates_override_theme_files_one_by_one() {
    let site = fixture("basic");
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("404.html"),
        "{% extends \"base.html\" %}{% block main %}<p id=\"custom\">Lost, {{ site.title }}</p>{% endblock main %}",
    )
    .unwrap();
    let out = site.path().join("output");
    build_into(site.path(), &out, None);
    let doc = html(&out.join("404.html"));
    let text: String = select(&doc, "#custom")[0].text().collect();
    assert_eq!(text, "Lost, Fixture Desk");
    assert!(
        out.join("tags/index.html").is_file(),
        "other theme templates still used"
    );
}

#[test]
fn output_folder_keeps_gitignore_and_marker() {
    let site = fixture("basic");
    let out = site.path().join("output");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".gitignore"), "*\n").unwrap();
    build_into(site.path(), &out, None);
    assert_eq!(read(&out.join(".gitignore")), "*\n");
    assert!(out.join(briefing::output::MARKER).is_file());
}

#[test]
fn refuses_output_folders_it_did_not_make() {
    let site = fixture("basic");
    let options = |output: PathBuf| BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(output),
        base_url: None,
        drafts: false,
        ..Default::default()
    };
    let foreign = site.path().join("thesis");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("chapter1.docx"), "precious").unwrap();
    for output in [
        site.path().to_path_buf(),
        foreign.clone(),
        site.path().join("content"),
    ] {
        let err = briefing::build(&options(output.clone()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("refusing to build into"),
            "{}: {err}",
            output.display()
        );
    }
    assert_eq!(read(&foreign.join("chapter1.docx")), "precious");
}

#[test]
fn seed_article_text_comes_through_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = read(&common::fixtures().join("seed-000_0698b4403280fe61.txt"));
    let source = read(&root.join("content/articles/কিম-লাভরভ-বৈঠক.md"));
    let body = source.splitn(3, "---\n").nth(2).unwrap();
    let lines: Vec<&str> = body
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.strip_prefix("## ").unwrap_or(l))
        .collect();
    let expected: Vec<&str> = seed.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines, expected);
    assert!(body.contains("\n## ‘ধ্বংসের প্রথম লক্ষ্য’\n"));
}

#[test]
fn seed_article_page_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    build_into(root, &output, None);
    let page = read(&output.join("articles/কিম-লাভরভ-বৈঠক/index.html"));
    // Every paragraph of the seed is in the page, unescaped and unaltered.
    let seed = read(&common::fixtures().join("seed-000_0698b4403280fe61.txt"));
    for line in seed.lines().filter(|l| !l.is_empty()) {
        assert!(page.contains(line), "missing: {line}");
    }
    insta::assert_snapshot!(common::redact_asset_hashes(&page));
}

#[test]
fn github_pages_files_nojekyll_always_cname_when_configured() {
    let (site, out) = basic();
    assert!(out.join(".nojekyll").is_file());
    assert!(!out.join("CNAME").exists());
    let config = site.path().join("site.yaml");
    let text = read(&config);
    std::fs::write(&config, format!("{text}cname: briefs.example.org\n")).unwrap();
    build_into(site.path(), &out, None);
    assert_eq!(read(&out.join("CNAME")), "briefs.example.org\n");
}

#[test]
fn cname_with_a_scheme_is_an_error_at_its_line() {
    let site = fixture("basic");
    let config = site.path().join("site.yaml");
    let text = read(&config);
    std::fs::write(
        &config,
        format!("{text}cname: https://briefs.example.org\n"),
    )
    .unwrap();
    let err = briefing::build(&BuildOptions {
        root: site.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("site.yaml:6:8: error: cname `https://briefs.example.org` must be a domain without a scheme"), "{err}");
}

#[test]
fn bundle_images_in_the_text_carry_their_size_so_nothing_shifts() {
    let (_site, out) = basic();
    let doc = html(&out.join("articles/trip/index.html"));
    let img = select(&doc, "article img[src='map.svg']");
    assert_eq!(img.len(), 1);
    assert_eq!(img[0].value().attr("width"), Some("10"));
    assert_eq!(img[0].value().attr("height"), Some("10"));
    assert_eq!(img[0].value().attr("alt"), Some("A map of the peninsula"));
}

/// Lists show each page's `card` (its `article_card` rendered once per build) instead of
/// rendering the component again: the card must be exactly what the component renders there.
#[test]
fn a_summarys_card_is_what_the_article_card_component_renders_in_a_list() {
    compare_ready_made_piece("card", "article_card", "class=\"card");
}

/// Related lists show each page's `story_item` ready-made, in a list of any language: it must
/// be exactly what the `story_item` component renders.
#[test]
fn a_summarys_story_item_is_what_the_story_item_component_renders() {
    compare_ready_made_piece("story_item", "story_item", "class=\"story-list__title");
}

/// Builds the `basic` fixture with tag pages that show each page's ready-made `field` beside
/// `component` rendered live, and checks they are the same (`marker` shows it is there).
fn compare_ready_made_piece(field: &str, component: &str, marker: &str) {
    let site = fixture("basic");
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("tag.html"),
        format!(
            "{{% for p in pages %}}<div class=\"pair\"><div class=\"cached\">{{{{ p.{field} | safe }}}}</div>\
             <div class=\"live\">{{{{ <{component} page={{p}} /> }}}}</div></div>{{% endfor %}}"
        ),
    )
    .unwrap();
    let out = site.path().join("output");
    build_into(site.path(), &out, None);
    let mut pairs = 0;
    for entry in std::fs::read_dir(out.join("tags")).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        if !page.is_file() {
            continue;
        }
        let doc = html(&page);
        for pair in select(&doc, ".pair") {
            let part = |css: &str| {
                let s = Selector::parse(css).unwrap();
                pair.select(&s).next().unwrap().inner_html()
            };
            let (cached, live) = (part(".cached"), part(".live"));
            assert!(cached.contains(marker), "{cached}");
            assert_eq!(cached, live, "{}", page.display());
            pairs += 1;
        }
    }
    assert!(pairs >= 3, "only {pairs} {field}s compared");
}

/// A card is rendered outside any list page: a template error in it still fails the build
/// and points into the component's file.
#[test]
fn a_card_that_cannot_render_fails_the_build_at_its_template_line() {
    let site = fixture("basic");
    let templates = site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let theme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/components.html"),
    )
    .unwrap();
    let broken = theme.replacen(
        "<div class=\"card__body\">",
        "<div class=\"card__body\">{{ page.no_such_field.deeper }}",
        1,
    );
    assert_ne!(broken, theme);
    std::fs::write(templates.join("components.html"), &broken).unwrap();
    let err = briefing::build(&BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(site.path().join("output")),
        ..Default::default()
    })
    .unwrap_err()
    .to_string();
    let line = 1 + broken
        .lines()
        .position(|l| l.contains("no_such_field"))
        .unwrap();
    assert!(
        err.contains(&format!("templates/components.html:{line}:")),
        "{err}"
    );
    assert!(
        err.contains("while rendering the card of content/articles/"),
        "{err}"
    );
    assert!(!site.path().join("output").exists(), "nothing written");
}

/// Pages make their HTML from the article file when they are rendered (bodies are not kept
/// from the parse): a file edited in between must stop the build, not give a page whose text
/// is newer than its lists and feeds, and a file deleted in between is said to be deleted.
#[test]
fn article_edited_or_deleted_between_parse_and_render_stops_the_build() {
    let site = fixture("basic");
    let config = briefing::config::load(&BuildOptions {
        root: site.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    let mut prepared = briefing::prepare(&config).unwrap();

    // Unchanged files: the pages carry the text.
    let sink = briefing::render::MemorySink::default();
    prepared.render(&sink).unwrap();
    let files = sink.into_files();
    let page = String::from_utf8(files["articles/older-english/index.html"].clone()).unwrap();
    assert!(page.contains("<p>"), "{page}");

    let article = site.path().join("content/articles/older-english.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        format!("{text}\nA sentence added during the build.\n"),
    )
    .unwrap();
    let err = prepared
        .render(&briefing::render::MemorySink::default())
        .expect_err("a file edited after its parse must not be rendered");
    let message = err.to_string();
    assert!(
        message.contains("older-english.md")
            && message.contains("the file changed while the site was being built"),
        "{message}"
    );

    std::fs::remove_file(&article).unwrap();
    let message = prepared
        .render(&briefing::render::MemorySink::default())
        .expect_err("a file deleted after its parse must not be rendered")
        .to_string();
    assert!(
        message.contains("older-english.md")
            && message.contains("the file was deleted while the site was being built"),
        "{message}"
    );
}

/// A page's summary, as lists see it, shares values between pages (one per tag and page
/// language; one per source cited by the same name and address; `description` is the page's
/// own summary, else the site's description) instead of carrying copies: what a template
/// reads must be the same either way.
#[test]
fn list_summaries_show_each_page_description_and_tags() {
    let site = fixture("minimal_theme");
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/minimal"),
        &site.path().join("themes/minimal"),
    );
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/index.html"),
        "{% for p in pages %}{{ p.url }} | {{ p.description }} | {{ p.summary }} | \
         {% for t in p.tags %}{{ t.name }} {{ t.url }}{% endfor %} | \
         {% for s in p.sources %}{{ s.name }} {{ s.url }} {{ s.page_url }};{% endfor %}\n{% endfor %}",
    )
    .unwrap();
    // No summary and no text: the one kind of page whose summary is empty.
    std::fs::write(
        site.path().join("content/articles/empty.md"),
        "---\ntitle: Nothing yet\ndate: 2023-10-19\ntags: [Sanctions]\nlang: en\n\
         sources: [{name: KCNA, url: \"http://www.kcna.kp/en/\"}]\n---\n",
    )
    .unwrap();
    let yaml = read(&site.path().join("site.yaml"));
    std::fs::write(
        site.path().join("site.yaml"),
        format!("{yaml}\ndescription: The desk's own line.\npaginate: 10\n")
            .replace("paginate: 1\n", ""),
    )
    .unwrap();
    let (_, files) = briefing::build_in_memory(
        &briefing::config::load(&BuildOptions {
            root: site.path().to_path_buf(),
            ..Default::default()
        })
        .unwrap(),
    )
    .unwrap();
    let home = String::from_utf8(files["index.html"].clone()).unwrap();
    let lines: Vec<&str> = home.lines().collect();
    assert_eq!(
        lines,
        [
            "/articles/%E0%A6%AC%E0%A7%88%E0%A6%A0%E0%A6%95/ | \
             রুশ পররাষ্ট্রমন্ত্রী সের্গেই লাভরভের সঙ্গে বৈঠক করেছেন কিম জং উন। | \
             রুশ পররাষ্ট্রমন্ত্রী সের্গেই লাভরভের সঙ্গে বৈঠক করেছেন কিম জং উন। | \
             North Korea /tags/north-korea/ | ",
            "/articles/lavrov/ | Kim pledges to carry out the deals agreed with Putin. | \
             Kim pledges to carry out the deals agreed with Putin. | North Korea /tags/north-korea/ | \
             KCNA http://www.kcna.kp/ /sources/kcna/;",
            // The same source cited at another address: its own value, not the first one's.
            "/articles/empty/ | The desk&#39;s own line. |  | Sanctions /tags/sanctions/ | \
             KCNA http://www.kcna.kp/en/ /sources/kcna/;",
        ],
        "{home}"
    );
}
