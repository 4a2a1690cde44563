//! Writing the outputs all-or-nothing, and comparing them for `--check`.
//!
//! Every output of the run is first written in full to a temporary file next to
//! its target. Only when all of them are ready does the run commit: it writes a
//! journal listing them ([`journal`]), renames each into place, then removes the
//! journal. A failure while staging leaves every output as it was; a process
//! killed during the renames leaves the journal, and the next run finishes them.
//! Files whose bytes are already right are not touched. One run at a time writes
//! an output folder: the others wait for its lock.

mod check;
mod contents;
pub mod journal;
pub use check::{Excerpt, Stale, check, check_files, interrupted, orphans};
use contents::Writer;
pub use contents::{Contents, OutputFile, Stream};
mod tree;
use tree::{Tree, lock};

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::confine::{self, Denied, Dir, Kind};
use crate::error::Error;
use crate::project::Output;

/// Above this many files, staging runs on every core...
const PARALLEL_FILES: usize = 8;
/// ...and above this many bytes held in memory (a large article's outputs).
const PARALLEL_BYTES: usize = 4 << 20;

/// Writes every file below the output folder `out`, or none of them. Returns the
/// paths actually changed.
pub fn write_all(cwd: &Path, out: &Path, files: &[OutputFile<'_>]) -> Result<Vec<String>, Error> {
    write_with(cwd, out, files, &write_whole)
}

/// Writes the bytes it is given with one `write_all`.
fn write_whole(file: &mut File, contents: &[u8]) -> io::Result<()> {
    file.write_all(contents)
}

fn write_with(
    cwd: &Path,
    out: &Path,
    files: &[OutputFile<'_>],
    writer: &Writer<'_>,
) -> Result<Vec<String>, Error> {
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let (session, _) = Session::open(cwd, out, &paths)?;
    let staged = session.stage_with(files, writer)?;
    session.commit(staged)
}

/// One output file written in full to a temporary file next to its target.
/// Dropped without a commit, it is deleted.
#[derive(Debug)]
pub struct Staged {
    /// The folder holding both the temporary file and the target.
    dir: Arc<Dir>,
    temp: OsString,
    target: OsString,
    /// The folder, relative to the output folder (for the journal).
    rel_dir: PathBuf,
    shown: String,
    /// Renamed into place, or left for the next run to finish.
    settled: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.settled {
            let _ = self.dir.remove_file(&self.temp);
        }
    }
}

/// A run's write of its outputs: the project (or an `--out` outside it)
/// locked, the paths checked, an interrupted run finished, then files staged
/// (input by input, on any thread) and committed all at once. Folders it
/// created for staged files that were never committed are removed when it is
/// dropped, so a failed run leaves no trace.
#[derive(Debug)]
pub struct Session {
    cwd: PathBuf,
    tree: Tree,
    /// Held until the session is dropped.
    _lock: Arc<Dir>,
}

impl Session {
    /// Locks the folder outputs are written from (the working directory, which
    /// always exists, so every run of the project takes the same lock; or an
    /// `--out` outside it), refuses output paths that lead through a link,
    /// then finishes an interrupted run and removes the staged files a killed
    /// run left next to `targets`. Returns how many outputs recovery moved
    /// into place.
    pub fn open(cwd: &Path, out: &Path, targets: &[&str]) -> Result<(Session, usize), Error> {
        let tree = Tree::new(cwd, out, true)?;
        let root = Arc::clone(&tree.root);
        root.lock().map_err(|source| Error::Write {
            path: crate::project::display(cwd, &tree.root_path),
            source,
        })?;
        let session = Session {
            cwd: cwd.to_path_buf(),
            tree,
            _lock: root,
        };
        // Every check a write makes comes before recovery touches anything.
        let out_dir = session
            .tree
            .out()
            .map_err(|e| session.refused(&session.tree.shown_out, e))?;
        let folders: BTreeSet<PathBuf> = targets
            .iter()
            .map(|t| session.inspect(t).map(|_| session.tree.split(cwd, t)))
            .collect::<Result<Vec<_>, Error>>()?
            .into_iter()
            .filter_map(|split| split.ok().map(|(dir, _)| dir))
            .collect();
        let moved = match out_dir {
            Some(out_dir) => journal::recover(&session.tree, &out_dir)?,
            None => 0,
        };
        for folder in &folders {
            if let Ok(Some(dir)) = session.tree.folder(folder, false) {
                journal::sweep(&dir);
            }
        }
        Ok((session, moved))
    }

    /// An error for the output `path` that `denied` stopped.
    fn refused(&self, path: &str, denied: Denied) -> Error {
        match denied {
            Denied::Kind {
                at,
                kind: Kind::Dir,
            } => Error::OutputIsFolder {
                path: self.tree.shown(&self.cwd, &at),
            },
            Denied::Kind { at, kind } => Error::SymlinkOutput {
                path: path.to_owned(),
                link: self.tree.shown(&self.cwd, &at),
                what: kind.describe(),
            },
            Denied::Io(source) => Error::Write {
                path: path.to_owned(),
                source,
            },
        }
    }

    /// Stages every file whose bytes on disk differ (in parallel for many files).
    /// Any error drops every file staged by this call.
    pub fn stage(&self, files: &[OutputFile<'_>]) -> Result<Vec<Staged>, Error> {
        self.stage_with(files, &write_whole)
    }

    fn stage_with(
        &self,
        files: &[OutputFile<'_>],
        writer: &Writer<'_>,
    ) -> Result<Vec<Staged>, Error> {
        // Every target is looked at before anything is written.
        let found: Vec<Option<u64>> = files
            .iter()
            .map(|file| self.inspect(&file.path))
            .collect::<Result<_, _>>()?;
        let stage_one = |(file, found): (&OutputFile<'_>, &Option<u64>)| {
            let failed = |source| Error::Write {
                path: file.path.clone(),
                source,
            };
            let (rel_dir, name) = self.tree.split(&self.cwd, &file.path).map_err(failed)?;
            let dir = self
                .tree
                .folder(&rel_dir, true)
                .map_err(|e| self.refused(&file.path, e))?
                .ok_or_else(|| failed(io::ErrorKind::NotFound.into()))?;
            if found
                .is_some_and(|len| file.contents.may_be(len) && file.contents.held_by(&dir, &name))
            {
                return Ok(None);
            }
            let temp = stage(&dir, &file.contents, writer).map_err(failed)?;
            let rel_dir = rel_dir
                .strip_prefix(&self.tree.out_rel)
                .unwrap_or(&rel_dir)
                .to_path_buf();
            Ok(Some(Staged {
                dir,
                temp,
                target: name,
                rel_dir,
                shown: file.path.clone(),
                settled: false,
            }))
        };
        let parallel = files.len() > PARALLEL_FILES
            || (files.len() > 1
                && files.iter().map(|f| f.contents.held()).sum::<usize>() > PARALLEL_BYTES);
        let staged: Vec<Option<Staged>> = match parallel {
            true => (files.par_iter().zip(&found))
                .map(stage_one)
                .collect::<Result<_, Error>>()?,
            false => (files.iter().zip(&found))
                .map(stage_one)
                .collect::<Result<_, Error>>()?,
        };
        Ok(staged.into_iter().flatten().collect())
    }

    /// Refuses an output path that is a folder or leads through a symbolic link
    /// (or is a FIFO or device); returns the size of the file already there, if
    /// any. Folders above it are opened once per run.
    fn inspect(&self, path: &str) -> Result<Option<u64>, Error> {
        let (rel_dir, name) = self
            .tree
            .split(&self.cwd, path)
            .map_err(|source| Error::Write {
                path: path.to_owned(),
                source,
            })?;
        let Some(dir) = self
            .tree
            .folder(&rel_dir, false)
            .map_err(|e| self.refused(path, e))?
        else {
            return Ok(None);
        };
        match dir.file_len(&name) {
            Ok(len) => Ok(len),
            Err(Denied::Kind { kind, .. }) => Err(self.refused(
                path,
                Denied::Kind {
                    at: rel_dir.join(&name),
                    kind,
                },
            )),
            Err(e) => Err(self.refused(path, e)),
        }
    }

    /// Writes the journal, renames every staged file into place, removes the
    /// journal. Returns the paths written.
    pub fn commit(&self, staged: Vec<Staged>) -> Result<Vec<String>, Error> {
        self.commit_removing(staged, &[])
    }

    /// [`Session::commit`], also deleting the orphaned outputs `orphans` (as
    /// shown, below the output folder) once the renames are done; the journal
    /// lists them too, so an interrupted run finishes them. Returns the paths
    /// written and deleted.
    pub fn commit_removing(
        &self,
        staged: Vec<Staged>,
        orphans: &[String],
    ) -> Result<Vec<String>, Error> {
        if staged.is_empty() && orphans.is_empty() {
            return Ok(Vec::new());
        }
        let removes: Vec<(String, String)> = orphans
            .iter()
            .map(|shown| {
                let (dir, name) =
                    self.tree
                        .split(&self.cwd, shown)
                        .map_err(|source| Error::Write {
                            path: shown.clone(),
                            source,
                        })?;
                let rel = dir
                    .strip_prefix(&self.tree.out_rel)
                    .unwrap_or(&dir)
                    .join(&name);
                let rel = rel.to_string_lossy().replace('\\', "/");
                Ok((shown.clone(), rel))
            })
            .collect::<Result<_, Error>>()?;
        lock(&self.tree.created).clear();
        lock(&self.tree.made_outside).clear();
        let out_dir = self
            .tree
            .folder(&self.tree.out_rel.clone(), true)
            .map_err(|e| self.refused(&self.tree.shown_out, e))?
            .ok_or_else(|| Error::Write {
                path: self.tree.shown_out.clone(),
                source: io::ErrorKind::NotFound.into(),
            })?;
        let mut written = commit(&out_dir, &self.tree.shown_out, staged, &removes, &self.tree)?;
        written.extend(removes.into_iter().map(|(shown, _)| shown));
        Ok(written)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let created = self
            .tree
            .created
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Newest (deepest) first; a folder that holds anything stays.
        for (parent, name) in created.iter().rev() {
            let _ = parent.remove_dir(name);
        }
        let made = self
            .tree
            .made_outside
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for dir in made.iter() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Finishes an interrupted run's renames in the output folder `out`, if its
/// journal is there, under the project's lock. Returns how many outputs it
/// moved into place.
pub fn recover(cwd: &Path, out: &Path) -> Result<usize, Error> {
    if interrupted(cwd, out).is_none() {
        return Ok(0);
    }
    let (session, moved) = Session::open(cwd, out, &[])?;
    drop(session);
    Ok(moved)
}

/// Writes the journal, renames every staged file into place, removes the journal.
fn commit(
    out_dir: &Dir,
    shown_out: &str,
    mut staged: Vec<Staged>,
    removes: &[(String, String)],
    tree: &Tree,
) -> Result<Vec<String>, Error> {
    let journal_path = format!("{shown_out}/{}", journal::JOURNAL);
    let renames: Vec<journal::Rename<'_>> = staged
        .iter()
        .map(|s| journal::Rename {
            rel_dir: &s.rel_dir,
            staged: &s.temp,
            target: &s.target,
        })
        .collect();
    // Until the journal exists, a failure drops (deletes) every staged file.
    let listed: Vec<String> = removes.iter().map(|(_, rel)| rel.clone()).collect();
    journal::commit(out_dir, &renames, &listed).map_err(|source| Error::Write {
        path: journal_path.clone(),
        source,
    })?;
    let total = staged.len();
    let mut written = Vec::with_capacity(total);
    for at in 0..total {
        let s = &staged[at];
        if let Err(source) = s.dir.rename(&s.temp, &s.dir, &s.target) {
            // Committed: keep the rest staged for the next run to finish.
            staged[at..].iter_mut().for_each(|s| s.settled = true);
            return Err(Error::Commit {
                path: staged[at].shown.clone(),
                source,
                done: written.len(),
                total,
                journal: journal_path,
            });
        }
        staged[at].settled = true;
        written.push(staged[at].shown.clone());
    }
    let done = written.len();
    for (shown, rel) in removes {
        remove_listed(tree, shown, rel).map_err(|failed| match failed {
            Removal::Reached(error) => error,
            Removal::Removed(source) => Error::Commit {
                path: shown.clone(),
                source,
                done,
                total,
                journal: journal_path.clone(),
            },
        })?;
    }
    journal::done(out_dir).map_err(|source| Error::Write {
        path: journal_path,
        source,
    })?;
    Ok(written)
}

/// Why an orphan the journal lists was not removed: its folder could not
/// be reached, or the removal failed.
enum Removal {
    Reached(Error),
    Removed(io::Error),
}

/// Deletes the orphaned output `rel` (below the output folder; shown as
/// `shown`), through folders reached without a link; gone already is fine.
fn remove_listed(tree: &Tree, shown: &str, rel: &str) -> Result<(), Removal> {
    let path = Path::new(rel);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let dir = tree
        .folder(
            &tree.out_rel.join(path.parent().unwrap_or(Path::new(""))),
            false,
        )
        .map_err(|e| {
            Removal::Reached(Error::Write {
                path: shown.to_owned(),
                source: io::Error::other(e.to_string()),
            })
        })?;
    match dir {
        Some(dir) => journal::remove_orphan(&dir, &name).map_err(Removal::Removed),
        None => Ok(()),
    }
}

/// Replaces the file at `path` (relative to `cwd`, a record file) with
/// `contents` atomically: a temporary file next to it, then a rename, never
/// through a link. Keeps the file's permissions.
pub fn replace_file(cwd: &Path, path: &Path, contents: &str) -> Result<(), Denied> {
    let found = confine::locate(cwd, path)?;
    let mode = found.dir.file_mode(&found.name)?;
    let (mut file, temp) = found
        .dir
        .create_temp(journal::STAGED_PREFIX, journal::STAGED_SUFFIX)?;
    let written = file
        .write_all(contents.as_bytes())
        .and_then(|()| match mode {
            Some(mode) => file.set_permissions(mode),
            None => Ok(()),
        });
    let renamed = written.and_then(|()| found.dir.rename(&temp, &found.dir, &found.name));
    if let Err(e) = renamed {
        let _ = found.dir.remove_file(&temp);
        return Err(Denied::Io(e));
    }
    Ok(())
}

/// Writes `contents` to a new temporary file in `dir`; returns its name.
fn stage(dir: &Dir, contents: &Contents<'_>, writer: &Writer<'_>) -> io::Result<OsString> {
    let (mut file, name) = dir.create_temp(journal::STAGED_PREFIX, journal::STAGED_SUFFIX)?;
    // Written whole before the rename; not fsynced: the set is safe against the
    // process dying at any point, not against power loss (as with `cp`).
    if let Err(e) = contents.write_to(&mut file, writer) {
        let _ = dir.remove_file(&name);
        return Err(e);
    }
    // Closed now (thousands of inputs must not hold thousands of descriptors).
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::diff::stale_excerpt;

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
            write_all(dir.path(), Path::new("out"), &files).unwrap(),
            ["out/a.txt", "out/sub/b.diff"]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/sub/b.diff")).unwrap(),
            "b"
        );
        assert!(check(dir.path(), Path::new("out"), &files, stale_excerpt).is_empty());
        assert!(!dir.path().join("out").join(journal::JOURNAL).exists());
    }

    #[test]
    fn a_folder_in_the_way_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("out/b.diff")).unwrap();
        let files = [file("out/a.txt", "a"), file("out/b.diff", "b")];
        assert!(matches!(
            write_all(dir.path(), Path::new("out"), &files),
            Err(Error::OutputIsFolder { .. })
        ));
        assert!(!dir.path().join("out/a.txt").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only the folder remains: {leftovers:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_refused_wherever_they_are_on_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        std::fs::create_dir_all(dir.path().join("out/sub")).unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("out/a.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out/linked")).unwrap();
        let (session, _) = Session::open(dir.path(), Path::new("out"), &[]).unwrap();
        // The file itself is a link.
        let err = session.stage(&[file("out/a.txt", "new")]);
        assert!(
            matches!(&err, Err(Error::SymlinkOutput { link, .. }) if link.ends_with("out/a.txt")),
            "{err:?}"
        );
        // A real folder checked by one input does not vouch for a linked folder
        // reached by the next.
        let staged = session.stage(&[file("out/sub/b.txt", "b")]).unwrap();
        let err = session.stage(&[file("out/linked/c.txt", "c")]);
        assert!(
            matches!(&err, Err(Error::SymlinkOutput { link, .. }) if link.ends_with("out/linked")),
            "{err:?}"
        );
        session.commit(staged).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/sub/b.txt")).unwrap(),
            "b"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_swapped_in_after_the_checks_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("out/sub")).unwrap();
        let (session, _) = Session::open(dir.path(), Path::new("out"), &["out/sub/a.txt"]).unwrap();
        // Between the checks and the write, the folder becomes a link.
        std::fs::rename(dir.path().join("out/sub"), dir.path().join("out/moved")).unwrap();
        std::os::unix::fs::symlink(victim.path(), dir.path().join("out/sub")).unwrap();
        let staged = session.stage(&[file("out/sub/a.txt", "new")]).unwrap();
        session.commit(staged).unwrap();
        // The write went to the folder that was checked, wherever it is now.
        assert_eq!(std::fs::read_dir(victim.path()).unwrap().count(), 0);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/moved/a.txt")).unwrap(),
            "new"
        );
        // A new session (once this one lets go of the lock) sees the link and
        // refuses it.
        drop(session);
        let error = Session::open(dir.path(), Path::new("out"), &["out/sub/a.txt"]).unwrap_err();
        assert!(matches!(error, Error::SymlinkOutput { .. }), "{error}");
    }

    #[test]
    fn check_names_missing_and_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "old\n").unwrap();
        let stale = check(
            dir.path(),
            Path::new("."),
            &[file("a.txt", "new\n"), file("b.txt", "")],
            stale_excerpt,
        );
        assert!(
            matches!(&stale[0], Stale::Differs(p, d) if p == "a.txt" && d.contains("-old\n+new"))
        );
        assert_eq!(stale[1], Stale::Missing("b.txt".into()));
    }

    /// A streamed output that writes `text` in blocks of `block` bytes.
    fn streamed(path: &str, text: &'static str, block: usize) -> OutputFile<'static> {
        OutputFile {
            path: path.into(),
            contents: Contents::Streamed(Box::new(move |out: &mut (dyn io::Write + Send)| {
                text.as_bytes()
                    .chunks(block)
                    .try_for_each(|chunk| out.write_all(chunk))
            })),
        }
    }

    #[test]
    fn a_streamed_output_is_written_compared_and_left_alone_when_current() {
        let dir = tempfile::tempdir().unwrap();
        let text = "line one\nline two\nline three\n";
        let files = [streamed("out/page.md", text, 7), file("out/a.txt", "a")];
        let written = write_all(dir.path(), Path::new("out"), &files).unwrap();
        assert_eq!(written, ["out/page.md", "out/a.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/page.md")).unwrap(),
            text
        );
        assert!(check(dir.path(), Path::new("out"), &files, stale_excerpt).is_empty());
        assert!(
            write_all(dir.path(), Path::new("out"), &files)
                .unwrap()
                .is_empty(),
            "a current stream is not written again"
        );
        // Shorter, longer or different on disk: stale, with a diff.
        for on_disk in [
            &text[..9],
            &format!("{text}more\n"),
            &text.replace("two", "2"),
        ] {
            std::fs::write(dir.path().join("out/page.md"), on_disk).unwrap();
            let stale = check(dir.path(), Path::new("out"), &files, stale_excerpt);
            assert!(
                matches!(&stale[..], [Stale::Differs(p, d)] if p == "out/page.md" && d.contains("@@")),
                "{on_disk:?}: {stale:?}"
            );
        }
        assert_eq!(
            write_all(dir.path(), Path::new("out"), &files).unwrap(),
            ["out/page.md"]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/page.md")).unwrap(),
            text
        );
    }

    /// Every file under `dir` with its bytes.
    fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut dirs = vec![dir.to_path_buf()];
        while let Some(d) = dirs.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push((path.clone(), std::fs::read(&path).unwrap()));
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn a_full_disk_on_any_output_leaves_every_output_as_it_was() {
        let names = [
            "out/a.txt",
            "out/a.diff",
            "out/a.changelog.json",
            "out/b/c.txt",
            "out/a.review.md",
        ];
        for failing in 0..names.len() {
            let dir = tempfile::tempdir().unwrap();
            let old: Vec<_> = names.iter().map(|n| file(n, "old contents\n")).collect();
            write_all(dir.path(), Path::new("out"), &old).unwrap();
            let before = snapshot(dir.path());

            let new: Vec<_> = names
                .iter()
                .map(|n| match n.rsplit('.').next() {
                    Some("txt") => file(n, "new\n"),
                    // Streamed in blocks, the second of which fails.
                    Some("md") => streamed(n, "a streamed page\n", 4),
                    _ => file(n, "newer\n"),
                })
                .collect();
            let fail_on = match &new[failing].contents {
                Contents::Text(text) => text.as_bytes().to_vec(),
                Contents::Streamed(_) => b"ream".to_vec(),
            };
            let calls = std::sync::atomic::AtomicUsize::new(0);
            // Fails like a full disk, half way through one file's bytes.
            let full_disk = |f: &mut File, bytes: &[u8]| {
                calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if bytes == fail_on.as_slice() {
                    f.write_all(&bytes[..bytes.len() / 2])?;
                    return Err(io::Error::from(io::ErrorKind::StorageFull));
                }
                f.write_all(bytes)
            };
            let error = write_with(dir.path(), Path::new("out"), &new, &full_disk).unwrap_err();
            assert!(matches!(error, Error::Write { .. }), "{error}");
            assert!(calls.into_inner() >= 1);
            assert_eq!(
                snapshot(dir.path()),
                before,
                "failing on {}",
                names[failing]
            );
        }
    }

    #[test]
    fn staged_files_of_a_killed_run_are_swept_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        std::fs::write(dir.path().join("out/.correct-abc123.tmp"), "half").unwrap();
        write_all(dir.path(), Path::new("out"), &[file("out/a.txt", "a")]).unwrap();
        let names: Vec<_> = snapshot(dir.path()).into_iter().map(|(p, _)| p).collect();
        assert_eq!(names, [dir.path().join("out/a.txt")]);
    }

    #[test]
    fn check_reports_an_interrupted_run() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        std::fs::write(dir.path().join("out/a.txt"), "a").unwrap();
        std::fs::write(
            dir.path().join("out").join(journal::JOURNAL),
            r#"{"journal_version":1,"renames":[]}"#,
        )
        .unwrap();
        let stale = check(
            dir.path(),
            Path::new("out"),
            &[file("out/a.txt", "a")],
            stale_excerpt,
        );
        assert_eq!(
            stale,
            [Stale::Interrupted(format!("out/{}", journal::JOURNAL))]
        );
    }
}
