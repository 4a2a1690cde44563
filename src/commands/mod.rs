//! The editors' subcommands, one module each: `record` (`record`, records
//! from an edited copy, and `new`, one record from flags) and `lint`; `schema`,
//! `completions` and `man` are a few lines here (the pages themselves are
//! `manual`'s).
//!
//! Each reads what it needs, calls the library, and reports like the main run:
//! results on stdout, diagnostics on stderr, exit codes 0/1/2. A subcommand
//! that cannot do its job returns the crate's [`Error`] (exit 2); one whose
//! answer is "no" (nothing to record, a record that would fail) says so and
//! exits 1.

mod lint;
mod record;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::cli::Command;
use crate::error::{EXIT_ERROR, EXIT_OK, Error};
use crate::record::{Occurrence, Record};
use crate::render::report::Paint;
use crate::text::lines::LineCol;
use crate::{output, project};

/// Runs one subcommand in `cwd`; returns the exit code.
pub fn run(
    command: Command,
    cwd: &Path,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    paint: Paint,
) -> io::Result<u8> {
    let mut cli = <crate::cli::Cli as clap::CommandFactory>::command();
    let result = match command {
        Command::Schema { config } => stdout
            .write_all(
                match config {
                    false => crate::schema::json(),
                    true => crate::config::schema_text(),
                }
                .as_bytes(),
            )
            .map(|()| Ok(EXIT_OK)),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut cli, "correct", stdout);
            Ok(Ok(EXIT_OK))
        }
        Command::Man { out } => Ok(man_pages(cli, out.as_deref(), cwd, stdout)),
        Command::Record(args) => Ok(record::from_copy(&args, cwd, stdout, stderr)),
        Command::New(args) => Ok(record::new(&args, cwd, stderr, paint)),
        Command::Lint(args) => lint::run(&args, cwd, stdout, stderr, paint),
    }?;
    match result {
        Ok(code) => Ok(code),
        Err(e) => {
            writeln!(stderr, "{}: {e}", paint.error("error"))?;
            Ok(EXIT_ERROR)
        }
    }
}

/// `correct man`: the main page on stdout, or every page into `out`.
fn man_pages(
    cli: clap::Command,
    out: Option<&Path>,
    cwd: &Path,
    stdout: &mut dyn Write,
) -> Result<u8, Error> {
    let write = |path: &Path| {
        let path = path.display().to_string();
        move |source| Error::Write { path, source }
    };
    let pages = crate::manual::pages(cli).map_err(write(Path::new("the manual pages")))?;
    let Some(out) = out else {
        return stdout
            .write_all(&pages[0].roff)
            .map(|()| EXIT_OK)
            .map_err(write(Path::new("stdout")));
    };
    let dir = cwd.join(out);
    std::fs::create_dir_all(&dir).map_err(write(out))?;
    for page in &pages {
        std::fs::write(dir.join(&page.file), &page.roff).map_err(write(&out.join(&page.file)))?;
    }
    Ok(EXIT_OK)
}

/// Reads an article as the main run does (UTF-8, within the size limit).
fn read_text(cwd: &Path, path: &Path) -> Result<String, Error> {
    project::read_article(cwd, &project::display(cwd, &cwd.join(path)))
}

/// The syntax of the article at `path`.
fn syntax_of(path: &Path) -> crate::syntax::Syntax {
    crate::syntax::Syntax::of_path(&path.to_string_lossy())
}

/// The records folder of an article: `--to`, or `corrections/KEY/`.
fn records_folder(cwd: &Path, input: &Path, to: Option<&PathBuf>) -> PathBuf {
    match to {
        Some(dir) => cwd.join(dir),
        None => {
            let key = project::key_of(&project::display(cwd, &cwd.join(input)));
            cwd.join("corrections").join(key)
        }
    }
}

/// The records of an article (its folder and `KEY.json`), read leniently: their
/// ids and texts only, so that records with placeholders count too.
fn existing(cwd: &Path, folder: &Path) -> Vec<Record> {
    // Read as every project file is: no link followed (crate::confine).
    let mut files: Vec<PathBuf> = crate::confine::open_dir(cwd, folder)
        .ok()
        .and_then(|dir| dir.entries().ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, kind)| *kind == crate::confine::Kind::File)
        .map(|(name, _)| folder.join(name))
        .collect();
    files.push(folder.with_extension("json"));
    let mut records = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let Ok(crate::confine::Bounded::Read(bytes)) =
            crate::confine::read(cwd, file, crate::limits::MAX_RECORD_FILE_BYTES)
        else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let items = match value {
            serde_json::Value::Array(items) => items,
            one => vec![one],
        };
        for item in &items {
            let text = |field: &str| item[field].as_str().map(str::to_owned);
            let (Some(id), Some(find), Some(replace)) = (text("id"), text("find"), text("replace"))
            else {
                continue;
            };
            let mut record = Record::new(&id, &find, &replace);
            record.file = project::display(cwd, file);
            record.before = text("before");
            record.after = text("after");
            record.occurrence = match &item["occurrence"] {
                serde_json::Value::String(all) if all == "all" => Occurrence::All,
                n => n
                    .as_u64()
                    .map_or(Occurrence::Unique, |n| Occurrence::Nth(n as usize)),
            };
            records.push(record);
        }
    }
    records
}

fn ids(records: &[Record]) -> std::collections::HashSet<String> {
    records.iter().map(|r| r.id.clone()).collect()
}

/// A free file name in `folder` that sorts by position (line, then column):
/// `0012-0045-<id>.json`.
fn file_name(folder: &Path, at: LineCol, id: &str) -> PathBuf {
    let (line, column) = (at.line, at.column);
    let mut n = 1;
    loop {
        let name = match n {
            1 => format!("{line:04}-{column:04}-{id}.json"),
            n => format!("{line:04}-{column:04}-{id}-{n}.json"),
        };
        let path = folder.join(name);
        if !path.exists() {
            return path;
        }
        n += 1;
    }
}

fn write_record(cwd: &Path, folder: &Path, path: &Path, json: &str) -> Result<(), Error> {
    crate::confine::create_dirs(cwd, folder)
        .and_then(|()| output::replace_file(cwd, path, json))
        .map_err(|denied| Error::not_written(cwd, &project::display(cwd, path), denied))
}
