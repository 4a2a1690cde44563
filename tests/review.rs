//! The review page: rendered with pulldown-cmark, it must read as the original
//! with the insertions dropped and as the corrected text with the deletions
//! dropped, and every footnote reference must resolve.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::support::{Project, record};

/// The rendered text of the article body (between the page's two rules), with
/// the contents of `<drop>` removed; one line per paragraph or heading.
fn rendered_body(review: &str, drop: &str) -> String {
    let open = format!("<{drop}>");
    let close = format!("</{drop}>");
    let mut out = String::new();
    let (mut rules, mut dropping) = (0, false);
    for event in Parser::new_ext(
        review,
        Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        match event {
            Event::Rule => rules += 1,
            _ if rules != 1 => {}
            Event::InlineHtml(html) if *html == open => dropping = true,
            Event::InlineHtml(html) if *html == close => dropping = false,
            Event::Text(text) | Event::Code(text) if !dropping => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// Lines trimmed, empty ones dropped: the renderer's whitespace rules.
fn normalized(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn footnotes(review: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut refs, mut defs) = (BTreeSet::new(), BTreeSet::new());
    for event in Parser::new_ext(review, Options::ENABLE_FOOTNOTES) {
        match event {
            Event::FootnoteReference(label) => {
                refs.insert(label.to_string());
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                defs.insert(label.to_string());
            }
            _ => {}
        }
    }
    (refs, defs)
}

fn check_redline(p: &Project, input: &str, key: &str, markdown: bool) -> String {
    check_redline_with(p, &[input], input, key, markdown)
}

fn check_redline_with(
    p: &Project,
    args: &[&str],
    input: &str,
    key: &str,
    markdown: bool,
) -> String {
    let run = p.run(args);
    assert_eq!(run.code, 0, "{run:?}");
    let review = p.read(&format!("output/{key}.review.md"));
    let (original, corrected) = (
        p.read(input),
        p.read(&format!("output/{}", input.trim_start_matches("input/"))),
    );
    let (original, corrected) = if markdown {
        (rendered_markdown(&original), rendered_markdown(&corrected))
    } else {
        (original, corrected)
    };
    assert_eq!(
        normalized(&rendered_body(&review, "ins")),
        normalized(&original),
        "original view of:\n{review}"
    );
    assert_eq!(
        normalized(&rendered_body(&review, "del")),
        normalized(&corrected),
        "corrected view of:\n{review}"
    );
    let (refs, defs) = footnotes(&review);
    assert!(!refs.is_empty());
    assert_eq!(
        refs, defs,
        "every reference resolves, every note is referenced"
    );
    review
}

/// A Markdown document's own rendered text, for comparison.
fn rendered_markdown(source: &str) -> String {
    rendered_body(&format!("---\n\n{source}\n\n---\n"), "none")
}

#[test]
fn plain_text_renders_literally_and_redlines_both_ways() {
    let p = Project::fixture("tricky");
    let review = check_redline(&p, "input/tricky.txt", "tricky", false);
    insta::assert_snapshot!("tricky_review", review);
    insta::assert_snapshot!("tricky_diff", p.read("output/tricky.diff"));
    insta::assert_snapshot!("tricky_changelog", p.read("output/tricky.changelog.json"));
}

#[test]
fn markdown_keeps_its_markup_and_headings() {
    let p = Project::fixture("markdown");
    let review = check_redline(&p, "input/doc.md", "doc", true);
    assert!(
        review.contains("\n# The <del>Soviet Response</del><ins>Border War</ins>[^fix-heading]\n"),
        "{review}"
    );
    let headings = Parser::new_ext(&review, Options::ENABLE_FOOTNOTES)
        .filter(|e| {
            matches!(
                e,
                Event::Start(Tag::Heading {
                    level: pulldown_cmark::HeadingLevel::H1,
                    ..
                })
            )
        })
        .count();
    assert_eq!(headings, 2, "the page title and the article's own heading");
    insta::assert_snapshot!("markdown_review", review);
}

#[test]
fn an_appended_notice_is_marked_as_inserted() {
    for (input, key, markdown) in [
        ("input/doc.md", "doc", true),
        ("input/tricky.txt", "tricky", false),
    ] {
        let p = Project::fixture(if markdown { "markdown" } else { "tricky" });
        let records = p.path().join(format!("corrections/{key}.json"));
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&records).unwrap()).unwrap();
        json[0]["notice"] = serde_json::json!("An earlier version misstated the year.");
        std::fs::write(&records, json.to_string()).unwrap();
        let review = check_redline_with(&p, &["--append-notice", input], input, key, markdown);
        assert!(
            review.contains("<ins>An earlier version misstated the year.</ins>"),
            "{review}"
        );
    }
}

#[test]
fn the_header_summarises_by_category_with_hashes_and_how_to_regenerate() {
    let p = Project::fixture("tricky");
    assert_eq!(p.run(&["input/tricky.txt"]).code, 0);
    let review = p.read("output/tricky.review.md");
    let sha = |rel: &str| correct::render::changelog::sha256_hex(&p.bytes(rel));
    assert!(
        review.contains(
            "| By category | date 1, spelling 1, grammar 1, style 1, clarity 1, other 3 |"
        ),
        "{review}"
    );
    assert!(review.contains(&sha("input/tricky.txt")));
    assert!(review.contains(&sha("output/tricky.txt")));
    assert!(review.contains("Regenerate with `correct input/tricky.txt`"));
}

#[test]
fn the_committed_article_review_redlines_both_ways() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let review = std::fs::read_to_string(root.join("output/article.review.md")).unwrap();
    let original = std::fs::read_to_string(root.join("input/article.txt")).unwrap();
    let corrected = std::fs::read_to_string(root.join("output/article.txt")).unwrap();
    assert_eq!(
        normalized(&rendered_body(&review, "ins")),
        normalized(&original)
    );
    assert_eq!(
        normalized(&rendered_body(&review, "del")),
        normalized(&corrected)
    );
    let (refs, defs) = footnotes(&review);
    assert_eq!(refs, defs);
    let records = std::fs::read_dir(root.join("corrections/article"))
        .unwrap()
        .count();
    assert_eq!(refs.len(), records, "a note for each record");
}

