//! The project layout: which inputs to correct, their keys, where their records
//! are and where their outputs go (SPEC.md, "Repository layout").
//!
//! `input/article.txt` -> key `article`, records `corrections/article.json` and
//! `corrections/article/*.json`, outputs `output/article.{txt,diff,changelog.json,review.md}`.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::confine::{self, Kind, Place};
use crate::error::Error;
use crate::record::{Occurrence, Record};

/// The key whose records apply to every article (house style):
/// `corrections/_all.json` and `corrections/_all/*.json`.
pub(crate) const SHARED_KEY: &str = "_all";

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The working directory: all relative paths start here.
    pub cwd: PathBuf,
    /// Explicit inputs; empty means every input under `input/` with records.
    pub inputs: Vec<PathBuf>,
    /// `--corrections PATH`.
    pub corrections: Option<PathBuf>,
    /// `--out DIR`.
    pub out: PathBuf,
    /// `--html`: HTML pages among the outputs.
    pub html: bool,
    /// `--jsonld`: the schema.org corrections among the outputs.
    pub jsonld: bool,
    /// `--shard K/N`: only the inputs (and orphaned outputs) of this shard.
    pub shard: Option<Shard>,
}

/// One of `count` disjoint parts of a project's articles, by key: the same key
/// is in the same shard on every machine and in every run, so N jobs that
/// each run one shard write disjoint outputs whose union is one whole run's,
/// and each job's `--check` sees its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based.
    pub index: u64,
    /// At least 1.
    pub count: u64,
}

impl Shard {
    /// `K/N` (1-based `K`, as CI matrices count).
    pub fn parse(value: &str) -> Result<Shard, String> {
        let usage = || format!("`{value}` is not K/N with 1 <= K <= N (for example 2/4)");
        let (k, n) = value.split_once('/').ok_or_else(usage)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| usage())?,
            n.trim().parse().map_err(|_| usage())?,
        );
        match 1 <= k && k <= n {
            true => Ok(Shard {
                index: k - 1,
                count: n,
            }),
            false => Err(usage()),
        }
    }

    /// Whether the article with key `key` is in this shard: by the first
    /// eight bytes of the key's SHA-256, so the partition never depends on
    /// the order or number of the other articles.
    pub fn holds(&self, key: &str) -> bool {
        use sha2::{Digest, Sha256};
        let hash = Sha256::digest(key.as_bytes());
        let first = u64::from_be_bytes(hash[..8].try_into().expect("eight bytes"));
        first % self.count == self.index
    }
}

/// One input and everything that belongs to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Job {
    /// The input as shown to users: relative to the working directory, `/` separators.
    pub input: String,
    /// The key (`input/2024/war.md` -> `2024/war`).
    pub key: String,
    /// Its record files, in reading order, as shown to users.
    pub record_files: Vec<String>,
    /// Where its outputs go.
    pub outputs: Outputs,
    /// The input's syntax (by its extension).
    pub syntax: crate::syntax::Syntax,
    /// The house-style records (see [`SHARED_KEY`]), read once for every job.
    pub shared: Arc<[Record]>,
}

/// A kind of file `correct` writes for an article, each from its own
/// renderer (`run/input.rs` maps each kind to it). Its file is named after
/// the article's key and [`Output::suffix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Output {
    /// `K.<ext>`: the corrected article, with the input's extension.
    Corrected,
    /// `K.diff`: the unified diff.
    Diff,
    /// `K.changelog.json`.
    Changelog,
    /// `K.review.md`: the redline review page.
    Review,
    /// `K.wdiff`: the changes as a word diff.
    Wdiff,
    /// `K.notice.md`: the readers' notice, written only when some record has one.
    Notice,
    /// With `--html`: `K.html`, the corrected article as a page (none for an
    /// HTML input, which is a page itself).
    Page,
    /// With `--html`: `K.review.html`, the review page as HTML.
    ReviewPage,
    /// With `--jsonld`: `K.corrections.jsonld`.
    JsonLd,
}

