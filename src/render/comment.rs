//! The pull-request comment (`--format comment`): one GitHub-flavoured
//! Markdown document for the run, for a reviewer to read first. A hidden
//! marker (so that a workflow updates its one comment in place), a summary
//! (articles, records by status, edits by category), every failure, then each
//! change with a few words of context as a word diff, its reason and sources,
//! and each article's review page. It stays within GitHub's 65,536 characters
//! for a comment: past that it says how many changes it leaves out and where
//! they are, rather than cutting a change short.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::annotations::{Annotation, Article, Parts, Suggestion};
use super::changes::squash;
use super::diagnostic::Diagnostic;
use super::review::{one_line, sources};
use crate::text::escape::escape_line;

/// The first line of every comment, which finds it again to update it.
pub(crate) const MARKER: &str = "<!-- correct: pull-request comment -->";

/// GitHub's limit on a comment's body, in characters.
pub(crate) const LIMIT: usize = 65_536;

/// Room kept for the closing lines.
const RESERVE: usize = 1_000;

/// The comment for a run's annotations. `link_base`, when given, is put
/// before each review page's path to link it (the pull request's files, e.g.
/// `https://github.com/OWNER/REPO/blob/SHA/`).
pub(crate) fn render(all: &[Annotation], link_base: Option<&str>) -> String {
    let Parts {
        articles,
        suggestions: edits,
        failures,
    } = Parts::of(all);
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "### Corrections\n");
    let total = |f: fn(&Article) -> usize| articles.iter().map(|a| f(a)).sum::<usize>();
    let _ = writeln!(
        out,
        "**{} article(s), {} record(s): {} applied, {} already applied, {} failed; {} edit(s); {} problem(s).**\n",
        articles.len(),
        total(|a| a.summary.records),
        total(|a| a.summary.applied),
        total(|a| a.summary.already_applied),
        total(|a| a.summary.failed),
        edits.len(),
        failures.len(),
    );
    // A path's bytes are the user's: shown with its control characters as
    // escapes, and linked percent-encoded.
    let page = |path: &str| match link_base {
        Some(base) => format!(
            "[{}](<{}{}>)",
            shown(path),
            base.replace(['<', '>', ' ', '\n', '\r'], ""),
            super::sarif::uri(path)
        ),
        None => shown(path),
    };
    // What the limit leaves out: articles, problems, changes.
    let mut left_out = (article_rows(&mut out, &articles, page), 0, 0);
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &edits {
        *by_category.entry(e.category).or_default() += 1;
    }
    if !by_category.is_empty() {
        out.push_str("| category | edits |\n|---|---:|\n");
        for (category, n) in &by_category {
            let _ = writeln!(out, "| {category} | {n} |");
        }
        out.push('\n');
    }
    left_out.1 = problems(&mut out, &failures);
    left_out.2 = changes(&mut out, &edits);
    if left_out != (0, 0, 0) {
        let _ = writeln!(
            out,
            "**Not listed here: {} article(s), {} problem(s) and {} change(s)**, which would take this comment past GitHub's {LIMIT} characters. Every one is in the job's log, in `correct --format json`, and in each article's review page (`output/KEY.review.md`).",
            left_out.0, left_out.1, left_out.2
        );
    }
    out
}

/// The table of articles, one row each with its counts and its review page
/// (`page` makes the link), within half the comment, so that the problems and
/// changes have room: how many rows it leaves out.
fn article_rows(out: &mut String, articles: &[&Article], page: impl Fn(&str) -> String) -> usize {
    if articles.is_empty() {
        return 0;
    }
    out.push_str("| article | records | applied | already applied | failed | review page |\n");
    out.push_str("|---|---:|---:|---:|---:|---|\n");
    let mut left_out = 0;
    for (i, a) in articles.iter().enumerate() {
        let row = format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            shown(&a.path),
            a.summary.records,
            a.summary.applied,
            a.summary.already_applied,
            a.summary.failed,
            page(&a.review)
        );
        if out.len() + row.len() > LIMIT / 2 {
            left_out = articles.len() - i;
            break;
        }
        out.push_str(&row);
    }
    out.push('\n');
    left_out
}

/// The problems, each where to fix it, as many as the comment holds: how
/// many it leaves out.
fn problems(out: &mut String, failures: &[&Diagnostic]) -> usize {
    listed(out, "#### Problems\n\n", failures, |d| problem(d))
}

/// The changes, under their article's name, as many as the comment holds:
/// how many it leaves out.
fn changes(out: &mut String, edits: &[&Suggestion]) -> usize {
    let mut article: Option<std::sync::Arc<str>> = None;
    listed(out, "#### Changes\n", edits, |e| {
        let mut item = String::new();
        if article.as_deref() != Some(&*e.path) {
            let _ = write!(item, "\n**{}**\n\n", shown(&e.path));
            article = Some(e.path.clone());
        }
        item.push_str(&change(e));
        item
    })
}

/// `heading`, then the `item` of each of `items` as long as the comment
/// keeps room for its closing lines: how many it leaves out. Nothing for no
/// items.
fn listed<T>(
    out: &mut String,
    heading: &str,
    items: &[T],
    mut item: impl FnMut(&T) -> String,
) -> usize {
    if items.is_empty() {
        return 0;
    }
    out.push_str(heading);
    let mut left_out = 0;
    for (i, t) in items.iter().enumerate() {
        let shown = item(t);
        if out.len() + shown.len() > LIMIT - RESERVE {
            left_out = items.len() - i;
            break;
        }
        out.push_str(&shown);
    }
    out.push('\n');
    left_out
}

/// A failure: its kind, where to fix it, and what to do.
fn problem(d: &Diagnostic) -> String {
    let place = match d.at {
        Some((line, _)) => format!("{} line {line}", shown(&d.file)),
        None => shown(&d.file),
    };
    let title = d
        .title
        .as_ref()
        .map(|t| format!(" `{}`", t.replace('`', "'")))
        .unwrap_or_default();
    format!(
        "- **{}** {place}{title}: {}\n",
        escape_line(&d.kind),
        escape_line(&one_line(&d.message))
    )
}

/// One change: its record, its line, a word diff in context, and why.
fn change(e: &Suggestion) -> String {
    let mut item = format!(
        "- `{}` ({}), line {}: …{}<del>{}</del><ins>{}</ins>{}… — {}",
        e.id.replace('`', "'"),
        e.category,
        e.start.line,
        escape_line(&squash(&e.before)),
        escape_line(&squash(&e.original)),
        escape_line(&squash(&e.text)),
        escape_line(&squash(&e.after)),
        escape_line(&one_line(&e.reason)),
    );
    if !e.sources.is_empty() {
        let _ = write!(item, " Sources: {}.", sources(&e.sources));
    }
    item.push('\n');
    item
}

/// A path (or any text meant for one line) as inert Markdown that is safe in
/// a table cell: control characters (a newline in a file name) shown as
/// escapes, the rest escaped (`|` included) so that nothing becomes markup.
fn shown(text: &str) -> String {
    let visible: String = text
        .chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect();
    escape_line(&visible)
}
