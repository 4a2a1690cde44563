//! Run errors (the run cannot be evaluated: exit 2) and the exit codes, in one place.
//!
//! Record failures (`not_found`, `ambiguous`, `conflict`) are not errors here: they
//! are values in [`crate::outcome::Outcome`], all collected and reported (exit 1).

use std::io;

use crate::record::Problem;

/// All records applied (or already applied), or outputs current.
pub const EXIT_OK: u8 = 0;
/// Some record did not apply, or `--check` found stale outputs.
pub const EXIT_FAILED: u8 = 1;
/// The run could not be evaluated: bad usage, unreadable input, broken records.
pub const EXIT_ERROR: u8 = 2;

/// Why a run (or one input of it) could not be evaluated. Every message names the
/// file and says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No INPUT given and no `input/` folder to look in.
    #[error(
        "no INPUT given and no `input/` folder in {cwd}; run `correct` from the project root or name the articles to correct"
    )]
    NoInputFolder {
        /// The working directory.
        cwd: String,
    },
    /// `--corrections` with other than one INPUT.
    #[error(
        "--corrections is allowed with exactly one INPUT, got {count}; run `correct` once per article"
    )]
    CorrectionsNeedOneInput {
        /// How many inputs were given.
        count: usize,
    },
    /// `--corrections PATH` does not exist.
    #[error("--corrections {path}: no such file or folder")]
    CorrectionsMissing {
        /// The path given.
        path: String,
    },
    /// An explicit INPUT without record files.
    #[error(
        "no correction records for {input}: looked for {looked}; write a record there, or pass --corrections PATH"
    )]
    NoRecords {
        /// The input.
        input: String,
        /// Where we looked.
        looked: String,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// The input is not UTF-8.
    #[error(
        "{path} is not valid UTF-8 (first bad byte at offset {offset}); convert it to UTF-8 and run again"
    )]
    NotUtf8 {
        /// The input.
        path: String,
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// Two inputs share a key, so their outputs would collide.
    #[error(
        "{first} and {second} have the same key `{key}`, so their outputs would collide; correct them in separate runs with --out"
    )]
    SameKey {
        /// The shared key.
        key: String,
        /// One input.
        first: String,
        /// The other.
        second: String,
    },
    /// An output would overwrite an input or another output.
    #[error("output {output} (of {input}) would overwrite {other}; choose another --out")]
    Overwrite {
        /// The output path.
        output: String,
        /// The input it belongs to.
        input: String,
        /// What it would overwrite.
        other: String,
    },
    /// A record file is broken.
    #[error("{0}")]
    Record(Problem),
    /// Two records of one article share an id.
    #[error(
        "duplicate id `{id}` in {first} and {second}; ids must be unique among an article's records"
    )]
    DuplicateId {
        /// The id.
        id: String,
        /// Where it first appears.
        first: String,
        /// Where it appears again.
        second: String,
    },
    /// An output could not be written; nothing was changed.
    #[error("cannot write {path}: {source}; no output was changed")]
    Write {
        /// The output.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// An output would be written through a symbolic link (or onto a FIFO,
    /// socket or device).
    #[error(
        "cannot write {path}: {link} is {what}, and outputs are written only as regular files in real folders, never through a link; remove {link} or point --out at a real folder. No output was changed"
    )]
    SymlinkOutput {
        /// The output.
        path: String,
        /// The link (or other non-file) on its way.
        link: String,
        /// What it is: `a symbolic link`.
        what: &'static str,
    },
    /// A project path is a link, FIFO, socket or device where a regular file
    /// or folder must be.
    #[error(
        "{path}: {at} is {what}; correct reads only regular files and real folders inside the project and follows no link, so that a repository cannot point it elsewhere. Replace {at} with the file or folder itself"
    )]
    Refused {
        /// The file being read.
        path: String,
        /// The path that is in the way.
        at: String,
        /// What it is: `a symbolic link`.
        what: &'static str,
    },
    /// An input outside the working directory.
    #[error(
        "{input} is outside the working directory, so no diff of it could be applied from here; run `correct` from a folder that holds it (e.g. `cd {parent} && correct {name}`)"
    )]
    OutsideProject {
        /// The input as given.
        input: String,
        /// A folder that holds it.
        parent: String,
        /// Its path from there.
        name: String,
    },
    /// A file name that is not UTF-8.
    #[error(
        "{path}: its name is not valid UTF-8, and keys, record folders and diff headers need UTF-8 names; rename it"
    )]
    NotUtf8Name {
        /// The path, with the bad bytes replaced.
        path: String,
    },
    /// The project configuration is broken.
    #[error(
        "{path}: {message}; fix it (README, \"Configuration\"), or run with --no-config to ignore it"
    )]
    Config {
        /// The configuration file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A folder nested too deep to scan.
    #[error(
        "{path} is nested more than {limit} folders deep below the folder scanned; name a shallower folder as INPUT"
    )]
    TooDeep {
        /// The folder.
        path: String,
        /// The depth limit.
        limit: usize,
    },
    /// An output path is a folder.
    #[error(
        "cannot write {path}: it is a folder; move it away or choose another --out. No output was changed"
    )]
    OutputIsFolder {
        /// The output.
        path: String,
    },
    /// The renames of a committed run stopped part way.
    #[error(
        "cannot move {path} into place: {source}; {done} of {total} outputs were replaced. The rest stay staged and listed in {journal}: fix the cause and run `correct` again to finish"
    )]
    Commit {
        /// The output that could not be renamed into place.
        path: String,
        /// The cause.
        source: io::Error,
        /// Outputs already replaced.
        done: usize,
        /// Outputs in the run.
        total: usize,
        /// The journal that lists the rest.
        journal: String,
    },
    /// The journal of an interrupted run cannot be used.
    #[error(
        "{path} (left by an interrupted run) is damaged: {message}; check the outputs with `git status`, remove the file and run `correct` again"
    )]
    Journal {
        /// The journal.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file is larger than `correct` reads.
    #[error("{path} is {size}, over the limit of {limit} for {what}; {help}")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size, for people.
        size: String,
        /// The limit, for people.
        limit: String,
        /// What kind of file.
        what: &'static str,
        /// What to do.
        help: &'static str,
    },
    /// An article has more records than `correct` takes.
    #[error(
        "{input} has {count} records, over the limit of {limit} records per article; split the article or merge records with `occurrence: \"all\"`"
    )]
    TooManyRecords {
        /// The input.
        input: String,
        /// How many records it has.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// An input's key would put its outputs outside the output folder.
    #[error(
        "{input}: its outputs would be named after `{key}`, which leaves the output folder; rename or move the input"
    )]
    UnsafeKey {
        /// The input.
        input: String,
        /// Its key.
        key: String,
    },
    /// An input's key is the one whose records apply to every article.
    #[error(
        "{input}: its key `{key}` is where the records for every article live (corrections/_all/); rename or move the input"
    )]
    ReservedKey {
        /// The input.
        input: String,
        /// Its key.
        key: String,
    },
    /// A subcommand's flags ask for what cannot be done; the message says what
    /// to give instead.
    #[error("{0}")]
    Usage(String),
    /// A record file could not be rebased; it is as it was.
    #[error("cannot rebase {path}: {message}; the file is unchanged")]
    Rebase {
        /// The record file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// The error for reading `path` (as shown) when `denied` stopped it; the
    /// offending component is shown from `cwd`.
    pub fn denied(cwd: &std::path::Path, path: &str, denied: crate::confine::Denied) -> Error {
        match denied {
            crate::confine::Denied::Kind { at, kind } => Error::Refused {
                path: path.to_owned(),
                at: crate::project::display(cwd, &cwd.join(at)),
                what: kind.describe(),
            },
            crate::confine::Denied::Io(source) => Error::Read {
                path: path.to_owned(),
                source,
            },
        }
    }
}

