//! One run of `correct`, start to end: plan -> load -> correct -> render -> write
//! (or check, or print). Reports go to the writers given; nothing here prints.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::error::{EXIT_ERROR, EXIT_FAILED, EXIT_OK, Error};
use crate::limits::{self, Bounded};
use crate::lines::{Indexed, LineIndex};
use crate::locate::Tolerance;
use crate::outcome::{self, Outcome, Status};
use crate::output::{self, OutputFile, Stale};
use crate::project::{self, Job, Layout};
use crate::rebase;
use crate::record::{self, Record};
use crate::render::changelog::{self, Written};
use crate::render::report::{self, Paint};
use crate::render::{annotations, diff, notice, review};

/// Above this many inputs or files, the report gives totals instead of lists.
const LISTED_FILES: usize = 20;

/// What to do with the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write them (all or nothing).
    Write,
    /// Write nothing; compare them with the disk.
    Check,
    /// Write nothing; print the diffs.
    DryRun,
    /// Rewrite records that matched only tolerantly; write no output.
    Rebase,
}

/// The report on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: diagnostics and summary on stderr.
    Text,
    /// One changelog object per input, one per line.
    Json,
    /// One reviewdog rdjson document for the run.
    Rdjson,
    /// GitHub Actions annotations.
    Github,
}

/// Validated options for one run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs, records and output folder.
    pub layout: Layout,
    /// Write, check or dry run.
    pub mode: Mode,
    /// Report format.
    pub format: Format,
    /// Colour on stdout.
    pub color_stdout: bool,
    /// Colour on stderr.
    pub color_stderr: bool,
    /// Show each change as a word-level diff with its id and reason on stderr.
    pub show_changes: bool,
    /// With `--dry-run`: print git's plain word diff instead of the unified diff.
    pub word_diff: bool,
    /// Add a "Corrections" section with the records' notices to the corrected article.
    pub append_notice: bool,
    /// Which matcher tiers may run, and the fuzzy bound.
    pub tolerance: Tolerance,
    /// Show a progress bar on stderr for batches over a second.
    pub progress: bool,
}

impl Options {
    /// How to colour what goes to stdout.
    fn stdout_paint(&self) -> Paint {
        Paint {
            enabled: self.color_stdout,
        }
    }

    /// How to colour what goes to stderr.
    pub fn stderr_paint(&self) -> Paint {
        Paint {
            enabled: self.color_stderr,
        }
    }
}

/// One input after loading and correcting.
struct Evaluated {
    job: Job,
    text: String,
    records: Vec<Record>,
    outcome: Outcome,
}

/// Runs `correct` and returns the exit code.
pub fn run(opts: &Options, stdout: &mut dyn Write, stderr: &mut dyn Write) -> io::Result<u8> {
    let paint = Paint {
        enabled: opts.color_stderr,
    };
    let plan = match project::plan(&opts.layout) {
        Ok(plan) => plan,
        Err(e) => {
            writeln!(stderr, "{}: {e}", paint.error("error"))?;
            return Ok(EXIT_ERROR);
        }
    };
    for note in &plan.notes {
        writeln!(stderr, "note: {note}")?;
    }
    if opts.mode == Mode::Write {
        match output::recover(&opts.layout.cwd, &opts.layout.out) {
            Ok(0) => {}
            Ok(moved) => writeln!(
                stderr,
                "note: finished an interrupted run: moved {moved} staged outputs into place"
            )?,
            Err(e) => {
                writeln!(stderr, "{}: {e}", paint.error("error"))?;
                return Ok(EXIT_ERROR);
            }
        }
    }
    let (evaluated, errors) = evaluate_all(opts, plan);
    for e in &errors {
        writeln!(stderr, "{}: {e}", paint.error("error"))?;
    }
    if evaluated.is_empty() && errors.is_empty() {
        writeln!(stderr, "note: nothing to correct: no input has records")?;
    }
    let mut code = if errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_ERROR
    };

    let rendered: Vec<Rendered<'_>> = match evaluated.len() {
        // One article: no thread pool to start (it would cost more than it saves).
        0 | 1 => evaluated.iter().map(|ev| render(opts, ev)).collect(),
        _ => evaluated.par_iter().map(|ev| render(opts, ev)).collect(),
    };
    let mut files = Vec::new();
    for (ev, rendered) in evaluated.iter().zip(rendered) {
        if !ev.outcome.succeeded() {
            code = code.max(EXIT_FAILED);
        }
        report_input(opts, ev, &rendered, stdout, stderr)?;
        files.extend(rendered.into_files(ev));
    }
    if opts.format == Format::Rdjson {
        let diagnostics = evaluated
            .iter()
            .flat_map(|ev| {
                annotations::rdjson_diagnostics(&ev.job.input, &ev.text, &ev.records, &ev.outcome)
            })
            .collect();
        stdout.write_all(annotations::rdjson(diagnostics).as_bytes())?;
    }
    write_summary(&evaluated, paint, stderr)?;
    if code == EXIT_OK && opts.mode == Mode::Rebase {
        return rebase_all(opts, &evaluated, stdout, stderr, paint);
    }
    if code != EXIT_OK {
        if !evaluated.is_empty() && matches!(opts.mode, Mode::Write | Mode::Rebase) {
            writeln!(
                stderr,
                "nothing written: fix the problems above and run again"
            )?;
        }
        return Ok(code);
    }
    finish(opts, &files, paint, stderr)
}

