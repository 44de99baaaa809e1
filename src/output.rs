//! Writes rendered outputs and copied files into a fresh folder and swaps it in; the only writer.
//!
//! The build writes into a temporary sibling of `output/` and renames it into place only when
//! everything succeeded, so a failed build leaves the previous site exactly as it was.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::fs;
use crate::render::Rendered;

/// A file in every output folder the build made; without it, a non-empty folder is not ours.
pub const MARKER: &str = ".briefing-output";

/// Files a user keeps in `output/` (e.g. to keep the empty folder in git); carried across builds.
const KEPT: &[&str] = &[".gitignore", ".gitkeep"];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub files: usize,
    pub bytes: u64,
}

/// Refuses output folders the build must never replace.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::Usage(format!(
            "refusing to build into {}: {why}; choose another --output folder",
            output.display()
        )))
    };
    if output == root || root.starts_with(output) {
        return refuse("it is the site root or contains it");
    }
    if output.starts_with(root.join("content")) {
        return refuse("it is inside content/");
    }
    if output.join("content").exists() || output.join("site.yaml").exists() {
        return refuse("it holds content/ or site.yaml, so it looks like a site, not build output");
    }
    if output.exists() {
        if !output.is_dir() {
            return refuse("it is a file");
        }
        if !output.join(MARKER).exists() {
            let foreign = std::fs::read_dir(output)
                .map_err(|e| Error::io(output, e))?
                .filter_map(|e| e.ok())
                .any(|e| !KEPT.contains(&e.file_name().to_string_lossy().as_ref()));
            if foreign {
                return refuse(&format!(
                    "it is not empty and was not made by briefing (no {MARKER} file)"
                ));
            }
        }
    }
    Ok(())
}

/// Writes everything into a temporary sibling folder, then swaps it in place of `output`.
pub fn write(root: &Path, output: &Path, rendered: &Rendered) -> Result<WriteReport> {
    check_output_dir(root, output)?;
    let parent = output.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = output
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.briefing-new"));
    let retired = parent.join(format!(".{name}.briefing-old"));
    // Leftovers of a build that was killed: never ours to keep.
    fs::remove_dir_all(&staging)?;
    fs::remove_dir_all(&retired)?;

    let result = fill(&staging, output, rendered);
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    swap(output, &staging, &retired)?;
    Ok(report)
}

fn fill(staging: &Path, output: &Path, rendered: &Rendered) -> Result<WriteReport> {
    fs::create_dir_all(staging)?;
    fs::write(&staging.join(MARKER), b"")?;
    for kept in KEPT {
        let from = output.join(kept);
        if from.is_file() {
            fs::copy(&from, &staging.join(kept))?;
        }
    }
    let dirs: BTreeSet<PathBuf> = rendered
        .files
        .iter()
        .map(|(p, _)| p.as_str())
        .chain(rendered.copies.iter().map(|(p, _)| p.as_str()))
        .filter_map(|p| Path::new(p).parent().map(Path::to_path_buf))
        .collect();
    for dir in &dirs {
        fs::create_dir_all(&staging.join(dir))?;
    }
    let written: u64 = rendered
        .files
        .par_iter()
        .map(|(path, bytes)| {
            fs::write(&staging.join(path), bytes)?;
            Ok(bytes.len() as u64)
        })
        .sum::<Result<u64>>()?;
    let copied: u64 = rendered
        .copies
        .par_iter()
        .map(|(path, source)| {
            let bytes = source.bytes()?;
            fs::write(&staging.join(path), &bytes)?;
            Ok(bytes.len() as u64)
        })
        .sum::<Result<u64>>()?;
    Ok(WriteReport {
        files: rendered.files.len() + rendered.copies.len(),
        bytes: written + copied,
    })
}

/// Puts `staging` where `output` is; the old folder is removed only after the new one is in place.
fn swap(output: &Path, staging: &Path, retired: &Path) -> Result<()> {
    if output.exists() {
        fs::rename(output, retired)?;
        if let Err(e) = fs::rename(staging, output) {
            let _ = fs::rename(retired, output);
            return Err(e);
        }
        fs::remove_dir_all(retired)?;
    } else {
        fs::rename(staging, output)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_root_and_site_like_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(&root.join("a/b"), &root.join("a")).is_err());
        assert!(check_output_dir(root, &root.join("content/out")).is_err());
        std::fs::create_dir_all(root.join("other/content")).unwrap();
        assert!(check_output_dir(root, &root.join("other")).is_err());
    }

    #[test]
    fn refuses_foreign_non_empty_folder_but_accepts_gitignore_only() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(".gitignore"), "*\n").unwrap();
        assert!(check_output_dir(dir.path(), &out).is_ok());
        std::fs::write(out.join("thesis.docx"), "precious").unwrap();
        let err = check_output_dir(dir.path(), &out).unwrap_err().to_string();
        assert!(err.contains("not made by briefing"), "{err}");
        std::fs::write(out.join(MARKER), "").unwrap();
        assert!(check_output_dir(dir.path(), &out).is_ok());
    }
}
