//! The input syntaxes: what of an article is prose that records may change,
//! and what is structure they must keep. Plain text is all prose; Markdown
//! ([`crate::markdown`]) and HTML ([`html`]) protect their markup.

pub(crate) mod autolink;
pub mod html;
pub mod protected;

use crate::markdown;
use crate::syntax::protected::Protected;

/// The syntax of an input, from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Any other file: every byte is text.
    Plain,
    /// `.md`, `.markdown` (CommonMark with GitHub's extensions).
    Markdown,
    /// `.html`, `.htm` (HTML5).
    Html,
}

impl Syntax {
    /// The syntax of the file at `path`, by its extension (any case).
    ///
    /// ```
    /// use correct::syntax::Syntax;
    /// assert_eq!(Syntax::of_path("input/war.md"), Syntax::Markdown);
    /// assert_eq!(Syntax::of_path("input/war.HTM"), Syntax::Html);
    /// assert_eq!(Syntax::of_path("input/war.txt"), Syntax::Plain);
    /// ```
    pub fn of_path(path: &str) -> Syntax {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let ext = name
            .rsplit_once('.')
            .filter(|(stem, _)| !stem.is_empty())
            .map(|(_, ext)| ext.to_ascii_lowercase());
        match ext.as_deref() {
            Some("md" | "markdown") => Syntax::Markdown,
            Some("html" | "htm") => Syntax::Html,
            _ => Syntax::Plain,
        }
    }

    /// The protected parts of `text` and its prose, for a syntax with markup.
    pub fn protected(self, text: &str) -> Option<Protected> {
        match self {
            Syntax::Plain => None,
            Syntax::Markdown => Some(Protected::of(text)),
            Syntax::Html => Some(html::protected(text)),
        }
    }

    /// How `corrected` changes the structure of `original`, if it does: what
    /// changed, for people, and its offset in `original`.
    pub fn broken(self, original: &str, corrected: &str) -> Option<(String, usize)> {
        match self {
            Syntax::Plain => None,
            Syntax::Markdown => markdown::broken(original, corrected),
            Syntax::Html => html::broken(original, corrected),
        }
    }

    /// Whether the corrected article is a web page itself (`--html` then
    /// writes no page of it).
    pub fn is_page(self) -> bool {
        self == Syntax::Html
    }

    /// What the review page reads of `text` as the reader sees it: for HTML,
    /// the stretches of text and of markup, in order (empty for a syntax
    /// whose source is what the page shows).
    pub(crate) fn reading(self, text: &str) -> Vec<(std::ops::Range<usize>, html::Show)> {
        match self {
            Syntax::Html => html::reading(text),
            Syntax::Plain | Syntax::Markdown => Vec::new(),
        }
    }

    /// Whether the review page renders the article as Markdown (else as text).
    pub fn is_markdown(self) -> bool {
        self == Syntax::Markdown
    }

    /// The syntax's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Plain => "plain text",
            Syntax::Markdown => "Markdown",
            Syntax::Html => "HTML",
        }
    }
}
