//! The human report on stderr: failures with what to do next, a summary per
//! input, and (on a terminal) colours.

use std::fmt::Write as _;

use crate::outcome::{Outcome, Status};
use crate::record::Record;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    /// Whether to emit escape codes.
    pub enabled: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold red, for errors.
    pub fn error(self, text: &str) -> String {
        self.wrap("1;31", text)
    }

    /// Bold yellow, for stale outputs.
    pub fn warn(self, text: &str) -> String {
        self.wrap("1;33", text)
    }

    /// Bold cyan, for help.
    pub fn help(self, text: &str) -> String {
        self.wrap("1;36", text)
    }

    /// Bold.
    pub fn strong(self, text: &str) -> String {
        self.wrap("1", text)
    }

    /// Red, for removed text.
    pub fn removed(self, text: &str) -> String {
        self.wrap("31", text)
    }

    /// Green, for added text.
    pub fn added(self, text: &str) -> String {
        self.wrap("32", text)
    }

    /// Cyan, for positions.
    pub fn dim(self, text: &str) -> String {
        self.wrap("36", text)
    }
}

/// One block per failed record: kind, id, file, message and help.
pub fn failures(input: &str, records: &[Record], outcome: &Outcome, paint: Paint) -> String {
    let mut out = String::new();
    for c in &outcome.corrections {
        let Some(failure) = &c.failure else { continue };
        let record = &records[c.record];
        let _ = writeln!(
            out,
            "{}: {input}: record `{}` ({}): {}",
            paint.error(&format!("error[{}]", failure.kind.as_str())),
            record.id,
            record.file,
            failure.message
        );
        let _ = writeln!(out, "  {} {}", paint.help("help:"), failure.help);
    }
    out
}

/// `input/article.txt: 12 records: 11 applied, 1 already applied, 0 failed; 14 edits`
pub fn summary(input: &str, records: usize, outcome: &Outcome, paint: Paint) -> String {
    format!(
        "{}: {records} record{}: {} applied, {} already applied, {} failed; {} edit{}",
        paint.strong(input),
        if records == 1 { "" } else { "s" },
        outcome.count(Status::Applied),
        outcome.count(Status::AlreadyApplied),
        outcome.count(Status::Failed),
        outcome.edit_count(),
        if outcome.edit_count() == 1 { "" } else { "s" },
    )
}

/// A unified diff with `-`/`+`/`@@` lines coloured.
pub fn colored_diff(diff: &str, paint: Paint) -> String {
    if !paint.enabled {
        return diff.to_owned();
    }
    let mut out = String::with_capacity(diff.len() + diff.len() / 8);
    for line in diff.split_inclusive('\n') {
        let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let painted = if line.starts_with("---") || line.starts_with("+++") {
            paint.strong(body)
        } else if line.starts_with('-') {
            paint.removed(body)
        } else if line.starts_with('+') {
            paint.added(body)
        } else if line.starts_with("@@") {
            paint.dim(body)
        } else {
            body.to_owned()
        };
        out.push_str(&painted);
        out.push_str(end);
    }
    out
}
