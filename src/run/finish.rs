//! The end of a run: the outputs on disk that no article writes (orphans),
//! then the outputs written, checked or left (a dry run), and the stale ones
//! reported.

use std::io::{self, Write};

use super::input::{Outputs, Processed, regenerate_command};
use super::{LISTED_FILES, Mode, Options, Unreported};
use crate::error::{EXIT_ERROR, EXIT_FAILED, EXIT_OK, Error};
use crate::output::{self, Session, Stale};
use crate::project;
use crate::render::diagnostic::Diagnostic;
use crate::render::report::{self, Paint};

/// The outputs on disk that no article of this run writes: below the whole
/// output folder when no INPUT was named, else among the named inputs' keys.
fn orphans(opts: &Options, processed: &[Processed]) -> Vec<Stale> {
    if !matches!(opts.mode, Mode::Write | Mode::Check) {
        return Vec::new();
    }
    let expected: std::collections::HashSet<String> = processed
        .iter()
        .flat_map(|p| p.paths.iter().cloned())
        .collect();
    let keys: Option<std::collections::HashSet<String>> =
        (!opts.layout.inputs.is_empty()).then(|| processed.iter().map(|p| p.key.clone()).collect());
    output::orphans(
        &opts.layout.cwd,
        &opts.layout.out,
        &expected,
        keys.as_ref(),
        opts.layout.shard,
    )
}

/// Writes the outputs, checks them, or (dry run) leaves them.
pub(super) fn finish(
    opts: &Options,
    processed: Vec<Processed>,
    session: Option<&Session>,
    unreported: &mut Unreported,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> io::Result<u8> {
    let cwd = &opts.layout.cwd;
    let files: usize = processed.iter().map(|p| p.files).sum();
    let mut staged = Vec::new();
    let mut stale = Vec::new();
    // Stale on their own, not as an input's outputs: reported apart.
    let mut apart = Vec::new();
    if opts.mode == Mode::Check {
        apart.extend(output::interrupted(cwd, &opts.layout.out));
    }
    let orphans = orphans(opts, &processed);
    for p in processed {
        match p.outputs {
            Outputs::Staged(Ok(files)) => staged.extend(files),
            Outputs::Staged(Err(e)) => {
                unreported.errors(opts, Some(&p.input), &[e], stdout, stderr)?;
                return Ok(EXIT_ERROR);
            }
            Outputs::Stale(files) => stale.extend(files),
            Outputs::None | Outputs::Rebase(_) => {}
        }
    }
    match opts.mode {
        Mode::DryRun => writeln!(stderr, "dry run: nothing written")?,
        Mode::Rebase => unreachable!("a rebase ends before the outputs"),
        Mode::Write => match commit(session, staged, &orphans, stderr) {
            Ok(written) if written.is_empty() => writeln!(stderr, "outputs already current")?,
            Ok(written) if written.len() > LISTED_FILES => {
                let out = project::display(cwd, &opts.layout.out);
                writeln!(stderr, "wrote {} files under {out}", written.len())?;
            }
            Ok(written) => writeln!(stderr, "wrote {}", written.join(", "))?,
            Err(e) => {
                unreported.errors(opts, None, &[e], stdout, stderr)?;
                return Ok(EXIT_ERROR);
            }
        },
        Mode::Check => {
            apart.extend(orphans);
            unreported
                .stale
                .extend(apart.iter().map(Diagnostic::of_stale));
            stale.splice(0..0, apart);
            return report_stale(opts, files, &stale, stderr);
        }
    }
    Ok(EXIT_OK)
}

/// `--check`'s verdict on the `files` checked: current, or each of the
/// `stale` outputs said and the command that makes them current again.
fn report_stale(
    opts: &Options,
    files: usize,
    stale: &[Stale],
    stderr: &mut dyn Write,
) -> io::Result<u8> {
    if stale.is_empty() {
        writeln!(stderr, "outputs are current ({files} files checked)")?;
        return Ok(EXIT_OK);
    }
    let paint = opts.stderr_paint();
    for s in stale {
        describe_stale(s, paint, stderr)?;
    }
    let cwd = &opts.layout.cwd;
    let inputs: Vec<String> = (opts.layout.inputs.iter())
        .map(|i| project::display(cwd, i))
        .collect();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let again = regenerate_command(opts, &inputs);
    writeln!(
        stderr,
        "{} run `{again}` and commit the outputs",
        paint.help("help:")
    )?;
    Ok(EXIT_FAILED)
}

/// Commits the `staged` outputs and removes the `orphans` (none without a
/// session: nothing to write); the paths written, the removed ones said on
/// `stderr`.
fn commit(
    session: Option<&Session>,
    staged: Vec<output::Staged>,
    orphans: &[Stale],
    stderr: &mut dyn Write,
) -> Result<Vec<String>, Error> {
    let Some(session) = session else {
        return Ok(Vec::new());
    };
    let paths: Vec<String> = orphans.iter().map(|o| o.path().to_owned()).collect();
    let mut written = session.commit_removing(staged, &paths)?;
    let removed = written.split_off(written.len().saturating_sub(orphans.len()));
    if !removed.is_empty() {
        let _ = writeln!(stderr, "removed orphaned outputs: {}", removed.join(", "));
    }
    Ok(written)
}

/// Says on `stderr` how one output is stale, and what to do.
fn describe_stale(s: &Stale, paint: Paint, stderr: &mut dyn Write) -> io::Result<()> {
    let stale = paint.warn("stale");
    match s {
        Stale::Interrupted(journal) => writeln!(
            stderr,
            "{stale}: {journal}: a run was stopped while replacing the outputs; run `correct` to finish it",
        ),
        Stale::Missing(path) => writeln!(stderr, "{stale}: {path} is missing"),
        Stale::Differs(path, diff) => {
            writeln!(
                stderr,
                "{stale}: {path} differs from what the records produce:"
            )?;
            stderr.write_all(report::colored_diff(diff, paint).as_bytes())
        }
        Stale::Refused(path, why) => writeln!(
            stderr,
            "{stale}: {path}: {why}; outputs are regular files in real folders: remove it and run `correct`",
        ),
        Stale::Orphan(path, why) => writeln!(
            stderr,
            "{stale}: {path} is an orphan: {why}; delete it (or restore its records) and commit",
        ),
    }
}
