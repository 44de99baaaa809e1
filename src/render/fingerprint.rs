//! Fingerprints of what an output is made from, so an incremental render can skip outputs
//! whose inputs did not change since the sink last saw them.
//!
//! A fingerprint covers everything the output is rendered from: the site-wide inputs
//! (configuration, templates, static files, strings, tag aliases) and the model data of
//! the job. Views are fingerprinted through their serialised form, the very data the
//! template sees, so a field added to a view is covered without touching this file.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;

use serde::Serialize;

/// Builds one fingerprint from parts.
pub struct Fingerprint(DefaultHasher);

impl Fingerprint {
    /// Starts from the site-wide inputs and the output's path.
    pub fn new(global: u64, path: &str) -> Self {
        let mut hasher = DefaultHasher::new();
        global.hash(&mut hasher);
        path.hash(&mut hasher);
        Fingerprint(hasher)
    }

    pub fn add(&mut self, part: impl Hash) -> &mut Self {
        part.hash(&mut self.0);
        self
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// The fingerprint of a serialisable view: a hash of its JSON form, streamed, not stored.
pub fn of_view(view: &impl Serialize) -> u64 {
    let mut writer = HashWriter(DefaultHasher::new());
    // Writing into a hasher cannot fail, and views serialise without error.
    let _ = serde_json::to_writer(&mut writer, view);
    writer.0.finish()
}

struct HashWriter(DefaultHasher);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A hash of anything `Debug` (configuration and the like, read once per build).
pub fn of_debug(value: &impl std::fmt::Debug) -> u64 {
    let mut hasher = DefaultHasher::new();
    format!("{value:?}").hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_with_equal_data_have_equal_fingerprints() {
        #[derive(Serialize)]
        struct View<'a> {
            title: &'a str,
            tags: Vec<&'a str>,
        }
        let a = of_view(&View {
            title: "কিম",
            tags: vec!["x"],
        });
        let b = of_view(&View {
            title: "কিম",
            tags: vec!["x"],
        });
        let c = of_view(&View {
            title: "কিম",
            tags: vec!["x", "y"],
        });
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn parts_and_paths_separate_fingerprints() {
        let base = Fingerprint::new(1, "a/index.html").add(2u64).finish();
        assert_eq!(base, Fingerprint::new(1, "a/index.html").add(2u64).finish());
        assert_ne!(base, Fingerprint::new(1, "b/index.html").add(2u64).finish());
        assert_ne!(base, Fingerprint::new(2, "a/index.html").add(2u64).finish());
        assert_ne!(base, Fingerprint::new(1, "a/index.html").add(3u64).finish());
    }
}
