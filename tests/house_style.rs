//! House style across articles: records in `corrections/_all/` apply to every
//! article, exactly; `"case": "preserve"` fixes every letter case of a typo;
//! an article's own records win where they overlap a shared one.

use serde_json::{Value, json};

use crate::support::{Project, record};

fn teh() -> Value {
    let mut r = record("teh", "teh", "the");
    r["case"] = json!("preserve");
    r["whole_word"] = json!(true);
    r["category"] = json!("spelling");
    r
}

fn changelog(project: &Project, key: &str) -> Value {
    serde_json::from_str(&project.read(&format!("output/{key}.changelog.json"))).unwrap()
}

#[test]
fn one_shared_record_fixes_every_case_in_every_article_and_says_where_it_came_from() {
    let project = Project::new();
    project
        .write(
            "input/2025/a.txt",
            "Teh cat saw teh dog. TEH END. tEh stays.",
        )
        .write("input/b.md", "# Notes\n\nOnly teh one.\n")
        .write("input/c.txt", "Nothing to fix here.")
        .records("corrections/_all/typos.json", &[teh()]);
    let run = project.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        project.read("output/2025/a.txt"),
        "The cat saw the dog. THE END. tEh stays."
    );
    assert_eq!(project.read("output/b.md"), "# Notes\n\nOnly the one.\n");
    assert_eq!(project.read("output/c.txt"), "Nothing to fix here.");

    let a = changelog(&project, "2025/a");
    assert_eq!(a["summary"]["records"], 1);
    assert_eq!(a["summary"]["edits"], 3);
    assert_eq!(
        a["corrections"][0]["record_file"],
        "corrections/_all/typos.json"
    );
    let replaced: Vec<&str> = (a["corrections"][0]["edits"].as_array().unwrap().iter())
        .map(|e| e["replace"].as_str().unwrap())
        .collect();
    assert_eq!(replaced, ["The", "the", "THE"]);
    // An article the record does not match does not list it.
    let c = changelog(&project, "c");
    assert_eq!(c["summary"]["records"], 0);
    assert_eq!(c["corrections"], json!([]));
    assert_eq!(project.read("output/c.diff"), "");

    let check = project.run(&["--check"]);
    assert_eq!(check.code, 0, "{check:?}");
}

#[test]
fn an_articles_own_record_wins_where_it_overlaps_a_shared_one() {
    let project = Project::new();
    project
        .write("input/a.txt", "In teh year 1945, teh war ended.")
        .records("corrections/_all/typos.json", &[teh()])
        .records(
            "corrections/a.json",
            &[{
                let mut r = record("year", "teh year 1945", "the year 1939");
                r["category"] = json!("date");
                r
            }],
        );
    let run = project.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        project.read("output/a.txt"),
        "In the year 1939, the war ended."
    );
    let a = changelog(&project, "a");
    let statuses: Vec<(&str, &str, usize)> = (a["corrections"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["status"].as_str().unwrap(),
                c["edits"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(statuses, [("year", "applied", 1), ("teh", "applied", 1)]);
}

#[test]
fn overlapping_shared_records_conflict() {
    let project = Project::new();
    project.write("input/a.txt", "teh end").records(
        "corrections/_all/typos.json",
        &[teh(), record("teh-end", "teh end", "the end")],
    );
    let run = project.run(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("conflict"), "{run:?}");
}

#[test]
fn a_shared_record_matches_exactly_or_not_at_all() {
    let project = Project::new();
    // One character off: the fuzzy tier would find it for an own record.
    let text = "The treaty of neutrality was signed in Moscow in April 1941.";
    project.write("input/a.txt", text).records(
        "corrections/_all/style.json",
        &[record(
            "moscow",
            "The treaty of neutrality was signed in Moskow",
            "The neutrality pact was signed in Moscow",
        )],
    );
    let run = project.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(project.read("output/a.txt"), text);
    assert_eq!(changelog(&project, "a")["summary"]["records"], 0);
}

#[test]
fn a_shared_record_may_not_point_into_one_article() {
    for (field, value) in [("occurrence", json!(2)), ("line", json!(3))] {
        let project = Project::new();
        let mut r = teh();
        r[field] = value;
        project
            .write("input/a.txt", "teh")
            .records("corrections/_all/typos.json", &[r]);
        let run = project.run(&[]);
        assert_eq!(run.code, 2, "{field}: {run:?}");
        assert!(
            run.stderr.contains("corrections/_all/typos.json")
                && run.stderr.contains(&format!("`{field}`")),
            "{run:?}"
        );
        assert!(!project.exists("output/a.txt"));
        let lint = project.run(&["lint"]);
        assert_eq!(lint.code, 2, "{field}: {lint:?}");
    }
}

#[test]
fn an_input_may_not_take_the_shared_key() {
    let project = Project::new();
    project
        .write("input/_all.txt", "teh")
        .records("corrections/_all.json", &[record("x", "teh", "the")]);
    let run = project.run(&["input/_all.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("`_all`"), "{run:?}");
}

#[test]
fn preserve_needs_a_lower_case_find() {
    let project = Project::new();
    let mut r = teh();
    r["find"] = json!("Teh");
    project
        .write("input/a.txt", "Teh")
        .records("corrections/a.json", &[r]);
    let run = project.run(&[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("write \"teh\""), "{run:?}");
}

#[test]
fn lint_does_not_call_the_shared_folder_an_orphan() {
    let project = Project::new();
    project
        .write("input/a.txt", "teh")
        .records("corrections/_all/typos.json", &[teh()]);
    let lint = project.run(&["lint"]);
    assert!(!lint.stderr.contains("orphan"), "{lint:?}");
}

#[test]
fn explicit_corrections_leave_the_shared_records_out() {
    let project = Project::new();
    project
        .write("input/a.txt", "teh 1945")
        .records("corrections/_all/typos.json", &[teh()])
        .records("elsewhere/r.json", &[record("y", "1945", "1939")]);
    let run = project.run(&["input/a.txt", "--corrections", "elsewhere/r.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(project.read("output/a.txt"), "teh 1939");
}
