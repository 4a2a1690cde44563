//! `correct lint [INPUT]...`: what `correct` would accept but an editor should
//! not, in every format the main run reports in.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::cli::LintArgs;
use crate::error::{EXIT_ERROR, EXIT_FAILED, EXIT_OK, Error};
use crate::render::Format;
use crate::render::report::Paint;
use crate::{lint, project, record};

/// `correct lint [INPUT]...`.
pub(super) fn run(
    args: &LintArgs,
    cwd: &Path,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    paint: Paint,
) -> io::Result<Result<u8, Error>> {
    // Files that could not be linted, as run errors are reported.
    let mut errors: Vec<Error> = Vec::new();
    let files = match record_files(args, cwd, &mut errors) {
        Ok(files) => files,
        Err(e) => return Ok(Err(e)),
    };
    let keys = match input_keys(cwd) {
        Ok(keys) => keys,
        Err(e) => return Ok(Err(e)),
    };
    let configured = match crate::config::find(cwd, None) {
        Ok(found) => found.and_then(|f| f.config.lint?.min_reason_words),
        Err(e) => return Ok(Err(e)),
    };
    let min_reason_words = args.min_reason_words.or(configured).unwrap_or(6);
    let mut findings = Vec::new();
    for file in &files {
        findings.extend(lint_file(cwd, file, &keys, min_reason_words, &mut errors));
    }
    // The plan has read the shared files too: each problem once.
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert(e.to_string()));
    let code = match (errors.is_empty(), findings.is_empty()) {
        (false, _) => EXIT_ERROR,
        (true, false) => EXIT_FAILED,
        (true, true) => EXIT_OK,
    };
    report_lint(args.format, &errors, &findings, stdout, stderr, paint)?;
    writeln!(
        stderr,
        "{} finding(s) in {} record file(s)",
        findings.len(),
        files.len()
    )?;
    Ok(Ok(code))
}

/// The record files to lint: every one under `corrections/`, or those of
/// the inputs named (and the shared ones they get), with the plan's errors
/// added to `errors`.
fn record_files(
    args: &LintArgs,
    cwd: &Path,
    errors: &mut Vec<Error>,
) -> Result<Vec<String>, Error> {
    if args.inputs.is_empty() {
        return json_files(cwd, Path::new("corrections"));
    }
    let layout = project::Layout {
        cwd: cwd.to_path_buf(),
        inputs: args.inputs.clone(),
        corrections: None,
        out: PathBuf::from("output"),
        html: false,
        jsonld: false,
        shard: None,
    };
    let plan = project::plan(&layout)?;
    errors.extend(plan.errors);
    let shared = match plan.jobs.iter().any(|j| !j.shared.is_empty()) {
        true => project::shared_record_files(cwd).unwrap_or_default(),
        false => Vec::new(),
    };
    let mut files: Vec<String> = plan.jobs.into_iter().flat_map(|j| j.record_files).collect();
    files.extend(shared);
    Ok(files)
}

/// The findings of one record file (an orphan file is one), with the
/// problems that stop it being read added to `errors`.
fn lint_file(
    cwd: &Path,
    file: &str,
    keys: &[String],
    min_reason_words: usize,
    errors: &mut Vec<Error>,
) -> Vec<lint::Finding> {
    let mut findings = Vec::new();
    let key = key_of_record_file(file);
    let shared = key.as_deref() == Some(project::SHARED_KEY);
    if let Some(key) = key.filter(|k| !shared && !keys.contains(k)) {
        findings.push(lint::Finding {
            rule: "orphan-file",
            file: file.to_owned(),
            id: None,
            line: None,
            message: format!(
                "no input has the key `{key}` (looked for input/{key}.*); move or remove the file"
            ),
        });
    }
    match record::read_file(cwd, file) {
        Ok(mut records) => {
            if shared {
                errors.extend(project::share(&mut records));
            }
            findings.extend(lint::records(&records, min_reason_words));
        }
        Err(problems) => errors.extend(problems),
    }
    findings
}

/// Lint's findings and errors in `format`: for people on stderr, or on stdout
/// as JSON lines, GitHub annotations, one rdjson document or one SARIF log,
/// each placed on the record's line in its file.
fn report_lint(
    format: Format,
    errors: &[Error],
    findings: &[lint::Finding],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    paint: Paint,
) -> io::Result<()> {
    use crate::render::diagnostic::Diagnostic;
    let diagnostics =
        errors
            .iter()
            .map(|e| Diagnostic::of_error(e, None))
            .chain(findings.iter().map(|f| Diagnostic {
                kind: f.rule.to_owned(),
                file: f.file.clone(),
                at: f.line.map(|line| (line, 1)),
                title: f.id.clone(),
                message: f.message.clone(),
            }));
    match format {
        Format::Text => {
            for e in errors {
                writeln!(stderr, "{}: {e}", paint.error("error"))?;
            }
            for f in findings {
                let record =
                    f.id.as_ref()
                        .map(|id| format!(" record `{id}`:"))
                        .unwrap_or_default();
                writeln!(
                    stderr,
                    "{}: {}:{record} {}",
                    paint.warn(&format!("lint[{}]", f.rule)),
                    f.file,
                    f.message
                )?;
            }
        }
        Format::Json => {
            for d in diagnostics {
                writeln!(stdout, "{}", crate::inert::json(&d.json().to_string()))?;
            }
        }
        Format::Github => {
            for d in diagnostics {
                stdout.write_all(d.github().as_bytes())?;
            }
        }
        Format::Rdjson | Format::Sarif | Format::Comment => {
            use crate::render::annotations::Annotation;
            let all: Vec<Annotation> = diagnostics.map(Annotation::Failure).collect();
            format.write_document("correct lint", &all, None, stdout)?;
        }
    }
    Ok(())
}

/// Every file below `dir` (none if it does not exist), by the project's one
/// walker: no link followed, none allowed (see [`crate::confine`]).
fn files_below(cwd: &Path, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if !cwd.join(dir).is_dir() && std::fs::symlink_metadata(cwd.join(dir)).is_err() {
        return Ok(Vec::new());
    }
    project::files_below(cwd, dir)
}

/// Every `*.json` below `dir`, as shown to users, in path order.
fn json_files(cwd: &Path, dir: &Path) -> Result<Vec<String>, Error> {
    let mut found: Vec<String> = files_below(cwd, dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| project::display(cwd, &p))
        .collect();
    found.sort();
    Ok(found)
}

/// The key a conventional record file belongs to: `corrections/K.json` or
/// `corrections/K/x.json` -> `K`.
fn key_of_record_file(file: &str) -> Option<String> {
    let rest = file.strip_prefix("corrections/")?;
    match rest.rsplit_once('/') {
        Some((key, _)) => Some(key.to_owned()),
        None => rest.strip_suffix(".json").map(str::to_owned),
    }
}

/// The keys of every file under `input/`.
fn input_keys(cwd: &Path) -> Result<Vec<String>, Error> {
    Ok(files_below(cwd, Path::new("input"))?
        .into_iter()
        .map(|p| project::key_of(&project::display(cwd, &p)))
        .collect())
}
