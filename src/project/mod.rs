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
use crate::record::Record;

mod files;
mod outputs;
use files::{conventional_records, explicit_records};
pub(crate) use files::{files_below, read_article, share, shared_record_files, shared_records};
use outputs::outputs_for;
pub(crate) use outputs::{Output, Outputs};

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

fn looked_for(key: &str) -> String {
    format!("corrections/{key}.json and corrections/{key}/*.json")
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
