//! The change-focused review: the word diff (`output/K.wdiff`) and the index
//! of changes at the top of the review page. Each shows every applied record,
//! and each change read without its insertions is a piece of the original,
//! read without its deletions a piece of the corrected text.

use crate::support::Project;

/// The projects checked: the fixtures and the repository's own article.
fn projects() -> Vec<(Project, &'static str, &'static str)> {
    let article = Project::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    article.write(
        "input/article.txt",
        std::fs::read(root.join("input/article.txt")).unwrap(),
    );
    for entry in std::fs::read_dir(root.join("corrections/article")).unwrap() {
        let entry = entry.unwrap();
        article.write(
            &format!(
                "corrections/article/{}",
                entry.file_name().to_str().unwrap()
            ),
            std::fs::read(entry.path()).unwrap(),
        );
    }
    let page = Project::new();
    let html = root.join("tests/html");
    page.write(
        "input/news.html",
        std::fs::read(html.join("news.html")).unwrap(),
    )
    .write(
        "corrections/news.json",
        std::fs::read(html.join("news.records.json")).unwrap(),
    );
    vec![
        (Project::fixture("tricky"), "input/tricky.txt", "tricky"),
        (page, "input/news.html", "news"),
        (Project::fixture("markdown"), "input/doc.md", "doc"),
        (Project::fixture("crlf-bom"), "input/story.txt", "story"),
        (article, "input/article.txt", "article"),
    ]
}

/// Whitespace runs (line breaks included) as one space: wrapping and table
/// cells change only those.
fn squashed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The two readings of a change marked with `del`/`ins` delimiters: the old
/// (insertions dropped) and the new (deletions dropped).
fn readings(marked: &str, del: (&str, &str), ins: (&str, &str)) -> (String, String) {
    let (mut old, mut new) = (String::new(), String::new());
    let mut rest = marked;
    loop {
        let next = [(del, true), (ins, false)]
            .into_iter()
            .filter_map(|((open, close), deleted)| Some((rest.find(open)?, open, close, deleted)))
            .min_by_key(|&(at, ..)| at);
        let Some((at, open, close, deleted)) = next else {
            old.push_str(rest);
            new.push_str(rest);
            break;
        };
        old.push_str(&rest[..at]);
        new.push_str(&rest[..at]);
        let inner = &rest[at + open.len()..];
        let end = inner
            .find(close)
            .unwrap_or_else(|| panic!("unclosed {open} in {marked}"));
        match deleted {
            true => old.push_str(&inner[..end]),
            false => new.push_str(&inner[..end]),
        }
        rest = &inner[end + close.len()..];
    }
    (old, new)
}

/// Asserts that each piece of `reading` between the `…` that mark text left
/// out is in `text` (whitespace squashed).
fn assert_pieces_in(text: &str, reading: &str, what: &str) {
    for piece in reading.split('…').map(squashed).filter(|p| !p.is_empty()) {
        assert!(text.contains(&piece), "{what}: {piece:?} of {reading:?}");
    }
}

