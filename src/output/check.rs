//! `--check`: how each output on disk differs from what the records would
//! write (read as a write would reach it, never through a link), a run left
//! interrupted, and the orphans: outputs no current article writes.

use super::*;

/// How an output on disk differs from what would be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stale {
    /// A run was killed while replacing outputs; its journal is still there.
    Interrupted(String),
    /// The file does not exist (or cannot be read).
    Missing(String),
    /// The file holds other bytes; what differs, as the caller's [`Excerpt`]
    /// shows it.
    Differs(String, String),
    /// The path is not a regular file reached without links (the path, what
    /// is in the way).
    Refused(String, String),
    /// The file is an output of an article whose records or input are gone.
    Orphan(String, String),
}

impl Stale {
    /// The file that must change.
    pub fn path(&self) -> &str {
        match self {
            Stale::Interrupted(p)
            | Stale::Missing(p)
            | Stale::Differs(p, _)
            | Stale::Refused(p, _)
            | Stale::Orphan(p, _) => p,
        }
    }
}

/// What a stale file's entry shows of how it differs: from its path, the
/// bytes on disk and the bytes expected (the renderers word it; this module
/// only compares).
pub type Excerpt = fn(&str, &str, &str) -> String;

/// Compares every file with the disk, each stale one shown by `excerpt`.
/// Empty when all are current.
pub fn check(cwd: &Path, out: &Path, files: &[OutputFile<'_>], excerpt: Excerpt) -> Vec<Stale> {
    interrupted(cwd, out)
        .into_iter()
        .chain(check_files(cwd, out, files, excerpt))
        .collect()
}

/// The journal of an interrupted run in the output folder `out`, if there is
/// one (or why the output folder cannot be looked into).
pub fn interrupted(cwd: &Path, out: &Path) -> Option<Stale> {
    let tree = Tree::new(cwd, out, false).ok()?;
    let journal = format!("{}/{}", tree.shown_out, journal::JOURNAL);
    match tree.out() {
        Ok(Some(dir)) => match dir.kind(OsStr::new(journal::JOURNAL)) {
            Ok(None) | Err(_) => None,
            Ok(Some(_)) => Some(Stale::Interrupted(journal)),
        },
        Ok(None) => None,
        Err(e) => Some(refusal(&tree, cwd, &tree.shown_out, e)),
    }
}

/// Why `path` is stale when `denied` stopped reading it.
fn refusal(tree: &Tree, cwd: &Path, path: &str, denied: Denied) -> Stale {
    match denied {
        Denied::Kind { at, kind } => Stale::Refused(
            path.to_owned(),
            format!("{} is {}", tree.shown(cwd, &at), kind.describe()),
        ),
        Denied::Io(e) if e.kind() == io::ErrorKind::NotFound => Stale::Missing(path.to_owned()),
        Denied::Io(e) => Stale::Refused(path.to_owned(), e.to_string()),
    }
}

/// The outputs on disk below `out` that no current article writes (an
/// orphan: its records or its article are gone, or the configuration no
/// longer writes it). `expected` holds every output of this run, as shown;
/// `keys` limits the search to those keys (the inputs named on the command
/// line), `None` searching the whole folder.
///
/// Only files that are `correct`'s are orphans: for a key this run writes,
/// its notice and HTML pages; for another key, the outputs of a folder entry
/// whose `K.changelog.json` is a changelog (and the corrected text it names).
/// Anything else in the folder is left alone.
pub fn orphans(
    cwd: &Path,
    out: &Path,
    expected: &std::collections::HashSet<String>,
    keys: Option<&std::collections::HashSet<String>>,
    shard: Option<crate::project::Shard>,
) -> Vec<Stale> {
    let Ok(tree) = Tree::new(cwd, out, false) else {
        return Vec::new();
    };
    let Ok(Some(root)) = tree.out() else {
        return Vec::new();
    };
    let prefix = match tree.shown_out.as_str() {
        "." | "" => String::new(),
        shown => format!("{shown}/"),
    };
    let expected_keys: std::collections::HashSet<String> = expected
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix))
        .filter_map(|rel| {
            Output::NAMED
                .iter()
                .find_map(|k| rel.strip_suffix(k.suffix()))
        })
        .map(str::to_owned)
        .collect();
    let shown = |rel: &str| format!("{prefix}{rel}");
    let mut stale = Vec::new();
    for (key, group) in by_key(output_files(&root, keys)) {
        // Another shard's outputs are that shard's to judge.
        if keys.is_some_and(|keys| !keys.contains(&key))
            || shard.is_some_and(|shard| !shard.holds(&key))
        {
            continue;
        }
        if expected_keys.contains(&key) {
            stale.extend(unwritten(&group, expected, shown));
        } else {
            stale.extend(keyless(&root, &key, &group, shown));
        }
    }
    stale
}

