//! `briefing init` and `briefing new`: the files of a new site, and a new article's file.
//!
//! The texts are made by pure functions (`site_files`, `choose_slug`, `article_text`);
//! `init` and `new_article` only add the checks and the writing.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::config::{self, BuildOptions, CONFIG_FILE};
use crate::error::{Error, Result};
use crate::slug::{has_empty_slug, slugify};
use crate::{content, theme};

/// The example article's file stem, and so its slug.
pub const EXAMPLE_ARTICLE: &str = "welcome";

/// Where a new site's editable copy of the default theme goes.
pub const THEME_COPY_DIR: &str = "themes/default";

/// Folder of the articles, relative to the site root.
const ARTICLES_DIR: &str = "content/articles";

/// `now`, without its seconds, in `tz`, as RFC 3339 with the offset: `2026-11-29T13:05:00+06:00`.
pub fn local_minute(now: Timestamp, tz: &TimeZone) -> String {
    let second = now.as_second();
    let minute = Timestamp::from_second(second - second.rem_euclid(60)).unwrap_or(now);
    let offset = minute.to_zoned_datetime(tz.clone()).offset();
    minute.display_with_offset(offset).to_string()
}

/// `text` as a YAML double-quoted scalar that reads back as exactly `text`.
///
/// `"` and `\` are escaped, and so is every character YAML does not allow as it is or would
/// read as a line break (control characters, U+0085, U+2028, U+2029, U+FEFF, U+FFFE/F).
pub fn yaml_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_plain_in_quotes(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// Whether YAML reads `c` as itself inside double quotes: printable, and not a line break or BOM.
fn is_plain_in_quotes(c: char) -> bool {
    matches!(
        u32::from(c),
        0x20..=0x7E | 0xA0..=0x2027 | 0x202A..=0xD7FF | 0xE000..=0xFEFE | 0xFF00..=0xFFFD | 0x10000..
    )
}

/// What `briefing new` is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewArticle {
    pub title: String,
    pub tags: Vec<String>,
    pub lang: Option<String>,
    pub slug: Option<String>,
}

impl NewArticle {
    /// The title and tags trimmed, empty tags dropped.
    pub fn tidy(mut self) -> Self {
        self.title = self.title.trim().to_string();
        self.tags = self
            .tags
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        self
    }

    /// Checks the title, tags and language; the message says what to change.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.title.trim().is_empty() {
            return Err(
                "the title is empty; write it in quotes, e.g. `briefing new \"Kim meets Lavrov\"`"
                    .to_string(),
            );
        }
        // The build refuses these characters; refusing them here gives the reason at once.
        let texts = std::iter::once(&self.title).chain(&self.tags);
        if let Some(c) = texts.filter_map(|t| crate::chars::find_forbidden(t)).next() {
            return Err(format!(
                "the title or a tag holds the control character {}, which web pages and feeds cannot carry; leave it out",
                crate::chars::name(c.1)
            ));
        }
        if let Some(tag) = self.tags.iter().find(|t| has_empty_slug(t)) {
            return Err(format!(
                "tag `{tag}` has no letters or digits, so it has no page; leave it out"
            ));
        }
        if let Some(lang) = &self.lang
            && !config::is_language_tag(lang)
        {
            return Err(format!(
                "--lang `{lang}` is not a BCP 47 language tag; use a tag like `en`, `bn` or `bn-BD`"
            ));
        }
        Ok(())
    }
}

/// The new article's slug: `slug` if given (it must already be in slug form), else the title's.
pub fn choose_slug(title: &str, slug: Option<&str>) -> std::result::Result<String, String> {
    match slug {
        Some(given) => {
            let clean = slugify(given);
            if clean.is_empty() {
                Err(format!(
                    "--slug `{given}` has no letters or digits; write one like `--slug kim-lavrov-talks`"
                ))
            } else if clean != given {
                Err(format!(
                    "--slug `{given}` is not in slug form (lower-case letters, digits, marks and `-`); use `--slug {clean}`"
                ))
            } else {
                Ok(clean)
            }
        }
        None => {
            let slug = slugify(title);
            if slug.is_empty() {
                Err(format!(
                    "the title `{title}` has no letters or digits to make a file name from; pass one with `--slug`, e.g. `--slug kim-lavrov-talks`"
                ))
            } else {
                Ok(slug)
            }
        }
    }
}

