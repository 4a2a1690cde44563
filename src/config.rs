//! The project's configuration, `correct.toml`: the options that change
//! outputs, so that every run of the project, `correct --check` included,
//! produces the same outputs whatever flags the last writer typed.
//!
//! Found in the working directory or the nearest folder above it that has one
//! (as `_typos.toml` is), or named with `--config PATH`; `--no-config` ignores
//! it. Flags given on the command line override it. Unknown keys are errors,
//! with a suggestion:
//!
//! ```toml
//! # correct.toml
//! out = "output"          # the output folder, relative to this file
//! html = true             # also write output/K.html and output/K.review.html
//! jsonld = false          # also write output/K.corrections.jsonld (schema.org)
//! append_notice = false   # add the notices to the corrected article
//! tolerant = false        # also normalized and fuzzy matches (default: exact only)
//! fuzzy = 10              # fuzzy tier: percent of a find that may differ (0: off)
//!
//! [lint]
//! min_reason_words = 6
//! ```
//!
//! ```
//! let config = correct::config::parse("correct.toml", "html = true\nfuzzy = 5\n").unwrap();
//! assert_eq!(config.html, Some(true));
//! let error = correct::config::parse("correct.toml", "htm = true\n").unwrap_err();
//! assert!(error.to_string().contains("did you mean `html`?"), "{error}");
//! ```

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;

use crate::error::Error;

/// The configuration file's name.
pub const FILE: &str = "correct.toml";

/// The options of `correct.toml`; every one optional.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "correct.toml")]
pub struct Config {
    /// The output folder, relative to the folder holding correct.toml
    /// (default `output`).
    pub out: Option<PathBuf>,
    /// Also write `output/K.html` and `output/K.review.html`.
    pub html: Option<bool>,
    /// Also write `output/K.corrections.jsonld` (schema.org corrections).
    pub jsonld: Option<bool>,
    /// Add the records' notices as a "Corrections" section to the corrected
    /// article.
    pub append_notice: Option<bool>,
    /// Only exact matches (the default); beats `tolerant`.
    pub strict: Option<bool>,
    /// Also the normalized and fuzzy tiers for records that find no exact
    /// match (records written against an earlier edition).
    pub tolerant: Option<bool>,
    /// The fuzzy tier's bound: percent of a find's characters that may differ
    /// (0 to 50; 0 turns it off; default 10).
    #[schemars(range(min = 0.0, max = 50.0))]
    pub fuzzy: Option<f64>,
    /// `correct lint` policy.
    pub lint: Option<Lint>,
}

/// The `[lint]` table.
#[derive(Debug, Default, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lint {
    /// The fewest words a reason may have (default 6).
    pub min_reason_words: Option<usize>,
}

/// The keys of the top level, and of `[lint]`.
const KEYS: [&str; 8] = [
    "out",
    "html",
    "jsonld",
    "append_notice",
    "strict",
    "tolerant",
    "fuzzy",
    "lint",
];
const LINT_KEYS: [&str; 1] = ["min_reason_words"];

/// A configuration and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The file, as shown to users.
    pub shown: String,
    /// The folder holding it (relative paths in it start there).
    pub dir: PathBuf,
    /// Its options.
    pub config: Config,
}

/// Finds and reads the configuration for a run in `cwd`: `explicit` if given,
/// else `correct.toml` in `cwd` or the nearest folder above it. `None` when
/// there is none.
pub fn find(cwd: &Path, explicit: Option<&Path>) -> Result<Option<Found>, Error> {
    let path = match explicit {
        Some(path) => cwd.join(path),
        None => match cwd
            .ancestors()
            .map(|dir| dir.join(FILE))
            .find(|p| p.exists())
        {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let shown = crate::project::display(cwd, &path);
    let bytes = match crate::confine::read(cwd, &path, 1 << 20) {
        Ok(crate::confine::Bounded::Read(bytes)) => bytes,
        Ok(crate::confine::Bounded::TooLarge(_)) => {
            return Err(Error::Config {
                path: shown,
                message: "it is over 1 MiB".into(),
            });
        }
        Err(denied) => return Err(Error::denied(cwd, &shown, denied)),
    };
    let text = String::from_utf8(bytes).map_err(|_| Error::Config {
        path: shown.clone(),
        message: "it is not valid UTF-8".into(),
    })?;
    let config = parse(&shown, &text)?;
    let dir = path.parent().unwrap_or(cwd).to_path_buf();
    Ok(Some(Found { shown, dir, config }))
}

/// Parses the text of a configuration file shown as `shown`.
pub fn parse(shown: &str, text: &str) -> Result<Config, Error> {
    let failed = |message: String| Error::Config {
        path: shown.to_owned(),
        message,
    };
    let table: toml::Table = toml::from_str(text).map_err(|e| failed(toml_message(&e)))?;
    for (key, value) in &table {
        unknown(key, &KEYS, "").map(&failed).map_or(Ok(()), Err)?;
        if let (Some(lint), "lint") = (value.as_table(), key.as_str()) {
            for key in lint.keys() {
                unknown(key, &LINT_KEYS, "lint.")
                    .map(&failed)
                    .map_or(Ok(()), Err)?;
            }
        }
    }
    let config: Config = toml::from_str(text).map_err(|e| failed(toml_message(&e)))?;
    if let Some(fuzzy) = config.fuzzy
        && !(0.0..=50.0).contains(&fuzzy)
    {
        return Err(failed(format!(
            "fuzzy = {fuzzy} is outside 0 to 50 (percent of a find's characters)"
        )));
    }
    Ok(config)
}

/// The message for an unknown `key`, with the nearest known one.
fn unknown(key: &str, known: &[&str], prefix: &str) -> Option<String> {
    if known.contains(&key) {
        return None;
    }
    let nearest = known
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let known: Vec<String> = known.iter().map(|k| format!("`{prefix}{k}`")).collect();
    Some(match nearest {
        Some((_, k)) => format!(
            "unknown key `{prefix}{key}`: did you mean `{prefix}{k}`? (known keys: {})",
            known.join(", ")
        ),
        None => format!(
            "unknown key `{prefix}{key}` (known keys: {})",
            known.join(", ")
        ),
    })
}

/// A TOML error on one line: `line L, column C: what`.
fn toml_message(error: &toml::de::Error) -> String {
    error.message().to_owned()
}

/// The JSON Schema of `correct.toml` (for editors with a TOML language server).
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Config)).expect("a schema serialises")
}