impl Output {
    /// Every kind named by a fixed suffix, a suffix that ends another one
    /// after it (`.html` after `.review.html`), so that the first that fits
    /// a file name is its kind.
    pub(crate) const NAMED: [Output; 8] = [
        Output::Changelog,
        Output::JsonLd,
        Output::ReviewPage,
        Output::Review,
        Output::Notice,
        Output::Wdiff,
        Output::Diff,
        Output::Page,
    ];

    /// The end of its file name after the key (empty for the corrected
    /// article, which ends as the input does).
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Output::Corrected => "",
            Output::Diff => ".diff",
            Output::Changelog => ".changelog.json",
            Output::Review => ".review.md",
            Output::Wdiff => ".wdiff",
            Output::Notice => ".notice.md",
            Output::Page => ".html",
            Output::ReviewPage => ".review.html",
            Output::JsonLd => ".corrections.jsonld",
        }
    }

    /// Whether an article whose records all apply may go without it: it
    /// depends on the records (a notice) or on the configuration (`--html`,
    /// `--jsonld`).
    pub(crate) fn optional(self) -> bool {
        matches!(
            self,
            Output::Notice | Output::Page | Output::ReviewPage | Output::JsonLd
        )
    }
}

/// The output paths of one input, as shown to users (relative, `/`
/// separators), by kind, in the order they are written and listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outputs(Vec<(Output, String)>);

impl Outputs {
    /// The path of the `kind` of output, when this run writes one.
    pub(crate) fn path(&self, kind: Output) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| p.as_str())
    }

    /// The corrected article's path (every run has one).
    pub(crate) fn corrected(&self) -> &str {
        self.path(Output::Corrected)
            .expect("every article has a corrected text")
    }

    /// Every kind with its path.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Output, &str)> {
        self.0.iter().map(|(k, p)| (*k, p.as_str()))
    }

    /// Every output path, the notice and HTML pages included.
    pub(crate) fn all(&self) -> Vec<&str> {
        self.iter().map(|(_, p)| p).collect()
    }
}

/// The plan for a run: the jobs that can go ahead, errors for those that cannot,
/// and notes about inputs skipped.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Inputs to correct.
    pub jobs: Vec<Job>,
    /// Problems that make the run exit 2.
    pub errors: Vec<Error>,
    /// Things worth telling (inputs skipped for lack of records).
    pub notes: Vec<String>,
}

/// Works out what to do. An `Err` means nothing at all can be done.
pub(crate) fn plan(layout: &Layout) -> Result<Plan, Error> {
    if layout.corrections.is_some() && layout.inputs.len() != 1 {
        return Err(Error::CorrectionsNeedOneInput {
            count: layout.inputs.len(),
        });
    }
    let mut plan = Plan::default();
    // `--corrections PATH` names every record the one input gets.
    let shared: Arc<[Record]> = match layout.corrections {
        Some(_) => Arc::from([]),
        None => match shared_records(&layout.cwd) {
            Ok(records) => records.into(),
            Err(errors) => {
                plan.errors.extend(errors);
                Arc::from([])
            }
        },
    };
    let inputs = inputs(layout)?;
    if layout.corrections.is_some() && inputs.len() != 1 {
        return Err(Error::CorrectionsNeedOneInput {
            count: inputs.len(),
        });
    }
    for (input, explicit) in inputs {
        match job_of(layout, &input, explicit, &shared) {
            Planned::Job(job) => plan.jobs.push(job),
            Planned::Note(note) => plan.notes.push(note),
            Planned::Failed(e) => plan.errors.push(e),
            Planned::OtherShard => {}
        }
    }
    plan.errors.extend(collisions(&plan.jobs));
    Ok(plan)
}

/// What one input of the plan comes to.
enum Planned {
    Job(Job),
    /// Skipped, and why (a file found in a folder without records).
    Note(String),
    Failed(Error),
    /// Another shard's input.
    OtherShard,
}

