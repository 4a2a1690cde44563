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

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

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

impl Recorded {
    fn parse(bytes: &[u8]) -> Option<Recorded> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        if value.get("changelog_version")?.as_u64()? != 1 {
            return None;
        }
        let output = value.get("output")?;
        let output_sha256 = output.get("sha256")?.as_str()?.to_owned();
        let output_bytes = output.get("bytes")?.as_u64()?;
        let mut ids = HashMap::new();
        for c in value.get("corrections")?.as_array()? {
            let status = c.get("status").and_then(Value::as_str);
            if !matches!(status, Some("applied" | "already_applied")) {
                continue;
            }
            let Some(id) = c.get("id").and_then(Value::as_str) else {
                continue;
            };
            let at = c
                .pointer("/edits/0/corrected/start")
                .and_then(Value::as_u64)
                .and_then(|at| usize::try_from(at).ok());
            ids.insert(id.to_owned(), at);
        }
        Some(Recorded {
            output_sha256,
            output_bytes,
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
