//! Packs as data. A pack is a TOML file: a library, its breaking release,
//! and rules, each an instance of one of a closed set of kinds
//! ([`kinds`]), matched on names resolved through imports and scopes,
//! never on text. [`load_pack`] reads and checks a pack's text and turns it
//! into an engine [`Pack`] whose rules run beside the Rust ones; the format
//! is documented in `docs/packs.md`.
//!
//! The kinds' shared machinery ([`moves`], [`imports`]) is also what the
//! built-in packs' Rust rules use for the same jobs.

pub mod draft;
pub mod fixture;
pub mod format;
pub mod imports;
pub mod keyword_dicts;
pub mod kinds;
pub mod moves;
pub mod pack_test;
pub mod release_check;

use std::path::{Path, PathBuf};

use ferry_engine::{Migration, Pack, PinBumpRule, RegisteredRule, RuleGate};

pub use format::{parse_pack, FormatError, Kind, PackSpec, RuleSpec};
use kinds::{leak, DataRule};

/// Why a pack file cannot be used: the file, the line, the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    #[error("{}: cannot read the pack: {reason}", file.display())]
    Read { file: PathBuf, reason: String },
    #[error("{}{}: {message}", file.display(), if *line > 0 { format!(":{line}") } else { String::new() })]
    Invalid {
        file: PathBuf,
        line: usize,
        message: String,
    },
}

/// Reads, checks and loads the pack file at `path`.
pub fn load_pack_file(path: &Path) -> Result<&'static Pack, PackError> {
    let spec = read_pack_file(path)?;
    Ok(build_pack(&spec))
}

/// Reads and checks the pack file at `path`, without loading it.
pub fn read_pack_file(path: &Path) -> Result<PackSpec, PackError> {
    let bytes = std::fs::read(path).map_err(|err| PackError::Read {
        file: path.to_path_buf(),
        reason: err.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| PackError::Invalid {
        file: path.to_path_buf(),
        line: 0,
        message: "the file is not UTF-8 text".to_string(),
    })?;
    parse_pack(&text).map_err(|err| PackError::Invalid {
        file: path.to_path_buf(),
        line: err.line,
        message: err.message,
    })
}

/// Loads pack text (a built-in pack's, embedded in the binary).
pub fn load_pack(text: &str, origin: &Path) -> Result<&'static Pack, PackError> {
    let spec = parse_pack(text).map_err(|err| PackError::Invalid {
        file: origin.to_path_buf(),
        line: err.line,
        message: err.message,
    })?;
    Ok(build_pack(&spec))
}

/// The engine pack of a checked spec. It lives until the process ends, as
/// the built-in packs do: a run loads each pack once.
pub fn build_pack(spec: &PackSpec) -> &'static Pack {
    let library = &spec.library;
    let rules = data_rules(spec);
    let packages: Vec<&'static str> = library.packages.iter().map(|p| leak(p.as_str())).collect();
    // Every rule needs an import of one of the packages, which spells it.
    // The interpreter's pack names standard library modules most files
    // import (`re`, `typing`): as triggers they would gate little and slow
    // the byte search (`re` is inside most words), where `import` gates as
    // much; the import statements are then read before any rule's words.
    let triggers = if library.name == "python" {
        vec!["import"]
    } else {
        packages.clone()
    };
    let mention_words: Vec<&'static str> = spec
        .mention_words
        .iter()
        .map(|w| leak(w.as_str()))
        .collect();
    let pin_bump_code = leak(format!("{}900", spec.prefix));
    let pin_bump_summary = leak(format!(
        "A {} requirement that excludes the version given with `--target`, raised so that it allows it (unsafe fix in the requirement file).",
        library.name
    ));
    let pin_bump_doc = leak(pin_bump_doc(spec));
    Box::leak(Box::new(Pack {
        name: leak(spec.name.as_str()),
        summary: leak(spec.summary.as_str()),
        library: leak(library.name.as_str()),
        rules: Box::leak(rules.into_boxed_slice()),
        triggers: Box::leak(triggers.into_boxed_slice()),
        mention_words: Box::leak(mention_words.into_boxed_slice()),
        packages: Box::leak(packages.into_boxed_slice()),
        migration: Some(Migration {
            breaking_since: library.breaking,
            recommended_floor: leak(library.floor.as_str()),
            example_target: leak(library.example_target.as_str()),
            below_means: leak(format!(
                "the code is written for {} below {}",
                library.name,
                library.breaking.spoken()
            )),
            pin_bump: PinBumpRule {
                code: pin_bump_code,
                name: "RequirementExcludesTarget",
                summary: pin_bump_summary,
                doc: pin_bump_doc,
            },
        }),
        probe: None,
        gate: RuleGate::new(),
    }))
}

/// The rules of a checked spec, for a pack that also has Rust rules (a
/// built-in pack). They live until the process ends.
pub fn data_rules(spec: &PackSpec) -> Vec<RegisteredRule> {
    spec.rules
        .iter()
        .map(|rule| RegisteredRule {
            rule: Box::leak(Box::new(DataRule::new(rule, &spec.library.name))),
            source: "",
        })
        .collect()
}

/// The pin bump's documentation, with the sections every rule's has.
fn pin_bump_doc(spec: &PackSpec) -> String {
    let library = &spec.library;
    format!(
        "A {name} requirement that excludes the version given with `--target`.\n\n\
         ## What it does\n\
         Finds requirement lines (requirements files, `pyproject.toml`, `setup.cfg`, `setup.py`, Pipfile) \
         whose specifier for `{name}` excludes the release `--target` names.\n\n\
         ## Why is this bad\n\
         The fixes make the code right for the target; a requirement that still holds {name} below \
         {breaking} installs the release the fixed code no longer fits.\n\n\
         ## Example\n\
         ```text\n{name}<{breaking}\n```\n\
         Use instead:\n\
         ```text\n{name}>={floor}\n```\n\n\
         ## Fix safety\n\
         Unsafe: raising a requirement changes what gets installed; review it with the rest of the upgrade.",
        name = library.name,
        breaking = library.breaking,
        floor = library.floor,
    )
}
