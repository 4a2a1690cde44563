//! The hostile-repository corpus (SECURITY.md): a repository whose links,
//! FIFOs, sockets, stale temporary files, journals and texts were written by
//! an attacker. Each case asserts the exit code, a message naming the file,
//! and that a victim folder outside the project is byte for byte unchanged.
//! Cases that could hang run under a timeout, so a regression fails instead
//! of stalling CI.

#![cfg(unix)]
#![allow(clippy::print_stderr, reason = "a test says on stderr what it skipped")]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{Project, Run, record};

/// A case: its name, how to set the project up, the arguments, and the path
/// the message must name.
type Case<'a> = (&'a str, Box<dyn Fn(&Project)>, &'a [&'a str], &'a str);

/// A folder outside the project holding files an attacker would like changed,
/// deleted or read.
struct Victim {
    dir: tempfile::TempDir,
    before: Vec<(PathBuf, Vec<u8>)>,
}

impl Victim {
    fn new() -> Victim {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("important.txt"), "keep me\n").unwrap();
        std::fs::write(dir.path().join(".correct-victim.tmp"), "not yours\n").unwrap();
        std::fs::write(
            dir.path().join(".correct-journal"),
            r#"{"journal_version":1,"renames":[[".correct-victim.tmp","important.txt"]]}"#,
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("2024")).unwrap();
        std::fs::write(dir.path().join("2024/.correct-deep.tmp"), "deep\n").unwrap();
        let before = tree(dir.path());
        Victim { dir, before }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fails unless every file of the victim is as it was.
    fn assert_unchanged(&self, case: &str) {
        assert_eq!(tree(self.path()), self.before, "{case}: the victim changed");
    }
}

/// Every entry below `dir` with its bytes (a link's target as its bytes),
/// never following a link.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                found.push((path, target.into_os_string().into_encoded_bytes()));
            } else if meta.is_dir() {
                dirs.push(path);
            } else if meta.is_file() {
                found.push((path.clone(), std::fs::read(&path).unwrap()));
            } else {
                found.push((path, b"(special)".to_vec()));
            }
        }
    }
    found.sort();
    found
}

/// Runs `correct args` in `p`, killed (and failed) after `limit`. Its output
/// goes to files, so a long report never fills a pipe no one reads.
fn run_within(p: &Project, args: &[&str], limit: Duration) -> Run {
    let (stdout, stderr) = (tempfile::tempfile().unwrap(), tempfile::tempfile().unwrap());
    let mut child = p
        .command(args)
        .stdout(stdout.try_clone().unwrap())
        .stderr(stderr.try_clone().unwrap())
        .spawn()
        .unwrap();
    let read = |mut file: &std::fs::File| {
        use std::io::{Read, Seek};
        let mut bytes = Vec::new();
        file.rewind().unwrap();
        file.read_to_end(&mut bytes).unwrap();
        bytes
    };
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Run::from(std::process::Output {
                status,
                stdout: read(&stdout),
                stderr: read(&stderr),
            });
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "correct {args:?} hung (killed after {limit:?}); stderr: {}",
                String::from_utf8_lossy(&read(&stderr))
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(p: &Project, args: &[&str]) -> Run {
    run_within(p, args, Duration::from_secs(20))
}

/// A project with one article and one record.
fn article() -> Project {
    let p = Project::new();
    p.write("input/article.txt", "The war ended in 1944.\n");
    p.records(
        "corrections/article.json",
        &[record("year", "1944", "1945")],
    );
    p
}

/// Every `.correct-*.tmp` file below the project (not following links).
fn stray_temporaries(p: &Project) -> Vec<PathBuf> {
    tree(p.path())
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with(".correct-") && name.ends_with(".tmp")
        })
        .collect()
}

fn assert_refused(case: &str, run: &Run, names: &str) {
    assert_eq!(run.code, 2, "{case}: {run:?}");
    assert!(
        run.stderr.contains(names),
        "{case}: the message names {names}: {run:?}"
    );
    assert!(!run.stderr.contains("panicked"), "{case}: {run:?}");
}

