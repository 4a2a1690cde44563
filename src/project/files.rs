//! The files a project's layout names: an article read whole, the record
//! files of a key (`corrections/K.json`, `corrections/K/*.json`), the shared
//! records, and the one walk of a folder below the working directory.

use std::path::{Path, PathBuf};

use super::{SHARED_KEY, display, refused};
use crate::confine::{self, Kind};
use crate::error::Error;
use crate::record::{Occurrence, Record};

/// How deep a scan goes below the folder it starts from.
const MAX_DEPTH: usize = 256;

/// Reads the article `input` (relative to `cwd`, as shown to users): UTF-8,
/// within [`crate::limits::MAX_INPUT_BYTES`], never through a link.
pub(crate) fn read_article(cwd: &Path, input: &str) -> Result<String, Error> {
    use crate::limits;
    match limits::read(cwd, Path::new(input), limits::MAX_INPUT_BYTES) {
        Ok(confine::Bounded::Read(bytes)) => String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
            path: input.to_owned(),
            offset: e.utf8_error().valid_up_to(),
        }),
        Ok(confine::Bounded::TooLarge(size)) => Err(Error::TooLarge {
            path: input.to_owned(),
            size: limits::size(size),
            limit: limits::size(limits::MAX_INPUT_BYTES),
            what: "an article",
            help: "split it into several inputs",
        }),
        Err(denied) => Err(Error::denied(cwd, input, denied)),
    }
}

/// Every file below the folder `root` (relative to `cwd`), in path order, dot
/// files skipped. Folders are opened from their parent's handle without
/// following links, so the scan cannot leave the project or loop; a link,
/// FIFO, socket or device stops it with an error naming it, and so does a
/// name that is not UTF-8.
pub(crate) fn files_below(cwd: &Path, root: &Path) -> Result<Vec<PathBuf>, Error> {
    let shown = display(cwd, root);
    let dir = confine::open_dir(cwd, root).map_err(|e| refused(cwd, &shown, e))?;
    let mut files = Vec::new();
    walk(cwd, &dir, root, 0, &mut files)?;
    files.sort();
    Ok(files)
}

fn walk(
    cwd: &Path,
    dir: &confine::Dir,
    at: &Path,
    depth: usize,
    files: &mut Vec<PathBuf>,
) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Err(Error::TooDeep {
            path: display(cwd, at),
            limit: MAX_DEPTH,
        });
    }
    let read_error = |source| Error::Read {
        path: display(cwd, at),
        source,
    };
    let mut entries = dir.entries().map_err(read_error)?;
    entries.sort();
    for (name, kind) in entries {
        let path = at.join(&name);
        let Some(text) = name.to_str() else {
            return Err(Error::NotUtf8Name {
                path: display(cwd, &path),
            });
        };
        if text.starts_with('.') {
            continue;
        }
        match kind {
            Kind::File => files.push(path),
            Kind::Dir => {
                let sub = dir
                    .sub(Path::new(&name))
                    .map_err(|e| refused(cwd, &display(cwd, &path), e))?;
                walk(cwd, &sub, &path, depth + 1, files)?;
            }
            other => {
                let shown = display(cwd, &path);
                return Err(Error::Refused {
                    path: shown.clone(),
                    at: shown,
                    what: other.describe(),
                });
            }
        }
    }
    Ok(())
}

pub(super) fn conventional_records(cwd: &Path, key: &str) -> Result<Vec<String>, Error> {
    let mut files = Vec::new();
    let single = Path::new("corrections").join(format!("{key}.json"));
    let shown = display(cwd, &single);
    match confine::kind(cwd, &single).map_err(|e| refused(cwd, &shown, e))? {
        Some(Kind::File) => files.push(shown),
        None => {}
        Some(kind) => {
            return Err(Error::Refused {
                path: shown.clone(),
                at: shown,
                what: kind.describe(),
            });
        }
    }
    let folder = Path::new("corrections").join(key);
    let shown = display(cwd, &folder);
    match confine::kind(cwd, &folder).map_err(|e| refused(cwd, &shown, e))? {
        Some(Kind::Dir) => files.extend(json_files(cwd, &folder)?),
        Some(Kind::Link) => {
            return Err(Error::Refused {
                path: shown.clone(),
                at: shown,
                what: Kind::Link.describe(),
            });
        }
        _ => {}
    }
    Ok(files)
}

