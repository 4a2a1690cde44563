//! Properties of the contract, over random articles and records.

use proptest::prelude::*;

use correct::lines::Indexed;
use correct::outcome::correct;
use correct::record::{Occurrence, Record};
use correct::render::{diff, report, review};

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
    let boundaries: Vec<usize> = text
        .char_indices()
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
        // The span's rank among the leftmost-first, non-overlapping matches.
        let Some(rank) = text.match_indices(find).position(|(i, _)| i == start) else {
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
            starts[c.record] = c.edits[0].original.start;
        }
        prop_assert_eq!(&outcome.corrected, &splice(&text, &records, &starts));

        // The changelog offsets index the find and replace texts exactly.
        for c in &outcome.corrections {
            let r = &records[c.record];
            let e = &c.edits[0];
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
            markdown: false,
            appended: "",
        };
        review::render(header, &text, &records, &outcome);
        report::changes("input/a.txt", &text, &records, &outcome, report::Paint { enabled: false });
        diff::word_diff("input/a.txt", &text, &outcome.corrected);

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
