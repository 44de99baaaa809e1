//! Fingerprints of what an output is made from, so an incremental render can skip outputs
//! whose inputs did not change since the sink last saw them.
//!
//! A fingerprint covers everything the output is rendered from: the site-wide inputs
//! (configuration, templates, static files, strings, tag aliases) and the model data of
//! the job. Views are fingerprinted through their serialised form, the very data the
//! template sees, so a field added to a view is covered without touching this file.

use std::hash::{BuildHasher, Hash, Hasher};
use std::io::Write;

use serde::Serialize;

/// The hasher of every fingerprint and content hash: foldhash's quality variant with a
/// fixed seed. A 64-bit hash that passes SMHasher3, several times faster than std's SipHash
/// on the short parts fingerprints are made of (a watch rebuild makes tens of thousands).
/// Fingerprints live in memory and in the build's record (`record`), which also fingerprints
/// the binary, so its values need not be stable across versions.
pub type Hasher64 = foldhash::quality::FoldHasher<'static>;

/// A fresh `Hasher64`.
pub fn hasher() -> Hasher64 {
    foldhash::quality::FixedState::with_seed(0x6272_6965_6669_6e67).build_hasher()
}

/// Builds one fingerprint from parts.
pub struct Fingerprint(Hasher64);

impl Fingerprint {
    /// Starts from the site-wide inputs and the output's path.
    pub fn new(global: u64, path: &str) -> Self {
        let mut hasher = hasher();
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
    let mut writer = HashWriter(hasher());
    // Writing into a hasher cannot fail, and views serialise without error.
    let _ = serde_json::to_writer(&mut writer, view);
    writer.0.finish()
}

struct HashWriter(Hasher64);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A hash of anything `Hash`.
pub fn of(value: &impl Hash) -> u64 {
    let mut hasher = hasher();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A hash of anything `Debug` (configuration and the like, read once per build).
pub fn of_debug(value: &impl std::fmt::Debug) -> u64 {
    let mut hasher = hasher();
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
