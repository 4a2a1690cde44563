//! Properties of the contract, over random articles and records.

use proptest::prelude::*;

use correct::lines::{Indexed, LineIndex};
use correct::outcome::correct;
use correct::record::{Occurrence, Record};
use correct::render::{diff, report, review, wdiff};

use crate::support::Project;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("war ".to_owned()),
        Just("1945".to_owned()),
        Just("é’".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("a".to_owned()),
        Just(" ".to_owned()),
        "[a-z]{1,6}",
    ];
    (proptest::collection::vec(piece, 1..60), any::<bool>()).prop_map(|(pieces, bom)| {
        format!("{}{}", if bom { "\u{feff}" } else { "" }, pieces.concat())
    })
}

/// Records for random disjoint spans of `text`, each pinned by `occurrence`.
fn records_for(text: &str, cuts: &[(usize, usize, String)]) -> Vec<Record> {
    use unicode_segmentation::UnicodeSegmentation as _;
    // Records cut between whole characters: a match never ends inside one.
    let boundaries: Vec<usize> = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let mut spans: Vec<(usize, usize, &String)> = cuts
        .iter()
        .map(|(a, b, r)| {
            let (a, b) = (
                boundaries[a % boundaries.len()],
                boundaries[b % boundaries.len()],
            );
            (a.min(b), a.max(b), r)
        })
        .filter(|(a, b, _)| a < b)
        .collect();
    spans.sort();
    let mut records: Vec<Record> = Vec::new();
    let mut free = 0;
    for (start, end, replace) in spans {
        let find = &text[start..end];
        // The span's rank among the leftmost-first, non-overlapping matches
        // between whole characters.
        let Some(rank) = matches_between_characters(text, find)
            .iter()
            .position(|&i| i == start)
        else {
            continue;
        };
        if start < free {
            continue;
        }
        free = end;
        records.push(Record {
            occurrence: Occurrence::Nth(rank + 1),
            ..Record::new(&format!("r{}", records.len()), find, replace)
        });
    }
    records
}

/// Where `find` matches `text`, leftmost first and not overlapping, counting
/// only matches that start and end between whole characters (as `correct`
/// counts them).
fn matches_between_characters(text: &str, find: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut free = 0;
    for (i, _) in text.char_indices() {
        if i >= free
            && text[i..].starts_with(find)
            && correct::locate::on_grapheme_boundaries(text, i..i + find.len())
        {
            found.push(i);
            free = i + find.len();
        }
    }
    found
}

fn splice(text: &str, records: &[Record], starts: &[usize]) -> String {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| starts[i]);
    let mut out = String::new();
    let mut at = 0;
    for i in order {
        out.push_str(&text[at..starts[i]]);
        out.push_str(&records[i].replace);
        at = starts[i] + records[i].find.len();
    }
    out + &text[at..]
}

