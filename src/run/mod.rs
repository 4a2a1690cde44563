//! One run of `correct`, start to end: plan -> load -> correct -> render -> write
//! (or check, or print). Reports go to the writers given; nothing here prints.

use std::io::{self, Write};

use rayon::prelude::*;

use crate::error::{EXIT_ERROR, EXIT_FAILED, EXIT_OK, Error};
use crate::locate::Tolerance;
use crate::output::Session;
use crate::project::{self, Job, Layout};
use crate::rebase;
pub use crate::render::Format;
use crate::render::annotations::Annotation;
use crate::render::diagnostic::{self, Diagnostic};
use crate::render::diff;
use crate::render::report::{self, Paint};

mod finish;
mod input;
mod render;

use finish::finish;
use input::{Outputs, Processed};

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
    /// The project configuration read, as shown (`correct.toml`).
    pub config: Option<String>,
    /// `--link-base`: put before review-page paths to link them (`--format comment`).
    pub link_base: Option<String>,
    /// Flags given that change outputs but are not in the configuration, with
    /// the configuration line that would say the same.
    pub unconfigured: Vec<(&'static str, String)>,
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

/// Failures that belong to no input's own report (run errors, inputs that
/// could not be evaluated, orphaned outputs), gathered for the machine
/// formats, which print them with the rest.
#[derive(Default)]
struct Unreported {
    /// The document formats' annotations of the whole run.
    document: Vec<Annotation>,
    /// Outputs stale on their own (orphans, an interrupted run).
    stale: Vec<Diagnostic>,
}

impl Unreported {
    /// Reports run errors: on stderr as text, and in the machine format;
    /// `input` is the input they stopped, if any.
    fn errors(
        &mut self,
        opts: &Options,
        input: Option<&str>,
        errors: &[Error],
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) -> io::Result<()> {
        let paint = opts.stderr_paint();
        for e in errors {
            writeln!(stderr, "{}: {e}", paint.error("error"))?;
        }
        let diagnostics: Vec<Diagnostic> = errors
            .iter()
            .map(|e| Diagnostic::of_error(e, input))
            .collect();
        match opts.format {
            Format::Json if !diagnostics.is_empty() => {
                let line = diagnostic::json_line(input, &diagnostics, &[]);
                writeln!(stdout, "{}", crate::inert::json(&line))?;
            }
            Format::Rdjson | Format::Sarif | Format::Github | Format::Comment => self
                .document
                .extend(diagnostics.into_iter().map(Annotation::Failure)),
            _ => {}
        }
        Ok(())
    }

    /// Prints what is left at the end of the run: the stale outputs of no
    /// input, and the document (rdjson, SARIF).
    fn finish(self, opts: &Options, stdout: &mut dyn Write) -> io::Result<()> {
        match opts.format {
            Format::Json if !self.stale.is_empty() => {
                let line = diagnostic::json_line(None, &[], &self.stale);
                writeln!(stdout, "{}", crate::inert::json(&line))?;
            }
            Format::Rdjson | Format::Sarif | Format::Github | Format::Comment => {
                let mut all = self.document;
                all.extend(self.stale.into_iter().map(Annotation::Failure));
                let link_base = opts.link_base.as_deref();
                opts.format
                    .write_document("correct", &all, link_base, stdout)?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Runs `correct` and returns the exit code.
pub fn run(opts: &Options, stdout: &mut dyn Write, stderr: &mut dyn Write) -> io::Result<u8> {
    let mut unreported = Unreported::default();
    let code = run_reporting(opts, stdout, stderr, &mut unreported)?;
    unreported.finish(opts, stdout)?;
    Ok(code)
}

fn run_reporting(
    opts: &Options,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    unreported: &mut Unreported,
) -> io::Result<u8> {
    let paint = opts.stderr_paint();
    let (mut plan, session) = match plan_and_open(opts, stderr)? {
        Ok(started) => started,
        Err(e) => {
            unreported.errors(opts, None, &[e], stdout, stderr)?;
            return Ok(EXIT_ERROR);
        }
    };
    let jobs = std::mem::take(&mut plan.jobs);
    let plan_errors = std::mem::take(&mut plan.errors);
    let failed_plan = !plan_errors.is_empty();
    unreported.errors(opts, None, &plan_errors, stdout, stderr)?;
    let (mut processed, unevaluated) = process_all(opts, jobs, session.as_ref(), stdout, stderr)?;
    for (input, errors) in &unevaluated {
        unreported.errors(opts, Some(input), errors, stdout, stderr)?;
    }
    if processed.is_empty() && unevaluated.is_empty() && !failed_plan {
        writeln!(stderr, "note: nothing to correct: no input has records")?;
    }
    let code = match unevaluated.is_empty() && !failed_plan {
        true => EXIT_OK,
        false => EXIT_ERROR,
    };
    let code = code.max(print_reports(&mut processed, unreported, stdout, stderr)?);
    write_summary(&processed, paint, stderr)?;
    if code == EXIT_OK && opts.mode == Mode::Rebase {
        return rebase_all(opts, processed, stdout, stderr, paint);
    }
    if code != EXIT_OK {
        if !processed.is_empty() && matches!(opts.mode, Mode::Write | Mode::Rebase) {
            writeln!(
                stderr,
                "nothing written: fix the problems above and run again"
            )?;
        }
        // Dropping what was staged deletes it, and the session the folders it made.
        return Ok(code);
    }
    finish(
        opts,
        processed,
        session.as_ref(),
        unreported,
        stdout,
        stderr,
    )
}

/// The run's plan (its notes printed, and when writing, a warning for the
/// flags the configuration lacks) and the session its outputs are staged
/// in; the error that stops the run before any input is read.
fn plan_and_open(
    opts: &Options,
    stderr: &mut dyn Write,
) -> io::Result<Result<(project::Plan, Option<Session>), Error>> {
    let plan = match project::plan(&opts.layout) {
        Ok(plan) => plan,
        Err(e) => return Ok(Err(e)),
    };
    for note in &plan.notes {
        writeln!(stderr, "note: {note}")?;
    }
    if opts.mode == Mode::Write {
        warn_unconfigured(opts, stderr)?;
    }
    Ok(open_session(opts, &plan, stderr)?.map(|session| (plan, session)))
}

/// Prints each input's part of the report, in the inputs' order, and keeps
/// its annotations for the end of the run: `EXIT_FAILED` if a record failed.
fn print_reports(
    processed: &mut [Processed],
    unreported: &mut Unreported,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> io::Result<u8> {
    let mut code = EXIT_OK;
    for p in processed {
        if p.failed {
            code = EXIT_FAILED;
        }
        stderr.write_all(&p.stderr)?;
        stdout.write_all(&p.stdout)?;
        unreported.document.append(&mut p.annotations);
    }
    Ok(code)
}

/// Warns of each flag given that changes the outputs but is not in the
/// configuration: a plain `--check` would not expect what this run writes.
fn warn_unconfigured(opts: &Options, stderr: &mut dyn Write) -> io::Result<()> {
    let file = opts.config.as_deref().unwrap_or(crate::config::FILE);
    for (flag, line) in &opts.unconfigured {
        writeln!(
            stderr,
            "{}: {flag} changes the outputs but is not in {file}, so a plain `correct --check` will not expect what it writes; add `{line}` to {file}",
            opts.stderr_paint().warn("warning")
        )?;
    }
    Ok(())
}

/// A write locks the project and finishes an interrupted run first (and
/// says so); other modes write nothing and open no session. The outer error
/// is a failure to write the report.
fn open_session(
    opts: &Options,
    plan: &project::Plan,
    stderr: &mut dyn Write,
) -> io::Result<Result<Option<Session>, Error>> {
    if opts.mode != Mode::Write {
        return Ok(Ok(None));
    }
    let targets: Vec<&str> = plan.jobs.iter().flat_map(|j| j.outputs.all()).collect();
    let (session, moved) = match Session::open(&opts.layout.cwd, &opts.layout.out, &targets) {
        Ok(opened) => opened,
        Err(e) => return Ok(Err(e)),
    };
    if moved > 0 {
        writeln!(
            stderr,
            "note: finished an interrupted run: moved {moved} staged outputs into place"
        )?;
    }
    Ok(Ok(Some(session)))
}

/// An input that could not be evaluated, and why.
type Unevaluated = (String, Vec<Error>);

/// Processes every input, on every core (they are independent); the results
/// keep the inputs' order. One input reports straight to `stdout` and
/// `stderr`; several buffer their reports, printed in order by the caller.
fn process_all(
    opts: &Options,
    jobs: Vec<Job>,
    session: Option<&Session>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> io::Result<(Vec<Processed>, Vec<Unevaluated>)> {
    let progress = Progress::new(opts.progress, jobs.len());
    let results: Vec<_> = match <[Job; 1]>::try_from(jobs) {
        // One article: no thread pool to start (it would cost more than it saves).
        Ok([job]) => vec![input::process(
            opts,
            job,
            session,
            input::Report::Direct { stdout, stderr },
        )?],
        Err(jobs) => jobs
            .into_par_iter()
            .map(|job| {
                let result = input::process(opts, job, session, input::Report::Buffered);
                progress.step();
                result.expect("writing to memory cannot fail")
            })
            .collect(),
    };
    progress.done();
    let (mut processed, mut errors) = (Vec::new(), Vec::new());
    for result in results {
        match result {
            Ok(p) => processed.push(p),
            Err(e) => errors.push(e),
        }
    }
    Ok((processed, errors))
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
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} inputs ({eta} left)")
            {
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

/// A line per input, or a table for a large batch.
fn write_summary(processed: &[Processed], paint: Paint, stderr: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<report::Row<'_>> = processed
        .iter()
        .map(|p| report::Row {
            input: &p.input,
            records: p.summary.records,
            applied: p.summary.applied,
            already: p.summary.already_applied,
            failed: p.summary.failed,
            edits: p.summary.edits,
        })
        .collect();
    if rows.len() <= LISTED_FILES {
        for row in &rows {
            writeln!(stderr, "{}", report::summary(row, paint))?;
        }
        return Ok(());
    }
    stderr.write_all(report::table(&rows, LISTED_FILES, paint).as_bytes())
}

/// `--rebase`: rewrites the records that matched tolerantly, file by file (each
/// atomically), and prints a diff of each file on stdout.
fn rebase_all(
    opts: &Options,
    processed: Vec<Processed>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    paint: Paint,
) -> io::Result<u8> {
    let cwd = &opts.layout.cwd;
    let mut code = EXIT_OK;
    let mut rewritten = 0;
    for p in processed {
        let Outputs::Rebase(plan) = p.outputs else {
            continue;
        };
        for note in &plan.skipped {
            writeln!(
                stderr,
                "{}: {}: not rebased: {note}",
                paint.warn("warning"),
                p.input
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