/// The new article's file: front matter (title, `date`, `draft: true`, tags, lang, an empty
/// summary), then a placeholder line for the text.
pub fn article_text(article: &NewArticle, date: &str) -> String {
    let mut text = String::from("---\n");
    let _ = writeln!(text, "title: {}", yaml_quote(&article.title));
    let _ = writeln!(text, "date: {date}");
    text.push_str("draft: true\n");
    if !article.tags.is_empty() {
        text.push_str("tags:\n");
        for tag in &article.tags {
            let _ = writeln!(text, "  - {}", yaml_quote(tag));
        }
    }
    if let Some(lang) = &article.lang {
        let _ = writeln!(text, "lang: {lang}");
    }
    text.push_str("summary: \"\"\n---\n\nWrite the article here.\n");
    text
}

/// Creates `ROOT/content/articles/<slug>.md` for `article`, dated `now` (the current time if
/// None) in the site's time zone. Returns the path relative to the root, with `/` separators.
///
/// Refuses (a usage error) a root that is not a site, a bad title, tag, language or slug, and
/// a slug some article already has; never overwrites a file.
pub fn new_article(root: &Path, article: NewArticle, now: Option<Timestamp>) -> Result<String> {
    let article = article.tidy();
    if !root.join(CONFIG_FILE).is_file() && !root.join("content").is_dir() {
        return Err(Error::Usage(format!(
            "{} is not a briefing site: it has neither {CONFIG_FILE} nor content/; pass the site folder with --root, or create a site with `briefing init DIR`",
            root.display()
        )));
    }
    article.check().map_err(Error::Usage)?;
    let slug = choose_slug(&article.title, article.slug.as_deref()).map_err(Error::Usage)?;
    let config = config::load(&BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    })?;
    let relative = format!("{ARTICLES_DIR}/{slug}.md");
    let taken = |existing: &str| {
        Error::Usage(format!(
            "refusing to overwrite {existing}: it already exists; choose another title, or another slug with --slug"
        ))
    };
    let articles_dir = config.root.join(ARTICLES_DIR);
    let path = articles_dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(taken(&relative));
    }
    for file in content::discover_articles(&config.root, &articles_dir)? {
        if slugify(&file.stem) == slug {
            return Err(Error::Usage(format!(
                "an article with the slug `{slug}` already exists: {}; choose another title, or another slug with --slug",
                file.display.to_string_lossy().replace('\\', "/")
            )));
        }
    }
    let date = local_minute(now.unwrap_or_else(Timestamp::now), &config.timezone);
    let text = article_text(&article, &date);
    std::fs::create_dir_all(&articles_dir).map_err(|e| Error::io(&articles_dir, e))?;
    write_new(&path, text.as_bytes()).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => taken(&relative),
        _ => Error::io(&path, e),
    })?;
    Ok(relative)
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Every file of a new site, as (path relative to the site root with `/`, bytes), dated `now`.
///
/// With `theme_copy`, the default theme's files are included under `themes/default/`.
pub fn site_files(theme_copy: bool, now: Timestamp) -> Vec<(String, Cow<'static, [u8]>)> {
    let date = local_minute(now, &TimeZone::UTC);
    let day = &date[..10];
    let text = |s: String| Cow::Owned(s.into_bytes());
    let mut files: Vec<(String, Cow<'static, [u8]>)> = vec![
        (CONFIG_FILE.to_string(), text(site_yaml(theme_copy))),
        (
            format!("{ARTICLES_DIR}/{EXAMPLE_ARTICLE}.md"),
            text(EXAMPLE_ARTICLE_TEXT.replace("{DATE}", &date)),
        ),
        (
            format!("content/editions/{day}.md"),
            text(
                EXAMPLE_EDITION_TEXT
                    .replace("{DATE}", &date)
                    .replace("{DAY}", day)
                    .replace("{ARTICLE}", EXAMPLE_ARTICLE),
            ),
        ),
        ("static/.gitkeep".to_string(), Cow::Borrowed(b"")),
        (
            ".gitignore".to_string(),
            Cow::Borrowed(GITIGNORE.as_bytes()),
        ),
        ("README.md".to_string(), text(editor_readme(theme_copy))),
        (
            ".github/workflows/pages.yml".to_string(),
            text(PAGES_WORKFLOW.replace("{VERSION}", env!("CARGO_PKG_VERSION"))),
        ),
    ];
    if theme_copy {
        for (rel, bytes) in theme::DEFAULT_THEME {
            files.push((format!("{THEME_COPY_DIR}/{rel}"), Cow::Borrowed(*bytes)));
        }
    }
    files
}

