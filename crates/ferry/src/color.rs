//! Whether to colour what goes to a stream: `--color always|never`, else
//! (`auto`, the default) `NO_COLOR` (set and not empty: never), then
//! `FORCE_COLOR` (set, not empty and not `0`: always), then whether the
//! stream is a terminal (and `TERM` is not `dumb`). Decided once per run.

use std::io::IsTerminal;
use std::sync::OnceLock;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// Records the run's choice (from the command line), once, before anything
/// is printed.
pub fn choose(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

/// Whether what goes to stdout is coloured.
pub fn stdout() -> bool {
    enabled(std::io::stdout().is_terminal())
}

/// Whether what goes to stderr is coloured.
pub fn stderr() -> bool {
    enabled(std::io::stderr().is_terminal())
}

fn enabled(terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    match CHOICE.get().copied().unwrap_or_default() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("NO_COLOR").is_some() {
                false
            } else if set("FORCE_COLOR").is_some_and(|value| value != "0") {
                true
            } else {
                terminal && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
            }
        }
    }
}
