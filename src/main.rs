//! The `correct` binary: parse arguments, run the library, exit with its code.

use std::io::{self, IsTerminal as _, Write};

use correct::inert::Terminal;
use std::process::ExitCode;

use clap::Parser as _;

// mimalloc: on large articles glibc's allocator spent a third of the run in
// the kernel, mapping and unmapping the big buffers (see BENCHMARKS.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut cli = correct::cli::Cli::parse();
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(e) => {
            let _ = writeln!(
                io::stderr(),
                "error: cannot read the working directory: {e}"
            );
            return ExitCode::from(correct::error::EXIT_ERROR);
        }
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let command = cli.command.take();
    let options = match cli.into_options(cwd.clone(), no_color) {
        Ok(options) => options,
        Err(e) => {
            let mut stderr = Terminal::new(io::stderr(), false);
            let _ = writeln!(stderr, "error: {e}");
            return ExitCode::from(correct::error::EXIT_ERROR);
        }
    };
    // Untrusted text from articles and records reaches the terminal only
    // inert (correct::inert); stdout stays byte-exact unless it is a terminal
    // (`correct --dry-run | git apply`). stderr is not held locked: the
    // progress bar draws on it from other threads.
    let mut stderr = Terminal::new(io::stderr(), options.color_stderr);
    let mut stdout: Box<dyn Write> = match io::stdout().is_terminal() {
        true => Box::new(Terminal::new(io::stdout().lock(), options.color_stdout)),
        false => Box::new(io::stdout().lock()),
    };
    let result = match command {
        Some(command) => {
            let paint = options.stderr_paint();
            correct::commands::run(command, &cwd, &mut stdout, &mut stderr, paint)
        }
        None => correct::run::run(&options, &mut stdout, &mut stderr),
    };
    let flushed = stderr.flush();
    match result.and_then(|code| stdout.flush().and(flushed).map(|()| code)) {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`correct --dry-run | head`) is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}");
            ExitCode::from(correct::error::EXIT_ERROR)
        }
    }
}