/// Creates a new site in `dir` (made if missing) and returns the paths written, relative to
/// `dir`. Refuses (a usage error, nothing touched) a `dir` that is not an empty folder.
pub fn init(dir: &Path, theme_copy: bool, now: Option<Timestamp>) -> Result<Vec<String>> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "refusing to create a site in {}: it is a file, not a folder",
                dir.display()
            )));
        }
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<std::io::Result<_>>()
            .map_err(|e| Error::io(dir, e))?;
        names.sort();
        if let Some(first) = names.first() {
            let more = match names.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            return Err(Error::Usage(format!(
                "refusing to create a site in {}: the folder is not empty (it holds {first}{more}); choose a new or empty folder",
                dir.display()
            )));
        }
    }
    let files = site_files(theme_copy, now.unwrap_or_else(Timestamp::now));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::with_capacity(files.len());
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        write_new(&path, &bytes).map_err(|e| Error::io(&path, e))?;
        written.push(rel);
    }
    Ok(written)
}

/// The paths `init` reports, for people: the theme copy as one line.
pub fn summarize_paths(paths: &[String]) -> Vec<String> {
    let prefix = format!("{THEME_COPY_DIR}/");
    let theme_files = paths.iter().filter(|p| p.starts_with(&prefix)).count();
    let mut lines: Vec<String> = paths
        .iter()
        .filter(|p| !p.starts_with(&prefix))
        .map(|p| p.strip_suffix(".gitkeep").unwrap_or(p).to_string())
        .collect();
    if theme_files > 0 {
        lines.push(format!("{prefix} ({theme_files} files)"));
    }
    lines
}

fn site_yaml(theme_copy: bool) -> String {
    let theme = if theme_copy {
        "# The theme: a folder in themes/. themes/default/ holds an editable copy of the\n\
         # default theme, and the build uses it instead of the one built into briefing.\n\
         # theme: default\n"
    } else {
        "# The theme: a folder in themes/. The default theme is built into briefing, so\n\
         # this site needs no themes/ folder.\n\
         # theme: default\n"
    };
    SITE_YAML.replace("{THEME}", theme)
}

fn editor_readme(theme_copy: bool) -> String {
    let theme = if theme_copy {
        "The site's look comes from `themes/default/`, a copy of briefing's default theme:\n\
         edit its `templates/` (Tera templates) and `static/` (CSS, scripts) freely.\n\
         `themes/default/README.md` lists what each template receives.\n"
    } else {
        "The site's look comes from the default theme built into briefing. To change a\n\
         template, put a file of the same name in `templates/` (e.g. `templates/article.html`);\n\
         files in `static/` are copied to the site's root and replace the theme's.\n"
    };
    EDITOR_README.replace("{THEME}", theme)
}

const SITE_YAML: &str = r#"# Settings for the whole site. Every key is optional: delete one to get its default.
# An article's front matter can set `lang` for that article alone.

# The publication's name, shown in the header, in page titles and in feeds.
title: "My Briefing"

# One line about the site: the meta description of the home page and of articles
# without a `summary`, and the footer.
description: "Short, sourced briefings on the news that matters."

# The address the site is served from (a trailing / is added), e.g.
# https://USER.github.io/REPO/ for a GitHub Pages project site. Feeds, the sitemap and
# canonical links use it, and its path (/REPO/) prefixes every link.
# This is a placeholder: replace it with your address. The GitHub Pages workflow
# (.github/workflows/pages.yml) builds with `--base-url`, which overrides it.
base_url: "https://example.org/"

# The site's language, a BCP 47 tag (`en`, `bn`, `bn-BD`), for articles without `lang`.
language: en

# IANA time zone (`UTC`, `Asia/Dhaka`, `Europe/London`) for dates written without a time
# or offset, and for showing dates. `briefing new` dates new articles in it.
timezone: UTC

# Items per page of the home page and of the tag, source and edition lists.
paginate: 20

# Raw HTML in articles is published as written, which suits a newsroom that trusts its
# writers. Set `sanitize: true` when people outside the team write articles: their HTML is
# then cleaned (no scripts, styles, frames or event handlers; safe links and images stay).
sanitize: false

{THEME}
# A custom domain for GitHub Pages, written to output/CNAME: the domain alone, without
# https:// or a path. Set the same domain in the repository's Settings → Pages.
# cname: briefs.example.org
"#;

