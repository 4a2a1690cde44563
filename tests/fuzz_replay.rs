//! A replay of the committed fuzz corpora (`fuzz/corpus/<target>/`): every input
//! the fuzzers kept still passes the same checks (`fuzz/checks.rs`), on stable
//! Rust and in `cargo test`. Fuzzing itself: see README, "Fuzzing".

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};

#[path = "../fuzz/checks.rs"]
mod checks;

/// Every file of one target's corpus, by name.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "{target}: the corpus is missing or nearly empty"
    );
    files
}

/// Decodes `bytes` as libfuzzer-sys does for a typed target.
fn decode<'a, T: Arbitrary<'a>>(bytes: &'a [u8]) -> Option<T> {
    T::arbitrary_take_rest(Unstructured::new(bytes)).ok()
}

#[test]
fn the_records_corpus_replays() {
    for (name, bytes) in corpus("records") {
        let result = std::panic::catch_unwind(|| checks::records(&bytes));
        assert!(result.is_ok(), "fuzz/corpus/records/{name}");
    }
}

#[test]
fn the_apply_corpus_replays() {
    for (name, bytes) in corpus("apply") {
        if let Some(case) = decode::<checks::Case>(&bytes) {
            let result = std::panic::catch_unwind(|| checks::apply(case));
            assert!(result.is_ok(), "fuzz/corpus/apply/{name}");
        }
    }
}

#[test]
fn the_diff_corpus_replays() {
    for (name, bytes) in corpus("diff") {
        if let Some(pair) = decode::<(String, String)>(&bytes) {
            let result = std::panic::catch_unwind(|| checks::diff(pair));
            assert!(result.is_ok(), "fuzz/corpus/diff/{name}");
        }
    }
}

#[test]
fn the_markdown_corpus_replays() {
    for (name, bytes) in corpus("markdown") {
        if let Some(case) = decode::<checks::Case>(&bytes) {
            let result = std::panic::catch_unwind(|| checks::markdown(case));
            assert!(result.is_ok(), "fuzz/corpus/markdown/{name}");
        }
    }
}

#[test]
fn the_journal_corpus_replays() {
    for (name, bytes) in corpus("journal") {
        let result = std::panic::catch_unwind(|| checks::journal(&bytes));
        assert!(result.is_ok(), "fuzz/corpus/journal/{name}");
    }
}

#[test]
fn the_inert_corpus_replays() {
    for (name, bytes) in corpus("inert") {
        if let Some(text) = decode::<String>(&bytes) {
            let result = std::panic::catch_unwind(|| checks::inert(text));
            assert!(result.is_ok(), "fuzz/corpus/inert/{name}");
        }
    }
}
