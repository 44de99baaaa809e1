//! Content: finding article files, splitting and parsing their front matter, and building `Page`s.

pub mod discover;
pub mod document;
pub mod edition;
pub mod front_matter;
pub mod page;

pub use discover::{ArticleFile, discover_articles, discover_editions, is_ignored_name};
pub use edition::{Edition, EditionEntry, parse_edition};
pub use page::{Image, Page, TemplateRef, parse_article};
