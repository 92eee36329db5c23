//! The progress bar of long runs: drawn on stderr when it is a terminal and
//! the run is long enough to be worth watching, and cleared before the
//! results are printed, so stdout and logs never see it.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below this many files a run ends before a bar would be useful.
const MIN_FILES: usize = 2000;

pub struct TerminalProgress {
    visible: bool,
    bar: OnceLock<ProgressBar>,
    /// A run of unknown length is drawn once it reaches [`MIN_FILES`].
    shown: AtomicBool,
}

impl TerminalProgress {
    /// A bar on stderr if it is a terminal.
    pub fn on_stderr() -> Self {
        Self::new(std::io::stderr().is_terminal())
    }

    fn new(visible: bool) -> Self {
        Self {
            visible,
            bar: OnceLock::new(),
            shown: AtomicBool::new(false),
        }
    }

    /// Whether a run over `total` files gets a bar.
    fn shows_bar(&self, total: usize) -> bool {
        self.visible && total >= MIN_FILES
    }
}

impl ferry_workspace::Progress for TerminalProgress {
    fn start(&self, total: Option<usize>, what: &'static str) {
        let shown = total.is_some_and(|total| self.shows_bar(total));
        let target = if shown {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let (bar, template) = match total {
            Some(total) => (
                ProgressBar::with_draw_target(Some(total as u64), target),
                "{msg} [{bar:30}] {pos}/{len} files ({eta} left)",
            ),
            // Files found as the walk goes: a count, no bar to fill.
            None => (
                ProgressBar::with_draw_target(None, target),
                "{spinner} {msg} {pos} files",
            ),
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_message(what);
        self.shown.store(shown, Ordering::Relaxed);
        let _ = self.bar.set(bar);
    }

    fn advance(&self) {
        if let Some(bar) = self.bar.get() {
            bar.inc(1);
            if self.visible
                && bar.length().is_none()
                && bar.position() >= MIN_FILES as u64
                && !self.shown.swap(true, Ordering::Relaxed)
            {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
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
        let progress = TerminalProgress::new(false);
        progress.start(Some(5000), "scanning");
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
        let progress = TerminalProgress::new(true);
        assert!(!progress.shows_bar(MIN_FILES - 1));
        assert!(progress.shows_bar(MIN_FILES));
        let off_terminal = TerminalProgress::new(false);
        assert!(!off_terminal.shows_bar(1_000_000));
    }

    #[test]
    fn a_walk_of_unknown_length_shows_its_count_only_once_long() {
        let progress = TerminalProgress::new(true);
        progress.start(None, "scanning");
        let bar = progress.bar.get().unwrap();
        assert!(bar.is_hidden());
        (0..MIN_FILES - 1).for_each(|_| progress.advance());
        assert!(!progress.shown.load(Ordering::Relaxed));
        progress.advance();
        assert!(progress.shown.load(Ordering::Relaxed));
        assert_eq!(bar.length(), None);
        progress.finish();
        assert!(bar.is_finished());

        let off_terminal = TerminalProgress::new(false);
        off_terminal.start(None, "scanning");
        (0..MIN_FILES).for_each(|_| off_terminal.advance());
        assert!(!off_terminal.shown.load(Ordering::Relaxed));
    }
}