/// Of the outputs `group` of an article still corrected, those this run
/// does not write: the notice and the HTML pages come and go with the
/// records and the configuration; the other outputs always exist.
fn unwritten(
    group: &[(String, Option<Output>)],
    expected: &std::collections::HashSet<String>,
    shown: impl Fn(&str) -> String,
) -> Vec<Stale> {
    (group.iter())
        .filter(|(rel, kind)| kind.is_some_and(Output::optional) && !expected.contains(&shown(rel)))
        .map(|(rel, _)| {
            Stale::Orphan(
                shown(rel),
                "the current records and configuration do not write it".to_owned(),
            )
        })
        .collect()
}

/// The outputs `group` of `key`, which no article with records has: those
/// `correct` wrote (by their names, and the corrected text its changelog
/// names), when a changelog of `correct`'s says it wrote them.
fn keyless(
    root: &Dir,
    key: &str,
    group: &[(String, Option<Output>)],
    shown: impl Fn(&str) -> String,
) -> Vec<Stale> {
    let changelog = format!("{key}{}", Output::Changelog.suffix());
    let Some(corrected) = written_by_changelog(root, &changelog) else {
        return Vec::new();
    };
    (group.iter())
        .filter(|(rel, kind)| kind.is_some() || shown(rel) == corrected)
        .map(|(rel, _)| {
            Stale::Orphan(
                shown(rel),
                format!("no article with records has the key `{key}`"),
            )
        })
        .collect()
}

/// The files of the output folder `root` (relative paths, sorted): the
/// folders of the named inputs' `keys` only, or the whole tree.
fn output_files(root: &Dir, keys: Option<&std::collections::HashSet<String>>) -> Vec<String> {
    let mut files = Vec::new();
    let Some(keys) = keys else {
        list_files(root, Path::new(""), 0, &mut files);
        files.sort();
        return files;
    };
    // A run on one article of a large archive does not list the whole
    // output folder.
    let folders: BTreeSet<&str> = keys
        .iter()
        .map(|k| k.rsplit_once('/').map_or("", |(dir, _)| dir))
        .collect();
    for folder in folders {
        let Ok(dir) = root.sub(Path::new(folder)) else {
            continue;
        };
        let Ok(entries) = dir.entries() else { continue };
        for (name, kind) in entries {
            if let (Some(name), Kind::File) = (name.to_str(), kind)
                && !name.starts_with('.')
            {
                files.push(match folder {
                    "" => name.to_owned(),
                    folder => format!("{folder}/{name}"),
                });
            }
        }
    }
    files.sort();
    files
}

/// Output `files` grouped by the key they are named after, each with the
/// kind of output its name says (`None`: not an output's name; the key is
/// then the name without its extension).
fn by_key(files: Vec<String>) -> std::collections::BTreeMap<String, Vec<(String, Option<Output>)>> {
    let mut by_key: std::collections::BTreeMap<String, Vec<(String, Option<Output>)>> =
        Default::default();
    for rel in files {
        let kind = Output::NAMED
            .into_iter()
            .find(|k| rel.ends_with(k.suffix()));
        let key = match kind {
            Some(kind) => rel[..rel.len() - kind.suffix().len()].to_owned(),
            None => {
                let name_at = rel.rfind('/').map_or(0, |i| i + 1);
                match rel[name_at..].rfind('.') {
                    Some(dot) if dot > 0 => rel[..name_at + dot].to_owned(),
                    _ => rel.clone(),
                }
            }
        };
        by_key.entry(key).or_default().push((rel, kind));
    }
    by_key
}

