//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::color::ColorChoice;
use crate::exit;

#[derive(Debug, Parser)]
#[command(
    name = "ferry",
    version,
    about = "Carries Python codebases across breaking changes in the libraries they depend on.",
    after_help = exit::ALL
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the output: `auto` colours what goes to a terminal, unless
    /// NO_COLOR is set (FORCE_COLOR colours it anywhere).
    #[arg(long, value_enum, global = true, default_value_t, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every affected use, resolved through imports and aliases.
    #[command(after_help = exit::SCAN)]
    Scan(ScanArgs),
    /// Apply the safe fixes (format-preserving; atomic writes; never a file that no longer parses).
    #[command(after_help = exit::FIX)]
    Fix(FixArgs),
    /// List the rules of every pack.
    #[command(after_help = exit::RULES)]
    Rules(RulesArgs),
    /// Print a rule's documentation.
    #[command(after_help = exit::EXPLAIN)]
    Explain(ExplainArgs),
    /// Ask the project's Python what is installed, and what that means for this project.
    ///
    /// Prints the Python, websockets and pytest versions; for each websockets function the
    /// rules know, which implementation it is and which keywords it takes; and which of the
    /// project's uses fail with the installed version.
    #[command(after_help = exit::DOCTOR)]
    Doctor(DoctorArgs),
    /// Byte-compile Python files with the project's Python and collect test files with pytest.
    #[command(after_help = exit::VERIFY)]
    Verify(VerifyArgs),
    /// Try an upgrade in a copy: a worktree of HEAD, the project's tests on the environment
    /// pinned today and on one with the new version after `ferry fix`; changes nothing until
    /// --apply or --branch.
    #[command(after_help = exit::UPGRADE)]
    Upgrade(UpgradeArgs),
    /// Show, phase by phase, what is affected and what `ferry fix --phase` would do.
    #[command(after_help = exit::PLAN)]
    Plan(PlanArgs),
    /// Write the completion report: per-file table, summary, progress by phase, risks, next steps.
    ///
    /// Every number is computed from the code. With --since REV, findings resolved since that
    /// git revision count as changes applied (old files are read through git; nothing is
    /// checked out).
    #[command(after_help = exit::REPORT)]
    Report(ReportArgs),
    /// Write a starting ferry.toml, with phases proposed from where the findings are.
    #[command(after_help = exit::INIT)]
    Init(InitArgs),
    /// Check a pack file, or run a pack folder's fixtures (packs as data: docs/packs.md).
    #[command(subcommand)]
    Pack(PackCommand),
    /// Print Ferry's version (as `ferry --version` does).
    Version,
}

#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Check a pack file: its format, its rules' fields, and that its codes collide with no
    /// built-in pack's.
    #[command(after_help = exit::PACK)]
    Check(PackCheckArgs),
    /// Run a pack folder's fixtures (`pack.toml`, `fixtures/<CODE>/NAME.py` with
    /// `NAME.fixed.py`, and negative `NAME.clean.py`).
    #[command(after_help = exit::PACK)]
    Test(PackTestArgs),
    /// Draft a pack from two releases of a library: install both, ask each for its public
    /// API, and write what changed as rules a human reviews.
    #[command(after_help = exit::PACK_DRAFT)]
    Draft(PackDraftArgs),
}

#[derive(Debug, clap::Args)]
pub struct PackDraftArgs {
    /// The library, as requirements spell it (`websockets`).
    pub library: String,
    /// The release before the break, e.g. `13.1`.
    pub old: String,
    /// The release after it, e.g. `15.0.1`.
    pub new: String,
    /// Write the pack to this file (default: stdout).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Install the old release from this wheel file rather than the package index.
    #[arg(long, value_name = "WHEEL")]
    pub wheel_old: Option<PathBuf>,
    /// Install the new release from this wheel file rather than the package index.
    #[arg(long, value_name = "WHEEL")]
    pub wheel_new: Option<PathBuf>,
    /// A folder of wheels pip may install the releases from, besides the package index.
    #[arg(long, value_name = "DIR")]
    pub find_links: Vec<PathBuf>,
    /// The Python to make the venvs with (default: found as `ferry doctor` finds it).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// The rules' code prefix (default: the library's first letters, e.g. `WEBS`).
    #[arg(long, value_name = "LETTERS")]
    pub prefix: Option<String>,
    /// Stop installing a release after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub timeout: u64,
    /// Give up on importing one module of the library after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub import_timeout: u64,
    /// Then scan this project with the draft alone (as if on the new release), to see
    /// which drafted rules its code meets.
    #[arg(long, value_name = "PATH", requires = "output")]
    pub against: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("releases").args(["old", "new"]).multiple(true)))]