const EXAMPLE_ARTICLE_TEXT: &str = r#"---
title: "Welcome: how this briefing works"
date: {DATE}
summary: "Every article is a Markdown file with a short header, and an edition collects articles with the editor's notes. This example shows both; edit it or delete it."
tags:
  - Getting started
  - How-to
sources:
  - name: CommonMark
    url: https://commonmark.org/help/
  - name: YAML
    url: https://yaml.org/
---

This is an example article. Every Markdown file in `content/articles/` becomes a page at
`/articles/FILE-NAME/`. To start a new one, run `briefing new "The headline"`.

## The header

The lines between the two `---` at the top of the file are the article's front matter:

```yaml
title: "The headline"
date: 2024-05-01T09:30:00+06:00
summary: "One or two sentences under the headline."
tags: [Elections, Bangladesh]
sources:
  - name: Reuters
    url: https://www.reuters.com/
lang: bn
draft: true
```

Only `title` and `date` are required. `lang` is needed only when the article is not in the
site's language, and `draft: true` keeps the article off the site until you remove it.

## The text

Below the header, write in Markdown: **bold**, *italics*, [links](https://commonmark.org/help/),
lists, tables and footnotes.[^1] Text in any script, Bengali included, is kept exactly as written.

## Publishing

`briefing build` writes the site to `output/`, and `briefing watch` rebuilds it on every save.
The `README.md` next to `site.yaml` explains how to put the site on GitHub Pages.

[^1]: Like this one.
"#;

const EXAMPLE_EDITION_TEXT: &str = r#"---
title: "First edition"
date: {DATE}
summary: "An edition is the editor's selection of articles, in order, each with a note."
articles:
  - slug: {ARTICLE}
    note: "Start here: how articles and editions are written."
---

This is an example edition, `content/editions/{DAY}.md`. Its introduction is Markdown, and
`articles:` lists the articles it includes by their slug (the file name without `.md`), each
with an optional one-line note.
"#;

const GITIGNORE: &str =
    "# Build output: `briefing build` writes it, and the Pages workflow builds its own.
/output/
# The previous build, kept next to output/ to make rebuilds fast.
/.output.briefing-*
";

const EDITOR_README: &str = r#"# My Briefing

This folder is a news briefing site, built with the `briefing` static site generator:
articles in `content/articles/`, editions in `content/editions/`, settings in `site.yaml`.

## Write an article

```sh
briefing new "Kim meets Lavrov in Pyongyang" --tags "North Korea,Russia"
```

creates `content/articles/kim-meets-lavrov-in-pyongyang.md`, dated now, with `draft: true`.
Write the text below the header in Markdown, fill in `summary`, add `sources`, and delete the
`draft: true` line when the article is ready. `--lang bn` marks an article in another language
than the site's; a Bengali title gives a Bengali file name and URL. `--slug` chooses the file
name yourself.

The header (front matter) keys:

| key | |
| --- | --- |
| `title` | the headline (required) |
| `date` | `2024-05-01` or `2024-05-01T09:30:00+06:00` (required) |
| `summary` | one or two sentences under the headline |
| `tags` | a list: `tags: [Elections, Bangladesh]` |
| `sources` | a list of `name` and `url` pairs |
| `lang` | the article's language, when it is not the site's (`bn`, `en`) |
| `draft` | `true` keeps the article off the site |

## Put together an edition

An edition is a file in `content/editions/`, named by its date (`2024-05-01.md`): a title, a
date, an introduction and the slugs of the articles it includes, in order, each with an
optional note. See the example edition there.

## Build and preview

```sh
briefing build            # the site, in output/
briefing build --drafts   # drafts included, to proofread them
briefing watch            # build, then rebuild on every save (Ctrl-C to stop)
python3 -m http.server --directory output 8000   # then open http://127.0.0.1:8000/
```

A build that finds a problem prints each one with its file, line and column, and writes
nothing.

## Publish on GitHub Pages

1. Push this folder to a GitHub repository.
2. In the repository's Settings → Pages, set "Source" to "GitHub Actions".
3. Every push to `main` now runs `.github/workflows/pages.yml`, which builds the site with
   the repository's Pages address as `base_url` and publishes it. (If your default branch
   has another name, change `branches: [main]` in that file.)

For a custom domain, set it in Settings → Pages and as `cname:` in `site.yaml`.

