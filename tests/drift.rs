//! The drift corpus: the article's own records, applied to edited versions of
//! the article (`tests/drift/<version>/article.txt`), give the corrections they
//! give the original, with the edits kept. Each expected text is derived from
//! the committed `output/article.txt` by the same edit, not stored.
//! And the negative corpus: where the tolerant tiers must refuse.

use std::collections::BTreeMap;
use std::path::Path;

use correct::locate::tolerant::normalize;

use crate::support::{Project, record};

fn repo(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs the article's records on one version; returns the corrected text and
/// how many edits each tier made.
fn run_version(version: &str) -> (String, BTreeMap<String, usize>) {
    let p = Project::new();
    p.write(
        "input/article.txt",
        repo(&format!("tests/drift/{version}/article.txt")),
    );
    let records = Path::new(env!("CARGO_MANIFEST_DIR")).join("corrections/article");
    for entry in std::fs::read_dir(records).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        p.write(
            &format!("corrections/article/{name}"),
            std::fs::read(&path).unwrap(),
        );
    }
    let run = p.run(&["input/article.txt", "--tolerant"]);
    assert_eq!(run.code, 0, "{version}: {run:?}");
    let n = article_records();
    assert!(
        run.stderr.contains(&format!("{n} records: {n} applied")),
        "{version}: {run:?}"
    );
    let changelog: serde_json::Value =
        serde_json::from_str(&p.read("output/article.changelog.json")).unwrap();
    let mut tiers = BTreeMap::new();
    for c in changelog["corrections"].as_array().unwrap() {
        for e in c["edits"].as_array().unwrap() {
            *tiers
                .entry(e["match"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
    }
    (p.read("output/article.txt"), tiers)
}

/// How many record files the article has (one record each).
fn article_records() -> usize {
    std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corrections/article"))
        .unwrap()
        .count()
}

fn tiers(list: &[(&str, usize)]) -> BTreeMap<String, usize> {
    list.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect()
}

fn corrected() -> String {
    repo("output/article.txt")
}

#[test]
fn a_rewrapped_article_is_corrected_with_its_line_breaks_kept() {
    let (text, by_tier) = run_version("rewrapped");
    assert_eq!(by_tier, tiers(&[("exact", 4), ("normalized", 7)]));
    assert_eq!(normalize(&text), normalize(&corrected()));
    // Line breaks outside the edits are kept; a paragraph a record rewrites
    // whole takes the record's text, on one line.
    let lines = |t: &str| t.lines().count();
    assert!(
        lines(&text) > lines(&corrected()) + 5,
        "line breaks kept: {text}"
    );
}

#[test]
fn straightened_quotes_and_dashes_still_match() {
    let (text, by_tier) = run_version("straight-quotes");
    assert_eq!(by_tier, tiers(&[("exact", 7), ("normalized", 4)]));
    assert_eq!(normalize(&text), normalize(&corrected()));
    assert!(
        text.contains("August\u{a0}8, 1945"),
        "the article's NBSP outside the edits is kept"
    );
}

#[test]
fn typos_fixed_in_and_near_the_finds_match_fuzzily() {
    let (text, by_tier) = run_version("typos-nearby");
    assert_eq!(by_tier, tiers(&[("exact", 8), ("fuzzy", 3)]));
    // The edits outside every find survive; inside a find the record's text wins.
    assert_eq!(
        text.replace("counter-intuitive", "counterintuitive")
            .replace("decisve victory", "decisive victory"),
        corrected()
    );
}

#[test]
fn sentences_inserted_before_move_nothing() {
    let (text, by_tier) = run_version("sentences-inserted");
    assert_eq!(by_tier, tiers(&[("exact", 11)]));
    assert_eq!(
        text.replace("By a staff writer.\n", "")
            .replace("Both countries had fought before, in 1904 and 1905. ", "")
            .replace("Reports from the front were sparse. ", ""),
        corrected()
    );
}

#[test]
fn a_moved_paragraph_is_corrected_where_it_now_stands() {
    let (text, by_tier) = run_version("paragraph-moved");
    assert_eq!(by_tier, tiers(&[("exact", 11)]));
    let sorted = |t: &str| {
        let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted(&text), sorted(&corrected()));
    assert_ne!(text, corrected());
}

#[test]
fn crlf_line_endings_are_kept() {
    let (text, by_tier) = run_version("crlf");
    assert_eq!(by_tier, tiers(&[("exact", 11)]));
    assert_eq!(text, corrected().replace('\n', "\r\n"));
}

/// A one-record project; returns the run.
fn single(text: &str, fix: serde_json::Value, args: &[&str]) -> (Project, crate::support::Run) {
    let p = Project::new();
    p.write("input/a.txt", text);
    p.records("corrections/a.json", &[fix]);
    // The tolerant tiers are what this corpus is about (unless a case asks
    // for exact matching).
    let mut all = vec!["input/a.txt"];
    if !args.contains(&"--strict") {
        all.push("--tolerant");
    }
    all.extend_from_slice(args);
    let run = p.run(&all);
    (p, run)
}

#[test]
fn genuinely_different_text_is_refused() {
    let (_, run) = single(
        "The Red Army, under Georgy Zhukov, then a corps commander, struck back.",
        record("zhukov", "led by Marshal Zhukov, quickly regrouped", "x"),
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[not_found]"), "{run:?}");
}

#[test]
fn two_near_identical_candidates_are_refused() {
    let text = "The Soviet Union declared war on Japan on August 8, 1945.\n\
                Later: the Soviet Union declared war on Japan on August 9, 1945.\n";
    let (p, run) = single(
        text,
        record(
            "declared",
            "Soviet Union declared war on Japan on August 7, 1945",
            "x",
        ),
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("matches approximately 2 places with close scores: 1:5 (similarity 0.98), 2:12 (similarity 0.98)"),
        "{run:?}"
    );
    assert!(!p.exists("output"));

    // A `line` hint tells them apart.
    let mut hinted = record(
        "declared",
        "Soviet Union declared war on Japan on August 7, 1945",
        "x",
    );
    hinted["line"] = 2.into();
    let (p, run) = single(text, hinted, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(p.read("output/a.txt").ends_with("Later: the x.\n"));
}

#[test]
fn a_short_find_never_matches_fuzzily() {
    let (_, run) = single(
        "Led by Zhukow, the army won.",
        record("z", "Zhukov", "Georgy Zhukov"),
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("\"Zhukov\" was not found"), "{run:?}");
}

#[test]
fn strict_refuses_tolerant_matches_and_says_how_they_matched() {
    let text = "The pact\u{2019}s terms were signed in April 1941.";
    let (p, run) = single(
        text,
        record("terms", "pact's terms", "treaty's terms"),
        &["--strict"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "\"pact's terms\" has no exact match; it matches normalized at 1:5 (the article has \"pact’s terms\"), and only exact matches apply"
        ),
        "{run:?}"
    );
    assert!(!p.exists("output"));
    let run = p.run(&["input/a.txt", "--tolerant"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        p.read("output/a.txt"),
        "The treaty's terms were signed in April 1941."
    );
}

#[test]
fn a_replacement_found_tolerantly_is_no_evidence() {
    // Rewrapped after correcting: the replacement stands across a line break,
    // but a record without the committed changelog's evidence fails.
    let (_, run) = single(
        "It was signed in\nApril 1941 in Moscow.",
        record("when", "signed in June 1945", "signed in April 1941"),
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("error[not_found]"), "{run:?}");

    // A typo fixed in the corrected sentence: the replacement matches fuzzily,
    // better than the find. Applying `find` there would guess; it fails and
    // says where the replacement stands.
    let (p, run) = single(
        "The neutrality pact was signed in Moscow in Aprl 1941.",
        record(
            "when",
            "pact was signed in Moscow in June 1945",
            "pact was signed in Moscow in April 1941",
        ),
        &[],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains(
            "its replacement \"pact was signed in Moscow in April 1941\" stands approximately at 1:16"
        ) && run.stderr.contains("no evidence"),
        "{run:?}"
    );
    assert!(!p.exists("output"));
}

#[test]
fn the_changelog_records_the_tier_the_similarity_and_the_articles_text() {
    let (p, run) = single(
        "He was led by Marshall Zhukov in the east.",
        record("rank", "led by Marshal Zhukov", "led by Georgy Zhukov"),
        &[],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(
            "warning: input/a.txt:1:8: record `rank` matched fuzzily (similarity 0.95): led by [-Marshal-]{+Marshall+} Zhukov"
        ),
        "{run:?}"
    );
    let changelog: serde_json::Value =
        serde_json::from_str(&p.read("output/a.changelog.json")).unwrap();
    let edit = &changelog["corrections"][0]["edits"][0];
    assert_eq!(edit["match"], "fuzzy");
    assert_eq!(edit["similarity"], 0.953);
    assert_eq!(edit["find"], "led by Marshall Zhukov");
    assert_eq!(
        p.read("output/a.txt"),
        "He was led by Georgy Zhukov in the east."
    );
}

#[test]
fn rebase_rewrites_only_the_drifted_fields_and_then_matches_exactly() {
    let p = Project::new();
    p.write(
        "input/a.txt",
        "He was led by Marshall Zhukov in\nthe east, in 1939.\n",
    );
    let json = "[\n    {\n        \"id\": \"rank\",\n        \"find\": \"led by Marshal Zhukov in the east\",\n        \"replace\": \"led by Georgy Zhukov in the east\",\n        \"category\": \"style\",\n        \"reason\": \"Rank.\"\n    },\n    {\"id\": \"year\", \"find\": \"1939\", \"replace\": \"1939\", \"category\": \"style\", \"reason\": \"Same.\"}\n]\n";
    p.write("corrections/a.json", json);
    let run = p.run(&["input/a.txt", "--rebase"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("rebased corrections/a.json: `rank`"),
        "{run:?}"
    );
    assert!(run.stdout.contains("-        \"find\": \"led by Marshal Zhukov in the east\",\n+        \"find\": \"led by Marshall Zhukov in\\nthe east\",\n"), "{run:?}");
    assert_eq!(
        p.read("corrections/a.json"),
        json.replace(
            "Marshal Zhukov in the east\",\n        \"replace",
            "Marshall Zhukov in\\nthe east\",\n        \"replace"
        )
    );
    assert!(!p.exists("output"), "a rebase writes no output");

    let run = p.run(&["input/a.txt", "--strict"]);
    assert_eq!(run.code, 0, "now exact: {run:?}");
    let run = p.run(&["input/a.txt", "--rebase"]);
    assert!(run.stderr.contains("nothing to rebase"), "{run:?}");
}