#[test]
fn a_journal_cannot_rename_through_a_link_in_the_output_folder() {
    let journals = [
        r#"[[".correct-evil.tmp","lnk/important.txt"]]"#,
        r#"[["lnk/.correct-victim.tmp","lnk/important.txt"]]"#,
        r#"[[".correct-evil.tmp","../outside.txt"]]"#,
        r#"[[".correct-evil.tmp","/tmp/outside.txt"]]"#,
        r#"[["../input/article.txt",".correct-x.tmp"]]"#,
    ];
    for renames in journals {
        let victim = Victim::new();
        let p = article();
        p.write("output/.correct-evil.tmp", "evil\n");
        symlink(victim.path(), p.path().join("output/lnk")).unwrap();
        p.write(
            "output/.correct-journal",
            format!(r#"{{"journal_version":1,"renames":{renames}}}"#),
        );
        let before = p.bytes("input/article.txt");
        let run = run(&p, &[]);
        assert_refused(renames, &run, "output/.correct-journal");
        victim.assert_unchanged(renames);
        assert_eq!(p.bytes("input/article.txt"), before, "{renames}");
        assert!(
            !p.exists("output/article.txt"),
            "{renames}: nothing written"
        );
    }
}

#[test]
fn an_output_folder_that_is_a_link_is_refused_before_recovery_or_sweep() {
    // `output` itself, a nested output folder, relative and absolute links.
    for (link, input) in [
        ("output", "input/article.txt"),
        ("output/2024", "input/2024/article.txt"),
    ] {
        for absolute in [true, false] {
            let victim = Victim::new();
            let p = Project::new();
            p.write(input, "The war ended in 1944.\n");
            let key = input
                .strip_prefix("input/")
                .unwrap()
                .strip_suffix(".txt")
                .unwrap();
            p.records(
                &format!("corrections/{key}.json"),
                &[record("year", "1944", "1945")],
            );
            let at = p.path().join(link);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            let target = match absolute {
                true => victim.path().to_path_buf(),
                false => pathdiff(victim.path(), at.parent().unwrap()),
            };
            symlink(&target, &at).unwrap();
            let case = format!("{link} -> {}", target.display());
            let run = run(&p, &[]);
            assert_refused(&case, &run, link);
            assert!(run.stderr.contains("symbolic link"), "{case}: {run:?}");
            victim.assert_unchanged(&case);
            // --check neither reads nor trusts it either.
            let check = run_within(&p, &["--check"], Duration::from_secs(20));
            assert_ne!(check.code, 0, "{case}: {check:?}");
            victim.assert_unchanged(&case);
        }
    }
}

/// A relative path from `base` to `to` (both absolute).
fn pathdiff(to: &Path, base: &Path) -> PathBuf {
    let ups = base.components().count() - 1;
    let mut path = PathBuf::new();
    for _ in 0..ups {
        path.push("..");
    }
    path.join(to.strip_prefix("/").unwrap())
}

#[test]
fn an_output_file_that_is_a_link_is_neither_written_nor_read() {
    let victim = Victim::new();
    let secret = victim.path().join("important.txt");
    for output in [
        "output/article.txt",
        "output/article.diff",
        "output/article.review.md",
    ] {
        let p = article();
        std::fs::create_dir_all(p.path().join("output")).unwrap();
        symlink(&secret, p.path().join(output)).unwrap();
        let run = run(&p, &[]);
        assert_refused(output, &run, output);
        // --check compares nothing through it, so prints nothing of it.
        let check = run_within(&p, &["--check"], Duration::from_secs(20));
        assert_eq!(check.code, 1, "{output}: {check:?}");
        assert!(check.stderr.contains(output), "{check:?}");
        assert!(!check.stderr.contains("keep me"), "{output}: {check:?}");
        victim.assert_unchanged(output);
    }
}

#[test]
fn an_input_or_record_file_that_is_a_link_is_refused_and_never_copied() {
    let victim = Victim::new();
    let secret = victim.path().join("important.txt");
    let cases: Vec<Case<'_>> = vec![
        (
            "an article linked to the environment",
            Box::new(|p: &Project| {
                std::fs::create_dir_all(p.path().join("input")).unwrap();
                symlink("/proc/self/environ", p.path().join("input/env.txt")).unwrap();
                p.write("corrections/env.json", "[]");
            }),
            &[],
            "input/env.txt",
        ),
        (
            "the same, named on the command line",
            Box::new(|p: &Project| {
                std::fs::create_dir_all(p.path().join("input")).unwrap();
                symlink("/proc/self/environ", p.path().join("input/env.txt")).unwrap();
                p.write("corrections/env.json", "[]");
            }),
            &["input/env.txt"],
            "input/env.txt",
        ),
        (
            "an article linked to a file outside",
            {
                let secret = secret.clone();
                Box::new(move |p: &Project| {
                    std::fs::create_dir_all(p.path().join("input")).unwrap();
                    symlink(&secret, p.path().join("input/secret.txt")).unwrap();
                    p.write("corrections/secret.json", "[]");
                })
            },
            &[],
            "input/secret.txt",
        ),
        (
            "an input folder that is a link",
            {
                let dir = victim.path().to_path_buf();
                Box::new(move |p: &Project| {
                    symlink(&dir, p.path().join("input")).unwrap();
                    p.write("corrections/important.json", "[]");
                })
            },
            &[],
            "input",
        ),
        (
            "a record file that is a link",
            {
                let secret = secret.clone();
                Box::new(move |p: &Project| {
                    p.write("input/article.txt", "The war ended in 1944.\n");
                    std::fs::create_dir_all(p.path().join("corrections/article")).unwrap();
                    symlink(&secret, p.path().join("corrections/article/a.json")).unwrap();
                })
            },
            &[],
            "corrections/article/a.json",
        ),
        (
            "a records folder that is a link",
            {
                let dir = victim.path().to_path_buf();
                Box::new(move |p: &Project| {
                    p.write("input/article.txt", "The war ended in 1944.\n");
                    std::fs::create_dir_all(p.path().join("corrections")).unwrap();
                    symlink(&dir, p.path().join("corrections/article")).unwrap();
                })
            },
            &["input/article.txt"],
            "corrections/article",
        ),
        (
            "a corrections folder that is a link",
            {
                let dir = victim.path().to_path_buf();
                Box::new(move |p: &Project| {
                    p.write("input/article.txt", "The war ended in 1944.\n");
                    symlink(&dir, p.path().join("corrections")).unwrap();
                })
            },
            &["input/article.txt"],
            "corrections",
        ),
    ];
    for (case, setup, args, names) in cases {
        let p = Project::new();
        setup(&p);
        let run = run(&p, args);
        assert_refused(case, &run, names);
        assert!(!p.exists("output/env.txt"), "{case}");
        assert!(
            !run.stderr.contains("keep me") && !run.stderr.contains("PATH="),
            "{case}: {run:?}"
        );
        victim.assert_unchanged(case);
    }
}

