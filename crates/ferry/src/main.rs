//! The `ferry` command line: parses arguments, runs one command, maps the
//! outcome to an exit code. Everything it does is delegated to the library
//! crates; this file only wires them together and prints.

mod allocator;
mod cli;
mod color;
mod commands;
mod diag;
mod exit;
mod pack_cmd;
mod progress_bar;
mod project;
mod report_cmd;
mod tests_cmd;
mod upgrade_cmd;
mod verbose;
mod verify_cmd;

use std::process::ExitCode;

use clap::Parser;

/// Deeply nested expressions make recursive tree walks deep; give every
/// thread room for them rather than risk a stack overflow on odd input.
const STACK_SIZE: usize = 64 * 1024 * 1024;

fn main() -> ExitCode {
    allocator::keep_large_blocks_in_own_mappings();
    let args = cli::Args::parse();
    color::choose(args.color);
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .build_global();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(move || commands::run(args))
        .expect("can start the main worker thread");
    let status = match worker.join() {
        Ok(Ok(status)) => status,
        Ok(Err(err)) => {
            diag::error(format_args!("{err:#}"));
            exit::ExitStatus::Error
        }
        Err(_) => {
            diag::error("internal error (a bug): please report it with the file that caused it");
            exit::ExitStatus::Error
        }
    };
    status.into()
}
