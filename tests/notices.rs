//! Corrections notices: `output/K.notice.md` and `--append-notice`.

use serde_json::json;

use crate::support::{Project, record};

fn with_notices(text: &str) -> Project {
    let p = Project::new();
    p.write("input/a.txt", text);
    let mut year = record("year", "1945", "1939");
    year["notice"] = json!(
        "An earlier version of this article misstated the year of the battle; it was 1939, not 1945."
    );
    let mut name = record("name", "Marshal Zhukov", "Georgy Zhukov");
    name["notice"] = json!("An earlier version of this article misstated Zhukov’s rank.");
    let plain = record("typo", "teh", "the");
    p.records("corrections/a.json", &[year, name, plain]);
    p
}

#[test]
fn notices_are_collected_in_article_order() {
    let p = with_notices("Marshal Zhukov won teh battle in 1945.\n");
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert_eq!(
        p.read("output/a.notice.md"),
        "## Corrections\n\nAn earlier version of this article misstated Zhukov’s rank.\n\n\
         An earlier version of this article misstated the year of the battle; it was 1939, not 1945.\n"
    );
    assert_eq!(
        p.read("output/a.txt"),
        "Georgy Zhukov won the battle in 1939.\n",
        "not appended unless asked"
    );
    let log: serde_json::Value = serde_json::from_str(&p.read("output/a.changelog.json")).unwrap();
    assert_eq!(
        log["corrections"][0]["notice"],
        "An earlier version of this article misstated Zhukov’s rank."
    );
    assert!(log["corrections"][1].get("notice").is_none());
    assert!(
        p.read("output/a.review.md")
            .contains("Notice: An earlier version")
    );
}

#[test]
fn no_notice_means_no_notice_file() {
    let p = Project::new();
    p.write("input/a.txt", "teh");
    p.records("corrections/a.json", &[record("typo", "teh", "the")]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    assert!(!p.exists("output/a.notice.md"));
    assert_eq!(p.run(&["--check", "input/a.txt"]).code, 0);
}

#[test]
fn check_covers_the_notice_file() {
    let p = with_notices("Marshal Zhukov won teh battle in 1945.\n");
    assert_eq!(p.run(&["input/a.txt"]).code, 0);
    p.write("output/a.notice.md", "stale");
    let run = p.run(&["--check", "input/a.txt"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("output/a.notice.md differs"), "{run:?}");
}

#[test]
fn append_notice_adds_a_corrections_section_that_the_diff_carries() {
    let p = with_notices("Marshal Zhukov won teh battle in 1945.\r\n");
    let run = p.run(&["--append-notice", "input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        p.read("output/a.txt"),
        "Georgy Zhukov won the battle in 1939.\r\n\r\nCorrections\r\n\
         An earlier version of this article misstated Zhukov’s rank.\r\n\
         An earlier version of this article misstated the year of the battle; it was 1939, not 1945.\r\n"
    );
    let log: serde_json::Value = serde_json::from_str(&p.read("output/a.changelog.json")).unwrap();
    assert_eq!(log["output"]["bytes"], p.bytes("output/a.txt").len());
    let out = p.tool("git", &["apply", "output/a.diff"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(p.read("input/a.txt"), p.read("output/a.txt"));
}

#[test]
fn append_notice_in_markdown_adds_a_heading() {
    let p = Project::new();
    p.write("input/a.md", "# War\n\nIn 1945.");
    let mut year = record("year", "1945", "1939");
    year["notice"] = json!("The year was 1939.");
    p.records("corrections/a.json", &[year]);
    assert_eq!(p.run(&["--append-notice", "input/a.md"]).code, 0);
    assert_eq!(
        p.read("output/a.md"),
        "# War\n\nIn 1939.\n\n## Corrections\n\nThe year was 1939."
    );
    assert!(
        p.read("output/a.review.md")
            .contains("\n## <ins>Corrections</ins>\n")
    );
}

#[test]
fn a_blank_notice_is_a_schema_error() {
    let p = Project::new();
    p.write("input/a.txt", "teh");
    let mut r = record("typo", "teh", "the");
    r["notice"] = json!("  ");
    p.records("corrections/a.json", &[r]);
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`notice` is empty"), "{run:?}");
}
