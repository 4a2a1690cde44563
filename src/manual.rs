//! The manual: one roff page per command (`correct.1`, `correct-record.1`, …),
//! as clap describes them (synopsis, options, subcommands) with the sections
//! clap leaves out: EXIT STATUS, EXAMPLES and SEE ALSO.

use std::io;

use roff::{Roff, bold, italic, roman};

/// One page: its file name (`correct-record.1`) and its roff text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    pub file: String,
    pub roff: Vec<u8>,
}

/// What a page adds to clap's: exit statuses (code, meaning) and examples
/// (what it does, the command line).
struct Extra {
    exits: &'static [(&'static str, &'static str)],
    examples: &'static [(&'static str, &'static str)],
}

/// The exit statuses of the main run (SPEC.md).
const RUN_EXITS: &[(&str, &str)] = &[
    (
        "0",
        "Every record applied (or was already applied); with --check, every output is current.",
    ),
    (
        "1",
        "A record did not apply (nothing is written), or --check found a stale, missing or orphaned output.",
    ),
    (
        "2",
        "The run could not be evaluated: bad usage, an unreadable or non-UTF-8 input, malformed JSON, a record that breaks the schema, duplicate ids.",
    ),
];

/// `correct record`.
const RECORD: Extra = Extra {
    exits: &[
        (
            "0",
            "The records were written (or, with --dry-run, printed).",
        ),
        (
            "2",
            "A file could not be read or written, is not UTF-8, or the arguments are wrong.",
        ),
    ],
    examples: &[
        (
            "Derive records from an edited copy, with their metadata:",
            "correct record input/article.txt edited.txt \\\n    --category fact --reason \"The pact was signed in April 1941.\" \\\n    --source https://en.wikipedia.org/wiki/Soviet%E2%80%93Japanese_Neutrality_Pact",
        ),
        (
            "Print the records instead of writing them:",
            "correct record --dry-run input/article.txt edited.txt",
        ),
    ],
};

/// `correct new`.
const NEW: Extra = Extra {
    exits: &[
        ("0", "The record applies and was written."),
        (
            "1",
            "The record does not apply (not found, ambiguous, already made, or it overlaps another record): nothing is written.",
        ),
        (
            "2",
            "Bad usage (an invalid id or category), or a file could not be read or written.",
        ),
    ],
    examples: &[(
        "Write one record, checked against the article first:",
        "correct new input/article.txt --find 1941 --replace 1945 \\\n    --category date --reason \"The Soviet Union declared war in August 1945.\" \\\n    --source https://en.wikipedia.org/wiki/Soviet_invasion_of_Manchuria",
    )],
};

/// `correct lint`.
const LINT: Extra = Extra {
    exits: &[
        ("0", "No finding."),
        ("1", "At least one record breaks the editorial policy."),
        (
            "2",
            "A record file could not be read or is malformed, or the arguments are wrong.",
        ),
    ],
    examples: &[
        ("Lint every record file under corrections/:", "correct lint"),
        (
            "Lint one article's records, asking for longer reasons:",
            "correct lint input/article.txt --min-reason-words 8",
        ),
    ],
};

/// `correct schema`.
const SCHEMA: Extra = Extra {
    exits: &[("0", "The schema was printed.")],
    examples: &[(
        "Save the schema for an editor's JSON validation:",
        "correct schema > correct.schema.json",
    )],
};

/// `correct completions`.
const COMPLETIONS: Extra = Extra {
    exits: &[("0", "The script was printed."), ("2", "An unknown shell.")],
    examples: &[(
        "Install bash completions for the current user:",
        "correct completions bash \\\n    > ~/.local/share/bash-completion/completions/correct",
    )],
};

/// `correct man`.
const MAN: Extra = Extra {
    exits: &[
        ("0", "The page was printed, or the pages were written."),
        ("2", "The folder could not be created or written."),
    ],
    examples: &[
        ("Read the main page:", "correct man | man -l -"),
        (
            "Install every page:",
            "correct man --out /usr/local/share/man/man1",
        ),
    ],
};

