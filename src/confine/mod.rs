//! File access that nothing in a repository can redirect.
//!
//! A repository is untrusted: any of its paths may be a symbolic link, a FIFO, a
//! socket or a device, and links may be swapped in while `correct` runs. The
//! rule, applied to every path `correct` reads, writes, renames or deletes:
//!
//! - **Below the working directory** (the project), no symbolic link is
//!   followed, at any level. Folders are opened one component at a time, each
//!   relative to the handle of the one above (`openat` with `O_NOFOLLOW`), so a
//!   link found at any moment, even one created between a check and a write,
//!   makes the operation fail instead of leaving the project.
//! - **Outside it**, only the paths the person running `correct` typed are
//!   used (`--out`, `--corrections`), resolved as given, as `cp` would; what
//!   lies below them is again opened without following links.
//! - Only regular files are read: a FIFO, socket or device is refused before a
//!   byte is read (opened with `O_NONBLOCK`, so a FIFO cannot block the run).
//!
//! [`Dir`] is an open folder; its methods take single names, never paths.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read as _};
use std::path::{Component, Path, PathBuf};

#[cfg(unix)]
use rustix::fs::FileType;

mod dir;
pub(crate) use dir::Dir;

/// What a directory entry is, without following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// A symbolic link.
    Link,
    /// A FIFO (named pipe).
    Fifo,
    /// A socket.
    Socket,
    /// A character or block device.
    Device,
}

impl Kind {
    /// The kind in words, for messages: `a symbolic link`.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::File => "a regular file",
            Kind::Dir => "a folder",
            Kind::Link => "a symbolic link",
            Kind::Fifo => "a FIFO (named pipe)",
            Kind::Socket => "a socket",
            Kind::Device => "a device",
        }
    }
}

/// Why a path was not used.
#[derive(Debug)]
pub enum Denied {
    /// The operating system's error.
    Io(io::Error),
    /// A component (relative to the path's anchor) is not what it must be: a
    /// link where a folder or file was expected, or a FIFO where a file was.
    Kind {
        /// The path up to and including that component.
        at: PathBuf,
        /// What it is.
        kind: Kind,
    },
}

impl From<io::Error> for Denied {
    fn from(e: io::Error) -> Denied {
        Denied::Io(e)
    }
}

#[cfg(unix)]
impl From<rustix::io::Errno> for Denied {
    fn from(e: rustix::io::Errno) -> Denied {
        Denied::Io(e.into())
    }
}

impl std::fmt::Display for Denied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Denied::Io(e) => e.fmt(f),
            Denied::Kind { at, kind } => write!(
                f,
                "{} is {}, and correct follows no link and reads or writes only regular files and real folders",
                at.display(),
                kind.describe()
            ),
        }
    }
}

impl Denied {
    /// Whether the path (or a folder on it) does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Denied::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }
}

/// Where a path lies: below the working directory (followed no link) or
/// outside it (the user's own path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    /// Relative to the working directory, normalized, only normal components
    /// (empty for the working directory itself).
    Inside(PathBuf),
    /// An absolute, normalized path outside the working directory.
    Outside(PathBuf),
}

/// Where `path` (relative to `cwd`, or absolute) lies, lexically.
pub(crate) fn place(cwd: &Path, path: &Path) -> Place {
    let full = normalize(&cwd.join(path));
    let base = normalize(cwd);
    match full.strip_prefix(&base) {
        Ok(rel) => Place::Inside(rel.to_path_buf()),
        Err(_) => Place::Outside(full),
    }
}

/// `path` with `.` removed and `..` applied lexically.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// What reading a file under a limit gives.
#[derive(Debug)]
pub enum Bounded {
    /// The whole file.
    Read(Vec<u8>),
    /// The file is larger than the limit (its size, or the limit plus one when
    /// it grew while being read); nothing more was read.
    TooLarge(u64),
}

