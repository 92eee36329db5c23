//! Ferry's contact with the project's real Python. A migration is done only
//! when the project's own interpreter accepts the result, so this crate asks
//! it, in subprocesses with a clean environment and a timeout: which
//! interpreter is the project's (`interpreter`), what the installed library
//! really is and which keywords its functions take (`probe`, for `ferry
//! doctor`), whether files still byte-compile (`compile`, one batch) and what
//! pytest collects from test files (`collect`, per file), and what that means
//! before and after a fix (`verify`), and the project's own test suite, run,
//! recorded under `.ferry/runs/` and compared test by test (`suite`). Doctor's conclusions are gathered in
//! `doctor`, with the project's declared requirements (`requirements`, data
//! the CLI fills from `ferry_workspace::pins`).
//!
//! Every result is plain serialisable data, so reports can carry it. A
//! missing interpreter or pytest is a [`VerifyError`], never a panic; a file
//! that does not compile or collect is a result, not an error.

mod api;
mod collect;
mod compile;
mod doctor;
mod envs;
mod error;
mod interpreter;
mod introspect;
mod probe;
mod process;
mod requirements;
mod suite;
mod verify;

pub use api::{look_up_names, ApiName, ApiParameter, ApiReport};
pub use collect::{
    collect, is_test_file, pytest_version, regression, CollectOptions, Collection, CollectionError,
    Regression,
};
pub use compile::{compile_files, CompileError};
pub use doctor::{DoctorReport, FailingUse, PackDoctor, RuntimeVerdict};
pub use envs::{abandon_build, ensure_env, EnvSpec};
pub use error::VerifyError;
pub use interpreter::{
    find_release, locate, project_root, InterpreterRequest, InterpreterSource, Located, Python,
};
pub use introspect::take_inventory;
pub use probe::{
    probe, FunctionProbe, Implementation, KeywordSupport, ModuleImplementation, ProbeReport,
    ProbeSpec, SUPPORTED_MEANS,
};
pub use process::end_group_in;
pub use requirements::{DeclaredRequirement, RequirementCheck};
pub use suite::{
    compare, parse_junit, recorded_runs, run_suite, Comparison, Counts, Outcome, SuiteOptions,
    SuiteRun, RUNS_DIR,
};
pub use verify::{judge, Failure, FileState, FileVerification, SourceFile, Verifier, VerifyReport};
