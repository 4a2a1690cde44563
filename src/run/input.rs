//! One input, start to end: read and correct it, render its outputs and its part
//! of the report, then stage or check its files. What is left is small (the
//! report and the staged paths), so a batch of any size holds one input's texts
//! per thread at a time.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::render::{Rendered, render};
use super::{Format, Mode, Options};
use crate::error::Error;
use crate::evidence::Evidence;
use crate::limits::{self, Bounded};
use crate::locate::Tolerance;
use crate::outcome::{self, Outcome};
use crate::output::{self, OutputFile, Session, Staged, Stale};
use crate::project::{self, Job, Output};
use crate::rebase;
use crate::record::{self, Record};
use crate::render::annotations::{self, Annotation};
use crate::render::changelog;
use crate::render::diagnostic::{self, Diagnostic};
use crate::render::diff;
use crate::render::report::{self, Paint};
use crate::text::lines::Indexed;

/// One input after loading and correcting.
pub(super) struct Evaluated {
    pub(super) job: Job,
    pub(super) text: String,
    /// The input's sha256, worked out while it was corrected.
    pub(super) text_sha256: String,
    pub(super) records: Vec<Record>,
    pub(super) outcome: Outcome,
}

impl Evaluated {
    /// The input and its corrected text, each with its line index.
    pub(super) fn texts(&self) -> (Indexed<'_>, Indexed<'_>) {
        let original = self.outcome.original(&self.text);
        let corrected = Indexed {
            text: &self.outcome.corrected,
            lines: &self.outcome.corrected_lines,
        };
        (original, corrected)
    }
}

/// What one input leaves for the end of the run.
pub(super) struct Processed {
    /// The input, as shown.
    pub(super) input: String,
    /// Its part of stdout and of stderr, in order.
    pub(super) stdout: Vec<u8>,
    pub(super) stderr: Vec<u8>,
    /// Whether a record failed.
    pub(super) failed: bool,
    /// Counts for the summary.
    pub(super) summary: outcome::Summary,
    /// Its counts, edits and failures, for the formats printed at the end of
    /// the run (rdjson, SARIF, GitHub annotations, the comment).
    pub(super) annotations: Vec<Annotation>,
    /// How many output files it has.
    pub(super) files: usize,
    /// Its key and its output files, as shown (for orphans).
    pub(super) key: String,
    pub(super) paths: Vec<String>,
    /// Its outputs, staged (write), compared (check), or its rebase plan.
    pub(super) outputs: Outputs,
}

/// What became of one input's outputs.
pub(super) enum Outputs {
    /// Dry run, or a record failed: nothing to do.
    None,
    /// Staged for the commit, or why staging failed.
    Staged(Result<Vec<Staged>, Error>),
    /// `--check`: the files that are stale.
    Stale(Vec<Stale>),
    /// `--rebase`: the record files to rewrite.
    Rebase(rebase::Plan),
}

/// Where one input's part of the report goes: `Direct`ly out, for a run of
/// one input (a dry run's diff of a large input is then never held in
/// memory), or into the input's [`Processed`] buffers, printed in the inputs'
/// order once all are done.
pub(super) enum Report<'w> {
    Direct {
        stdout: &'w mut dyn Write,
        stderr: &'w mut dyn Write,
    },
    Buffered,
}

/// Reads, corrects and renders one input, and stages (or checks) its outputs.
/// An input that cannot be evaluated gives its errors (with the input); the
/// outer error is a failure to write the report.
pub(super) fn process(
    opts: &Options,
    job: Job,
    session: Option<&Session>,
    report: Report<'_>,
) -> io::Result<Result<Processed, super::Unevaluated>> {
    let cwd = opts.layout.cwd.as_path();
    let input = job.input.clone();
    let ev = match evaluate(cwd, job, opts.tolerance) {
        Ok(ev) => ev,
        Err(errors) => return Ok(Err((input, errors))),
    };
    let mut rendered = render(opts, &ev);
    let (mut stdout_buffer, mut stderr_buffer) = (Vec::new(), Vec::new());
    let (stdout, stderr): (&mut dyn Write, &mut dyn Write) = match report {
        Report::Direct { stdout, stderr } => (stdout, stderr),
        Report::Buffered => (&mut stdout_buffer, &mut stderr_buffer),
    };
    report_input(opts, &ev, &rendered, stdout, stderr)?;
    let mut annotations = annotations_of(opts.format, &ev);
    let report_line = std::mem::take(&mut rendered.report_line);
    // A rebase rewrites records, never outputs: none is rendered.
    let files = match opts.mode {
        Mode::Rebase => {
            drop(rendered);
            Vec::new()
        }
        _ => rendered.into_files(&ev),
    };
    let outputs = outputs_of(opts, session, &ev, &files);
    carry_stale(
        opts.format,
        &outputs,
        &report_line,
        &mut annotations,
        stdout,
    )?;
    let outcome = &ev.outcome;
    let processed = Processed {
        input: ev.job.input.clone(),
        stdout: stdout_buffer,
        stderr: stderr_buffer,
        failed: !outcome.succeeded(),
        summary: outcome.summary(),
        annotations,
        files: files.len(),
        key: ev.job.key.clone(),
        paths: files.iter().map(|f| f.path.clone()).collect(),
        outputs,
    };
    // The files borrow the input; they are done with.
    drop(files);
    release(ev);
    Ok(Ok(processed))
}