#[test]
fn scans_never_follow_links_so_they_end() {
    let cases: Vec<Case<'_>> = vec![
        (
            "two links to the parent",
            Box::new(|p: &Project| {
                p.write("input/a.txt", "x");
                symlink("..", p.path().join("input/up0")).unwrap();
                symlink("..", p.path().join("input/up1")).unwrap();
            }),
            &[],
            "input/up0",
        ),
        (
            "a link to the root",
            Box::new(|p: &Project| {
                p.write("input/deep/a.txt", "x");
                symlink("/", p.path().join("input/deep/root")).unwrap();
            }),
            &[],
            "input/deep/root",
        ),
        (
            "a link to itself",
            Box::new(|p: &Project| {
                p.write("input/a.txt", "x");
                symlink("self", p.path().join("input/self")).unwrap();
            }),
            &["input"],
            "input/self",
        ),
        (
            "a folder outside the project",
            Box::new(|_: &Project| {}),
            &["/proc/self"],
            "/proc/self",
        ),
        (
            "the parent of the project",
            Box::new(|_: &Project| {}),
            &[".."],
            "outside the working directory",
        ),
    ];
    for (case, setup, args, names) in cases {
        let p = Project::new();
        setup(&p);
        let run = run_within(&p, args, Duration::from_secs(10));
        assert_refused(case, &run, names);
    }
}

