//! Markdown inputs: corrections land in prose only, keep the markup, and say
//! what they would break. One document covers the CommonMark and GFM cases.

use crate::support::{Project, Run, record};

const DOC: &str = r#"---
title: The war of 1945
---

Setext heading about 1945
=========================

The *Soviet **Union** declared* war in 1945.

See [the pact of 1945][pact] and [Khalkhin Gol](https://en.wikipedia.org/wiki/1945 "fought in 1945").

<div class="note">
Raw HTML mentions 1945.
</div>

| year | event |
|------|-------|
| 1945 | Manchuria |

A claim.[^1] Code: `year = 1945`.

    indented code 1945

[^1]: The footnote says 1945.

[pact]: https://example.org/1945 "pact 1945"
"#;

fn project(records: &[serde_json::Value]) -> (Project, Run) {
    let p = Project::new();
    p.write("input/doc.md", DOC);
    p.records("corrections/doc.json", records);
    let run = p.run(&["input/doc.md"]);
    (p, run)
}

fn pinned(id: &str, find: &str, replace: &str, before: &str) -> serde_json::Value {
    let mut r = record(id, find, replace);
    r["before"] = before.into();
    r
}

#[test]
fn prose_in_every_construct_can_be_corrected() {
    let records = [
        pinned("setext", "1945", "1939", "heading about "),
        pinned("nested", "Union", "Federation", "**"),
        pinned("link-text", "1945", "1941", "the pact of "),
        pinned(
            "link-whole-text",
            "Khalkhin Gol",
            "Khalkhin Gol (Nomonhan)",
            "[",
        ),
        pinned("table", "1945", "1945 (August)", "| "),
        pinned("footnote", "1945", "1939", "footnote says "),
    ];
    let (p, run) = project(&records);
    assert_eq!(run.code, 0, "{run:?}");
    let out = p.read("output/doc.md");
    for expected in [
        "Setext heading about 1939\n",
        "*Soviet **Federation** declared*",
        "[the pact of 1941][pact]",
        "[Khalkhin Gol (Nomonhan)](https://en.wikipedia.org/wiki/1945 \"fought in 1945\")",
        "| 1945 (August) | Manchuria |",
        "[^1]: The footnote says 1939.",
    ] {
        assert!(out.contains(expected), "{expected:?} in\n{out}");
    }
}

#[test]
fn matches_outside_prose_are_skipped_and_named() {
    // Where `before` + "1945" stands in DOC, as line:column.
    let at = |before: &str| {
        let offset = DOC.find(&format!("{before}1945")).unwrap() + before.len();
        let line = DOC[..offset].matches('\n').count() + 1;
        let column = DOC[..offset].rsplit('\n').next().unwrap().chars().count() + 1;
        format!("{line}:{column}")
    };
    for (find, before, kind) in [
        ("1945", "war of ", "front matter"),
        ("1945", "wiki/", "a link destination or title"),
        ("1945", "fought in ", "a link destination or title"),
        ("1945", "mentions ", "raw HTML"),
        ("1945", "year = ", "a code span"),
        ("1945", "indented code ", "a code block"),
        ("1945", "example.org/", "a link reference definition"),
    ] {
        let inside = format!("{kind} at {}", at(before));
        let (p, run) = project(&[pinned("x", find, "1939", before)]);
        assert_eq!(run.code, 1, "{before}: {run:?}");
        assert!(
            run.stderr
                .contains(&format!("the only match of \"1945\" is inside {inside}")),
            "{before}: {run:?}"
        );
        assert!(run.stderr.contains("\"scope\": \"any\""), "{run:?}");
        assert!(!p.exists("output"));
    }
}

#[test]
fn scope_any_corrects_outside_prose_on_purpose() {
    let mut r = pinned("code", "1945", "1939", "year = ");
    r["scope"] = "any".into();
    let (p, run) = project(&[r]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(p.read("output/doc.md").contains("`year = 1939`"));

    // A link's destination is structure too: both fields say the change is meant.
    let mut r = pinned("url", "1945", "1939", "wiki/");
    r["scope"] = "any".into();
    let (_, run) = project(&[r.clone()]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("turns the link to https://en.wikipedia.org/wiki/1945 into the link to https://en.wikipedia.org/wiki/1939"),
        "{run:?}"
    );
    r["structure"] = "changes".into();
    let (p, run) = project(&[r]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        p.read("output/doc.md")
            .contains("(https://en.wikipedia.org/wiki/1939 ")
    );
}

#[test]
fn an_unpinned_find_skips_the_matches_outside_prose() {
    // "Manchuria" stands once, in a table cell; "declared" once in prose. Every
    // other 1945 is outside prose but for five: pinned occurrence counts prose only.
    let mut r = record("all-1945", "1945", "1939");
    r["occurrence"] = "all".into();
    let (p, run) = project(&[r]);
    assert_eq!(run.code, 0, "{run:?}");
    let out = p.read("output/doc.md");
    assert!(
        out.contains("title: The war of 1945"),
        "front matter untouched"
    );
    assert!(out.contains("`year = 1945`"), "code untouched");
    assert!(out.contains("war in 1939."), "prose corrected");
    assert!(run.stderr.contains("5 edits"), "{run:?}");
}

#[test]
fn records_that_break_the_structure_are_refused_with_what_they_break() {
    let cases = [
        (
            pinned(
                "unlink",
                "[Khalkhin Gol](https://en.wikipedia.org/wiki/1945 \"fought in 1945\")",
                "Khalkhin Gol",
                "and ",
            ),
            "record `unlink` turns the link to https://en.wikipedia.org/wiki/1945 into plain text at 10:",
        ),
        (
            pinned(
                "unemph",
                "*Soviet **Union** declared*",
                "Soviet Union declared",
                "The ",
            ),
            "record `unemph` turns emphasis into plain text at 8:5",
        ),
        (
            pinned("heading", "=========================", "", "1945\n"),
            "record `heading` turns a heading (h1) into a paragraph at 5:1",
        ),
        (
            pinned("note", "claim.[^1]", "claim.", "A "),
            "record `note` turns the footnote reference [^1] into plain text at 20:",
        ),
    ];
    for (r, expected) in cases {
        let mut r = r;
        r["scope"] = "any".into();
        let (p, run) = project(&[r.clone()]);
        assert_eq!(run.code, 1, "{expected}: {run:?}");
        assert!(run.stderr.contains("error[structure]"), "{run:?}");
        assert!(run.stderr.contains(expected), "{expected}: {run:?}");
        assert!(!p.exists("output"));

        // Declared, it applies.
        r["structure"] = "changes".into();
        let (_, run) = project(&[r]);
        assert_eq!(run.code, 0, "{expected}: {run:?}");
    }
}

#[test]
fn plain_text_inputs_are_not_parsed_as_markdown() {
    let p = Project::new();
    p.write("input/doc.txt", DOC);
    p.records(
        "corrections/doc.json",
        &[pinned("url", "1945", "1939", "wiki/")],
    );
    let run = p.run(&["input/doc.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
}

fn doc(text: &str, records: &[serde_json::Value]) -> (Project, Run) {
    doc_with(text, records, &[])
}

fn doc_with(text: &str, records: &[serde_json::Value], args: &[&str]) -> (Project, Run) {
    let p = Project::new();
    p.write("input/doc.md", text);
    p.records("corrections/doc.json", records);
    let mut all = vec!["input/doc.md"];
    all.extend_from_slice(args);
    let run = p.run(&all);
    (p, run)
}

#[test]
fn a_find_matches_across_inline_markup_and_keeps_it() {
    // Matching across markup is a tolerant tier: `find` is not the source's text.
    let (p, run) = doc_with(
        "The Battle of *Khalkhin Gol* was fought in 1945, by **Marshal _Zhukov_**.\n\nSee [the pact](https://example.org) of 1945.\n",
        &[
            record(
                "year",
                "Battle of Khalkhin Gol was fought in 1945",
                "Battle of Khalkhin Gol was fought in 1939",
            ),
            record("rank", "by Marshal Zhukov", "by General Zhukov"),
            record("pact", "the pact of 1945", "the neutrality pact of 1941"),
        ],
        &["--tolerant"],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        p.read("output/doc.md"),
        "The Battle of *Khalkhin Gol* was fought in 1939, by **General _Zhukov_**.\n\nSee [the neutrality pact](https://example.org) of 1941.\n"
    );
    let changelog: serde_json::Value =
        serde_json::from_str(&p.read("output/doc.changelog.json")).unwrap();
    let edits: Vec<(&str, &str)> = changelog["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["edits"].as_array().unwrap().iter())
        .map(|e| (e["find"].as_str().unwrap(), e["replace"].as_str().unwrap()))
        .collect();
    assert_eq!(
        edits,
        [
            ("1945", "1939"),
            ("Marshal", "General"),
            ("", "neutrality "),
            ("1945", "1941")
        ]
    );
}

#[test]
fn a_change_that_would_cross_markup_is_refused() {
    let (p, run) = doc(
        "The Battle of *Khalkhin Gol* was fought in 1939.\n",
        &[record("name", "Battle of Khalkhin", "Fight at Nomonhan")],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[structure]"), "{run:?}");
    assert!(
        run.stderr.contains("\"Battle of Khalkhin\" matches the prose at 1:5 across markup, and the change of \"Battle of Khalkhin\" to \"Fight at Nomonhan\" would cross that markup"),
        "{run:?}"
    );
    assert!(!p.exists("output"));
}

#[test]
fn html_pages_render_the_article_and_the_redline() {
    let p = Project::new();
    p.write("input/doc.md", "# The war\n\nSigned in *1945*.\n");
    p.records(
        "corrections/doc.json",
        &[pinned("year", "1945", "1941", "*")],
    );
    let run = p.run(&["input/doc.md", "--html"]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = p.read("output/doc.html");
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("<style>"),
        "{page}"
    );
    assert!(
        page.contains("<h1>The war</h1>") && page.contains("<em>1941</em>"),
        "{page}"
    );
    let review = p.read("output/doc.review.html");
    assert!(
        review.contains("<em><del>1945</del><ins>1941</ins><sup class=\"footnote-reference\">"),
        "{review}"
    );
    assert!(
        // Options that change outputs belong in correct.toml, not in the command.
        review.contains("Regenerate with <code>correct input/doc.md</code>"),
        "{review}"
    );
    assert_eq!(p.run(&["input/doc.md", "--html", "--check"]).code, 0);
    std::fs::remove_file(p.path().join("output/doc.review.html")).unwrap();
    let check = p.run(&["input/doc.md", "--html", "--check"]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check.stderr.contains("output/doc.review.html is missing"),
        "{check:?}"
    );
}