/// [`schema`] as `correct schema --config` prints it and
/// `schema/correct.toml.schema.json` holds it: pretty JSON, a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a schema serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read() {
        let config = parse(
            "c",
            "out = \"o\"\nhtml = true\njsonld = true\nappend_notice = true\nstrict = true\nfuzzy = 0\n[lint]\nmin_reason_words = 3\n",
        )
        .unwrap();
        assert_eq!(
            config,
            Config {
                out: Some("o".into()),
                html: Some(true),
                jsonld: Some(true),
                append_notice: Some(true),
                strict: Some(true),
                tolerant: None,
                fuzzy: Some(0.0),
                lint: Some(Lint {
                    min_reason_words: Some(3)
                }),
            }
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors_that_say_what_to_do() {
        for (text, says) in [
            ("htm = true", "did you mean `html`?"),
            (
                "[lint]\nmin_reason = 2",
                "did you mean `lint.min_reason_words`?",
            ),
            ("colour = 1", "unknown key `colour`"),
            ("fuzzy = 80", "outside 0 to 50"),
            ("html = \"yes\"", "invalid type"),
            ("html = ", "string values must be quoted"),
        ] {
            let error = parse("correct.toml", text).unwrap_err().to_string();
            assert!(error.contains(says), "{text}: {error}");
            assert!(error.starts_with("correct.toml"), "{error}");
        }
    }

    #[test]
    fn the_nearest_file_above_is_found() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "html = true\n").unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        let found = find(&dir.path().join("a/b"), None).unwrap().unwrap();
        assert_eq!(found.config.html, Some(true));
        assert_eq!(found.dir, dir.path());
    }

    #[test]
    fn the_committed_schema_is_the_generated_one() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schema/correct.toml.schema.json"
        );
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == schema_text(),
            "schema/correct.toml.schema.json is stale: run `cargo run -- schema --config > schema/correct.toml.schema.json`"
        );
    }

    #[test]
    fn the_schema_names_the_keys_the_parser_knows() {
        let schema = schema();
        let names = |properties: &serde_json::Value| {
            let mut names: Vec<String> = properties.as_object().unwrap().keys().cloned().collect();
            names.sort();
            names
        };
        let sorted = |keys: &[&str]| {
            let mut keys: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
            keys.sort();
            keys
        };
        assert_eq!(names(&schema["properties"]), sorted(&KEYS));
        assert_eq!(
            names(&schema["$defs"]["Lint"]["properties"]),
            sorted(&LINT_KEYS)
        );
    }

    /// An editor checking correct.toml against the schema is told what
    /// `correct` would say: accepted or refused.
    #[test]
    fn the_schema_accepts_what_the_parser_accepts() {
        let validator = jsonschema::validator_for(&schema()).unwrap();
        for text in [
            "",
            "out = \"o\"\nhtml = true\njsonld = true\nappend_notice = true\nstrict = true\ntolerant = true\nfuzzy = 0\n[lint]\nmin_reason_words = 3\n",
            "fuzzy = 50",
            "fuzzy = 7.5",
            "htm = true",
            "[lint]\nmin_reason = 2",
            "colour = 1",
            "fuzzy = 80",
            "fuzzy = -1",
            "html = \"yes\"",
            "[lint]\nmin_reason_words = -1",
            "lint = 3",
            "out = 3",
        ] {
            let value: serde_json::Value = toml::from_str(text).unwrap();
            assert_eq!(
                validator.is_valid(&value),
                parse("correct.toml", text).is_ok(),
                "{text:?}"
            );
        }
    }
}