#[test]
fn fifos_sockets_and_devices_are_refused_without_blocking() {
    let fifo = |p: &Project, rel: &str| {
        let path = p.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &path,
            rustix::fs::Mode::from_raw_mode(0o644),
        )
        .unwrap();
    };
    // An article, a record file, and a FIFO found by the scan.
    for (rel, args) in [
        ("input/article.txt", &[][..]),
        ("input/article.txt", &["input/article.txt"][..]),
        ("corrections/article.json", &[][..]),
        ("corrections/article/b.json", &["input/article.txt"][..]),
        ("input/2024/pipe.txt", &[][..]),
    ] {
        let p = Project::new();
        if rel != "input/article.txt" {
            p.write("input/article.txt", "The war ended in 1944.\n");
        }
        if !rel.starts_with("corrections/") {
            p.records(
                "corrections/article.json",
                &[record("year", "1944", "1945")],
            );
        }
        fifo(&p, rel);
        let case = format!("a FIFO at {rel}, args {args:?}");
        let run = run_within(&p, args, Duration::from_secs(10));
        assert_refused(&case, &run, rel);
        assert!(run.stderr.contains("FIFO"), "{case}: {run:?}");
        assert_eq!(stray_temporaries(&p), Vec::<PathBuf>::new(), "{case}");
    }
    // An output that is a FIFO: --check does not block on it either.
    let p = article();
    assert_eq!(run(&p, &[]).code, 0);
    std::fs::remove_file(p.path().join("output/article.txt")).unwrap();
    fifo(&p, "output/article.txt");
    let check = run_within(&p, &["--check"], Duration::from_secs(10));
    assert_eq!(check.code, 1, "{check:?}");
    assert!(check.stderr.contains("output/article.txt"), "{check:?}");
    let write = run_within(&p, &[], Duration::from_secs(10));
    assert_refused("a FIFO as an output", &write, "output/article.txt");

    // A socket as an article.
    let p = article();
    std::fs::remove_file(p.path().join("input/article.txt")).unwrap();
    let _listener =
        std::os::unix::net::UnixListener::bind(p.path().join("input/article.txt")).unwrap();
    let run = run_within(&p, &[], Duration::from_secs(10));
    assert_refused("a socket", &run, "input/article.txt");
    assert!(run.stderr.contains("socket"), "{run:?}");

    // A device node (only root can make one).
    let p = article();
    std::fs::remove_file(p.path().join("input/article.txt")).unwrap();
    let made = rustix::fs::mknodat(
        rustix::fs::CWD,
        p.path().join("input/article.txt"),
        rustix::fs::FileType::CharacterDevice,
        rustix::fs::Mode::from_raw_mode(0o644),
        rustix::fs::makedev(1, 5),
    );
    match made {
        Ok(()) => {
            let run = run_within(&p, &[], Duration::from_secs(10));
            assert_refused("a device", &run, "input/article.txt");
            assert!(run.stderr.contains("device"), "{run:?}");
        }
        Err(e) => eprintln!("skipped: the device-node case needs root to mknod ({e})"),
    }
}

/// A project of 300 articles: a run takes long enough for a second to start
/// while the first is still writing.
fn archive() -> Project {
    let p = Project::new();
    for i in 0..300 {
        p.write(
            &format!("input/a{i}.txt"),
            format!("The war ended in 1944. Line {i}.\n"),
        );
        p.records(
            &format!("corrections/a{i}.json"),
            &[record("year", "1944", "1945")],
        );
    }
    p
}

#[test]
fn two_runs_on_a_fresh_project_never_mix_or_invent_a_journal() {
    let reference = archive();
    assert_eq!(run(&reference, &[]).code, 0);
    let expected = tree(&reference.path().join("output"))
        .into_iter()
        .map(|(path, bytes)| {
            let rel = path.strip_prefix(reference.path()).unwrap().to_path_buf();
            (rel, bytes)
        })
        .collect::<Vec<_>>();
    // Offsets from 0 to 300 ms, spread evenly (deterministic, no seed to lose).
    for pair in 0..16u64 {
        let p = archive();
        let offset = Duration::from_micros(pair * 300_000 / 15);
        let first = p
            .command(&[])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(offset);
        let second = p
            .command(&[])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        for child in [first, second] {
            let run = Run::from(child.wait_with_output().unwrap());
            assert_eq!(run.code, 0, "pair {pair} at {offset:?}: {run:?}");
            assert!(
                !run.stderr.contains("journal"),
                "pair {pair}: a false journal message: {run:?}"
            );
        }
        let got = tree(&p.path().join("output"))
            .into_iter()
            .map(|(path, bytes)| (path.strip_prefix(p.path()).unwrap().to_path_buf(), bytes))
            .collect::<Vec<_>>();
        assert_eq!(got, expected, "pair {pair} at {offset:?}");
        assert_eq!(stray_temporaries(&p), Vec::<PathBuf>::new(), "pair {pair}");
    }
}

/// Text that would retitle, clear and beep a terminal.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}2J\u{202e}";

fn assert_inert(case: &str, text: &str) {
    for bad in ["\u{1b}]", "\u{7}", "\u{1b}[2J", "\u{9b}", "\u{202e}"] {
        assert!(
            !text.contains(bad),
            "{case}: {bad:?} reached the output: {text:?}"
        );
    }
}

