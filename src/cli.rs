//! The command line: clap definitions, turned into validated [`Options`].

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{self, Config};
use crate::error::Error;
use crate::locate::Tolerance;
use crate::project::Layout;
use crate::render::Format;
use crate::run::{Mode, Options};

/// Apply editorial correction records to articles, and write the corrected
/// article, a unified diff, a JSON changelog and a redline review page.
///
/// With no INPUT, corrects every file under input/ that has records in
/// corrections/. Exit codes: 0 all applied (or outputs current), 1 a record did
/// not apply (or --check found stale outputs), 2 the run could not be evaluated.
///
/// An input named like a subcommand (`new`, `record`, ...) is given as `./new`.
#[derive(Debug, Parser)]
#[command(
    name = "correct",
    version,
    max_term_width = 100,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Tools for editors; without one, correct the INPUTs.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Articles to correct; a folder means every file below it that has records
    /// (default: every file under input/ that has records).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Read records from this file or folder instead of corrections/KEY.json and
    /// corrections/KEY/*.json. Needs exactly one INPUT.
    #[arg(long, value_name = "PATH")]
    pub corrections: Option<PathBuf>,

    /// Write outputs to this folder (default: `out` in correct.toml, else output).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Read the project configuration from this file instead of the nearest
    /// correct.toml in the working directory or above.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore correct.toml: use only flags and defaults.
    #[arg(long)]
    pub no_config: bool,

    /// Write nothing; exit 1 if any output on disk differs from what would be written.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,

    /// Write nothing; print the unified diff(s) to stdout.
    #[arg(long)]
    pub dry_run: bool,

    /// With --dry-run: print git's plain word diff ([-old-]{+new+}) instead.
    #[arg(long, requires = "dry_run")]
    pub word_diff: bool,

    /// Show each change as a word diff with its id and reason on stderr (default:
    /// only when stderr is a terminal).
    #[arg(long)]
    pub show_changes: bool,

    /// Add a "Corrections" section with the records' notices to the end of the
    /// corrected article.
    #[arg(long)]
    pub append_notice: bool,

    /// Report format on stdout: text, one JSON changelog per input per line,
    /// reviewdog's rdjson, SARIF 2.1.0, GitHub Actions annotations, or the
    /// pull-request comment (Markdown).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// With --format comment: put this before each review page's path to link
    /// it, e.g. https://github.com/OWNER/REPO/blob/SHA/ (the pull request's files).
    #[arg(long, value_name = "URL")]
    #[allow(
        rustdoc::bare_urls,
        reason = "the comment is --help text, not Markdown"
    )]
    pub link_base: Option<String>,

    /// Also write output/KEY.html (the corrected article) and
    /// output/KEY.review.html (the redline) as standalone pages.
    #[arg(long)]
    pub html: bool,

    /// Also write output/KEY.corrections.jsonld: a schema.org CorrectionComment
    /// per dated record, for a CMS to embed in the article's page.
    #[arg(long)]
    pub jsonld: bool,

    /// Match `find` exactly only (the default, as the contract says); beats
    /// `tolerant = true` in correct.toml.
    #[arg(long, conflicts_with = "tolerant")]
    pub strict: bool,

    /// Also match a `find` that has no exact match after normalizing quotes,
    /// dashes and spaces, then fuzzily (see --fuzzy): for records written
    /// against an earlier edition of an article. Each such match is reported.
    #[arg(long)]
    pub tolerant: bool,

    /// Fuzzy matching: at most this percentage of a find's characters may differ
    /// (finds under 8 characters never match fuzzily; 0 turns fuzzy matching off).
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    pub fuzzy: Option<f64>,

    /// Only the articles of shard K of N (1-based), split by a hash of each
    /// article's key: N CI jobs that each run one shard (writing or --check)
    /// cover the project once, with disjoint outputs.
    #[arg(long, value_name = "K/N", value_parser = crate::project::Shard::parse)]
    pub shard: Option<crate::project::Shard>,

    /// Rewrite each record that matched only after normalizing or fuzzily, so that
    /// its find/before/after match the article exactly; print what changed. Writes
    /// record files only, no outputs.
    #[arg(long, conflicts_with_all = ["check", "dry_run", "strict"])]
    pub rebase: bool,

    /// When to colour output (a flag beats NO_COLOR; auto: only on a terminal).
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,
}