/// Every regular file below `dir` (relative paths, `/` separators), dot
/// files left out, never following a link.
fn list_files(dir: &Dir, at: &Path, depth: usize, files: &mut Vec<String>) {
    if depth > 64 {
        return;
    }
    let Ok(entries) = dir.entries() else {
        return;
    };
    for (name, kind) in entries {
        let Some(text) = name.to_str() else { continue };
        if text.starts_with('.') {
            continue;
        }
        let rel = at.join(text);
        match kind {
            Kind::File => files.push(rel.to_string_lossy().replace('\\', "/")),
            Kind::Dir => {
                if let Ok(sub) = dir.sub(Path::new(text)) {
                    list_files(&sub, &rel, depth + 1, files);
                }
            }
            _ => {}
        }
    }
}

/// The corrected text's path named by the changelog `rel` below `root`, if it
/// is one of `correct`'s changelogs.
fn written_by_changelog(root: &Dir, rel: &str) -> Option<String> {
    let path = Path::new(rel);
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => root.sub(parent).ok()?,
        None => root.sub(Path::new("")).ok()?,
    };
    let file = dir.open_file(path.file_name()?).ok()?;
    let confine::Bounded::Read(bytes) = confine::read_limited(file, 1 << 30).ok()? else {
        return None;
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get("changelog_version")?;
    Some(
        value
            .pointer("/output/path")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    )
}

/// Compares every file with the disk, without the journal check of [`check`].
/// Files are read as a write would reach them: never through a link.
pub fn check_files(
    cwd: &Path,
    out: &Path,
    files: &[OutputFile<'_>],
    excerpt: Excerpt,
) -> Vec<Stale> {
    let tree = match Tree::new(cwd, out, false) {
        Ok(tree) => tree,
        Err(e) => {
            return files
                .iter()
                .map(|f| Stale::Refused(f.path.clone(), e.to_string()))
                .collect();
        }
    };
    files
        .iter()
        .filter_map(|file| check_file(&tree, cwd, file, excerpt))
        .collect()
}

fn check_file(tree: &Tree, cwd: &Path, file: &OutputFile<'_>, excerpt: Excerpt) -> Option<Stale> {
    let (rel_dir, name) = match tree.split(cwd, &file.path) {
        Ok(split) => split,
        Err(e) => return Some(Stale::Refused(file.path.clone(), e.to_string())),
    };
    let dir = match tree.folder(&rel_dir, false) {
        Ok(Some(dir)) => dir,
        Ok(None) => return Some(Stale::Missing(file.path.clone())),
        Err(e) => return Some(refusal(tree, cwd, &file.path, e)),
    };
    if file.contents.held_by(&dir, &name) {
        return None;
    }
    let read = dir.open_file(&name).and_then(|f| {
        Ok(confine::read_limited(
            f,
            crate::limits::MAX_INPUT_BYTES * 2,
        )?)
    });
    Some(match read {
        Ok(confine::Bounded::Read(bytes)) => {
            let on_disk = String::from_utf8_lossy(&bytes);
            let shown = excerpt(&file.path, &on_disk, &file.contents.to_text());
            Stale::Differs(file.path.clone(), shown)
        }
        Ok(confine::Bounded::TooLarge(_)) => {
            Stale::Differs(file.path.clone(), "(too large to show)\n".into())
        }
        Err(Denied::Kind { kind, .. }) => refusal(
            tree,
            cwd,
            &file.path,
            Denied::Kind {
                at: rel_dir.join(&name),
                kind,
            },
        ),
        Err(e) => refusal(tree, cwd, &file.path, e),
    })
}
