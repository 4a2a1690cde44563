//! The commit record that makes the set of outputs change all at once.
//!
//! Renaming one staged file into place is atomic; renaming several is not. So
//! before the first rename, the run writes `.correct-journal` in the output folder
//! (itself through a temporary file and a rename): the list of staged files and
//! where each goes. Once that file exists the run is committed. If the process
//! dies during the renames, the next run that writes or checks the folder sees the
//! journal and [`super::recover`] finishes the renames (roll forward), so a reader that
//! goes through `correct` never sees a mix of old and new outputs.
//!
//! Killed before the journal exists, a run leaves the old outputs as they were,
//! plus at most some staged `.correct-*.tmp` files, which the next writing run
//! removes.

use std::ffi::OsStr;
use std::io::{self, Read as _};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Tree;
use crate::confine::{Denied, Dir, Kind};
use crate::error::Error;

/// The journal's file name, in the output folder.
pub const JOURNAL: &str = ".correct-journal";

/// The prefix and suffix of staged files.
pub(super) const STAGED_PREFIX: &str = ".correct-";
pub(super) const STAGED_SUFFIX: &str = ".tmp";

/// Largest journal read (a run of a million outputs fits).
const MAX_JOURNAL_BYTES: u64 = 1 << 30;

/// The journal's contents: renames from staged files to outputs, both relative
/// to the output folder with `/` separators.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Journal {
    journal_version: u32,
    renames: Vec<[String; 2]>,
    /// Orphaned outputs to delete once the renames are done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    removes: Vec<String>,
}

/// A rename still to do: in the folder `rel_dir` (relative to the output
/// folder), the staged file to its target.
pub(super) struct Rename<'a> {
    pub(super) rel_dir: &'a Path,
    pub(super) staged: &'a OsStr,
    pub(super) target: &'a OsStr,
}

/// Whether `name` is the name of a staged file.
fn is_staged(name: &str) -> bool {
    name.len() > STAGED_PREFIX.len() + STAGED_SUFFIX.len()
        && name.starts_with(STAGED_PREFIX)
        && name.ends_with(STAGED_SUFFIX)
}

/// Writes the journal for `renames` into the output folder `out`, atomically.
/// From its return on, the run counts as committed.
pub(super) fn commit(out: &Dir, renames: &[Rename<'_>], removes: &[String]) -> io::Result<()> {
    let relative = |dir: &Path, name: &OsStr| -> io::Result<String> {
        let path = dir.join(name);
        let parts: Option<Vec<&str>> = path.components().map(|c| c.as_os_str().to_str()).collect();
        parts
            .map(|p| p.join("/"))
            .ok_or_else(|| io::Error::other(format!("{} is not a UTF-8 path", path.display())))
    };
    let journal = Journal {
        journal_version: 1,
        renames: renames
            .iter()
            .map(|r| {
                Ok([
                    relative(r.rel_dir, r.staged)?,
                    relative(r.rel_dir, r.target)?,
                ])
            })
            .collect::<io::Result<_>>()?,
        removes: removes.to_vec(),
    };
    let text = serde_json::to_string(&journal).map_err(io::Error::other)?;
    let (mut file, temp) = out.create_temp(STAGED_PREFIX, STAGED_SUFFIX)?;
    let written = io::Write::write_all(&mut file, text.as_bytes())
        .and_then(|()| out.rename(&temp, out, OsStr::new(JOURNAL)));
    if written.is_err() {
        let _ = out.remove_file(&temp);
    }
    written
}

/// Marks the run finished: every rename is done.
pub(super) fn done(out: &Dir) -> io::Result<()> {
    out.remove_file(OsStr::new(JOURNAL))
}

/// One rename of a journal, checked: both names in one folder reached without
/// a link.
struct Checked {
    dir: std::sync::Arc<Dir>,
    staged: String,
    target: String,
}

/// Finishes the renames of an interrupted run, if the output folder `out`
/// holds its journal, and removes the journal. Returns how many files it moved
/// into place.
///
/// Every entry is checked before anything is renamed: relative, no `..`, the
/// staged file named as this module names them, the target in the same folder,
/// and every folder on the way reached without a link. A journal that fails
/// any of these is refused whole.
pub(super) fn recover(tree: &Tree, out: &Dir) -> Result<usize, Error> {
    let shown = format!("{}/{JOURNAL}", tree.shown_out);
    let refuse = |message: String| Error::Journal {
        path: shown.clone(),
        message,
    };
    let Some(journal) = read(out, &shown)? else {
        return Ok(0);
    };
    let (renames, removes) = checked(tree, &journal).map_err(refuse)?;
    let moved = carry_out(tree, renames, removes)?;
    done(out).map_err(|source| Error::Write {
        path: shown,
        source,
    })?;
    Ok(moved)
}

/// The journal of the output folder `out` (shown as `shown`), if there is
/// one: read within its size limit, parsed, its version checked.
fn read(out: &Dir, shown: &str) -> Result<Option<Journal>, Error> {
    let refuse = |message: String| Error::Journal {
        path: shown.to_owned(),
        message,
    };
    let mut file = match out.open_file(OsStr::new(JOURNAL)) {
        Ok(file) => file,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(Denied::Kind { kind, .. }) => {
            return Err(refuse(format!("it is {}, not a file", kind.describe())));
        }
        Err(Denied::Io(source)) => {
            return Err(Error::Read {
                path: shown.to_owned(),
                source,
            });
        }
    };
    let mut text = String::new();
    (&mut file)
        .take(MAX_JOURNAL_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| refuse(e.to_string()))?;
    let journal: Journal = serde_json::from_str(&text).map_err(|e| refuse(e.to_string()))?;
    if journal.journal_version != 1 {
        return Err(refuse(format!(
            "its version is {}, and this correct reads version 1",
            journal.journal_version
        )));
    }
    Ok(Some(journal))
}

/// A folder reached without a link, and a file's name in it.
type Removal = (std::sync::Arc<Dir>, String);

/// Every rename and removal of `journal`, checked before any is done; the
/// first that fails refuses the journal whole, with why.
fn checked(tree: &Tree, journal: &Journal) -> Result<(Vec<Checked>, Vec<Removal>), String> {
    let mut renames = Vec::with_capacity(journal.renames.len());
    for [staged, target] in &journal.renames {
        renames.extend(check(tree, staged, target)?);
    }
    let mut removes = Vec::with_capacity(journal.removes.len());
    for rel in &journal.removes {
        removes.extend(check_remove(tree, rel)?);
    }
    Ok((renames, removes))
}

/// Does the checked renames (a staged file gone already was moved by the
/// interrupted run), then the removals; returns how many files it moved.
fn carry_out(tree: &Tree, renames: Vec<Checked>, removes: Vec<Removal>) -> Result<usize, Error> {
    let mut moved = 0;
    for rename in renames {
        match rename.dir.rename(
            OsStr::new(&rename.staged),
            &rename.dir,
            OsStr::new(&rename.target),
        ) {
            Ok(()) => moved += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Write {
                    path: format!("{}/{}", tree.shown_out, rename.target),
                    source,
                });
            }
        }
    }
    for (dir, name) in removes {
        remove_orphan(&dir, &name).map_err(|source| Error::Write {
            path: format!("{}/{name}", tree.shown_out),
            source,
        })?;
    }
    Ok(moved)
}