#[test]
fn a_record_that_removes_the_bom_renders() {
    let p = Project::new();
    p.write("input/a.txt", "\u{feff}Title\nbody\n");
    p.records(
        "corrections/a.json",
        &[record("bom", "\u{feff}Title", "Title")],
    );
    let run = p.run(&["input/a.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.read("output/a.txt"), "Title\nbody\n");
    assert!(
        p.read("output/a.review.md")
            .contains("<ins>Title</ins>[^fix-bom]")
    );
}

#[test]
fn tolerant_matches_show_the_articles_own_words_in_the_redline() {
    let p = Project::new();
    p.write(
        "input/a.txt",
        "He was led by Marshall Zhukov in the east.\nThe pact\u{2019}s terms were signed.\n",
    );
    p.records(
        "corrections/a.json",
        &[
            record("rank", "led by Marshal Zhukov", "led by Georgy Zhukov"),
            record("terms", "pact's terms", "treaty's terms"),
        ],
    );
    let review = check_redline_with(
        &p,
        &["input/a.txt", "--tolerant"],
        "input/a.txt",
        "a",
        false,
    );
    assert!(
        review.contains("<del>Marshall</del><ins>Georgy</ins>"),
        "{review}"
    );
}

#[test]
fn changes_inside_markdown_markup_redline_in_place() {
    let p = Project::new();
    p.write(
        "input/doc.md",
        "# The war\n\nThe Battle of *Khalkhin Gol* was fought in 1945, by **Marshal _Zhukov_**.\n",
    );
    p.records(
        "corrections/doc.json",
        &[
            record(
                "year",
                "Battle of Khalkhin Gol was fought in 1945",
                "Battle of Khalkhin Gol was fought in 1939",
            ),
            record("rank", "by Marshal Zhukov", "by General Zhukov"),
        ],
    );
    let review = check_redline_with(
        &p,
        &["input/doc.md", "--tolerant"],
        "input/doc.md",
        "doc",
        true,
    );
    assert!(
        review.contains("**<del>Marshal</del><ins>General</ins>[^fix-rank] _Zhukov_**"),
        "{review}"
    );
}
