//! Criterion benchmarks of the library stages on generated prose: locate and
//! apply (`outcome::correct`), the diff from known edits, the review page and the
//! changelog. `scripts/bench.sh` measures the whole binary against its peers.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]
#![allow(clippy::unwrap_used, reason = "a benchmark's setup may stop on a bug")]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use correct::lines::Indexed;
use correct::outcome::correct;
use correct::record::{Category, Occurrence, Record};
use correct::render::{changelog, diff, review};

const WORDS: &[&str] = &[
    "the",
    "kernel",
    "documentation",
    "describes",
    "how",
    "to",
    "submit",
    "patches",
    "and",
    "which",
    "maintainers",
    "review",
    "them",
    "before",
    "they",
    "are",
    "merged",
    "into",
    "mainline",
    "tree",
];

/// `bytes` of prose in lines of about 80 characters, with one misspelling
/// ("teh" for "the") every `every` words, and a record pinned to each.
fn data(bytes: usize, every: usize) -> (String, Vec<Record>) {
    let mut text = String::with_capacity(bytes + 100);
    let (mut state, mut n, mut typos) = (0x2545_f491_u64, 0usize, 0usize);
    while text.len() < bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        n += 1;
        let word = if n % every == 0 {
            typos += 1;
            "teh"
        } else {
            WORDS[(state % WORDS.len() as u64) as usize]
        };
        text.push_str(word);
        text.push(if n % 13 == 0 { '\n' } else { ' ' });
    }
    let records = (1..=typos)
        .map(|k| Record {
            occurrence: Occurrence::Nth(k),
            whole_word: true,
            category: Category::Spelling,
            reason: "Misspelling.".into(),
            ..Record::new(&format!("t{k}"), "teh", "the")
        })
        .collect();
    (text, records)
}

fn stages(c: &mut Criterion) {
    for mb in [1, 10] {
        let (text, records) = data(mb << 20, 400);
        let mut group = c.benchmark_group("stages");
        group
            .sample_size(10)
            .throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("locate+apply", mb), &text, |b, text| {
            b.iter(|| correct(text, &records));
        });
        let outcome = correct(&text, &records);
        assert!(outcome.succeeded());
        let edits = diff::edits_of(&outcome);
        group.bench_with_input(BenchmarkId::new("diff", mb), &text, |b, text| {
            b.iter(|| {
                diff::unified_changes(
                    "input/a.txt",
                    Indexed {
                        text,
                        lines: &outcome.original_lines,
                    },
                    Indexed {
                        text: &outcome.corrected,
                        lines: &outcome.corrected_lines,
                    },
                    &edits,
                )
            });
        });
        let header = review::Header {
            input: "input/a.txt",
            input_sha256: "0",
            output: "output/a.txt",
            output_sha256: "0",
            regenerate: "correct input/a.txt",
            syntax: correct::syntax::Syntax::Plain,
            appended: "",
            wdiff: "output/a.wdiff",
        };
        group.bench_with_input(BenchmarkId::new("review", mb), &text, |b, text| {
            b.iter(|| review::render(header, text, &records, &outcome));
        });
        let written = changelog::Written {
            output: "output/a.txt",
            text: &outcome.corrected,
            diff: "output/a.diff",
        };
        group.bench_with_input(BenchmarkId::new("changelog", mb), &text, |b, text| {
            b.iter(|| {
                changelog::to_file_text(&changelog::build(
                    correct::wire::FileDigest::of("input/a.txt", text),
                    text,
                    Some(written),
                    &records,
                    &outcome,
                ))
            });
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