/// The main run's page.
const RUN: Extra = Extra {
    exits: RUN_EXITS,
    examples: &[
        (
            "Apply the article's records and write output/:",
            "correct input/article.txt",
        ),
        (
            "In CI: fail when an output is not what the records produce:",
            "correct --check",
        ),
        (
            "See the diff without writing anything, and check that git accepts it:",
            "correct --dry-run input/article.txt | git apply --check",
        ),
        (
            "One job of four in a CI matrix, with GitHub annotations:",
            "correct --check --shard 1/4 --format github",
        ),
    ],
};

/// What the page of `command` adds to clap's.
fn extra(command: &str) -> Extra {
    match command {
        "record" => RECORD,
        "new" => NEW,
        "lint" => LINT,
        "schema" => SCHEMA,
        "completions" => COMPLETIONS,
        "man" => MAN,
        _ => RUN,
    }
}

/// Every page: the main command's, then one per subcommand.
pub(crate) fn pages(cli: clap::Command) -> io::Result<Vec<Page>> {
    let mut cli = cli.disable_help_subcommand(true);
    cli.build();
    let subcommands: Vec<clap::Command> = cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let see_also: Vec<String> = subcommands.iter().map(display_name).collect();
    let mut pages = vec![page(&cli, "", &see_also)?];
    for sub in &subcommands {
        pages.push(page(sub, sub.get_name(), &[display_name(&cli)])?);
    }
    Ok(pages)
}

fn display_name(cmd: &clap::Command) -> String {
    cmd.get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_owned()
}

/// The page of `cmd` (`name`: the subcommand, empty for the main command).
fn page(cmd: &clap::Command, name: &str, see_also: &[String]) -> io::Result<Page> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    // Every part clap renders repeats roff's apostrophe preamble: kept once.
    let preamble = Roff::new().render().len();
    let part = |out: &mut Vec<u8>, render: Render| {
        roff_part(&man, render).map(|bytes| out.extend_from_slice(&bytes[preamble..]))
    };
    part(&mut out, clap_mangen::Man::render_name_section)?;
    part(&mut out, clap_mangen::Man::render_synopsis_section)?;
    part(&mut out, clap_mangen::Man::render_description_section)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        part(&mut out, clap_mangen::Man::render_options_section)?;
    }
    if cmd.has_subcommands() {
        part(&mut out, clap_mangen::Man::render_subcommands_section)?;
    }
    let extra = extra(name);
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in extra.exits {
        roff.control("TP", [])
            .text([bold(*code)])
            .text([roman(*meaning)]);
    }
    roff.control("SH", ["EXAMPLES"]);
    for (what, command) in extra.examples {
        roff.control("PP", [])
            .text([roman(*what)])
            .control("PP", [])
            .control("RS", ["4"])
            .control("EX", [])
            .text([roman(*command)])
            .control("EE", [])
            .control("RE", []);
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut refs = Vec::new();
    for (i, page) in see_also.iter().enumerate() {
        if i > 0 {
            refs.push(roman(", "));
        }
        refs.push(bold(page.as_str()));
        refs.push(roman("(1)"));
    }
    refs.push(roman(if see_also.is_empty() { "" } else { "; " }));
    refs.push(roman("the project's README.md, and its "));
    refs.push(italic("SPEC.md"));
    refs.push(roman(" for the contract."));
    roff.text(refs);
    out.extend_from_slice(roff.to_roff().as_bytes());
    if cmd.get_version().is_some() {
        part(&mut out, clap_mangen::Man::render_version_section)?;
    }
    Ok(Page {
        file: man.get_filename(),
        roff: out,
    })
}

/// One of clap_mangen's section renderers.
type Render = fn(&clap_mangen::Man, &mut dyn io::Write) -> io::Result<()>;

fn roff_part(man: &clap_mangen::Man, render: Render) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    render(man, &mut out)?;
    Ok(out)
}
