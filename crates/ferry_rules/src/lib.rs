//! Ferry's rule packs. Each pack is a folder; each rule is one file in it,
//! with its documentation in the file's leading `//!` comment and its fixtures
//! in a folder of the same name beside it.
//!
//! Adding a rule touches its own file and one line of its pack's
//! `register_rules!` list.

use std::sync::LazyLock;

use ferry_engine::{Pack, RegisteredRule};

/// Declares a pack's rule modules and registers them, one line per rule.
macro_rules! register_rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(mod $module;)*

        pub(crate) static RULES: &[ferry_engine::RegisteredRule] = &[
            $(ferry_engine::RegisteredRule {
                rule: &$module::$rule,
                source: include_str!(concat!(stringify!($module), ".rs")),
            }),*
        ];
    };
}

pub use ferry_packs::fixture;
pub mod httpx;
pub mod python;
pub mod websockets;

/// The packs a run loads when nothing names its packs: every built-in one.
/// Each applies only where a module imports its library (for the Python
/// pack, one of the standard library modules it names).
pub fn default_packs() -> &'static [&'static Pack] {
    all_packs()
}

/// Every pack Ferry ships.
pub fn all_packs() -> &'static [&'static Pack] {
    static PACKS: LazyLock<[&Pack; 3]> =
        LazyLock::new(|| [*websockets::PACK, *httpx::PACK, *python::PACK]);
    &*PACKS
}

/// The pack file a built-in pack is made from (its data rules), by name.
pub fn built_in_pack_file(name: &str) -> Option<&'static str> {
    match name {
        "websockets" => Some(websockets::DATA),
        "httpx" => Some(httpx::DATA),
        "python" => Some(python::DATA),
        _ => None,
    }
}

/// Looks a pack up by name.
pub fn pack(name: &str) -> Option<&'static Pack> {
    all_packs().iter().copied().find(|p| p.name == name)
}

/// Every rule's fixture folder in the source tree, with the rule's code,
/// sorted: a Rust rule's `src/<pack>/<rule module>/`, and a data rule's
/// `packs/<pack>/fixtures/<CODE>/`. For the tests that run every fixture.
pub fn fixture_dirs() -> Vec<(String, std::path::PathBuf)> {
    use std::path::Path;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = manifest
        .join("../..")
        .canonicalize()
        .expect("the source tree is there");
    let listed = |dir: &Path| -> Vec<std::path::PathBuf> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| Some(e.ok()?.path())).collect())
            .unwrap_or_default();
        paths.sort();
        paths
    };
    let code_of = |folder: &Path| -> Option<String> {
        let name = folder.file_name()?.to_str()?;
        let code = name.split('_').next()?.to_ascii_uppercase();
        find_rule(&code).map(|_| code)
    };
    let mut dirs = Vec::new();
    for pack in listed(&repo.join("crates/ferry_rules/src"))
        .iter()
        .filter(|p| p.is_dir())
    {
        for folder in listed(pack).into_iter().filter(|p| p.is_dir()) {
            if let Some(code) = code_of(&folder) {
                dirs.push((code, folder));
            }
        }
    }
    for pack in listed(&repo.join("packs")).iter().filter(|p| p.is_dir()) {
        for folder in listed(&pack.join("fixtures"))
            .into_iter()
            .filter(|p| p.is_dir())
        {
            if let Some(code) = code_of(&folder) {
                dirs.push((code, folder));
            }
        }
    }
    dirs.sort_by(|a, b| a.0.cmp(&b.0));
    dirs
}

pub use ferry_packs::pack_test::is_fixture_input;

/// Looks a rule up by code (case-insensitive), in every pack.
pub fn find_rule(code: &str) -> Option<(&'static Pack, &'static RegisteredRule)> {
    all_packs().iter().find_map(|pack| {
        pack.rules
            .iter()
            .find(|r| r.code().eq_ignore_ascii_case(code))
            .map(|r| (*pack, r))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut seen = HashSet::new();
        for pack in all_packs() {
            for rule in pack.rules {
                assert!(seen.insert(rule.code()), "duplicate code {}", rule.code());
                let doc = rule.doc();
                for section in [
                    "## What it does",
                    "## Why is this bad",
                    "## Example",
                    "## Fix safety",
                ] {
                    assert!(doc.contains(section), "{} doc lacks {section}", rule.code());
                }
                assert!(
                    !rule.summary().is_empty(),
                    "{} doc needs a summary line",
                    rule.code()
                );
            }
        }
    }

    #[test]
    fn packs_name_the_packages_their_triggers_spell() {
        // Rules that need an import run only where one of `packages` is
        // imported, and only in files that spell a trigger (a whole word):
        // every import of each package must spell one.
        for pack in all_packs() {
            assert!(!pack.packages.is_empty(), "{} lists no packages", pack.name);
            for package in pack.packages {
                for statement in [
                    format!("import {package}"),
                    format!("from {package} import x"),
                    format!("from {package}.x import y"),
                ] {
                    let mut words = statement.split([' ', '.']);
                    assert!(
                        words.any(|word| pack.triggers.contains(&word)),
                        "{}: `{statement}` spells no trigger",
                        pack.name
                    );
                }
            }
        }
    }

    #[test]
    fn rules_are_found_by_code() {
        let (pack, rule) = find_rule("ws001").expect("WS001 is registered");
        assert_eq!(pack.name, "websockets");
        assert_eq!(rule.rule.name(), "ConnectExtraHeaders");
    }
}
