//! The commit record that makes the set of outputs change all at once.
//!
//! Renaming one staged file into place is atomic; renaming several is not. So
//! before the first rename, the run writes `.correct-journal` in the output folder
//! (itself through a temporary file and a rename): the list of staged files and
//! where each goes. Once that file exists the run is committed. If the process
//! dies during the renames, the next run that writes or checks the folder sees the
//! journal and [`recover`] finishes the renames (roll forward), so a reader that
//! goes through `correct` never sees a mix of old and new outputs.
//!
//! Killed before the journal exists, a run leaves the old outputs as they were,
//! plus at most some staged `.correct-*.tmp` files, which the next writing run
//! removes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The journal's file name, in the output folder.
pub const JOURNAL: &str = ".correct-journal";

/// The prefix and suffix of staged files.
pub(super) const STAGED_PREFIX: &str = ".correct-";
pub(super) const STAGED_SUFFIX: &str = ".tmp";

/// The journal's contents: renames from staged files to outputs, both relative
/// to the output folder with `/` separators.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Journal {
    journal_version: u32,
    renames: Vec<[String; 2]>,
}

/// A rename still to do, with the paths to use on disk.
pub(super) struct Rename {
    pub(super) staged: PathBuf,
    pub(super) target: PathBuf,
}

/// Writes the journal for `renames` into `out`, atomically. From its return on,
/// the run counts as committed.
pub(super) fn commit(out: &Path, renames: &[Rename]) -> io::Result<()> {
    let relative = |path: &Path| -> io::Result<String> {
        let rel = path.strip_prefix(out).map_err(|_| {
            io::Error::other(format!(
                "{} is not inside the output folder {}",
                path.display(),
                out.display()
            ))
        })?;
        Ok(rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"))
    };
    let journal = Journal {
        journal_version: 1,
        renames: renames
            .iter()
            .map(|r| Ok([relative(&r.staged)?, relative(&r.target)?]))
            .collect::<io::Result<_>>()?,
    };
    let text = serde_json::to_string(&journal).map_err(io::Error::other)?;
    let mut temp = tempfile::Builder::new()
        .prefix(STAGED_PREFIX)
        .suffix(STAGED_SUFFIX)
        .tempfile_in(out)?;
    io::Write::write_all(temp.as_file_mut(), text.as_bytes())?;
    temp.persist(out.join(JOURNAL)).map_err(|e| e.error)?;
    Ok(())
}

/// Marks the run finished: every rename is done.
pub(super) fn done(out: &Path) -> io::Result<()> {
    fs::remove_file(out.join(JOURNAL))
}

/// Whether `out` holds the journal of an interrupted run.
pub fn pending(out: &Path) -> bool {
    out.join(JOURNAL).is_file()
}

/// Finishes the renames of an interrupted run, if `out` holds its journal, and
/// removes the journal. Returns how many files it moved into place.
///
/// Safe to run at any time and more than once: a staged file already renamed is
/// simply gone.
pub fn recover(out: &Path) -> Result<usize, Error> {
    let path = out.join(JOURNAL);
    let shown = path.display().to_string();
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(source) => {
            return Err(Error::Read {
                path: shown,
                source,
            });
        }
    };
    let journal: Journal = serde_json::from_str(&text).map_err(|e| Error::Journal {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    let mut moved = 0;
    for [staged, target] in &journal.renames {
        let (staged, target) = (inside(out, staged), inside(out, target));
        let (Some(staged), Some(target)) = (staged, target) else {
            return Err(Error::Journal {
                path: shown,
                message: "it names a path outside the output folder".into(),
            });
        };
        match fs::rename(&staged, &target) {
            Ok(()) => moved += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Write {
                    path: target.display().to_string(),
                    source,
                });
            }
        }
    }
    fs::remove_file(&path).map_err(|source| Error::Write {
        path: shown,
        source,
    })?;
    Ok(moved)
}

/// `rel` below `out`, or `None` when it would leave it (`..`, absolute paths).
fn inside(out: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    rel.components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        .then(|| out.join(rel))
}

/// Removes staged files that a killed run left in `dir` before it committed.
/// Call only with no journal pending (after [`recover`]).
pub(super) fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(STAGED_PREFIX) && name.ends_with(STAGED_SUFFIX) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_finishes_the_renames_and_removes_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("sub")).unwrap();
        fs::write(out.join("a.txt"), "old a").unwrap();
        fs::write(out.join("sub/b.txt"), "old b").unwrap();
        fs::write(out.join(".correct-1.tmp"), "new a").unwrap();
        fs::write(out.join("sub/.correct-2.tmp"), "new b").unwrap();
        let renames = [
            Rename {
                staged: out.join(".correct-1.tmp"),
                target: out.join("a.txt"),
            },
            Rename {
                staged: out.join("sub/.correct-2.tmp"),
                target: out.join("sub/b.txt"),
            },
        ];
        commit(out, &renames).unwrap();
        // The run dies after the first rename.
        fs::rename(out.join(".correct-1.tmp"), out.join("a.txt")).unwrap();
        assert!(pending(out));

        assert_eq!(recover(out).unwrap(), 1);
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "new a");
        assert_eq!(fs::read_to_string(out.join("sub/b.txt")).unwrap(), "new b");
        assert!(!pending(out));
        assert_eq!(
            recover(out).unwrap(),
            0,
            "a second recovery has nothing to do"
        );
    }

    #[test]
    fn a_journal_naming_paths_outside_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(JOURNAL),
            r#"{"journal_version":1,"renames":[[".correct-1.tmp","../escape"]]}"#,
        )
        .unwrap();
        assert!(matches!(recover(dir.path()), Err(Error::Journal { .. })));
    }

    #[test]
    fn a_damaged_journal_is_an_error_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(JOURNAL), "{\"journal_ver").unwrap();
        let error = recover(dir.path()).unwrap_err().to_string();
        assert!(error.contains(JOURNAL), "{error}");
    }

    #[test]
    fn sweeping_removes_only_staged_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".correct-x1.tmp"), "").unwrap();
        fs::write(dir.path().join("article.txt"), "").unwrap();
        fs::write(dir.path().join(".correct-notes"), "").unwrap();
        sweep(dir.path());
        let mut left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".correct-notes", "article.txt"]);
    }
}