/// The job of `input` (`explicit`: named on the command line), with the
/// records every input gets (`shared`).
fn job_of(layout: &Layout, input: &Path, explicit: bool, shared: &Arc<[Record]>) -> Planned {
    let shown = display(&layout.cwd, input);
    let key = key_of(&shown);
    if layout.shard.is_some_and(|shard| !shard.holds(&key)) {
        return Planned::OtherShard;
    }
    if !is_safe_key(&key) {
        return Planned::Failed(Error::UnsafeKey { input: shown, key });
    }
    if key == SHARED_KEY || key.starts_with("_all/") {
        return Planned::Failed(Error::ReservedKey { input: shown, key });
    }
    let found = match &layout.corrections {
        Some(path) => explicit_records(&layout.cwd, path),
        None => conventional_records(&layout.cwd, &key),
    };
    let record_files = match found {
        Ok(files) if !files.is_empty() || !shared.is_empty() => files,
        Ok(_) if !explicit => {
            return Planned::Note(format!(
                "skipped {shown}: no records ({})",
                looked_for(&key)
            ));
        }
        Ok(_) => {
            let looked = match &layout.corrections {
                Some(path) => format!("*.json in {}", display(&layout.cwd, path)),
                None => looked_for(&key),
            };
            return Planned::Failed(Error::NoRecords {
                input: shown,
                looked,
            });
        }
        Err(e) => return Planned::Failed(e),
    };
    let syntax = crate::syntax::Syntax::of_path(&shown);
    let outputs = outputs_for(
        &display(&layout.cwd, &layout.out),
        &key,
        extension(&shown),
        layout.html,
        layout.jsonld,
    );
    Planned::Job(Job {
        input: shown,
        key,
        record_files,
        outputs,
        syntax,
        shared: Arc::clone(shared),
    })
}

/// Every input of the run, and whether it was named as a file: files found in a
/// folder (`input/` when no INPUT is given) are skipped when they have no records;
/// a file named on the command line must have some. Inputs lie inside the
/// working directory (a diff of anything else could not be applied from it),
/// and no link is followed on the way (see [`crate::confine`]).
fn inputs(layout: &Layout) -> Result<Vec<(PathBuf, bool)>, Error> {
    let cwd = &layout.cwd;
    let mut inputs = Vec::new();
    if layout.inputs.is_empty() {
        match confine::kind(cwd, Path::new("input")).map_err(|e| refused(cwd, "input", e))? {
            Some(Kind::Dir) => {}
            Some(kind) => {
                return Err(Error::Refused {
                    path: "input".into(),
                    at: "input".into(),
                    what: kind.describe(),
                });
            }
            None => {
                return Err(Error::NoInputFolder {
                    cwd: cwd.display().to_string(),
                });
            }
        }
        inputs.extend(
            files_below(cwd, Path::new("input"))?
                .into_iter()
                .map(|f| (f, false)),
        );
    }
    for input in &layout.inputs {
        let shown = display(cwd, input);
        let Place::Inside(rel) = confine::place(cwd, input) else {
            let full = confine::normalize(&cwd.join(input));
            return Err(Error::OutsideProject {
                input: shown,
                parent: full
                    .parent()
                    .map_or_else(|| "/".to_owned(), |p| p.display().to_string()),
                name: full
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            });
        };
        if rel.to_str().is_none() {
            return Err(Error::NotUtf8Name { path: shown });
        }
        match confine::kind(cwd, &rel).map_err(|e| refused(cwd, &shown, e))? {
            Some(Kind::Dir) => {
                inputs.extend(files_below(cwd, &rel)?.into_iter().map(|f| (f, false)));
            }
            // Missing: reported when it is read, with its records.
            Some(Kind::File) | None => inputs.push((rel, true)),
            Some(kind) => {
                return Err(Error::Refused {
                    path: shown.clone(),
                    at: shown,
                    what: kind.describe(),
                });
            }
        }
    }
    Ok(inputs)
}

/// The error for `path` (as shown) that `denied` stopped.
fn refused(cwd: &Path, path: &str, denied: confine::Denied) -> Error {
    Error::denied(cwd, path, denied)
}

