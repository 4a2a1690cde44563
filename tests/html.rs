//! HTML articles (`.html`, `.htm`): records change only the text readers
//! see, and an independent HTML5 parser (html5lib) finds the same tree in the
//! original and the corrected page, but for the text nodes the records name.

use serde_json::{Value, json};

use crate::support::{Project, record};

const CORPUS: [(&str, &str); 2] = [("news", "html"), ("essay", "htm")];

fn corpus_file(name: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/html");
    std::fs::read(root.join(name)).unwrap()
}

/// The page `name.ext` of the corpus with its records.
fn page(name: &str, ext: &str) -> Project {
    let p = Project::new();
    p.write(
        &format!("input/{name}.{ext}"),
        corpus_file(&format!("{name}.{ext}")),
    )
    .write(
        &format!("corrections/{name}.json"),
        corpus_file(&format!("{name}.records.json")),
    )
    .write("compare.py", corpus_file("compare.py"));
    p
}

/// html5lib's trees of the two pages: the changed text nodes (it fails on
/// any other difference).
fn compare(p: &Project, original: &str, corrected: &str, records: &str) -> Vec<String> {
    let out = p.tool(
        "python3",
        &["compare.py", original, corrected, records],
        b"",
    );
    assert!(
        out.status.success(),
        "html5lib (pip install html5lib; .ci/run installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn corrected_pages_keep_their_tree_and_change_only_the_named_text() {
    for (name, ext) in CORPUS {
        let p = page(name, ext);
        let run = p.run(&[]);
        assert_eq!(run.code, 0, "{name}: {run:?}");
        let input = format!("input/{name}.{ext}");
        let output = format!("output/{name}.{ext}");
        let changed = compare(&p, &input, &output, &format!("corrections/{name}.json"));
        let records: Vec<Value> =
            serde_json::from_slice(&corpus_file(&format!("{name}.records.json"))).unwrap();
        // Every record changed some text node.
        for r in &records {
            let replace = r["replace"].as_str().unwrap();
            assert!(
                changed
                    .iter()
                    .any(|c| c.split(" => ").nth(1).unwrap().contains(replace)),
                "{name}: `{}` changed no text node: {changed:#?}",
                r["id"]
            );
        }
        // The diff turns the input into the output, as git applies it.
        let check = p.tool(
            "git",
            &["apply", "--check", &format!("output/{name}.diff")],
            b"",
        );
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
        assert_eq!(p.run(&["--check"]).code, 0, "{name}");
    }
}

#[test]
fn text_readers_do_not_see_as_prose_is_never_matched() {
    // Each `find` stands only in one protected place of the news page.
    let places = [
        ("Pacts of 1945", "an HTML tag or its attributes"),
        ("check with the desk", "an HTML comment"),
        (
            "document.title.indexOf",
            "a script, style, title or other raw-text element",
        ),
        (
            "content: \"Moscow 1945 \"",
            "a script, style, title or other raw-text element",
        ),
        (
            "History Desk</title>",
            "a script, style, title or other raw-text element",
        ),
        ("The signing in Moscow", "an HTML tag or its attributes"),
    ];
    for (find, inside) in places {
        let p = page("news", "html");
        p.records("corrections/news.json", &[record("r", find, "X")]);
        let run = p.run(&[]);
        assert_eq!(run.code, 1, "{find}: {run:?}");
        assert!(
            run.stderr.contains(&format!("inside {inside}")),
            "{find}: {}",
            run.stderr
        );
        assert!(!p.exists("output/news.html"), "{find}");
        // Allowed outside prose, it applies there.
        let mut anywhere = record("r", find, "X");
        anywhere["scope"] = json!("any");
        anywhere["structure"] = json!("changes");
        p.records("corrections/news.json", &[anywhere]);
        assert_eq!(p.run(&[]).code, 0, "{find}");
    }
    let p = page("essay", "htm");
    for find in ["year = 1945", "(order of battle"] {
        p.records("corrections/essay.json", &[record("r", find, "X")]);
        let run = p.run(&[]);
        assert_eq!(run.code, 1, "{find}: {run:?}");
        assert!(
            run.stderr.contains("inside code or preformatted text"),
            "{run:?}"
        );
    }
}

#[test]
fn a_character_reference_is_never_cut() {
    let p = page("news", "html");
    // `&amp;` of "year=1945&amp;tag" is in an attribute; this one is text.
    p.write("input/news.html", "<p>AT&amp;T and Bell, 1945</p>");
    p.records("corrections/news.json", &[record("r", "AT&am", "X")]);
    let run = p.run(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("inside a character reference"),
        "{run:?}"
    );
    // Whole, with the text beside it, it is prose.
    p.records(
        "corrections/news.json",
        &[record("r", "AT&amp;T and Bell", "AT&amp;T")],
    );
    assert_eq!(p.run(&[]).code, 0);
    assert_eq!(p.read("output/news.html"), "<p>AT&amp;T, 1945</p>");
}

#[test]
fn a_replacement_that_adds_markup_changes_the_structure() {
    let p = page("news", "html");
    let mut bold = record("bold", "On 13 April 1945,", "On <b>13 April 1941</b>,");
    bold["category"] = json!("date");
    p.records("corrections/news.json", &[bold.clone()]);
    let run = p.run(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("structure") && run.stderr.contains("<b>"),
        "{run:?}"
    );
    bold["structure"] = json!("changes");
    p.records("corrections/news.json", &[bold]);
    assert_eq!(p.run(&[]).code, 0);
}

#[test]
fn a_find_across_inline_tags_changes_only_the_words() {
    let p = page("news", "html");
    p.records(
        "corrections/news.json",
        &[record(
            "ministers",
            "ministers, Yosuke Matsuoka and Vyacheslav Molotov",
            "ministers, Yosuke Matsuoka and Vyacheslav M. Molotov",
        )],
    );
    // As in Markdown, a match across markup is a tolerant one.
    let run = p.run(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("matches the prose across markup"),
        "{run:?}"
    );
    let run = p.run(&["--tolerant"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        p.read("output/news.html")
            .contains("<strong>Vyacheslav M. Molotov</strong>"),
        "{}",
        p.read("output/news.diff")
    );
}

#[test]
fn html_pages_and_the_notice_suit_an_html_article() {
    let p = page("news", "html");
    let mut signed: Vec<Value> = serde_json::from_slice(&corpus_file("news.records.json")).unwrap();
    signed[0]["notice"] = json!("An earlier version gave the year of the pact as 1945 & not 1941.");
    p.records("corrections/news.json", &signed);
    let run = p.run(&["--html", "--append-notice"]);
    assert_eq!(run.code, 0, "{run:?}");
    // The corrected article is the page: no second one is written.
    assert!(p.exists("output/news.review.html"));
    let page = p.read("output/news.html");
    assert!(
        page.ends_with(
            "\n<section class=\"corrections\"><h2>Corrections</h2><p>An earlier version gave the year of the pact as 1945 &amp; not 1941.</p></section>\n"
        ),
        "{page}"
    );
    // html5lib puts the notice in the body, as readers see it.
    let parsed = p.tool(
        "python3",
        &[
            "-c",
            "import html5lib\n\
             doc = html5lib.parse(open('output/news.html', 'rb').read(), namespaceHTMLElements=False)\n\
             section = doc.find('body').findall('section')\n\
             assert len(section) == 1, section\n\
             print(section[0].find('p').text)",
        ],
        b"",
    );
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    assert_eq!(
        String::from_utf8(parsed.stdout).unwrap().trim(),
        "An earlier version gave the year of the pact as 1945 & not 1941."
    );
    assert_eq!(p.run(&["--check", "--html", "--append-notice"]).code, 0);
}

/// Pages built at random from fragments that test the tokenizer's edges
/// (escaped scripts, quoted `>`, comments closed by `--!>`, CDATA, bogus
/// comments, stray `<` and `&`, raw-text end tags in other cases), each
/// corrected by one record for every occurrence of a word: html5lib must find
/// the same tree, every change in prose.
#[test]
fn random_pages_of_tricky_fragments_keep_their_tree() {
    const WORD: &str = "Nomonhan";
    let fragments = [
        "<p>The Nomonhan incident</p>",
        "<script><!-- var a = '<script>Nomonhan</script>'; --></script>",
        "<script>if (a < b && c) { x = 'Nomonhan'; }</SCRIPT >",
        "<a href='/x?a=1&amp;b=Nomonhan' title=\"a > Nomonhan\">at Nomonhan</a>",
        "<!-- Nomonhan -- still a comment --!>",
        "<!-->Nomonhan",
        "<svg><![CDATA[ Nomonhan > ]]><title>Nomonhan</title></svg>",
        "<svg/><p>after Nomonhan</p>",
        "<!DOCTYPE html>",
        "<?xml Nomonhan?>",
        "</ Nomonhan>",
        "</>",
        "a < Nomonhan &amp; b &notanentity; c",
        "<pre>Nomonhan</pre>",
        "<code>Nomonhan <b>Nomonhan</b></code>",
        "<textarea>Nomonhan</textarea>",
        "<style>p:after{content:'</p>Nomonhan'}</style>",
        "<title>Nomonhan</title>",
        "<noscript>Nomonhan</noscript>",
        "<template><p>Nomonhan</p></template>",
        "<div data-a=Nomonhan class=\"x\">Nomonhan&nbsp;river</div>",
        "<em>Nomonhan</em><strong>, Nomonhan</strong>",
        "<table><tr><td>Nomonhan</td></tr></table>",
        "<br/>Nomonhan<hr>",
        "<P CLASS=a>NOMONHAN Nomonhan</P>",
    ];
    let p = Project::new();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let pages = 40;
    for page in 0..pages {
        let mut html = String::new();
        for _ in 0..8 {
            html.push_str(fragments[next(fragments.len())]);
            html.push_str(["", "\n", " "][next(3)]);
        }
        // Every page has the word in prose at least once.
        html.push_str("<p>Nomonhan.</p>");
        p.write(&format!("input/p{page}.html"), html);
    }
    let mut r = record("name", WORD, "Khalkhin Gol");
    r["occurrence"] = json!("all");
    r["whole_word"] = json!(true);
    p.records("corrections/_all.json", &[r]);
    p.write("compare.py", corpus_file("compare.py"));
    let run = p.run(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    for page in 0..pages {
        let input = format!("input/p{page}.html");
        let changed = compare(
            &p,
            &input,
            &format!("output/p{page}.html"),
            "corrections/_all.json",
        );
        assert!(!changed.is_empty(), "{input}: {}", p.read(&input));
    }
}

/// The review page of an HTML article, rendered by cmark-gfm as GitHub
/// renders it, reads as the page's text: no tag, script or comment shows,
/// and its `<del>`/`<ins>` marks are the changed words of the changelog's
/// edits, in order.
#[test]
fn the_review_page_shows_the_text_readers_see_with_the_redline() {
    let p = page("news", "html");
    assert_eq!(p.run(&[]).code, 0);
    let review = p.read("output/news.review.md");
    let Some(html) = crate::honest::cmark_gfm(&review) else {
        return;
    };
    // The article body: after the index of changes, before the notes.
    let body = html
        .split("<hr />")
        .nth(1)
        .expect("the article between rules");
    for markup in [
        "&lt;p",
        "&lt;script",
        "indexOf",
        "&lt;!--",
        "font-family",
        "&amp;",
    ] {
        assert!(!body.contains(markup), "{markup} shows:\n{body}");
    }
    assert!(
        body.contains("<p>The Neutrality Pact of <del>1945</del><ins>1941</ins>"),
        "{body}"
    );
    let marks = |tag: &str| -> Vec<String> {
        body.split(&format!("<{tag}>"))
            .skip(1)
            .map(|s| s[..s.find(&format!("</{tag}>")).unwrap()].to_owned())
            .collect()
    };
    // The page narrows each edit to its changed words.
    let edits = changelog_edits(&p.read("output/news.changelog.json"));
    let (del, ins) = (marks("del"), marks("ins"));
    assert_eq!((del.len(), ins.len()), (edits.len(), edits.len()), "{body}");
    for ((find, replace), (del, ins)) in edits.iter().zip(del.iter().zip(&ins)) {
        assert!(
            find.contains(del.as_str()) && replace.contains(ins.as_str()),
            "{find} -> {replace}: {del} -> {ins}"
        );
    }
}

/// Every edit of a changelog as (find, replace), in text order.
fn changelog_edits(changelog: &str) -> Vec<(String, String)> {
    let changelog: Value = serde_json::from_str(changelog).unwrap();
    let mut edits: Vec<(u64, String, String)> = changelog["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["edits"].as_array().unwrap().iter())
        .map(|e| {
            (
                e["original"]["start"].as_u64().unwrap(),
                e["find"].as_str().unwrap().to_owned(),
                e["replace"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    edits.sort();
    edits.into_iter().map(|(_, f, r)| (f, r)).collect()
}