/// The applied records' ids in the changelog, in order.
fn applied(p: &Project, key: &str) -> Vec<String> {
    let log: serde_json::Value =
        serde_json::from_str(&p.read(&format!("output/{key}.changelog.json"))).unwrap();
    log["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "applied")
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The corrected article's path for an input.
fn corrected(input: &str) -> String {
    format!("output/{}", input.trim_start_matches("input/"))
}

#[test]
fn the_word_diff_shows_every_change_in_the_articles_own_words() {
    for (p, input, key) in projects() {
        let run = p.run(&[input]);
        assert_eq!(run.code, 0, "{run:?}");
        let wdiff = p.read(&format!("output/{key}.wdiff"));
        let (original, fixed) = (
            squashed(&p.read(input)),
            squashed(&p.read(&corrected(input))),
        );
        let hunks: Vec<&str> = wdiff.split("\n@@ ").skip(1).collect();
        assert!(!hunks.is_empty(), "{wdiff}");
        assert!(
            wdiff.starts_with(&format!("Word diff of {input}: ")),
            "{wdiff}"
        );
        assert!(
            wdiff
                .lines()
                .next()
                .unwrap()
                .ends_with(&format!(" in {} place(s).", hunks.len())),
            "{wdiff}"
        );
        let mut named = Vec::new();
        for hunk in hunks {
            let (header, body) = hunk.split_once('\n').unwrap();
            let (at, names) = header.split_once(" @@ ").unwrap();
            assert!(at.starts_with("line "), "{header}");
            for name in names.split("; ") {
                named.push(name.split(' ').next().unwrap().to_owned());
            }
            assert!(
                body.lines()
                    .all(|l| l.chars().count() <= 78 || !l.contains(' ')),
                "a line past 78 columns that could wrap:\n{body}"
            );
            let (old, new) = readings(body, ("[-", "-]"), ("{+", "+}"));
            assert_pieces_in(&original, &old, &format!("{key}: not in the original"));
            assert_pieces_in(&fixed, &new, &format!("{key}: not in the corrected text"));
            assert_ne!(old, new, "{key}: a hunk without a change: {body}");
        }
        assert_eq!(
            named,
            applied(&p, key),
            "{key}: the records named, in order"
        );
        // The word diff is an output like the others: `--check` covers it.
        p.write(
            &format!("output/{key}.wdiff"),
            wdiff.replace("@@ line", "@@ lines"),
        );
        let check = p.run(&["--check", input]);
        assert_eq!(check.code, 1, "{check:?}");
        assert!(
            check.stderr.contains(&format!("output/{key}.wdiff")),
            "{check:?}"
        );
    }
}

/// The review page's index of changes, rendered by cmark-gfm as GitHub
/// renders it: one row per place, whose `<del>`/`<ins>` readings are pieces of
/// the original and of the corrected source, and whose record cells name every
/// applied record in order.
#[test]
fn the_review_index_lists_each_change_with_its_record() {
    for (p, input, key) in projects() {
        let run = p.run(&[input]);
        assert_eq!(run.code, 0, "{run:?}");
        let review = p.read(&format!("output/{key}.review.md"));
        let html = p.tool(
            "cmark-gfm",
            &["--unsafe", "-e", "table", "-e", "autolink"],
            review.as_bytes(),
        );
        assert!(html.status.success());
        let html = String::from_utf8(html.stdout).unwrap();
        let table = html
            .split("<h2>Changes</h2>")
            .nth(1)
            .and_then(|rest| rest.split("</table>").next())
            .unwrap_or_else(|| panic!("{key}: no index of changes:\n{html}"));
        let decode = |s: &str| {
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        };
        let (original, fixed) = (
            squashed(&p.read(input)),
            squashed(&p.read(&corrected(input))),
        );
        let mut named = Vec::new();
        let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
        assert!(!rows.is_empty(), "{table}");
        for row in rows {
            let cells: Vec<&str> = row
                .split("<td")
                .skip(1)
                .map(|c| &c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()])
                .collect();
            assert_eq!(cells.len(), 5, "{row}");
            assert!(cells[0].parse::<usize>().is_ok(), "a line number: {row}");
            let (old, new) = readings(cells[1], ("<del>", "</del>"), ("<ins>", "</ins>"));
            assert_pieces_in(
                &original,
                &decode(&old),
                &format!("{key}: not in the original"),
            );
            assert_pieces_in(
                &fixed,
                &decode(&new),
                &format!("{key}: not in the corrected text"),
            );
            for id in cells[2].split("<br>") {
                let id = id
                    .strip_prefix("<code>")
                    .and_then(|i| i.strip_suffix("</code>"));
                named.push(decode(id.unwrap_or_else(|| panic!("{row}"))));
            }
        }
        assert_eq!(
            named,
            applied(&p, key),
            "{key}: the records listed, in order"
        );
    }
}
