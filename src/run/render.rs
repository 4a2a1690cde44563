//! One evaluated input's outputs rendered: the corrected text as written
//! (with any notice appended), the diff, and what each output's renderer
//! reads (the changelog, the review page, the HTML pages), each taken by the
//! one output that needs it.

use std::borrow::Cow;

use std::io::Write;

use super::input::Evaluated;
use super::input::regenerate_command;
use super::{Format, Mode, Options};
use crate::output::{Contents, OutputFile};
use crate::project::Output;
use crate::render::changelog::{self, Written};
use crate::render::{diff, html, jsonld, notice, review, wdiff};
use crate::text::lines::{Indexed, LineIndex};

/// Everything rendered for one input; borrows the evaluated input.
pub(super) struct Rendered<'e> {
    /// The corrected article as written (with any appended notice), until
    /// its file takes it.
    text: Cow<'e, str>,
    /// Line index of `text`, when it differs from the outcome's corrected text.
    text_lines: Option<LineIndex>,
    /// What differs between the input and `text`.
    pub(super) changes: Vec<diff::Change>,
    /// The diff, when it is rendered into memory: for `--dry-run`'s stdout,
    /// and when the written text is not the outcome's (a notice appended).
    /// Otherwise it streams into its file from `changes`.
    pub(super) diff: Option<String>,
    pub(super) report_line: String,
    /// What the outputs' renderers read, when the outputs may be written.
    pages: Option<Pages<'e>>,
}

/// What one input's output renderers read beyond the outcome: each part is
/// taken by the one output that needs it ([`Pages::contents`]).
struct Pages<'e> {
    ev: &'e Evaluated,
    /// The corrected text as written, and the diff (rendered first: the
    /// report shows them too).
    text: Option<Contents<'e>>,
    diff: Option<Contents<'e>>,
    /// The changelog, serialised as its file is written.
    log: Option<crate::wire::Changelog<'e>>,
    /// The review page: streamed to its file (it is as large as the
    /// article), or whole when `--html` makes a page of it too.
    review: Option<Contents<'e>>,
    review_html: Option<String>,
    /// With `--html`: the corrected article as a page.
    page: Option<String>,
    /// What was appended to the corrected text (the notice section).
    appended: String,
    notices: Vec<&'e str>,
}

impl<'e> Rendered<'e> {
    /// The written text with its line index.
    pub(super) fn written(&'e self, ev: &'e Evaluated) -> Indexed<'e> {
        let lines = self
            .text_lines
            .as_ref()
            .unwrap_or(&ev.outcome.corrected_lines);
        Indexed {
            text: &self.text,
            lines,
        }
    }

    /// The output files, in the order of the input's outputs, or none when a
    /// record failed.
    pub(super) fn into_files(self, ev: &'e Evaluated) -> Vec<OutputFile<'e>> {
        let Some(mut pages) = self.pages else {
            return Vec::new();
        };
        let diff = match self.diff {
            Some(diff) => diff.into(),
            None => {
                let changes = self.changes;
                Contents::Streamed(Box::new(move |out| {
                    let (original, corrected) = ev.texts();
                    diff::write_unified_changes(out, &ev.job.input, original, corrected, &changes)
                }))
            }
        };
        pages.text = Some(self.text.into());
        pages.diff = Some(diff);
        let files = ev.job.outputs.iter().filter_map(|(kind, path)| {
            let contents = pages.contents(kind)?;
            let path = path.to_owned();
            Some(OutputFile { path, contents })
        });
        files.collect()
    }
}

impl<'e> Pages<'e> {
    /// The contents of the `kind` of output, from its renderer (`None`: this
    /// input has none). The one place where an output meets its renderer.
    fn contents(&mut self, kind: Output) -> Option<Contents<'e>> {
        let ev = self.ev;
        let corrected = ev.job.outputs.corrected();
        Some(match kind {
            Output::Corrected => self.text.take()?,
            Output::Diff => self.diff.take()?,
            Output::Changelog => {
                let log = self.log.take()?;
                Contents::Streamed(Box::new(move |out| changelog::write_file(out, &log)))
            }
            Output::Review => self.review.take()?,
            Output::Wdiff => {
                let (records, outcome) = (&ev.records, &ev.outcome);
                wdiff::render(&ev.job.input, &ev.text, records, outcome, &self.appended).into()
            }
            Output::Notice => notice::page(&self.notices)?.into(),
            Output::Page => self.page.take()?.into(),
            Output::ReviewPage => self.review_html.take()?.into(),
            Output::JsonLd => jsonld::document(corrected, &ev.records, &ev.outcome).into(),
        })
    }
}