#[test]
fn terminal_controls_from_records_and_articles_are_shown_inert() {
    let p = Project::new();
    p.write(
        "input/article.txt",
        format!("Near {HOSTILE} the war ended in 1944 {HOSTILE} or so.\n"),
    );
    let mut hostile = record("year", "1944", &format!("1945{HOSTILE}"));
    hostile["reason"] = format!("Because {HOSTILE} it did.").into();
    let mut missing = record("gone", &format!("absent{HOSTILE}"), "x");
    missing["reason"] = format!("Missing {HOSTILE}.").into();
    p.records("corrections/article.json", &[hostile.clone()]);
    for colour in ["never", "always"] {
        let run = run(&p, &["--dry-run", "--show-changes", "--color", colour]);
        assert_eq!(run.code, 0, "{run:?}");
        assert_inert(&format!("changes, colour {colour}"), &run.stderr);
        assert!(run.stderr.contains("\\x1b]0;pwned\\x07"), "{run:?}");
    }
    p.records("corrections/article.json", &[hostile, missing]);
    for args in [
        &["--color", "always"][..],
        &["--format", "json"][..],
        &["--format", "github"][..],
        &["--format", "rdjson"][..],
    ] {
        let run = run(&p, args);
        assert_eq!(run.code, 1, "{args:?}: {run:?}");
        assert_inert(&format!("{args:?} stderr"), &run.stderr);
        assert_inert(&format!("{args:?} stdout"), &run.stdout);
    }
    // A record file whose name and error text carry controls.
    let p = article();
    p.write(
        &format!("corrections/article/x{}.json", "\u{1b}[2J"),
        format!(
            r#"{{"id": "a", "find": "{}", "replce": "b"}}"#,
            "\\u001b]0;t\\u0007"
        ),
    );
    let run = run(&p, &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_inert("a broken record file", &run.stderr);
}

#[test]
fn pages_link_only_web_and_mail_sources() {
    let p = Project::new();
    p.write(
        "input/article.md",
        "The war ended in 1944. See [this](javascript:alert(2)).\n",
    );
    let mut r = record("year", "1944", "1945");
    r["sources"] = serde_json::json!([
        {"title": "Evil", "url": "javascript:alert(1)"},
        {"title": "Tab", "url": "java\tscript:alert(1)"},
        {"title": "Data", "url": "data:text/html,<script>alert(1)</script>"},
        {"title": "Good", "url": "https://example.org/ref"}
    ]);
    p.records("corrections/article.json", &[r]);
    let run = run(&p, &["--html"]);
    assert_eq!(run.code, 0, "{run:?}");
    let page = p.read("output/article.review.html");
    let lower = page.to_lowercase();
    for bad in [
        "href=\"javascript",
        "href=\"java\tscript",
        "href=\"data:",
        "<script",
    ] {
        assert!(!lower.contains(bad), "{bad} in the page: {page}");
    }
    assert!(page.contains("href=\"https://example.org/ref\""), "{page}");
    assert!(page.contains("Content-Security-Policy"), "{page}");
    let corrected = p.read("output/article.html");
    assert!(
        !corrected.to_lowercase().contains("href=\"javascript"),
        "{corrected}"
    );
    let review = p.read("output/article.review.md");
    assert!(!review.contains("](<javascript"), "{review}");
    assert!(!review.contains("](<data:"), "{review}");
}

/// The json report's `error.kind` of every correction of the one input.
/// Reports here run to hundreds of megabytes: they are read into the few
/// fields the test looks at (serde checks the rest is JSON and skips it), not
/// into `serde_json::Value` trees of gigabytes.
fn failure_kinds(run: &Run) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Report {
        corrections: Vec<Correction>,
    }
    #[derive(serde::Deserialize)]
    struct Correction {
        error: Option<Kind>,
    }
    #[derive(serde::Deserialize)]
    struct Kind {
        kind: String,
    }
    let report: Report = serde_json::from_str(run.stdout.trim()).unwrap();
    let kinds = report.corrections.into_iter();
    kinds
        .map(|c| c.error.map_or("none".into(), |e| e.kind))
        .collect()
}

/// The start of a report too long to print whole.
fn head(text: &str) -> String {
    text.chars().take(2000).collect()
}

/// Whether an rdjson document has a `too_large` diagnostic in `file`.
fn rdjson_locates_too_large(document: &str, file: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Document {
        diagnostics: Vec<Diagnostic>,
    }
    #[derive(serde::Deserialize)]
    struct Diagnostic {
        code: Option<Code>,
        location: Option<Location>,
    }
    #[derive(serde::Deserialize)]
    struct Code {
        value: String,
    }
    #[derive(serde::Deserialize)]
    struct Location {
        path: String,
    }
    let document: Document = serde_json::from_str(document).unwrap();
    let mut all = document.diagnostics.iter();
    all.any(|d| {
        d.code.as_ref().is_some_and(|c| c.value == "too_large")
            && d.location.as_ref().is_some_and(|l| l.path == file)
    })
}

