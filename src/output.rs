//! Writing the outputs all-or-nothing, and comparing them for `--check`.
//!
//! Every output of the run is first written in full to a temporary file next to
//! its target; only when all of them are ready are they renamed into place, each
//! rename atomic. A failure while staging leaves every output as it was. Files whose
//! bytes are already right are not touched.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;
use crate::render::diff;

/// Above this many files, staging runs on every core.
const PARALLEL_FILES: usize = 8;

/// One output file and the bytes it must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile<'a> {
    /// Where it goes, as shown to users (relative to the working directory).
    pub path: String,
    /// Its full contents (borrowed where the text already exists, as the
    /// corrected article does).
    pub contents: Cow<'a, str>,
}

/// Writes every file, or none of them. Returns the paths actually changed.
pub fn write_all<'f>(cwd: &Path, files: &'f [OutputFile<'_>]) -> Result<Vec<String>, Error> {
    if let Some(file) = files.iter().find(|f| cwd.join(&f.path).is_dir()) {
        return Err(Error::OutputIsFolder {
            path: file.path.clone(),
        });
    }
    for file in files {
        if let Some(link) = symlink_on_path(cwd, &file.path) {
            return Err(Error::SymlinkOutput {
                path: file.path.clone(),
                link,
            });
        }
    }
    // Staging is independent per file (on every core for a batch). Any error drops
    // every staged file, and nothing has been renamed yet.
    type Staged<'f> = Option<(tempfile::TempPath, PathBuf, &'f String)>;
    let stage_one = |file: &'f OutputFile<'_>| -> Result<Staged<'f>, Error> {
        let target = cwd.join(&file.path);
        if holds(&target, file.contents.as_bytes()) {
            return Ok(None);
        }
        let temp = stage(&target, file.contents.as_bytes()).map_err(|source| Error::Write {
            path: file.path.clone(),
            source,
        })?;
        Ok(Some((temp, target, &file.path)))
    };
    let staged: Vec<Staged<'_>> = match files.len() > PARALLEL_FILES {
        true => files
            .par_iter()
            .map(stage_one)
            .collect::<Result<_, Error>>()?,
        false => files.iter().map(stage_one).collect::<Result<_, Error>>()?,
    };
    let staged = staged.into_iter().flatten();
    let mut written = Vec::new();
    for (temp, target, shown) in staged {
        temp.persist(&target).map_err(|e| Error::Write {
            path: shown.clone(),
            source: e.error,
        })?;
        written.push(shown.clone());
    }
    Ok(written)
}

fn stage(target: &Path, contents: &[u8]) -> std::io::Result<tempfile::TempPath> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or(PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".correct-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder.tempfile_in(&dir)?;
    // Written whole before the rename; not fsynced: the set is safe against the
    // process dying at any point, not against power loss (as with `cp`).
    std::io::BufWriter::with_capacity(1 << 20, temp.as_file_mut()).write_all(contents)?;
    // Closed now (thousands of inputs must not hold thousands of descriptors);
    // the path is still removed if the run stops before the rename.
    Ok(temp.into_temp_path())
}

/// The first symbolic link among the existing components of `rel` (an output
/// path relative to `cwd`), the file itself included: writing through one could
/// land outside the project, so outputs never do.
fn symlink_on_path(cwd: &Path, rel: &str) -> Option<String> {
    if Path::new(rel).is_absolute() {
        // An absolute --out was named on purpose, wherever it leads.
        return None;
    }
    let mut at = cwd.to_path_buf();
    for component in Path::new(rel).components() {
        at.push(component);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Some(crate::project::display(cwd, &at));
            }
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// Whether the file at `path` holds exactly `expected`, read in chunks: a size
/// check first, so a differing file usually costs one `stat`.
fn holds(path: &Path, expected: &[u8]) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    if file.metadata().map(|m| m.len()).ok() != Some(expected.len() as u64) {
        return false;
    }
    let mut buffer = vec![0; expected.len().clamp(1, 1 << 20)];
    let mut rest = expected;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buffer[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) | Err(_) => return false,
        }
    }
}

/// How many lines of a stale file's diff `--check` shows.
const SHOWN_DIFF_LINES: usize = 60;

/// The first `max` lines of `text`, and a note of how many were left out.
fn shortened(text: &str, max: usize) -> String {
    let total = text.lines().count();
    if total <= max {
        return text.to_owned();
    }
    let mut kept: String = text.split_inclusive('\n').take(max).collect();
    kept.push_str(&format!("… ({} more lines)\n", total - max));
    kept
}

/// How an output on disk differs from what would be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// The file does not exist (or cannot be read).
    Missing(String),
    /// The file holds other bytes; a diff from disk to expected.
    Differs(String, String),
}

/// Compares every file with the disk. Empty when all are current.
pub fn check(cwd: &Path, files: &[OutputFile<'_>]) -> Vec<Stale> {
    files
        .iter()
        .filter(|file| !holds(&cwd.join(&file.path), file.contents.as_bytes()))
        .map(|file| match std::fs::read(cwd.join(&file.path)) {
            Err(_) => Stale::Missing(file.path.clone()),
            Ok(bytes) => {
                let on_disk = String::from_utf8_lossy(&bytes);
                let diff = diff::unified(&file.path, &on_disk, &file.contents);
                Stale::Differs(file.path.clone(), shortened(&diff, SHOWN_DIFF_LINES))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &'static str) -> OutputFile<'static> {
        OutputFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn writes_every_file_and_creates_folders() {
        let dir = tempfile::tempdir().unwrap();
        let files = [file("out/a.txt", "a"), file("out/sub/b.diff", "b")];
        assert_eq!(
            write_all(dir.path(), &files).unwrap(),
            ["out/a.txt", "out/sub/b.diff"]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/sub/b.diff")).unwrap(),
            "b"
        );
        assert!(check(dir.path(), &files).is_empty());
    }

    #[test]
    fn a_folder_in_the_way_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("out/b.diff")).unwrap();
        let files = [file("out/a.txt", "a"), file("out/b.diff", "b")];
        assert!(matches!(
            write_all(dir.path(), &files),
            Err(Error::OutputIsFolder { .. })
        ));
        assert!(!dir.path().join("out/a.txt").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only the folder remains: {leftovers:?}");
    }

    #[test]
    fn check_names_missing_and_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "old\n").unwrap();
        let stale = check(dir.path(), &[file("a.txt", "new\n"), file("b.txt", "")]);
        assert!(
            matches!(&stale[0], Stale::Differs(p, d) if p == "a.txt" && d.contains("-old\n+new"))
        );
        assert_eq!(stale[1], Stale::Missing("b.txt".into()));
    }
}