/// The machine formats carry the stale outputs with the input's edits:
/// `json` on the input's report line (printed here), the documents as
/// failures among its `annotations`.
fn carry_stale(
    format: Format,
    outputs: &Outputs,
    report_line: &str,
    annotations: &mut Vec<Annotation>,
    stdout: &mut dyn Write,
) -> io::Result<()> {
    let stale: Vec<Diagnostic> = match outputs {
        Outputs::Stale(stale) => stale.iter().map(Diagnostic::of_stale).collect(),
        _ => Vec::new(),
    };
    match format {
        Format::Json => {
            let line = diagnostic::with_stale(report_line, &stale);
            writeln!(stdout, "{}", crate::inert::json(&line))?;
        }
        Format::Rdjson | Format::Sarif | Format::Github | Format::Comment => {
            annotations.extend(stale.into_iter().map(Annotation::Failure));
        }
        Format::Text => {}
    }
    Ok(())
}

/// What this run does with the input's output `files`: stage them (write),
/// compare them (`--check`), plan the records' rebase, or nothing.
fn outputs_of(
    opts: &Options,
    session: Option<&Session>,
    ev: &Evaluated,
    files: &[OutputFile<'_>],
) -> Outputs {
    let cwd = opts.layout.cwd.as_path();
    match (opts.mode, session) {
        (Mode::Rebase, _) => Outputs::Rebase(rebase::plan(&ev.text, &ev.records, &ev.outcome)),
        _ if files.is_empty() => Outputs::None,
        (Mode::Write, Some(session)) => Outputs::Staged(session.stage(files)),
        (Mode::Check, _) => {
            let out = &opts.layout.out;
            Outputs::Stale(output::check_files(cwd, out, files, diff::stale_excerpt))
        }
        _ => Outputs::None,
    }
}

/// Gives the input's texts, indexes and records back to the system: for a
/// large input that takes tens of milliseconds, so another thread does it
/// while the run commits.
fn release(ev: Evaluated) {
    if ev.text.len() >= crate::par::LARGE {
        rayon::spawn(move || drop(ev));
    }
}

/// The input's annotations for the formats printed at the end of the run
/// (none for the others): its counts, then each edit and failure.
fn annotations_of(format: Format, ev: &Evaluated) -> Vec<Annotation> {
    if !format.is_document() {
        return Vec::new();
    }
    let outcome = &ev.outcome;
    let article = annotations::Article {
        path: ev.job.input.clone(),
        review: ev
            .job
            .outputs
            .path(Output::Review)
            .unwrap_or_default()
            .to_owned(),
        summary: outcome.summary(),
    };
    let mut all = vec![Annotation::Article(article)];
    let (input, text, records) = (&ev.job.input, &ev.text, &ev.records);
    all.extend(annotations::of_input(input, text, records, outcome));
    all
}

/// One input's part of the report: failures and changes on stderr, the JSON line
/// or the dry-run diff on stdout.
fn report_input(
    opts: &Options,
    ev: &Evaluated,
    rendered: &Rendered<'_>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint {
        enabled: opts.color_stderr,
    };
    let ok = ev.outcome.succeeded();
    if opts.format == Format::Text {
        let tolerant = report::tolerant(&ev.job.input, &ev.text, &ev.records, &ev.outcome, paint);
        stderr.write_all(tolerant.as_bytes())?;
    }
    if !ok {
        stderr.write_all(
            report::failures(&ev.job.input, &ev.text, &ev.records, &ev.outcome, paint).as_bytes(),
        )?;
    }
    if opts.show_changes && ok {
        let changes = report::changes(&ev.job.input, &ev.text, &ev.records, &ev.outcome, paint);
        stderr.write_all(changes.as_bytes())?;
    }
    match opts.format {
        // Written once the outputs are checked (with the stale ones).
        Format::Json => {}
        // Printed by `run` at the end, gathered from every input.
        Format::Rdjson | Format::Sarif | Format::Github | Format::Comment => {}
        Format::Text if opts.mode == Mode::DryRun && ok => {
            let original = ev.outcome.original(&ev.text);
            let written = rendered.written(ev);
            let shown = match (opts.word_diff, &rendered.diff) {
                (true, _) => Cow::Owned(diff::word_diff_changes(
                    &ev.job.input,
                    original,
                    written,
                    &rendered.changes,
                )),
                (false, Some(diff)) => Cow::Borrowed(diff.as_str()),
                // Uncoloured: written as it is rendered.
                (false, None) => {
                    let changes = &rendered.changes;
                    return diff::write_unified_changes(
                        stdout,
                        &ev.job.input,
                        original,
                        written,
                        changes,
                    );
                }
            };
            stdout.write_all(report::colored_diff(&shown, opts.stdout_paint()).as_bytes())?;
        }
        Format::Text => {}
    }
    Ok(())
}

