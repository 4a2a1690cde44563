//! The catalogue of bad inputs in `tests/bad_inputs/<case>/`: each case is a
//! miniature project and an `expect` file (exit code, words stderr must hold, and
//! after `---` the arguments). None may panic, and none may lose or change a file
//! of the project; a failing run writes nothing. Cases too large to commit are
//! generated below.

use std::path::Path;

use crate::support::{Project, Run, record};

struct Expect {
    code: i32,
    words: Vec<String>,
    args: Vec<String>,
}

fn expect(case: &Path) -> Expect {
    let text = std::fs::read_to_string(case.join("expect")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let code = lines.next().unwrap().parse().unwrap();
    let mut words = Vec::new();
    let mut args = Vec::new();
    let mut in_args = false;
    for line in lines {
        match (line, in_args) {
            ("---", _) => in_args = true,
            (line, true) => args.push(line.to_owned()),
            (line, false) => words.push(line.to_owned()),
        }
    }
    Expect { code, words, args }
}

/// Runs `args` in `p` and checks the catalogue's promises.
fn check(name: &str, p: &Project, args: &[&str], code: i32, words: &[String]) -> Run {
    let before = p.snapshot();
    let run = p.run(args);
    assert!(
        !run.stderr.contains("panicked") && run.code != 101,
        "{name} panicked: {run:?}"
    );
    assert_eq!(run.code, code, "{name}: {run:?}");
    for word in words {
        assert!(
            run.stderr.contains(word.as_str()),
            "{name}: expected {word:?} in {run:?}"
        );
    }
    let after = p.snapshot();
    let outside_output =
        |files: &[(std::path::PathBuf, Vec<u8>)]| -> Vec<(std::path::PathBuf, Vec<u8>)> {
            files
                .iter()
                .filter(|(path, _)| !path.starts_with(p.path().join("output")))
                .cloned()
                .collect()
        };
    assert_eq!(
        outside_output(&after),
        outside_output(&before),
        "{name}: a project file changed"
    );
    if code != 0 {
        assert_eq!(after, before, "{name}: a failing run wrote something");
    }
    run
}

#[test]
fn every_catalogued_bad_input_gets_its_exit_code_and_message() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "the catalogue has {} cases", cases.len());
    let mut failed = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let result = std::panic::catch_unwind(|| {
            let p = Project::fixture(&format!("../bad_inputs/{name}"));
            std::fs::remove_file(p.path().join("expect")).unwrap();
            let expect = expect(&case);
            let args: Vec<&str> = expect.args.iter().map(String::as_str).collect();
            check(&name, &p, &args, expect.code, &expect.words);
        });
        if result.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "failing cases: {failed:?}");
}

#[test]
fn a_100_mb_single_line_article_is_corrected() {
    let p = Project::new();
    let mut text = "word ".repeat(20_000_000);
    text.push_str("teh end");
    p.write("input/a.txt", &text);
    p.records("corrections/a.json", &[record("t", "teh", "the")]);
    let run = check("100 MB line", &p, &["input/a.txt"], 0, &[]);
    assert!(run.stderr.contains("1 applied"), "{run:?}");
    let diff = p.read("output/a.diff");
    assert!(diff.ends_with("\\ No newline at end of file\n"));
}

#[test]
fn a_million_records_are_read_and_each_checked() {
    let p = Project::new();
    p.write("input/a.txt", "text");
    let one = r#"{"id":"rID","find":"absent","replace":"zz","occurrence":ID,"category":"style","reason":"r"}"#;
    let mut json = String::from("[");
    for i in 1..=1_000_000 {
        if i > 1 {
            json.push(',');
        }
        json.push_str(&one.replace("ID", &i.to_string()));
    }
    json.push(']');
    p.write("corrections/a.json", json);
    let run = check("a million records", &p, &["input/a.txt"], 1, &[]);
    assert!(
        run.stderr
            .contains("1000000 records: 0 applied, 0 already applied, 1000000 failed"),
        "{}",
        &run.stderr[run.stderr.len().saturating_sub(500)..]
    );
    assert!(
        run.stderr
            .contains("999800 more records failed; `--format json` lists every one")
    );
}

#[test]
fn a_symlinked_output_folder_is_refused() {
    let p = Project::new();
    let outside = tempfile::tempdir().unwrap();
    p.write("input/a.txt", "old");
    p.records("corrections/a.json", &[record("x", "old", "new")]);
    std::os::unix::fs::symlink(outside.path(), p.path().join("output")).unwrap();
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("is a symbolic link"), "{run:?}");
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside"
    );
}

/// A project whose only article is `size` bytes of sparse file: nothing reads it.
fn sparse(p: &Project, rel: &str, size: u64) {
    let path = p.path().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::File::create(path).unwrap().set_len(size).unwrap();
}

#[test]
fn an_article_over_the_size_limit_is_refused_unread() {
    let p = Project::new();
    p.records("corrections/a.json", &[record("x", "old", "new")]);
    sparse(&p, "input/a.txt", correct::limits::MAX_INPUT_BYTES + 1);
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(
            "input/a.txt is 1073741825 bytes (1.0 GiB), over the limit of 1 GiB for an article; split it"
        ),
        "{run:?}"
    );
    assert!(!p.exists("output"));
}

#[test]
fn a_record_file_over_the_size_limit_is_refused_unread() {
    let p = Project::new();
    p.write("input/a.txt", "old");
    sparse(
        &p,
        "corrections/a.json",
        correct::limits::MAX_RECORD_FILE_BYTES + 1,
    );
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("over the limit of 256 MiB for a record file; split its records"),
        "{run:?}"
    );
    assert!(!p.exists("output"));
}

#[test]
fn a_find_over_the_field_limit_is_refused() {
    let p = Project::new();
    let find = "a".repeat(correct::limits::MAX_TEXT_FIELD_BYTES + 1);
    p.write("input/a.txt", &find);
    p.records("corrections/a.json", &[record("x", &find, "b")]);
    let words = [
        "`find` is 1048577 bytes (1.0 MiB) long, over the limit of 1 MiB per text field".to_owned(),
    ];
    check("long find", &p, &["input/a.txt"], 2, &words);
}

#[test]
fn more_records_than_the_limit_are_refused_before_any_is_located() {
    let p = Project::new();
    p.write("input/a.txt", "text");
    let limit = correct::limits::MAX_RECORDS;
    let mut json = String::with_capacity(70 * limit);
    json.push('[');
    for i in 0..=limit {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            r#"{{"id":"r{i}","find":"x","replace":"y","category":"style","reason":"r"}}"#
        ));
    }
    json.push(']');
    p.write("corrections/a.json", json);
    let words = [
        "input/a.txt has 1000001 records, over the limit of 1000000 records per article".to_owned(),
    ];
    check("too many records", &p, &["input/a.txt"], 2, &words);
}
