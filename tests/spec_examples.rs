//! The Markdown structural model against GitHub's own renderer: every word of
//! every example of the CommonMark and GFM specs (`tests/spec/`, with their
//! licences) is replaced by a record; wherever `correct` applies it, cmark-gfm
//! must give the corrected example the same tree as the original, text aside
//! (node kinds, link and image destinations and titles, list types and
//! starts, code, raw HTML, task boxes, table cells).

use std::io::Write as _;
use std::process::{Command, Stdio};

use correct::locate::Tolerance;
use correct::record::{Occurrence, Record};

/// The Markdown of each example of a spec file (`→` is a tab).
fn examples(spec: &str) -> Vec<String> {
    let fence = "`".repeat(32);
    let mut out = Vec::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if line != format!("{fence} example") {
            continue;
        }
        let mut markdown = String::new();
        for line in lines.by_ref() {
            if line == "." {
                break;
            }
            markdown.push_str(&line.replace('→', "\t"));
            markdown.push('\n');
        }
        for line in lines.by_ref() {
            if line == fence {
                break;
            }
        }
        out.push(markdown);
    }
    out
}

/// The example's tree as cmark-gfm (GitHub's renderer) sees it, text left out.
fn tree(markdown: &str) -> Option<String> {
    let mut child = Command::new("cmark-gfm")
        .args(["--to", "xml", "--unsafe"])
        .args([
            "-e",
            "table",
            "-e",
            "strikethrough",
            "-e",
            "autolink",
            "-e",
            "tasklist",
            "-e",
            "footnotes",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(markdown.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    let xml = String::from_utf8_lossy(&out.stdout);
    // A text node's words may change (across lines too); that it is there
    // may not.
    let mut kept = String::new();
    let mut rest = xml.as_ref();
    while let Some(at) = rest.find("<text") {
        kept.push_str(&rest[..at]);
        kept.push_str("<text/>");
        rest = match rest[at..].find("</text>") {
            Some(end) => &rest[at + end + "</text>".len()..],
            None => "",
        };
    }
    kept.push_str(rest);
    let lines: Vec<&str> = kept.lines().map(str::trim_start).collect();
    Some(lines.join("\n"))
}

/// The distinct words of `markdown` (runs of letters and digits).
fn words(markdown: &str) -> Vec<String> {
    let mut words: Vec<String> = markdown
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

#[test]
fn every_word_of_every_spec_example_keeps_github_s_structure() {
    if crate::honest::cmark_gfm("x").is_none() {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec");
    let strict = Tolerance {
        strict: true,
        fuzzy: 0.0,
    };
    let (mut examples_seen, mut records, mut applied, mut refused) = (0, 0, 0, 0);
    let mut violations = Vec::new();
    for spec in ["commonmark/spec.txt", "gfm/spec.txt"] {
        let text = std::fs::read_to_string(root.join(spec)).unwrap();
        for (n, markdown) in examples(&text).into_iter().enumerate() {
            examples_seen += 1;
            let Some(original) = tree(&markdown) else {
                panic!("cmark-gfm did not run");
            };
            for word in words(&markdown) {
                records += 1;
                let record = Record {
                    whole_word: true,
                    occurrence: Occurrence::All,
                    ..Record::new("w", &word, "qq")
                };
                let outcome = correct::outcome::correct_with(
                    &markdown,
                    &[record],
                    strict,
                    correct::syntax::Syntax::Markdown,
                );
                if !outcome.succeeded() {
                    refused += 1;
                    continue;
                }
                if outcome.corrected == markdown {
                    continue;
                }
                applied += 1;
                if tree(&outcome.corrected).as_ref() != Some(&original) {
                    violations.push(format!(
                        "{spec} example {}: `{word}` -> `qq`\n--- original\n{markdown}--- corrected\n{}",
                        n + 1,
                        outcome.corrected
                    ));
                }
            }
        }
    }
    #[allow(clippy::print_stderr, reason = "the figures of the run")]
    {
        eprintln!(
            "spec examples: {examples_seen}, records: {records}, applied: {applied}, refused: {refused}, violations: {}",
            violations.len()
        );
    }
    assert!(examples_seen > 1280, "{examples_seen} examples");
    assert!(
        violations.is_empty(),
        "{} violations, the first:\n{}",
        violations.len(),
        violations
            .iter()
            .take(11)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
