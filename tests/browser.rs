//! The `--html` pages in a real browser: headless Chromium loads each page, the
//! text of every `<ins>` and `<del>` mark in its DOM is checked, and a
//! screenshot is taken (`target/browser/*.png`). Runs when `CORRECT_CHROMIUM=1`
//! (`.ci/run` sets it when Chromium is installed; `scripts/install_chromium.sh`).
#![allow(
    clippy::print_stderr,
    reason = "the test says on stderr when it is skipped"
)]

use std::path::Path;
use std::process::Command;

use crate::support::Project;

/// Every `<tag>…</tag>` text in `html`, in order.
fn marks(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    html.split(open.as_str())
        .skip(1)
        .filter_map(|rest| {
            rest.split_once(close.as_str())
                .map(|(text, _)| text.to_owned())
        })
        .collect()
}

/// Chromium's flags for a headless run on a closed network, as root.
fn chromium(profile: &Path) -> Command {
    let mut c = Command::new("chromium");
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn the_html_pages_render_their_marks_in_chromium() {
    if std::env::var_os("CORRECT_CHROMIUM").is_none() {
        eprintln!(
            "skipped: set CORRECT_CHROMIUM=1 with Chromium installed (scripts/install_chromium.sh)"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = Project::new();
    p.write(
        "input/article.txt",
        std::fs::read(root.join("input/article.txt")).unwrap(),
    );
    for entry in std::fs::read_dir(root.join("corrections/article")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        p.write(
            &format!("corrections/article/{name}"),
            std::fs::read(&path).unwrap(),
        );
    }
    let run = p.run(&["--html", "input/article.txt"]);
    assert_eq!(run.code, 0, "{run:?}");

    let profile = tempfile::tempdir().unwrap();
    let shots = root.join("target/browser");
    std::fs::create_dir_all(&shots).unwrap();
    let review_md = p.read("output/article.review.md");
    for (page, expect_marks) in [("article.review.html", true), ("article.html", false)] {
        let url = format!("file://{}", p.path().join("output").join(page).display());
        let dom = chromium(profile.path())
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            dom.status.success(),
            "{}",
            String::from_utf8_lossy(&dom.stderr)
        );
        let dom = String::from_utf8(dom.stdout).unwrap();
        if expect_marks {
            for tag in ["ins", "del"] {
                let (in_dom, in_source) = (marks(&dom, tag), marks(&review_md, tag));
                assert!(!in_dom.is_empty(), "{page}: no <{tag}> in the DOM");
                assert_eq!(in_dom, in_source, "{page}: <{tag}> texts");
            }
            assert!(
                dom.contains("footnote-definition"),
                "{page}: footnotes render"
            );
        } else {
            assert!(marks(&dom, "ins").is_empty() && marks(&dom, "del").is_empty());
            let corrected = p.read("output/article.txt");
            let first = corrected.lines().nth(3).unwrap();
            assert!(
                dom.contains(&first.replace('&', "&amp;")),
                "{page}: the corrected text"
            );
        }
        let shot = shots.join(page.replace(".html", ".png"));
        let taken = chromium(profile.path())
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1000,1600")
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            taken.status.success(),
            "{}",
            String::from_utf8_lossy(&taken.stderr)
        );
        let png = std::fs::read(&shot).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{page}: a real screenshot"
        );
    }
}