pub struct PackCheckArgs {
    /// The pack file (`pack.toml`), or a pack folder holding one.
    pub file: PathBuf,
    /// Also check the pack's facts on this release of its library (the last one before
    /// the break), installed in a cached venv, e.g. `httpx==0.27.2`.
    #[arg(long, value_name = "LIB==VERSION", requires = "new")]
    pub old: Option<String>,
    /// ... and on this one (where the rules' changes happened), e.g. `httpx==0.28.1`.
    #[arg(long, value_name = "LIB==VERSION", requires = "old")]
    pub new: Option<String>,
    /// A folder of wheels pip may install the releases from, besides the package index.
    #[arg(long, value_name = "DIR", requires = "releases")]
    pub find_links: Vec<PathBuf>,
    /// The Python to make the venvs with (default: found as `ferry doctor` finds it).
    #[arg(long, value_name = "PATH", requires = "releases")]
    pub python: Option<PathBuf>,
    /// For a pack about `python`: check each rule on the interpreter before its `since`
    /// (where its names must still exist) and on its `since` (where they must be gone),
    /// with the interpreters found as `ferry doctor` finds them.
    #[arg(long, conflicts_with = "releases")]
    pub at_removal: bool,
    /// Stop installing a release after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub timeout: u64,
}

#[derive(Debug, clap::Args)]
pub struct PackTestArgs {
    /// The pack folder: `pack.toml` and `fixtures/`.
    pub dir: PathBuf,
    /// Write each fixture's `NAME.fixed.py` from what the fix gives (removing it where
    /// nothing changes), then review the changes with `git diff`.
    #[arg(long)]
    pub update: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// `scan` writes text (`full`: each finding with its source line and carets
/// under it, as ruff's full output; `concise`: one line per finding; `text`
/// is `full`), JSON, SARIF for code-scanning upload, and GitHub Actions'
/// workflow commands, for annotations on a pull request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    #[default]
    #[value(alias = "text")]
    Full,
    Concise,
    Json,
    Sarif,
    Github,
}

/// `fix` writes what is left as `scan` does (`full` or `concise`), or one
/// JSON document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    #[default]
    #[value(alias = "text")]
    Full,
    Concise,
    Json,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    #[default]
    Markdown,
    Json,
    Sarif,
    Text,
}

