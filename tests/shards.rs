//! `--shard K/N`: an archive split over N CI jobs, each running one shard,
//! writes exactly what one run over the whole archive writes, and each job's
//! `--check` judges only its own shard's articles and outputs.

use crate::support::{Project, record};

/// Twelve articles with nested keys, each with one record.
fn archive() -> Project {
    let project = Project::new();
    for n in 0..12 {
        let key = format!("{}/piece-{n}", 2020 + n % 3);
        project.write(
            &format!("input/{key}.txt"),
            format!("Article {n} says the pact was signed in 1945.\n"),
        );
        project.records(
            &format!("corrections/{key}.json"),
            &[record(&format!("date-{n}"), "1945", "1941")],
        );
    }
    project
}

/// Every file below `output/`, by path.
/// The corrected text, diff, changelog, review page and word diff.
const OUTPUTS_PER_ARTICLE: usize = 5;

fn outputs(project: &Project) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let out = project.path().join("output");
    project
        .snapshot()
        .into_iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix(&out).ok()?.to_path_buf(), bytes)))
        .collect()
}

#[test]
fn the_shards_of_a_run_write_what_the_whole_run_writes() {
    let whole = archive();
    let run = whole.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let expected = outputs(&whole);
    assert_eq!(expected.len(), 12 * OUTPUTS_PER_ARTICLE);

    let sharded = archive();
    let mut counts = Vec::new();
    for k in 1..=3 {
        let before = outputs(&sharded).len();
        let shard = format!("{k}/3");
        let run = sharded.run(&["--shard", &shard]);
        assert_eq!(run.code, 0, "{run:?}");
        counts.push((outputs(&sharded).len() - before) / OUTPUTS_PER_ARTICLE);
        // Each shard's check passes once it is written, whatever the others did.
        let check = sharded.run(&["--check", "--shard", &shard]);
        assert_eq!(check.code, 0, "{check:?}");
    }
    assert_eq!(
        outputs(&sharded),
        expected,
        "the union of the shards differs"
    );
    assert_eq!(counts.iter().sum::<usize>(), 12, "{counts:?}");
    assert!(
        counts.iter().all(|&c| c > 0),
        "a shard was empty: {counts:?}"
    );
}

#[test]
fn a_shard_checks_its_own_articles_and_orphans_only() {
    let project = archive();
    assert_eq!(project.run(&[]).code, 0);
    // One article's record changes: exactly one shard goes stale.
    project.records(
        "corrections/2020/piece-0.json",
        &[record("date-0", "1945", "1939")],
    );
    let stale: Vec<u8> = (1..=3)
        .filter(|k| project.run(&["--check", "--shard", &format!("{k}/3")]).code == 1)
        .collect();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(project.run(&[]).code, 0);
    // An article removed: its outputs are orphans in its own shard only.
    std::fs::remove_file(project.path().join("input/2021/piece-1.txt")).unwrap();
    let stale: Vec<(u8, String)> = (1..=3)
        .map(|k| (k, project.run(&["--check", "--shard", &format!("{k}/3")])))
        .filter(|(_, run)| run.code == 1)
        .map(|(k, run)| (k, run.stderr))
        .collect();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(stale[0].1.contains("2021/piece-1"), "{}", stale[0].1);
}

#[test]
fn a_shard_that_is_not_k_of_n_is_refused_with_the_form() {
    let project = archive();
    for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
        let run = project.run(&["--shard", bad]);
        assert_eq!(run.code, 2, "{bad}: {run:?}");
        assert!(run.stderr.contains("K/N"), "{bad}: {}", run.stderr);
    }
}