/// The editors' tools.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Derive correction records from an edited copy of an article: one record
    /// per changed region, each with the smallest unique `find`.
    Record(RecordArgs),
    /// Write one correction record from flags, after checking that it applies.
    New(NewArgs),
    /// Check the records against editorial policy; changes nothing.
    Lint(LintArgs),
    /// Print the JSON Schema of record files (or, with --config, of
    /// correct.toml).
    Schema {
        /// The schema of the project configuration, correct.toml, instead
        /// (committed as schema/correct.toml.schema.json).
        #[arg(long)]
        config: bool,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write every page (one per subcommand).
    Man {
        /// Write correct.1, correct-record.1, … into this folder (made if
        /// missing) instead of printing correct.1.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// What a new record says beyond its texts; left as TODO placeholders (which
/// `correct` refuses until they are filled in) when not given.
#[derive(Debug, Clone, clap::Args)]
pub struct Metadata {
    /// The kind of error: fact, date, name, number, attribution, spelling,
    /// grammar, style, clarity or other.
    #[arg(long, value_parser = categories())]
    pub category: Option<String>,
    /// Why the original is wrong.
    #[arg(long)]
    pub reason: Option<String>,
    /// A source: a URL, or a title; `TITLE=URL` gives both. Repeat for more.
    #[arg(long = "source", value_name = "SOURCE")]
    pub sources: Vec<String>,
    /// Who writes the record.
    #[arg(long)]
    pub author: Option<String>,
}

/// `correct record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The article as published (its key decides where records go).
    pub original: PathBuf,
    /// The edited copy.
    pub edited: PathBuf,
    /// Write the records to this folder instead of corrections/KEY/.
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
    /// Print the records instead of writing them.
    #[arg(long)]
    pub dry_run: bool,
    /// Category, reason, sources and author of every record.
    #[command(flatten)]
    pub metadata: Metadata,
}

/// `correct new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The article the record corrects.
    pub input: PathBuf,
    /// The exact text to replace.
    #[arg(long)]
    pub find: String,
    /// The text that replaces it.
    #[arg(long)]
    pub replace: String,
    /// Text that must stand right before `find`.
    #[arg(long)]
    pub before: Option<String>,
    /// Text that must stand right after `find`.
    #[arg(long)]
    pub after: Option<String>,
    /// Which match: a number, or "all".
    #[arg(long)]
    pub occurrence: Option<String>,
    /// The record's id, `[a-z0-9][a-z0-9._-]*` (default: from the first words of
    /// `replace`, or of `find` when `replace` has none).
    #[arg(long)]
    pub id: Option<String>,
    /// Write the record to this folder instead of corrections/KEY/.
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
    /// Category, reason, sources and author of the record.
    #[command(flatten)]
    pub metadata: Metadata,
}

/// `correct lint`.
#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Articles whose records to check (default: every record file under
    /// corrections/).
    pub inputs: Vec<PathBuf>,
    /// The fewest words a reason may have (default: `lint.min_reason_words` in
    /// correct.toml, else 6).
    #[arg(long, value_name = "N")]
    pub min_reason_words: Option<usize>,
    /// How to report: text on stderr, or on stdout one JSON object per
    /// finding per line, GitHub Actions annotations, one reviewdog rdjson
    /// document or one SARIF log; each finding on its record's line in the
    /// record file.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The record categories, as `--category` takes them (and completions offer).
fn categories() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        crate::record::Category::ALL.map(super::record::Category::as_str),
    )
}

