//! Where Ferry meets the disk: discovering Python files (gitignore-aware,
//! in parallel), reading and decoding them, running the engine over them on
//! all cores, and turning engine results into report rows. The engine itself
//! never does IO; everything that can fail on a real tree fails here, per file,
//! as data.

mod discover;
mod scan;

pub use discover::{discover, DiscoverError, DiscoverOptions, Discovered};
pub use scan::{describe_check_error, display_path, scan, to_file_report, ScanOptions};
