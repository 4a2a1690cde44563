//! The outputs of one input ([`Output`], [`Outputs`]): which files a run
//! writes for it, and where (SPEC.md, "Repository layout").

/// A kind of file `correct` writes for an article, each from its own
/// renderer (`run/input.rs` maps each kind to it). Its file is named after
/// the article's key and [`Output::suffix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Output {
    /// `K.<ext>`: the corrected article, with the input's extension.
    Corrected,
    /// `K.diff`: the unified diff.
    Diff,
    /// `K.changelog.json`.
    Changelog,
    /// `K.review.md`: the redline review page.
    Review,
    /// `K.wdiff`: the changes as a word diff.
    Wdiff,
    /// `K.notice.md`: the readers' notice, written only when some record has one.
    Notice,
    /// With `--html`: `K.html`, the corrected article as a page (none for an
    /// HTML input, which is a page itself).
    Page,
    /// With `--html`: `K.review.html`, the review page as HTML.
    ReviewPage,
    /// With `--jsonld`: `K.corrections.jsonld`.
    JsonLd,
}

impl Output {
    /// Every kind named by a fixed suffix, a suffix that ends another one
    /// after it (`.html` after `.review.html`), so that the first that fits
    /// a file name is its kind.
    pub(crate) const NAMED: [Output; 8] = [
        Output::Changelog,
        Output::JsonLd,
        Output::ReviewPage,
        Output::Review,
        Output::Notice,
        Output::Wdiff,
        Output::Diff,
        Output::Page,
    ];

    /// The end of its file name after the key (empty for the corrected
    /// article, which ends as the input does).
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Output::Corrected => "",
            Output::Diff => ".diff",
            Output::Changelog => ".changelog.json",
            Output::Review => ".review.md",
            Output::Wdiff => ".wdiff",
            Output::Notice => ".notice.md",
            Output::Page => ".html",
            Output::ReviewPage => ".review.html",
            Output::JsonLd => ".corrections.jsonld",
        }
    }

    /// Whether an article whose records all apply may go without it: it
    /// depends on the records (a notice) or on the configuration (`--html`,
    /// `--jsonld`).
    pub(crate) fn optional(self) -> bool {
        matches!(
            self,
            Output::Notice | Output::Page | Output::ReviewPage | Output::JsonLd
        )
    }
}

/// The output paths of one input, as shown to users (relative, `/`
/// separators), by kind, in the order they are written and listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outputs(Vec<(Output, String)>);

impl Outputs {
    /// The path of the `kind` of output, when this run writes one.
    pub(crate) fn path(&self, kind: Output) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, p)| p.as_str())
    }

    /// The corrected article's path (every run has one).
    pub(crate) fn corrected(&self) -> &str {
        self.path(Output::Corrected)
            .expect("every article has a corrected text")
    }

    /// Every kind with its path.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Output, &str)> {
        self.0.iter().map(|(k, p)| (*k, p.as_str()))
    }

    /// Every output path, the notice and HTML pages included.
    pub(crate) fn all(&self) -> Vec<&str> {
        self.iter().map(|(_, p)| p).collect()
    }
}

pub(super) fn outputs_for(
    out: &str,
    key: &str,
    ext: Option<&str>,
    html: bool,
    jsonld: bool,
) -> Outputs {
    let base = if out.is_empty() || out == "." {
        key.to_owned()
    } else {
        format!("{out}/{key}")
    };
    let corrected = match ext {
        Some(ext) => format!("{base}.{ext}"),
        None => base.clone(),
    };
    let is_page = ext.is_some_and(|e| crate::syntax::Syntax::of_path(&format!("x.{e}")).is_page());
    let kinds = [
        Output::Diff,
        Output::Changelog,
        Output::Review,
        Output::Wdiff,
        Output::Notice,
    ]
    .into_iter()
    .chain((html && !is_page).then_some(Output::Page))
    .chain(html.then_some(Output::ReviewPage))
    .chain(jsonld.then_some(Output::JsonLd));
    let mut paths = vec![(Output::Corrected, corrected)];
    paths.extend(kinds.map(|kind| (kind, format!("{base}{}", kind.suffix()))));
    Outputs(paths)
}
