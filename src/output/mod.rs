//! Writing the outputs all-or-nothing, and comparing them for `--check`.
//!
//! Every output of the run is first written in full to a temporary file next to
//! its target. Only when all of them are ready does the run commit: it writes a
//! journal listing them ([`journal`]), renames each into place, then removes the
//! journal. A failure while staging leaves every output as it was; a process
//! killed during the renames leaves the journal, and the next run finishes them.
//! Files whose bytes are already right are not touched. One run at a time writes
//! an output folder: the others wait for its lock.

pub mod journal;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::fs::File;
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::Error;
use crate::render::diff;

/// Above this many files, staging runs on every core...
const PARALLEL_FILES: usize = 8;
/// ...and above this many bytes held in memory (a large article's outputs).
const PARALLEL_BYTES: usize = 4 << 20;

/// One output file and the bytes it must hold.
#[derive(Debug)]
pub struct OutputFile<'a> {
    /// Where it goes, as shown to users (relative to the working directory).
    pub path: String,
    /// Its full contents.
    pub contents: Contents<'a>,
}

/// The bytes of an output file.
pub enum Contents<'a> {
    /// Held in memory (borrowed where the text already exists, as the corrected
    /// article does).
    Text(Cow<'a, str>),
    /// Written on demand, the same bytes each time: a page as large as the
    /// article itself (the review page) goes straight to its file instead of
    /// being held whole in memory first.
    Streamed(Stream<'a>),
}

/// Writes an output's bytes into the writer it is given.
pub type Stream<'a> = Box<dyn Fn(&mut (dyn io::Write + Send)) -> io::Result<()> + Send + Sync + 'a>;

impl std::fmt::Debug for Contents<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Contents::Text(text) => f.debug_tuple("Text").field(text).finish(),
            Contents::Streamed(_) => f.write_str("Streamed(..)"),
        }
    }
}

impl<'a> From<Cow<'a, str>> for Contents<'a> {
    fn from(text: Cow<'a, str>) -> Contents<'a> {
        Contents::Text(text)
    }
}

impl From<String> for Contents<'_> {
    fn from(text: String) -> Self {
        Contents::Text(Cow::Owned(text))
    }
}

impl<'a> From<&'a str> for Contents<'a> {
    fn from(text: &'a str) -> Contents<'a> {
        Contents::Text(Cow::Borrowed(text))
    }
}

impl Contents<'_> {
    /// The bytes, produced into memory if they are streamed.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Contents::Text(text) => Cow::Borrowed(text),
            Contents::Streamed(stream) => {
                let mut bytes = Vec::new();
                stream(&mut bytes).expect("writing to memory cannot fail");
                // Streams write UTF-8 text; a bug there shows, it does not panic.
                Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
            }
        }
    }

    /// Bytes held in memory (0 for a stream).
    fn held(&self) -> usize {
        match self {
            Contents::Text(text) => text.len(),
            Contents::Streamed(_) => 0,
        }
    }

    /// Writes the bytes through `writer` into `file`: in one call when they are
    /// in memory, block by block as a stream writes them (no buffer whose flush
    /// on drop could swallow an error such as a full disk).
    fn write_to(&self, file: &mut File, writer: &Writer<'_>) -> io::Result<()> {
        match self {
            Contents::Text(text) => writer(file, text.as_bytes()),
            // Streams write in blocks of their own.
            Contents::Streamed(stream) => stream(&mut Through { file, writer }),
        }
    }

    /// Whether a file of `len` bytes could hold these bytes (a stream's length is
    /// not known before it runs).
    fn may_be(&self, len: u64) -> bool {
        match self {
            Contents::Text(text) => text.len() as u64 == len,
            Contents::Streamed(_) => true,
        }
    }

    /// Whether the file at `path` holds exactly these bytes.
    fn held_by(&self, path: &Path) -> bool {
        match self {
            Contents::Text(text) => holds(path, text.as_bytes()),
            Contents::Streamed(stream) => {
                let Ok(file) = File::open(path) else {
                    return false;
                };
                let mut compare = Compare {
                    file,
                    buffer: Vec::new(),
                };
                // A difference stops the stream with an error, so it stops early.
                stream(&mut compare).is_ok() && matches!(compare.file.read(&mut [0]), Ok(0))
            }
        }
    }
}

/// Largest block compared at once with a file.
const BLOCK: usize = 1 << 20;

/// Passes each block to the stage's writer.
struct Through<'f, 'w> {
    file: &'f mut File,
    writer: &'f Writer<'w>,
}

