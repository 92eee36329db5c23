//! Messages to the person running Ferry, on stderr, each with the prefix of
//! its kind: `error: `, `warning: ` or `note: ` — the prefixes clap gives
//! its usage errors, so every message of a run reads alike. A message about
//! one file puts the file first (`path: error: reason`), as compilers do.
//! Nothing else in the CLI spells these prefixes.

use std::fmt::Display;

use anstyle::{AnsiColor, Style};

/// A run that cannot go on, or a part of it that failed.
pub fn error(message: impl Display) {
    eprintln!("{}", line("error", message));
}

/// Something the user probably did not mean.
pub fn warning(message: impl Display) {
    eprintln!("{}", line("warning", message));
}

/// Something the user should know, not a problem.
pub fn note(message: impl Display) {
    eprintln!("{}", line("note", message));
}

/// `path: error: reason`, for a line about one file (plain: it may go to
/// stdout).
pub fn file_error(path: impl Display, reason: impl Display) -> String {
    format!("{path}: error: {reason}")
}

fn line(kind: &str, message: impl Display) -> String {
    let color = match kind {
        "error" => AnsiColor::Red,
        "warning" => AnsiColor::Yellow,
        _ => AnsiColor::Green,
    };
    let style = if crate::color::stderr() {
        Style::new().bold().fg_color(Some(color.into()))
    } else {
        Style::new()
    };
    format!("{style}{kind}:{style:#} {message}")
}
