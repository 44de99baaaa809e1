//! Content: finding article files, splitting and parsing their front matter, and building `Page`s.

pub mod discover;
pub mod front_matter;
pub mod page;

pub use discover::{ArticleFile, discover_articles, is_ignored_name};
pub use page::{Image, Page, TemplateRef, parse_article};
