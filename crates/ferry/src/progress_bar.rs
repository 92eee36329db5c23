//! The progress bar of long runs: drawn on stderr when it is a terminal and
//! the run is long enough to be worth watching, and cleared before the
//! results are printed, so stdout and logs never see it.

use std::io::IsTerminal;
use std::sync::OnceLock;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below this many files a run ends before a bar would be useful.
const MIN_FILES: usize = 2000;

pub struct TerminalProgress {
    visible: bool,
    bar: OnceLock<ProgressBar>,
}

impl TerminalProgress {
    /// A bar on stderr if it is a terminal.
    pub fn on_stderr() -> Self {
        Self {
            visible: std::io::stderr().is_terminal(),
            bar: OnceLock::new(),
        }
    }

    /// Whether a run over `total` files gets a bar.
    fn shows_bar(&self, total: usize) -> bool {
        self.visible && total >= MIN_FILES
    }
}

impl ferry_workspace::Progress for TerminalProgress {
    fn start(&self, total: usize, what: &'static str) {
        let target = if self.shows_bar(total) {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total as u64), target);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} files ({eta} left)")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_message(what);
        let _ = self.bar.set(bar);
    }

    fn advance(&self) {
        if let Some(bar) = self.bar.get() {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_workspace::Progress;

    #[test]
    fn counts_every_file_and_stays_hidden_off_a_terminal() {
        let progress = TerminalProgress {
            visible: false,
            bar: OnceLock::new(),
        };
        progress.start(5000, "scanning");
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| (0..250).for_each(|_| progress.advance()));
            }
        });
        let bar = progress.bar.get().unwrap();
        assert_eq!(bar.position(), 1000);
        assert_eq!(bar.length(), Some(5000));
        assert!(bar.is_hidden());
        progress.finish();
        assert!(bar.is_finished());
    }

    #[test]
    fn small_runs_get_no_bar_even_on_a_terminal() {
        let progress = TerminalProgress {
            visible: true,
            bar: OnceLock::new(),
        };
        assert!(!progress.shows_bar(MIN_FILES - 1));
        assert!(progress.shows_bar(MIN_FILES));
        let off_terminal = TerminalProgress {
            visible: false,
            bar: OnceLock::new(),
        };
        assert!(!off_terminal.shows_bar(1_000_000));
    }
}
