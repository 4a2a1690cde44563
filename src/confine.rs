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
use rustix::fs::{AtFlags, FileType, Mode, OFlags};

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

/// An open folder. Every operation names one entry of it.
#[derive(Debug)]
pub(crate) struct Dir {
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    #[cfg(not(unix))]
    path: PathBuf,
}

impl Dir {
    /// Opens a folder the user named (or the working directory), following
    /// links in `path` itself: those are the user's.
    pub(crate) fn trusted(path: &Path) -> io::Result<Dir> {
        #[cfg(unix)]
        {
            let fd = rustix::fs::open(
                path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            Ok(Dir { fd })
        }
        #[cfg(not(unix))]
        {
            match std::fs::metadata(path)?.is_dir() {
                true => Ok(Dir {
                    path: path.to_path_buf(),
                }),
                false => Err(io::Error::from(io::ErrorKind::NotADirectory)),
            }
        }
    }

    /// Opens the folder `rel` below this one, one component at a time, following
    /// no link. `rel` must be relative, without `..`.
    pub(crate) fn sub(&self, rel: &Path) -> Result<Dir, Denied> {
        let mut at = PathBuf::new();
        let mut dir = self.dup()?;
        for component in rel.components() {
            let Component::Normal(name) = component else {
                if component == Component::CurDir {
                    continue;
                }
                return Err(Denied::Io(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} leaves the folder", rel.display()),
                )));
            };
            at.push(name);
            dir = dir.child(name).map_err(|e| match e {
                Denied::Kind { kind, .. } => Denied::Kind {
                    at: at.clone(),
                    kind,
                },
                other => other,
            })?;
        }
        Ok(dir)
    }

    /// A second handle on this folder.
    fn dup(&self) -> io::Result<Dir> {
        #[cfg(unix)]
        {
            Ok(Dir {
                fd: self.fd.try_clone()?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Dir {
                path: self.path.clone(),
            })
        }
    }

    /// Opens the folder `name` of this one, refusing a link or anything else.
    fn child(&self, name: &OsStr) -> Result<Dir, Denied> {
        #[cfg(unix)]
        {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match rustix::fs::openat(&self.fd, name, flags, Mode::empty()) {
                Ok(fd) => Ok(Dir { fd }),
                // ELOOP: a link; ENOTDIR: something else. Say which.
                Err(e) if e == rustix::io::Errno::LOOP || e == rustix::io::Errno::NOTDIR => {
                    match self.kind(name)? {
                        Some(kind) if kind != Kind::Dir => Err(Denied::Kind {
                            at: name.into(),
                            kind,
                        }),
                        _ => Err(Denied::Io(e.into())),
                    }
                }
                Err(e) => Err(Denied::Io(e.into())),
            }
        }
        #[cfg(not(unix))]
        {
            match self.kind(name)? {
                Some(Kind::Dir) => Ok(Dir {
                    path: self.path.join(name),
                }),
                Some(kind) => Err(Denied::Kind {
                    at: name.into(),
                    kind,
                }),
                None => Err(Denied::Io(io::ErrorKind::NotFound.into())),
            }
        }
    }

    /// What `name` is (not following a link), or `None` when it does not exist.
    pub(crate) fn kind(&self, name: &OsStr) -> io::Result<Option<Kind>> {
        #[cfg(unix)]
        {
            match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => Ok(Some(kind_of(FileType::from_raw_mode(stat.st_mode)))),
                Err(rustix::io::Errno::NOENT) => Ok(None),
                Err(e) => Err(e.into()),
            }
        }
        #[cfg(not(unix))]
        {
            match std::fs::symlink_metadata(self.path.join(name)) {
                Ok(meta) => Ok(Some(kind_of_std(meta.file_type()))),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        }
    }

    /// The entries of this folder (without `.` and `..`), not following links,
    /// in no particular order.
    pub(crate) fn entries(&self) -> io::Result<Vec<(OsString, Kind)>> {
        let mut entries = Vec::new();
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt as _;
            for entry in rustix::fs::Dir::read_from(&self.fd)? {
                let entry = entry?;
                let bytes = entry.file_name().to_bytes();
                if bytes == b"." || bytes == b".." {
                    continue;
                }
                let name = OsStr::from_bytes(bytes).to_os_string();
                let kind = match entry.file_type() {
                    FileType::Unknown => match self.kind(&name)? {
                        Some(kind) => kind,
                        None => continue,
                    },
                    known => kind_of(known),
                };
                entries.push((name, kind));
            }
        }
        #[cfg(not(unix))]
        {
            for entry in std::fs::read_dir(&self.path)? {
                let entry = entry?;
                entries.push((entry.file_name(), kind_of_std(entry.file_type()?)));
            }
        }
        Ok(entries)
    }

    /// Opens the regular file `name` for reading: a link, FIFO, socket or
    /// device is refused without blocking.
    pub(crate) fn open_file(&self, name: &OsStr) -> Result<File, Denied> {
        #[cfg(unix)]
        {
            let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
            // Looked at first, so that a device is never even opened.
            match self.kind(name)? {
                None => return Err(Denied::Io(io::ErrorKind::NotFound.into())),
                Some(Kind::File) => {}
                Some(kind) => {
                    return Err(Denied::Kind {
                        at: name.into(),
                        kind,
                    });
                }
            }
            let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(rustix::io::Errno::LOOP) => {
                    return Err(Denied::Kind {
                        at: name.into(),
                        kind: Kind::Link,
                    });
                }
                Err(e) => return Err(Denied::Io(e.into())),
            };
            // Swapped since it was looked at: check what was opened.
            let kind = kind_of(FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode));
            if kind != Kind::File {
                return Err(Denied::Kind {
                    at: name.into(),
                    kind,
                });
            }
            rustix::fs::fcntl_setfl(&fd, OFlags::empty())?;
            Ok(File::from(fd))
        }
        #[cfg(not(unix))]
        {
            match self.kind(name)? {
                Some(Kind::File) => Ok(File::open(self.path.join(name))?),
                Some(kind) => Err(Denied::Kind {
                    at: name.into(),
                    kind,
                }),
                None => Err(Denied::Io(io::ErrorKind::NotFound.into())),
            }
        }
    }

    /// The length of the regular file `name`, `None` when nothing is there; a
    /// link, folder, FIFO or device there is refused.
    pub(crate) fn file_len(&self, name: &OsStr) -> Result<Option<u64>, Denied> {
        Ok(self.file_meta(name)?.map(|(len, _)| len))
    }

    /// The permissions of the regular file `name`, if it exists.
    pub(crate) fn file_mode(&self, name: &OsStr) -> Result<Option<std::fs::Permissions>, Denied> {
        Ok(self.file_meta(name)?.map(|(_, mode)| mode))
    }

    fn file_meta(&self, name: &OsStr) -> Result<Option<(u64, std::fs::Permissions)>, Denied> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let stat = match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => stat,
                Err(rustix::io::Errno::NOENT) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            match kind_of(FileType::from_raw_mode(stat.st_mode)) {
                Kind::File => Ok(Some((
                    stat.st_size as u64,
                    std::fs::Permissions::from_mode(stat.st_mode & 0o7777),
                ))),
                kind => Err(Denied::Kind {
                    at: name.into(),
                    kind,
                }),
            }
        }
        #[cfg(not(unix))]
        {
            match std::fs::symlink_metadata(self.path.join(name)) {
                Ok(meta) if meta.is_file() => Ok(Some((meta.len(), meta.permissions()))),
                Ok(meta) => Err(Denied::Kind {
                    at: name.into(),
                    kind: kind_of_std(meta.file_type()),
                }),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(Denied::Io(e)),
            }
        }
    }

    /// Creates the folder `name`; `Ok(false)` when a folder (not a link) is
    /// already there.
    pub(crate) fn create_dir(&self, name: &OsStr) -> Result<bool, Denied> {
        #[cfg(unix)]
        let made = rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(0o777))
            .map_err(io::Error::from);
        #[cfg(not(unix))]
        let made = std::fs::create_dir(self.path.join(name));
        match made {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match self.kind(name)? {
                Some(Kind::Dir) => Ok(false),
                Some(kind) => Err(Denied::Kind {
                    at: name.into(),
                    kind,
                }),
                None => Err(Denied::Io(e)),
            },
            Err(e) => Err(Denied::Io(e)),
        }
    }

    /// Creates a new file `prefix` + random + `suffix` (never an existing one,
    /// never through a link), open for writing, mode 0644.
    pub(crate) fn create_temp(&self, prefix: &str, suffix: &str) -> io::Result<(File, OsString)> {
        for _ in 0..64 {
            let name = OsString::from(format!("{prefix}{}{suffix}", random_name()));
            #[cfg(unix)]
            {
                let flags = OFlags::WRONLY
                    | OFlags::CREATE
                    | OFlags::EXCL
                    | OFlags::NOFOLLOW
                    | OFlags::CLOEXEC;
                match rustix::fs::openat(&self.fd, &name, flags, Mode::from_raw_mode(0o644)) {
                    Ok(fd) => return Ok((File::from(fd), name)),
                    Err(rustix::io::Errno::EXIST) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            #[cfg(not(unix))]
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.path.join(&name))
            {
                Ok(file) => return Ok((file, name)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free temporary file name",
        ))
    }

    /// Renames the entry `from` of this folder to `to` in `target` (replacing
    /// what is there: a link at `to` is replaced, never followed).
    pub(crate) fn rename(&self, from: &OsStr, target: &Dir, to: &OsStr) -> io::Result<()> {
        #[cfg(unix)]
        {
            rustix::fs::renameat(&self.fd, from, &target.fd, to)?;
            Ok(())
        }
        #[cfg(not(unix))]
        {
            std::fs::rename(self.path.join(from), target.path.join(to))
        }
    }

    /// Removes the file (or link) `name` of this folder.
    pub(crate) fn remove_file(&self, name: &OsStr) -> io::Result<()> {
        #[cfg(unix)]
        {
            rustix::fs::unlinkat(&self.fd, name, AtFlags::empty())?;
            Ok(())
        }
        #[cfg(not(unix))]
        {
            std::fs::remove_file(self.path.join(name))
        }
    }

    /// Removes the empty folder `name` of this folder.
    pub(crate) fn remove_dir(&self, name: &OsStr) -> io::Result<()> {
        #[cfg(unix)]
        {
            rustix::fs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR)?;
            Ok(())
        }
        #[cfg(not(unix))]
        {
            std::fs::remove_dir(self.path.join(name))
        }
    }

    /// Takes this folder's exclusive lock, waiting for another holder; held
    /// until the handle is dropped.
    pub(crate) fn lock(&self) -> io::Result<()> {
        #[cfg(unix)]
        rustix::fs::flock(&self.fd, rustix::fs::FlockOperation::LockExclusive)?;
        Ok(())
    }
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

/// Twelve characters from a fresh random source (the standard library's
/// randomly keyed hasher, seeded per process, mixed with a counter and time).
fn random_name() -> String {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    let mut n = hasher.finish();
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..12)
        .map(|_| {
            let c = ALPHABET[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect()
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
            Mode::from_raw_mode(0o644),
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
        let names: std::collections::HashSet<_> = (0..1000).map(|_| random_name()).collect();
        assert_eq!(names.len(), 1000);
    }
}