/// The key of an input shown as `path`: below `input/` its path without the last
/// extension, elsewhere its file name without extension.
pub(crate) fn key_of(path: &str) -> String {
    let below = path
        .strip_prefix("input/")
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path));
    match below.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() && !stem.ends_with('/') => stem.to_owned(),
        _ => below.to_owned(),
    }
}

/// Whether outputs named after `key` stay inside the output folder: relative, and
/// no empty, `.` or `..` component. Keys come from normalized paths, so this only
/// guards against a bug upstream; it is checked anyway, before anything is read.
pub(crate) fn is_safe_key(key: &str) -> bool {
    // A backslash separates folders only on Windows; elsewhere it is a
    // character of a name like any other.
    let separators: &[char] = if cfg!(windows) { &['/', '\\'] } else { &['/'] };
    !key.is_empty()
        && key
            .split(separators)
            .all(|part| !matches!(part, "" | "." | ".."))
}

fn extension(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, ext)| ext)
}

fn outputs_for(out: &str, key: &str, ext: Option<&str>, html: bool, jsonld: bool) -> Outputs {
    let base = if out.is_empty() || out == "." {
        key.to_owned()
    } else {
        format!("{out}/{key}")
    };
    let corrected = match ext {
        Some(ext) => format!("{base}.{ext}"),
        None => base.clone(),
    };
    let is_page = ext.is_some_and(|e| crate::syntax::Syntax::of_path(&format!("x.{e}")).is_page());
    let kinds = [
        Output::Diff,
        Output::Changelog,
        Output::Review,
        Output::Wdiff,
        Output::Notice,
    ]
    .into_iter()
    .chain((html && !is_page).then_some(Output::Page))
    .chain(html.then_some(Output::ReviewPage))
    .chain(jsonld.then_some(Output::JsonLd));
    let mut paths = vec![(Output::Corrected, corrected)];
    paths.extend(kinds.map(|kind| (kind, format!("{base}{}", kind.suffix()))));
    Outputs(paths)
}

fn looked_for(key: &str) -> String {
    format!("corrections/{key}.json and corrections/{key}/*.json")
}

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

