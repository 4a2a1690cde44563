//! `--check`, `--dry-run`, `--format json` and `--color`.

use crate::support::{Project, Run, record};

fn corrected_project() -> Project {
    let p = Project::new();
    p.write("input/a.txt", "The war of 1945.\n");
    p.records("corrections/a.json", &[record("y", "1945", "1939")]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    p
}

#[test]
fn check_passes_when_outputs_are_current() {
    let p = corrected_project();
    let before = p.snapshot();
    let run = p.run(&["--check", "input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("outputs are current (5 files checked)"),
        "{run:?}"
    );
    assert_eq!(p.snapshot(), before);
}

#[test]
fn check_names_a_stale_output_and_shows_the_difference() {
    let p = corrected_project();
    p.write("output/a.txt", "The war of 1940.\n");
    let before = p.snapshot();
    let run = p.run(&["--check", "input/a.txt"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("stale: output/a.txt differs"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("-The war of 1940.\n+The war of 1939."),
        "{run:?}"
    );
    assert_eq!(p.snapshot(), before, "--check writes nothing");
}

#[test]
fn check_covers_the_review_page_and_missing_files() {
    let p = corrected_project();
    std::fs::remove_file(p.path().join("output/a.review.md")).unwrap();
    let run = p.run(&["--check"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("stale: output/a.review.md is missing"),
        "{run:?}"
    );
}

#[test]
fn check_fails_when_records_changed() {
    let p = corrected_project();
    p.records("corrections/a.json", &[record("y", "1945", "1938")]);
    let run = p.run(&["--check", "input/a.txt"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("output/a.txt differs"), "{run:?}");
}

#[test]
fn dry_run_prints_a_diff_that_git_applies_and_writes_nothing() {
    let p = Project::new();
    p.write("input/a.txt", "The war of 1945.\n");
    p.records("corrections/a.json", &[record("y", "1945", "1939")]);
    let before = p.snapshot();
    let run = p.run(&["--dry-run", "input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.snapshot(), before);
    assert!(run.stdout.starts_with("--- a/input/a.txt\n"), "{run:?}");
    assert!(run.stderr.contains("dry run: nothing written"), "{run:?}");
    let applied = p.tool("git", &["apply", "-"], run.stdout.as_bytes());
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    assert_eq!(p.read("input/a.txt"), "The war of 1939.\n");
}

#[test]
fn json_prints_one_changelog_per_input_per_line_and_nothing_else() {
    let p = Project::new();
    p.write("input/a.txt", "one").write("input/b.txt", "two");
    p.records("corrections/a.json", &[record("x", "one", "1")]);
    p.records("corrections/b.json", &[record("y", "two", "2")]);
    let run = p.run(&["--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{run:?}");
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["input"]["path"], "input/a.txt");
    assert_eq!(first["output"]["path"], "output/a.txt");
    // The file on disk holds the same changelog, pretty-printed.
    let on_disk: serde_json::Value =
        serde_json::from_str(&p.read("output/a.changelog.json")).unwrap();
    assert_eq!(first, on_disk);
}

fn colored(run: &Run) -> bool {
    run.stderr.contains('\x1b') || run.stdout.contains('\x1b')
}

#[test]
fn color_follows_the_flag_then_no_color_then_the_terminal() {
    let p = Project::new();
    p.write("input/a.txt", "The war of 1945.\n");
    p.records("corrections/a.json", &[record("y", "1945", "1939")]);
    let always = p.run(&["--dry-run", "--color", "always", "input/a.txt"]);
    assert!(colored(&always), "{always:?}");
    assert!(
        always.stdout.contains("\x1b[31m-The war of 1945.\x1b[0m"),
        "{always:?}"
    );
    let never = p.run(&["--dry-run", "--color", "never", "input/a.txt"]);
    assert!(!colored(&never));
    // Not a terminal: no colour by default.
    assert!(!colored(&p.run(&["--dry-run", "input/a.txt"])));
    // A flag beats NO_COLOR.
    let mut command = p.command(&["--dry-run", "--color", "always", "input/a.txt"]);
    let forced = Run::from(command.env("NO_COLOR", "1").output().unwrap());
    assert!(colored(&forced));
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    use std::process::Stdio;
    let p = Project::new();
    let lines: String = (0..20_000).map(|i| format!("line {i} of 1945\n")).collect();
    p.write("input/a.txt", &lines);
    let mut r = record("y", "1945", "1939");
    r["occurrence"] = serde_json::json!("all");
    p.records("corrections/a.json", &[r]);
    let mut child = p
        .command(&["--dry-run", "input/a.txt"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn the_committed_outputs_are_current() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = Run::from(
        std::process::Command::new(env!("CARGO_BIN_EXE_correct"))
            .args(["--check", "--color", "never"])
            .current_dir(root)
            .output()
            .unwrap(),
    );
    assert_eq!(
        run.code, 0,
        "run `cargo run --release -- input/article.txt` and commit output/: {run:?}"
    );
}

#[test]
fn word_diff_prints_git_plain_word_diff_with_hunk_headers() {
    let p = Project::new();
    p.write("input/a.txt", "one\ntwo\nThe war of 1945 ended.\n");
    p.records("corrections/a.json", &[record("y", "1945", "1939")]);
    let run = p.run(&["--dry-run", "--word-diff", "input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "--- a/input/a.txt\n+++ b/input/a.txt\n@@ -1,3 +1,3 @@\none\ntwo\nThe war of [-1945-]{+1939+} ended.\n"
    );
    assert!(
        p.run(&["--word-diff", "input/a.txt"]).code == 2,
        "--word-diff needs --dry-run"
    );
}

#[test]
fn show_changes_lists_each_change_with_context_id_and_reason() {
    let p = Project::new();
    p.write(
        "input/a.txt",
        "Intro.\nIt took place from May to September 1945, was a decisive victory.\n",
    );
    p.records("corrections/a.json", &[record("kg", "1945", "1939")]);
    let run = p.run(&["--show-changes", "--color", "never", "input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("input/a.txt:2:37 kg (fact)\n    …May to September [-1945-]{+1939+}, was a…\n    The original is wrong.\n"),
        "{run:?}"
    );
    let plain = p.run(&["input/a.txt"]);
    assert!(
        !plain.stderr.contains("[-1945-]"),
        "not on a terminal: no listing unless asked"
    );
}
