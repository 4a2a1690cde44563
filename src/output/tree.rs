//! The folders a run writes below: the output folder's [`Tree`], walked
//! from the working directory (or an `--out` outside it) one folder at a
//! time, each opened once and shared, and the folders the run created, so
//! that a failed run removes them again.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::confine::{self, Denied, Dir, Place};
use crate::error::Error;

/// The output folder's tree, walked from a checked handle: below the working
/// directory no folder on the way may be a link; an `--out` outside it is the
/// user's own folder, used as given. Folders are opened once and remembered.
#[derive(Debug)]
pub(super) struct Tree {
    /// The folder every output path is walked from: the working directory, or
    /// an `--out` outside it.
    pub(super) root: Arc<Dir>,
    /// Its path (absolute when outside).
    pub(super) root_path: PathBuf,
    /// Whether the root is the working directory.
    pub(super) inside: bool,
    /// The output folder, relative to the root.
    pub(super) out_rel: PathBuf,
    /// The output folder as shown.
    pub(super) shown_out: String,
    /// Folders opened so far, by path relative to the root.
    pub(super) folders: Mutex<HashMap<PathBuf, Arc<Dir>>>,
    /// Folders this run created (the folder above and the name), oldest first.
    pub(super) created: Mutex<Vec<(Arc<Dir>, OsString)>>,
    /// The folders of an `--out` outside the project that this run made,
    /// deepest first.
    pub(super) made_outside: Mutex<Vec<PathBuf>>,
}

impl Tree {
    /// The tree of the output folder `out`; `create` makes an `--out` outside
    /// the working directory if it is missing (the user named it).
    pub(super) fn new(cwd: &Path, out: &Path, create: bool) -> Result<Tree, Error> {
        let shown_out = crate::project::display(cwd, out);
        let mut made_outside = Vec::new();
        let (root_path, inside, out_rel) = match confine::place(cwd, out) {
            Place::Inside(rel) => (cwd.to_path_buf(), true, rel),
            Place::Outside(abs) => {
                if create {
                    // The folders made here are removed again if nothing is
                    // committed (a failed run leaves no empty folder).
                    let missing: Vec<PathBuf> = abs
                        .ancestors()
                        .take_while(|dir| std::fs::symlink_metadata(dir).is_err())
                        .map(Path::to_path_buf)
                        .collect();
                    std::fs::create_dir_all(&abs).map_err(|source| Error::Write {
                        path: shown_out.clone(),
                        source,
                    })?;
                    made_outside = missing;
                }
                (abs, false, PathBuf::new())
            }
        };
        let root = Dir::trusted(&root_path).map_err(|source| Error::Read {
            path: crate::project::display(cwd, &root_path),
            source,
        })?;
        Ok(Tree {
            root: Arc::new(root),
            root_path,
            inside,
            out_rel,
            shown_out,
            folders: Mutex::new(HashMap::new()),
            created: Mutex::new(Vec::new()),
            made_outside: Mutex::new(made_outside),
        })
    }

    /// The output path `shown` as the folder holding it (relative to the
    /// root) and its name.
    pub(super) fn split(&self, cwd: &Path, shown: &str) -> io::Result<(PathBuf, OsString)> {
        let rel = match confine::place(cwd, Path::new(shown)) {
            Place::Inside(rel) if self.inside => rel,
            Place::Outside(abs) if !self.inside => abs
                .strip_prefix(&self.root_path)
                .map(Path::to_path_buf)
                .map_err(|_| outside(shown))?,
            _ => return Err(outside(shown)),
        };
        if !rel.starts_with(&self.out_rel) || rel == self.out_rel {
            return Err(outside(shown));
        }
        let name = rel
            .file_name()
            .ok_or_else(|| outside(shown))?
            .to_os_string();
        let dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
        Ok((dir, name))
    }

    /// The folder `rel` (relative to the root), opened following no link;
    /// `None` when it does not exist and `create` is false.
    pub(super) fn folder(&self, rel: &Path, create: bool) -> Result<Option<Arc<Dir>>, Denied> {
        if let Some(dir) = lock(&self.folders).get(rel) {
            return Ok(Some(Arc::clone(dir)));
        }
        let mut dir = Arc::clone(&self.root);
        let mut at = PathBuf::new();
        for component in rel.components() {
            let std::path::Component::Normal(name) = component else {
                return Err(Denied::Io(outside(&rel.display().to_string())));
            };
            at.push(name);
            if let Some(known) = lock(&self.folders).get(&at) {
                dir = Arc::clone(known);
                continue;
            }
            let next = match dir.sub(Path::new(name)) {
                Ok(next) => next,
                Err(e) if e.is_not_found() && create => {
                    if dir.create_dir(name)? {
                        lock(&self.created).push((Arc::clone(&dir), name.to_os_string()));
                    }
                    dir.sub(Path::new(name))?
                }
                Err(e) if e.is_not_found() => return Ok(None),
                Err(Denied::Kind { kind, .. }) => {
                    return Err(Denied::Kind {
                        at: at.clone(),
                        kind,
                    });
                }
                Err(e) => return Err(e),
            };
            let next = Arc::new(next);
            lock(&self.folders).insert(at.clone(), Arc::clone(&next));
            dir = next;
        }
        Ok(Some(dir))
    }

    /// The output folder, if it exists.
    pub(super) fn out(&self) -> Result<Option<Arc<Dir>>, Denied> {
        self.folder(&self.out_rel.clone(), false)
    }

    /// `at` (relative to the root) as shown to users.
    pub(super) fn shown(&self, cwd: &Path, at: &Path) -> String {
        crate::project::display(cwd, &self.root_path.join(at))
    }
}

/// A locked mutex, poisoned or not (nothing here is left half-updated).
pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn outside(shown: &str) -> io::Error {
    io::Error::other(format!("{shown} is not inside the output folder"))
}
