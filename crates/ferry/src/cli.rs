//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "Exit codes:
  0  nothing left to do
  1  findings remain (scan), files would change (fix --check), verification
     failed (verify, fix --verify), or doctor found a problem
  2  usage, configuration or IO error, or a file that could not be read, decoded or parsed";

#[derive(Debug, Parser)]
#[command(
    name = "ferry",
    version,
    about = "Carries Python codebases across breaking changes in the libraries they depend on.",
    after_help = EXIT_CODES
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every affected use, resolved through imports and aliases.
    #[command(after_help = EXIT_CODES)]
    Scan(ScanArgs),
    /// Apply the safe fixes (format-preserving; atomic writes; never a file that no longer parses).
    #[command(after_help = EXIT_CODES)]
    Fix(FixArgs),
    /// List the rules of every pack.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain(ExplainArgs),
    /// Ask the project's Python what is installed, and what that means for this project.
    ///
    /// Prints the Python, websockets and pytest versions; for each websockets function the
    /// rules know, which implementation it is and which keywords it takes; and which of the
    /// project's uses fail with the installed version.
    #[command(after_help = EXIT_CODES)]
    Doctor(DoctorArgs),
    /// Byte-compile Python files with the project's Python and collect test files with pytest.
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyArgs),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Selection {
    /// Files or folders to check (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Only these rule codes or prefixes, comma-separated (e.g. `WS001,WS002`).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rule codes or prefixes, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Skip paths matching this glob (repeatable), e.g. `legacy/**` or `*_pb2.py`.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The library version to migrate to, e.g. `websockets==15.0.1` (default: the newest).
    #[arg(long, value_name = "LIB==VERSION")]
    pub target: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub selection: Selection,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Also list every mention in comments, strings and docstrings.
    #[arg(long)]
    pub show_mentions: bool,
    /// Parse every file, not only those containing a pack's words (slower;
    /// also reports syntax errors in files that cannot have a finding).
    #[arg(long)]
    pub no_prefilter: bool,
}

#[derive(Debug, clap::Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Also apply unsafe fixes (right in the usual case; review the diff).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of what would change; write nothing (exit 1 if anything would change).
    #[arg(long)]
    pub diff: bool,
    /// Write nothing; exit 1 if anything would change (for CI and pre-commit).
    #[arg(long)]
    pub check: bool,
    /// Fix files even if they have uncommitted changes in git.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Check the result with the project's Python: collect the test files about to change
    /// before writing, then byte-compile the changed files and collect again; a new error or
    /// fewer tests is a failure (exit 1).
    #[arg(long, conflicts_with_all = ["diff", "check"])]
    pub verify: bool,
    /// With --verify: restore the files that fail verification to their original bytes.
    #[arg(long, requires = "verify")]
    pub rollback_on_failure: bool,
    /// With --verify: collect with `-W error::DeprecationWarning`, so imports of deprecated
    /// modules (websockets.legacy) fail.
    #[arg(long, requires = "verify")]
    pub warnings_as_errors: bool,
    /// With --verify: the project's Python (default: $VIRTUAL_ENV, else .venv/ or venv/ at
    /// the project root, else python3 on PATH).
    #[arg(long, value_name = "PATH", requires = "verify")]
    pub python: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// The project folder (default: the current folder).
    pub path: Option<PathBuf>,
    /// The project's Python (default: $VIRTUAL_ENV, else .venv/ or venv/ at the project
    /// root, else python3 on PATH).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Files or folders to verify (default: the current folder); folders give their Python files.
    pub paths: Vec<PathBuf>,
    /// The project's Python (default: $VIRTUAL_ENV, else .venv/ or venv/ at the project
    /// root, else python3 on PATH).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Collect with `-W error::DeprecationWarning`, so imports of deprecated modules
    /// (websockets.legacy) fail.
    #[arg(long)]
    pub warnings_as_errors: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule code, e.g. `WS001`.
    pub code: String,
}
