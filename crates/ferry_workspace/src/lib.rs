//! Where Ferry meets the disk: discovering Python files (gitignore-aware,
//! in parallel), reading and decoding them, running the engine over them on
//! all cores, turning engine results into report rows, and writing fixed
//! files back atomically behind an uncommitted-changes guard. The engine itself
//! never does IO; everything that can fail on a real tree fails here, per file,
//! as data.

mod discover;
mod fix;
mod git;
mod scan;
mod write;

pub use discover::{discover, DiscoverError, DiscoverOptions, Discovered};
pub use fix::{fix, FileFix, FixError, FixMode, FixOptions, FixRun};
pub use git::{uncommitted, DirtyFile};
pub use scan::{describe_check_error, display_path, scan, to_file_report, ScanOptions};
pub use write::{remove_stale_temp_files, write_atomically, WriteError};