/// Reads `file` whole unless it holds more than `limit` bytes.
pub(crate) fn read_limited(file: File, limit: u64) -> io::Result<Bounded> {
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(Bounded::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    match bytes.len() as u64 > limit {
        true => Ok(Bounded::TooLarge(limit + 1)),
        false => Ok(Bounded::Read(bytes)),
    }
}

/// A folder or file path split into the folder that holds it, opened by the
/// rule of this module, and its last component.
#[derive(Debug)]
pub(crate) struct Located {
    /// The folder holding the entry.
    pub dir: Dir,
    /// The entry's name.
    pub name: OsString,
}

/// Opens the folder `path` (relative to `cwd`, or absolute) by the rule of
/// this module: below `cwd` following no link; outside it as given.
pub(crate) fn open_dir(cwd: &Path, path: &Path) -> Result<Dir, Denied> {
    match place(cwd, path) {
        Place::Inside(rel) => Dir::trusted(cwd)?.sub(&rel),
        Place::Outside(abs) => Ok(Dir::trusted(&abs)?),
    }
}

/// Opens the folder holding `path` by the rule of this module, and names the
/// entry. Below `cwd` the entry itself is not followed either; outside it,
/// a path the user typed is followed to its end (see [`open_file`]).
pub(crate) fn locate(cwd: &Path, path: &Path) -> Result<Located, Denied> {
    let (parent, name) = match place(cwd, path) {
        Place::Inside(rel) => {
            let name = rel.file_name().map(OsStr::to_os_string).ok_or_else(|| {
                Denied::Io(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the working directory is not a file",
                ))
            })?;
            let parent = rel.parent().unwrap_or(Path::new("")).to_path_buf();
            let dir = Dir::trusted(cwd)?.sub(&parent)?;
            return Ok(Located { dir, name });
        }
        Place::Outside(abs) => {
            let name = abs.file_name().map(OsStr::to_os_string).ok_or_else(|| {
                Denied::Io(io::Error::new(io::ErrorKind::InvalidInput, "no file name"))
            })?;
            (abs.parent().unwrap_or(Path::new("/")).to_path_buf(), name)
        }
    };
    Ok(Located {
        dir: Dir::trusted(&parent)?,
        name,
    })
}

/// Creates the folder `path` and the missing folders above it, by the rule
/// of this module: below `cwd` no existing component may be a link.
pub(crate) fn create_dirs(cwd: &Path, path: &Path) -> Result<(), Denied> {
    match place(cwd, path) {
        Place::Inside(rel) => {
            let mut dir = Dir::trusted(cwd)?;
            let mut at = PathBuf::new();
            for component in rel.components() {
                let Component::Normal(name) = component else {
                    continue;
                };
                at.push(name);
                let located = |e: Denied| match e {
                    Denied::Kind { kind, .. } => Denied::Kind {
                        at: at.clone(),
                        kind,
                    },
                    other => other,
                };
                dir.create_dir(name).map_err(located)?;
                dir = dir.sub(Path::new(name)).map_err(located)?;
            }
            Ok(())
        }
        Place::Outside(abs) => Ok(std::fs::create_dir_all(abs)?),
    }
}

/// What `path` is, by the rule of this module (`None`: it does not exist).
pub(crate) fn kind(cwd: &Path, path: &Path) -> Result<Option<Kind>, Denied> {
    match place(cwd, path) {
        Place::Inside(rel) if rel.as_os_str().is_empty() => Ok(Some(Kind::Dir)),
        Place::Inside(_) => match locate(cwd, path) {
            Ok(found) => Ok(found.dir.kind(&found.name)?),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        },
        Place::Outside(abs) => match std::fs::metadata(&abs) {
            Ok(meta) if meta.is_dir() => Ok(Some(Kind::Dir)),
            Ok(meta) if meta.is_file() => Ok(Some(Kind::File)),
            #[cfg(unix)]
            Ok(meta) => Ok(Some(kind_of(FileType::from_raw_mode(
                std::os::unix::fs::MetadataExt::mode(&meta) as _,
            )))),
            #[cfg(not(unix))]
            Ok(_) => Ok(Some(Kind::Device)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Denied::Io(e)),
        },
    }
}

/// Reads the regular file `path` by the rule of this module, unless it holds
/// more than `limit` bytes.
pub(crate) fn read(cwd: &Path, path: &Path, limit: u64) -> Result<Bounded, Denied> {
    let file = open_file(cwd, path)?;
    Ok(read_limited(file, limit)?)
}

