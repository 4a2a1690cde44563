//! The evidence that a correction already stands (SPEC.md, "How records
//! apply", rule 2): the committed changelog.
//!
//! A record whose `find` has no match is `already_applied` only with
//! evidence, never because its `replace` text occurs somewhere:
//!
//! (a) the input is byte for byte the corrected text that the committed
//!     changelog (`output/K.changelog.json`) recorded as its output, and that
//!     changelog lists the record as applied or already applied: this value;
//! (b) the record has `before` and/or `after`, and `replace` matches exactly
//!     once under that context: checked in [`crate::locate`].
//!
//! ```
//! use correct::evidence::Evidence;
//! let changelog = br#"{"changelog_version": 1,
//!   "output": {"path": "output/a.txt", "sha256": "ff6091be1fc4df9540cdce3280e1a7486f2d1ea24105e90c4f1d1af165351b2d", "bytes": 12},
//!   "corrections": [{"id": "year", "status": "applied",
//!     "edits": [{"corrected": {"start": 8, "end": 12}}]}]}"#;
//! let evidence = Evidence::from_changelog(changelog).unwrap();
//! assert_eq!(evidence.already("Ended in1945", "year"), Some(Some(8)));
//! assert_eq!(evidence.already("Ended in1945", "other"), None, "not listed");
//! // Each value is asked about one text: another text, another value.
//! let evidence = Evidence::from_changelog(changelog).unwrap();
//! assert_eq!(evidence.already("Ended in 1945", "year"), None, "not what it recorded");
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// What a committed changelog vouches for. The changelog is read and parsed
/// only when a record asks (most runs find every `find` and never do: a large
/// article's changelog is tens of megabytes).
pub struct Evidence {
    /// Gives the changelog's bytes, when they are first needed.
    load: Box<dyn Fn() -> Option<Vec<u8>> + Send + Sync>,
    recorded: OnceLock<Option<Recorded>>,
    /// Whether the text asked about is that output (computed once).
    stands: OnceLock<bool>,
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evidence")
            .field("recorded", &self.recorded)
            .finish()
    }
}

/// What a changelog records.
#[derive(Debug)]
struct Recorded {
    output_sha256: String,
    output_bytes: u64,
    /// Records it lists as applied or already applied, with where their first
    /// edit stands in its output.
    ids: HashMap<String, Option<usize>>,
}

/// The fields of a changelog that evidence reads; serde skips the rest
/// (the reasons, sources and texts that make a large changelog tens of
/// megabytes) without building them.
#[derive(Deserialize)]
struct Changelog<'a> {
    changelog_version: u64,
    output: ChangelogOutput,
    #[serde(borrow)]
    corrections: Vec<Listed<'a>>,
}

#[derive(Deserialize)]
struct ChangelogOutput {
    sha256: String,
    bytes: u64,
}

/// One correction as the changelog lists it.
#[derive(Deserialize)]
struct Listed<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(default)]
    edits: Vec<ListedEdit>,
}

#[derive(Deserialize)]
struct ListedEdit {
    #[serde(default)]
    corrected: Option<ListedSpan>,
}

#[derive(Deserialize)]
struct ListedSpan {
    #[serde(default)]
    start: Option<u64>,
}

impl Recorded {
    /// `None` for anything but a changelog of version 1.
    fn parse(bytes: &[u8]) -> Option<Recorded> {
        let changelog: Changelog<'_> = serde_json::from_slice(bytes).ok()?;
        if changelog.changelog_version != 1 {
            return None;
        }
        let ids = (changelog.corrections.into_iter())
            .filter(|c| matches!(c.status.as_deref(), Some("applied" | "already_applied")))
            .filter_map(|c| {
                let at = (c.edits.first())
                    .and_then(|e| e.corrected.as_ref()?.start)
                    .and_then(|at| usize::try_from(at).ok());
                Some((c.id?.into_owned(), at))
            })
            .collect();
        Some(Recorded {
            output_sha256: changelog.output.sha256,
            output_bytes: changelog.output.bytes,
            ids,
        })
    }
}