fn conventional_records(cwd: &Path, key: &str) -> Result<Vec<String>, Error> {
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

fn explicit_records(cwd: &Path, path: &Path) -> Result<Vec<String>, Error> {
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

/// Two inputs with one key, or an output that would overwrite an input or
/// another output.
fn collisions(jobs: &[Job]) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut keys: HashMap<&str, &Job> = HashMap::new();
    for job in jobs {
        if let Some(first) = keys.insert(&job.key, job) {
            errors.push(Error::SameKey {
                key: job.key.clone(),
                first: first.input.clone(),
                second: job.input.clone(),
            });
        }
    }
    let inputs: HashMap<&str, &Job> = jobs.iter().map(|j| (j.input.as_str(), j)).collect();
    let mut outputs: HashMap<&str, &Job> = HashMap::new();
    for job in jobs {
        for output in job.outputs.all() {
            let other = if inputs.contains_key(output) {
                Some(format!("the input {output}"))
            } else {
                outputs
                    .insert(output, job)
                    .map(|o| format!("an output of {}", o.input))
            };
            if let Some(other) = other {
                errors.push(Error::Overwrite {
                    output: output.to_owned(),
                    input: job.input.clone(),
                    other,
                });
            }
        }
    }
    errors
}

/// `path` as shown to users and written in outputs: relative to `cwd` when it can
/// be, lexically normalised, with `/` separators.
pub(crate) fn display(cwd: &Path, path: &Path) -> String {
    let full = normalize(&cwd.join(path));
    let base = normalize(cwd);
    let full_parts: Vec<Component<'_>> = full.components().collect();
    let base_parts: Vec<Component<'_>> = base.components().collect();
    let common = full_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_owned(); base_parts.len() - common];
    parts.extend(
        full_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if common <= 1 && full.is_absolute() {
        // Nothing in common but the root: an absolute path reads better.
        return full.to_string_lossy().replace('\\', "/");
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

fn normalize(path: &Path) -> PathBuf {
    confine::normalize(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples this function's documentation gave.
    #[test]
    fn shard_parse_examples() {
        use crate::project::Shard;
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 1, count: 3 }));
        assert!(Shard::parse("4/3").is_err());
    }

    /// The examples this function's documentation gave.
    #[test]
    fn display_examples() {
        use crate::project::display;
        use std::path::Path;
        assert_eq!(
            display(Path::new("/p"), Path::new("./input/../input/a.txt")),
            "input/a.txt"
        );
        assert_eq!(
            display(Path::new("/p"), Path::new("/p/input/a.txt")),
            "input/a.txt"
        );
        assert_eq!(
            display(Path::new("/p/q"), Path::new("/p/r/a.txt")),
            "../r/a.txt"
        );
    }

    /// The examples this function's documentation gave.
    #[test]
    fn is_safe_key_examples() {
        use crate::project::is_safe_key;
        assert!(is_safe_key("2024/war"));
        assert!(!is_safe_key("../etc/passwd"));
        assert!(!is_safe_key("/tmp/x"));
        assert!(!is_safe_key("a/./b"));
        assert_eq!(is_safe_key("back\\slash"), !cfg!(windows));
    }

    /// The examples this function's documentation gave.
    #[test]
    fn key_of_examples() {
        use crate::project::key_of;
        assert_eq!(key_of("input/article.txt"), "article");
        assert_eq!(key_of("input/2024/war.md"), "2024/war");
        assert_eq!(key_of("elsewhere/story.txt"), "story");
    }

    #[test]
    fn keys_drop_only_the_last_extension() {
        assert_eq!(key_of("input/a.b.txt"), "a.b");
        assert_eq!(key_of("input/README"), "README");
        assert_eq!(key_of("story"), "story");
        assert_eq!(key_of("x/input/a.txt"), "a");
    }

    #[test]
    fn outputs_keep_the_input_extension() {
        let o = outputs_for("output", "2024/war", Some("md"), false, false);
        assert_eq!(
            o.all(),
            [
                "output/2024/war.md",
                "output/2024/war.diff",
                "output/2024/war.changelog.json",
                "output/2024/war.review.md",
                "output/2024/war.wdiff",
                "output/2024/war.notice.md"
            ]
        );
        assert_eq!(
            outputs_for("out", "readme", None, false, false).corrected(),
            "out/readme"
        );
        let html = outputs_for("out", "page", Some("html"), true, true);
        assert_eq!(
            html.all(),
            [
                "out/page.html",
                "out/page.diff",
                "out/page.changelog.json",
                "out/page.review.md",
                "out/page.wdiff",
                "out/page.notice.md",
                "out/page.review.html",
                "out/page.corrections.jsonld"
            ]
        );
    }

    fn job(input: &str, out: &str) -> Job {
        let key = key_of(input);
        Job {
            input: input.into(),
            outputs: outputs_for(out, &key, extension(input), false, false),
            key,
            record_files: vec![],
            syntax: crate::syntax::Syntax::Plain,
            shared: Arc::from([]),
        }
    }

    #[test]
    fn an_output_over_an_input_is_an_error() {
        let errors = collisions(&[job("output/article.txt", "output")]);
        assert!(
            matches!(&errors[..], [Error::Overwrite { .. }]),
            "{errors:?}"
        );
    }

    #[test]
    fn an_input_named_like_an_output_of_another_is_an_error() {
        for input in ["input/a.diff", "input/a.wdiff"] {
            let errors = collisions(&[job(input, "output")]);
            assert!(
                errors.iter().any(|e| matches!(e, Error::Overwrite { .. })),
                "{input}: {errors:?}"
            );
        }
    }

    #[test]
    fn same_key_is_an_error() {
        let errors = collisions(&[
            job("input/a.txt", "output"),
            job("elsewhere/a.md", "output"),
        ]);
        assert!(
            errors.iter().any(|e| matches!(e, Error::SameKey { .. })),
            "{errors:?}"
        );
    }
}