proptest! {
    // 48 cases by default (each runs `patch`); PROPTEST_CASES=N for a deeper run.
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn applied_records_and_the_patched_input_agree(
        text in text(),
        cuts in proptest::collection::vec((0usize..400, 0usize..400, "[a-zé\n]{0,5}"), 0..6),
    ) {
        let records = records_for(&text, &cuts);
        let outcome = correct(&text, &records);
        prop_assert!(outcome.succeeded(), "{:?}", outcome.corrections);
        let mut starts = vec![0; records.len()];
        for c in &outcome.corrections {
            starts[c.record] = c.edits()[0].original.start;
        }
        prop_assert_eq!(&outcome.corrected, &splice(&text, &records, &starts));
        // The corrected text's line index, derived from the original's and the
        // edits, is the one its own text gives.
        prop_assert_eq!(&outcome.corrected_lines, &LineIndex::new(&outcome.corrected));

        // The changelog offsets index the find and replace texts exactly.
        for c in &outcome.corrections {
            let r = &records[c.record];
            let e = &c.edits()[0];
            prop_assert_eq!(&text[e.original.start..e.original.end], r.find.as_str());
            prop_assert_eq!(&outcome.corrected[e.corrected.start..e.corrected.end], r.replace.as_str());
        }

        // Every renderer handles whatever the records did (BOM, CR, unicode).
        let header = review::Header {
            input: "input/a.txt",
            input_sha256: "",
            output: "output/a.txt",
            output_sha256: "",
            regenerate: "correct input/a.txt",
            syntax: correct::syntax::Syntax::Plain,
            appended: "",
            wdiff: "output/a.wdiff",
        };
        review::render(header, &text, &records, &outcome);
        report::changes("input/a.txt", &text, &records, &outcome, report::Paint { enabled: false });
        diff::word_diff("input/a.txt", &text, &outcome.corrected);
        wdiff::render("input/a.txt", &text, &records, &outcome, "");

        // `patch -p1` turns the input into the corrected text, with the diff of
        // the whole texts and with the diff built from the edits alone.
        let changes = diff::edits_of(&outcome);
        for unified in [
            diff::unified("input/a.txt", &text, &outcome.corrected),
            diff::unified_changes(
                "input/a.txt",
                Indexed { text: &text, lines: &outcome.original_lines },
                Indexed { text: &outcome.corrected, lines: &outcome.corrected_lines },
                &changes,
            ),
        ] {
            let p = Project::new();
            p.write("input/a.txt", &text);
            if !unified.is_empty() {
                let out = p.tool("patch", &["-p1", "--quiet", "--binary"], unified.as_bytes());
                prop_assert!(out.status.success(), "patch: {}\n{unified}", String::from_utf8_lossy(&out.stderr));
            }
            prop_assert_eq!(p.read("input/a.txt"), outcome.corrected.clone());
        }
    }

    #[test]
    fn order_of_records_never_changes_the_result(
        text in text(),
        cuts in proptest::collection::vec((0usize..400, 0usize..400, "[a-z]{0,3}"), 0..6),
        seed in any::<u64>(),
    ) {
        let records = records_for(&text, &cuts);
        let mut shuffled = records.clone();
        let len = shuffled.len();
        for i in 0..len {
            shuffled.swap(i, (seed as usize).wrapping_mul(i + 7) % len);
        }
        let (a, b) = (correct(&text, &records), correct(&text, &shuffled));
        prop_assert_eq!(&a.corrected, &b.corrected);
        let ids = |o: &correct::outcome::Outcome, rs: &[Record]| -> Vec<String> {
            o.corrections.iter().map(|c| rs[c.record].id.clone()).collect()
        };
        prop_assert_eq!(ids(&a, &records), ids(&b, &shuffled));
    }
}

/// Records for disjoint spans whose `find` occurs once in `text`, replaced by
/// capitals (which the texts never hold): after correcting, no `find` is left.
fn unique_records_for(text: &str, cuts: &[(usize, usize, String)]) -> Vec<Record> {
    records_for(text, cuts)
        .into_iter()
        .filter(|r| text.matches(r.find.as_str()).count() == 1)
        .map(|r| Record {
            occurrence: Occurrence::Unique,
            replace: r.replace.to_uppercase(),
            ..r
        })
        .collect()
}

/// The record files of one article, written in `order`, each record's fields in
/// the record's own order: the filesystem lists them differently each time.
fn write_records(p: &Project, records: &[Record], files: usize, order: &[usize]) {
    let mut by_file: Vec<Vec<serde_json::Value>> = vec![Vec::new(); files];
    for (i, r) in records.iter().enumerate() {
        let mut json = crate::support::record(&r.id, &r.find, &r.replace);
        if let Occurrence::Nth(n) = r.occurrence {
            json["occurrence"] = n.into();
        }
        by_file[i % files].push(json);
    }
    for &f in order {
        let mut records = by_file[f].clone();
        let len = records.len().max(1);
        records.rotate_left(order[0] % len);
        p.records(&format!("corrections/a/{f:02}.json"), &records);
    }
}