impl Evidence {
    /// A committed changelog's evidence; `None` when it is not one (any
    /// other file is simply no evidence).
    pub fn from_changelog(bytes: &[u8]) -> Option<Evidence> {
        let recorded = Recorded::parse(bytes)?;
        let evidence = Evidence::lazy(|| None);
        let _ = evidence.recorded.set(Some(recorded));
        Some(evidence)
    }

    /// The evidence of the changelog `load` gives, read when first asked.
    pub fn lazy(load: impl Fn() -> Option<Vec<u8>> + Send + Sync + 'static) -> Evidence {
        Evidence {
            load: Box::new(load),
            recorded: OnceLock::new(),
            stands: OnceLock::new(),
        }
    }

    /// `Some(at)` when this changelog proves that the record `id`'s correction
    /// already stands in `text` (at `at`, where it says); `text` must be the
    /// same text at every call.
    pub fn already(&self, text: &str, id: &str) -> Option<Option<usize>> {
        let recorded = self
            .recorded
            .get_or_init(|| Recorded::parse(&(self.load)()?))
            .as_ref()?;
        let at = *recorded.ids.get(id)?;
        let stands = *self.stands.get_or_init(|| {
            text.len() as u64 == recorded.output_bytes
                && crate::render::changelog::sha256_hex(text.as_bytes()) == recorded.output_sha256
        });
        stands.then_some(at.filter(|&at| at <= text.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed changelog of this repository's article, as `correct`
    /// wrote it, with one entry changed to each status evidence must tell
    /// apart.
    fn committed() -> serde_json::Value {
        let bytes = include_bytes!("../output/article.changelog.json");
        serde_json::from_slice(bytes).expect("the committed changelog is JSON")
    }

    /// Every applied or already applied correction is vouched for, at its
    /// first edit's corrected start; a failed one is not, whatever else
    /// the entries hold (reasons, sources, texts, escaped ids).
    #[test]
    fn a_changelog_vouches_for_its_applied_records_where_their_first_edit_stands() {
        let mut changelog = committed();
        let corrections = changelog["corrections"].as_array_mut().unwrap();
        corrections[1]["status"] = "already_applied".into();
        corrections[2]["status"] = "failed".into();
        corrections[3]["id"] = "quoted \"id\" \u{2019}".into();
        let expected: HashMap<String, Option<usize>> = (corrections.iter())
            .filter(|c| c["status"] != "failed")
            .map(|c| {
                let start = c["edits"][0]["corrected"]["start"].as_u64();
                (
                    c["id"].as_str().unwrap().to_owned(),
                    start.map(|s| s as usize),
                )
            })
            .collect();
        let listed = corrections.len();
        let recorded = Recorded::parse(&serde_json::to_vec(&changelog).unwrap()).unwrap();
        assert_eq!(recorded.ids, expected);
        assert_eq!(recorded.ids.len(), listed - 1);
        assert_eq!(
            recorded.output_bytes,
            changelog["output"]["bytes"].as_u64().unwrap()
        );
        assert_eq!(
            recorded.output_sha256,
            changelog["output"]["sha256"].as_str().unwrap()
        );
    }

    /// Another version, or a file that is not a changelog, is no evidence.
    #[test]
    fn anything_but_a_changelog_of_version_1_is_no_evidence() {
        let mut changelog = committed();
        changelog["changelog_version"] = 2.into();
        assert!(Recorded::parse(&serde_json::to_vec(&changelog).unwrap()).is_none());
        changelog
            .as_object_mut()
            .unwrap()
            .remove("changelog_version");
        assert!(Recorded::parse(&serde_json::to_vec(&changelog).unwrap()).is_none());
        assert!(Recorded::parse(b"{\"records\": []}").is_none());
        assert!(Recorded::parse(b"not json").is_none());
    }
}
