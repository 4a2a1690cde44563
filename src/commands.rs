//! The editors' subcommands: `record` (records from an edited copy), `new` (one
//! record from flags), `lint`, `schema`, `completions` and `man` (the pages
//! themselves are `manual`'s).
//!
//! Each reads what it needs, calls the library, and reports like the main run:
//! results on stdout, diagnostics on stderr, exit codes 0/1/2.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::{Command, LintArgs, Metadata, NewArgs, RecordArgs};
use crate::error::{EXIT_ERROR, EXIT_FAILED, EXIT_OK};
use crate::lines::{LineCol, LineIndex};
use crate::locate::{self, Location, Tolerance};
use crate::record::{self, Category, Occurrence, Record, TODO};
use crate::render::report::Paint;
use crate::{derive, limits, lint, outcome, output, project};

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
        Command::Schema => stdout
            .write_all(crate::schema::json().as_bytes())
            .map(|()| Ok(EXIT_OK)),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut cli, "correct", stdout);
            Ok(Ok(EXIT_OK))
        }
        Command::Man { out } => Ok(man_pages(cli, out.as_deref(), cwd, stdout)),
        Command::Record(args) => Ok(record_from_copy(&args, cwd, stdout, stderr)),
        Command::New(args) => Ok(new_record(&args, cwd, stderr)),
        Command::Lint(args) => lint_records(&args, cwd, stdout, stderr, paint),
    }?;
    match result {
        Ok(code) => Ok(code),
        Err(Failed { code, message }) => {
            writeln!(stderr, "{}: {message}", paint.error("error"))?;
            Ok(code)
        }
    }
}

/// `correct man`: the main page on stdout, or every page into `out`.
fn man_pages(
    cli: clap::Command,
    out: Option<&Path>,
    cwd: &Path,
    stdout: &mut dyn Write,
) -> Result<u8, Failed> {
    let cannot = |what: String, e: io::Error| failed(EXIT_ERROR, format!("{what}: {e}"));
    let pages =
        crate::manual::pages(cli).map_err(|e| cannot("cannot render the pages".into(), e))?;
    let Some(out) = out else {
        return stdout
            .write_all(&pages[0].roff)
            .map(|()| EXIT_OK)
            .map_err(|e| cannot("cannot print the page".into(), e));
    };
    let dir = cwd.join(out);
    std::fs::create_dir_all(&dir)
        .map_err(|e| cannot(format!("cannot create {}", out.display()), e))?;
    for page in &pages {
        let path = dir.join(&page.file);
        std::fs::write(&path, &page.roff).map_err(|e| {
            cannot(
                format!("cannot write {}", out.join(&page.file).display()),
                e,
            )
        })?;
    }
    Ok(EXIT_OK)
}

/// A subcommand that could not do its job: the exit code and what to say.
struct Failed {
    code: u8,
    message: String,
}

fn failed(code: u8, message: impl Into<String>) -> Failed {
    Failed {
        code,
        message: message.into(),
    }
}

/// A record file as `record` and `new` write it: fields in reading order.
#[derive(Serialize)]
struct RecordOut<'a> {
    id: &'a str,
    find: &'a str,
    replace: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    occurrence: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    structure: Option<&'a str>,
    category: &'a str,
    reason: &'a str,
    #[serde(skip_serializing_if = "<[SourceOut]>::is_empty")]
    sources: &'a [SourceOut],
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
}