fn outputs(p: &Project) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    p.snapshot()
        .into_iter()
        .filter_map(|(path, bytes)| {
            Some((
                path.strip_prefix(p.path().join("output"))
                    .ok()?
                    .to_path_buf(),
                bytes,
            ))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases() * 4))]

    #[test]
    fn the_diff_round_trips_through_a_parser_both_ways(
        text in text(),
        cuts in proptest::collection::vec((0usize..400, 0usize..400, "[a-zé\n]{0,5}"), 0..6),
    ) {
        let records = records_for(&text, &cuts);
        let outcome = correct(&text, &records);
        let unified = diff::unified("input/a b.txt", &text, &outcome.corrected);
        prop_assume!(!unified.is_empty());
        let patch = diffy::Patch::from_str(&unified).expect("the diff parses");
        prop_assert_eq!(diffy::apply(&text, &patch).expect("applies"), outcome.corrected.clone());
        let back = diffy::apply(&outcome.corrected, &patch.reverse()).expect("reverse applies");
        prop_assert_eq!(back, text);
    }

    #[test]
    fn rerunning_on_the_output_finds_every_record_already_applied(
        text in text(),
        cuts in proptest::collection::vec((0usize..400, 0usize..400, "[a-z]{1,4}"), 1..6),
    ) {
        let records = unique_records_for(&text, &cuts);
        let first = correct(&text, &records);
        prop_assert!(first.succeeded(), "{:?}", first.corrections);
        // The committed changelog of the first run is the evidence.
        let changelog = serde_json::json!({
            "changelog_version": 1,
            "output": {
                "sha256": correct::render::changelog::sha256_hex(first.corrected.as_bytes()),
                "bytes": first.corrected.len(),
            },
            "corrections": records.iter().map(|r| serde_json::json!({"id": r.id, "status": "applied"})).collect::<Vec<_>>(),
        });
        let evidence = correct::evidence::Evidence::from_changelog(changelog.to_string().as_bytes());
        let again = correct::outcome::correct_with_evidence(
            &first.corrected, &records, correct::locate::Tolerance::default(), correct::syntax::Syntax::Plain, evidence.as_ref());
        for c in &again.corrections {
            let record = &records[c.record];
            // A record whose find still stands in the corrected text (its
            // replacement holds it) applies again; every other is already applied.
            if !first.corrected.contains(&record.find) {
                prop_assert_eq!(c.status(), correct::outcome::Status::AlreadyApplied, "{:?}", record);
            }
        }
        prop_assert_eq!(&again.corrected, &first.corrected);
        prop_assert_eq!(diff::unified("input/a.txt", &first.corrected, &again.corrected), "");
    }
}

proptest! {
    // Each case runs the binary a few times.
    #![proptest_config(ProptestConfig::with_cases(cases() / 2))]

    #[test]
    fn permuting_records_files_and_inputs_gives_identical_bytes(
        text in text(),
        cuts in proptest::collection::vec((0usize..400, 0usize..400, "[a-z]{0,3}"), 1..8),
        files in 1usize..4,
        seed in any::<u64>(),
    ) {
        let records = records_for(&text, &cuts);
        let straight: Vec<usize> = (0..files).collect();
        let mut shuffled = straight.clone();
        shuffled.rotate_left(seed as usize % files);
        shuffled.reverse();
        let mut runs = Vec::new();
        for (order, inputs) in [(&straight, ["input/a.txt", "input/b.txt"]), (&shuffled, ["input/b.txt", "input/a.txt"])] {
            let p = Project::new();
            p.write("input/a.txt", &text);
            p.write("input/b.txt", "b\n");
            p.records("corrections/b.json", &[crate::support::record("b", "b", "B")]);
            write_records(&p, &records, files, order);
            let run = p.run(&inputs);
            prop_assert_eq!(run.code, 0, "{:?}", run);
            runs.push(outputs(&p));
        }
        prop_assert_eq!(&runs[0], &runs[1]);
    }

    #[test]
    fn any_failing_record_means_no_file_changes(
        text in text(),
        cuts in proptest::collection::vec((0usize..400, 0usize..400, "[a-z]{0,3}"), 0..6),
        failing in 0usize..8,
    ) {
        let p = Project::new();
        p.write("input/a.txt", &text);
        p.write("input/b.txt", "b\n");
        p.records("corrections/b.json", &[crate::support::record("b", "b", "B")]);
        let records = records_for(&text, &cuts);
        write_records(&p, &records, 2, &[0, 1]);
        prop_assert_eq!(p.run(&[]).code, 0);

        // Break one record, or add one that cannot apply, then change the rest.
        let mut broken: Vec<Record> = records.iter().map(|r| Record { replace: format!("{}!", r.replace), ..r.clone() }).collect();
        let absent = Record::new("absent", "\u{2603} not in the text", "\u{2603} nor this");
        let at = failing % (broken.len() + 1);
        broken.insert(at, absent);
        std::fs::remove_dir_all(p.path().join("corrections/a")).unwrap();
        write_records(&p, &broken, 2, &[1, 0]);
        let before = p.snapshot();
        let run = p.run(&[]);
        prop_assert_eq!(run.code, 1, "{:?}", run);
        prop_assert!(run.stderr.contains("absent"), "{:?}", run);
        prop_assert_eq!(p.snapshot(), before);
    }
}