/// A percentage from 0 to 50.
fn percent(value: &str) -> Result<f64, String> {
    let n: f64 = value
        .parse()
        .map_err(|_| format!("`{value}` is not a number"))?;
    match (0.0..=50.0).contains(&n) {
        true => Ok(n),
        false => Err(format!(
            "{n} is outside 0 to 50 (percent of a find's characters)"
        )),
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when the stream is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl Cli {
    /// The flags given that change the outputs but are not in the
    /// configuration (a plain `correct --check` would not expect what they
    /// write), each with the line that would put it there.
    fn unconfigured(&self, config: Option<&Config>) -> Vec<(&'static str, String)> {
        type Pick = fn(&Config) -> Option<bool>;
        let flags: [(bool, &'static str, &str, Pick); 4] = [
            (self.html, "--html", "html = true", |c| c.html),
            (self.jsonld, "--jsonld", "jsonld = true", |c| c.jsonld),
            (
                self.append_notice,
                "--append-notice",
                "append_notice = true",
                |c| c.append_notice,
            ),
            (self.tolerant, "--tolerant", "tolerant = true", |c| {
                c.tolerant
            }),
        ];
        let mut unconfigured: Vec<(&'static str, String)> = flags
            .into_iter()
            .filter(|&(given, _, _, pick)| given && !config.and_then(pick).unwrap_or(false))
            .map(|(_, flag, key, _)| (flag, key.to_owned()))
            .collect();
        if let Some(fuzzy) = self.fuzzy
            && config.and_then(|c| c.fuzzy) != Some(fuzzy)
        {
            unconfigured.push(("--fuzzy", format!("fuzzy = {fuzzy}")));
        }
        unconfigured
    }

    /// What the run does: `--rebase`, `--check`, `--dry-run`, else write.
    fn mode(&self) -> Mode {
        match (self.rebase, self.check, self.dry_run) {
            (true, _, _) => Mode::Rebase,
            (_, true, _) => Mode::Check,
            (_, _, true) => Mode::DryRun,
            _ => Mode::Write,
        }
    }

    /// The output folder: `--out`, else the configuration's `out` (relative
    /// to the folder of `correct.toml`, shown from `cwd`), else `output`.
    fn out_folder(&self, found: Option<&config::Found>, cwd: &std::path::Path) -> PathBuf {
        match (
            &self.out,
            found.and_then(|f| Some((f, f.config.out.as_ref()?))),
        ) {
            (Some(out), _) => out.clone(),
            (None, Some((found, out))) => {
                let full = found.dir.join(out);
                PathBuf::from(crate::project::display(cwd, &full))
            }
            (None, None) => PathBuf::from("output"),
        }
    }

    /// Validated options for a run in `cwd`, the project configuration
    /// (`correct.toml`) under the flags. `no_color`: whether NO_COLOR is set.
    pub fn into_options(self, cwd: PathBuf, no_color: bool) -> Result<Options, Error> {
        let found = match self.no_config {
            true => None,
            false => config::find(&cwd, self.config.as_deref())?,
        };
        let config = found.as_ref().map(|f| &f.config);
        let from_config =
            |pick: fn(&Config) -> Option<bool>| config.and_then(pick).unwrap_or(false);
        let unconfigured = self.unconfigured(config);
        let out = self.out_folder(found.as_ref(), &cwd);
        let color = |is_terminal: bool| match self.color {
            Some(ColorArg::Always) => true,
            Some(ColorArg::Never) => false,
            Some(ColorArg::Auto) | None => !no_color && is_terminal,
        };
        let mode = self.mode();
        let stderr_terminal = std::io::stderr().is_terminal();
        let fuzzy = self
            .fuzzy
            .or_else(|| config.and_then(|c| c.fuzzy))
            .unwrap_or(10.0);
        Ok(Options {
            color_stdout: color(std::io::stdout().is_terminal()),
            color_stderr: color(stderr_terminal),
            show_changes: self.show_changes || stderr_terminal,
            word_diff: self.word_diff,
            append_notice: self.append_notice || from_config(|c| c.append_notice),
            progress: stderr_terminal && self.format == Format::Text,
            tolerance: Tolerance {
                // Exact matching unless the run or the project asks for the
                // tolerant tiers; a rebase exists to use them.
                strict: !self.rebase
                    && (self.strict
                        || from_config(|c| c.strict)
                        || !(self.tolerant || from_config(|c| c.tolerant))),
                fuzzy: fuzzy / 100.0,
            },
            layout: Layout {
                cwd,
                inputs: self.inputs,
                corrections: self.corrections,
                out,
                html: self.html || from_config(|c| c.html),
                jsonld: self.jsonld || from_config(|c| c.jsonld),
                shard: self.shard,
            },
            mode,
            format: self.format,
            config: found.map(|f| f.shown),
            link_base: self.link_base.clone(),
            unconfigured,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_color_flag_beats_no_color() {
        let cli = Cli::parse_from(["correct", "--color", "always"]);
        let opts = cli.into_options(PathBuf::from("/"), true).unwrap();
        assert!(opts.color_stdout && opts.color_stderr);
    }

    #[test]
    fn no_color_turns_auto_off() {
        let opts = Cli::parse_from(["correct"])
            .into_options(PathBuf::from("/"), true)
            .unwrap();
        assert!(!opts.color_stdout && !opts.color_stderr);
    }

    #[test]
    fn word_diff_needs_dry_run() {
        assert!(Cli::try_parse_from(["correct", "--word-diff"]).is_err());
        assert!(Cli::try_parse_from(["correct", "--dry-run", "--word-diff"]).is_ok());
    }

    #[test]
    fn check_and_dry_run_exclude_each_other() {
        assert!(Cli::try_parse_from(["correct", "--check", "--dry-run"]).is_err());
    }
}