/// Opens the regular file `path` by the rule of this module.
pub(crate) fn open_file(cwd: &Path, path: &Path) -> Result<File, Denied> {
    match place(cwd, path) {
        Place::Inside(rel) => {
            let found = locate(cwd, path)?;
            found.dir.open_file(&found.name).map_err(|e| match e {
                // Named from the working directory, not from its folder.
                Denied::Kind { kind, .. } => Denied::Kind { at: rel, kind },
                other => other,
            })
        }
        // The user's own path: followed, but still only a regular file.
        Place::Outside(abs) => match kind(cwd, &abs)? {
            Some(Kind::File) => {
                let file = File::open(&abs)?;
                match file.metadata()?.is_file() {
                    true => Ok(file),
                    false => Err(Denied::Kind {
                        at: abs,
                        kind: Kind::Device,
                    }),
                }
            }
            Some(kind) => Err(Denied::Kind { at: abs, kind }),
            None => Err(Denied::Io(io::ErrorKind::NotFound.into())),
        },
    }
}

#[cfg(unix)]
fn kind_of(file_type: FileType) -> Kind {
    match file_type {
        FileType::RegularFile => Kind::File,
        FileType::Directory => Kind::Dir,
        FileType::Symlink => Kind::Link,
        FileType::Fifo => Kind::Fifo,
        FileType::Socket => Kind::Socket,
        _ => Kind::Device,
    }
}

#[cfg(not(unix))]
fn kind_of_std(file_type: std::fs::FileType) -> Kind {
    if file_type.is_symlink() {
        Kind::Link
    } else if file_type.is_dir() {
        Kind::Dir
    } else if file_type.is_file() {
        Kind::File
    } else {
        Kind::Device
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// The examples this function's documentation gave.
    #[test]
    fn place_examples() {
        use crate::confine::{Place, place};
        use std::path::Path;
        let cwd = Path::new("/p");
        assert_eq!(
            place(cwd, Path::new("./input/../input/a.txt")),
            Place::Inside("input/a.txt".into())
        );
        assert_eq!(
            place(cwd, Path::new("/p/output")),
            Place::Inside("output".into())
        );
        assert_eq!(
            place(cwd, Path::new("../q/a.txt")),
            Place::Outside("/q/a.txt".into())
        );
    }

    #[test]
    fn a_link_at_any_level_below_the_project_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s").unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        symlink(outside.path(), dir.path().join("a/b/up")).unwrap();
        symlink(outside.path().join("secret"), dir.path().join("a/file")).unwrap();
        let err = read(dir.path(), Path::new("a/b/up/secret"), 10).unwrap_err();
        assert!(
            matches!(&err, Denied::Kind { at, kind: Kind::Link } if at == Path::new("a/b/up")),
            "{err:?}"
        );
        let err = read(dir.path(), Path::new("a/file"), 10).unwrap_err();
        assert!(
            matches!(
                err,
                Denied::Kind {
                    kind: Kind::Link,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            dir.path().join("pipe"),
            rustix::fs::Mode::from_raw_mode(0o644),
        )
        .unwrap();
        let err = read(dir.path(), Path::new("pipe"), 10).unwrap_err();
        assert!(
            matches!(
                err,
                Denied::Kind {
                    kind: Kind::Fifo,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn paths_outside_the_project_are_the_users_and_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("real"), "text").unwrap();
        symlink(outside.path().join("real"), outside.path().join("named")).unwrap();
        let read = read(dir.path(), &outside.path().join("named"), 10).unwrap();
        assert!(matches!(read, Bounded::Read(bytes) if bytes == b"text"));
    }

    #[test]
    fn entries_report_links_as_links() {
        let dir = tempfile::tempdir().unwrap();
        symlink("..", dir.path().join("up")).unwrap();
        std::fs::write(dir.path().join("f"), "").unwrap();
        let mut entries = Dir::trusted(dir.path()).unwrap().entries().unwrap();
        entries.sort();
        assert_eq!(
            entries,
            [("f".into(), Kind::File), ("up".into(), Kind::Link)]
        );
    }

    #[test]
    fn temporary_names_do_not_repeat() {
        let names: std::collections::HashSet<_> = (0..1000).map(|_| dir::random_name()).collect();
        assert_eq!(names.len(), 1000);
    }
}
