//! Every way a record fails, as the report words it: one article and record
//! set per cause (`locate::Cause`), run with `--dry-run`, the report's
//! failure lines pinned in one snapshot. A change to any message shows here,
//! cause by cause, for review. (The limits' causes, which take a million
//! edits or a gigabyte, are worded in `hostile.rs`.)

use serde_json::{Value, json};

use crate::support::{Project, record};

/// An article (its extension says its syntax), its records, and the flags.
struct Case {
    name: &'static str,
    article: &'static str,
    extension: &'static str,
    records: Vec<Value>,
    flags: &'static [&'static str],
}

fn with(mut r: Value, fields: Value) -> Value {
    for (k, v) in fields.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

fn cases() -> Vec<Case> {
    let case = |name, article, extension, records, flags| Case {
        name,
        article,
        extension,
        records,
        flags,
    };
    vec![
        case(
            "ambiguous",
            "1945\nand 1945 and 1945",
            "txt",
            vec![record("r", "1945", "1939")],
            &[],
        ),
        case(
            "too few",
            "cat cat",
            "txt",
            vec![with(record("r", "cat", "dog"), json!({"occurrence": 3}))],
            &[],
        ),
        case(
            "not found, the nearest miss",
            "First line.\nThe Battle of Khalkin Gol was fought in 1939.\nLast.",
            "txt",
            vec![record("r", "Battle of Khalkhin Gol was won in 1945", "x")],
            &[],
        ),
        case(
            "not found, nothing close",
            "abc def",
            "txt",
            vec![record("r", "zzzzzzzz qqqq", "x")],
            &[],
        ),
        case(
            "not found in its context",
            "June 1945 and June 1945",
            "txt",
            vec![with(
                record("r", "1945", "1939"),
                json!({"before": "May ", "whole_word": true}),
            )],
            &[],
        ),
        case(
            "the replacement stands elsewhere",
            "Mayor Jane Smtih said it. Later, Smith added more. Smith.",
            "txt",
            vec![record("r", "Smtth", "Smith")],
            &[],
        ),
        case(
            "the replacement stands twice in context",
            "in 1939 and in 1939",
            "txt",
            vec![with(record("r", "1945", "1939"), json!({"before": "in "}))],
            &[],
        ),
        case(
            "outside prose",
            "`1945` and `1945`\n",
            "md",
            vec![record("r", "1945", "1939")],
            &[],
        ),
        case(
            "across markup",
            "The Battle of *Khalkhin Gol* was big.\n",
            "md",
            vec![record("r", "Battle of Khalkhin Gol", "Battle Khalkhin-Gol")],
            &["--tolerant"],
        ),
        case(
            "conflict",
            "abcdef",
            "txt",
            vec![record("one", "abc", "x"), record("two", "cd", "y")],
            &[],
        ),
        case(
            "structure",
            "See [the link](http://x.org) now.\n",
            "md",
            vec![with(
                record("r", "link](http", "link] (http"),
                json!({"scope": "any"}),
            )],
            &[],
        ),
        case(
            "fuzzy, close scores",
            "the Soviet army crossed the river. the Soviet army crossed the rivers.",
            "txt",
            vec![record("r", "the Soviet army crossed the riverz", "y")],
            &["--tolerant"],
        ),
        case(
            "fuzzy, too few",
            "the Soviet army crossed the river today",
            "txt",
            vec![with(
                record("r", "the Soviet army crossed the riverz", "y"),
                json!({"occurrence": 2}),
            )],
            &["--tolerant"],
        ),
        case(
            "the replacement stands closer",
            "The red army marched in 1941 to the city.",
            "txt",
            vec![record(
                "r",
                "The rod army marched in 1945 to the city.",
                "The red army marched in 1941 to the city.",
            )],
            &["--tolerant"],
        ),
        case(
            "strict: a normalized match",
            "the pact\u{2019}s terms were set",
            "txt",
            vec![record("r", "pact's terms", "treaty's terms")],
            &["--strict"],
        ),
    ]
}

#[test]
fn every_way_a_record_fails_is_worded_as_the_snapshot_says() {
    let mut report = String::new();
    for case in cases() {
        let p = Project::new();
        let input = format!("input/art.{}", case.extension);
        p.write(&input, case.article);
        p.write(
            "corrections/art.json",
            serde_json::to_string(&case.records).unwrap(),
        );
        let mut args = vec!["--dry-run", input.as_str()];
        args.extend(case.flags);
        let run = p.run(&args);
        assert_eq!(run.code, 1, "{}: {run:?}", case.name);
        report.push_str(&format!("## {}\n", case.name));
        for line in run
            .stderr
            .lines()
            .filter(|l| l.starts_with("error[") || l.starts_with("  help:"))
        {
            report.push_str(line);
            report.push('\n');
        }
    }
    insta::assert_snapshot!("failures", report);
}
