//! The diff, checked with the real tools: from the run's folder, `git apply` and
//! `patch -p1` must turn the input into exactly the corrected article.

use crate::support::{Project, record};

/// Applies `output/<key>.diff` to a fresh copy of the input with `tool`, and
/// returns the patched bytes.
fn apply_with(p: &Project, input: &str, diff: &str, tool: &str) -> Vec<u8> {
    let original = p.bytes(input);
    let out = match tool {
        "git" => p.tool("git", &["apply", diff], b""),
        "patch" => p.tool("patch", &["-p1", "--quiet"], &p.bytes(diff)),
        _ => unreachable!(),
    };
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let patched = p.bytes(input);
    std::fs::write(p.path().join(input), original).unwrap();
    patched
}

fn check_both_tools(p: &Project, input: &str, key: &str) {
    let corrected = p.bytes(&format!("output/{key}"));
    let diff = format!(
        "output/{}.diff",
        key.rsplit_once('.').map_or(key, |(k, _)| k)
    );
    assert_eq!(apply_with(p, input, &diff, "git"), corrected, "git apply");
    assert_eq!(apply_with(p, input, &diff, "patch"), corrected, "patch -p1");
}

#[test]
fn the_diff_applies_with_git_and_patch_on_a_text_without_final_newline() {
    let p = Project::new();
    p.write(
        "input/a.txt",
        "line one\nline two 1945\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten 1945 end",
    );
    let mut r = record("y", "1945", "1939");
    r["occurrence"] = serde_json::json!("all");
    p.records("corrections/a.json", &[r]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    let diff = p.read("output/a.diff");
    assert!(diff.contains("\\ No newline at end of file\n"), "{diff}");
    assert_eq!(
        diff.matches("@@ -").count(),
        2,
        "two hunks, 3 lines of context: {diff}"
    );
    check_both_tools(&p, "input/a.txt", "a.txt");
}

#[test]
fn the_diff_applies_with_crlf_and_a_bom() {
    let p = Project::fixture("crlf-bom");
    assert_eq!(p.run(&["input/story.txt"]).code, 0);
    check_both_tools(&p, "input/story.txt", "story.txt");
}

#[test]
fn an_edit_that_adds_the_final_newline_applies() {
    let p = Project::new();
    p.write("input/a.txt", "end.");
    p.records("corrections/a.json", &[record("nl", "end.", "end.\n")]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    check_both_tools(&p, "input/a.txt", "a.txt");
}

#[test]
fn paths_with_spaces_and_unicode_are_written_as_git_writes_them() {
    let p = Project::new();
    p.write("input/my story é.txt", "In 1945.\n");
    p.records(
        "corrections/my story é.json",
        &[record("y", "1945", "1939")],
    );
    let run = p.run(&["input/my story é.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    let diff = p.read("output/my story é.diff");
    assert!(
        diff.starts_with("--- \"a/input/my story \\303\\251.txt\"\t\n"),
        "{diff:?}"
    );
    check_both_tools(&p, "input/my story é.txt", "my story é.txt");
}

#[test]
fn a_path_with_a_space_only_gets_a_trailing_tab() {
    let p = Project::new();
    p.write("input/my story.txt", "In 1945.\n");
    p.records("corrections/my story.json", &[record("y", "1945", "1939")]);
    assert_eq!(p.run(&["input/my story.txt"]).code, 0);
    assert!(
        p.read("output/my story.diff")
            .starts_with("--- a/input/my story.txt\t\n+++ b/input/my story.txt\t\n")
    );
    check_both_tools(&p, "input/my story.txt", "my story.txt");
}

#[test]
fn nothing_changed_gives_an_empty_diff() {
    let p = Project::new();
    p.write("input/a.txt", "in 1939");
    let mut r = record("y", "1945", "1939");
    r["before"] = serde_json::json!("in ");
    p.records("corrections/a.json", &[r]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.read("output/a.diff"), "");
    assert_eq!(p.bytes("output/a.txt"), p.bytes("input/a.txt"));
}

#[test]
fn the_committed_article_diff_applies() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = Project::new();
    p.write(
        "input/article.txt",
        std::fs::read(root.join("input/article.txt")).unwrap(),
    );
    p.write(
        "output/article.diff",
        std::fs::read(root.join("output/article.diff")).unwrap(),
    );
    p.write(
        "output/article.txt",
        std::fs::read(root.join("output/article.txt")).unwrap(),
    );
    check_both_tools(&p, "input/article.txt", "article.txt");
}

#[cfg(unix)]
#[test]
fn headers_are_written_as_git_writes_them() {
    // Quotes, backslashes, control characters and non-ASCII bytes are
    // C-quoted; a name with a space gets a trailing tab; the rest is plain.
    let names = [
        "plain",
        "sp ace",
        "quo\"te",
        "back\\slash",
        "tab\tx",
        "ünï",
        "new\nline",
        "bell\u{7}",
    ];
    let p = Project::new();
    let git = |args: &[&str]| {
        let out = p.tool("git", args, b"");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q", "."]);
    for name in names {
        p.write(&format!("input/{name}.txt"), "The war ended in 1944.\n");
        p.records(
            &format!("corrections/{name}.json"),
            &[record("y", "1944", "1945")],
        );
    }
    let run = p.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    git(&["add", "input"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qm",
        "x",
    ]);
    let headers = |diff: &str| -> Vec<String> {
        diff.lines()
            .filter(|l| l.starts_with("--- ") || l.starts_with("+++ "))
            .map(str::to_owned)
            .collect()
    };
    for name in names {
        let input = format!("input/{name}.txt");
        let ours = headers(&p.read(&format!("output/{name}.diff")));
        p.write(&input, "The war ended in 1945.\n");
        let theirs = headers(&git(&["diff", "--", &input]));
        p.write(&input, "The war ended in 1944.\n");
        assert_eq!(ours, theirs, "{name:?}");
        check_both_tools(&p, &input, &format!("{name}.txt"));
    }
}
