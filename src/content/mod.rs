//! Content: finding article files, splitting and parsing their front matter, and building `Page`s.

pub mod discover;
pub mod document;
pub mod edition;
pub mod front_matter;
pub mod page;

pub use discover::{ArticleFile, discover_articles, discover_editions, is_ignored_name};
pub use edition::{Edition, EditionEntry, parse_edition};
pub use page::{Image, Page, TemplateRef, parse_article};

/// A number that no other parse in this process gets: a parsed page or edition carries one,
/// so that an incremental render can tell "the same parse, kept by the cache" from "parsed
/// again" without comparing contents (parsed items never change after parsing).
pub fn next_version() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