## Theme

{THEME}"#;

const PAGES_WORKFLOW: &str = r#"# Builds the site with briefing and publishes it on GitHub Pages, on every push to main.
# One-time set-up: in the repository's Settings → Pages, set "Source" to "GitHub Actions".
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push waits instead of cancelling one under way.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: pages
        uses: actions/configure-pages@v5
      - uses: dtolnay/rust-toolchain@stable
      - name: Install briefing
        # Installs this version of briefing from crates.io (the version that made the site).
        # To build it from its source repository instead:
        #   cargo install --locked --git https://github.com/OWNER/briefing --tag v{VERSION} briefing
        run: cargo install briefing --version {VERSION} --locked
      - name: Build
        # The Pages address (https://USER.github.io/REPO) replaces base_url from site.yaml.
        run: briefing build --base-url "${{ steps.pages.outputs.base_url }}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::content::front_matter;

    /// The front matter `briefing new` writes, read back.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Front {
        title: String,
        date: String,
        draft: bool,
        tags: Option<Vec<String>>,
        lang: Option<String>,
        summary: String,
    }

    fn front_of(text: &str) -> Front {
        let split = front_matter::split(text).unwrap();
        crate::yaml::parse(split.yaml).unwrap()
    }

    fn at(rfc3339: &str) -> Timestamp {
        rfc3339.parse().unwrap()
    }

    #[test]
    fn date_is_the_minute_in_the_site_zone_with_offset() {
        let dhaka = TimeZone::get("Asia/Dhaka").unwrap();
        let now = at("2026-11-29T07:05:42.123Z");
        assert_eq!(local_minute(now, &dhaka), "2026-11-29T13:05:00+06:00");
        assert_eq!(
            local_minute(now, &TimeZone::UTC),
            "2026-11-29T07:05:00+00:00"
        );
        let kathmandu = TimeZone::get("Asia/Kathmandu").unwrap();
        assert_eq!(local_minute(now, &kathmandu), "2026-11-29T12:50:00+05:45");
        // What it writes, the build reads back as the same minute.
        let parsed = crate::dates::parse(&local_minute(now, &dhaka), &dhaka).unwrap();
        assert_eq!(parsed.timestamp(), at("2026-11-29T07:05:00Z"));
    }

    #[test]
    fn titles_with_colons_quotes_and_escapes_round_trip() {
        for title in [
            "Kim meets Lavrov: \"a new chapter\"",
            "It's 'quoted' # not a comment",
            "- [not, a list] {nor: a map} & *alias | > !tag %",
            r"back\slash \n not a newline",
            "উত্তর কোরিয়া ও রাশিয়া: কিম–লাভরভ বৈঠক",
            "zwj\u{200D}zwnj\u{200C} nbsp\u{A0}end",
            "line\nbreak\ttab\u{2028}ls\u{2029}ps\u{FEFF}bom",
            "true",
            "2023-10-20",
            "~",
            "null",
            "",
        ] {
            let quoted = yaml_quote(title);
            let text = format!("title: {quoted}\n");
            let back: BTreeMap<String, String> =
                crate::yaml::parse(&text).unwrap_or_else(|e| panic!("{quoted}: {e:?}"));
            assert_eq!(back["title"], title, "{quoted}");
            assert!(!quoted.contains('\n'), "{quoted}");
        }
        // Quoted exactly, but refused on reading: no web page or feed may carry them.
        for title in ["nel\u{85}", "bell\u{7}", "non\u{FFFE}"] {
            let text = format!("title: {}\n", yaml_quote(title));
            let err = crate::yaml::parse::<BTreeMap<String, String>>(&text).unwrap_err();
            assert!(err.message.contains("control character"), "{err:?}");
        }
    }

    #[test]
    fn article_text_has_every_field_and_reads_back() {
        let article = NewArticle {
            title: "Sanctions: what \"snapback\" means".into(),
            tags: vec!["North Korea".into(), "UN: Security Council".into()],
            lang: Some("bn".into()),
            slug: None,
        };
        let text = article_text(&article, "2026-11-29T13:05:00+06:00");
        assert!(text.starts_with("---\ntitle: "), "{text}");
        assert!(text.ends_with("---\n\nWrite the article here.\n"), "{text}");
        assert!(
            text.contains("tags:\n  - \"North Korea\"\n  - \"UN: Security Council\"\n"),
            "{text}"
        );
        let front = front_of(&text);
        assert_eq!(front.title, article.title);
        assert_eq!(front.date, "2026-11-29T13:05:00+06:00");
        assert!(front.draft);
        assert_eq!(front.tags.unwrap(), article.tags);
        assert_eq!(front.lang.as_deref(), Some("bn"));
        assert_eq!(front.summary, "");
    }

    #[test]
    fn article_text_leaves_out_tags_and_lang_when_not_given() {
        let text = article_text(
            &NewArticle {
                title: "Plain".into(),
                ..NewArticle::default()
            },
            "2026-11-29T07:05:00+00:00",
        );
        assert_eq!(
            text,
            "---\ntitle: \"Plain\"\ndate: 2026-11-29T07:05:00+00:00\ndraft: true\nsummary: \"\"\n---\n\nWrite the article here.\n"
        );
        let front = front_of(&text);
        assert!(front.tags.is_none() && front.lang.is_none());
    }

    #[test]
    fn slug_from_title_keeps_its_script() {
        assert_eq!(
            choose_slug("উত্তর কোরিয়া ও রাশিয়া", None).unwrap(),
            "উত্তর-কোরিয়া-ও-রাশিয়া"
        );
        assert_eq!(
            choose_slug("Kim meets Lavrov: \"a new chapter\"", None).unwrap(),
            "kim-meets-lavrov-a-new-chapter"
        );
    }

    #[test]
    fn given_slug_must_be_in_slug_form() {
        assert_eq!(
            choose_slug("Anything", Some("kim-lavrov")).unwrap(),
            "kim-lavrov"
        );
        assert_eq!(choose_slug("!!!", Some("২০২৩-বৈঠক")).unwrap(), "২০২৩-বৈঠক");
        let err = choose_slug("Anything", Some("Kim Lavrov")).unwrap_err();
        assert!(err.contains("use `--slug kim-lavrov`"), "{err}");
        let err = choose_slug("Anything", Some("--")).unwrap_err();
        assert!(err.contains("no letters or digits"), "{err}");
    }

    #[test]
    fn a_title_without_letters_needs_a_slug() {
        let err = choose_slug("??? — !!!", None).unwrap_err();
        assert!(err.contains("--slug"), "{err}");
    }

    #[test]
    fn checks_title_tags_and_language() {
        let ok = NewArticle {
            title: "T".into(),
            tags: vec!["a".into()],
            lang: Some("bn-BD".into()),
            slug: None,
        };
        assert_eq!(ok.check(), Ok(()));
        let bad_lang = NewArticle {
            lang: Some("Bengali language".into()),
            ..ok.clone()
        };
        assert!(bad_lang.check().unwrap_err().contains("BCP 47"));
        let bad_tag = NewArticle {
            tags: vec!["—".into()],
            ..ok.clone()
        };
        assert!(bad_tag.check().unwrap_err().contains("tag `—`"));
        let no_title = NewArticle {
            title: "  ".into(),
            ..ok
        };
        assert!(no_title.check().unwrap_err().contains("title is empty"));
    }

    #[test]
    fn tidy_trims_and_drops_empty_tags() {
        let article = NewArticle {
            title: "  Title ".into(),
            tags: vec![" a ".into(), "".into(), "  ".into(), "b".into()],
            ..NewArticle::default()
        }
        .tidy();
        assert_eq!(article.title, "Title");
        assert_eq!(article.tags, ["a", "b"]);
    }

    /// The workflow's shape, read back with the YAML parser the build uses.
    #[derive(Debug, Deserialize)]
    struct Workflow {
        on: BTreeMap<String, serde_json::Value>,
        permissions: BTreeMap<String, String>,
        jobs: BTreeMap<String, Job>,
    }

    #[derive(Debug, Deserialize)]
    struct Job {
        #[serde(default)]
        needs: Option<String>,
        #[serde(default)]
        environment: Option<BTreeMap<String, String>>,
        steps: Vec<Step>,
    }

    #[derive(Debug, Deserialize)]
    struct Step {
        id: Option<String>,
        uses: Option<String>,
        run: Option<String>,
        with: Option<BTreeMap<String, String>>,
    }

    #[test]
    fn pages_workflow_is_yaml_with_the_pages_actions() {
        let files: BTreeMap<String, Cow<[u8]>> = site_files(false, at("2026-11-29T07:05:42Z"))
            .into_iter()
            .collect();
        let text = std::str::from_utf8(&files[".github/workflows/pages.yml"]).unwrap();
        let workflow: Workflow = crate::yaml::parse(text).unwrap();
        assert!(workflow.on.contains_key("push"));
        assert_eq!(workflow.permissions["pages"], "write");
        assert_eq!(workflow.permissions["id-token"], "write");
        assert_eq!(workflow.permissions["contents"], "read");
        let build = &workflow.jobs["build"];
        let uses: Vec<&str> = build
            .steps
            .iter()
            .filter_map(|s| s.uses.as_deref())
            .collect();
        assert_eq!(
            uses,
            [
                "actions/checkout@v4",
                "actions/configure-pages@v5",
                "dtolnay/rust-toolchain@stable",
                "actions/upload-pages-artifact@v3"
            ]
        );
        assert!(build.steps.iter().any(|s| s.id.as_deref() == Some("pages")));
        let runs: Vec<&str> = build
            .steps
            .iter()
            .filter_map(|s| s.run.as_deref())
            .collect();
        assert_eq!(
            runs,
            [
                format!(
                    "cargo install briefing --version {} --locked",
                    env!("CARGO_PKG_VERSION")
                )
                .as_str(),
                "briefing build --base-url \"${{ steps.pages.outputs.base_url }}/\""
            ]
        );
        let upload = build.steps.last().unwrap();
        assert_eq!(upload.with.as_ref().unwrap()["path"], "output");
        let deploy = &workflow.jobs["deploy"];
        assert_eq!(deploy.needs.as_deref(), Some("build"));
        assert_eq!(deploy.environment.as_ref().unwrap()["name"], "github-pages");
        assert_eq!(
            deploy.steps[0].uses.as_deref(),
            Some("actions/deploy-pages@v4")
        );
    }

    #[test]
    fn site_files_are_dated_now_and_name_each_other() {
        let files: BTreeMap<String, Cow<[u8]>> = site_files(false, at("2026-11-29T07:05:42Z"))
            .into_iter()
            .collect();
        let article = std::str::from_utf8(&files["content/articles/welcome.md"]).unwrap();
        assert!(article.contains("\ndate: 2026-11-29T07:05:00+00:00\n"));
        let edition = std::str::from_utf8(&files["content/editions/2026-11-29.md"]).unwrap();
        assert!(
            edition.contains("  - slug: welcome\n    note: "),
            "{edition}"
        );
        assert!(
            edition.contains("content/editions/2026-11-29.md"),
            "{edition}"
        );
        assert!(!files.keys().any(|k| k.starts_with("themes/")));
        let site_yaml = std::str::from_utf8(&files["site.yaml"]).unwrap();
        assert!(!site_yaml.contains('{'), "{site_yaml}");
        let readme = std::str::from_utf8(&files["README.md"]).unwrap();
        assert!(!readme.contains("{THEME}"), "{readme}");
    }

    #[test]
    fn site_yaml_comments_every_key() {
        let files: BTreeMap<String, Cow<[u8]>> = site_files(true, at("2026-11-29T07:05:42Z"))
            .into_iter()
            .collect();
        let text = std::str::from_utf8(&files["site.yaml"]).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for key in crate::config::KNOWN_KEYS {
            let i = lines
                .iter()
                .position(|l| {
                    l.strip_prefix("# ")
                        .unwrap_or(l)
                        .starts_with(&format!("{key}:"))
                })
                .unwrap_or_else(|| panic!("no `{key}` in site.yaml:\n{text}"));
            assert!(
                i > 0 && lines[i - 1].starts_with('#'),
                "`{key}` has no comment above it"
            );
        }
    }

    #[test]
    fn theme_copy_holds_every_embedded_file() {
        let files = site_files(true, at("2026-11-29T07:05:42Z"));
        let copied: Vec<&str> = files
            .iter()
            .filter_map(|(p, _)| p.strip_prefix("themes/default/"))
            .collect();
        assert_eq!(copied.len(), theme::DEFAULT_THEME.len());
        assert!(copied.contains(&"templates/base.html"));
    }

    #[test]
    fn summary_of_paths_folds_the_theme() {
        let paths = vec![
            "site.yaml".to_string(),
            "static/.gitkeep".to_string(),
            "themes/default/a".to_string(),
            "themes/default/b".to_string(),
        ];
        assert_eq!(
            summarize_paths(&paths),
            ["site.yaml", "static/", "themes/default/ (2 files)"]
        );
    }
}