/// Reads, checks and corrects every input, on every core (they are independent).
fn evaluate_all(opts: &Options, plan: project::Plan) -> (Vec<Evaluated>, Vec<Error>) {
    let (cwd, tolerance) = (opts.layout.cwd.as_path(), opts.tolerance);
    let mut errors = plan.errors;
    let progress = Progress::new(opts.progress, plan.jobs.len());
    let one = |job| {
        let result = evaluate(cwd, job, tolerance);
        progress.step();
        result
    };
    let results: Vec<_> = match plan.jobs.len() {
        0 | 1 => plan.jobs.into_iter().map(one).collect(),
        _ => plan.jobs.into_par_iter().map(one).collect(),
    };
    progress.done();
    let mut evaluated = Vec::new();
    for result in results {
        match result {
            Ok(ev) => evaluated.push(ev),
            Err(mut e) => errors.append(&mut e),
        }
    }
    (evaluated, errors)
}

/// A progress bar on stderr for a batch that takes more than a second: hidden
/// until then, and never drawn when stderr is not a terminal.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn new(enabled: bool, inputs: usize) -> Progress {
        let bar = (enabled && inputs > 1).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(inputs as u64),
                indicatif::ProgressDrawTarget::hidden(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} inputs ({per_sec}, {eta} left)",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            started: std::time::Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn step(&self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        let late = self.started.elapsed() > std::time::Duration::from_secs(1);
        if late && !self.shown.swap(true, std::sync::atomic::Ordering::Relaxed) {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
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
            report::failures(&ev.job.input, &ev.records, &ev.outcome, paint).as_bytes(),
        )?;
    }
    if opts.show_changes && ok {
        let changes = report::changes(&ev.job.input, &ev.text, &ev.records, &ev.outcome, paint);
        stderr.write_all(changes.as_bytes())?;
    }
    match opts.format {
        Format::Json => writeln!(stdout, "{}", rendered.report_line)?,
        Format::Github => stdout.write_all(rendered.report_line.as_bytes())?,
        // One document for the run, printed by `run`.
        Format::Rdjson => {}
        Format::Text if opts.mode == Mode::DryRun && ok => {
            let original = Indexed {
                text: &ev.text,
                lines: &ev.outcome.original_lines,
            };
            let shown = match opts.word_diff {
                true => Cow::Owned(diff::word_diff_changes(
                    &ev.job.input,
                    original,
                    rendered.written(ev),
                    &rendered.changes,
                )),
                false => Cow::Borrowed(rendered.diff.as_str()),
            };
            stdout.write_all(report::colored_diff(&shown, opts.stdout_paint()).as_bytes())?;
        }
        Format::Text => {}
    }
    Ok(())
}