#[derive(Serialize, Clone)]
struct SourceOut {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// Category, reason and sources from the flags, or placeholders.
struct Filled {
    category: String,
    reason: String,
    sources: Vec<SourceOut>,
}

fn fill(m: &Metadata) -> Result<Filled, Failed> {
    let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    let category = match &m.category {
        Some(c) if Category::parse(c).is_none() => {
            return Err(failed(
                EXIT_ERROR,
                format!("unknown category {c:?}; use one of {}", names.join(", ")),
            ));
        }
        Some(c) => c.clone(),
        None => format!("{TODO}: one of {}", names.join(", ")),
    };
    let reason = m
        .reason
        .clone()
        .unwrap_or_else(|| format!("{TODO}: say in a sentence or two why the original is wrong"));
    let mut sources: Vec<SourceOut> = m
        .sources
        .iter()
        .map(|s| match s.rsplit_once('=') {
            Some((title, url)) if url.contains("://") => SourceOut {
                title: title.to_owned(),
                url: Some(url.to_owned()),
            },
            _ if s.contains("://") => SourceOut {
                title: s.clone(),
                url: Some(s.clone()),
            },
            _ => SourceOut {
                title: s.clone(),
                url: None,
            },
        })
        .collect();
    let factual = Category::parse(&category).is_none_or(Category::needs_sources);
    if sources.is_empty() && factual {
        sources.push(SourceOut {
            title: format!("{TODO}: where the correct version can be checked"),
            url: Some(format!("{TODO}: its URL")),
        });
    }
    Ok(Filled {
        category,
        reason,
        sources,
    })
}

/// The JSON text of one record file.
fn record_json(record: &Record, filled: &Filled, author: Option<&str>) -> String {
    let occurrence = match record.occurrence {
        Occurrence::Unique => None,
        Occurrence::Nth(n) => Some(n.into()),
        Occurrence::All => Some("all".into()),
    };
    let out = RecordOut {
        id: &record.id,
        find: &record.find,
        replace: &record.replace,
        before: record.before.as_deref(),
        after: record.after.as_deref(),
        occurrence,
        scope: record.anywhere.then_some("any"),
        structure: record.changes_structure.then_some("changes"),
        category: &filled.category,
        reason: &filled.reason,
        sources: &filled.sources,
        author,
    };
    let mut text = serde_json::to_string_pretty(&out).expect("a record serialises");
    text.push('\n');
    text
}

/// Reads an article (UTF-8, within the size limit).
fn read_text(cwd: &Path, path: &Path) -> Result<String, Failed> {
    let shown = project::display(cwd, &cwd.join(path));
    match limits::read(cwd, path, limits::MAX_INPUT_BYTES) {
        Ok(limits::Bounded::Read(bytes)) => String::from_utf8(bytes)
            .map_err(|_| failed(EXIT_ERROR, format!("{shown} is not valid UTF-8"))),
        Ok(limits::Bounded::TooLarge(_)) => Err(failed(
            EXIT_ERROR,
            format!(
                "{shown} is over the limit of {}",
                limits::size(limits::MAX_INPUT_BYTES)
            ),
        )),
        Err(e) => Err(failed(EXIT_ERROR, format!("cannot read {shown}: {e}"))),
    }
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

fn write_record(cwd: &Path, folder: &Path, path: &Path, json: &str) -> Result<(), Failed> {
    crate::confine::create_dirs(cwd, folder)
        .and_then(|()| output::replace_file(cwd, path, json))
        .map_err(|e| {
            let shown = project::display(cwd, path);
            failed(EXIT_ERROR, format!("cannot write {shown}: {e}"))
        })
}

/// `correct record ORIGINAL EDITED`.
fn record_from_copy(
    args: &RecordArgs,
    cwd: &Path,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Failed> {
    let original = read_text(cwd, &args.original)?;
    let edited = read_text(cwd, &args.edited)?;
    let filled = fill(&args.metadata)?;
    // Line endings, a BOM and a final newline that an editor changed are not
    // corrections: the copy takes the original's before it is compared.
    let (edited, notes) = derive::conform(&original, &edited);
    for note in notes {
        let _ = writeln!(stderr, "note: {}: {note}", args.edited.display());
    }
    let mut derived = derive::derive(&original, &edited);
    let folder = records_folder(cwd, &args.original, args.to.as_ref());
    let mut taken = ids(&existing(cwd, &folder));
    for d in &mut derived {
        d.record.id = derive::unique_id(&mut taken, &d.record.id, "");
    }
    let syntax = syntax_of(&args.original);
    if syntax != crate::syntax::Syntax::Plain {
        // A change outside prose, or to the structure, is marked as meant, so
        // that `correct` applies the records it writes (and the review shows it).
        let records: Vec<Record> = derived.iter().map(|d| d.record.clone()).collect();
        let check = outcome::correct_with(&original, &records, Tolerance::default(), syntax);
        for c in &check.corrections {
            let (Some(failure), d) = (c.failure(), &mut derived[c.record]) else {
                continue;
            };
            let what = match failure.kind {
                crate::locate::FailureKind::Structure => {
                    d.record.changes_structure = true;
                    "changes the document's structure: written with \"structure\": \"changes\""
                }
                _ => {
                    d.record.anywhere = true;
                    d.record.changes_structure = true;
                    "changes text outside prose (code, a link target, raw HTML): written with \"scope\": \"any\" and \"structure\": \"changes\""
                }
            };
            let _ = writeln!(stderr, "note: record `{}` {what}", d.record.id);
        }
    }
    let records: Vec<Record> = derived.iter().map(|d| d.record.clone()).collect();
    let check = outcome::correct_with(&original, &records, Tolerance::default(), syntax);
    if !check.succeeded() || check.corrected != edited {
        return Err(failed(
            EXIT_ERROR,
            format!(
                "the derived records would not turn {} into {} exactly, so none was written; \
                 make fewer, larger edits and try again (and report this case)",
                args.original.display(),
                args.edited.display()
            ),
        ));
    }
    let shown_folder = project::display(cwd, &folder);
    if derived.is_empty() {
        let _ = writeln!(stderr, "no differences: nothing to record");
        return Ok(EXIT_OK);
    }
    let lines = LineIndex::new(&original);
    for d in &derived {
        let at = lines.line_col(&original, d.span.start);
        let json = record_json(&d.record, &filled, args.metadata.author.as_deref());
        if args.dry_run {
            let _ = stdout.write_all(json.as_bytes());
            continue;
        }
        let path = file_name(&folder, at, &d.record.id);
        write_record(cwd, &folder, &path, &json)?;
        let _ = writeln!(stderr, "wrote {}", project::display(cwd, &path));
    }
    let todo = args.metadata.reason.is_none() || args.metadata.category.is_none();
    let _ = writeln!(
        stderr,
        "{} record(s) for {} in {shown_folder}{}",
        derived.len(),
        args.original.display(),
        if todo {
            "; fill in each TODO (correct refuses records that still have one)"
        } else {
            ""
        }
    );
    Ok(EXIT_OK)
}

/// `correct new INPUT --find ... --replace ...`.
fn new_record(args: &NewArgs, cwd: &Path, stderr: &mut dyn Write) -> Result<u8, Failed> {
    let text = read_text(cwd, &args.input)?;
    let filled = fill(&args.metadata)?;
    let folder = records_folder(cwd, &args.input, args.to.as_ref());
    let mut others = existing(cwd, &folder);
    let mut taken = ids(&others);
    let mut record = Record::new("", &args.find, &args.replace);
    record.before = args.before.clone();
    record.after = args.after.clone();
    record.occurrence = match args.occurrence.as_deref() {
        None => Occurrence::Unique,
        Some("all") => Occurrence::All,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if n >= 1 => Occurrence::Nth(n),
            _ => {
                return Err(failed(
                    EXIT_ERROR,
                    format!("--occurrence must be a number >= 1 or \"all\", not {n:?}"),
                ));
            }
        },
    };
    if args.find.is_empty() {
        return Err(failed(
            EXIT_ERROR,
            "--find is empty; give the exact text to replace",
        ));
    }
    record.id = match &args.id {
        // Checked before anything is written: a record file `correct` would
        // refuse, or a path, is never made.
        Some(id) if !crate::record::is_valid_id(id) => {
            return Err(failed(
                EXIT_ERROR,
                format!(
                    "--id {id:?} is not a record id: it must match [a-z0-9][a-z0-9._-]* (lowercase letters, digits, `.`, `_`, `-`), e.g. `{}`",
                    derive::unique_id(&mut Default::default(), id, "")
                ),
            ));
        }
        Some(id) if taken.contains(id) => {
            return Err(failed(
                EXIT_ERROR,
                format!("the id `{id}` is taken by another record of this article"),
            ));
        }
        Some(id) => id.clone(),
        None => derive::unique_id(&mut taken, &args.find, &args.replace),
    };
    let strict = Tolerance {
        strict: true,
        ..Tolerance::default()
    };
    let syntax = syntax_of(&args.input);
    let prose = syntax.protected(&text);
    let start =
        match locate::locate_with(&text, std::slice::from_ref(&record), strict, prose.as_ref())
            .remove(0)
        {
            Location::Found(found) => found.hits[0].span.start,
            Location::AlreadyApplied { .. } => {
                return Err(failed(
                    EXIT_FAILED,
                    "the article already has the replacement there; nothing to record",
                ));
            }
            Location::Failed(f) => {
                return Err(failed(
                    EXIT_FAILED,
                    format!("{}; {}. Nothing was written", f.message, f.help),
                ));
            }
        };
    // The new record must also live with the article's other records.
    others.push(record.clone());
    let together = outcome::correct_with(&text, &others, Tolerance::default(), syntax);
    if let Some(f) = together
        .corrections
        .iter()
        .find(|c| c.record == others.len() - 1)
        .and_then(|c| c.failure())
    {
        return Err(failed(
            EXIT_FAILED,
            format!("{}; {}. Nothing was written", f.message, f.help),
        ));
    }
    let at = LineIndex::new(&text).line_col(&text, start);
    let path = file_name(&folder, at, &record.id);
    write_record(
        cwd,
        &folder,
        &path,
        &record_json(&record, &filled, args.metadata.author.as_deref()),
    )?;
    let _ = writeln!(
        stderr,
        "wrote {} (record `{}` at {at})",
        project::display(cwd, &path),
        record.id
    );
    Ok(EXIT_OK)
}

/// `correct lint [INPUT]...`.
fn lint_records(
    args: &LintArgs,
    cwd: &Path,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    paint: Paint,
) -> io::Result<Result<u8, Failed>> {
    // Files that could not be linted, as run errors are reported.
    let mut errors: Vec<crate::error::Error> = Vec::new();
    let files: Vec<String> = if args.inputs.is_empty() {
        match json_files(cwd, Path::new("corrections")) {
            Ok(files) => files,
            Err(e) => return Ok(Err(e)),
        }
    } else {
        let layout = project::Layout {
            cwd: cwd.to_path_buf(),
            inputs: args.inputs.clone(),
            corrections: None,
            out: PathBuf::from("output"),
            html: false,
            jsonld: false,
            shard: None,
        };
        let plan = match project::plan(&layout) {
            Ok(plan) => plan,
            Err(e) => return Ok(Err(failed(EXIT_ERROR, e.to_string()))),
        };
        errors.extend(plan.errors);
        let shared = match plan.jobs.iter().any(|j| !j.shared.is_empty()) {
            true => project::shared_record_files(cwd).unwrap_or_default(),
            false => Vec::new(),
        };
        let mut files: Vec<String> = plan.jobs.into_iter().flat_map(|j| j.record_files).collect();
        files.extend(shared);
        files
    };
    let keys = match input_keys(cwd) {
        Ok(keys) => keys,
        Err(e) => return Ok(Err(e)),
    };
    let configured = match crate::config::find(cwd, None) {
        Ok(found) => found.and_then(|f| f.config.lint?.min_reason_words),
        Err(e) => return Ok(Err(failed(EXIT_ERROR, e.to_string()))),
    };
    let min_reason_words = args.min_reason_words.or(configured).unwrap_or(6);
    let mut findings = Vec::new();
    for file in &files {
        let key = key_of_record_file(file);
        let shared = key.as_deref() == Some(project::SHARED_KEY);
        if let Some(key) = key.filter(|k| !shared && !keys.contains(k)) {
            findings.push(lint::Finding {
                rule: "orphan-file",
                file: file.clone(),
                id: None,
                line: None,
                message: format!("no input has the key `{key}` (looked for input/{key}.*); move or remove the file"),
            });
        }
        match record::read_file(cwd, file) {
            Ok(mut records) => {
                if shared {
                    errors.extend(project::share(&mut records));
                }
                findings.extend(lint::records(&records, min_reason_words));
            }
            Err(problems) => errors.extend(problems),
        }
    }
    // The plan has read the shared files too: each problem once.
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert(e.to_string()));
    let code = match (errors.is_empty(), findings.is_empty()) {
        (false, _) => EXIT_ERROR,
        (true, false) => EXIT_FAILED,
        (true, true) => EXIT_OK,
    };
    report_lint(args.format, &errors, &findings, stdout, stderr, paint)?;
    writeln!(
        stderr,
        "{} finding(s) in {} record file(s)",
        findings.len(),
        files.len()
    )?;
    Ok(Ok(code))
}

/// Lint's findings and errors in `format`: for people on stderr, or on stdout
/// as JSON lines, GitHub annotations, one rdjson document or one SARIF log,
/// each placed on the record's line in its file.
fn report_lint(
    format: crate::cli::FormatArg,
    errors: &[crate::error::Error],
    findings: &[lint::Finding],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    paint: Paint,
) -> io::Result<()> {
    use crate::cli::FormatArg;
    use crate::render::diagnostic::Diagnostic;
    let diagnostics =
        errors
            .iter()
            .map(|e| Diagnostic::of_error(e, None))
            .chain(findings.iter().map(|f| Diagnostic {
                kind: f.rule.to_owned(),
                file: f.file.clone(),
                at: f.line.map(|line| (line, 1)),
                title: f.id.clone(),
                message: f.message.clone(),
            }));
    match format {
        FormatArg::Text => {
            for e in errors {
                writeln!(stderr, "{}: {e}", paint.error("error"))?;
            }
            for f in findings {
                let record =
                    f.id.as_ref()
                        .map(|id| format!(" record `{id}`:"))
                        .unwrap_or_default();
                writeln!(
                    stderr,
                    "{}: {}:{record} {}",
                    paint.warn(&format!("lint[{}]", f.rule)),
                    f.file,
                    f.message
                )?;
            }
        }
        FormatArg::Json => {
            for d in diagnostics {
                writeln!(stdout, "{}", crate::inert::json(&d.json().to_string()))?;
            }
        }
        FormatArg::Github => {
            for d in diagnostics {
                stdout.write_all(d.github().as_bytes())?;
            }
        }
        FormatArg::Rdjson | FormatArg::Sarif | FormatArg::Comment => {
            use crate::render::annotations::{self, Annotation};
            let all: Vec<Annotation> = diagnostics.map(Annotation::Failure).collect();
            let document = match format {
                FormatArg::Sarif => crate::render::sarif::log(&all),
                FormatArg::Comment => crate::render::comment::render(&all, None),
                _ => annotations::rdjson("correct lint", &all),
            };
            stdout.write_all(document.as_bytes())?;
        }
    }
    Ok(())
}

/// Every file below `dir` (none if it does not exist), by the project's one
/// walker: no link followed, none allowed (see [`crate::confine`]).
fn files_below(cwd: &Path, dir: &Path) -> Result<Vec<PathBuf>, Failed> {
    if !cwd.join(dir).is_dir() && std::fs::symlink_metadata(cwd.join(dir)).is_err() {
        return Ok(Vec::new());
    }
    project::files_below(cwd, dir).map_err(|e| failed(EXIT_ERROR, e.to_string()))
}

/// Every `*.json` below `dir`, as shown to users, in path order.
fn json_files(cwd: &Path, dir: &Path) -> Result<Vec<String>, Failed> {
    let mut found: Vec<String> = files_below(cwd, dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| project::display(cwd, &p))
        .collect();
    found.sort();
    Ok(found)
}

/// The key a conventional record file belongs to: `corrections/K.json` or
/// `corrections/K/x.json` -> `K`.
fn key_of_record_file(file: &str) -> Option<String> {
    let rest = file.strip_prefix("corrections/")?;
    match rest.rsplit_once('/') {
        Some((key, _)) => Some(key.to_owned()),
        None => rest.strip_suffix(".json").map(str::to_owned),
    }
}

/// The keys of every file under `input/`.
fn input_keys(cwd: &Path) -> Result<Vec<String>, Failed> {
    Ok(files_below(cwd, Path::new("input"))?
        .into_iter()
        .map(|p| project::key_of(&project::display(cwd, &p)))
        .collect())
}
