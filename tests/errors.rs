//! Failures: record failures exit 1 and write nothing; run errors exit 2.

use serde_json::json;

use crate::support::{Project, record};

/// A project with one article and the given records; returns it with a snapshot.
fn project(text: &str, records: &[serde_json::Value]) -> Project {
    let p = Project::new();
    p.write("input/a.txt", text);
    p.records("corrections/a.json", records);
    p
}

#[test]
fn not_found_fails_the_run_and_writes_nothing() {
    let p = project(
        "The battle of 1939.",
        &[
            record("ok", "battle", "Battle"),
            record("gone", "1945", "1939x"),
        ],
    );
    let before = p.snapshot();
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("error[not_found]: input/a.txt: record `gone` (corrections/a.json)"),
        "{run:?}"
    );
    assert!(run.stderr.contains("help:"), "{run:?}");
    assert_eq!(p.snapshot(), before, "no file written or changed");
}

#[test]
fn not_found_shows_the_nearest_miss_with_its_line_and_a_word_diff() {
    let p = project(
        "Intro.\nThe Battle of Khalkin Gol ended the war in 1939.\nEnd.",
        &[record("kg", "Battle of Khalkhin Gol ended it in 1945", "x")],
    );
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("was not found; nearest at 2:5 (similarity 0.7"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("): Battle of [-Khalkhin-]{+Khalkin+} Gol ended [-it-]{+the war+} in"),
        "{run:?}"
    );
}

#[test]
fn ambiguous_lists_every_candidate_and_says_what_to_add() {
    let p = project("1945 and\nagain 1945", &[record("y", "1945", "1939")]);
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error[ambiguous]"), "{run:?}");
    assert!(
        run.stderr.contains("matches 2 times, at 1:1, 2:7"),
        "{run:?}"
    );
    assert!(run.stderr.contains("`before`/`after`"), "{run:?}");
    assert!(run.stderr.contains("`occurrence`"), "{run:?}");
}

#[test]
fn overlapping_records_conflict_naming_both() {
    let p = project(
        "the Soviet Union army",
        &[
            record("one", "Soviet Union", "USSR"),
            record("two", "Union army", "troops"),
        ],
    );
    let run = p.run(&["input/a.txt", "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error[conflict]: input/a.txt: record `one`"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("error[conflict]: input/a.txt: record `two`"),
        "{run:?}"
    );
    let log: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    for c in log["corrections"].as_array().unwrap() {
        assert_eq!(c["status"], "failed");
        assert_eq!(c["error"]["kind"], "conflict");
    }
    assert!(
        log["corrections"][0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`two`")
    );
    assert_eq!(log["output"], serde_json::Value::Null);
    assert_eq!(log["diff"], serde_json::Value::Null);
}

#[test]
fn touching_spans_are_not_a_conflict() {
    let p = project(
        "abcd",
        &[record("one", "ab", "x"), record("two", "cd", "y")],
    );
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.read("output/a.txt"), "xy");
}

#[test]
fn every_failure_is_reported_not_just_the_first() {
    let p = project(
        "x x",
        &[
            record("a", "nope", "1"),
            record("b", "x", "2"),
            record("c", "zilch", "3"),
        ],
    );
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 1);
    for id in ["`a`", "`b`", "`c`"] {
        assert!(run.stderr.contains(id), "{id} not reported: {run:?}");
    }
}

