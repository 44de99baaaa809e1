//! The site model: published pages in order, tags with their slugs and URLs, neighbours; pure.

use std::collections::HashMap;

use crate::config::Config;
use crate::content::Page;
use crate::error::Diagnostic;
use crate::slug::{encode_segment, slugify};

/// A tag with every article that carries it (indices into `Site::pages`, newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub permalink: String,
    pub output_dir: String,
    pub pages: Vec<usize>,
}

/// Everything the renderer needs, computed once.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Published pages, newest first (ties by slug).
    pub pages: Vec<Page>,
    /// Tags by count (most first), then name.
    pub tags: Vec<Tag>,
    /// For each page, indices into `tags` of its tags, in the order the article lists them.
    pub page_tags: Vec<Vec<usize>>,
}

/// Builds the model from parsed pages: drops drafts, orders, groups tags, finds URL collisions.
pub fn assemble(config: &Config, pages: Vec<Page>) -> Result<Site, Vec<Diagnostic>> {
    let mut pages: Vec<Page> = pages
        .into_iter()
        .filter(|p| config.drafts || !p.draft)
        .collect();
    pages.sort_by(|a, b| {
        b.date
            .timestamp()
            .cmp(&a.date.timestamp())
            .then_with(|| a.slug.cmp(&b.slug))
    });

    let mut errors = Vec::new();
    let mut by_slug: HashMap<&str, &Page> = HashMap::with_capacity(pages.len());
    for page in &pages {
        if let Some(first) = by_slug.insert(&page.slug, page) {
            let mut d = page.slug_at.clone();
            d.message = format!(
                "URL {} is also the URL of {}",
                page.url,
                first.file.display.display()
            );
            errors.push(d.hint("give one of them another `slug:` or rename its file"));
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(errors);
    }

    let (tags, page_tags) = group_tags(config, &pages);
    Ok(Site {
        config: config.clone(),
        pages,
        tags,
        page_tags,
    })
}

/// Tags equal after NFC and case folding are one tag, shown under its most used spelling.
fn group_tags(config: &Config, pages: &[Page]) -> (Vec<Tag>, Vec<Vec<usize>>) {
    struct Group<'a> {
        pages: Vec<usize>,
        spellings: HashMap<&'a str, usize>,
    }
    let mut groups: HashMap<String, Group> = HashMap::new();
    let mut page_slugs: Vec<Vec<String>> = Vec::with_capacity(pages.len());
    for (i, page) in pages.iter().enumerate() {
        let mut slugs: Vec<String> = Vec::with_capacity(page.tags.len());
        for name in &page.tags {
            let slug = slugify(name);
            if slugs.contains(&slug) {
                continue;
            }
            let group = groups.entry(slug.clone()).or_insert_with(|| Group {
                pages: Vec::new(),
                spellings: HashMap::new(),
            });
            group.pages.push(i);
            *group.spellings.entry(name).or_default() += 1;
            slugs.push(slug);
        }
        page_slugs.push(slugs);
    }

    let mut tags: Vec<Tag> = groups
        .into_iter()
        .map(|(slug, group)| {
            let name = group
                .spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(name, _)| (*name).to_string())
                .unwrap_or_else(|| slug.clone());
            let encoded = format!("tags/{}/", encode_segment(&slug));
            Tag {
                name,
                url: config.url(&encoded),
                permalink: config.permalink(&encoded),
                output_dir: format!("tags/{slug}/"),
                slug,
                pages: group.pages,
            }
        })
        .collect();
    tags.sort_by(|a, b| {
        b.pages
            .len()
            .cmp(&a.pages.len())
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let index: HashMap<&str, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    let page_tags = page_slugs
        .iter()
        .map(|slugs| slugs.iter().map(|s| index[s.as_str()]).collect())
        .collect();
    (tags, page_tags)
}