/// Deletes the orphaned output `name` of `dir` (a file, or a link itself,
/// never what it points to); gone already is fine.
pub(super) fn remove_orphan(dir: &Dir, name: &str) -> io::Result<()> {
    match dir.remove_file(OsStr::new(name)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// A journal entry's path split into its folder and name: relative, only
/// normal components, no backslash.
fn parse_entry(rel: &str) -> Result<(PathBuf, String), String> {
    let path = Path::new(rel);
    let normal = !rel.is_empty()
        && !rel.contains('\\')
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    match (normal, path.file_name().and_then(OsStr::to_str)) {
        (true, Some(name)) => Ok((
            path.parent().unwrap_or(Path::new("")).to_path_buf(),
            name.to_owned(),
        )),
        _ => Err(format!(
            "it names {rel:?}, a path outside the output folder"
        )),
    }
}

/// The folder `dir` (relative to the output folder) of the entry `named`,
/// reached without a link; `None` when it is gone.
fn entry_folder(
    tree: &Tree,
    dir: &Path,
    named: &str,
) -> Result<Option<std::sync::Arc<Dir>>, String> {
    match tree.folder(&tree.out_rel.join(dir), false) {
        Ok(found) => Ok(found),
        Err(Denied::Kind { at, kind }) => Err(format!(
            "it names {named:?}, reached through {} ({}), which correct never follows",
            at.display(),
            kind.describe()
        )),
        Err(Denied::Io(e)) => Err(format!("{named:?}: {e}")),
    }
}

/// Checks one orphan a journal says to delete: a normal path inside the
/// output folder, reached without a link, not a staged file or the journal.
fn check_remove(tree: &Tree, rel: &str) -> Result<Option<Removal>, String> {
    let (dir, name) = parse_entry(rel)?;
    if is_staged(&name) || name == JOURNAL {
        return Err(format!("{rel:?} is not an output's name"));
    }
    Ok(entry_folder(tree, &dir, rel)?.map(|found| (found, name)))
}

/// Checks one entry of a journal (see [`recover`]); `None` when its folder is
/// gone (nothing left to move).
fn check(tree: &Tree, staged: &str, target: &str) -> Result<Option<Checked>, String> {
    let (staged_dir, staged_name) = parse_entry(staged)?;
    let (target_dir, target_name) = parse_entry(target)?;
    if staged_dir != target_dir {
        return Err(format!(
            "it moves {staged:?} to another folder ({target:?}); staged files are renamed only within their folder"
        ));
    }
    if !is_staged(&staged_name) {
        return Err(format!("{staged:?} is not a staged file's name"));
    }
    if is_staged(&target_name) || target_name == JOURNAL {
        return Err(format!("{target:?} is not an output's name"));
    }
    Ok(entry_folder(tree, &staged_dir, target)?.map(|dir| Checked {
        dir,
        staged: staged_name,
        target: target_name,
    }))
}

/// Removes staged files that a killed run left in `dir` before it committed.
/// Call only with no journal pending (after [`recover`]). `dir` was opened
/// without following links, so nothing outside the project is touched.
pub(super) fn sweep(dir: &Dir) {
    let Ok(entries) = dir.entries() else {
        return;
    };
    for (name, kind) in entries {
        let staged = name.to_str().is_some_and(is_staged);
        if staged && matches!(kind, Kind::File | Kind::Link) {
            let _ = dir.remove_file(&name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A project with an output folder `out`, and its tree.
    fn project() -> (tempfile::TempDir, Tree, std::sync::Arc<Dir>) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("out")).unwrap();
        let tree = Tree::new(dir.path(), Path::new("out"), false).unwrap();
        let out = tree.out().unwrap().unwrap();
        (dir, tree, out)
    }

    #[test]
    fn recovery_finishes_the_renames_and_removes_the_journal() {
        let (dir, tree, out_dir) = project();
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("sub")).unwrap();
        fs::write(out.join("a.txt"), "old a").unwrap();
        fs::write(out.join("sub/b.txt"), "old b").unwrap();
        fs::write(out.join(".correct-1.tmp"), "new a").unwrap();
        fs::write(out.join("sub/.correct-2.tmp"), "new b").unwrap();
        let renames = [
            Rename {
                rel_dir: Path::new(""),
                staged: OsStr::new(".correct-1.tmp"),
                target: OsStr::new("a.txt"),
            },
            Rename {
                rel_dir: Path::new("sub"),
                staged: OsStr::new(".correct-2.tmp"),
                target: OsStr::new("b.txt"),
            },
        ];
        commit(&out_dir, &renames, &[]).unwrap();
        // The run dies after the first rename.
        fs::rename(out.join(".correct-1.tmp"), out.join("a.txt")).unwrap();
        assert!(out.join(JOURNAL).is_file());

        assert_eq!(recover(&tree, &out_dir).unwrap(), 1);
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "new a");
        assert_eq!(fs::read_to_string(out.join("sub/b.txt")).unwrap(), "new b");
        assert!(!out.join(JOURNAL).exists());
        assert_eq!(
            recover(&tree, &out_dir).unwrap(),
            0,
            "a second recovery has nothing to do"
        );
    }

    #[test]
    fn a_journal_naming_paths_outside_the_folder_is_refused() {
        for renames in [
            r#"[[".correct-1.tmp","../escape"]]"#,
            r#"[["/tmp/.correct-1.tmp","/tmp/x"]]"#,
            r#"[[".correct-1.tmp","sub/x"]]"#,
            r#"[["article.txt","other.txt"]]"#,
            r#"[[".correct-1.tmp",".correct-journal"]]"#,
            r#"[["a\\.correct-1.tmp","a\\x"]]"#,
        ] {
            let (dir, tree, out) = project();
            let journal = format!(r#"{{"journal_version":1,"renames":{renames}}}"#);
            fs::write(dir.path().join("out").join(JOURNAL), journal).unwrap();
            let result = recover(&tree, &out);
            assert!(
                matches!(result, Err(Error::Journal { .. })),
                "{renames}: {result:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_journal_entry_through_a_link_is_refused_and_nothing_moves() {
        let (dir, tree, out) = project();
        let victim = tempfile::tempdir().unwrap();
        fs::write(victim.path().join("important.txt"), "keep").unwrap();
        std::os::unix::fs::symlink(victim.path(), dir.path().join("out/lnk")).unwrap();
        fs::write(dir.path().join("out/.correct-evil.tmp"), "evil").unwrap();
        fs::write(
            dir.path().join("out").join(JOURNAL),
            r#"{"journal_version":1,"renames":[["lnk/.correct-evil.tmp","lnk/important.txt"]]}"#,
        )
        .unwrap();
        let error = recover(&tree, &out).unwrap_err().to_string();
        assert!(error.contains("symbolic link"), "{error}");
        assert_eq!(
            fs::read_to_string(victim.path().join("important.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn a_damaged_journal_is_an_error_that_names_it() {
        let (dir, tree, out) = project();
        fs::write(dir.path().join("out").join(JOURNAL), "{\"journal_ver").unwrap();
        let error = recover(&tree, &out).unwrap_err().to_string();
        assert!(error.contains(JOURNAL), "{error}");
    }

    #[test]
    fn sweeping_removes_only_staged_files() {
        let (dir, _tree, out) = project();
        let out_path = dir.path().join("out");
        fs::write(out_path.join(".correct-x1.tmp"), "").unwrap();
        fs::write(out_path.join("article.txt"), "").unwrap();
        fs::write(out_path.join(".correct-notes"), "").unwrap();
        sweep(&out);
        let mut left: Vec<_> = fs::read_dir(&out_path)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".correct-notes", "article.txt"]);
    }
}