/// The short description of a SARIF log's rule `id`, if it lists the rule.
fn sarif_rule_text(log: &str, id: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Log {
        runs: Vec<SarifRun>,
    }
    #[derive(serde::Deserialize)]
    struct SarifRun {
        tool: Tool,
    }
    #[derive(serde::Deserialize)]
    struct Tool {
        driver: Driver,
    }
    #[derive(serde::Deserialize)]
    struct Driver {
        rules: Vec<Rule>,
    }
    #[derive(serde::Deserialize)]
    struct Rule {
        id: String,
        #[serde(rename = "shortDescription")]
        short_description: Text,
    }
    #[derive(serde::Deserialize)]
    struct Text {
        text: String,
    }
    let log: Log = serde_json::from_str(log).unwrap();
    let rules = log.runs.into_iter().next()?.tool.driver.rules;
    let rule = rules.into_iter().find(|r| r.id == id)?;
    Some(rule.short_description.text)
}

/// A few bytes of records must not ask for gigabytes: of corrected text
/// (a short `find` everywhere, replaced by a megabyte), of edits (a changelog
/// entry each), or of matches held while records pick theirs (a one-letter
/// `find` in a text of that letter), in the exact and the tolerant tiers
/// alike. Each fails as `too_large`, names the record, and writes nothing.
#[test]
fn records_that_would_make_gigabytes_fail_as_too_large_and_write_nothing() {
    let every = |id: &str, find: &str, replace: &str| {
        let mut r = record(id, find, replace);
        r["occurrence"] = "all".into();
        r
    };
    let mut in_context = record("one", "a", "b");
    in_context["before"] = "zzz ".into();
    let cases: Vec<(&str, String, Vec<serde_json::Value>, &str)> = vec![
        (
            "a megabyte for every `a`",
            "a ".repeat(500_000),
            vec![every("bomb", "a", &"b".repeat(1 << 20))],
            "over the limit of 1 GiB for a corrected article",
        ),
        (
            "one record with more edits than an article takes",
            "a ".repeat(1_100_000),
            vec![every("many", "a", "b")],
            "matches 1100000 times, more than the 1000000 edits an article may take",
        ),
        (
            "records with more edits together than an article takes",
            "a b cdefghijklmnopqrstuvwxyz ".repeat(600_000),
            vec![every("a", "a", "x"), every("b", "b", "y")],
            "makes 600000 edits, and the article's records 1200000 in all, over the limit of 1000000 edits per article",
        ),
        (
            "more matches than a search holds",
            "a ".repeat(3_000_000),
            vec![in_context, record("year", "zzz", "yyy")],
            "\"a\" alone matched",
        ),
        (
            "more matches in the normalized text",
            "'".repeat(12_000_000),
            vec![record("quote", "\u{2019}", "x")],
            "more than a search of a text this long holds",
        ),
    ];
    for (case, text, records, says) in cases {
        let p = Project::new();
        p.write("input/a.txt", &text);
        p.records("corrections/a.json", &records);
        let run = run_within(&p, &["--format", "json"], Duration::from_secs(60));
        assert_eq!(run.code, 1, "{case}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{case}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{case}: {}", run.stderr);
        let kinds = failure_kinds(&run);
        assert!(kinds.iter().any(|k| k == "too_large"), "{case}: {kinds:?}");
        assert!(!p.exists("output"), "{case}: something was written");
        // Every machine format carries the failure, in the record file.
        let github = run_within(&p, &["--format", "github"], Duration::from_secs(60));
        assert!(
            github
                .stdout
                .contains("::error file=corrections/a.json,line="),
            "{case}: {}",
            github.stdout
        );
        assert!(
            github.stdout.contains("::too_large: "),
            "{case}: {}",
            github.stdout
        );
        let rdjson = run_within(&p, &["--format", "rdjson"], Duration::from_secs(60));
        let located = rdjson_locates_too_large(&rdjson.stdout, "corrections/a.json");
        assert!(located, "{case}: {}", head(&rdjson.stdout));
        let sarif = run_within(&p, &["--format", "sarif"], Duration::from_secs(60));
        assert_eq!(
            sarif_rule_text(&sarif.stdout, "too_large").as_deref(),
            Some("A file, or what the records would make of it, is larger than correct takes"),
            "{case}"
        );
    }
}
