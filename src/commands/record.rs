//! `correct record ORIGINAL EDITED` (records from an edited copy) and `correct
//! new INPUT` (one record from flags): both write record files as an editor
//! would, each checked to apply before it is written.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{existing, file_name, ids, read_text, records_folder, syntax_of, write_record};
use crate::cli::{Metadata, NewArgs, RecordArgs};
use crate::error::{EXIT_FAILED, EXIT_OK, Error};
use crate::locate::{self, Location, Tolerance};
use crate::record::{Category, Occurrence, Record, TODO};
use crate::render::report::Paint;
use crate::schema::{
    AllSchema, LinkedSource, OccurrenceSchema, RecordSchema, ScopeSchema, SourceSchema,
    StructureSchema,
};
use crate::text::lines::{Indexed, LineIndex};
use crate::{derive, outcome, project};

/// Category, reason and sources from the flags, or placeholders.
struct Filled {
    category: String,
    reason: String,
    sources: Vec<LinkedSource>,
}

fn fill(m: &Metadata) -> Result<Filled, Error> {
    let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    let category = match &m.category {
        Some(c) if Category::parse(c).is_none() => {
            return Err(Error::Usage(format!(
                "unknown category {c:?}; use one of {}",
                names.join(", ")
            )));
        }
        Some(c) => c.clone(),
        None => format!("{TODO}: one of {}", names.join(", ")),
    };
    let reason = m
        .reason
        .clone()
        .unwrap_or_else(|| format!("{TODO}: say in a sentence or two why the original is wrong"));
    let mut sources: Vec<LinkedSource> = m
        .sources
        .iter()
        .map(|s| match s.rsplit_once('=') {
            Some((title, url)) if url.contains("://") => LinkedSource {
                title: title.to_owned(),
                url: Some(url.to_owned()),
            },
            _ if s.contains("://") => LinkedSource {
                title: s.clone(),
                url: Some(s.clone()),
            },
            _ => LinkedSource {
                title: s.clone(),
                url: None,
            },
        })
        .collect();
    let factual = Category::parse(&category).is_none_or(Category::needs_sources);
    if sources.is_empty() && factual {
        sources.push(LinkedSource {
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

/// The JSON text of one record file: the record's shape
/// ([`crate::schema::RecordSchema`]), fields in reading order.
fn record_json(record: &Record, filled: &Filled, author: Option<&str>) -> String {
    let occurrence = match record.occurrence {
        Occurrence::Unique => None,
        Occurrence::Nth(n) => Some(OccurrenceSchema::Nth(n as u64)),
        Occurrence::All => Some(OccurrenceSchema::All(AllSchema::All)),
    };
    let out = RecordSchema {
        id: record.id.clone(),
        find: record.find.clone(),
        replace: record.replace.clone(),
        before: record.before.clone(),
        after: record.after.clone(),
        occurrence,
        whole_word: None,
        case: None,
        line: None,
        scope: record.anywhere.then_some(ScopeSchema::Any),
        structure: record.changes_structure.then_some(StructureSchema::Changes),
        category: filled.category.clone(),
        reason: filled.reason.clone(),
        sources: (!filled.sources.is_empty()).then(|| {
            filled
                .sources
                .iter()
                .cloned()
                .map(SourceSchema::Linked)
                .collect()
        }),
        author: author.map(str::to_owned),
        date: None,
        notice: None,
        rating: None,
        schema: None,
    };
    let mut text = serde_json::to_string_pretty(&out).expect("a record serialises");
    text.push('\n');
    text
}

/// `correct record ORIGINAL EDITED`.
pub(super) fn from_copy(
    args: &RecordArgs,
    cwd: &Path,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Error> {
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
        mark_outside_prose(&original, &mut derived, syntax, stderr);
    }
    reproduces(&original, &edited, &derived, syntax, args)?;
    let shown_folder = project::display(cwd, &folder);
    if derived.is_empty() {
        let _ = writeln!(stderr, "no differences: nothing to record");
        return Ok(EXIT_OK);
    }
    let lines = LineIndex::new(&original);
    let files: Vec<(PathBuf, String)> = (derived.iter())
        .map(|d| {
            let at = lines.line_col(&original, d.span.start);
            let json = record_json(&d.record, &filled, args.metadata.author.as_deref());
            (file_name(&folder, at, &d.record.id), json)
        })
        .collect();
    write_records(cwd, &folder, &files, args.dry_run, stdout, stderr)?;
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

/// Whether the derived records turn `original` into `edited` exactly, as
/// `correct` will apply them; else why none is written.
fn reproduces(
    original: &str,
    edited: &str,
    derived: &[derive::Derived],
    syntax: crate::syntax::Syntax,
    args: &RecordArgs,
) -> Result<(), Error> {
    let records: Vec<Record> = derived.iter().map(|d| d.record.clone()).collect();
    let check = outcome::correct_with(original, &records, Tolerance::default(), syntax);
    match check.succeeded() && check.corrected == edited {
        true => Ok(()),
        false => Err(Error::Usage(format!(
            "the derived records would not turn {} into {} exactly, so none was written; \
                 make fewer, larger edits and try again (and report this case)",
            args.original.display(),
            args.edited.display()
        ))),
    }
}

/// Marks the derived records that change text outside prose, or the
/// structure, as meant, so that `correct` applies the records it writes
/// (and the review shows it), and says so.
fn mark_outside_prose(
    original: &str,
    derived: &mut [derive::Derived],
    syntax: crate::syntax::Syntax,
    stderr: &mut dyn Write,
) {
    let records: Vec<Record> = derived.iter().map(|d| d.record.clone()).collect();
    let check = outcome::correct_with(original, &records, Tolerance::default(), syntax);
    for c in &check.corrections {
        let (Some(failure), d) = (c.failure(), &mut derived[c.record]) else {
            continue;
        };
        let what = match failure.kind {
            // Checked by the caller: the records must give the edited text.
            locate::FailureKind::TooLarge => continue,
            locate::FailureKind::Structure => {
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

/// Writes each record file (path, JSON) into `folder`, or prints it with
/// `--dry-run`.
fn write_records(
    cwd: &Path,
    folder: &Path,
    files: &[(PathBuf, String)],
    dry_run: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<(), Error> {
    for (path, json) in files {
        if dry_run {
            let _ = stdout.write_all(json.as_bytes());
            continue;
        }
        write_record(cwd, folder, path, json)?;
        let _ = writeln!(stderr, "wrote {}", project::display(cwd, path));
    }
    Ok(())
}

/// `correct new INPUT --find ... --replace ...`.
pub(super) fn new(
    args: &NewArgs,
    cwd: &Path,
    stderr: &mut dyn Write,
    paint: Paint,
) -> Result<u8, Error> {
    let text = read_text(cwd, &args.input)?;
    let filled = fill(&args.metadata)?;
    let folder = records_folder(cwd, &args.input, args.to.as_ref());
    let mut others = existing(cwd, &folder);
    let mut taken = ids(&others);
    let mut record = Record::new("", &args.find, &args.replace);
    record.before = args.before.clone();
    record.after = args.after.clone();
    record.occurrence = occurrence(args.occurrence.as_deref())?;
    if args.find.is_empty() {
        return Err(Error::Usage(
            "--find is empty; give the exact text to replace".into(),
        ));
    }
    record.id = new_id(args, &mut taken)?;
    let at = match placed(&text, &record, &mut others, syntax_of(&args.input)) {
        Ok(at) => at,
        Err(why) => return refuse(stderr, paint, &why),
    };
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

/// `--occurrence`: a number from 1, or `all`; unique when not given.
fn occurrence(arg: Option<&str>) -> Result<Occurrence, Error> {
    Ok(match arg {
        None => Occurrence::Unique,
        Some("all") => Occurrence::All,
        Some(n) => match n.parse::<usize>() {
            Ok(n) if n >= 1 => Occurrence::Nth(n),
            _ => {
                return Err(Error::Usage(format!(
                    "--occurrence must be a number >= 1 or \"all\", not {n:?}"
                )));
            }
        },
    })
}

/// The new record's id: `--id`, checked, or one derived from its texts and
/// unique among the article's records (`taken`).
fn new_id(args: &NewArgs, taken: &mut std::collections::HashSet<String>) -> Result<String, Error> {
    Ok(match &args.id {
        // Checked before anything is written: a record file `correct` would
        // refuse, or a path, is never made.
        Some(id) if !crate::record::is_valid_id(id) => {
            return Err(Error::Usage(format!(
                "--id {id:?} is not a record id: it must match [a-z0-9][a-z0-9._-]* (lowercase letters, digits, `.`, `_`, `-`), e.g. `{}`",
                derive::unique_id(&mut Default::default(), id, "")
            )));
        }
        Some(id) if taken.contains(id) => {
            return Err(Error::Usage(format!(
                "the id `{id}` is taken by another record of this article"
            )));
        }
        Some(id) => id.clone(),
        None => derive::unique_id(taken, &args.find, &args.replace),
    })
}

/// Where (line and column) the new `record` starts in `text`: it must match
/// exactly on its own (a new record is copied from the article), then apply
/// beside the article's other records (`others`, which it joins). Otherwise
/// why not, worded for the editor.
fn placed(
    text: &str,
    record: &Record,
    others: &mut Vec<Record>,
    syntax: crate::syntax::Syntax,
) -> Result<crate::text::lines::LineCol, String> {
    let refused = |f: &locate::Failure, lines: &LineIndex, records: &[Record], i: usize| {
        let worded = f.worded(Indexed { text, lines }, records, i);
        format!("{}; {}. Nothing was written", worded.message, worded.help)
    };
    let strict = Tolerance {
        strict: true,
        ..Tolerance::default()
    };
    let alone = std::slice::from_ref(record);
    let prose = syntax.protected(text);
    let start = match locate::locate_with(text, alone, strict, prose.as_ref()).remove(0) {
        Location::Found(found) => found.hits[0].span.start,
        Location::AlreadyApplied { .. } => {
            return Err(
                "the article already has the replacement there; nothing to record".to_owned(),
            );
        }
        Location::Failed(f) => return Err(refused(&f, &LineIndex::new(text), alone, 0)),
    };
    others.push(record.clone());
    let last = others.len() - 1;
    let together = outcome::correct_with(text, others, Tolerance::default(), syntax);
    let failure = (together.corrections.iter())
        .find(|c| c.record == last)
        .and_then(|c| c.failure());
    match failure {
        Some(f) => Err(refused(f, &together.original_lines, others, last)),
        None => Ok(together.original_lines.line_col(text, start)),
    }
}

/// `new`'s answer when the record cannot be written as asked: said, exit 1.
fn refuse(stderr: &mut dyn Write, paint: Paint, why: &str) -> Result<u8, Error> {
    let _ = writeln!(stderr, "{}: {why}", paint.error("error"));
    Ok(EXIT_FAILED)
}