impl io::Write for Through<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (self.writer)(self.file, buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Compares what is written with a file's bytes, failing at the first difference.
struct Compare {
    file: File,
    buffer: Vec<u8>,
}

impl io::Write for Compare {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for block in buf.chunks(BLOCK) {
            self.buffer.resize(block.len(), 0);
            self.file.read_exact(&mut self.buffer)?;
            if self.buffer != block {
                return Err(io::Error::other("the file differs"));
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How staged bytes reach their file; tests swap in one that fails.
type Writer<'w> = dyn Fn(&mut File, &[u8]) -> io::Result<()> + Sync + 'w;

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
    let staged = session.stage_with(cwd, files, writer)?;
    session.commit(staged)
}

/// One output file written in full to a temporary file next to its target.
/// Dropped without a commit, it is deleted.
#[derive(Debug)]
pub struct Staged {
    temp: tempfile::TempPath,
    target: PathBuf,
    shown: String,
}

/// A run's write of its outputs: the output folder locked, an interrupted run
/// finished, then files staged (input by input, on any thread) and committed
/// all at once. Folders it created for staged files that were never committed
/// are removed when it is dropped, so a failed run leaves no trace.
#[derive(Debug)]
pub struct Session {
    out_dir: PathBuf,
    shown_out: String,
    _lock: Lock,
    created: Mutex<Vec<PathBuf>>,
    /// Folders known to exist and to lead through no symbolic link.
    folders: Mutex<HashSet<PathBuf>>,
}

impl Session {
    /// Locks the output folder `out` (or, while it does not exist, the nearest
    /// folder above it), finishes an interrupted run and removes the staged files
    /// a killed run left next to `targets`. Returns how many outputs recovery
    /// moved into place.
    pub fn open(cwd: &Path, out: &Path, targets: &[&str]) -> Result<(Session, usize), Error> {
        let out_dir = cwd.join(out);
        let shown_out = crate::project::display(cwd, &out_dir);
        let existing = out_dir
            .ancestors()
            .find(|dir| dir.is_dir())
            .unwrap_or(cwd)
            .to_path_buf();
        let lock = lock(&existing).map_err(|source| Error::Write {
            path: crate::project::display(cwd, &existing),
            source,
        })?;
        let moved = journal::recover(&out_dir)?;
        let folders: BTreeSet<PathBuf> = targets
            .iter()
            .filter_map(|t| cwd.join(t).parent().map(Path::to_path_buf))
            .collect();
        folders.iter().for_each(|dir| journal::sweep(dir));
        let session = Session {
            out_dir,
            shown_out,
            _lock: lock,
            created: Mutex::new(Vec::new()),
            folders: Mutex::new(HashSet::new()),
        };
        Ok((session, moved))
    }

    /// Stages every file whose bytes on disk differ (in parallel for many files).
    /// Any error drops every file staged by this call.
    pub fn stage(&self, cwd: &Path, files: &[OutputFile<'_>]) -> Result<Vec<Staged>, Error> {
        self.stage_with(cwd, files, &write_whole)
    }

    fn stage_with(
        &self,
        cwd: &Path,
        files: &[OutputFile<'_>],
        writer: &Writer<'_>,
    ) -> Result<Vec<Staged>, Error> {
        // Every target is looked at before anything is written.
        let found: Vec<Option<u64>> = files
            .iter()
            .map(|file| self.inspect(cwd, &file.path))
            .collect::<Result<_, _>>()?;
        let stage_one = |(file, found): (&OutputFile<'_>, &Option<u64>)| {
            let target = cwd.join(&file.path);
            if found.is_some_and(|len| file.contents.may_be(len) && file.contents.held_by(&target))
            {
                return Ok(None);
            }
            let failed = |source| Error::Write {
                path: file.path.clone(),
                source,
            };
            let dir = target
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or(PathBuf::from("."), Path::to_path_buf);
            self.make_folder(&dir).map_err(failed)?;
            let temp = stage(&dir, &file.contents, writer).map_err(failed)?;
            Ok(Some(Staged {
                temp,
                target,
                shown: file.path.clone(),
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

    /// Refuses an output path that is a folder or leads through a symbolic link;
    /// returns the size of the file already there, if any. One `lstat` per file:
    /// the folders above it are walked once per run.
    fn inspect(&self, cwd: &Path, rel: &str) -> Result<Option<u64>, Error> {
        let target = cwd.join(rel);
        let parent = Path::new(rel).parent().unwrap_or(Path::new(""));
        let folder = cwd.join(parent);
        if !self.known(&folder)
            && let Some(link) = symlink_on_path(cwd, parent)
        {
            return Err(Error::SymlinkOutput {
                path: rel.to_owned(),
                link,
            });
        }
        let meta = match std::fs::symlink_metadata(&target) {
            Ok(meta) => meta,
            Err(_) => return Ok(None),
        };
        // The folder holding it exists, and was just checked.
        self.remember(folder);
        let meta = match meta.file_type().is_symlink() {
            // An absolute --out was named on purpose, wherever it leads.
            true if Path::new(rel).is_absolute() => match std::fs::metadata(&target) {
                Ok(meta) => meta,
                Err(_) => return Ok(None),
            },
            true => {
                return Err(Error::SymlinkOutput {
                    path: rel.to_owned(),
                    link: crate::project::display(cwd, &target),
                });
            }
            false => meta,
        };
        match meta.is_dir() {
            true => Err(Error::OutputIsFolder {
                path: rel.to_owned(),
            }),
            false => Ok(Some(meta.len())),
        }
    }

    /// Whether `dir` is a folder this run has already checked or created.
    fn known(&self, dir: &Path) -> bool {
        self.folders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains(dir)
    }

    /// Notes that `dir` exists and leads through no symbolic link.
    fn remember(&self, dir: PathBuf) {
        self.folders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(dir);
    }

    /// Creates `dir` and the folders above it that are missing, remembering each.
    fn make_folder(&self, dir: &Path) -> io::Result<()> {
        if self.known(dir) {
            return Ok(());
        }
        let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.is_dir()).collect();
        for folder in missing.into_iter().rev() {
            match std::fs::create_dir(folder) {
                Ok(()) => self
                    .created
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(folder.to_path_buf()),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
        self.remember(dir.to_path_buf());
        Ok(())
    }

    /// Writes the journal, renames every staged file into place, removes the
    /// journal. Returns the paths written.
    pub fn commit(&self, staged: Vec<Staged>) -> Result<Vec<String>, Error> {
        if staged.is_empty() {
            return Ok(Vec::new());
        }
        self.created
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        commit(&self.out_dir, &self.shown_out, staged)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let created = self
            .created
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Deepest first; a folder that holds anything stays.
        for folder in created.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// Finishes an interrupted run's renames in the output folder `out`, if its
/// journal is there, under the folder's lock. Returns how many outputs it moved
/// into place.
pub fn recover(cwd: &Path, out: &Path) -> Result<usize, Error> {
    let out_dir = cwd.join(out);
    if !journal::pending(&out_dir) {
        return Ok(0);
    }
    let _lock = lock(&out_dir).map_err(|source| Error::Write {
        path: crate::project::display(cwd, &out_dir),
        source,
    })?;
    journal::recover(&out_dir)
}

/// Writes the journal, renames every staged file into place, removes the journal.
fn commit(out_dir: &Path, shown_out: &str, staged: Vec<Staged>) -> Result<Vec<String>, Error> {
    let renames: Vec<journal::Rename> = staged
        .iter()
        .map(|s| journal::Rename {
            staged: s.temp.to_path_buf(),
            target: s.target.clone(),
        })
        .collect();
    // Until the journal exists, a failure drops (deletes) every staged file.
    journal::commit(out_dir, &renames).map_err(|source| Error::Write {
        path: format!("{shown_out}/{}", journal::JOURNAL),
        source,
    })?;
    let total = staged.len();
    let mut written = Vec::with_capacity(total);
    let mut staged = staged.into_iter();
    while let Some(Staged {
        temp,
        target,
        shown,
    }) = staged.next()
    {
        if let Err(e) = temp.persist(&target) {
            // Committed: keep the rest staged for the next run to finish.
            let _ = e.path.keep();
            staged.for_each(|s| {
                let _ = s.temp.keep();
            });
            return Err(Error::Commit {
                path: shown.clone(),
                source: e.error,
                done: written.len(),
                total,
                journal: format!("{shown_out}/{}", journal::JOURNAL),
            });
        }
        written.push(shown.clone());
    }
    journal::done(out_dir).map_err(|source| Error::Write {
        path: format!("{shown_out}/{}", journal::JOURNAL),
        source,
    })?;
    Ok(written)
}

/// Replaces the file at `path` with `contents` atomically (a temporary file next
/// to it, then a rename), keeping nothing half-written. For record files.
pub fn replace_file(path: &Path, contents: &str) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(journal::STAGED_PREFIX)
        .suffix(journal::STAGED_SUFFIX)
        .tempfile_in(dir)?;
    temp.as_file_mut().write_all(contents.as_bytes())?;
    if let Ok(meta) = std::fs::metadata(path) {
        temp.as_file().set_permissions(meta.permissions())?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// An open handle on a locked folder.
#[cfg(unix)]
type Lock = File;
#[cfg(not(unix))]
type Lock = ();

/// Holds the output folder's lock until dropped, so that two runs never mix
/// their outputs: the second waits for the first.
#[cfg(unix)]
fn lock(dir: &Path) -> io::Result<Lock> {
    let handle = File::open(dir)?;
    handle.lock()?;
    Ok(handle)
}

#[cfg(not(unix))]
fn lock(_dir: &Path) -> io::Result<Lock> {
    Ok(())
}

/// Writes `contents` to a new temporary file in `dir`.
fn stage(
    dir: &Path,
    contents: &Contents<'_>,
    writer: &Writer<'_>,
) -> io::Result<tempfile::TempPath> {
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(journal::STAGED_PREFIX)
        .suffix(journal::STAGED_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder.tempfile_in(dir)?;
    // Written whole before the rename; not fsynced: the set is safe against the
    // process dying at any point, not against power loss (as with `cp`).
    contents.write_to(temp.as_file_mut(), writer)?;
    // Closed now (thousands of inputs must not hold thousands of descriptors);
    // the path is still removed if the run stops before the commit.
    Ok(temp.into_temp_path())
}

/// The first symbolic link among the existing components of `rel` (an output's
/// folder relative to `cwd`): writing through one could land outside the
/// project, so outputs never do.
fn symlink_on_path(cwd: &Path, rel: &Path) -> Option<String> {
    if rel.is_absolute() {
        // An absolute --out was named on purpose, wherever it leads.
        return None;
    }
    let mut at = cwd.to_path_buf();
    for component in rel.components() {
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
    /// A run was killed while replacing outputs; its journal is still there.
    Interrupted(String),
    /// The file does not exist (or cannot be read).
    Missing(String),
    /// The file holds other bytes; a diff from disk to expected.
    Differs(String, String),
}

/// Compares every file with the disk. Empty when all are current.
pub fn check(cwd: &Path, out: &Path, files: &[OutputFile<'_>]) -> Vec<Stale> {
    interrupted(cwd, out)
        .into_iter()
        .chain(check_files(cwd, files))
        .collect()
}

/// The journal of an interrupted run in the output folder `out`, if there is one.
pub fn interrupted(cwd: &Path, out: &Path) -> Option<Stale> {
    let journal = cwd.join(out).join(journal::JOURNAL);
    journal
        .is_file()
        .then(|| Stale::Interrupted(crate::project::display(cwd, &journal)))
}

/// Compares every file with the disk, without the journal check of [`check`].
pub fn check_files(cwd: &Path, files: &[OutputFile<'_>]) -> Vec<Stale> {
    files
        .iter()
        .filter(|file| !file.contents.held_by(&cwd.join(&file.path)))
        .map(|file| match std::fs::read(cwd.join(&file.path)) {
            Err(_) => Stale::Missing(file.path.clone()),
            Ok(bytes) => {
                let on_disk = String::from_utf8_lossy(&bytes);
                let diff = diff::unified(&file.path, &on_disk, &file.contents.to_text());
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
            write_all(dir.path(), Path::new("out"), &files).unwrap(),
            ["out/a.txt", "out/sub/b.diff"]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out/sub/b.diff")).unwrap(),
            "b"
        );
        assert!(check(dir.path(), Path::new("out"), &files).is_empty());
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
        let err = session.stage(dir.path(), &[file("out/a.txt", "new")]);
        assert!(
            matches!(&err, Err(Error::SymlinkOutput { link, .. }) if link.ends_with("out/a.txt")),
            "{err:?}"
        );
        // A real folder checked by one input does not vouch for a linked folder
        // reached by the next.
        let staged = session
            .stage(dir.path(), &[file("out/sub/b.txt", "b")])
            .unwrap();
        let err = session.stage(dir.path(), &[file("out/linked/c.txt", "c")]);
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

    #[test]
    fn check_names_missing_and_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "old\n").unwrap();
        let stale = check(
            dir.path(),
            Path::new("."),
            &[file("a.txt", "new\n"), file("b.txt", "")],
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
        assert!(check(dir.path(), Path::new("out"), &files).is_empty());
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
            let stale = check(dir.path(), Path::new("out"), &files);
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
        let stale = check(dir.path(), Path::new("out"), &[file("out/a.txt", "a")]);
        assert_eq!(
            stale,
            [Stale::Interrupted(format!("out/{}", journal::JOURNAL))]
        );
    }
}