/// Sentences from a small vocabulary, so that near-duplicates are common.
fn sentence() -> impl Strategy<Value = Vec<&'static str>> {
    const WORDS: [&str; 16] = [
        "the", "Soviet", "army", "pact", "signed", "war", "Japan", "border", "in", "Moscow",
        "Tokyo", "treaty", "fought", "was", "April", "August",
    ];
    proptest::collection::vec(proptest::sample::select(&WORDS[..]), 6..11)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases() * 4))]

    /// Articles of sentences with near-duplicates of the target (one word
    /// changed); the target itself may carry a one-character typo. A record for
    /// the target either applies to the target or refuses: never elsewhere.
    #[test]
    fn a_record_never_lands_on_the_wrong_sentence(
        others in proptest::collection::vec(sentence(), 0..6),
        target in sentence(),
        duplicates in proptest::collection::vec((0usize..11, proptest::sample::select(&["Berlin", "May", "navy", "peace"][..])), 1..4),
        typo in proptest::option::of((0usize..60, proptest::char::range('a', 'z'))),
        seed in any::<u64>(),
    ) {
        let target_text = format!("{}.", target.join(" "));
        let mut sentences: Vec<String> = others.iter().map(|s| format!("{}.", s.join(" "))).collect();
        for (word, other) in &duplicates {
            let mut copy = target.clone();
            let i = word % copy.len();
            prop_assume!(copy[i] != *other);
            copy[i] = other;
            sentences.push(format!("{}.", copy.join(" ")));
        }
        // The target as the article now has it: perhaps with a typo.
        let mut written: Vec<char> = target_text.chars().collect();
        if let Some((at, c)) = typo {
            let at = at % (written.len() - 1);
            written[at] = c;
        }
        let written: String = written.into_iter().collect();
        let slot = (seed as usize) % (sentences.len() + 1);
        sentences.insert(slot, written.clone());
        prop_assume!(sentences.iter().filter(|s| **s == written).count() == 1);
        let text = sentences.join(" ");
        let target_start: usize = sentences[..slot].iter().map(|s| s.len() + 1).sum();
        let target_range = target_start..target_start + written.len();
        // Exact matches follow the contract (any substring, even inside a word);
        // this property is about the tolerant tiers.
        let exact = text.match_indices(target_text.as_str()).filter(|(i, _)| *i != target_start).count();
        prop_assume!(exact == 0);

        let record = Record::new("fix", &target_text, "REPLACED.");
        let outcome = correct(&text, &[record]);
        for c in &outcome.corrections {
            for e in c.edits() {
                let overlap = e.original.start < target_range.end && target_range.start < e.original.end;
                prop_assert!(
                    overlap,
                    "edited {:?} instead of the target {:?} in {:?}",
                    &text[e.original.start..e.original.end], written, text
                );
            }
        }
    }
}
