//! The newsroom corrections notice: the `notice` sentences of the records, in
//! article order, as `output/K.notice.md`, and as a "Corrections" section that
//! `--append-notice` adds to the end of the corrected article.

use crate::outcome::{Outcome, Status};
use crate::record::Record;

/// The notices of applied and already-applied records, in article order.
pub fn notices<'r>(records: &'r [Record], outcome: &Outcome) -> Vec<&'r str> {
    outcome
        .corrections
        .iter()
        .filter(|c| c.status != Status::Failed)
        .filter_map(|c| records[c.record].notice.as_deref())
        .collect()
}

/// `output/K.notice.md`: a heading and one paragraph per notice. `None` when no
/// record has a notice (then no file is written).
///
/// ```
/// let page = correct::render::notice::page(&["It was 1939, not 1945."]).unwrap();
/// assert_eq!(page, "## Corrections\n\nIt was 1939, not 1945.\n");
/// ```
pub fn page(notices: &[&str]) -> Option<String> {
    if notices.is_empty() {
        return None;
    }
    let body: Vec<String> = notices.iter().map(|n| one_line(n)).collect();
    Some(format!("## Corrections\n\n{}\n", body.join("\n\n")))
}

/// The section `--append-notice` adds to the end of the article, in the
/// article's own line ending, starting on a new paragraph.
///
/// ```
/// use correct::render::notice::section;
/// assert_eq!(section("Text.", &["Fixed a date."], false), "\n\nCorrections\nFixed a date.");
/// assert_eq!(section("Text.\r\n", &["Fixed a date."], true), "\r\n## Corrections\r\n\r\nFixed a date.\r\n");
/// ```
pub fn section(article: &str, notices: &[&str], markdown: bool) -> String {
    let eol = if article.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let ends_with_eol = article.ends_with('\n');
    let lead = if ends_with_eol {
        eol.to_owned()
    } else {
        format!("{eol}{eol}")
    };
    let notices: Vec<String> = notices.iter().map(|n| one_line(n)).collect();
    let (heading, separator) = if markdown {
        ("## Corrections", format!("{eol}{eol}"))
    } else {
        ("Corrections", eol.to_owned())
    };
    let mut text = format!("{lead}{heading}{separator}{}", notices.join(&separator));
    if ends_with_eol {
        text.push_str(eol);
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