/// A line per input, or a table for a large batch.
fn write_summary(evaluated: &[Evaluated], paint: Paint, stderr: &mut dyn Write) -> io::Result<()> {
    if evaluated.len() <= LISTED_FILES {
        for ev in evaluated {
            writeln!(
                stderr,
                "{}",
                report::summary(&ev.job.input, ev.records.len(), &ev.outcome, paint)
            )?;
        }
        return Ok(());
    }
    stderr.write_all(report::table(&summary_rows(evaluated), LISTED_FILES, paint).as_bytes())
}

/// One row per input for the batch table.
fn summary_rows(evaluated: &[Evaluated]) -> Vec<report::Row<'_>> {
    evaluated
        .iter()
        .map(|ev| report::Row {
            input: &ev.job.input,
            records: ev.records.len(),
            applied: ev.outcome.count(Status::Applied),
            already: ev.outcome.count(Status::AlreadyApplied),
            failed: ev.outcome.count(Status::Failed),
            edits: ev.outcome.edit_count(),
        })
        .collect()
}

/// `--rebase`: rewrites the records that matched tolerantly, file by file (each
/// atomically), and prints a diff of each file on stdout.
fn rebase_all(
    opts: &Options,
    evaluated: &[Evaluated],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    paint: Paint,
) -> io::Result<u8> {
    let cwd = &opts.layout.cwd;
    let mut code = EXIT_OK;
    let mut rewritten = 0;
    for ev in evaluated {
        let plan = rebase::plan(&ev.text, &ev.records, &ev.outcome);
        for note in &plan.skipped {
            writeln!(
                stderr,
                "{}: {}: not rebased: {note}",
                paint.warn("warning"),
                ev.job.input
            )?;
        }
        for rewrite in &plan.rewrites {
            match rebase::write(cwd, rewrite) {
                Ok((old, new)) => {
                    rewritten += 1;
                    let shown = diff::unified(&rewrite.file, &old, &new);
                    stdout
                        .write_all(report::colored_diff(&shown, opts.stdout_paint()).as_bytes())?;
                    let ids: Vec<String> = rewrite.ids.iter().map(|id| format!("`{id}`")).collect();
                    writeln!(stderr, "rebased {}: {}", rewrite.file, ids.join(", "))?;
                }
                Err(e) => {
                    writeln!(stderr, "{}: {e}", paint.error("error"))?;
                    code = EXIT_ERROR;
                }
            }
        }
    }
    match rewritten {
        0 => writeln!(stderr, "nothing to rebase: every record matches exactly")?,
        _ => writeln!(
            stderr,
            "{} run `correct` to regenerate the outputs from the rebased records",
            paint.help("help:")
        )?,
    }
    Ok(code)
}

