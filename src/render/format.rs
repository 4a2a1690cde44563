//! `--format`: the one enum of report formats, from the command line (it is
//! clap's value enum) to the writer, and the one place that picks the renderer
//! of the run's end-of-run document.

use std::io::{self, Write};

use super::annotations::{self, Annotation};
use super::{comment, sarif};

/// How a run (or `correct lint`) reports on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human report on stderr.
    Text,
    /// One changelog object per input, one per line, on stdout.
    Json,
    /// reviewdog's diagnostic format (one document), each edit a suggestion.
    Rdjson,
    /// SARIF 2.1.0 (one log, for GitHub code scanning), each edit a fix.
    Sarif,
    /// The pull-request comment: one Markdown document (summary, problems,
    /// each change in context), within GitHub's 65,536 characters.
    Comment,
    /// GitHub Actions annotations: ::error for failures, ::notice for edits.
    Github,
}

impl Format {
    /// Whether the run's report is printed at its end, gathered from every
    /// input: one document (rdjson, SARIF, the comment), or GitHub's
    /// annotations, which put failures first and count what their limit
    /// leaves out.
    pub fn is_document(self) -> bool {
        matches!(
            self,
            Format::Rdjson | Format::Sarif | Format::Github | Format::Comment
        )
    }

    /// Writes the end-of-run document of `all` to `out` (for `tool`, as
    /// rdjson names its source; `link_base` for the comment's links); nothing
    /// for the formats that report as they go.
    pub fn write_document(
        self,
        tool: &str,
        all: &[Annotation],
        link_base: Option<&str>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            Format::Text | Format::Json => Ok(()),
            Format::Rdjson => annotations::rdjson(tool, all, out),
            Format::Sarif => sarif::log(all, out),
            Format::Github => out.write_all(annotations::github(all).as_bytes()),
            Format::Comment => out.write_all(comment::render(all, link_base).as_bytes()),
        }
    }
}
