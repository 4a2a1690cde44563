//! Fault injection: a killed run, a full disk and a read-only folder never leave
//! a half-written or mixed set of outputs (README, "What atomic means").
#![allow(
    clippy::print_stderr,
    reason = "a test says on stderr what it skipped, and where its kills landed"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use correct::output::journal;

use crate::support::{Project, Run, record};

/// Every output file below `output/` with its bytes, leaving out the staged
/// `.correct-*.tmp` files a killed run may leave (the next run removes them).
fn outputs(project: &Project) -> Vec<(PathBuf, Vec<u8>)> {
    let root = project.path().join("output");
    project
        .snapshot()
        .into_iter()
        .filter_map(|(path, bytes)| {
            let rel = path.strip_prefix(&root).ok()?.to_path_buf();
            let name = rel.file_name()?.to_string_lossy().into_owned();
            let staged = name.starts_with(".correct-") && name.ends_with(".tmp");
            (!staged).then_some((rel, bytes))
        })
        .collect()
}

fn restore(project: &Project, files: &[(PathBuf, Vec<u8>)]) {
    let root = project.path().join("output");
    std::fs::remove_dir_all(&root).unwrap();
    for (rel, bytes) in files {
        project.write(&format!("output/{}", rel.display()), bytes);
    }
}

/// A project of `inputs` articles whose records put `word` in each.
fn archive(project: &Project, inputs: usize, word: &str) {
    for i in 0..inputs {
        let text =
            format!("Article {i}.\nThe treaty was signed in 1941 by both sides.\n").repeat(20);
        project.write(&format!("input/a{i:03}.txt"), text);
        let mut fix = record("year", "1941 by both", &format!("1941 by {word}"));
        fix["occurrence"] = "all".into();
        project.records(&format!("corrections/a{i:03}.json"), &[fix]);
    }
}

#[test]
fn sigkill_at_any_moment_never_leaves_a_mixed_set_of_outputs() {
    const INPUTS: usize = 100;
    let project = Project::new();
    archive(&project, INPUTS, "the two");
    assert_eq!(project.run(&[]).code, 0);
    let old = outputs(&project);

    let reference = Project::new();
    archive(&reference, INPUTS, "the two powers");
    assert_eq!(reference.run(&[]).code, 0);
    let new = outputs(&reference);
    assert_eq!(old.len(), new.len());
    assert!(old.iter().zip(&new).all(|(o, n)| o.0 == n.0 && o.1 != n.1));

    archive(&project, INPUTS, "the two powers");
    let started = Instant::now();
    assert_eq!(project.run(&[]).code, 0);
    let full = started.elapsed();

    // First kills spread over the whole run, then a bisection between the
    // latest kill that came too early and the earliest that came too late, which
    // homes in on the renames (the moment of the commit moves from run to run).
    let (mut before, mut during, mut after) = (0, 0, 0);
    let (mut early, mut late) = (Duration::ZERO, full * 2);
    let mut attempt = 0;
    while attempt < 30 || (during < 3 && attempt < 300) {
        let delay = match attempt < 20 {
            true => full * 2 * attempt / 20,
            false => (early + late) / 2,
        };
        attempt += 1;
        restore(&project, &old);
        let mut child = project
            .command(&[])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let interrupted = project
            .path()
            .join("output")
            .join(journal::JOURNAL)
            .is_file();
        // What the next run does first (`correct` calls the same function).
        correct::output::recover(project.path(), Path::new("output")).unwrap();
        let now = outputs(&project);
        if interrupted {
            during += 1;
            assert!(
                now == new,
                "attempt {attempt}: recovery must finish the set"
            );
        } else if now == old {
            before += 1;
            early = early.max(delay);
        } else {
            after += 1;
            assert!(
                now == new,
                "attempt {attempt} ({delay:?}): a mixed set of outputs"
            );
            late = late.min(delay);
        }
        if late <= early + Duration::from_micros(200) {
            // Timing noise crossed the bounds: open the window again.
            (early, late) = (early.saturating_sub(full / 10), late + full / 10);
        }
    }
    eprintln!(
        "{attempt} kills over a {full:?} run: {before} before the commit, {during} during the renames, {after} after"
    );
    assert!(
        during > 0,
        "no kill landed during the renames; the test proved little"
    );
}

