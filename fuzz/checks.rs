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
        .filter(|c| c.status() == Status::Applied)
        .flat_map(|c| c.edits().iter().map(move |e| (c.record, e)))
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
        syntax: match case.markdown {
            true => correct::syntax::Syntax::Markdown,
            false => correct::syntax::Syntax::Plain,
        },
        appended: "",
        wdiff: "output/a.wdiff",
    };
    correct::render::review::render(header, text, &records, &outcome);
    correct::render::diff::word_diff("input/a.txt", text, &outcome.corrected);
    correct::render::wdiff::render("input/a.txt", text, &records, &outcome, "");
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
    let outcome = correct::outcome::correct_with(
        text,
        &records,
        correct::locate::Tolerance::default(),
        correct::syntax::Syntax::Markdown,
    );
    if outcome.succeeded() && outcome.edit_count() > 0 {
        assert_eq!(
            correct::markdown::broken(text, &outcome.corrected),
            None,
            "the structure changed"
        );
    }
}

/// Journal recovery: any bytes as the journal of a project whose output
/// folder holds links to a victim folder and to the project's parent; the
/// victim and the project's other files are never touched, whatever the run
/// decides; never a panic.
pub fn journal(data: &[u8]) {
    let project = tempfile::tempdir().expect("a temporary folder");
    let victim = tempfile::tempdir().expect("a temporary folder");
    let p = project.path();
    std::fs::create_dir_all(p.join("output/sub")).unwrap();
    std::fs::create_dir_all(p.join("input")).unwrap();
    std::fs::write(p.join("input/a.txt"), "article").unwrap();
    std::fs::write(victim.path().join("important.txt"), "keep").unwrap();
    std::fs::write(victim.path().join(".correct-v.tmp"), "victim's").unwrap();
    for staged in ["output/.correct-a.tmp", "output/sub/.correct-b.tmp"] {
        std::fs::write(p.join(staged), "staged").unwrap();
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(victim.path(), p.join("output/lnk")).unwrap();
        std::os::unix::fs::symlink("..", p.join("output/up")).unwrap();
    }
    std::fs::write(p.join("output/.correct-journal"), data).unwrap();
    let _ = correct::output::recover(p, std::path::Path::new("output"));
    assert_eq!(
        std::fs::read(victim.path().join("important.txt")).unwrap(),
        b"keep"
    );
    assert_eq!(
        std::fs::read(victim.path().join(".correct-v.tmp")).unwrap(),
        b"victim's"
    );
    assert_eq!(std::fs::read_dir(victim.path()).unwrap().count(), 2);
    assert_eq!(std::fs::read(p.join("input/a.txt")).unwrap(), b"article");
    assert_eq!(std::fs::read_dir(p.join("input")).unwrap().count(), 1);
}

/// Escaping of untrusted text: no control character reaches a terminal, in
/// one piece or cut anywhere; JSON stays the same value; no page links to a
/// script.
pub fn inert(text: String) {
    use correct::inert;
    let shown = inert::terminal(&text);
    assert!(!shown.chars().any(inert::is_unsafe), "{shown:?}");
    let cut = text
        .char_indices()
        .map(|(i, _)| i)
        .nth(text.chars().count() / 2)
        .unwrap_or(0);
    let mut out = Vec::new();
    {
        let mut writer = inert::Terminal::new(&mut out, false);
        std::io::Write::write_all(&mut writer, &text.as_bytes()[..cut]).unwrap();
        std::io::Write::write_all(&mut writer, &text.as_bytes()[cut..]).unwrap();
        std::io::Write::flush(&mut writer).unwrap();
    }
    assert_eq!(String::from_utf8(out).unwrap(), shown);
    let json = serde_json::to_string(&text).unwrap();
    let inert_json = inert::json(&json);
    assert!(!inert_json.chars().any(inert::is_unsafe));
    assert_eq!(serde_json::from_str::<String>(&inert_json).unwrap(), text);
    let page = correct::render::html::page("t", &text);
    // Every attribute of every real tag (text shows `<` as `&lt;`).
    for tag in page.to_ascii_lowercase().split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        for attribute in ["href=\"", "src=\""] {
            for value in tag.split(attribute).skip(1) {
                let url = value.split('"').next().unwrap_or_default();
                for scheme in ["javascript:", "vbscript:", "data:text"] {
                    assert!(!url.trim_start().starts_with(scheme), "<{tag}>");
                }
            }
        }
        assert!(!tag.starts_with("script"), "<{tag}>");
    }
}
