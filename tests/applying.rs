//! Applying records: outputs, positions, byte preservation, matching rules.

use serde_json::{Value, json};

use crate::support::{Project, record};

fn changelog(project: &Project, key: &str) -> Value {
    serde_json::from_str(&project.read(&format!("output/{key}.changelog.json"))).unwrap()
}

#[test]
fn a_run_writes_the_corrected_article_diff_changelog_and_review() {
    let p = Project::new();
    p.write(
        "input/article.txt",
        "The battle took place in 1945.\nIt ended the war.\n",
    );
    p.records(
        "corrections/article/01-year.json",
        &[record("year", "1945", "1939")],
    );
    let run = p.run(&["input/article.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        p.read("output/article.txt"),
        "The battle took place in 1939.\nIt ended the war.\n"
    );
    assert!(
        p.read("output/article.diff")
            .starts_with("--- a/input/article.txt\n+++ b/input/article.txt\n@@ -1,2 +1,2 @@\n")
    );
    assert!(
        p.read("output/article.review.md")
            .contains("<del>1945</del><ins>1939</ins>[^fix-year]")
    );
    assert!(
        run.stderr
            .contains("1 record: 1 applied, 0 already applied, 0 failed; 1 edit"),
        "{run:?}"
    );
    assert!(run.stderr.contains("wrote output/article.txt"), "{run:?}");
}

#[test]
fn the_changelog_has_the_specified_shape() {
    let p = Project::new();
    p.write("input/article.txt", "Zhukov’s war: 1945\nand “1945”");
    p.records(
        "corrections/article.json",
        &[json!({"id": "y", "find": "1945", "replace": "1939", "after": "”", "category": "date",
                 "reason": "r", "sources": ["Plain title", {"title": "T", "url": "https://e.org"}]})],
    );
    assert_eq!(p.run(&["input/article.txt"]).code, 0);
    let log = changelog(&p, "article");
    assert_eq!(log["changelog_version"], 1);
    assert_eq!(log["input"]["path"], "input/article.txt");
    assert_eq!(log["input"]["bytes"], p.bytes("input/article.txt").len());
    assert_eq!(log["output"]["path"], "output/article.txt");
    assert_eq!(log["diff"], "output/article.diff");
    assert_eq!(
        log["summary"],
        json!({"records": 1, "applied": 1, "already_applied": 0, "failed": 0, "edits": 1})
    );
    let c = &log["corrections"][0];
    assert_eq!(c["status"], "applied");
    assert_eq!(c["record_file"], "corrections/article.json");
    assert_eq!(
        c["sources"],
        json!([{"title": "Plain title"}, {"title": "T", "url": "https://e.org"}])
    );
    // Line 2 is `and “1945”`: the match starts after 5 characters (“ is one).
    let edit = &c["edits"][0];
    let start = "Zhukov’s war: 1945\nand “".len();
    assert_eq!(
        edit["original"],
        json!({"start": start, "end": start + 4, "line": 2, "column": 6})
    );
    assert_eq!(
        edit["corrected"],
        json!({"start": start, "end": start + 4, "line": 2, "column": 6})
    );
    let sha = sha256(&p.bytes("input/article.txt"));
    assert_eq!(log["input"]["sha256"], sha);
    assert_eq!(
        log["output"]["sha256"],
        sha256(&p.bytes("output/article.txt"))
    );
}

fn sha256(bytes: &[u8]) -> String {
    correct::render::changelog::sha256_hex(bytes)
}

#[test]
fn corrected_positions_account_for_earlier_edits() {
    let p = Project::new();
    p.write("input/a.txt", "one two\nthree");
    p.records(
        "corrections/a.json",
        &[record("b", "three", "3"), record("a", "one", "uno, eins")],
    );
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    let log = changelog(&p, "a");
    let ids: Vec<&str> = log["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b"], "ordered by position, not by file");
    let three = &log["corrections"][1]["edits"][0];
    assert_eq!(
        three["original"],
        json!({"start": 8, "end": 13, "line": 2, "column": 1})
    );
    assert_eq!(
        three["corrected"],
        json!({"start": 14, "end": 15, "line": 2, "column": 1})
    );
}