#[test]
fn the_next_run_finishes_an_interrupted_one_and_check_reports_it() {
    let project = Project::new();
    project.write("input/a.txt", "The pact was signed in 1945.\n");
    project.records("corrections/a.json", &[record("year", "1945", "1941")]);
    assert_eq!(project.run(&[]).code, 0);
    // As a run killed after its commit leaves it: one output staged, the journal.
    project.write(
        "output/.correct-k1.tmp",
        "The pact was signed in April 1941.\n",
    );
    project.write(
        &format!("output/{}", journal::JOURNAL),
        r#"{"journal_version":1,"renames":[[".correct-k1.tmp","a.txt"]]}"#,
    );

    let check = project.run(&["--check"]);
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check.stderr.contains(
            "output/.correct-journal: a run was stopped while replacing the outputs; run `correct` to finish it"
        ),
        "{check:?}"
    );
    assert!(
        project.exists("output/.correct-k1.tmp"),
        "--check writes nothing"
    );

    // Even a run whose records fail finishes the committed one first.
    project.records("corrections/a.json", &[record("year", "absent", "x")]);
    let run = project.run(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("note: finished an interrupted run: moved 1 staged outputs into place"),
        "{run:?}"
    );
    assert_eq!(
        project.read("output/a.txt"),
        "The pact was signed in April 1941.\n"
    );
    assert!(!project.exists(&format!("output/{}", journal::JOURNAL)));
}

/// A tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_every_output_as_it_was() {
    let project = Project::new();
    project.write("input/a.txt", "The pact was signed in 1945.\n");
    project.records("corrections/a.json", &[record("year", "1945", "1941")]);
    let Some(_mount) = Mount::tmpfs(&project.path().join("output"), "256k") else {
        eprintln!(
            "skipped: this machine cannot mount a tmpfs (needs root); the unit test with a failing writer still covers a full disk"
        );
        return;
    };
    assert_eq!(project.run(&[]).code, 0);
    let before = project.snapshot();

    // A replacement that no longer fits: the article, its diff and its review
    // page each hold it.
    let long = "1941, ".repeat(20_000);
    project.records("corrections/a.json", &[record("year", "1945", &long)]);
    let before_records = project.snapshot();
    let run = project.run(&[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("No space left on device"), "{run:?}");
    assert!(run.stderr.contains("no output was changed"), "{run:?}");
    let after = project.snapshot();
    assert_eq!(after, before_records);
    let outputs_then: Vec<_> = before
        .iter()
        .filter(|(p, _)| p.starts_with(project.path().join("output")))
        .collect();
    let outputs_now: Vec<_> = after
        .iter()
        .filter(|(p, _)| p.starts_with(project.path().join("output")))
        .collect();
    assert_eq!(outputs_now, outputs_then);
}

/// `correct` as a user without write access to the project: as root, through
/// `setpriv` as `nobody` (root writes anywhere). `None` when that cannot run.
fn unprivileged(project: &Project, args: &[&str]) -> Option<Run> {
    let binary = env!("CARGO_BIN_EXE_correct");
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut command = match is_root {
        false => Command::new(binary),
        true => {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                .arg(binary);
            c
        }
    };
    command
        .args(args)
        .current_dir(project.path())
        .stdin(Stdio::null());
    let output = command.output().ok()?;
    let run = Run::from(output);
    // nobody must at least be able to start the binary and read the project.
    (!run.stderr.contains("Permission denied (os error 13)") || run.stderr.contains("cannot write"))
        .then_some(run)
}

#[test]
fn a_read_only_output_folder_changes_nothing() {
    use std::os::unix::fs::PermissionsExt as _;
    let project = Project::new();
    project.write("input/a.txt", "The pact was signed in 1945.\n");
    project.records("corrections/a.json", &[record("year", "1945", "1941")]);
    assert_eq!(project.run(&[]).code, 0);
    project.records(
        "corrections/a.json",
        &[record("year", "1945", "April 1941")],
    );
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    mode(project.path(), 0o755);
    mode(&project.path().join("output"), 0o555);
    let before = project.snapshot();

    let Some(run) = unprivileged(&project, &[]) else {
        eprintln!("skipped: cannot run correct as an unprivileged user here");
        return;
    };
    mode(&project.path().join("output"), 0o755);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("Permission denied"), "{run:?}");
    assert!(run.stderr.contains("no output was changed"), "{run:?}");
    assert_eq!(project.snapshot(), before);
}
