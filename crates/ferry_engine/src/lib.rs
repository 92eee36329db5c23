//! The rule engine: text in, findings and fixed text out. It never touches the disk.
//!
//! A [`Pack`] is a set of [`Rule`]s for one library. [`check_source`] decodes
//! nothing and reads nothing: it takes text, parses it once, builds the
//! semantic model once, walks the tree once dispatching every node to every
//! enabled rule, and classifies the file ([`FileStatus`]). [`fix_source`]
//! applies fixes to a bounded fixpoint and refuses any result that no longer
//! parses.

mod check;
mod edit;
mod finding;
mod guards;
mod rule;
mod settings;
mod spelling;
mod suppression;

pub use check::{
    check_source, check_spelled, fix_source, fix_spelled, CheckError, FileCheck, FileStatus,
    FixOutcome, Prefilter, Spelled,
};
pub use edit::{apply_edits, remove_argument, Edit, EditError};
pub use finding::{Applicability, Finding, Fix, FixKind};
pub use rule::{
    Checker, Migration, ModuleImplementation, Pack, PinBumpRule, ProbeSpec, RegisteredRule, Rule,
    RuleGate,
};
pub use settings::{Floor, Release, RuleSelection, Settings, Version, VersionParseError};
pub use spelling::{may_refer_to, Imports};
