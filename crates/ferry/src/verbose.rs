//! `scan -v` and `fix -v`: what a run did, on stderr once it is over — the
//! files it discovered, read and parsed, its wall time, and what the walk
//! left out and why. The counts come through the same `Progress` reporter
//! the progress bar uses, so the library crates only count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use ferry_report::count;
use ferry_workspace::{Discovered, Progress};

use crate::diag;
use crate::progress_bar::TerminalProgress;

/// The progress bar, counting as it goes.
pub struct RunStats {
    started: Instant,
    bar: TerminalProgress,
    files: AtomicUsize,
    prefiltered: AtomicUsize,
    parsed: AtomicUsize,
}

impl RunStats {
    /// Starts the clock.
    pub fn start() -> Self {
        Self {
            started: Instant::now(),
            bar: TerminalProgress::on_stderr(),
            files: AtomicUsize::new(0),
            prefiltered: AtomicUsize::new(0),
            parsed: AtomicUsize::new(0),
        }
    }

    /// Prints the run's counts and what the walk left out (`discovered`)
    /// as notes on stderr.
    pub fn print(&self, discovered: &Discovered) {
        let n = |counter: &AtomicUsize| counter.load(Ordering::Relaxed);
        let files = n(&self.files);
        let (prefiltered, parsed) = (n(&self.prefiltered), n(&self.parsed));
        diag::note(format_args!(
            "{} discovered: {parsed} parsed, {prefiltered} read but not parsed (none of the packs' words), {} not read or not decoded; {:.2} s",
            count(files, "Python file"),
            files.saturating_sub(parsed + prefiltered),
            self.started.elapsed().as_secs_f64(),
        ));
        let skipped = discovered.skipped;
        diag::note(format_args!(
            "skipped {}, {}, {}, {} (pyvenv.cfg), {} (.ipynb), {} matching --exclude, {} left out by the configuration's `exclude` or --phase; paths a .gitignore names are not counted",
            count(skipped.vcs_or_cache, "VCS or cache folder"),
            count(skipped.site_packages, "site-packages folder"),
            count(skipped.node_modules, "node_modules folder"),
            count(skipped.virtual_envs, "virtual environment"),
            count(discovered.skipped_notebooks.len(), "notebook"),
            count(skipped.excluded, "path"),
            count(skipped.filtered, "file"),
        ));
    }
}

impl Progress for RunStats {
    fn start(&self, total: Option<usize>, what: &'static str) {
        self.bar.start(total, what);
    }

    fn advance(&self) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bar.advance();
    }

    fn finish(&self) {
        self.bar.finish();
    }

    fn prefiltered(&self) {
        self.prefiltered.fetch_add(1, Ordering::Relaxed);
    }

    fn parsed(&self) {
        self.parsed.fetch_add(1, Ordering::Relaxed);
    }
}