impl Error {
    /// The error for writing `path` (as shown) when `denied` stopped it; the
    /// offending component is shown from `cwd`.
    pub fn not_written(cwd: &std::path::Path, path: &str, denied: crate::confine::Denied) -> Error {
        use crate::confine::{Denied, Kind};
        let shown = |at: &std::path::Path| crate::project::display(cwd, &cwd.join(at));
        match denied {
            Denied::Kind {
                at,
                kind: Kind::Dir,
            } => Error::OutputIsFolder { path: shown(&at) },
            Denied::Kind { at, kind } => Error::SymlinkOutput {
                path: path.to_owned(),
                link: shown(&at),
                what: kind.describe(),
            },
            Denied::Io(source) => Error::Write {
                path: path.to_owned(),
                source,
            },
        }
    }

    /// The error's kind, for machine-readable reports: `schema`, `read`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NoInputFolder { .. }
            | Error::CorrectionsNeedOneInput { .. }
            | Error::Usage(_) => "usage",
            Error::CorrectionsMissing { .. } | Error::NoRecords { .. } => "no_records",
            Error::Read { .. } => "read",
            Error::NotUtf8 { .. } => "not_utf8",
            Error::SameKey { .. }
            | Error::Overwrite { .. }
            | Error::UnsafeKey { .. }
            | Error::ReservedKey { .. } => "collision",
            Error::Record(problem) if problem.message.contains("invalid JSON") => "malformed_json",
            Error::Record(_) => "schema",
            Error::DuplicateId { .. } => "duplicate_id",
            Error::Write { .. }
            | Error::SymlinkOutput { .. }
            | Error::OutputIsFolder { .. }
            | Error::Commit { .. } => "write",
            Error::Refused { .. } => "refused",
            Error::OutsideProject { .. } => "outside_project",
            Error::NotUtf8Name { .. } => "not_utf8_name",
            Error::Config { .. } => "config",
            Error::TooDeep { .. } => "too_deep",
            Error::Journal { .. } => "journal",
            Error::TooLarge { .. } | Error::TooManyRecords { .. } => "too_large",
            Error::Rebase { .. } => "rebase",
        }
    }

    /// The file that must change to fix the error, and where in it (1-based
    /// line and column), when there is one.
    pub fn location(&self) -> Option<(&str, Option<(usize, usize)>)> {
        let file = match self {
            Error::NoInputFolder { .. }
            | Error::CorrectionsNeedOneInput { .. }
            | Error::Usage(_) => return None,
            Error::Record(problem) => return Some((&problem.file, problem.at)),
            Error::CorrectionsMissing { path }
            | Error::Read { path, .. }
            | Error::NotUtf8 { path, .. }
            | Error::Write { path, .. }
            | Error::SymlinkOutput { path, .. }
            | Error::OutputIsFolder { path }
            | Error::Commit { path, .. }
            | Error::NotUtf8Name { path }
            | Error::Config { path, .. }
            | Error::TooDeep { path, .. }
            | Error::Journal { path, .. }
            | Error::TooLarge { path, .. }
            | Error::Rebase { path, .. } => path,
            Error::Refused { at, .. } => at,
            Error::NoRecords { input, .. }
            | Error::Overwrite { input, .. }
            | Error::UnsafeKey { input, .. }
            | Error::ReservedKey { input, .. }
            | Error::OutsideProject { input, .. }
            | Error::TooManyRecords { input, .. } => input,
            Error::SameKey { second, .. } => second,
            Error::DuplicateId { second, .. } => second,
        };
        Some((file, None))
    }
}
