//! Where Ferry meets the disk: discovering Python files (gitignore-aware,
//! in parallel), reading and decoding them, running the engine over them on
//! all cores, turning engine results into report rows, and writing fixed
//! files back atomically behind an uncommitted-changes guard. The engine itself
//! never does IO; everything that can fail on a real tree fails here, per file,
//! as data. It also reads what the project pins (`pins`), which decides the
//! library version each file is checked against.

mod config;
mod discover;
mod fix;
mod folder_map;
mod git;
mod handover;
mod history;
mod paths;
pub mod pins;
mod progress;
mod read;
mod scan;
mod write;

pub use config::{find_config, load_config, Config, ConfigError, PhaseConfig, CONFIG_FILE};
pub use discover::{discover, DiscoverError, DiscoverOptions, Discovered, Files, Skipped, Walk};
pub use fix::{fix, fix_with_progress, FileFix, FixError, FixMode, FixOptions, FixRun};
pub use git::{uncommitted, DirtyFile};
pub use history::{findings_at, resolve_revision, HistoryError, Revision};
pub use paths::{normalize, PathGlobs, Phase, PhasePlan, UNPHASED};
pub use progress::{NoProgress, Progress};
pub use scan::{
    describe_check_error, display_path, scan, scan_with_progress, settings_for_file,
    to_file_report, ScanOptions,
};
pub use write::{
    remove_stale_temp_files, write_atomically, write_new_file, Fingerprint, WriteError,
};