/// The house-style record files: `corrections/_all.json`, then
/// `corrections/_all/*.json` in file-name order.
pub(crate) fn shared_record_files(cwd: &Path) -> Result<Vec<String>, Error> {
    conventional_records(cwd, SHARED_KEY)
}

/// The house-style records, marked [`Record::shared`]: every problem in
/// their files, and a pinned `occurrence` or a `line` (which could mean only
/// one article), is an error. Their `occurrence` is `"all"`.
pub(crate) fn shared_records(cwd: &Path) -> Result<Vec<Record>, Vec<Error>> {
    let files = shared_record_files(cwd).map_err(|e| vec![e])?;
    let (mut records, mut errors) = (Vec::new(), Vec::new());
    for file in &files {
        match crate::record::read_file(cwd, file) {
            Ok(mut rs) => records.append(&mut rs),
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    errors.extend(share(&mut records));
    match errors.is_empty() {
        true => Ok(records),
        false => Err(errors),
    }
}

/// Marks house-style records [`Record::shared`], with `occurrence` `"all"`;
/// a pinned `occurrence` or a `line` (which could mean only one article) is
/// an error.
pub(crate) fn share(records: &mut [Record]) -> Vec<Error> {
    let mut errors = Vec::new();
    for record in records {
        let pinned = match (record.occurrence, record.line) {
            (Occurrence::Nth(k), _) => Some(format!("`occurrence`: {k}")),
            (_, Some(line)) => Some(format!("`line`: {line}")),
            _ => None,
        };
        if let Some(pinned) = pinned {
            errors.push(Error::Record(crate::record::Problem {
                file: record.file.clone(),
                record: Some(record.id.clone()),
                message: format!(
                    "{pinned} points into one article, but records in corrections/_all/ apply to \
                     every article; remove it, or move the record to that article's corrections"
                ),
                at: record.file_line.map(|line| (line, 1)),
            }));
        }
        record.occurrence = Occurrence::All;
        record.shared = true;
    }
    errors
}

pub(super) fn explicit_records(cwd: &Path, path: &Path) -> Result<Vec<String>, Error> {
    let shown = display(cwd, path);
    match confine::kind(cwd, path).map_err(|e| refused(cwd, &shown, e))? {
        Some(Kind::Dir) => json_files(cwd, path),
        Some(Kind::File) => Ok(vec![shown]),
        None => Err(Error::CorrectionsMissing { path: shown }),
        Some(kind) => Err(Error::Refused {
            path: shown.clone(),
            at: shown,
            what: kind.describe(),
        }),
    }
}

/// The `*.json` files of a folder, in file-name order; each must be a regular
/// file (a link or FIFO named `*.json` is an error, not skipped).
fn json_files(cwd: &Path, folder: &Path) -> Result<Vec<String>, Error> {
    let shown = display(cwd, folder);
    let dir = confine::open_dir(cwd, folder).map_err(|e| refused(cwd, &shown, e))?;
    let mut names = Vec::new();
    for (name, kind) in dir.entries().map_err(|source| Error::Read {
        path: shown.clone(),
        source,
    })? {
        if Path::new(&name).extension().is_none_or(|e| e != "json") {
            continue;
        }
        let path = display(cwd, &folder.join(&name));
        if name.to_str().is_none() {
            return Err(Error::NotUtf8Name { path });
        }
        if kind == Kind::Dir {
            return Err(Error::Read {
                path,
                source: std::io::ErrorKind::IsADirectory.into(),
            });
        }
        if kind != Kind::File {
            return Err(Error::Refused {
                path: path.clone(),
                at: path,
                what: kind.describe(),
            });
        }
        names.push(name);
    }
    names.sort();
    Ok(names
        .into_iter()
        .map(|n| display(cwd, &folder.join(n)))
        .collect())
}