#[test]
fn crlf_bom_and_a_missing_final_newline_are_preserved() {
    let p = Project::fixture("crlf-bom");
    let run = p.run(&["input/story.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    let original = p.bytes("input/story.txt");
    let corrected = p.bytes("output/story.txt");
    assert!(corrected.starts_with("\u{feff}".as_bytes()));
    assert!(
        corrected.windows(2).filter(|w| w == b"\r\n").count()
            == original.windows(2).filter(|w| w == b"\r\n").count()
    );
    assert_eq!(corrected.last(), original.last(), "no final newline added");
    let expected = String::from_utf8(original).unwrap().replace("1945", "1939");
    assert_eq!(String::from_utf8(corrected).unwrap(), expected);
    // The BOM counts as a character on line 1.
    let log = changelog(&p, "story");
    assert_eq!(log["corrections"][0]["edits"][0]["original"]["column"], 12);
}

#[test]
fn the_input_is_never_modified() {
    let p = Project::new();
    p.write("input/a.txt", "old text");
    p.records("corrections/a.json", &[record("x", "old", "new")]);
    let before = p.bytes("input/a.txt");
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.bytes("input/a.txt"), before);
}

#[test]
fn occurrence_picks_the_nth_match_in_context() {
    let p = Project::new();
    p.write("input/a.txt", "in 1945, in 1945 and in 1945");
    let mut r = record("second", "1945", "1939");
    r["occurrence"] = json!(2);
    r["before"] = json!("in ");
    p.records("corrections/a.json", &[r]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.read("output/a.txt"), "in 1945, in 1939 and in 1945");
}

#[test]
fn occurrence_all_replaces_every_match() {
    let p = Project::new();
    p.write("input/a.txt", "teh cat, teh dog");
    let mut r = record("teh", "teh", "the");
    r["occurrence"] = json!("all");
    p.records("corrections/a.json", &[r]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.read("output/a.txt"), "the cat, the dog");
    assert_eq!(
        changelog(&p, "a")["corrections"][0]["edits"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn whole_word_skips_matches_inside_words() {
    let p = Project::new();
    p.write("input/a.txt", "warm war warfare");
    let mut r = record("w", "war", "peace");
    r["whole_word"] = json!(true);
    p.records("corrections/a.json", &[r]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.read("output/a.txt"), "warm peace warfare");
}

#[test]
fn an_empty_replace_deletes() {
    let p = Project::new();
    p.write("input/a.txt", "a very very long road");
    let mut r = record("dup", "very ", "");
    r["before"] = json!("very ");
    p.records("corrections/a.json", &[r]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.read("output/a.txt"), "a very long road");
}

#[test]
fn rerunning_on_the_corrected_text_reports_already_applied_and_changes_nothing() {
    // The article is republished corrected: the input is now exactly what the
    // committed changelog recorded as its output, which is the evidence.
    let p = Project::new();
    p.write("input/a.txt", "fought in 1945 at Khalkhin Gol");
    p.records("corrections/a.json", &[record("y", "1945", "1939")]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    let corrected = p.read("output/a.txt");
    p.write("input/a.txt", &corrected);
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.read("output/a.txt"), corrected);
    assert_eq!(p.read("output/a.diff"), "");
    let log = changelog_at(&p, "output/a.changelog.json");
    assert_eq!(log["corrections"][0]["status"], "already_applied");
    assert_eq!(log["summary"]["already_applied"], 1);
    assert_eq!(log["summary"]["edits"], 0);
    // Stable: the changelog it wrote is evidence for the next run too.
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.run(&["--check"]).code, 0);
}

#[test]
fn a_mistyped_find_is_never_already_applied() {
    // The replacement occurs elsewhere; that is no evidence (SPEC.md rule 2).
    let p = Project::new();
    p.write(
        "input/a.txt",
        "Mayor Jane Smtih said it. Later, Smith added more.\n",
    );
    p.records("corrections/a.json", &[record("name", "Smtth", "Smith")]);
    for args in [
        &[][..],
        &["--strict"][..],
        &["--check"][..],
        &["--strict", "--check"][..],
    ] {
        let run = p.run(args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert!(run.stderr.contains("error[not_found]"), "{run:?}");
        assert!(
            run.stderr
                .contains("its replacement \"Smith\" stands at 1:34"),
            "{run:?}"
        );
        assert!(run.stderr.contains("`before`/`after`"), "{run:?}");
    }
    for short in ["y", "the"] {
        p.records("corrections/a.json", &[record("short", "qqq", short)]);
        let run = p.run(&[]);
        assert_eq!(run.code, 1, "{short}: {run:?}");
    }
    // With context that fits the replacement once, it is already applied.
    let mut r = record("name", "Smtth", "Smith");
    r["before"] = json!("Later, ");
    p.records("corrections/a.json", &[r]);
    let run = p.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("1 already applied"), "{run:?}");
}

#[test]
fn a_changelog_for_another_text_is_no_evidence() {
    let p = Project::new();
    p.write("input/a.txt", "fought in 1945 at Khalkhin Gol");
    p.records("corrections/a.json", &[record("y", "1945", "1939")]);
    assert_eq!(p.run(&[]).code, 0);
    // The input changes after the run: the changelog no longer describes it.
    p.write("input/a.txt", "fought in 1939 at Khalkhin Gol, and more");
    let run = p.run(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[not_found]"), "{run:?}");
}

fn changelog_at(project: &Project, rel: &str) -> Value {
    serde_json::from_str(&project.read(rel)).unwrap()
}

#[test]
fn order_of_files_and_records_never_changes_the_result() {
    let make = |names: [&str; 2], swap: bool| {
        let p = Project::new();
        p.write("input/a.txt", "alpha beta gamma");
        let (one, two) = (record("one", "alpha", "A"), record("two", "gamma", "G"));
        let (first, second) = if swap { (two, one) } else { (one, two) };
        p.records(&format!("corrections/a/{}", names[0]), &[first]);
        p.records(&format!("corrections/a/{}", names[1]), &[second]);
        assert_eq!(p.run(&["input/a.txt"]).code, 0);
        (
            p.bytes("output/a.txt"),
            p.bytes("output/a.diff"),
            p.read("output/a.changelog.json"),
        )
    };
    let (text1, diff1, log1) = make(["1.json", "2.json"], false);
    let (text2, diff2, log2) = make(["1.json", "2.json"], true);
    assert_eq!(text1, text2);
    assert_eq!(diff1, diff2);
    // Only the record_file of each correction may differ.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("record_file"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&log1), strip(&log2));
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let p = Project::fixture("crlf-bom");
    assert_eq!(p.run(&["input/story.txt"]).code, 0);
    let first = p.snapshot();
    assert_eq!(p.run(&["input/story.txt"]).code, 0);
    assert_eq!(p.snapshot(), first);
}

#[test]
fn keys_below_input_keep_their_folders() {
    let p = Project::new();
    p.write("input/2024/war.md", "# War\n\nIn 1945.\n");
    p.records("corrections/2024/war.json", &[record("y", "1945", "1939")]);
    let run = p.run(&["input/2024/war.md"]);
    assert_eq!(run.code, 0, "{run:?}");
    for out in [
        "output/2024/war.md",
        "output/2024/war.diff",
        "output/2024/war.changelog.json",
        "output/2024/war.review.md",
    ] {
        assert!(p.exists(out), "{out} missing");
    }
}

#[test]
fn inputs_outside_input_are_keyed_by_file_name() {
    let p = Project::new();
    p.write("elsewhere/story.txt", "In 1945.");
    p.records("corrections/story.json", &[record("y", "1945", "1939")]);
    assert_eq!(p.run(&["elsewhere/story.txt"]).code, 0);
    assert_eq!(p.read("output/story.txt"), "In 1939.");
    assert!(
        p.read("output/story.diff")
            .starts_with("--- a/elsewhere/story.txt\n")
    );
}

#[test]
fn records_may_be_in_the_file_and_the_folder_together() {
    let p = Project::new();
    p.write("input/a.txt", "one two");
    p.records("corrections/a.json", &[record("x", "one", "1")]);
    p.records("corrections/a/b.json", &[record("y", "two", "2")]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.read("output/a.txt"), "1 2");
}

#[test]
fn a_single_record_object_is_accepted() {
    let p = Project::new();
    p.write("input/a.txt", "one");
    p.write(
        "corrections/a.json",
        serde_json::to_string(&record("x", "one", "1")).unwrap(),
    );
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(p.read("output/a.txt"), "1");
}

#[test]
fn no_input_corrects_every_input_with_records_and_skips_the_rest() {
    let p = Project::new();
    p.write("input/a.txt", "one")
        .write("input/b.txt", "two")
        .write("input/sub/c.txt", "three");
    p.records("corrections/a.json", &[record("x", "one", "1")]);
    p.records("corrections/sub/c.json", &[record("z", "three", "3")]);
    let run = p.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.read("output/a.txt"), "1");
    assert_eq!(p.read("output/sub/c.txt"), "3");
    assert!(!p.exists("output/b.txt"));
    assert!(
        run.stderr.contains("note: skipped input/b.txt: no records"),
        "{run:?}"
    );
}

#[test]
fn out_and_corrections_flags_redirect_the_layout() {
    let p = Project::new();
    p.write("input/a.txt", "one");
    p.records("elsewhere/fixes.json", &[record("x", "one", "1")]);
    let run = p.run(&[
        "input/a.txt",
        "--corrections",
        "elsewhere/fixes.json",
        "--out",
        "build/out",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.read("build/out/a.txt"), "1");
    assert!(!p.exists("output"));
    assert!(
        p.read("build/out/a.review.md")
            .contains("correct input/a.txt --corrections elsewhere/fixes.json --out build/out")
    );
}

#[test]
fn a_corrections_folder_reads_every_json_file_in_it() {
    let p = Project::new();
    p.write("input/a.txt", "one two");
    p.records("fixes/1.json", &[record("x", "one", "1")]);
    p.records("fixes/2.json", &[record("y", "two", "2")]);
    p.write("fixes/notes.txt", "not a record");
    assert_eq!(p.run(&["input/a.txt", "--corrections", "fixes"]).code, 0);
    assert_eq!(p.read("output/a.txt"), "1 2");
}

#[test]
fn a_folder_input_corrects_the_files_below_it_that_have_records() {
    let p = Project::new();
    p.write("input/news/a.txt", "one")
        .write("input/news/b.txt", "two")
        .write("input/other.txt", "x");
    p.records("corrections/news/a.json", &[record("x", "one", "1")]);
    p.records("corrections/other.json", &[record("y", "x", "z")]);
    let run = p.run(&["input/news"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.read("output/news/a.txt"), "1");
    assert!(!p.exists("output/news/b.txt"));
    assert!(!p.exists("output/other.txt"), "only the folder named");
    assert!(
        run.stderr
            .contains("note: skipped input/news/b.txt: no records"),
        "{run:?}"
    );
}

#[test]
fn a_batch_larger_than_the_open_file_limit_is_written_whole() {
    // 400 inputs make 1,600 outputs, more than the usual limit of 1,024 open files.
    let p = Project::new();
    for i in 0..400 {
        p.write(
            &format!("input/batch/a{i:03}.txt"),
            format!("article {i}: teh end"),
        );
        p.records(
            &format!("corrections/batch/a{i:03}.json"),
            &[record("t", "teh", "the")],
        );
    }
    let run = p.run(&["input/batch"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("total (400 inputs)        400      400        0       0    400"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("wrote 2000 files under output"),
        "{run:?}"
    );
    assert_eq!(p.read("output/batch/a399.txt"), "article 399: the end");
}

#[allow(clippy::print_stderr, reason = "says whether the bar was drawn")]
/// A batch on a terminal: the progress bar draws on stderr from the worker
/// threads while the run goes on (it once deadlocked on a locked stderr).
#[test]
fn a_long_batch_on_a_terminal_shows_progress_and_finishes() {
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    use std::io::Read as _;

    let p = Project::new();
    // Enough inputs that the run outlasts the second before the bar shows.
    for i in 0..4000 {
        p.write(
            &format!("input/a{i:04}.txt"),
            format!("{}teh end\n", "The pact was signed. ".repeat(20)),
        );
        p.records(
            &format!("corrections/a{i:04}.json"),
            &[record("t", "teh", "the")],
        );
    }
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let terminal = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(name.to_str().unwrap())
        .unwrap();
    let mut child = p
        .command(&[])
        .stdout(std::process::Stdio::null())
        .stderr(terminal)
        .spawn()
        .unwrap();
    // Read the terminal until the run ends (EIO once every writer is gone).
    let mut master = std::fs::File::from(master);
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 65536];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        seen
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("the run hung on a terminal");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success());
    let seen = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    assert!(
        seen.contains("total (4000 inputs)"),
        "{}",
        &seen[seen.len().saturating_sub(500)..]
    );
    // Whether the bar showed depends on the machine's speed; the test only
    // asserts that the run ends, and says which case it covered.
    let drawn = seen.contains("/4000 inputs (");
    eprintln!("progress bar drawn: {drawn}");
}