/// Every output of `ev` rendered (the diff and the changelog side by side for
/// a large article), the review page and the changelog streamed when written.
pub(super) fn render<'e>(opts: &Options, ev: &'e Evaluated) -> Rendered<'e> {
    let outputs = &ev.job.outputs;
    let notices = notice::notices(&ev.records, &ev.outcome);
    let (appended, text, text_lines) = written_text(opts, ev, &notices);
    let ok = ev.outcome.succeeded();
    let written = ok.then(|| Written {
        output: outputs.corrected(),
        text: &text,
        diff: outputs.path(Output::Diff).unwrap_or_default(),
    });
    // The diff is rendered while the changelog hashes both texts.
    let changes = match ok {
        true => changes_of(ev, &text),
        false => Vec::new(),
    };
    let original = ev.outcome.original(&ev.text);
    let corrected = Indexed {
        text: &text,
        lines: text_lines.as_ref().unwrap_or(&ev.outcome.corrected_lines),
    };
    let (log, diff) = crate::par::join(
        ev.text.len() >= crate::par::LARGE,
        || {
            let input =
                crate::wire::FileDigest::hashed(&ev.job.input, ev.text.len(), &ev.text_sha256);
            changelog::build(input, &ev.text, written, &ev.records, &ev.outcome)
        },
        || {
            let coloured = opts.mode == Mode::DryRun && opts.stdout_paint().enabled;
            let in_memory = coloured || text_lines.is_some();
            (ok && in_memory)
                .then(|| diff::unified_changes(&ev.job.input, original, corrected, &changes))
        },
    );
    let report_line = match opts.format {
        Format::Json => changelog::to_line(&log),
        Format::Text | Format::Rdjson | Format::Sarif | Format::Github | Format::Comment => {
            String::new()
        }
    };
    let pages = pages(opts, ev, log, appended, &text, notices);
    Rendered {
        text,
        text_lines,
        changes,
        diff,
        report_line,
        pages,
    }
}

/// The text `correct` writes for `ev`: the corrected article, with the
/// records' notices appended when `--append-notice` asks (and then its own
/// line index); what was appended comes first.
fn written_text<'e>(
    opts: &Options,
    ev: &'e Evaluated,
    notices: &[&str],
) -> (String, Cow<'e, str>, Option<LineIndex>) {
    let appended = match opts.append_notice && !notices.is_empty() {
        true => notice::section(&ev.outcome.corrected, notices, ev.job.syntax),
        false => String::new(),
    };
    if appended.is_empty() {
        return (appended, Cow::Borrowed(ev.outcome.corrected.as_str()), None);
    }
    let text = format!("{}{appended}", ev.outcome.corrected);
    let lines = LineIndex::new(&text);
    (appended, Cow::Owned(text), Some(lines))
}

/// What the pages of an input whose records all applied read (none when
/// `log` has no output): the changelog, and the review page, streamed
/// unless `--html` makes pages of it and of the corrected `text` too.
fn pages<'e>(
    opts: &Options,
    ev: &'e Evaluated,
    log: crate::wire::Changelog<'e>,
    appended: String,
    text: &str,
    notices: Vec<&'e str>,
) -> Option<Pages<'e>> {
    let output_sha256 = log.output.as_ref()?.sha256.clone();
    let outputs = &ev.job.outputs;
    let regenerate = regenerate_command(opts, &[&ev.job.input]);
    let input_sha256 = log.input.sha256.clone();
    let shown_appended = appended.clone();
    let review_page = move |out: &mut (dyn Write + Send)| {
        let header = review::Header {
            input: &ev.job.input,
            input_sha256: &input_sha256,
            output: outputs.corrected(),
            output_sha256: &output_sha256,
            regenerate: &regenerate,
            syntax: ev.job.syntax,
            appended: &shown_appended,
            wdiff: outputs.path(Output::Wdiff).unwrap_or_default(),
        };
        review::write(out, header, &ev.text, &ev.records, &ev.outcome)
    };
    let mut pages = Pages {
        ev,
        text: None,
        diff: None,
        log: Some(log),
        review: None,
        review_html: None,
        page: None,
        appended,
        notices,
    };
    if outputs.path(Output::ReviewPage).is_none() {
        pages.review = Some(Contents::Streamed(Box::new(review_page)));
        return Some(pages);
    }
    let mut page = Vec::new();
    review_page(&mut page).expect("writing to memory cannot fail");
    let review = String::from_utf8(page).expect("the page is built from UTF-8 texts");
    let title = outputs.corrected();
    pages.page = (outputs.path(Output::Page)).map(|_| html::article(ev.job.syntax, title, text));
    pages.review_html = Some(html::page(&format!("Review: {}", ev.job.input), &review));
    pages.review = Some(review.into());
    Some(pages)
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