#[test]
fn one_failing_input_means_no_input_is_written() {
    let p = Project::new();
    p.write("input/good.txt", "one")
        .write("input/bad.txt", "two");
    p.records("corrections/good.json", &[record("x", "one", "1")]);
    p.records("corrections/bad.json", &[record("y", "absent", "1")]);
    let before = p.snapshot();
    let run = p.run(&["input/good.txt", "input/bad.txt"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(p.snapshot(), before);
}

#[test]
fn the_highest_exit_code_wins() {
    let p = Project::new();
    p.write("input/fails.txt", "one")
        .write("input/broken.txt", "two");
    p.records("corrections/fails.json", &[record("y", "absent", "1")]);
    p.write("corrections/broken.json", "{ not json");
    let run = p.run(&["input/fails.txt", "input/broken.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("error[not_found]"),
        "the exit-1 failure is still reported: {run:?}"
    );
    assert!(
        run.stderr
            .contains("corrections/broken.json: 1:3: invalid JSON"),
        "{run:?}"
    );
}

/// Runs one article with the record file `json`, expecting exit 2 and `needle` on stderr.
fn schema_error(json: &str, needle: &str) {
    let p = Project::new();
    p.write("input/a.txt", "some text");
    p.write("corrections/a.json", json);
    let before = p.snapshot();
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(needle),
        "expected {needle:?} in {run:?}"
    );
    assert_eq!(p.snapshot(), before);
}

const OK: &str =
    r#""id": "a", "find": "some", "replace": "any", "category": "style", "reason": "r""#;

#[test]
fn malformed_json_reports_file_line_and_column() {
    schema_error(
        "[\n  {\"id\": \"a\",\n  }\n]",
        "corrections/a.json: 3:3: invalid JSON",
    );
}

#[test]
fn unknown_fields_are_errors_at_any_depth() {
    schema_error(
        &format!("{{{OK}, \"replce\": \"x\"}}"),
        "unknown field `replce`; did you mean `replace`?",
    );
    let nested =
        OK.replace("\"style\"", "\"fact\"") + r#", "sources": [{"title": "t", "href": "u"}]"#;
    schema_error(&format!("{{{nested}}}"), "unknown field `sources[0].href`");
}

#[test]
fn schema_is_ignored() {
    let p = Project::new();
    p.write("input/a.txt", "some text");
    p.write(
        "corrections/a.json",
        format!("{{\"$schema\": \"../schema.json\", {OK}}}"),
    );
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
}

#[test]
fn duplicate_keys_are_errors() {
    schema_error(
        &format!("{{{OK}, \"find\": \"text\"}}"),
        "duplicate key `find`",
    );
}

#[test]
fn required_fields_and_values_are_checked() {
    schema_error(
        r#"{"id": "a", "find": "some", "replace": "x", "category": "style"}"#,
        "missing required field `reason`",
    );
    schema_error(
        &format!("{{{}}}", OK.replace("\"r\"", "\"  \"")),
        "`reason` is empty",
    );
    schema_error(
        &format!("{{{}}}", OK.replace("\"some\"", "\"\"")),
        "`find` is empty",
    );
    schema_error(
        &format!("{{{}}}", OK.replace("\"a\"", "\"Bad_Id\"")),
        "must match [a-z0-9][a-z0-9._-]*",
    );
    schema_error(
        &format!("{{{}}}", OK.replace("\"style\"", "\"opinion\"")),
        "unknown category \"opinion\"",
    );
    schema_error(
        &format!("{{{}}}", OK.replace("\"style\"", "\"date\"")),
        "category `date` needs at least one source",
    );
    schema_error(
        &format!("{{{OK}, \"date\": \"2025-02-29\"}}"),
        "`date` \"2025-02-29\" is not a valid date",
    );
    schema_error(
        &format!("{{{OK}, \"occurrence\": 0}}"),
        "`occurrence` must be a whole number >= 1",
    );
    schema_error(
        &format!("{{{OK}, \"occurrence\": \"some\"}}"),
        "`occurrence` must be a whole number >= 1 or \"all\"",
    );
}

#[test]
fn every_problem_in_every_file_is_reported() {
    let p = Project::new();
    p.write("input/a.txt", "text");
    p.write(
        "corrections/a/1.json",
        r#"[{"id": "x"}, {"id": "y", "find": 1}]"#,
    );
    p.write("corrections/a/2.json", "[");
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("corrections/a/1.json: record 1 (`x`): missing required field `find`"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("corrections/a/1.json: record 2 (`y`): `find` must be a string"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("corrections/a/2.json: 1:1: invalid JSON"),
        "{run:?}"
    );
}

#[test]
fn duplicate_ids_across_files_are_errors() {
    let p = Project::new();
    p.write("input/a.txt", "one two");
    p.records("corrections/a/1.json", &[record("same", "one", "1")]);
    p.records("corrections/a/2.json", &[record("same", "two", "2")]);
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("duplicate id `same` in corrections/a/1.json and corrections/a/2.json"),
        "{run:?}"
    );
}

#[test]
fn a_non_utf8_input_is_a_run_error() {
    let p = Project::new();
    p.write("input/a.txt", b"caf\xe9");
    p.records("corrections/a.json", &[record("x", "caf", "cafe")]);
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("input/a.txt is not valid UTF-8 (first bad byte at offset 3)"),
        "{run:?}"
    );
}

#[test]
fn an_unreadable_input_is_a_run_error() {
    let p = Project::new();
    p.records("corrections/a.json", &[record("x", "a", "b")]);
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read input/a.txt"), "{run:?}");
}

#[test]
fn an_explicit_input_without_records_names_where_it_looked() {
    let p = Project::new();
    p.write("input/a.txt", "text");
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("looked for corrections/a.json and corrections/a/*.json"),
        "{run:?}"
    );
}