/// Reads the input and its records, then corrects it. Every problem is returned.
fn evaluate(cwd: &Path, job: Job, tolerance: Tolerance) -> Result<Evaluated, Vec<Error>> {
    let (text, records, errors) = read_inputs(cwd, &job);
    match text {
        Some(text) if errors.is_empty() => {
            let evidence = committed_changelog(cwd, &job);
            // A large article is hashed while it is corrected.
            let (outcome, text_sha256) = crate::par::join(
                text.len() >= crate::par::LARGE,
                || {
                    outcome::correct_with_evidence(
                        &text,
                        &records,
                        tolerance,
                        job.syntax,
                        evidence.as_ref(),
                    )
                },
                || changelog::sha256_hex(text.as_bytes()),
            );
            Ok(Evaluated {
                job,
                text,
                text_sha256,
                records,
                outcome,
            })
        }
        _ => Err(errors),
    }
}

/// The article of `job` (unless it cannot be read), its records and what
/// stops it from being corrected: the article's or a record file's errors,
/// too many records, an id given twice.
fn read_inputs(cwd: &Path, job: &Job) -> (Option<String>, Vec<Record>, Vec<Error>) {
    let read_text = || project::read_article(cwd, &job.input);
    let read_records = || {
        let (mut records, mut errors) = (Vec::new(), Vec::new());
        for file in &job.record_files {
            match record::read_file(cwd, file) {
                Ok(mut rs) => records.append(&mut rs),
                Err(mut problems) => errors.append(&mut problems),
            }
        }
        records.extend(job.shared.iter().cloned());
        (records, errors)
    };
    // A large article is read while its records are parsed.
    let large = std::fs::symlink_metadata(cwd.join(&job.input))
        .is_ok_and(|m| m.is_file() && m.len() >= crate::par::LARGE as u64);
    let (text, (records, mut errors)) = crate::par::join(large, read_text, read_records);
    let text = match text {
        Ok(text) => Some(text),
        Err(e) => {
            errors.insert(0, e);
            None
        }
    };
    if records.len() > limits::MAX_RECORDS {
        errors.push(Error::TooManyRecords {
            input: job.input.clone(),
            count: records.len(),
            limit: limits::MAX_RECORDS,
        });
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for r in &records {
        if let Some(first) = seen.insert(&r.id, &r.file) {
            errors.push(Error::DuplicateId {
                id: r.id.clone(),
                first: first.to_owned(),
                second: r.file.clone(),
            });
        }
    }
    (text, records, errors)
}

/// The evidence of the committed changelog of `job`, read (as any project
/// file is, never through a link) only if a record asks; anything but a
/// changelog is no evidence.
fn committed_changelog(cwd: &Path, job: &Job) -> Option<Evidence> {
    let (cwd, path) = (
        cwd.to_path_buf(),
        PathBuf::from(job.outputs.path(Output::Changelog)?),
    );
    Some(Evidence::lazy(move || {
        match crate::confine::read(&cwd, &path, limits::MAX_RECORD_FILE_BYTES) {
            Ok(Bounded::Read(bytes)) => Some(bytes),
            _ => None,
        }
    }))
}

/// The command that writes these outputs again: `correct`, the inputs and the
/// flags that shape the outputs.
pub(super) fn regenerate_command(opts: &Options, inputs: &[&str]) -> String {
    let layout = &opts.layout;
    let mut command = String::from("correct");
    for input in inputs {
        command.push(' ');
        command.push_str(input);
    }
    // Options that change outputs come from correct.toml, which every run
    // reads: the command needs none of them (and so is the same whatever
    // flags the writer typed, as `--check` requires).
    if let Some(path) = &layout.corrections {
        command.push_str(&format!(
            " --corrections {}",
            project::display(&layout.cwd, path)
        ));
    }
    let out = project::display(&layout.cwd, &layout.out);
    if out != "output" {
        command.push_str(&format!(" --out {out}"));
    }
    command
}
