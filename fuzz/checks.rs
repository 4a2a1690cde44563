//! The checks each fuzz target makes, shared with the corpus replay in
//! `cargo test` (tests/fuzz_replay.rs), so both hold the same promises.

use arbitrary::Arbitrary;
use correct::locate::Tier;
use correct::locate::tolerant::normalize;
use correct::outcome::Status;
use correct::record::{Occurrence, Record};

/// Record parsing: any bytes give records, or problems that each say what is
/// wrong; never a panic.
pub fn records(data: &[u8]) {
    match correct::record::parse_file("fuzz.json", data) {
        Ok(records) => {
            for record in &records {
                assert!(!record.find.is_empty(), "a record with an empty find");
                assert!(!record.reason.trim().is_empty(), "a record with no reason");
            }
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "an error without a problem");
            for problem in &problems {
                assert!(!problem.message.is_empty(), "a problem without a message");
            }
        }
    }
}

/// An article and records as the fuzzer builds them.
#[derive(Debug, Arbitrary)]
pub struct Case {
    text: String,
    records: Vec<Rec>,
    markdown: bool,
}

#[derive(Debug, Arbitrary)]
struct Rec {
    find: String,
    replace: String,
    before: Option<String>,
    after: Option<String>,
    occurrence: Option<u8>,
    all: bool,
    whole_word: bool,
}

/// Locate + apply + render: no panic; the edits index their find and replace
/// texts; outside them the texts agree; the diff applies with an independent
/// parser.
/// The fuzzer's records as records (those with an empty `find` left out).
fn to_records(recs: Vec<Rec>) -> Vec<Record> {
    recs.into_iter()
        .filter(|r| !r.find.is_empty())
        .enumerate()
        .map(|(i, r)| {
            let mut record = Record::new(&format!("r{i}"), &r.find, &r.replace);
            record.before = r.before;
            record.after = r.after;
            record.whole_word = r.whole_word;
            record.occurrence = match (r.all, r.occurrence) {
                (true, _) => Occurrence::All,
                (false, Some(n)) if n > 0 => Occurrence::Nth(n.into()),
                _ => Occurrence::Unique,
            };
            record
        })
        .collect()
}

pub fn apply(case: Case) {
    let records = to_records(case.records);
    let text = case.text.as_str();
    let outcome = correct::outcome::correct(text, &records);

    let mut edits: Vec<_> = outcome
        .corrections
        .iter()
        .filter(|c| c.status == Status::Applied)
        .flat_map(|c| c.edits.iter().map(move |e| (c.record, e)))
        .collect();
    edits.sort_by_key(|(_, e)| e.original.start);
    let mut rebuilt = String::new();
    let mut at = 0;
    for (record, edit) in edits {
        let record = &records[record];
        let actual = &text[edit.original.start..edit.original.end];
        match edit.matched.tier {
            Tier::Exact => assert_eq!(actual, record.find),
            Tier::Normalized => assert_eq!(normalize(actual), normalize(&record.find)),
            Tier::Fuzzy => assert!(edit.matched.similarity >= 800, "{edit:?}"),
        }
        assert_eq!(
            &outcome.corrected[edit.corrected.start..edit.corrected.end],
            record.replace
        );
        rebuilt.push_str(&text[at..edit.original.start]);
        rebuilt.push_str(&record.replace);
        at = edit.original.end;
    }
    rebuilt.push_str(&text[at..]);
    assert_eq!(rebuilt, outcome.corrected);

    let unified = correct::render::diff::unified("input/a.txt", text, &outcome.corrected);
    if text == outcome.corrected {
        assert!(unified.is_empty());
    } else {
        let patch = diffy::Patch::from_str(&unified).expect("the diff parses");
        let patched = diffy::apply(text, &patch).expect("the diff applies");
        assert_eq!(patched, outcome.corrected);
    }

    let header = correct::render::review::Header {
        input: "input/a.txt",
        input_sha256: "0",
        output: "output/a.txt",
        output_sha256: "1",
        regenerate: "correct input/a.txt",
        markdown: case.markdown,
        appended: "",
    };
    correct::render::review::render(header, text, &records, &outcome);
    correct::render::diff::word_diff("input/a.txt", text, &outcome.corrected);
}

/// The diff renderer: for any two texts the diff applies with an independent
/// parser back to the new text, and reversed restores the old.
pub fn diff((old, new): (String, String)) {
    let unified = correct::render::diff::unified("input/a b.txt", &old, &new);
    if old == new {
        assert!(unified.is_empty());
        return;
    }
    let patch = diffy::Patch::from_str(&unified).expect("the diff parses");
    assert_eq!(diffy::apply(&old, &patch).expect("the diff applies"), new);
    let back = diffy::apply(&new, &patch.reverse()).expect("the reverse applies");
    assert_eq!(back, old);
}

/// Markdown: for any source and records, no panic; the protected parts and the
/// prose map stay inside the source; and whenever the records apply, the
/// corrected text keeps the source's structure.
pub fn markdown(case: Case) {
    let text = case.text.as_str();
    let protected = correct::markdown::Protected::of(text);
    let prose = &protected.prose;
    for at in 0..=prose.text.len() {
        if let Some(p) = prose.point(at, false) {
            assert!(text.is_char_boundary(p), "{at} -> {p}");
        }
    }
    let records = to_records(case.records);
    let outcome =
        correct::outcome::correct_with(text, &records, correct::locate::Tolerance::default(), true);
    if outcome.succeeded() && outcome.edit_count() > 0 {
        assert_eq!(
            correct::markdown::broken(text, &outcome.corrected),
            None,
            "the structure changed"
        );
    }
}