/// Writes the outputs, checks them, or (dry run) leaves them.
fn finish(
    opts: &Options,
    files: &[OutputFile<'_>],
    paint: Paint,
    stderr: &mut dyn Write,
) -> io::Result<u8> {
    let cwd = &opts.layout.cwd;
    match opts.mode {
        Mode::DryRun => writeln!(stderr, "dry run: nothing written")?,
        Mode::Rebase => unreachable!("a rebase ends before the outputs"),
        Mode::Write => match output::write_all(cwd, &opts.layout.out, files) {
            Ok(written) if written.is_empty() => writeln!(stderr, "outputs already current")?,
            Ok(written) if written.len() > LISTED_FILES => {
                let out = project::display(cwd, &opts.layout.out);
                writeln!(stderr, "wrote {} files under {out}", written.len())?
            }
            Ok(written) => writeln!(stderr, "wrote {}", written.join(", "))?,
            Err(e) => {
                writeln!(stderr, "{}: {e}", paint.error("error"))?;
                return Ok(EXIT_ERROR);
            }
        },
        Mode::Check => {
            let stale = output::check(cwd, &opts.layout.out, files);
            if stale.is_empty() {
                writeln!(
                    stderr,
                    "outputs are current ({} files checked)",
                    files.len()
                )?;
                return Ok(EXIT_OK);
            }
            for s in &stale {
                match s {
                    Stale::Interrupted(journal) => writeln!(
                        stderr,
                        "{}: {journal}: a run was stopped while replacing the outputs; run `correct` to finish it",
                        paint.warn("stale")
                    )?,
                    Stale::Missing(path) => {
                        writeln!(stderr, "{}: {path} is missing", paint.warn("stale"))?
                    }
                    Stale::Differs(path, diff) => {
                        writeln!(
                            stderr,
                            "{}: {path} differs from what the records produce:",
                            paint.warn("stale")
                        )?;
                        stderr.write_all(report::colored_diff(diff, paint).as_bytes())?;
                    }
                }
            }
            let inputs: Vec<String> = opts
                .layout
                .inputs
                .iter()
                .map(|i| project::display(cwd, i))
                .collect();
            let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
            let again = regenerate_command(opts, &inputs);
            writeln!(
                stderr,
                "{} run `{again}` and commit the outputs",
                paint.help("help:")
            )?;
            return Ok(EXIT_FAILED);
        }
    }
    Ok(EXIT_OK)
}

/// Reads the input and its records, then corrects it. Every problem is returned.
fn evaluate(cwd: &Path, job: Job, tolerance: Tolerance) -> Result<Evaluated, Vec<Error>> {
    let mut errors = Vec::new();
    let too_large = |path: &String, size, limit, what, help| Error::TooLarge {
        path: path.clone(),
        size: limits::size(size),
        limit: limits::size(limit),
        what,
        help,
    };
    let text = match limits::read(&cwd.join(&job.input), limits::MAX_INPUT_BYTES) {
        Ok(Bounded::Read(bytes)) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                errors.push(Error::NotUtf8 {
                    path: job.input.clone(),
                    offset,
                });
                None
            }
        },
        Ok(Bounded::TooLarge(size)) => {
            errors.push(too_large(
                &job.input,
                size,
                limits::MAX_INPUT_BYTES,
                "an article",
                "split it into several inputs",
            ));
            None
        }
        Err(source) => {
            errors.push(Error::Read {
                path: job.input.clone(),
                source,
            });
            None
        }
    };
    let mut records = Vec::new();
    for file in &job.record_files {
        match limits::read(&cwd.join(file), limits::MAX_RECORD_FILE_BYTES) {
            Ok(Bounded::Read(bytes)) => match record::parse_file(file, &bytes) {
                Ok(mut rs) => records.append(&mut rs),
                Err(problems) => errors.extend(problems.into_iter().map(Error::Record)),
            },
            Ok(Bounded::TooLarge(size)) => errors.push(too_large(
                file,
                size,
                limits::MAX_RECORD_FILE_BYTES,
                "a record file",
                "split its records over several files in the article's corrections folder",
            )),
            Err(source) => errors.push(Error::Read {
                path: file.clone(),
                source,
            }),
        }
    }
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
    match text {
        Some(text) if errors.is_empty() => {
            let outcome = outcome::correct_with(&text, &records, tolerance);
            Ok(Evaluated {
                job,
                text,
                records,
                outcome,
            })
        }
        _ => Err(errors),
    }
}

/// Everything rendered for one input; borrows the evaluated input.
struct Rendered<'e> {
    /// The corrected article as written (with any appended notice).
    text: Cow<'e, str>,
    /// Line index of `text`, when it differs from the outcome's corrected text.
    text_lines: Option<LineIndex>,
    /// What differs between the input and `text`.
    changes: Vec<diff::Change>,
    diff: String,
    report_line: String,
    /// The changelog, review page and notice, when the outputs may be written.
    pages: Option<Pages>,
}

struct Pages {
    changelog: String,
    review: String,
    notice: Option<String>,
}

