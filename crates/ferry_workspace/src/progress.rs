//! Progress of a run over many files, reported to whoever shows it: the CLI
//! draws a bar on a terminal; libraries and tests pass [`NoProgress`]. This
//! crate never touches the terminal itself.

/// Told how far a run over files has got. Called from many threads at once.
pub trait Progress: Sync {
    /// A run over `total` files starts (`None`: files found while the run
    /// goes on); `what` names it (`scanning`, `fixing`).
    fn start(&self, _total: Option<usize>, _what: &'static str) {}
    /// One more file is done.
    fn advance(&self) {}
    /// A file was read and holds none of the packs' words: it is not parsed.
    fn prefiltered(&self) {}
    /// A file was decoded and parsed.
    fn parsed(&self) {}
    /// The run is over (before anything is printed).
    fn finish(&self) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Default)]
    struct Counting {
        total: std::sync::Mutex<Option<Option<usize>>>,
        done: AtomicUsize,
        finished: AtomicUsize,
        prefiltered: AtomicUsize,
        parsed: AtomicUsize,
    }

    impl Progress for Counting {
        fn start(&self, total: Option<usize>, _what: &'static str) {
            *self.total.lock().unwrap() = Some(total);
        }
        fn advance(&self) {
            self.done.fetch_add(1, Ordering::SeqCst);
        }
        fn finish(&self) {
            self.finished.fetch_add(1, Ordering::SeqCst);
        }
        fn prefiltered(&self) {
            self.prefiltered.fetch_add(1, Ordering::SeqCst);
        }
        fn parsed(&self) {
            self.parsed.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn scan_and_fix_report_every_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for i in 0..37 {
            let path = dir.path().join(format!("m{i}.py"));
            // Every third file without the pack's words: read, never parsed.
            let text = if i % 3 == 0 {
                "x = 1\n"
            } else {
                "import websockets\nx = 1\n"
            };
            std::fs::write(&path, text).unwrap();
            files.push(path);
        }
        let pack = &ferry_engine::Pack {
            name: "test",
            summary: "",
            library: "test",
            rules: &[],
            triggers: &["websockets"],
            mention_words: &["websockets"],
            packages: &["websockets"],
            migration: None,
            probe: None,
            gate: ferry_engine::RuleGate::new(),
        };
        let settings = ferry_engine::Settings::default();
        let counting = Counting::default();
        let options = crate::ScanOptions::default();
        crate::scan_with_progress(&files, &[pack], &settings, dir.path(), options, &counting);
        assert_eq!(*counting.total.lock().unwrap(), Some(Some(37)));
        assert_eq!(counting.done.load(Ordering::SeqCst), 37);
        assert_eq!(counting.finished.load(Ordering::SeqCst), 1);
        assert_eq!(counting.prefiltered.load(Ordering::SeqCst), 13);
        assert_eq!(counting.parsed.load(Ordering::SeqCst), 24);

        // A walk does not know how many files it will meet.
        let counting = Counting::default();
        let walk = crate::Walk::new(&[dir.path().to_path_buf()], &Default::default()).unwrap();
        let report =
            crate::scan_with_progress(&walk, &[], &settings, dir.path(), options, &counting);
        assert_eq!(report.files_scanned, 37);
        assert_eq!(*counting.total.lock().unwrap(), Some(None));
        assert_eq!(counting.done.load(Ordering::SeqCst), 37);
        assert_eq!(counting.finished.load(Ordering::SeqCst), 1);

        let counting = Counting::default();
        let options = crate::FixOptions {
            mode: crate::FixMode::Check,
            unsafe_fixes: false,
            allow_dirty: true,
            allow_no_vcs: true,
            project_pins: false,
        };
        crate::fix_with_progress(&files, &[pack], &settings, dir.path(), options, &counting)
            .unwrap();
        assert_eq!(counting.done.load(Ordering::SeqCst), 37);
        assert_eq!(counting.finished.load(Ordering::SeqCst), 1);
        assert_eq!(counting.prefiltered.load(Ordering::SeqCst), 13);
        assert_eq!(counting.parsed.load(Ordering::SeqCst), 24);
    }
}
