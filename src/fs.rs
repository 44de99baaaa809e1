//! File-system wrappers that name the path in every error.

use std::path::Path;

use crate::error::{Error, Result};

pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
        )
    })
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// Makes the existing file at `path` hold `bytes` by writing over it and cutting what is
/// left, rather than truncating it first: truncating frees every block only for the write to
/// allocate them again, which costs several times the write itself on ext4 for a large file
/// (a 7 MB search index: 7–13 ms against 2 ms). Creates the file if it is missing. Not for
/// files others may read while it changes: a reader can see old and new bytes mixed.
pub fn overwrite(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let io = |e| Error::io(path, e);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.set_len(bytes.len() as u64).map_err(io)
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|e| Error::io(from, e))
}

pub fn remove_dir_all(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// A walk of `dir` that lists each folder's entries in name order, as
/// `WalkDir::sort_by_file_name` does, for deterministic builds. The entries of one folder
/// share its path, so comparing whole paths byte by byte orders them by name:
/// `sort_by_file_name` takes both paths apart again at every comparison, and sorting a
/// folder of 100,000 articles makes about 17 comparisons per entry (log2 of 100,000), on
/// the one thread, before anything is read.
pub fn walk_in_name_order(dir: &Path) -> walkdir::WalkDir {
    walkdir::WalkDir::new(dir).sort_by(|a, b| {
        a.path()
            .as_os_str()
            .as_encoded_bytes()
            .cmp(b.path().as_os_str().as_encoded_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overwrite_leaves_exactly_the_new_bytes_whether_longer_or_shorter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.json");
        overwrite(&path, b"[1,2,3]").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"[1,2,3]");
        overwrite(&path, b"[1]").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"[1]");
        overwrite(&path, b"[1,2,3,4,5]").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"[1,2,3,4,5]");
    }

    #[test]
    fn walk_in_name_order_lists_entries_as_sort_by_file_name_does() {
        let dir = tempfile::tempdir().unwrap();
        // Names that are prefixes of each other, punctuation below and above `/` (0x2F),
        // upper and lower case, and Bengali, in folders at two depths.
        let names = [
            "a",
            "a-b",
            "a.md",
            "ab",
            "a0",
            "A",
            "Z.md",
            "_x",
            "~y",
            "কিম",
            "কিম-জং",
            "ক.md",
        ];
        let folders = ["", "a", "a-b/কিম", "zz"];
        for folder in folders {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        }
        for folder in folders {
            for name in names {
                let file = dir.path().join(folder).join(name);
                if !file.exists() {
                    std::fs::write(file, name).unwrap();
                }
            }
        }
        let paths = |walk: walkdir::WalkDir| -> Vec<_> {
            walk.into_iter().map(|e| e.unwrap().into_path()).collect()
        };
        let expected = paths(walkdir::WalkDir::new(dir.path()).sort_by_file_name());
        assert!(expected.len() > 40);
        assert_eq!(paths(walk_in_name_order(dir.path())), expected);
    }
}
