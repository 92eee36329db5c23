//! `move-name` and `rename-attribute`: qualified names that moved. Every
//! reference in a file (the `from` import and its uses, `package.….X`
//! chains with the import they then need, base classes) changes in one
//! fix, or the finding says why it cannot.

use ferry_engine::{Applicability, Checker, Fix};
use ferry_python::ast::ModModule;

use super::DataRule;
use crate::moves::{collect_renames, Moves};

pub fn check(
    rule: &DataRule,
    moves: &[(String, String)],
    module: &ModModule,
    checker: &mut Checker<'_>,
) {
    let replacement = |qualified: &str| {
        moves
            .iter()
            .find(|(old, _)| old == qualified)
            .and_then(|(_, new)| new.rsplit_once('.'))
    };
    let renames = collect_renames(
        module,
        checker,
        &Moves {
            names: &rule.words,
            replacement: &replacement,
        },
        None,
    );
    let Some(first) = renames.first else { return };
    let message = rule.message(&super::Vars::default(), || {
        // The moves this file makes, not every move of the rule.
        let listed: Vec<String> = moves
            .iter()
            .filter(|(old, _)| renames.seen.contains(old))
            .map(|(old, new)| format!("`{old}` is `{new}`"))
            .collect();
        format!("{} from {}", listed.join(", "), rule.since_text())
    });
    if let Some((range, why)) = renames.blocker {
        checker.report(range, format!("{message}; {why}"), None);
        return;
    }
    if renames.edits.is_empty() {
        // Seen only through names Ferry does not rewrite (an aliased
        // module, the package itself): nothing to offer but the finding.
        checker.report(
            first,
            format!("{message}; Ferry cannot rewrite this reference: change it by hand"),
            None,
        );
        return;
    }
    let fix = Fix {
        title: rule.title(&super::Vars::default(), || match moves {
            [(_, new)] => format!("Use `{new}`"),
            _ => "Use the new names".to_string(),
        }),
        edits: renames.edits,
        applicability: Applicability::Safe,
        requires: Some(rule.requires),
    };
    checker.report(first, message, Some(fix));
}