impl<'e> Rendered<'e> {
    /// The written text with its line index.
    fn written(&'e self, ev: &'e Evaluated) -> Indexed<'e> {
        let lines = self
            .text_lines
            .as_ref()
            .unwrap_or(&ev.outcome.corrected_lines);
        Indexed {
            text: &self.text,
            lines,
        }
    }

    /// The output files, or none when a record failed.
    fn into_files(self, ev: &Evaluated) -> Vec<OutputFile<'e>> {
        let Some(pages) = self.pages else {
            return Vec::new();
        };
        let outputs = &ev.job.outputs;
        let mut files = vec![
            OutputFile {
                path: outputs.corrected.clone(),
                contents: self.text,
            },
            OutputFile {
                path: outputs.diff.clone(),
                contents: Cow::Owned(self.diff),
            },
            OutputFile {
                path: outputs.changelog.clone(),
                contents: Cow::Owned(pages.changelog),
            },
            OutputFile {
                path: outputs.review.clone(),
                contents: Cow::Owned(pages.review),
            },
        ];
        if let Some(notice) = pages.notice {
            files.push(OutputFile {
                path: outputs.notice.clone(),
                contents: Cow::Owned(notice),
            });
        }
        files
    }
}

fn render<'e>(opts: &Options, ev: &'e Evaluated) -> Rendered<'e> {
    let outputs = &ev.job.outputs;
    let notices = notice::notices(&ev.records, &ev.outcome);
    let appended = match opts.append_notice && !notices.is_empty() {
        true => notice::section(&ev.outcome.corrected, &notices, ev.job.markdown),
        false => String::new(),
    };
    let (text, text_lines) = if appended.is_empty() {
        (Cow::Borrowed(ev.outcome.corrected.as_str()), None)
    } else {
        let text = format!("{}{appended}", ev.outcome.corrected);
        let lines = LineIndex::new(&text);
        (Cow::Owned(text), Some(lines))
    };
    let ok = ev.outcome.succeeded();
    let written = ok.then_some(Written {
        output: &outputs.corrected,
        text: &text,
        diff: &outputs.diff,
    });
    let log = changelog::build(&ev.job.input, &ev.text, written, &ev.records, &ev.outcome);
    let report_line = match opts.format {
        Format::Json => changelog::to_line(&log),
        Format::Github => annotations::github(&ev.job.input, &ev.records, &ev.outcome),
        Format::Text | Format::Rdjson => String::new(),
    };
    let mut rendered = Rendered {
        text,
        text_lines,
        changes: Vec::new(),
        diff: String::new(),
        report_line,
        pages: None,
    };
    let Some(output) = &log.output else {
        return rendered;
    };
    rendered.changes = changes_of(ev, &rendered.text);
    let original = Indexed {
        text: &ev.text,
        lines: &ev.outcome.original_lines,
    };
    rendered.diff = diff::unified_changes(
        &ev.job.input,
        original,
        rendered.written(ev),
        &rendered.changes,
    );
    let regenerate = regenerate_command(opts, &[&ev.job.input]);
    let header = review::Header {
        input: &ev.job.input,
        input_sha256: &log.input.sha256,
        output: &outputs.corrected,
        output_sha256: &output.sha256,
        regenerate: &regenerate,
        markdown: ev.job.markdown,
        appended: &appended,
    };
    rendered.pages = Some(Pages {
        changelog: changelog::to_file_text(&log),
        review: review::render(header, &ev.text, &ev.records, &ev.outcome),
        notice: notice::page(&notices),
    });
    rendered
}

/// Every replaced span of the input and its place in the written text, in order:
/// the edits, and the appended notice if there is one.
fn changes_of(ev: &Evaluated, written: &str) -> Vec<diff::Change> {
    let mut changes = diff::edits_of(&ev.outcome);
    let (old_end, new_end) = (ev.text.len(), ev.outcome.corrected.len());
    if written.len() > new_end {
        changes.push(diff::Change {
            old: old_end..old_end,
            new: new_end..written.len(),
        });
    }
    changes
}

/// The command that writes these outputs again: `correct`, the inputs and the
/// flags that shape the outputs.
fn regenerate_command(opts: &Options, inputs: &[&str]) -> String {
    let layout = &opts.layout;
    let mut command = String::from("correct");
    for input in inputs {
        command.push(' ');
        command.push_str(input);
    }
    if opts.append_notice {
        command.push_str(" --append-notice");
    }
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
