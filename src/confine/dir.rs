//! [`Dir`], an open folder whose methods take single names, never paths:
//! every entry is opened relative to the folder's handle, without following
//! a link.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

#[cfg(unix)]
use rustix::fs::{AtFlags, FileType, Mode, OFlags};

#[cfg(unix)]
use super::kind_of;
#[cfg(not(unix))]
use super::kind_of_std;
use super::{Denied, Kind};

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

/// Twelve characters from a fresh random source (the standard library's
/// randomly keyed hasher, seeded per process, mixed with a counter and time).
pub(super) fn random_name() -> String {
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
