//! WCAG 2.2 AA in a real browser: axe-core finds no serious or critical violation on the
//! bundled site's main kinds of page (light and dark, wide and 320 px, which must also
//! reflow without sideways scrolling and load without layout shift); the skip link, focus
//! and search work from the keyboard; articles and editions print without site chrome;
//! Bengali text gets Bengali type (fonts, leading, no tracking, nothing clipped).
//!
//! Headless Chromium driven by the Node scripts in tests/browser/ against `briefing serve`
//! on a copy of the bundled site; needs what tests/browser.rs needs (Chromium, Node, npm).

mod common;

use common::browser;
use percent_encoding::{CONTROLS, utf8_percent_encode};

/// The Bengali seed article, percent-encoded as the site's own links are.
fn seed_article(url: &str) -> String {
    format!(
        "{url}articles/{}/",
        utf8_percent_encode("কিম-লাভরভ-বৈঠক", CONTROLS)
    )
}

#[test]
fn axe_finds_no_serious_violations_light_dark_and_at_320px() {
    let _browser = browser::prepare();
    let served = browser::serve_bundled_site();
    let url = &served.url;
    let pages = [
        url.clone(),
        seed_article(url),
        format!("{url}editions/2023-11-14/"),
        format!("{url}tags/north-korea/"),
        format!("{url}search/"),
        // The article with a lead image: it must not shift the page as it loads.
        format!("{url}articles/korean-peninsula-at-a-glance/"),
    ];
    let stdout = browser::run_script("axe.mjs", &pages);
    // Every page in every setting was audited (four settings per page).
    assert_eq!(
        stdout.matches("serious/critical").count(),
        pages.len() * 4,
        "{stdout}"
    );
    assert_eq!(served.serving.interrupt().code(), Some(0));
}

#[test]
fn skip_link_focus_and_bengali_search_work_by_keyboard() {
    let _browser = browser::prepare();
    let served = browser::serve_bundled_site();
    let stdout = browser::run_script("keyboard.mjs", [&served.url, &seed_article(&served.url)]);
    assert!(
        stdout.contains("Tab reaches the article among the results"),
        "{stdout}"
    );
    assert_eq!(served.serving.interrupt().code(), Some(0));
}

#[test]
fn articles_and_editions_print_without_site_chrome() {
    let _browser = browser::prepare();
    let served = browser::serve_bundled_site();
    let url = &served.url;
    let pages = [
        seed_article(url),
        format!("{url}articles/korean-peninsula-at-a-glance/"),
        format!("{url}editions/2023-11-14/"),
    ];
    let stdout = browser::run_script("print.mjs", &pages);
    assert_eq!(
        stdout.matches(" page(s), ").count(),
        pages.len(),
        "{stdout}"
    );
    assert_eq!(served.serving.interrupt().code(), Some(0));
}

#[test]
fn bengali_text_gets_bengali_fonts_leading_and_no_tracking() {
    let _browser = browser::prepare();
    let served = browser::serve_bundled_site();
    let url = &served.url;
    let pages = [
        url.clone(),
        seed_article(url),
        format!("{url}editions/2023-11-14/"),
        // English pages with Bengali names on them (tags, sources, archive titles).
        format!("{url}tags/"),
        format!("{url}archive/"),
    ];
    let stdout = browser::run_script("typography.mjs", &pages);
    assert_eq!(
        stdout.matches(" Bengali and ").count(),
        pages.len(),
        "{stdout}"
    );
    assert_eq!(served.serving.interrupt().code(), Some(0));
}