#[test]
fn no_input_folder_is_a_run_error() {
    let run = Project::new().run(&[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no `input/` folder"), "{run:?}");
}

#[test]
fn corrections_needs_exactly_one_input() {
    let p = Project::new();
    p.write("input/a.txt", "x").write("input/b.txt", "y");
    p.records("fix.json", &[record("x", "x", "z")]);
    for args in [
        &["--corrections", "fix.json"][..],
        &["input/a.txt", "input/b.txt", "--corrections", "fix.json"],
    ] {
        let run = p.run(args);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr
                .contains("--corrections is allowed with exactly one INPUT"),
            "{run:?}"
        );
    }
}

#[test]
fn two_inputs_with_one_key_are_a_run_error() {
    let p = Project::new();
    p.write("input/a.txt", "x").write("other/a.md", "x");
    p.records("corrections/a.json", &[record("x", "x", "y")]);
    let run = p.run(&["input/a.txt", "other/a.md"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("have the same key `a`"), "{run:?}");
}

#[test]
fn an_output_that_would_overwrite_an_input_is_a_run_error() {
    let p = Project::new();
    p.write("output/a.txt", "x");
    p.records("corrections/a.json", &[record("x", "x", "y")]);
    let before = p.snapshot();
    let run = p.run(&["output/a.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("would overwrite the input output/a.txt"),
        "{run:?}"
    );
    assert_eq!(p.snapshot(), before);
}

#[test]
fn an_input_whose_outputs_collide_is_a_run_error() {
    let p = Project::new();
    p.write("input/a.diff", "x");
    p.records("corrections/a.json", &[record("x", "x", "y")]);
    let run = p.run(&["input/a.diff"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("output/a.diff"), "{run:?}");
}

#[test]
fn bad_usage_exits_2() {
    let p = Project::new();
    assert_eq!(p.run(&["--no-such-flag"]).code, 2);
    assert_eq!(p.run(&["--format", "xml"]).code, 2);
    assert_eq!(p.run(&["--check", "--dry-run"]).code, 2);
}

#[test]
fn an_output_path_that_is_a_folder_changes_nothing() {
    let p = project("one", &[record("x", "one", "1")]);
    std::fs::create_dir_all(p.path().join("output/a.diff")).unwrap();
    let before = p.snapshot();
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("output/a.diff: it is a folder"),
        "{run:?}"
    );
    assert_eq!(p.snapshot(), before);
}

#[test]
fn records_in_json_reports_carry_their_error() {
    let p = project("text", &[record("gone", "absent", "zzz")]);
    let run = p.run(&["input/a.txt", "--format", "json"]);
    assert_eq!(run.code, 1);
    let log: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(log["corrections"][0]["error"]["kind"], "not_found");
    assert_eq!(
        log["summary"],
        json!({"records": 1, "applied": 0, "already_applied": 0, "failed": 1, "edits": 0})
    );
}