#[derive(Debug, Clone, Default, clap::Args)]
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
    /// The library version to migrate to, e.g. `websockets==15.0.1` (default: the
    /// configuration's `target`, else what the project pins, else the newest).
    #[arg(long, value_name = "LIB==VERSION")]
    pub target: Vec<String>,
    /// Only the files of these phases (repeatable or comma-separated; `unphased` is the
    /// phase of files no configured phase matches).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub phase: Vec<String>,
    /// The configuration file (default: the nearest ferry.toml or pyproject.toml with
    /// [tool.ferry] above the current folder, else above the given paths).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Also run the rules of this pack: a pack file (see docs/packs.md), or a built-in
    /// pack's name (`python`), for a configuration whose `packs` leave it out. Repeatable.
    #[arg(long, value_name = "FILE|NAME")]
    pub pack: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// `full` shows each finding's line with carets under it; `concise` one line per
    /// finding (`text` is `full`).
    #[arg(long, value_enum, default_value_t, visible_alias = "output-format")]
    pub format: ScanFormat,
    /// Also list every mention in comments, strings and docstrings.
    #[arg(long)]
    pub show_mentions: bool,
    /// Also list the findings silenced by a `# noqa` comment.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Print only the findings (and errors), no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// With `-` as the path: the name of the text on stdin (for messages and for the
    /// requirements that decide its targets), e.g. an editor's unsaved buffer.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Parse every file, not only those containing a pack's words (slower;
    /// also reports syntax errors in files that cannot have a finding; the
    /// findings are the same).
    #[arg(long)]
    pub no_prefilter: bool,
    /// Also print on stderr the files discovered, read and parsed, the wall time, and what
    /// the walk skipped and why.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("verification").args(["verify", "verify_tests"]).multiple(true)))]
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
    /// Fix files even if they are not in a git work tree (then nothing can show or undo
    /// the change). `--diff`, `--check` and `fix -` write nothing and never need it.
    #[arg(long)]
    pub allow_no_vcs: bool,
    /// Check the result with the project's Python: collect the test files about to change
    /// before writing, then byte-compile the changed files and collect again; a new error or
    /// fewer tests is a failure (exit 1).
    #[arg(long, conflicts_with_all = ["diff", "check"])]
    pub verify: bool,
    /// Print only what is left (findings and errors), no summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also print on stderr the files discovered, read and parsed, the wall time, and what
    /// the walk skipped and why.
    #[arg(long, short)]
    pub verbose: bool,
    /// With `-` as the path: the name of the text on stdin; the fixed text goes to stdout.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// How what is left is shown: `full` (each finding's line with carets under it) or
    /// `concise` (one line per finding); `json`: one document on stdout saying, per file,
    /// what was applied, what is left and what was refused (for editors and bots), with
    /// the usual lines on stderr.
    #[arg(long, value_enum, default_value_t, visible_alias = "output-format")]
    pub format: FixFormat,
    /// Run the project's own tests before writing and after, and compare them test by test
    /// (see `ferry verify --tests`); a test that passed before and fails after is a failure
    /// (exit 1).
    #[arg(long, conflicts_with_all = ["diff", "check"])]
    pub verify_tests: bool,
    /// With --verify-tests: stop each run of the suite after this many seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 900,
        requires = "verify_tests"
    )]
    pub tests_timeout: u64,
    /// With --verify: restore the files that fail verification to their original bytes.
    /// With --verify-tests: restore every file the fix wrote when a test that passed before
    /// fails after (files changed since Ferry wrote them are left, and named).
    #[arg(long, requires = "verification")]
    pub rollback_on_failure: bool,
    /// With --verify or --verify-tests: run Python with `-W error::DeprecationWarning`, so
    /// imports of deprecated modules (websockets.legacy) fail.
    #[arg(long, requires = "verification")]
    pub warnings_as_errors: bool,
    /// With --verify or --verify-tests: the project's Python (default: $VIRTUAL_ENV, else
    /// .venv/ or venv/ at the project root, else python3 on PATH).
    #[arg(long, value_name = "PATH", requires = "verification")]
    pub python: Option<PathBuf>,
    /// Also write the completion report of this run to FILE (its format from the
    /// extension: .md, .json, .sarif or .txt; or --report-format).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["diff", "check"])]
    pub report: Option<PathBuf>,
    /// The format of --report.
    #[arg(long, value_enum, requires = "report")]
    pub report_format: Option<ReportFormat>,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub selection: Selection,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// The format (default: from --output's extension, .md, .json, .sarif or .txt; else
    /// markdown).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Count the findings resolved since this git revision as changes applied.
    #[arg(long, value_name = "GIT_REV")]
    pub since: Option<String>,
    /// Also verify the report's files with the project's Python (py_compile, pytest
    /// --collect-only) and put the results in the report.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: the project's Python (default: $VIRTUAL_ENV, else .venv/ or venv/ at
    /// the project root, else python3 on PATH).
    #[arg(long, value_name = "PATH", requires = "verify")]
    pub python: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The project folder (default: the current folder).
    pub path: Option<PathBuf>,
    /// Print the proposed configuration instead of writing it.
    #[arg(long)]
    pub stdout: bool,
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
    /// Only the files of these phases (see `ferry plan`).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub phase: Vec<String>,
    /// The configuration file that defines the phases (default: the nearest one).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The project's Python (default: $VIRTUAL_ENV, else .venv/ or venv/ at the project
    /// root, else python3 on PATH).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Collect with `-W error::DeprecationWarning`, so imports of deprecated modules
    /// (websockets.legacy) fail.
    #[arg(long)]
    pub warnings_as_errors: bool,
    /// Run the project's own tests instead (pytest, or `test-command` of ferry.toml), record
    /// the run under .ferry/runs/, and compare it test by test with the run before: fixed,
    /// broken, still failing, added, removed. With --phase, only the phase's test files.
    #[arg(long)]
    pub tests: bool,
    /// With --tests: stop the suite (its whole process group) after this many seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 900,
        requires = "tests"
    )]
    pub timeout: u64,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, clap::Args)]
pub struct UpgradeArgs {
    /// The library and the version to try, e.g. `websockets==15.0.1`.
    #[arg(value_name = "LIBRARY==VERSION")]
    pub target: String,
    /// A folder of the project (default: the current folder); the trial is of its git work
    /// tree's HEAD.
    pub path: Option<PathBuf>,
    /// Also apply the unsafe fixes in the trial.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Write the trial's changes into the working tree once it is done.
    #[arg(long, conflicts_with = "branch")]
    pub apply: bool,
    /// Commit the trial's changes on a new branch NAME instead.
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Keep the trial's worktree (under .ferry/trials/) for inspection.
    #[arg(long)]
    pub keep: bool,
    /// The Python the trial's environments are made with (default: the project's).
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Stop each install and each run of the tests after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 900)]
    pub timeout: u64,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Also list the rules of this pack: a pack file, or a built-in pack's name (repeatable).
    #[arg(long, value_name = "FILE|NAME")]
    pub pack: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule code, e.g. `WS001`.
    pub code: String,
    /// Also look in this pack file (repeatable).
    #[arg(long, value_name = "FILE")]
    pub pack: Vec<PathBuf>,
}
